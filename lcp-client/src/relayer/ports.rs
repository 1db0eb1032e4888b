//! What the relayer needs from the outside world, as three small traits: light-client data
//! (beacon nodes), execution data is only needed by claim builders, and the destination chain.
//!
//! The production implementations are `sources::BeaconClient` and `chain::LcpChain`; the
//! relayer itself only speaks these traits, so embedders can bring their own transport and the
//! relay logic (sync planning, key lifecycle, resume, misbehaviour) is independent of HTTP and
//! JSON-RPC details.

use alloy_primitives::{Address, B256};
use lcp_enclave::service::protocol::{LcObject, SignedMessage};
use serde_json::Value;
use std::future::Future;

/// An error of an external system (HTTP, JSON-RPC, a reverted transaction), kept as its typed
/// source: the relayer wraps it in a variant naming what it was doing.
pub type PortError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Data with the endpoint that served it, so that a rejection can be reported against it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched<T> {
    /// The data.
    pub value: T,
    /// The endpoint (a URL, or `file:` for recorded data).
    pub endpoint: String,
}

/// Beacon-API light-client data, from one or several endpoints with fallback.
pub trait LightClientSource: Send + Sync {
    /// `GET /eth/v1/beacon/light_client/bootstrap/{block_root}`.
    fn bootstrap(
        &self,
        block_root: B256,
    ) -> impl Future<Output = Result<Fetched<LcObject>, PortError>> + Send;
    /// `GET /eth/v1/beacon/light_client/updates?start_period&count`: one object per period.
    fn updates(
        &self,
        start_period: u64,
        count: u64,
    ) -> impl Future<Output = Result<Fetched<Vec<LcObject>>, PortError>> + Send;
    /// `GET /eth/v1/beacon/light_client/finality_update`.
    fn finality_update(&self) -> impl Future<Output = Result<Fetched<LcObject>, PortError>> + Send;
    /// The finality update of every endpoint that answers (misbehaviour watch: two endpoints
    /// serving different finalized headers for one slot).
    fn finality_update_each(
        &self,
    ) -> impl Future<Output = Vec<Result<Fetched<LcObject>, PortError>>> + Send;
    /// `GET /eth/v2/beacon/blocks/{block_id}` (JSON).
    fn block(
        &self,
        block_id: &str,
    ) -> impl Future<Output = Result<Fetched<Value>, PortError>> + Send;
    /// The enclave refused data this endpoint served: demote it.
    fn report_rejected(&self, endpoint: &str, reason: &str);
}

/// What the relayer reads back from the destination chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainView {
    /// `LCPClient.stateId()` (zero before `initialize`).
    pub state_id: B256,
    /// Whether the client is frozen (misbehaviour was proven).
    pub frozen: bool,
    /// The chain's clock: the latest block's timestamp, seconds.
    pub now: u64,
}

/// A registered enclave key as the chain holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyView {
    /// Operator bound at registration.
    pub operator: Address,
    /// Valid strictly before this unix time (seconds).
    pub expiry: u64,
    /// Revoked by the owner.
    pub revoked: bool,
}

/// A mined transaction (or an applied call, for in-memory backends).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    /// Transaction hash (zero for in-memory backends).
    pub tx_hash: B256,
    /// Gas used (0 for in-memory backends).
    pub gas_used: u64,
}

/// The destination chain's `LCPClient`.
pub trait ChainBackend: Send + Sync {
    /// Current state id, frozen flag and chain time.
    fn view(&self) -> impl Future<Output = Result<ChainView, PortError>> + Send;
    /// The registration of `key`, `None` if never registered.
    fn key(&self, key: Address) -> impl Future<Output = Result<Option<KeyView>, PortError>> + Send;
    /// `registerEnclaveKey` with the attestation document.
    fn register_enclave_key(
        &self,
        attestation: &[u8],
    ) -> impl Future<Output = Result<Submitted, PortError>> + Send;
    /// `initialize(message, signatures)`.
    fn initialize(
        &self,
        update: &SignedMessage,
    ) -> impl Future<Output = Result<Submitted, PortError>> + Send;
    /// `updateState(message, signatures)`.
    fn update_state(
        &self,
        update: &SignedMessage,
    ) -> impl Future<Output = Result<Submitted, PortError>> + Send;
    /// `submitMisbehaviour(a, sigA, b, sigB)`.
    fn submit_misbehaviour(
        &self,
        a: &SignedMessage,
        b: &SignedMessage,
    ) -> impl Future<Output = Result<Submitted, PortError>> + Send;
    /// How long to wait before registering again when `error` says the chain's clock is behind
    /// the attestation (its leaf certificate not yet valid, or its timestamp ahead by more than
    /// the allowed skew); `None` for every other error.
    fn clock_skew_delay(&self, error: &PortError) -> Option<std::time::Duration> {
        let _ = error;
        None
    }
    /// Submits one signed claim message to the matching `verify*` entry point (as a transaction);
    /// the call reverts unless the chain accepts the claim.
    fn submit_claim(
        &self,
        claim: &SignedMessage,
    ) -> impl Future<Output = Result<Submitted, PortError>> + Send;
}
