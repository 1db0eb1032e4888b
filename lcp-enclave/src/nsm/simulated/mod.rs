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
pub use pki::{CaValidity, Pki};

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
    /// A seed that is not 32 bytes of hex.
    #[error("a simulated-NSM seed is 64 hex digits, got {digits} characters that are not")]
    SeedFormat {
        /// Characters after any `0x`.
        digits: usize,
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

/// Where a simulated NSM's randomness and leaf keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entropy {
    /// Everything derives from the seed: documents and random bytes repeat byte for byte
    /// (fixtures).
    Seed,
    /// `get_random` reads the operating system, and leaf keys derive from the seed and a
    /// per-process random `session`: a restart never repeats a leaf or an enclave key.
    Os {
        /// Hex of 16 random bytes drawn at construction.
        session: String,
    },
}

/// What a restartable simulated NSM ([`SimulatedNsm::restartable`]) presents for a seed,
/// computed without starting one: the deployer pins `root_der`'s SHA-256 as trust anchor and
/// allows the measurement of `pcrs` before the enclave runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinnedIdentity {
    /// The root certificate (DER), `cabundle[0]` of every document.
    pub root_der: Vec<u8>,
    /// The PCRs every document reports, `(index, value)` by ascending index.
    pub pcrs: Vec<(u64, Vec<u8>)>,
}

impl PinnedIdentity {
    /// The identity of `seed`.
    ///
    /// # Errors
    /// Key derivation or encoding failure.
    pub fn of(seed: &Seed) -> Result<PinnedIdentity, SimError> {
        Ok(PinnedIdentity {
            root_der: Pki::pinned(*seed)?.root_der().to_vec(),
            pcrs: default_pcrs(seed),
        })
    }

    /// The value of PCR `index`, if reported (PCR0/1/2/8 form the on-chain measurement).
    pub fn pcr(&self, index: u64) -> Option<&[u8]> {
        self.pcrs
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, value)| value.as_slice())
    }
}

