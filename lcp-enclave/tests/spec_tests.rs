//! The consensus-specs light-client reference tests (`fixtures/consensus-spec-tests/`, generated
//! with `eth-consensus-specs==1.7.0b4`): one `#[test]` per case (listed in `spec/cases.rs`, made by
//! `spec/gen_cases.sh`), and a test that the list equals the fixture directories (124 cases), so a
//! missing or added directory cannot pass silently.

#![cfg(test)]
// Test code: an overflow here is a failed test (debug builds panic), not a crashed enclave.
#![allow(clippy::arithmetic_side_effects)]

use alloy_primitives::B256;
use lcp_enclave::light_client::bls::KeyCache;
use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet, Minimal, Preset};
use lcp_enclave::light_client::decode::{
    decode_bootstrap, decode_finality_update, decode_optimistic_update, decode_update,
};
use lcp_enclave::light_client::header::{
    get_lc_execution_root, is_valid_light_client_header, known_fork_digests,
};
use lcp_enclave::light_client::sync::{
    LightClientStore, initialize_light_client_store, is_better_update,
    process_light_client_store_force_update, process_light_client_update,
};
use lcp_enclave::light_client::upgrade::{
    upgrade_lc_bootstrap, upgrade_lc_store, upgrade_lc_update,
};
use serde_yaml::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/consensus-spec-tests/tests")
}

fn snappy(path: &Path) -> Vec<u8> {
    let compressed = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    snap::raw::Decoder::new()
        .decompress_vec(&compressed)
        .unwrap()
}

fn yaml(path: &Path) -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s(v: &Value) -> String {
    v.as_str()
        .map(|x| x.trim().to_owned())
        .unwrap_or_else(|| panic!("not a string: {v:?}"))
}

fn b256(v: &Value) -> B256 {
    s(v).parse().unwrap()
}

fn version(v: &Value) -> [u8; 4] {
    let text = s(v);
    let mut out = [0u8; 4];
    hex::decode_to_slice(text.trim_start_matches("0x"), &mut out).unwrap();
    out
}

fn fork_of_digest(spec: &ChainSpec, v: &Value) -> Fork {
    let digest = version(v);
    known_fork_digests(spec)
        .into_iter()
        .find(|(d, _)| *d == digest)
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("unknown fork digest {}", hex::encode(digest)))
}

fn spec_of(case: &Path, gvr: B256) -> ChainSpec {
    ChainSpec::from_config_yaml(
        &std::fs::read_to_string(case.join("config.yaml")).unwrap(),
        Some(gvr),
    )
    .unwrap()
}

fn check_header<P: Preset>(
    spec: &ChainSpec,
    what: &str,
    header: &lcp_enclave::light_client::containers::LightClientHeader,
    expected: &Value,
) -> Result<(), String> {
    let slot = expected["slot"].as_u64().unwrap();
    let root = b256(&expected["beacon_root"]);
    if header.beacon.slot != slot || header.beacon_root() != root {
        return Err(format!(
            "{what}: got slot {} root {}, expected {slot} {root}",
            header.beacon.slot,
            header.beacon_root()
        ));
    }
    if let Some(exec) = expected.get("execution_root") {
        let got = get_lc_execution_root::<P>(spec, header);
        if got != b256(exec) {
            return Err(format!(
                "{what}: execution root {got}, expected {}",
                b256(exec)
            ));
        }
    }
    Ok(())
}

fn check_store<P: Preset>(
    spec: &ChainSpec,
    store: &LightClientStore<P>,
    checks: &Value,
) -> Result<(), String> {
    check_header::<P>(
        spec,
        "finalized_header",
        &store.finalized_header,
        &checks["finalized_header"],
    )?;
    check_header::<P>(
        spec,
        "optimistic_header",
        &store.optimistic_header,
        &checks["optimistic_header"],
    )
}

