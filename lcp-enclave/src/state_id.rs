//! `state_id` and the network configuration hash (DESIGN.md §3).
//!
//! The enclave keeps no state: the host hands the light-client store back with every request, and
//! the destination chain stores only a 32-byte `state_id`. The id must therefore commit to
//! **every** field the enclave will act on, or a host could change an uncommitted field (a sync
//! committee, a counter, the pending best update) and keep a valid-looking id:
//!
//! ```text
//! network_config_hash = keccak256("lcp-nitro/network-config/v1" ‖ preset(1)
//!                                 ‖ genesis_validators_root(32)
//!                                 ‖ fork count(1) ‖ { fork index(1) ‖ version(4) ‖ epoch(8) }*
//!                                 ‖ blob entry count(1) ‖ { epoch(8) ‖ max blobs(8) }* sorted by epoch
//!                                 ‖ max_blobs_per_block_electra(8) ‖ slot_duration_ms(8)
//!                                 ‖ bridge min_participants(8))
//! state_id            = keccak256("lcp-nitro/state-id/v1" ‖ network_config_hash ‖ hash_tree_root(store))
//! ```
//!
//! Integers are big-endian. `hash_tree_root(store)` is the root of the canonical store container of
//! [`crate::light_client::store_codec`] (fork tag, both headers, both committees, best valid update,
//! both participation counters). The network's `name` and `genesis_time` are left out: neither
//! affects verification (the enclave takes no clock). The bridge policy is in: the same store under
//! a weaker participation threshold is a different client.

use crate::light_client::bridge::BridgePolicy;
use crate::light_client::config::{ChainSpec, Preset, PresetName};
use crate::light_client::error::LightClientError;
use crate::light_client::sync::LightClientStore;
use alloy_primitives::{B256, keccak256};

/// Domain tag of [`network_config_hash`].
pub const NETWORK_CONFIG_TAG: &[u8] = b"lcp-nitro/network-config/v1";
/// Domain tag of [`state_id`].
pub const STATE_ID_TAG: &[u8] = b"lcp-nitro/state-id/v1";

/// The canonical bytes [`network_config_hash`] hashes (see the module doc).
pub fn network_config_encoding(spec: &ChainSpec, policy: &BridgePolicy) -> Vec<u8> {
    let mut out = NETWORK_CONFIG_TAG.to_vec();
    out.push(match spec.preset {
        PresetName::Mainnet => 0,
        PresetName::Minimal => 1,
    });
    out.extend_from_slice(spec.genesis_validators_root.as_slice());
    // At most `Fork::ALL.len()` entries (ChainSpec::new refuses duplicates and disorder).
    out.push(u8::try_from(spec.forks().len()).unwrap_or(u8::MAX));
    for entry in spec.forks() {
        out.push(entry.fork.index());
        out.extend_from_slice(&entry.version);
        out.extend_from_slice(&entry.epoch.to_be_bytes());
    }
    let mut blobs = spec.blob_schedule.clone();
    blobs.sort_by_key(|b| (b.epoch, b.max_blobs_per_block));
    out.push(u8::try_from(blobs.len()).unwrap_or(u8::MAX));
    for entry in &blobs {
        out.extend_from_slice(&entry.epoch.to_be_bytes());
        out.extend_from_slice(&entry.max_blobs_per_block.to_be_bytes());
    }
    out.extend_from_slice(&spec.max_blobs_per_block_electra.to_be_bytes());
    out.extend_from_slice(&spec.slot_duration_ms.to_be_bytes());
    out.extend_from_slice(&policy.min_participants.to_be_bytes());
    out
}

/// `keccak256` of [`network_config_encoding`]: the value bound into the attestation's `user_data`.
pub fn network_config_hash(spec: &ChainSpec, policy: &BridgePolicy) -> B256 {
    keccak256(network_config_encoding(spec, policy))
}

