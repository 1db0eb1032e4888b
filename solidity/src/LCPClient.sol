// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ILCPMessages} from "./interfaces/ILCPMessages.sol";
import {ILCPClient} from "./interfaces/ILCPClient.sol";
import {INitroAttestationVerifier, VerifiedAttestation} from "./interfaces/INitroAttestationVerifier.sol";
import {LCPMessages} from "./lib/LCPMessages.sol";
import {EnclaveSignatures} from "./lib/EnclaveSignatures.sol";
import {MerkleClaims} from "./lib/MerkleClaims.sol";

/// @title LCPClient
/// @notice Destination-chain end of LCP-Nitro: registers enclave keys from verified Nitro attestations,
///         follows the enclave light client through signed `UpdateState` messages (state-id continuity,
///         M-of-N over distinct operators), stores the hash of every finalized execution block it is told
///         about, and verifies signed claims about those blocks for bridges.
/// @dev Roles (minimal on purpose):
///      - `owner` (deploy a multisig or timelock here): allows PCR measurements and operators, sets the
///        threshold and key policy, revokes keys, transfers ownership. The owner cannot sign state:
///        every state change needs enclave signatures.
///      - an operator registers its own enclave's key (`msg.sender` must be the operator named in the
///        attestation's `user_data`), so nobody can count an enclave towards another operator.
///      - anyone relays `initialize` / `updateState` / `submitMisbehaviour` with enclave signatures.
///      Frozen is terminal: after misbehaviour the owner deploys a new client (from a new trusted root).
///      Per finalized block only the hash is stored (one storage slot); it commits to the state root,
///      receipts root and timestamp (RLP header), which `StateUpdated` also logs. Claims bind the block
///      hash, so a claim is accepted only for the exact block the threshold of enclaves finalized.
contract LCPClient is ILCPClient {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NotOwner(address caller);
    error ClientFrozen();
    error AlreadyInitialized(bytes32 stateId);
    error NotInitialized();
    error StateDiscontinuity(bytes32 got, bytes32 expected);
    error TrustedRootMismatch(bytes32 got, bytes32 expected);
    error ZeroPostState();
    error ZeroBlockHash(uint64 blockNumber);
    error NoStateChange(bytes32 stateId);
    error SignatureListLength(uint256 length);
    error BelowThreshold(uint256 signatures, uint256 threshold);
    error SignersNotAscending(address signer, address previous);
    error UnknownSigner(address signer);
    error KeyExpired(address signer, uint64 expiry, uint256 now);
    error DuplicateOperator(address operator);
    error UnknownBlock(uint64 blockNumber);
    error BlockHashMismatch(uint64 blockNumber, bytes32 got, bytes32 stored);
    error ClaimBlockMismatch(uint64 blockNumber, bytes32 blockHash, uint64 batchBlockNumber, bytes32 batchBlockHash);
    error BatchArrayLengths(uint256 claims, uint256 indices, uint256 proofs, uint256 expectedProofs);
    error NoConflict(uint64 slotA, uint64 slotB);
    error PcrLength(uint256 index, uint256 length);
    error MeasurementNotAllowed(bytes32 measurement);
    error PublicKeyFormat(uint256 length);
    error UserDataFormat(uint256 length);
    error UserDataVersion(uint8 got);
    error UserDataKeyMismatch(address bound, address attested);
    error NetworkConfigMismatch(bytes32 got, bytes32 expected);
    error OperatorNotAllowed(address operator);
    error NotOperator(address caller, address operator);
    error KeyRevoked(address key);
    error KeyOperatorChanged(address key, address registered, address attested);
    error RegistrationExpired(uint64 expiry, uint256 now);
    error InvalidThreshold(uint256 threshold);
    error InvalidKeyPolicy(uint64 keyTtl, uint64 maxAttestationAge);
    error ZeroAddress();
    error TooManyEnclaveKeys(uint256 max);
    error TooManyOperatorKeys(address operator, uint256 max);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event Initialized(bytes32 indexed stateId, bytes32 indexed trustedRoot, uint64 finalizedSlot);
    /// @notice The client moved to `postStateId`; the execution header fields are logged for indexers.
    event StateUpdated(
        bytes32 indexed prevStateId,
        bytes32 indexed postStateId,
        uint64 indexed blockNumber,
        uint64 finalizedSlot,
        bytes32 blockHash,
        bytes32 stateRoot,
        bytes32 receiptsRoot,
        uint64 timestamp
    );
    /// @notice Two threshold-signed updates disagree: the client stops verifying and updating.
    event Frozen(uint64 finalizedSlot, uint64 blockNumber, bytes32 digestA, bytes32 digestB);
    event EnclaveKeyRegistered(address indexed key, address indexed operator, bytes32 measurement, uint64 expiry);
    event EnclaveKeyRevoked(address indexed key);
    /// @notice An expired or revoked key left the key list (its registration record stays).
    event EnclaveKeyPruned(address indexed key);
    event OperatorSet(address indexed operator, bool allowed);
    event MeasurementSet(bytes32 indexed measurement, bool allowed);
    event ThresholdSet(uint8 threshold);
    event KeyPolicySet(uint64 keyTtl, uint64 maxAttestationAge);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /*//////////////////////////////////////////////////////////////
                            CONSTANTS AND TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice `user_data` layout version (DESIGN.md §3): version(1) ‖ key(20) ‖ operator(20) ‖ configHash(32).
    uint8 public constant USER_DATA_VERSION = 1;
    uint256 internal constant USER_DATA_LENGTH = 73;
    /// @notice `public_key` is the enclave's secp256k1 key as 65-byte uncompressed SEC1: 0x04 ‖ x ‖ y.
    uint256 internal constant PUBLIC_KEY_LENGTH = 65;
    /// @notice SHA-384 PCRs are 48 bytes (Nitro documents with `digest = SHA384`).
    uint256 internal constant PCR_LENGTH = 48;
    /// @notice Policy ceiling for the key lifetime and attestation age the owner may configure.
    uint64 public constant MAX_KEY_TTL = 30 days;
    uint64 public constant MAX_ATTESTATION_AGE = 1 hours;

    /// @notice Most keys listed at once (registered, not yet pruned). Expired and revoked keys are pruned
    ///         when the list is full, so this bounds live keys: e.g. 8 operators with 4 overlapping keys.
    ///         It also bounds the loop that mirrors threshold/frozen into every key (`_syncKeys`).
    uint256 public constant MAX_ENCLAVE_KEYS = 32;
    /// @notice Most listed keys per operator, so that one operator cannot fill the list and lock the
    ///         others out of registering (4 = a running enclave, its restart, and headroom).
    uint256 public constant MAX_KEYS_PER_OPERATOR = 4;

    /// @dev One storage slot per key. `threshold` and `frozen` mirror `_config` in every key of
    ///      `_keyList` (written by `_syncKeys` whenever either changes, and at registration), so
    ///      verifying a claim reads only the signers' key slots and the block hash: one cold SLOAD
    ///      (2,100 gas) less per call than reading `_config`. Keys off the list are expired or revoked,
    ///      which every verification rejects before their stale mirror could matter.
    struct EnclaveKey {
        address operator;
        uint64 expiry; // valid strictly before
        uint8 threshold;
        bool frozen;
        bool revoked;
        bool listed;
    }

    /// @dev Threshold and frozen are the source of truth here; latest block for `config()`.
    struct Config {
        uint8 threshold;
        bool frozen;
        uint64 latestBlockNumber;
        uint64 latestTimestamp;
    }

    /*//////////////////////////////////////////////////////////////
                                 STATE
    //////////////////////////////////////////////////////////////*/

    INitroAttestationVerifier public immutable attestationVerifier;
    /// @notice keccak256 of the network config the enclaves must attest (DESIGN.md §3 `user_data`).
    bytes32 public immutable networkConfigHash;
    /// @notice The weak-subjectivity beacon block root the init message must name.
    bytes32 public immutable trustedRoot;

    Config internal _config;
    /// @notice The enclave light client's current state id (zero until `initialize`).
    bytes32 public stateId;
    address public owner;
    uint64 public keyTtl;
    uint64 public maxAttestationAge;

    mapping(uint64 blockNumber => bytes32 blockHash) internal _blockHashes;
    mapping(address key => EnclaveKey) internal _keys;
    address[] internal _keyList;
    mapping(address operator => uint256) internal _listedKeysOf;
    mapping(address operator => bool) public isOperator;
    mapping(bytes32 measurement => bool) public isMeasurementAllowed;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTION
    //////////////////////////////////////////////////////////////*/

    /// @param verifier The Nitro attestation verifier.
    /// @param configHash keccak256 of the network config (chain, genesis validators root, forks, root policy).
    /// @param root The trusted beacon block root.
    /// @param threshold Distinct operators whose keys must sign each message (≥ 1).
    /// @param ttl Key lifetime from registration (≤ MAX_KEY_TTL), also capped by the leaf certificate.
    /// @param maxAge Maximum attestation age at registration (≤ MAX_ATTESTATION_AGE).
    constructor(
        INitroAttestationVerifier verifier,
        bytes32 configHash,
        bytes32 root,
        uint8 threshold,
        uint64 ttl,
        uint64 maxAge
    ) {
        if (address(verifier) == address(0)) revert ZeroAddress();
        attestationVerifier = verifier;
        networkConfigHash = configHash;
        trustedRoot = root;
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
        _setThreshold(threshold);
        _setKeyPolicy(ttl, maxAge);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                             ADMINISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Allows or disallows a PCR measurement, `computeMeasurement(pcr0, pcr1, pcr2, pcr8)`.
    /// @dev Disallowing does not revoke keys registered under it: revoke them with `revokeEnclaveKey`.
    function setMeasurement(bytes32 measurement, bool allowed) external onlyOwner {
        isMeasurementAllowed[measurement] = allowed;
        emit MeasurementSet(measurement, allowed);
    }

    /// @notice Allows or removes an operator. Removal blocks new registrations only; its live keys stay
    ///         valid until they expire (at most `keyTtl`) unless revoked with `revokeEnclaveKey`.
    function setOperator(address operator, bool allowed) external onlyOwner {
        if (operator == address(0)) revert ZeroAddress();
        isOperator[operator] = allowed;
        emit OperatorSet(operator, allowed);
    }

    /// @notice Sets the number of distinct operators that must sign every message.
    function setThreshold(uint8 threshold) external onlyOwner {
        _setThreshold(threshold);
    }

    /// @notice Sets key lifetime and maximum attestation age for future registrations.
    function setKeyPolicy(uint64 ttl, uint64 maxAge) external onlyOwner {
        _setKeyPolicy(ttl, maxAge);
    }

    /// @notice Revokes an enclave key for good (it can never be registered again). Takes effect at once:
    ///         verification rejects the key from the next call on.
    function revokeEnclaveKey(address key) external onlyOwner {
        EnclaveKey storage k = _keys[key];
        k.revoked = true;
        k.expiry = 0;
        emit EnclaveKeyRevoked(key);
    }

    /// @notice Hands the owner role to `newOwner` in one step (use a multisig or timelock as owner).
    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function _setThreshold(uint8 threshold) internal {
        if (threshold == 0) revert InvalidThreshold(threshold);
        _config.threshold = threshold;
        _syncKeys();
        emit ThresholdSet(threshold);
    }

    function _setKeyPolicy(uint64 ttl, uint64 maxAge) internal {
        if (ttl == 0 || ttl > MAX_KEY_TTL || maxAge == 0 || maxAge > MAX_ATTESTATION_AGE) {
            revert InvalidKeyPolicy(ttl, maxAge);
        }
        keyTtl = ttl;
        maxAttestationAge = maxAge;
        emit KeyPolicySet(ttl, maxAge);
    }

    /*//////////////////////////////////////////////////////////////
                            KEY REGISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers (or refreshes) the enclave key an attestation document binds.
    /// @dev Checks: the document verifies (chain, signature, freshness ≤ `maxAttestationAge`, debug PCR0
    ///      refused) via `attestationVerifier`; then everything `_registerAttested` checks.
    ///      The CA chain should be cached in the verifier beforehand (`verifyCACert` per CA, each its own
    ///      transaction): a cold chain does not fit one transaction without proofs.
    /// @param document The COSE_Sign1 attestation document.
    /// @return key The registered key's address.
    function registerEnclaveKey(bytes calldata document) external returns (address key) {
        if (_config.frozen) revert ClientFrozen();
        return _registerAttested(attestationVerifier.verifyAttestation(document, maxAttestationAge, false));
    }

    /// @notice `registerEnclaveKey` with off-chain proofs for the verifier's P-384 checks
    ///         (`INitroAttestationVerifier.verifyAttestationWithHints`): same checks, less gas. A wrong proof
    ///         only makes verification fail.
    /// @param document The COSE_Sign1 attestation document.
    /// @param proofs Empty, or one entry per chain certificate then one for the COSE signature (see the interface).
    /// @return key The registered key's address.
    function registerEnclaveKeyWithProofs(bytes calldata document, bytes[] calldata proofs)
        external
        returns (address key)
    {
        if (_config.frozen) revert ClientFrozen();
        return
            _registerAttested(
                attestationVerifier.verifyAttestationWithHints(document, maxAttestationAge, false, proofs)
            );
    }

    /// @dev The one registration path behind both entry points, given a verified attestation. Checks:
    ///      measurement allowlisted; `public_key` is a 65-byte uncompressed secp256k1 point whose address
    ///      `user_data` names; `user_data` version 1 with this client's network-config hash; the operator is
    ///      allowed and is `msg.sender`; the key was not revoked and, if already registered, by the same operator.
    ///      Expiry = min(now + keyTtl, leaf certificate notAfter), which must be after now.
    ///      Does NOT check: that the point is on the curve (a bogus point has no private key, so it can
    ///      never sign; its address is as inert as any unused address), or the document's `nonce`.
    function _registerAttested(VerifiedAttestation memory att) internal returns (address key) {
        bytes32 measurement = computeMeasurement(att.pcr0, att.pcr1, att.pcr2, att.pcr8);
        if (!isMeasurementAllowed[measurement]) revert MeasurementNotAllowed(measurement);

        key = _publicKeyAddress(att.publicKey);
        (address boundKey, address operator, bytes32 configHash) = _parseUserData(att.userData);
        if (boundKey != key) revert UserDataKeyMismatch(boundKey, key);
        if (configHash != networkConfigHash) revert NetworkConfigMismatch(configHash, networkConfigHash);
        if (!isOperator[operator]) revert OperatorNotAllowed(operator);
        if (msg.sender != operator) revert NotOperator(msg.sender, operator);

        EnclaveKey memory existing = _keys[key];
        if (existing.revoked) revert KeyRevoked(key);
        if (existing.operator != address(0) && existing.operator != operator) {
            revert KeyOperatorChanged(key, existing.operator, operator);
        }

        uint64 expiry = att.leafNotAfter;
        // forge-lint: disable-next-line(block-timestamp) the destination chain is the clock (DESIGN.md §1)
        if (block.timestamp + keyTtl < expiry) {
            // forge-lint: disable-next-line(unsafe-typecast) smaller than expiry, itself a uint64
            expiry = uint64(block.timestamp + keyTtl);
        }
        // forge-lint: disable-next-line(block-timestamp) as above
        if (expiry <= block.timestamp) revert RegistrationExpired(expiry, block.timestamp);

        if (!existing.listed) _listKey(key, operator);
        _keys[key] = EnclaveKey({
            operator: operator,
            expiry: expiry,
            threshold: _config.threshold,
            frozen: false,
            revoked: false,
            listed: true
        });
        emit EnclaveKeyRegistered(key, operator, measurement, expiry);
    }

    /// @dev Appends `key` of `operator` to the list, first pruning expired and revoked keys if the list
    ///      or the operator's share of it is full.
    function _listKey(address key, address operator) internal {
        if (_keyList.length >= MAX_ENCLAVE_KEYS || _listedKeysOf[operator] >= MAX_KEYS_PER_OPERATOR) {
            _pruneKeys();
            if (_keyList.length >= MAX_ENCLAVE_KEYS) revert TooManyEnclaveKeys(MAX_ENCLAVE_KEYS);
            if (_listedKeysOf[operator] >= MAX_KEYS_PER_OPERATOR) {
                revert TooManyOperatorKeys(operator, MAX_KEYS_PER_OPERATOR);
            }
        }
        _keyList.push(key);
        ++_listedKeysOf[operator];
    }

    /// @dev Removes expired and revoked keys from the list (swap-and-pop, walking down).
    function _pruneKeys() internal {
        for (uint256 i = _keyList.length; i > 0; --i) {
            address k = _keyList[i - 1];
            EnclaveKey storage rec = _keys[k];
            // forge-lint: disable-next-line(block-timestamp) key expiry is judged by chain time
            if (rec.revoked || block.timestamp >= rec.expiry) {
                rec.listed = false;
                --_listedKeysOf[rec.operator];
                emit EnclaveKeyPruned(k);
                _keyList[i - 1] = _keyList[_keyList.length - 1];
                _keyList.pop();
            }
        }
    }

    /// @dev Mirrors `_config.threshold` and `_config.frozen` into every listed key (see `EnclaveKey`).
    function _syncKeys() internal {
        Config memory cfg = _config;
        uint256 n = _keyList.length;
        for (uint256 i; i < n; ++i) {
            EnclaveKey storage rec = _keys[_keyList[i]];
            rec.threshold = cfg.threshold;
            rec.frozen = cfg.frozen;
        }
    }

    function _freeze() internal {
        _config.frozen = true;
        _syncKeys();
    }

    /// @notice The listed enclave keys (registered and not pruned; some may be expired or revoked).
    function enclaveKeys() external view returns (address[] memory) {
        return _keyList;
    }

    /// @notice keccak256(pcr0 ‖ pcr1 ‖ pcr2 ‖ pcr8), each 48 bytes; pcr8 may be empty (then omitted).
    function computeMeasurement(bytes memory pcr0, bytes memory pcr1, bytes memory pcr2, bytes memory pcr8)
        public
        pure
        returns (bytes32)
    {
        if (pcr0.length != PCR_LENGTH) revert PcrLength(0, pcr0.length);
        if (pcr1.length != PCR_LENGTH) revert PcrLength(1, pcr1.length);
        if (pcr2.length != PCR_LENGTH) revert PcrLength(2, pcr2.length);
        if (pcr8.length != 0 && pcr8.length != PCR_LENGTH) revert PcrLength(8, pcr8.length);
        return keccak256(abi.encodePacked(pcr0, pcr1, pcr2, pcr8));
    }

    /// @notice The registration of `key`: operator, expiry (exclusive) and whether it was revoked.
    function enclaveKey(address key) external view returns (address operator, uint64 expiry, bool revoked) {
        EnclaveKey memory k = _keys[key];
        return (k.operator, k.expiry, k.revoked);
    }

    function _publicKeyAddress(bytes memory publicKey) internal pure returns (address) {
        if (publicKey.length != PUBLIC_KEY_LENGTH || publicKey[0] != 0x04) revert PublicKeyFormat(publicKey.length);
        bytes32 h;
        assembly ("memory-safe") {
            // keccak256 over x ‖ y: the 64 bytes after the length word and the 0x04 prefix byte.
            h := keccak256(add(publicKey, 0x21), 64)
        }
        return address(uint160(uint256(h)));
    }

    function _parseUserData(bytes memory userData)
        internal
        pure
        returns (address key, address operator, bytes32 configHash)
    {
        if (userData.length != USER_DATA_LENGTH) revert UserDataFormat(userData.length);
        if (uint8(userData[0]) != USER_DATA_VERSION) revert UserDataVersion(uint8(userData[0]));
        bytes32 w1;
        bytes32 w2;
        assembly ("memory-safe") {
            // Byte 0 is the version; key = bytes 1..21, operator = 21..41, configHash = 41..73.
            w1 := mload(add(userData, 0x21))
            w2 := mload(add(userData, 0x35))
            configHash := mload(add(userData, 0x49))
        }
        // forge-lint: disable-next-line(unsafe-typecast) the address is the word's first 20 bytes by layout
        key = address(bytes20(w1));
        // forge-lint: disable-next-line(unsafe-typecast) likewise
        operator = address(bytes20(w2));
    }

    /*//////////////////////////////////////////////////////////////
                              STATE UPDATES
    //////////////////////////////////////////////////////////////*/

    /// @notice Starts the client from the trusted checkpoint: a threshold-signed `UpdateState` with
    ///         `prevStateId = 0` whose `finalizedBeaconRoot` is `trustedRoot`.
    /// @dev Keys must be registered first. Callable once; anyone may relay it.
    function initialize(bytes calldata message, bytes calldata signatures) external {
        Config memory cfg = _config;
        if (cfg.frozen) revert ClientFrozen();
        if (stateId != bytes32(0)) revert AlreadyInitialized(stateId);
        (ILCPMessages.UpdateState memory u, bytes32 digest) = _verifiedUpdate(message, signatures);
        if (u.prevStateId != bytes32(0)) revert StateDiscontinuity(u.prevStateId, bytes32(0));
        if (u.finalizedBeaconRoot != trustedRoot) revert TrustedRootMismatch(u.finalizedBeaconRoot, trustedRoot);
        _apply(u, cfg, digest);
        emit Initialized(u.postStateId, trustedRoot, u.finalizedSlot);
    }

    /// @notice Applies a threshold-signed `UpdateState` that continues the stored state
    ///         (`prevStateId == stateId`) and stores its finalized execution block hash.
    /// @dev If the update names an already stored block number with another hash, the two signed updates
    ///      conflict: the client freezes (the transaction succeeds, the state does not move).
    ///      Does NOT require the finalized slot to increase: continuity is the enclave's state chain, and
    ///      the enclave's light client never moves backwards.
    function updateState(bytes calldata message, bytes calldata signatures) external {
        Config memory cfg = _config;
        if (cfg.frozen) revert ClientFrozen();
        bytes32 current = stateId;
        if (current == bytes32(0)) revert NotInitialized();
        (ILCPMessages.UpdateState memory u, bytes32 digest) = _verifiedUpdate(message, signatures);
        if (u.prevStateId != current) revert StateDiscontinuity(u.prevStateId, current);
        _apply(u, cfg, digest);
    }

    /// @notice Freezes the client given two threshold-signed `UpdateState`s that cannot both be true:
    ///         the same finalized slot with different finalized headers, or the same execution block
    ///         number with different block hashes. Anyone may submit. Continuity is not required of
    ///         either message (a fork of the state chain is exactly what this proves).
    function submitMisbehaviour(
        bytes calldata messageA,
        bytes calldata signaturesA,
        bytes calldata messageB,
        bytes calldata signaturesB
    ) external {
        if (_config.frozen) revert ClientFrozen();
        (ILCPMessages.UpdateState memory a, bytes32 digestA) = _verifiedUpdate(messageA, signaturesA);
        (ILCPMessages.UpdateState memory b, bytes32 digestB) = _verifiedUpdate(messageB, signaturesB);
        bool sameSlotConflict = a.finalizedSlot == b.finalizedSlot
            && (a.finalizedBeaconRoot != b.finalizedBeaconRoot
                || a.blockNumber != b.blockNumber
                || a.blockHash != b.blockHash
                || a.stateRoot != b.stateRoot
                || a.receiptsRoot != b.receiptsRoot
                || a.timestamp != b.timestamp);
        bool sameBlockConflict = a.blockNumber == b.blockNumber && a.blockHash != b.blockHash;
        if (!sameSlotConflict && !sameBlockConflict) revert NoConflict(a.finalizedSlot, b.finalizedSlot);
        _freeze();
        emit Frozen(a.finalizedSlot, a.blockNumber, digestA, digestB);
    }

    function _verifiedUpdate(bytes calldata message, bytes calldata signatures)
        internal
        view
        returns (ILCPMessages.UpdateState memory u, bytes32 digest)
    {
        LCPMessages.checkHeader(message, ILCPMessages.MessageType.UpdateState, block.chainid, address(this));
        digest = LCPMessages.digest(message);
        _verifySignatures(digest, signatures);
        u = LCPMessages.decodeUpdateState(message);
        if (u.postStateId == bytes32(0)) revert ZeroPostState();
        // Zero marks "no block stored": a zero hash could never be verified against, nor conflict.
        if (u.blockHash == bytes32(0)) revert ZeroBlockHash(u.blockNumber);
    }

    function _apply(ILCPMessages.UpdateState memory u, Config memory cfg, bytes32 digest) internal {
        bytes32 stored = _blockHashes[u.blockNumber];
        if (stored != bytes32(0) && stored != u.blockHash) {
            // A threshold of enclaves signed two hashes for one block: stop trusting them.
            _freeze();
            emit Frozen(u.finalizedSlot, u.blockNumber, digest, bytes32(0));
            return;
        }
        // An update that moves nothing (every light-client update was merely stale) is refused: the
        // enclave never signs one, and accepting it would let a relayer replay it forever as a no-op
        // that emits `StateUpdated`. Checked after the conflict test, so a conflicting hash still
        // freezes.
        if (u.postStateId == u.prevStateId) revert NoStateChange(u.postStateId);
        if (stored == bytes32(0)) _blockHashes[u.blockNumber] = u.blockHash;
        if (u.blockNumber > cfg.latestBlockNumber) {
            Config storage c = _config;
            c.latestBlockNumber = u.blockNumber;
            c.latestTimestamp = u.timestamp;
        }
        stateId = u.postStateId;
        emit StateUpdated(
            u.prevStateId,
            u.postStateId,
            u.blockNumber,
            u.finalizedSlot,
            u.blockHash,
            u.stateRoot,
            u.receiptsRoot,
            u.timestamp
        );
    }

    /*//////////////////////////////////////////////////////////////
                          CLAIM VERIFICATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILCPClient
    function verifyReceiptLog(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.ReceiptLogClaim memory claim)
    {
        _verifyClaimMessage(message, signatures, ILCPMessages.MessageType.ReceiptLogClaim);
        claim = LCPMessages.decodeReceiptLogClaim(message);
        _checkBlock(claim.blockNumber, claim.blockHash);
    }

    /// @inheritdoc ILCPClient
    function verifyStorage(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.StorageClaim memory claim)
    {
        _verifyClaimMessage(message, signatures, ILCPMessages.MessageType.StorageClaim);
        claim = LCPMessages.decodeStorageClaim(message);
        _checkBlock(claim.blockNumber, claim.blockHash);
    }

    /// @inheritdoc ILCPClient
    function verifyAccount(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.AccountClaim memory claim)
    {
        _verifyClaimMessage(message, signatures, ILCPMessages.MessageType.AccountClaim);
        claim = LCPMessages.decodeAccountClaim(message);
        _checkBlock(claim.blockNumber, claim.blockHash);
    }

    /// @inheritdoc ILCPClient
    function verifyTransaction(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.TransactionClaim memory claim)
    {
        _verifyClaimMessage(message, signatures, ILCPMessages.MessageType.TransactionClaim);
        claim = LCPMessages.decodeTransactionClaim(message);
        _checkBlock(claim.blockNumber, claim.blockHash);
    }

    /// @inheritdoc ILCPClient
    function verifyStorageBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.StorageClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch) {
        uint256 depth;
        (batch, depth) = _verifiedBatch(message, signatures, claims.length, indices.length, proofs.length);
        for (uint256 i; i < claims.length; ++i) {
            _checkClaimBlock(claims[i].blockNumber, claims[i].blockHash, batch);
            MerkleClaims.verify(
                batch.root,
                batch.leafCount,
                depth,
                indices[i],
                MerkleClaims.storageLeaf(claims[i]),
                proofs[i * depth:(i + 1) * depth]
            );
        }
    }

    /// @inheritdoc ILCPClient
    function verifyReceiptLogBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.ReceiptLogClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch) {
        uint256 depth;
        (batch, depth) = _verifiedBatch(message, signatures, claims.length, indices.length, proofs.length);
        for (uint256 i; i < claims.length; ++i) {
            _checkClaimBlock(claims[i].blockNumber, claims[i].blockHash, batch);
            MerkleClaims.verify(
                batch.root,
                batch.leafCount,
                depth,
                indices[i],
                MerkleClaims.receiptLogLeaf(claims[i]),
                proofs[i * depth:(i + 1) * depth]
            );
        }
    }

    /// @inheritdoc ILCPClient
    function verifyAccountBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.AccountClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch) {
        uint256 depth;
        (batch, depth) = _verifiedBatch(message, signatures, claims.length, indices.length, proofs.length);
        for (uint256 i; i < claims.length; ++i) {
            _checkClaimBlock(claims[i].blockNumber, claims[i].blockHash, batch);
            MerkleClaims.verify(
                batch.root,
                batch.leafCount,
                depth,
                indices[i],
                MerkleClaims.accountLeaf(claims[i]),
                proofs[i * depth:(i + 1) * depth]
            );
        }
    }

    /// @inheritdoc ILCPClient
    function verifyTransactionBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.TransactionClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch) {
        uint256 depth;
        (batch, depth) = _verifiedBatch(message, signatures, claims.length, indices.length, proofs.length);
        for (uint256 i; i < claims.length; ++i) {
            _checkClaimBlock(claims[i].blockNumber, claims[i].blockHash, batch);
            MerkleClaims.verify(
                batch.root,
                batch.leafCount,
                depth,
                indices[i],
                MerkleClaims.transactionLeaf(claims[i]),
                proofs[i * depth:(i + 1) * depth]
            );
        }
    }

    /// @inheritdoc ILCPClient
    function verifyStorageBatchAll(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.StorageClaim[] calldata claims
    ) external view returns (ILCPMessages.BatchClaims memory batch) {
        batch = _verifiedBatchHeader(message, signatures);
        bytes32[] memory leaves = new bytes32[](claims.length);
        for (uint256 i; i < claims.length; ++i) {
            _checkClaimBlock(claims[i].blockNumber, claims[i].blockHash, batch);
            leaves[i] = MerkleClaims.storageLeaf(claims[i]);
        }
        MerkleClaims.verifyAll(batch.root, batch.leafCount, leaves);
    }

    /// @inheritdoc ILCPClient
    function verifyReceiptLogBatchAll(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.ReceiptLogClaim[] calldata claims
    ) external view returns (ILCPMessages.BatchClaims memory batch) {
        batch = _verifiedBatchHeader(message, signatures);
        bytes32[] memory leaves = new bytes32[](claims.length);
        for (uint256 i; i < claims.length; ++i) {
            _checkClaimBlock(claims[i].blockNumber, claims[i].blockHash, batch);
            leaves[i] = MerkleClaims.receiptLogLeaf(claims[i]);
        }
        MerkleClaims.verifyAll(batch.root, batch.leafCount, leaves);
    }

    /// @inheritdoc ILCPClient
    function blockHashOf(uint64 blockNumber) external view returns (bytes32) {
        return _blockHashes[blockNumber];
    }

    /// @notice Threshold, frozen flag, and the highest stored block with its timestamp.
    function config()
        external
        view
        returns (uint8 threshold, bool frozen, uint64 latestBlockNumber, uint64 latestTimestamp)
    {
        Config memory c = _config;
        return (c.threshold, c.frozen, c.latestBlockNumber, c.latestTimestamp);
    }

    function _verifyClaimMessage(bytes calldata message, bytes calldata signatures, ILCPMessages.MessageType t)
        internal
        view
    {
        // Frozen flag and threshold are read from the signers' key slots (see `EnclaveKey`).
        LCPMessages.checkHeader(message, t, block.chainid, address(this));
        _verifySignatures(LCPMessages.digest(message), signatures);
    }

    function _verifiedBatch(
        bytes calldata message,
        bytes calldata signatures,
        uint256 claims,
        uint256 indices,
        uint256 proofs
    ) internal view returns (ILCPMessages.BatchClaims memory batch, uint256 depth) {
        batch = _verifiedBatchHeader(message, signatures);
        depth = MerkleClaims.depth(batch.leafCount);
        if (claims != indices || proofs != claims * depth) {
            revert BatchArrayLengths(claims, indices, proofs, claims * depth);
        }
    }

    function _verifiedBatchHeader(bytes calldata message, bytes calldata signatures)
        internal
        view
        returns (ILCPMessages.BatchClaims memory batch)
    {
        _verifyClaimMessage(message, signatures, ILCPMessages.MessageType.BatchClaims);
        batch = LCPMessages.decodeBatchClaims(message);
        _checkBlock(batch.blockNumber, batch.blockHash);
    }

    function _checkBlock(uint64 blockNumber, bytes32 blockHash) internal view {
        bytes32 stored = _blockHashes[blockNumber];
        if (stored == bytes32(0)) revert UnknownBlock(blockNumber);
        if (stored != blockHash) revert BlockHashMismatch(blockNumber, blockHash, stored);
    }

    function _checkClaimBlock(uint64 blockNumber, bytes32 blockHash, ILCPMessages.BatchClaims memory batch)
        internal
        pure
    {
        if (blockNumber != batch.blockNumber || blockHash != batch.blockHash) {
            revert ClaimBlockMismatch(blockNumber, blockHash, batch.blockNumber, batch.blockHash);
        }
    }

    /*//////////////////////////////////////////////////////////////
                               SIGNATURES
    //////////////////////////////////////////////////////////////*/

    /// @dev At least `threshold` signatures, all valid (low-s, v ∈ {27, 28}), by registered unexpired
    ///      unrevoked keys in strictly ascending address order, of pairwise distinct operators; reverts
    ///      `ClientFrozen` on a frozen client. Threshold and frozen come from the first signer's key slot,
    ///      which mirrors `_config` (any valid signer is listed, so its mirror is current).
    function _verifySignatures(bytes32 digest, bytes calldata signatures) internal view {
        if (signatures.length % EnclaveSignatures.SIGNATURE_LENGTH != 0) {
            revert SignatureListLength(signatures.length);
        }
        uint256 count = signatures.length / EnclaveSignatures.SIGNATURE_LENGTH;
        if (count == 0) revert BelowThreshold(0, _config.threshold);
        // Operators seen so far; a single signature needs no duplicate check (and no allocation).
        address[] memory operators = new address[](count > 1 ? count : 0);
        address previous;
        for (uint256 i; i < count; ++i) {
            address signer = EnclaveSignatures.recover(digest, signatures, i);
            if (signer <= previous) revert SignersNotAscending(signer, previous);
            EnclaveKey memory key = _keys[signer];
            if (key.operator == address(0)) revert UnknownSigner(signer);
            if (key.revoked) revert KeyRevoked(signer);
            // forge-lint: disable-next-line(block-timestamp) key expiry is judged by chain time
            if (block.timestamp >= key.expiry) revert KeyExpired(signer, key.expiry, block.timestamp);
            if (key.frozen) revert ClientFrozen();
            if (i == 0 && count < key.threshold) revert BelowThreshold(count, key.threshold);
            if (count > 1) {
                for (uint256 j; j < i; ++j) {
                    if (operators[j] == key.operator) revert DuplicateOperator(key.operator);
                }
                operators[i] = key.operator;
            }
            previous = signer;
        }
    }
}
