//! `lcp enclave info --enclave ADDR [--root CERT | --sim-seed HEX] [--pcr N=HEX]… [--allow-debug]
//! [--json]`: connects to an enclave, asks `Info`, verifies the attestation document with the
//! reference verifier and checks the DESIGN.md §3 binding (`user_data` names the attested key).

use super::attestation::{parse_pcr, read_certificate};
use super::output::{Report, finish, hex0x};
use crate::enclave::{ConnectionOptions, EnclaveAddr, EnclaveConnection, SimulatedEnclave};
use alloy_primitives::Address;
use anyhow::{Context, ensure};
use attestation_verifier::message::binding::UserData;
use attestation_verifier::message::encode::Domain;
use attestation_verifier::nitro::{self, PcrPolicy, TrustAnchor, VerificationOptions};
use attestation_verifier::time::UnixSeconds;
use clap::{Args, Subcommand};
use lcp_enclave::enclave_key::address_of;
use lcp_enclave::light_client::config::ChainSpec;
use lcp_enclave::nsm::simulated::PinnedIdentity;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

/// `lcp enclave …`.
#[derive(Debug, Subcommand)]
pub enum EnclaveCommand {
    /// Connect, print the enclave key and verify its attestation and binding.
    Info(InfoArgs),
}

/// Arguments of `lcp enclave info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// `tcp:HOST:PORT`, `vsock:CID:PORT`, or `in-process` (a simulated enclave in this process).
    #[arg(long, value_name = "ADDR")]
    pub enclave: EnclaveAddr,
    /// Trust anchor, PEM or DER (default: the AWS Nitro Enclaves Root-G1).
    #[arg(long, value_name = "CERT", conflicts_with = "sim_seed")]
    pub root: Option<PathBuf>,
    /// The enclave runs the simulated NSM under this seed (`lcp-enclave --sim-seed`): trust its
    /// pinned root and expect its PCR0/1/2. For `in-process`, start it with this seed.
    #[arg(long, value_name = "HEX32", value_parser = parse_seed)]
    pub sim_seed: Option<[u8; 32]>,
    /// Expected PCR value, `N=HEX` (repeatable).
    #[arg(long = "pcr", value_name = "N=HEX", value_parser = parse_pcr)]
    pub pcrs: Vec<(u8, Vec<u8>)>,
    /// Accept a debug-mode enclave (PCR0 all zeros).
    #[arg(long)]
    pub allow_debug: bool,
    /// Network of an `in-process` enclave.
    #[arg(long, default_value = "mainnet")]
    pub network: String,
    /// Destination chain id of an `in-process` enclave.
    #[arg(long, default_value_t = 1)]
    pub chain_id: u64,
    /// Destination `LCPClient` of an `in-process` enclave.
    #[arg(long, default_value_t = Address::ZERO)]
    pub client_address: Address,
    /// Operator of an `in-process` enclave.
    #[arg(long, default_value_t = Address::ZERO)]
    pub operator: Address,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `--sim-seed`: 32 bytes of hex.
///
/// # Errors
/// Not 64 hex digits.
pub fn parse_seed(text: &str) -> Result<[u8; 32], String> {
    let digits = text.trim();
    let digits = digits.strip_prefix("0x").unwrap_or(digits);
    let bytes = hex::decode(digits).map_err(|e| format!("seed is not hex: {e}"))?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| format!("seed is {} bytes, expected 32", bytes.len()))
}

/// Runs `lcp enclave …`.
pub fn run(command: EnclaveCommand) -> ExitCode {
    match command {
        EnclaveCommand::Info(args) => {
            let json = args.json;
            finish(super::runtime::block_on(info(&args)), json)
        }
    }
}

fn connection(args: &InfoArgs) -> anyhow::Result<(EnclaveConnection, Option<SimulatedEnclave>)> {
    if args.enclave == EnclaveAddr::InProcess {
        let spec = ChainSpec::named(&args.network)
            .with_context(|| format!("unknown network {}", args.network))?;
        let simulated = SimulatedEnclave::start(
            spec,
            args.operator,
            Domain {
                chain_id: args.chain_id,
                client: args.client_address,
            },
            args.sim_seed,
        )?;
        return Ok((simulated.connection(), Some(simulated)));
    }
    Ok((
        EnclaveConnection::remote(args.enclave, ConnectionOptions::default())?,
        None,
    ))
}

