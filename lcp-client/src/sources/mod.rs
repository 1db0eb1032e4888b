//! Data sources: Beacon-API and execution JSON-RPC clients over pools of untrusted endpoints.
//!
//! Nothing a node says is trusted: the enclave verifies light-client data and SPV proofs. What
//! this layer adds is availability and hygiene: several endpoints per source tried in order,
//! per-request timeouts, retries with exponential backoff, fallback, demotion of endpoints that
//! fail or whose data the enclave rejected ([`BeaconClient::report_rejected`],
//! [`ExecutionClient::report_rejected`]), bounded response bodies and typed errors naming the
//! endpoint and the request ([`SourceError`]). Every answer says which endpoint produced it
//! ([`Sourced`]), so a rejection can be traced back to its source.
//!
//! ```no_run
//! # async fn sync() -> Result<(), Box<dyn std::error::Error>> {
//! use lcp_client::sources::{BeaconClient, SourceOptions};
//! let urls = vec!["https://beacon-1.example/".parse()?, "http://127.0.0.1:5052/".parse()?];
//! let beacon = BeaconClient::new(urls, SourceOptions::default())?;
//! let updates = beacon.updates(862, 6).await?;
//! // … hand `updates.value` to the enclave; if it refuses them:
//! beacon.report_rejected(updates.endpoint, "update #2: invalid sync committee signature");
//! # Ok(())
//! # }
//! ```

pub mod beacon;
pub mod beacon_ssz;
pub mod endpoints;
pub mod error;
pub mod execution;
mod http;
pub mod options;
pub mod rpc_transport;

pub use beacon::BeaconClient;
pub use endpoints::{EndpointId, EndpointPool};
pub use error::{ShapeProblem, SourceError, SszProblem};
pub use execution::ExecutionClient;
pub use options::SourceOptions;

/// A value and the endpoint it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    /// The answer.
    pub value: T,
    /// Who answered (pass it to `report_rejected` if the enclave refuses the data).
    pub endpoint: EndpointId,
}

impl<T> Sourced<T> {
    /// Applies `f` to the value, keeping the endpoint.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sourced<U> {
        Sourced {
            value: f(self.value),
            endpoint: self.endpoint,
        }
    }
}
