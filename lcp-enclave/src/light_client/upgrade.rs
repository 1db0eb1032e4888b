//! `upgrade_lc_*`: local upgrades of light-client data and stores to a newer fork's containers
//! (consensus-specs `specs/{capella,deneb,electra,gloas}/light-client/fork.md`). Upgrades go one
//! layout at a time, so a new fork adds one step.

use super::config::{
    CURRENT_SYNC_COMMITTEE_GINDEX_ELECTRA, CURRENT_SYNC_COMMITTEE_GINDEX_GLOAS, ChainSpec,
    EXECUTION_BLOCK_HASH_GINDEX_GLOAS, FINALIZED_ROOT_GINDEX_ELECTRA, FINALIZED_ROOT_GINDEX_GLOAS,
    Fork, LcLayout, NEXT_SYNC_COMMITTEE_GINDEX_ELECTRA, NEXT_SYNC_COMMITTEE_GINDEX_GLOAS, Preset,
};
use super::containers::{
    ExecutionPayloadHeaderCapella, LcExecution, LightClientBootstrap, LightClientHeader,
    LightClientUpdate, zero_branch,
};
use super::error::{LightClientError, Object};
use super::header::compute_epoch_at_slot;
use super::merkle::{capella_block_hash_proof, deneb_block_hash_proof, normalize_merkle_branch};
use super::sync::LightClientStore;

/// The layout after `layout` (`None` for the newest).
fn next_layout(layout: LcLayout) -> Option<LcLayout> {
    match layout {
        LcLayout::Altair => Some(LcLayout::Capella),
        LcLayout::Capella => Some(LcLayout::Deneb),
        LcLayout::Deneb => Some(LcLayout::Electra),
        LcLayout::Electra => Some(LcLayout::Gloas),
        LcLayout::Gloas => None,
    }
}

/// `upgrade_lc_header_to_capella` / `_deneb` / `_electra` / `_gloas`: one step, from the layout
/// before `to` into `to`.
fn upgrade_header_step<P: Preset>(
    spec: &ChainSpec,
    pre: LightClientHeader,
    to: LcLayout,
) -> LightClientHeader {
    match to {
        // upgrade_lc_header_to_capella: empty execution.
        LcLayout::Altair | LcLayout::Capella => LightClientHeader {
            beacon: pre.beacon,
            execution: LcExecution::Capella(ExecutionPayloadHeaderCapella::default()),
            execution_branch: zero_branch(LcLayout::Capella.execution_gindex()),
        },
        // upgrade_lc_header_to_deneb: blob fields zero.
        LcLayout::Deneb => match pre.execution {
            LcExecution::Capella(e) => LightClientHeader {
                beacon: pre.beacon,
                execution: LcExecution::Deneb(e.to_deneb()),
                execution_branch: pre.execution_branch,
            },
            _ => pre,
        },
        // upgrade_lc_header_to_electra: same container.
        LcLayout::Electra => pre,
        LcLayout::Gloas => upgrade_lc_header_to_gloas::<P>(spec, pre),
    }
}

/// `upgrade_lc_header_to_gloas(pre)`.
fn upgrade_lc_header_to_gloas<P: Preset>(
    spec: &ChainSpec,
    pre: LightClientHeader,
) -> LightClientHeader {
    if pre == LightClientHeader::empty(LcLayout::Electra) {
        return LightClientHeader::empty(LcLayout::Gloas);
    }
    let epoch = compute_epoch_at_slot::<P>(pre.beacon.slot);
    let LcExecution::Deneb(execution) = &pre.execution else {
        return LightClientHeader::empty(LcLayout::Gloas);
    };
    let inner = if epoch >= spec.fork_epoch(Fork::Deneb) {
        deneb_block_hash_proof(execution)
    } else if epoch >= spec.fork_epoch(Fork::Capella) {
        capella_block_hash_proof(&execution.to_capella())
    } else {
        let mut header = LightClientHeader::empty(LcLayout::Gloas);
        header.beacon = pre.beacon;
        return header;
    };
    let mut branch = inner;
    branch.extend_from_slice(&pre.execution_branch);
    LightClientHeader {
        beacon: pre.beacon,
        execution: LcExecution::Gloas(execution.block_hash),
        execution_branch: normalize_merkle_branch(&branch, EXECUTION_BLOCK_HASH_GINDEX_GLOAS),
    }
}

/// Upgrades a header to `target`, step by step.
pub fn upgrade_lc_header<P: Preset>(
    spec: &ChainSpec,
    mut header: LightClientHeader,
    from: LcLayout,
    target: LcLayout,
) -> LightClientHeader {
    let mut layout = from;
    while layout < target {
        let Some(next) = next_layout(layout) else {
            break;
        };
        header = upgrade_header_step::<P>(spec, header, next);
        layout = next;
    }
    header
}

