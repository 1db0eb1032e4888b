//! An execution block from the devnet's execution node (anvil) mapped to the
//! `ExecutionPayloadHeader` a beacon block commits to.
//!
//! The JSON header is checked against its hash first (every field, every fork), the raw
//! transactions against the header's transactions root and the listed hashes; then the SSZ roots the
//! payload header carries are computed (`transactions_root` and `withdrawals_root` are SSZ
//! `hash_tree_root`s of the lists, not the MPT roots of the execution header), and the enclave's own
//! payload → header mapping (`ExecutionPayload::verify_block_hash`) must reproduce anvil's hash.
//!
//! Spec: consensus-specs `deneb/beacon-chain.md` (`ExecutionPayload[Header]`), `electra/beacon-chain.md`
//! (`ExecutionRequests`); EIP-4788 and EIP-7685 for the header fields outside the payload.

use super::DevnetError;
use super::ssz::{byte_list_root, composite_list_root, merkleize, pack_bytes, u64_chunk};
use alloy_primitives::{B256, Bytes, keccak256};
use lcp_enclave::light_client::config::Fork;
use lcp_enclave::light_client::containers::ExecutionPayloadHeaderDeneb;
use lcp_enclave::spv::header::Withdrawal;
use lcp_enclave::spv::payload::requests_hash;
use lcp_enclave::spv::transaction::transactions_trie;
use lcp_enclave::spv::{ExecutionHeader, ExecutionPayload, SealedExecutionHeader};
use serde_json::Value;
use ssz_types::VariableList;

/// `MAX_BYTES_PER_TRANSACTION` (bellatrix preset, both presets).
pub const MAX_BYTES_PER_TRANSACTION: usize = 1 << 30;
/// `MAX_TRANSACTIONS_PER_PAYLOAD` (bellatrix preset, both presets).
pub const MAX_TRANSACTIONS_PER_PAYLOAD: usize = 1 << 20;
/// `MAX_WITHDRAWALS_PER_PAYLOAD` (capella preset, minimal: customized 2**2 as of v1.4.0; not
/// re-checked for v1.7, see docs/notes/devnet.md).
pub const MAX_WITHDRAWALS_PER_PAYLOAD: usize = 4;
/// `MAX_DEPOSIT_REQUESTS_PER_PAYLOAD` (electra minimal = mainnet as of v1.7.0-alpha.11).
pub const MAX_DEPOSIT_REQUESTS_PER_PAYLOAD: usize = 8192;
/// `MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD` (electra minimal = mainnet as of v1.7.0-alpha.11).
pub const MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD: usize = 16;
/// `MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD` (electra, both presets, v1.7.0-alpha.11).
pub const MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD: usize = 2;

/// An execution block whose header hash, transactions and withdrawals have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionBlock {
    header: ExecutionHeader,
    hash: B256,
    raw_transactions: Vec<Bytes>,
    withdrawals: Vec<Withdrawal>,
}

impl ExecutionBlock {
    /// Reads an `eth_getBlockByNumber` result (full transactions or hashes) and the block's raw
    /// transactions (`eth_getRawTransactionByHash`, in block order).
    ///
    /// # Errors
    /// The header does not hash to `hash` ([`DevnetError::Spv`]); a raw transaction does not
    /// hash to the listed one ([`DevnetError::TransactionMismatch`]); the raw transactions do not
    /// rebuild `transactionsRoot` ([`DevnetError::TransactionsRoot`]).
    pub fn from_rpc(block: &Value, raw_transactions: Vec<Bytes>) -> Result<Self, DevnetError> {
        let block = match block.get("result") {
            Some(result) if block.get("jsonrpc").is_some() => result,
            _ => block,
        };
        let sealed = SealedExecutionHeader::from_rpc_json(block).map_err(DevnetError::spv)?;
        let listed =
            block
                .get("transactions")
                .and_then(Value::as_array)
                .ok_or(DevnetError::BlockJson {
                    field: "transactions",
                })?;
        if listed.len() != raw_transactions.len() {
            return Err(DevnetError::TransactionCount {
                listed: listed.len(),
                raw: raw_transactions.len(),
            });
        }
        for (index, (item, raw)) in listed.iter().zip(&raw_transactions).enumerate() {
            let text = item
                .get("hash")
                .unwrap_or(item)
                .as_str()
                .ok_or(DevnetError::BlockJson {
                    field: "transactions",
                })?;
            let listed: B256 = text.parse().map_err(|_| DevnetError::BlockJson {
                field: "transactions",
            })?;
            if keccak256(raw) != listed {
                return Err(DevnetError::TransactionMismatch { index });
            }
        }
        let computed = transactions_trie(&raw_transactions, None)
            .map_err(DevnetError::spv)?
            .root();
        if computed != sealed.header().transactions_root {
            return Err(DevnetError::TransactionsRoot {
                expected: sealed.header().transactions_root,
                computed,
            });
        }
        let withdrawals = match block.get("withdrawals").and_then(Value::as_array) {
            None => Vec::new(),
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| Withdrawal::from_rpc_json(item, i).map_err(DevnetError::spv))
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(Self {
            header: sealed.header().clone(),
            hash: sealed.hash(),
            raw_transactions,
            withdrawals,
        })
    }

    /// The block hash (recomputed from the header fields).
    pub fn hash(&self) -> B256 {
        self.hash
    }

    /// The header.
    pub fn header(&self) -> &ExecutionHeader {
        &self.header
    }

