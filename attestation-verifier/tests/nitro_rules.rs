//! Rule-by-rule negative tests built from the real documents: every altered document gets the
//! specific error of the rule it breaks.
#![cfg(test)]

mod common;

use attestation_verifier::error::{CborError, NitroError};
use attestation_verifier::nitro::cbor::Value;
use attestation_verifier::nitro::{self, MAX_DOCUMENT_BYTES, verify_with};
use common::*;
use std::borrow::Cow;

fn check(doc: &[u8]) -> Result<nitro::VerifiedDocument, NitroError> {
    verify_with(&BACKEND, doc, &evervault_options())
}

#[test]
fn reencoded_original_still_verifies() {
    // Our writer reproduces the NSM's encoding byte for byte, so edits below change only what they say.
    let rebuilt = rewrap(EVERVAULT, &encode(&Value::Map(payload_entries(EVERVAULT))));
    assert_eq!(rebuilt, EVERVAULT);
}

#[test]
fn tagged_document_verifies() {
    let mut tagged = vec![0xd2];
    tagged.extend_from_slice(EVERVAULT);
    assert!(check(&tagged).is_ok());
}

#[test]
fn size_and_trailing_bytes() {
    let mut long = EVERVAULT.to_vec();
    long.resize(MAX_DOCUMENT_BYTES + 1, 0);
    assert_eq!(
        check(&long),
        Err(NitroError::DocumentTooLarge {
            len: MAX_DOCUMENT_BYTES + 1,
            max: MAX_DOCUMENT_BYTES
        })
    );
    let mut trailing = EVERVAULT.to_vec();
    trailing.push(0);
    assert_eq!(
        check(&trailing),
        Err(NitroError::EnvelopeCbor(CborError::TrailingBytes {
            offset: EVERVAULT.len()
        }))
    );
}

#[test]
fn missing_mandatory_fields_named() {
    for field in [
        "module_id",
        "digest",
        "timestamp",
        "pcrs",
        "certificate",
        "cabundle",
    ] {
        assert_eq!(
            check(&with_field(EVERVAULT, field, None)),
            Err(NitroError::MissingField { field }),
            "{field}"
        );
    }
}

#[test]
fn payload_changes_break_the_cose_signature() {
    let nonce = with_field(EVERVAULT, "nonce", Some(bytes(&[1; 256])));
    assert_eq!(check(&nonce), Err(NitroError::CoseSignature));
    // An absent optional instead of null: same meaning, different signed bytes.
    assert_eq!(
        check(&with_field(EVERVAULT, "user_data", None)),
        Err(NitroError::CoseSignature)
    );
    let unknown = with_field(EVERVAULT, "extension", Some(Value::Unsigned(1)));
    assert_eq!(
        check(&unknown),
        Err(NitroError::UnknownField {
            field: "extension".into()
        })
    );
}

#[test]
fn indefinite_length_payload_parses() {
    // Same entries in an indefinite-length map: syntactically accepted, then the signature (over the
    // definite encoding) fails, which proves parsing went through to the signature check.
    let mut payload = vec![0xbf];
    for (k, v) in payload_entries(EVERVAULT) {
        payload.extend(encode(&k));
        payload.extend(encode(&v));
    }
    payload.push(0xff);
    assert_eq!(
        check(&rewrap(EVERVAULT, &payload)),
        Err(NitroError::CoseSignature)
    );
}

#[test]
fn duplicate_payload_key_rejected() {
    let mut entries = payload_entries(EVERVAULT);
    entries.push((Value::Text(Cow::Borrowed("nonce")), Value::Null));
    let doc = rewrap(EVERVAULT, &encode(&Value::Map(entries)));
    assert!(matches!(
        check(&doc),
        Err(NitroError::PayloadCbor(CborError::DuplicateKey { .. }))
    ));
}

#[test]
fn chain_must_start_at_the_anchor() {
    let (bundle, _) = certs(EVERVAULT);
    let without_root = with_field(EVERVAULT, "cabundle", Some(bytes_array(&bundle[1..])));
    assert_eq!(check(&without_root), Err(NitroError::TrustAnchorMismatch));
}

