//! Receipts of every transaction type: EIP-2718 encoding and decoding, the receipts trie of a
//! block rebuilt from `eth_getBlockReceipts`, proofs built from it (there is no receipt-proof RPC),
//! proofs verified alone, and receipt-log claims.
//!
//! A receipt's trie value is `rlp([status, cumulative_gas_used, logs_bloom, logs])` for legacy
//! transactions and `type ‖ rlp(…)` for typed ones (EIP-2718); before Byzantium (EIP-658) the first
//! field is the 32-byte post-transaction state root instead of the status.

use super::{
    claim::{ReceiptLogClaim, Verified},
    error::{ClaimField, JsonProblem, SpvError, TrieKey, TrieKind},
    header::ExecutionHeaderFacts,
    json::{Obj, element_fixed},
    rlp::Fields,
    transaction::TxType,
    trie::{MAX_ITEM_BYTES, MAX_TRANSACTIONS_PER_BLOCK, OrderedTrie, index_key, proven_value},
};
use alloy_primitives::{Address, B256, Bloom, Bytes};
use alloy_rlp::{Encodable, Header};
use serde_json::Value;

/// LOG0..LOG4: a log has at most four topics (yellow paper, appendix H, LOGn).
pub const MAX_TOPICS: usize = 4;

/// The most logs one receipt can hold: each LOG costs at least `G_log = 375` gas (yellow paper,
/// appendix G), so a transaction of at most 2^24 gas (EIP-7825) emits at most 44,739; we allow
/// `2^17`, enough for a pre-Osaka transaction spending a 49M block gas limit.
pub const MAX_LOGS_PER_RECEIPT: usize = 131_072;

/// The outcome field of a receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// EIP-658 status: `true` for success.
    Status(bool),
    /// Pre-Byzantium intermediate state root.
    PostState(B256),
}

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// The contract that emitted it.
    pub address: Address,
    /// Its topics (0 to 4).
    pub topics: Vec<B256>,
    /// Its data.
    pub data: Bytes,
}

/// A transaction receipt as the receipts trie holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction's type.
    pub tx_type: TxType,
    /// Status or post-state root.
    pub outcome: Outcome,
    /// Gas used by this and the preceding transactions of the block.
    pub cumulative_gas_used: u64,
    /// Bloom filter of the logs.
    pub logs_bloom: Bloom,
    /// The logs.
    pub logs: Vec<Log>,
}

impl Log {
    fn payload_length(&self) -> usize {
        let topics = self.topics.len().saturating_mul(33);
        let topics_header = alloy_rlp::length_of_length(topics);
        self.address
            .length()
            .saturating_add(topics_header)
            .saturating_add(topics)
            .saturating_add(self.data.length())
    }

    fn encode(&self, out: &mut Vec<u8>) {
        Header {
            list: true,
            payload_length: self.payload_length(),
        }
        .encode(out);
        self.address.encode(out);
        Header {
            list: true,
            payload_length: self.topics.len().saturating_mul(33),
        }
        .encode(out);
        for topic in &self.topics {
            topic.encode(out);
        }
        self.data.encode(out);
    }

    fn encoded_length(&self) -> usize {
        let payload = self.payload_length();
        alloy_rlp::length_of_length(payload).saturating_add(payload)
    }
}

impl Receipt {
    /// The EIP-2718 encoding: the trie value.
    pub fn encode_2718(&self) -> Vec<u8> {
        let logs_payload: usize = self.logs.iter().map(Log::encoded_length).sum();
        let mut fields = Vec::with_capacity(logs_payload.saturating_add(300));
        match self.outcome {
            Outcome::Status(success) => success.encode(&mut fields),
            Outcome::PostState(root) => root.encode(&mut fields),
        }
        self.cumulative_gas_used.encode(&mut fields);
        self.logs_bloom.encode(&mut fields);
        Header {
            list: true,
            payload_length: logs_payload,
        }
        .encode(&mut fields);
        for log in &self.logs {
            log.encode(&mut fields);
        }
        let mut out = Vec::with_capacity(fields.len().saturating_add(6));
        if self.tx_type != TxType::Legacy {
            out.push(self.tx_type.number());
        }
        Header {
            list: true,
            payload_length: fields.len(),
        }
        .encode(&mut out);
        out.extend_from_slice(&fields);
        out
    }

