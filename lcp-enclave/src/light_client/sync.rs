//! The sync protocol: `LightClientStore` and the spec functions that create and advance it.
//!
//! Spec: consensus-specs v1.7.0-beta `specs/altair/light-client/sync-protocol.md` (with the
//! electra/gloas modifications of the gindex helpers). Names are the spec's. Every `assert` is a
//! [`LightClientError`] variant. `current_slot` and the network are parameters.

use super::bls::{KeyCache, fast_aggregate_verify};
use super::config::{
    ChainSpec, DOMAIN_SYNC_COMMITTEE, Fork, GENESIS_SLOT, LcLayout,
    MIN_SYNC_COMMITTEE_PARTICIPANTS, Preset,
};
use super::containers::{
    LightClientBootstrap, LightClientFinalityUpdate, LightClientHeader,
    LightClientOptimisticUpdate, LightClientUpdate, SyncCommittee,
};
use super::error::{Branch, FinalityCheck, LightClientError, Object};
use super::header::{
    compute_domain, compute_epoch_at_slot, compute_signing_root,
    compute_sync_committee_period_at_slot, current_sync_committee_gindex_at_slot,
    finalized_root_gindex_at_slot, fork_at_slot, is_valid_light_client_header,
    next_sync_committee_gindex_at_slot,
};
use super::merkle::is_valid_normalized_merkle_branch;
use alloy_primitives::B256;
use tree_hash::TreeHash;

/// `LightClientStore`. Every field is plain data: the enclave's `state_id` hashes all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightClientStore<P: Preset> {
    /// The fork whose containers the store holds (`store_fork_version` in the reference tests).
    pub fork: Fork,
    /// Header that is finalized.
    pub finalized_header: LightClientHeader,
    /// Sync committee of the finalized header's period.
    pub current_sync_committee: SyncCommittee<P>,
    /// Sync committee of the next period (all-zero while unknown).
    pub next_sync_committee: SyncCommittee<P>,
    /// Best available header to switch finalized head to if we see nothing else.
    pub best_valid_update: Option<LightClientUpdate<P>>,
    /// Most recent available reasonably-safe header.
    pub optimistic_header: LightClientHeader,
    /// Max number of active participants in a sync committee (used to calculate safety threshold).
    pub previous_max_active_participants: u64,
    /// Max number of active participants in the current period.
    pub current_max_active_participants: u64,
}

impl<P: Preset> LightClientStore<P> {
    /// The store's container layout.
    pub fn layout(&self) -> LcLayout {
        self.fork.layout()
    }
}

/// `is_sync_committee_update(update)`.
pub fn is_sync_committee_update<P: Preset>(update: &LightClientUpdate<P>) -> bool {
    update
        .next_sync_committee_branch
        .iter()
        .any(|n| !n.is_zero())
}

/// `is_finality_update(update)`.
pub fn is_finality_update<P: Preset>(update: &LightClientUpdate<P>) -> bool {
    update.finality_branch.iter().any(|n| !n.is_zero())
}

/// `is_next_sync_committee_known(store)`.
pub fn is_next_sync_committee_known<P: Preset>(store: &LightClientStore<P>) -> bool {
    store.next_sync_committee != SyncCommittee::default()
}

/// `get_safety_threshold(store)`.
pub fn get_safety_threshold<P: Preset>(store: &LightClientStore<P>) -> u64 {
    store
        .previous_max_active_participants
        .max(store.current_max_active_participants)
        .checked_div(2)
        .unwrap_or(0)
}

/// `sum(bits) * 3 >= len(bits) * 2`, overflow-free (participants ≤ committee size ≤ 2^32).
pub fn has_supermajority(participants: u64, committee_size: u64) -> bool {
    u128::from(participants).saturating_mul(3) >= u128::from(committee_size).saturating_mul(2)
}

