//! X.509 certificates (RFC 5280) restricted to the AWS Nitro profile: v3, ecdsa-with-SHA384,
//! P-384 keys as uncompressed points on the curve, strict DER. Everything else is rejected with a
//! [`ProfileViolation`]; what is parsed is kept as borrowed raw bytes so names compare byte-exactly
//! and signatures cover exactly the TBS encoding that was read.

use crate::error::{DerError, NitroError, ProfileViolation};
use crate::nitro::crypto::{EcdsaSignature, P384PublicKey};
use crate::nitro::der::{self, Element, Reader, tag};
use crate::time::UnixSeconds;

/// `AlgorithmIdentifier { ecdsa-with-SHA384 (1.2.840.10045.4.3.3) }`, parameters absent (RFC 5758 §3.2).
pub const ECDSA_WITH_SHA384: &[u8] = &[
    0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
];

/// `AlgorithmIdentifier { id-ecPublicKey (1.2.840.10045.2.1), secp384r1 (1.3.132.0.34) }` (RFC 5480 §2.1.1).
pub const EC_P384_KEY: &[u8] = &[
    0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
    0x00, 0x22,
];

/// id-ce-basicConstraints, 2.5.29.19.
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
/// id-ce-keyUsage, 2.5.29.15.
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];

/// RFC 5280 §4.1.2.2: serial numbers are at most 20 octets.
pub const MAX_SERIAL_LEN: usize = 20;
/// Most extensions read from one certificate; AWS certificates carry at most five.
pub const MAX_EXTENSIONS: usize = 16;

/// keyUsage bits as RFC 5280 §4.2.1.3 numbers them (bit 0 is the most significant bit of the first octet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// `digitalSignature (0)`.
    pub const fn digital_signature(self) -> bool {
        self.0 & 0x8000 != 0
    }
    /// `keyCertSign (5)`.
    pub const fn key_cert_sign(self) -> bool {
        self.0 & 0x0400 != 0
    }
}

/// The basicConstraints extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    /// Whether the extension was marked critical.
    pub critical: bool,
    /// `cA`.
    pub ca: bool,
    /// `pathLenConstraint`.
    pub path_len: Option<u64>,
}

/// A parsed certificate; all byte fields borrow from the DER input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate<'a> {
    /// The whole certificate.
    pub raw: &'a [u8],
    /// The TBSCertificate encoding (tag and length included): what the issuer signed.
    pub tbs: &'a [u8],
    /// Serial number magnitude (no sign-padding zero).
    pub serial: &'a [u8],
    /// Issuer Name encoding (tag and length included).
    pub issuer: &'a [u8],
    /// Subject Name encoding (tag and length included).
    pub subject: &'a [u8],
    /// Start of validity.
    pub not_before: UnixSeconds,
    /// End of validity.
    pub not_after: UnixSeconds,
    /// Subject public key.
    pub public_key: P384PublicKey,
    /// basicConstraints, if present.
    pub basic_constraints: Option<BasicConstraints>,
    /// keyUsage, if present.
    pub key_usage: Option<KeyUsage>,
    /// The issuer's signature over [`Certificate::tbs`].
    pub signature: EcdsaSignature,
}

impl Certificate<'_> {
    /// Whether basicConstraints says `cA = TRUE`.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|bc| bc.ca)
    }
}

/// Why a certificate failed to parse, before it is given its chain index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertParseError {
    /// Malformed DER.
    Der(DerError),
    /// Well-formed, but outside the Nitro profile.
    Profile(ProfileViolation),
}

impl From<DerError> for CertParseError {
    fn from(e: DerError) -> Self {
        CertParseError::Der(e)
    }
}

impl From<ProfileViolation> for CertParseError {
    fn from(v: ProfileViolation) -> Self {
        CertParseError::Profile(v)
    }
}

impl CertParseError {
    /// The verdict error for the certificate at chain `index`.
    pub fn at(self, index: usize) -> NitroError {
        match self {
            CertParseError::Der(source) => NitroError::CertificateDer { index, source },
            CertParseError::Profile(violation) => {
                NitroError::CertificateProfile { index, violation }
            }
        }
    }
}