fn run_sync<P: Preset>(case: &Path) -> Result<(), String> {
    let meta = yaml(&case.join("meta.yaml"));
    let gvr = b256(&meta["genesis_validators_root"]);
    let spec = spec_of(case, gvr);
    let trusted = b256(&meta["trusted_block_root"]);
    let bootstrap_fork = fork_of_digest(&spec, &meta["bootstrap_fork_digest"]);
    let store_fork = spec
        .fork_of_version(version(&meta["store_fork_version"]))
        .ok_or("store fork")?;
    let bootstrap =
        decode_bootstrap::<P>(bootstrap_fork, &snappy(&case.join("bootstrap.ssz_snappy")))
            .map_err(|e| e.to_string())?;
    let bootstrap =
        upgrade_lc_bootstrap(&spec, bootstrap, store_fork.layout()).map_err(|e| e.to_string())?;
    let mut store = initialize_light_client_store(&spec, trusted, bootstrap, store_fork)
        .map_err(|e| e.to_string())?;
    let mut keys = KeyCache::new();
    let steps = yaml(&case.join("steps.yaml"));
    for (i, step) in steps.as_sequence().unwrap().iter().enumerate() {
        if let Some(p) = step.get("process_update") {
            let fork = fork_of_digest(&spec, &p["update_fork_digest"]);
            let file = case.join(format!("{}.ssz_snappy", s(&p["update"])));
            let update =
                decode_update::<P>(fork, &snappy(&file)).map_err(|e| format!("step {i}: {e}"))?;
            let update = upgrade_lc_update(&spec, update, store.layout())
                .map_err(|e| format!("step {i}: {e}"))?;
            let current_slot = p["current_slot"].as_u64().unwrap();
            process_light_client_update(&mut store, &update, current_slot, &spec, &mut keys)
                .map_err(|e| format!("step {i} process_update: {e}"))?;
            check_store(&spec, &store, &p["checks"]).map_err(|e| format!("step {i}: {e}"))?;
        } else if let Some(p) = step.get("force_update") {
            process_light_client_store_force_update(
                &mut store,
                p["current_slot"].as_u64().unwrap(),
            )
            .map_err(|e| format!("step {i} force_update: {e}"))?;
            check_store(&spec, &store, &p["checks"]).map_err(|e| format!("step {i}: {e}"))?;
        } else if let Some(p) = step.get("upgrade_store") {
            let fork = spec
                .fork_of_version(version(&p["store_fork_version"]))
                .ok_or("upgrade fork")?;
            store = upgrade_lc_store(&spec, store, fork).map_err(|e| format!("step {i}: {e}"))?;
            check_store(&spec, &store, &p["checks"]).map_err(|e| format!("step {i}: {e}"))?;
        } else {
            return Err(format!("step {i}: unknown step {step:?}"));
        }
    }
    Ok(())
}

fn fork_dir(case: &Path) -> Fork {
    // <preset>/<fork>/light_client/<handler>/<suite>/<case>
    let name = case
        .ancestors()
        .nth(4)
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    Fork::from_name(&name).unwrap_or_else(|| panic!("fork {name}"))
}

fn run_ranking<P: Preset>(case: &Path) -> Result<(), String> {
    let meta = yaml(&case.join("meta.yaml"));
    let count = meta["updates_count"].as_u64().unwrap();
    let fork = fork_dir(case);
    let updates: Vec<_> = (0..count)
        .map(|i| decode_update::<P>(fork, &snappy(&case.join(format!("updates_{i}.ssz_snappy")))))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    for (i, pair) in updates.windows(2).enumerate() {
        if !is_better_update(&pair[0], &pair[1]) {
            return Err(format!("updates_{i} is not better than updates_{}", i + 1));
        }
    }
    if updates.len() < 2 {
        return Err("fewer than two updates".into());
    }
    Ok(())
}

/// The client-side part of `data_collection`: every bootstrap a full node serves must initialize a
/// store at its block root, and every update it serves must decode with the fork its digest names
/// and carry valid headers. (Which data a server selects from blocks, states and forks is the
/// server's job and is not checked here.)
fn run_data_collection<P: Preset>(case: &Path) -> Result<(), String> {
    // No meta.yaml here: `genesis_validators_root` is the second field of the initial
    // `BeaconState` (after the 8-byte `genesis_time`), in the fixed part of its SSZ.
    let state = snappy(&case.join("initial_state.ssz_snappy"));
    let gvr = B256::from_slice(&state[8..40]);
    let spec = spec_of(case, gvr);
    let steps = yaml(&case.join("steps.yaml"));
    let mut checked = 0usize;
    let load = |v: &Value| -> (Fork, Vec<u8>) {
        let fork = fork_of_digest(&spec, &v["fork_digest"]);
        (
            fork,
            snappy(&case.join(format!("{}.ssz_snappy", s(&v["data"])))),
        )
    };
    for step in steps.as_sequence().unwrap() {
        let Some(head) = step.get("new_head") else {
            continue;
        };
        let checks = &head["checks"];
        for b in checks["bootstraps"].as_sequence().into_iter().flatten() {
            // `{block_root}` alone: the server has no bootstrap for that root.
            if b.get("bootstrap").is_none() {
                continue;
            }
            let (fork, bytes) = load(&b["bootstrap"]);
            let bootstrap = decode_bootstrap::<P>(fork, &bytes).map_err(|e| e.to_string())?;
            initialize_light_client_store(&spec, b256(&b["block_root"]), bootstrap, fork)
                .map_err(|e| format!("bootstrap {}: {e}", s(&b["bootstrap"]["data"])))?;
            checked += 1;
        }
        let mut headers = Vec::new();
        for u in checks["best_updates"].as_sequence().into_iter().flatten() {
            // `{period: N}` alone: the server has no update for that period.
            let Some(u) = u.get("update") else { continue };
            let (fork, bytes) = load(u);
            let update = decode_update::<P>(fork, &bytes).map_err(|e| e.to_string())?;
            headers.push(update.attested_header);
            checked += 1;
        }
        if let Some(f) = checks
            .get("latest_finality_update")
            .filter(|v| !v.is_null())
        {
            let (fork, bytes) = load(f);
            let update = decode_finality_update::<P>(fork, &bytes).map_err(|e| e.to_string())?;
            headers.push(update.attested_header);
            checked += 1;
        }
        if let Some(o) = checks
            .get("latest_optimistic_update")
            .filter(|v| !v.is_null())
        {
            let (fork, bytes) = load(o);
            let update = decode_optimistic_update::<P>(fork, &bytes).map_err(|e| e.to_string())?;
            headers.push(update.attested_header);
            checked += 1;
        }
        for h in &headers {
            is_valid_light_client_header::<P>(&spec, h).map_err(|e| e.to_string())?;
        }
    }
    if checked == 0 {
        return Err("no light-client data checked".into());
    }
    Ok(())
}

