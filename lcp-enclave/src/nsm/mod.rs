//! What the enclave needs from the Nitro Security Module: attestation documents and randomness.
//!
//! Two backends behind one trait: [`nitro::NitroNsm`] talks to `/dev/nsm` inside a real enclave
//! (cargo feature `nitro`), [`simulated::SimulatedNsm`] builds AWS-shaped documents under a
//! local PKI for development, tests and fixtures.

#[cfg(feature = "nitro")]
pub mod nitro;
pub mod simulated;

pub use simulated::SimulatedNsm;

/// Largest `public_key` the NSM accepts, bytes (aws-nitro-enclaves-nsm-api
/// `docs/attestation_process.md` §3.2.2: 1..1024).
pub const MAX_PUBLIC_KEY_LEN: usize = 1024;
/// Largest `user_data` the NSM accepts, bytes (same source: 0..512; the AWS User Guide CDDL says
/// 1024, the project follows the stricter figure, as the reference verifier does).
pub const MAX_USER_DATA_LEN: usize = 512;
/// Largest `nonce` the NSM accepts, bytes (same source and caveat as [`MAX_USER_DATA_LEN`]).
pub const MAX_NONCE_LEN: usize = 512;

/// The caller-chosen fields of an attestation document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AttestationRequest<'a> {
    /// `public_key`: in LCP, the enclave key (DESIGN.md §3).
    pub public_key: Option<&'a [u8]>,
    /// `user_data`: in LCP, the versioned binding of DESIGN.md §3.
    pub user_data: Option<&'a [u8]>,
    /// `nonce`: a freshness challenge, if the verifier sent one.
    pub nonce: Option<&'a [u8]>,
}

impl AttestationRequest<'_> {
    /// Rejects inputs the NSM would refuse, before asking it.
    ///
    /// # Errors
    /// [`NsmError::InputTooLarge`] naming the field.
    pub fn check_sizes(&self) -> Result<(), NsmError> {
        for (field, value, max) in [
            ("public_key", self.public_key, MAX_PUBLIC_KEY_LEN),
            ("user_data", self.user_data, MAX_USER_DATA_LEN),
            ("nonce", self.nonce, MAX_NONCE_LEN),
        ] {
            if let Some(bytes) = value
                && bytes.len() > max
            {
                return Err(NsmError::InputTooLarge {
                    field,
                    len: bytes.len(),
                    max,
                });
            }
        }
        Ok(())
    }
}

/// What the NSM device reported as failure (mirrors the driver's error codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceError {
    /// Invalid argument.
    InvalidArgument,
    /// Invalid PCR index.
    InvalidIndex,
    /// The response did not match the request.
    InvalidResponse,
    /// The PCR is locked.
    ReadOnlyIndex,
    /// Operation not allowed.
    InvalidOperation,
    /// The response buffer was too small.
    BufferTooSmall,
    /// The request was too large.
    InputTooLarge,
    /// The NSM's own failure.
    InternalError,
}

/// Errors of the NSM layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NsmError {
    /// An input exceeds the NSM's limit.
    #[error("{field} is {len} bytes, the NSM accepts at most {max}")]
    InputTooLarge {
        /// Which input.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// `/dev/nsm` could not be opened (not inside a Nitro enclave).
    #[error("the NSM device cannot be opened")]
    DeviceUnavailable,
    /// The NSM answered with an error.
    #[error("the NSM reported {0:?}")]
    Device(DeviceError),
    /// The NSM answered with a response of the wrong kind.
    #[error("the NSM returned an unexpected response")]
    UnexpectedResponse,
    /// The simulated backend failed.
    #[error("simulated NSM: {0}")]
    Simulated(#[from] simulated::SimError),
}

/// The Nitro Security Module as the enclave uses it.
pub trait Nsm: Send + Sync {
    /// A signed attestation document (COSE_Sign1 bytes) carrying `request`'s fields.
    ///
    /// # Errors
    /// Oversized inputs, or the device fails.
    fn attestation_document(&self, request: &AttestationRequest<'_>) -> Result<Vec<u8>, NsmError>;

    /// `len` random bytes from the NSM's entropy source.
    ///
    /// # Errors
    /// The device fails.
    fn random_bytes(&self, len: usize) -> Result<Vec<u8>, NsmError>;
}