    /// Decodes an EIP-2718 receipt (a receipts-trie value).
    ///
    /// # Errors
    /// Larger than [`MAX_ITEM_BYTES`], an unknown type, malformed fields, more than four topics,
    /// trailing bytes.
    pub fn decode_2718(bytes: &[u8]) -> Result<Self, SpvError> {
        let what = "receipt";
        if bytes.len() > MAX_ITEM_BYTES {
            return Err(SpvError::TooLarge {
                what,
                size: bytes.len(),
                max: MAX_ITEM_BYTES,
            });
        }
        let (&first, rest) = bytes
            .split_first()
            .ok_or(SpvError::rlp(what, alloy_rlp::Error::InputTooShort))?;
        let (tx_type, body) = if first >= 0xc0 {
            (TxType::Legacy, bytes)
        } else {
            match TxType::from_number(first, what)? {
                TxType::Legacy => return Err(SpvError::UnknownType { what, ty: 0 }),
                other => (other, rest),
            }
        };
        let mut fields = Fields::of_list(body, what)?;
        let outcome_bytes = fields.bytes()?;
        let outcome = match outcome_bytes.as_ref() {
            [] => Outcome::Status(false),
            [1] => Outcome::Status(true),
            root if root.len() == 32 => Outcome::PostState(B256::from_slice(root)),
            _ => {
                return Err(SpvError::InvalidField {
                    what,
                    field: "status",
                });
            }
        };
        let cumulative_gas_used = fields.next::<u64>()?;
        let logs_bloom = fields.next::<Bloom>()?;
        let mut log_list = Fields::of_payload(fields.list_payload()?, what, None);
        fields.finish()?;
        let mut logs = Vec::new();
        while !log_list.is_empty() {
            if logs.len() >= MAX_LOGS_PER_RECEIPT {
                return Err(SpvError::TooMany {
                    what: "receipt logs",
                    count: logs.len().saturating_add(1),
                    max: MAX_LOGS_PER_RECEIPT,
                });
            }
            let mut log = Fields::of_payload(log_list.list_payload()?, "log", Some(logs.len()));
            let address = log.next::<Address>()?;
            let mut topic_list = Fields::of_payload(log.list_payload()?, "log", Some(logs.len()));
            let mut topics = Vec::with_capacity(MAX_TOPICS);
            while !topic_list.is_empty() {
                if topics.len() >= MAX_TOPICS {
                    return Err(SpvError::TooMany {
                        what: "log topics",
                        count: topics.len().saturating_add(1),
                        max: MAX_TOPICS,
                    });
                }
                topics.push(topic_list.next::<B256>()?);
            }
            let data = log.bytes()?;
            log.finish()?;
            logs.push(Log {
                address,
                topics,
                data,
            });
        }
        Ok(Self {
            tx_type,
            outcome,
            cumulative_gas_used,
            logs_bloom,
            logs,
        })
    }

