//! `lcp light-client verify`: runs the light client over Beacon-API JSON or SSZ files, in bridge
//! mode (finality required, ≥ 2/3 participation, no force updates), and reports the finalized and
//! optimistic headers it reached (DESIGN.md §6).

use super::input::{read_bytes, read_json};
use super::output::{Report, hex0x};
use alloy_primitives::B256;
use anyhow::{Context, anyhow};
use clap::{Args, Subcommand};
use lcp_enclave::light_client::bls::KeyCache;
use lcp_enclave::light_client::bridge::{
    BridgePolicy, Outcome, advance_store_fork, process_bridge_finality_update,
    process_bridge_update,
};
use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet, Minimal, Preset, PresetName};
use lcp_enclave::light_client::containers::{
    LcExecution, LightClientBootstrap, LightClientFinalityUpdate, LightClientHeader,
    LightClientOptimisticUpdate, LightClientUpdate,
};
use lcp_enclave::light_client::decode::{
    bootstrap_from_json, decode_bootstrap, decode_finality_update, decode_optimistic_update,
    decode_update, finality_update_from_json, optimistic_update_from_json, split_fork_digest,
    updates_from_json,
};
use lcp_enclave::light_client::error::{LightClientError, Object};
use lcp_enclave::light_client::header::compute_sync_committee_period_at_slot;
use lcp_enclave::light_client::sync::{
    LightClientStore, initialize_light_client_store, process_light_client_optimistic_update,
};
use lcp_enclave::light_client::upgrade::upgrade_lc_update;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// `lcp light-client …`
#[derive(Debug, Subcommand)]
pub enum LightClientCommand {
    /// Verify a bootstrap and updates; print the finalized and optimistic headers reached.
    Verify(VerifyArgs),
}

/// Arguments of `lcp light-client verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Built-in network: mainnet, sepolia, hoodi, or minimal (minimal preset, all forks through
    /// Fulu from genesis; needs --genesis-validators-root). Optional with --config.
    #[arg(long)]
    pub network: Option<String>,
    /// A consensus `config.yaml` (fork versions and epochs); overrides --network.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Genesis validators root (required with --config unless the file has GENESIS_VALIDATORS_ROOT,
    /// and with --network minimal).
    #[arg(long)]
    pub genesis_validators_root: Option<B256>,
    /// The weak-subjectivity checkpoint block root the bootstrap must match.
    #[arg(long)]
    pub trusted_root: B256,
    /// `LightClientBootstrap`: Beacon-API JSON, or SSZ (fork-digest-prefixed, or raw with --fork).
    #[arg(long)]
    pub bootstrap: PathBuf,
    /// `LightClientUpdate`s: a Beacon-API `/updates` array, one update, or SSZ. Repeatable.
    #[arg(long)]
    pub updates: Vec<PathBuf>,
    /// A `LightClientFinalityUpdate`.
    #[arg(long)]
    pub finality: Option<PathBuf>,
    /// A `LightClientOptimisticUpdate`.
    #[arg(long)]
    pub optimistic: Option<PathBuf>,
    /// The current slot (default: from the clock and the network's genesis time).
    #[arg(long)]
    pub current_slot: Option<u64>,
    /// Fork of raw SSZ inputs without a fork-digest prefix (e.g. `deneb`).
    #[arg(long)]
    pub fork: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs a light-client command.
///
/// # Errors
/// Invalid arguments or input, or a failed verification, with its reason.
pub fn run(command: &LightClientCommand) -> anyhow::Result<Report> {
    match command {
        LightClientCommand::Verify(args) => verify(args),
    }
}

fn chain_spec(args: &VerifyArgs) -> anyhow::Result<ChainSpec> {
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        return ChainSpec::from_config_yaml(&text, args.genesis_validators_root)
            .with_context(|| format!("{}", path.display()));
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

pub(crate) fn verify(args: &VerifyArgs) -> anyhow::Result<Report> {
    let spec = chain_spec(args)?;
    let current_slot = match args.current_slot {
        Some(slot) => slot,
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .context("system clock before 1970")?
                .as_secs();
            spec.slot_at_time(now).ok_or_else(|| {
                anyhow!("genesis time of this network unknown: give --current-slot")
            })?
        }
    };
    let fork = match &args.fork {
        Some(name) => Some(Fork::from_name(name).ok_or_else(|| anyhow!("unknown fork {name}"))?),
        None => None,
    };
    match spec.preset {
        PresetName::Mainnet => verify_with::<Mainnet>(args, &spec, current_slot, fork),
        PresetName::Minimal => verify_with::<Minimal>(args, &spec, current_slot, fork),
    }
}

/// An input file: JSON (Beacon API) or bytes (SSZ).
enum Input {
    Json(Value),
    Ssz(Vec<u8>),
}

