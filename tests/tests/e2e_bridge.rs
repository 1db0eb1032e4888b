//! The full bridge loop across two chains, with every production component on its real
//! transport:
//!
//! - SOURCE chain: anvil (Prague, the execution layer of the Electra devnet, its own chain id).
//!   `ExampleLocker` is deployed there and a user locks ETH for a recipient on the destination.
//! - Beacon chain: the devnet (`lcp_tests::devnet`, our own sync committee, real BLS/SSZ)
//!   finalizes the source blocks; its light-client objects are served over HTTP on the standard
//!   Beacon-API paths (`FixtureServer::serve`) and read by the relayer's real `BeaconClient`.
//! - Receipts: `ExecutionClient::block_receipts` (JSON-RPC straight to the source anvil), turned
//!   into a `ReceiptLog` claim by `lcp_client::claims`.
//! - Enclave: the `lcp-enclave` binary (simulated NSM, `--sim-seed`, `--config` = the devnet's
//!   `config.yaml`) over TCP.
//! - DESTINATION chain: anvil (Osaka, EIP-7825 cap on), `NitroAttestationVerifier` pinned to the
//!   seed's simulated root, `LCPClient` (devnet network-config hash, devnet bootstrap root),
//!   `ExampleBridge` (source locker = the source chain's `ExampleLocker`), funded.
//!
//! The relayer library registers the key, initialises, follows finality with ONE `updateState`,
//! has the enclave prove the `Locked` log, and `ExampleBridge.release` pays exactly the locked
//! amount, once. Refused by the enclave: a receipt whose log data was edited, and a claim on a
//! block the light client has not finalized. Proven, accepted by `LCPClient`, and refused by the
//! bridge's policy: a `Locked` log of another locker (`WrongEmitter`) and one naming another
//! destination chain (`WrongDestination`). Devnet data, not mainnet evidence (docs/notes/devnet.md).
//!
//! Skipped with a message when anvil or the `lcp-enclave` binary is missing, except under `CI`.

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_sol_types::{SolCall, SolValue, sol};
use lcp_client::chain::anvil::dev_signer;
use lcp_client::chain::{BridgeSetup, DeployConfig, LcpChain};
use lcp_client::claims;
use lcp_client::enclave::{
    Attested, ConnectionOptions, EnclaveAddr, EnclaveConnection, EnclaveError,
};

use lcp_client::relayer::adapters::BeaconSources;
use lcp_client::relayer::{PeriodLength, Relayer, RelayerError, RelayerOptions, Resumed, Updated};
use lcp_client::sources::{BeaconClient, ExecutionClient, SourceOptions};
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{Fork, Minimal};
use lcp_enclave::nsm::simulated::{PinnedIdentity, Seed};
use lcp_enclave::service::ServiceError;
use lcp_enclave::spv::{SpvError, TrieKey, TrieKind};
use lcp_tests::devnet::anvil::{self, Anvil};
use lcp_tests::devnet::beacon_api::served_data;
use lcp_tests::devnet::{Devnet, DevnetRound};
use lcp_tests::fixture_server::FixtureServer;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

const DEVNET_SEED: [u8; 32] = [0x6b; 32];
const SIM_SEED: [u8; 32] = [0x4d; 32];
/// The source chain's id (any id other than the destination's).
const SOURCE_CHAIN_ID: u64 = 1_337_001;
/// The destination chain's id.
const DEST_CHAIN_ID: u64 = 31_338;

sol! {
    function lock(address recipient, uint256 destinationChainId, address destinationBridge) external payable;
    function released(bytes32 lockId) external view returns (bool);
}

fn unavailable(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is required under CI");
    }
    eprintln!("SKIPPED e2e_bridge: {what} not available");
}

