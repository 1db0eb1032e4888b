//! The attested, stateless LCP service (DESIGN.md §1, §3, §5): framing and messages
//! ([`protocol`]), the operations ([`handler`]), the listener ([`server`]).
//!
//! The service keeps no light-client state between requests: the host sends the state with each
//! request and the enclave checks it against the `state_id` the destination chain holds. Only the
//! enclave key lives here, in memory.

pub mod claims;
pub mod error;
pub mod handler;
pub mod protocol;
pub mod server;

pub use error::ServiceError;
pub use handler::{Enclave, EnclaveConfig};

use crate::nsm::{AttestationRequest, Nsm, NsmError};

/// An NSM whose randomness comes from the operating system (`getrandom`) while documents come
/// from `inner`. For the simulated NSM, whose own random bytes derive from its seed: the enclave
/// key must not be derivable from anything but fresh entropy.
#[derive(Debug)]
pub struct OsRandom<N>(pub N);

impl<N: Nsm> Nsm for OsRandom<N> {
    fn attestation_document(&self, request: &AttestationRequest<'_>) -> Result<Vec<u8>, NsmError> {
        self.0.attestation_document(request)
    }

    fn random_bytes(&self, len: usize) -> Result<Vec<u8>, NsmError> {
        let mut out = vec![0u8; len];
        getrandom::fill(&mut out).map_err(|_| NsmError::DeviceUnavailable)?;
        Ok(out)
    }
}