/// The TBSCertificate of a certificate without parsing further: what the cache is keyed by.
///
/// # Errors
/// The outer structure is not strict DER.
pub fn tbs_of(input: &[u8]) -> Result<&[u8], DerError> {
    let mut outer = Reader::new(input);
    let cert = outer.expect(tag::SEQUENCE)?;
    outer.finish()?;
    Ok(Reader::inside(&cert).expect(tag::SEQUENCE)?.raw)
}

/// Parses a DER certificate and checks it against the Nitro profile.
///
/// # Errors
/// Malformed DER, or any [`ProfileViolation`].
pub fn parse(input: &[u8]) -> Result<Certificate<'_>, CertParseError> {
    let mut outer = Reader::new(input);
    let cert = outer.expect(tag::SEQUENCE)?;
    outer.finish()?;
    let mut fields = Reader::inside(&cert);
    let tbs = fields.expect(tag::SEQUENCE)?;
    let outer_alg = fields.expect(tag::SEQUENCE)?;
    let signature_bits = fields.expect(tag::BIT_STRING)?;
    fields.finish()?;
    if outer_alg.raw != ECDSA_WITH_SHA384 {
        return Err(ProfileViolation::SignatureAlgorithm.into());
    }
    let signature = ecdsa_sig_value(
        der::octet_aligned_bits(&signature_bits)?,
        signature_bits.offset,
    )?;

    let mut t = Reader::inside(&tbs);
    let version = t
        .expect(tag::CONTEXT_0)
        .map_err(|_| ProfileViolation::NotVersion3)?;
    let mut v = Reader::inside(&version);
    let version_int = v.expect(tag::INTEGER)?;
    v.finish()?;
    if der::unsigned_integer(&version_int)? != [2] {
        return Err(ProfileViolation::NotVersion3.into());
    }
    let serial = der::unsigned_integer(&t.expect(tag::INTEGER)?)?;
    if serial.len() > MAX_SERIAL_LEN {
        return Err(ProfileViolation::SerialTooLong.into());
    }
    let tbs_alg = t.expect(tag::SEQUENCE)?;
    if tbs_alg.raw != ECDSA_WITH_SHA384 {
        return Err(ProfileViolation::SignatureAlgorithm.into());
    }
    if tbs_alg.raw != outer_alg.raw {
        return Err(ProfileViolation::SignatureAlgorithmMismatch.into());
    }
    let issuer = name(&mut t)?;
    let validity = t.expect(tag::SEQUENCE)?;
    let mut val = Reader::inside(&validity);
    let not_before = UnixSeconds(der::time(&val.any()?)?);
    let not_after = UnixSeconds(der::time(&val.any()?)?);
    val.finish()?;
    let subject = name(&mut t)?;
    let public_key = subject_public_key(&t.expect(tag::SEQUENCE)?)?;
    // issuerUniqueID [1] / subjectUniqueID [2] are not in the profile: the next tag check rejects them.
    let (basic_constraints, key_usage) = match t.optional(tag::CONTEXT_3)? {
        Some(ext) => extensions(&ext)?,
        None => (None, None),
    };
    t.finish()?;
    Ok(Certificate {
        raw: input,
        tbs: tbs.raw,
        serial,
        issuer: issuer.raw,
        subject: subject.raw,
        not_before,
        not_after,
        public_key,
        basic_constraints,
        key_usage,
        signature,
    })
}

/// A Name: SEQUENCE OF RelativeDistinguishedName (SET OF { type OID, value }), checked for shape.
fn name<'a>(reader: &mut Reader<'a>) -> Result<Element<'a>, CertParseError> {
    let name = reader.expect(tag::SEQUENCE)?;
    let mut rdns = Reader::inside(&name);
    if rdns.is_empty() {
        return Err(ProfileViolation::EmptyName.into());
    }
    while !rdns.is_empty() {
        let rdn = rdns.expect(tag::SET)?;
        let mut atvs = Reader::inside(&rdn);
        if atvs.is_empty() {
            return Err(ProfileViolation::EmptyName.into());
        }
        while !atvs.is_empty() {
            let atv = atvs.expect(tag::SEQUENCE)?;
            let mut parts = Reader::inside(&atv);
            parts.expect(tag::OID)?;
            parts.any()?;
            parts.finish()?;
        }
    }
    Ok(name)
}