/// `target/<profile>/NAME`, beside this test executable's `deps/` directory.
fn sibling_binary(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe
        .parent()?
        .parent()?
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

fn quantity(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

/// Kills the enclave process when the test ends, however it ends.
struct EnclaveProcess(Child);

impl Drop for EnclaveProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `lcp-enclave` on a free loopback port for the devnet network and the destination's
/// `LCPClient`.
fn start_enclave(
    binary: &Path,
    config: &Path,
    operator: Address,
    client: Address,
) -> (EnclaveProcess, EnclaveAddr) {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let child = Command::new(binary)
        .args(["--listen", &format!("tcp:{addr}"), "--nsm", "simulated"])
        .args(["--sim-seed", &format!("0x{}", hex::encode(SIM_SEED))])
        .args(["--config", config.to_str().unwrap()])
        .args(["--operator", &operator.to_string()])
        .args(["--chain-id", &DEST_CHAIN_ID.to_string()])
        .args(["--client-address", &client.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The connection retries with backoff until the enclave listens (ConnectionOptions).
    (EnclaveProcess(child), EnclaveAddr::Tcp(addr))
}

/// The code and message of a relayer error that is an enclave refusal.
fn refusal(error: &RelayerError) -> Option<(&str, String)> {
    match error {
        RelayerError::Enclave(EnclaveError::Refused { code, message }) => {
            Some((code.as_str(), message.clone()))
        }
        _ => None,
    }
}

#[test]
fn locked_on_the_source_chain_is_released_on_the_destination_through_every_real_component() {
    if !anvil::binary().is_file() {
        return unavailable("anvil (scripts/install-toolchain.sh)");
    }
    let Some(enclave_bin) = sibling_binary("lcp-enclave") else {
        return unavailable("the lcp-enclave binary (cargo build -p lcp-enclave)");
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut devnet = Devnet::new(DEVNET_SEED, Fork::Electra).unwrap();

    // SOURCE: the locker, and the checkpoint (the locker's block finalized).
    let source_chain_id = SOURCE_CHAIN_ID.to_string();
    let source = Anvil::spawn_with(
        devnet.anvil_hardfork(),
        &["--chain-id", source_chain_id.as_str()],
    )
    .unwrap();
    let user = source.rpc("eth_accounts", json!([])).unwrap()[0]
        .as_str()
        .unwrap()
        .to_owned();
    let locker_bytecode = lcp_client::chain::bindings::ExampleLocker::BYTECODE.clone();
    // A second `ExampleLocker` the bridge does not trust: its `Locked` logs are true but foreign.
    let rogue: Address = source
        .send_transaction(json!({"from": user, "data": locker_bytecode.to_string()}))
        .unwrap()["contractAddress"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let created = source
        .send_transaction(json!({"from": user, "data": locker_bytecode.to_string()}))
        .unwrap();
    let locker: Address = created["contractAddress"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let checkpoint_block = quantity(&created["blockNumber"]);
    let first = source.finalize(&mut devnet, checkpoint_block).unwrap();

    // DESTINATION: verifier, LCPClient, ExampleBridge for the source locker; the bridge funded.
    let dest_chain_id = DEST_CHAIN_ID.to_string();
    let dest = Anvil::spawn_with(
        "osaka",
        &[
            "--chain-id",
            dest_chain_id.as_str(),
            "--enable-tx-gas-limit",
            "--gas-limit",
            "60000000",
        ],
    )
    .unwrap();
    let signer = dev_signer(0).unwrap();
    let operator = signer.address();
    let identity = PinnedIdentity::of(&Seed(SIM_SEED)).unwrap();
    let mut preimage = Vec::new();
    for index in [0, 1, 2, 8] {
        preimage.extend_from_slice(identity.pcr(index).unwrap());
    }
    let deploy = DeployConfig {
        root_der: identity.root_der.clone(),
        measurements: vec![keccak256(&preimage)],
        operators: vec![operator],
        bridge: BridgeSetup::SourceLocker(locker),
        ..DeployConfig::new(
            devnet.network_config_hash(&BridgePolicy::two_thirds::<Minimal>()),
            first.trusted_root,
        )
    };
    let started = Instant::now();
    let (chain, deployment) = runtime
        .block_on(LcpChain::deploy(&dest.url(), signer, &deploy))
        .unwrap();
    eprintln!(
        "destination deployment: {} txs, {} gas, {:?}",
        deployment.transactions.len(),
        deployment.total_gas(),
        started.elapsed()
    );
    for tx in &deployment.transactions {
        eprintln!("  {}: {} gas", tx.label, tx.outcome.gas_used);
    }
    assert_eq!(deployment.chain_id, DEST_CHAIN_ID);
    assert_eq!(
        deployment.locker, None,
        "the locker lives on the source chain"
    );
    let bridge = deployment.bridge.unwrap();
    let funder = dest.rpc("eth_accounts", json!([])).unwrap()[1]
        .as_str()
        .unwrap()
        .to_owned();
    dest.send_transaction(
        json!({"from": funder, "to": bridge, "value": format!("{:#x}", ether(5))}),
    )
    .unwrap();

    // The enclave binary, for the devnet network and this LCPClient.
    let scratch = std::env::temp_dir().join(format!("lcp-e2e-bridge-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let config = scratch.join("devnet-config.yaml");
    std::fs::write(&config, devnet.config_yaml()).unwrap();
    let (_enclave, enclave_addr) =
        start_enclave(&enclave_bin, &config, operator, deployment.client);
    let connection =
        || EnclaveConnection::remote(enclave_addr, ConnectionOptions::default()).unwrap();

    runtime.block_on(async {
        // The devnet's beacon API, read through the real BeaconClient (genesis root checked).
        let initial = served_data(&devnet, std::slice::from_ref(&first)).unwrap();
        let server = FixtureServer::serve(initial).await.unwrap();
        let beacon = BeaconClient::new(vec![server.url()], SourceOptions::default())
            .unwrap()
            .with_genesis_validators_root(devnet.spec().genesis_validators_root);
        let execution = ExecutionClient::new(
            vec![source.url().parse().unwrap()],
            SourceOptions::default(),
        )
        .unwrap()
        .with_chain_id(SOURCE_CHAIN_ID);
        let options = RelayerOptions {
            period_length: PeriodLength::MINIMAL,
            progress: false,
            ..RelayerOptions::new(first.trusted_root)
        };
        let mut relayer = Relayer::new(
            connection(),
            BeaconSources::from_client(beacon),
            chain,
            options,
        );

        // The binary runs the devnet network (from --config) for this destination.
        let info = connection().info(None).await.unwrap();
        assert_eq!(
            (
                info.network_config_hash,
                info.operator,
                info.chain_id,
                info.client_address
            ),
            (
                devnet.network_config_hash(&BridgePolicy::two_thirds::<Minimal>()),
                operator,
                DEST_CHAIN_ID,
                deployment.client
            )
        );

        // Register the enclave key (simulated attestation, pinned root), then initialise.
        let started = Instant::now();
        let registered = relayer.ensure_key().await.unwrap().unwrap();
        assert_eq!(registered.key, info.enclave_key);
        eprintln!(
            "registerEnclaveKey: {} gas, {:?}",
            registered.submitted.gas_used,
            started.elapsed()
        );
        let started = Instant::now();
        let Resumed::Initialised(init) = relayer.resume().await.unwrap() else {
            panic!("an empty LCPClient must be initialised");
        };
        eprintln!("initialize: {} gas, {:?}", init.gas_used, started.elapsed());
        let state = relayer.chain().state().await.unwrap();
        assert_eq!(state.latest_block_hash, first.finalized.block_hash);

        // The source chain moves on (one more finalized block the relayer does not follow), so the
        // lock lands in the next sync-committee period: the relayer must fetch the period update
        // (committee hand-over) over HTTP before the finality update.
        let filler = source
            .send_transaction(json!({"from": user, "to": user, "value": "0x1"}))
            .unwrap();
        let between = source
            .finalize(&mut devnet, quantity(&filler["blockNumber"]))
            .unwrap();
        assert_eq!(PeriodLength::MINIMAL.period(between.signature_slot), 0);

        // The user locks 1 ETH on the source for `recipient` on the destination's bridge.
        let recipient = Address::repeat_byte(0xab);
        let amount = ether(1);
        let call = lockCall {
            recipient,
            destinationChainId: U256::from(DEST_CHAIN_ID),
            destinationBridge: bridge,
        };
        let lock_receipt = source
            .send_transaction(json!({
                "from": user,
                "to": locker,
                "value": format!("{amount:#x}"),
                "data": format!("0x{}", hex::encode(call.abi_encode())),
            }))
            .unwrap();
        let number = quantity(&lock_receipt["blockNumber"]);
        let tx_index = quantity(&lock_receipt["transactionIndex"]);
        let lock_hash: B256 = lock_receipt["blockHash"].as_str().unwrap().parse().unwrap();

        // The receipts, through the real execution client, straight from the source chain.
        let receipts = execution.block_receipts(number).await.unwrap().value;
        let item = claims::receipt_log_item(&receipts, tx_index, 0).unwrap();

        // NEGATIVE: the lock block is not finalized yet; the enclave refuses to prove on it.
        let local = relayer.state().unwrap().clone();
        let refused = connection()
            .verify(
                local.state_id,
                local.client_state.clone(),
                lock_hash,
                vec![item.clone()],
                false,
            )
            .await
            .unwrap_err();
        let expected = ServiceError::HeaderNotHeld {
            requested: lock_hash,
            held: first.finalized.block_hash,
        };
        assert_eq!(
            refusal(&RelayerError::Enclave(refused)),
            Some((expected.code(), expected.to_string()))
        );

        // The devnet finalizes the lock block; the beacon API now serves both rounds.
        let second: DevnetRound = source.finalize(&mut devnet, number).unwrap();
        assert_eq!(second.finalized.block_hash, lock_hash);
        assert_eq!(
            claims::receipts_root(&receipts).unwrap(),
            second.finalized.receipts_root
        );
        assert_eq!(PeriodLength::MINIMAL.period(second.signature_slot), 1);
        let rounds = [first.clone(), between, second.clone()];
        server.set_data(served_data(&devnet, &rounds).unwrap());

        // ONE updateState to the finalized lock block.
        let started = Instant::now();
        let Updated::Advanced {
            to,
            periods,
            applied,
            submitted,
            ..
        } = relayer.update_to_latest().await.unwrap()
        else {
            panic!("expected the relayer to follow the devnet's finality");
        };
        eprintln!("update_to_latest: {periods} period update(s) sent, {applied} applied");
        // Periods 0 and 1 (the hand-over to period 1's committee), then the finality update, all
        // in ONE updateState.
        assert_eq!((periods, applied), (2, 3));
        assert_eq!(submitted.len(), 1);
        eprintln!(
            "updateState: {} gas, {:?} (fetch + enclave + tx)",
            submitted[0].gas_used,
            started.elapsed()
        );
        assert_eq!((to.block_number, to.block_hash), (number, lock_hash));
        let state = relayer.chain().state().await.unwrap();
        assert_eq!(state.latest_block_hash, lock_hash);
        // Everything the light client used came over HTTP from the devnet's beacon API.
        let requests = server.requests();
        for path in [
            "GET /eth/v1/beacon/genesis".to_owned(),
            format!(
                "GET /eth/v1/beacon/light_client/bootstrap/{}",
                first.trusted_root
            ),
            "GET /eth/v1/beacon/light_client/updates?start_period=0&count=2".to_owned(),
            "GET /eth/v1/beacon/light_client/finality_update".to_owned(),
        ] {
            assert!(requests.contains(&path), "{path} not in {requests:?}");
        }

        // NEGATIVE: a receipt whose log data was edited (the locked amount raised to 100 ETH);
        // the rebuilt receipts trie no longer has the finalized root, so nothing is signed.
        let mut tampered = receipts.clone();
        let data = tampered
            .pointer_mut(&format!("/{tx_index}/logs/0/data"))
            .unwrap();
        let original = data.as_str().unwrap().to_owned();
        let amount_word = format!("{:064x}", ether(1));
        assert!(original[2..].starts_with(&amount_word), "{original}");
        *data = Value::String(original.replacen(&amount_word, &format!("{:064x}", ether(100)), 1));
        let forged = claims::receipt_log_item(&tampered, tx_index, 0).unwrap();
        let error = relayer.prove(vec![forged], false).await.unwrap_err();
        let expected = ServiceError::Claim {
            index: 0,
            source: Box::new(SpvError::ProofHashMismatch {
                trie: TrieKind::Receipts,
                key: TrieKey::Index(tx_index),
                node: 0,
                expected: second.finalized.receipts_root,
                got: claims::receipts_root(&tampered).unwrap(),
            }),
        };
        assert_eq!(
            refusal(&error),
            Some((expected.code(), expected.to_string()))
        );

        // The real proof, signed by the enclave, released by the bridge.
        let Attested::Claims(messages) = relayer.prove(vec![item], false).await.unwrap() else {
            panic!("a single claim was requested");
        };
        assert_eq!(messages.len(), 1);
        let before = relayer.chain().balance(recipient).await.unwrap();
        let started = Instant::now();
        let (lock_id, outcome) = relayer
            .chain()
            .bridge_release(bridge, &messages[0])
            .await
            .unwrap();
        eprintln!(
            "ExampleBridge.release: {} gas, {:?}",
            outcome.gas_used,
            started.elapsed()
        );
        let after = relayer.chain().balance(recipient).await.unwrap();
        assert_eq!(after - before, amount);
        assert_eq!(
            lock_id,
            keccak256((lock_hash, U256::from(tx_index), U256::ZERO).abi_encode_params())
        );
        let query = releasedCall { lockId: lock_id }.abi_encode();
        let query = json!({"to": bridge, "data": format!("0x{}", hex::encode(query))});
        let answer = dest.rpc("eth_call", json!([query, "latest"])).unwrap();
        assert_eq!(answer.as_str().unwrap(), format!("0x{:064x}", 1));

        // The same lock cannot be released twice.
        let again = relayer
            .chain()
            .bridge_release(bridge, &messages[0])
            .await
            .unwrap_err();
        assert_eq!(again.revert_name(), Some("AlreadyReleased"), "{again}");
        assert_eq!(relayer.chain().balance(recipient).await.unwrap(), after);

        // True logs the bridge must not pay, in one source block: a lock on the rogue locker, and
        // a lock on the real locker naming another destination chain (the source's own id).
        source.rpc("evm_setAutomine", json!([false])).unwrap();
        let mut hashes = Vec::new();
        for (to, destination) in [(rogue, DEST_CHAIN_ID), (locker, SOURCE_CHAIN_ID)] {
            let call = lockCall {
                recipient,
                destinationChainId: U256::from(destination),
                destinationBridge: bridge,
            };
            let tx = json!({
                "from": user,
                "to": to,
                "value": format!("{amount:#x}"),
                "data": format!("0x{}", hex::encode(call.abi_encode())),
            });
            hashes.push(source.rpc("eth_sendTransaction", json!([tx])).unwrap());
        }
        source.rpc("evm_mine", json!([])).unwrap();
        source.rpc("evm_setAutomine", json!([true])).unwrap();
        let mut foreign = Vec::new();
        for hash in &hashes {
            let receipt = source
                .rpc("eth_getTransactionReceipt", json!([hash]))
                .unwrap();
            assert_eq!(receipt["status"], "0x1", "{receipt}");
            foreign.push((
                quantity(&receipt["blockNumber"]),
                quantity(&receipt["transactionIndex"]),
            ));
        }
        let block = foreign[0].0;
        assert_eq!(foreign, vec![(block, 0), (block, 1)]);
        let third = source.finalize(&mut devnet, block).unwrap();
        let rounds = [
            first.clone(),
            rounds[1].clone(),
            second.clone(),
            third.clone(),
        ];
        server.set_data(served_data(&devnet, &rounds).unwrap());
        let Updated::Advanced { to, submitted, .. } = relayer.update_to_latest().await.unwrap()
        else {
            panic!("expected the relayer to follow the devnet's finality");
        };
        assert_eq!(submitted.len(), 1);
        eprintln!("updateState (same period): {} gas", submitted[0].gas_used);
        assert_eq!(
            (to.block_number, to.block_hash),
            (block, third.finalized.block_hash)
        );
        let receipts = execution.block_receipts(block).await.unwrap().value;
        let items = vec![
            claims::receipt_log_item(&receipts, 0, 0).unwrap(),
            claims::receipt_log_item(&receipts, 1, 0).unwrap(),
        ];
        let Attested::Claims(messages) = relayer.prove(items, false).await.unwrap() else {
            panic!("two single claims were requested");
        };
        assert_eq!(messages.len(), 2);
        // LCPClient accepts both proofs: refusing them is the bridge's policy.
        let proven = relayer
            .chain()
            .verify_receipt_log(&messages[0])
            .await
            .unwrap();
        assert_eq!((proven.emitter, proven.txIndex), (rogue, 0));
        let wrong_emitter = relayer
            .chain()
            .bridge_release(bridge, &messages[0])
            .await
            .unwrap_err();
        assert_eq!(
            wrong_emitter.revert_name(),
            Some("WrongEmitter"),
            "{wrong_emitter}"
        );
        let wrong_destination = relayer
            .chain()
            .bridge_release(bridge, &messages[1])
            .await
            .unwrap_err();
        assert_eq!(
            wrong_destination.revert_name(),
            Some("WrongDestination"),
            "{wrong_destination}"
        );
        assert_eq!(relayer.chain().balance(recipient).await.unwrap(), after);
    });
    let _ = std::fs::remove_dir_all(&scratch);
}
