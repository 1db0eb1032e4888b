//! The chain half of `lcp demo`: the light client and SPV stages, on the bundled real mainnet data
//! in `fixtures/`. Each stage runs the same code as its `lcp` subcommand, so the demo shows exactly
//! what `lcp light-client verify` and `lcp spv …` do.

use super::input::read_json;
use super::light_client::{self, VerifyArgs};
use super::output::Report;
use super::spv::{self, HeaderArgs, ProofArgs, ReceiptsArgs};
use alloy_primitives::B256;
use anyhow::{Context, ensure};
use serde_json::Value;
use std::path::PathBuf;

/// The weak-subjectivity checkpoint of the bundled Capella data (fixtures/README.md).
const CAPELLA_TRUSTED_ROOT: B256 =
    alloy_primitives::b256!("5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
/// One slot after the bundled optimistic update's attested slot (7109431): the demo's "now", so the
/// result does not depend on the wall clock.
const CAPELLA_CURRENT_SLOT: u64 = 7_109_432;
/// A receipt of block 21925176 with five logs (legacy transaction).
const DEMO_RECEIPT_INDEX: u64 = 20;

/// The repository's `fixtures/` directory: the demo's bundled data.
fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
}

/// Syncs the light client from the real mainnet Capella checkpoint through six sync-committee
/// periods and the finality and optimistic updates (bridge policy), as `lcp light-client verify`.
///
/// # Errors
/// Missing fixtures or a failed verification.
pub(crate) fn light_client_stage(report: &mut Report) -> anyhow::Result<Value> {
    let dir = fixtures().join("mainnet/lightclient/capella_p862-867");
    let args = VerifyArgs {
        network: Some("mainnet".to_owned()),
        config: None,
        genesis_validators_root: None,
        trusted_root: CAPELLA_TRUSTED_ROOT,
        bootstrap: dir.join("bootstrap.json"),
        updates: vec![dir.join("updates.json")],
        finality: Some(dir.join("finality.json")),
        optimistic: Some(dir.join("optimistic.json")),
        current_slot: Some(CAPELLA_CURRENT_SLOT),
        fork: None,
        json: false,
    };
    let stage = light_client::verify(&args).context("light client on bundled mainnet data")?;
    indent_into(report, &stage);
    Ok(Value::Object(stage.json))
}

/// Proves real execution-layer facts of mainnet block 21925176: the block hash recomputed from the
/// header, the receipts trie rebuilt from all receipts with one receipt proven, and the deposit
/// contract's account and storage proof, as `lcp spv header|receipts|proof`.
///
/// The bundled light-client data finalizes an older block (17923026), so these proofs are checked
/// against the recomputed header of block 21925176, not against the light client's header.
///
/// # Errors
/// Missing fixtures or a failed verification.
pub(crate) fn spv_stage(report: &mut Report) -> anyhow::Result<Value> {
    let dir = fixtures().join("mainnet/execution/block_21925176");
    let block_path = dir.join("block.json");
    let header = spv::header(&HeaderArgs {
        block: block_path.clone(),
        json: false,
    })
    .context("block header of 21925176")?;
    indent_into(report, &header);

    // The roots below are fields of the header whose hash was just recomputed from all its fields.
    let block = read_json(&block_path)?;
    let receipts_root = root_field(&block, "receiptsRoot")?;
    let state_root = root_field(&block, "stateRoot")?;

    let receipts = spv::receipts(&ReceiptsArgs {
        receipts_root,
        receipts: dir.join("receipts.json"),
        index: Some(DEMO_RECEIPT_INDEX),
        json: false,
    })
    .context("receipts of block 21925176")?;
    indent_into(report, &receipts);

    let account = spv::proof(&ProofArgs {
        state_root,
        proof: dir.join("proof.json"),
        json: false,
    })
    .context("eth_getProof of the deposit contract")?;
    indent_into(report, &account);

    let mut out = serde_json::Map::new();
    out.insert("header".to_owned(), Value::Object(header.json));
    out.insert("receipts".to_owned(), Value::Object(receipts.json));
    out.insert("account".to_owned(), Value::Object(account.json));
    Ok(Value::Object(out))
}

fn root_field(block: &Value, field: &str) -> anyhow::Result<B256> {
    let text = block
        .get(field)
        .and_then(Value::as_str)
        .with_context(|| format!("block.json: missing `{field}`"))?;
    let root: B256 = text
        .parse()
        .with_context(|| format!("block.json: `{field}` is not a 32-byte hex value"))?;
    ensure!(!root.is_zero(), "block.json: `{field}` is zero");
    Ok(root)
}

fn indent_into(report: &mut Report, stage: &Report) {
    for line in stage.text.lines() {
        report.line(format!("  {line}"));
    }
}
