//! Bit flips, truncations and random mutations of the real documents: always an error, never a panic.
#![cfg(test)]

mod common;

use attestation_verifier::nitro::{
    CacheLeaf, VerifiedCertCache, verify_and_fill_cache, verify_using_cache,
};
use common::*;
use proptest::prelude::*;

/// A cache holding every certificate of every fixture: flips outside certificates then cost one
/// COSE verification, flips inside one re-verify from that certificate down.
fn warm_cache() -> VerifiedCertCache {
    let mut cache = VerifiedCertCache::new();
    for (name, doc, options) in all() {
        verify_and_fill_cache(&BACKEND, doc, &options, &mut cache, CacheLeaf::Yes)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    cache
}

#[test]
fn every_signature_bit_flip_rejected() {
    let cache = warm_cache();
    for (name, doc, options) in all() {
        // The COSE signature is the last 96 bytes.
        let start = doc.len() - 96;
        for bit in start * 8..doc.len() * 8 {
            let mut flipped = doc.to_vec();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(
                verify_using_cache(&BACKEND, &flipped, &options, &cache).is_err(),
                "{name}: bit {bit}"
            );
        }
    }
}

#[test]
fn sampled_payload_bit_flips_rejected() {
    let cache = warm_cache();
    for (name, doc, options) in all() {
        // Every 29th bit (a prime stride, so each bit position within a byte is hit) of the whole document.
        for bit in (0..(doc.len() - 96) * 8).step_by(29) {
            let mut flipped = doc.to_vec();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(
                verify_using_cache(&BACKEND, &flipped, &options, &cache).is_err(),
                "{name}: bit {bit}"
            );
        }
    }
}

#[test]
fn every_truncation_rejected() {
    let cache = warm_cache();
    for (name, doc, options) in all() {
        for len in 0..doc.len() {
            assert!(
                verify_using_cache(&BACKEND, &doc[..len], &options, &cache).is_err(),
                "{name}: length {len}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_mutations_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (_, doc, options) = all().swap_remove(which);
        let mut bytes = doc.to_vec();
        for (index, value) in &edits {
            let i = index.index(bytes.len());
            bytes[i] = *value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let changed = bytes != doc;
        let verdict = attestation_verifier::nitro::verify_with(&BACKEND, &bytes, &options);
        // No panic got us here; a changed document must also never verify.
        prop_assert!(!changed || verdict.is_err());
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        prop_assert!(attestation_verifier::nitro::verify_with(&BACKEND, &bytes, &evervault_options()).is_err());
    }
}
