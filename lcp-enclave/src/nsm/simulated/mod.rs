//! A simulated Nitro Security Module: a local P-384 PKI in AWS's exact shape and documents in
//! AWS's exact encoding, deterministic from a seed (fixtures) or random (development enclaves).
//!
//! It also breaks every rule of DESIGN.md §5.1 on request ([`Defect`]), so the verifier's
//! negative tests are generated from valid documents, never hand-edited. Documents are signed
//! by a locally generated root: a verifier accepts them only when told to trust
//! [`SimulatedNsm::root_der`], never with the AWS root.

pub mod cbor;
pub mod cert;
pub mod defect;
pub mod der;
pub mod document;
pub mod keys;
pub mod pki;

pub use defect::{Defect, PayloadField};
pub use document::{DocumentRequest, Encoding, GeneratedDocument, SForm};
pub use keys::Seed;
pub use pki::Pki;

use super::{AttestationRequest, Nsm, NsmError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Errors of the simulated NSM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A value too large for its encoding.
    #[error("{what} is too large to encode")]
    TooLarge {
        /// What was being encoded.
        what: &'static str,
    },
    /// An OID with invalid first arcs (a bug in the caller).
    #[error("invalid object identifier")]
    BadOid,
    /// No valid P-384 scalar could be derived.
    #[error("key derivation failed")]
    KeyDerivation,
    /// ECDSA signing failed.
    #[error("signing failed")]
    Signing,
    /// A time outside what X.509 can express.
    #[error("time {unix} (unix seconds) cannot be encoded")]
    Time {
        /// The offending unix time.
        unix: i64,
    },
    /// The OS random source failed.
    #[error("the operating system's random source failed")]
    Random,
    /// The system clock reads before 1970.
    #[error("the system clock is before the Unix epoch")]
    Clock,
    /// A defect named a position where it cannot apply.
    #[error("defect {defect:?} does not apply here")]
    DefectNotApplicable {
        /// The defect.
        defect: Defect,
    },
}

/// Where the simulated NSM reads time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The host's clock.
    System,
    /// A fixed instant in milliseconds (reproducible fixtures).
    Fixed(u64),
}

impl Clock {
    /// Milliseconds since the Unix epoch.
    ///
    /// # Errors
    /// [`SimError::Clock`] if the system clock is before 1970.
    pub fn now_ms(self) -> Result<u64, SimError> {
        match self {
            Clock::Fixed(ms) => Ok(ms),
            Clock::System => {
                let elapsed = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_err(|_| SimError::Clock)?;
                u64::try_from(elapsed.as_millis()).map_err(|_| SimError::Clock)
            }
        }
    }
}

/// Number of PCRs a Nitro enclave reports (AWS documents carry PCR0–15).
pub const PCR_COUNT: u64 = 16;
/// PCR length for SHA-384 (`digest` = "SHA384").
pub const PCR_LEN: usize = 48;

/// A simulated NSM. Thread-safe; each document gets a fresh leaf key.
#[derive(Debug)]
pub struct SimulatedNsm {
    seed: Seed,
    pki: Pki,
    clock: Clock,
    pcrs: Vec<(u64, Vec<u8>)>,
    encoding: Encoding,
    documents: AtomicU64,
    random_calls: AtomicU64,
}

impl SimulatedNsm {
    /// An NSM whose every key, identifier and measurement derives from `seed`; the root is
    /// dated from the clock's time at construction.
    ///
    /// # Errors
    /// Clock or key derivation failure.
    pub fn from_seed(seed: Seed, clock: Clock) -> Result<SimulatedNsm, SimError> {
        let now_secs = i64::try_from(clock.now_ms()? / 1000).map_err(|_| SimError::Clock)?;
        let pki = Pki::new(seed, now_secs)?;
        Ok(SimulatedNsm {
            seed,
            pki,
            clock,
            pcrs: default_pcrs(&seed),
            encoding: Encoding::default(),
            documents: AtomicU64::new(0),
            random_calls: AtomicU64::new(0),
        })
    }

    /// An NSM seeded from the operating system's randomness.
    ///
    /// # Errors
    /// As [`SimulatedNsm::from_seed`], or the OS random source fails.
    pub fn random(clock: Clock) -> Result<SimulatedNsm, SimError> {
        SimulatedNsm::from_seed(Seed::random()?, clock)
    }

    /// Replaces the measurement (PCRs as `(index, value)`).
    pub fn with_pcrs(mut self, pcrs: Vec<(u64, Vec<u8>)>) -> SimulatedNsm {
        self.pcrs = pcrs;
        self
    }

    /// Sets the encoding variant of the documents [`Nsm::attestation_document`] returns.
    pub fn with_encoding(mut self, encoding: Encoding) -> SimulatedNsm {
        self.encoding = encoding;
        self
    }

    /// The root certificate (DER) to pin as trust anchor for this NSM's documents.
    pub fn root_der(&self) -> &[u8] {
        self.pki.root_der()
    }

    /// The PCRs this NSM reports.
    pub fn pcrs(&self) -> &[(u64, Vec<u8>)] {
        &self.pcrs
    }

    /// The clock's time now, milliseconds.
    ///
    /// # Errors
    /// See [`Clock::now_ms`].
    pub fn now_ms(&self) -> Result<u64, SimError> {
        self.clock.now_ms()
    }

