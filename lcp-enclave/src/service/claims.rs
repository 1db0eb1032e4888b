//! From SPV's [`Verified`] claims to the signed message bodies of `ILCPMessages.sol`.
//!
//! A [`SignableClaim`] can only be built from a `Verified<…>` value, so the signer never sees a
//! claim that did not pass verification (STYLE.md §2.6).

use super::error::ServiceError;
use crate::spv::{self, Verified};
use alloy_primitives::{B256, Bytes};
use alloy_sol_types::SolValue;
use attestation_verifier::message::encode::{Body, Domain, encode_message};
use attestation_verifier::message::merkle::{Claim, leaf_hash};
use attestation_verifier::message::{
    AccountClaim, MessageType, ReceiptLogClaim, StorageClaim, TransactionClaim,
};

/// A verified claim in its message layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignableClaim {
    /// `ReceiptLogClaim`.
    ReceiptLog(ReceiptLogClaim),
    /// `StorageClaim`.
    Storage(StorageClaim),
    /// `AccountClaim`.
    Account(AccountClaim),
    /// `TransactionClaim`.
    Transaction(TransactionClaim),
}

fn u32_field(index: usize, field: &'static str, value: u64) -> Result<u32, ServiceError> {
    u32::try_from(value).map_err(|_| ServiceError::FieldRange {
        index,
        field,
        value,
    })
}

impl SignableClaim {
    /// A receipt log claim (`index` = request position, for errors).
    ///
    /// # Errors
    /// [`ServiceError::FieldRange`] if an index exceeds `uint32`.
    pub fn receipt_log(
        index: usize,
        verified: Verified<spv::ReceiptLogClaim>,
    ) -> Result<Self, ServiceError> {
        let c = verified.into_claim();
        Ok(SignableClaim::ReceiptLog(ReceiptLogClaim {
            blockNumber: c.block_number,
            blockHash: c.block_hash,
            txIndex: u32_field(index, "txIndex", c.transaction_index)?,
            logIndex: u32_field(index, "logIndex", c.log_index)?,
            emitter: c.emitter,
            topics: c.topics,
            data: c.data,
        }))
    }

    /// A storage claim.
    pub fn storage(verified: Verified<spv::StorageClaim>) -> Self {
        let c = verified.into_claim();
        SignableClaim::Storage(StorageClaim {
            blockNumber: c.block_number,
            blockHash: c.block_hash,
            account: c.address,
            slot: c.slot,
            value: B256::from(c.value),
        })
    }

    /// An account claim.
    pub fn account(verified: Verified<spv::AccountClaim>) -> Self {
        let c = verified.into_claim();
        SignableClaim::Account(AccountClaim {
            blockNumber: c.block_number,
            blockHash: c.block_hash,
            account: c.address,
            exists: c.exists,
            nonce: c.nonce,
            balance: c.balance,
            storageRoot: c.storage_root,
            codeHash: c.code_hash,
        })
    }

    /// A transaction claim.
    ///
    /// # Errors
    /// [`ServiceError::FieldRange`] if the index exceeds `uint32`.
    pub fn transaction(
        index: usize,
        verified: Verified<spv::TransactionClaim>,
    ) -> Result<Self, ServiceError> {
        let c = verified.into_claim();
        Ok(SignableClaim::Transaction(TransactionClaim {
            blockNumber: c.block_number,
            blockHash: c.block_hash,
            txIndex: u32_field(index, "txIndex", c.transaction_index)?,
            txHash: c.transaction_hash,
            txType: c.tx_type.number(),
        }))
    }

    /// The message type.
    pub fn message_type(&self) -> MessageType {
        match self {
            SignableClaim::ReceiptLog(_) => ReceiptLogClaim::TYPE,
            SignableClaim::Storage(_) => StorageClaim::TYPE,
            SignableClaim::Account(_) => AccountClaim::TYPE,
            SignableClaim::Transaction(_) => TransactionClaim::TYPE,
        }
    }

    /// `abi.encode(claim)`.
    pub fn abi_encode(&self) -> Bytes {
        Bytes::from(match self {
            SignableClaim::ReceiptLog(c) => c.abi_encode(),
            SignableClaim::Storage(c) => c.abi_encode(),
            SignableClaim::Account(c) => c.abi_encode(),
            SignableClaim::Transaction(c) => c.abi_encode(),
        })
    }

    /// The batch leaf hash.
    pub fn leaf_hash(&self) -> B256 {
        match self {
            SignableClaim::ReceiptLog(c) => leaf_hash(c),
            SignableClaim::Storage(c) => leaf_hash(c),
            SignableClaim::Account(c) => leaf_hash(c),
            SignableClaim::Transaction(c) => leaf_hash(c),
        }
    }

    /// The block the claim names.
    pub fn block(&self) -> (u64, B256) {
        match self {
            SignableClaim::ReceiptLog(c) => c.block(),
            SignableClaim::Storage(c) => c.block(),
            SignableClaim::Account(c) => c.block(),
            SignableClaim::Transaction(c) => c.block(),
        }
    }

    /// `header ‖ abi.encode(claim)` for `domain`.
    pub fn message(&self, domain: Domain) -> Vec<u8> {
        match self {
            SignableClaim::ReceiptLog(c) => encode_message(domain, c),
            SignableClaim::Storage(c) => encode_message(domain, c),
            SignableClaim::Account(c) => encode_message(domain, c),
            SignableClaim::Transaction(c) => encode_message(domain, c),
        }
    }
}
