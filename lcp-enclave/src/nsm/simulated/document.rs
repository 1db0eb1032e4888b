//! Attestation documents in AWS's exact encoding, with optional defects.
//!
//! Layout (checked against the bundled real documents): an untagged COSE_Sign1 array
//! `[protected = bstr(A1 01 38 22), unprotected = {}, payload = bstr(map), signature = bstr(96)]`;
//! the payload map holds nine text keys in the order `module_id, digest, timestamp, pcrs,
//! certificate, cabundle, public_key, user_data, nonce`, absent optionals as `null`.

use super::SimError;
use super::cbor::Value;
use super::defect::{Defect, PayloadField};
use super::pki::{Chain, Pki};
use crate::nsm::{MAX_NONCE_LEN, MAX_PUBLIC_KEY_LEN, MAX_USER_DATA_LEN};
use p384::ecdsa::Signature;
use p384::ecdsa::signature::Signer;
use p384::elliptic_curve::scalar::IsHigh;

/// COSE algorithm ES384 (RFC 9053 §2.1): CBOR `-35`, i.e. negative argument 34.
const COSE_ES384: u64 = 34;
/// COSE algorithm ES256: CBOR `-7`.
const COSE_ES256: u64 = 6;
/// The COSE_Sign1 tag (RFC 9052 §4.2).
const COSE_SIGN1_TAG: u64 = 18;

/// How the (valid) encoding varies: every combination is something a verifier must accept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Encoding {
    /// Write the payload map with indefinite length (`BF … FF`).
    pub indefinite_map: bool,
    /// Wrap the COSE array in tag 18.
    pub tagged: bool,
    /// Force the signature's `s` into a given half of the group order.
    pub s_form: SForm,
}

/// Which `s` the COSE signature carries; ECDSA accepts both `s` and `n - s`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SForm {
    /// Whatever RFC 6979 signing produced.
    #[default]
    AsSigned,
    /// `s > n/2` (AWS emits these).
    High,
    /// `s ≤ n/2`.
    Low,
}

/// What to put in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRequest {
    /// The NSM's clock at signing, milliseconds (the `timestamp` field unless a defect changes it).
    pub now_ms: u64,
    /// `public_key` or null.
    pub public_key: Option<Vec<u8>>,
    /// `user_data` or null.
    pub user_data: Option<Vec<u8>>,
    /// `nonce` or null.
    pub nonce: Option<Vec<u8>>,
    /// PCRs as (index, value), in order.
    pub pcrs: Vec<(u64, Vec<u8>)>,
    /// Encoding variant.
    pub encoding: Encoding,
    /// Rules to break.
    pub defects: Vec<Defect>,
}

/// A finished document and what a test needs to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedDocument {
    /// The COSE_Sign1 bytes.
    pub bytes: Vec<u8>,
    /// The root certificate in `cabundle[0]` (differs from the NSM's usual root only for root defects).
    pub root_der: Vec<u8>,
    /// The `timestamp` field as written.
    pub timestamp: u64,
    /// The leaf's notAfter, unix seconds.
    pub leaf_not_after: i64,
    /// The `module_id` field.
    pub module_id: String,
}

