//! The attestation document payload, checked against the AWS specification
//! (aws-nitro-enclaves-nsm-api, `docs/attestation_process.md` §3.2 "Syntactical validation").
//!
//! Unknown keys are REJECTED: the signed format is fixed by AWS, and a field we do not understand
//! is a field whose meaning we would silently drop. The Solidity verifier makes the same decision.

use crate::error::NitroError;
use crate::nitro::cbor::{self, Value};
use crate::time::UnixMillis;
use std::borrow::Cow;

/// Most PCRs in a document (AWS: `pcrs` holds 1..=32 entries, indices 0..=31).
pub const MAX_PCRS: usize = 32;
/// Largest `certificate` / `cabundle` entry (AWS: `cert = bytes .size (1..1024)`).
pub const MAX_CERT_LEN: usize = 1024;
/// Largest `public_key` (AWS: 1..=1024 bytes).
pub const MAX_PUBLIC_KEY_LEN: usize = 1024;
/// Largest `user_data`: 512 bytes, as aws-nitro-enclaves-nsm-api's `attestation_process.md` §3.2.2
/// states. (The AWS User Guide CDDL says `bytes .size (0..1024)`; we follow the stricter NSM-API
/// figure, as the Solidity verifier does. Our own enclave's `user_data` is 73 bytes.)
pub const MAX_USER_DATA_LEN: usize = 512;
/// Largest `nonce`: 512 bytes (same source and caveat as [`MAX_USER_DATA_LEN`]).
pub const MAX_NONCE_LEN: usize = 512;
/// Longest `module_id` accepted (AWS gives no bound; real ones are 39 characters).
pub const MAX_MODULE_ID_LEN: usize = 256;

/// One PCR: its index and value (32, 48 or 64 bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcr {
    /// Index, below 32.
    pub index: u8,
    /// Register value.
    pub value: Vec<u8>,
}

/// The payload fields, syntactically valid, not yet authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    /// `module_id`.
    pub module_id: Cow<'a, str>,
    /// `digest` (always "SHA384" once parsed).
    pub digest: Cow<'a, str>,
    /// `timestamp`, milliseconds.
    pub timestamp: UnixMillis,
    /// `pcrs`, sorted by index.
    pub pcrs: Vec<Pcr>,
    /// `certificate` (DER).
    pub certificate: Cow<'a, [u8]>,
    /// `cabundle` (DER), root first.
    pub cabundle: Vec<Cow<'a, [u8]>>,
    /// `public_key`, when present and not null.
    pub public_key: Option<Cow<'a, [u8]>>,
    /// `user_data`, when present and not null.
    pub user_data: Option<Cow<'a, [u8]>>,
    /// `nonce`, when present and not null.
    pub nonce: Option<Cow<'a, [u8]>>,
}

