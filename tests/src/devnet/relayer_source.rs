//! Devnet rounds as the relayer's [`LightClientSource`]: what a beacon node of the devnet would
//! serve after those rounds. One update per period (the last round's of each period, as a node
//! serves its best update per period), the first round's bootstrap, the last round's finality
//! update. For relayer tests that need many periods without a network (a backlog of periods, a
//! sync split into several `UpdateClient` requests).

use super::{DevnetRound, period_at_slot};
use alloy_primitives::B256;
use lcp_client::relayer::ports::{Fetched, LightClientSource, PortError};
use lcp_enclave::service::protocol::LcObject;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The endpoint name of a [`DevnetSource`].
pub const DEVNET_ENDPOINT: &str = "devnet";

/// Why a [`DevnetSource`] cannot be built or cannot serve a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DevnetSourceError {
    /// No rounds were given.
    #[error("no devnet rounds")]
    NoRounds,
    /// The first round carries no bootstrap (it is not the devnet's first round).
    #[error("the first round is not the devnet's first (no bootstrap)")]
    NoBootstrap,
    /// An update lacks `attested_header.beacon.slot`.
    #[error("update {index} has no attested slot")]
    UpdateSlot {
        /// Position in the round's updates.
        index: usize,
    },
    /// The devnet emits no beacon blocks (see NOTES-devnet.md).
    #[error("the devnet serves no beacon block {block_id}")]
    NoBeaconBlocks {
        /// The requested id.
        block_id: String,
    },
}

/// Devnet light-client data served from memory.
#[derive(Debug)]
pub struct DevnetSource {
    bootstrap: Value,
    updates: BTreeMap<u64, Value>,
    finality_update: Value,
    rejected: Mutex<Vec<(String, String)>>,
}

fn attested_slot(update: &Value) -> Option<u64> {
    update
        .get("data")
        .unwrap_or(update)
        .get("attested_header")?
        .get("beacon")?
        .get("slot")?
        .as_str()?
        .parse()
        .ok()
}

impl DevnetSource {
    /// The data of `rounds` (in order, starting with the devnet's first round).
    ///
    /// # Errors
    /// [`DevnetSourceError::NoRounds`], [`DevnetSourceError::NoBootstrap`],
    /// [`DevnetSourceError::UpdateSlot`].
    pub fn new(rounds: &[DevnetRound]) -> Result<Self, DevnetSourceError> {
        let first = rounds.first().ok_or(DevnetSourceError::NoRounds)?;
        let last = rounds.last().ok_or(DevnetSourceError::NoRounds)?;
        let bootstrap = first
            .bootstrap
            .clone()
            .ok_or(DevnetSourceError::NoBootstrap)?;
        let mut updates = BTreeMap::new();
        for round in rounds {
            for (index, update) in round.updates.iter().enumerate() {
                let slot = attested_slot(update).ok_or(DevnetSourceError::UpdateSlot { index })?;
                updates.insert(period_at_slot(slot), update.clone());
            }
        }
        Ok(DevnetSource {
            bootstrap,
            updates,
            finality_update: last.finality_update.clone(),
            rejected: Mutex::new(Vec::new()),
        })
    }

    /// The periods an update is served for.
    pub fn periods(&self) -> Vec<u64> {
        self.updates.keys().copied().collect()
    }

    /// Rejections reported so far (endpoint, reason).
    pub fn rejections(&self) -> Vec<(String, String)> {
        self.rejected.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn fetched<T>(value: T) -> Fetched<T> {
        Fetched {
            value,
            endpoint: DEVNET_ENDPOINT.to_owned(),
        }
    }
}

impl LightClientSource for DevnetSource {
    async fn bootstrap(&self, _block_root: B256) -> Result<Fetched<LcObject>, PortError> {
        // The enclave checks the bootstrap against the trusted root itself.
        Ok(Self::fetched(LcObject::Json(self.bootstrap.clone())))
    }

    async fn updates(
        &self,
        start_period: u64,
        count: u64,
    ) -> Result<Fetched<Vec<LcObject>>, PortError> {
        let end = start_period.saturating_add(count);
        Ok(Self::fetched(
            self.updates
                .range(start_period..end)
                .map(|(_, u)| LcObject::Json(u.clone()))
                .collect(),
        ))
    }

    async fn finality_update(&self) -> Result<Fetched<LcObject>, PortError> {
        Ok(Self::fetched(LcObject::Json(self.finality_update.clone())))
    }

    async fn finality_update_each(&self) -> Vec<Result<Fetched<LcObject>, PortError>> {
        vec![self.finality_update().await]
    }

    async fn block(&self, block_id: &str) -> Result<Fetched<Value>, PortError> {
        Err(DevnetSourceError::NoBeaconBlocks {
            block_id: block_id.to_owned(),
        }
        .into())
    }

    fn report_rejected(&self, endpoint: &str, reason: &str) {
        if let Ok(mut rejected) = self.rejected.lock() {
            rejected.push((endpoint.to_owned(), reason.to_owned()));
        }
    }
}