    /// Reads one receipt of an `eth_getBlockReceipts` (or `eth_getTransactionReceipt`) result.
    /// Only consensus fields are read; `transactionIndex`, when present, must equal `position`.
    ///
    /// # Errors
    /// A field is missing or malformed, the type is unknown, the status is not 0 or 1, a log has
    /// more than four topics, or the receipt is out of place.
    pub fn from_rpc_json(value: &Value, position: usize) -> Result<Self, SpvError> {
        let obj = Obj::new(value, "receipt", Some(position))?;
        // Receipts from before EIP-2718 carry no `type`: those are legacy.
        let tx_type = match obj.opt_quantity_u64("type")? {
            None => TxType::Legacy,
            Some(number) => u8::try_from(number)
                .ok()
                .and_then(|ty| TxType::from_number(ty, "receipt").ok())
                .ok_or_else(|| obj.error("type", JsonProblem::Invalid))?,
        };
        let outcome = match (obj.get("status"), obj.get("root")) {
            (Some(_), _) => match obj.quantity_u64("status")? {
                0 => Outcome::Status(false),
                1 => Outcome::Status(true),
                _ => return Err(obj.error("status", JsonProblem::Invalid)),
            },
            (None, Some(_)) => Outcome::PostState(obj.b256("root")?),
            (None, None) => return Err(obj.error("status", JsonProblem::Missing)),
        };
        if let Some(claimed) = obj.opt_quantity_u64("transactionIndex")? {
            let position = u64::try_from(position)
                .map_err(|_| obj.error("transactionIndex", JsonProblem::Overflow))?;
            if claimed != position {
                return Err(SpvError::PositionMismatch {
                    what: "receipt",
                    position,
                    claimed,
                });
            }
        }
        let log_values = obj.array("logs", MAX_LOGS_PER_RECEIPT)?;
        let mut logs = Vec::with_capacity(log_values.len());
        for (index, log_value) in log_values.iter().enumerate() {
            let log = Obj::new(log_value, "log", Some(index))?;
            let topic_values = log.array("topics", MAX_TOPICS)?;
            let topics = topic_values
                .iter()
                .enumerate()
                .map(|(i, topic)| element_fixed::<32>(topic, "topic", i).map(B256::from))
                .collect::<Result<Vec<_>, _>>()?;
            logs.push(Log {
                address: log.address("address")?,
                topics,
                data: log.bytes("data", MAX_ITEM_BYTES)?,
            });
        }
        Ok(Self {
            tx_type,
            outcome,
            cumulative_gas_used: obj.quantity_u64("cumulativeGasUsed")?,
            logs_bloom: obj.bloom("logsBloom")?,
            logs,
        })
    }
}

/// A block's receipts read from `eth_getBlockReceipts`, already EIP-2718 encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockReceipts {
    receipts: Vec<Receipt>,
    encoded: Vec<Vec<u8>>,
}

impl BlockReceipts {
    /// Reads the receipts array of an `eth_getBlockReceipts` result.
    ///
    /// # Errors
    /// Not an array, more than [`MAX_TRANSACTIONS_PER_BLOCK`] receipts, or a malformed receipt.
    pub fn from_rpc_json(value: &Value) -> Result<Self, SpvError> {
        let Value::Array(items) = value else {
            return Err(SpvError::Json {
                object: "receipts",
                index: None,
                field: "",
                problem: JsonProblem::WrongType,
            });
        };
        if items.len() > MAX_TRANSACTIONS_PER_BLOCK {
            return Err(SpvError::TooMany {
                what: "receipts",
                count: items.len(),
                max: MAX_TRANSACTIONS_PER_BLOCK,
            });
        }
        let receipts = items
            .iter()
            .enumerate()
            .map(|(position, item)| Receipt::from_rpc_json(item, position))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(receipts))
    }

    /// Encodes decoded receipts.
    pub fn new(receipts: Vec<Receipt>) -> Self {
        let encoded = receipts.iter().map(Receipt::encode_2718).collect();
        Self { receipts, encoded }
    }

    /// The receipts in block order.
    pub fn receipts(&self) -> &[Receipt] {
        &self.receipts
    }

    /// The EIP-2718 encodings in block order.
    pub fn encoded(&self) -> &[Vec<u8>] {
        &self.encoded
    }

    /// Rebuilds the receipts trie and requires its root to be `receipts_root`; with `target`,
    /// also returns the proof of that receipt.
    ///
    /// # Errors
    /// [`SpvError::RootMismatch`]; `target` out of range.
    pub fn check_root(
        &self,
        receipts_root: B256,
        target: Option<u64>,
    ) -> Result<Option<ReceiptProof>, SpvError> {
        let trie = OrderedTrie::build(TrieKind::Receipts, &self.encoded, target)?;
        if trie.root() != receipts_root {
            return Err(SpvError::RootMismatch {
                trie: TrieKind::Receipts,
                count: self.encoded.len(),
                expected: receipts_root,
                computed: trie.root(),
            });
        }
        let Some(index) = target else {
            return Ok(None);
        };
        let receipt = usize::try_from(index)
            .ok()
            .and_then(|i| self.encoded.get(i))
            .ok_or(SpvError::IndexOutOfRange {
                what: "receipt",
                index,
                len: u64::try_from(self.encoded.len()).unwrap_or(u64::MAX),
            })?;
        Ok(Some(ReceiptProof {
            transaction_index: index,
            receipt: Bytes::from(receipt.clone()),
            nodes: trie.into_proof().unwrap_or_default(),
        }))
    }
}