/// A simulated NSM. Thread-safe; each document gets a fresh leaf key.
#[derive(Debug)]
pub struct SimulatedNsm {
    seed: Seed,
    pki: Pki,
    entropy: Entropy,
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
            entropy: Entropy::Seed,
            clock,
            pcrs: default_pcrs(&seed),
            encoding: Encoding::default(),
            documents: AtomicU64::new(0),
            random_calls: AtomicU64::new(0),
        })
    }

    /// An NSM that a development enclave can restart under the same `seed` and still present
    /// the same identity: byte-identical CA certificates ([`CaValidity::Pinned`], so the trust
    /// anchor pinned on chain keeps matching) and the same PCRs ([`PinnedIdentity::of`]), while
    /// every run gets fresh leaves and fresh randomness from the operating system (so the
    /// enclave key generated from [`Nsm::random_bytes`] is new at each start).
    ///
    /// # Errors
    /// Key derivation failure, or the OS random source fails.
    pub fn restartable(seed: Seed, clock: Clock) -> Result<SimulatedNsm, SimError> {
        let mut session = [0u8; 16];
        getrandom::fill(&mut session).map_err(|_| SimError::Random)?;
        Ok(SimulatedNsm {
            seed,
            pki: Pki::pinned(seed)?,
            entropy: Entropy::Os {
                session: keys::hex_lower(&session),
            },
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
        let label = match &self.entropy {
            Entropy::Seed => format!("leaf/{number}"),
            Entropy::Os { session } => format!("leaf/{session}/{number}"),
        };
        document::build(&self.pki, &label, request)
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
        match self.entropy {
            Entropy::Seed => {
                let call = self.random_calls.fetch_add(1, Ordering::Relaxed);
                Ok(self.seed.bytes(&format!("random/{call}"), len))
            }
            Entropy::Os { .. } => {
                let mut out = vec![0u8; len];
                getrandom::fill(&mut out).map_err(|_| SimError::Random)?;
                Ok(out)
            }
        }
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

    /// `(cabundle, leaf, pcrs)` of a document.
    type Parts = (Vec<Vec<u8>>, Vec<u8>, Vec<(u64, Vec<u8>)>);

    /// The parts of a valid document, checked under the pinned root at `now_ms`.
    fn verified_parts(nsm: &SimulatedNsm, root_der: &[u8], now_ms: u64) -> Parts {
        use attestation_verifier::nitro::{self, TrustAnchor, VerificationOptions, cose, document};
        use attestation_verifier::time::UnixSeconds;
        let bytes = nsm
            .attestation_document(&AttestationRequest::default())
            .unwrap();
        let mut options = VerificationOptions::new(UnixSeconds(now_ms / 1000));
        options.trust_anchor = TrustAnchor::from_der(root_der.to_vec()).unwrap();
        let verified = nitro::verify(&bytes, &options).unwrap();
        let sign1 = cose::parse(&bytes).unwrap();
        let parsed = document::parse(&sign1.payload).unwrap();
        assert_eq!(parsed.cabundle.len(), verified.cabundle_len());
        (
            parsed.cabundle.iter().map(|c| c.to_vec()).collect(),
            parsed.certificate.to_vec(),
            verified
                .pcrs()
                .iter()
                .map(|p| (u64::from(p.index), p.value.clone()))
                .collect(),
        )
    }

    #[test]
    fn restarts_under_one_seed_keep_the_pki_and_pcrs_but_not_the_keys() {
        // Two runs ten days apart (2026-11-21 and 2026-12-01): the CA certificates and PCRs
        // must be byte-identical, the leaf and the enclave key new.
        const RUN_1_MS: u64 = 1_763_700_000_000;
        const RUN_2_MS: u64 = RUN_1_MS + 10 * 86_400_000;
        let seed = Seed([0x51; 32]);
        let identity = PinnedIdentity::of(&seed).unwrap();
        let first = SimulatedNsm::restartable(seed, Clock::Fixed(RUN_1_MS)).unwrap();
        let second = SimulatedNsm::restartable(seed, Clock::Fixed(RUN_2_MS)).unwrap();
        assert_eq!(first.root_der(), identity.root_der.as_slice());
        assert_eq!(second.root_der(), identity.root_der.as_slice());
        let (bundle_1, leaf_1, pcrs_1) = verified_parts(&first, &identity.root_der, RUN_1_MS);
        let (bundle_2, leaf_2, pcrs_2) = verified_parts(&second, &identity.root_der, RUN_2_MS);
        assert_eq!(bundle_1.len(), 4);
        assert_eq!(bundle_1, bundle_2);
        assert_eq!(bundle_1[0], identity.root_der);
        assert_eq!(pcrs_1, pcrs_2);
        assert_eq!(pcrs_1, identity.pcrs);
        assert!(identity.pcr(0).is_some_and(|p| p.iter().any(|b| *b != 0)));
        assert_ne!(leaf_1, leaf_2);
        // A second document of the same run at the same time still gets a new leaf.
        let (_, leaf_1b, _) = verified_parts(&first, &identity.root_der, RUN_1_MS);
        assert_ne!(leaf_1, leaf_1b);
        // Enclave keys come from OS randomness, not from the seed.
        let key_1 = crate::enclave_key::EnclaveKey::generate(&first).unwrap();
        let key_2 = crate::enclave_key::EnclaveKey::generate(&second).unwrap();
        assert_ne!(key_1.address(), key_2.address());
        // A different seed is a different identity.
        assert_ne!(PinnedIdentity::of(&Seed([0x52; 32])).unwrap(), identity);
    }

    #[test]
    fn pinned_chain_is_valid_for_years_and_not_before_2025() {
        use attestation_verifier::error::NitroError;
        use attestation_verifier::nitro::{self, TrustAnchor, VerificationOptions};
        use attestation_verifier::time::UnixSeconds;
        let seed = Seed([0x53; 32]);
        let root = PinnedIdentity::of(&seed).unwrap().root_der;
        // 2034-06-01 is inside every pinned CA window.
        const LATE_MS: u64 = 2_032_732_800_000;
        let (bundle, _, _) = verified_parts(
            &SimulatedNsm::restartable(seed, Clock::Fixed(LATE_MS)).unwrap(),
            &root,
            LATE_MS,
        );
        assert_eq!(bundle.len(), 4);
        // 2024-12-31: before the pinned windows open.
        const EARLY_MS: u64 = 1_735_603_200_000;
        let early = SimulatedNsm::restartable(seed, Clock::Fixed(EARLY_MS)).unwrap();
        let bytes = early
            .attestation_document(&AttestationRequest::default())
            .unwrap();
        let mut options = VerificationOptions::new(UnixSeconds(EARLY_MS / 1000));
        options.trust_anchor = TrustAnchor::from_der(root).unwrap();
        assert!(matches!(
            nitro::verify(&bytes, &options),
            Err(NitroError::CertNotYetValid { index: 0, .. })
        ));
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
