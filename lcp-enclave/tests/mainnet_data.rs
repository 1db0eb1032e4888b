//! Real mainnet light-client data: Capella periods 862–867 (Beacon-API JSON) and Deneb periods
//! 1250–1251 (fork-digest-prefixed SSZ), in spec mode and bridge mode, plus negative cases that
//! each expect one specific error.

#![cfg(test)]
// Test code: an overflow here is a failed test (debug builds panic), not a crashed enclave.
#![allow(clippy::arithmetic_side_effects)]

use alloy_primitives::B256;
use lcp_enclave::light_client::bls::KeyCache;
use lcp_enclave::light_client::bridge::{
    BridgePolicy, Outcome, process_bridge_finality_update, process_bridge_update,
};
use lcp_enclave::light_client::config::{ChainSpec, Fork, LcLayout, Mainnet};
use lcp_enclave::light_client::containers::{LcExecution, LightClientBootstrap, LightClientUpdate};
use lcp_enclave::light_client::decode::{
    bootstrap_from_json, decode_bootstrap, decode_finality_update, decode_optimistic_update,
    decode_update, finality_update_from_json, optimistic_update_from_json, split_fork_digest,
    updates_from_json,
};
use lcp_enclave::light_client::error::{Branch, HeaderCheck, LightClientError, Object};
use lcp_enclave::light_client::sync::{
    LightClientStore, initialize_light_client_store, process_light_client_finality_update,
    process_light_client_optimistic_update, process_light_client_update,
};
use lcp_enclave::light_client::upgrade::{upgrade_lc_bootstrap, upgrade_lc_update};
use serde_json::Value;
use ssz::Decode;
use std::path::PathBuf;

const TRUSTED_ROOT: &str = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
/// After every signature slot of the Capella set (the optimistic update is signed at 7109432).
const CAPELLA_NOW: u64 = 7_109_440;

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/mainnet/lightclient")
        .join(sub)
}

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir("capella_p862-867").join(name)).unwrap())
        .unwrap()
}

fn capella() -> (
    ChainSpec,
    LightClientBootstrap<Mainnet>,
    Vec<LightClientUpdate<Mainnet>>,
) {
    let spec = ChainSpec::mainnet();
    let bootstrap = bootstrap_from_json::<Mainnet>(&spec, &json("bootstrap.json")).unwrap();
    let updates = updates_from_json::<Mainnet>(&spec, &json("updates.json")).unwrap();
    (spec, bootstrap, updates)
}

fn trusted() -> B256 {
    TRUSTED_ROOT.parse().unwrap()
}

fn init(spec: &ChainSpec, bootstrap: LightClientBootstrap<Mainnet>) -> LightClientStore<Mainnet> {
    initialize_light_client_store(spec, trusted(), bootstrap, Fork::Capella).unwrap()
}

