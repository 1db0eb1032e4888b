//! `lcp attestation-proofs` run as a process: the proofs equal the Python reference's
//! (`solidity/test/data/nitro_hints.json`), in JSON and text, and a non-document fails with exit 1.
#![cfg(test)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn lcp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lcp"))
        .args(args)
        .output()
        .unwrap()
}

/// The reference's traced proof list for a document of nitro_hints.json.
fn expected(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo("solidity/test/data/nitro_hints.json")).unwrap();
    let hints: Value = serde_json::from_str(&text).unwrap();
    let mut proofs = hints[name]["certs_trace"].as_array().unwrap().clone();
    proofs.push(hints[name]["cose_trace"].clone());
    proofs
}

#[test]
fn json_proofs_match_the_reference() {
    let doc = repo("fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor");
    let out = lcp(&["attestation-proofs", doc.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["count"], 6);
    assert_eq!(json["proofs"].as_array().unwrap(), &expected("automata"));
}

#[test]
fn text_proofs_are_one_per_line() {
    let doc = repo("fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor");
    let out = lcp(&["attestation-proofs", doc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| Value::String(l.to_owned())).collect();
    assert_eq!(lines, expected("evervault"));
}

#[test]
fn not_a_document_fails() {
    let root = repo("fixtures/nitro/root.der");
    let out = lcp(&["attestation-proofs", root.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    let error = json["error"].as_str().unwrap();
    assert!(
        error.contains("no proofs") && error.contains("document"),
        "{error}"
    );
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("error: ")
    );
}
