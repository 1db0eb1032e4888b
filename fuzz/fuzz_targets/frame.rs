//! Enclave service frame headers and request JSON.
//!
//! The body and its oracle: `lcp_fuzz::frame` (`fuzz/src/lib.rs`), shared with the stable replay
//! test `tests/tests/fuzz_corpus_replay.rs`. Run (see RELIABILITY.md):
//! `cargo +nightly fuzz run frame corpus/frame -- -max_total_time=120`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lcp_fuzz::check(lcp_fuzz::frame(data)));