#[test]
fn capella_six_periods_spec_mode() {
    let (spec, bootstrap, updates) = capella();
    assert_eq!(bootstrap.layout, LcLayout::Capella);
    assert_eq!(updates.len(), 6);
    let mut store = init(&spec, bootstrap);
    let mut keys = KeyCache::new();
    for update in &updates {
        process_light_client_update(&mut store, update, CAPELLA_NOW, &spec, &mut keys).unwrap();
    }
    // The last period update finalizes 7104096 (period 867).
    assert_eq!(store.finalized_header.beacon.slot, 7_104_096);
    let finality = finality_update_from_json::<Mainnet>(&spec, &json("finality.json")).unwrap();
    process_light_client_finality_update(&mut store, finality, CAPELLA_NOW, &spec, &mut keys)
        .unwrap();
    assert_eq!(store.finalized_header.beacon.slot, 7_109_344);
    let optimistic =
        optimistic_update_from_json::<Mainnet>(&spec, &json("optimistic.json")).unwrap();
    process_light_client_optimistic_update(&mut store, optimistic, CAPELLA_NOW, &spec, &mut keys)
        .unwrap();
    assert_eq!(store.optimistic_header.beacon.slot, 7_109_431);

    // The finalized execution header is the execution payload of the full block at that slot.
    let block = serde_json::from_str::<Value>(
        &std::fs::read_to_string(dir("capella_p862-867").join("beacon_blocks/7109344.json"))
            .unwrap(),
    )
    .unwrap();
    let message = &block["data"]["message"];
    assert_eq!(message["slot"], "7109344");
    let payload = &message["body"]["execution_payload"];
    let LcExecution::Capella(execution) = &store.finalized_header.execution else {
        panic!("capella store holds capella headers")
    };
    assert_eq!(
        execution.block_hash,
        payload["block_hash"]
            .as_str()
            .unwrap()
            .parse::<B256>()
            .unwrap()
    );
    assert_eq!(
        execution.block_number.to_string(),
        payload["block_number"].as_str().unwrap()
    );
    assert_eq!(
        execution.state_root,
        payload["state_root"]
            .as_str()
            .unwrap()
            .parse::<B256>()
            .unwrap()
    );
    assert_eq!(
        execution.receipts_root,
        payload["receipts_root"]
            .as_str()
            .unwrap()
            .parse::<B256>()
            .unwrap()
    );
    assert_eq!(
        store.finalized_header.beacon.state_root,
        message["state_root"]
            .as_str()
            .unwrap()
            .parse::<B256>()
            .unwrap()
    );
}

#[test]
fn capella_bridge_mode_skips_the_stale_first_update() {
    let (spec, bootstrap, updates) = capella();
    let mut store = init(&spec, bootstrap);
    let mut keys = KeyCache::new();
    let policy = BridgePolicy::two_thirds::<Mainnet>();
    assert_eq!(policy.min_participants, 342);
    let outcomes: Vec<Outcome> = updates
        .into_iter()
        .map(|u| {
            process_bridge_update(&mut store, u, CAPELLA_NOW, &spec, &policy, &mut keys).unwrap()
        })
        .collect();
    // The first update is older than the bootstrap but carries period 862's next committee, which
    // the spec accepts; all six are applied.
    assert_eq!(outcomes, vec![Outcome::Applied; 6]);
    // Replaying an already-applied update is stale, not an error.
    let (_, _, again) = capella();
    let replay = process_bridge_update(
        &mut store,
        again[2].clone(),
        CAPELLA_NOW,
        &spec,
        &policy,
        &mut keys,
    );
    assert_eq!(replay, Ok(Outcome::Stale));
    let finality = finality_update_from_json::<Mainnet>(&spec, &json("finality.json")).unwrap();
    process_bridge_finality_update(&mut store, finality, CAPELLA_NOW, &spec, &policy, &mut keys)
        .unwrap();
    assert_eq!(store.finalized_header.beacon.slot, 7_109_344);
}

/// Capella data in a Deneb store (upgraded locally) verifies too, and the pre-Deneb blob rule applies.
#[test]
fn capella_data_in_deneb_store_and_blob_fields_before_deneb() {
    let (spec, bootstrap, updates) = capella();
    let bootstrap = upgrade_lc_bootstrap(&spec, bootstrap, LcLayout::Deneb).unwrap();
    let mut store =
        initialize_light_client_store(&spec, trusted(), bootstrap, Fork::Deneb).unwrap();
    let mut keys = KeyCache::new();
    let first = upgrade_lc_update(&spec, updates[0].clone(), LcLayout::Deneb).unwrap();
    process_light_client_update(&mut store, &first, CAPELLA_NOW, &spec, &mut keys).unwrap();
    let mut second = upgrade_lc_update(&spec, updates[1].clone(), LcLayout::Deneb).unwrap();
    if let LcExecution::Deneb(e) = &mut second.attested_header.execution {
        e.blob_gas_used = 1;
    }
    assert_eq!(
        process_light_client_update(&mut store, &second, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidHeader {
            slot: 7_070_142,
            fork: Fork::Capella,
            check: HeaderCheck::BlobFieldsBeforeDeneb
        })
    );
}

