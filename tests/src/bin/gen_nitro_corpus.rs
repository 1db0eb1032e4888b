//! Writes the differential Nitro corpus to `fixtures/golden/nitro-corpus/`: documents, trust
//! anchors and `verdicts.json` from the Rust reference. Deterministic; run
//! `cargo run -p lcp-tests --bin gen_nitro_corpus` after changing the generator or the verifier,
//! then review the diff of `verdicts.json`.

use anyhow::Context;
use lcp_tests::nitro_corpus::{self, VERDICTS_FILE};

fn main() -> anyhow::Result<()> {
    let out = lcp_tests::fixture("golden/nitro-corpus");
    let real = lcp_tests::real_nitro_documents()?;
    let aws_root =
        std::fs::read(lcp_tests::fixture("nitro/root.der")).context("reading the AWS root")?;
    let corpus = nitro_corpus::build(&real, &aws_root)?;
    if out.exists() {
        std::fs::remove_dir_all(&out).context("clearing the old corpus")?;
    }
    std::fs::create_dir_all(&out)?;
    for entry in &corpus.entries {
        std::fs::write(out.join(&entry.file), &entry.bytes)?;
    }
    for (name, der) in &corpus.anchors {
        std::fs::write(out.join(name), der)?;
    }
    let verdicts = nitro_corpus::verdicts(&corpus)?;
    let mut text = serde_json::to_string_pretty(&verdicts)?;
    text.push('\n');
    std::fs::write(out.join(VERDICTS_FILE), text)?;
    let accepted = nitro_corpus::accepted_count(&verdicts);
    println!(
        "wrote {} documents ({accepted} accepted) to {}",
        corpus.entries.len(),
        out.display()
    );
    Ok(())
}