/// Renders a Name as `C=US, O=Amazon, …` in encoding order, for reports. Only call on a Name that
/// [`parse`] accepted; anything unexpected renders as `?`.
pub fn display_name(raw: &[u8]) -> String {
    let mut out = Vec::new();
    let mut top = Reader::new(raw);
    let Ok(seq) = top.expect(tag::SEQUENCE) else {
        return String::from("?");
    };
    let mut rdns = Reader::inside(&seq);
    while let Ok(rdn) = rdns.expect(tag::SET) {
        let mut atvs = Reader::inside(&rdn);
        while let Ok(atv) = atvs.expect(tag::SEQUENCE) {
            let mut parts = Reader::inside(&atv);
            let (Ok(oid), Ok(value)) = (parts.expect(tag::OID), parts.any()) else {
                continue;
            };
            let key = match oid.content {
                [0x55, 0x04, 0x03] => "CN",
                [0x55, 0x04, 0x06] => "C",
                [0x55, 0x04, 0x07] => "L",
                [0x55, 0x04, 0x08] => "ST",
                [0x55, 0x04, 0x0a] => "O",
                [0x55, 0x04, 0x0b] => "OU",
                _ => "?",
            };
            let text = String::from_utf8_lossy(value.content);
            out.push(format!("{key}={text}"));
        }
    }
    out.join(", ")
}

/// SubjectPublicKeyInfo: id-ecPublicKey on secp384r1, an uncompressed point on the curve.
fn subject_public_key(spki: &Element<'_>) -> Result<P384PublicKey, CertParseError> {
    let mut r = Reader::inside(spki);
    let alg = r.expect(tag::SEQUENCE)?;
    let bits = r.expect(tag::BIT_STRING)?;
    r.finish()?;
    if alg.raw != EC_P384_KEY {
        return Err(ProfileViolation::KeyAlgorithm.into());
    }
    let point = der::octet_aligned_bits(&bits)?;
    Ok(P384PublicKey::from_sec1_uncompressed(point)?)
}

/// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2 via RFC 5758 §3.2), into raw r‖s.
fn ecdsa_sig_value(bits: &[u8], offset: usize) -> Result<EcdsaSignature, CertParseError> {
    let mut r = Reader::new(bits);
    let seq = r.expect(tag::SEQUENCE).map_err(|e| shift(e, offset))?;
    r.finish().map_err(|e| shift(e, offset))?;
    let mut parts = Reader::inside(&seq);
    let r_int = parts.expect(tag::INTEGER).map_err(|e| shift(e, offset))?;
    let s_int = parts.expect(tag::INTEGER).map_err(|e| shift(e, offset))?;
    parts.finish().map_err(|e| shift(e, offset))?;
    let r_mag = der::unsigned_integer(&r_int).map_err(|e| shift(e, offset))?;
    let s_mag = der::unsigned_integer(&s_int).map_err(|e| shift(e, offset))?;
    let mut raw = [0u8; 96];
    for (mag, half) in [(r_mag, 0usize), (s_mag, 48usize)] {
        let start = half
            .checked_add(48)
            .and_then(|end| end.checked_sub(mag.len()));
        let dst = start
            .and_then(|start| raw.get_mut(start..half.saturating_add(48)))
            .ok_or(ProfileViolation::SignatureEncoding)?;
        if dst.len() != mag.len() || mag.is_empty() {
            return Err(ProfileViolation::SignatureEncoding.into());
        }
        dst.copy_from_slice(mag);
    }
    Ok(EcdsaSignature(raw))
}

