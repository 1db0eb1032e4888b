//! Writes `fixtures/golden/rust-proofs.json`: the Rust generator's `verifyAttestationWithHints`
//! proofs for simulated-NSM documents of the corpus, checked on chain by
//! `solidity/test/RustProofs.t.sol`. Deterministic; rerun after changing the generator.

use lcp_tests::rust_proofs::{GOLDEN_FILE, render};

fn main() -> anyhow::Result<()> {
    let path = lcp_tests::fixture(GOLDEN_FILE);
    std::fs::write(&path, render()?)?;
    println!("wrote {}", path.display());
    Ok(())
}