/// A receipt with its Merkle-Patricia proof: what a relayer sends to prove a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptProof {
    /// The transaction's index in the block (the trie key is `rlp(index)`).
    pub transaction_index: u64,
    /// The EIP-2718 receipt (the trie value).
    pub receipt: Bytes,
    /// The proof nodes, root first.
    pub nodes: Vec<Bytes>,
}

/// A receipt proven to be at an index of a receipts trie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenReceipt {
    receipts_root: B256,
    transaction_index: u64,
    receipt: Receipt,
}

/// Verifies a receipt proof against `receipts_root` and decodes the receipt.
///
/// # Errors
/// The proof is malformed, proves absence or another value; the receipt is malformed.
pub fn verify_receipt_proof(
    receipts_root: B256,
    proof: &ReceiptProof,
) -> Result<ProvenReceipt, SpvError> {
    let key = TrieKey::Index(proof.transaction_index);
    let proven = proven_value(
        TrieKind::Receipts,
        key,
        receipts_root,
        &index_key(proof.transaction_index),
        &proof.nodes,
    )?;
    match proven {
        None => Err(SpvError::ProofAbsent {
            trie: TrieKind::Receipts,
            key,
        }),
        Some(value) if value != proof.receipt.as_ref() => Err(SpvError::ProofValueMismatch {
            trie: TrieKind::Receipts,
            key,
        }),
        Some(value) => Ok(ProvenReceipt {
            receipts_root,
            transaction_index: proof.transaction_index,
            receipt: Receipt::decode_2718(&value)?,
        }),
    }
}

impl ProvenReceipt {
    /// The root the proof was checked against.
    pub const fn receipts_root(&self) -> B256 {
        self.receipts_root
    }

    /// The transaction's index in its block.
    pub const fn transaction_index(&self) -> u64 {
        self.transaction_index
    }

    /// The decoded receipt.
    pub const fn receipt(&self) -> &Receipt {
        &self.receipt
    }

    /// The claim that log `log_index` (its position in this receipt's logs) of this receipt was
    /// emitted in the light client's verified block.
    ///
    /// # Errors
    /// The proof's root is not the verified receipts root; no such log.
    pub fn log_claim(
        &self,
        facts: &ExecutionHeaderFacts,
        log_index: u64,
    ) -> Result<Verified<ReceiptLogClaim>, SpvError> {
        if facts.receipts_root != self.receipts_root {
            return Err(SpvError::AnchorMismatch {
                field: "receipts_root",
                proven: self.receipts_root,
                verified: facts.receipts_root,
            });
        }
        let len = u64::try_from(self.receipt.logs.len()).unwrap_or(u64::MAX);
        let log = usize::try_from(log_index)
            .ok()
            .and_then(|i| self.receipt.logs.get(i))
            .ok_or(SpvError::IndexOutOfRange {
                what: "log",
                index: log_index,
                len,
            })?;
        Ok(Verified::new(ReceiptLogClaim {
            block_number: facts.block_number,
            block_hash: facts.block_hash,
            transaction_index: self.transaction_index,
            log_index,
            emitter: log.address,
            topics: log.topics.clone(),
            data: log.data.clone(),
        }))
    }
}