/// JSON if the file's first non-blank byte opens an object or array, else bytes. Only a small
/// prefix is read here; `read_json` / `read_bytes` enforce the input size bound.
fn read_input(path: &Path) -> anyhow::Result<Input> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .with_context(|| path.display().to_string())?;
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        Ok(Input::Json(read_json(path)?))
    } else {
        Ok(Input::Ssz(read_bytes(path)?))
    }
}

/// The fork of SSZ bytes and the SSZ body: `--fork`, else the 4-byte fork-digest prefix.
fn ssz_fork<'a>(
    spec: &ChainSpec,
    object: Object,
    fork: Option<Fork>,
    bytes: &'a [u8],
) -> Result<(Fork, &'a [u8]), LightClientError> {
    match fork {
        Some(f) => Ok((f, bytes)),
        None => split_fork_digest(spec, object, bytes),
    }
}

fn load_bootstrap<P: Preset>(
    spec: &ChainSpec,
    path: &Path,
    fork: Option<Fork>,
) -> anyhow::Result<(LightClientBootstrap<P>, Fork)> {
    let context = || format!("bootstrap {}", path.display());
    match read_input(path)? {
        Input::Json(v) => {
            let b = bootstrap_from_json::<P>(spec, &v).with_context(context)?;
            let fork = match v.get("version").and_then(Value::as_str) {
                Some(name) => Fork::from_name(name).ok_or(LightClientError::UnknownForkName)?,
                None => spec.fork_at_epoch(
                    b.header
                        .beacon
                        .slot
                        .checked_div(P::SLOTS_PER_EPOCH)
                        .unwrap_or(0),
                ),
            };
            Ok((b, fork))
        }
        Input::Ssz(bytes) => {
            let (fork, body) =
                ssz_fork(spec, Object::Bootstrap, fork, &bytes).with_context(context)?;
            Ok((
                decode_bootstrap::<P>(fork, body).with_context(context)?,
                fork,
            ))
        }
    }
}

fn load_updates<P: Preset>(
    spec: &ChainSpec,
    path: &Path,
    fork: Option<Fork>,
) -> anyhow::Result<Vec<LightClientUpdate<P>>> {
    let context = || format!("updates {}", path.display());
    match read_input(path)? {
        Input::Json(v) => Ok(updates_from_json::<P>(spec, &v).with_context(context)?),
        Input::Ssz(bytes) => {
            let (fork, body) =
                ssz_fork(spec, Object::Update, fork, &bytes).with_context(context)?;
            Ok(vec![decode_update::<P>(fork, body).with_context(context)?])
        }
    }
}

fn load_finality<P: Preset>(
    spec: &ChainSpec,
    path: &Path,
    fork: Option<Fork>,
) -> anyhow::Result<LightClientFinalityUpdate<P>> {
    let context = || format!("finality update {}", path.display());
    match read_input(path)? {
        Input::Json(v) => Ok(finality_update_from_json::<P>(spec, &v).with_context(context)?),
        Input::Ssz(bytes) => {
            let (fork, body) =
                ssz_fork(spec, Object::FinalityUpdate, fork, &bytes).with_context(context)?;
            Ok(decode_finality_update::<P>(fork, body).with_context(context)?)
        }
    }
}

fn load_optimistic<P: Preset>(
    spec: &ChainSpec,
    path: &Path,
    fork: Option<Fork>,
) -> anyhow::Result<LightClientOptimisticUpdate<P>> {
    let context = || format!("optimistic update {}", path.display());
    match read_input(path)? {
        Input::Json(v) => Ok(optimistic_update_from_json::<P>(spec, &v).with_context(context)?),
        Input::Ssz(bytes) => {
            let (fork, body) =
                ssz_fork(spec, Object::OptimisticUpdate, fork, &bytes).with_context(context)?;
            Ok(decode_optimistic_update::<P>(fork, body).with_context(context)?)
        }
    }
}

fn header_json(header: &LightClientHeader) -> Value {
    let execution = match &header.execution {
        LcExecution::None => Value::Null,
        LcExecution::Capella(e) => json!({
            "block_number": e.block_number,
            "block_hash": hex0x(e.block_hash),
            "state_root": hex0x(e.state_root),
            "receipts_root": hex0x(e.receipts_root),
        }),
        LcExecution::Deneb(e) => json!({
            "block_number": e.block_number,
            "block_hash": hex0x(e.block_hash),
            "state_root": hex0x(e.state_root),
            "receipts_root": hex0x(e.receipts_root),
        }),
        LcExecution::Gloas(hash) => json!({ "block_hash": hex0x(hash) }),
    };
    json!({
        "slot": header.beacon.slot,
        "beacon_root": hex0x(header.beacon_root()),
        "execution": execution,
    })
}

