//! The typed claims the enclave signs. Each is plain data; only SPV verification can wrap one in
//! [`Verified`], and the signer accepts nothing else (DESIGN.md §5.3, STYLE.md §2.6).

use super::transaction::TxType;
use alloy_primitives::{Address, B256, Bytes, U256};

/// A claim that passed verification against the light client's verified execution header. Its
/// constructor is private to the SPV module: holding one is the proof that the checks ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified<C> {
    claim: C,
}

impl<C> Verified<C> {
    /// Wraps a claim; only verification functions call this.
    pub(in crate::spv) const fn new(claim: C) -> Self {
        Self { claim }
    }

    /// The verified claim.
    pub const fn claim(&self) -> &C {
        &self.claim
    }

    /// Unwraps the claim (for encoding; the result is no longer marked verified).
    pub fn into_claim(self) -> C {
        self.claim
    }
}

/// "Log `log_index` of the receipt of transaction `transaction_index` in block `block_number`
/// (`block_hash`) was emitted by `emitter` with these topics and data."
///
/// `log_index` is the log's position in its receipt's logs, not the block-wide `logIndex` of
/// JSON-RPC, so the claim is checkable from one receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptLogClaim {
    /// The block number.
    pub block_number: u64,
    /// The block hash.
    pub block_hash: B256,
    /// The transaction's index in the block.
    pub transaction_index: u64,
    /// The log's index in the receipt.
    pub log_index: u64,
    /// The emitting contract.
    pub emitter: Address,
    /// The topics.
    pub topics: Vec<B256>,
    /// The data.
    pub data: Bytes,
}

/// "In the state after block `block_number`, slot `slot` of `address` holds `value`" (zero for an
/// empty slot, proven by exclusion).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageClaim {
    /// The block number.
    pub block_number: u64,
    /// The block hash.
    pub block_hash: B256,
    /// The state root the proof was checked against.
    pub state_root: B256,
    /// The account.
    pub address: Address,
    /// The slot (before hashing).
    pub slot: B256,
    /// The value.
    pub value: U256,
}

/// "In the state after block `block_number`, `address` exists (or not) with these fields."
/// An absent account has `exists = false` and the empty account's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountClaim {
    /// The block number.
    pub block_number: u64,
    /// The block hash.
    pub block_hash: B256,
    /// The state root the proof was checked against.
    pub state_root: B256,
    /// The account.
    pub address: Address,
    /// Whether the account is in the state trie.
    pub exists: bool,
    /// The nonce.
    pub nonce: u64,
    /// The balance in wei.
    pub balance: U256,
    /// The storage root.
    pub storage_root: B256,
    /// The code hash.
    pub code_hash: B256,
}

/// "Transaction `transaction_hash` of type `tx_type` is at `transaction_index` of block
/// `block_number` (`block_hash`)."
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransactionClaim {
    /// The block number.
    pub block_number: u64,
    /// The block hash.
    pub block_hash: B256,
    /// The transaction's index in the block.
    pub transaction_index: u64,
    /// `keccak256` of the EIP-2718 encoding.
    pub transaction_hash: B256,
    /// The type.
    pub tx_type: TxType,
}
