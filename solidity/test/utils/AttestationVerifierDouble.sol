// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {INitroAttestationVerifier, VerifiedAttestation} from "../../src/interfaces/INitroAttestationVerifier.sol";

/// @notice TEST-ONLY stand-in for the Nitro attestation verifier: returns whatever attestation the test
///         set, or reverts when told to, and records the arguments it was called with. It verifies
///         nothing; it exists so the LCPClient tests exercise registration logic (PCR allowlist, key
///         extraction, user_data binding, expiry) in isolation. The end-to-end tests use the real verifier.
contract AttestationVerifierDouble is INitroAttestationVerifier {
    error DocumentRejected();

    VerifiedAttestation internal _next;
    bool public rejectAll;
    bytes32 public lastDocumentHash;
    uint256 public lastMaxAge;
    bool public lastAllowDebug;
    /// keccak256(abi.encode(proofs)) of the last `verifyAttestationWithHints` call; zero after `verifyAttestation`.
    bytes32 public lastProofsHash;

    function setNext(VerifiedAttestation memory attestation) external {
        _next = attestation;
    }

    function setRejectAll(bool reject) external {
        rejectAll = reject;
    }

    function verifyAttestation(bytes calldata document, uint256 maxAgeSeconds, bool allowDebug)
        external
        returns (VerifiedAttestation memory)
    {
        if (rejectAll) revert DocumentRejected();
        lastDocumentHash = keccak256(document);
        lastMaxAge = maxAgeSeconds;
        lastAllowDebug = allowDebug;
        lastProofsHash = bytes32(0);
        return _next;
    }

    function verifyAttestationWithHints(
        bytes calldata document,
        uint256 maxAgeSeconds,
        bool allowDebug,
        bytes[] calldata proofs
    ) external returns (VerifiedAttestation memory) {
        if (rejectAll) revert DocumentRejected();
        lastDocumentHash = keccak256(document);
        lastMaxAge = maxAgeSeconds;
        lastAllowDebug = allowDebug;
        lastProofsHash = keccak256(abi.encode(proofs));
        return _next;
    }
}