/// Builds `request` into a signed document under `pki`; `leaf_label` selects the leaf key.
///
/// # Errors
/// A defect that does not apply, or an encoding/signing failure.
pub fn build(
    pki: &Pki,
    leaf_label: &str,
    request: &DocumentRequest,
) -> Result<GeneratedDocument, SimError> {
    let now_secs =
        i64::try_from(request.now_ms / 1000).map_err(|_| SimError::Time { unix: i64::MAX })?;
    let chain = pki.issue(now_secs, leaf_label, &request.defects)?;
    let has = |wanted: &dyn Fn(&Defect) -> bool| request.defects.iter().any(wanted);

    let timestamp = timestamp_field(request.now_ms, &request.defects)?;
    let module_id = module_id_of(pki, leaf_label, now_secs);
    let payload_map = payload(request, &chain, timestamp, &module_id)?;
    let mut payload_bytes = payload_map.encode();
    if has(&|d| matches!(d, Defect::TrailingBytesAfterPayload)) {
        payload_bytes.push(0x00);
    }

    let algorithm = if has(&|d| matches!(d, Defect::WrongProtectedHeader)) {
        COSE_ES256
    } else {
        COSE_ES384
    };
    let protected = Value::map(vec![(Value::Unsigned(1), Value::Negative(algorithm))]).encode();
    let sig_structure = Value::Array(vec![
        Value::text("Signature1"),
        Value::Bytes(protected.clone()),
        Value::Bytes(Vec::new()),
        Value::Bytes(payload_bytes.clone()),
    ])
    .encode();
    let signature: Signature = chain
        .leaf_key
        .try_sign(&sig_structure)
        .map_err(|_| SimError::Signing)?;
    let mut signature_bytes = shape_s(signature, request.encoding.s_form)?;
    if has(&|d| matches!(d, Defect::BadCoseSignature))
        && let Some(byte) = signature_bytes.get_mut(47)
    {
        *byte ^= 0x01;
    }
    if let Some(len) = request.defects.iter().find_map(|d| match d {
        Defect::SignatureLength { len } => Some(*len),
        _ => None,
    }) {
        signature_bytes.resize(len, 0);
    }

    let unprotected = if has(&|d| matches!(d, Defect::NonEmptyUnprotectedHeader)) {
        Value::map(vec![(Value::Unsigned(4), Value::Bytes(vec![0]))])
    } else {
        Value::map(Vec::new())
    };
    let cose = Value::Array(vec![
        Value::Bytes(protected),
        unprotected,
        Value::Bytes(payload_bytes),
        Value::Bytes(signature_bytes),
    ]);
    let cose = if request.encoding.tagged {
        Value::Tag(COSE_SIGN1_TAG, Box::new(cose))
    } else {
        cose
    };
    let mut bytes = cose.encode();
    if has(&|d| matches!(d, Defect::TrailingBytesAfterCose)) {
        bytes.push(0x00);
    }
    let root_der = chain.cabundle.first().cloned().unwrap_or_default();
    Ok(GeneratedDocument {
        bytes,
        root_der,
        timestamp,
        leaf_not_after: chain.leaf_not_after,
        module_id,
    })
}

/// The `module_id` AWS-style: `i-<17 hex>-enc<16 hex>`.
pub fn module_id_of(pki: &Pki, leaf_label: &str, now_secs: i64) -> String {
    format!(
        "{}-enc{}",
        pki.instance_id(),
        pki.enclave_hex(leaf_label, now_secs)
    )
}

fn timestamp_field(now_ms: u64, defects: &[Defect]) -> Result<u64, SimError> {
    let mut timestamp = now_ms;
    for defect in defects {
        match defect {
            Defect::StaleTimestamp { age_secs } => {
                let age_ms = age_secs
                    .checked_mul(1000)
                    .ok_or(SimError::DefectNotApplicable { defect: *defect })?;
                timestamp = timestamp
                    .checked_sub(age_ms)
                    .ok_or(SimError::DefectNotApplicable { defect: *defect })?;
            }
            Defect::FutureTimestamp { ahead_secs } => {
                let ahead_ms = ahead_secs
                    .checked_mul(1000)
                    .ok_or(SimError::DefectNotApplicable { defect: *defect })?;
                timestamp = timestamp
                    .checked_add(ahead_ms)
                    .ok_or(SimError::DefectNotApplicable { defect: *defect })?;
            }
            Defect::TimestampInSeconds => timestamp /= 1000,
            _ => {}
        }
    }
    Ok(timestamp)
}

fn optional_bytes(value: Option<&Vec<u8>>) -> Value {
    value.map_or(Value::Null, |bytes| Value::Bytes(bytes.clone()))
}

