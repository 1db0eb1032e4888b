//! Bounded property tests of the untrusted-input decoders (run in the normal test suite; the
//! unbounded version is `fuzz/fuzz_targets/ssz_update.rs`): random and mutated bytes never panic,
//! and whatever decodes as an update re-encodes to the same bytes.

#![cfg(test)]
// Test code: an overflow here is a failed test (debug builds panic), not a crashed enclave.
#![allow(clippy::arithmetic_side_effects)]

use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet, Minimal, Preset};
use lcp_enclave::light_client::decode::{
    MAX_LC_OBJECT_BYTES, decode_bootstrap, decode_finality_update, decode_optimistic_update,
    decode_update, split_fork_digest, update_from_json, updates_from_json,
};
use lcp_enclave::light_client::error::{LightClientError, Object};
use proptest::prelude::*;

fn all_decoders<P: Preset>(bytes: &[u8]) {
    for fork in Fork::ALL {
        if let Ok(update) = decode_update::<P>(fork, bytes) {
            assert_eq!(update.to_ssz().as_deref(), Some(bytes));
        }
        let _ = decode_bootstrap::<P>(fork, bytes);
        let _ = decode_finality_update::<P>(fork, bytes);
        let _ = decode_optimistic_update::<P>(fork, bytes);
    }
    let _ = split_fork_digest(&ChainSpec::mainnet(), Object::Update, bytes);
}

fn real_update_ssz() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/mainnet/lightclient/capella_p862-867/updates.json");
    let value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let updates = updates_from_json::<Mainnet>(&ChainSpec::mainnet(), &value).unwrap();
    updates[1].to_ssz().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        all_decoders::<Mainnet>(&bytes);
        all_decoders::<Minimal>(&bytes);
    }

    #[test]
    fn mutated_real_update_never_panics(index in 0usize..30_000, value in any::<u8>(), cut in 0usize..30_000) {
        let mut bytes = real_update_ssz();
        let i = index % bytes.len();
        bytes[i] = value;
        bytes.truncate(cut.max(1).min(bytes.len()));
        all_decoders::<Mainnet>(&bytes);
    }

    #[test]
    fn random_json_never_panics(text in "\\PC{0,200}") {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
            let _ = update_from_json::<Mainnet>(&ChainSpec::mainnet(), &value);
        }
    }
}

#[test]
fn real_update_round_trips_and_oversize_is_refused() {
    let bytes = real_update_ssz();
    let update = decode_update::<Mainnet>(Fork::Capella, &bytes).unwrap();
    assert_eq!(update.to_ssz().unwrap(), bytes);
    let big = vec![0u8; MAX_LC_OBJECT_BYTES + 1];
    assert_eq!(
        decode_update::<Mainnet>(Fork::Capella, &big),
        Err(LightClientError::TooLarge {
            object: Object::Update,
            len: MAX_LC_OBJECT_BYTES + 1,
            max: MAX_LC_OBJECT_BYTES
        })
    );
    assert_eq!(
        decode_update::<Mainnet>(Fork::Phase0, &bytes),
        Err(LightClientError::UnsupportedFork {
            object: Object::Update,
            fork: Fork::Phase0
        })
    );
}
