//! The relayer's one error enum.

use super::ports::PortError;
use crate::enclave::EnclaveError;
use alloy_primitives::B256;

/// Why a relayer step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayerError {
    /// The enclave could not be reached or refused the request.
    #[error("enclave: {0}")]
    Enclave(#[from] EnclaveError),
    /// A data source failed.
    #[error("fetching {what}: {source}")]
    Source {
        /// What was fetched.
        what: &'static str,
        /// Why.
        #[source]
        source: PortError,
    },
    /// The destination chain failed or reverted.
    #[error("chain {what}: {source}")]
    Chain {
        /// The call.
        what: &'static str,
        /// Why.
        #[source]
        source: PortError,
    },
    /// Every endpoint served data the enclave refused.
    #[error("{what}: the enclave refused the data of {attempts} endpoint(s); last: {last}")]
    AllSourcesRejected {
        /// Which object.
        what: &'static str,
        /// Endpoints tried.
        attempts: u32,
        /// The last refusal.
        #[source]
        last: EnclaveError,
    },
    /// The enclave signs for another chain, contract or network than the relayer is configured for.
    #[error("the enclave signs for {field} {enclave}, the relayer is configured for {configured}")]
    EnclaveMismatch {
        /// The field.
        field: &'static str,
        /// What the enclave reports.
        enclave: String,
        /// What the relayer expects.
        configured: String,
    },
    /// The client on chain is frozen: nothing can be relayed any more.
    #[error("the LCPClient is frozen (misbehaviour was proven)")]
    Frozen,
    /// The chain holds a state that neither the cache nor a deterministic rebuild from the
    /// trusted root reaches with the data the sources serve now.
    #[error(
        "the chain's state {chain} is not reachable: cache {cache:?}, rebuild reached {rebuilt:?}"
    )]
    ChainStateUnreachable {
        /// The chain's state id.
        chain: B256,
        /// The cache file's state id, if any.
        cache: Option<B256>,
        /// The ids the rebuild produced, in order.
        rebuilt: Vec<B256>,
    },
    /// No light-client state yet: call `initialise` or `resume` first.
    #[error("no light-client state: initialise or resume first")]
    NotInitialised,
    /// A Beacon-API object lacks a field the relayer plans with.
    #[error("{what}: missing or malformed `{field}`")]
    MalformedObject {
        /// Which object.
        what: &'static str,
        /// The field path.
        field: &'static str,
    },
    /// A signed message from the enclave does not decode (never for a genuine enclave).
    #[error("signed message: {0}")]
    Message(#[from] attestation_verifier::message::Error),
    /// The state cache file could not be written.
    #[error("state cache {path}: {source}")]
    Cache {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Claims could not be built from the fetched data (after `rejection_attempts` endpoints,
    /// or at once when the request itself is out of range).
    #[error("building claims: {0}")]
    ClaimBuild(#[source] Box<crate::claims::ClaimBuildError>),
    /// The enclave answered a request with the other kind of result (batch vs. single).
    #[error("the enclave answered with {got} where {expected} was requested")]
    UnexpectedAttestation {
        /// Requested.
        expected: &'static str,
        /// Received.
        got: &'static str,
    },
}
