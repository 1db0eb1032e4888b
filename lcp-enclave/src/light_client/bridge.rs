//! The bridge policy: stricter than the spec, because a bridge acts on finalized data only.
//!
//! - STRICTER: every update must carry a finality proof (the spec also accepts optimistic ones).
//! - STRICTER: participation must reach a configured threshold (default ≥ 2/3 of
//!   `SYNC_COMMITTEE_SIZE`, the spec's own threshold for applying an update); the spec validates
//!   with a single participant.
//! - STRICTER: `process_light_client_store_force_update` is never applied: forcing adopts a
//!   non-finalized header after a timeout, which a bridge must not sign as finalized.

use super::bls::KeyCache;
use super::config::LcLayout;
use super::config::{ChainSpec, Preset};
use super::containers::{LightClientFinalityUpdate, LightClientUpdate};
use super::error::LightClientError;
use super::sync::{LightClientStore, is_finality_update, process_light_client_update};
use super::upgrade::{upgrade_lc_store, upgrade_lc_update};

/// Upgrades the store when data of a newer layout arrives (the spec's store upgrade "MAY be
/// performed before the fork"; the data itself proves the fork has come). Never downgrades.
///
/// # Errors
/// From [`upgrade_lc_store`].
pub fn advance_store_fork<P: Preset>(
    store: &mut LightClientStore<P>,
    layout: LcLayout,
    spec: &ChainSpec,
) -> Result<(), LightClientError> {
    if layout > store.layout() {
        *store = upgrade_lc_store(spec, store.clone(), layout.representative_fork())?;
    }
    Ok(())
}

/// Policy parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BridgePolicy {
    /// Minimum number of participating sync-committee members.
    pub min_participants: u64,
}

impl BridgePolicy {
    /// The default: `ceil(2/3 · SYNC_COMMITTEE_SIZE)` (342 of 512 on mainnet).
    pub fn two_thirds<P: Preset>() -> Self {
        let size = u64::try_from(P::sync_committee_size()).unwrap_or(u64::MAX);
        Self {
            min_participants: size.saturating_mul(2).div_ceil(3),
        }
    }
}

/// What processing one update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Valid and processed (it may have changed only the optimistic header or the best update).
    Applied,
    /// Valid data the store has already moved past (older period, or nothing new): ignored.
    Stale,
}

/// Validates `update` under the bridge policy, upgrades it to the store's fork, and processes it.
/// A merely stale update (`IrrelevantUpdate`, or signed in a period before the store's) is
/// reported as [`Outcome::Stale`] and changes nothing.
///
/// # Errors
/// [`LightClientError::FinalityRequired`], [`LightClientError::BelowParticipationThreshold`], or
/// any spec failure.
pub fn process_bridge_update<P: Preset>(
    store: &mut LightClientStore<P>,
    update: LightClientUpdate<P>,
    current_slot: u64,
    spec: &ChainSpec,
    policy: &BridgePolicy,
    keys: &mut KeyCache,
) -> Result<Outcome, LightClientError> {
    advance_store_fork(store, update.layout, spec)?;
    let update = upgrade_lc_update(spec, update, store.layout())?;
    if !is_finality_update(&update) {
        return Err(LightClientError::FinalityRequired {
            attested_slot: update.attested_header.beacon.slot,
        });
    }
    let participants = update.sync_aggregate.participants();
    if participants < policy.min_participants {
        return Err(LightClientError::BelowParticipationThreshold {
            signature_slot: update.signature_slot,
            participants,
            required: policy.min_participants,
            committee_size: u64::try_from(P::sync_committee_size()).unwrap_or(u64::MAX),
        });
    }
    match process_light_client_update(store, &update, current_slot, spec, keys) {
        Ok(()) => Ok(Outcome::Applied),
        Err(LightClientError::IrrelevantUpdate { .. }) => Ok(Outcome::Stale),
        Err(LightClientError::UnverifiablePeriod {
            signature_period,
            store_period,
            ..
        }) if signature_period < store_period => Ok(Outcome::Stale),
        Err(e) => Err(e),
    }
}

/// [`process_bridge_update`] for a finality update.
///
/// # Errors
/// As [`process_bridge_update`].
pub fn process_bridge_finality_update<P: Preset>(
    store: &mut LightClientStore<P>,
    update: LightClientFinalityUpdate<P>,
    current_slot: u64,
    spec: &ChainSpec,
    policy: &BridgePolicy,
    keys: &mut KeyCache,
) -> Result<Outcome, LightClientError> {
    process_bridge_update(store, update.into(), current_slot, spec, policy, keys)
}
