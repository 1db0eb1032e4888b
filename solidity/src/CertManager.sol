// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {X509, X509Certificate} from "./lib/X509.sol";
import {Es384Verifier} from "./Es384Verifier.sol";

/// @notice A certificate whose signature chain to the trust anchor has been verified once. Later checks need
///         only this: time window, revocation (its own and its ancestors'), its role and its key.
struct CachedCert {
    /// keccak256 of the issuing certificate's TBS bytes; zero for the trust anchor.
    bytes32 parent;
    /// keccak256 of the subject Name TLV (a child's issuer must equal it).
    bytes32 subjectHash;
    /// keccak256(keccak256(issuer Name TLV), keccak256(serial number magnitude)): the revocation list key.
    bytes32 revocationKey;
    uint64 notBefore;
    uint64 notAfter;
    /// Position in the chain: 0 = trust anchor.
    uint8 depth;
    /// How many more CA certificates may follow below this one (RFC 5280 §6.1.4 (l)/(m) max_path_length);
    /// `UNLIMITED_PATH` when no pathLenConstraint applies. Meaningless for a leaf.
    uint8 pathBudget;
    bool isCA;
    /// x ‖ y of the uncompressed P-384 public key.
    bytes publicKey;
}

/// @title CertManager
/// @notice Verifies X.509 certificates of the AWS Nitro PKI (P-384, ecdsa-with-SHA384) against a trust anchor
///         pinned by the SHA-256 of its DER, and caches verified ones keyed by keccak256(TBS bytes) so a chain
///         can be registered across several transactions and reused by later documents. EVERY use of a cached
///         certificate re-checks its validity window against `block.timestamp` and its revocation status, and
///         those of all its ancestors.
/// @dev Chain rules (DESIGN.md §5.1 rules 1–3): the anchor is byte-identical to the pinned DER; each child is
///      signed by its parent's key, names its parent's subject as issuer, and lies within every ancestor's path
///      length budget; CAs carry a critical basicConstraints with cA and keyUsage keyCertSign; the leaf is not a CA
///      and has keyUsage digitalSignature; every certificate is valid at `block.timestamp`.
///      NOT checked: the trust anchor's self-signature (it is pinned by hash, so its signature adds nothing),
///      name constraints and policies (AWS uses neither), CRLs (revocation is the owner-managed list here).
contract CertManager {
    // ------------------------------------------------------------------ errors

    /// @notice `cabundle[0]` (or the certificate given as root) is not the pinned trust anchor.
    error CertNotTrustAnchor(bytes32 sha256Got, bytes32 sha256Expected);
    /// @notice The parent of the certificate at chain position `index` was never verified and cached (`index` is
    ///         `type(uint256).max` when an external call names an uncached parent, whose position is unknown).
    error CertParentNotCached(uint256 index, bytes32 parent);
    /// @notice The certificate at `index` is cached under a different parent than the chain presents.
    error CertParentMismatch(uint256 index, bytes32 cachedParent, bytes32 presentedParent);
    /// @notice The certificate at `index` is not valid yet.
    error CertNotYetValid(uint256 index, uint256 notBefore, uint256 time);
    /// @notice The certificate at `index` has expired.
    error CertExpired(uint256 index, uint256 notAfter, uint256 time);
    /// @notice The certificate at `index` (issuer, serial) is on the revocation list.
    error CertRevoked(uint256 index, bytes32 revocationKey);
    /// @notice The certificate at `index` names an issuer that is not its parent's subject.
    error CertIssuerMismatch(uint256 index);
    /// @notice The signature of the certificate at `index` does not verify under its parent's key.
    error CertSignatureInvalid(uint256 index);
    /// @notice The certificate at `index` breaks a CA/leaf rule; `rule` names it.
    error CertConstraint(uint256 index, bytes32 rule);
    /// @notice The chain is longer than `MAX_CHAIN_DEPTH` certificates.
    error CertChainTooLong(uint256 index);
    /// @notice Only the owner may do this.
    error NotOwner(address caller);
    /// @notice Only the pending owner may accept ownership.
    error NotPendingOwner(address caller);

    // ------------------------------------------------------------------ events

    /// @notice A certificate was verified and cached.
    event CertCached(bytes32 indexed tbsHash, bytes32 indexed parent, uint256 depth, bool isCA, uint64 notAfter);
    /// @notice The owner changed the revocation status of (issuer, serial).
    event CertRevocationSet(bytes32 indexed revocationKey, bytes issuer, bytes serialNumber, bool revoked);
    /// @notice Two-step ownership transfer started.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// @notice Ownership changed.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    // ------------------------------------------------------------------ constants and state

    /// `CertConstraint` rule names for the role checks.
    bytes32 internal constant RULE_CA = "cA";
    bytes32 internal constant RULE_NOT_CA = "notCA";
    /// Sentinel `pathBudget`: no pathLenConstraint applies.
    uint8 internal constant UNLIMITED_PATH = type(uint8).max;
    /// The AWS Nitro chain is root → regional → zonal → instance → leaf (5). 9 = MAX_CABUNDLE (8) + the leaf.
    uint256 public constant MAX_CHAIN_DEPTH = 9;

    /// @notice SHA-256 of the trust anchor's DER (AWS Nitro Enclaves Root-G1 in production:
    ///         0x641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b).
    bytes32 public immutable ROOT_CERT_SHA256;

    /// @notice The ES384 (SHA-384 + P-384) verifier this contract deployed (a separate contract for the code-size
    ///         limit).
    Es384Verifier public immutable ES384_VERIFIER;

    address public owner;
    address public pendingOwner;

    /// @notice Verified certificates by keccak256(TBS bytes).
    mapping(bytes32 tbsHash => CachedCert) internal _certs;
    /// @notice Revoked (issuer, serial) keys, see `revocationKey`.
    mapping(bytes32 revocationKey => bool) public revoked;

    /// @param rootCertSha256 SHA-256 of the trust anchor's DER (immutable: a new anchor needs a new deployment).
    /// @param initialOwner Manages the revocation list (two-step transferable).
    constructor(bytes32 rootCertSha256, address initialOwner) {
        ROOT_CERT_SHA256 = rootCertSha256;
        ES384_VERIFIER = new Es384Verifier();
        owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ external: cache

    /// @notice Verifies a CA certificate against its cached parent (or, with `parentTbsHash` = 0, against the
    ///         pinned trust anchor) and caches it, so a cold chain can be registered over several transactions.
    ///         If already cached, re-checks it (time window and revocation of it and its ancestors) instead.
    /// @param cert The DER certificate.
    /// @param parentTbsHash keccak256 of the parent's TBS bytes (as returned when the parent was cached), or 0.
    /// @return tbsHash keccak256 of `cert`'s TBS bytes, its cache key.
    /// @dev Does not check anything about attestation documents; a cached CA is only a verified link.
    function verifyCACert(bytes calldata cert, bytes32 parentTbsHash) external returns (bytes32 tbsHash) {
        return _verifyLink(cert, parentTbsHash, true, "");
    }

    /// @notice `verifyCACert` with an off-chain proof for the signature check: a 161-byte hint
    ///         (`P384.verifyWithHint`, ~30% less gas) or the hint followed by the ladder's slopes
    ///         (`P384.verifyWithTrace`, ~60% less). A wrong proof fails verification (`CertSignatureInvalid`); it
    ///         cannot make a bad certificate pass.
    /// @param hint The proof, computed off chain from the certificate and its parent's key (see
    ///        test/data/gen_nitro_hints.py); empty for none; ignored when the certificate is already cached.
    function verifyCACertWithHint(bytes calldata cert, bytes32 parentTbsHash, bytes calldata hint)
        external
        returns (bytes32 tbsHash)
    {
        return _verifyLink(cert, parentTbsHash, true, hint);
    }

    /// @notice Verifies an enclave's leaf certificate against its cached parent CA and caches it, so that
    ///         `verifyAttestation` of a document signed under this leaf needs only the COSE signature check.
    ///         If already cached, re-checks it and its ancestors instead.
    /// @param cert The DER certificate (the document's `certificate` field).
    /// @param parentTbsHash keccak256 of the TBS bytes of the cached CA that issued it (the last cabundle entry).
    /// @return tbsHash keccak256 of `cert`'s TBS bytes.
    /// @dev The leaf must not be a CA and must have keyUsage digitalSignature. Nothing about documents is checked.
    function verifyLeafCert(bytes calldata cert, bytes32 parentTbsHash) external returns (bytes32 tbsHash) {
        if (parentTbsHash == bytes32(0)) revert CertConstraint(0, "notCA");
        return _verifyLink(cert, parentTbsHash, false, "");
    }

    /// @notice `verifyLeafCert` with an off-chain signature proof (hint, or hint ‖ slopes), as `verifyCACertWithHint`.
    function verifyLeafCertWithHint(bytes calldata cert, bytes32 parentTbsHash, bytes calldata hint)
        external
        returns (bytes32 tbsHash)
    {
        if (parentTbsHash == bytes32(0)) revert CertConstraint(0, "notCA");
        return _verifyLink(cert, parentTbsHash, false, hint);
    }

    // Time: the destination chain judges time (DESIGN.md §1); `block.timestamp` is the verification time by design,
    // and a validator's few seconds of leeway are far below certificate and document windows.

    /// @notice Re-checks a cached certificate and all its ancestors at `block.timestamp` (time window and
    ///         revocation). Reverts with the failing certificate's position, returns true otherwise.
    /// @dev Does not re-verify signatures: they were verified when each certificate was cached.
    function checkCachedCert(bytes32 tbsHash) external view returns (bool) {
        if (_certs[tbsHash].publicKey.length == 0) revert CertParentNotCached(type(uint256).max, tbsHash);
        _checkCachedChain(tbsHash);
        return true;
    }

    /// @notice The cache entry of a verified certificate (`publicKey` empty when not cached).
    function cachedCert(bytes32 tbsHash) external view returns (CachedCert memory) {
        return _certs[tbsHash];
    }

    // ------------------------------------------------------------------ external: revocation and ownership

    /// @notice The revocation-list key of a certificate: keccak256(keccak256(issuer), keccak256(serialNumber)).
    /// @param issuer The issuer Name as DER (the whole SEQUENCE TLV, byte for byte as in the certificate).
    /// @param serialNumber The serial number's magnitude, big-endian, without a DER sign byte (e.g. the root's
    ///        `f93175681b90afe11d46ccb4e4e7f856`, as `openssl x509 -serial` prints it).
    function revocationKey(bytes calldata issuer, bytes calldata serialNumber) public pure returns (bytes32) {
        return keccak256(abi.encode(keccak256(issuer), keccak256(serialNumber)));
    }

    /// @notice Owner: marks (issuer, serial) revoked or not. Takes effect on the next use of any chain through it.
    /// @dev Does not check that such a certificate exists.
    function setRevoked(bytes calldata issuer, bytes calldata serialNumber, bool isRevoked) external onlyOwner {
        bytes32 key = revocationKey(issuer, serialNumber);
        revoked[key] = isRevoked;
        emit CertRevocationSet(key, issuer, serialNumber, isRevoked);
    }

    /// @notice Owner: starts a transfer of ownership; `newOwner` must call `acceptOwnership`.
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @notice Completes a transfer started by `transferOwnership`.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }

    // ------------------------------------------------------------------ internal: verification

    /// The external single-certificate entry points: position from the parent, verify or re-check, then walk the
    /// cached ancestry (time and revocation of every ancestor).
    function _verifyLink(bytes calldata cert, bytes32 parentTbsHash, bool expectCA, bytes memory hint)
        private
        returns (bytes32 tbsHash)
    {
        uint256 depth = 0;
        if (parentTbsHash != bytes32(0)) {
            CachedCert storage parent = _certs[parentTbsHash];
            if (parent.publicKey.length == 0) revert CertParentNotCached(type(uint256).max, parentTbsHash);
            depth = uint256(parent.depth) + 1;
        }
        tbsHash = _verifyCert(cert, 0, cert.length, parentTbsHash, depth, expectCA, hint);
        _checkCachedChain(tbsHash);
    }

    /// @notice Verifies (or, when cached, re-checks) the certificate `data[start:end]` at chain position `depth`
    ///         under `parentHash` (0: must be the trust anchor) and caches it. Returns keccak256 of its TBS.
    /// @dev The cache-hit path checks this certificate only: callers walking a chain from the anchor down have
    ///      already checked every ancestor in the same call (the parent link is enforced here), and external
    ///      entry points call `_checkCachedChain`.
    function _verifyCert(
        bytes calldata data,
        uint256 start,
        uint256 end,
        bytes32 parentHash,
        uint256 depth,
        bool expectCA,
        bytes memory hint
    ) internal returns (bytes32 tbsHash) {
        if (depth >= MAX_CHAIN_DEPTH) revert CertChainTooLong(depth);
        if (parentHash == bytes32(0)) {
            // Rule 1: the anchor is pinned by the SHA-256 of its DER, never taken from the document.
            bytes32 got = sha256(data[start:end]);
            if (got != ROOT_CERT_SHA256) revert CertNotTrustAnchor(got, ROOT_CERT_SHA256);
        }
        (uint256 tbsStart, uint256 tbsEnd) = X509.tbsBounds(data, start, end);
        tbsHash = keccak256(data[tbsStart:tbsEnd]);

        CachedCert storage hit = _certs[tbsHash];
        if (hit.publicKey.length != 0) {
            if (hit.parent != parentHash) revert CertParentMismatch(depth, hit.parent, parentHash);
            if (hit.isCA != expectCA) revert CertConstraint(depth, expectCA ? RULE_CA : RULE_NOT_CA);
            _checkStored(hit, depth);
            return tbsHash;
        }

        _verifyNew(data, start, end, parentHash, depth, expectCA, tbsHash, hint);
    }

    /// The cache-miss path of `_verifyCert`: full parse, role rules, parent link and signature, then cache.
    function _verifyNew(
        bytes calldata data,
        uint256 start,
        uint256 end,
        bytes32 parentHash,
        uint256 depth,
        bool expectCA,
        bytes32 tbsHash,
        bytes memory hint
    ) private {
        X509Certificate memory c = X509.parse(data, start, end);
        if (c.notBefore > c.notAfter) revert CertConstraint(depth, "validity");
        if (!ES384_VERIFIER.isOnCurve(c.publicKey)) revert CertConstraint(depth, "publicKey");
        _checkRole(c, depth, expectCA);

        CachedCert memory entry = _entryOf(data, c, parentHash, depth);
        // Time window and revocation before the signature: the cheap checks first.
        _checkEntry(entry, depth);
        uint8 budget = UNLIMITED_PATH;
        if (parentHash != bytes32(0)) budget = _checkParentLink(data, c, parentHash, depth, expectCA, hint);
        // RFC 5280 §6.1.4 (m): a smaller pathLenConstraint tightens the budget.
        // casting to 'uint8' is safe because c.pathLen < budget <= 255.
        // forge-lint: disable-next-line(unsafe-typecast)
        if (c.hasPathLen && c.pathLen < budget) budget = uint8(c.pathLen);
        entry.pathBudget = budget;

        _certs[tbsHash] = entry;
        emit CertCached(tbsHash, parentHash, depth, c.isCA, c.notAfter);
    }

    /// What the cache keeps of a parsed certificate (pathBudget is filled in by the caller).
    function _entryOf(bytes calldata data, X509Certificate memory c, bytes32 parentHash, uint256 depth)
        private
        pure
        returns (CachedCert memory entry)
    {
        entry.parent = parentHash;
        // casting to 'uint8' is safe because depth < MAX_CHAIN_DEPTH was checked by the caller.
        // forge-lint: disable-next-line(unsafe-typecast)
        entry.depth = uint8(depth);
        entry.subjectHash = keccak256(data[c.subjectStart:c.subjectEnd]);
        entry.revocationKey = keccak256(
            abi.encode(keccak256(data[c.issuerStart:c.issuerEnd]), keccak256(data[c.serialStart:c.serialEnd]))
        );
        entry.notBefore = c.notBefore;
        entry.notAfter = c.notAfter;
        entry.isCA = c.isCA;
        entry.publicKey = c.publicKey;
    }

    /// Rule 2 for a child of a cached CA: issuer = parent subject, path budget, signature under the parent key.
    /// Returns the path budget the child inherits.
    function _checkParentLink(
        bytes calldata data,
        X509Certificate memory c,
        bytes32 parentHash,
        uint256 depth,
        bool expectCA,
        bytes memory hint
    ) private view returns (uint8 budget) {
        CachedCert storage parent = _certs[parentHash];
        if (parent.publicKey.length == 0) revert CertParentNotCached(depth, parentHash);
        if (!parent.isCA) revert CertConstraint(depth, "parentNotCA");
        if (keccak256(data[c.issuerStart:c.issuerEnd]) != parent.subjectHash) revert CertIssuerMismatch(depth);
        // RFC 5280 §6.1.4 (l): an intermediate CA consumes one unit of its ancestors' path budget.
        budget = parent.pathBudget;
        if (expectCA) {
            if (budget == 0) revert CertConstraint(depth, "pathLen");
            if (budget != UNLIMITED_PATH) budget -= 1;
        }
        if (!ES384_VERIFIER.verifySha384(data[c.tbsStart:c.tbsEnd], c.signature, parent.publicKey, hint)) {
            revert CertSignatureInvalid(depth);
        }
    }

    /// Rule 3: CAs have a critical basicConstraints with cA and keyUsage keyCertSign; the leaf is not a CA and
    /// has keyUsage digitalSignature.
    function _checkRole(X509Certificate memory c, uint256 depth, bool expectCA) private pure {
        if (!c.hasBasicConstraints) revert CertConstraint(depth, "basicConstraints");
        if (!c.hasKeyUsage) revert CertConstraint(depth, "keyUsage");
        if (expectCA) {
            if (!c.isCA) revert CertConstraint(depth, "cA");
            if (!c.basicConstraintsCritical) revert CertConstraint(depth, "basicConstraints.critical");
            if (!c.keyCertSign) revert CertConstraint(depth, "keyCertSign");
        } else {
            if (c.isCA) revert CertConstraint(depth, "notCA");
            if (!c.digitalSignature) revert CertConstraint(depth, "digitalSignature");
        }
    }

    function _checkEntry(CachedCert memory cert, uint256 depth) private view {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < cert.notBefore) revert CertNotYetValid(depth, cert.notBefore, block.timestamp);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > cert.notAfter) revert CertExpired(depth, cert.notAfter, block.timestamp);
        if (revoked[cert.revocationKey]) revert CertRevoked(depth, cert.revocationKey);
    }

    function _checkStored(CachedCert storage cert, uint256 depth) private view {
        uint64 notBefore = cert.notBefore;
        uint64 notAfter = cert.notAfter;
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < notBefore) revert CertNotYetValid(depth, notBefore, block.timestamp);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > notAfter) revert CertExpired(depth, notAfter, block.timestamp);
        bytes32 key = cert.revocationKey;
        if (revoked[key]) revert CertRevoked(depth, key);
    }

    /// @notice Walks from a cached certificate up to the anchor, re-checking each one's time window and
    ///         revocation. Bounded: depth strictly decreases along parents and is < MAX_CHAIN_DEPTH.
    function _checkCachedChain(bytes32 tbsHash) internal view {
        bytes32 h = tbsHash;
        while (h != bytes32(0)) {
            CachedCert storage cert = _certs[h];
            _checkStored(cert, cert.depth);
            h = cert.parent;
        }
    }
}
