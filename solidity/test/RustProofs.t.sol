// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";
import {deployVerifier} from "./utils/DeployVerifier.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";
import {ParserHarness} from "./harness/ParserHarness.sol";
import {CertManager} from "../src/CertManager.sol";

/// Cheatcodes beyond the shared Vm.sol subset (kept local so the shared file stays untouched).
interface VmJsonBytesArray {
    function parseJsonBytesArray(string calldata json, string calldata key) external pure returns (bytes[] memory);
}

/// @notice The proofs written by the Rust generator (`attestation_verifier::nitro::proofs::document_proofs`, golden
///         file fixtures/golden/rust-proofs.json, regenerated and compared by tests/tests/rust_proofs.rs) for
///         simulated-NSM documents of the differential corpus: `verifyAttestationWithHints` must accept each document
///         with exactly those bytes, on a verifier pinned to that document's simulated root, within one
///         transaction's gas; one flipped slope byte must make it fail.
contract RustProofsTest is Test {
    VmJsonBytesArray internal constant vmx = VmJsonBytesArray(address(uint160(uint256(keccak256("hevm cheat code")))));

    string internal constant GOLDEN = "../fixtures/golden/rust-proofs.json";
    string internal constant CORPUS = "../fixtures/golden/nitro-corpus/";

    /// EIP-7825's per-transaction gas cap (foundry.toml `gas_limit`).
    uint256 internal constant TX_GAS_CAP = 16_777_216;

    struct Entry {
        bytes doc;
        bytes[] proofs;
        uint256 maxAge;
        bool allowDebug;
        NitroAttestationVerifier verifier;
    }

    function _at(uint256 i, string memory key) internal pure returns (string memory) {
        return string.concat(".documents[", vm.toString(i), "].", key);
    }

    function _entry(string memory json, uint256 i) internal returns (Entry memory e) {
        e.doc = vm.readFileBinary(string.concat(CORPUS, vm.parseJsonString(json, _at(i, "file"))));
        bytes memory anchor = vm.readFileBinary(string.concat(CORPUS, vm.parseJsonString(json, _at(i, "trust_anchor"))));
        e.proofs = vmx.parseJsonBytesArray(json, _at(i, "proofs"));
        e.maxAge = vm.parseJsonUint(json, _at(i, "max_age_secs"));
        e.allowDebug = vm.parseJsonBool(json, _at(i, "allow_debug"));
        e.verifier = deployVerifier(sha256(anchor), address(this));
        vm.warp(vm.parseJsonUint(json, _at(i, "at")));
    }

    /// One document per test: each check is one transaction's worth of gas (about 10M for five traced signatures).
    function _accepts(uint256 i) internal {
        vm.pauseGasMetering();
        string memory json = vm.readFile(GOLDEN);
        assertEq(vm.parseJsonUint(json, ".count"), 3, "golden document count");
        Entry memory e = _entry(json, i);
        assertEq(e.proofs.length, 6, "cabundle.length + 2 proofs");
        vm.resumeGasMetering();
        uint256 before = gasleft();
        VerifiedAttestation memory a = e.verifier.verifyAttestationWithHints(e.doc, e.maxAge, e.allowDebug, e.proofs);
        uint256 used = before - gasleft();
        vm.pauseGasMetering();
        assertTrue(used < TX_GAS_CAP, "one transaction");
        assertTrue(a.timestampMs != 0, "attestation returned");
        vm.snapshotValue(string.concat("rust_proofs_doc", vm.toString(i)), used);
    }

    function testRustProofsAcceptedHighS() public {
        _accepts(0);
    }

    function testRustProofsAcceptedLowS() public {
        _accepts(1);
    }

    function testRustProofsAcceptedIndefinite() public {
        _accepts(2);
    }

    /// The same proofs, one certificate per call as a relayer registers a chain step by step: each entry
    ///         1..n is exactly the `hint` of `verifyCACertWithHint` / `verifyLeafCertWithHint` (what
    ///         `certificate_proof` returns); the document then needs only its COSE proof.
    function testRustProofsPerCertificate() public {
        vm.pauseGasMetering();
        string memory json = vm.readFile(GOLDEN);
        Entry memory e = _entry(json, 1);
        ParserHarness.DocView memory v = (new ParserHarness()).parseDocument(e.doc);
        uint256 n = v.cabundle.length;
        assertEq(n + 2, e.proofs.length, "proof count");
        bytes32 parent = e.verifier.verifyCACert(v.cabundle[0], bytes32(0));
        // A flipped slope byte in the first certificate's proof fails that certificate, not silently passes.
        bytes memory tampered = bytes.concat(e.proofs[1]);
        tampered[tampered.length - 1] ^= 0x01;
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertSignatureInvalid.selector, uint256(1)));
        e.verifier.verifyCACertWithHint(v.cabundle[1], parent, tampered);
        for (uint256 i = 1; i < n; i++) {
            parent = e.verifier.verifyCACertWithHint(v.cabundle[i], parent, e.proofs[i]);
        }
        e.verifier.verifyLeafCertWithHint(v.certificate, parent, e.proofs[n]);
        bytes[] memory coseOnly = new bytes[](n + 2);
        coseOnly[n + 1] = e.proofs[n + 1];
        VerifiedAttestation memory a = e.verifier.verifyAttestationWithHints(e.doc, e.maxAge, e.allowDebug, coseOnly);
        assertTrue(a.timestampMs != 0, "attestation returned");
    }

    function testTamperedRustProofIsRejected() public {
        vm.pauseGasMetering();
        string memory json = vm.readFile(GOLDEN);
        Entry memory e = _entry(json, 0);
        bytes memory cose = e.proofs[5];
        cose[cose.length - 1] ^= 0x01; // last slope of the COSE signature's trace
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        e.verifier.verifyAttestationWithHints(e.doc, e.maxAge, e.allowDebug, e.proofs);
    }
}
