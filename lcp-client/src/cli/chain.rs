//! `lcp chain deploy|register|state`: the destination-chain operations of `lcp_client::chain` for
//! operators, without forge (the contracts come from the checked-in `solidity/artifacts/`).
//!
//! The sending key is read from `LCP_CHAIN_KEY` (hex) or `--key-file` (raw, hex or base64 32 bytes),
//! never from the command line, where it would land in shell history and process listings.

use super::input::read_bytes;
use super::output::{Report, finish, hex0x};
use crate::chain::{BridgeSetup, ChainState, DeployConfig, LcpChain};
use alloy_primitives::{Address, B256, keccak256};
use alloy_signer_local::PrivateKeySigner;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

/// Environment variable holding the sender's private key (hex).
pub const KEY_ENV: &str = "LCP_CHAIN_KEY";

/// `lcp chain …`.
#[derive(Debug, Subcommand)]
pub enum ChainCommand {
    /// Deploy NitroAttestationVerifier + LCPClient (and the example bridge) and allowlist
    /// measurements and operators; the sender becomes the owner.
    Deploy(DeployArgs),
    /// Register the enclave key an attestation document binds (one transaction, P-384 proofs
    /// computed here); the sender must be the operator named in the document.
    Register(RegisterArgs),
    /// Print LCPClient's state: state id, latest block, frozen, threshold, keys.
    State(StateArgs),
}

/// Where and as whom.
#[derive(Debug, Args)]
pub struct Connection {
    /// JSON-RPC endpoint of the destination chain.
    #[arg(long)]
    pub rpc: String,
    /// File with the sender's private key (else `LCP_CHAIN_KEY`).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `lcp chain deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Endpoint, key, output.
    #[command(flatten)]
    pub connection: Connection,
    /// keccak256 of the network config the enclaves attest (`lcp enclave info` prints it).
    #[arg(long)]
    pub network_config_hash: B256,
    /// The weak-subjectivity beacon block root the init message must name.
    #[arg(long)]
    pub trusted_root: B256,
    /// Trust anchor certificate (DER, hex or base64); default AWS Root-G1.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// An allowed measurement, keccak256(pcr0 ‖ pcr1 ‖ pcr2 [‖ pcr8]) (repeatable).
    #[arg(long = "measurement")]
    pub measurements: Vec<B256>,
    /// An allowed operator (repeatable).
    #[arg(long = "operator")]
    pub operators: Vec<Address>,
    /// Distinct operators that must sign each message.
    #[arg(long, default_value_t = 1)]
    pub threshold: u8,
    /// Key lifetime from registration, seconds (≤ 30 days).
    #[arg(long, default_value_t = 86_400)]
    pub key_ttl: u64,
    /// Maximum attestation age at registration, seconds (≤ 1 hour).
    #[arg(long, default_value_t = 600)]
    pub max_age: u64,
    /// Deploy ExampleBridge for this source-chain ExampleLocker.
    #[arg(long, conflicts_with = "local_locker")]
    pub bridge_locker: Option<Address>,
    /// Deploy ExampleLocker here too and ExampleBridge for it.
    #[arg(long)]
    pub local_locker: bool,
}

/// Arguments of `lcp chain register`.
#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Endpoint, key, output.
    #[command(flatten)]
    pub connection: Connection,
    /// The LCPClient address.
    #[arg(long)]
    pub client: Address,
    /// The attestation document (COSE_Sign1: raw, hex or base64).
    pub document: PathBuf,
}

/// Arguments of `lcp chain state`.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// Endpoint, key (optional: reads need no funds), output.
    #[command(flatten)]
    pub connection: Connection,
    /// The LCPClient address.
    #[arg(long)]
    pub client: Address,
}

/// Runs `lcp chain …`.
pub fn run(command: ChainCommand) -> ExitCode {
    let json = match &command {
        ChainCommand::Deploy(a) => a.connection.json,
        ChainCommand::Register(a) => a.connection.json,
        ChainCommand::State(a) => a.connection.json,
    };
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio runtime")
        .and_then(|runtime| {
            runtime.block_on(async {
                match command {
                    ChainCommand::Deploy(args) => deploy(&args).await,
                    ChainCommand::Register(args) => register(&args).await,
                    ChainCommand::State(args) => state(&args).await,
                }
            })
        });
    finish(outcome, json)
}

/// The sender's key: `--key-file`, else `LCP_CHAIN_KEY`; `required = false` falls back to a fixed
/// unfunded key (for reads).
fn signer(connection: &Connection, required: bool) -> anyhow::Result<PrivateKeySigner> {
    let bytes = match (&connection.key_file, std::env::var(KEY_ENV)) {
        (Some(path), _) => read_bytes(path)?,
        (None, Ok(hex)) => hex::decode(hex.trim().trim_start_matches("0x"))
            .with_context(|| format!("{KEY_ENV} is not hex"))?,
        (None, Err(_)) if !required => keccak256(b"lcp chain read-only caller").to_vec(),
        (None, Err(_)) => bail!("no sender key: set {KEY_ENV} or pass --key-file"),
    };
    let key = B256::try_from(bytes.as_slice()).context("the private key must be 32 bytes")?;
    PrivateKeySigner::from_bytes(&key).context("invalid secp256k1 private key")
}

