//! Shared test helpers: the real fixtures and a CBOR writer to rebuild documents.
#![allow(dead_code)]

use attestation_verifier::nitro::cbor::{self, Value};
use attestation_verifier::nitro::{RustCrypto, VerificationOptions};
use attestation_verifier::time::UnixMillis;
use std::borrow::Cow;

pub const EVERVAULT: &[u8] =
    include_bytes!("../../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor");
pub const MARLIN: &[u8] =
    include_bytes!("../../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor");
pub const AUTOMATA: &[u8] =
    include_bytes!("../../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor");

/// Options valid for the evervault document (at its own timestamp).
pub fn evervault_options() -> VerificationOptions {
    VerificationOptions::new(UnixMillis(1_665_651_482_136).to_seconds())
}

/// (document, options) for each real fixture, the debug one allowed.
pub fn all() -> Vec<(&'static str, &'static [u8], VerificationOptions)> {
    let mut automata = VerificationOptions::new(UnixMillis(1_723_799_509_167).to_seconds());
    automata.pcr_policy.allow_debug = true;
    vec![
        ("evervault", EVERVAULT, evervault_options()),
        (
            "marlin",
            MARLIN,
            VerificationOptions::new(UnixMillis(1_708_930_921_439).to_seconds()),
        ),
        ("automata", AUTOMATA, automata),
    ]
}

pub const BACKEND: RustCrypto = RustCrypto;

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    let be = n.to_be_bytes();
    match n {
        0..=23 => out.push(m | be[7]),
        24..=0xff => out.extend_from_slice(&[m | 24, be[7]]),
        0x100..=0xffff => out.extend_from_slice(&[m | 25, be[6], be[7]]),
        0x1_0000..=0xffff_ffff => out.extend_from_slice(&[m | 26, be[4], be[5], be[6], be[7]]),
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&be);
        }
    }
}

/// Encodes with definite lengths and shortest heads (what the NSM emits).
pub fn encode(value: &Value<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, value);
    out
}

fn write(out: &mut Vec<u8>, value: &Value<'_>) {
    match value {
        Value::Unsigned(n) => head(out, 0, *n),
        Value::Negative(n) => head(out, 1, *n),
        Value::Bytes(b) => {
            head(out, 2, u64::try_from(b.len()).unwrap());
            out.extend_from_slice(b);
        }
        Value::Text(t) => {
            head(out, 3, u64::try_from(t.len()).unwrap());
            out.extend_from_slice(t.as_bytes());
        }
        Value::Array(items) => {
            head(out, 4, u64::try_from(items.len()).unwrap());
            items.iter().for_each(|i| write(out, i));
        }
        Value::Map(entries) => {
            head(out, 5, u64::try_from(entries.len()).unwrap());
            for (k, v) in entries {
                write(out, k);
                write(out, v);
            }
        }
        Value::Tag(t, inner) => {
            head(out, 6, *t);
            write(out, inner);
        }
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Null => out.push(0xf6),
    }
}

/// The payload map entries of a document.
pub fn payload_entries(doc: &[u8]) -> Vec<(Value<'static>, Value<'static>)> {
    let Value::Array(items) = cbor::decode(doc).unwrap() else {
        panic!()
    };
    let Value::Bytes(payload) = &items[2] else {
        panic!()
    };
    let Value::Map(entries) = cbor::decode(payload).unwrap() else {
        panic!()
    };
    entries
        .into_iter()
        .map(|(k, v)| (owned(k), owned(v)))
        .collect()
}

fn owned(v: Value<'_>) -> Value<'static> {
    match v {
        Value::Bytes(b) => Value::Bytes(Cow::Owned(b.into_owned())),
        Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
        Value::Array(items) => Value::Array(items.into_iter().map(owned).collect()),
        Value::Map(e) => Value::Map(e.into_iter().map(|(k, v)| (owned(k), owned(v))).collect()),
        Value::Tag(t, inner) => Value::Tag(t, Box::new(owned(*inner))),
        Value::Unsigned(n) => Value::Unsigned(n),
        Value::Negative(n) => Value::Negative(n),
        Value::Bool(b) => Value::Bool(b),
        Value::Null => Value::Null,
    }
}

/// Rebuilds a COSE_Sign1 around `payload` with the original signature of `doc`.
pub fn rewrap(doc: &[u8], payload: &[u8]) -> Vec<u8> {
    let Value::Array(mut items) = cbor::decode(doc).unwrap() else {
        panic!()
    };
    items[2] = Value::Bytes(Cow::Owned(payload.to_vec()));
    encode(&Value::Array(items))
}

/// The document with one payload field replaced (or removed with `None`), signature kept.
pub fn with_field(doc: &[u8], field: &str, value: Option<Value<'static>>) -> Vec<u8> {
    let mut entries = payload_entries(doc);
    let pos = entries
        .iter()
        .position(|(k, _)| *k == Value::Text(Cow::Borrowed(field)));
    match (pos, value) {
        (Some(p), Some(v)) => entries[p].1 = v,
        (Some(p), None) => {
            entries.remove(p);
        }
        (None, Some(v)) => entries.push((Value::Text(Cow::Owned(field.to_owned())), v)),
        (None, None) => {}
    }
    rewrap(doc, &encode(&Value::Map(entries)))
}

/// The `cabundle` and `certificate` of a document.
pub fn certs(doc: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let entries = payload_entries(doc);
    let get = |name: &str| {
        entries
            .iter()
            .find(|(k, _)| *k == Value::Text(Cow::Borrowed(name)))
            .unwrap()
            .1
            .clone()
    };
    let Value::Array(bundle) = get("cabundle") else {
        panic!()
    };
    let bundle = bundle
        .into_iter()
        .map(|v| {
            if let Value::Bytes(b) = v {
                b.into_owned()
            } else {
                panic!()
            }
        })
        .collect();
    let Value::Bytes(leaf) = get("certificate") else {
        panic!()
    };
    (bundle, leaf.into_owned())
}

pub fn bytes_array(items: &[Vec<u8>]) -> Value<'static> {
    Value::Array(
        items
            .iter()
            .map(|b| Value::Bytes(Cow::Owned(b.clone())))
            .collect(),
    )
}

pub fn bytes(b: &[u8]) -> Value<'static> {
    Value::Bytes(Cow::Owned(b.to_vec()))
}
