//! The execution and destination-chain stages of `lcp demo`:
//! - plain SPV of mainnet block 21925176 (unsigned: no bundled light-client data finalizes that
//!   block), running the same code as `lcp spv header|receipts|proof`;
//! - on a local anvil (when one is found): deploy the contracts from the checked-in artifacts,
//!   register the enclave key in one transaction, `initialize`, `updateState`, and
//!   `verifyTransaction` with the messages the enclave signed, printing gas.

use super::demo_enclave::{
    CAPELLA_TRUSTED_ROOT, DEMO_KEY_TTL_SECS, DEMO_MAX_AGE_SECS, DemoEnclave, Synced, fixtures,
};
use super::input::read_json;
use super::output::{Report, hex0x};
use super::spv::{self, HeaderArgs, ProofArgs, ReceiptsArgs};
use crate::chain::anvil::{self, ANVIL_CHAIN_ID, Anvil};
use crate::chain::{DeployConfig, LcpChain, TX_GAS_CAP, TxOutcome};
use alloy_primitives::{Address, B256};
use anyhow::{Context, ensure};
use attestation_verifier::message::{Domain, TransactionClaim};
use lcp_enclave::service::protocol::SignedMessage;
use serde_json::{Value, json};

/// A receipt of block 21925176 with five logs (legacy transaction).
const DEMO_RECEIPT_INDEX: u64 = 20;

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

/// The operator and deployer of the demo: anvil's first dev account (a public test key).
///
/// # Errors
/// Never in practice (the key is a constant).
pub(crate) fn demo_operator() -> anyhow::Result<Address> {
    anvil::dev_signer(0)
        .map(|s| s.address())
        .context("anvil dev key 0")
}

/// Where `LCPClient` lands on a fresh anvil: dev account 0 deploys the verifier with nonce 0 and
/// the client with nonce 1. The enclave signs for this domain before anvil runs; the chain stage
/// checks the deployment matches.
///
/// # Errors
/// As [`demo_operator`].
pub(crate) fn demo_domain() -> anyhow::Result<Domain> {
    Ok(Domain {
        chain_id: ANVIL_CHAIN_ID,
        client: demo_operator()?.create(1),
    })
}

fn rfc3339(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| seconds.to_string())
}

fn gas_line(report: &mut Report, what: &str, outcome: &TxOutcome) -> Value {
    report.line(format!(
        "  {what:<34} {:>10} gas  (block {}, tx {})",
        outcome.gas_used, outcome.block_number, outcome.tx_hash
    ));
    json!({"gas_used": outcome.gas_used, "block_number": outcome.block_number, "tx_hash": hex0x(outcome.tx_hash)})
}

