//! `lcp demo` end to end: the real binary, its exit code and its JSON.

#![cfg(test)]

use serde_json::Value;
use std::process::Command;

fn run_demo(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lcp"))
        .arg("demo")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn demo_json_reports_every_check() {
    let output = run_demo(&["--json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], true);

    let real = report["real_documents"].as_array().unwrap();
    assert_eq!(real.len(), 3);
    let by_file = |prefix: &str| {
        real.iter()
            .find(|d| d["file"].as_str().unwrap().starts_with(prefix))
            .unwrap()
    };
    assert_eq!(by_file("evervault")["production"], true);
    assert_eq!(by_file("evervault")["timestamp_ms"], 1_665_651_482_136_u64);
    assert_eq!(by_file("marlin")["production"], true);
    let debug = by_file("automata");
    assert_eq!(debug["debug_mode"], true);
    assert_eq!(debug["production"], false);
    assert_eq!(debug["allow_debug"], true);
    assert!(
        debug["production_verdict"]
            .as_str()
            .unwrap()
            .contains("debug")
    );

    let simulated = &report["simulated"];
    assert_eq!(simulated["verified"], true);
    assert_eq!(simulated["binding_matches"], true);
    assert_eq!(simulated["signature_recovers_to_key"], true);
    assert_eq!(simulated["signature"].as_str().unwrap().len(), 2 + 130);
    let user_data = hex::decode(
        simulated["user_data"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
    )
    .unwrap();
    assert_eq!(user_data.len(), 73);
    assert_eq!(user_data[0], 1);
    let address = simulated["enclave_key_address"].as_str().unwrap();
    assert_eq!(format!("0x{}", hex::encode(&user_data[1..21])), address);
    assert_eq!(
        format!("0x{}", hex::encode(&user_data[41..])),
        simulated["network_config_hash"].as_str().unwrap()
    );
    // The address is keccak256 of the attested public key.
    let public_key = hex::decode(
        simulated["public_key"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
    )
    .unwrap();
    assert_eq!(public_key.len(), 65);

    // The light client reached the real finalized execution block of the bundled Capella data.
    let finalized = &report["light_client"]["finalized"];
    assert_eq!(finalized["slot"], 7_109_344_u64);
    assert_eq!(finalized["execution"]["block_number"], 17_923_026_u64);
    assert_eq!(
        finalized["execution"]["block_hash"],
        "0xbc8499537876e5406c7a65e25f99063f1cd85a17014a3aa5ade38271b1fbf64f"
    );
    assert_eq!(report["light_client"]["applied"], 8);

    // SPV on block 21925176: recomputed hash, all receipts, the deposit contract's storage slot.
    let spv = &report["spv"];
    assert_eq!(
        spv["header"]["hash"],
        "0x92dabfa3f61ff1c349d12f5fd0dd4c99760a0a41b77dee8f0a80f83efdcb307a"
    );
    assert_eq!(spv["receipts"]["count"], 202);
    assert_eq!(
        spv["receipts"]["receipt"]["logs"].as_array().unwrap().len(),
        5
    );
    assert_eq!(spv["account"]["exists"], true);
    assert_eq!(spv["account"]["storage"].as_array().unwrap().len(), 1);
}

#[test]
fn demo_text_output_is_readable() {
    let output = run_demo(&[]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("allow-debug policy: accepted"));
    assert!(text.contains("production policy: rejected"));
    assert!(text.contains("demo: all checks passed"));
}
