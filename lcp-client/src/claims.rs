//! Builders of the enclave's [`ClaimItem`]s from source data (RPC and Beacon-API JSON).
//!
//! The proofs are built with `lcp_enclave::spv`'s own code (ordered-trie building with a proof
//! retainer, the payload → header mapping, strict RPC JSON readers), so the host builds exactly
//! what the enclave checks. Every builder parses its input strictly and recomputes what it can:
//! a tampered beacon block or receipt list fails here, with a typed error, before it reaches the
//! enclave. That is hygiene, not trust: the enclave verifies everything again against the light
//! client's verified header.
//!
//! Which block a claim is against matters: a claim is signed only against the light client's
//! finalized execution block. With the bundled real data that is block 17,923,026 (beacon slot
//! 7,109,344), for which the full beacon block supplies transactions and the header; receipt and
//! storage items for block 21,925,176 can be built and checked by SPV against that block's
//! recomputed header, but no bundled light-client data finalizes that block.

#![allow(
    clippy::result_large_err,
    reason = "ClaimBuildError wraps SpvError (about 150 bytes: keys and expected/computed hashes) as \
              lcp_enclave::spv does; it is the cold path, and boxing would hide the variants from \
              callers' pattern matching"
)]

use alloy_consensus::TxEnvelope;
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{B256, Bytes, keccak256};
use lcp_enclave::light_client::config::Fork;
use lcp_enclave::service::protocol::ClaimItem;
use lcp_enclave::spv::account::AccountProof;
use lcp_enclave::spv::error::TrieKind;
use lcp_enclave::spv::payload::payload_of_beacon_block;
use lcp_enclave::spv::transaction::transactions_trie;
use lcp_enclave::spv::trie::{MAX_TRANSACTIONS_PER_BLOCK, OrderedTrie};
use lcp_enclave::spv::{BlockReceipts, SealedExecutionHeader, SpvError};
use serde::Deserialize;
use serde_json::Value;

/// Why a claim item could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimBuildError {
    /// The source data is malformed or inconsistent (names the object and field).
    #[error("{what}: {source}")]
    Spv {
        /// Which input.
        what: &'static str,
        /// The SPV reader's error.
        #[source]
        source: SpvError,
    },
    /// A JSON-RPC envelope without `result`.
    #[error("{what}: JSON-RPC envelope without a result")]
    NoResult {
        /// Which input.
        what: &'static str,
    },
    /// The requested transaction index is not in the block.
    #[error("transaction index {index} out of range: the block has {count} transactions")]
    TransactionIndex {
        /// Requested.
        index: u64,
        /// Transactions (or receipts) in the block.
        count: usize,
    },
    /// The requested log index is not in the receipt.
    #[error("log index {log_index} out of range: receipt {transaction_index} has {count} logs")]
    LogIndex {
        /// Receipt (transaction) index.
        transaction_index: u64,
        /// Requested log.
        log_index: u64,
        /// Logs in the receipt.
        count: usize,
    },
    /// The beacon block's `version` names an unknown fork.
    #[error("beacon block version `{name}` is not a known fork")]
    UnknownFork {
        /// The name (truncated to 32 characters).
        name: String,
    },
    /// The beacon block is from before the merge (no execution payload to prove against).
    #[error("beacon block of fork {fork} has no execution payload")]
    PreMerge {
        /// Its fork.
        fork: &'static str,
    },
    /// A field of the Electra `execution_requests` is malformed.
    #[error("execution_requests.{list}[{index}].{field}: {problem}")]
    ExecutionRequest {
        /// `deposits`, `withdrawals` or `consolidations`.
        list: &'static str,
        /// Position in the list.
        index: usize,
        /// Field.
        field: &'static str,
        /// What is wrong.
        problem: RequestFieldProblem,
    },
    /// A full-transaction block's transaction object cannot be re-encoded.
    #[error("transaction {index} of the block: {problem}")]
    RpcTransaction {
        /// Position in the block.
        index: usize,
        /// What is wrong.
        problem: RpcTransactionProblem,
    },
    /// A re-encoded transaction's hash differs from the `hash` the node reported.
    #[error("transaction {index}: re-encoded hash {computed} differs from the reported {reported}")]
    TransactionHash {
        /// Position in the block.
        index: usize,
        /// `hash` field.
        reported: B256,
        /// keccak256 of the EIP-2718 encoding.
        computed: B256,
    },
    /// The transactions do not rebuild the header's transactions root.
    #[error("transactions rebuild root {computed}, the header says {expected}")]
    TransactionsRoot {
        /// The header's `transactionsRoot`.
        expected: B256,
        /// The rebuilt root.
        computed: B256,
    },
}