/// The `state_id` of `store` under the network configuration `network_config_hash`.
///
/// # Errors
/// [`LightClientError::LayoutMismatch`] if the store's headers do not have its fork's layout.
pub fn state_id<P: Preset>(
    network_config_hash: B256,
    store: &LightClientStore<P>,
) -> Result<B256, LightClientError> {
    let root = store.hash_tree_root()?;
    let mut preimage = STATE_ID_TAG.to_vec();
    preimage.extend_from_slice(network_config_hash.as_slice());
    preimage.extend_from_slice(root.as_slice());
    Ok(keccak256(preimage))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::light_client::config::{Fork, Mainnet};
    use crate::light_client::containers::{LcExecution, LightClientHeader};

    fn store() -> LightClientStore<Mainnet> {
        let header = LightClientHeader::empty(Fork::Capella.layout());
        LightClientStore {
            fork: Fork::Capella,
            finalized_header: header.clone(),
            current_sync_committee: Default::default(),
            next_sync_committee: Default::default(),
            best_valid_update: None,
            optimistic_header: header,
            previous_max_active_participants: 0,
            current_max_active_participants: 0,
        }
    }

    fn id(store: &LightClientStore<Mainnet>) -> B256 {
        let spec = ChainSpec::mainnet();
        let hash = network_config_hash(&spec, &BridgePolicy::two_thirds::<Mainnet>());
        state_id(hash, store).unwrap()
    }

    fn capella(
        header: &mut LightClientHeader,
    ) -> &mut crate::light_client::containers::ExecutionPayloadHeaderCapella {
        match &mut header.execution {
            LcExecution::Capella(e) => e,
            _ => panic!("capella header"),
        }
    }

    /// Every store field, changed one at a time, changes the id; so does the network config.
    #[test]
    fn every_store_field_changes_the_state_id() {
        let base = store();
        let base_id = id(&base);
        type Edit = fn(&mut LightClientStore<Mainnet>);
        let edits: [(&str, Edit); 14] = [
            ("fork", |s| {
                // Same containers (Capella layout), different fork tag is refused by the codec;
                // a Deneb store is a different layout: upgrade the headers too.
                s.fork = Fork::Deneb;
                s.finalized_header = LightClientHeader::empty(Fork::Deneb.layout());
                s.optimistic_header = LightClientHeader::empty(Fork::Deneb.layout());
            }),
            ("finalized_header.beacon.slot", |s| {
                s.finalized_header.beacon.slot = 1
            }),
            ("finalized_header.beacon.state_root", |s| {
                s.finalized_header.beacon.state_root = B256::repeat_byte(1)
            }),
            ("finalized_header.execution.block_hash", |s| {
                capella(&mut s.finalized_header).block_hash = B256::repeat_byte(2)
            }),
            ("finalized_header.execution.state_root", |s| {
                capella(&mut s.finalized_header).state_root = B256::repeat_byte(3)
            }),
            ("finalized_header.execution_branch", |s| {
                s.finalized_header.execution_branch[0] = B256::repeat_byte(4)
            }),
            ("current_sync_committee.aggregate_pubkey", |s| {
                s.current_sync_committee.aggregate_pubkey = [5u8; 48].into()
            }),
            ("current_sync_committee.pubkeys[511]", |s| {
                s.current_sync_committee.pubkeys[511] = [6u8; 48].into()
            }),
            ("next_sync_committee.pubkeys[0]", |s| {
                s.next_sync_committee.pubkeys[0] = [7u8; 48].into()
            }),
            ("optimistic_header.beacon.slot", |s| {
                s.optimistic_header.beacon.slot = 2
            }),
            ("optimistic_header.execution.receipts_root", |s| {
                capella(&mut s.optimistic_header).receipts_root = B256::repeat_byte(8)
            }),
            ("previous_max_active_participants", |s| {
                s.previous_max_active_participants = 1
            }),
            ("current_max_active_participants", |s| {
                s.current_max_active_participants = 1
            }),
            ("best_valid_update", |s| {
                let header = s.finalized_header.clone();
                s.best_valid_update = Some(crate::light_client::containers::LightClientUpdate {
                    layout: Fork::Capella.layout(),
                    attested_header: header.clone(),
                    next_sync_committee: Default::default(),
                    next_sync_committee_branch: vec![B256::ZERO; 5],
                    finalized_header: header,
                    finality_branch: vec![B256::ZERO; 6],
                    sync_aggregate: crate::light_client::containers::SyncAggregate {
                        sync_committee_bits: ssz_types::BitVector::new(),
                        sync_committee_signature: alloy_primitives::FixedBytes::ZERO,
                    },
                    signature_slot: 0,
                })
            }),
        ];
        let mut seen = std::collections::HashSet::from([base_id]);
        for (field, edit) in edits {
            let mut changed = base.clone();
            edit(&mut changed);
            assert_ne!(changed, base, "{field}: the edit changed nothing");
            let changed_id = id(&changed);
            assert!(
                seen.insert(changed_id),
                "{field}: state_id unchanged or colliding"
            );
        }
    }

    #[test]
    fn network_config_and_policy_change_the_state_id() {
        let store = store();
        let policy = BridgePolicy::two_thirds::<Mainnet>();
        let mainnet = network_config_hash(&ChainSpec::mainnet(), &policy);
        let sepolia = network_config_hash(&ChainSpec::sepolia(), &policy);
        let weaker = network_config_hash(
            &ChainSpec::mainnet(),
            &BridgePolicy {
                min_participants: 1,
            },
        );
        let mut other_root = ChainSpec::mainnet();
        other_root.genesis_validators_root = B256::repeat_byte(9);
        let other_root = network_config_hash(&other_root, &policy);
        let ids: std::collections::HashSet<B256> = [mainnet, sepolia, weaker, other_root]
            .iter()
            .map(|h| state_id(*h, &store).unwrap())
            .collect();
        assert_eq!(ids.len(), 4);
        // The name and the genesis time do not matter.
        let mut renamed = ChainSpec::mainnet();
        renamed.name = "renamed".into();
        renamed.genesis_time = None;
        assert_eq!(network_config_hash(&renamed, &policy), mainnet);
    }
}
