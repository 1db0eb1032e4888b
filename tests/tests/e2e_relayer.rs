//! End to end: anvil + the contracts deployed through the chain API + the `lcp-enclave` BINARY
//! (simulated NSM under a fixed seed, TCP) + two recorded-data Beacon-API servers + the relayer
//! library.
//!
//! 1. Initialise, register the key, relay the six real mainnet periods in ONE `updateState`, prove
//!    a real transaction of the finalized block 17923026 and verify it on chain.
//! 2. Kill the enclave process mid-run and restart it (same seed, new key): the relayer
//!    reconnects, registers the new key and finishes the proof; nothing is lost.
//! 3. Relayer crash: a new relayer resumes from the chain state (cache accepted; without cache
//!    rebuilt), while one server serves a tampered update: the enclave refuses it, the endpoint is
//!    demoted, the other one is used.
//! 4. The other server serves a tampered transaction: refused, demoted, the first one is used.
//!
//! The chain's state id and stored block hash are asserted after every phase.
//! Needs anvil (`scripts/install-toolchain.sh`) and the `lcp-enclave` binary next to this test's
//! target directory (`cargo test --workspace` builds it): without them the test is skipped with a
//! message, except under `CI`, where it fails.

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, b256, keccak256};
use lcp_client::chain::anvil::{Anvil, dev_signer};
use lcp_client::chain::{ChainError, DeployConfig, LcpChain};
use lcp_client::enclave::{Attested, ConnectionOptions, EnclaveAddr, EnclaveConnection};
use lcp_client::relayer::adapters::BeaconSources;
use lcp_client::relayer::{PeriodLength, Relayer, RelayerOptions, Resumed, Updated};
use lcp_client::sources::SourceOptions;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::simulated::{PinnedIdentity, Seed};
use lcp_enclave::state_id::network_config_hash;
use lcp_tests::fixture_server::{Faults, FixtureServer};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TRUSTED_ROOT: B256 =
    b256!("5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
/// The execution block the bundled light-client data finalizes (slot 7109344).
const FINALIZED_BLOCK: u64 = 17_923_026;
const FINALIZED_HASH: B256 =
    b256!("bc8499537876e5406c7a65e25f99063f1cd85a17014a3aa5ade38271b1fbf64f");
const SIM_SEED: [u8; 32] = [0x5e; 32];

/// Skips (prints why) or, under `CI`, fails.
fn unavailable(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is required under CI");
    }
    eprintln!(
        "SKIPPED e2e_relayer: {what} not available (run scripts/install-toolchain.sh and cargo build --workspace)"
    );
}

