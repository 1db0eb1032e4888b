//! COSE_Sign1 (RFC 9052 §4.2) as AWS's NSM emits it: `[protected, unprotected, payload, signature]`,
//! optionally under CBOR tag 18, protected header exactly `{1: -35}` (alg ES384), unprotected header
//! empty, signature raw `r ‖ s` (RFC 9053 §2.1).

use crate::error::NitroError;
use crate::nitro::cbor::{self, Value};
use crate::nitro::crypto::EcdsaSignature;
use std::borrow::Cow;

/// The only protected header accepted: the map `{1: -35}` (alg: ES384), CBOR `A1 01 38 22`.
pub const PROTECTED_ES384: [u8; 4] = [0xa1, 0x01, 0x38, 0x22];

/// COSE_Sign1 tag (RFC 9052 §2).
pub const COSE_SIGN1_TAG: u64 = 18;

/// The parts of a COSE_Sign1 the verifier needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoseSign1<'a> {
    /// The payload byte string's content (the attestation document map).
    pub payload: Cow<'a, [u8]>,
    /// The signature.
    pub signature: EcdsaSignature,
}

/// Decodes and checks the envelope.
///
/// # Errors
/// Invalid CBOR, another tag, another shape, another header, or a signature that is not 96 bytes.
pub fn parse(input: &[u8]) -> Result<CoseSign1<'_>, NitroError> {
    let value = cbor::decode(input).map_err(NitroError::EnvelopeCbor)?;
    let array = match value {
        Value::Tag(COSE_SIGN1_TAG, inner) => match *inner {
            Value::Array(items) => items,
            Value::Tag(tag, _) => return Err(NitroError::UnexpectedTag { tag }),
            _ => return Err(NitroError::NotCoseSign1),
        },
        Value::Tag(tag, _) => return Err(NitroError::UnexpectedTag { tag }),
        Value::Array(items) => items,
        _ => return Err(NitroError::NotCoseSign1),
    };
    let [protected, unprotected, payload, signature]: [Value<'_>; 4] =
        array.try_into().map_err(|_| NitroError::NotCoseSign1)?;
    match protected {
        Value::Bytes(bytes) if bytes.as_ref() == PROTECTED_ES384 => {}
        _ => return Err(NitroError::ProtectedHeader),
    }
    match unprotected {
        Value::Map(entries) if entries.is_empty() => {}
        _ => return Err(NitroError::UnprotectedHeader),
    }
    let Value::Bytes(payload) = payload else {
        return Err(NitroError::PayloadNotBytes);
    };
    let signature = match signature {
        Value::Bytes(bytes) => {
            let raw: [u8; 96] = bytes
                .as_ref()
                .try_into()
                .map_err(|_| NitroError::SignatureLength { len: bytes.len() })?;
            EcdsaSignature(raw)
        }
        _ => return Err(NitroError::SignatureLength { len: 0 }),
    };
    Ok(CoseSign1 { payload, signature })
}

/// `Sig_structure = ["Signature1", protected, external_aad = h'', payload]` (RFC 9052 §4.4) in its
/// one deterministic encoding, built from the protected header and payload bytes exactly as received.
pub fn sig_structure(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len().saturating_add(32));
    out.push(0x84);
    out.push(0x6a);
    out.extend_from_slice(b"Signature1");
    out.push(0x44);
    out.extend_from_slice(&PROTECTED_ES384);
    out.push(0x40);
    byte_string_head(&mut out, payload.len());
    out.extend_from_slice(payload);
    out
}

