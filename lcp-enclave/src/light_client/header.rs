//! Header rules and signing helpers: `is_valid_light_client_header`, `get_lc_execution_root`,
//! `compute_domain`, `compute_signing_root`, the `*_gindex_at_slot` helpers.
//!
//! Spec: consensus-specs v1.7.0-beta, `specs/{altair,capella,deneb,electra,gloas}/light-client/sync-protocol.md`.

use super::config::{
    BLOCK_HASH_GINDEX_CAPELLA, BLOCK_HASH_GINDEX_DENEB, ChainSpec, EXECUTION_BLOCK_HASH_GINDEX,
    EXECUTION_BLOCK_HASH_GINDEX_DENEB, EXECUTION_BLOCK_HASH_GINDEX_GLOAS, EXECUTION_PAYLOAD_GINDEX,
    Fork, GENESIS_SLOT, LcLayout, Preset,
};
use super::containers::{
    ExecutionPayloadHeaderCapella, ExecutionPayloadHeaderDeneb, LcExecution, LightClientHeader,
};
use super::error::{HeaderCheck, LightClientError};
use super::merkle::{
    compute_merkle_branch_root, floorlog2, get_subtree_index, hash_pair, is_valid_merkle_branch,
    is_valid_normalized_merkle_branch,
};
use alloy_primitives::B256;
use tree_hash::TreeHash;

/// `compute_epoch_at_slot(slot)`.
pub fn compute_epoch_at_slot<P: Preset>(slot: u64) -> u64 {
    slot.checked_div(P::SLOTS_PER_EPOCH).unwrap_or(0)
}

/// `compute_sync_committee_period_at_slot(slot)`.
pub fn compute_sync_committee_period_at_slot<P: Preset>(slot: u64) -> u64 {
    compute_epoch_at_slot::<P>(slot)
        .checked_div(P::EPOCHS_PER_SYNC_COMMITTEE_PERIOD)
        .unwrap_or(0)
}

/// The fork active at `slot`.
pub fn fork_at_slot<P: Preset>(spec: &ChainSpec, slot: u64) -> Fork {
    spec.fork_at_epoch(compute_epoch_at_slot::<P>(slot))
}

/// The layout whose `BeaconState` gindices apply to a state at `slot`, for data of type `layout`
/// (`finalized_root_gindex_at_slot` and friends: the newer of the two rules never applies before
/// its fork).
fn state_layout_at_slot<P: Preset>(spec: &ChainSpec, layout: LcLayout, slot: u64) -> LcLayout {
    layout.min(fork_at_slot::<P>(spec, slot).layout())
}

/// `finalized_root_gindex_at_slot(slot)` for data of `layout`.
pub fn finalized_root_gindex_at_slot<P: Preset>(
    spec: &ChainSpec,
    layout: LcLayout,
    slot: u64,
) -> u64 {
    state_layout_at_slot::<P>(spec, layout, slot).finalized_root_gindex()
}

/// `current_sync_committee_gindex_at_slot(slot)` for data of `layout`.
pub fn current_sync_committee_gindex_at_slot<P: Preset>(
    spec: &ChainSpec,
    layout: LcLayout,
    slot: u64,
) -> u64 {
    state_layout_at_slot::<P>(spec, layout, slot).current_sync_committee_gindex()
}

/// `next_sync_committee_gindex_at_slot(slot)` for data of `layout`.
pub fn next_sync_committee_gindex_at_slot<P: Preset>(
    spec: &ChainSpec,
    layout: LcLayout,
    slot: u64,
) -> u64 {
    state_layout_at_slot::<P>(spec, layout, slot).next_sync_committee_gindex()
}

