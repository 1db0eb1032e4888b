//! An enclave in this process with the simulated NSM: for embedders, tests and `lcp demo`.
//!
//! The documents chain to a local simulated root, not to AWS: whoever verifies them must be given
//! [`SimulatedEnclave::root_der`] as the trust anchor and [`SimulatedEnclave::pcrs`] as the PCR
//! allowlist. Never a production setup.

use super::EnclaveConnection;
use alloy_primitives::{Address, B256};
use attestation_verifier::message::encode::Domain;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet, Minimal, PresetName};
use lcp_enclave::nsm::SimulatedNsm;
use lcp_enclave::nsm::simulated::{Clock, Seed, SimError};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom, ServiceError};
use std::sync::Arc;

/// Why a simulated enclave did not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulatedEnclaveError {
    /// The simulated NSM (its PKI) failed to start.
    #[error("simulated NSM: {0}")]
    Nsm(#[from] SimError),
    /// The enclave failed to generate its key.
    #[error("enclave start: {0}")]
    Start(#[from] ServiceError),
}

/// A running in-process enclave and what a verifier needs to check its attestation.
#[derive(Debug, Clone)]
pub struct SimulatedEnclave {
    /// The enclave (shared with every connection made by [`SimulatedEnclave::connection`]).
    pub enclave: Arc<Enclave>,
    /// DER of the simulated root certificate the documents chain to.
    pub root_der: Vec<u8>,
    /// The simulated PCRs (index, value) the documents carry.
    pub pcrs: Vec<(u64, Vec<u8>)>,
}

impl SimulatedEnclave {
    /// Starts an enclave following `spec` with the default bridge policy (≥ 2/3 participation),
    /// bound to `operator`, signing for `domain`. With a `seed` the simulated PKI and PCRs are
    /// pinned to it (`SimulatedNsm::restartable`, as `lcp-enclave --sim-seed`: a restart keeps the
    /// identity a chain was configured with); without one they are random. The enclave key always
    /// comes from the operating system's randomness.
    ///
    /// # Errors
    /// [`SimulatedEnclaveError`].
    pub fn start(
        spec: ChainSpec,
        operator: Address,
        domain: Domain,
        seed: Option<[u8; 32]>,
    ) -> Result<SimulatedEnclave, SimulatedEnclaveError> {
        let nsm = match seed {
            Some(bytes) => SimulatedNsm::restartable(Seed(bytes), Clock::System)?,
            None => SimulatedNsm::random(Clock::System)?,
        };
        let root_der = nsm.root_der().to_vec();
        let pcrs = nsm.pcrs().to_vec();
        let policy = match spec.preset {
            PresetName::Mainnet => BridgePolicy::two_thirds::<Mainnet>(),
            PresetName::Minimal => BridgePolicy::two_thirds::<Minimal>(),
        };
        let enclave = Enclave::start(
            Box::new(OsRandom(nsm)),
            EnclaveConfig {
                spec,
                policy,
                operator,
                domain,
            },
        )?;
        Ok(SimulatedEnclave {
            enclave: Arc::new(enclave),
            root_der,
            pcrs,
        })
    }

    /// A connection that calls this enclave's handler directly.
    pub fn connection(&self) -> EnclaveConnection {
        EnclaveConnection::in_process(Arc::clone(&self.enclave))
    }

    /// The enclave's network configuration hash.
    pub fn network_config_hash(&self) -> B256 {
        self.enclave.network_config_hash()
    }
}
