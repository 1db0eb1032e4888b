//! What the caller decides: trust anchor, verification time, freshness window, PCR policy and
//! revoked certificates (DESIGN.md §5.1 rules 1, 3, 6, 7). Nothing here reads a clock.

use crate::error::NitroError;
use crate::nitro::document::Pcr;
use crate::nitro::x509;
use crate::time::{UnixMillis, UnixSeconds};
use std::borrow::Cow;
use std::collections::HashSet;

/// AWS Nitro Enclaves Root-G1 (DER), as published by AWS.
pub const AWS_ROOT_G1_DER: &[u8] = include_bytes!("aws_root_g1.der");

/// SHA-256 of [`AWS_ROOT_G1_DER`], as AWS publishes it
/// (`641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b`).
pub const AWS_ROOT_G1_SHA256: [u8; 32] = [
    0x64, 0x1a, 0x03, 0x21, 0xa3, 0xe2, 0x44, 0xef, 0xe4, 0x56, 0x46, 0x31, 0x95, 0xd6, 0x06, 0x31,
    0x7e, 0xd7, 0xcd, 0xcc, 0x3c, 0x17, 0x56, 0xe0, 0x98, 0x93, 0xf3, 0xc6, 0x8f, 0x79, 0xbb, 0x5b,
];

/// The pinned root certificate: `cabundle[0]` must be byte-equal to it. Never taken from a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustAnchor {
    der: Cow<'static, [u8]>,
}

impl TrustAnchor {
    /// AWS Nitro Enclaves Root-G1, built in.
    pub fn aws_root_g1() -> Self {
        TrustAnchor {
            der: Cow::Borrowed(AWS_ROOT_G1_DER),
        }
    }

    /// Another root (tests, simulated NSM), checked against the Nitro certificate profile.
    ///
    /// # Errors
    /// The certificate is not strict DER or is outside the profile (reported as index 0).
    pub fn from_der(der: Vec<u8>) -> Result<Self, NitroError> {
        x509::parse(&der).map_err(|e| e.at(0))?;
        Ok(TrustAnchor {
            der: Cow::Owned(der),
        })
    }

    /// The anchor's DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// SHA-256 of the DER encoding (the published fingerprint).
    pub fn sha256(&self) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(&self.der).into()
    }
}

/// PCR policy: debug mode and expected register values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PcrPolicy {
    /// Accept documents whose PCR0 is all zeros (enclave started with `--debug-mode`). Off by default:
    /// a debug enclave's memory is readable by the host.
    pub allow_debug: bool,
    /// PCRs that must be present with exactly these values (typically PCR0, 1, 2 and 8).
    pub expected: Vec<Pcr>,
}

impl PcrPolicy {
    /// Requires PCR `index` to equal `value`.
    #[must_use]
    pub fn expect_pcr(mut self, index: u8, value: Vec<u8>) -> Self {
        self.expected.retain(|p| p.index != index);
        self.expected.push(Pcr { index, value });
        self
    }

    /// Checks the policy against verified PCRs.
    ///
    /// # Errors
    /// [`NitroError::DebugModeRejected`], [`NitroError::PcrMissing`], [`NitroError::PcrMismatch`].
    pub fn check(&self, pcrs: &[Pcr]) -> Result<(), NitroError> {
        if is_debug_mode(pcrs) && !self.allow_debug {
            return Err(NitroError::DebugModeRejected);
        }
        for expected in &self.expected {
            let actual =
                pcrs.iter()
                    .find(|p| p.index == expected.index)
                    .ok_or(NitroError::PcrMissing {
                        index: expected.index,
                    })?;
            if actual.value != expected.value {
                return Err(NitroError::PcrMismatch {
                    index: expected.index,
                });
            }
        }
        Ok(())
    }
}

/// Debug mode: PCR0 is present and all zeros (AWS: "enclaves running in debug mode have PCR0–2 zeroed").
pub fn is_debug_mode(pcrs: &[Pcr]) -> bool {
    pcrs.iter()
        .any(|p| p.index == 0 && p.value.iter().all(|b| *b == 0))
}

/// Revoked certificates, identified as RFC 5280 does: issuer Name (DER) and serial number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevocationList {
    entries: HashSet<(Vec<u8>, Vec<u8>)>,
}

impl RevocationList {
    /// Revokes the certificate with this issuer Name encoding and serial (magnitude, leading zero
    /// bytes ignored).
    pub fn revoke(&mut self, issuer_der: &[u8], serial: &[u8]) {
        self.entries
            .insert((issuer_der.to_vec(), strip_zeros(serial).to_vec()));
    }

    /// Revokes the given certificate.
    ///
    /// # Errors
    /// The certificate does not parse (index 0 in the error).
    pub fn revoke_certificate(&mut self, der: &[u8]) -> Result<(), NitroError> {
        let cert = x509::parse(der).map_err(|e| e.at(0))?;
        self.revoke(cert.issuer, cert.serial);
        Ok(())
    }

    /// Whether (issuer, serial) is revoked.
    pub fn is_revoked(&self, issuer_der: &[u8], serial: &[u8]) -> bool {
        self.entries
            .contains(&(issuer_der.to_vec(), strip_zeros(serial).to_vec()))
    }

