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

    // The enclave's attestation, verified by the reference, binds its key.
    let enclave = &report["enclave"];
    assert_eq!(enclave["verified"], true);
    assert_eq!(enclave["binding_matches"], true);
    assert_eq!(enclave["chain_id"], 31_337);
    // anvil's dev account 0 is the operator; LCPClient lands at its nonce-1 CREATE address.
    assert_eq!(
        enclave["operator"],
        "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
    );
    assert_eq!(
        enclave["client"],
        "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
    );

    // The light client reached the real finalized execution block of the bundled Capella data.
    let finalized = &report["light_client"]["finalized"];
    assert_eq!(finalized["slot"], 7_109_344_u64);
    assert_eq!(finalized["execution"]["block_number"], 17_923_026_u64);
    assert_eq!(
        finalized["execution"]["block_hash"],
        "0xbc8499537876e5406c7a65e25f99063f1cd85a17014a3aa5ade38271b1fbf64f"
    );
    assert_eq!(report["light_client"]["applied"], 7);
    assert_eq!(report["light_client"]["init"]["reference_accepted"], true);
    assert_eq!(report["light_client"]["update"]["reference_accepted"], true);
    assert_eq!(
        report["light_client"]["update"]["prev_state_id"],
        report["light_client"]["init"]["state_id"]
    );

    // A real transaction of block 17923026, signed and accepted by the reference model.
    let claim = &report["claims"][0];
    assert_eq!(claim["type"], "TransactionClaim");
    assert_eq!(claim["block_number"], 17_923_026_u64);
    assert_eq!(claim["tx_index"], 0);
    assert_eq!(claim["reference_accepted"], true);

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
    assert_eq!(spv["signed"], false);

    // On chain when anvil is there (it is under CI: scripts/test.sh installs it).
    let chain = &report["chain"];
    match chain["status"].as_str().unwrap() {
        "verified" => {
            assert_eq!(chain["client"], enclave["client"]);
            let register = chain["register"]["gas_used"].as_u64().unwrap();
            assert!(register > 1_000_000 && register < 16_777_216, "{register}");
            assert_eq!(chain["state"]["latest_block_number"], 17_923_026_u64);
            assert_eq!(chain["verified_claim"]["tx_hash"], claim["tx_hash"]);
        }
        "skipped" => assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the on-chain stage: {chain}"
        ),
        other => panic!("unexpected chain status {other}"),
    }
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
