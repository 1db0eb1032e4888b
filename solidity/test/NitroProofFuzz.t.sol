// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ChainFixture} from "./utils/ChainFixture.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";

/// @notice Arbitrary off-chain proofs never make verification pass wrongly and never panic.
contract NitroProofFuzzTest is ChainFixture {
    function setUp() public {
        vm.pauseGasMetering();
        _useDocument(MARLIN, MARLIN_TS_MS);
        // The chain is cached, so only the COSE proof matters.
        bytes32 parent = _cacheCAs(4);
        verifier.verifyLeafCert(certs[4], parent);
    }

    function _coseProof(string memory key) internal view returns (bytes memory) {
        return vm.parseJsonBytes(vm.readFile("test/data/nitro_hints.json"), string.concat(".marlin.", key));
    }

    /// Any COSE proof (any length: empty, hint-sized, trace-like): the genuine document is accepted only with no
    /// proof or a genuine one, otherwise rejected with `NitroSignatureInvalid`.
    /// forge-config: default.fuzz.runs = 64
    function testFuzzArbitraryCoseProof(bytes calldata proof, bool hintSized) public {
        vm.pauseGasMetering();
        bytes memory p = proof;
        if (hintSized) {
            p = new bytes(161);
            for (uint256 i = 0; i < proof.length && i < 161; ++i) {
                p[i] = proof[i];
            }
        }
        bytes[] memory proofs = new bytes[](6);
        proofs[5] = p;
        try verifier.verifyAttestationWithHints(doc, 600, false, proofs) returns (VerifiedAttestation memory a) {
            assertEq(a.timestampMs, MARLIN_TS_MS, "the genuine document");
            assertTrue(
                p.length == 0 || keccak256(p) == keccak256(_coseProof("cose"))
                    || keccak256(p) == keccak256(_coseProof("cose_trace")),
                "a garbage proof was accepted"
            );
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), NitroAttestationVerifier.NitroSignatureInvalid.selector, "typed rejection");
        }
    }

    /// A genuine trace with one slope replaced by fuzzed bytes is rejected.
    /// forge-config: default.fuzz.runs = 32
    function testFuzzCorruptedTraceSlope(uint256 slope, bytes32 a, bytes16 b) public {
        vm.pauseGasMetering();
        bytes memory trace = _coseProof("cose_trace");
        uint256 slopes = (trace.length - 161) / 48;
        uint256 at = 161 + (slope % slopes) * 48;
        bytes memory repl = abi.encodePacked(a, b);
        bool changed = false;
        for (uint256 i = 0; i < 48; ++i) {
            if (trace[at + i] != repl[i]) changed = true;
            trace[at + i] = repl[i];
        }
        vm.assume(changed);
        bytes[] memory proofs = new bytes[](6);
        proofs[5] = trace;
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        verifier.verifyAttestationWithHints(doc, 600, false, proofs);
    }
}
