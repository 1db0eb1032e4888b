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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devnet::synthetic::SyntheticChain;
    use lcp_enclave::light_client::config::Fork;

    #[test]
    fn one_update_per_period_the_first_and_the_latest_finality() {
        let mut devnet = Devnet::new([0x21; 32], Fork::Electra).unwrap();
        let mut chain = SyntheticChain::new(Fork::Electra);
        let rounds: Vec<DevnetRound> = (0..3)
            .map(|_| {
                let finalized = chain.next_block(&[]).unwrap().execution_block().unwrap();
                let attested = chain.next_block(&[]).unwrap().execution_block().unwrap();
                devnet.finalize(&finalized, &attested).unwrap()
            })
            .collect();
        // Two rounds per 64-slot period: periods 0, 0, 1.
        let periods: Vec<u64> = rounds
            .iter()
            .map(|r| PeriodLength::MINIMAL.period(r.attested_slot))
            .collect();
        assert_eq!(periods, vec![0, 0, 1]);
        let data = served_data(&devnet, &rounds).unwrap();
        assert_eq!(
            data.updates,
            vec![
                (0, rounds[0].updates[0].clone()),
                (1, rounds[2].updates[0].clone())
            ]
        );
        assert_eq!(data.finality, rounds[2].finality_update);
        assert_eq!(data.trusted_root, rounds[0].trusted_root);
        assert_eq!(Some(&data.bootstrap), rounds[0].bootstrap.as_ref());
        assert_eq!(data.fork, "electra");
        assert!(!data.ssz);
        // Without the first round there is no bootstrap to serve.
        assert_eq!(
            served_data(&devnet, &rounds[1..]).unwrap_err().to_string(),
            "the first round carries no bootstrap"
        );
        assert_eq!(
            served_data(&devnet, &[]).unwrap_err().to_string(),
            "no devnet rounds"
        );
    }
}
