//! Host-side cost of building claim items from source JSON on real data: the receipt-log item of
//! block 21,925,176 (202 receipts decoded, trie rebuilt, proof retained), the transaction item of
//! the finalized Capella beacon block (payload read, every transaction decoded, header hash
//! recomputed, trie rebuilt), and a transaction item from a full-transaction RPC block (Sepolia,
//! 49 transactions re-encoded through alloy-consensus). These run once per claim in a relayer,
//! next to network round trips of tens of milliseconds.

#![allow(
    clippy::unwrap_used,
    missing_docs,
    reason = "fixture loading in bench setup must abort the bench on failure; criterion's macros \
              generate undocumented items"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use lcp_client::claims::{
    receipt_log_item, transaction_item_from_beacon_block, transaction_item_from_block,
};
use serde_json::Value;
use std::hint::black_box;
use std::time::Duration;

fn fixture(relative: &str) -> Value {
    let path = format!("{}/../fixtures/{relative}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn claims(c: &mut Criterion) {
    let receipts = fixture("mainnet/execution/block_21925176/receipts.json");
    c.bench_function("receipt_log_item (202 receipts)", |b| {
        b.iter(|| receipt_log_item(black_box(&receipts), 20, 0).unwrap());
    });

    let block = fixture("mainnet/lightclient/capella_p862-867/beacon_blocks/7109344.json");
    c.bench_function("transaction_item_from_beacon_block (slot 7109344)", |b| {
        b.iter(|| transaction_item_from_beacon_block(black_box(&block), 10).unwrap());
    });

    let rpc = fixture("sepolia/execution/lodestar_prover/eth_getBlock_with_no_accessList.json");
    let rpc_block = rpc.get("response").unwrap();
    c.bench_function("transaction_item_from_block (49 RPC transactions)", |b| {
        b.iter(|| transaction_item_from_block(black_box(rpc_block), 10).unwrap());
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = claims
}
criterion_main!(benches);