/// What is wrong with an execution request field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestFieldProblem {
    /// Missing.
    #[error("missing")]
    Missing,
    /// Not a `0x`-hex string of the fixed length.
    #[error("expected 0x-hex of {bytes} bytes")]
    Bytes {
        /// Expected length.
        bytes: usize,
    },
    /// Not a decimal `uint64` string.
    #[error("expected a decimal uint64 string")]
    Decimal,
    /// More requests than the consensus limit for this list.
    #[error("more than {max} requests")]
    TooMany {
        /// The limit.
        max: usize,
    },
}

/// What is wrong with an RPC transaction object.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RpcTransactionProblem {
    /// The block lists transaction hashes, not objects (ask with `full_txs = true`).
    #[error("the block lists hashes, not full transactions")]
    NotFull,
    /// The object does not decode as a signed transaction of a known type.
    #[error("not a signed transaction: {0}")]
    Decode(#[source] serde_json::Error),
    /// No `hash` field.
    #[error("no `hash` field")]
    NoHash,
}

fn spv(what: &'static str) -> impl Fn(SpvError) -> ClaimBuildError {
    move |source| ClaimBuildError::Spv { what, source }
}

/// The `result` of a JSON-RPC envelope, or the value itself when it is not an envelope.
fn rpc_result<'a>(value: &'a Value, what: &'static str) -> Result<&'a Value, ClaimBuildError> {
    match value {
        Value::Object(object) if object.contains_key("jsonrpc") => object
            .get("result")
            .ok_or(ClaimBuildError::NoResult { what }),
        _ => Ok(value),
    }
}

/// A receipts list decoded from an `eth_getBlockReceipts` result.
fn block_receipts(block_receipts_json: &Value) -> Result<BlockReceipts, ClaimBuildError> {
    let receipts = rpc_result(block_receipts_json, "receipts")?;
    BlockReceipts::from_rpc_json(receipts).map_err(spv("receipts"))
}

/// The receipts root an `eth_getBlockReceipts` result rebuilds (compare it with the verified
/// header's before sending a receipt claim).
///
/// # Errors
/// A malformed receipt list.
pub fn receipts_root(block_receipts_json: &Value) -> Result<B256, ClaimBuildError> {
    let receipts = block_receipts(block_receipts_json)?;
    Ok(
        OrderedTrie::build(TrieKind::Receipts, receipts.encoded(), None)
            .map_err(spv("receipts"))?
            .root(),
    )
}

/// A `ReceiptLog` item: receipt `tx_index` of the block, its proof in the receipts trie rebuilt
/// from all the block's receipts, and the log `log_index` to claim.
///
/// # Errors
/// A malformed receipt list; `tx_index` or `log_index` out of range.
pub fn receipt_log_item(
    block_receipts_json: &Value,
    tx_index: u64,
    log_index: u64,
) -> Result<ClaimItem, ClaimBuildError> {
    let receipts = block_receipts(block_receipts_json)?;
    let count = receipts.encoded().len();
    let position = usize::try_from(tx_index)
        .ok()
        .filter(|i| *i < count)
        .ok_or(ClaimBuildError::TransactionIndex {
            index: tx_index,
            count,
        })?;
    let logs = receipts
        .receipts()
        .get(position)
        .map_or(0, |receipt| receipt.logs.len());
    if usize::try_from(log_index).map_or(true, |i| i >= logs) {
        return Err(ClaimBuildError::LogIndex {
            transaction_index: tx_index,
            log_index,
            count: logs,
        });
    }
    let trie = OrderedTrie::build(TrieKind::Receipts, receipts.encoded(), Some(tx_index))
        .map_err(spv("receipts"))?;
    let receipt =
        receipts
            .encoded()
            .get(position)
            .cloned()
            .ok_or(ClaimBuildError::TransactionIndex {
                index: tx_index,
                count,
            })?;
    Ok(ClaimItem::ReceiptLog {
        transaction_index: tx_index,
        receipt: Bytes::from(receipt),
        proof: trie.into_proof().unwrap_or_default(),
        log_index,
    })
}

