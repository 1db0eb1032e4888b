//! A light-client store whose finalized execution header is mainnet block 21925176, for load
//! benches, load tests and fuzz seeds that prove the bundled real `eth_getProof` response.
//!
//! No bundled light-client data finalizes that block (HELPERS.md, "Data fact"), so the store is
//! built, not reached: its finalized header carries the block's number, hash, state root, receipts
//! root and timestamp, and the enclave is handed it with its recomputed `state_id` — exactly the
//! work of a real request (decode the store, hash every field, check the id, verify the proofs,
//! sign). The enclave never checks how a store was reached; the destination chain's `state_id`
//! does. Never used to sign anything a contract would accept as light-client-verified.

use alloy_primitives::B256;
use anyhow::Context;
use lcp_enclave::light_client::config::{Fork, Mainnet};
use lcp_enclave::light_client::containers::{LcExecution, LightClientHeader};
use lcp_enclave::light_client::sync::LightClientStore;
use serde_json::Value;

/// The bundled block 21925176 (`eth_getBlockByNumber` result, wrapper removed).
///
/// # Errors
/// The fixture cannot be read or parsed.
pub fn block_21925176() -> anyhow::Result<Value> {
    let path = crate::fixture("mainnet/execution/block_21925176/block.json");
    let block: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    Ok(block.get("result").cloned().unwrap_or(block))
}

/// The bundled `eth_getProof` response of block 21925176.
///
/// # Errors
/// The fixture cannot be read or parsed.
pub fn proof_21925176() -> anyhow::Result<Value> {
    let path = crate::fixture("mainnet/execution/block_21925176/proof.json");
    Ok(serde_json::from_str(&std::fs::read_to_string(&path)?)?)
}

fn field<'a>(block: &'a Value, name: &str) -> anyhow::Result<&'a str> {
    block
        .get(name)
        .and_then(Value::as_str)
        .with_context(|| format!("block field {name}"))
}

fn quantity(block: &Value, name: &str) -> anyhow::Result<u64> {
    let text = field(block, name)?;
    Ok(u64::from_str_radix(text.trim_start_matches("0x"), 16)?)
}

/// The block's hash as the JSON states it.
///
/// # Errors
/// The field is missing or malformed.
pub fn block_hash(block: &Value) -> anyhow::Result<B256> {
    Ok(field(block, "hash")?.parse()?)
}

/// A Capella store whose finalized (and optimistic) execution header is `block`'s (module doc).
///
/// # Errors
/// A block field is missing or malformed.
pub fn store_at_block(block: &Value) -> anyhow::Result<LightClientStore<Mainnet>> {
    let mut header = LightClientHeader::empty(Fork::Capella.layout());
    if let LcExecution::Capella(e) = &mut header.execution {
        e.block_number = quantity(block, "number")?;
        e.block_hash = block_hash(block)?;
        e.state_root = field(block, "stateRoot")?.parse()?;
        e.receipts_root = field(block, "receiptsRoot")?.parse()?;
        e.timestamp = quantity(block, "timestamp")?;
    }
    Ok(LightClientStore {
        fork: Fork::Capella,
        finalized_header: header.clone(),
        current_sync_committee: Default::default(),
        next_sync_committee: Default::default(),
        best_valid_update: None,
        optimistic_header: header,
        previous_max_active_participants: 0,
        current_max_active_participants: 0,
    })
}