    /// Number of revoked certificates.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is revoked.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn strip_zeros(serial: &[u8]) -> &[u8] {
    let start = serial.iter().position(|b| *b != 0).unwrap_or(serial.len());
    serial.get(start..).unwrap_or_default()
}

/// Everything a verification depends on besides the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationOptions {
    /// The pinned root.
    pub trust_anchor: TrustAnchor,
    /// Verification time: certificates must be valid at it, the document fresh relative to it.
    pub at: UnixSeconds,
    /// How old (`at - timestamp`) a document may be.
    pub max_age_secs: u64,
    /// How far in the future (`timestamp - at`) a document may be.
    pub future_skew_secs: u64,
    /// PCR policy.
    pub pcr_policy: PcrPolicy,
    /// Revoked certificates (checked on every certificate, cached or not).
    pub revoked: RevocationList,
}

/// Default freshness window: an enclave key is registered right after the document is produced; AWS
/// leaf certificates live about 3 hours, so anything older than that cannot verify anyway.
pub const DEFAULT_MAX_AGE_SECS: u64 = 3 * 3600;
/// Default tolerated clock difference between the NSM and the verifier.
pub const DEFAULT_FUTURE_SKEW_SECS: u64 = 60;

impl VerificationOptions {
    /// AWS Root-G1, default freshness, strict PCR policy (no debug, nothing pinned), nothing revoked.
    pub fn new(at: UnixSeconds) -> Self {
        VerificationOptions {
            trust_anchor: TrustAnchor::aws_root_g1(),
            at,
            max_age_secs: DEFAULT_MAX_AGE_SECS,
            future_skew_secs: DEFAULT_FUTURE_SKEW_SECS,
            pcr_policy: PcrPolicy::default(),
            revoked: RevocationList::default(),
        }
    }

    /// Checks freshness: `at - max_age <= timestamp/1000 <= at + skew` (DESIGN.md §5.1 rule 6).
    ///
    /// # Errors
    /// [`NitroError::DocumentTooOld`], [`NitroError::DocumentFromFuture`].
    pub fn check_freshness(&self, timestamp: UnixMillis) -> Result<(), NitroError> {
        let seconds = timestamp.to_seconds();
        if seconds > self.at.saturating_add(self.future_skew_secs) {
            return Err(NitroError::DocumentFromFuture {
                timestamp,
                now: self.at,
                future_skew_secs: self.future_skew_secs,
            });
        }
        if seconds < self.at.saturating_sub(self.max_age_secs) {
            return Err(NitroError::DocumentTooOld {
                timestamp,
                now: self.at,
                max_age_secs: self.max_age_secs,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_root_fingerprint() {
        assert_eq!(TrustAnchor::aws_root_g1().sha256(), AWS_ROOT_G1_SHA256);
        assert!(TrustAnchor::from_der(AWS_ROOT_G1_DER.to_vec()).is_ok());
        assert!(matches!(
            TrustAnchor::from_der(vec![0x30, 0x00]),
            Err(NitroError::CertificateDer { index: 0, .. })
        ));
    }

    #[test]
    fn freshness_window() {
        let mut opts = VerificationOptions::new(UnixSeconds(1_000_000));
        opts.max_age_secs = 100;
        opts.future_skew_secs = 10;
        assert!(opts.check_freshness(UnixMillis(1_000_000_000)).is_ok());
        assert!(opts.check_freshness(UnixMillis(999_900_000)).is_ok());
        assert!(opts.check_freshness(UnixMillis(1_000_010_999)).is_ok());
        assert!(matches!(
            opts.check_freshness(UnixMillis(999_899_999)),
            Err(NitroError::DocumentTooOld { .. })
        ));
        assert!(matches!(
            opts.check_freshness(UnixMillis(1_000_011_000)),
            Err(NitroError::DocumentFromFuture { .. })
        ));
    }

    #[test]
    fn pcr_policy() {
        let pcrs = vec![
            Pcr {
                index: 0,
                value: vec![0; 48],
            },
            Pcr {
                index: 1,
                value: vec![1; 48],
            },
        ];
        assert_eq!(
            PcrPolicy::default().check(&pcrs),
            Err(NitroError::DebugModeRejected)
        );
        let allow = PcrPolicy {
            allow_debug: true,
            ..PcrPolicy::default()
        };
        assert_eq!(allow.clone().check(&pcrs), Ok(()));
        assert_eq!(
            allow.clone().expect_pcr(1, vec![1; 48]).check(&pcrs),
            Ok(())
        );
        assert_eq!(
            allow.clone().expect_pcr(1, vec![2; 48]).check(&pcrs),
            Err(NitroError::PcrMismatch { index: 1 })
        );
        assert_eq!(
            allow.expect_pcr(8, vec![2; 48]).check(&pcrs),
            Err(NitroError::PcrMissing { index: 8 })
        );
    }

    #[test]
    fn revocation_ignores_leading_zeros() {
        let mut list = RevocationList::default();
        list.revoke(b"issuer", &[0, 0, 5]);
        assert!(list.is_revoked(b"issuer", &[5]));
        assert!(!list.is_revoked(b"other", &[5]));
        assert_eq!(list.len(), 1);
    }
}