/// The fork of a Beacon-API block answer: its `version`, or inferred from the payload's fields
/// when the answer has no envelope.
fn beacon_block_fork(block: &Value) -> Result<Option<Fork>, ClaimBuildError> {
    match block.get("version").and_then(Value::as_str) {
        Some(name) => Fork::from_name(name)
            .map(Some)
            .ok_or_else(|| ClaimBuildError::UnknownFork {
                name: name.chars().take(32).collect(),
            }),
        None => Ok(None),
    }
}

/// The block's `body` object, through the envelope if present.
fn beacon_block_body(block: &Value) -> Option<&Value> {
    let data = block.get("data").unwrap_or(block);
    let message = data.get("message").unwrap_or(data);
    message.get("body")
}

/// The header of a beacon block's execution payload, with its recomputed hash checked against
/// the payload's `block_hash`, and the payload's raw transactions.
///
/// Deneb and later headers commit to the beacon block's `parent_root` (EIP-4788); Electra and
/// later to the body's `execution_requests` (EIP-7685).
///
/// # Errors
/// Malformed block, unknown or pre-merge fork, a transaction that does not decode, or a
/// recomputed hash that differs (tampered transactions or header fields).
pub fn beacon_block_execution(
    beacon_block_json: &Value,
) -> Result<(SealedExecutionHeader, Vec<Bytes>), ClaimBuildError> {
    let fork = beacon_block_fork(beacon_block_json)?;
    if let Some(fork) = fork
        && fork < Fork::Bellatrix
    {
        return Err(ClaimBuildError::PreMerge { fork: fork.name() });
    }
    let (payload, parent_root) =
        payload_of_beacon_block(beacon_block_json).map_err(spv("beacon block"))?;
    let body = beacon_block_body(beacon_block_json);
    let requests_in_body = body.and_then(|b| b.get("execution_requests"));
    let is_deneb = match fork {
        Some(fork) => fork >= Fork::Deneb,
        None => payload.blob_gas_used.is_some(),
    };
    let is_electra = match fork {
        Some(fork) => fork >= Fork::Electra,
        None => requests_in_body.is_some(),
    };
    let requests = if is_electra {
        Some(execution_requests(requests_in_body)?)
    } else {
        None
    };
    let sealed = payload
        .verify_block_hash(is_deneb.then_some(parent_root), requests.as_deref())
        .map_err(spv("beacon block"))?;
    Ok((sealed, payload.transactions))
}

/// A `Transaction` item from a full Beacon-API block: the execution header's RLP (from the
/// payload → header mapping, hash checked), transaction `tx_index` and its proof in the
/// transactions trie.
///
/// # Errors
/// See [`beacon_block_execution`]; `tx_index` out of range.
pub fn transaction_item_from_beacon_block(
    beacon_block_json: &Value,
    tx_index: u64,
) -> Result<ClaimItem, ClaimBuildError> {
    let (sealed, transactions) = beacon_block_execution(beacon_block_json)?;
    transaction_item(&sealed, &transactions, tx_index)
}

/// The item for `tx_index` of a block whose header and raw transactions are known.
fn transaction_item(
    sealed: &SealedExecutionHeader,
    transactions: &[Bytes],
    tx_index: u64,
) -> Result<ClaimItem, ClaimBuildError> {
    let count = transactions.len();
    let transaction = usize::try_from(tx_index)
        .ok()
        .and_then(|i| transactions.get(i))
        .cloned()
        .ok_or(ClaimBuildError::TransactionIndex {
            index: tx_index,
            count,
        })?;
    let trie = transactions_trie(transactions, Some(tx_index)).map_err(spv("transactions"))?;
    let expected = sealed.header().transactions_root;
    if trie.root() != expected {
        return Err(ClaimBuildError::TransactionsRoot {
            expected,
            computed: trie.root(),
        });
    }
    let header_rlp = sealed.header().encode_rlp().map_err(spv("header"))?;
    Ok(ClaimItem::Transaction {
        header_rlp: Bytes::from(header_rlp),
        transaction_index: tx_index,
        transaction,
        proof: trie.into_proof().unwrap_or_default(),
    })
}