/// `upgrade_lc_bootstrap_to_*`, to `target`.
///
/// # Errors
/// [`LightClientError::NewerThanStore`] if the bootstrap is newer than `target`.
pub fn upgrade_lc_bootstrap<P: Preset>(
    spec: &ChainSpec,
    pre: LightClientBootstrap<P>,
    target: LcLayout,
) -> Result<LightClientBootstrap<P>, LightClientError> {
    if pre.layout > target {
        return Err(LightClientError::NewerThanStore {
            object: Object::Bootstrap,
            object_fork: pre.layout.representative_fork(),
            store_fork: target.representative_fork(),
        });
    }
    let mut b = pre;
    while b.layout < target {
        let Some(next) = next_layout(b.layout) else {
            break;
        };
        b.header = upgrade_header_step::<P>(spec, b.header, next);
        b.current_sync_committee_branch = match next {
            LcLayout::Electra => normalize_merkle_branch(
                &b.current_sync_committee_branch,
                CURRENT_SYNC_COMMITTEE_GINDEX_ELECTRA,
            ),
            LcLayout::Gloas => normalize_merkle_branch(
                &b.current_sync_committee_branch,
                CURRENT_SYNC_COMMITTEE_GINDEX_GLOAS,
            ),
            LcLayout::Altair | LcLayout::Capella | LcLayout::Deneb => {
                b.current_sync_committee_branch
            }
        };
        b.layout = next;
    }
    Ok(b)
}

/// `upgrade_lc_update_to_*` (also used for finality and optimistic updates, which become
/// `LightClientUpdate`s before processing), to `target`.
///
/// # Errors
/// [`LightClientError::NewerThanStore`] if the update is newer than `target`.
pub fn upgrade_lc_update<P: Preset>(
    spec: &ChainSpec,
    pre: LightClientUpdate<P>,
    target: LcLayout,
) -> Result<LightClientUpdate<P>, LightClientError> {
    if pre.layout > target {
        return Err(LightClientError::NewerThanStore {
            object: Object::Update,
            object_fork: pre.layout.representative_fork(),
            store_fork: target.representative_fork(),
        });
    }
    let mut u = pre;
    while u.layout < target {
        let Some(next) = next_layout(u.layout) else {
            break;
        };
        u.attested_header = upgrade_header_step::<P>(spec, u.attested_header, next);
        u.finalized_header = upgrade_header_step::<P>(spec, u.finalized_header, next);
        let (nsc, fin) = match next {
            LcLayout::Electra => (
                NEXT_SYNC_COMMITTEE_GINDEX_ELECTRA,
                FINALIZED_ROOT_GINDEX_ELECTRA,
            ),
            LcLayout::Gloas => (
                NEXT_SYNC_COMMITTEE_GINDEX_GLOAS,
                FINALIZED_ROOT_GINDEX_GLOAS,
            ),
            LcLayout::Altair | LcLayout::Capella | LcLayout::Deneb => (0, 0),
        };
        if nsc != 0 {
            u.next_sync_committee_branch =
                normalize_merkle_branch(&u.next_sync_committee_branch, nsc);
            u.finality_branch = normalize_merkle_branch(&u.finality_branch, fin);
        }
        u.layout = next;
    }
    Ok(u)
}

/// `upgrade_lc_store_to_*`, to the containers of `fork`.
///
/// # Errors
/// [`LightClientError::StoreDowngrade`] if `fork` is older than the store's fork.
pub fn upgrade_lc_store<P: Preset>(
    spec: &ChainSpec,
    pre: LightClientStore<P>,
    fork: Fork,
) -> Result<LightClientStore<P>, LightClientError> {
    if fork < pre.fork {
        return Err(LightClientError::StoreDowngrade {
            from: pre.fork,
            to: fork,
        });
    }
    let from = pre.layout();
    let target = fork.layout();
    let best_valid_update = match pre.best_valid_update {
        None => None,
        Some(u) => Some(upgrade_lc_update(spec, u, target)?),
    };
    Ok(LightClientStore {
        fork,
        finalized_header: upgrade_lc_header::<P>(spec, pre.finalized_header, from, target),
        current_sync_committee: pre.current_sync_committee,
        next_sync_committee: pre.next_sync_committee,
        best_valid_update,
        optimistic_header: upgrade_lc_header::<P>(spec, pre.optimistic_header, from, target),
        previous_max_active_participants: pre.previous_max_active_participants,
        current_max_active_participants: pre.current_max_active_participants,
    })
}
