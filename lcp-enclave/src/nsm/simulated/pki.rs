//! An AWS-shaped P-384 PKI: root, regional, zonal and instance CAs and a 3-hour leaf, with the
//! extensions, criticality, pathLen values, key usages, name shapes and validity lengths of the
//! real chain (read off the bundled real documents in `fixtures/nitro/`), and no AWS key material.
//!
//! | position | basicConstraints (critical) | keyUsage | other | validity |
//! |---|---|---|---|---|
//! | root | CA, no pathLen | critical: digitalSignature, keyCertSign, cRLSign | SKI | 30 years + 1 h |
//! | regional | CA, pathLen 2 | same | AKI, SKI, CRL DP | 20 days + 1 h |
//! | zonal | CA, pathLen 1 | same | AKI, SKI, CRL DP | 5 days 14 h |
//! | instance | CA, pathLen 0 | critical: keyCertSign | SKI, AKI (after keyUsage; AWS added them in 2024) | 1 day |
//! | leaf | not CA | non-critical: digitalSignature, nonRepudiation | — | 3 h 3 s |

use super::SimError;
use super::defect::{Defect, INSTANCE, LEAF, REGIONAL, ROOT, ZONAL};
use super::der::{self, tag};
use super::keys::Seed;
use p384::ecdsa::signature::Signer;
use p384::ecdsa::signature::hazmat::PrehashSigner;
use p384::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// OIDs (dotted arcs) used in the certificates.
mod oids {
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
mod key_usage {
    pub const DIGITAL_SIGNATURE: u8 = 0x80;
    pub const NON_REPUDIATION: u8 = 0x40;
    pub const KEY_CERT_SIGN: u8 = 0x04;
    pub const CRL_SIGN: u8 = 0x02;
}

/// The P-256 base point, uncompressed (SEC 2 §2.4.2): a genuine P-256 public key for the
/// wrong-curve defect, so the only thing wrong with it is its curve.
const P256_GENERATOR: [u8; 65] = [
    0x04, 0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40,
    0xF2, 0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2,
    0x96, 0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E,
    0x16, 0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51,
    0xF5,
];

/// A directory-name attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attribute {
    Country,
    State,
    Locality,
    Organization,
    OrgUnit,
    CommonName,
}