/// `is_better_update(new_update, old_update)`.
pub fn is_better_update<P: Preset>(new: &LightClientUpdate<P>, old: &LightClientUpdate<P>) -> bool {
    let max_active = u64::try_from(P::sync_committee_size()).unwrap_or(u64::MAX);
    let new_active = new.sync_aggregate.participants();
    let old_active = old.sync_aggregate.participants();
    let new_super = has_supermajority(new_active, max_active);
    let old_super = has_supermajority(old_active, max_active);
    if new_super != old_super {
        return new_super;
    }
    if !new_super && new_active != old_active {
        return new_active > old_active;
    }

    let period = compute_sync_committee_period_at_slot::<P>;
    let relevant = |u: &LightClientUpdate<P>| {
        is_sync_committee_update(u)
            && period(u.attested_header.beacon.slot) == period(u.signature_slot)
    };
    let (new_relevant, old_relevant) = (relevant(new), relevant(old));
    if new_relevant != old_relevant {
        return new_relevant;
    }

    let (new_finality, old_finality) = (is_finality_update(new), is_finality_update(old));
    if new_finality != old_finality {
        return new_finality;
    }

    if new_finality {
        let sc_finality = |u: &LightClientUpdate<P>| {
            period(u.finalized_header.beacon.slot) == period(u.attested_header.beacon.slot)
        };
        let (new_scf, old_scf) = (sc_finality(new), sc_finality(old));
        if new_scf != old_scf {
            return new_scf;
        }
    }

    if new_active != old_active {
        return new_active > old_active;
    }
    if new.attested_header.beacon.slot != old.attested_header.beacon.slot {
        return new.attested_header.beacon.slot < old.attested_header.beacon.slot;
    }
    new.signature_slot < old.signature_slot
}

fn branch_error<P: Preset>(spec: &ChainSpec, branch: Branch, slot: u64) -> LightClientError {
    LightClientError::InvalidBranch {
        branch,
        slot,
        period: compute_sync_committee_period_at_slot::<P>(slot),
        fork: fork_at_slot::<P>(spec, slot),
    }
}

/// `initialize_light_client_store(trusted_block_root, bootstrap)`, creating a store of
/// `store_fork` (the bootstrap must already be in that fork's layout: see `upgrade`).
///
/// # Errors
/// Invalid header, [`LightClientError::BootstrapRootMismatch`], or an invalid current-sync-committee
/// branch.
pub fn initialize_light_client_store<P: Preset>(
    spec: &ChainSpec,
    trusted_block_root: B256,
    bootstrap: LightClientBootstrap<P>,
    store_fork: Fork,
) -> Result<LightClientStore<P>, LightClientError> {
    if bootstrap.layout != store_fork.layout() {
        return Err(LightClientError::LayoutMismatch {
            object: Object::Bootstrap,
            object_fork: bootstrap.layout.representative_fork(),
            store_fork,
        });
    }
    is_valid_light_client_header::<P>(spec, &bootstrap.header)?;
    let got = bootstrap.header.beacon_root();
    if got != trusted_block_root {
        return Err(LightClientError::BootstrapRootMismatch {
            got,
            expected: trusted_block_root,
        });
    }
    let slot = bootstrap.header.beacon.slot;
    if !is_valid_normalized_merkle_branch(
        bootstrap.current_sync_committee.tree_hash_root(),
        &bootstrap.current_sync_committee_branch,
        current_sync_committee_gindex_at_slot::<P>(spec, bootstrap.layout, slot),
        bootstrap.header.beacon.state_root,
    ) {
        return Err(branch_error::<P>(spec, Branch::CurrentSyncCommittee, slot));
    }
    Ok(LightClientStore {
        fork: store_fork,
        finalized_header: bootstrap.header.clone(),
        current_sync_committee: bootstrap.current_sync_committee,
        next_sync_committee: SyncCommittee::default(),
        best_valid_update: None,
        optimistic_header: bootstrap.header,
        previous_max_active_participants: 0,
        current_max_active_participants: 0,
    })
}