/// Offsets inside the signature BIT STRING are relative to it; make them relative to the certificate.
fn shift(error: DerError, base: usize) -> DerError {
    let add = |o: usize| o.saturating_add(base);
    match error {
        DerError::UnexpectedEnd { offset } => DerError::UnexpectedEnd {
            offset: add(offset),
        },
        DerError::TrailingBytes { offset } => DerError::TrailingBytes {
            offset: add(offset),
        },
        DerError::HighTagNumber { offset } => DerError::HighTagNumber {
            offset: add(offset),
        },
        DerError::IndefiniteLength { offset } => DerError::IndefiniteLength {
            offset: add(offset),
        },
        DerError::NonMinimalLength { offset } => DerError::NonMinimalLength {
            offset: add(offset),
        },
        DerError::LengthTooLarge { offset, max } => DerError::LengthTooLarge {
            offset: add(offset),
            max,
        },
        DerError::UnexpectedTag {
            offset,
            expected,
            got,
        } => DerError::UnexpectedTag {
            offset: add(offset),
            expected,
            got,
        },
        DerError::InvalidInteger { offset } => DerError::InvalidInteger {
            offset: add(offset),
        },
        DerError::NegativeInteger { offset } => DerError::NegativeInteger {
            offset: add(offset),
        },
        DerError::InvalidBoolean { offset } => DerError::InvalidBoolean {
            offset: add(offset),
        },
        DerError::InvalidBitString { offset } => DerError::InvalidBitString {
            offset: add(offset),
        },
        DerError::InvalidTime { offset } => DerError::InvalidTime {
            offset: add(offset),
        },
        DerError::DefaultEncoded { offset } => DerError::DefaultEncoded {
            offset: add(offset),
        },
    }
}

/// Extensions: basicConstraints and keyUsage are read; any other critical extension is rejected.
fn extensions(
    explicit: &Element<'_>,
) -> Result<(Option<BasicConstraints>, Option<KeyUsage>), CertParseError> {
    let mut wrapper = Reader::inside(explicit);
    let list = wrapper.expect(tag::SEQUENCE)?;
    wrapper.finish()?;
    let mut exts = Reader::inside(&list);
    let mut seen: Vec<&[u8]> = Vec::new();
    let mut basic = None;
    let mut usage = None;
    while !exts.is_empty() {
        if seen.len() >= MAX_EXTENSIONS {
            return Err(ProfileViolation::TooManyExtensions.into());
        }
        let ext = exts.expect(tag::SEQUENCE)?;
        let mut e = Reader::inside(&ext);
        let oid = e.expect(tag::OID)?;
        let critical = match e.optional(tag::BOOLEAN)? {
            Some(b) => {
                if !der::boolean(&b)? {
                    return Err(DerError::DefaultEncoded { offset: b.offset }.into());
                }
                true
            }
            None => false,
        };
        let value = e.expect(tag::OCTET_STRING)?;
        e.finish()?;
        if seen.contains(&oid.content) {
            return Err(ProfileViolation::DuplicateExtension.into());
        }
        seen.push(oid.content);
        match oid.content {
            OID_BASIC_CONSTRAINTS => basic = Some(basic_constraints(&value, critical)?),
            OID_KEY_USAGE => usage = Some(key_usage(&value)?),
            _ if critical => return Err(ProfileViolation::UnknownCriticalExtension.into()),
            _ => {}
        }
    }
    Ok((basic, usage))
}

fn basic_constraints(
    value: &Element<'_>,
    critical: bool,
) -> Result<BasicConstraints, CertParseError> {
    let mut r = Reader::inside(value);
    let seq = r.expect(tag::SEQUENCE)?;
    r.finish()?;
    let mut f = Reader::inside(&seq);
    let ca = match f.optional(tag::BOOLEAN)? {
        Some(b) => {
            if !der::boolean(&b)? {
                return Err(DerError::DefaultEncoded { offset: b.offset }.into());
            }
            true
        }
        None => false,
    };
    let path_len = match f.optional(tag::INTEGER)? {
        Some(int) => {
            let magnitude = der::unsigned_integer(&int)?;
            if magnitude.len() > 8 {
                return Err(DerError::InvalidInteger { offset: int.offset }.into());
            }
            Some(
                magnitude
                    .iter()
                    .fold(0u64, |acc, b| acc.wrapping_shl(8) | u64::from(*b)),
            )
        }
        None => None,
    };
    f.finish()?;
    Ok(BasicConstraints {
        critical,
        ca,
        path_len,
    })
}

