//! LCP signed messages: what the enclave signs and the destination chain verifies.
//!
//! A message is a 32-byte header (version, type, destination chain id, `LCPClient` address) followed
//! by the ABI-encoded body whose layout `solidity/src/interfaces/ILCPMessages.sol` defines. The
//! enclave signs `keccak256(message)` with its secp256k1 key; the contract and this module recover
//! the signer with the same rules (65-byte `r ‖ s ‖ v`, `v ∈ {27, 28}`, low-s only).

mod error;

pub mod binding;
pub mod client;
pub mod encode;
pub mod layout;
pub mod merkle;
pub mod sign;
pub mod verify;

pub use encode::{Body, Domain, Header, Message, decode_message, encode_message, signing_digest};
pub use error::Error;
pub use layout::{
    AccountClaim, BatchClaims, MessageType, ReceiptLogClaim, StorageClaim, TransactionClaim,
    UpdateState,
};