fn payload(
    request: &DocumentRequest,
    chain: &Chain,
    timestamp: u64,
    module_id: &str,
) -> Result<Value, SimError> {
    let has = |wanted: &dyn Fn(&Defect) -> bool| request.defects.iter().any(wanted);
    let mut pcrs = request.pcrs.clone();
    if has(&|d| matches!(d, Defect::DebugPcrs)) {
        for (index, value) in &mut pcrs {
            if *index <= 2 {
                value.iter_mut().for_each(|byte| *byte = 0);
            }
        }
    }
    let pcr_len = pcrs.first().map_or(48, |(_, value)| value.len());
    if has(&|d| matches!(d, Defect::NoPcrs)) {
        pcrs.clear();
    }
    if has(&|d| matches!(d, Defect::TooManyPcrs)) {
        pcrs = (0..=32).map(|index| (index, vec![0; pcr_len])).collect();
    }
    if has(&|d| matches!(d, Defect::PcrIndexOutOfRange)) {
        let last = pcrs.last_mut().ok_or(SimError::DefectNotApplicable {
            defect: Defect::PcrIndexOutOfRange,
        })?;
        last.0 = 32;
    }
    if has(&|d| matches!(d, Defect::DuplicatePcrIndex)) {
        let first = pcrs.first().cloned().ok_or(SimError::DefectNotApplicable {
            defect: Defect::DuplicatePcrIndex,
        })?;
        pcrs.insert(1, first);
    }
    if has(&|d| matches!(d, Defect::BadPcrLength)) {
        let pcr = pcrs.get_mut(3).ok_or(SimError::DefectNotApplicable {
            defect: Defect::BadPcrLength,
        })?;
        pcr.1.truncate(47);
    }
    // One byte over each NSM limit.
    let oversize_key = vec![0xA5; MAX_PUBLIC_KEY_LEN.saturating_add(1)];
    let oversize = vec![0xA5; MAX_USER_DATA_LEN.max(MAX_NONCE_LEN).saturating_add(1)];
    let public_key = if has(&|d| matches!(d, Defect::OversizePublicKey)) {
        Some(&oversize_key)
    } else {
        request.public_key.as_ref()
    };
    let user_data = if has(&|d| matches!(d, Defect::OversizeUserData)) {
        Some(&oversize)
    } else {
        request.user_data.as_ref()
    };
    let nonce = if has(&|d| matches!(d, Defect::OversizeNonce)) {
        Some(&oversize)
    } else {
        request.nonce.as_ref()
    };
    let digest = if has(&|d| matches!(d, Defect::WrongDigest)) {
        "SHA256"
    } else {
        "SHA384"
    };

    let mut entries = Vec::with_capacity(10);
    for field in PayloadField::ALL {
        if has(&|d| *d == Defect::MissingField { field }) {
            continue;
        }
        let value = match field {
            PayloadField::ModuleId if has(&|d| matches!(d, Defect::NonCanonicalCborHead)) => {
                Value::TextLongHead(module_id.to_owned())
            }
            PayloadField::ModuleId => Value::text(module_id),
            PayloadField::Digest => Value::text(digest),
            PayloadField::Timestamp => Value::Unsigned(timestamp),
            PayloadField::Pcrs => Value::map(
                pcrs.iter()
                    .map(|(index, value)| (Value::Unsigned(*index), Value::Bytes(value.clone())))
                    .collect(),
            ),
            PayloadField::Certificate => Value::Bytes(chain.leaf.clone()),
            PayloadField::Cabundle => {
                let skip = if has(&|d| matches!(d, Defect::EmptyCabundle)) {
                    chain.cabundle.len()
                } else if has(&|d| matches!(d, Defect::RootOmitted)) {
                    1
                } else {
                    0
                };
                Value::Array(
                    chain
                        .cabundle
                        .iter()
                        .skip(skip)
                        .cloned()
                        .map(Value::Bytes)
                        .collect(),
                )
            }
            PayloadField::PublicKey => optional_bytes(public_key),
            PayloadField::UserData => optional_bytes(user_data),
            PayloadField::Nonce => optional_bytes(nonce),
        };
        entries.push((Value::text(field.key()), value));
    }
    if has(&|d| matches!(d, Defect::DuplicatePayloadKey)) {
        entries.push((
            Value::text(PayloadField::ModuleId.key()),
            Value::text(module_id),
        ));
    }
    Ok(Value::Map {
        entries,
        indefinite: request.encoding.indefinite_map,
    })
}

/// The raw `r ‖ s` signature with `s` moved to the requested half (`s → n - s`).
fn shape_s(signature: Signature, form: SForm) -> Result<Vec<u8>, SimError> {
    let high = bool::from(signature.s().is_high());
    let flip = match form {
        SForm::AsSigned => false,
        SForm::High => !high,
        SForm::Low => high,
    };
    let signature = if flip {
        Signature::from_scalars(signature.r(), core::ops::Neg::neg(signature.s()))
            .map_err(|_| SimError::Signing)?
    } else {
        signature
    };
    Ok(signature.to_bytes().to_vec())
}
