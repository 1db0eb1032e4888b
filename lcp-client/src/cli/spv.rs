//! `lcp spv proof|receipts|header`: SPV checks of RPC responses against roots given on the command
//! line (DESIGN.md §6). The verification is lcp-enclave's, the same code the enclave runs.

use super::{
    input::read_json,
    output::{Report, finish, hex0x},
};
use alloy_primitives::{B256, U256};
use anyhow::Context;
use clap::{Args, Subcommand};
use lcp_enclave::spv::{
    AccountProof, BlockReceipts, Receipt, SealedExecutionHeader, receipt::Outcome,
    verify_account_proof, verify_receipt_proof,
};
use serde_json::{Value, json};
use std::{path::PathBuf, process::ExitCode};

/// SPV verification of execution-layer RPC responses.
#[derive(Debug, Subcommand)]
pub enum SpvCommand {
    /// Verify an eth_getProof response (account and every storage proof, inclusion or exclusion)
    /// against a state root; every claimed field and value must be the proven one.
    Proof(ProofArgs),
    /// Rebuild the receipts trie of an eth_getBlockReceipts response and compare its root; with
    /// --index, also prove that receipt and verify the proof alone.
    Receipts(ReceiptsArgs),
    /// Recompute the block hash of an eth_getBlockByNumber response from its RLP header fields.
    Header(HeaderArgs),
}

/// Arguments of `lcp spv proof`.
#[derive(Debug, Args)]
pub struct ProofArgs {
    /// The state root to verify against (0x-prefixed 32-byte hex).
    #[arg(long)]
    pub state_root: B256,
    /// The eth_getProof response (JSON, with or without the JSON-RPC envelope).
    #[arg(long)]
    pub proof: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `lcp spv receipts`.
#[derive(Debug, Args)]
pub struct ReceiptsArgs {
    /// The receipts root to compare with (0x-prefixed 32-byte hex).
    #[arg(long)]
    pub receipts_root: B256,
    /// The eth_getBlockReceipts response.
    #[arg(long)]
    pub receipts: PathBuf,
    /// Prove and report the receipt at this transaction index.
    #[arg(long)]
    pub index: Option<u64>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `lcp spv header`.
#[derive(Debug, Args)]
pub struct HeaderArgs {
    /// The eth_getBlockByNumber (or eth_getBlockByHash) response.
    #[arg(long)]
    pub block: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs an `lcp spv` subcommand.
pub fn run(command: SpvCommand) -> ExitCode {
    match command {
        SpvCommand::Proof(args) => finish(proof(&args), args.json),
        SpvCommand::Receipts(args) => finish(receipts(&args), args.json),
        SpvCommand::Header(args) => finish(header(&args), args.json),
    }
}

/// A 256-bit quantity as JSON-RPC writes it: `0x` and lowercase hex without leading zeros.
fn quantity(value: U256) -> String {
    format!("{value:#x}")
}

pub(crate) fn proof(args: &ProofArgs) -> anyhow::Result<Report> {
    let value = read_json(&args.proof)?;
    let response = AccountProof::from_rpc_json(&value)
        .with_context(|| format!("{}: not an eth_getProof response", args.proof.display()))?;
    let proven = verify_account_proof(args.state_root, &response)?;
    let state = proven.state();
    let storage: Vec<Value> = proven
        .storage()
        .iter()
        .map(|(slot, value)| json!({"key": hex0x(slot), "value": hex0x(B256::from(*value))}))
        .collect();
    let mut report = Report::default();
    report
        .field("address", hex0x(proven.address()))
        .field("exists", proven.exists())
        .field("nonce", state.nonce)
        .field("balance", quantity(state.balance))
        .field("storage_root", hex0x(state.storage_root))
        .field("code_hash", hex0x(state.code_hash))
        .field("storage", storage);
    report.line(format!(
        "valid: account {} {} at state root {}",
        hex0x(proven.address()),
        if proven.exists() {
            "exists"
        } else {
            "is absent"
        },
        hex0x(args.state_root)
    ));
    report.line(format!("nonce: {}", state.nonce));
    report.line(format!("balance: {} wei", state.balance));
    report.line(format!("storage root: {}", hex0x(state.storage_root)));
    report.line(format!("code hash: {}", hex0x(state.code_hash)));
    for (slot, value) in proven.storage() {
        report.line(format!(
            "slot {}: {}",
            hex0x(slot),
            hex0x(B256::from(*value))
        ));
    }
    Ok(report)
}

fn receipt_json(receipt: &Receipt) -> Value {
    let status = match receipt.outcome {
        Outcome::Status(success) => json!(u8::from(success)),
        Outcome::PostState(_) => Value::Null,
    };
    let logs: Vec<Value> = receipt
        .logs
        .iter()
        .map(|log| {
            json!({
                "address": hex0x(log.address),
                "topics": log.topics.iter().map(hex0x).collect::<Vec<_>>(),
                "data": hex0x(&log.data),
            })
        })
        .collect();
    let mut object = json!({
        "type": receipt.tx_type.number(),
        "status": status,
        "cumulative_gas_used": receipt.cumulative_gas_used,
        "logs": logs,
    });
    if let (Outcome::PostState(root), Some(map)) = (receipt.outcome, object.as_object_mut()) {
        map.insert("root".to_owned(), Value::String(hex0x(root)));
    }
    object
}

pub(crate) fn receipts(args: &ReceiptsArgs) -> anyhow::Result<Report> {
    let value = read_json(&args.receipts)?;
    let receipts = BlockReceipts::from_rpc_json(&value).with_context(|| {
        format!(
            "{}: not an eth_getBlockReceipts response",
            args.receipts.display()
        )
    })?;
    let proof = receipts.check_root(args.receipts_root, args.index)?;
    let count = receipts.receipts().len();
    let mut report = Report::default();
    report
        .field("root", hex0x(args.receipts_root))
        .field("count", count);
    report.line(format!(
        "valid: {count} receipts rebuild receipts root {}",
        hex0x(args.receipts_root)
    ));
    if let Some(proof) = proof {
        // The proof built from the block is verified on its own, as the enclave would.
        let proven = verify_receipt_proof(args.receipts_root, &proof)?;
        let receipt = proven.receipt();
        report.field("receipt", receipt_json(receipt));
        report.line(format!(
            "receipt {}: type {}, {}, cumulative gas {}, {} logs, proof of {} nodes",
            proof.transaction_index,
            receipt.tx_type.number(),
            match receipt.outcome {
                Outcome::Status(true) => "success".to_owned(),
                Outcome::Status(false) => "failed".to_owned(),
                Outcome::PostState(root) => format!("post-state {}", hex0x(root)),
            },
            receipt.cumulative_gas_used,
            receipt.logs.len(),
            proof.nodes.len()
        ));
        for (index, log) in receipt.logs.iter().enumerate() {
            report.line(format!(
                "  log {index}: {} topics [{}] data {}",
                hex0x(log.address),
                log.topics.iter().map(hex0x).collect::<Vec<_>>().join(", "),
                hex0x(&log.data)
            ));
        }
    }
    Ok(report)
}

pub(crate) fn header(args: &HeaderArgs) -> anyhow::Result<Report> {
    let value = read_json(&args.block)?;
    let sealed = SealedExecutionHeader::from_rpc_json(&value)
        .with_context(|| format!("{}: block header", args.block.display()))?;
    let number = sealed.header().number;
    let mut report = Report::default();
    report
        .field("number", number)
        .field("hash", hex0x(sealed.hash()));
    report.line(format!(
        "valid: block {number} hashes to {}",
        hex0x(sealed.hash())
    ));
    Ok(report)
}