#[test]
fn data_in_another_layout_than_the_store_is_refused() {
    let (spec, bootstrap, updates) = capella();
    assert_eq!(
        initialize_light_client_store(&spec, trusted(), bootstrap.clone(), Fork::Deneb),
        Err(LightClientError::LayoutMismatch {
            object: Object::Bootstrap,
            object_fork: Fork::Capella,
            store_fork: Fork::Deneb
        })
    );
    let bootstrap = upgrade_lc_bootstrap(&spec, bootstrap, LcLayout::Deneb).unwrap();
    let mut store =
        initialize_light_client_store(&spec, trusted(), bootstrap, Fork::Deneb).unwrap();
    let mut keys = KeyCache::new();
    assert_eq!(
        process_light_client_update(&mut store, &updates[0], CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::LayoutMismatch {
            object: Object::Update,
            object_fork: Fork::Capella,
            store_fork: Fork::Deneb
        })
    );
    let newer = upgrade_lc_update(&spec, updates[0].clone(), LcLayout::Electra).unwrap();
    assert_eq!(
        upgrade_lc_update(&spec, newer, LcLayout::Deneb),
        Err(LightClientError::NewerThanStore {
            object: Object::Update,
            object_fork: Fork::Electra,
            store_fork: Fork::Deneb
        })
    );
}

#[test]
fn bootstrap_not_matching_trusted_root() {
    let (spec, bootstrap, _) = capella();
    let wrong = B256::repeat_byte(0x11);
    assert_eq!(
        initialize_light_client_store(&spec, wrong, bootstrap.clone(), Fork::Capella),
        Err(LightClientError::BootstrapRootMismatch {
            got: trusted(),
            expected: wrong
        })
    );
    let mut tampered = bootstrap;
    tampered.current_sync_committee_branch[0] = B256::repeat_byte(1);
    assert!(matches!(
        initialize_light_client_store(&spec, trusted(), tampered, Fork::Capella),
        Err(LightClientError::InvalidBranch {
            branch: Branch::CurrentSyncCommittee,
            slot: 7_069_376,
            period: 862,
            fork: Fork::Capella
        })
    ));
}

fn store_after_first(
    spec: &ChainSpec,
    keys: &mut KeyCache,
) -> (LightClientStore<Mainnet>, Vec<LightClientUpdate<Mainnet>>) {
    let (_, bootstrap, updates) = capella();
    let mut store = init(spec, bootstrap);
    process_light_client_update(&mut store, &updates[0], CAPELLA_NOW, spec, keys).unwrap();
    (store, updates)
}

#[test]
fn flipped_participation_bit_fails_signature() {
    let spec = ChainSpec::mainnet();
    let mut keys = KeyCache::new();
    let (mut store, updates) = store_after_first(&spec, &mut keys);
    let before = store.clone();
    let mut update = updates[1].clone();
    let bit = update.sync_aggregate.sync_committee_bits.get(0).unwrap();
    update
        .sync_aggregate
        .sync_committee_bits
        .set(0, !bit)
        .unwrap();
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidSignature {
            signature_slot: 7_070_143,
            period: 863,
            fork: Fork::Capella
        })
    );
    assert_eq!(
        store, before,
        "a rejected update leaves the store unchanged"
    );
}

#[test]
fn flipped_signature_bits_fail() {
    let spec = ChainSpec::mainnet();
    let mut keys = KeyCache::new();
    let (mut store, updates) = store_after_first(&spec, &mut keys);
    // A valid G2 point over another message: the pairing check fails.
    let mut update = updates[1].clone();
    update.sync_aggregate.sync_committee_signature =
        updates[2].sync_aggregate.sync_committee_signature;
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidSignature {
            signature_slot: 7_070_143,
            period: 863,
            fork: Fork::Capella
        })
    );
    // Flipping the compression flag bit makes the bytes no valid encoding.
    let mut update = updates[1].clone();
    update.sync_aggregate.sync_committee_signature.0[0] ^= 0x80;
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidSignatureEncoding {
            signature_slot: 7_070_143
        })
    );
}

