//! A minimal DER writer: exactly the TLVs an X.509 certificate needs, nothing more.
//!
//! It writes what it is told, including things a strict parser must reject (a wrong OID, a
//! non-critical extension), because the simulated NSM exists to produce defective certificates
//! as well as valid ones. It never *parses*, so it needs no bounds against hostile input.

use super::SimError;

/// Universal tags used by X.509 (X.690 §8).
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0C;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET (constructed).
    pub const SET: u8 = 0x31;
    /// `[0]` EXPLICIT, constructed (certificate version).
    pub const CONTEXT_0: u8 = 0xA0;
    /// `[3]` EXPLICIT, constructed (certificate extensions).
    pub const CONTEXT_3: u8 = 0xA3;
    /// `[6]` IMPLICIT IA5String (GeneralName uniformResourceIdentifier).
    pub const CONTEXT_URI: u8 = 0x86;
    /// `[0]` IMPLICIT constructed (DistributionPointName / fullName).
    pub const CONTEXT_0_IMPLICIT: u8 = 0xA0;
    /// `[0]` IMPLICIT primitive (AuthorityKeyIdentifier keyIdentifier).
    pub const CONTEXT_0_PRIMITIVE: u8 = 0x80;
}

/// One TLV with a definite, minimal length (X.690 §10.1).
///
/// # Errors
/// [`SimError::TooLarge`] if `content` is longer than 2^32 - 1 bytes.
pub fn tlv(tag: u8, content: &[u8]) -> Result<Vec<u8>, SimError> {
    let len = u32::try_from(content.len()).map_err(|_| SimError::TooLarge { what: "DER value" })?;
    let mut out = Vec::with_capacity(content.len().saturating_add(6));
    out.push(tag);
    if len < 0x80 {
        out.extend_from_slice(&len.to_be_bytes()[3..]);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        let count = u8::try_from(significant.len())
            .map_err(|_| SimError::TooLarge { what: "DER length" })?;
        out.push(0x80 | count);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    Ok(out)
}

/// A SEQUENCE of already-encoded parts.
///
/// # Errors
/// See [`tlv`].
pub fn sequence(parts: &[Vec<u8>]) -> Result<Vec<u8>, SimError> {
    tlv(tag::SEQUENCE, &parts.concat())
}

/// A SET holding one already-encoded element (every RDN we emit has one attribute).
///
/// # Errors
/// See [`tlv`].
pub fn set_of_one(part: &[u8]) -> Result<Vec<u8>, SimError> {
    tlv(tag::SET, part)
}

/// An unsigned INTEGER from big-endian magnitude bytes: leading zeros stripped, a `00` prepended
/// when the top bit is set, so the encoding is minimal and non-negative (X.690 §8.3.2).
///
/// # Errors
/// See [`tlv`].
pub fn unsigned_integer(magnitude: &[u8]) -> Result<Vec<u8>, SimError> {
    let skip = magnitude.iter().take_while(|b| **b == 0).count();
    let trimmed = magnitude.get(skip..).unwrap_or_default();
    let mut content = Vec::with_capacity(trimmed.len().saturating_add(1));
    match trimmed.first() {
        None => content.push(0),
        Some(first) if *first >= 0x80 => {
            content.push(0);
            content.extend_from_slice(trimmed);
        }
        Some(_) => content.extend_from_slice(trimmed),
    }
    tlv(tag::INTEGER, &content)
}

/// A small non-negative INTEGER (certificate version, pathLenConstraint).
///
/// # Errors
/// See [`tlv`].
pub fn small_integer(value: u8) -> Result<Vec<u8>, SimError> {
    unsigned_integer(&[value])
}

/// BOOLEAN TRUE as DER requires it (`FF`).
///
/// # Errors
/// See [`tlv`].
pub fn boolean_true() -> Result<Vec<u8>, SimError> {
    tlv(tag::BOOLEAN, &[0xFF])
}

/// A BIT STRING with no unused bits (keys and signatures).
///
/// # Errors
/// See [`tlv`].
pub fn bit_string(bytes: &[u8]) -> Result<Vec<u8>, SimError> {
    let mut content = Vec::with_capacity(bytes.len().saturating_add(1));
    content.push(0);
    content.extend_from_slice(bytes);
    tlv(tag::BIT_STRING, &content)
}

/// An OBJECT IDENTIFIER from its dotted arcs (X.690 §8.19).
///
/// # Errors
/// [`SimError::BadOid`] if there are fewer than two arcs or the first two are out of range.
pub fn oid(arcs: &[u64]) -> Result<Vec<u8>, SimError> {
    let (first, second, rest) = match arcs {
        [first, second, rest @ ..] if *first <= 2 && (*first == 2 || *second < 40) => {
            (*first, *second, rest)
        }
        _ => return Err(SimError::BadOid),
    };
    let head = first
        .checked_mul(40)
        .and_then(|v| v.checked_add(second))
        .ok_or(SimError::BadOid)?;
    let mut content = Vec::new();
    for arc in core::iter::once(head).chain(rest.iter().copied()) {
        push_base128(&mut content, arc);
    }
    tlv(tag::OID, &content)
}

/// Appends `value` in base-128, high groups first, continuation bit on all but the last byte.
fn push_base128(out: &mut Vec<u8>, value: u64) {
    let mut groups = [0u8; 10];
    let mut count = 0usize;
    let mut rest = value;
    for slot in groups.iter_mut() {
        *slot = u8::try_from(rest & 0x7F).unwrap_or_default();
        rest >>= 7;
        count = count.saturating_add(1);
        if rest == 0 {
            break;
        }
    }
    let used = groups.get(..count).unwrap_or_default();
    for (position, group) in used.iter().rev().enumerate() {
        let last = position.saturating_add(1) == count;
        out.push(if last { *group } else { *group | 0x80 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_minimal() {
        assert_eq!(tlv(0x04, &[1, 2]).unwrap(), vec![0x04, 0x02, 1, 2]);
        let long = tlv(0x04, &[0u8; 200]).unwrap();
        assert_eq!(&long[..3], &[0x04, 0x81, 200]);
        let longer = tlv(0x04, &[0u8; 600]).unwrap();
        assert_eq!(&longer[..4], &[0x04, 0x82, 0x02, 0x58]);
    }

    #[test]
    fn integers_are_minimal_and_positive() {
        assert_eq!(
            unsigned_integer(&[0, 0, 0x7F]).unwrap(),
            vec![0x02, 0x01, 0x7F]
        );
        assert_eq!(
            unsigned_integer(&[0x80]).unwrap(),
            vec![0x02, 0x02, 0x00, 0x80]
        );
        assert_eq!(unsigned_integer(&[]).unwrap(), vec![0x02, 0x01, 0x00]);
    }

    #[test]
    fn oids_match_known_encodings() {
        // ecdsa-with-SHA384 and secp384r1 as they appear in AWS certificates.
        assert_eq!(
            oid(&[1, 2, 840, 10045, 4, 3, 3]).unwrap(),
            vec![0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03]
        );
        assert_eq!(
            oid(&[1, 3, 132, 0, 34]).unwrap(),
            vec![0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]
        );
        assert_eq!(oid(&[3, 1]), Err(SimError::BadOid));
    }
}