/// The shortest CBOR head of a byte string of `len` bytes.
fn byte_string_head(out: &mut Vec<u8>, len: usize) {
    let len = u64::try_from(len).unwrap_or(u64::MAX);
    let be = len.to_be_bytes();
    match len {
        0..=23 => out.push(0x40 | be[7]),
        24..=0xff => out.extend_from_slice(&[0x58, be[7]]),
        0x100..=0xffff => out.extend_from_slice(&[0x59, be[6], be[7]]),
        0x1_0000..=0xffff_ffff => out.extend_from_slice(&[0x5a, be[4], be[5], be[6], be[7]]),
        _ => {
            out.push(0x5b);
            out.extend_from_slice(&be);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(protected: &[u8], unprotected: &[u8], payload: &[u8], sig_len: usize) -> Vec<u8> {
        let mut out = vec![0x84];
        out.extend_from_slice(protected);
        out.extend_from_slice(unprotected);
        out.extend_from_slice(payload);
        out.extend_from_slice(&[0x58, u8::try_from(sig_len).unwrap()]);
        out.extend(std::iter::repeat_n(7u8, sig_len));
        out
    }

    #[test]
    fn accepts_tagged_and_untagged() {
        let doc = envelope(&[0x44, 0xa1, 0x01, 0x38, 0x22], &[0xa0], &[0x41, 0xa0], 96);
        let parsed = parse(&doc).unwrap();
        assert_eq!(parsed.payload.as_ref(), &[0xa0]);
        let mut tagged = vec![0xd2];
        tagged.extend_from_slice(&doc);
        assert_eq!(parse(&tagged).unwrap(), parsed);
        let mut other_tag = vec![0xd1];
        other_tag.extend_from_slice(&doc);
        assert_eq!(
            parse(&other_tag),
            Err(NitroError::UnexpectedTag { tag: 17 })
        );
        // Indefinite-length empty unprotected map is still an empty map.
        let indefinite = envelope(
            &[0x44, 0xa1, 0x01, 0x38, 0x22],
            &[0xbf, 0xff],
            &[0x41, 0xa0],
            96,
        );
        assert!(parse(&indefinite).is_ok());
    }

    #[test]
    fn header_and_signature_rules() {
        // ES256 (-7) instead of ES384.
        let es256 = envelope(&[0x43, 0xa1, 0x01, 0x26], &[0xa0], &[0x41, 0xa0], 96);
        assert_eq!(parse(&es256), Err(NitroError::ProtectedHeader));
        let extra = envelope(
            &[0x44, 0xa1, 0x01, 0x38, 0x22],
            &[0xa1, 0x04, 0x40],
            &[0x41, 0xa0],
            96,
        );
        assert_eq!(parse(&extra), Err(NitroError::UnprotectedHeader));
        let detached = envelope(&[0x44, 0xa1, 0x01, 0x38, 0x22], &[0xa0], &[0xf6], 96);
        assert_eq!(parse(&detached), Err(NitroError::PayloadNotBytes));
        let short = envelope(&[0x44, 0xa1, 0x01, 0x38, 0x22], &[0xa0], &[0x41, 0xa0], 95);
        assert_eq!(parse(&short), Err(NitroError::SignatureLength { len: 95 }));
        let der_sig = envelope(&[0x44, 0xa1, 0x01, 0x38, 0x22], &[0xa0], &[0x41, 0xa0], 104);
        assert_eq!(
            parse(&der_sig),
            Err(NitroError::SignatureLength { len: 104 })
        );
        assert_eq!(
            parse(&[0x83, 0x01, 0x02, 0x03]),
            Err(NitroError::NotCoseSign1)
        );
    }

    #[test]
    fn sig_structure_encoding() {
        let s = sig_structure(&[0xa0]);
        assert_eq!(
            s,
            [
                &[0x84, 0x6a][..],
                b"Signature1",
                &[0x44, 0xa1, 0x01, 0x38, 0x22, 0x40, 0x41, 0xa0]
            ]
            .concat()
        );
        let long = vec![0u8; 4000];
        let s = sig_structure(&long);
        assert_eq!(&s[18..21], &[0x59, 0x0f, 0xa0]);
        assert_eq!(s.len(), 21 + 4000);
    }
}