#[test]
fn wrong_finality_branch_node() {
    let spec = ChainSpec::mainnet();
    let mut keys = KeyCache::new();
    let (mut store, updates) = store_after_first(&spec, &mut keys);
    let mut update = updates[1].clone();
    update.finality_branch[3] = B256::repeat_byte(0xab);
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidBranch {
            branch: Branch::Finality,
            slot: 7_070_142,
            period: 863,
            fork: Fork::Capella
        })
    );
    let mut update = updates[1].clone();
    update.next_sync_committee_branch[0] = B256::repeat_byte(0xab);
    assert!(matches!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidBranch {
            branch: Branch::NextSyncCommittee,
            ..
        })
    ));
    let mut update = updates[1].clone();
    update.attested_header.execution_branch[1] = B256::repeat_byte(0xab);
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidHeader {
            slot: 7_070_142,
            fork: Fork::Capella,
            check: HeaderCheck::ExecutionBranch
        })
    );
}

#[test]
fn wrong_fork_version_fails_signature() {
    let mut spec = ChainSpec::mainnet();
    let mut keys = KeyCache::new();
    let (mut store, updates) = store_after_first(&ChainSpec::mainnet(), &mut keys);
    let mut forks = spec.forks().to_vec();
    forks[3].version = [0x03, 0, 0, 0x01];
    spec = ChainSpec::new(
        "mainnet-wrong-capella",
        spec.preset,
        forks,
        spec.genesis_validators_root,
    )
    .unwrap();
    assert_eq!(
        process_light_client_update(&mut store, &updates[1], CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidSignature {
            signature_slot: 7_070_143,
            period: 863,
            fork: Fork::Capella
        })
    );
}

#[test]
fn update_from_unverifiable_period() {
    let (spec, bootstrap, updates) = capella();
    let mut store = init(&spec, bootstrap);
    let mut keys = KeyCache::new();
    // Period 864 straight after the bootstrap (862, next committee unknown).
    assert_eq!(
        process_light_client_update(&mut store, &updates[2], CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::UnverifiablePeriod {
            signature_period: 864,
            store_period: 862,
            next_known: false
        })
    );
    // And a current slot before the signature slot.
    assert!(matches!(
        process_light_client_update(&mut store, &updates[0], 7_061_719, &spec, &mut keys),
        Err(LightClientError::InvalidSlotOrder {
            current_slot: 7_061_719,
            signature_slot: 7_061_720,
            ..
        })
    ));
}

