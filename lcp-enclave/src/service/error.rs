//! The service's one error enum: what a request can fail with, wrapping the light-client, SPV,
//! message and NSM errors with the request position they concern.

use super::protocol::FrameError;
use crate::enclave_key::EnclaveKeyError;
use crate::light_client::config::Fork;
use crate::light_client::error::LightClientError;
use crate::spv::SpvError;
use alloy_primitives::B256;

/// Why a request was refused. Nothing is signed when a request fails.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// A frame violated the framing rules (the connection is closed).
    #[error("frame: {0}")]
    Frame(#[from] FrameError),
    /// The payload is not one well-formed request (the connection is closed).
    #[error("malformed request: {0}")]
    MalformedRequest(#[source] serde_json::Error),
    /// The state or request belongs to another network configuration than the enclave's.
    #[error("network config {got} is not this enclave's {expected}")]
    NetworkConfigMismatch {
        /// In the request.
        got: B256,
        /// The enclave's.
        expected: B256,
    },
    /// The state's recomputed id is not the id the request names.
    #[error("state id mismatch: the request names {named}, the state hashes to {computed}")]
    StateIdMismatch {
        /// Named by the request.
        named: B256,
        /// Recomputed from the state.
        computed: B256,
    },
    /// The store's fork byte names no fork.
    #[error("client state names fork index {index:?}, which does not exist (None: empty state)")]
    UnknownStoreFork {
        /// The byte.
        index: Option<u8>,
    },
    /// An SSZ object names a fork this enclave does not know.
    #[error("unknown fork name in {what}")]
    UnknownForkName {
        /// Which object.
        what: &'static str,
    },
    /// The client state does not decode.
    #[error("client state: {0}")]
    ClientState(#[source] LightClientError),
    /// The bootstrap is invalid or does not match the trusted root.
    #[error("bootstrap: {0}")]
    Bootstrap(#[source] LightClientError),
    /// Update `index` (0-based, in request order, arrays flattened) is invalid.
    #[error("update #{index}: {source}")]
    Update {
        /// Position.
        index: usize,
        /// Why.
        #[source]
        source: LightClientError,
    },
    /// The finality update is invalid.
    #[error("finality update: {0}")]
    FinalityUpdate(#[source] LightClientError),
    /// More items than the protocol allows.
    #[error("{what}: {got} items, at most {max}")]
    TooMany {
        /// Which list.
        what: &'static str,
        /// Received.
        got: usize,
        /// The limit.
        max: usize,
    },
    /// A request with nothing to do.
    #[error("{what} is empty")]
    Empty {
        /// Which list.
        what: &'static str,
    },
    /// The updates of an `UpdateClient` were valid but left the store exactly as it was (stale,
    /// or re-supplying what the store already holds): there is no transition to sign
    /// (`LCPClient` refuses `postStateId == prevStateId` with `NoStateChange`). Not a failure of
    /// the data; the host simply has nothing to submit.
    #[error(
        "nothing to apply: the state is unchanged after {updates} valid update(s), {stale} of them stale"
    )]
    NothingToApply {
        /// Updates processed (finality update included).
        updates: u32,
        /// Of those, the ones the sync protocol reported stale.
        stale: u32,
    },
    /// The state's finalized header carries no execution payload header (pre-Capella, or Gloas
    /// which carries the block hash only): nothing to sign about execution.
    #[error("the state's finalized header ({fork} store) carries no execution payload header")]
    NoExecutionHeader {
        /// The store's fork.
        fork: Fork,
    },
    /// The claim names an execution block the state does not hold as finalized.
    #[error("block {requested} is not the state's finalized execution block {held}")]
    HeaderNotHeld {
        /// Named by the request.
        requested: B256,
        /// The finalized block hash of the state.
        held: B256,
    },
    /// Claim item `index` failed SPV verification.
    #[error("claim #{index}: {source}")]
    Claim {
        /// Position.
        index: usize,
        /// Why (boxed: SPV errors carry keys and hashes, ~140 bytes).
        #[source]
        source: Box<SpvError>,
    },
    /// A proven index does not fit the message's field.
    #[error("claim #{index}: {field} {value} exceeds the message field")]
    FieldRange {
        /// Position.
        index: usize,
        /// The field.
        field: &'static str,
        /// The value.
        value: u64,
    },
    /// Building or signing a message failed.
    #[error("message: {0}")]
    Message(#[from] attestation_verifier::message::Error),
    /// The enclave key or the NSM failed.
    #[error("enclave key: {0}")]
    Key(#[from] EnclaveKeyError),
    /// The response would exceed the frame limit (a batch with too many claims for one frame).
    #[error("response of {len} bytes exceeds the {max}-byte frame limit")]
    ResponseTooLarge {
        /// Encoded length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Encoding the store failed (never for a store this crate built).
    #[error("store encoding: {0}")]
    StoreEncoding(#[source] LightClientError),
}

impl ServiceError {
    /// Stable snake_case name for the error frame's `code`.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Frame(_) => "frame",
            ServiceError::MalformedRequest(_) => "malformed_request",
            ServiceError::NetworkConfigMismatch { .. } => "network_config_mismatch",
            ServiceError::StateIdMismatch { .. } => "state_id_mismatch",
            ServiceError::UnknownStoreFork { .. } => "unknown_store_fork",
            ServiceError::UnknownForkName { .. } => "unknown_fork_name",
            ServiceError::ClientState(_) => "client_state",
            ServiceError::Bootstrap(_) => "bootstrap",
            ServiceError::Update { .. } => "update",
            ServiceError::FinalityUpdate(_) => "finality_update",
            ServiceError::TooMany { .. } => "too_many",
            ServiceError::Empty { .. } => "empty",
            ServiceError::NothingToApply { .. } => "nothing_to_apply",
            ServiceError::NoExecutionHeader { .. } => "no_execution_header",
            ServiceError::HeaderNotHeld { .. } => "header_not_held",
            ServiceError::Claim { .. } => "claim",
            ServiceError::FieldRange { .. } => "field_range",
            ServiceError::Message(_) => "message",
            ServiceError::Key(_) => "enclave_key",
            ServiceError::ResponseTooLarge { .. } => "response_too_large",
            ServiceError::StoreEncoding(_) => "store_encoding",
        }
    }

    /// Whether the connection must be closed after reporting this error (framing and parsing
    /// failures: the byte stream can no longer be trusted to be in step).
    pub fn closes_connection(&self) -> bool {
        matches!(
            self,
            ServiceError::Frame(_) | ServiceError::MalformedRequest(_)
        )
    }
}
