//! How long the simulated NSM takes to start and to produce a document (five certificate
//! signatures and one COSE signature, P-384).

#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use lcp_enclave::nsm::simulated::{Clock, Seed, SimulatedNsm};
use lcp_enclave::nsm::{AttestationRequest, Nsm};
use std::hint::black_box;

const NOW_MS: u64 = 1_708_930_921_439;

fn bench(c: &mut Criterion) {
    c.bench_function("simulated_nsm_start", |b| {
        b.iter(|| SimulatedNsm::from_seed(black_box(Seed([1; 32])), Clock::Fixed(NOW_MS)))
    });
    let nsm = match SimulatedNsm::from_seed(Seed([1; 32]), Clock::Fixed(NOW_MS)) {
        Ok(nsm) => nsm,
        Err(error) => {
            eprintln!("simulated NSM failed to start: {error}");
            return;
        }
    };
    let request = AttestationRequest {
        public_key: Some(&[4; 65]),
        user_data: Some(&[1; 73]),
        nonce: Some(&[2; 32]),
    };
    c.bench_function("simulated_nsm_attestation_document", |b| {
        b.iter(|| nsm.attestation_document(black_box(&request)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
