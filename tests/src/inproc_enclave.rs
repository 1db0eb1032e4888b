//! An enclave in the test process (simulated NSM, mainnet network), driven through
//! [`Enclave::handle`] with the same requests the wire protocol carries.

use alloy_primitives::{Address, B256};
use attestation_verifier::message::encode::Domain;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::SimulatedNsm;
use lcp_enclave::nsm::simulated::Clock;
use lcp_enclave::service::protocol::{ClientState, LcObject, Request, Response};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom, ServiceError};

/// The destination domain the in-process enclave signs for.
pub const TEST_DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};

/// Starts a mainnet enclave with a fresh random key.
///
/// # Errors
/// The simulated NSM or the key generation fails.
pub fn start_mainnet_enclave() -> anyhow::Result<Enclave> {
    let nsm = SimulatedNsm::random(Clock::System)?;
    Ok(Enclave::start(
        Box::new(OsRandom(nsm)),
        EnclaveConfig {
            spec: ChainSpec::mainnet(),
            policy: BridgePolicy::two_thirds::<Mainnet>(),
            operator: Address::repeat_byte(0x0e),
            domain: TEST_DOMAIN,
        },
    )?)
}

/// A light-client state the host holds, with its id.
#[derive(Clone, Debug)]
pub struct HeldState {
    /// The state.
    pub state: ClientState,
    /// Its id.
    pub state_id: B256,
    /// Updates applied by the request that produced it.
    pub applied: u32,
}

/// Why a request to the in-process enclave did not produce a state.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The enclave refused the request (the interesting case for tests).
    #[error("enclave refused: {0}")]
    Refused(#[from] ServiceError),
    /// The enclave answered something other than `ClientUpdated`.
    #[error("unexpected response {0:?}")]
    Unexpected(Box<Response>),
}

fn held(response: Response) -> Result<HeldState, HarnessError> {
    match response {
        Response::ClientUpdated {
            client_state,
            state_id,
            applied,
            ..
        } => Ok(HeldState {
            state: client_state,
            state_id,
            applied,
        }),
        other => Err(HarnessError::Unexpected(Box::new(other))),
    }
}

/// `InitClient` from `bootstrap` at `trusted_block_root`.
///
/// # Errors
/// The enclave refuses the bootstrap.
pub fn init(
    enclave: &Enclave,
    trusted_block_root: B256,
    bootstrap: LcObject,
) -> Result<HeldState, HarnessError> {
    held(enclave.handle(Request::InitClient {
        network_config_hash: enclave.network_config_hash(),
        trusted_block_root,
        bootstrap,
    })?)
}

/// `UpdateClient` of `from` with period updates and an optional finality update.
///
/// # Errors
/// The enclave refuses an update.
pub fn update(
    enclave: &Enclave,
    from: &HeldState,
    updates: Vec<LcObject>,
    finality_update: Option<LcObject>,
) -> Result<HeldState, HarnessError> {
    held(enclave.handle(Request::UpdateClient {
        state_id: from.state_id,
        client_state: from.state.clone(),
        updates,
        finality_update,
    })?)
}
