//! `lcp relay --config relayer.toml [--once] [--json]`: the relayer daemon (issue 7).
//!
//! Connects the beacon nodes, the enclave and the chain of the config file, resumes from the
//! chain's state (cache or deterministic rebuild), then follows finality: one `updateState` per
//! new finalized header (period updates aggregated), key registration after an enclave restart
//! and before expiry, misbehaviour evidence when nodes serve conflicting signed headers.
//! `--once` runs one step and exits (cron, tests).

use super::output::{Report, finish, hex0x};
use super::relay_config::RelayerConfig;
use crate::chain::LcpChain;
use crate::enclave::{ConnectionOptions, EnclaveAddr, EnclaveConnection, SimulatedEnclave};
use crate::relayer::adapters::BeaconSources;
use crate::relayer::daemon::{self, DaemonOptions};
use crate::relayer::{PeriodLength, Relayer, RelayerOptions, Resumed, Updated};
use alloy_signer_local::PrivateKeySigner;
use anyhow::Context;
use clap::Args;
use lcp_enclave::light_client::config::{ChainSpec, PresetName};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `lcp relay`.
#[derive(Debug, Args)]
pub struct RelayArgs {
    /// The configuration file (see lcp-client/relayer.example.toml).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Run one step (resume, register, follow finality once) and exit.
    #[arg(long)]
    pub once: bool,
    /// Print one JSON object on stdout when done.
    #[arg(long)]
    pub json: bool,
}

/// The relayer a config file describes.
pub type ConfiguredRelayer = Relayer<BeaconSources, LcpChain>;

/// Installs the stderr log subscriber (`RUST_LOG`, default `info`); idempotent.
pub fn init_logging() {
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
}

/// Connects what `config` names.
///
/// # Errors
/// Bad settings, an unreachable chain, a missing signer key.
pub async fn connect(config: &RelayerConfig) -> anyhow::Result<ConfiguredRelayer> {
    let spec = ChainSpec::named(&config.network)
        .with_context(|| format!("unknown network {}", config.network))?;
    let period_length = match spec.preset {
        PresetName::Mainnet => PeriodLength::MAINNET,
        PresetName::Minimal => PeriodLength::MINIMAL,
    };
    let signer = PrivateKeySigner::from_bytes(&config.signer_key()?)
        .context("the signer key is not a valid secp256k1 key")?;
    let chain = LcpChain::connect(&config.chain.rpc_url, signer, config.chain.client_address)
        .await
        .context("connecting to the chain")?;
    let enclave = match config.enclave.address {
        EnclaveAddr::InProcess => {
            tracing::warn!("in-process SIMULATED enclave: development only");
            SimulatedEnclave::start(spec, chain.sender(), chain.domain(), config.sim_seed()?)?
                .connection()
        }
        addr => EnclaveConnection::remote(addr, ConnectionOptions::default())?,
    };
    let beacon = BeaconSources::new(config.beacon.urls.clone(), config.beacon.options)?;
    let options = RelayerOptions {
        trusted_root: config.trusted_root,
        period_length,
        cache_path: config.state.cache.clone(),
        renew_before_secs: config.polling.renew_before.as_secs(),
        rejection_attempts: config.polling.rejection_attempts,
        progress: true,
    };
    Ok(Relayer::new(enclave, beacon, chain, options))
}

/// Runs `lcp relay`.
pub fn run(args: &RelayArgs) -> ExitCode {
    init_logging();
    finish(super::runtime::block_on(relay(args)), args.json)
}

async fn relay(args: &RelayArgs) -> anyhow::Result<Report> {
    let config = RelayerConfig::load(&args.config)?;
    let mut relayer = connect(&config).await?;
    let resumed = relayer.resume().await?;
    tracing::info!(?resumed, "state resumed");
    let options = DaemonOptions {
        poll_interval: config.polling.interval,
        error_backoff: config.polling.error_backoff,
        once: args.once,
        max_consecutive_errors: None,
        watch_misbehaviour: config.polling.watch_misbehaviour,
    };
    let shutdown = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let report = daemon::run(&mut relayer, options, shutdown).await?;
    let mut out = Report::default();
    let resumed_text = match &resumed {
        Resumed::Initialised(s) => format!("initialised (tx {}, gas {})", s.tx_hash, s.gas_used),
        Resumed::InMemory => "in memory".to_owned(),
        Resumed::Cache => "from the state cache".to_owned(),
        Resumed::Rebuilt { requests } => format!("rebuilt in {requests} enclave requests"),
    };
    out.field("resumed", resumed_text.clone())
        .field("steps", report.steps)
        .field("advanced", report.advanced)
        .field("errors", report.errors);
    out.line(format!("resumed: {resumed_text}")).line(format!(
        "steps: {}, advanced: {}, errors: {}",
        report.steps, report.advanced, report.errors
    ));
    if let Some(state) = relayer.state() {
        out.field(
            "state",
            json!({
                "state_id": hex0x(state.state_id),
                "finalized_slot": state.finalized.slot,
                "block_number": state.finalized.block_number,
                "block_hash": hex0x(state.finalized.block_hash),
            }),
        );
        out.line(format!(
            "state {}: slot {}, block {} ({})",
            state.state_id,
            state.finalized.slot,
            state.finalized.block_number,
            state.finalized.block_hash
        ));
    }
    if let Some(Updated::Advanced { submitted, .. }) = &report.last {
        let gas: Vec<u64> = submitted.iter().map(|s| s.gas_used).collect();
        out.field("last_update_gas", gas.clone());
        out.line(format!("last updateState gas: {gas:?}"));
    }
    Ok(out)
}
