//! Light-client SSZ objects of every fork and both presets.
//!
//! The body and its oracle: `lcp_fuzz::ssz_update` (`fuzz/src/lib.rs`), shared with the stable replay
//! test `tests/tests/fuzz_corpus_replay.rs`. Run (see RELIABILITY.md):
//! `cargo +nightly fuzz run ssz_update corpus/ssz_update -- -max_total_time=120`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lcp_fuzz::check(lcp_fuzz::ssz_update(data)));
