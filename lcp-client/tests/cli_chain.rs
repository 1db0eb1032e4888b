//! `lcp chain deploy|register|state` against a real anvil: the real binary, its exit codes and JSON.
//! Without anvil the test prints a skip notice, unless `CI` is set: then it fails.

#![cfg(test)]

use alloy_primitives::{B256, keccak256};
use attestation_verifier::message::binding;
use lcp_client::chain::ChainError;
use lcp_client::chain::anvil::{self, Anvil};
use lcp_enclave::enclave_key::EnclaveKey;
use lcp_enclave::nsm::simulated::{Clock, SimulatedNsm};
use serde_json::Value;
use std::process::{Command, Output};

fn lcp(args: &[&str], key: Option<B256>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lcp"));
    command.arg("chain").args(args).env_remove("LCP_CHAIN_KEY");
    if let Some(key) = key {
        command.env("LCP_CHAIN_KEY", key.to_string());
    }
    command.output().unwrap()
}

fn json_of(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn deploy_register_and_read_state_from_the_command_line() {
    let anvil = match Anvil::spawn() {
        Ok(anvil) => anvil,
        Err(ChainError::AnvilNotFound) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "SKIPPED cli_chain: anvil not found (run `bash scripts/install-toolchain.sh`)"
            );
            return;
        }
        Err(error) => panic!("anvil is required here: {error}"),
    };
    let rpc = anvil.endpoint();
    let key = anvil::ANVIL_DEV_KEYS[0];
    let operator = anvil::dev_signer(0).unwrap().address();
    let nsm = SimulatedNsm::random(Clock::System).unwrap();
    let pcr = |i: u64| nsm.pcrs().iter().find(|(j, _)| *j == i).unwrap().1.clone();
    let measurement = binding::measurement(&pcr(0), &pcr(1), &pcr(2), Some(&pcr(8))).unwrap();
    let config_hash = keccak256(b"cli_chain network config");
    let trusted_root = keccak256(b"cli_chain trusted root");
    let dir = std::env::temp_dir().join(format!("lcp-cli-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root_path = dir.join("root.der");
    std::fs::write(&root_path, nsm.root_der()).unwrap();

    // Without a key, deploy is a usage failure with a reason, in JSON too.
    let no_key = lcp(
        &[
            "deploy",
            "--rpc",
            &rpc,
            "--network-config-hash",
            &config_hash.to_string(),
            "--trusted-root",
            &trusted_root.to_string(),
            "--json",
        ],
        None,
    );
    assert_eq!(no_key.status.code(), Some(1));
    let failure: Value = serde_json::from_slice(&no_key.stdout).unwrap();
    assert_eq!(failure["valid"], false);
    assert!(failure["error"].as_str().unwrap().contains("LCP_CHAIN_KEY"));

    let deployed = json_of(&lcp(
        &[
            "deploy",
            "--rpc",
            &rpc,
            "--network-config-hash",
            &config_hash.to_string(),
            "--trusted-root",
            &trusted_root.to_string(),
            "--root",
            root_path.to_str().unwrap(),
            "--measurement",
            &measurement.to_string(),
            "--operator",
            &operator.to_string(),
            "--json",
        ],
        Some(key),
    ));
    assert_eq!(deployed["chain_id"], anvil::ANVIL_CHAIN_ID);
    assert_eq!(deployed["transactions"].as_array().unwrap().len(), 4);
    let client = deployed["client"].as_str().unwrap().to_owned();

    let state = json_of(&lcp(
        &["state", "--rpc", &rpc, "--client", &client, "--json"],
        None,
    ));
    assert_eq!(state["initialized"], false);
    assert_eq!(state["trusted_root"], trusted_root.to_string());
    assert_eq!(state["network_config_hash"], config_hash.to_string());
    assert_eq!(state["threshold"], 1);
    assert_eq!(state["owner"], operator.to_string().to_lowercase());
    assert!(state["keys"].as_array().unwrap().is_empty());

    let enclave_key = EnclaveKey::generate(&nsm).unwrap();
    let document = enclave_key
        .attest(&nsm, operator, config_hash, None)
        .unwrap();
    let document_path = dir.join("document.hex");
    std::fs::write(&document_path, hex::encode(&document)).unwrap();
    let registered = json_of(&lcp(
        &[
            "register",
            "--rpc",
            &rpc,
            "--client",
            &client,
            document_path.to_str().unwrap(),
            "--json",
        ],
        Some(key),
    ));
    assert_eq!(
        registered["key"],
        enclave_key.address().to_string().to_lowercase()
    );
    assert!(registered["gas_used"].as_u64().unwrap() < 16_777_216);

    // Registering again from another account: the contract's own error, by name.
    let other = lcp(
        &[
            "register",
            "--rpc",
            &rpc,
            "--client",
            &client,
            document_path.to_str().unwrap(),
        ],
        Some(anvil::ANVIL_DEV_KEYS[1]),
    );
    assert_eq!(other.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("NotOperator"),
        "{}",
        String::from_utf8_lossy(&other.stderr)
    );

    let state = json_of(&lcp(
        &["state", "--rpc", &rpc, "--client", &client, "--json"],
        None,
    ));
    let keys = state["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["live"], true);
    assert_eq!(keys[0]["operator"], operator.to_string().to_lowercase());
    std::fs::remove_dir_all(&dir).unwrap();
}
