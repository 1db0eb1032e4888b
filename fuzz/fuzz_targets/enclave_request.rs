//! Enclave requests decoded and handled by a fixed in-memory enclave; answers checked.
//!
//! The body and its oracle: `lcp_fuzz::enclave_request` (`fuzz/src/lib.rs`), shared with the stable replay
//! test `tests/tests/fuzz_corpus_replay.rs`. Run (see RELIABILITY.md):
//! `cargo +nightly fuzz run enclave_request corpus/enclave_request -- -max_total_time=120`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lcp_fuzz::check(lcp_fuzz::enclave_request(data)));
