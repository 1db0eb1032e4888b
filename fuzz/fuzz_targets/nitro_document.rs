//! Arbitrary bytes through the whole Nitro verifier: envelope, payload, certificates, chain (full
//! and cached), COSE signature, policy. Any panic, overflow or timeout is a bug.
//!
//! Seeds: `fuzz/seeds/nitro_document/` (the real fixture documents). Run:
//! `cargo +nightly fuzz run nitro_document seeds/nitro_document -- -max_total_time=120`
#![no_main]

use attestation_verifier::nitro::{
    self, CacheLeaf, RustCrypto, VerificationOptions, VerifiedCertCache, cbor, verify_and_fill_cache,
    verify_using_cache, x509,
};
use attestation_verifier::time::UnixSeconds;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const SEEDS: [&[u8]; 3] = [
    include_bytes!("../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor"),
    include_bytes!("../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor"),
    include_bytes!("../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor"),
];

/// Verification at the evervault document's time, debug allowed, wide freshness window.
fn options() -> VerificationOptions {
    let mut options = VerificationOptions::new(UnixSeconds(1_665_651_482));
    options.pcr_policy.allow_debug = true;
    options.max_age_secs = u64::MAX;
    options
}

/// A cache filled from the real documents, so mutated documents exercise the hit paths too.
fn warm_cache() -> &'static VerifiedCertCache {
    static CACHE: OnceLock<VerifiedCertCache> = OnceLock::new();
    CACHE.get_or_init(|| {
        let mut cache = VerifiedCertCache::new();
        for seed in SEEDS {
            let _ = verify_and_fill_cache(&RustCrypto, seed, &options(), &mut cache, CacheLeaf::Yes);
        }
        cache
    })
}

fuzz_target!(|data: &[u8]| {
    let options = options();
    let full = nitro::verify_with(&RustCrypto, data, &options);
    let cached = verify_using_cache(&RustCrypto, data, &options, warm_cache());
    // The cache never changes whether a document verifies. (The error may differ: a hit skips the
    // re-check of a cached certificate's outer signature bytes, which the COSE signature covers.)
    assert_eq!(full.is_ok(), cached.is_ok());
    if let (Ok(full), Ok(cached)) = (&full, &cached) {
        assert_eq!(full, cached);
    }
    // The byte-level parsers on their own, for inputs that are not whole documents.
    let _ = cbor::decode(data);
    let _ = x509::parse(data);
});
