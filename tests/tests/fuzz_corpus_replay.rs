//! Replays the checked-in fuzz corpus (`fuzz/corpus/<target>/`) on stable Rust through exactly the
//! entry functions the fuzz targets run (`fuzz/src/lib.rs`, included below), so `cargo test`
//! catches a regression on any input the fuzzer once found interesting. Each target must have a
//! non-empty corpus; every file must pass the target's oracle without panicking.

#![cfg(test)]

#[path = "../../fuzz/src/lib.rs"]
#[allow(
    dead_code,
    reason = "`check` is the fuzz targets' crash signal; here failures are collected"
)]
mod lcp_fuzz;

use std::path::PathBuf;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fuzz")
        .join("corpus")
        .join(target)
}

/// Runs `target`'s entry over its corpus; returns the number of inputs replayed.
fn replay(target: &str) -> usize {
    let (_, entry) = lcp_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no fuzz target {target}"));
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: empty corpus", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        match std::panic::catch_unwind(|| entry(&data)) {
            Ok(Ok(())) => {}
            Ok(Err(violation)) => failures.push(format!("{}: {violation}", path.display())),
            Err(_) => failures.push(format!("{}: panicked", path.display())),
        }
    }
    assert!(failures.is_empty(), "{target}: {failures:#?}");
    files.len()
}

#[test]
fn every_target_has_a_corpus_and_a_test() {
    let names: Vec<&str> = lcp_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
    let tested = [
        "nitro_document",
        "rlp_receipt",
        "ssz_update",
        "lcp_message",
        "frame",
        "enclave_request",
        "eth_rpc",
    ];
    assert_eq!(names, tested, "a target without a replay test below");
    for name in names {
        let target = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("fuzz")
            .join("fuzz_targets")
            .join(format!("{name}.rs"));
        assert!(target.is_file(), "{} is missing", target.display());
    }
}

#[test]
fn nitro_document_corpus() {
    assert!(replay("nitro_document") > 0);
}

#[test]
fn rlp_receipt_corpus() {
    assert!(replay("rlp_receipt") > 0);
}

#[test]
fn ssz_update_corpus() {
    assert!(replay("ssz_update") > 0);
}

#[test]
fn lcp_message_corpus() {
    assert!(replay("lcp_message") > 0);
}

#[test]
fn frame_corpus() {
    assert!(replay("frame") > 0);
}

#[test]
fn enclave_request_corpus() {
    assert!(replay("enclave_request") > 0);
}

#[test]
fn eth_rpc_corpus() {
    assert!(replay("eth_rpc") > 0);
}