/// Decodes and checks the payload map.
///
/// # Errors
/// Invalid CBOR, a missing or mistyped field, a size outside the AWS limits, an unknown key.
pub fn parse(payload: &[u8]) -> Result<Document<'_>, NitroError> {
    let Value::Map(entries) = cbor::decode(payload).map_err(NitroError::PayloadCbor)? else {
        return Err(NitroError::PayloadNotMap);
    };
    let mut fields = Fields::default();
    for (key, value) in entries {
        let Value::Text(key) = key else {
            return Err(NitroError::NonTextKey);
        };
        let slot = match key.as_ref() {
            "module_id" => &mut fields.module_id,
            "digest" => &mut fields.digest,
            "timestamp" => &mut fields.timestamp,
            "pcrs" => &mut fields.pcrs,
            "certificate" => &mut fields.certificate,
            "cabundle" => &mut fields.cabundle,
            "public_key" => &mut fields.public_key,
            "user_data" => &mut fields.user_data,
            "nonce" => &mut fields.nonce,
            other => {
                return Err(NitroError::UnknownField {
                    field: truncate(other),
                });
            }
        };
        // The CBOR reader already rejected duplicate keys.
        *slot = Some(value);
    }

    let module_id = text(fields.module_id, "module_id")?;
    check_len("module_id", module_id.len(), 1, MAX_MODULE_ID_LEN)?;
    let digest = text(fields.digest, "digest")?;
    if digest != "SHA384" {
        return Err(NitroError::UnsupportedDigest {
            got: truncate(&digest),
        });
    }
    let timestamp = match fields.timestamp {
        Some(Value::Unsigned(ms)) => UnixMillis(ms),
        Some(_) => {
            return Err(NitroError::FieldType {
                field: "timestamp",
                expected: "unsigned integer",
            });
        }
        None => return Err(NitroError::MissingField { field: "timestamp" }),
    };
    let pcrs = pcrs(fields.pcrs)?;
    let certificate = bytes(fields.certificate, "certificate")?;
    check_len("certificate", certificate.len(), 1, MAX_CERT_LEN)?;
    let cabundle = cabundle(fields.cabundle)?;
    let public_key = optional_bytes(fields.public_key, "public_key", 1, MAX_PUBLIC_KEY_LEN)?;
    let user_data = optional_bytes(fields.user_data, "user_data", 0, MAX_USER_DATA_LEN)?;
    let nonce = optional_bytes(fields.nonce, "nonce", 0, MAX_NONCE_LEN)?;
    Ok(Document {
        module_id,
        digest,
        timestamp,
        pcrs,
        certificate,
        cabundle,
        public_key,
        user_data,
        nonce,
    })
}

#[derive(Default)]
struct Fields<'a> {
    module_id: Option<Value<'a>>,
    digest: Option<Value<'a>>,
    timestamp: Option<Value<'a>>,
    pcrs: Option<Value<'a>>,
    certificate: Option<Value<'a>>,
    cabundle: Option<Value<'a>>,
    public_key: Option<Value<'a>>,
    user_data: Option<Value<'a>>,
    nonce: Option<Value<'a>>,
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

fn check_len(field: &'static str, len: usize, min: usize, max: usize) -> Result<(), NitroError> {
    if len < min || len > max {
        return Err(NitroError::FieldLength {
            field,
            len,
            min,
            max,
        });
    }
    Ok(())
}

fn text<'a>(value: Option<Value<'a>>, field: &'static str) -> Result<Cow<'a, str>, NitroError> {
    match value {
        Some(Value::Text(t)) => Ok(t),
        Some(_) => Err(NitroError::FieldType {
            field,
            expected: "text string",
        }),
        None => Err(NitroError::MissingField { field }),
    }
}

fn bytes<'a>(value: Option<Value<'a>>, field: &'static str) -> Result<Cow<'a, [u8]>, NitroError> {
    match value {
        Some(Value::Bytes(b)) => Ok(b),
        Some(_) => Err(NitroError::FieldType {
            field,
            expected: "byte string",
        }),
        None => Err(NitroError::MissingField { field }),
    }
}

/// An optional field: absent or CBOR `null` mean "not given".
fn optional_bytes<'a>(
    value: Option<Value<'a>>,
    field: &'static str,
    min: usize,
    max: usize,
) -> Result<Option<Cow<'a, [u8]>>, NitroError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bytes(b)) => {
            check_len(field, b.len(), min, max)?;
            Ok(Some(b))
        }
        Some(_) => Err(NitroError::FieldType {
            field,
            expected: "byte string or null",
        }),
    }
}

fn pcrs(value: Option<Value<'_>>) -> Result<Vec<Pcr>, NitroError> {
    let entries = match value {
        Some(Value::Map(entries)) => entries,
        Some(_) => {
            return Err(NitroError::FieldType {
                field: "pcrs",
                expected: "map",
            });
        }
        None => return Err(NitroError::MissingField { field: "pcrs" }),
    };
    if entries.is_empty() || entries.len() > MAX_PCRS {
        return Err(NitroError::PcrCount {
            count: entries.len(),
        });
    }
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let index = match key {
            Value::Unsigned(n) => u8::try_from(n)
                .ok()
                .filter(|i| usize::from(*i) < MAX_PCRS)
                .ok_or(NitroError::PcrIndex { index: n })?,
            _ => return Err(NitroError::PcrIndex { index: u64::MAX }),
        };
        let Value::Bytes(bytes) = value else {
            return Err(NitroError::FieldType {
                field: "pcrs",
                expected: "byte string values",
            });
        };
        if !matches!(bytes.len(), 32 | 48 | 64) {
            return Err(NitroError::PcrLength {
                index,
                len: bytes.len(),
            });
        }
        // Keys are unique: the CBOR reader rejects duplicate map keys.
        out.push(Pcr {
            index,
            value: bytes.into_owned(),
        });
    }
    out.sort_by_key(|p| p.index);
    Ok(out)
}

