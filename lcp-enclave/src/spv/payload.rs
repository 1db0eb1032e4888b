//! A beacon block's execution payload mapped to the execution header it commits to.
//!
//! The payload carries most header fields directly; the rest are computed: `transactions_root` and
//! `withdrawals_root` are the MPT roots of the payload's raw transactions and withdrawals (the
//! payload header's SSZ roots are something else), `ommers_hash` is the empty list's hash,
//! `difficulty` and `nonce` are zero, `mix_hash` is `prev_randao` (EIP-3675). Since Cancun the
//! header also commits to the parent beacon block root (EIP-4788, from the beacon block) and since
//! Prague to the execution requests (EIP-7685, from the beacon block body): the caller supplies
//! them. Recomputing `block_hash` from all this ties a light-client header to real transactions.

use super::{
    error::{JsonProblem, SpvError},
    header::{
        ExecutionHeader, MAX_EXTRA_DATA_BYTES, SealedExecutionHeader, Withdrawal, withdrawals_root,
    },
    json::{Obj, element_bytes},
    transaction::transactions_trie,
    trie::{MAX_ITEM_BYTES, MAX_TRANSACTIONS_PER_BLOCK, MAX_WITHDRAWALS_PER_BLOCK},
};
use alloy_primitives::{Address, B64, B256, Bloom, Bytes, U256, b256};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// `keccak256(rlp([]))`: the ommers hash of every post-merge block (EIP-3675).
pub const EMPTY_OMMERS_HASH: B256 =
    b256!("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");

/// An `ExecutionPayload` of the consensus layer (Bellatrix through Fulu).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionPayload {
    /// `parent_hash`.
    pub parent_hash: B256,
    /// `fee_recipient`.
    pub fee_recipient: Address,
    /// `state_root`.
    pub state_root: B256,
    /// `receipts_root`.
    pub receipts_root: B256,
    /// `logs_bloom`.
    pub logs_bloom: Bloom,
    /// `prev_randao`.
    pub prev_randao: B256,
    /// `block_number`.
    pub block_number: u64,
    /// `gas_limit`.
    pub gas_limit: u64,
    /// `gas_used`.
    pub gas_used: u64,
    /// `timestamp`.
    pub timestamp: u64,
    /// `extra_data`.
    pub extra_data: Bytes,
    /// `base_fee_per_gas`.
    pub base_fee_per_gas: U256,
    /// `block_hash`: the hash the recomputed header must have.
    pub block_hash: B256,
    /// `transactions`: raw EIP-2718 transactions.
    pub transactions: Vec<Bytes>,
    /// `withdrawals` (Capella).
    pub withdrawals: Option<Vec<Withdrawal>>,
    /// `blob_gas_used` (Deneb).
    pub blob_gas_used: Option<u64>,
    /// `excess_blob_gas` (Deneb).
    pub excess_blob_gas: Option<u64>,
}

