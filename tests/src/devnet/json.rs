//! Beacon-API JSON of light-client objects (`{version, data}`), as beacon nodes serve them:
//! numbers as decimal strings, bytes as 0x-hex, bit vectors as their SSZ bytes in hex.

use alloy_primitives::B256;
use lcp_enclave::light_client::config::{Fork, Minimal};
use lcp_enclave::light_client::containers::{
    BeaconBlockHeader, ExecutionPayloadHeaderDeneb, SyncAggregate, SyncCommittee,
};
use serde_json::{Value, json};
use ssz::Encode;

fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes.as_ref()))
}

fn roots(branch: &[B256]) -> Vec<String> {
    branch.iter().map(hex0x).collect()
}

/// `BeaconBlockHeader`.
pub fn beacon_header(h: &BeaconBlockHeader) -> Value {
    json!({
        "slot": h.slot.to_string(),
        "proposer_index": h.proposer_index.to_string(),
        "parent_root": hex0x(h.parent_root),
        "state_root": hex0x(h.state_root),
        "body_root": hex0x(h.body_root),
    })
}

/// `ExecutionPayloadHeader` (Deneb..Fulu).
pub fn execution_header(e: &ExecutionPayloadHeaderDeneb) -> Value {
    json!({
        "parent_hash": hex0x(e.parent_hash),
        "fee_recipient": hex0x(e.fee_recipient),
        "state_root": hex0x(e.state_root),
        "receipts_root": hex0x(e.receipts_root),
        "logs_bloom": hex0x(e.logs_bloom),
        "prev_randao": hex0x(e.prev_randao),
        "block_number": e.block_number.to_string(),
        "gas_limit": e.gas_limit.to_string(),
        "gas_used": e.gas_used.to_string(),
        "timestamp": e.timestamp.to_string(),
        "extra_data": hex0x(&e.extra_data[..]),
        "base_fee_per_gas": e.base_fee_per_gas.to_string(),
        "block_hash": hex0x(e.block_hash),
        "transactions_root": hex0x(e.transactions_root),
        "withdrawals_root": hex0x(e.withdrawals_root),
        "blob_gas_used": e.blob_gas_used.to_string(),
        "excess_blob_gas": e.excess_blob_gas.to_string(),
    })
}

/// `LightClientHeader` (Deneb/Electra layout).
pub fn lc_header(
    beacon: &BeaconBlockHeader,
    execution: &ExecutionPayloadHeaderDeneb,
    execution_branch: &[B256],
) -> Value {
    json!({
        "beacon": beacon_header(beacon),
        "execution": execution_header(execution),
        "execution_branch": roots(execution_branch),
    })
}

/// `SyncCommittee`.
pub fn sync_committee(c: &SyncCommittee<Minimal>) -> Value {
    json!({
        "pubkeys": c.pubkeys.iter().map(hex0x).collect::<Vec<_>>(),
        "aggregate_pubkey": hex0x(c.aggregate_pubkey),
    })
}

/// `SyncAggregate`.
pub fn sync_aggregate(a: &SyncAggregate<Minimal>) -> Value {
    json!({
        "sync_committee_bits": hex0x(a.sync_committee_bits.as_ssz_bytes()),
        "sync_committee_signature": hex0x(a.sync_committee_signature),
    })
}

/// A branch as a JSON array.
pub fn branch(b: &[B256]) -> Value {
    Value::from(roots(b))
}

/// `{version, data}`.
pub fn versioned(fork: Fork, data: Value) -> Value {
    json!({ "version": fork.name(), "data": data })
}