/// `target/<profile>/lcp-enclave`, next to this test's `deps/` directory.
fn enclave_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let path = profile_dir.join(format!("lcp-enclave{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

/// A running `lcp-enclave` process, killed on drop.
struct EnclaveProcess(Child);

impl Drop for EnclaveProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_enclave(
    binary: &PathBuf,
    addr: SocketAddr,
    operator: Address,
    chain_id: u64,
    client: Address,
) -> EnclaveProcess {
    let child = Command::new(binary)
        .args(["--listen", &format!("tcp:{addr}")])
        .args(["--nsm", "simulated"])
        .args(["--sim-seed", &format!("0x{}", hex::encode(SIM_SEED))])
        .args(["--network", "mainnet"])
        .args(["--operator", &operator.to_string()])
        .args(["--chain-id", &chain_id.to_string()])
        .args(["--client-address", &client.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    EnclaveProcess(child)
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn source_options() -> SourceOptions {
    SourceOptions {
        timeout: Duration::from_secs(10),
        max_attempts: 2,
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        demotion: Duration::from_secs(300),
    }
}

fn connection(addr: SocketAddr) -> EnclaveConnection {
    EnclaveConnection::remote(
        EnclaveAddr::Tcp(addr),
        ConnectionOptions {
            connect_attempts: 40,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
            ..ConnectionOptions::default()
        },
    )
    .unwrap()
}

fn options(cache: Option<PathBuf>) -> RelayerOptions {
    RelayerOptions {
        cache_path: cache,
        progress: false,
        period_length: PeriodLength::MAINNET,
        ..RelayerOptions::new(TRUSTED_ROOT)
    }
}

async fn assert_chain_holds(chain: &LcpChain, state_id: B256) {
    let state = chain.state().await.unwrap();
    assert_eq!(state.state_id, state_id, "chain state id");
    assert!(!state.frozen);
    assert_eq!(state.latest_block_number, FINALIZED_BLOCK);
    assert_eq!(state.latest_block_hash, FINALIZED_HASH);
}

fn transaction_claims(attested: &Attested) -> &[lcp_enclave::service::protocol::SignedMessage] {
    match attested {
        Attested::Claims(messages) => messages,
        Attested::Batch { .. } => panic!("single claims were requested"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relayer_end_to_end_on_anvil_with_the_enclave_binary() {
    let started = Instant::now();
    let anvil = match Anvil::spawn() {
        Ok(anvil) => anvil,
        Err(ChainError::AnvilNotFound) => return unavailable("anvil"),
        Err(other) => panic!("anvil: {other}"),
    };
    let Some(binary) = enclave_binary() else {
        return unavailable("the lcp-enclave binary");
    };

    // Deploy with the simulated identity of SIM_SEED pinned (root, measurement) and dev account 0
    // as the operator.
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
    let (chain, deployment) = LcpChain::deploy(&anvil.endpoint(), signer.clone(), &deploy)
        .await
        .unwrap();
    let domain = chain.domain();
    eprintln!(
        "deployed LCPClient {} ({} gas in total)",
        deployment.client,
        deployment.total_gas()
    );

    let enclave_addr = free_port();
    let mut enclave = spawn_enclave(
        &binary,
        enclave_addr,
        operator,
        domain.chain_id,
        domain.client,
    );
    let server_a = FixtureServer::start().await.unwrap();
    let server_b = FixtureServer::start().await.unwrap();
    let beacon =
        || BeaconSources::new(vec![server_a.url(), server_b.url()], source_options()).unwrap();
    let dir = std::env::temp_dir().join(format!("lcp-e2e-relayer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = dir.join("state.json");

    // ---- 1. initialise, register, six periods in ONE updateState, a real transaction on chain.
    let mut relayer = Relayer::new(
        connection(enclave_addr),
        beacon(),
        LcpChain::connect(&anvil.endpoint(), signer.clone(), deployment.client)
            .await
            .unwrap(),
        options(Some(cache.clone())),
    );
    let Resumed::Initialised(init) = relayer.resume().await.unwrap() else {
        panic!("the chain was empty: expected initialisation");
    };
    let first_key = relayer.registered_key().unwrap();
    let Updated::Advanced {
        to,
        periods,
        submitted,
        ..
    } = relayer.update_to_latest().await.unwrap()
    else {
        panic!("expected the chain to advance");
    };
    assert_eq!(periods, 6);
    assert_eq!(
        submitted.len(),
        1,
        "six periods and finality in ONE updateState"
    );
    assert_eq!(
        (to.block_number, to.block_hash),
        (FINALIZED_BLOCK, FINALIZED_HASH)
    );
    let synced = relayer.state().unwrap().state_id;
    assert_chain_holds(&chain, synced).await;
    eprintln!(
        "initialize gas {}, updateState (6 periods) gas {}",
        init.gas_used, submitted[0].gas_used
    );

    let attested = relayer.prove_transactions(&[0], false).await.unwrap();
    let claim = chain
        .verify_transaction(&transaction_claims(&attested)[0])
        .await
        .unwrap();
    assert_eq!(claim.blockNumber, FINALIZED_BLOCK);
    assert_eq!(claim.blockHash, FINALIZED_HASH);
    assert_eq!(claim.txIndex, 0);
    let sent = relayer.submit(&attested).await.unwrap();
    eprintln!("verifyTransaction gas {}", sent[0].gas_used);

    // ---- 2. kill the enclave mid-run; it comes back (same seed, new key) while the relayer waits.
    let _ = enclave.0.kill();
    let _ = enclave.0.wait();
    let restart = {
        let binary = binary.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            spawn_enclave(
                &binary,
                enclave_addr,
                operator,
                domain.chain_id,
                domain.client,
            )
        })
    };
    let attested = relayer.prove_transactions(&[1], false).await.unwrap();
    enclave = restart.join().unwrap();
    let second_key = relayer.registered_key().unwrap();
    assert_ne!(second_key, first_key, "the restarted enclave has a new key");
    let record = chain.enclave_key(second_key).await.unwrap();
    assert_eq!(record.operator, operator);
    let claim = chain
        .verify_transaction(&transaction_claims(&attested)[0])
        .await
        .unwrap();
    assert_eq!((claim.blockNumber, claim.txIndex), (FINALIZED_BLOCK, 1));
    assert_chain_holds(&chain, synced).await;
    // Nothing newer to relay; the state survived the restart.
    assert!(matches!(
        relayer.update_to_latest().await.unwrap(),
        Updated::UpToDate(_)
    ));

    // ---- 3. relayer crash: resume from the chain (cache), then without cache (rebuild) while
    // server A serves a tampered update.
    drop(relayer);
    let chain_client = || async {
        LcpChain::connect(&anvil.endpoint(), signer.clone(), deployment.client)
            .await
            .unwrap()
    };
    let mut restarted = Relayer::new(
        connection(enclave_addr),
        beacon(),
        chain_client().await,
        options(Some(cache.clone())),
    );
    // The key registered after the enclave restart is live: no registration, no gas.
    assert_eq!(restarted.ensure_key().await.unwrap(), None);
    assert_eq!(restarted.registered_key(), Some(second_key));
    assert_eq!(restarted.resume().await.unwrap(), Resumed::Cache);
    assert_eq!(restarted.state().unwrap().state_id, synced);

    server_a.set_faults(Faults {
        tamper_update: Some(3),
        ..Faults::default()
    });
    std::fs::remove_file(&cache).unwrap();
    let mut rebuilt = Relayer::new(
        connection(enclave_addr),
        beacon(),
        chain_client().await,
        options(Some(cache.clone())),
    );
    assert!(matches!(
        rebuilt.resume().await.unwrap(),
        Resumed::Rebuilt { .. }
    ));
    assert_eq!(rebuilt.state().unwrap().state_id, synced);
    let order = rebuilt.source().client().pool().order();
    assert_eq!(
        order.first().map(|e| e.index()),
        Some(1),
        "server A is demoted"
    );
    assert_chain_holds(&chain, synced).await;

    // ---- 4. server B (now preferred) serves a tampered transaction; A is healthy again.
    server_a.set_faults(Faults::default());
    server_b.set_faults(Faults {
        tamper_block_transaction: Some(2),
        ..Faults::default()
    });
    let attested = rebuilt.prove_transactions(&[2], false).await.unwrap();
    let claim = chain
        .verify_transaction(&transaction_claims(&attested)[0])
        .await
        .unwrap();
    assert_eq!((claim.blockNumber, claim.txIndex), (FINALIZED_BLOCK, 2));
    let tampered_served = server_b
        .requests()
        .iter()
        .any(|r| r.contains("/eth/v2/beacon/blocks/"));
    assert!(tampered_served, "server B was asked for the block first");
    assert_chain_holds(&chain, synced).await;

    drop(enclave);
    std::fs::remove_dir_all(&dir).unwrap();
    eprintln!("e2e_relayer: {:.1} s", started.elapsed().as_secs_f64());
}
