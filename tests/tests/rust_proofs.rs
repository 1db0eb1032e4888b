//! The committed Rust-generated proofs (`fixtures/golden/rust-proofs.json`, fed to the Solidity
//! verifier by `solidity/test/RustProofs.t.sol`) are what the generator produces today.

#![cfg(test)]

use attestation_verifier::nitro::proofs::{HINT_LEN, SLOPE_LEN};
use lcp_tests::rust_proofs::{DOCUMENTS, GOLDEN_FILE, build, render};

#[test]
fn golden_proofs_are_reproduced() {
    let committed = std::fs::read_to_string(lcp_tests::fixture(GOLDEN_FILE)).unwrap();
    assert!(
        committed == render().unwrap(),
        "{GOLDEN_FILE} differs from the generator's output"
    );
}

#[test]
fn golden_proofs_have_the_contract_layout() {
    let golden = build().unwrap();
    let documents = golden["documents"].as_array().unwrap();
    assert_eq!(documents.len(), DOCUMENTS.len());
    for document in documents {
        let proofs = document["proofs"].as_array().unwrap();
        // Simulated chains have 4 certificates like AWS's: cabundle of 4 → 6 entries.
        assert_eq!(proofs.len(), 6, "{}", document["file"]);
        assert_eq!(proofs[0], "0x");
        for proof in &proofs[1..] {
            let bytes = hex::decode(proof.as_str().unwrap().trim_start_matches("0x")).unwrap();
            assert!(bytes.len() > HINT_LEN);
            assert_eq!(bytes.len().checked_sub(HINT_LEN).unwrap() % SLOPE_LEN, 0);
        }
    }
}
