//! `lcp attestation-proofs DOC [--json]`: the off-chain P-384 proofs a relayer passes to
//! `NitroAttestationVerifier.verifyAttestationWithHints` (`bytes[] hints`, traced form:
//! `cabundle.len() + 2` entries, the first empty). Pure computation on the document; it does not
//! verify it (use `lcp verify-attestation`), but an invalid signature has no proof and fails here.

use crate::cli::input::read_bytes;
use crate::cli::output::{Report, finish, hex0x};
use anyhow::Context;
use attestation_verifier::nitro::proofs::document_proofs;
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `lcp attestation-proofs`.
#[derive(Debug, Args)]
pub struct AttestationProofsArgs {
    /// The attestation document (COSE_Sign1): raw CBOR, hex or base64.
    pub doc: PathBuf,
    /// Print one JSON object on stdout: `{"valid": true, "count": N, "proofs": ["0x", "0x…", …]}`.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command and returns its exit code.
pub fn run(args: &AttestationProofsArgs) -> ExitCode {
    finish(proofs(args), args.json)
}

/// Computes the proofs of the document named by `args`. Without `--json`, one `0x`-hex proof per
/// line in argument order (the first line is `0x`: the pinned root needs none).
///
/// # Errors
/// Unreadable input, a document that does not parse, or a signature without a proof.
pub fn proofs(args: &AttestationProofsArgs) -> anyhow::Result<Report> {
    let document = read_bytes(&args.doc)?;
    let proofs =
        document_proofs(&document).with_context(|| format!("{}: no proofs", args.doc.display()))?;
    let hex: Vec<String> = proofs.iter().map(hex0x).collect();
    let mut report = Report::default();
    report.field("count", proofs.len());
    for line in &hex {
        report.line(line);
    }
    report.field(
        "proofs",
        hex.into_iter().map(Value::String).collect::<Vec<_>>(),
    );
    Ok(report)
}
