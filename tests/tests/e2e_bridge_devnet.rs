//! The full bridge loop through the relayer on anvil: `ExampleLocker.lock` emits `Locked` on
//! anvil, the devnet beacon chain (our own sync committee, real BLS/SSZ) finalizes that block, the
//! relayer follows finality into `LCPClient` (one `updateState`), has the enclave prove the
//! `Locked` receipt log, and `ExampleBridge.release` pays the recipient, once.
//!
//! anvil is both the "source" execution chain and the destination chain here (the locker and the
//! bridge live side by side). This is devnet data, not mainnet evidence (docs/notes/devnet.md).
//! Skipped without anvil, except under `CI`.

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, U256, keccak256};
use alloy_sol_types::{SolCall, sol};
use lcp_client::chain::anvil::dev_signer;
use lcp_client::chain::{BridgeSetup, DeployConfig, LcpChain};
use lcp_client::enclave::{Attested, SimulatedEnclave};
use lcp_client::relayer::ports::{Fetched, LightClientSource, PortError};
use lcp_client::relayer::{PeriodLength, Relayer, RelayerOptions, Resumed, Updated};
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{Fork, Minimal};
use lcp_enclave::nsm::simulated::{PinnedIdentity, Seed};
use lcp_enclave::service::protocol::LcObject;
use lcp_tests::devnet::anvil::{self, Anvil};
use lcp_tests::devnet::{self as dn, Devnet, DevnetRound};
use serde_json::{Value, json};
use std::sync::Mutex;

const DEVNET_SEED: [u8; 32] = [0x5e; 32];
const SIM_SEED: [u8; 32] = [0x3c; 32];

sol! {
    function lock(address recipient, uint256 destinationChainId, address destinationBridge) external payable;
}

