//! `lcp-enclave`: the attested, stateless LCP service (DESIGN.md §3).
//!
//! ```text
//! lcp-enclave --listen vsock:5000 --nsm nitro --network mainnet \
//!             --operator 0x… --chain-id 1 --client-address 0x…
//! lcp-enclave --listen tcp:127.0.0.1:7000 --nsm simulated --network sepolia …
//! ```
//!
//! The enclave key is generated at start-up (NSM randomness on Nitro, OS randomness with the
//! simulated NSM) and exists only in this process's memory.

use alloy_primitives::{Address, B256};
use anyhow::{Context, anyhow, bail};
use attestation_verifier::message::encode::Domain;
use clap::{Parser, ValueEnum};
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet, Minimal, PresetName};
use lcp_enclave::nsm::Nsm;
use lcp_enclave::service::server::{ListenAddr, Listener, serve};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom};
use std::path::PathBuf;
use std::sync::Arc;

/// Which NSM backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum NsmKind {
    /// `/dev/nsm` (inside a Nitro enclave; needs the `nitro` feature).
    Nitro,
    /// A local PKI with AWS-shaped documents (development and tests).
    Simulated,
}

/// The LCP enclave service.
#[derive(Debug, Parser)]
#[command(name = "lcp-enclave", version)]
struct Args {
    /// `vsock:PORT` (in a Nitro enclave) or `tcp:127.0.0.1:PORT` (loopback only).
    #[arg(long)]
    listen: ListenAddr,
    /// NSM backend.
    #[arg(long, value_enum)]
    nsm: NsmKind,
    /// Built-in network: mainnet, sepolia, hoodi, minimal (minimal needs
    /// --genesis-validators-root). Optional with --config.
    #[arg(long)]
    network: Option<String>,
    /// A consensus `config.yaml` (fork versions and epochs); overrides --network.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Genesis validators root (with --config unless the file has it, and with minimal).
    #[arg(long)]
    genesis_validators_root: Option<B256>,
    /// The operator address bound into the attestation (registers the key on chain).
    #[arg(long)]
    operator: Address,
    /// Destination chain id signed into every message.
    #[arg(long)]
    chain_id: u64,
    /// Destination `LCPClient` address signed into every message.
    #[arg(long)]
    client_address: Address,
}

fn chain_spec(args: &Args) -> anyhow::Result<ChainSpec> {
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        return ChainSpec::from_config_yaml(&text, args.genesis_validators_root)
            .with_context(|| path.display().to_string());
    }
    let network = args
        .network
        .as_deref()
        .ok_or_else(|| anyhow!("--network or --config is required"))?;
    if network == "minimal" {
        let root = args
            .genesis_validators_root
            .ok_or_else(|| anyhow!("--network minimal requires --genesis-validators-root"))?;
        return Ok(ChainSpec::minimal(root));
    }
    let mut spec = ChainSpec::named(network).ok_or_else(|| anyhow!("unknown network {network}"))?;
    if let Some(root) = args.genesis_validators_root {
        spec.genesis_validators_root = root;
    }
    Ok(spec)
}

fn open_nsm(kind: NsmKind) -> anyhow::Result<Box<dyn Nsm>> {
    match kind {
        NsmKind::Simulated => {
            let nsm =
                lcp_enclave::nsm::SimulatedNsm::random(lcp_enclave::nsm::simulated::Clock::System)
                    .context("starting the simulated NSM")?;
            tracing::warn!(
                root_der = %hex::encode(nsm.root_der()),
                "SIMULATED NSM: attestation documents chain to this local root, not to AWS"
            );
            Ok(Box::new(OsRandom(nsm)))
        }
        #[cfg(feature = "nitro")]
        NsmKind::Nitro => Ok(Box::new(
            lcp_enclave::nsm::nitro::NitroNsm::open().context("opening /dev/nsm")?,
        )),
        #[cfg(not(feature = "nitro"))]
        NsmKind::Nitro => bail!("built without the `nitro` feature"),
    }
}

fn main() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let spec = chain_spec(&args)?;
    let policy = match spec.preset {
        PresetName::Mainnet => BridgePolicy::two_thirds::<Mainnet>(),
        PresetName::Minimal => BridgePolicy::two_thirds::<Minimal>(),
    };
    if args.chain_id == 0 {
        bail!("--chain-id must not be 0");
    }
    let nsm = open_nsm(args.nsm)?;
    let enclave = Enclave::start(
        nsm,
        EnclaveConfig {
            spec,
            policy,
            operator: args.operator,
            domain: Domain {
                chain_id: args.chain_id,
                client: args.client_address,
            },
        },
    )?;
    tracing::info!(
        key = %enclave.key_address(),
        network_config_hash = %enclave.network_config_hash(),
        "enclave key generated"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        let listener = Listener::bind(args.listen)
            .await
            .with_context(|| format!("binding {:?}", args.listen))?;
        tracing::info!(listen = ?args.listen, "serving");
        serve(listener, Arc::new(enclave)).await?;
        Ok(())
    })
}
