//! Deploying `NitroAttestationVerifier`, `LCPClient` and the example bridge from the checked-in
//! artifacts, then allowlisting measurements and operators: no forge needed.

use super::bindings::{ExampleBridge, ExampleLocker, LCPClient, NitroAttestationVerifier};
use super::error::ChainError;
use super::tx::{self, TxOutcome};
use alloy_primitives::{Address, B256};
use alloy_provider::DynProvider;
use alloy_rpc_types_eth::TransactionRequest;
use attestation_verifier::nitro::AWS_ROOT_G1_DER;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Whether and how to deploy the example bridge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BridgeSetup {
    /// No bridge.
    None,
    /// Deploy `ExampleLocker` on this chain too and point the bridge at it (single-chain tests
    /// and devnets where the "source" locker lives on the same chain).
    WithLocalLocker,
    /// Deploy the bridge for a locker on the source chain.
    SourceLocker(Address),
}

/// What to deploy with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployConfig {
    /// DER of the attestation trust anchor; the verifier pins its SHA-256. AWS Root-G1 by default,
    /// the simulated NSM's root for tests and the demo.
    pub root_der: Vec<u8>,
    /// Owner of the verifier's certificate cache (revocations); `None`: the deployer.
    pub verifier_owner: Option<Address>,
    /// Allowed PCR measurements, `keccak256(pcr0 ‖ pcr1 ‖ pcr2 [‖ pcr8])`
    /// (`attestation_verifier::message::binding::measurement`, = `LCPClient.computeMeasurement`).
    pub measurements: Vec<B256>,
    /// Allowed operators (each registers its own enclaves' keys).
    pub operators: Vec<Address>,
    /// Distinct operators that must sign each message.
    pub threshold: u8,
    /// Key lifetime from registration, seconds (≤ 30 days).
    pub key_ttl_secs: u64,
    /// Maximum attestation age at registration, seconds (≤ 1 hour).
    pub max_attestation_age_secs: u64,
    /// The network-config hash the enclaves attest (`lcp_enclave::state_id::network_config_hash`).
    pub network_config_hash: B256,
    /// The weak-subjectivity beacon block root the init message must name.
    pub trusted_root: B256,
    /// The example bridge.
    pub bridge: BridgeSetup,
}

impl DeployConfig {
    /// A config with AWS Root-G1 as trust anchor, threshold 1, one-day keys, ten-minute
    /// attestation age, no bridge; measurements and operators empty.
    pub fn new(network_config_hash: B256, trusted_root: B256) -> DeployConfig {
        DeployConfig {
            root_der: AWS_ROOT_G1_DER.to_vec(),
            verifier_owner: None,
            measurements: Vec::new(),
            operators: Vec::new(),
            threshold: 1,
            key_ttl_secs: 86_400,
            max_attestation_age_secs: 600,
            network_config_hash,
            trusted_root,
            bridge: BridgeSetup::None,
        }
    }
}

/// One deployment or configuration transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeployedTx {
    /// What it did (`deploy NitroAttestationVerifier`, `setOperator 0x…`).
    pub label: String,
    /// The transaction.
    pub outcome: TxOutcome,
}

/// The deployed contracts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// Chain id.
    pub chain_id: u64,
    /// `NitroAttestationVerifier`.
    pub verifier: Address,
    /// `LCPClient`.
    pub client: Address,
    /// `ExampleBridge`, if deployed.
    pub bridge: Option<Address>,
    /// `ExampleLocker`, if deployed here.
    pub locker: Option<Address>,
    /// Every transaction, in order, with its gas.
    pub transactions: Vec<DeployedTx>,
}

impl Deployment {
    /// Total gas of all deployment and configuration transactions.
    pub fn total_gas(&self) -> u64 {
        self.transactions
            .iter()
            .fold(0u64, |sum, t| sum.saturating_add(t.outcome.gas_used))
    }
}

struct Deployer<'a> {
    provider: &'a DynProvider,
    sender: Address,
    timeout: Duration,
    transactions: Vec<DeployedTx>,
}

impl Deployer<'_> {
    async fn send(
        &mut self,
        call: &'static str,
        label: String,
        request: TransactionRequest,
    ) -> Result<TxOutcome, ChainError> {
        let outcome = tx::send(
            self.provider,
            self.sender,
            call,
            request,
            None,
            self.timeout,
        )
        .await?;
        self.transactions.push(DeployedTx { label, outcome });
        Ok(outcome)
    }

    async fn create(
        &mut self,
        contract: &'static str,
        call: &'static str,
        request: TransactionRequest,
    ) -> Result<Address, ChainError> {
        let outcome = self
            .send(call, format!("deploy {contract}"), request)
            .await?;
        outcome
            .contract_address
            .ok_or(ChainError::NoContractAddress {
                contract,
                tx_hash: outcome.tx_hash,
            })
    }
}

/// Deploys and configures everything `config` names; the deployer becomes `LCPClient`'s owner.
pub(crate) async fn deploy(
    provider: &DynProvider,
    sender: Address,
    chain_id: u64,
    timeout: Duration,
    config: &DeployConfig,
) -> Result<Deployment, ChainError> {
    let mut d = Deployer {
        provider,
        sender,
        timeout,
        transactions: Vec::new(),
    };
    let root_sha256 = B256::from_slice(&Sha256::digest(&config.root_der));
    let request = NitroAttestationVerifier::deploy_builder(
        provider.clone(),
        root_sha256,
        config.verifier_owner.unwrap_or(sender),
    )
    .into_transaction_request();
    let verifier = d
        .create(
            "NitroAttestationVerifier",
            "deploy NitroAttestationVerifier",
            request,
        )
        .await?;

    let request = LCPClient::deploy_builder(
        provider.clone(),
        verifier,
        config.network_config_hash,
        config.trusted_root,
        config.threshold,
        config.key_ttl_secs,
        config.max_attestation_age_secs,
    )
    .into_transaction_request();
    let client = d.create("LCPClient", "deploy LCPClient", request).await?;

    let instance = LCPClient::new(client, provider.clone());
    for measurement in &config.measurements {
        let request = instance
            .setMeasurement(*measurement, true)
            .into_transaction_request();
        d.send(
            "LCPClient.setMeasurement",
            format!("setMeasurement {measurement}"),
            request,
        )
        .await?;
    }
    for operator in &config.operators {
        let request = instance
            .setOperator(*operator, true)
            .into_transaction_request();
        d.send(
            "LCPClient.setOperator",
            format!("setOperator {operator}"),
            request,
        )
        .await?;
    }

    let (bridge, locker) = match config.bridge {
        BridgeSetup::None => (None, None),
        BridgeSetup::WithLocalLocker => {
            let request =
                ExampleLocker::deploy_builder(provider.clone()).into_transaction_request();
            let locker = d
                .create("ExampleLocker", "deploy ExampleLocker", request)
                .await?;
            let request = ExampleBridge::deploy_builder(provider.clone(), client, locker)
                .into_transaction_request();
            let bridge = d
                .create("ExampleBridge", "deploy ExampleBridge", request)
                .await?;
            (Some(bridge), Some(locker))
        }
        BridgeSetup::SourceLocker(locker) => {
            let request = ExampleBridge::deploy_builder(provider.clone(), client, locker)
                .into_transaction_request();
            let bridge = d
                .create("ExampleBridge", "deploy ExampleBridge", request)
                .await?;
            (Some(bridge), None)
        }
    };
    Ok(Deployment {
        chain_id,
        verifier,
        client,
        bridge,
        locker,
        transactions: d.transactions,
    })
}
