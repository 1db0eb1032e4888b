//! Cost of one devnet round (`Devnet::finalize`: two beacon blocks with RANDAO reveals and body
//! sync aggregates, states, one sync-committee aggregate, JSON) and of the light client verifying it.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use lcp_enclave::light_client::config::Fork;
use lcp_tests::devnet::Devnet;
use lcp_tests::devnet::synthetic::SyntheticChain;

fn finalize(c: &mut Criterion) {
    let mut chain = SyntheticChain::new(Fork::Electra);
    let mut devnet = Devnet::new([7; 32], Fork::Electra).unwrap();
    c.bench_function("devnet_finalize_round_electra", |b| {
        b.iter(|| {
            let f = chain.next_block(&[]).unwrap().execution_block().unwrap();
            let a = chain.next_block(&[]).unwrap().execution_block().unwrap();
            devnet.finalize(&f, &a).unwrap()
        })
    });
    c.bench_function("devnet_new_electra", |b| {
        b.iter(|| Devnet::new([7; 32], Fork::Electra).unwrap())
    });
}

criterion_group!(benches, finalize);
criterion_main!(benches);
