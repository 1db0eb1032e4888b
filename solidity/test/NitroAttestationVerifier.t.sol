// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {NitroFixtures} from "./utils/NitroFixtures.sol";
import {ParserHarness} from "./harness/ParserHarness.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";
import {deployVerifier} from "./utils/DeployVerifier.sol";
import {CertManager, CachedCert} from "../src/CertManager.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";
import {CborDecode} from "../src/lib/CborDecode.sol";
import {Asn1Decode} from "../src/lib/Asn1Decode.sol";
import {X509} from "../src/lib/X509.sol";
import {NitroDocument} from "../src/lib/NitroDocument.sol";

/// @notice End-to-end verification of the three real AWS documents and their rejections. A cold chain needs five
///         P-384 verifications, more than one 16,777,216-gas transaction holds with today's P-384 code, so these
///         correctness tests run with gas metering paused (`NitroGas.t.sol` proves the cap per transaction of the
///         split registration).
contract NitroAttestationVerifierTest is NitroFixtures {
    NitroAttestationVerifier internal verifier;
    ParserHarness internal h;

    uint256 internal constant MAX_AGE = 600;

    function setUp() public {
        verifier = deployVerifier(AWS_ROOT_SHA256, address(this));
        h = new ParserHarness();
    }

    function _warpTo(uint64 timestampMs) internal {
        vm.warp(timestampMs / 1000);
        vm.pauseGasMetering();
    }

    // ------------------------------------------------------------------ real documents, cold chain

    function testVerifiesEvervaultCold() public {
        bytes memory doc = _load(EVERVAULT);
        _warpTo(EVERVAULT_TS_MS);
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, MAX_AGE, false);
        ParserHarness.DocView memory v = h.parseDocument(doc);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "timestamp");
        assertEq(a.pcr0, v.pcrs[0], "pcr0");
        assertEq(a.pcr1, v.pcrs[1], "pcr1");
        assertEq(a.pcr2, v.pcrs[2], "pcr2");
        assertEq(a.pcr8, v.pcrs[8], "pcr8");
        assertEq(a.pcr0.length, 48, "pcr0 length");
        assertEq(a.publicKey.length, 0, "public_key null");
        assertEq(a.userData.length, 0, "user_data null");
        assertEq(a.nonce, v.nonce, "nonce");
        assertEq(a.moduleId, bytes("i-020b6af9246d90e92-enc0183d09086c24190"), "module_id");
        assertEq(a.leafNotAfter, EVERVAULT_LEAF_NOT_AFTER, "leaf notAfter");
    }

    function testVerifiesMarlinCold() public {
        bytes memory doc = _load(MARLIN);
        _warpTo(MARLIN_TS_MS);
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, MAX_AGE, false);
        ParserHarness.DocView memory v = h.parseDocument(doc);
        assertEq(a.timestampMs, MARLIN_TS_MS, "timestamp");
        assertEq(a.publicKey, v.publicKey, "public_key");
        assertEq(a.userData, v.userData, "user_data");
        assertEq(a.nonce.length, 0, "nonce null");
        assertEq(a.pcr0, v.pcrs[0], "pcr0");
        assertEq(a.leafNotAfter, MARLIN_LEAF_NOT_AFTER, "leaf notAfter");
    }

    function testAutomataDebugRejectedByDefault() public {
        bytes memory doc = _load(AUTOMATA);
        _warpTo(AUTOMATA_TS_MS);
        vm.expectRevert(NitroAttestationVerifier.NitroDebugMode.selector);
        verifier.verifyAttestation(doc, MAX_AGE, false);
    }

    function testAutomataDebugAcceptedWhenAllowed() public {
        bytes memory doc = _load(AUTOMATA);
        _warpTo(AUTOMATA_TS_MS);
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, MAX_AGE, true);
        assertEq(a.pcr0, new bytes(48), "debug PCR0");
        assertEq(a.leafNotAfter, AUTOMATA_LEAF_NOT_AFTER, "leaf notAfter");
        assertEq(a.nonce.length, 4, "nonce");
    }

    // ------------------------------------------------------------------ time

    function testRejectedOneSecondAfterLeafExpiry() public {
        bytes memory doc = _load(EVERVAULT);
        vm.warp(EVERVAULT_LEAF_NOT_AFTER + 1);
        vm.pauseGasMetering();
        vm.expectRevert(
            abi.encodeWithSelector(
                CertManager.CertExpired.selector, 4, EVERVAULT_LEAF_NOT_AFTER, EVERVAULT_LEAF_NOT_AFTER + 1
            )
        );
        verifier.verifyAttestation(doc, 1 days, false);
    }

    function testAcceptedAtLeafExpiry() public {
        bytes memory doc = _load(MARLIN);
        vm.warp(MARLIN_LEAF_NOT_AFTER);
        vm.pauseGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, 1 days, false);
        assertEq(a.timestampMs, MARLIN_TS_MS, "valid through notAfter inclusive");
    }

    function testRejectsStaleDocument() public {
        bytes memory doc = _load(EVERVAULT);
        uint256 t = EVERVAULT_TS_MS / 1000;
        vm.warp(t + MAX_AGE + 1);
        vm.expectRevert(
            abi.encodeWithSelector(NitroAttestationVerifier.NitroTimestampTooOld.selector, t, t + MAX_AGE + 1, MAX_AGE)
        );
        verifier.verifyAttestation(doc, MAX_AGE, false);
    }

    function testRejectsDocumentFromTheFuture() public {
        bytes memory doc = _load(EVERVAULT);
        uint256 t = EVERVAULT_TS_MS / 1000;
        uint256 skew = verifier.MAX_FUTURE_SKEW();
        vm.warp(t - skew - 1);
        vm.expectRevert(
            abi.encodeWithSelector(NitroAttestationVerifier.NitroTimestampInFuture.selector, t, t - skew - 1)
        );
        verifier.verifyAttestation(doc, MAX_AGE, false);
    }

    // ------------------------------------------------------------------ tampering

    function testRejectsFlippedCoseSignatureByte() public {
        bytes memory doc = _load(MARLIN);
        doc = _flip(doc, doc.length - 1, 0x01);
        _warpTo(MARLIN_TS_MS);
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        verifier.verifyAttestation(doc, MAX_AGE, false);
    }

    function testRejectsFlippedPayloadByte() public {
        bytes memory doc = _load(EVERVAULT);
        ParserHarness.DocView memory v = h.parseDocument(doc);
        // A byte inside PCR3's value: the payload still parses, only the signature can catch it.
        uint256 at = _indexOf(doc, v.pcrs[3]) + 10;
        doc = _flip(doc, at, 0x40);
        _warpTo(EVERVAULT_TS_MS);
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        verifier.verifyAttestation(doc, MAX_AGE, false);
    }

    function testRejectsFlippedUserDataByte() public {
        bytes memory doc = _load(MARLIN);
        ParserHarness.DocView memory v = h.parseDocument(doc);
        doc = _flip(doc, _indexOf(doc, v.userData), 0x01);
        _warpTo(MARLIN_TS_MS);
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        verifier.verifyAttestation(doc, MAX_AGE, false);
    }

    function testRejectsFlippedIntermediateSignature() public {
        bytes memory doc = _load(EVERVAULT);
        ParserHarness.DocView memory v = h.parseDocument(doc);
        // The last byte of cabundle[2] is the last byte of its signature's s.
        uint256 at = _indexOf(doc, v.cabundle[2]) + v.cabundle[2].length - 1;
        doc = _flip(doc, at, 0x01);
        _warpTo(EVERVAULT_TS_MS);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertSignatureInvalid.selector, 2));
        verifier.verifyAttestation(doc, MAX_AGE, false);
    }

    function testRejectsOtherTrustAnchor() public {
        vm.pauseGasMetering();
        NitroAttestationVerifier other = deployVerifier(keccak256("not the root"), address(this));
        bytes memory doc = _load(EVERVAULT);
        vm.warp(EVERVAULT_TS_MS / 1000);
        vm.expectRevert(
            abi.encodeWithSelector(CertManager.CertNotTrustAnchor.selector, AWS_ROOT_SHA256, keccak256("not the root"))
        );
        other.verifyAttestation(doc, MAX_AGE, false);
    }

    function testRejectsForeignCAInChain() public {
        // Evervault's instance CA spliced into marlin's chain: rejected (its window ended in 2022; the time check
        // runs before the issuer link and the signature; SimChain.t.sol tests the issuer link on its own).
        bytes memory ever = _load(EVERVAULT);
        bytes memory marlin = _load(MARLIN);
        ParserHarness.DocView memory e = h.parseDocument(ever);
        ParserHarness.DocView memory m = h.parseDocument(marlin);
        // Replace marlin's instance CA (cabundle[3]) by evervault's: lengths differ, so rebuild the payload.
        bytes memory payload = _slice(m.payloadWithHead, 3, m.payloadWithHead.length);
        uint256 at = _indexOf(payload, m.cabundle[3]);
        bytes memory head = _slice(payload, 0, at - 3); // the cert's 3-byte bstr head precedes it
        bytes memory tail = _slice(payload, at + m.cabundle[3].length, payload.length);
        bytes memory swapped = bytes.concat(head, _cborHead(2, e.cabundle[3].length), e.cabundle[3], tail);
        // At marlin's time evervault's instance CA has expired (and at evervault's time marlin's CAs did not exist).
        _warpTo(MARLIN_TS_MS);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertExpired.selector, 3, 1665736966, MARLIN_TS_MS / 1000));
        verifier.verifyAttestation(_cose(swapped, m.signature), MAX_AGE, false);
    }

    // ------------------------------------------------------------------ hints

    function _hints(string memory name, uint256 certCount) internal view returns (bytes[] memory) {
        return _proofs(name, certCount, "");
    }

    /// Proofs for every signature of a real document: `suffix` "" → 161-byte hints, "_trace" → hint ‖ slopes.
    function _proofs(string memory name, uint256 certCount, string memory suffix)
        internal
        view
        returns (bytes[] memory proofs)
    {
        string memory json = vm.readFile("test/data/nitro_hints.json");
        proofs = new bytes[](certCount + 1);
        for (uint256 i = 1; i < certCount; ++i) {
            proofs[i] = vm.parseJsonBytes(json, string.concat(".", name, ".certs", suffix, "[", vm.toString(i), "]"));
        }
        proofs[certCount] = vm.parseJsonBytes(json, string.concat(".", name, ".cose", suffix));
    }

    function testVerifiesAllRealDocumentsWithTraces() public {
        vm.pauseGasMetering(); // the proofs JSON is large: reading it is not what is tested
        string[3] memory names = ["evervault", "marlin", "automata"];
        string[3] memory paths = [EVERVAULT, MARLIN, AUTOMATA];
        uint64[3] memory ts = [EVERVAULT_TS_MS, MARLIN_TS_MS, AUTOMATA_TS_MS];
        for (uint256 i = 0; i < 3; ++i) {
            NitroAttestationVerifier fresh = deployVerifier(AWS_ROOT_SHA256, address(this));
            _warpTo(ts[i]);
            VerifiedAttestation memory a =
                fresh.verifyAttestationWithHints(_load(paths[i]), MAX_AGE, true, _proofs(names[i], 5, "_trace"));
            assertEq(a.timestampMs, ts[i], "traced verification");
        }
    }

    function testWrongTraceRejected() public {
        vm.pauseGasMetering(); // the proofs JSON is large: reading it is not what is tested
        bytes[] memory proofs = _proofs("marlin", 5, "_trace");
        // One slope byte changed in the COSE trace.
        proofs[5][proofs[5].length - 1] = bytes1(uint8(proofs[5][proofs[5].length - 1]) ^ 1);
        _warpTo(MARLIN_TS_MS);
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        verifier.verifyAttestationWithHints(_load(MARLIN), MAX_AGE, false, proofs);
        // A truncated certificate trace (a missing slope).
        proofs = _proofs("marlin", 5, "_trace");
        bytes memory t = proofs[3];
        assembly {
            mstore(t, sub(mload(t), 48)) // drop the last 48-byte slope
        }
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertSignatureInvalid.selector, 3));
        verifier.verifyAttestationWithHints(_load(MARLIN), MAX_AGE, false, proofs);
    }

    function testVerifiesAllRealDocumentsWithHints() public {
        vm.pauseGasMetering(); // the proofs JSON is large: reading it is not what is tested
        string[3] memory names = ["evervault", "marlin", "automata"];
        string[3] memory paths = [EVERVAULT, MARLIN, AUTOMATA];
        uint64[3] memory ts = [EVERVAULT_TS_MS, MARLIN_TS_MS, AUTOMATA_TS_MS];
        for (uint256 i = 0; i < 3; ++i) {
            NitroAttestationVerifier fresh = deployVerifier(AWS_ROOT_SHA256, address(this));
            _warpTo(ts[i]);
            VerifiedAttestation memory a =
                fresh.verifyAttestationWithHints(_load(paths[i]), MAX_AGE, true, _hints(names[i], 5));
            assertEq(a.timestampMs, ts[i], "hinted verification");
        }
    }

    function testWrongHintRejected() public {
        vm.pauseGasMetering(); // the proofs JSON is large: reading it is not what is tested
        bytes[] memory hints = _hints("marlin", 5);
        // The COSE hint of another document: the signature check fails, nothing is accepted.
        hints[5] = _hints("evervault", 5)[5];
        _warpTo(MARLIN_TS_MS);
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        verifier.verifyAttestationWithHints(_load(MARLIN), MAX_AGE, false, hints);
        // A certificate hint of another chain.
        hints = _hints("marlin", 5);
        hints[2] = _hints("evervault", 5)[2];
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertSignatureInvalid.selector, 2));
        verifier.verifyAttestationWithHints(_load(MARLIN), MAX_AGE, false, hints);
    }

    function testHintCountChecked() public {
        _warpTo(MARLIN_TS_MS);
        vm.expectRevert(abi.encodeWithSelector(NitroAttestationVerifier.NitroBadHints.selector, 3, 6));
        verifier.verifyAttestationWithHints(_load(MARLIN), MAX_AGE, false, new bytes[](3));
    }

    // ------------------------------------------------------------------ fuzz through the whole verifier

    /// Every error the verifier and its libraries can raise. Anything else (a panic, an empty revert) fails.
    function _knownErrors() internal pure returns (bytes4[36] memory) {
        return [
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
            NitroDocument.NitroBadPcr.selector,
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
            X509.X509BadTime.selector,
            CertManager.CertNotTrustAnchor.selector,
            CertManager.CertParentNotCached.selector,
            CertManager.CertParentMismatch.selector,
            CertManager.CertNotYetValid.selector,
            CertManager.CertExpired.selector,
            CertManager.CertRevoked.selector,
            CertManager.CertIssuerMismatch.selector,
            CertManager.CertSignatureInvalid.selector,
            CertManager.CertConstraint.selector,
            NitroAttestationVerifier.NitroTimestampInFuture.selector,
            NitroAttestationVerifier.NitroTimestampTooOld.selector,
            NitroAttestationVerifier.NitroDebugMode.selector,
            NitroAttestationVerifier.NitroSignatureInvalid.selector
        ];
    }

    /// A real document with one byte changed is accepted only if the change is outside the signed bytes'
    /// meaning (never, in practice) and otherwise rejected with one of our errors.
    function testFuzzMutatedDocumentThroughVerifier(uint256 at, uint8 mask) public {
        bytes memory doc = _load(MARLIN);
        doc = _flip(doc, at % doc.length, mask == 0 ? 0x04 : mask);
        _warpTo(MARLIN_TS_MS);
        try verifier.verifyAttestation(doc, MAX_AGE, false) returns (VerifiedAttestation memory) {
            revert AssertionFailed("mutated document accepted");
        } catch (bytes memory reason) {
            assertTrue(reason.length >= 4, "typed error");
            bytes4 sel = bytes4(reason);
            bytes4[36] memory known = _knownErrors();
            for (uint256 i = 0; i < known.length; ++i) {
                if (sel == known[i]) return;
            }
            revert AssertionFailed("unexpected error");
        }
    }
}
