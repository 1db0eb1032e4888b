//! The devnet's light-client objects as a Beacon-API data set for
//! [`crate::fixture_server::FixtureServer::serve`], so a relayer reaches the devnet through the
//! real `BeaconClient` (HTTP, shape checks, period queries) rather than through a test double.
//!
//! Served: `/bootstrap/{first round's trusted root}`, `/updates?start_period=&count=` (one update
//! per period, as a beacon node serves its best one: the period's first, which
//! `is_better_update` prefers among the devnet's equally signed updates — its last tiebreak is
//! the older attested slot), `/finality_update` (the latest
//! round's), `/eth/v1/beacon/genesis` (the devnet's genesis validators root and fork version).
//! Not served: beacon blocks, optimistic updates, JSON-RPC (the execution chain is anvil itself).

use super::{Devnet, DevnetRound};
use crate::fixture_server::Data;
use anyhow::{Context, anyhow};
use lcp_client::relayer::PeriodLength;
use serde_json::Value;

/// The data set of `rounds` (oldest first; the first must be the devnet's first round, which
/// carries the bootstrap).
///
/// # Errors
/// No rounds, a first round without bootstrap, an update without a decimal attested slot.
pub fn served_data(devnet: &Devnet, rounds: &[DevnetRound]) -> anyhow::Result<Data> {
    let first = rounds.first().context("no devnet rounds")?;
    let latest = rounds.last().context("no devnet rounds")?;
    let bootstrap = first
        .bootstrap
        .clone()
        .context("the first round carries no bootstrap")?;
    let mut updates = Vec::new();
    for update in rounds.iter().flat_map(|round| round.updates.iter()) {
        let slot: u64 = update
            .pointer("/data/attested_header/beacon/slot")
            .and_then(Value::as_str)
            .and_then(|slot| slot.parse().ok())
            .ok_or_else(|| anyhow!("update without a decimal attested slot"))?;
        let period = PeriodLength::MINIMAL.period(slot);
        if !updates.iter().any(|(known, _)| *known == period) {
            updates.push((period, update.clone()));
        }
    }
    Ok(Data {
        spec: devnet.spec().clone(),
        fork: devnet.fork().name(),
        ssz: false,
        trusted_root: first.trusted_root,
        bootstrap,
        updates,
        finality: latest.finality_update.clone(),
        optimistic: Value::Null,
        blocks: Vec::new(),
        head_slot: latest.attested_slot,
        finalized_slot: latest.finalized.slot,
        exec_block: Value::Null,
        receipts: Value::Null,
        proofs: Vec::new(),
    })
}
