//! The roots of the `BeaconState` and `BeaconBlockBody` fields the devnet does not drive: their
//! values are the spec defaults (empty lists, zero vectors, zero numbers), except the per-validator
//! lists, which have one entry per validator. With these, a devnet state root is the
//! `hash_tree_root` of a real minimal-preset `BeaconState` container holding those values, not a
//! tree with arbitrary zero leaves.
//!
//! Sizes: consensus-specs `presets/minimal/{phase0,altair,bellatrix,capella,deneb,electra}.yaml`
//! at v1.7.0-alpha.11 (customized values marked there; checked against a client's copy of those
//! files) and the field lists of `{deneb,electra}/beacon-chain.md`.

use super::DevnetError;
use super::keys::{VALIDATOR_COUNT, VALIDATOR_REGISTRY_LIMIT};
use super::ssz::{
    FieldRoots, byte_list_root, composite_list_root, u64_chunk, u64_list_root, zero_hash,
};
use alloy_primitives::B256;
use lcp_enclave::light_client::config::Fork;

/// `SLOTS_PER_HISTORICAL_ROOT` (minimal, customized).
pub const SLOTS_PER_HISTORICAL_ROOT: usize = 64;
/// `HISTORICAL_ROOTS_LIMIT` (both presets).
pub const HISTORICAL_ROOTS_LIMIT: usize = 1 << 24;
/// `EPOCHS_PER_ETH1_VOTING_PERIOD` (minimal, customized) × `SLOTS_PER_EPOCH` (minimal).
pub const ETH1_DATA_VOTES_LIMIT: usize = 4 * 8;
/// `EPOCHS_PER_HISTORICAL_VECTOR` (minimal, customized).
pub const EPOCHS_PER_HISTORICAL_VECTOR: usize = 64;
/// `EPOCHS_PER_SLASHINGS_VECTOR` (minimal, customized).
pub const EPOCHS_PER_SLASHINGS_VECTOR: usize = 64;
/// `PENDING_DEPOSITS_LIMIT` (electra, both presets).
pub const PENDING_DEPOSITS_LIMIT: usize = 1 << 27;
/// `PENDING_PARTIAL_WITHDRAWALS_LIMIT` (electra minimal, customized).
pub const PENDING_PARTIAL_WITHDRAWALS_LIMIT: usize = 64;
/// `PENDING_CONSOLIDATIONS_LIMIT` (electra minimal, customized).
pub const PENDING_CONSOLIDATIONS_LIMIT: usize = 64;
/// `UNSET_DEPOSIT_REQUESTS_START_INDEX` (electra).
pub const UNSET_DEPOSIT_REQUESTS_START_INDEX: u64 = u64::MAX;
/// `MAX_PROPOSER_SLASHINGS`, `MAX_DEPOSITS`, `MAX_VOLUNTARY_EXITS`, `MAX_BLS_TO_EXECUTION_CHANGES`
/// (both presets).
pub const MAX_OPERATIONS_16: usize = 16;
/// `MAX_ATTESTER_SLASHINGS` (phase0) and `MAX_ATTESTER_SLASHINGS_ELECTRA`.
pub const fn max_attester_slashings(fork: Fork) -> usize {
    match fork {
        Fork::Electra => 1,
        _ => 2,
    }
}
/// `MAX_ATTESTATIONS` (phase0) and `MAX_ATTESTATIONS_ELECTRA`.
pub const fn max_attestations(fork: Fork) -> usize {
    match fork {
        Fork::Electra => 8,
        _ => 128,
    }
}
/// `MAX_BLOB_COMMITMENTS_PER_BLOCK` (deneb; no longer customized in the minimal preset as of
/// v1.7.0-alpha.11, the spec line the enclave follows: it was 16, then 32, in older releases).
pub const MAX_BLOB_COMMITMENTS_PER_BLOCK: usize = 4096;
/// `TIMELY_SOURCE | TIMELY_TARGET | TIMELY_HEAD` participation flags (altair): every validator
/// attested on time, as the full participation the devnet's finality assumes.
pub const FULL_PARTICIPATION_FLAGS: u8 = 0b111;

/// A zero-filled vector of `count` chunks (`Vector[Root, count]`, or packed basic values).
fn zero_vector(chunks: usize) -> B256 {
    zero_hash(usize::try_from(chunks.next_power_of_two().trailing_zeros()).unwrap_or(0))
}