/// A `Transaction` item from an `eth_getBlockByNumber(n, true)` result: the header is rebuilt
/// from the JSON (its hash checked against `hash`), every transaction object is re-encoded as
/// EIP-2718 bytes (its keccak checked against its `hash`), and the transactions must rebuild
/// the header's `transactionsRoot`.
///
/// # Errors
/// A malformed header or transaction, a hash-only block, a hash or root mismatch, or `tx_index`
/// out of range.
pub fn transaction_item_from_block(
    block_json: &Value,
    tx_index: u64,
) -> Result<ClaimItem, ClaimBuildError> {
    let block = rpc_result(block_json, "block")?;
    let sealed = SealedExecutionHeader::from_rpc_json(block).map_err(spv("block"))?;
    let objects = block.get("transactions").and_then(Value::as_array).ok_or(
        ClaimBuildError::RpcTransaction {
            index: 0,
            problem: RpcTransactionProblem::NotFull,
        },
    )?;
    if objects.len() > MAX_TRANSACTIONS_PER_BLOCK {
        return Err(ClaimBuildError::Spv {
            what: "block",
            source: SpvError::TooMany {
                what: "transactions",
                count: objects.len(),
                max: MAX_TRANSACTIONS_PER_BLOCK,
            },
        });
    }
    let transactions = objects
        .iter()
        .enumerate()
        .map(|(index, object)| raw_transaction(object, index))
        .collect::<Result<Vec<_>, _>>()?;
    transaction_item(&sealed, &transactions, tx_index)
}

/// The EIP-2718 bytes of an RPC transaction object, checked against its `hash`.
fn raw_transaction(object: &Value, index: usize) -> Result<Bytes, ClaimBuildError> {
    let problem = |problem| ClaimBuildError::RpcTransaction { index, problem };
    if !object.is_object() {
        return Err(problem(RpcTransactionProblem::NotFull));
    }
    let reported: B256 = object
        .get("hash")
        .and_then(Value::as_str)
        .and_then(|hash| hash.parse().ok())
        .ok_or_else(|| problem(RpcTransactionProblem::NoHash))?;
    let envelope = TxEnvelope::deserialize(object)
        .map_err(|error| problem(RpcTransactionProblem::Decode(error)))?;
    let raw = envelope.encoded_2718();
    let computed = keccak256(&raw);
    if computed != reported {
        return Err(ClaimBuildError::TransactionHash {
            index,
            reported,
            computed,
        });
    }
    Ok(Bytes::from(raw))
}

/// A `Storage` item: the `eth_getProof` result, checked to be a well-formed proof response
/// (the enclave verifies it against the state root).
///
/// # Errors
/// A malformed response.
pub fn storage_item(get_proof_json: &Value) -> Result<ClaimItem, ClaimBuildError> {
    let proof = checked_proof(get_proof_json)?;
    Ok(ClaimItem::Storage { proof })
}

/// An `Account` item: the `eth_getProof` result, checked as for [`storage_item`].
///
/// # Errors
/// A malformed response.
pub fn account_item(get_proof_json: &Value) -> Result<ClaimItem, ClaimBuildError> {
    let proof = checked_proof(get_proof_json)?;
    Ok(ClaimItem::Account { proof })
}

fn checked_proof(get_proof_json: &Value) -> Result<Value, ClaimBuildError> {
    let result = rpc_result(get_proof_json, "eth_getProof")?;
    AccountProof::from_rpc_json(result).map_err(spv("eth_getProof"))?;
    Ok(result.clone())
}