    /// A request for a valid document at the clock's time with this NSM's PCRs and encoding.
    ///
    /// # Errors
    /// See [`Clock::now_ms`].
    pub fn request(
        &self,
        attestation: &AttestationRequest<'_>,
    ) -> Result<DocumentRequest, SimError> {
        Ok(DocumentRequest {
            now_ms: self.clock.now_ms()?,
            public_key: attestation.public_key.map(<[u8]>::to_vec),
            user_data: attestation.user_data.map(<[u8]>::to_vec),
            nonce: attestation.nonce.map(<[u8]>::to_vec),
            pcrs: self.pcrs.clone(),
            encoding: self.encoding,
            defects: Vec::new(),
        })
    }

    /// Builds a document exactly as requested, defects included (for tests and fixtures).
    ///
    /// # Errors
    /// A defect that does not apply, or an encoding/signing failure.
    pub fn document(&self, request: &DocumentRequest) -> Result<GeneratedDocument, SimError> {
        let number = self.documents.fetch_add(1, Ordering::Relaxed);
        document::build(&self.pki, &format!("leaf/{number}"), request)
    }
}

/// PCR0–4 and PCR8 derived from the seed (an "image", "kernel", "application", "IAM role",
/// "instance" and "signing certificate" measurement), the rest zero, as a production enclave shows.
fn default_pcrs(seed: &Seed) -> Vec<(u64, Vec<u8>)> {
    (0..PCR_COUNT)
        .map(|index| {
            let value = if matches!(index, 0..=4 | 8) {
                seed.bytes(&format!("pcr/{index}"), PCR_LEN)
            } else {
                vec![0; PCR_LEN]
            };
            (index, value)
        })
        .collect()
}

impl Nsm for SimulatedNsm {
    fn attestation_document(&self, request: &AttestationRequest<'_>) -> Result<Vec<u8>, NsmError> {
        request.check_sizes()?;
        let document = self.document(&self.request(request)?)?;
        Ok(document.bytes)
    }

    fn random_bytes(&self, len: usize) -> Result<Vec<u8>, NsmError> {
        let call = self.random_calls.fetch_add(1, Ordering::Relaxed);
        Ok(self.seed.bytes(&format!("random/{call}"), len))
    }
}

#[cfg(test)]
mod tests {
    use super::super::MAX_USER_DATA_LEN;
    use super::*;
    use p384::elliptic_curve::scalar::IsHigh;

    /// 2024-02-26 07:02:01.439 UTC, the marlin document's timestamp.
    const NOW_MS: u64 = 1_708_930_921_439;

    fn nsm() -> SimulatedNsm {
        SimulatedNsm::from_seed(Seed([42; 32]), Clock::Fixed(NOW_MS)).unwrap()
    }

    #[test]
    fn documents_are_deterministic_per_seed() {
        let request = AttestationRequest {
            public_key: Some(b"key"),
            user_data: None,
            nonce: Some(b"n"),
        };
        let a = nsm().attestation_document(&request).unwrap();
        let b = nsm().attestation_document(&request).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..6], &[0x84, 0x44, 0xA1, 0x01, 0x38, 0x22]);
        let other = SimulatedNsm::from_seed(Seed([43; 32]), Clock::Fixed(NOW_MS)).unwrap();
        assert_ne!(a, other.attestation_document(&request).unwrap());
    }

    #[test]
    fn oversized_inputs_are_refused_before_signing() {
        let big = vec![0; MAX_USER_DATA_LEN + 1];
        let request = AttestationRequest {
            public_key: None,
            user_data: Some(&big),
            nonce: None,
        };
        assert_eq!(
            nsm().attestation_document(&request),
            Err(NsmError::InputTooLarge {
                field: "user_data",
                len: 513,
                max: 512
            })
        );
    }

    #[test]
    fn random_bytes_differ_between_calls() {
        let nsm = nsm();
        let a = nsm.random_bytes(300).unwrap();
        let b = nsm.random_bytes(300).unwrap();
        assert_eq!(a.len(), 300);
        assert_ne!(a, b);
    }

    #[test]
    fn every_catalogued_defect_applies() {
        let nsm = nsm();
        let base = nsm.request(&AttestationRequest::default()).unwrap();
        let valid = nsm.document(&base).unwrap();
        for defect in Defect::catalogue() {
            let request = DocumentRequest {
                defects: vec![defect],
                ..base.clone()
            };
            let broken = nsm
                .document(&request)
                .unwrap_or_else(|e| panic!("{defect:?}: {e}"));
            assert_ne!(broken.bytes, valid.bytes, "{defect:?} changed nothing");
        }
        let bad = DocumentRequest {
            defects: vec![Defect::WrongPathLen { index: 4 }],
            ..base
        };
        assert!(matches!(
            nsm.document(&bad),
            Err(SimError::DefectNotApplicable { .. })
        ));
    }

    #[test]
    fn forced_s_halves() {
        let nsm = nsm();
        for s_form in [SForm::High, SForm::Low] {
            let mut request = nsm.request(&AttestationRequest::default()).unwrap();
            request.encoding.s_form = s_form;
            let bytes = nsm.document(&request).unwrap().bytes;
            let s = p384::Scalar::from_slice(&bytes[bytes.len() - 48..]).unwrap();
            assert_eq!(bool::from(s.is_high()), s_form == SForm::High);
        }
    }
}
