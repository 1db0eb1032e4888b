// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ChainFixture} from "./utils/ChainFixture.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";

/// @notice Gas of each transaction of a registration, recorded by `forge snapshot` in `.gas-snapshot`. Each test
///         replays the earlier transactions with metering paused and measures one call, which runs under the
///         16,777,216-gas cap of foundry.toml: a passing test proves that transaction fits (EIP-7825).
///         Storage written by the replayed steps is warm in the measured call, which understates a real separate
///         transaction by at most a few cold SLOADs (2,100 gas each).
///         Document: evervault (4,654 bytes, 4,546-byte payload, 256-byte nonce).
contract NitroGasTest is ChainFixture {
    function setUp() public {
        // Deployment and fixture storage are not what is measured (and together exceed one transaction's cap).
        vm.pauseGasMetering();
        _useDocument(EVERVAULT, EVERVAULT_TS_MS);
        vm.resumeGasMetering();
    }

    /// Deployment (the verifier deploys its Es384Verifier in its constructor): one transaction under the cap.
    function testGasDeployVerifier() public {
        NitroAttestationVerifier fresh = new NitroAttestationVerifier(AWS_ROOT_SHA256, address(this));
        assertEq(fresh.owner(), address(this), "deployed");
    }

    function testGasCold1Root() public {
        verifier.verifyCACert(certs[0], bytes32(0));
    }

    function testGasCold2Regional() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(1);
        vm.resumeGasMetering();
        verifier.verifyCACert(certs[1], parent);
    }

    function testGasCold3Zonal() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(2);
        vm.resumeGasMetering();
        verifier.verifyCACert(certs[2], parent);
    }

    function testGasCold4Instance() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(3);
        vm.resumeGasMetering();
        verifier.verifyCACert(certs[3], parent);
    }

    function testGasCold5Leaf() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(4);
        vm.resumeGasMetering();
        verifier.verifyLeafCert(certs[4], parent);
    }

    /// The last transaction of a cold registration, and every later document under the same leaf.
    function testGasDocumentCachedLeaf() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(4);
        verifier.verifyLeafCert(certs[4], parent);
        vm.resumeGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, 600, false);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "verified");
    }

    /// A new enclave (new leaf) under cached CAs in ONE transaction: leaf certificate + COSE signature.
    function testGasDocumentCachedCAsNewLeaf() public {
        vm.pauseGasMetering();
        _cacheCAs(4);
        vm.resumeGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, 600, false);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "verified");
    }

    // ------------------------------------------------------------------ with off-chain hints (gen_nitro_hints.py)

    function _hint(string memory key) internal view returns (bytes memory) {
        return vm.parseJsonBytes(vm.readFile("test/data/nitro_hints.json"), string.concat(".evervault.", key));
    }

    function testGasHintedCold2Regional() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(1);
        bytes memory hint = _hint("certs[1]");
        vm.resumeGasMetering();
        verifier.verifyCACertWithHint(certs[1], parent, hint);
    }

    function testGasHintedCold3Zonal() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(2);
        bytes memory hint = _hint("certs[2]");
        vm.resumeGasMetering();
        verifier.verifyCACertWithHint(certs[2], parent, hint);
    }

    function testGasHintedCold4Instance() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(3);
        bytes memory hint = _hint("certs[3]");
        vm.resumeGasMetering();
        verifier.verifyCACertWithHint(certs[3], parent, hint);
    }

    function testGasHintedCold5Leaf() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(4);
        bytes memory hint = _hint("certs[4]");
        vm.resumeGasMetering();
        verifier.verifyLeafCertWithHint(certs[4], parent, hint);
    }

    function _allHints() internal view returns (bytes[] memory) {
        return _allProofs("");
    }

    /// Per-signature proofs for the whole document: `suffix` "" → hints, "_trace" → hint ‖ slopes.
    function _allProofs(string memory suffix) internal view returns (bytes[] memory proofs) {
        proofs = new bytes[](6);
        for (uint256 i = 1; i < 5; ++i) {
            proofs[i] = _hint(string.concat("certs", suffix, "[", vm.toString(i), "]"));
        }
        proofs[5] = _hint(string.concat("cose", suffix));
    }

    function testGasHintedDocumentCachedLeaf() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(4);
        verifier.verifyLeafCert(certs[4], parent);
        bytes[] memory hints = _allHints();
        vm.resumeGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestationWithHints(doc, 600, false, hints);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "verified");
    }

    function testGasHintedDocumentCachedCAsNewLeaf() public {
        vm.pauseGasMetering();
        _cacheCAs(4);
        bytes[] memory hints = _allHints();
        vm.resumeGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestationWithHints(doc, 600, false, hints);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "verified");
    }

    // ------------------------------------------------------------------ with traces (hint ‖ slopes)

    function testGasTracedCold2Regional() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(1);
        bytes memory proof = _hint("certs_trace[1]");
        vm.resumeGasMetering();
        verifier.verifyCACertWithHint(certs[1], parent, proof);
    }

    function testGasTracedCold3Zonal() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(2);
        bytes memory proof = _hint("certs_trace[2]");
        vm.resumeGasMetering();
        verifier.verifyCACertWithHint(certs[2], parent, proof);
    }

    function testGasTracedCold4Instance() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(3);
        bytes memory proof = _hint("certs_trace[3]");
        vm.resumeGasMetering();
        verifier.verifyCACertWithHint(certs[3], parent, proof);
    }

    function testGasTracedCold5Leaf() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(4);
        bytes memory proof = _hint("certs_trace[4]");
        vm.resumeGasMetering();
        verifier.verifyLeafCertWithHint(certs[4], parent, proof);
    }

    function testGasTracedDocumentCachedLeaf() public {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(4);
        verifier.verifyLeafCert(certs[4], parent);
        bytes[] memory proofs = _allProofs("_trace");
        vm.resumeGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestationWithHints(doc, 600, false, proofs);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "verified");
    }

    function testGasTracedDocumentCachedCAsNewLeaf() public {
        vm.pauseGasMetering();
        _cacheCAs(4);
        bytes[] memory proofs = _allProofs("_trace");
        vm.resumeGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestationWithHints(doc, 600, false, proofs);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "verified");
    }

    /// A cold document (nothing cached: root, 3 CAs, leaf and COSE) in ONE transaction, with traces.
    function testGasTracedDocumentColdOneTx() public {
        vm.pauseGasMetering();
        bytes[] memory proofs = _allProofs("_trace");
        vm.resumeGasMetering();
        VerifiedAttestation memory a = verifier.verifyAttestationWithHints(doc, 600, false, proofs);
        assertEq(a.timestampMs, EVERVAULT_TS_MS, "verified");
    }
}
