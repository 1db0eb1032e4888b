//! `lcp demo`: the end-to-end story on bundled real data, no network.
//!
//! 1. Verifies the three bundled real AWS attestation documents under the AWS root at their own
//!    timestamps; the debug-mode one is rejected by the production policy and accepted with
//!    allow-debug.
//! 2. Starts an in-process enclave (the real `lcp-enclave` request handler on a simulated NSM);
//!    its attestation is verified with the Rust reference and its binding checked (`demo_enclave`).
//! 3. InitClient from the real mainnet Capella checkpoint, UpdateClient through six real periods and
//!    finality (ONE signed `UpdateState`), Verify of a real transaction of the finalized block
//!    17923026 (a signed `TransactionClaim`); every signed message is checked by the reference model
//!    of `LCPClient`.
//! 4. Plain SPV of block 21925176 (receipts, account, storage): unsigned, because no bundled
//!    light-client data finalizes that block (`demo_chain`).
//! 5. When anvil is available: deploys the contracts, registers the key, relays init, update and the
//!    claim on chain, printing gas (`demo_chain`).

use super::demo_chain::{chain_stage, demo_domain, demo_operator, spv_stage};
use super::demo_enclave;
use super::output::{Report, finish, hex0x};
use anyhow::{Context, bail, ensure};
use attestation_verifier::error::NitroError;
use attestation_verifier::nitro::{self, PcrPolicy, VerificationOptions, VerifiedDocument};
use attestation_verifier::time::UnixSeconds;
use serde_json::{Value, json};
use std::process::ExitCode;

/// Arguments of `lcp demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Skip the on-chain stage even when anvil is available.
    #[arg(long)]
    pub skip_chain: bool,
}

/// A bundled real AWS document: file name, bytes, its `timestamp` (ms), whether it is debug mode.
struct RealDocument {
    name: &'static str,
    bytes: &'static [u8],
    timestamp_ms: u64,
    debug: bool,
}

/// The real documents of `fixtures/nitro/` (provenance in fixtures/README.md), compiled in so the
/// demo runs from any directory.
const REAL_DOCUMENTS: [RealDocument; 3] = [
    RealDocument {
        name: "evervault_2022-10-13_i-020b6af9.cbor",
        bytes: include_bytes!("../../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor"),
        timestamp_ms: 1_665_651_482_136,
        debug: false,
    },
    RealDocument {
        name: "marlin-NitroProver_2024-02-26_i-0df237f0.cbor",
        bytes: include_bytes!(
            "../../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor"
        ),
        timestamp_ms: 1_708_930_921_439,
        debug: false,
    },
    RealDocument {
        name: "automata_2024-08-16_i-07fd4cc4.cbor",
        bytes: include_bytes!("../../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor"),
        timestamp_ms: 1_723_799_509_167,
        debug: true,
    },
];

/// Runs `lcp demo`.
pub fn run(args: &DemoArgs) -> ExitCode {
    finish(demo(args), args.json)
}

fn demo(args: &DemoArgs) -> anyhow::Result<Report> {
    let mut report = Report::default();
    report.line(
        "== Real AWS Nitro attestation documents (AWS Root-G1, verified at their own timestamps)",
    );
    let mut real = Vec::new();
    for document in &REAL_DOCUMENTS {
        real.push(real_document(document, &mut report)?);
    }
    report.field("real_documents", Value::Array(real));

    report.line("");
    report.line(
        "== Enclave (in process, simulated NSM): attested key, checked by the reference verifier",
    );
    let (mut enclave, value) = demo_enclave::start(demo_operator()?, demo_domain()?, &mut report)?;
    report.field("enclave", value);

    report.line("");
    report
        .line("== Light client in the enclave: real mainnet checkpoint, periods 862-867, finality");
    let (synced, value) = demo_enclave::light_client(&mut enclave, &mut report)?;
    report.field("light_client", value);

    report.line("");
    report.line("== Signed claim: a real transaction of the finalized block 17923026");
    let (signed, claim, value) =
        demo_enclave::transaction_claim(&mut enclave, &synced, &mut report)?;
    report.field("claims", Value::Array(vec![value]));

    report.line("");
    report.line("== Plain SPV, UNSIGNED: real mainnet block 21925176 (no bundled light-client data finalizes it,");
    report.line("   so these proofs are checked against its recomputed header and never signed)");
    let mut spv = spv_stage(&mut report)?;
    if let Value::Object(map) = &mut spv {
        map.insert("signed".to_owned(), Value::Bool(false));
    }
    report.field("spv", spv);

    report.line("");
    report.line("== Destination chain: the contracts on a local anvil");
    let chain = if args.skip_chain {
        report.line("skipped (--skip-chain)");
        json!({"status": "skipped", "reason": "--skip-chain"})
    } else {
        chain_stage(&enclave, &synced, &signed, &claim, &mut report)?
    };
    report.field("chain", chain);
    report.line("");
    report.line("demo: all checks passed");
    Ok(report)
}

fn verdict(result: &Result<VerifiedDocument, NitroError>) -> String {
    match result {
        Ok(_) => "accepted".to_owned(),
        Err(error) => format!("rejected ({error})"),
    }
}

fn real_document(document: &RealDocument, report: &mut Report) -> anyhow::Result<Value> {
    let mut options = VerificationOptions::new(UnixSeconds(document.timestamp_ms / 1000));
    let production = nitro::verify(document.bytes, &options);
    options.pcr_policy = PcrPolicy {
        allow_debug: true,
        ..PcrPolicy::default()
    };
    let allow_debug = nitro::verify(document.bytes, &options);
    let verified = allow_debug
        .as_ref()
        .map_err(Clone::clone)
        .context(document.name)?;

    // The expected outcome is part of the demo: production policy rejects exactly the debug one.
    match (&production, document.debug) {
        (Ok(_), false) | (Err(NitroError::DebugModeRejected), true) => {}
        (other, _) => bail!(
            "{}: unexpected production verdict {}",
            document.name,
            verdict(other)
        ),
    }
    ensure!(
        verified.debug_mode() == document.debug,
        "{}: debug mode not detected as expected",
        document.name
    );

    let pcr0 = verified.pcr(0).map(hex0x).unwrap_or_default();
    report.line(document.name);
    report.line(format!(
        "  timestamp {} ms, module {}, PCR0 {}…",
        verified.timestamp().0,
        verified.module_id(),
        pcr0.get(..18).unwrap_or(&pcr0)
    ));
    report.line(format!("  production policy: {}", verdict(&production)));
    report.line(format!("  allow-debug policy: {}", verdict(&allow_debug)));
    Ok(json!({
        "file": document.name,
        "timestamp_ms": verified.timestamp().0,
        "module_id": verified.module_id(),
        "debug_mode": verified.debug_mode(),
        "pcr0": pcr0,
        "production": production.is_ok(),
        "production_verdict": verdict(&production),
        "allow_debug": allow_debug.is_ok(),
        "leaf_not_after": verified.leaf().not_after().0,
    }))
}
