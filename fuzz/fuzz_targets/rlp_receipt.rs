//! EIP-2718 receipts and receipt-trie nodes (RLP).
//!
//! The body and its oracle: `lcp_fuzz::rlp_receipt` (`fuzz/src/lib.rs`), shared with the stable replay
//! test `tests/tests/fuzz_corpus_replay.rs`. Run (see RELIABILITY.md):
//! `cargo +nightly fuzz run rlp_receipt corpus/rlp_receipt -- -max_total_time=120`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lcp_fuzz::check(lcp_fuzz::rlp_receipt(data)));