/// keyUsage BIT STRING: at most 2 octets (9 named bits), DER-minimal (no trailing zero bits).
fn key_usage(value: &Element<'_>) -> Result<KeyUsage, CertParseError> {
    let mut r = Reader::inside(value);
    let bits = r.expect(tag::BIT_STRING)?;
    r.finish()?;
    let bad = DerError::InvalidBitString {
        offset: bits.offset,
    };
    let (unused, data) = bits.content.split_first().ok_or(bad.clone())?;
    let unused = u32::from(*unused);
    let minimal = match data.last() {
        None => unused == 0,
        Some(last) => unused <= 7 && last.checked_shr(unused).is_some_and(|b| b & 1 == 1),
    };
    if !minimal || data.len() > 2 {
        return Err(bad.into());
    }
    let first = u16::from(data.first().copied().unwrap_or(0));
    let second = u16::from(data.get(1).copied().unwrap_or(0));
    Ok(KeyUsage(first.wrapping_shl(8) | second))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &[u8] = include_bytes!("aws_root_g1.der");

    #[test]
    fn aws_root_parses() {
        let cert = parse(ROOT).unwrap();
        assert_eq!(cert.issuer, cert.subject);
        assert_eq!(cert.not_before, UnixSeconds(1_572_269_285)); // 2019-10-28 13:28:05
        assert_eq!(cert.not_after, UnixSeconds(2_519_044_085)); // 2049-10-28 14:28:05
        assert_eq!(
            cert.basic_constraints,
            Some(BasicConstraints {
                critical: true,
                ca: true,
                path_len: None
            })
        );
        let ku = cert.key_usage.unwrap();
        assert!(ku.key_cert_sign() && ku.digital_signature());
        assert_eq!(
            display_name(cert.subject),
            "C=US, O=Amazon, OU=AWS, CN=aws.nitro-enclaves"
        );
        assert_eq!(tbs_of(ROOT).unwrap(), cert.tbs);
    }

    #[test]
    fn signature_value_conversion() {
        // r = 1, s = 0x80 (padded with a sign zero).
        let sig = [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80];
        let raw = ecdsa_sig_value(&sig, 0).unwrap();
        assert_eq!(raw.0[47], 1);
        assert_eq!(raw.0[95], 0x80);
        let mut long = vec![0x30, 0x36, 0x02, 0x31, 0x01];
        long.extend([0u8; 48]);
        long.extend([0x02, 0x01, 0x01]);
        assert_eq!(
            ecdsa_sig_value(&long, 0),
            Err(ProfileViolation::SignatureEncoding.into())
        );
    }

    #[test]
    fn key_usage_minimal() {
        let ok = [0x04, 0x04, 0x03, 0x02, 0x06, 0xc0];
        let e = Reader::new(&ok).any().unwrap();
        assert!(key_usage(&e).unwrap().digital_signature());
        let not_minimal = [0x04, 0x04, 0x03, 0x02, 0x05, 0xc0];
        let e = Reader::new(&not_minimal).any().unwrap();
        assert!(matches!(
            key_usage(&e),
            Err(CertParseError::Der(DerError::InvalidBitString { .. }))
        ));
    }

    #[test]
    fn wrong_algorithm_and_curve_rejected() {
        let mut bad = ROOT.to_vec();
        // The outer signatureAlgorithm OID's last byte sits right before the signature BIT STRING.
        let pos = bad
            .windows(ECDSA_WITH_SHA384.len())
            .rposition(|w| w == ECDSA_WITH_SHA384)
            .unwrap();
        bad[pos + ECDSA_WITH_SHA384.len() - 1] = 0x02; // ecdsa-with-SHA256
        assert_eq!(
            parse(&bad),
            Err(ProfileViolation::SignatureAlgorithm.into())
        );
        let mut bad = ROOT.to_vec();
        let pos = bad
            .windows(EC_P384_KEY.len())
            .position(|w| w == EC_P384_KEY)
            .unwrap();
        bad[pos + EC_P384_KEY.len() - 1] = 0x23; // secp521r1
        assert_eq!(parse(&bad), Err(ProfileViolation::KeyAlgorithm.into()));
        let mut bad = ROOT.to_vec();
        bad[pos + EC_P384_KEY.len() + 5] ^= 1; // a bit of the point's x coordinate
        assert_eq!(parse(&bad), Err(ProfileViolation::PointNotOnCurve.into()));
    }
}
