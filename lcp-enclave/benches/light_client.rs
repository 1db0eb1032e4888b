//! Light-client benchmarks on real mainnet data (Capella, 512-member committees):
//! one update verified and applied, bootstrap verification, and a six-period sync.
//!
//! Run: `cargo bench -p lcp-enclave --bench light_client -- --measurement-time 5`.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use criterion::{Criterion, criterion_group, criterion_main};
use lcp_enclave::light_client::bls::{CommitteeKeys, KeyCache};
use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet};
use lcp_enclave::light_client::containers::{LightClientBootstrap, LightClientUpdate};
use lcp_enclave::light_client::decode::{
    bootstrap_from_json, decode_update, finality_update_from_json, updates_from_json,
};
use lcp_enclave::light_client::sync::{
    initialize_light_client_store, process_light_client_finality_update,
    process_light_client_update,
};
use serde_json::Value;
use std::hint::black_box;

fn json(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/mainnet/lightclient/capella_p862-867")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn data() -> (
    ChainSpec,
    LightClientBootstrap<Mainnet>,
    Vec<LightClientUpdate<Mainnet>>,
) {
    let spec = ChainSpec::mainnet();
    let bootstrap = bootstrap_from_json::<Mainnet>(&spec, &json("bootstrap.json")).unwrap();
    let updates = updates_from_json::<Mainnet>(&spec, &json("updates.json")).unwrap();
    (spec, bootstrap, updates)
}

const NOW: u64 = 7_109_440;

fn signing_root(spec: &ChainSpec, update: &LightClientUpdate<Mainnet>) -> alloy_primitives::B256 {
    use lcp_enclave::light_client::config::DOMAIN_SYNC_COMMITTEE;
    use lcp_enclave::light_client::header::{compute_domain, compute_signing_root};
    let version = spec.fork_version_at_epoch((update.signature_slot - 1) / 32);
    let domain = compute_domain(DOMAIN_SYNC_COMMITTEE, version, spec.genesis_validators_root);
    compute_signing_root(
        tree_hash::TreeHash::tree_hash_root(&update.attested_header.beacon),
        domain,
    )
}

fn benches(c: &mut Criterion) {
    let (spec, bootstrap, updates) = data();
    let root = bootstrap.header.beacon_root();

    c.bench_function("bootstrap_verify", |b| {
        b.iter(|| {
            initialize_light_client_store(&spec, root, black_box(bootstrap.clone()), Fork::Capella)
                .unwrap()
        })
    });

    // Store after the first update (next committee known); update 1 crosses into period 863.
    let mut keys = KeyCache::new();
    let mut store =
        initialize_light_client_store(&spec, root, bootstrap.clone(), Fork::Capella).unwrap();
    process_light_client_update(&mut store, &updates[0], NOW, &spec, &mut keys).unwrap();
    // Warm the cache for the committee that signs update 1.
    let mut warm = store.clone();
    process_light_client_update(&mut warm, &updates[1], NOW, &spec, &mut keys).unwrap();
    c.bench_function("update_verify_apply_512_cached_keys", |b| {
        b.iter(|| {
            let mut s = store.clone();
            process_light_client_update(&mut s, black_box(&updates[1]), NOW, &spec, &mut keys)
                .unwrap();
            s
        })
    });

    let committee_keys = CommitteeKeys::new(&store.next_sync_committee).unwrap();
    c.bench_function("fast_aggregate_verify_512_cached_keys", |b| {
        let update = &updates[1];
        b.iter(|| {
            lcp_enclave::light_client::bls::fast_aggregate_verify(
                &committee_keys,
                black_box(&update.sync_aggregate),
                black_box(signing_root(&spec, update)),
                update.signature_slot,
            )
            .unwrap()
        })
    });
    c.bench_function("sync_committee_hash_tree_root_512", |b| {
        b.iter(|| tree_hash::TreeHash::tree_hash_root(black_box(&updates[1].next_sync_committee)))
    });

    c.bench_function("committee_keys_prepare_512", |b| {
        b.iter(|| CommitteeKeys::new(black_box(&store.next_sync_committee)).unwrap())
    });

    let ssz = updates[1].to_ssz().unwrap();
    c.bench_function("update_decode_ssz_512", |b| {
        b.iter(|| decode_update::<Mainnet>(Fork::Capella, black_box(&ssz)).unwrap())
    });

    let finality = finality_update_from_json::<Mainnet>(&spec, &json("finality.json")).unwrap();
    c.bench_function("six_period_sync_real_capella", |b| {
        b.iter(|| {
            let mut keys = KeyCache::new();
            let mut s =
                initialize_light_client_store(&spec, root, bootstrap.clone(), Fork::Capella)
                    .unwrap();
            for u in &updates {
                process_light_client_update(&mut s, u, NOW, &spec, &mut keys).unwrap();
            }
            process_light_client_finality_update(&mut s, finality.clone(), NOW, &spec, &mut keys)
                .unwrap();
            s
        })
    });
}

criterion_group! {
    name = light_client;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(light_client);