/// `get_lc_execution_root(header)`: the root the execution branch proves (zero before Capella).
pub fn get_lc_execution_root<P: Preset>(spec: &ChainSpec, header: &LightClientHeader) -> B256 {
    let epoch = compute_epoch_at_slot::<P>(header.beacon.slot);
    let capella = epoch >= spec.fork_epoch(Fork::Capella);
    let deneb = epoch >= spec.fork_epoch(Fork::Deneb);
    match &header.execution {
        LcExecution::None => B256::ZERO,
        LcExecution::Capella(e) if capella => e.tree_hash_root(),
        LcExecution::Deneb(e) if deneb => e.tree_hash_root(),
        LcExecution::Deneb(e) if capella => e.to_capella().tree_hash_root(),
        LcExecution::Capella(_) | LcExecution::Deneb(_) => B256::ZERO,
        LcExecution::Gloas(hash) => {
            if epoch >= spec.fork_epoch(Fork::Gloas) {
                return *hash;
            }
            let block_hash_gindex = if deneb {
                if header.beacon.slot == GENESIS_SLOT {
                    return ExecutionPayloadHeaderDeneb::default().tree_hash_root();
                }
                BLOCK_HASH_GINDEX_DENEB
            } else if capella {
                if header.beacon.slot == GENESIS_SLOT {
                    return ExecutionPayloadHeaderCapella::default().tree_hash_root();
                }
                BLOCK_HASH_GINDEX_CAPELLA
            } else {
                return B256::ZERO;
            };
            // The inner part of the branch (below the execution payload) proves the block hash
            // within the execution payload header; its root is the header root.
            let outer = usize::try_from(floorlog2(EXECUTION_PAYLOAD_GINDEX)).unwrap_or(0);
            let inner_len = header.execution_branch.len().saturating_sub(outer);
            let inner = header.execution_branch.get(..inner_len).unwrap_or(&[]);
            let depth = floorlog2(block_hash_gindex);
            let start = inner
                .len()
                .saturating_sub(usize::try_from(depth).unwrap_or(0));
            compute_merkle_branch_root(
                *hash,
                inner.get(start..).unwrap_or(&[]),
                depth,
                get_subtree_index(block_hash_gindex),
            )
            .unwrap_or(B256::ZERO)
        }
    }
}

/// The newest fork a header of this shape can describe.
fn newest_representable_fork(execution: &LcExecution) -> Fork {
    match execution {
        LcExecution::None => Fork::Bellatrix,
        LcExecution::Capella(_) => Fork::Capella,
        LcExecution::Deneb(_) => Fork::Fulu,
        LcExecution::Gloas(_) => Fork::Gloas,
    }
}

/// `is_valid_light_client_header(header)`, with the failed rule as the error.
///
/// # Errors
/// [`LightClientError::InvalidHeader`] naming the rule.
pub fn is_valid_light_client_header<P: Preset>(
    spec: &ChainSpec,
    header: &LightClientHeader,
) -> Result<(), LightClientError> {
    let slot = header.beacon.slot;
    let epoch = compute_epoch_at_slot::<P>(slot);
    let fork = spec.fork_at_epoch(epoch);
    let fail = |check| Err(LightClientError::InvalidHeader { slot, fork, check });
    // STRICTER: a header whose type cannot carry its fork's execution data (an Altair header at a
    // Capella slot, a Deneb header at a Gloas slot) is refused outright. The spec reaches the same
    // verdict through a failing execution branch for Capella..Fulu types, but the Altair type's
    // `is_valid_light_client_header` is `True` unconditionally, which would drop the execution
    // header a bridge needs.
    if fork > newest_representable_fork(&header.execution) {
        return fail(HeaderCheck::ForkTooNew);
    }
    let before_capella = epoch < spec.fork_epoch(Fork::Capella);
    let before_deneb = epoch < spec.fork_epoch(Fork::Deneb);
    let branch_is_zero = header.execution_branch.iter().all(|n| n.is_zero());
    match &header.execution {
        LcExecution::None => Ok(()),
        LcExecution::Capella(e) => {
            if before_capella {
                if *e != ExecutionPayloadHeaderCapella::default() || !branch_is_zero {
                    return fail(HeaderCheck::ExecutionNotEmptyBeforeCapella);
                }
                return Ok(());
            }
            check_execution_branch::<P>(spec, header, EXECUTION_PAYLOAD_GINDEX, fail)
        }
        LcExecution::Deneb(e) => {
            if before_deneb && (e.blob_gas_used != 0 || e.excess_blob_gas != 0) {
                return fail(HeaderCheck::BlobFieldsBeforeDeneb);
            }
            if before_capella {
                if *e != ExecutionPayloadHeaderDeneb::default() || !branch_is_zero {
                    return fail(HeaderCheck::ExecutionNotEmptyBeforeCapella);
                }
                return Ok(());
            }
            check_execution_branch::<P>(spec, header, EXECUTION_PAYLOAD_GINDEX, fail)
        }
        LcExecution::Gloas(hash) => {
            let gindex = if epoch >= spec.fork_epoch(Fork::Gloas) {
                EXECUTION_BLOCK_HASH_GINDEX_GLOAS
            } else if !before_deneb {
                EXECUTION_BLOCK_HASH_GINDEX_DENEB
            } else if !before_capella {
                EXECUTION_BLOCK_HASH_GINDEX
            } else {
                if !hash.is_zero() || !branch_is_zero {
                    return fail(HeaderCheck::ExecutionNotEmptyBeforeCapella);
                }
                return Ok(());
            };
            if is_valid_normalized_merkle_branch(
                *hash,
                &header.execution_branch,
                gindex,
                header.beacon.body_root,
            ) {
                Ok(())
            } else {
                fail(HeaderCheck::ExecutionBranch)
            }
        }
    }
}

