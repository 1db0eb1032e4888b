//! The one error type of SPV verification. Every variant names what failed (the field, the index,
//! the key) and, where there is one, the expected and the obtained value, so a rejected claim can be
//! diagnosed from the error alone.

use alloy_primitives::{Address, B256, U256};

/// Which Merkle-Patricia trie a proof or a root belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrieKind {
    /// The world state trie (key `keccak256(address)`).
    State,
    /// An account's storage trie (key `keccak256(slot)`).
    Storage,
    /// A block's receipts trie (key `rlp(transaction index)`).
    Receipts,
    /// A block's transactions trie (key `rlp(transaction index)`).
    Transactions,
    /// A block's withdrawals trie (key `rlp(withdrawal index)`), EIP-4895.
    Withdrawals,
}

/// The key a proof was checked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrieKey {
    /// An account in the state trie.
    Account(Address),
    /// A storage slot of an account.
    Storage {
        /// The account.
        address: Address,
        /// The slot (before hashing).
        slot: B256,
    },
    /// A position in an ordered trie (receipts, transactions, withdrawals).
    Index(u64),
}

impl core::fmt::Display for TrieKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Account(address) => write!(f, "account {address}"),
            Self::Storage { address, slot } => write!(f, "slot {slot} of {address}"),
            Self::Index(index) => write!(f, "index {index}"),
        }
    }
}

/// What is wrong with one node of a Merkle-Patricia proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The node is not one canonical RLP item.
    #[error("not canonical RLP: {0}")]
    Rlp(alloy_rlp::Error),
    /// The node is an RLP string, not a list.
    #[error("not a list")]
    NotAList,
    /// Bytes follow the node's RLP item.
    #[error("{0} trailing bytes")]
    TrailingBytes(usize),
    /// A trie node is a list of 2 (leaf/extension) or 17 (branch) items.
    #[error("list of {0} items is neither a leaf/extension (2) nor a branch (17)")]
    ItemCount(usize),
    /// The hex-prefix encoded path has an unknown flag nibble or a non-zero pad nibble.
    #[error("invalid hex-prefix path encoding")]
    PathEncoding,
    /// An extension node with an empty path.
    #[error("extension with an empty path")]
    EmptyExtension,
    /// A child reference is neither empty, a 32-byte hash, nor an embedded node shorter than 32 bytes.
    #[error("invalid child reference of {0} bytes")]
    ChildReference(usize),
    /// A leaf or branch value that is empty where a value is required.
    #[error("empty leaf value")]
    EmptyValue,
}

/// Why a JSON value was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonProblem {
    /// The field is absent (or `null`).
    Missing,
    /// The value has the wrong JSON type.
    WrongType,
    /// A hex string without `0x`, with an odd number of digits or a non-hex digit.
    NotHex,
    /// A decimal string with a non-digit.
    NotDecimal,
    /// A quantity with leading zeros (`0x01`), which the JSON-RPC specification forbids.
    LeadingZero,
    /// A value of the wrong byte length.
    Length {
        /// The length the field must have (or at most have).
        expected: usize,
        /// The length found.
        got: usize,
    },
    /// A number that does not fit its type.
    Overflow,
    /// More array elements than the field's limit.
    TooMany {
        /// The limit.
        max: usize,
        /// The count found.
        got: usize,
    },
    /// A value outside the values the field may take (unknown type byte, status other than 0 or 1).
    Invalid,
}

impl core::fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Missing => f.write_str("missing"),
            Self::WrongType => f.write_str("wrong JSON type"),
            Self::NotHex => f.write_str("not 0x-prefixed hex"),
            Self::NotDecimal => f.write_str("not a decimal string"),
            Self::LeadingZero => f.write_str("quantity with leading zeros"),
            Self::Length { expected, got } => write!(f, "{got} bytes, expected {expected}"),
            Self::Overflow => f.write_str("number too large"),
            Self::TooMany { max, got } => write!(f, "{got} elements, at most {max}"),
            Self::Invalid => f.write_str("invalid value"),
        }
    }
}

/// Displays an optional element index as ` [i]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct At(Option<usize>);

impl core::fmt::Display for At {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Some(index) => write!(f, "[{index}]"),
            None => Ok(()),
        }
    }
}

/// Displays a JSON field name as `.name`, or nothing for the object itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Field<'a>(&'a str);

impl core::fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, ".{}", self.0)
        }
    }
}

