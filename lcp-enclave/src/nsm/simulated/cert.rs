//! X.509 certificates as the simulated PKI writes them: a TBSCertificate description that
//! defects can edit before signing, and the extension builders of the AWS profile.

use super::SimError;
use super::der::{self, tag};
use p384::ecdsa::signature::Signer;
use p384::ecdsa::signature::hazmat::PrehashSigner;
use p384::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

/// OIDs (dotted arcs) used in the certificates.
pub(super) mod oids {
    pub const ECDSA_WITH_SHA384: &[u64] = &[1, 2, 840, 10045, 4, 3, 3];
    pub const ECDSA_WITH_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
    pub const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
    pub const SECP384R1: &[u64] = &[1, 3, 132, 0, 34];
    pub const PRIME256V1: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
    pub const COUNTRY: &[u64] = &[2, 5, 4, 6];
    pub const STATE: &[u64] = &[2, 5, 4, 8];
    pub const LOCALITY: &[u64] = &[2, 5, 4, 7];
    pub const ORGANIZATION: &[u64] = &[2, 5, 4, 10];
    pub const ORG_UNIT: &[u64] = &[2, 5, 4, 11];
    pub const COMMON_NAME: &[u64] = &[2, 5, 4, 3];
    pub const BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
    pub const KEY_USAGE: &[u64] = &[2, 5, 29, 15];
    pub const SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
    pub const AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];
    pub const CRL_DISTRIBUTION_POINTS: &[u64] = &[2, 5, 29, 31];
}

/// keyUsage bits as the first content byte of the BIT STRING (RFC 5280 §4.2.1.3).
pub(super) mod key_usage {
    pub const DIGITAL_SIGNATURE: u8 = 0x80;
    pub const NON_REPUDIATION: u8 = 0x40;
    pub const KEY_CERT_SIGN: u8 = 0x04;
    pub const CRL_SIGN: u8 = 0x02;
}

/// The P-256 base point, uncompressed (SEC 2 §2.4.2): a genuine P-256 public key for the
/// wrong-curve defect, so the only thing wrong with it is its curve.
pub(super) const P256_GENERATOR: [u8; 65] = [
    0x04, 0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40,
    0xF2, 0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2,
    0x96, 0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E,
    0x16, 0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51,
    0xF5,
];

/// A directory-name attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Attribute {
    Country,
    State,
    Locality,
    Organization,
    OrgUnit,
    CommonName,
}

impl Attribute {
    pub(super) fn oid(self) -> &'static [u64] {
        match self {
            Attribute::Country => oids::COUNTRY,
            Attribute::State => oids::STATE,
            Attribute::Locality => oids::LOCALITY,
            Attribute::Organization => oids::ORGANIZATION,
            Attribute::OrgUnit => oids::ORG_UNIT,
            Attribute::CommonName => oids::COMMON_NAME,
        }
    }

    /// AWS writes countryName as PrintableString and everything else as UTF8String.
    pub(super) fn string_tag(self) -> u8 {
        match self {
            Attribute::Country => tag::PRINTABLE_STRING,
            Attribute::State
            | Attribute::Locality
            | Attribute::Organization
            | Attribute::OrgUnit
            | Attribute::CommonName => tag::UTF8_STRING,
        }
    }
}

/// A distinguished name: one attribute per RDN, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Name(pub(super) Vec<(Attribute, String)>);

impl Name {
    pub(super) fn encode(&self) -> Result<Vec<u8>, SimError> {
        let mut rdns = Vec::with_capacity(self.0.len());
        for (attribute, value) in &self.0 {
            let pair = der::sequence(&[
                der::oid(attribute.oid())?,
                der::tlv(attribute.string_tag(), value.as_bytes())?,
            ])?;
            rdns.push(der::set_of_one(&pair)?);
        }
        der::sequence(&rdns)
    }

    pub(super) fn common_name_mut(&mut self) -> Option<&mut String> {
        self.0
            .iter_mut()
            .find(|(attribute, _)| *attribute == Attribute::CommonName)
            .map(|(_, value)| value)
    }
}

