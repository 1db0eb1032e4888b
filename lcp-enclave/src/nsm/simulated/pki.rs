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
//!
//! Those are the [`CaValidity::Rolling`] windows (fixtures): they follow the document's time,
//! so the CA certificates change from day to day and hour to hour as AWS's do. A development
//! enclave that restarts under the same seed needs the opposite — byte-identical CA
//! certificates, so the trust anchor pinned on chain keeps matching — and uses
//! [`CaValidity::Pinned`]: fixed, long windows that depend on the seed alone (only the leaf
//! keeps its 3-hour window around the document's time).

use super::SimError;
use super::cert::{
    Attribute, CertSpec, Name, SignatureAlgorithm, SubjectKey, authority_key_id, basic_constraints,
    crl_distribution_point, extension_mut, key_usage, key_usage_extension, oids, subject_key_id,
};
use super::defect::{Defect, INSTANCE, LEAF, REGIONAL, ROOT, ZONAL};
use super::keys::Seed;
use p384::ecdsa::SigningKey;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

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

/// How the CA certificates' validity windows are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaValidity {
    /// AWS's window lengths, placed around the document's time (see the module table); the root
    /// starts one year before the PKI's creation. Reproducible only with a fixed clock.
    Rolling,
    /// Windows fixed for every seed: root from [`PINNED_NOT_BEFORE`] for 30 years (AWS's root
    /// length), regional, zonal and instance CAs from the same instant for
    /// [`PINNED_REGIONAL_YEARS`], [`PINNED_ZONAL_YEARS`] and [`PINNED_INSTANCE_YEARS`]. The
    /// CA certificates are then a function of the seed alone, whatever the clock says.
    Pinned,
}

/// Start of every [`CaValidity::Pinned`] CA window: 2025-01-01T00:00:00Z. Documents dated before
/// it do not verify under a pinned PKI (no development enclave runs before it).
pub const PINNED_NOT_BEFORE: i64 = 1_735_689_600;
/// Lifetime of the pinned regional CA, years of 365 days.
pub const PINNED_REGIONAL_YEARS: i64 = 20;
/// Lifetime of the pinned zonal CA, years of 365 days.
pub const PINNED_ZONAL_YEARS: i64 = 15;
/// Lifetime of the pinned instance CA, years of 365 days (valid until the end of 2034).
pub const PINNED_INSTANCE_YEARS: i64 = 10;

/// Root lifetime as AWS Root-G1 has it: 30 years and one hour (its 2019-10-28T13:28:05Z →
/// 2049-10-28T14:28:05Z spans seven leap days).
const ROOT_LIFETIME: i64 = 30 * 365 * DAY + 7 * DAY + HOUR;

/// One CA certificate's window and the label its serial number derives from.
struct CaWindow {
    not_before: i64,
    not_after: i64,
    serial_label: String,
}

/// The long-lived part of the simulated PKI: the CA keys and the root certificate.
pub struct Pki {
    seed: Seed,
    validity: CaValidity,
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
    /// Builds the CA keys and root certificate from `seed` with [`CaValidity::Rolling`] windows;
    /// the root is valid from one year before `created_at` (unix seconds) for 30 years and one
    /// hour, like AWS Root-G1.
    ///
    /// # Errors
    /// Key derivation or encoding failure, or a time outside years 0–9999.
    pub fn new(seed: Seed, created_at: i64) -> Result<Pki, SimError> {
        let root_not_before = created_at
            .checked_sub(365 * DAY)
            .ok_or(SimError::Time { unix: created_at })?;
        Pki::build(seed, CaValidity::Rolling, root_not_before)
    }

    /// Builds the PKI of `seed` with [`CaValidity::Pinned`] windows: every CA certificate is a
    /// function of the seed alone, so a restarted simulated enclave presents the same chain.
    ///
    /// # Errors
    /// Key derivation or encoding failure.
    pub fn pinned(seed: Seed) -> Result<Pki, SimError> {
        Pki::build(seed, CaValidity::Pinned, PINNED_NOT_BEFORE)
    }

    fn build(seed: Seed, validity: CaValidity, root_not_before: i64) -> Result<Pki, SimError> {
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
        let mut pki = Pki {
            seed,
            validity,
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

    /// How this PKI's CA windows are chosen.
    pub fn validity(&self) -> CaValidity {
        self.validity
    }

    /// The regional, zonal and instance CA windows for a document made at `now`.
    fn ca_windows(&self, now: i64) -> [CaWindow; 3] {
        match self.validity {
            CaValidity::Rolling => {
                // Aligned to whole days/hours so certificates repeat between documents, as
                // AWS's do (exercises the verified-certificate cache).
                let day_start = now.div_euclid(DAY).saturating_mul(DAY);
                let hour_start = now.div_euclid(HOUR).saturating_mul(HOUR);
                let regional_from = day_start.saturating_sub(4 * DAY);
                let zonal_from = day_start.saturating_sub(DAY);
                let instance_from = hour_start.saturating_sub(HOUR);
                [
                    CaWindow {
                        not_before: regional_from,
                        not_after: regional_from.saturating_add(20 * DAY + HOUR),
                        serial_label: format!("regional-serial/{regional_from}"),
                    },
                    CaWindow {
                        not_before: zonal_from,
                        not_after: zonal_from.saturating_add(5 * DAY + 14 * HOUR),
                        serial_label: format!("zonal-serial/{zonal_from}"),
                    },
                    CaWindow {
                        not_before: instance_from,
                        not_after: instance_from.saturating_add(DAY),
                        serial_label: format!("instance-serial/{instance_from}"),
                    },
                ]
            }
            CaValidity::Pinned => {
                let years = |n: i64| n.saturating_mul(365 * DAY);
                let window = |lifetime: i64, name: &str| CaWindow {
                    not_before: PINNED_NOT_BEFORE,
                    not_after: PINNED_NOT_BEFORE.saturating_add(lifetime),
                    serial_label: format!("{name}-serial/pinned"),
                };
                [
                    window(years(PINNED_REGIONAL_YEARS), "regional"),
                    window(years(PINNED_ZONAL_YEARS), "zonal"),
                    window(years(PINNED_INSTANCE_YEARS), "instance"),
                ]
            }
        }
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
            not_after: not_before.saturating_add(ROOT_LIFETIME),
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
        let [regional, zonal, instance] = self.ca_windows(now);
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
                serial: serial(&self.seed, &regional.serial_label, 16),
                algorithm: SignatureAlgorithm::EcdsaSha384,
                issuer: self.names[0].clone(),
                subject: self.names[1].clone(),
                not_before: regional.not_before,
                not_after: regional.not_after,
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
                serial: serial(&self.seed, &zonal.serial_label, 16),
                algorithm: SignatureAlgorithm::EcdsaSha384,
                issuer: self.names[1].clone(),
                subject: self.names[2].clone(),
                not_before: zonal.not_before,
                not_after: zonal.not_after,
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
                serial: serial(&self.seed, &instance.serial_label, 20),
                algorithm: SignatureAlgorithm::EcdsaSha384,
                issuer: self.names[2].clone(),
                subject: self.names[3].clone(),
                not_before: instance.not_before,
                not_after: instance.not_after,
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
        Defect::EmptyCabundle
        | Defect::RootOmitted
        | Defect::BadCoseSignature
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
