//! `lcp-enclave`: the attested, stateless LCP service (DESIGN.md §3).
//!
//! ```text
//! lcp-enclave --listen vsock:5000 --nsm nitro --network mainnet \
//!             --operator 0x… --chain-id 1 --client-address 0x…
//! lcp-enclave --listen tcp:127.0.0.1:7000 --nsm simulated --network sepolia …
//! lcp-enclave --listen tcp:127.0.0.1:7000 --nsm simulated --sim-seed 0x…(32 bytes) …
//! lcp-enclave --print-sim-identity --sim-seed 0x…
//! ```
//!
//! The enclave key is generated at start-up (NSM randomness on Nitro, OS randomness with the
//! simulated NSM) and exists only in this process's memory. With `--sim-seed` the simulated
//! NSM's PKI and PCRs are a function of the seed, so a restarted development enclave presents
//! the same trust anchor and measurement (with a new key, to be registered again);
//! `--print-sim-identity` prints them without starting, for the deployer to pin.

use alloy_primitives::{Address, B256};
use anyhow::{Context, anyhow, bail};
use attestation_verifier::message::encode::Domain;
use clap::{Parser, ValueEnum};
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet, Minimal, PresetName};
use lcp_enclave::nsm::Nsm;
use lcp_enclave::nsm::simulated::{PinnedIdentity, Seed};
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
    #[arg(long, required_unless_present = "print_sim_identity")]
    listen: Option<ListenAddr>,
    /// NSM backend.
    #[arg(long, value_enum, required_unless_present = "print_sim_identity")]
    nsm: Option<NsmKind>,
    /// Seed (32 bytes, hex) of the simulated NSM's PKI and PCRs: restarts under one seed keep
    /// the trust anchor and measurement (the enclave key is always new). Without it, a random
    /// seed per run.
    #[arg(long, value_parser = parse_seed)]
    sim_seed: Option<Seed>,
    /// Print the simulated identity of --sim-seed (root DER, its SHA-256, PCRs, on-chain
    /// measurement) as JSON and exit.
    #[arg(long, requires = "sim_seed")]
    print_sim_identity: bool,
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
    #[arg(long, required_unless_present = "print_sim_identity")]
    operator: Option<Address>,
    /// Destination chain id signed into every message.
    #[arg(long, required_unless_present = "print_sim_identity")]
    chain_id: Option<u64>,
    /// Destination `LCPClient` address signed into every message.
    #[arg(long, required_unless_present = "print_sim_identity")]
    client_address: Option<Address>,
}

fn parse_seed(text: &str) -> Result<Seed, lcp_enclave::nsm::simulated::SimError> {
    Seed::from_hex(text)
}

/// The JSON `--print-sim-identity` prints: `root_der`, `root_sha256` (the anchor to pin),
/// `pcrs{"0": hex…}`, `measurement` = keccak256(PCR0 ‖ PCR1 ‖ PCR2 ‖ PCR8) as `LCPClient`
/// computes it.
fn print_identity(seed: &Seed) -> anyhow::Result<()> {
    use sha2::Digest;
    let identity = PinnedIdentity::of(seed).context("deriving the simulated identity")?;
    let pcr = |index: u64| {
        identity
            .pcr(index)
            .ok_or_else(|| anyhow!("PCR{index} missing"))
    };
    let mut measurement = Vec::new();
    for index in [0, 1, 2, 8] {
        measurement.extend_from_slice(pcr(index)?);
    }
    let pcrs: serde_json::Map<String, serde_json::Value> = identity
        .pcrs
        .iter()
        .map(|(index, value)| {
            (
                index.to_string(),
                format!("0x{}", hex::encode(value)).into(),
            )
        })
        .collect();
    let json = serde_json::json!({
        "root_der": format!("0x{}", hex::encode(&identity.root_der)),
        "root_sha256": format!("0x{}", hex::encode(sha2::Sha256::digest(&identity.root_der))),
        "pcrs": pcrs,
        "measurement": alloy_primitives::keccak256(&measurement).to_string(),
    });
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{json}").context("writing stdout")?;
    Ok(())
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

fn open_nsm(kind: NsmKind, sim_seed: Option<Seed>) -> anyhow::Result<Box<dyn Nsm>> {
    use lcp_enclave::nsm::SimulatedNsm;
    use lcp_enclave::nsm::simulated::Clock;
    match kind {
        NsmKind::Simulated => {
            let nsm = match sim_seed {
                Some(seed) => SimulatedNsm::restartable(seed, Clock::System),
                None => SimulatedNsm::random(Clock::System),
            }
            .context("starting the simulated NSM")?;
            tracing::warn!(
                root_der = %hex::encode(nsm.root_der()),
                pinned = sim_seed.is_some(),
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
    if args.print_sim_identity {
        let seed = args
            .sim_seed
            .ok_or_else(|| anyhow!("--sim-seed is required"))?;
        return print_identity(&seed);
    }
    let (Some(listen), Some(nsm_kind), Some(operator), Some(chain_id), Some(client_address)) = (
        args.listen,
        args.nsm,
        args.operator,
        args.chain_id,
        args.client_address,
    ) else {
        bail!("--listen, --nsm, --operator, --chain-id and --client-address are required");
    };
    if args.sim_seed.is_some() && nsm_kind != NsmKind::Simulated {
        bail!("--sim-seed applies to --nsm simulated only");
    }
    let spec = chain_spec(&args)?;
    let policy = match spec.preset {
        PresetName::Mainnet => BridgePolicy::two_thirds::<Mainnet>(),
        PresetName::Minimal => BridgePolicy::two_thirds::<Minimal>(),
    };
    if chain_id == 0 {
        bail!("--chain-id must not be 0");
    }
    let nsm = open_nsm(nsm_kind, args.sim_seed)?;
    let enclave = Enclave::start(
        nsm,
        EnclaveConfig {
            spec,
            policy,
            operator,
            domain: Domain {
                chain_id,
                client: client_address,
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
        let listener = Listener::bind(listen)
            .await
            .with_context(|| format!("binding {listen:?}"))?;
        tracing::info!(?listen, "serving");
        serve(listener, Arc::new(enclave)).await?;
        Ok(())
    })
}