/// Verifies a requested log claim: proves the receipt against the verified header and requires
/// every bound field of `claim` (block number and hash, transaction and log index, emitter,
/// topics, data) to equal the proven log.
///
/// # Errors
/// The proof fails, or [`SpvError::ClaimMismatch`] naming the first differing field.
pub fn verify_receipt_log_claim(
    facts: &ExecutionHeaderFacts,
    claim: &ReceiptLogClaim,
    proof: &ReceiptProof,
) -> Result<Verified<ReceiptLogClaim>, SpvError> {
    if claim.block_number != facts.block_number {
        return Err(SpvError::ClaimMismatch {
            field: ClaimField::BlockNumber,
        });
    }
    if claim.block_hash != facts.block_hash {
        return Err(SpvError::ClaimMismatch {
            field: ClaimField::BlockHash,
        });
    }
    if claim.transaction_index != proof.transaction_index {
        return Err(SpvError::ClaimMismatch {
            field: ClaimField::TransactionIndex,
        });
    }
    let proven = verify_receipt_proof(facts.receipts_root, proof)?;
    let verified = proven
        .log_claim(facts, claim.log_index)
        .map_err(|error| match error {
            SpvError::IndexOutOfRange { what: "log", .. } => SpvError::ClaimMismatch {
                field: ClaimField::LogIndex,
            },
            other => other,
        })?;
    let got = verified.claim();
    for (field, equal) in [
        (ClaimField::Emitter, got.emitter == claim.emitter),
        (ClaimField::Topics, got.topics == claim.topics),
        (ClaimField::Data, got.data == claim.data),
    ] {
        if !equal {
            return Err(SpvError::ClaimMismatch { field });
        }
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(tx_type: TxType, logs: usize) -> Receipt {
        Receipt {
            tx_type,
            outcome: Outcome::Status(true),
            cumulative_gas_used: 21_000,
            logs_bloom: Bloom::repeat_byte(0x11),
            logs: (0..logs)
                .map(|i| Log {
                    address: Address::repeat_byte(u8::try_from(i).unwrap()),
                    topics: vec![B256::repeat_byte(0xaa); i % 5],
                    data: Bytes::from(vec![0xcc; i.saturating_mul(7)]),
                })
                .collect(),
        }
    }

    #[test]
    fn every_type_round_trips() {
        for ty in [
            TxType::Legacy,
            TxType::Eip2930,
            TxType::Eip1559,
            TxType::Eip4844,
            TxType::Eip7702,
        ] {
            for logs in [0, 1, 6] {
                let receipt = receipt(ty, logs);
                let encoded = receipt.encode_2718();
                assert_eq!(encoded.first() == Some(&ty.number()), ty != TxType::Legacy);
                assert_eq!(Receipt::decode_2718(&encoded).unwrap(), receipt);
            }
        }
        let mut failed = receipt(TxType::Eip1559, 0);
        failed.outcome = Outcome::Status(false);
        assert_eq!(Receipt::decode_2718(&failed.encode_2718()).unwrap(), failed);
        let mut pre_byzantium = receipt(TxType::Legacy, 2);
        pre_byzantium.outcome = Outcome::PostState(B256::repeat_byte(5));
        assert_eq!(
            Receipt::decode_2718(&pre_byzantium.encode_2718()).unwrap(),
            pre_byzantium
        );
    }

    #[test]
    fn five_topics_are_rejected() {
        let mut bad = receipt(TxType::Eip1559, 1);
        bad.logs[0].topics = vec![B256::ZERO; 5];
        assert_eq!(
            Receipt::decode_2718(&bad.encode_2718()),
            Err(SpvError::TooMany {
                what: "log topics",
                count: 5,
                max: MAX_TOPICS
            })
        );
    }

    #[test]
    fn unknown_type_and_status_are_rejected() {
        let mut encoded = receipt(TxType::Eip1559, 0).encode_2718();
        encoded[0] = 0x7e;
        assert_eq!(
            Receipt::decode_2718(&encoded),
            Err(SpvError::UnknownType {
                what: "receipt",
                ty: 0x7e
            })
        );
        let mut legacy = receipt(TxType::Legacy, 0).encode_2718();
        // The status byte 0x01 follows the list header (0xf9 + 2 length bytes).
        assert_eq!(legacy[3], 0x01);
        legacy[3] = 0x02;
        assert_eq!(
            Receipt::decode_2718(&legacy),
            Err(SpvError::InvalidField {
                what: "receipt",
                field: "status"
            })
        );
    }
}