/// `BeaconState` field roots with the defaults of fields 0..count; the driven fields are
/// overwritten by the caller.
///
/// # Errors
/// Merkleization errors (none for these sizes).
pub fn state_template(fork: Fork) -> Result<FieldRoots, DevnetError> {
    let empty = |limit| composite_list_root(&[], limit);
    let participation = byte_list_root(
        &[FULL_PARTICIPATION_FLAGS; VALIDATOR_COUNT],
        VALIDATOR_REGISTRY_LIMIT,
    )?;
    let mut fields = vec![
        B256::ZERO,                                                      // 0 genesis_time (driven)
        B256::ZERO,                                   // 1 genesis_validators_root (driven)
        B256::ZERO,                                   // 2 slot (driven)
        B256::ZERO,                                   // 3 fork (driven)
        B256::ZERO,                                   // 4 latest_block_header (driven)
        zero_vector(SLOTS_PER_HISTORICAL_ROOT),       // 5 block_roots
        zero_vector(SLOTS_PER_HISTORICAL_ROOT),       // 6 state_roots
        empty(HISTORICAL_ROOTS_LIMIT)?,               // 7 historical_roots
        zero_vector(3),                               // 8 eth1_data
        empty(ETH1_DATA_VOTES_LIMIT)?,                // 9 eth1_data_votes
        u64_chunk(0),                                 // 10 eth1_deposit_index
        B256::ZERO,                                   // 11 validators (driven)
        B256::ZERO,                                   // 12 balances (driven)
        zero_vector(EPOCHS_PER_HISTORICAL_VECTOR),    // 13 randao_mixes
        zero_vector(EPOCHS_PER_SLASHINGS_VECTOR / 4), // 14 slashings (4 Gwei per chunk)
        participation,                                // 15 previous_epoch_participation
        participation,                                // 16 current_epoch_participation
        B256::ZERO,                                   // 17 justification_bits (driven)
        B256::ZERO,                                   // 18 previous_justified_checkpoint (driven)
        B256::ZERO,                                   // 19 current_justified_checkpoint (driven)
        B256::ZERO,                                   // 20 finalized_checkpoint (driven)
        u64_list_root(&[0; VALIDATOR_COUNT], VALIDATOR_REGISTRY_LIMIT)?, // 21 inactivity_scores
        B256::ZERO,                                   // 22 current_sync_committee (driven)
        B256::ZERO,                                   // 23 next_sync_committee (driven)
        B256::ZERO,                                   // 24 latest_execution_payload_header (driven)
        u64_chunk(0),                                 // 25 next_withdrawal_index
        u64_chunk(0),                                 // 26 next_withdrawal_validator_index
        empty(HISTORICAL_ROOTS_LIMIT)?,               // 27 historical_summaries
    ];
    if fork == Fork::Electra {
        fields.extend([
            u64_chunk(UNSET_DEPOSIT_REQUESTS_START_INDEX), // 28 deposit_requests_start_index
            u64_chunk(0),                                  // 29 deposit_balance_to_consume
            u64_chunk(0),                                  // 30 exit_balance_to_consume
            u64_chunk(0),                                  // 31 earliest_exit_epoch
            u64_chunk(0),                                  // 32 consolidation_balance_to_consume
            u64_chunk(0),                                  // 33 earliest_consolidation_epoch
            empty(PENDING_DEPOSITS_LIMIT)?,                // 34 pending_deposits
            empty(PENDING_PARTIAL_WITHDRAWALS_LIMIT)?,     // 35 pending_partial_withdrawals
            empty(PENDING_CONSOLIDATIONS_LIMIT)?,          // 36 pending_consolidations
        ]);
    }
    Ok(FieldRoots(fields))
}

/// `BeaconBlockBody` field roots with the defaults (no operations, zero eth1 data); the driven
/// fields (RANDAO reveal, graffiti, sync aggregate, execution payload and requests) are
/// overwritten by the caller.
///
/// # Errors
/// Merkleization errors (none for these sizes).
pub fn body_template(fork: Fork) -> Result<FieldRoots, DevnetError> {
    let empty = |limit| composite_list_root(&[], limit);
    let mut fields = vec![
        B256::ZERO,                             // 0 randao_reveal (driven)
        zero_vector(3),                         // 1 eth1_data
        B256::ZERO,                             // 2 graffiti (driven)
        empty(MAX_OPERATIONS_16)?,              // 3 proposer_slashings
        empty(max_attester_slashings(fork))?,   // 4 attester_slashings
        empty(max_attestations(fork))?,         // 5 attestations
        empty(MAX_OPERATIONS_16)?,              // 6 deposits
        empty(MAX_OPERATIONS_16)?,              // 7 voluntary_exits
        B256::ZERO,                             // 8 sync_aggregate (driven)
        B256::ZERO,                             // 9 execution_payload (driven)
        empty(MAX_OPERATIONS_16)?,              // 10 bls_to_execution_changes
        empty(MAX_BLOB_COMMITMENTS_PER_BLOCK)?, // 11 blob_kzg_commitments
    ];
    if fork == Fork::Electra {
        fields.push(B256::ZERO); // 12 execution_requests (driven)
    }
    Ok(FieldRoots(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_have_the_spec_field_counts() {
        // Deneb `BeaconState`: 28 fields (32 leaves, depth 5: FINALIZED_ROOT_GINDEX 105 = 2·(32+20)+1);
        // Electra: 37 (64 leaves, depth 6: 169 = 2·(64+20)+1).
        assert_eq!(state_template(Fork::Deneb).unwrap().0.len(), 28);
        assert_eq!(state_template(Fork::Electra).unwrap().0.len(), 37);
        // Bodies: 12 and 13 fields, 16 leaves either way (EXECUTION_PAYLOAD_GINDEX 25 = 16 + 9).
        assert_eq!(body_template(Fork::Deneb).unwrap().0.len(), 12);
        assert_eq!(body_template(Fork::Electra).unwrap().0.len(), 13);
    }

    #[test]
    fn empty_list_and_zero_vector_roots_match_tree_hash() {
        use ssz_types::typenum::{U16, U64};
        use ssz_types::{FixedVector, VariableList};
        use tree_hash::TreeHash;
        let empty = VariableList::<B256, U16>::new(vec![]).unwrap();
        assert_eq!(
            composite_list_root(&[], 16).unwrap(),
            empty.tree_hash_root()
        );
        let zeros = FixedVector::<B256, U64>::new(vec![B256::ZERO; 64]).unwrap();
        assert_eq!(zero_vector(64), zeros.tree_hash_root());
        let slashings = FixedVector::<u64, U64>::new(vec![0; 64]).unwrap();
        assert_eq!(zero_vector(16), slashings.tree_hash_root());
    }
}