impl ExecutionPayload {
    /// Reads a Beacon-API `execution_payload` object (decimal integers, hex bytes).
    ///
    /// # Errors
    /// A field is missing or malformed; too many transactions or withdrawals.
    pub fn from_beacon_json(value: &Value) -> Result<Self, SpvError> {
        let obj = Obj::new(value, "execution_payload", None)?;
        let transactions = obj
            .array("transactions", MAX_TRANSACTIONS_PER_BLOCK)?
            .iter()
            .enumerate()
            .map(|(index, tx)| element_bytes(tx, "transactions", index, MAX_ITEM_BYTES))
            .collect::<Result<Vec<_>, _>>()?;
        let withdrawals = match obj.get("withdrawals") {
            None => None,
            Some(_) => Some(
                obj.array("withdrawals", MAX_WITHDRAWALS_PER_BLOCK)?
                    .iter()
                    .enumerate()
                    .map(|(index, item)| Withdrawal::from_beacon_json(item, index))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let optional_decimal = |field: &'static str| -> Result<Option<u64>, SpvError> {
            match obj.get(field) {
                None => Ok(None),
                Some(_) => obj.decimal_u64(field).map(Some),
            }
        };
        Ok(Self {
            parent_hash: obj.b256("parent_hash")?,
            fee_recipient: obj.address("fee_recipient")?,
            state_root: obj.b256("state_root")?,
            receipts_root: obj.b256("receipts_root")?,
            logs_bloom: obj.bloom("logs_bloom")?,
            prev_randao: obj.b256("prev_randao")?,
            block_number: obj.decimal_u64("block_number")?,
            gas_limit: obj.decimal_u64("gas_limit")?,
            gas_used: obj.decimal_u64("gas_used")?,
            timestamp: obj.decimal_u64("timestamp")?,
            extra_data: obj.bytes("extra_data", MAX_EXTRA_DATA_BYTES)?,
            base_fee_per_gas: obj.decimal_u256("base_fee_per_gas")?,
            block_hash: obj.b256("block_hash")?,
            transactions,
            withdrawals,
            blob_gas_used: optional_decimal("blob_gas_used")?,
            excess_blob_gas: optional_decimal("excess_blob_gas")?,
        })
    }

    /// The execution header this payload commits to. Every transaction is decoded (so the
    /// transactions root is built from transactions, not arbitrary bytes).
    ///
    /// `parent_beacon_block_root` is required from Deneb on (the payload has blob gas fields) and
    /// `execution_requests` (EIP-7685 `type ‖ data` byte strings) from Electra on.
    ///
    /// # Errors
    /// A transaction is malformed; a Deneb payload without a parent beacon root; requests given
    /// for a pre-Deneb payload.
    pub fn to_header(
        &self,
        parent_beacon_block_root: Option<B256>,
        execution_requests: Option<&[Bytes]>,
    ) -> Result<ExecutionHeader, SpvError> {
        let is_deneb = self.blob_gas_used.is_some() || self.excess_blob_gas.is_some();
        if is_deneb && parent_beacon_block_root.is_none() {
            return Err(SpvError::MissingForkField {
                fork: "Deneb",
                field: "parent_beacon_block_root",
            });
        }
        let transactions_root = transactions_trie(&self.transactions, None)?.root();
        let withdrawals_root = self
            .withdrawals
            .as_deref()
            .map(withdrawals_root)
            .transpose()?;
        let header = ExecutionHeader {
            parent_hash: self.parent_hash,
            ommers_hash: EMPTY_OMMERS_HASH,
            beneficiary: self.fee_recipient,
            state_root: self.state_root,
            transactions_root,
            receipts_root: self.receipts_root,
            logs_bloom: self.logs_bloom,
            difficulty: U256::ZERO,
            number: self.block_number,
            gas_limit: self.gas_limit,
            gas_used: self.gas_used,
            timestamp: self.timestamp,
            extra_data: self.extra_data.clone(),
            mix_hash: self.prev_randao,
            nonce: B64::ZERO,
            base_fee_per_gas: Some(self.base_fee_per_gas),
            withdrawals_root,
            blob_gas_used: self.blob_gas_used,
            excess_blob_gas: self.excess_blob_gas,
            parent_beacon_block_root,
            requests_hash: execution_requests.map(requests_hash),
        };
        header.check_well_formed()?;
        Ok(header)
    }

    /// Rebuilds the header and requires its hash to be the payload's `block_hash`.
    ///
    /// # Errors
    /// See [`Self::to_header`]; [`SpvError::BlockHashMismatch`].
    pub fn verify_block_hash(
        &self,
        parent_beacon_block_root: Option<B256>,
        execution_requests: Option<&[Bytes]>,
    ) -> Result<SealedExecutionHeader, SpvError> {
        let sealed = SealedExecutionHeader::seal(
            self.to_header(parent_beacon_block_root, execution_requests)?,
        )?;
        if sealed.hash() != self.block_hash {
            return Err(SpvError::BlockHashMismatch {
                number: self.block_number,
                claimed: self.block_hash,
                computed: sealed.hash(),
            });
        }
        Ok(sealed)
    }
}

/// EIP-7685 `requests_hash`: `sha256(sha256(r_0) ‖ sha256(r_1) ‖ …)` over the requests
/// `r_i = type ‖ data` in type order, leaving out those with empty data.
pub fn requests_hash(requests: &[Bytes]) -> B256 {
    let mut outer = Sha256::new();
    for request in requests.iter().filter(|request| request.len() > 1) {
        outer.update(Sha256::digest(request));
    }
    B256::from_slice(&outer.finalize())
}

/// Reads the `execution_payload` of a Beacon-API block response (`{version, data: {message: {body:
/// {execution_payload}}}}`, or the signed block or message without the envelope) along with the
/// block's `parent_root`.
///
/// # Errors
/// The payload cannot be found or is malformed.
pub fn payload_of_beacon_block(block: &Value) -> Result<(ExecutionPayload, B256), SpvError> {
    let data = block.get("data").unwrap_or(block);
    let message = data.get("message").unwrap_or(data);
    let obj = Obj::new(message, "beacon block", None)?;
    let parent_root = obj.b256("parent_root")?;
    let body = obj
        .get("body")
        .ok_or_else(|| obj.error("body", JsonProblem::Missing))?;
    let payload = Obj::new(body, "beacon block body", None)?
        .get("execution_payload")
        .ok_or_else(|| obj.error("execution_payload", JsonProblem::Missing))?;
    Ok((ExecutionPayload::from_beacon_json(payload)?, parent_root))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;

    #[test]
    fn empty_ommers_hash_is_the_hash_of_an_empty_list() {
        assert_eq!(keccak256([0xc0]), EMPTY_OMMERS_HASH);
    }

    #[test]
    fn requests_hash_skips_empty_requests() {
        // With no requests at all the hash is sha256 of nothing (EIP-7685).
        let empty = B256::from_slice(&Sha256::digest([]));
        assert_eq!(requests_hash(&[]), empty);
        let only_types = [Bytes::from_static(&[0]), Bytes::from_static(&[1])];
        assert_eq!(requests_hash(&only_types), empty);
        let one = [Bytes::from_static(&[0, 0xaa])];
        let expected = B256::from_slice(&Sha256::digest(Sha256::digest([0, 0xaa])));
        assert_eq!(requests_hash(&one), expected);
    }
}
