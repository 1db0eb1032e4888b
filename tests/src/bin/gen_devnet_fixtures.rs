//! Writes `fixtures/golden/devnet-electra/` (see `lcp_tests::devnet::fixture`). Deterministic;
//! rerun after changing the devnet generator.

use lcp_tests::devnet::fixture::{DIR, render};

fn main() -> anyhow::Result<()> {
    let dir = lcp_tests::fixture(DIR);
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in render()? {
        let path = dir.join(name);
        std::fs::write(&path, bytes)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