fn check_execution_branch<P: Preset>(
    spec: &ChainSpec,
    header: &LightClientHeader,
    gindex: u64,
    fail: impl Fn(HeaderCheck) -> Result<(), LightClientError>,
) -> Result<(), LightClientError> {
    let leaf = get_lc_execution_root::<P>(spec, header);
    if is_valid_merkle_branch(
        leaf,
        &header.execution_branch,
        floorlog2(gindex),
        get_subtree_index(gindex),
        header.beacon.body_root,
    ) {
        Ok(())
    } else {
        fail(HeaderCheck::ExecutionBranch)
    }
}

/// `compute_fork_data_root(current_version, genesis_validators_root)`.
pub fn compute_fork_data_root(version: [u8; 4], genesis_validators_root: B256) -> B256 {
    let mut chunk = [0u8; 32];
    if let Some(dst) = chunk.get_mut(..4) {
        dst.copy_from_slice(&version);
    }
    hash_pair(&B256::from(chunk), &genesis_validators_root)
}

/// `compute_domain(domain_type, fork_version, genesis_validators_root)`.
pub fn compute_domain(
    domain_type: [u8; 4],
    version: [u8; 4],
    genesis_validators_root: B256,
) -> B256 {
    let fork_data_root = compute_fork_data_root(version, genesis_validators_root);
    let mut domain = [0u8; 32];
    let (head, tail) = domain.split_at_mut(4);
    head.copy_from_slice(&domain_type);
    let (root_head, _) = fork_data_root.as_slice().split_at(28);
    tail.copy_from_slice(root_head);
    B256::from(domain)
}

/// `compute_signing_root(object_root, domain)`.
pub fn compute_signing_root(object_root: B256, domain: B256) -> B256 {
    hash_pair(&object_root, &domain)
}

/// `compute_fork_digest(genesis_validators_root, epoch)` (fulu form: from Fulu on, the blob
/// parameters are mixed into the digest).
pub fn compute_fork_digest(spec: &ChainSpec, epoch: u64) -> [u8; 4] {
    fork_digest_of(
        spec,
        spec.fork_at_epoch(epoch),
        spec.fork_version_at_epoch(epoch),
        epoch,
    )
}

/// The digest of `fork` (version `version`) at `epoch`.
fn fork_digest_of(spec: &ChainSpec, fork: Fork, version: [u8; 4], epoch: u64) -> [u8; 4] {
    let mut base = compute_fork_data_root(version, spec.genesis_validators_root);
    if fork >= Fork::Fulu {
        let params = spec.blob_parameters(epoch);
        let mut preimage = [0u8; 16];
        let (epoch_bytes, blobs_bytes) = preimage.split_at_mut(8);
        epoch_bytes.copy_from_slice(&params.epoch.to_le_bytes());
        blobs_bytes.copy_from_slice(&params.max_blobs_per_block.to_le_bytes());
        let mask = {
            use sha2::{Digest, Sha256};
            Sha256::digest(preimage)
        };
        for (byte, m) in base.iter_mut().zip(mask.iter()) {
            *byte ^= m;
        }
    }
    let (head, _) = base.as_slice().split_at(4);
    let mut digest = [0u8; 4];
    digest.copy_from_slice(head);
    digest
}

/// Every `(digest, fork)` the network can produce: one per fork, plus one per blob-schedule epoch
/// from Fulu on. Used to identify fork-digest-prefixed SSZ.
pub fn known_fork_digests(spec: &ChainSpec) -> Vec<([u8; 4], Fork)> {
    let mut out = Vec::new();
    for entry in spec.forks() {
        out.push((
            fork_digest_of(spec, entry.fork, entry.version, entry.epoch),
            entry.fork,
        ));
    }
    for blob in &spec.blob_schedule {
        let fork = spec.fork_at_epoch(blob.epoch);
        out.push((compute_fork_digest(spec, blob.epoch), fork));
    }
    out
}
