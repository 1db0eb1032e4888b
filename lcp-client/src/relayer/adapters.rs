//! The production implementations of the relayer's ports: Beacon-API nodes through
//! `sources::BeaconClient`, the destination chain through `chain::LcpChain`.

use super::ports::{
    ChainBackend, ChainView, Fetched, KeyView, LightClientSource, PortError, Submitted,
};
use crate::chain::{ChainError, LcpChain, TxOutcome};
use crate::sources::{BeaconClient, SourceError, SourceOptions, Sourced};
use alloy_primitives::{Address, B256};
use attestation_verifier::message::encode::Message;
use lcp_enclave::service::protocol::{LcObject, SignedMessage};
use serde_json::Value;
use url::Url;

/// Beacon nodes: one client over all endpoints (fallback, demotion) and one per endpoint (the
/// misbehaviour watch compares what each endpoint serves).
#[derive(Debug)]
pub struct BeaconSources {
    all: BeaconClient,
    each: Vec<BeaconClient>,
}

impl BeaconSources {
    /// Clients over `urls`, tried in order.
    ///
    /// # Errors
    /// As `BeaconClient::new`.
    pub fn new(urls: Vec<Url>, options: SourceOptions) -> Result<Self, SourceError> {
        let each = urls
            .iter()
            .map(|url| BeaconClient::new(vec![url.clone()], options))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(BeaconSources {
            all: BeaconClient::new(urls, options)?,
            each,
        })
    }

    /// The client over all endpoints.
    pub fn client(&self) -> &BeaconClient {
        &self.all
    }
}

fn fetched<T>(sourced: Sourced<T>) -> Fetched<T> {
    Fetched {
        endpoint: sourced.endpoint.to_string(),
        value: sourced.value,
    }
}

impl LightClientSource for BeaconSources {
    async fn bootstrap(&self, block_root: B256) -> Result<Fetched<LcObject>, PortError> {
        Ok(fetched(self.all.bootstrap(block_root).await?))
    }

    async fn updates(
        &self,
        start_period: u64,
        count: u64,
    ) -> Result<Fetched<Vec<LcObject>>, PortError> {
        Ok(fetched(self.all.updates(start_period, count).await?))
    }

    async fn finality_update(&self) -> Result<Fetched<LcObject>, PortError> {
        Ok(fetched(self.all.finality_update().await?))
    }

    async fn finality_update_each(&self) -> Vec<Result<Fetched<LcObject>, PortError>> {
        let mut out = Vec::with_capacity(self.each.len());
        for (index, client) in self.each.iter().enumerate() {
            // Name the endpoint as the pooled client does, so a rejection demotes it there.
            let name = self.all.pool().endpoints().get(index).map(ToString::to_string);
            out.push(match client.finality_update().await {
                Ok(s) => Ok(Fetched {
                    endpoint: name.unwrap_or_else(|| s.endpoint.to_string()),
                    value: s.value,
                }),
                Err(e) => Err(e.into()),
            });
        }
        out
    }

    async fn block(&self, block_id: &str) -> Result<Fetched<Value>, PortError> {
        Ok(fetched(self.all.block(block_id).await?))
    }

    fn report_rejected(&self, endpoint: &str, reason: &str) {
        if let Some(id) = self
            .all
            .pool()
            .endpoints()
            .iter()
            .find(|id| id.to_string() == endpoint)
        {
            self.all.report_rejected(id.clone(), reason);
        }
    }
}

fn submitted(outcome: TxOutcome) -> Submitted {
    Submitted {
        tx_hash: outcome.tx_hash,
        gas_used: outcome.gas_used,
    }
}

/// A message that is not a claim was given to `submit_claim`.
#[derive(Debug, thiserror::Error)]
#[error("message type {0} has no single-claim verify entry point")]
pub struct NotAClaim(&'static str);

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

    async fn submit_claim(&self, claim: &SignedMessage) -> Result<Submitted, PortError> {
        let outcome: Result<TxOutcome, ChainError> =
            match Message::decode(self.domain(), &claim.message)? {
                Message::TransactionClaim(_) => self.verify_transaction_tx(claim).await,
                Message::ReceiptLogClaim(_) => self.verify_receipt_log_tx(claim).await,
                Message::StorageClaim(_) => self.verify_storage_tx(claim).await,
                Message::AccountClaim(_) => self.verify_account_tx(claim).await,
                Message::UpdateState(_) => return Err(NotAClaim("UpdateState").into()),
                Message::BatchClaims(_) => return Err(NotAClaim("BatchClaims").into()),
            };
        Ok(submitted(outcome?))
    }
}