fn dispatch(
    preset: &str,
    minimal: fn(&Path) -> Result<(), String>,
    mainnet: fn(&Path) -> Result<(), String>,
    case: &Path,
) -> Result<(), String> {
    match preset {
        "minimal" => minimal(case),
        "mainnet" => mainnet(case),
        other => Err(format!("unknown preset {other}")),
    }
}

#[path = "spec/single_merkle_proof.rs"]
mod single_merkle_proof;

/// Runs the case at `rel` (`<preset>/<fork>/light_client/<handler>/<suite>/<case>`), panicking with
/// the reason on any mismatch.
fn run_case(rel: &str) {
    let path = root().join(rel);
    let parts: Vec<&str> = rel.split('/').collect();
    let [preset, fork, _, handler, suite, case] = parts[..] else {
        panic!("bad case path {rel}")
    };
    let outcome = match handler {
        "sync" => dispatch(preset, run_sync::<Minimal>, run_sync::<Mainnet>, &path),
        "update_ranking" => dispatch(preset, run_ranking::<Minimal>, run_ranking::<Mainnet>, &path),
        "data_collection" => {
            dispatch(preset, run_data_collection::<Minimal>, run_data_collection::<Mainnet>, &path)
        }
        "single_merkle_proof" => single_merkle_proof::run(preset, fork, suite, case, &path).map(|check| {
            if check == single_merkle_proof::ProofCheck::GindexOnly {
                println!("{rel}: gindex and depth checked; object root not computed (progressive Merkleization)");
            }
        }),
        other => Err(format!("unknown handler {other}")),
    };
    if let Err(e) = outcome {
        panic!("{rel}: {e}");
    }
}

macro_rules! spec_cases {
    ($($name:ident => $path:literal,)*) => {
        $(
            #[test]
            fn $name() {
                run_case($path);
            }
        )*
        /// Every case the tests above run.
        const CASES: &[&str] = &[$($path,)*];
    };
}

include!("spec/cases.rs");

/// The generated list is exactly the fixture directories, and there are 124 of them.
#[test]
fn case_list_matches_fixtures() {
    let mut found = Vec::new();
    for preset in std::fs::read_dir(root()).unwrap().flatten() {
        for fork in std::fs::read_dir(preset.path()).unwrap().flatten() {
            let lc = fork.path().join("light_client");
            for handler in std::fs::read_dir(&lc).unwrap().flatten() {
                for suite in std::fs::read_dir(handler.path()).unwrap().flatten() {
                    for case in std::fs::read_dir(suite.path()).unwrap().flatten() {
                        let rel = case
                            .path()
                            .strip_prefix(root())
                            .unwrap()
                            .to_string_lossy()
                            .into_owned();
                        found.push(rel);
                    }
                }
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = CASES.iter().map(|s| (*s).to_owned()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "spec/cases.rs is stale: run spec/gen_cases.sh"
    );
    assert_eq!(listed.len(), 124);
    let count = |h: &str| {
        listed
            .iter()
            .filter(|c| c.split('/').nth(3) == Some(h))
            .count()
    };
    assert_eq!(
        (
            count("sync"),
            count("update_ranking"),
            count("data_collection"),
            count("single_merkle_proof")
        ),
        (52, 7, 11, 54)
    );
    // Honesty check: exactly the 10 gloas/heze proof cases are gindex-only.
    let gindex_only = listed
        .iter()
        .filter(|c| {
            c.contains("single_merkle_proof") && (c.contains("/gloas/") || c.contains("/heze/"))
        })
        .count();
    assert_eq!(gindex_only, 10);
}
