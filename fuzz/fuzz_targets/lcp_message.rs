//! LCP signed-message bodies (ABI), canonical encoding.
//!
//! The body and its oracle: `lcp_fuzz::lcp_message` (`fuzz/src/lib.rs`), shared with the stable replay
//! test `tests/tests/fuzz_corpus_replay.rs`. Run (see RELIABILITY.md):
//! `cargo +nightly fuzz run lcp_message corpus/lcp_message -- -max_total_time=120`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lcp_fuzz::check(lcp_fuzz::lcp_message(data)));
