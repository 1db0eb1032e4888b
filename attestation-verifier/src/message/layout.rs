//! The message layouts, generated from the Solidity definition.
//!
//! `solidity/src/interfaces/ILCPMessages.sol` is the one definition of every signed message body;
//! `sol!` reads it at compile time (path relative to this crate's `CARGO_MANIFEST_DIR`), so a field
//! added or reordered there changes the Rust types and encodings in the same commit.

#![allow(missing_docs)] // generated items carry the Solidity NatSpec where it exists

alloy_sol_types::sol!(
    #![sol(all_derives)]
    "../solidity/src/interfaces/ILCPMessages.sol"
);

pub use ILCPMessages::{
    AccountClaim, BatchClaims, MessageType, ReceiptLogClaim, StorageClaim, TransactionClaim,
    UpdateState,
};
