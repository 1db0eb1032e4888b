//! Synthetic execution blocks for tests without anvil: well-formed post-merge headers (hash =
//! keccak of their RLP), one legacy transaction each, receipts with the logs asked for, and the
//! roots, blooms and JSON an execution node would serve for them.

use super::DevnetError;
use super::payload::ExecutionBlock;
use alloy_primitives::{Address, B64, B256, Bloom, Bytes, U256, keccak256};
use alloy_rlp::{Encodable, Header};
use lcp_enclave::light_client::config::Fork;
use lcp_enclave::spv::header::withdrawals_root;
use lcp_enclave::spv::payload::{EMPTY_OMMERS_HASH, requests_hash};
use lcp_enclave::spv::transaction::transactions_trie;
use lcp_enclave::spv::trie::OrderedTrie;
use lcp_enclave::spv::{BlockReceipts, ExecutionHeader, SealedExecutionHeader, TrieKind};
use serde_json::{Value, json};

/// Gas of a plain transfer, the synthetic transaction's gas use.
const TRANSFER_GAS: u64 = 21_000;

/// One log to put into a synthetic receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticLog {
    /// Emitter.
    pub address: Address,
    /// Topics (0..=4).
    pub topics: Vec<B256>,
    /// Data.
    pub data: Bytes,
}

/// A synthetic block as an execution node would serve it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticBlock {
    /// `eth_getBlockByNumber` result (transaction hashes).
    pub block: Value,
    /// Raw transactions.
    pub raw_transactions: Vec<Bytes>,
    /// `eth_getBlockReceipts` result.
    pub receipts: Value,
}

impl SyntheticBlock {
    /// The block as the devnet imports it.
    ///
    /// # Errors
    /// See [`ExecutionBlock::from_rpc`].
    pub fn execution_block(&self) -> Result<ExecutionBlock, DevnetError> {
        ExecutionBlock::from_rpc(&self.block, self.raw_transactions.clone())
    }
}

/// A chain of synthetic execution blocks with the header fields of `fork`'s execution hardfork.
#[derive(Debug, Clone)]
pub struct SyntheticChain {
    fork: Fork,
    parent_hash: B256,
    number: u64,
    timestamp: u64,
}

fn quantity(value: u64) -> String {
    format!("{value:#x}")
}

fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes.as_ref()))
}

/// A structurally valid legacy transaction (`rlp([nonce, gasPrice, gas, to, value, data, v, r, s])`).
/// Its signature values are fixed, not a real signature: nothing on this path recovers senders.
fn legacy_transaction(nonce: u64, to: Address) -> Bytes {
    let fields: [&dyn Encodable; 9] = [
        &nonce,
        &U256::from(7u64),
        &TRANSFER_GAS,
        &to,
        &U256::ZERO,
        &Bytes::new(),
        &27u64,
        &U256::from(1u64),
        &U256::from(1u64),
    ];
    let mut payload = Vec::new();
    for field in fields {
        field.encode(&mut payload);
    }
    let mut out = Vec::new();
    Header {
        list: true,
        payload_length: payload.len(),
    }
    .encode(&mut out);
    out.extend_from_slice(&payload);
    Bytes::from(out)
}

impl SyntheticChain {
    /// A chain whose first block is number 1, for a `fork` devnet (Deneb: Cancun headers,
    /// Electra: Prague headers).
    pub fn new(fork: Fork) -> Self {
        Self {
            fork,
            parent_hash: keccak256(b"lcp-devnet synthetic genesis"),
            number: 0,
            timestamp: 1_700_000_000,
        }
    }

