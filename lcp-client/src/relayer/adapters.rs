//! The production implementations of the relayer's ports: Beacon-API nodes through
//! `sources::BeaconClient`, the destination chain through `chain::LcpChain`.

use super::ports::{
    ChainBackend, ChainView, Fetched, KeyView, LightClientSource, PortError, Submitted,
};
use crate::chain::{LcpChain, TxOutcome};
use crate::sources::{BeaconClient, SourceError, SourceOptions, Sourced};
use alloy_primitives::{Address, B256};
use lcp_enclave::service::protocol::{LcObject, SignedMessage};
use serde_json::Value;
use url::Url;

/// Beacon nodes through one `BeaconClient` (fallback, demotion). Endpoints are named by URL.
#[derive(Debug)]
pub struct BeaconSources {
    client: BeaconClient,
}

impl BeaconSources {
    /// A client over `urls`, tried in order.
    ///
    /// # Errors
    /// As `BeaconClient::new`.
    pub fn new(urls: Vec<Url>, options: SourceOptions) -> Result<Self, SourceError> {
        Ok(BeaconSources {
            client: BeaconClient::new(urls, options)?,
        })
    }

    /// Wraps a configured client (SSZ, genesis check…).
    pub fn from_client(client: BeaconClient) -> Self {
        BeaconSources { client }
    }

    /// The client.
    pub fn client(&self) -> &BeaconClient {
        &self.client
    }
}

fn fetched<T>(sourced: Sourced<T>) -> Fetched<T> {
    Fetched {
        endpoint: sourced.endpoint.url().to_owned(),
        value: sourced.value,
    }
}

impl LightClientSource for BeaconSources {
    async fn bootstrap(&self, block_root: B256) -> Result<Fetched<LcObject>, PortError> {
        Ok(fetched(self.client.bootstrap(block_root).await?))
    }

    async fn updates(
        &self,
        start_period: u64,
        count: u64,
    ) -> Result<Fetched<Vec<LcObject>>, PortError> {
        Ok(fetched(self.client.updates(start_period, count).await?))
    }

    async fn finality_update(&self) -> Result<Fetched<LcObject>, PortError> {
        Ok(fetched(self.client.finality_update().await?))
    }

    async fn finality_update_each(&self) -> Vec<Result<Fetched<LcObject>, PortError>> {
        self.client
            .finality_update_each()
            .await
            .into_iter()
            .map(|r| r.map(fetched).map_err(PortError::from))
            .collect()
    }

    async fn block(&self, block_id: &str) -> Result<Fetched<Value>, PortError> {
        Ok(fetched(self.client.block(block_id).await?))
    }

    fn report_rejected(&self, endpoint: &str, reason: &str) {
        if let Some(id) = self.client.endpoint(endpoint) {
            self.client.report_rejected(id, reason);
        }
    }
}

fn submitted(outcome: TxOutcome) -> Submitted {
    Submitted {
        tx_hash: outcome.tx_hash,
        gas_used: outcome.gas_used,
    }
}

impl ChainBackend for LcpChain {
    async fn view(&self) -> Result<ChainView, PortError> {
        let state = self.state().await?;
        Ok(ChainView {
            state_id: state.state_id,
            frozen: state.frozen,
            now: state.at_timestamp,
        })
    }

    async fn key(&self, key: Address) -> Result<Option<KeyView>, PortError> {
        let record = self.enclave_key(key).await?;
        Ok((!record.operator.is_zero()).then_some(KeyView {
            operator: record.operator,
            expiry: record.expiry,
            revoked: record.revoked,
        }))
    }

    async fn register_enclave_key(&self, attestation: &[u8]) -> Result<Submitted, PortError> {
        Ok(submitted(
            LcpChain::register_enclave_key(self, attestation)
                .await?
                .outcome,
        ))
    }

    async fn initialize(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        Ok(submitted(LcpChain::initialize(self, update).await?))
    }

    async fn update_state(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        Ok(submitted(LcpChain::update_state(self, update).await?))
    }

    async fn submit_misbehaviour(
        &self,
        a: &SignedMessage,
        b: &SignedMessage,
    ) -> Result<Submitted, PortError> {
        Ok(submitted(LcpChain::submit_misbehaviour(self, a, b).await?))
    }

    fn clock_skew_delay(&self, error: &PortError) -> Option<std::time::Duration> {
        let name = error
            .downcast_ref::<crate::chain::ChainError>()?
            .revert_name()?;
        matches!(name, "CertNotYetValid" | "NitroTimestampInFuture")
            .then_some(std::time::Duration::from_secs(2))
    }

    async fn submit_claim(&self, claim: &SignedMessage) -> Result<Submitted, PortError> {
        Ok(submitted(LcpChain::submit_claim(self, claim).await?))
    }
}
