//! `lcp verify-attestation` run as a process: exit codes, stderr and the JSON shape of DESIGN.md §6.
#![cfg(test)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/nitro")
        .join(name)
}

const EVERVAULT: &str = "evervault_2022-10-13_i-020b6af9.cbor";
const AUTOMATA: &str = "automata_2024-08-16_i-07fd4cc4.cbor";
/// 2022-10-13 08:58:02 UTC, the evervault document's timestamp.
const EVERVAULT_AT: &str = "2022-10-13T08:58:02Z";

fn lcp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lcp"))
        .args(args)
        .output()
        .unwrap()
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn valid_document_json_shape() {
    let doc = fixture(EVERVAULT);
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--at",
        EVERVAULT_AT,
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = json_of(&out);
    assert_eq!(json["valid"], true);
    assert_eq!(json["module_id"], "i-020b6af9246d90e92-enc0183d09086c24190");
    assert_eq!(json["timestamp_ms"], 1_665_651_482_136_u64);
    assert_eq!(json["digest"], "SHA384");
    let pcrs = json["pcrs"].as_object().unwrap();
    assert_eq!(pcrs.len(), 16);
    let pcr0 = pcrs["0"].as_str().unwrap();
    assert!(pcr0.starts_with("0x") && pcr0.len() == 2 + 96 && pcr0 == pcr0.to_lowercase());
    assert_eq!(json["public_key"], Value::Null);
    assert_eq!(json["user_data"], Value::Null);
    assert_eq!(json["nonce"].as_str().unwrap().len(), 2 + 512);
    assert_eq!(json["debug_mode"], false);
    assert_eq!(json["leaf"]["not_before"], 1_665_651_479_u64);
    assert_eq!(json["leaf"]["not_after"], 1_665_662_282_u64);
    assert!(
        json["leaf"]["subject"]
            .as_str()
            .unwrap()
            .contains("CN=i-020b6af9246d90e92-enc0183d09086c24190")
    );
    assert_eq!(json["cabundle_len"], 4);
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "cabundle_len",
            "debug_mode",
            "digest",
            "leaf",
            "module_id",
            "nonce",
            "pcrs",
            "public_key",
            "timestamp_ms",
            "user_data",
            "valid"
        ]
    );
}

#[test]
fn valid_document_text_and_options() {
    let doc = fixture(EVERVAULT);
    let root = fixture("root.pem");
    let pcr0 = {
        let out = lcp(&[
            "verify-attestation",
            doc.to_str().unwrap(),
            "--at",
            "1665651482",
            "--json",
        ]);
        json_of(&out)["pcrs"]["0"].as_str().unwrap().to_owned()
    };
    let pin = format!("0={pcr0}");
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--at",
        "1665651482",
        "--pcr",
        &pin,
        "--max-age",
        "60",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("valid: true\n"));
    assert!(text.contains("module_id: i-020b6af9246d90e92-enc0183d09086c24190"));
}

#[test]
fn expired_document_fails_with_reason() {
    let doc = fixture(EVERVAULT);
    // One second after the leaf's notAfter (2022-10-13 11:58:02 UTC).
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--at",
        "2022-10-13T11:58:03Z",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json = json_of(&out);
    assert_eq!(json["valid"], false);
    let error = json["error"].as_str().unwrap();
    assert!(error.contains("certificate 4: expired"), "{error}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: ") && stderr.contains("expired"),
        "{stderr}"
    );
}

#[test]
fn debug_document_needs_allow_debug() {
    let doc = fixture(AUTOMATA);
    let at = "2024-08-16T09:11:49Z";
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--at",
        at,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        json_of(&out)["error"]
            .as_str()
            .unwrap()
            .contains("debug mode")
    );
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--at",
        at,
        "--allow-debug",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_of(&out)["debug_mode"], true);
}

#[test]
fn pcr_mismatch_and_usage_errors() {
    let doc = fixture(EVERVAULT);
    let wrong = format!("0=0x{}", "00".repeat(48));
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--at",
        EVERVAULT_AT,
        "--pcr",
        &wrong,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PCR0 does not match"));
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--at",
        "not-a-time",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = lcp(&[
        "verify-attestation",
        doc.to_str().unwrap(),
        "--pcr",
        "40=00",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = lcp(&["verify-attestation"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hex_and_base64_inputs() {
    use base64::Engine;
    let raw = std::fs::read(fixture(EVERVAULT)).unwrap();
    let dir = std::env::temp_dir().join(format!("lcp-verify-attestation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hex_path = dir.join("doc.hex");
    std::fs::write(&hex_path, format!("0x{}\n", hex::encode(&raw))).unwrap();
    let b64_path = dir.join("doc.b64");
    std::fs::write(
        &b64_path,
        base64::engine::general_purpose::STANDARD.encode(&raw),
    )
    .unwrap();
    for path in [&hex_path, &b64_path] {
        let out = lcp(&[
            "verify-attestation",
            path.to_str().unwrap(),
            "--at",
            EVERVAULT_AT,
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
