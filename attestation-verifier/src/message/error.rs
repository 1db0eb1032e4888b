//! Errors of the message area: every variant names the field and the values that disagreed.

use alloy_primitives::{Address, B256};

use crate::time::UnixSeconds;

/// Why an LCP message, its signatures or a batch proof was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message is shorter than its 32-byte header.
    #[error("message is {len} bytes, shorter than the 32-byte header")]
    TooShort {
        /// Length received.
        len: usize,
    },
    /// The message exceeds [`MAX_MESSAGE_LEN`](super::encode::MAX_MESSAGE_LEN).
    #[error("message is {len} bytes, more than the maximum {max}")]
    TooLong {
        /// Length received.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Header byte 0 is not a version this verifier speaks.
    #[error("message version {got}, expected {expected}")]
    UnsupportedVersion {
        /// Version byte received.
        got: u8,
        /// The only version accepted.
        expected: u8,
    },
    /// Header byte 1 is not a defined message type.
    #[error("unknown message type {got}")]
    UnknownMessageType {
        /// Type byte received.
        got: u8,
    },
    /// Header byte 1 names another message type than the caller expects.
    #[error("message type {got}, expected {expected}")]
    WrongMessageType {
        /// Type byte received.
        got: u8,
        /// Type byte expected.
        expected: u8,
    },
    /// Header bytes 2..4 are reserved and must be zero.
    #[error("reserved header bytes are {got:#06x}, must be zero")]
    NonZeroReserved {
        /// The two reserved bytes, big-endian.
        got: u16,
    },
    /// The message is for another destination chain.
    #[error("message for chain id {got}, expected {expected}")]
    WrongChainId {
        /// Chain id in the header.
        got: u64,
        /// This verifier's chain id.
        expected: u64,
    },
    /// The message is for another `LCPClient` deployment.
    #[error("message for client {got}, expected {expected}")]
    WrongClient {
        /// Client address in the header.
        got: Address,
        /// This verifier's client address.
        expected: Address,
    },
    /// The body does not ABI-decode as the struct the type names.
    #[error("body of message type {message_type} does not decode")]
    MalformedBody {
        /// The message type byte.
        message_type: u8,
    },
    /// The body decodes, but is not the canonical encoding of what it decodes to (extra bytes,
    /// dirty padding, unusual offsets): the enclave never signs such bytes.
    #[error("body of message type {message_type} is not canonically encoded")]
    NonCanonicalBody {
        /// The message type byte.
        message_type: u8,
    },
    /// A receipt-log claim names more topics than an EVM log can carry.
    #[error("receipt log claim has {got} topics, at most {max} exist (LOG0..LOG4)")]
    TooManyTopics {
        /// Topics received.
        got: usize,
        /// The limit.
        max: usize,
    },
    /// The concatenated signature list is not a multiple of 65 bytes.
    #[error("signature list is {len} bytes, not a multiple of 65")]
    SignatureListLength {
        /// Length received.
        len: usize,
    },
    /// `v` is not 27 or 28.
    #[error("signature {index}: v = {got}, expected 27 or 28")]
    InvalidV {
        /// Position in the signature list.
        index: usize,
        /// The `v` byte.
        got: u8,
    },
    /// `s` is in the upper half of the curve order: the malleable twin of a valid signature.
    #[error("signature {index}: high s")]
    HighS {
        /// Position in the signature list.
        index: usize,
    },
    /// `r` or `s` is zero or not below the curve order, or no public key recovers.
    #[error("signature {index}: invalid, no signer recovers")]
    InvalidSignature {
        /// Position in the signature list.
        index: usize,
    },
    /// Fewer signatures than the threshold.
    #[error("{got} signatures, threshold is {threshold}")]
    BelowThreshold {
        /// Signatures received.
        got: usize,
        /// Required distinct operators.
        threshold: usize,
    },
    /// Signers must be listed in strictly ascending address order (no key counted twice).
    #[error("signer {signer} does not follow {previous} in ascending order")]
    SignersNotAscending {
        /// The signer out of order.
        signer: Address,
        /// The signer before it.
        previous: Address,
    },
    /// The recovered signer is not a registered enclave key.
    #[error("signer {signer} is not a registered enclave key")]
    UnknownSigner {
        /// The recovered address.
        signer: Address,
    },
    /// The signer's registration has expired.
    #[error("enclave key {signer} expired at {expiry}, now {now}")]
    KeyExpired {
        /// The recovered address.
        signer: Address,
        /// Its expiry (exclusive).
        expiry: UnixSeconds,
        /// Verification time.
        now: UnixSeconds,
    },
    /// Two signatures come from keys of the same operator: the threshold counts operators.
    #[error("operator {operator} signed twice")]
    DuplicateOperator {
        /// The operator.
        operator: Address,
    },
    /// `prevStateId` is not the state the client holds.
    #[error("prevStateId {got} does not continue the stored state {expected}")]
    StateDiscontinuity {
        /// `prevStateId` of the update.
        got: B256,
        /// State id the client holds.
        expected: B256,
    },
    /// The initialisation message does not name the trusted root.
    #[error("init message names beacon root {got}, trusted root is {expected}")]
    TrustedRootMismatch {
        /// `finalizedBeaconRoot` of the init message.
        got: B256,
        /// The configured trusted root.
        expected: B256,
    },
    /// `postStateId` is zero, the value that marks "uninitialised".
    #[error("postStateId is zero")]
    ZeroPostState,
    /// An update whose `postStateId` equals its `prevStateId`: it moves nothing (the enclave
    /// refuses to sign one; `LCPClient` reverts `NoStateChange`).
    #[error("update does not change state {state_id}")]
    NoStateChange {
        /// The unchanged state id.
        state_id: B256,
    },
    /// `blockHash` of an update is zero, the value that marks "no block stored".
    #[error("update for block {block_number} has a zero block hash")]
    ZeroBlockHash {
        /// The update's block number.
        block_number: u64,
    },
    /// A batch with no leaves, or more than [`MAX_BATCH_LEAVES`](super::merkle::MAX_BATCH_LEAVES).
    #[error("batch of {got} leaves, allowed 1..={max}")]
    BatchSize {
        /// `leafCount`.
        got: u64,
        /// The limit.
        max: u64,
    },
    /// A leaf index at or beyond `leafCount`.
    #[error("leaf index {index} not below leaf count {leaf_count}")]
    LeafIndexOutOfRange {
        /// The index.
        index: u64,
        /// `leafCount`.
        leaf_count: u64,
    },
    /// A Merkle proof of the wrong length for the batch size.
    #[error("Merkle proof has {got} nodes, the batch needs {expected}")]
    ProofLength {
        /// Nodes received.
        got: usize,
        /// `ceil(log2(leafCount))`.
        expected: usize,
    },
    /// A Merkle proof that does not lead to the signed root.
    #[error("Merkle proof leads to {got}, signed root is {expected}")]
    RootMismatch {
        /// Root recomputed from the proof.
        got: B256,
        /// Root in the batch message.
        expected: B256,
    },
    /// A claim in a batch names another block than the batch.
    #[error(
        "claim names block {got_number} {got_hash}, batch is for block {expected_number} {expected_hash}"
    )]
    ClaimBlockMismatch {
        /// Claim block number.
        got_number: u64,
        /// Claim block hash.
        got_hash: B256,
        /// Batch block number.
        expected_number: u64,
        /// Batch block hash.
        expected_hash: B256,
    },
    /// `public_key` is not 65-byte uncompressed SEC1 (`0x04 ‖ x ‖ y`).
    #[error("public_key is {len} bytes, expected 65-byte uncompressed SEC1")]
    PublicKeyFormat {
        /// Length received.
        len: usize,
    },
    /// `user_data` has the wrong length.
    #[error("user_data is {got} bytes, expected {expected}")]
    UserDataLength {
        /// Length received.
        got: usize,
        /// The layout's length.
        expected: usize,
    },
    /// `user_data` has an unknown layout version.
    #[error("user_data version {got}, expected {expected}")]
    UserDataVersion {
        /// Version byte received.
        got: u8,
        /// The only version accepted.
        expected: u8,
    },
    /// `user_data` names another key than `public_key`.
    #[error("user_data binds key {bound}, the attested public key is {attested}")]
    UserDataKeyMismatch {
        /// Address in `user_data`.
        bound: Address,
        /// Address of `public_key`.
        attested: Address,
    },
    /// The enclave runs another network config than the client's.
    #[error("user_data network config hash {got}, the client's is {expected}")]
    NetworkConfigMismatch {
        /// Hash in `user_data`.
        got: B256,
        /// The client's hash.
        expected: B256,
    },
    /// A PCR of the wrong length.
    #[error("PCR{index} is {len} bytes, expected 48")]
    PcrLength {
        /// PCR index.
        index: u8,
        /// Length received.
        len: usize,
    },
    /// The key would expire at or before registration time.
    #[error("registration would expire at {expiry}, now {now}")]
    RegistrationExpired {
        /// min(now + TTL, leaf notAfter).
        expiry: UnixSeconds,
        /// Registration time.
        now: UnixSeconds,
    },
    /// Misbehaviour froze the client: it verifies and updates nothing.
    #[error("client is frozen")]
    ClientFrozen,
    /// `updateState` before `initialize`.
    #[error("client is not initialised")]
    NotInitialized,
    /// `initialize` on an initialised client.
    #[error("client already initialised at state {state_id}")]
    AlreadyInitialized {
        /// The current state id.
        state_id: B256,
    },
    /// A claim names a block the client never stored.
    #[error("block {block_number} is not stored")]
    UnknownBlock {
        /// Claimed block number.
        block_number: u64,
    },
    /// A claim names a stored block number with another hash.
    #[error("block {block_number}: claim names {got}, stored {stored}")]
    BlockHashMismatch {
        /// Claimed block number.
        block_number: u64,
        /// Claimed hash.
        got: B256,
        /// Stored hash.
        stored: B256,
    },
    /// Two updates submitted as misbehaviour do not conflict.
    #[error("updates for slots {slot_a} and {slot_b} do not conflict")]
    NoConflict {
        /// Slot of the first update.
        slot_a: u64,
        /// Slot of the second update.
        slot_b: u64,
    },
}