/// Asks `Info`, verifies the document and the binding.
///
/// # Errors
/// Unreachable enclave, a document that fails verification, a binding naming another key.
pub async fn info(args: &InfoArgs) -> anyhow::Result<Report> {
    let (connection, simulated) = connection(args)?;
    let info = connection.info(None).await?;
    let now = UnixSeconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("system clock is before 1970")?
            .as_secs(),
    );
    let mut options = VerificationOptions::new(now);
    let mut policy = PcrPolicy {
        allow_debug: args.allow_debug,
        ..PcrPolicy::default()
    };
    // The simulated identity: pinned by seed, or the in-process enclave's own.
    let identity = match (args.sim_seed, &simulated) {
        (_, Some(sim)) => Some((sim.root_der.clone(), sim.pcrs.clone())),
        (Some(seed), None) => {
            let pinned = PinnedIdentity::of(&lcp_enclave::nsm::simulated::Seed(seed))?;
            Some((pinned.root_der, pinned.pcrs))
        }
        (None, None) => None,
    };
    let simulated_nsm = identity.is_some();
    if let Some((root, pcrs)) = identity {
        options.trust_anchor = TrustAnchor::from_der(root)?;
        for (index, value) in pcrs.into_iter().filter(|(i, _)| *i <= 2) {
            policy = policy.expect_pcr(u8::try_from(index)?, value);
        }
    } else if let Some(root) = &args.root {
        options.trust_anchor = TrustAnchor::from_der(read_certificate(root)?)
            .with_context(|| format!("{}: not a usable trust anchor", root.display()))?;
    }
    for (index, value) in &args.pcrs {
        policy = policy.expect_pcr(*index, value.clone());
    }
    options.pcr_policy = policy;
    let verified = nitro::verify(&info.attestation, &options)
        .context("the enclave's attestation is invalid")?;
    let attested = address_of(
        verified
            .public_key()
            .context("document has no public_key")?,
    )?;
    let binding = UserData::parse(verified.user_data().context("document has no user_data")?)?;
    ensure!(
        attested == info.enclave_key,
        "the document attests {attested}, the enclave reports {}",
        info.enclave_key
    );
    ensure!(
        binding.enclave_key == attested,
        "user_data binds {}, the document attests {attested}",
        binding.enclave_key
    );
    ensure!(
        binding.operator == info.operator
            && binding.network_config_hash == info.network_config_hash,
        "user_data does not bind the operator and network config the enclave reports"
    );

    let pcrs: Map<String, Value> = verified
        .pcrs()
        .iter()
        .map(|p| (p.index.to_string(), Value::String(hex0x(&p.value))))
        .collect();
    let mut report = Report::default();
    report
        .field("enclave", args.enclave.to_string())
        .field("enclave_key", lower(info.enclave_key))
        .field("code_version", info.code_version.clone())
        .field("network", info.network.clone())
        .field("network_config_hash", hex0x(info.network_config_hash))
        .field("operator", lower(info.operator))
        .field("chain_id", info.chain_id)
        .field("client_address", lower(info.client_address))
        .field("simulated_nsm", simulated_nsm)
        .field(
            "attestation",
            json!({
                "valid": true,
                "module_id": verified.module_id(),
                "timestamp_ms": verified.timestamp().0,
                "pcrs": pcrs,
                "debug_mode": verified.debug_mode(),
                "leaf_not_after": verified.leaf().not_after().0,
                "len": info.attestation.len(),
            }),
        )
        .field(
            "binding",
            json!({
                "version": 1,
                "enclave_key": lower(binding.enclave_key),
                "operator": lower(binding.operator),
                "network_config_hash": hex0x(binding.network_config_hash),
                "names_attested_key": true,
            }),
        );
    report
        .line(format!("enclave: {}", args.enclave))
        .line(format!("enclave key: {}", info.enclave_key))
        .line(format!(
            "code version {}, network {}, config {}",
            info.code_version, info.network, info.network_config_hash
        ))
        .line(format!(
            "signs for chain {} client {}",
            info.chain_id, info.client_address
        ))
        .line(format!(
            "attestation: valid ({} root, module {}, {} bytes, leaf valid until {})",
            if simulated_nsm {
                "SIMULATED"
            } else {
                "configured"
            },
            verified.module_id(),
            info.attestation.len(),
            verified.leaf().not_after().0
        ));
    for pcr in verified.pcrs().iter().filter(|p| p.index <= 2) {
        report.line(format!("  pcr{}: {}", pcr.index, hex0x(&pcr.value)));
    }
    report.line(format!(
        "binding: key {} operator {} config {}: names the attested key",
        binding.enclave_key, binding.operator, binding.network_config_hash
    ));
    Ok(report)
}

fn lower(address: Address) -> String {
    hex0x(address)
}
