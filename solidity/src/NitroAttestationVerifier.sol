// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {INitroAttestationVerifier, VerifiedAttestation} from "./interfaces/INitroAttestationVerifier.sol";
import {CertManager} from "./CertManager.sol";
import {NitroDocument, NitroDocumentParts, DocSlice} from "./lib/NitroDocument.sol";

/// @title NitroAttestationVerifier
/// @notice Verifies AWS Nitro Enclaves attestation documents on chain: every rule of DESIGN.md §5.1 except the
///         PCR allowlist, which belongs to the caller (`LCPClient` compares PCR0/1/2/8 with its own policy).
///         Verified CA certificates are cached (see `CertManager`), so a document whose chain is cached costs
///         one leaf verification (or none, when the leaf is cached too) plus the COSE signature.
///         Gas: each P-384 signature costs ~5.7M plain, ~4.1M with a hint, ~2.3M with a trace (+ ~15.7 KB calldata),
///         plus SHA-384 of the signed bytes. A cold chain (five signatures) fits one 16,777,216-gas transaction only
///         with traces (~16M with calldata); otherwise cache the CAs first with `verifyCACert*` (one transaction
///         each), then verify the document.
/// @dev Checks, cheapest first: COSE_Sign1 shape and payload syntax (`NitroDocument`), freshness, debug mode,
///      the certificate chain from the pinned anchor down to the leaf, then the COSE ES384 signature over the
///      Sig_structure rebuilt from the document's own bytes. High-S signatures are valid (AWS emits them).
contract NitroAttestationVerifier is INitroAttestationVerifier, CertManager {
    // ------------------------------------------------------------------ errors

    /// @notice The document's time (`timestampMs / 1000`) is later than the block time plus `MAX_FUTURE_SKEW`.
    error NitroTimestampInFuture(uint256 documentTime, uint256 blockTime);
    /// @notice The document is older than the caller's `maxAgeSeconds`.
    error NitroTimestampTooOld(uint256 documentTime, uint256 blockTime, uint256 maxAgeSeconds);
    /// @notice PCR0 is all zeros (a debug-mode enclave) and the caller did not allow debug mode.
    error NitroDebugMode();
    /// @notice The COSE_Sign1 signature does not verify under the leaf certificate's key.
    error NitroSignatureInvalid();
    /// @notice `hints` must be empty or have one entry per certificate plus one for the COSE signature.
    error NitroBadHints(uint256 got, uint256 expected);

    // ------------------------------------------------------------------ constants

    /// How far the document's clock may run ahead of the block's. The enclave has no trusted clock and block
    /// timestamps trail wall time by up to a slot (12 s); one minute absorbs both without admitting documents
    /// from the future in any useful sense.
    uint256 public constant MAX_FUTURE_SKEW = 60;

    /// CBOR of the Sig_structure up to the payload (RFC 9052 §4.4): array(4), text "Signature1",
    /// bstr(protected = A1 01 38 22), bstr(external_aad = empty); the payload byte string follows as encoded.
    bytes internal constant SIG_STRUCTURE_PREFIX = hex"846a5369676e61747572653144a101382240";

    /// @param rootCertSha256 SHA-256 of the trust anchor DER (AWS Root-G1:
    ///        0x641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b).
    /// @param initialOwner Manages the revocation list.
    constructor(bytes32 rootCertSha256, address initialOwner) CertManager(rootCertSha256, initialOwner) {}

    /// @inheritdoc INitroAttestationVerifier
    /// @dev Caches every certificate of the chain it verifies (an event per new one). Does NOT check: the PCR
    ///      allowlist, `public_key`/`user_data`/`nonce` contents (returned for the caller), that the document's
    ///      timestamp lies inside the leaf's validity window (the leaf must be valid at `block.timestamp`), or
    ///      replay (a caller that needs uniqueness must use the nonce or `user_data`).
    function verifyAttestation(bytes calldata document, uint256 maxAgeSeconds, bool allowDebug)
        external
        override
        returns (VerifiedAttestation memory attestation)
    {
        return _verifyAttestation(document, maxAgeSeconds, allowDebug, new bytes[](0));
    }

    /// @notice `verifyAttestation` with off-chain proofs for the P-384 checks: per signature a 161-byte hint
    ///         (`P384.verifyWithHint`, ~30% less gas) or the hint followed by the ladder's slopes
    ///         (`P384.verifyWithTrace`, ~60% less, ~15.6 KB of calldata). A wrong proof fails verification; it cannot
    ///         make a bad document pass.
    /// @param hints Empty, or `cabundle.length + 2` entries: `hints[i]` for the signature on `cabundle[i]`
    ///        (`hints[0]` unused: the anchor is pinned), `hints[cabundle.length]` for the leaf certificate, the last
    ///        for the COSE signature. An empty entry means "no hint"; hints of cached certificates are ignored.
    /// @dev Checks and leaves unchecked exactly what `verifyAttestation` does.
    function verifyAttestationWithHints(
        bytes calldata document,
        uint256 maxAgeSeconds,
        bool allowDebug,
        bytes[] calldata hints
    ) external override returns (VerifiedAttestation memory attestation) {
        return _verifyAttestation(document, maxAgeSeconds, allowDebug, hints);
    }

    function _verifyAttestation(bytes calldata document, uint256 maxAgeSeconds, bool allowDebug, bytes[] memory hints)
        private
        returns (VerifiedAttestation memory attestation)
    {
        NitroDocumentParts memory parts = NitroDocument.parse(document);
        _checkPolicy(document, parts, maxAgeSeconds, allowDebug);
        uint256 n = parts.cabundle.length;
        if (hints.length != 0 && hints.length != n + 2) revert NitroBadHints(hints.length, n + 2);

        bytes32 leaf = _verifyChain(document, parts, hints);

        // Rule 4: the COSE signature over Sig_structure, built from the document's own payload bytes.
        bytes memory sigStructure =
            abi.encodePacked(SIG_STRUCTURE_PREFIX, document[parts.payloadHeadStart:parts.payloadEnd]);
        bytes memory signature = _copy(document, parts.signature);
        if (!ES384_VERIFIER.verifySha384(sigStructure, signature, _certs[leaf].publicKey, _hint(hints, n + 1))) {
            revert NitroSignatureInvalid();
        }

        attestation.timestampMs = parts.timestampMs;
        attestation.pcr0 = _copy(document, parts.pcrs[0]);
        attestation.pcr1 = _copy(document, parts.pcrs[1]);
        attestation.pcr2 = _copy(document, parts.pcrs[2]);
        attestation.pcr8 = _copy(document, parts.pcrs[8]);
        attestation.publicKey = _copy(document, parts.publicKey);
        attestation.userData = _copy(document, parts.userData);
        attestation.nonce = _copy(document, parts.nonce);
        attestation.moduleId = _copy(document, parts.moduleId);
        attestation.leafNotAfter = _certs[leaf].notAfter;
    }

    /// Rules 6 and 7 (debug part), checked before any signature: freshness against the block time, and an all-zero
    /// PCR0 (debug-mode enclave) unless allowed. A document without PCR0 is not in debug mode by this rule (as in the
    /// Rust reference); it returns an empty `pcr0`, which no allowlist matches.
    function _checkPolicy(
        bytes calldata document,
        NitroDocumentParts memory parts,
        uint256 maxAgeSeconds,
        bool allowDebug
    ) private view {
        uint256 documentTime = parts.timestampMs / 1000;
        // forge-lint: disable-next-line(block-timestamp)
        if (documentTime > block.timestamp + MAX_FUTURE_SKEW) {
            revert NitroTimestampInFuture(documentTime, block.timestamp);
        }
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > documentTime && block.timestamp - documentTime > maxAgeSeconds) {
            revert NitroTimestampTooOld(documentTime, block.timestamp, maxAgeSeconds);
        }
        if (!allowDebug && parts.pcrMask & 1 != 0 && _isZero(document, parts.pcrs[0])) revert NitroDebugMode();
    }

    /// Rules 1–3: cabundle[0] = anchor → … → cabundle[n-1] → certificate; returns the leaf's cache key.
    function _verifyChain(bytes calldata document, NitroDocumentParts memory parts, bytes[] memory hints)
        private
        returns (bytes32 parent)
    {
        uint256 n = parts.cabundle.length;
        for (uint256 i = 0; i < n; ++i) {
            DocSlice memory ca = parts.cabundle[i];
            parent = _verifyCert(document, ca.start, ca.start + ca.len, parent, i, true, _hint(hints, i));
        }
        DocSlice memory leaf = parts.certificate;
        return _verifyCert(document, leaf.start, leaf.start + leaf.len, parent, n, false, _hint(hints, n));
    }

    function _hint(bytes[] memory hints, uint256 i) private pure returns (bytes memory) {
        return hints.length == 0 ? bytes("") : hints[i];
    }

    function _copy(bytes calldata document, DocSlice memory s) private pure returns (bytes memory) {
        return document[s.start:s.start + s.len];
    }

    function _isZero(bytes calldata document, DocSlice memory s) private pure returns (bool) {
        for (uint256 i = 0; i < s.len; ++i) {
            if (document[s.start + i] != 0) return false;
        }
        return true;
    }
}
