// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {NitroFixtures} from "./utils/NitroFixtures.sol";
import {ParserHarness} from "./harness/ParserHarness.sol";
import {CborDecode} from "../src/lib/CborDecode.sol";
import {NitroDocument} from "../src/lib/NitroDocument.sol";

contract NitroDocumentTest is NitroFixtures {
    ParserHarness internal h;

    function setUp() public {
        h = new ParserHarness();
    }

    // ------------------------------------------------------------------ helpers

    /// The payload content (without its byte-string head) and the signature of a real document.
    function _parts(string memory path) internal view returns (bytes memory payload, bytes memory signature) {
        ParserHarness.DocView memory v = h.parseDocument(_load(path));
        // Real payloads are 256..65535 bytes: a 3-byte head (0x59 + 2 length bytes).
        assertEq(uint8(v.payloadWithHead[0]), 0x59, "2-byte length head");
        payload = _slice(v.payloadWithHead, 3, v.payloadWithHead.length);
        signature = v.signature;
    }

    function _text(string memory s) internal pure returns (bytes memory) {
        return bytes.concat(_cborHead(3, bytes(s).length), bytes(s));
    }

    function _bstr(bytes memory b) internal pure returns (bytes memory) {
        return bytes.concat(_cborHead(2, b.length), b);
    }

    /// A syntactically complete payload (certificates are opaque bytes to the parser) with `pcrs` as the
    /// encoded pcrs map and `extra` appended as `extraCount` more map entries.
    function _payload(bytes memory pcrs, bytes memory extra, uint256 extraCount) internal pure returns (bytes memory) {
        bytes memory head = bytes.concat(
            _cborHead(5, 6 + extraCount), _text("module_id"), _text("i-0123"), _text("digest"), _text("SHA384")
        );
        bytes memory time = bytes.concat(_text("timestamp"), _cborHead(0, 1700000000000));
        bytes memory certs = bytes.concat(_text("certificate"), _bstr(hex"30"), _text("cabundle"), hex"81");
        certs = bytes.concat(certs, _bstr(hex"30"), extra);
        head = bytes.concat(head, time, _text("pcrs"));
        return bytes.concat(head, pcrs, certs);
    }

    function _onePcr(uint256 index, uint256 len) internal pure returns (bytes memory) {
        return bytes.concat(hex"a1", _cborHead(0, index), _bstr(new bytes(len)));
    }

    function _sig() internal pure returns (bytes memory) {
        return new bytes(96);
    }

    function _expectRejected(bytes memory doc, bytes memory err) internal {
        vm.expectRevert(err);
        h.parseDocument(doc);
    }

    // ------------------------------------------------------------------ real documents

    function testParsesEvervault() public view {
        ParserHarness.DocView memory v = h.parseDocument(_load(EVERVAULT));
        assertEq(v.timestampMs, EVERVAULT_TS_MS, "timestamp ms");
        assertEq(v.moduleId, bytes("i-020b6af9246d90e92-enc0183d09086c24190"), "module_id");
        assertEq(v.pcrMask, 0xffff, "PCRs 0..15");
        assertEq(v.pcrs[0].length, 48, "PCR0 48 bytes");
        assertEq(v.cabundle.length, 4, "cabundle");
        assertEq(keccak256(v.cabundle[0]), keccak256(_load(ROOT_DER)), "cabundle[0] = root");
        assertFalse(v.hasPublicKey, "public_key null");
        assertFalse(v.hasUserData, "user_data null");
        assertTrue(v.hasNonce, "nonce");
        assertEq(v.nonce.length, 256, "256-byte nonce");
        assertEq(v.signature.length, 96, "signature");
    }

    function testParsesMarlinAndAutomata() public view {
        ParserHarness.DocView memory m = h.parseDocument(_load(MARLIN));
        assertEq(m.timestampMs, MARLIN_TS_MS, "marlin timestamp");
        assertTrue(m.hasPublicKey && m.publicKey.length == 32, "marlin public_key");
        assertTrue(m.hasUserData && m.userData.length == 42, "marlin user_data");
        assertFalse(m.hasNonce, "marlin nonce null");
        ParserHarness.DocView memory a = h.parseDocument(_load(AUTOMATA));
        assertEq(a.timestampMs, AUTOMATA_TS_MS, "automata timestamp");
        assertEq(a.pcrs[0], new bytes(48), "debug PCR0 is zero");
        assertEq(a.nonce.length, 4, "automata nonce");
    }

    function testTaggedDocumentAccepted() public view {
        bytes memory doc = _load(MARLIN);
        ParserHarness.DocView memory v = h.parseDocument(bytes.concat(hex"d2", doc));
        assertEq(v.timestampMs, MARLIN_TS_MS, "same document under tag 18");
    }

    function testRebuiltDocumentIsIdentical() public view {
        (bytes memory payload, bytes memory sig) = _parts(EVERVAULT);
        assertEq(_cose(payload, sig), _load(EVERVAULT), "helper rebuilds AWS's exact bytes");
    }

    function testIndefiniteLengthMapsAccepted() public view {
        (bytes memory payload, bytes memory sig) = _parts(MARLIN);
        assertEq(uint8(payload[0]), 0xa9, "definite map of 9");
        payload[0] = 0xbf;
        bytes memory doc = _cose(bytes.concat(payload, hex"ff"), sig);
        ParserHarness.DocView memory v = h.parseDocument(doc);
        assertEq(v.timestampMs, MARLIN_TS_MS, "same fields");
        assertEq(v.pcrMask, 0xffff, "same pcrs");
        // Indefinite pcrs map and cabundle array as well.
        bytes memory p2 = _payload(bytes.concat(hex"bf", hex"00", _bstr(new bytes(48)), hex"ff"), "", 0);
        p2 = bytes.concat(hex"bf", _slice(p2, 1, p2.length), hex"ff");
        v = h.parseDocument(_cose(p2, _sig()));
        assertEq(v.pcrMask, 1, "indefinite pcrs");
        // Empty unprotected header as an indefinite map.
        doc = bytes.concat(hex"8444a1013822bfff", _bstr(payload), _bstr(sig));
        payload[0] = 0xa9;
        doc = bytes.concat(hex"8444a1013822bfff", _bstr(payload), _bstr(sig));
        v = h.parseDocument(doc);
        assertEq(v.timestampMs, MARLIN_TS_MS, "indefinite empty unprotected map");
    }

    function testNullOptionalsAndMinimalPayload() public view {
        bytes memory extra = bytes.concat(_text("public_key"), hex"f6", _text("user_data"), hex"f6");
        extra = bytes.concat(extra, _text("nonce"), hex"40");
        ParserHarness.DocView memory v = h.parseDocument(_cose(_payload(_onePcr(0, 48), extra, 3), _sig()));
        assertFalse(v.hasPublicKey, "null public_key");
        assertFalse(v.hasUserData, "null user_data");
        assertTrue(v.hasNonce, "empty nonce present");
        assertEq(v.nonce.length, 0, "empty nonce");
        assertEq(v.timestampMs, 1700000000000, "timestamp");
    }

    // ------------------------------------------------------------------ COSE envelope negatives

    function testRejectsWrongProtectedHeader() public {
        bytes memory doc = _load(EVERVAULT);
        doc[5] = 0x23; // {1: -36} (ES512)
        _expectRejected(doc, abi.encodeWithSelector(NitroDocument.NitroBadCose.selector, bytes32("protected")));
        doc = _load(EVERVAULT);
        doc[1] = 0x43; // 3-byte protected header
        _expectRejected(doc, abi.encodeWithSelector(NitroDocument.NitroBadCose.selector, bytes32("protected")));
    }

    function testRejectsOtherTagAndShape() public {
        bytes memory doc = _load(EVERVAULT);
        _expectRejected(
            bytes.concat(hex"d1", doc),
            abi.encodeWithSelector(NitroDocument.NitroBadCose.selector, bytes32("COSE_Sign1"))
        );
        doc[0] = 0x83;
        _expectRejected(doc, abi.encodeWithSelector(NitroDocument.NitroBadCose.selector, bytes32("COSE_Sign1")));
    }

    function testRejectsNonEmptyUnprotectedHeader() public {
        (bytes memory payload, bytes memory sig) = _parts(EVERVAULT);
        bytes memory doc = bytes.concat(hex"8444a1013822a10440", _bstr(payload), _bstr(sig));
        _expectRejected(doc, abi.encodeWithSelector(NitroDocument.NitroBadCose.selector, bytes32("unprotected")));
    }

    function testRejectsTrailingBytes() public {
        bytes memory doc = bytes.concat(_load(EVERVAULT), hex"00");
        _expectRejected(doc, abi.encodeWithSelector(CborDecode.CborTrailingBytes.selector, doc.length - 1, doc.length));
        // Trailing bytes inside the payload byte string.
        (bytes memory payload, bytes memory sig) = _parts(EVERVAULT);
        doc = _cose(bytes.concat(payload, hex"00"), sig);
        uint256 payloadEnd = 7 + 3 + payload.length + 1;
        _expectRejected(doc, abi.encodeWithSelector(CborDecode.CborTrailingBytes.selector, payloadEnd - 1, payloadEnd));
    }

    function testRejectsShortSignature() public {
        (bytes memory payload, bytes memory sig) = _parts(EVERVAULT);
        _expectRejected(
            _cose(payload, _slice(sig, 0, 95)),
            abi.encodeWithSelector(NitroDocument.NitroBadCose.selector, bytes32("signature"))
        );
    }

    // ------------------------------------------------------------------ payload negatives

    function testRejectsDuplicateKey() public {
        (bytes memory payload, bytes memory sig) = _parts(EVERVAULT);
        payload[0] = 0xaa; // 10 entries
        bytes memory doc = _cose(bytes.concat(payload, _text("digest"), _text("SHA384")), sig);
        _expectRejected(doc, abi.encodeWithSelector(NitroDocument.NitroDuplicateField.selector, bytes32("digest")));
    }

    function testRejectsUnknownKey() public {
        (bytes memory payload, bytes memory sig) = _parts(EVERVAULT);
        payload[0] = 0xaa;
        bytes memory doc = _cose(bytes.concat(payload, _text("foo"), hex"00"), sig);
        _expectRejected(doc, abi.encodeWithSelector(NitroDocument.NitroUnknownField.selector, keccak256("foo")));
    }

    function testRejectsMissingField() public {
        bytes memory p = bytes.concat(hex"a1", _text("digest"), _text("SHA384"));
        _expectRejected(
            _cose(p, _sig()), abi.encodeWithSelector(NitroDocument.NitroMissingField.selector, bytes32("module_id"))
        );
    }

    function testRejectsOtherDigest() public {
        (bytes memory payload, bytes memory sig) = _parts(EVERVAULT);
        uint256 at = _indexOf(payload, bytes("SHA384"));
        payload[at + 4] = "5";
        payload[at + 5] = "6";
        _expectRejected(
            _cose(payload, sig), abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("digest"))
        );
    }

    function testRejectsBadPcrs() public {
        _expectRejected(
            _cose(_payload(_onePcr(32, 48), "", 0), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadPcr.selector, 32)
        );
        _expectRejected(
            _cose(_payload(_onePcr(3, 47), "", 0), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadPcr.selector, 3)
        );
        bytes memory dup = bytes.concat(hex"a2", hex"05", _bstr(new bytes(32)), hex"05", _bstr(new bytes(64)));
        _expectRejected(
            _cose(_payload(dup, "", 0), _sig()), abi.encodeWithSelector(NitroDocument.NitroBadPcr.selector, 5)
        );
        _expectRejected(
            _cose(_payload(hex"a0", "", 0), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("pcrs"))
        );
        // 33 entries.
        bytes memory many = hex"b821";
        for (uint256 i = 0; i < 33; ++i) {
            many = bytes.concat(many, _cborHead(0, i), _bstr(new bytes(32)));
        }
        _expectRejected(
            _cose(_payload(many, "", 0), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("pcrs"))
        );
    }

    function testPcrValueSizes() public view {
        bytes memory pcrs = bytes.concat(hex"a300", _bstr(new bytes(32)), hex"01", _bstr(new bytes(48)), hex"181f");
        pcrs = bytes.concat(pcrs, _bstr(new bytes(64)));
        ParserHarness.DocView memory v = h.parseDocument(_cose(_payload(pcrs, "", 0), _sig()));
        assertEq(v.pcrMask, (uint256(1) << 31) | 3, "PCRs 0, 1, 31");
        assertEq(v.pcrs[31].length, 64, "64-byte PCR");
    }

    function testRejectsOversizedOptionals() public {
        bytes memory extra = bytes.concat(_text("user_data"), _bstr(new bytes(513)));
        _expectRejected(
            _cose(_payload(_onePcr(0, 48), extra, 1), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("user_data"))
        );
        extra = bytes.concat(_text("nonce"), _bstr(new bytes(513)));
        _expectRejected(
            _cose(_payload(_onePcr(0, 48), extra, 1), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("nonce"))
        );
        extra = bytes.concat(_text("public_key"), hex"40");
        _expectRejected(
            _cose(_payload(_onePcr(0, 48), extra, 1), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("public_key"))
        );
        extra = bytes.concat(_text("public_key"), _bstr(new bytes(1025)));
        _expectRejected(
            _cose(_payload(_onePcr(0, 48), extra, 1), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("public_key"))
        );
        // Maximum sizes are accepted.
        extra = bytes.concat(_text("user_data"), _bstr(new bytes(512)), _text("nonce"), _bstr(new bytes(512)));
        h.parseDocument(_cose(_payload(_onePcr(0, 48), extra, 2), _sig()));
    }

    function testRejectsNestedValueWhereBytesExpected() public {
        // A map where the certificate byte string belongs: rejected by type, never descended into.
        bytes memory p = _payload(_onePcr(0, 48), "", 0);
        uint256 at = _indexOf(p, bytes.concat(_text("certificate"), hex"4130"));
        p[at + 12] = 0xa1; // map(1) ...
        p[at + 13] = 0xa0; // ... {map(0): ...} : not bytes
        _expectRejected(
            _cose(p, _sig()), abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("certificate"))
        );
    }

    function testRejectsEmptyOrLongCabundle() public {
        bytes memory p = _payload(_onePcr(0, 48), "", 0);
        uint256 at = _indexOf(p, hex"814130");
        p[at] = 0x80; // empty array, then a stray byte string: wrong count is caught first
        _expectRejected(
            _cose(p, _sig()), abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("cabundle"))
        );
    }

    function testDocumentSizeAndModuleIdBounds() public {
        bytes memory big = new bytes(16 * 1024 + 1);
        _expectRejected(big, abi.encodeWithSelector(NitroDocument.NitroBadCose.selector, bytes32("size")));
        // module_id of 256 bytes accepted, 257 rejected.
        bytes memory p = _payload(_onePcr(0, 48), "", 0);
        uint256 at = _indexOf(p, _text("i-0123"));
        bytes memory pre = _slice(p, 0, at);
        bytes memory post = _slice(p, at + 7, p.length);
        bytes memory id = new bytes(256);
        h.parseDocument(_cose(bytes.concat(pre, _text(string(id)), post), _sig()));
        _expectRejected(
            _cose(bytes.concat(pre, _text(string(new bytes(257))), post), _sig()),
            abi.encodeWithSelector(NitroDocument.NitroBadField.selector, bytes32("module_id"))
        );
    }

    // ------------------------------------------------------------------ fuzz

    function _assertParseError(bytes memory reason) internal pure {
        assertTrue(reason.length >= 4, "typed error, not an empty revert");
        bytes4[11] memory allowed = [
            CborDecode.CborTruncated.selector,
            CborDecode.CborUnsupported.selector,
            CborDecode.CborNonMinimal.selector,
            CborDecode.CborUnexpectedType.selector,
            CborDecode.CborTrailingBytes.selector,
            NitroDocument.NitroBadCose.selector,
            NitroDocument.NitroBadField.selector,
            NitroDocument.NitroMissingField.selector,
            NitroDocument.NitroDuplicateField.selector,
            NitroDocument.NitroUnknownField.selector,
            NitroDocument.NitroBadPcr.selector
        ];
        bytes4 s = bytes4(reason);
        for (uint256 i = 0; i < allowed.length; ++i) {
            if (s == allowed[i]) return;
        }
        revert AssertionFailed("only CBOR/document errors");
    }

    function testFuzzMutatedDocument(uint256 at, uint8 mask) public view {
        bytes memory doc = _load(AUTOMATA);
        bytes memory mutated = _flip(doc, at % doc.length, mask == 0 ? 0x80 : mask);
        try h.parseDocumentOnly(mutated) returns (uint64) {}
        catch (bytes memory reason) {
            _assertParseError(reason);
        }
    }

    /// Flips a byte in the first 600 bytes (the COSE heads and payload keys, where structure lives).
    function testFuzzMutatedDocumentHead(uint256 at, uint8 value) public view {
        bytes memory doc = _load(EVERVAULT);
        doc[at % 600] = bytes1(value);
        try h.parseDocumentOnly(doc) returns (uint64) {}
        catch (bytes memory reason) {
            _assertParseError(reason);
        }
    }

    function testFuzzTruncatedDocument(uint256 len) public view {
        bytes memory doc = _load(MARLIN);
        try h.parseDocumentOnly(_slice(doc, 0, len % doc.length)) returns (uint64) {
            revert AssertionFailed("truncated document accepted");
        } catch (bytes memory reason) {
            _assertParseError(reason);
        }
    }

    function testFuzzRandomPayload(bytes calldata payload) public view {
        try h.parseDocumentOnly(_cose(payload, _sig())) returns (uint64) {}
        catch (bytes memory reason) {
            _assertParseError(reason);
        }
    }
}
