// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {NitroFixtures} from "./utils/NitroFixtures.sol";
import {ParserHarness} from "./harness/ParserHarness.sol";
import {Asn1Decode} from "../src/lib/Asn1Decode.sol";
import {X509, X509Certificate} from "../src/lib/X509.sol";

contract X509Test is NitroFixtures {
    ParserHarness internal h;

    function setUp() public {
        h = new ParserHarness();
    }

    function _chain(string memory path) internal view returns (bytes[] memory certs) {
        ParserHarness.DocView memory v = h.parseDocument(_load(path));
        certs = new bytes[](v.cabundle.length + 1);
        for (uint256 i = 0; i < v.cabundle.length; ++i) {
            certs[i] = v.cabundle[i];
        }
        certs[v.cabundle.length] = v.certificate;
    }

    // ------------------------------------------------------------------ real certificates

    function testRootCertificate() public view {
        bytes memory root = _load(ROOT_DER);
        X509Certificate memory c = h.parseCert(root);
        assertEq(c.notBefore, ROOT_NOT_BEFORE, "notBefore 2019-10-28T13:28:05Z");
        assertEq(c.notAfter, ROOT_NOT_AFTER, "notAfter 2049-10-28T14:28:05Z");
        assertTrue(c.hasBasicConstraints && c.basicConstraintsCritical && c.isCA, "CA, critical");
        assertFalse(c.hasPathLen, "no pathLen on the root");
        assertTrue(c.hasKeyUsage && c.keyCertSign, "keyCertSign");
        assertEq(c.publicKey.length, 96, "P-384 point");
        assertEq(c.signature.length, 96, "r||s");
        (, bytes memory serial, bytes memory issuer, bytes memory subject) = h.certFields(root);
        assertEq(serial, hex"f93175681b90afe11d46ccb4e4e7f856", "serial magnitude (sign byte dropped)");
        assertEq(issuer, subject, "self-issued");
    }

    function testEvervaultChainFields() public view {
        bytes[] memory certs = _chain(EVERVAULT);
        assertEq(certs.length, 5, "root, 3 intermediates, leaf");
        assertEq(keccak256(certs[0]), keccak256(_load(ROOT_DER)), "cabundle[0] is the root");
        uint64[5] memory notBefore = [uint64(1572269285), 1665232376, 1665621113, 1665650566, 1665651479];
        uint64[5] memory notAfter = [uint64(2519044085), 1666963976, 1666103513, 1665736966, 1665662282];
        for (uint256 i = 0; i < 5; ++i) {
            X509Certificate memory c = h.parseCert(certs[i]);
            assertEq(c.notBefore, notBefore[i], "notBefore");
            assertEq(c.notAfter, notAfter[i], "notAfter");
            assertTrue(c.hasBasicConstraints && c.basicConstraintsCritical, "basicConstraints critical everywhere");
            assertEq(c.isCA, i < 4, "CA flag");
            if (i >= 1 && i <= 3) {
                assertTrue(c.hasPathLen, "pathLen on intermediates");
                assertEq(c.pathLen, 3 - i, "pathLen 2,1,0");
            }
            assertEq(c.keyCertSign, i < 4, "keyCertSign on CAs only");
            assertTrue(i < 4 || c.digitalSignature, "leaf digitalSignature");
            if (i > 0) {
                (,, bytes memory issuer,) = h.certFields(certs[i]);
                (,,, bytes memory parentSubject) = h.certFields(certs[i - 1]);
                assertEq(issuer, parentSubject, "issuer = parent subject");
            }
        }
        (, bytes memory leafSerial,,) = h.certFields(certs[4]);
        assertEq(leafSerial, hex"0183d09086c24190000000006347d31a", "leaf serial");
    }

    function testAllRealCertificatesParse() public view {
        string[3] memory docs = [EVERVAULT, MARLIN, AUTOMATA];
        for (uint256 d = 0; d < 3; ++d) {
            bytes[] memory certs = _chain(docs[d]);
            for (uint256 i = 0; i < certs.length; ++i) {
                X509Certificate memory c = h.parseCert(certs[i]);
                assertTrue(c.notBefore < c.notAfter, "window");
                (bytes memory tbs,,,) = h.certFields(certs[i]);
                assertEq(uint8(tbs[0]), 0x30, "TBS is a SEQUENCE");
            }
        }
    }

    // ------------------------------------------------------------------ time

    function testUtcAndGeneralizedTime() public view {
        assertEq(h.derReadTime(bytes.concat(hex"170d", "700101000000Z")), 0, "epoch");
        assertEq(h.derReadTime(bytes.concat(hex"170d", "000229235959Z")), 951868799, "2000 is a leap year");
        assertEq(h.derReadTime(bytes.concat(hex"170d", "491231235959Z")), 2524607999, "last UTCTime year 2049");
        assertEq(h.derReadTime(bytes.concat(hex"180f", "20500101000000Z")), 2524608000, "GeneralizedTime 2050");
        assertEq(h.derReadTime(bytes.concat(hex"180f", "21000301000000Z")), 4107542400, "2100 not leap");
    }

    function testRejectsBadTimes() public {
        bytes[8] memory bad = [
            bytes.concat(hex"170d", "690101000000Z"), // 1969: before the epoch
            bytes.concat(hex"170d", "230229000000Z"), // 2023-02-29
            bytes.concat(hex"170d", "231301000000Z"), // month 13
            bytes.concat(hex"170d", "230101240000Z"), // hour 24
            bytes.concat(hex"170d", "230101000060Z"), // second 60
            bytes.concat(hex"170d", "2301010000000"), // no Z
            bytes.concat(hex"180f", "20490101000000Z"), // GeneralizedTime before 2050 (RFC 5280 §4.1.2.5)
            bytes.concat(hex"1711", "230101000000+0000") // offset form
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            try h.derReadTime(bad[i]) returns (uint64) {
                revert AssertionFailed("bad time accepted");
            } catch (bytes memory reason) {
                assertEq(bytes4(reason), X509.X509BadTime.selector, "X509BadTime");
            }
        }
        vm.expectRevert(abi.encodeWithSelector(X509.X509BadTime.selector, 3)); // the 'a' of "2a"
        h.derReadTime(bytes.concat(hex"170d", "2a0101000000Z"));
    }

    // ------------------------------------------------------------------ strict DER

    function testDerLengths() public {
        (uint8 tag, uint256 start, uint256 end) = h.derReadNode(hex"020101", 0);
        assertEq(tag, 2, "tag");
        assertEq(start, 2, "start");
        assertEq(end, 3, "end");
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadLength.selector, 0));
        h.derReadNode(hex"04810101", 0); // long form for a short length
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadLength.selector, 0));
        h.derReadNode(hex"0482008001", 0); // leading zero length octet
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadLength.selector, 0));
        h.derReadNode(hex"30800000", 0); // BER indefinite form
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadLength.selector, 0));
        h.derReadNode(hex"0483010000", 0); // three length octets
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadTag.selector, 0, uint8(0x1f)));
        h.derReadNode(hex"1f2001", 0); // high tag number
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerTruncated.selector, 0));
        h.derReadNode(hex"0405aabb", 0);
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerTruncated.selector, 0));
        h.derReadNode(hex"04", 0);
    }

    function testDerIntegers() public {
        assertEq(h.derReadUint(hex"020100"), 0, "zero");
        assertEq(h.derReadUint(hex"02020080"), 128, "sign byte");
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadInteger.selector, 0));
        h.derReadUint(hex"0200"); // empty
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadInteger.selector, 0));
        h.derReadUint(hex"020180"); // negative
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerBadInteger.selector, 0));
        h.derReadUint(hex"0202007f"); // superfluous leading zero
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerTrailingBytes.selector, 3, 4));
        h.derReadUint(hex"02010100");
    }

    // ------------------------------------------------------------------ certificate profile negatives

    /// Replaces the first occurrence of `from` in the leaf with `to` (same length) and expects `err`.
    function _expectLeafMutationRejected(bytes memory from, bytes memory to, bytes memory err) internal {
        bytes[] memory certs = _chain(EVERVAULT);
        bytes memory leaf = certs[4];
        uint256 at = _indexOf(leaf, from);
        for (uint256 i = 0; i < to.length; ++i) {
            leaf[at + i] = to[i];
        }
        vm.expectRevert(err);
        h.parseCert(leaf);
    }

    function testRejectsOtherSignatureAlgorithm() public {
        // ecdsa-with-SHA256 (…04 03 02) in the TBS signature field.
        _expectLeafMutationRejected(
            hex"300a06082a8648ce3d040303",
            hex"300a06082a8648ce3d040302",
            abi.encodeWithSelector(X509.X509BadField.selector, bytes32("signature"))
        );
    }

    function testRejectsOtherCurve() public {
        // secp256r1-like OID bytes in place of secp384r1 (1.3.132.0.34 -> 1.3.132.0.35).
        _expectLeafMutationRejected(
            hex"2b81040022",
            hex"2b81040023",
            abi.encodeWithSelector(X509.X509BadField.selector, bytes32("subjectPublicKeyInfo"))
        );
    }

    function testRejectsCompressedPoint() public {
        _expectLeafMutationRejected(
            hex"03620004",
            hex"03620002",
            abi.encodeWithSelector(X509.X509BadField.selector, bytes32("subjectPublicKeyInfo"))
        );
    }

    function testRejectsWrongVersion() public {
        _expectLeafMutationRejected(
            hex"a003020102", hex"a003020101", abi.encodeWithSelector(X509.X509BadField.selector, bytes32("version"))
        );
    }

    function testRejectsUnknownCriticalExtension() public {
        // keyUsage (2.5.29.15) renamed to an unknown OID 2.5.29.99 and made critical is impossible in place;
        // rename the critical basicConstraints to 2.5.29.99 instead.
        _expectLeafMutationRejected(
            hex"0603551d130101ff",
            hex"0603551d630101ff",
            abi.encodeWithSelector(X509.X509UnknownCriticalExtension.selector, keccak256(hex"551d63"))
        );
    }

    function testRejectsDuplicateExtension() public {
        // Rename keyUsage's OID to basicConstraints': basicConstraints then appears twice.
        _expectLeafMutationRejected(
            hex"0603551d0f04040302",
            hex"0603551d1304040302",
            abi.encodeWithSelector(X509.X509DuplicateExtension.selector, keccak256(hex"551d13"))
        );
    }

    function testRejectsExplicitFalseCritical() public {
        // critical BOOLEAN FALSE must be omitted in DER.
        _expectLeafMutationRejected(
            hex"0101ff04023000",
            hex"01010004023000",
            abi.encodeWithSelector(X509.X509BadField.selector, bytes32("extension.critical"))
        );
    }

    function testRejectsNonDerBoolean() public {
        _expectLeafMutationRejected(
            hex"0101ff04023000",
            hex"01010104023000",
            abi.encodeWithSelector(Asn1Decode.DerBadBoolean.selector, 501) // the BOOLEAN's offset in the leaf
        );
    }

    function testRejectsTrailingBytesAfterCertificate() public {
        bytes[] memory certs = _chain(EVERVAULT);
        bytes memory leaf = bytes.concat(certs[4], hex"00");
        vm.expectRevert(abi.encodeWithSelector(Asn1Decode.DerTrailingBytes.selector, leaf.length - 1, leaf.length));
        h.parseCert(leaf);
    }

    // ------------------------------------------------------------------ fuzz

    function _assertDerError(bytes memory reason) internal pure {
        assertTrue(reason.length >= 4, "typed error, not an empty revert");
        bytes4[12] memory allowed = [
            Asn1Decode.DerTruncated.selector,
            Asn1Decode.DerBadLength.selector,
            Asn1Decode.DerBadTag.selector,
            Asn1Decode.DerUnexpectedTag.selector,
            Asn1Decode.DerTrailingBytes.selector,
            Asn1Decode.DerBadInteger.selector,
            Asn1Decode.DerBadBoolean.selector,
            Asn1Decode.DerBadBitString.selector,
            X509.X509BadField.selector,
            X509.X509UnknownCriticalExtension.selector,
            X509.X509DuplicateExtension.selector,
            X509.X509BadTime.selector
        ];
        bytes4 s = bytes4(reason);
        for (uint256 i = 0; i < allowed.length; ++i) {
            if (s == allowed[i]) return;
        }
        revert AssertionFailed("only DER/X.509 errors");
    }

    /// A real certificate with one byte changed parses or fails with a typed error, never a panic.
    function testFuzzMutatedCertificate(uint256 at, uint8 mask, uint8 which) public view {
        bytes[] memory certs = _chain(MARLIN);
        bytes memory cert = certs[which % certs.length];
        bytes memory mutated = _flip(cert, at % cert.length, mask == 0 ? 1 : mask);
        try h.parseCert(mutated) returns (X509Certificate memory) {}
        catch (bytes memory reason) {
            _assertDerError(reason);
        }
    }

    /// A real certificate cut short anywhere fails with a typed error.
    function testFuzzTruncatedCertificate(uint256 len) public view {
        bytes memory cert = _chain(EVERVAULT)[2];
        len = len % cert.length;
        try h.parseCert(_slice(cert, 0, len)) returns (X509Certificate memory) {
            revert AssertionFailed("truncated certificate accepted");
        } catch (bytes memory reason) {
            _assertDerError(reason);
        }
    }

    function testFuzzRandomDer(bytes calldata data) public view {
        try h.parseCert(bytes.concat(hex"30", data)) returns (X509Certificate memory) {}
        catch (bytes memory reason) {
            _assertDerError(reason);
        }
    }
}
