//! Benchmarks of Nitro document verification: full (5 P-384 verifications), CA chain cached (leaf + COSE), leaf
//! cached (COSE only), for each P-384 backend. Run with `--features aws-lc` to include AWS-LC.

use attestation_verifier::nitro::{
    CacheLeaf, P384Verifier, RustCrypto, VerificationOptions, VerifiedCertCache, cose, document,
    verify_and_fill_cache, verify_using_cache, verify_with, x509,
};
use attestation_verifier::time::UnixMillis;
use criterion::{Criterion, criterion_main};
use std::hint::black_box;

const DOC: &[u8] = include_bytes!("../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor");

fn options() -> VerificationOptions {
    VerificationOptions::new(UnixMillis(1_665_651_482_136).to_seconds())
}

fn cache<B: P384Verifier>(backend: &B, leaf: CacheLeaf) -> VerifiedCertCache {
    let mut cache = VerifiedCertCache::new();
    if verify_and_fill_cache(backend, DOC, &options(), &mut cache, leaf).is_err() {
        std::process::exit(1);
    }
    cache
}

fn backend<B: P384Verifier>(c: &mut Criterion, name: &str, backend: &B) {
    let options = options();
    let mut group = c.benchmark_group(format!("nitro/{name}"));
    group.bench_function("full", |b| {
        b.iter(|| verify_with(backend, black_box(DOC), &options))
    });
    let ca_cache = cache(backend, CacheLeaf::No);
    group.bench_function("ca_cached", |b| {
        b.iter(|| verify_using_cache(backend, black_box(DOC), &options, &ca_cache))
    });
    let leaf_cache = cache(backend, CacheLeaf::Yes);
    group.bench_function("leaf_cached", |b| {
        b.iter(|| verify_using_cache(backend, black_box(DOC), &options, &leaf_cache))
    });
    group.finish();
}

fn parse_only(c: &mut Criterion) {
    c.bench_function("nitro/parse_envelope_and_payload", |b| {
        b.iter(|| {
            let envelope = cose::parse(black_box(DOC)).map(|e| e.payload.into_owned());
            envelope.map(|p| document::parse(&p).map(|d| d.pcrs.len()))
        })
    });
}

/// One P-384 verification (the COSE signature over the Sig_structure): the unit every mode costs.
fn single_verify<B: P384Verifier>(c: &mut Criterion, name: &str, backend: &B) {
    let Ok(envelope) = cose::parse(DOC) else {
        std::process::exit(1)
    };
    let Ok(payload) = document::parse(&envelope.payload) else {
        std::process::exit(1)
    };
    let Ok(leaf) = x509::parse(&payload.certificate) else {
        std::process::exit(1)
    };
    let message = cose::sig_structure(&envelope.payload);
    c.bench_function(&format!("p384_verify/{name}"), |b| {
        b.iter(|| backend.verify(&leaf.public_key, black_box(&message), &envelope.signature))
    });
}

/// Every benchmark of this file (criterion's `criterion_group!` would emit an undocumented item).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    parse_only(&mut c);
    single_verify(&mut c, "rustcrypto", &RustCrypto);
    backend(&mut c, "rustcrypto", &RustCrypto);
    #[cfg(feature = "aws-lc")]
    {
        single_verify(&mut c, "aws-lc", &attestation_verifier::nitro::AwsLc);
        backend(&mut c, "aws-lc", &attestation_verifier::nitro::AwsLc);
    }
}

criterion_main!(benches);