fn cabundle(value: Option<Value<'_>>) -> Result<Vec<Cow<'_, [u8]>>, NitroError> {
    let items = match value {
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(NitroError::FieldType {
                field: "cabundle",
                expected: "array",
            });
        }
        None => return Err(NitroError::MissingField { field: "cabundle" }),
    };
    if items.is_empty() {
        return Err(NitroError::EmptyCabundle);
    }
    if items.len() > crate::nitro::MAX_CABUNDLE_LEN {
        return Err(NitroError::CabundleTooLong {
            len: items.len(),
            max: crate::nitro::MAX_CABUNDLE_LEN,
        });
    }
    items
        .into_iter()
        .map(|item| match item {
            Value::Bytes(b) => {
                check_len("cabundle", b.len(), 1, MAX_CERT_LEN)?;
                Ok(b)
            }
            _ => Err(NitroError::FieldType {
                field: "cabundle",
                expected: "array of byte strings",
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small CBOR writer for test payloads (definite lengths, shortest heads).
    fn head(major: u8, n: usize) -> Vec<u8> {
        let m = major << 5;
        match n {
            0..=23 => vec![m | u8::try_from(n).unwrap()],
            24..=255 => vec![m | 24, u8::try_from(n).unwrap()],
            _ => {
                let n = u16::try_from(n).unwrap().to_be_bytes();
                vec![m | 25, n[0], n[1]]
            }
        }
    }
    fn tstr(s: &str) -> Vec<u8> {
        [head(3, s.len()), s.as_bytes().to_vec()].concat()
    }
    fn bstr(b: &[u8]) -> Vec<u8> {
        [head(2, b.len()), b.to_vec()].concat()
    }
    fn map(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
        let mut out = head(5, entries.len());
        for (k, v) in entries {
            out.extend_from_slice(k);
            out.extend_from_slice(v);
        }
        out
    }

    fn base() -> Vec<(Vec<u8>, Vec<u8>)> {
        vec![
            (tstr("module_id"), tstr("i-0")),
            (tstr("digest"), tstr("SHA384")),
            (
                tstr("timestamp"),
                vec![0x1b, 0, 0, 1, 0x83, 0xd0, 0x90, 0x86, 0xc2],
            ),
            (
                tstr("pcrs"),
                map(&[(vec![0x00], bstr(&[0; 48])), (vec![0x01], bstr(&[1; 48]))]),
            ),
            (tstr("certificate"), bstr(&[0x30])),
            (tstr("cabundle"), [vec![0x81], bstr(&[0x30])].concat()),
            (tstr("public_key"), vec![0xf6]),
            (tstr("user_data"), bstr(&[])),
        ]
    }

    fn with(key: &str, value: Option<Vec<u8>>) -> Vec<u8> {
        let mut entries: Vec<_> = base()
            .into_iter()
            .filter(|(k, _)| *k != tstr(key))
            .collect();
        if let Some(v) = value {
            entries.push((tstr(key), v));
        }
        map(&entries)
    }

    #[test]
    fn valid_minimal_payload() {
        let bytes = map(&base());
        let doc = parse(&bytes).unwrap();
        assert_eq!(doc.module_id, "i-0");
        assert_eq!(doc.timestamp, UnixMillis(0x0183_d090_86c2));
        assert_eq!(doc.pcrs.len(), 2);
        assert_eq!(doc.public_key, None);
        assert_eq!(doc.user_data.as_deref(), Some(&[][..]));
        assert_eq!(doc.nonce, None);
    }

    #[test]
    fn missing_fields_named() {
        for field in [
            "module_id",
            "digest",
            "timestamp",
            "pcrs",
            "certificate",
            "cabundle",
        ] {
            assert_eq!(
                parse(&with(field, None)),
                Err(NitroError::MissingField { field }),
                "{field}"
            );
        }
    }

    #[test]
    fn field_rules() {
        assert_eq!(
            parse(&with("digest", Some(tstr("SHA256")))),
            Err(NitroError::UnsupportedDigest {
                got: "SHA256".into()
            })
        );
        assert_eq!(
            parse(&with("module_id", Some(tstr("")))),
            Err(NitroError::FieldLength {
                field: "module_id",
                len: 0,
                min: 1,
                max: MAX_MODULE_ID_LEN
            })
        );
        assert_eq!(
            parse(&with("timestamp", Some(vec![0x20]))),
            Err(NitroError::FieldType {
                field: "timestamp",
                expected: "unsigned integer"
            })
        );
        assert_eq!(
            parse(&with("nonce", Some(bstr(&[0; 513])))),
            Err(NitroError::FieldLength {
                field: "nonce",
                len: 513,
                min: 0,
                max: MAX_NONCE_LEN
            })
        );
        assert_eq!(
            parse(&with("public_key", Some(bstr(&[])))),
            Err(NitroError::FieldLength {
                field: "public_key",
                len: 0,
                min: 1,
                max: MAX_PUBLIC_KEY_LEN
            })
        );
        assert_eq!(
            parse(&with("cabundle", Some(vec![0x80]))),
            Err(NitroError::EmptyCabundle)
        );
        assert_eq!(
            parse(&with("certificate", Some(bstr(&[0; 1025])))),
            Err(NitroError::FieldLength {
                field: "certificate",
                len: 1025,
                min: 1,
                max: MAX_CERT_LEN
            })
        );
        assert_eq!(
            parse(&with("extra", Some(vec![0x00]))),
            Err(NitroError::UnknownField {
                field: "extra".into()
            })
        );
        let non_text = map(&[(vec![0x01], vec![0x01])]);
        assert_eq!(parse(&non_text), Err(NitroError::NonTextKey));
        assert_eq!(parse(&[0x80]), Err(NitroError::PayloadNotMap));
    }

    #[test]
    fn pcr_rules() {
        assert_eq!(
            parse(&with("pcrs", Some(vec![0xa0]))),
            Err(NitroError::PcrCount { count: 0 })
        );
        let idx = map(&[(vec![0x18, 0x20], bstr(&[0; 48]))]);
        assert_eq!(
            parse(&with("pcrs", Some(idx))),
            Err(NitroError::PcrIndex { index: 32 })
        );
        let len = map(&[(vec![0x03], bstr(&[0; 47]))]);
        assert_eq!(
            parse(&with("pcrs", Some(len))),
            Err(NitroError::PcrLength { index: 3, len: 47 })
        );
        let dup = map(&[(vec![0x03], bstr(&[0; 48])), (vec![0x03], bstr(&[1; 48]))]);
        assert!(matches!(
            parse(&with("pcrs", Some(dup))),
            Err(NitroError::PayloadCbor(
                crate::error::CborError::DuplicateKey { .. }
            ))
        ));
        let mut many: Vec<(Vec<u8>, Vec<u8>)> = (0u8..32)
            .map(|i| ([head(0, usize::from(i))].concat(), bstr(&[0; 32])))
            .collect();
        assert_eq!(
            parse(&with("pcrs", Some(map(&many)))).unwrap().pcrs.len(),
            32
        );
        many.push((vec![0x18, 0x20], bstr(&[0; 32])));
        assert_eq!(
            parse(&with("pcrs", Some(map(&many)))),
            Err(NitroError::PcrCount { count: 33 })
        );
    }

    #[test]
    fn indefinite_payload_map_accepted() {
        let definite = map(&base());
        let mut indefinite = vec![0xbf];
        for (k, v) in base() {
            indefinite.extend(k);
            indefinite.extend(v);
        }
        indefinite.push(0xff);
        assert_eq!(parse(&indefinite), parse(&definite));
    }
}
