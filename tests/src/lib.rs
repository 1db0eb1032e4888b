//! Helpers shared by the cross-crate tests: where the repository's fixtures are.

pub mod devnet;
pub mod fixture_server;
pub mod inproc_enclave;
pub mod nitro_corpus;
pub mod rust_proofs;

use anyhow::Context;
use std::path::PathBuf;

/// The repository's `fixtures/` directory (tests never read `../shared`).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
}

/// A path inside `fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    fixtures_dir().join(relative)
}

/// The bundled real AWS documents with their `timestamp` in milliseconds (fixtures/README.md).
pub const REAL_NITRO_DOCUMENTS: [(&str, u64); 3] = [
    ("evervault_2022-10-13_i-020b6af9.cbor", 1_665_651_482_136),
    (
        "marlin-NitroProver_2024-02-26_i-0df237f0.cbor",
        1_708_930_921_439,
    ),
    ("automata_2024-08-16_i-07fd4cc4.cbor", 1_723_799_509_167),
];

/// Reads the bundled real AWS documents as (file name, bytes, timestamp ms).
///
/// # Errors
/// A fixture cannot be read.
pub fn real_nitro_documents() -> anyhow::Result<Vec<(String, Vec<u8>, u64)>> {
    REAL_NITRO_DOCUMENTS
        .iter()
        .map(|(name, timestamp_ms)| {
            let bytes = std::fs::read(fixture(&format!("nitro/{name}")))
                .with_context(|| format!("reading {name}"))?;
            Ok(((*name).to_owned(), bytes, *timestamp_ms))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_in_the_repository() {
        assert!(
            fixture("nitro/root.der").is_file(),
            "fixtures/nitro/root.der is missing"
        );
    }
}