/// A claim field that must equal what the proof proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimField {
    /// The block number.
    BlockNumber,
    /// The block hash.
    BlockHash,
    /// The transaction's index in the block.
    TransactionIndex,
    /// The log's index in its receipt.
    LogIndex,
    /// The contract that emitted the log.
    Emitter,
    /// The log topics.
    Topics,
    /// The log data.
    Data,
    /// The transaction hash.
    TransactionHash,
}

/// Everything that can make an SPV verification fail.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpvError {
    /// A JSON field is missing or malformed.
    #[error("JSON {object}{}{}: {problem}", At(*index), Field(field))]
    Json {
        /// The object being read (`header`, `receipt`, `eth_getProof`, …).
        object: &'static str,
        /// The element index when the object is one of a list.
        index: Option<usize>,
        /// The field name as it appears in the JSON.
        field: &'static str,
        /// What is wrong.
        problem: JsonProblem,
    },
    /// An RLP-encoded structure is malformed.
    #[error("RLP {what}{}: {source}", At(*index))]
    Rlp {
        /// The structure (`header`, `receipt`, `legacy transaction`, …).
        what: &'static str,
        /// The element index when the structure is one of a list.
        index: Option<usize>,
        /// The decoder's error.
        source: alloy_rlp::Error,
    },
    /// An RLP structure is followed by bytes that belong to nothing.
    #[error("RLP {what}: {count} trailing bytes")]
    TrailingBytes {
        /// The structure.
        what: &'static str,
        /// How many bytes follow it.
        count: usize,
    },
    /// An encoded structure is larger than its limit.
    #[error("{what} is {size} bytes, at most {max} allowed")]
    TooLarge {
        /// The structure.
        what: &'static str,
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A list has more elements than its limit.
    #[error("{what}: {count} elements, at most {max} allowed")]
    TooMany {
        /// The list.
        what: &'static str,
        /// Its length.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An EIP-2718 type byte that this block format does not define.
    #[error("{what}: unknown EIP-2718 type {ty:#04x}")]
    UnknownType {
        /// `receipt` or `transaction`.
        what: &'static str,
        /// The type byte.
        ty: u8,
    },
    /// A field value the structure forbids (a receipt status other than 0/1, an EIP-155 `v`…).
    #[error("{what}: invalid {field}")]
    InvalidField {
        /// The structure.
        what: &'static str,
        /// The field.
        field: &'static str,
    },
    /// The proof has more nodes than its key can traverse.
    #[error("{trie:?} proof for {key}: {count} nodes, at most {max}")]
    ProofTooLong {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
        /// Nodes supplied.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A proof node is larger than any node of this trie can be.
    #[error("{trie:?} proof for {key}: node {node} is {size} bytes, at most {max}")]
    ProofNodeTooLarge {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
        /// The node's position in the proof.
        node: usize,
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A proof node is malformed.
    #[error("{trie:?} proof for {key}: node {node}: {source}")]
    ProofNode {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
        /// The node's position in the proof.
        node: usize,
        /// What is wrong with it.
        source: NodeError,
    },
    /// A proof node does not hash to the reference its parent (or the root) holds.
    #[error("{trie:?} proof for {key}: node {node} hashes to {got}, expected {expected}")]
    ProofHashMismatch {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
        /// The node's position in the proof.
        node: usize,
        /// The reference held by the parent (the root for node 0).
        expected: B256,
        /// The node's hash.
        got: B256,
    },
    /// The proof stops before the key's path is resolved.
    #[error("{trie:?} proof for {key} is truncated after {count} nodes")]
    ProofTruncated {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
        /// Nodes supplied.
        count: usize,
    },
    /// The proof continues after the key's path was resolved.
    #[error("{trie:?} proof for {key} has {extra} nodes after the path ends")]
    ProofExtraNodes {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
        /// How many nodes are unused.
        extra: usize,
    },
    /// The proof proves a different value (or absence/presence) than claimed.
    #[error("{trie:?} proof for {key} proves a value other than the one claimed")]
    ProofValueMismatch {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
    },
    /// The proof proves that the key is absent where a value is required.
    #[error("{trie:?} proof for {key} proves absence")]
    ProofAbsent {
        /// The trie.
        trie: TrieKind,
        /// The key.
        key: TrieKey,
    },
    /// A claimed account field differs from the proven one.
    #[error("account {address}: {field} claimed {claimed}, proven {proven}")]
    AccountFieldMismatch {
        /// The account.
        address: Address,
        /// `nonce`, `balance`, `storageHash` or `codeHash`.
        field: &'static str,
        /// The claimed value as a 32-byte word.
        claimed: B256,
        /// The proven value as a 32-byte word.
        proven: B256,
    },
    /// A claimed storage value differs from the proven one.
    #[error("slot {slot} of {address}: claimed {claimed}, proven {proven}")]
    StorageValueMismatch {
        /// The account.
        address: Address,
        /// The slot.
        slot: B256,
        /// The claimed value.
        claimed: U256,
        /// The proven value.
        proven: U256,
    },
    /// A proven storage value is zero, which the trie never stores (EIP-161 / yellow paper §4.1).
    #[error("slot {slot} of {address}: the trie stores a zero value")]
    ZeroStorageValue {
        /// The account.
        address: Address,
        /// The slot.
        slot: B256,
    },
    /// The same storage slot is listed twice in one response.
    #[error("slot {slot} of {address} is listed twice")]
    DuplicateSlot {
        /// The account.
        address: Address,
        /// The slot.
        slot: B256,
    },
    /// A block hash recomputed from the header fields differs from the hash given with them.
    #[error("block {number}: header hashes to {computed}, claimed {claimed}")]
    BlockHashMismatch {
        /// The block number.
        number: u64,
        /// The hash given with the header.
        claimed: B256,
        /// The hash of the RLP header.
        computed: B256,
    },
    /// A header carries a fork field without the fields of an earlier fork.
    #[error("header has {field} but not {missing}, which an earlier fork introduced")]
    ForkFieldGap {
        /// The field present.
        field: &'static str,
        /// The earlier field absent.
        missing: &'static str,
    },
    /// A field of a header or payload differs from the light client's verified value.
    #[error("{field}: expected {expected}, got {got}")]
    HeaderFieldMismatch {
        /// The field.
        field: &'static str,
        /// The light client's (or payload's) value.
        expected: B256,
        /// The value found.
        got: B256,
    },
    /// The block number of a header differs from the light client's verified value.
    #[error("block number: expected {expected}, got {got}")]
    BlockNumberMismatch {
        /// The light client's value.
        expected: u64,
        /// The value found.
        got: u64,
    },
    /// A trie root rebuilt from all items differs from the root it must equal.
    #[error("{trie:?} root rebuilt from {count} items is {computed}, expected {expected}")]
    RootMismatch {
        /// The trie.
        trie: TrieKind,
        /// Items in the trie.
        count: usize,
        /// The root it must equal.
        expected: B256,
        /// The rebuilt root.
        computed: B256,
    },
    /// An index beyond the end of a list.
    #[error("{what} index {index} out of range (length {len})")]
    IndexOutOfRange {
        /// The list.
        what: &'static str,
        /// The index asked for.
        index: u64,
        /// The list's length.
        len: u64,
    },
    /// A JSON list element claims a position other than its own (`transactionIndex`).
    #[error("{what} {position} claims index {claimed}")]
    PositionMismatch {
        /// The list.
        what: &'static str,
        /// Its position in the list.
        position: u64,
        /// The index it claims.
        claimed: u64,
    },
    /// A claim's field differs from what the proof proves.
    #[error("claim {field:?} differs from the proven value")]
    ClaimMismatch {
        /// The field.
        field: ClaimField,
    },
    /// A claim's anchor (block hash, state root, receipts root) is not the verified header's.
    #[error("{field}: proven against {proven}, verified header has {verified}")]
    AnchorMismatch {
        /// The anchor (`state_root`, `receipts_root`, `transactions_root`).
        field: &'static str,
        /// The root the proof was checked against.
        proven: B256,
        /// The verified header's root.
        verified: B256,
    },
    /// Transaction `index` of a block is malformed.
    #[error("transaction {index}: {source}")]
    InTransaction {
        /// The transaction's index in the block.
        index: usize,
        /// What is wrong with it.
        source: Box<SpvError>,
    },
    /// A field a fork requires was not supplied.
    #[error("a {fork} payload needs {field}")]
    MissingForkField {
        /// The fork that introduced the field.
        fork: &'static str,
        /// The field.
        field: &'static str,
    },
}

impl SpvError {
    /// Shorthand for an RLP error of a structure that is not part of a list.
    pub(crate) fn rlp(what: &'static str, source: alloy_rlp::Error) -> Self {
        Self::Rlp {
            what,
            index: None,
            source,
        }
    }
}
