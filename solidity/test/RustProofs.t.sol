// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";
import {deployVerifier} from "./utils/DeployVerifier.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";

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