/// `MAX_DEPOSIT_REQUESTS_PER_PAYLOAD` (consensus-specs `presets/mainnet/electra.yaml`).
const MAX_DEPOSIT_REQUESTS: usize = 8192;
/// `MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD`.
const MAX_WITHDRAWAL_REQUESTS: usize = 16;
/// `MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD`.
const MAX_CONSOLIDATION_REQUESTS: usize = 2;

/// One fixed-size field of an execution request's SSZ serialization.
#[derive(Clone, Copy)]
enum RequestField {
    /// `0x`-hex bytes of this length.
    Bytes(&'static str, usize),
    /// Decimal `uint64`, serialized little-endian.
    Uint64(&'static str),
}

/// `DepositRequest`: pubkey, withdrawal_credentials, amount, signature, index (192 bytes).
const DEPOSIT_FIELDS: [RequestField; 5] = [
    RequestField::Bytes("pubkey", 48),
    RequestField::Bytes("withdrawal_credentials", 32),
    RequestField::Uint64("amount"),
    RequestField::Bytes("signature", 96),
    RequestField::Uint64("index"),
];
/// `WithdrawalRequest`: source_address, validator_pubkey, amount (76 bytes).
const WITHDRAWAL_FIELDS: [RequestField; 3] = [
    RequestField::Bytes("source_address", 20),
    RequestField::Bytes("validator_pubkey", 48),
    RequestField::Uint64("amount"),
];
/// `ConsolidationRequest`: source_address, source_pubkey, target_pubkey (116 bytes).
const CONSOLIDATION_FIELDS: [RequestField; 3] = [
    RequestField::Bytes("source_address", 20),
    RequestField::Bytes("source_pubkey", 48),
    RequestField::Bytes("target_pubkey", 48),
];

/// The EIP-7685 requests list of an Electra body's `execution_requests`
/// (consensus-specs `electra/beacon-chain.md`, `get_execution_requests_list`): for each type in
/// order (0 deposits, 1 withdrawals, 2 consolidations) with a non-empty list,
/// `type ‖ ssz_serialize(list)`; the elements are fixed-size, so the list's SSZ is their
/// concatenation.
///
/// # Errors
/// A missing or malformed field, or a list above its consensus limit.
pub fn execution_requests(requests: Option<&Value>) -> Result<Vec<Bytes>, ClaimBuildError> {
    let lists: [(u8, &'static str, &[RequestField], usize); 3] = [
        (0, "deposits", &DEPOSIT_FIELDS, MAX_DEPOSIT_REQUESTS),
        (
            1,
            "withdrawals",
            &WITHDRAWAL_FIELDS,
            MAX_WITHDRAWAL_REQUESTS,
        ),
        (
            2,
            "consolidations",
            &CONSOLIDATION_FIELDS,
            MAX_CONSOLIDATION_REQUESTS,
        ),
    ];
    let mut out = Vec::new();
    for (request_type, list, fields, max) in lists {
        let missing = |field| ClaimBuildError::ExecutionRequest {
            list,
            index: 0,
            field,
            problem: RequestFieldProblem::Missing,
        };
        let items = requests
            .ok_or_else(|| missing("execution_requests"))?
            .get(list)
            .and_then(Value::as_array)
            .ok_or_else(|| missing(list))?;
        if items.len() > max {
            return Err(ClaimBuildError::ExecutionRequest {
                list,
                index: max,
                field: list,
                problem: RequestFieldProblem::TooMany { max },
            });
        }
        if items.is_empty() {
            continue;
        }
        let mut encoded = vec![request_type];
        for (index, item) in items.iter().enumerate() {
            for field in fields {
                encode_request_field(&mut encoded, item, *field, list, index)?;
            }
        }
        out.push(Bytes::from(encoded));
    }
    Ok(out)
}

fn encode_request_field(
    out: &mut Vec<u8>,
    item: &Value,
    field: RequestField,
    list: &'static str,
    index: usize,
) -> Result<(), ClaimBuildError> {
    let (name, problem) = match field {
        RequestField::Bytes(name, len) => (name, RequestFieldProblem::Bytes { bytes: len }),
        RequestField::Uint64(name) => (name, RequestFieldProblem::Decimal),
    };
    let error = |problem| ClaimBuildError::ExecutionRequest {
        list,
        index,
        field: name,
        problem,
    };
    let text = item
        .get(name)
        .ok_or_else(|| error(RequestFieldProblem::Missing))?
        .as_str()
        .ok_or_else(|| error(problem))?;
    match field {
        RequestField::Bytes(_, len) => {
            let bytes = text
                .strip_prefix("0x")
                .and_then(|digits| hex::decode(digits).ok())
                .filter(|bytes| bytes.len() == len)
                .ok_or_else(|| error(problem))?;
            out.extend_from_slice(&bytes);
        }
        RequestField::Uint64(_) => {
            let canonical = !text.is_empty()
                && text.bytes().all(|b| b.is_ascii_digit())
                && (text == "0" || !text.starts_with('0'));
            let value: u64 = canonical
                .then(|| text.parse().ok())
                .flatten()
                .ok_or_else(|| error(problem))?;
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn execution_requests_serialize_per_type_and_skip_empty_lists() {
        let empty = json!({"deposits": [], "withdrawals": [], "consolidations": []});
        assert_eq!(
            execution_requests(Some(&empty)).unwrap(),
            Vec::<Bytes>::new()
        );
        let requests = json!({
            "deposits": [{
                "pubkey": format!("0x{}", "11".repeat(48)),
                "withdrawal_credentials": format!("0x{}", "22".repeat(32)),
                "amount": "32000000000",
                "signature": format!("0x{}", "33".repeat(96)),
                "index": "7"
            }],
            "withdrawals": [],
            "consolidations": [{
                "source_address": format!("0x{}", "44".repeat(20)),
                "source_pubkey": format!("0x{}", "55".repeat(48)),
                "target_pubkey": format!("0x{}", "66".repeat(48))
            }]
        });
        let list = execution_requests(Some(&requests)).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].len(), 1 + 192);
        assert_eq!(list[0][0], 0);
        assert_eq!(&list[0][81..89], &32_000_000_000u64.to_le_bytes());
        assert_eq!(&list[0][185..193], &7u64.to_le_bytes());
        assert_eq!(list[1].len(), 1 + 116);
        assert_eq!(list[1][0], 2);
    }

    #[test]
    fn execution_request_errors_name_list_index_and_field() {
        let bad = json!({
            "deposits": [],
            "withdrawals": [{
                "source_address": format!("0x{}", "44".repeat(20)),
                "validator_pubkey": format!("0x{}", "55".repeat(47)),
                "amount": "1"
            }],
            "consolidations": []
        });
        assert!(matches!(
            execution_requests(Some(&bad)),
            Err(ClaimBuildError::ExecutionRequest {
                list: "withdrawals",
                index: 0,
                field: "validator_pubkey",
                problem: RequestFieldProblem::Bytes { bytes: 48 }
            })
        ));
        let leading_zero = json!({
            "deposits": [], "consolidations": [],
            "withdrawals": [{
                "source_address": format!("0x{}", "44".repeat(20)),
                "validator_pubkey": format!("0x{}", "55".repeat(48)),
                "amount": "01"
            }]
        });
        assert!(matches!(
            execution_requests(Some(&leading_zero)),
            Err(ClaimBuildError::ExecutionRequest {
                field: "amount",
                problem: RequestFieldProblem::Decimal,
                ..
            })
        ));
        assert!(matches!(
            execution_requests(None),
            Err(ClaimBuildError::ExecutionRequest {
                problem: RequestFieldProblem::Missing,
                ..
            })
        ));
    }

    #[test]
    fn json_rpc_envelopes_are_unwrapped() {
        let inner = json!([1]);
        let envelope = json!({"jsonrpc": "2.0", "id": 1, "result": [1]});
        assert_eq!(rpc_result(&envelope, "x").unwrap(), &inner);
        assert_eq!(rpc_result(&inner, "x").unwrap(), &inner);
        assert!(matches!(
            rpc_result(&json!({"jsonrpc": "2.0", "id": 1, "error": {}}), "x"),
            Err(ClaimBuildError::NoResult { what: "x" })
        ));
    }
}
