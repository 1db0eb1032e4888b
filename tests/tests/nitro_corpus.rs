//! The committed differential corpus (`fixtures/golden/nitro-corpus/`) must be exactly what the
//! generator produces today, and every committed verdict must be what the Rust reference says
//! today: neither the simulated NSM nor the verifier can drift without this test failing.

#![cfg(test)]

use lcp_tests::nitro_corpus::{self, EntryOptions, VERDICTS_FILE};
use serde_json::Value;
use std::collections::BTreeSet;

fn corpus_dir() -> std::path::PathBuf {
    lcp_tests::fixture("golden/nitro-corpus")
}

fn committed_verdicts() -> Value {
    let text = std::fs::read_to_string(corpus_dir().join(VERDICTS_FILE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn committed_verdicts_match_the_reference_verifier() {
    let verdicts = committed_verdicts();
    let documents = verdicts["documents"].as_array().unwrap();
    assert!(
        documents.len() >= 200,
        "corpus has only {} documents",
        documents.len()
    );
    assert_eq!(
        verdicts["count"].as_u64().unwrap(),
        u64::try_from(documents.len()).unwrap()
    );
    let (mut accepted, mut rejected) = (0, 0);
    for document in documents {
        let file = document["file"].as_str().unwrap();
        let bytes = std::fs::read(corpus_dir().join(file)).unwrap();
        let options = EntryOptions::from_json(&document["options"]).unwrap();
        let anchor = std::fs::read(corpus_dir().join(&options.trust_anchor)).unwrap();
        let fresh = nitro_corpus::verdict(&bytes, &options, &anchor);
        assert_eq!(fresh, document["verdict"], "{file}");
        if fresh["accept"] == true {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    assert!(
        accepted >= 20 && rejected >= 150,
        "{accepted} accepted, {rejected} rejected"
    );
}

#[test]
fn generator_reproduces_the_committed_corpus() {
    let real = lcp_tests::real_nitro_documents().unwrap();
    let aws_root = std::fs::read(lcp_tests::fixture("nitro/root.der")).unwrap();
    let corpus = nitro_corpus::build(&real, &aws_root).unwrap();
    for entry in &corpus.entries {
        let committed = std::fs::read(corpus_dir().join(&entry.file)).unwrap();
        assert!(
            committed == entry.bytes,
            "{} differs from the generator's output",
            entry.file
        );
    }
    for (name, der) in &corpus.anchors {
        assert_eq!(
            &std::fs::read(corpus_dir().join(name)).unwrap(),
            der,
            "{name}"
        );
    }
    assert_eq!(
        nitro_corpus::verdicts(&corpus).unwrap(),
        committed_verdicts()
    );

    // Nothing stale lies around: the directory holds exactly the generated files.
    let expected: BTreeSet<String> = corpus
        .entries
        .iter()
        .map(|e| e.file.clone())
        .chain(corpus.anchors.iter().map(|(n, _)| n.clone()))
        .chain([VERDICTS_FILE.to_owned()])
        .collect();
    let present: BTreeSet<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(present, expected);
}

#[test]
fn every_defect_and_every_rule_area_is_in_the_corpus() {
    let verdicts = committed_verdicts();
    let kinds: BTreeSet<&str> = verdicts["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    for defect in lcp_enclave::nsm::simulated::Defect::catalogue() {
        assert!(
            kinds.contains(defect.slug().as_str()),
            "{} missing",
            defect.slug()
        );
    }
    for real in ["real_evervault", "real_marlin", "real_automata"] {
        assert!(kinds.iter().any(|k| k.starts_with(real)), "{real} missing");
    }
}