/// The key a certificate certifies.
#[derive(Clone, Debug)]
pub(super) enum SubjectKey {
    P384(Box<[u8]>),
    P256Generator,
}

/// Which signature algorithm a certificate claims (and is really signed with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SignatureAlgorithm {
    EcdsaSha384,
    EcdsaSha256,
}

/// One extension: OID, critical flag, DER value (the OCTET STRING content).
#[derive(Clone, Debug)]
pub(super) struct Extension {
    pub(super) oid: &'static [u64],
    pub(super) critical: bool,
    pub(super) value: Vec<u8>,
}

/// Everything in a TBSCertificate, editable before signing.
#[derive(Clone, Debug)]
pub(super) struct CertSpec {
    pub(super) serial: Vec<u8>,
    pub(super) algorithm: SignatureAlgorithm,
    pub(super) issuer: Name,
    pub(super) subject: Name,
    pub(super) not_before: i64,
    pub(super) not_after: i64,
    pub(super) key: SubjectKey,
    pub(super) extensions: Vec<Extension>,
    /// Flip a bit of the signature after signing.
    pub(super) corrupt_signature: bool,
    /// Write critical flags as BOOLEAN `01` (not DER).
    pub(super) lax_boolean: bool,
}

impl CertSpec {
    pub(super) fn encode_tbs(&self) -> Result<Vec<u8>, SimError> {
        let version = der::tlv(tag::CONTEXT_0, &der::small_integer(2)?)?;
        let validity =
            der::sequence(&[encode_time(self.not_before)?, encode_time(self.not_after)?])?;
        let spki = match &self.key {
            SubjectKey::P384(point) => der::sequence(&[
                der::sequence(&[der::oid(oids::EC_PUBLIC_KEY)?, der::oid(oids::SECP384R1)?])?,
                der::bit_string(point)?,
            ])?,
            SubjectKey::P256Generator => der::sequence(&[
                der::sequence(&[der::oid(oids::EC_PUBLIC_KEY)?, der::oid(oids::PRIME256V1)?])?,
                der::bit_string(&P256_GENERATOR)?,
            ])?,
        };
        let mut extensions = Vec::with_capacity(self.extensions.len());
        for extension in &self.extensions {
            let mut parts = vec![der::oid(extension.oid)?];
            if extension.critical {
                parts.push(if self.lax_boolean {
                    der::tlv(tag::BOOLEAN, &[0x01])?
                } else {
                    der::boolean_true()?
                });
            }
            parts.push(der::tlv(tag::OCTET_STRING, &extension.value)?);
            extensions.push(der::sequence(&parts)?);
        }
        der::sequence(&[
            version,
            der::unsigned_integer(&self.serial)?,
            algorithm_identifier(self.algorithm)?,
            self.issuer.encode()?,
            validity,
            self.subject.encode()?,
            spki,
            der::tlv(tag::CONTEXT_3, &der::sequence(&extensions)?)?,
        ])
    }

    /// Signs with `issuer_key` and returns the certificate DER.
    pub(super) fn sign(&self, issuer_key: &SigningKey) -> Result<Vec<u8>, SimError> {
        let tbs = self.encode_tbs()?;
        let signature: Signature = match self.algorithm {
            SignatureAlgorithm::EcdsaSha384 => {
                issuer_key.try_sign(&tbs).map_err(|_| SimError::Signing)?
            }
            SignatureAlgorithm::EcdsaSha256 => issuer_key
                .sign_prehash(&Sha256::digest(&tbs))
                .map_err(|_| SimError::Signing)?,
        };
        let (r, s) = signature.split_bytes();
        let mut s = s.to_vec();
        if self.corrupt_signature
            && let Some(last) = s.last_mut()
        {
            *last ^= 0x01;
        }
        let value = der::sequence(&[der::unsigned_integer(&r)?, der::unsigned_integer(&s)?])?;
        der::sequence(&[
            tbs,
            algorithm_identifier(self.algorithm)?,
            der::bit_string(&value)?,
        ])
    }
}