fn quantity(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// The devnet's light-client objects as served by a beacon node: the first round's bootstrap, every
/// round's period updates, the latest round's finality update.
struct DevnetBeacon {
    rounds: Mutex<Vec<DevnetRound>>,
}

impl DevnetBeacon {
    fn latest(&self) -> DevnetRound {
        self.rounds.lock().unwrap().last().unwrap().clone()
    }
}

fn fetched<T>(value: T) -> Fetched<T> {
    Fetched {
        value,
        endpoint: "devnet".into(),
    }
}

impl LightClientSource for DevnetBeacon {
    async fn bootstrap(&self, _root: B256) -> Result<Fetched<LcObject>, PortError> {
        let first = self.rounds.lock().unwrap().first().unwrap().clone();
        Ok(fetched(LcObject::Json(first.bootstrap.unwrap())))
    }
    async fn updates(&self, start: u64, count: u64) -> Result<Fetched<Vec<LcObject>>, PortError> {
        let rounds = self.rounds.lock().unwrap().clone();
        let updates = rounds
            .iter()
            .flat_map(|r| r.updates.iter().cloned())
            .filter(|u| {
                let slot: u64 = u["data"]["attested_header"]["beacon"]["slot"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                let period = PeriodLength::MINIMAL.period(slot);
                period >= start && period < start + count
            })
            .map(LcObject::Json)
            .collect();
        Ok(fetched(updates))
    }
    async fn finality_update(&self) -> Result<Fetched<LcObject>, PortError> {
        Ok(fetched(LcObject::Json(self.latest().finality_update)))
    }
    async fn finality_update_each(&self) -> Vec<Result<Fetched<LcObject>, PortError>> {
        vec![self.finality_update().await]
    }
    async fn block(&self, block_id: &str) -> Result<Fetched<Value>, PortError> {
        Err(format!("the devnet serves no beacon block {block_id}").into())
    }
    fn report_rejected(&self, endpoint: &str, reason: &str) {
        panic!("the devnet's data was refused ({endpoint}): {reason}");
    }
}

#[test]
fn locked_on_anvil_is_released_by_the_bridge_through_the_relayer() {
    if !anvil::binary().is_file() {
        if std::env::var_os("CI").is_some() {
            panic!("anvil is required under CI");
        }
        eprintln!("SKIPPED e2e_bridge_devnet: anvil not installed (scripts/install-toolchain.sh)");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Osaka: the destination chain's rules (EIP-7825 cap, MODEXP repricing); its execution header
    // is Prague's, which the Electra devnet commits to.
    let node = Anvil::spawn("osaka").unwrap();
    let from = node.rpc("eth_accounts", json!([])).unwrap()[0]
        .as_str()
        .unwrap()
        .to_owned();
    let mut devnet = Devnet::new(DEVNET_SEED, Fork::Electra).unwrap();
    // The checkpoint: block 1 finalized (block 2 attested).
    node.rpc("evm_mine", json!([])).unwrap();
    let first = node.finalize(&mut devnet, 1).unwrap();

    let signer = dev_signer(0).unwrap();
    let operator = signer.address();
    let identity = PinnedIdentity::of(&Seed(SIM_SEED)).unwrap();
    let mut preimage = Vec::new();
    for index in [0, 1, 2, 8] {
        preimage.extend_from_slice(identity.pcr(index).unwrap());
    }
    let config_hash = devnet.network_config_hash(&BridgePolicy::two_thirds::<Minimal>());
    let deploy = DeployConfig {
        root_der: identity.root_der.clone(),
        measurements: vec![keccak256(&preimage)],
        operators: vec![operator],
        bridge: BridgeSetup::WithLocalLocker,
        ..DeployConfig::new(config_hash, first.trusted_root)
    };
    let (chain, deployment) = runtime
        .block_on(LcpChain::deploy(&node.url(), signer, &deploy))
        .unwrap();
    let (bridge, locker) = (deployment.bridge.unwrap(), deployment.locker.unwrap());
    let funding = U256::from(5u64) * U256::from(10u64).pow(U256::from(18u64));
    node.send_transaction(json!({"from": from, "to": bridge, "value": format!("{funding:#x}")}))
        .unwrap();

    let enclave = SimulatedEnclave::start(
        devnet.spec().clone(),
        operator,
        chain.domain(),
        Some(SIM_SEED),
    )
    .unwrap();
    let beacon = DevnetBeacon {
        rounds: Mutex::new(vec![first.clone()]),
    };
    let options = RelayerOptions {
        period_length: PeriodLength::MINIMAL,
        progress: false,
        ..RelayerOptions::new(first.trusted_root)
    };
    let mut relayer = Relayer::new(enclave.connection(), beacon, chain, options);
    runtime.block_on(async {
        assert!(matches!(
            relayer.resume().await.unwrap(),
            Resumed::Initialised(_)
        ));
    });

    // Lock 1 ETH for `recipient` on this chain's bridge.
    let recipient = Address::repeat_byte(0xab);
    let amount = U256::from(10u64).pow(U256::from(18u64));
    let call = lockCall {
        recipient,
        destinationChainId: U256::from(relayer.chain().domain().chain_id),
        destinationBridge: bridge,
    };
    let receipt = node
        .send_transaction(json!({
            "from": from,
            "to": locker,
            "value": format!("{amount:#x}"),
            "data": format!("0x{}", hex::encode(call.abi_encode())),
        }))
        .unwrap();
    let number = quantity(&receipt["blockNumber"]);
    let tx_index = quantity(&receipt["transactionIndex"]);
    let second = node.finalize(&mut devnet, number).unwrap();
    relayer.source().rounds.lock().unwrap().push(second.clone());
    let receipts = node.block_receipts(number).unwrap();
    let item =
        dn::receipt_log_item(&receipts, second.finalized.receipts_root, tx_index, 0).unwrap();

    runtime.block_on(async {
        let Updated::Advanced { to, submitted, .. } = relayer.update_to_latest().await.unwrap()
        else {
            panic!("expected the relayer to follow the devnet's finality");
        };
        assert_eq!(submitted.len(), 1);
        assert_eq!(
            (to.block_number, to.block_hash),
            (number, second.finalized.block_hash)
        );
        let chain_state = relayer.chain().state().await.unwrap();
        assert_eq!(chain_state.latest_block_hash, second.finalized.block_hash);

        let Attested::Claims(messages) = relayer.prove(vec![item], false).await.unwrap() else {
            panic!("single claim requested");
        };
        let before = relayer.chain().balance(recipient).await.unwrap();
        let (lock_id, outcome) = relayer
            .chain()
            .bridge_release(bridge, &messages[0])
            .await
            .unwrap();
        assert!(!lock_id.is_zero());
        let after = relayer.chain().balance(recipient).await.unwrap();
        assert_eq!(after - before, amount);
        eprintln!(
            "ExampleBridge.release gas {}, updateState gas {}",
            outcome.gas_used, submitted[0].gas_used
        );
        // The same lock cannot be released twice.
        let again = relayer
            .chain()
            .bridge_release(bridge, &messages[0])
            .await
            .unwrap_err();
        assert_eq!(again.revert_name(), Some("AlreadyReleased"), "{again}");
    });
}
