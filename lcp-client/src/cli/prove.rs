//! `lcp prove receipt|storage|account|transaction … --config relayer.toml [--submit] [--json]`:
//! one-shot proofs against the state the chain holds. Prints the attested proof (the signed
//! messages) as JSON; `--submit` also sends each claim to its `verify*` entry point.

use super::output::{Report, finish, hex0x};
use super::relay::{ConfiguredRelayer, connect, init_logging};
use super::relay_config::RelayerConfig;
use crate::claims;
use crate::enclave::Attested;
use crate::sources::ExecutionClient;
use alloy_primitives::{Address, B256};
use anyhow::Context;
use attestation_verifier::message::encode::{Domain, Message};
use clap::{Args, Subcommand};
use lcp_enclave::service::protocol::ClaimItem;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options every `lcp prove` subcommand takes.
#[derive(Debug, Args)]
pub struct ProveCommon {
    /// The configuration file (sources, enclave, chain).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// Follow finality first (one updateState) instead of proving against the chain's state.
    #[arg(long)]
    pub update: bool,
    /// Send each claim to the chain's verify* entry point.
    #[arg(long)]
    pub submit: bool,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// `lcp prove …`.
#[derive(Debug, Subcommand)]
pub enum ProveCommand {
    /// Log `--log-index` of the receipt of transaction `--tx-index` (eth_getBlockReceipts).
    Receipt {
        /// Transaction index in the block.
        #[arg(long)]
        tx_index: u64,
        /// Log index within the receipt.
        #[arg(long)]
        log_index: u64,
        /// Common options.
        #[command(flatten)]
        common: ProveCommon,
    },
    /// Storage slots of an account (eth_getProof).
    Storage {
        /// The account.
        #[arg(long)]
        address: Address,
        /// A slot (repeatable).
        #[arg(long = "slot", required = true)]
        slots: Vec<B256>,
        /// Common options.
        #[command(flatten)]
        common: ProveCommon,
    },
    /// An account's nonce, balance, storage root and code hash (eth_getProof).
    Account {
        /// The account.
        #[arg(long)]
        address: Address,
        /// Common options.
        #[command(flatten)]
        common: ProveCommon,
    },
    /// Transactions of the finalized block (from its beacon block).
    Transaction {
        /// Transaction index (repeatable).
        #[arg(long = "index", required = true)]
        indices: Vec<u64>,
        /// One signature over all claims (a Merkle batch) instead of one per claim.
        #[arg(long, conflicts_with = "submit")]
        batch: bool,
        /// Common options.
        #[command(flatten)]
        common: ProveCommon,
    },
}

impl ProveCommand {
    fn common(&self) -> &ProveCommon {
        match self {
            ProveCommand::Receipt { common, .. }
            | ProveCommand::Storage { common, .. }
            | ProveCommand::Account { common, .. }
            | ProveCommand::Transaction { common, .. } => common,
        }
    }
}

/// Runs `lcp prove …`.
pub fn run(command: &ProveCommand) -> ExitCode {
    init_logging();
    finish(
        super::runtime::block_on(prove(command)),
        command.common().json,
    )
}

async fn execution_claim(
    config: &RelayerConfig,
    relayer: &ConfiguredRelayer,
    command: &ProveCommand,
) -> anyhow::Result<Vec<ClaimItem>> {
    let endpoints = config
        .execution
        .as_ref()
        .context("this claim needs [execution] urls in the config")?;
    let execution = ExecutionClient::new(endpoints.urls.clone(), endpoints.options)?;
    let block = relayer.state().context("no state")?.finalized.block_number;
    Ok(match command {
        ProveCommand::Receipt {
            tx_index,
            log_index,
            ..
        } => {
            let receipts = execution.block_receipts(block).await?;
            vec![claims::receipt_log_item(
                &receipts.value,
                *tx_index,
                *log_index,
            )?]
        }
        ProveCommand::Storage { address, slots, .. } => {
            let proof = execution.get_proof(*address, slots, block).await?;
            vec![claims::storage_item(&proof.value)?]
        }
        ProveCommand::Account { address, .. } => {
            let proof = execution.get_proof(*address, &[], block).await?;
            vec![claims::account_item(&proof.value)?]
        }
        ProveCommand::Transaction { .. } => Vec::new(),
    })
}

/// The attested proof as JSON: each signed message with its decoded claim.
pub fn attested_json(domain: Option<Domain>, attested: &Attested) -> Value {
    let decoded = |message: &[u8]| {
        domain
            .and_then(|d| Message::decode(d, message).ok())
            .map_or(Value::Null, |m| Value::String(format!("{m:?}")))
    };
    match attested {
        Attested::Claims(messages) => json!({
            "claims": messages.iter().map(|m| json!({
                "message": hex0x(&m.message),
                "signature": hex0x(&m.signature),
                "decoded": decoded(&m.message),
            })).collect::<Vec<_>>(),
        }),
        Attested::Batch { batch, leaves } => json!({
            "batch": {
                "message": hex0x(&batch.message),
                "signature": hex0x(&batch.signature),
                "decoded": decoded(&batch.message),
            },
            "leaves": leaves.iter().map(|l| json!({
                "claim_type": l.claim_type,
                "claim": hex0x(&l.claim),
                "index": l.index,
                "proof": l.proof.iter().map(hex0x).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }),
    }
}

async fn prove(command: &ProveCommand) -> anyhow::Result<Report> {
    let common = command.common();
    let config = RelayerConfig::load(&common.config)?;
    let mut relayer = connect(&config).await?;
    relayer.resume().await?;
    if common.update {
        relayer.update_to_latest().await?;
    }
    let attested = match command {
        ProveCommand::Transaction { indices, batch, .. } => {
            relayer.prove_transactions(indices, *batch).await?
        }
        _ => {
            let claims = execution_claim(&config, &relayer, command).await?;
            relayer.prove(claims, false).await?
        }
    };
    let state = relayer.state().context("no state")?.clone();
    let domain = Some(relayer.chain().domain());
    let mut report = Report::default();
    report
        .field("state_id", hex0x(state.state_id))
        .field("block_number", state.finalized.block_number)
        .field("block_hash", hex0x(state.finalized.block_hash))
        .field("attested", attested_json(domain, &attested));
    report.line(format!(
        "proven against block {} ({}), state {}",
        state.finalized.block_number, state.finalized.block_hash, state.state_id
    ));
    report.line(serde_json::to_string_pretty(&attested_json(
        domain, &attested,
    ))?);
    if common.submit {
        let submitted = relayer.submit(&attested).await?;
        report.field(
            "submitted",
            submitted
                .iter()
                .map(|s| json!({"tx_hash": hex0x(s.tx_hash), "gas_used": s.gas_used}))
                .collect::<Vec<_>>(),
        );
        for s in &submitted {
            report.line(format!("submitted: tx {} gas {}", s.tx_hash, s.gas_used));
        }
    }
    Ok(report)
}
