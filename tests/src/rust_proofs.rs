//! Golden proofs written by the Rust generator (`attestation_verifier::nitro::proofs`) for
//! simulated-NSM documents of the differential corpus, so the Solidity verifier
//! (`solidity/test/RustProofs.t.sol`) can be fed exactly these bytes: both sides are tied to one file.

use anyhow::Context;
use attestation_verifier::nitro::proofs::document_proofs;
use serde_json::{Value, json};

/// The golden file, inside `fixtures/`.
pub const GOLDEN_FILE: &str = "golden/rust-proofs.json";

/// Corpus documents (made by the simulated NSM, `fixtures/golden/nitro-corpus/`) the golden covers:
/// a high-S and a low-S COSE signature, tagged and untagged envelopes.
pub const DOCUMENTS: [&str; 3] = [
    "013_valid_definite_untagged_high_s.cbor",
    "017_valid_definite_tagged_low_s.cbor",
    "021_valid_indefinite_tagged_as_signed.cbor",
];

/// `value[key]`, `Null` when absent (serde_json's indexing, without the lint).
fn field<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&Value::Null)
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Builds the golden JSON: per document its corpus file, trust anchor and verification options
/// (from the corpus's `verdicts.json`) and the `bytes[] hints` for `verifyAttestationWithHints`.
///
/// # Errors
/// A corpus file is missing, or a document has no proofs.
pub fn build() -> anyhow::Result<Value> {
    let dir = crate::fixture("golden/nitro-corpus");
    let verdicts: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(crate::nitro_corpus::VERDICTS_FILE))
            .context("reading verdicts.json")?,
    )?;
    let documents = field(&verdicts, "documents")
        .as_array()
        .context("verdicts.json has no documents")?;
    let mut entries = Vec::new();
    for file in DOCUMENTS {
        let entry = documents
            .iter()
            .find(|d| field(d, "file") == file)
            .with_context(|| format!("{file} not in the corpus"))?;
        anyhow::ensure!(
            field(field(entry, "verdict"), "accept") == true,
            "{file} is not accepted"
        );
        let bytes = std::fs::read(dir.join(file)).with_context(|| format!("reading {file}"))?;
        let proofs = document_proofs(&bytes).with_context(|| format!("proofs of {file}"))?;
        let options = field(entry, "options");
        entries.push(json!({
            "file": file,
            "trust_anchor": field(options, "trust_anchor"),
            "at": field(options, "at"),
            "max_age_secs": field(options, "max_age_secs"),
            "allow_debug": field(options, "allow_debug"),
            "proofs": proofs.iter().map(|p| hex0x(p)).collect::<Vec<_>>(),
        }));
    }
    Ok(json!({
        "generator": "cargo run -p lcp-tests --bin gen_rust_proofs (attestation_verifier::nitro::proofs::document_proofs)",
        "count": entries.len(),
        "documents": entries,
    }))
}

/// The golden file's text: pretty JSON with a final newline.
///
/// # Errors
/// As [`build`].
pub fn render() -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&build()?)?;
    text.push('\n');
    Ok(text)
}