/// `validate_light_client_update(store, update, current_slot, genesis_validators_root)`.
///
/// # Errors
/// The first failed assertion, as its variant.
pub fn validate_light_client_update<P: Preset>(
    store: &LightClientStore<P>,
    update: &LightClientUpdate<P>,
    current_slot: u64,
    spec: &ChainSpec,
    keys: &mut KeyCache,
) -> Result<(), LightClientError> {
    if update.layout != store.layout() {
        return Err(LightClientError::LayoutMismatch {
            object: Object::Update,
            object_fork: update.layout.representative_fork(),
            store_fork: store.fork,
        });
    }
    let period = compute_sync_committee_period_at_slot::<P>;
    let aggregate = &update.sync_aggregate;
    let participants = aggregate.participants();
    if participants < MIN_SYNC_COMMITTEE_PARTICIPANTS {
        return Err(LightClientError::InsufficientParticipants {
            signature_slot: update.signature_slot,
            participants,
            min: MIN_SYNC_COMMITTEE_PARTICIPANTS,
        });
    }

    is_valid_light_client_header::<P>(spec, &update.attested_header)?;
    let attested_slot = update.attested_header.beacon.slot;
    let finalized_slot = update.finalized_header.beacon.slot;
    if !(current_slot >= update.signature_slot
        && update.signature_slot > attested_slot
        && attested_slot >= finalized_slot)
    {
        return Err(LightClientError::InvalidSlotOrder {
            current_slot,
            signature_slot: update.signature_slot,
            attested_slot,
            finalized_slot,
        });
    }
    let store_period = period(store.finalized_header.beacon.slot);
    let signature_period = period(update.signature_slot);
    let next_known = is_next_sync_committee_known(store);
    let period_ok = if next_known {
        signature_period == store_period || Some(signature_period) == store_period.checked_add(1)
    } else {
        signature_period == store_period
    };
    if !period_ok {
        return Err(LightClientError::UnverifiablePeriod {
            signature_period,
            store_period,
            next_known,
        });
    }

    let attested_period = period(attested_slot);
    let update_has_next_sync_committee =
        !next_known && is_sync_committee_update(update) && attested_period == store_period;
    if !(attested_slot > store.finalized_header.beacon.slot || update_has_next_sync_committee) {
        return Err(LightClientError::IrrelevantUpdate {
            attested_slot,
            attested_period,
            store_slot: store.finalized_header.beacon.slot,
        });
    }

    let empty_header = LightClientHeader::empty(update.layout);
    if !is_finality_update(update) {
        if update.finalized_header != empty_header {
            return Err(LightClientError::InvalidFinalizedHeader {
                attested_slot,
                check: FinalityCheck::HeaderWithoutBranch,
            });
        }
    } else {
        let finalized_root = if finalized_slot == GENESIS_SLOT {
            if update.finalized_header != empty_header {
                return Err(LightClientError::InvalidFinalizedHeader {
                    attested_slot,
                    check: FinalityCheck::GenesisRootWithNonEmptyHeader,
                });
            }
            B256::ZERO
        } else {
            is_valid_light_client_header::<P>(spec, &update.finalized_header)?;
            update.finalized_header.beacon_root()
        };
        if !is_valid_normalized_merkle_branch(
            finalized_root,
            &update.finality_branch,
            finalized_root_gindex_at_slot::<P>(spec, update.layout, attested_slot),
            update.attested_header.beacon.state_root,
        ) {
            return Err(branch_error::<P>(spec, Branch::Finality, attested_slot));
        }
    }

    if !is_sync_committee_update(update) {
        if update.next_sync_committee != SyncCommittee::default() {
            return Err(LightClientError::NextSyncCommitteeWithoutBranch { attested_slot });
        }
    } else {
        if attested_period == store_period
            && next_known
            && update.next_sync_committee != store.next_sync_committee
        {
            return Err(LightClientError::NextSyncCommitteeMismatch {
                attested_slot,
                period: attested_period,
            });
        }
        if !is_valid_normalized_merkle_branch(
            update.next_sync_committee.tree_hash_root(),
            &update.next_sync_committee_branch,
            next_sync_committee_gindex_at_slot::<P>(spec, update.layout, attested_slot),
            update.attested_header.beacon.state_root,
        ) {
            return Err(branch_error::<P>(
                spec,
                Branch::NextSyncCommittee,
                attested_slot,
            ));
        }
    }

    let committee = if signature_period == store_period {
        &store.current_sync_committee
    } else {
        &store.next_sync_committee
    };
    let committee_keys = keys.get(committee)?;
    let fork_version_slot = update.signature_slot.max(1).saturating_sub(1);
    let fork_epoch = compute_epoch_at_slot::<P>(fork_version_slot);
    let fork_version = spec.fork_version_at_epoch(fork_epoch);
    let domain = compute_domain(
        DOMAIN_SYNC_COMMITTEE,
        fork_version,
        spec.genesis_validators_root,
    );
    let signing_root = compute_signing_root(update.attested_header.beacon.tree_hash_root(), domain);
    if !fast_aggregate_verify(
        &committee_keys,
        aggregate,
        signing_root,
        update.signature_slot,
    )? {
        return Err(LightClientError::InvalidSignature {
            signature_slot: update.signature_slot,
            period: signature_period,
            fork: spec.fork_at_epoch(fork_epoch),
        });
    }
    Ok(())
}

