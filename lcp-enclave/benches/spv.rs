//! SPV verification costs on real mainnet data (block 21925176): an account + storage proof, a
//! receipt proof, and rebuilding the 202-receipt trie. Targets: ≤ 50 µs per proof, ≤ 5 ms per
//! 200-receipt rebuild.

#![allow(
    clippy::unwrap_used,
    missing_docs,
    reason = "fixture loading in bench setup must abort the bench on failure; criterion's macros \
              generate undocumented items"
)]

use alloy_primitives::b256;
use criterion::{Criterion, criterion_group, criterion_main};
use lcp_enclave::spv::{
    AccountProof, BlockReceipts, receipt::Receipt, verify_account_proof, verify_receipt_proof,
};
use serde_json::Value;
use std::hint::black_box;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../fixtures/mainnet/execution/block_21925176/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn spv(c: &mut Criterion) {
    let state_root = b256!("0x7b3d5a01f69b7d2ea7479fd7ae35f4bac2700ab6d6d7b4807a7fedf53ced710e");
    let receipts_root = b256!("0xf883e1a2fb8df9d1d988dec80f13c8aca724590ac357e45e30e0d48b1fbd64ee");

    let account = AccountProof::from_rpc_json(&fixture("proof.json")).unwrap();
    c.bench_function("account_and_storage_proof (8 + 3 nodes)", |b| {
        b.iter(|| verify_account_proof(black_box(state_root), black_box(&account)).unwrap());
    });

    let receipts = BlockReceipts::from_rpc_json(&fixture("receipts.json")).unwrap();
    let proof = receipts
        .check_root(receipts_root, Some(20))
        .unwrap()
        .unwrap();
    c.bench_function("receipt_proof (index 20, 5 logs)", |b| {
        b.iter(|| verify_receipt_proof(black_box(receipts_root), black_box(&proof)).unwrap());
    });

    c.bench_function(
        "receipts_root_rebuild (202 receipts, from encodings)",
        |b| {
            b.iter(|| {
                black_box(&receipts)
                    .check_root(receipts_root, None)
                    .unwrap()
            });
        },
    );

    let decoded: Vec<Receipt> = receipts.receipts().to_vec();
    c.bench_function(
        "receipts_root_rebuild (202 receipts, encode + trie + proof)",
        |b| {
            b.iter(|| {
                BlockReceipts::new(black_box(decoded.clone()))
                    .check_root(receipts_root, Some(20))
                    .unwrap()
            });
        },
    );
}

criterion_group!(benches, spv);
criterion_main!(benches);
