//! The Rust proof generator against the Python reference's outputs, byte for byte:
//! `solidity/test/data/p384_vectors.json` (hints), `p384_trace_vectors.json` (slopes) and
//! `nitro_hints.json` (per-document proof lists of the three real AWS documents).
#![cfg(test)]

use attestation_verifier::nitro::proofs::{
    self, HINT_LEN, ProofError, certificate_proof, document_proofs,
};
use attestation_verifier::nitro::{cose, document};
use serde_json::Value;
use std::collections::HashMap;

fn data(name: &str) -> Value {
    let path = format!(
        "{}/../solidity/test/data/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn unhex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

fn left_pad_48(digest: &[u8]) -> [u8; 48] {
    let mut out = [0u8; 48];
    out[48usize.checked_sub(digest.len()).unwrap()..].copy_from_slice(digest);
    out
}

struct Case {
    name: String,
    digest: [u8; 48],
    signature: [u8; 96],
    key: [u8; 96],
    hint: Vec<u8>,
    valid: bool,
}

/// The cases of p384_vectors.json as generator inputs. The malformed-length cases (signature or
/// key of 95/97 bytes) were given a hint from the base case's integers by the generator, so they
/// take the base case's inputs; the short digests are the same integer left-padded.
fn cases() -> Vec<Case> {
    let vectors = data("p384_vectors.json");
    let raw = vectors["cases"].as_array().unwrap();
    let base = raw.iter().find(|c| c["name"] == "edge_base_valid").unwrap();
    raw.iter()
        .map(|c| {
            let name = c["name"].as_str().unwrap().to_owned();
            let from = if name.starts_with("edge_len_sig") || name.starts_with("edge_len_key") {
                base
            } else {
                c
            };
            Case {
                digest: left_pad_48(&unhex(&from["digest"])),
                signature: unhex(&from["signature"]).try_into().unwrap(),
                key: unhex(&from["key"]).try_into().unwrap(),
                hint: unhex(&c["hint"]),
                valid: c["valid"].as_bool().unwrap(),
                name,
            }
        })
        .collect()
}

#[test]
fn hints_match_p384_vectors() {
    let mut matched = 0;
    let mut rejected = 0;
    for case in cases() {
        let got = proofs::hint(&case.digest, &case.signature, &case.key);
        if case.hint == vec![0u8; HINT_LEN] {
            // The reference's "no hint": r or s out of range, or a key off the curve.
            let expected = if case.name.starts_with("edge_r_") {
                ProofError::RNotInRange
            } else if case.name.starts_with("edge_s_") {
                ProofError::SNotInRange
            } else if case.name.starts_with("edge_key_") {
                ProofError::InvalidPublicKey
            } else {
                panic!("unexpected zero hint for {}", case.name)
            };
            assert_eq!(got, Err(expected), "{}", case.name);
            rejected += 1;
        } else {
            assert!(got.map(|h| h.to_vec()) == Ok(case.hint), "{}", case.name);
            matched += 1;
        }
    }
    assert_eq!((matched, rejected), (96, 8));

    let vectors = data("p384_vectors.json");
    let valid = &vectors["hint_cases"][0];
    assert_eq!(valid["name"], "hint_valid");
    let got = proofs::hint(
        &left_pad_48(&unhex(&valid["digest"])),
        &unhex(&valid["signature"]).try_into().unwrap(),
        &unhex(&valid["key"]).try_into().unwrap(),
    )
    .unwrap();
    assert_eq!(got.to_vec(), unhex(&valid["hint"]));
}

#[test]
fn traces_match_p384_trace_vectors() {
    let traces = data("p384_trace_vectors.json");
    let slopes: HashMap<String, Vec<u8>> = traces["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), unhex(&c["slopes"])))
        .collect();
    assert_eq!(slopes.len(), 31);
    let (mut traced, mut gaps, mut invalid) = (0, 0, 0);
    for case in cases() {
        let got = proofs::trace(&case.digest, &case.signature, &case.key);
        if let Some(slopes) = slopes.get(&case.name) {
            let mut expected = case.hint.clone();
            expected.extend_from_slice(slopes);
            assert!(got == Ok(expected), "{}", case.name);
            traced += 1;
        } else if case.valid && (case.name.starts_with("nitro_") || case.name.starts_with("edge_"))
        {
            // The reference's gaps: a doubling inside the ladder.
            assert!(
                matches!(got, Err(ProofError::LadderDegenerate { .. })),
                "{}: {got:?}",
                case.name
            );
            // What the relayer sends instead: the hint alone (verifyWithHint by length).
            assert_eq!(
                proofs::proof(&case.digest, &case.signature, &case.key),
                Ok(case.hint.clone()),
                "{}",
                case.name
            );
            gaps += 1;
        } else if !case.valid
            && case.hint != vec![0u8; HINT_LEN]
            && !case.name.starts_with("edge_len_sig")
            && !case.name.starts_with("edge_len_key")
        {
            // An in-range but invalid signature has a hint but never a trace.
            let expected = if case.name == "edge_infinity_q_eq_minus_g" {
                ProofError::RAtInfinity
            } else {
                ProofError::NotOnChainValid
            };
            assert_eq!(got, Err(expected), "{}", case.name);
            invalid += 1;
        }
    }
    assert_eq!((traced, gaps), (31, 2));
    assert_eq!(invalid, 43);
}

const DOCS: [(&str, &[u8]); 3] = [
    (
        "evervault",
        include_bytes!("../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor"),
    ),
    (
        "marlin",
        include_bytes!("../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor"),
    ),
    (
        "automata",
        include_bytes!("../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor"),
    ),
];

#[test]
fn document_proofs_match_nitro_hints() {
    let hints = data("nitro_hints.json");
    for (name, bytes) in DOCS {
        let expected = &hints[name];
        let mut traces: Vec<Vec<u8>> = expected["certs_trace"]
            .as_array()
            .unwrap()
            .iter()
            .map(unhex)
            .collect();
        traces.push(unhex(&expected["cose_trace"]));
        let mut plain: Vec<Vec<u8>> = expected["certs"]
            .as_array()
            .unwrap()
            .iter()
            .map(unhex)
            .collect();
        plain.push(unhex(&expected["cose"]));

        let got = document_proofs(bytes).unwrap();
        assert_eq!(got.len(), 6, "{name}");
        assert_eq!(got, traces, "{name}");
        for (i, (proof, hint)) in got.iter().zip(&plain).enumerate() {
            assert_eq!(&proof[..hint.len()], hint.as_slice(), "{name} hint {i}");
        }

        // Per certificate, as CertManager.verifyCACertWithHint / verifyLeafCertWithHint take it.
        let envelope = cose::parse(bytes).unwrap();
        let doc = document::parse(&envelope.payload).unwrap();
        let mut ders: Vec<&[u8]> = doc.cabundle.iter().map(|c| c.as_ref()).collect();
        ders.push(doc.certificate.as_ref());
        for (i, pair) in ders.windows(2).enumerate() {
            let proof = certificate_proof(pair[1], pair[0]).unwrap();
            assert!(
                proof == traces[i.checked_add(1).unwrap()],
                "{name} certificate {i}+1"
            );
        }
    }
}

#[test]
fn document_proofs_name_the_failing_part() {
    let (_, bytes) = DOCS[0];
    // Not a document.
    assert!(matches!(
        document_proofs(&bytes[1..]),
        Err(ProofError::Document(_))
    ));
    // The COSE signature's last byte flipped: the envelope parses, only the last proof fails.
    let mut tampered = bytes.to_vec();
    let last = tampered.len().checked_sub(1).unwrap();
    tampered[last] ^= 1;
    match document_proofs(&tampered) {
        Err(ProofError::Signature { index: 5, source }) => {
            assert_eq!(*source, ProofError::NotOnChainValid);
        }
        other => panic!("{other:?}"),
    }
    // A certificate signed by the wrong issuer: the leaf against the root's key.
    let envelope = cose::parse(bytes).unwrap();
    let doc = document::parse(&envelope.payload).unwrap();
    assert_eq!(
        certificate_proof(&doc.certificate, &doc.cabundle[0]),
        Err(ProofError::NotOnChainValid)
    );
    assert!(matches!(
        certificate_proof(&doc.certificate[1..], &doc.cabundle[0]),
        Err(ProofError::Certificate { index: 0, .. })
    ));
}

mod random_signatures {
    use super::*;
    use p384::ecdsa::signature::Signer;
    use p384::ecdsa::{Signature, SigningKey};
    use proptest::prelude::*;
    use sha2::{Digest, Sha384};

    fn inputs(secret: [u8; 48], message: &[u8]) -> Option<([u8; 48], [u8; 96], [u8; 96])> {
        let key = SigningKey::from_slice(&secret).ok()?;
        let signature: Signature = key.sign(message);
        let point = key.verifying_key().to_sec1_point(false);
        let xy: [u8; 96] = point.as_bytes()[1..].try_into().unwrap();
        let rs: [u8; 96] = signature.to_bytes().as_slice().try_into().unwrap();
        Some((Sha384::digest(message).into(), rs, xy))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Beyond the fixed vectors: every valid signature (low-S as signed, and its high-S twin)
        /// has a trace that starts with its hint; changing the message breaks it.
        #[test]
        fn valid_signatures_have_traces(
            secret in proptest::array::uniform32(any::<u8>()),
            tail in proptest::array::uniform16(any::<u8>()),
            message in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut scalar = [0u8; 48];
            scalar[..32].copy_from_slice(&secret);
            scalar[32..].copy_from_slice(&tail);
            scalar[0] &= 0x7f; // below n
            let Some((digest, rs, xy)) = inputs(scalar, &message) else { return Ok(()) };
            let trace = proofs::trace(&digest, &rs, &xy).unwrap();
            let hint = proofs::hint(&digest, &rs, &xy).unwrap();
            prop_assert_eq!(&trace[..HINT_LEN], hint.as_slice());
            prop_assert_eq!(trace.len().checked_sub(HINT_LEN).unwrap() % 48, 0);

            // s → n − s: the same signature in high/low-S form also verifies on chain.
            type U384 = alloy_primitives::ruint::Uint<384, 6>;
            let n = U384::from_be_slice(&hex::decode("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973").unwrap());
            let s_value = U384::from_be_slice(&rs[48..]);
            let mut flipped = rs;
            flipped[48..].copy_from_slice(&n.wrapping_sub(s_value).to_be_bytes::<48>());
            prop_assert!(proofs::trace(&digest, &flipped, &xy).is_ok());

            let mut other = digest;
            other[0] ^= 1;
            prop_assert_eq!(proofs::trace(&other, &rs, &xy), Err(ProofError::NotOnChainValid));
        }
    }
}