    /// The block number.
    pub fn number(&self) -> u64 {
        self.header.number
    }

    /// The raw transactions, in block order.
    pub fn raw_transactions(&self) -> &[Bytes] {
        &self.raw_transactions
    }

    /// The `ExecutionPayloadHeader` of this block in a `fork` beacon block, after checking that the
    /// header has exactly that fork's fields (Deneb ↔ Cancun, Electra ↔ Prague) and that the
    /// enclave's payload → header mapping reproduces the block hash.
    ///
    /// # Errors
    /// [`DevnetError::HardforkMismatch`] naming the field; [`DevnetError::ExecutionRequests`] when
    /// the block carries execution requests (the devnet's beacon blocks carry none);
    /// [`DevnetError::Spv`] if the recomputed hash differs.
    pub fn payload_header(&self, fork: Fork) -> Result<ExecutionPayloadHeaderDeneb, DevnetError> {
        let h = &self.header;
        let mismatch = |field| DevnetError::HardforkMismatch { fork, field };
        let base_fee = h.base_fee_per_gas.ok_or(mismatch("baseFeePerGas"))?;
        let blob_gas_used = h.blob_gas_used.ok_or(mismatch("blobGasUsed"))?;
        let excess_blob_gas = h.excess_blob_gas.ok_or(mismatch("excessBlobGas"))?;
        let parent_beacon_root = h
            .parent_beacon_block_root
            .ok_or(mismatch("parentBeaconBlockRoot"))?;
        let requests: Option<&[Bytes]> = match (fork, h.requests_hash) {
            (Fork::Deneb, None) => None,
            (Fork::Electra, Some(got)) => {
                let empty = requests_hash(&[]);
                if got != empty {
                    return Err(DevnetError::ExecutionRequests { got, empty });
                }
                Some(&[])
            }
            _ => return Err(mismatch("requestsHash")),
        };
        let payload = ExecutionPayload {
            parent_hash: h.parent_hash,
            fee_recipient: h.beneficiary,
            state_root: h.state_root,
            receipts_root: h.receipts_root,
            logs_bloom: h.logs_bloom,
            prev_randao: h.mix_hash,
            block_number: h.number,
            gas_limit: h.gas_limit,
            gas_used: h.gas_used,
            timestamp: h.timestamp,
            extra_data: h.extra_data.clone(),
            base_fee_per_gas: base_fee,
            block_hash: self.hash,
            transactions: self.raw_transactions.clone(),
            withdrawals: Some(self.withdrawals.clone()),
            blob_gas_used: Some(blob_gas_used),
            excess_blob_gas: Some(excess_blob_gas),
        };
        payload
            .verify_block_hash(Some(parent_beacon_root), requests)
            .map_err(DevnetError::spv)?;
        Ok(ExecutionPayloadHeaderDeneb {
            parent_hash: h.parent_hash,
            fee_recipient: h.beneficiary,
            state_root: h.state_root,
            receipts_root: h.receipts_root,
            logs_bloom: h.logs_bloom.0,
            prev_randao: h.mix_hash,
            block_number: h.number,
            gas_limit: h.gas_limit,
            gas_used: h.gas_used,
            timestamp: h.timestamp,
            extra_data: VariableList::new(h.extra_data.to_vec())
                .map_err(|_| mismatch("extraData"))?,
            base_fee_per_gas: base_fee,
            block_hash: self.hash,
            transactions_root: transactions_ssz_root(&self.raw_transactions)?,
            withdrawals_root: withdrawals_ssz_root(&self.withdrawals)?,
            blob_gas_used,
            excess_blob_gas,
        })
    }
}

/// `hash_tree_root(List[Transaction, MAX_TRANSACTIONS_PER_PAYLOAD])`.
///
/// # Errors
/// Too many or too long transactions.
pub fn transactions_ssz_root(raw: &[Bytes]) -> Result<B256, DevnetError> {
    let roots = raw
        .iter()
        .map(|tx| byte_list_root(tx, MAX_BYTES_PER_TRANSACTION))
        .collect::<Result<Vec<_>, _>>()?;
    composite_list_root(&roots, MAX_TRANSACTIONS_PER_PAYLOAD)
}

/// `hash_tree_root(List[Withdrawal, MAX_WITHDRAWALS_PER_PAYLOAD])`.
///
/// # Errors
/// More withdrawals than the minimal preset allows.
pub fn withdrawals_ssz_root(withdrawals: &[Withdrawal]) -> Result<B256, DevnetError> {
    let roots = withdrawals
        .iter()
        .map(|w| {
            let address = pack_bytes(w.address.as_slice())
                .first()
                .copied()
                .unwrap_or_default();
            merkleize(
                &[
                    u64_chunk(w.index),
                    u64_chunk(w.validator_index),
                    address,
                    u64_chunk(w.amount),
                ],
                None,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    composite_list_root(&roots, MAX_WITHDRAWALS_PER_PAYLOAD)
}

/// `hash_tree_root(ExecutionRequests())`: the three empty request lists (electra, minimal preset).
///
/// # Errors
/// None in practice.
pub fn empty_execution_requests_root() -> Result<B256, DevnetError> {
    merkleize(
        &[
            composite_list_root(&[], MAX_DEPOSIT_REQUESTS_PER_PAYLOAD)?,
            composite_list_root(&[], MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD)?,
            composite_list_root(&[], MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD)?,
        ],
        None,
    )
}