pub(super) fn algorithm_identifier(algorithm: SignatureAlgorithm) -> Result<Vec<u8>, SimError> {
    let oid = match algorithm {
        SignatureAlgorithm::EcdsaSha384 => oids::ECDSA_WITH_SHA384,
        SignatureAlgorithm::EcdsaSha256 => oids::ECDSA_WITH_SHA256,
    };
    // ECDSA AlgorithmIdentifiers have absent parameters (RFC 5758 §3.2).
    der::sequence(&[der::oid(oid)?])
}

/// UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
pub(super) fn encode_time(unix: i64) -> Result<Vec<u8>, SimError> {
    let at =
        time::OffsetDateTime::from_unix_timestamp(unix).map_err(|_| SimError::Time { unix })?;
    let year = at.year();
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    if (1950..2050).contains(&year) {
        der::tlv(
            tag::UTC_TIME,
            format!("{:02}{rest}", year.rem_euclid(100)).as_bytes(),
        )
    } else if (0..10_000).contains(&year) {
        der::tlv(tag::GENERALIZED_TIME, format!("{year:04}{rest}").as_bytes())
    } else {
        Err(SimError::Time { unix })
    }
}

pub(super) fn basic_constraints(ca: bool, path_len: Option<u8>) -> Result<Extension, SimError> {
    let mut parts = Vec::new();
    if ca {
        parts.push(der::boolean_true()?);
    }
    if let Some(len) = path_len {
        parts.push(der::small_integer(len)?);
    }
    Ok(Extension {
        oid: oids::BASIC_CONSTRAINTS,
        critical: true,
        value: der::sequence(&parts)?,
    })
}

pub(super) fn key_usage_extension(bits: u8, critical: bool) -> Result<Extension, SimError> {
    // Unused bits: the trailing zero bits of the last byte (DER requires the minimum, X.690 §11.2.2).
    let unused = u8::try_from(bits.trailing_zeros().min(7)).unwrap_or(0);
    let content = if bits == 0 {
        vec![0]
    } else {
        vec![unused, bits]
    };
    Ok(Extension {
        oid: oids::KEY_USAGE,
        critical,
        value: der::tlv(tag::BIT_STRING, &content)?,
    })
}

/// A key identifier: the first 20 bytes of SHA-256 of the public key (RFC 7093 §2 method 1).
pub(super) fn key_id(point: &[u8]) -> Vec<u8> {
    Sha256::digest(point).get(..20).unwrap_or_default().to_vec()
}

pub(super) fn subject_key_id(point: &[u8]) -> Result<Extension, SimError> {
    Ok(Extension {
        oid: oids::SUBJECT_KEY_ID,
        critical: false,
        value: der::tlv(tag::OCTET_STRING, &key_id(point))?,
    })
}

pub(super) fn authority_key_id(issuer_point: &[u8]) -> Result<Extension, SimError> {
    let value = der::sequence(&[der::tlv(tag::CONTEXT_0_PRIMITIVE, &key_id(issuer_point))?])?;
    Ok(Extension {
        oid: oids::AUTHORITY_KEY_ID,
        critical: false,
        value,
    })
}

pub(super) fn crl_distribution_point(url: &str) -> Result<Extension, SimError> {
    let uri = der::tlv(tag::CONTEXT_URI, url.as_bytes())?;
    let full_name = der::tlv(tag::CONTEXT_0_IMPLICIT, &uri)?;
    let point_name = der::tlv(tag::CONTEXT_0_IMPLICIT, &full_name)?;
    let value = der::sequence(&[der::sequence(&[point_name])?])?;
    Ok(Extension {
        oid: oids::CRL_DISTRIBUTION_POINTS,
        critical: false,
        value,
    })
}

pub(super) fn extension_mut<'a>(spec: &'a mut CertSpec, oid: &[u64]) -> Option<&'a mut Extension> {
    spec.extensions
        .iter_mut()
        .find(|extension| extension.oid == oid)
}
