//! Arbitrary bytes through the whole Nitro verifier (CBOR, COSE, X.509 chain full and cached, policy).
//!
//! The body and its oracle: `lcp_fuzz::nitro_document` (`fuzz/src/lib.rs`), shared with the stable replay
//! test `tests/tests/fuzz_corpus_replay.rs`. Run (see RELIABILITY.md):
//! `cargo +nightly fuzz run nitro_document corpus/nitro_document -- -max_total_time=120`
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| lcp_fuzz::check(lcp_fuzz::nitro_document(data)));
