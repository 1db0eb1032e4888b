//! SPV verification: proving that something happened on the source chain against an execution
//! header the light client verified (DESIGN.md §5.3).
//!
//! Pure functions, no I/O: the anchor is an [`ExecutionHeaderFacts`] from the light client; the
//! untrusted inputs are RPC responses (JSON) or their RLP contents; the outputs are
//! [`Verified`] claims the enclave may sign.
//!
//! - [`header`]: RLP headers of every fork, block hash recomputation, the link to the light client.
//! - [`payload`]: a beacon block's execution payload mapped to its header (transactions and
//!   withdrawals roots rebuilt).
//! - [`account`]: `eth_getProof` account and storage proofs, inclusion and exclusion.
//! - [`receipt`]: receipts of every type, the receipts trie, receipt proofs and log claims.
//! - [`transaction`]: transactions of every type and their inclusion proofs.
//! - [`trie`]: bounded Merkle-Patricia proof walking and ordered-trie building.

#![allow(
    clippy::result_large_err,
    reason = "errors carry the key and the expected and obtained hashes (about 140 bytes); they are the \
              cold path, and boxing them would hide the variants from callers' pattern matching"
)]

pub mod account;
pub mod claim;
pub mod error;
pub mod header;
mod json;
pub mod payload;
pub mod receipt;
mod rlp;
pub mod transaction;
pub mod trie;

pub use account::{AccountProof, AccountState, ProvenAccount, verify_account_proof};
pub use claim::{AccountClaim, ReceiptLogClaim, StorageClaim, TransactionClaim, Verified};
pub use error::{ClaimField, JsonProblem, NodeError, SpvError, TrieKey, TrieKind};
pub use header::{ExecutionHeader, ExecutionHeaderFacts, SealedExecutionHeader};
pub use payload::ExecutionPayload;
pub use receipt::{
    BlockReceipts, ProvenReceipt, Receipt, ReceiptProof, verify_receipt_log_claim,
    verify_receipt_proof,
};
pub use transaction::{ProvenTransaction, Transaction, TxType, verify_transaction_proof};