async fn deploy(args: &DeployArgs) -> anyhow::Result<Report> {
    let mut config = DeployConfig::new(args.network_config_hash, args.trusted_root);
    if let Some(path) = &args.root {
        config.root_der = read_bytes(path)?;
    }
    config.measurements = args.measurements.clone();
    config.operators = args.operators.clone();
    config.threshold = args.threshold;
    config.key_ttl_secs = args.key_ttl;
    config.max_attestation_age_secs = args.max_age;
    config.bridge = match (args.bridge_locker, args.local_locker) {
        (Some(locker), _) => BridgeSetup::SourceLocker(locker),
        (None, true) => BridgeSetup::WithLocalLocker,
        (None, false) => BridgeSetup::None,
    };
    let signer = signer(&args.connection, true)?;
    let (chain, d) = LcpChain::deploy(&args.connection.rpc, signer, &config).await?;
    let mut report = Report::default();
    report.line(format!("chain {}", d.chain_id));
    report.line(format!("NitroAttestationVerifier {}", d.verifier));
    report.line(format!("LCPClient {}", d.client));
    if let Some(bridge) = d.bridge {
        report.line(format!("ExampleBridge {bridge}"));
    }
    if let Some(locker) = d.locker {
        report.line(format!("ExampleLocker {locker}"));
    }
    let mut txs = Vec::new();
    for t in &d.transactions {
        report.line(format!(
            "  {}: {} gas, tx {}",
            t.label, t.outcome.gas_used, t.outcome.tx_hash
        ));
        txs.push(json!({"label": t.label, "gas_used": t.outcome.gas_used, "tx_hash": hex0x(t.outcome.tx_hash)}));
    }
    let address = |a: Option<Address>| a.map(|a| Value::String(a.to_string().to_lowercase()));
    report
        .field("chain_id", d.chain_id)
        .field("verifier", d.verifier.to_string().to_lowercase())
        .field("client", d.client.to_string().to_lowercase())
        .field("bridge", address(d.bridge).unwrap_or(Value::Null))
        .field("locker", address(d.locker).unwrap_or(Value::Null))
        .field("owner", chain.sender().to_string().to_lowercase())
        .field("transactions", Value::Array(txs))
        .field("total_gas", d.total_gas());
    Ok(report)
}

async fn register(args: &RegisterArgs) -> anyhow::Result<Report> {
    let document = read_bytes(&args.document)?;
    let signer = signer(&args.connection, true)?;
    let chain = LcpChain::connect(&args.connection.rpc, signer, args.client).await?;
    let registration = chain.register_enclave_key(&document).await?;
    let record = chain.enclave_key(registration.key).await?;
    let mut report = Report::default();
    report.line(format!(
        "registered enclave key {} (operator {}, valid before {}): {} gas, tx {}",
        registration.key,
        record.operator,
        record.expiry,
        registration.outcome.gas_used,
        registration.outcome.tx_hash
    ));
    report
        .field("key", registration.key.to_string().to_lowercase())
        .field("operator", record.operator.to_string().to_lowercase())
        .field("expiry", record.expiry)
        .field("gas_used", registration.outcome.gas_used)
        .field("tx_hash", hex0x(registration.outcome.tx_hash));
    Ok(report)
}

async fn state(args: &StateArgs) -> anyhow::Result<Report> {
    let signer = signer(&args.connection, false)?;
    let chain = LcpChain::connect(&args.connection.rpc, signer, args.client).await?;
    let s: ChainState = chain.state().await?;
    let mut report = Report::default();
    report.line(format!(
        "LCPClient {} at block {} (time {})",
        args.client, s.at_block, s.at_timestamp
    ));
    report.line(format!(
        "  state id {}{}",
        s.state_id,
        if s.is_initialized() {
            ""
        } else {
            " (not initialized)"
        }
    ));
    report.line(format!(
        "  latest block {} {} (timestamp {})",
        s.latest_block_number, s.latest_block_hash, s.latest_timestamp
    ));
    report.line(format!(
        "  frozen {}, threshold {}, owner {}",
        s.frozen, s.threshold, s.owner
    ));
    report.line(format!(
        "  trusted root {}, network config {}",
        s.trusted_root, s.network_config_hash
    ));
    report.line(format!(
        "  key TTL {} s, max attestation age {} s",
        s.key_ttl, s.max_attestation_age
    ));
    let mut keys = Vec::new();
    for k in &s.keys {
        let live = k.is_live(s.at_timestamp);
        report.line(format!(
            "  key {} operator {} expiry {}{}{}",
            k.key,
            k.operator,
            k.expiry,
            if k.revoked { " revoked" } else { "" },
            if live { " (live)" } else { "" }
        ));
        keys.push(json!({
            "key": k.key.to_string().to_lowercase(),
            "operator": k.operator.to_string().to_lowercase(),
            "expiry": k.expiry,
            "revoked": k.revoked,
            "live": live,
        }));
    }
    report
        .field("at_block", s.at_block)
        .field("at_timestamp", s.at_timestamp)
        .field("state_id", hex0x(s.state_id))
        .field("initialized", s.is_initialized())
        .field("latest_block_number", s.latest_block_number)
        .field("latest_block_hash", hex0x(s.latest_block_hash))
        .field("latest_timestamp", s.latest_timestamp)
        .field("frozen", s.frozen)
        .field("threshold", s.threshold)
        .field("trusted_root", hex0x(s.trusted_root))
        .field("network_config_hash", hex0x(s.network_config_hash))
        .field("owner", s.owner.to_string().to_lowercase())
        .field("key_ttl", s.key_ttl)
        .field("max_attestation_age", s.max_attestation_age)
        .field("keys", Value::Array(keys));
    Ok(report)
}
