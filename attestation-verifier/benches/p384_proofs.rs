//! Proof generation for `verifyAttestationWithHints`: the traced proofs of a whole real document
//! (four certificate signatures + COSE), and one signature's hint alone vs hint + trace.

use attestation_verifier::nitro::proofs::{self, document_proofs};
use attestation_verifier::nitro::{cose, document, x509};
use criterion::{Criterion, criterion_main};
use sha2::{Digest, Sha384};
use std::hint::black_box;
use std::time::Duration;

const DOCS: [(&str, &[u8]); 3] = [
    (
        "evervault",
        include_bytes!("../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor"),
    ),
    (
        "marlin",
        include_bytes!("../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor"),
    ),
    (
        "automata",
        include_bytes!("../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor"),
    ),
];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("p384_proofs");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for (name, doc) in DOCS {
        group.bench_function(format!("document_proofs/{name}"), |b| {
            b.iter(|| document_proofs(black_box(doc)))
        });
    }
    // The leaf certificate's signature of the first document, alone.
    let (_, doc) = DOCS[0];
    let Ok(envelope) = cose::parse(doc) else {
        return;
    };
    let Ok(payload) = document::parse(&envelope.payload) else {
        return;
    };
    let (Some(issuer), Ok(leaf)) = (payload.cabundle.last(), x509::parse(&payload.certificate))
    else {
        return;
    };
    let Ok(issuer) = x509::parse(issuer) else {
        return;
    };
    let digest: [u8; 48] = Sha384::digest(leaf.tbs).into();
    let Some(key) = issuer
        .public_key
        .as_bytes()
        .get(1..)
        .and_then(|k| <[u8; 96]>::try_from(k).ok())
    else {
        return;
    };
    let signature = leaf.signature.0;
    group.bench_function("signature/hint", |b| {
        b.iter(|| proofs::hint(black_box(&digest), &signature, &key))
    });
    group.bench_function("signature/trace", |b| {
        b.iter(|| proofs::trace(black_box(&digest), &signature, &key))
    });
    group.finish();
}

/// Every benchmark of this file (criterion's `criterion_group!` would emit an undocumented item).
fn benches() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
}

criterion_main!(benches);