fn header_line(label: &str, header: &LightClientHeader) -> String {
    let execution = match &header.execution {
        LcExecution::None => String::new(),
        LcExecution::Capella(e) => format!(
            ", execution block {} {}",
            e.block_number,
            hex0x(e.block_hash)
        ),
        LcExecution::Deneb(e) => format!(
            ", execution block {} {}",
            e.block_number,
            hex0x(e.block_hash)
        ),
        LcExecution::Gloas(hash) => format!(", execution block {}", hex0x(hash)),
    };
    format!(
        "{label}: slot {} root {}{execution}",
        header.beacon.slot,
        hex0x(header.beacon_root())
    )
}

fn verify_with<P: Preset>(
    args: &VerifyArgs,
    spec: &ChainSpec,
    current_slot: u64,
    fork: Option<Fork>,
) -> anyhow::Result<Report> {
    let (bootstrap, bootstrap_fork) = load_bootstrap::<P>(spec, &args.bootstrap, fork)?;
    let mut store: LightClientStore<P> =
        initialize_light_client_store(spec, args.trusted_root, bootstrap, bootstrap_fork)
            .context("bootstrap")?;
    let mut keys = KeyCache::new();
    let policy = BridgePolicy::two_thirds::<P>();
    let mut applied = 0u64;
    let mut skipped = Vec::new();

    let mut updates = Vec::new();
    for path in &args.updates {
        for (index, update) in load_updates::<P>(spec, path, fork)?.into_iter().enumerate() {
            updates.push((format!("{} #{index}", path.display()), update));
        }
    }
    for (name, update) in updates {
        let attested_slot = update.attested_header.beacon.slot;
        let signature_slot = update.signature_slot;
        match process_bridge_update(&mut store, update, current_slot, spec, &policy, &mut keys)
            .with_context(|| format!("update {name} (attested slot {attested_slot})"))?
        {
            Outcome::Applied => applied = applied.saturating_add(1),
            Outcome::Stale => skipped.push(json!({
                "update": name,
                "attested_slot": attested_slot,
                "signature_slot": signature_slot,
                "reason": "stale",
            })),
        }
    }
    if let Some(path) = &args.finality {
        let update = load_finality::<P>(spec, path, fork)?;
        let attested_slot = update.attested_header.beacon.slot;
        let signature_slot = update.signature_slot;
        match process_bridge_finality_update(
            &mut store,
            update,
            current_slot,
            spec,
            &policy,
            &mut keys,
        )
        .with_context(|| format!("finality update {}", path.display()))?
        {
            Outcome::Applied => applied = applied.saturating_add(1),
            Outcome::Stale => skipped.push(json!({
                "update": path.display().to_string(),
                "attested_slot": attested_slot,
                "signature_slot": signature_slot,
                "reason": "stale",
            })),
        }
    }
    if let Some(path) = &args.optimistic {
        let update: LightClientUpdate<P> = load_optimistic::<P>(spec, path, fork)?.into();
        advance_store_fork(&mut store, update.layout, spec)?;
        let update = upgrade_lc_update(spec, update, store.layout())?;
        let attested_slot = update.attested_header.beacon.slot;
        let optimistic = LightClientOptimisticUpdate {
            layout: update.layout,
            attested_header: update.attested_header,
            sync_aggregate: update.sync_aggregate,
            signature_slot: update.signature_slot,
        };
        match process_light_client_optimistic_update(
            &mut store,
            optimistic,
            current_slot,
            spec,
            &mut keys,
        ) {
            Ok(()) => applied = applied.saturating_add(1),
            Err(LightClientError::IrrelevantUpdate { .. }) => skipped.push(json!({
                "update": path.display().to_string(),
                "attested_slot": attested_slot,
                "reason": "stale",
            })),
            Err(e) => {
                return Err(e).with_context(|| format!("optimistic update {}", path.display()));
            }
        }
    }
    let period = compute_sync_committee_period_at_slot::<P>(store.finalized_header.beacon.slot);
    let mut report = Report::default();
    report
        .field("network", spec.name.clone())
        .field("fork", store.fork.name())
        .field("finalized", header_json(&store.finalized_header))
        .field("optimistic", header_json(&store.optimistic_header))
        .field("sync_committee_period", period)
        .field("applied", applied)
        .field("skipped", Value::Array(skipped.clone()))
        .line(header_line("finalized", &store.finalized_header))
        .line(header_line("optimistic", &store.optimistic_header))
        .line(format!(
            "sync committee period {period} ({} store)",
            store.fork
        ))
        .line(format!("applied {applied}, skipped {}", skipped.len()));
    Ok(report)
}