    /// The next block: one transaction whose receipt carries `logs`.
    ///
    /// # Errors
    /// [`DevnetError::Spv`] if the synthetic data does not form a valid block (a bug here).
    pub fn next_block(&mut self, logs: &[SyntheticLog]) -> Result<SyntheticBlock, DevnetError> {
        let spv = |e| DevnetError::Spv(Box::new(e));
        let overflow = DevnetError::SlotOverflow;
        self.number = self.number.checked_add(1).ok_or(overflow.clone())?;
        self.timestamp = self.timestamp.checked_add(12).ok_or(overflow)?;
        let to = logs
            .first()
            .map_or(Address::repeat_byte(0x42), |l| l.address);
        let raw = vec![legacy_transaction(self.number, to)];
        let mut bloom = Bloom::ZERO;
        for log in logs {
            bloom.accrue_raw_log(log.address, &log.topics);
        }
        let receipts = json!([{
            "type": "0x0",
            "status": "0x1",
            "cumulativeGasUsed": quantity(TRANSFER_GAS),
            "logsBloom": hex0x(bloom),
            "transactionIndex": "0x0",
            "transactionHash": hex0x(keccak256(raw.first().map_or(&[][..], |t| t.as_ref()))),
            "blockNumber": quantity(self.number),
            "logs": logs.iter().enumerate().map(|(i, l)| json!({
                "address": hex0x(l.address),
                "topics": l.topics.iter().map(hex0x).collect::<Vec<_>>(),
                "data": hex0x(&l.data),
                "logIndex": quantity(u64::try_from(i).unwrap_or(0)),
            })).collect::<Vec<_>>(),
        }]);
        let parsed = BlockReceipts::from_rpc_json(&receipts).map_err(spv)?;
        let receipts_root = OrderedTrie::build(TrieKind::Receipts, parsed.encoded(), None)
            .map_err(spv)?
            .root();
        let transactions_root = transactions_trie(&raw, None).map_err(spv)?.root();
        let header = ExecutionHeader {
            parent_hash: self.parent_hash,
            ommers_hash: EMPTY_OMMERS_HASH,
            beneficiary: Address::repeat_byte(0xfe),
            state_root: keccak256(self.number.to_be_bytes()),
            transactions_root,
            receipts_root,
            logs_bloom: bloom,
            difficulty: U256::ZERO,
            number: self.number,
            gas_limit: 30_000_000,
            gas_used: TRANSFER_GAS,
            timestamp: self.timestamp,
            extra_data: Bytes::from_static(b"lcp-devnet synthetic"),
            mix_hash: keccak256(self.timestamp.to_be_bytes()),
            nonce: B64::ZERO,
            base_fee_per_gas: Some(U256::from(7u64)),
            withdrawals_root: Some(withdrawals_root(&[]).map_err(spv)?),
            blob_gas_used: Some(0),
            excess_blob_gas: Some(0),
            parent_beacon_block_root: Some(B256::ZERO),
            requests_hash: match self.fork {
                Fork::Electra => Some(requests_hash(&[])),
                _ => None,
            },
        };
        let sealed = SealedExecutionHeader::seal(header.clone()).map_err(spv)?;
        self.parent_hash = sealed.hash();
        let mut block = json!({
            "hash": hex0x(sealed.hash()),
            "parentHash": hex0x(header.parent_hash),
            "sha3Uncles": hex0x(header.ommers_hash),
            "miner": hex0x(header.beneficiary),
            "stateRoot": hex0x(header.state_root),
            "transactionsRoot": hex0x(header.transactions_root),
            "receiptsRoot": hex0x(header.receipts_root),
            "logsBloom": hex0x(header.logs_bloom),
            "difficulty": "0x0",
            "number": quantity(header.number),
            "gasLimit": quantity(header.gas_limit),
            "gasUsed": quantity(header.gas_used),
            "timestamp": quantity(header.timestamp),
            "extraData": hex0x(&header.extra_data),
            "mixHash": hex0x(header.mix_hash),
            "nonce": hex0x(header.nonce),
            "baseFeePerGas": "0x7",
            "withdrawalsRoot": hex0x(header.withdrawals_root.unwrap_or_default()),
            "blobGasUsed": "0x0",
            "excessBlobGas": "0x0",
            "parentBeaconBlockRoot": hex0x(B256::ZERO),
            "uncles": [],
            "withdrawals": [],
            "transactions": raw.iter().map(|t| hex0x(keccak256(t))).collect::<Vec<_>>(),
        });
        if let (Some(hash), Some(object)) = (header.requests_hash, block.as_object_mut()) {
            object.insert("requestsHash".to_owned(), Value::from(hex0x(hash)));
        }
        Ok(SyntheticBlock {
            block,
            raw_transactions: raw,
            receipts,
        })
    }
}