#[test]
fn insufficient_participation_in_bridge_mode() {
    let spec = ChainSpec::mainnet();
    let mut keys = KeyCache::new();
    let (mut store, updates) = store_after_first(&spec, &mut keys);
    let mut update = updates[1].clone();
    for i in 0..200 {
        update
            .sync_aggregate
            .sync_committee_bits
            .set(i, false)
            .unwrap();
    }
    let policy = BridgePolicy::two_thirds::<Mainnet>();
    assert_eq!(
        process_bridge_update(&mut store, update, CAPELLA_NOW, &spec, &policy, &mut keys),
        Err(LightClientError::BelowParticipationThreshold {
            signature_slot: 7_070_143,
            participants: 312,
            required: 342,
            committee_size: 512
        })
    );
    // An optimistic-only update has no finality: refused in bridge mode.
    let optimistic =
        optimistic_update_from_json::<Mainnet>(&spec, &json("optimistic.json")).unwrap();
    assert_eq!(
        process_bridge_update(
            &mut store,
            optimistic.into(),
            CAPELLA_NOW,
            &spec,
            &policy,
            &mut keys
        ),
        Err(LightClientError::FinalityRequired {
            attested_slot: 7_109_431
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Deneb, SSZ with fork digests (portal-spec-tests)
// ---------------------------------------------------------------------------------------------

fn portal_value(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(dir("deneb_p1250-1251_portal").join(name)).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let hex_text = yaml["content_value"]
        .as_str()
        .unwrap()
        .replace([' ', '\n', '\\'], "");
    hex::decode(hex_text.trim_start_matches("0x")).unwrap()
}

fn portal_key(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(dir("deneb_p1250-1251_portal").join(name)).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    hex::decode(
        yaml["content_key"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
    )
    .unwrap()
}

#[test]
fn deneb_portal_ssz() {
    let spec = ChainSpec::mainnet();
    let value = portal_value("bootstrap.yaml");
    let (fork, bytes) = split_fork_digest(&spec, Object::Bootstrap, &value).unwrap();
    assert_eq!(fork, Fork::Deneb);
    assert_eq!(&value[..4], &[0x6a, 0x95, 0xa1, 0xa9]);
    let bootstrap = decode_bootstrap::<Mainnet>(fork, bytes).unwrap();
    assert_eq!(bootstrap.header.beacon.slot, 10_248_000);
    // content key = 0x10 ‖ block root.
    let key = portal_key("bootstrap.yaml");
    let root = B256::from_slice(&key[1..]);
    let mut store = initialize_light_client_store(&spec, root, bootstrap, Fork::Deneb).unwrap();

    let list = Vec::<Vec<u8>>::from_ssz_bytes(&portal_value("updates.yaml")).unwrap();
    assert_eq!(list.len(), 2);
    let finality_value = portal_value("finality_update.yaml");
    let (fork, bytes) = split_fork_digest(&spec, Object::FinalityUpdate, &finality_value).unwrap();
    let finality = decode_finality_update::<Mainnet>(fork, bytes).unwrap();
    let optimistic_value = portal_value("optimistic_update.yaml");
    let (fork, bytes) =
        split_fork_digest(&spec, Object::OptimisticUpdate, &optimistic_value).unwrap();
    let optimistic = decode_optimistic_update::<Mainnet>(fork, bytes).unwrap();
    let now = optimistic.signature_slot.max(finality.signature_slot) + 1;

    let mut keys = KeyCache::new();
    let policy = BridgePolicy::two_thirds::<Mainnet>();
    for item in &list {
        let (fork, bytes) = split_fork_digest(&spec, Object::Update, item).unwrap();
        assert_eq!(fork, Fork::Deneb);
        let update = decode_update::<Mainnet>(fork, bytes).unwrap();
        process_bridge_update(&mut store, update, now, &spec, &policy, &mut keys).unwrap();
    }
    let finalized_slot = finality.finalized_header.beacon.slot;
    process_bridge_finality_update(&mut store, finality, now, &spec, &policy, &mut keys).unwrap();
    assert_eq!(store.finalized_header.beacon.slot, finalized_slot);
    let attested = optimistic.attested_header.beacon.slot;
    process_light_client_optimistic_update(&mut store, optimistic, now, &spec, &mut keys).unwrap();
    assert_eq!(store.optimistic_header.beacon.slot, attested);
    assert!(matches!(
        store.finalized_header.execution,
        LcExecution::Deneb(_)
    ));
}

#[test]
fn unknown_fork_digest_and_truncated_ssz() {
    let spec = ChainSpec::mainnet();
    let mut value = portal_value("bootstrap.yaml");
    assert!(matches!(
        decode_bootstrap::<Mainnet>(Fork::Deneb, &value[4..1000]),
        Err(LightClientError::Ssz {
            object: Object::Bootstrap,
            fork: Fork::Deneb,
            ..
        })
    ));
    value[0] ^= 1;
    assert_eq!(
        split_fork_digest(&spec, Object::Bootstrap, &value).map(|(f, _)| f),
        Err(LightClientError::UnknownForkDigest {
            digest: [0x6b, 0x95, 0xa1, 0xa9]
        })
    );
}

/// The store's canonical encoding round-trips, and changing any field changes its root (the
/// enclave's `state_id` must commit to every field).
#[test]
fn store_canonical_encoding_commits_to_every_field() {
    let (spec, bootstrap, updates) = capella();
    let mut store = init(&spec, bootstrap);
    let mut keys = KeyCache::new();
    // Update 0 fills the next committee; a low-participation copy of update 1 becomes the best
    // valid update without being applied.
    process_light_client_update(&mut store, &updates[0], CAPELLA_NOW, &spec, &mut keys).unwrap();
    assert!(store.best_valid_update.is_none());
    store.best_valid_update = Some(updates[1].clone());
    store.previous_max_active_participants = 500;
    store.current_max_active_participants = 511;

    let bytes = store.to_ssz().unwrap();
    assert_eq!(
        LightClientStore::<Mainnet>::from_ssz(Fork::Capella, &bytes).unwrap(),
        store
    );
    let root = store.hash_tree_root().unwrap();

    let mut variants: Vec<LightClientStore<Mainnet>> = Vec::new();
    let mut s = store.clone();
    s.finalized_header.beacon.proposer_index += 1;
    variants.push(s);
    let mut s = store.clone();
    s.optimistic_header.beacon.slot += 1;
    variants.push(s);
    let mut s = store.clone();
    s.current_sync_committee.aggregate_pubkey.0[5] ^= 1;
    variants.push(s);
    let mut s = store.clone();
    s.next_sync_committee.pubkeys[7].0[9] ^= 1;
    variants.push(s);
    let mut s = store.clone();
    s.best_valid_update = None;
    variants.push(s);
    let mut s = store.clone();
    s.best_valid_update.as_mut().unwrap().signature_slot += 1;
    variants.push(s);
    let mut s = store.clone();
    s.previous_max_active_participants += 1;
    variants.push(s);
    let mut s = store.clone();
    s.current_max_active_participants -= 1;
    variants.push(s);
    let mut s = store.clone();
    // A fork tag whose layout does not match the headers (Altair layout, Capella headers) is refused.
    s.fork = Fork::Bellatrix;
    assert!(matches!(
        s.hash_tree_root(),
        Err(LightClientError::LayoutMismatch {
            object: Object::Store,
            ..
        })
    ));
    let s = lcp_enclave::light_client::upgrade::upgrade_lc_store(&spec, store.clone(), Fork::Deneb)
        .unwrap();
    variants.push(s);
    for (i, v) in variants.iter().enumerate() {
        assert_ne!(
            v.hash_tree_root().unwrap(),
            root,
            "variant {i} did not change the root"
        );
    }
}

/// The rules helios skips: data without its branch, an Altair-typed header at a Capella slot, and
/// the genesis (zero) finalized root with a non-empty header.
#[test]
fn header_and_branch_presence_rules() {
    use lcp_enclave::light_client::containers::LightClientHeader;
    use lcp_enclave::light_client::error::FinalityCheck;
    use lcp_enclave::light_client::header::is_valid_light_client_header;
    let spec = ChainSpec::mainnet();
    let mut keys = KeyCache::new();
    let (mut store, updates) = store_after_first(&spec, &mut keys);

    let mut update = updates[1].clone();
    update.finality_branch = vec![B256::ZERO; 6];
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidFinalizedHeader {
            attested_slot: 7_070_142,
            check: FinalityCheck::HeaderWithoutBranch
        })
    );
    let mut update = updates[1].clone();
    update.next_sync_committee_branch = vec![B256::ZERO; 5];
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::NextSyncCommitteeWithoutBranch {
            attested_slot: 7_070_142
        })
    );
    let mut update = updates[1].clone();
    update.finalized_header.beacon.slot = 0;
    assert_eq!(
        process_light_client_update(&mut store, &update, CAPELLA_NOW, &spec, &mut keys),
        Err(LightClientError::InvalidFinalizedHeader {
            attested_slot: 7_070_142,
            check: FinalityCheck::GenesisRootWithNonEmptyHeader
        })
    );

    let altair_typed = LightClientHeader {
        beacon: updates[1].attested_header.beacon,
        ..LightClientHeader::empty(LcLayout::Altair)
    };
    assert_eq!(
        is_valid_light_client_header::<Mainnet>(&spec, &altair_typed),
        Err(LightClientError::InvalidHeader {
            slot: 7_070_142,
            fork: Fork::Capella,
            check: HeaderCheck::ForkTooNew
        })
    );
}
