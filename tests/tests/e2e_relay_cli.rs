//! The `lcp` binary as an operator runs it: `lcp relay --config relayer.toml --once --json` and
//! `lcp prove transaction … --submit --json` against anvil (contracts deployed through the chain
//! API), two recorded-data Beacon-API servers and the `lcp-enclave` binary (simulated NSM pinned
//! by `--sim-seed`, TCP); the daemon stopped with SIGINT; `lcp enclave info` against the same
//! enclave.
//! Skipped without anvil or the binaries, except under `CI`.

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{B256, b256, keccak256};
use lcp_client::chain::anvil::{Anvil, dev_signer};
use lcp_client::chain::{ChainError, DeployConfig, LcpChain};
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::simulated::{PinnedIdentity, Seed};
use lcp_enclave::state_id::network_config_hash;
use lcp_tests::fixture_server::FixtureServer;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const TRUSTED_ROOT: B256 =
    b256!("5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
const SIM_SEED: [u8; 32] = [0x7a; 32];
/// anvil's well-known dev account 0 key (public test key, never a real one).
const DEV_KEY_0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn unavailable(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is required under CI");
    }
    eprintln!("SKIPPED e2e_relay_cli: {what} not available");
}

fn binary(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe
        .parent()?
        .parent()?
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

/// Runs `lcp ARGS` off the async runtime; returns (exit code, stdout JSON).
async fn lcp(lcp: &std::path::Path, args: Vec<String>) -> (i32, Value) {
    let lcp = lcp.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(lcp)
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "{args:?}: stdout is not one JSON object ({e}): {stdout}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), json)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_once_then_prove_and_submit_through_the_cli() {
    let anvil = match Anvil::spawn() {
        Ok(anvil) => anvil,
        Err(ChainError::AnvilNotFound) => return unavailable("anvil"),
        Err(other) => panic!("anvil: {other}"),
    };
    let (Some(lcp_bin), Some(enclave_bin)) = (binary("lcp"), binary("lcp-enclave")) else {
        return unavailable("the lcp and lcp-enclave binaries");
    };
    let signer = dev_signer(0).unwrap();
    let operator = signer.address();
    let identity = PinnedIdentity::of(&Seed(SIM_SEED)).unwrap();
    let mut preimage = Vec::new();
    for index in [0, 1, 2, 8] {
        preimage.extend_from_slice(identity.pcr(index).unwrap());
    }
    let config_hash = network_config_hash(
        &ChainSpec::mainnet(),
        &BridgePolicy::two_thirds::<Mainnet>(),
    );
    let deploy = DeployConfig {
        root_der: identity.root_der.clone(),
        measurements: vec![keccak256(&preimage)],
        operators: vec![operator],
        ..DeployConfig::new(config_hash, TRUSTED_ROOT)
    };
    let (chain, deployment) = LcpChain::deploy(&anvil.endpoint(), signer, &deploy)
        .await
        .unwrap();
    let server_a = FixtureServer::start().await.unwrap();
    let server_b = FixtureServer::start().await.unwrap();

    // One long-lived enclave (the `lcp-enclave` binary, TCP) serves every `lcp` invocation: one key,
    // one registration. (An in-process enclave per invocation would register a key per run and
    // soon hit `MAX_KEYS_PER_OPERATOR`.)
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let enclave = KillOnDrop(
        Command::new(&enclave_bin)
            .args(["--listen", &format!("tcp:{port}"), "--nsm", "simulated"])
            .args(["--sim-seed", &format!("0x{}", hex::encode(SIM_SEED))])
            .args(["--network", "mainnet", "--operator", &operator.to_string()])
            .args([
                "--chain-id",
                "31337",
                "--client-address",
                &deployment.client.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let dir = std::env::temp_dir().join(format!("lcp-e2e-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("relayer.toml");
    std::fs::write(
        &config,
        format!(
            r#"network = "mainnet"
trusted_root = "{TRUSTED_ROOT}"
[beacon]
urls = ["{a}", "{b}"]
[enclave]
address = "tcp:{port}"
[chain]
rpc_url = "{rpc}"
client_address = "{client}"
signer_key_env = "LCP_E2E_KEY_UNUSED"
[state]
cache = "{cache}"
[polling]
interval = "1s"
"#,
            a = server_a.url(),
            b = server_b.url(),
            rpc = anvil.endpoint(),
            client = deployment.client,
            cache = dir.join("state.json").display(),
        ),
    )
    .unwrap();
    let key_file = dir.join("key");
    std::fs::write(&key_file, DEV_KEY_0).unwrap();
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "signer_key_env = \"LCP_E2E_KEY_UNUSED\"",
        &format!("signer_key_file = \"{}\"", key_file.display()),
    );
    std::fs::write(&config, text).unwrap();
    let config_arg = config.display().to_string();

    // One relay step: key registered, client initialised, six periods in one updateState.
    let (code, json) = lcp(
        &lcp_bin,
        vec![
            "relay".into(),
            "--config".into(),
            config_arg.clone(),
            "--once".into(),
            "--json".into(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["valid"], true);
    assert_eq!(json["advanced"], 1);
    assert_eq!(json["state"]["block_number"], 17_923_026);
    let state_id: B256 = json["state"]["state_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(chain.state().await.unwrap().state_id, state_id);

    // A second run resumes from the cache (it matches the chain) and has nothing to do.
    let (code, json) = lcp(
        &lcp_bin,
        vec![
            "relay".into(),
            "--config".into(),
            config_arg.clone(),
            "--once".into(),
            "--json".into(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["resumed"], "from the state cache");
    assert_eq!(json["advanced"], 0);

    // The daemon: follows finality every second until interrupted; Ctrl-C ends it cleanly.
    let daemon = Command::new(&lcp_bin)
        .args(["relay", "--config", &config_arg, "--json"])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let status = Command::new("kill")
        .args(["-INT", &daemon.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = tokio::task::spawn_blocking(move || daemon.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["resumed"], "from the state cache");
    assert!(json["steps"].as_u64().unwrap() >= 2, "{json}");
    assert_eq!(json["errors"], 0);
    assert_eq!(json["advanced"], 0);

    // One-shot proof of two real transactions, submitted to verifyTransaction.
    let (code, json) = lcp(
        &lcp_bin,
        vec![
            "prove".into(),
            "transaction".into(),
            "--index".into(),
            "0".into(),
            "--index".into(),
            "4".into(),
            "--config".into(),
            config_arg.clone(),
            "--submit".into(),
            "--json".into(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["attested"]["claims"].as_array().unwrap().len(), 2);
    let submitted = json["submitted"].as_array().unwrap();
    assert_eq!(submitted.len(), 2);
    assert!(
        submitted
            .iter()
            .all(|s| s["gas_used"].as_u64().unwrap() > 21_000)
    );

    // An index past the block: exit 1 with a JSON failure, nothing demoted.
    let (code, json) = lcp(
        &lcp_bin,
        vec![
            "prove".into(),
            "transaction".into(),
            "--index".into(),
            "100000".into(),
            "--config".into(),
            config_arg.clone(),
            "--json".into(),
        ],
    )
    .await;
    assert_eq!(code, 1);
    assert_eq!(json["valid"], false);
    assert!(json["error"].as_str().unwrap().contains("100000"), "{json}");

    // `lcp enclave info` against the same enclave binary, trusting the seed's pinned root.
    let (code, json) = lcp(
        &lcp_bin,
        vec![
            "enclave".into(),
            "info".into(),
            "--enclave".into(),
            format!("tcp:{port}"),
            "--sim-seed".into(),
            format!("0x{}", hex::encode(SIM_SEED)),
            "--json".into(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["attestation"]["valid"], true);
    assert_eq!(json["binding"]["names_attested_key"], true);
    assert_eq!(json["operator"], format!("{operator:#x}"));
    assert_eq!(json["client_address"], format!("{:#x}", deployment.client));
    // Without the simulated root the attestation is refused (exit 1).
    let (code, json) = lcp(
        &lcp_bin,
        vec![
            "enclave".into(),
            "info".into(),
            "--enclave".into(),
            format!("tcp:{port}"),
            "--json".into(),
        ],
    )
    .await;
    assert_eq!(code, 1);
    assert_eq!(json["valid"], false);
    drop(enclave);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A child process killed when the test ends, passed or not.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
