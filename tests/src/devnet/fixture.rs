//! `fixtures/golden/devnet-electra/`: one deterministic devnet run on synthetic execution blocks,
//! as files the CLI and other tests can read (BLS signing is deterministic, so the output is too).
//!
//! Files: `config.yaml` (for `--config`), `bootstrap.json`, `updates.json` (a Beacon-API
//! `/updates` array, one update per round), `finality_update.json` (the last round's),
//! `block.json` and `receipts.json` (`eth_getBlockByNumber` / `eth_getBlockReceipts` of the last
//! finalized block, whose receipt 0 has a `Locked`-shaped log), `expected.json` (trusted root and
//! what the light client must finalize).

use super::synthetic::{SyntheticChain, SyntheticLog};
use super::{Devnet, DevnetError};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::SolValue;
use lcp_enclave::light_client::config::Fork;
use serde_json::{Value, json};

/// The directory under `fixtures/`.
pub const DIR: &str = "golden/devnet-electra";
/// The devnet seed.
pub const SEED: [u8; 32] = [0x5e; 32];
/// Rounds generated (three rounds: periods 0, 0, 1 — one committee hand-over).
pub const ROUNDS: usize = 3;

fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes.as_ref()))
}

fn pretty(value: &Value) -> Result<Vec<u8>, DevnetError> {
    let mut text = serde_json::to_vec_pretty(value)
        .map_err(|_| DevnetError::BlockJson { field: "<render>" })?;
    text.push(b'\n');
    Ok(text)
}

/// The `Locked(recipient, amount, destinationChainId, destinationBridge)` log of round `round`.
pub fn locked_log(round: u8) -> SyntheticLog {
    SyntheticLog {
        address: Address::repeat_byte(0x10),
        topics: vec![
            keccak256("Locked(address,uint256,uint256,address)"),
            B256::left_padding_from(Address::repeat_byte(0xab).as_slice()),
        ],
        data: Bytes::from(
            (
                U256::from(round).saturating_add(U256::from(1u64)),
                U256::from(31_337u64),
                Address::repeat_byte(0xb0),
            )
                .abi_encode(),
        ),
    }
}

/// The files, as (name, bytes).
///
/// # Errors
/// Generator errors (none expected).
pub fn render() -> Result<Vec<(String, Vec<u8>)>, DevnetError> {
    let mut devnet = Devnet::new(SEED, Fork::Electra)?;
    let mut chain = SyntheticChain::new(Fork::Electra);
    let mut rounds = Vec::new();
    let mut last_block = None;
    for round in 0..ROUNDS {
        let log = locked_log(u8::try_from(round).unwrap_or(u8::MAX));
        let finalized = chain.next_block(&[log])?;
        let attested = chain.next_block(&[])?;
        rounds.push(devnet.finalize(&finalized.execution_block()?, &attested.execution_block()?)?);
        last_block = Some(finalized);
    }
    let (Some(first), Some(last), Some(block)) = (rounds.first(), rounds.last(), last_block) else {
        return Err(DevnetError::BlockJson { field: "<rounds>" });
    };
    let updates: Vec<Value> = rounds.iter().flat_map(|r| r.updates.clone()).collect();
    let f = &last.finalized;
    let expected = json!({
        "seed": hex0x(SEED),
        "fork": "electra",
        "genesis_validators_root": hex0x(devnet.genesis_validators_root()),
        "trusted_root": hex0x(first.trusted_root),
        "finalized": {
            "slot": f.slot,
            "beacon_root": hex0x(f.beacon_root),
            "block_number": f.block_number,
            "block_hash": hex0x(f.block_hash),
            "state_root": hex0x(f.state_root),
            "receipts_root": hex0x(f.receipts_root),
        },
        "sync_committee_period": super::period_at_slot(f.slot),
    });
    Ok(vec![
        ("config.yaml".to_owned(), devnet.config_yaml().into_bytes()),
        (
            "bootstrap.json".to_owned(),
            pretty(first.bootstrap.as_ref().unwrap_or(&Value::Null))?,
        ),
        ("updates.json".to_owned(), pretty(&Value::Array(updates))?),
        (
            "finality_update.json".to_owned(),
            pretty(&last.finality_update)?,
        ),
        ("block.json".to_owned(), pretty(&block.block)?),
        ("receipts.json".to_owned(), pretty(&block.receipts)?),
        ("expected.json".to_owned(), pretty(&expected)?),
    ])
}
