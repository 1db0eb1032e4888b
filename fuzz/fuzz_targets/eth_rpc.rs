//! eth_getProof / eth_getBlockBy* JSON, RLP headers and raw transactions.
//!
//! The body and its oracle: `lcp_fuzz::eth_rpc` (`fuzz/src/lib.rs`), shared with the stable replay
//! test `tests/tests/fuzz_corpus_replay.rs`. Run (see RELIABILITY.md):
//! `cargo +nightly fuzz run eth_rpc corpus/eth_rpc -- -max_total_time=120`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lcp_fuzz::check(lcp_fuzz::eth_rpc(data)));