#[test]
fn chain_order_and_issuers() {
    let (bundle, _) = certs(EVERVAULT);
    let skipped = vec![bundle[0].clone(), bundle[1].clone(), bundle[3].clone()];
    let doc = with_field(EVERVAULT, "cabundle", Some(bytes_array(&skipped)));
    assert_eq!(
        check(&doc),
        Err(NitroError::IssuerMismatch {
            index: 2,
            parent: 1
        })
    );
}

#[test]
fn ca_as_leaf_rejected() {
    let (bundle, _) = certs(EVERVAULT);
    let doc = with_field(EVERVAULT, "cabundle", Some(bytes_array(&bundle[..3])));
    let doc = with_field(&doc, "certificate", Some(bytes(&bundle[3])));
    assert_eq!(check(&doc), Err(NitroError::LeafIsCa));
}

#[test]
fn leaf_from_another_document_rejected() {
    // marlin's leaf is a different instance: its issuer is not evervault's instance CA.
    let (_, marlin_leaf) = certs(MARLIN);
    let doc = with_field(EVERVAULT, "certificate", Some(bytes(&marlin_leaf)));
    assert_eq!(
        check(&doc),
        Err(NitroError::IssuerMismatch {
            index: 4,
            parent: 3
        })
    );
}

#[test]
fn certificate_signature_checked() {
    let (mut bundle, _) = certs(EVERVAULT);
    // The last byte of a certificate is inside its signature's s value.
    let last = bundle[2].len() - 1;
    bundle[2][last] ^= 1;
    let doc = with_field(EVERVAULT, "cabundle", Some(bytes_array(&bundle)));
    assert_eq!(
        check(&doc),
        Err(NitroError::CertSignature {
            index: 2,
            parent: 1
        })
    );
}

#[test]
fn revoked_certificates_rejected() {
    let (bundle, leaf) = certs(EVERVAULT);
    for (index, der) in bundle.iter().chain(std::iter::once(&leaf)).enumerate() {
        let mut options = evervault_options();
        options.revoked.revoke_certificate(der).unwrap();
        let verdict = verify_with(&BACKEND, EVERVAULT, &options);
        assert!(
            matches!(verdict, Err(NitroError::CertRevoked { index: i, .. }) if i == index),
            "{index}: {verdict:?}"
        );
    }
}

#[test]
fn not_yet_valid_and_expired_cas() {
    let (bundle, _) = certs(EVERVAULT);
    let mut options = evervault_options();
    // 2022-10-13 00:00:00: before the zonal CA (index 2) notBefore 00:31:53; root and regional are valid.
    options.at = attestation_verifier::time::UnixSeconds(1_665_619_200);
    options.max_age_secs = u64::MAX;
    options.future_skew_secs = u64::MAX;
    assert!(matches!(
        verify_with(&BACKEND, EVERVAULT, &options),
        Err(NitroError::CertNotYetValid { index: 2, .. })
    ));
    let _ = bundle;
}

#[test]
fn chunked_strings_rejected() {
    // The nonce re-encoded as an indefinite-length byte string of two chunks (same content).
    let mut payload = vec![0xa9];
    for (k, v) in payload_entries(EVERVAULT) {
        payload.extend(encode(&k));
        match (&k, &v) {
            (Value::Text(name), Value::Bytes(b)) if name == "nonce" => {
                let (first, second) = b.split_at(100);
                payload.push(0x5f);
                payload.extend(encode(&bytes(first)));
                payload.extend(encode(&bytes(second)));
                payload.push(0xff);
            }
            _ => payload.extend(encode(&v)),
        }
    }
    let offset = {
        let nonce_key = encode(&Value::Text(Cow::Borrowed("nonce")));
        payload
            .windows(nonce_key.len())
            .position(|w| w == nonce_key)
            .unwrap()
            + nonce_key.len()
    };
    assert_eq!(
        check(&rewrap(EVERVAULT, &payload)),
        Err(NitroError::PayloadCbor(CborError::IndefiniteNotAllowed {
            offset,
            major: 2
        }))
    );
}
