// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @notice What a verified AWS Nitro attestation document proves. Every field was checked against
///         DESIGN.md §5.1 (chain to the pinned root, COSE ES384 signature, payload shape, freshness).
struct VerifiedAttestation {
    /// Document `timestamp`, milliseconds since the Unix epoch.
    uint64 timestampMs;
    /// PCR0, PCR1, PCR2 (48 bytes each for SHA384 documents) and PCR8 (empty when the document has none).
    bytes pcr0;
    bytes pcr1;
    bytes pcr2;
    bytes pcr8;
    /// `public_key`, `user_data`, `nonce` (empty when absent or CBOR null).
    bytes publicKey;
    bytes userData;
    bytes nonce;
    /// `module_id` as UTF-8 bytes.
    bytes moduleId;
    /// The leaf certificate's notAfter, seconds: nothing derived from the document may outlive it.
    uint64 leafNotAfter;
}

/// @notice The on-chain Nitro attestation verifier that `LCPClient` calls at key registration.
interface INitroAttestationVerifier {
    /// @notice Verifies a COSE_Sign1 attestation document at `block.timestamp`.
    /// @param document Untagged or tagged COSE_Sign1 bytes.
    /// @param maxAgeSeconds The document's timestamp may be at most this old.
    /// @param allowDebug Accept an all-zero PCR0 (debug-mode enclave); production callers pass false.
    /// @return attestation The verified fields; reverts with a typed error on any failed check.
    function verifyAttestation(bytes calldata document, uint256 maxAgeSeconds, bool allowDebug)
        external
        returns (VerifiedAttestation memory attestation);

    /// @notice `verifyAttestation` with off-chain proofs for the P-384 signature checks (each a hint, or a hint
    ///         followed by the ladder's slopes). A wrong proof can only make verification fail, never pass.
    /// @param document Untagged or tagged COSE_Sign1 bytes.
    /// @param maxAgeSeconds The document's timestamp may be at most this old.
    /// @param allowDebug Accept an all-zero PCR0 (debug-mode enclave); production callers pass false.
    /// @param proofs Empty (no proofs), or `cabundle.length + 2` entries: one per certificate of the chain
    ///        (`cabundle[0]` first, the leaf at `cabundle.length`), then the COSE signature; an empty entry
    ///        means "no proof" for that signature.
    /// @return attestation The verified fields; reverts with a typed error on any failed check.
    function verifyAttestationWithHints(
        bytes calldata document,
        uint256 maxAgeSeconds,
        bool allowDebug,
        bytes[] calldata proofs
    ) external returns (VerifiedAttestation memory attestation);
}