/// `apply_light_client_update(store, update)`.
///
/// # Errors
/// [`LightClientError::FinalizedPeriodMismatch`] when the next committee is unknown and the update's
/// finalized header is not in the store's period (the store is left unchanged).
pub fn apply_light_client_update<P: Preset>(
    store: &mut LightClientStore<P>,
    update: &LightClientUpdate<P>,
) -> Result<(), LightClientError> {
    let period = compute_sync_committee_period_at_slot::<P>;
    let store_period = period(store.finalized_header.beacon.slot);
    let update_finalized_period = period(update.finalized_header.beacon.slot);
    if !is_next_sync_committee_known(store) {
        if update_finalized_period != store_period {
            return Err(LightClientError::FinalizedPeriodMismatch {
                finalized_period: update_finalized_period,
                store_period,
            });
        }
        store.next_sync_committee = update.next_sync_committee.clone();
    } else if Some(update_finalized_period) == store_period.checked_add(1) {
        store.current_sync_committee = core::mem::replace(
            &mut store.next_sync_committee,
            update.next_sync_committee.clone(),
        );
        store.previous_max_active_participants = store.current_max_active_participants;
        store.current_max_active_participants = 0;
    }
    if update.finalized_header.beacon.slot > store.finalized_header.beacon.slot {
        store.finalized_header = update.finalized_header.clone();
        if store.finalized_header.beacon.slot > store.optimistic_header.beacon.slot {
            store.optimistic_header = store.finalized_header.clone();
        }
    }
    Ok(())
}

/// `process_light_client_store_force_update(store, current_slot)`. Returns whether an update was
/// forced (the spec is silent when the timeout has not passed or no update is stored).
///
/// # Errors
/// From [`apply_light_client_update`].
pub fn process_light_client_store_force_update<P: Preset>(
    store: &mut LightClientStore<P>,
    current_slot: u64,
) -> Result<bool, LightClientError> {
    let deadline = store
        .finalized_header
        .beacon
        .slot
        .checked_add(P::UPDATE_TIMEOUT);
    let timed_out = deadline.is_some_and(|d| current_slot > d);
    if !timed_out {
        return Ok(false);
    }
    let Some(mut best) = store.best_valid_update.clone() else {
        return Ok(false);
    };
    if best.finalized_header.beacon.slot <= store.finalized_header.beacon.slot {
        best.finalized_header = best.attested_header.clone();
    }
    apply_light_client_update(store, &best)?;
    store.best_valid_update = None;
    Ok(true)
}

/// `process_light_client_update(store, update, current_slot, genesis_validators_root)`.
/// The store is changed only if the update is valid.
///
/// # Errors
/// From [`validate_light_client_update`] and [`apply_light_client_update`].
pub fn process_light_client_update<P: Preset>(
    store: &mut LightClientStore<P>,
    update: &LightClientUpdate<P>,
    current_slot: u64,
    spec: &ChainSpec,
    keys: &mut KeyCache,
) -> Result<(), LightClientError> {
    validate_light_client_update(store, update, current_slot, spec, keys)?;
    let mut next = store.clone();
    let participants = update.sync_aggregate.participants();
    let committee_size = u64::try_from(P::sync_committee_size()).unwrap_or(u64::MAX);

    let replace_best = match &next.best_valid_update {
        None => true,
        Some(best) => is_better_update(update, best),
    };
    if replace_best {
        next.best_valid_update = Some(update.clone());
    }
    next.current_max_active_participants = next.current_max_active_participants.max(participants);

    if participants > get_safety_threshold(&next)
        && update.attested_header.beacon.slot > next.optimistic_header.beacon.slot
    {
        next.optimistic_header = update.attested_header.clone();
    }

    let period = compute_sync_committee_period_at_slot::<P>;
    let update_has_finalized_next_sync_committee = !is_next_sync_committee_known(&next)
        && is_sync_committee_update(update)
        && is_finality_update(update)
        && period(update.finalized_header.beacon.slot)
            == period(update.attested_header.beacon.slot);
    if has_supermajority(participants, committee_size)
        && (update.finalized_header.beacon.slot > next.finalized_header.beacon.slot
            || update_has_finalized_next_sync_committee)
    {
        apply_light_client_update(&mut next, update)?;
        next.best_valid_update = None;
    }
    *store = next;
    Ok(())
}

/// `process_light_client_finality_update(store, finality_update, current_slot, genesis_validators_root)`.
///
/// # Errors
/// As [`process_light_client_update`].
pub fn process_light_client_finality_update<P: Preset>(
    store: &mut LightClientStore<P>,
    finality_update: LightClientFinalityUpdate<P>,
    current_slot: u64,
    spec: &ChainSpec,
    keys: &mut KeyCache,
) -> Result<(), LightClientError> {
    process_light_client_update(store, &finality_update.into(), current_slot, spec, keys)
}

/// `process_light_client_optimistic_update(store, optimistic_update, current_slot, genesis_validators_root)`.
///
/// # Errors
/// As [`process_light_client_update`].
pub fn process_light_client_optimistic_update<P: Preset>(
    store: &mut LightClientStore<P>,
    optimistic_update: LightClientOptimisticUpdate<P>,
    current_slot: u64,
    spec: &ChainSpec,
    keys: &mut KeyCache,
) -> Result<(), LightClientError> {
    process_light_client_update(store, &optimistic_update.into(), current_slot, spec, keys)
}