impl Attribute {
    fn oid(self) -> &'static [u64] {
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
    fn string_tag(self) -> u8 {
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
struct Name(Vec<(Attribute, String)>);

impl Name {
    fn encode(&self) -> Result<Vec<u8>, SimError> {
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

    fn common_name_mut(&mut self) -> Option<&mut String> {
        self.0
            .iter_mut()
            .find(|(attribute, _)| *attribute == Attribute::CommonName)
            .map(|(_, value)| value)
    }
}

/// The key a certificate certifies.
#[derive(Clone, Debug)]
enum SubjectKey {
    P384(Box<[u8]>),
    P256Generator,
}

/// Which signature algorithm a certificate claims (and is really signed with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SignatureAlgorithm {
    EcdsaSha384,
    EcdsaSha256,
}

/// One extension: OID, critical flag, DER value (the OCTET STRING content).
#[derive(Clone, Debug)]
struct Extension {
    oid: &'static [u64],
    critical: bool,
    value: Vec<u8>,
}

/// Everything in a TBSCertificate, editable before signing.
#[derive(Clone, Debug)]
struct CertSpec {
    serial: Vec<u8>,
    algorithm: SignatureAlgorithm,
    issuer: Name,
    subject: Name,
    not_before: i64,
    not_after: i64,
    key: SubjectKey,
    extensions: Vec<Extension>,
    /// Flip a bit of the signature after signing.
    corrupt_signature: bool,
    /// Write critical flags as BOOLEAN `01` (not DER).
    lax_boolean: bool,
}

impl CertSpec {
    fn encode_tbs(&self) -> Result<Vec<u8>, SimError> {
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
    fn sign(&self, issuer_key: &SigningKey) -> Result<Vec<u8>, SimError> {
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

fn algorithm_identifier(algorithm: SignatureAlgorithm) -> Result<Vec<u8>, SimError> {
    let oid = match algorithm {
        SignatureAlgorithm::EcdsaSha384 => oids::ECDSA_WITH_SHA384,
        SignatureAlgorithm::EcdsaSha256 => oids::ECDSA_WITH_SHA256,
    };
    // ECDSA AlgorithmIdentifiers have absent parameters (RFC 5758 §3.2).
    der::sequence(&[der::oid(oid)?])
}

/// UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5).
fn encode_time(unix: i64) -> Result<Vec<u8>, SimError> {
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

fn basic_constraints(ca: bool, path_len: Option<u8>) -> Result<Extension, SimError> {
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

fn key_usage_extension(bits: u8, critical: bool) -> Result<Extension, SimError> {
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
fn key_id(point: &[u8]) -> Vec<u8> {
    Sha256::digest(point).get(..20).unwrap_or_default().to_vec()
}

fn subject_key_id(point: &[u8]) -> Result<Extension, SimError> {
    Ok(Extension {
        oid: oids::SUBJECT_KEY_ID,
        critical: false,
        value: der::tlv(tag::OCTET_STRING, &key_id(point))?,
    })
}

fn authority_key_id(issuer_point: &[u8]) -> Result<Extension, SimError> {
    let value = der::sequence(&[der::tlv(tag::CONTEXT_0_PRIMITIVE, &key_id(issuer_point))?])?;
    Ok(Extension {
        oid: oids::AUTHORITY_KEY_ID,
        critical: false,
        value,
    })
}

fn crl_distribution_point(url: &str) -> Result<Extension, SimError> {
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

/// A random serial of `len` bytes as AWS's CAs use (16 bytes, 20 for the instance CA). The DER
/// encoder adds a `00` when the top bit is set, so the encoding is 16–17 bytes like AWS's;
/// the first byte is never zero so the magnitude keeps its length.
fn serial(seed: &Seed, label: &str, len: usize) -> Vec<u8> {
    let mut bytes = seed.bytes(label, len);
    if let Some(first) = bytes.first_mut().filter(|first| **first == 0) {
        *first = 0x01;
    }
    bytes
}

fn point_of(key: &SigningKey) -> Box<[u8]> {
    key.verifying_key().to_sec1_point(false).as_bytes().into()
}

/// The long-lived part of the simulated PKI: the CA keys and the root certificate.
pub struct Pki {
    seed: Seed,
    keys: [SigningKey; 4],
    names: [Name; 4],
    region: String,
    instance_id: String,
    root_not_before: i64,
    root_der: Vec<u8>,
}

impl core::fmt::Debug for Pki {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pki")
            .field("instance_id", &self.instance_id)
            .finish_non_exhaustive()
    }
}

/// The certificates of one document.
#[derive(Clone, Debug)]
pub struct Chain {
    /// `cabundle`, root first.
    pub cabundle: Vec<Vec<u8>>,
    /// The leaf certificate.
    pub leaf: Vec<u8>,
    /// The leaf's signing key (signs the COSE_Sign1).
    pub leaf_key: SigningKey,
    /// The leaf's notAfter (unix seconds).
    pub leaf_not_after: i64,
}

impl Pki {
    /// Builds the CA keys and root certificate from `seed`; the root is valid from one year
    /// before `created_at` (unix seconds) for 30 years and one hour, like AWS Root-G1.
    ///
    /// # Errors
    /// Key derivation or encoding failure, or a time outside years 0–9999.
    pub fn new(seed: Seed, created_at: i64) -> Result<Pki, SimError> {
        let keys = [
            seed.p384_key("root")?,
            seed.p384_key("regional")?,
            seed.p384_key("zonal")?,
            seed.p384_key("instance")?,
        ];
        let region = "sim-east-1".to_owned();
        let instance_id = format!(
            "i-{}",
            seed.hex("instance-id", 9).get(1..).unwrap_or_default()
        );
        let org = |name: &str| -> Vec<(Attribute, String)> {
            vec![
                (Attribute::Country, "US".to_owned()),
                (Attribute::Organization, "LCP-Nitro".to_owned()),
                (Attribute::OrgUnit, "Simulated NSM".to_owned()),
                (Attribute::CommonName, name.to_owned()),
            ]
        };
        let base = "simulated.nitro-enclaves";
        let zonal_cn = format!("{}.zonal.{region}.{base}", seed.hex("zonal-id", 8));
        let names = [
            Name(org(base)),
            Name(org(&format!(
                "{}.{region}.{base}",
                seed.hex("regional-id", 8)
            ))),
            Name(vec![
                (Attribute::CommonName, zonal_cn),
                (Attribute::OrgUnit, "Simulated NSM".to_owned()),
                (Attribute::Organization, "LCP-Nitro".to_owned()),
                (Attribute::Country, "US".to_owned()),
                (Attribute::State, "WA".to_owned()),
                (Attribute::Locality, "Seattle".to_owned()),
            ]),
            instance_style_name(&format!("{instance_id}.{region}.{base}")),
        ];
        let root_not_before = created_at
            .checked_sub(365 * DAY)
            .ok_or(SimError::Time { unix: created_at })?;
        let mut pki = Pki {
            seed,
            keys,
            names,
            region,
            instance_id,
            root_not_before,
            root_der: Vec::new(),
        };
        pki.root_der = pki.root_spec(&[])?.sign(&pki.keys[0])?;
        Ok(pki)
    }

    /// The root certificate DER: the trust anchor a verifier pins for this simulated NSM.
    pub fn root_der(&self) -> &[u8] {
        &self.root_der
    }

    /// The AWS-style enclave instance id (`i-` and 17 hex digits).
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// The enclave id of the document `leaf_label` made at `now` (unix seconds), AWS-style: the
    /// enclave's start in milliseconds (48 bits, here two seconds before `now`) and 16 random
    /// bits; it appears as 16 hex digits after `-enc` in the module id and the leaf name.
    pub fn enclave_id(&self, leaf_label: &str, now: i64) -> [u8; 8] {
        let started_ms = u64::try_from(now.saturating_sub(2))
            .unwrap_or(0)
            .saturating_mul(1000);
        let random = self.seed.derive(&format!("{leaf_label}/enclave-id"), 0);
        let mut id = [0u8; 8];
        let (time, tail) = id.split_at_mut(6);
        time.copy_from_slice(started_ms.to_be_bytes().get(2..).unwrap_or_default());
        tail.copy_from_slice(random.get(..2).unwrap_or_default());
        id
    }

    /// The enclave id as the module id and leaf name print it.
    pub fn enclave_hex(&self, leaf_label: &str, now: i64) -> String {
        super::keys::hex_lower(&self.enclave_id(leaf_label, now))
    }

    fn root_spec(&self, _defects: &[Defect]) -> Result<CertSpec, SimError> {
        let point = point_of(&self.keys[0]);
        let not_before = self.root_not_before;
        Ok(CertSpec {
            serial: serial(&self.seed, "root-serial", 16),
            algorithm: SignatureAlgorithm::EcdsaSha384,
            issuer: self.names[0].clone(),
            subject: self.names[0].clone(),
            not_before,
            not_after: not_before.saturating_add(30 * 365 * DAY + 7 * DAY + HOUR),
            extensions: vec![
                basic_constraints(true, None)?,
                subject_key_id(&point)?,
                key_usage_extension(
                    key_usage::DIGITAL_SIGNATURE | key_usage::KEY_CERT_SIGN | key_usage::CRL_SIGN,
                    true,
                )?,
            ],
            key: SubjectKey::P384(point),
            corrupt_signature: false,
            lax_boolean: false,
        })
    }

    /// Issues the chain for a document made at `now` (unix seconds) with a fresh leaf key
    /// derived from `leaf_label`, applying the certificate defects in `defects`.
    ///
    /// # Errors
    /// A defect that does not apply to its position, or an encoding failure.
    pub fn issue(&self, now: i64, leaf_label: &str, defects: &[Defect]) -> Result<Chain, SimError> {
        let leaf_key = self.seed.p384_key(leaf_label)?;
        let points = [
            point_of(&self.keys[0]),
            point_of(&self.keys[1]),
            point_of(&self.keys[2]),
            point_of(&self.keys[3]),
            point_of(&leaf_key),
        ];
        let ca_usage =
            key_usage::DIGITAL_SIGNATURE | key_usage::KEY_CERT_SIGN | key_usage::CRL_SIGN;
        // CA validity windows are aligned to whole days/hours so certificates repeat between
        // documents, as AWS's do (exercises the verified-certificate cache).
        let day_start = now.div_euclid(DAY).saturating_mul(DAY);
        let hour_start = now.div_euclid(HOUR).saturating_mul(HOUR);
        let regional_from = day_start.saturating_sub(4 * DAY);
        let zonal_from = day_start.saturating_sub(DAY);
        let instance_from = hour_start.saturating_sub(HOUR);
        let leaf_from = now.saturating_sub(3);
        let enclave_id = format!("enc{}", self.enclave_hex(leaf_label, now));
        // AWS leaf serial: enclave id ‖ 0000_0000 ‖ issuing time in seconds (32 bits).
        let mut leaf_serial = self.enclave_id(leaf_label, now).to_vec();
        leaf_serial.extend_from_slice(&[0; 4]);
        leaf_serial.extend_from_slice(&u32::try_from(now).unwrap_or(u32::MAX).to_be_bytes());
        let leaf_name = instance_style_name(&format!(
            "{}-{enclave_id}.{}.simulated",
            self.instance_id, self.region
        ));

        let mut specs = vec![
            self.root_spec(defects)?,
            CertSpec {
                serial: serial(&self.seed, &format!("regional-serial/{regional_from}"), 16),
                algorithm: SignatureAlgorithm::EcdsaSha384,
                issuer: self.names[0].clone(),
                subject: self.names[1].clone(),
                not_before: regional_from,
                not_after: regional_from.saturating_add(20 * DAY + HOUR),
                extensions: vec![
                    basic_constraints(true, Some(2))?,
                    authority_key_id(&points[0])?,
                    subject_key_id(&points[1])?,
                    key_usage_extension(ca_usage, true)?,
                    crl_distribution_point(&format!(
                        "http://crl.simulated.invalid/{}/regional.crl",
                        self.region
                    ))?,
                ],
                key: SubjectKey::P384(points[1].clone()),
                corrupt_signature: false,
                lax_boolean: false,
            },
            CertSpec {
                serial: serial(&self.seed, &format!("zonal-serial/{zonal_from}"), 16),
                algorithm: SignatureAlgorithm::EcdsaSha384,
                issuer: self.names[1].clone(),
                subject: self.names[2].clone(),
                not_before: zonal_from,
                not_after: zonal_from.saturating_add(5 * DAY + 14 * HOUR),
                extensions: vec![
                    basic_constraints(true, Some(1))?,
                    authority_key_id(&points[1])?,
                    subject_key_id(&points[2])?,
                    key_usage_extension(ca_usage, true)?,
                    crl_distribution_point(&format!(
                        "http://crl.simulated.invalid/{}/zonal.crl",
                        self.region
                    ))?,
                ],
                key: SubjectKey::P384(points[2].clone()),
                corrupt_signature: false,
                lax_boolean: false,
            },
            CertSpec {
                serial: serial(&self.seed, &format!("instance-serial/{instance_from}"), 20),
                algorithm: SignatureAlgorithm::EcdsaSha384,
                issuer: self.names[2].clone(),
                subject: self.names[3].clone(),
                not_before: instance_from,
                not_after: instance_from.saturating_add(DAY),
                // SKI and AKI after keyUsage, as AWS's instance CAs carry them since 2024.
                extensions: vec![
                    basic_constraints(true, Some(0))?,
                    key_usage_extension(key_usage::KEY_CERT_SIGN, true)?,
                    subject_key_id(&points[3])?,
                    authority_key_id(&points[2])?,
                ],
                key: SubjectKey::P384(points[3].clone()),
                corrupt_signature: false,
                lax_boolean: false,
            },
            CertSpec {
                serial: leaf_serial,
                algorithm: SignatureAlgorithm::EcdsaSha384,
                issuer: self.names[3].clone(),
                subject: leaf_name,
                not_before: leaf_from,
                not_after: leaf_from.saturating_add(3 * HOUR + 3),
                extensions: vec![
                    basic_constraints(false, None)?,
                    key_usage_extension(
                        key_usage::DIGITAL_SIGNATURE | key_usage::NON_REPUDIATION,
                        false,
                    )?,
                ],
                key: SubjectKey::P384(points[4].clone()),
                corrupt_signature: false,
                lax_boolean: false,
            },
        ];
        for defect in defects {
            apply_certificate_defect(&mut specs, *defect, now)?;
        }

        let mut ders = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let signer = match index {
                0 => &self.keys[0],
                _ => self
                    .keys
                    .get(index.saturating_sub(1))
                    .ok_or(SimError::Signing)?,
            };
            ders.push(spec.sign(signer)?);
        }
        let leaf = ders.pop().ok_or(SimError::Signing)?;
        let leaf_not_after = specs
            .last()
            .map(|spec| spec.not_after)
            .ok_or(SimError::Signing)?;
        Ok(Chain {
            cabundle: ders,
            leaf,
            leaf_key,
            leaf_not_after,
        })
    }
}

/// The instance-CA / leaf name shape: C, ST (long form), L, O, OU, CN.
fn instance_style_name(common_name: &str) -> Name {
    Name(vec![
        (Attribute::Country, "US".to_owned()),
        (Attribute::State, "Washington".to_owned()),
        (Attribute::Locality, "Seattle".to_owned()),
        (Attribute::Organization, "LCP-Nitro".to_owned()),
        (Attribute::OrgUnit, "Simulated NSM".to_owned()),
        (Attribute::CommonName, common_name.to_owned()),
    ])
}

fn extension_mut<'a>(spec: &'a mut CertSpec, oid: &[u64]) -> Option<&'a mut Extension> {
    spec.extensions
        .iter_mut()
        .find(|extension| extension.oid == oid)
}

/// Applies one certificate defect; payload and COSE defects are ignored here.
fn apply_certificate_defect(
    specs: &mut [CertSpec],
    defect: Defect,
    now: i64,
) -> Result<(), SimError> {
    let not_applicable = SimError::DefectNotApplicable { defect };
    match defect {
        Defect::CertExpired { index } => {
            let spec = specs.get_mut(index).ok_or(not_applicable)?;
            spec.not_after = now.saturating_sub(HOUR);
            spec.not_before = spec.not_before.min(spec.not_after.saturating_sub(DAY));
        }
        Defect::CertNotYetValid { index } => {
            let spec = specs.get_mut(index).ok_or(not_applicable)?;
            spec.not_before = now.saturating_add(HOUR);
            spec.not_after = spec.not_after.max(spec.not_before.saturating_add(DAY));
        }
        Defect::WrongPathLen { index } => {
            // Too small by one for the CAs below: root 3 below → 2, regional 2 → 1, zonal 1 → 0.
            let path_len = match index {
                ROOT => 2,
                REGIONAL => 1,
                ZONAL => 0,
                _ => return Err(not_applicable),
            };
            let spec = specs.get_mut(index).ok_or(not_applicable)?;
            let extension = extension_mut(spec, oids::BASIC_CONSTRAINTS).ok_or(not_applicable)?;
            *extension = basic_constraints(true, Some(path_len))?;
        }
        Defect::BasicConstraintsNotCritical { index } => {
            let spec = specs.get_mut(index).ok_or(not_applicable)?;
            extension_mut(spec, oids::BASIC_CONSTRAINTS)
                .ok_or(not_applicable)?
                .critical = false;
        }
        Defect::CaWithoutKeyCertSign { index } => {
            let bits = match index {
                ROOT | REGIONAL | ZONAL => key_usage::DIGITAL_SIGNATURE | key_usage::CRL_SIGN,
                INSTANCE => key_usage::DIGITAL_SIGNATURE,
                _ => return Err(not_applicable),
            };
            let spec = specs.get_mut(index).ok_or(not_applicable)?;
            *extension_mut(spec, oids::KEY_USAGE).ok_or(not_applicable)? =
                key_usage_extension(bits, true)?;
        }
        Defect::LeafIsCa => {
            let spec = specs.get_mut(LEAF).ok_or(not_applicable)?;
            *extension_mut(spec, oids::BASIC_CONSTRAINTS).ok_or(not_applicable)? =
                basic_constraints(true, None)?;
        }
        Defect::LeafWithoutDigitalSignature => {
            let spec = specs.get_mut(LEAF).ok_or(not_applicable)?;
            *extension_mut(spec, oids::KEY_USAGE).ok_or(not_applicable)? =
                key_usage_extension(key_usage::NON_REPUDIATION, false)?;
        }
        Defect::WrongCurve { index } => {
            specs.get_mut(index).ok_or(not_applicable)?.key = SubjectKey::P256Generator
        }
        Defect::PointNotOnCurve { index } => {
            let spec = specs.get_mut(index).ok_or(not_applicable)?;
            match &mut spec.key {
                SubjectKey::P384(point) => {
                    let last = point.last_mut().ok_or(not_applicable)?;
                    *last ^= 0x01;
                }
                SubjectKey::P256Generator => return Err(not_applicable),
            }
        }
        Defect::NonDerBoolean { index } => {
            specs.get_mut(index).ok_or(not_applicable)?.lax_boolean = true
        }
        Defect::WrongSignatureAlgorithm { index } => {
            specs.get_mut(index).ok_or(not_applicable)?.algorithm = SignatureAlgorithm::EcdsaSha256;
        }
        Defect::BadCertSignature { index } => {
            specs
                .get_mut(index)
                .ok_or(not_applicable)?
                .corrupt_signature = true
        }
        Defect::IssuerMismatch { index } => {
            if index == ROOT {
                return Err(not_applicable);
            }
            let spec = specs.get_mut(index).ok_or(not_applicable)?;
            let common_name = spec.issuer.common_name_mut().ok_or(not_applicable)?;
            common_name.insert_str(0, "other.");
        }
        Defect::BadCoseSignature
        | Defect::WrongProtectedHeader
        | Defect::NonEmptyUnprotectedHeader
        | Defect::SignatureLength { .. }
        | Defect::TrailingBytesAfterCose
        | Defect::MissingField { .. }
        | Defect::WrongDigest
        | Defect::NoPcrs
        | Defect::TooManyPcrs
        | Defect::PcrIndexOutOfRange
        | Defect::DuplicatePcrIndex
        | Defect::BadPcrLength
        | Defect::DuplicatePayloadKey
        | Defect::NonCanonicalCborHead
        | Defect::TrailingBytesAfterPayload
        | Defect::OversizeUserData
        | Defect::OversizeNonce
        | Defect::OversizePublicKey
        | Defect::DebugPcrs
        | Defect::StaleTimestamp { .. }
        | Defect::FutureTimestamp { .. }
        | Defect::TimestampInSeconds => {}
    }
    Ok(())
}