/// Deploys on a fresh anvil and relays the signed messages. Skipped (with a notice) when no
/// anvil is found.
///
/// # Errors
/// anvil fails to start, a transaction reverts, or the chain disagrees with the reference.
pub(crate) fn chain_stage(
    demo: &DemoEnclave,
    synced: &Synced,
    signed: &SignedMessage,
    claim: &TransactionClaim,
    report: &mut Report,
) -> anyhow::Result<Value> {
    let Some(path) = anvil::locate() else {
        report.line("anvil not found: on-chain stage skipped (run `bash scripts/install-toolchain.sh` or set ANVIL)");
        return Ok(json!({"status": "skipped", "reason": "anvil not found"}));
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    runtime.block_on(on_chain(&path, demo, synced, signed, claim, report))
}

async fn on_chain(
    path: &std::path::Path,
    demo: &DemoEnclave,
    synced: &Synced,
    signed: &SignedMessage,
    claim: &TransactionClaim,
    report: &mut Report,
) -> anyhow::Result<Value> {
    let anvil = Anvil::spawn_at(path)?;
    let deployer = anvil::dev_signer(0).context("anvil dev key 0")?;
    report.line(format!(
        "anvil {} (Osaka, EIP-7825 cap {TX_GAS_CAP} gas per transaction)",
        anvil.endpoint()
    ));
    let mut config = DeployConfig::new(demo.network_config_hash, CAPELLA_TRUSTED_ROOT);
    config.root_der = demo.root_der.clone();
    config.measurements = vec![demo.measurement];
    config.operators = vec![demo.operator];
    config.key_ttl_secs = DEMO_KEY_TTL_SECS;
    config.max_attestation_age_secs = DEMO_MAX_AGE_SECS;
    let (chain, deployment) = LcpChain::deploy(&anvil.endpoint(), deployer, &config).await?;
    ensure!(
        chain.domain() == demo.domain,
        "LCPClient deployed at {} on chain {}, but the enclave signed for {} on chain {}",
        deployment.client,
        deployment.chain_id,
        demo.domain.client,
        demo.domain.chain_id
    );
    report.line(format!(
        "deployed from solidity/artifacts: NitroAttestationVerifier {}, LCPClient {}",
        deployment.verifier, deployment.client
    ));
    let mut deploy_gas = Vec::new();
    for t in &deployment.transactions {
        deploy_gas.push(json!({"label": t.label, "gas_used": t.outcome.gas_used}));
        // Labels carry the allowlisted value; the text keeps the call name.
        let name = t.label.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let name = if name.starts_with("deploy") {
            name
        } else {
            t.label.split(' ').next().unwrap_or_default().to_owned()
        };
        report.line(format!("  {name:<34} {:>10} gas", t.outcome.gas_used));
    }

    let registration = chain.register_enclave_key(&demo.document).await?;
    ensure!(
        registration.key == demo.key,
        "LCPClient registered {} instead of the enclave key {}",
        registration.key,
        demo.key
    );
    let register = gas_line(
        report,
        "registerEnclaveKeyWithProofs",
        &registration.outcome,
    );
    let initialize = chain.initialize(&synced.init).await?;
    let initialize_json = gas_line(report, "initialize", &initialize);
    let update = chain.update_state(&synced.update).await?;
    let update_json = gas_line(report, "updateState (6 periods + finality)", &update);
    let state = chain.state().await?;
    ensure!(
        state.state_id == synced.state_id
            && state.latest_block_number == synced.body.blockNumber
            && state.latest_block_hash == synced.body.blockHash,
        "LCPClient's state differs from the enclave's"
    );
    let onchain: TransactionClaim = chain.verify_transaction(signed).await?;
    ensure!(
        &onchain == claim,
        "verifyTransaction returned another claim than the enclave signed"
    );
    let verify = chain.verify_transaction_tx(signed).await?;
    let verify_json = gas_line(report, "verifyTransaction", &verify);
    let expiry = state
        .keys
        .iter()
        .find(|k| k.key == demo.key)
        .map(|k| k.expiry)
        .unwrap_or_default();
    report.line(format!(
        "LCPClient read back: state {}, block {} {}",
        state.state_id, state.latest_block_number, state.latest_block_hash
    ));
    report.line(format!(
        "  key {} registered until {} (key TTL capped by the attestation leaf's notAfter)",
        demo.key,
        rfc3339(expiry)
    ));
    report.line(format!(
        "verifyTransaction (eth_call) returned block {} tx {} hash {}: the claim the enclave signed",
        onchain.blockNumber, onchain.txIndex, onchain.txHash
    ));
    Ok(json!({
        "status": "verified",
        "chain_id": deployment.chain_id,
        "verifier": deployment.verifier.to_string().to_lowercase(),
        "client": deployment.client.to_string().to_lowercase(),
        "deploy": deploy_gas,
        "register": register,
        "initialize": initialize_json,
        "update_state": update_json,
        "verify_transaction": verify_json,
        "state": {
            "state_id": hex0x(state.state_id),
            "latest_block_number": state.latest_block_number,
            "latest_block_hash": hex0x(state.latest_block_hash),
            "frozen": state.frozen,
            "keys": state.keys.len(),
            "key_expiry": expiry,
        },
        "verified_claim": {
            "block_number": onchain.blockNumber,
            "tx_index": onchain.txIndex,
            "tx_hash": hex0x(onchain.txHash),
            "tx_type": onchain.txType,
        },
    }))
}
