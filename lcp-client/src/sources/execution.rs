//! Execution-layer JSON-RPC client over several nodes (alloy provider, bounded transport).
//!
//! Answers are returned as raw JSON (`serde_json::Value`): the enclave and `lcp-enclave::spv`
//! parse the RPC JSON themselves, strictly, and recompute every hash from it. This client checks
//! only that an answer exists and has the expected top-level shape, and optionally that each
//! endpoint serves the configured chain ([`ExecutionClient::with_chain_id`]), so a node of another
//! network is refused before its data is used.

use super::Sourced;
use super::endpoints::{EndpointId, EndpointPool};
use super::error::{ShapeProblem, SourceError};
use super::http;
use super::options::SourceOptions;
use super::rpc_transport::{BoundedHttp, TransportFailure};
use alloy_json_rpc::RpcError;
use alloy_primitives::{Address, B256};
use alloy_provider::{Provider, RootProvider};
use alloy_rpc_client::RpcClient;
use alloy_transport::{TransportError, TransportErrorKind};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};
use url::Url;

/// Largest JSON-RPC answer: 64 MiB.
///
/// Why: the largest answers are `eth_getBlockReceipts` and `eth_getBlockByNumber` with full
/// transactions. Log data costs 8 gas per byte (plus topics), so a 60M-gas block carries at most
/// ~7.5 MB of log data, 15 MB as hex, plus a 514-character bloom per receipt (≤ 2,858 receipts
/// of 21,000 gas: 1.5 MB); a full-transaction block is bounded by EIP-7934's 8 MiB RLP cap,
/// about 16 MiB as hex with field names around it. 64 MiB is about twice the worst of these and
/// still bounds what a hostile node can make the relayer hold. `eth_getProof` answers are tiny
/// (≤ 65 nodes of ≤ 532 bytes per proof, ≤ 1,024 slots: under 100 MiB only if 1,024 slots are
/// asked at once; ask for fewer).
pub const MAX_RPC_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Largest number of storage slots asked in one `eth_getProof` (lcp-enclave's
/// `spv::account::MAX_STORAGE_PROOFS`): the enclave refuses more anyway.
pub const MAX_PROOF_SLOTS: usize = lcp_enclave::spv::account::MAX_STORAGE_PROOFS;

/// An execution JSON-RPC client over several nodes.
#[derive(Debug)]
pub struct ExecutionClient {
    pool: EndpointPool,
    http: reqwest::Client,
    providers: Vec<RootProvider>,
    expected_chain_id: Option<u64>,
    /// Endpoints whose chain id was checked, by index.
    chain_checked: Mutex<Vec<bool>>,
}

impl ExecutionClient {
    /// A client over `urls`, tried in that order.
    ///
    /// # Errors
    /// No URL, a non-HTTP URL, invalid options, or the HTTP client cannot be built.
    pub fn new(urls: Vec<Url>, opts: SourceOptions) -> Result<Self, SourceError> {
        let http = http::client(&opts)?;
        let pool = EndpointPool::new("execution", urls, opts)?;
        let providers = providers(&pool, &http, MAX_RPC_BODY_BYTES);
        let count = pool.endpoints().len();
        Ok(ExecutionClient {
            pool,
            http,
            providers,
            expected_chain_id: None,
            chain_checked: Mutex::new(vec![false; count]),
        })
    }

    /// Requires every endpoint to report `chain_id` (`eth_chainId`, checked once per endpoint
    /// before its first answer is used); an endpoint of another chain fails with
    /// [`SourceError::WrongChain`] and is demoted.
    pub fn with_chain_id(mut self, chain_id: u64) -> Self {
        self.expected_chain_id = Some(chain_id);
        self
    }

    /// Changes the answer size limit (default [`MAX_RPC_BODY_BYTES`]), e.g. for chains with
    /// larger blocks; answers above it fail with [`SourceError::BodyTooLarge`].
    pub fn with_max_body(mut self, max_body: usize) -> Self {
        self.providers = providers(&self.pool, &self.http, max_body);
        self
    }

    /// The endpoint with this URL (as [`EndpointId::url`] shows it).
    pub fn endpoint(&self, url: &str) -> Option<EndpointId> {
        self.pool.find(url)
    }

    /// The endpoint pool (order, health).
    pub fn pool(&self) -> &EndpointPool {
        &self.pool
    }

    /// The enclave refused data that came from `endpoint`: demote it (logged with `reason`).
    pub fn report_rejected(&self, endpoint: EndpointId, reason: &str) {
        self.pool.report_rejected(&endpoint, reason);
    }

    /// `eth_chainId` of the first endpoint that answers.
    ///
    /// # Errors
    /// [`SourceError::AllFailed`].
    pub async fn chain_id(&self) -> Result<Sourced<u64>, SourceError> {
        self.pool
            .run("eth_chainId", |endpoint, _url| async move {
                let provider = self.provider(&endpoint)?;
                provider
                    .get_chain_id()
                    .await
                    .map_err(|error| rpc_error(&endpoint, "eth_chainId", error))
            })
            .await
    }

    /// `eth_getProof(address, slots, block_number)`: the account proof and one storage proof per
    /// slot, as JSON.
    ///
    /// # Errors
    /// [`SourceError::InvalidRequest`] for more than [`MAX_PROOF_SLOTS`] slots;
    /// [`SourceError::AllFailed`].
    pub async fn get_proof(
        &self,
        address: Address,
        slots: &[B256],
        block_number: u64,
    ) -> Result<Sourced<Value>, SourceError> {
        if slots.len() > MAX_PROOF_SLOTS {
            return Err(SourceError::InvalidRequest {
                request: "eth_getProof".into(),
                parameter: "slots",
                value: u64::try_from(slots.len()).unwrap_or(u64::MAX),
                max: u64::try_from(MAX_PROOF_SLOTS).unwrap_or(u64::MAX),
            });
        }
        let params = (address, slots.to_vec(), quantity(block_number));
        self.call_object("eth_getProof", params, |value| {
            require_field(value, "accountProof").map(|_| ())
        })
        .await
    }

    /// `eth_getBlockByNumber(block_number, full_txs)`; the answer must be that block.
    ///
    /// # Errors
    /// [`SourceError::NotFound`] inside [`SourceError::AllFailed`] when no node has it.
    pub async fn block_by_number(
        &self,
        block_number: u64,
        full_txs: bool,
    ) -> Result<Sourced<Value>, SourceError> {
        let params = (quantity(block_number), full_txs);
        self.call_object("eth_getBlockByNumber", params, |value| {
            let number = require_field(value, "number")?
                .as_str()
                .and_then(parse_quantity)
                .ok_or(ShapeProblem::WrongType { field: "number" })?;
            if number != block_number {
                return Err(ShapeProblem::WrongBlock {
                    got: number,
                    requested: block_number,
                });
            }
            Ok(())
        })
        .await
    }

    /// `eth_getBlockReceipts(block_number)`: every receipt of the block, in order.
    ///
    /// # Errors
    /// [`SourceError::AllFailed`].
    pub async fn block_receipts(&self, block_number: u64) -> Result<Sourced<Value>, SourceError> {
        self.call(
            "eth_getBlockReceipts",
            (quantity(block_number),),
            |value| match value {
                Value::Array(_) => Ok(()),
                _ => Err(ShapeProblem::WrongType { field: "receipts" }),
            },
        )
        .await
    }

    /// `eth_getTransactionReceipt(hash)`.
    ///
    /// # Errors
    /// [`SourceError::AllFailed`].
    pub async fn transaction_receipt(&self, hash: B256) -> Result<Sourced<Value>, SourceError> {
        self.call_object("eth_getTransactionReceipt", (hash,), |value| {
            require_field(value, "transactionIndex").map(|_| ())
        })
        .await
    }

    fn provider(&self, endpoint: &EndpointId) -> Result<&RootProvider, SourceError> {
        self.providers
            .get(endpoint.index())
            .ok_or(SourceError::NoEndpoints {
                source_kind: "execution",
            })
    }

    /// Checks the endpoint's chain id once, when one is configured.
    async fn ensure_chain(&self, endpoint: &EndpointId) -> Result<(), SourceError> {
        let Some(expected) = self.expected_chain_id else {
            return Ok(());
        };
        let checked = self
            .chain_checked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(endpoint.index())
            .copied()
            .unwrap_or(false);
        if checked {
            return Ok(());
        }
        let got = self
            .provider(endpoint)?
            .get_chain_id()
            .await
            .map_err(|error| rpc_error(endpoint, "eth_chainId", error))?;
        if got != expected {
            return Err(SourceError::WrongChain {
                endpoint: endpoint.clone(),
                got,
                expected,
            });
        }
        if let Some(flag) = self
            .chain_checked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(endpoint.index())
        {
            *flag = true;
        }
        Ok(())
    }

    /// A call whose result must be a JSON object passing `check`.
    async fn call_object<P>(
        &self,
        method: &'static str,
        params: P,
        check: impl Fn(&Value) -> Result<(), ShapeProblem>,
    ) -> Result<Sourced<Value>, SourceError>
    where
        P: alloy_json_rpc::RpcSend + 'static,
    {
        self.call(method, params, |value| match value {
            Value::Object(_) => check(value),
            _ => Err(ShapeProblem::WrongType { field: "result" }),
        })
        .await
    }

    /// One JSON-RPC call through the pool; `null` is [`SourceError::NotFound`].
    async fn call<P>(
        &self,
        method: &'static str,
        params: P,
        check: impl Fn(&Value) -> Result<(), ShapeProblem>,
    ) -> Result<Sourced<Value>, SourceError>
    where
        P: alloy_json_rpc::RpcSend + 'static,
    {
        let check = &check;
        self.pool
            .run(method, |endpoint, _url| {
                let params = params.clone();
                async move {
                    self.ensure_chain(&endpoint).await?;
                    let value: Value = self
                        .provider(&endpoint)?
                        .raw_request(Cow::Borrowed(method), params)
                        .await
                        .map_err(|error| rpc_error(&endpoint, method, error))?;
                    if value.is_null() {
                        return Err(SourceError::NotFound {
                            endpoint,
                            request: method.to_owned(),
                        });
                    }
                    check(&value).map_err(|problem| SourceError::Shape {
                        endpoint: endpoint.clone(),
                        request: method.to_owned(),
                        problem,
                    })?;
                    Ok(value)
                }
            })
            .await
    }
}

/// One provider per endpoint, in pool order, each over a [`BoundedHttp`] transport.
fn providers(pool: &EndpointPool, http: &reqwest::Client, max_body: usize) -> Vec<RootProvider> {
    pool.endpoints()
        .iter()
        .filter_map(|endpoint| {
            let url = pool.url(endpoint)?.clone();
            let transport = BoundedHttp::new(http.clone(), url, endpoint.clone(), max_body);
            Some(RootProvider::new(RpcClient::new(transport, false)))
        })
        .collect()
}

/// A JSON-RPC quantity (`0x`-hex, no leading zeros).
fn quantity(n: u64) -> String {
    format!("{n:#x}")
}

/// Parses a JSON-RPC quantity.
fn parse_quantity(text: &str) -> Option<u64> {
    let digits = text.strip_prefix("0x")?;
    if digits.is_empty() || digits.len() > 16 || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

fn require_field<'a>(value: &'a Value, field: &'static str) -> Result<&'a Value, ShapeProblem> {
    value.get(field).ok_or(ShapeProblem::Missing { field })
}

/// Longest server error message kept (it is untrusted text for logs).
const MAX_ERROR_MESSAGE_CHARS: usize = 256;

/// alloy's error as a [`SourceError`] naming endpoint and method.
fn rpc_error(endpoint: &EndpointId, method: &str, error: TransportError) -> SourceError {
    match error {
        RpcError::ErrorResp(payload) => SourceError::JsonRpc {
            endpoint: endpoint.clone(),
            request: method.to_owned(),
            code: payload.code,
            message: payload
                .message
                .chars()
                .take(MAX_ERROR_MESSAGE_CHARS)
                .collect(),
        },
        RpcError::NullResp => SourceError::NotFound {
            endpoint: endpoint.clone(),
            request: method.to_owned(),
        },
        RpcError::DeserError { err, .. } => SourceError::Json {
            endpoint: endpoint.clone(),
            request: method.to_owned(),
            source: err,
        },
        RpcError::Transport(TransportErrorKind::Custom(inner)) => {
            match inner.downcast::<TransportFailure>() {
                Ok(failure) => failure.0,
                Err(other) => SourceError::Rpc {
                    endpoint: endpoint.clone(),
                    request: method.to_owned(),
                    source: RpcError::Transport(TransportErrorKind::Custom(other)),
                },
            }
        }
        other => SourceError::Rpc {
            endpoint: endpoint.clone(),
            request: method.to_owned(),
            source: other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync>() {}

    /// Clients are shared between tasks (`Arc<BeaconClient>`).
    #[test]
    fn clients_are_send_and_sync() {
        assert_send_sync::<ExecutionClient>();
        assert_send_sync::<crate::sources::BeaconClient>();
        assert_send_sync::<crate::sources::EndpointPool>();
        assert_send_sync::<SourceError>();
    }

    /// Relayers run these futures on multi-threaded runtimes and behind `Send` trait futures.
    #[test]
    fn request_futures_are_send() {
        let url = Url::parse("http://127.0.0.1:1/").unwrap();
        let client = ExecutionClient::new(vec![url], SourceOptions::default()).unwrap();
        assert_send(&client.chain_id());
        assert_send(&client.get_proof(Address::ZERO, &[], 1));
        assert_send(&client.block_by_number(1, true));
        assert_send(&client.block_receipts(1));
        assert_send(&client.transaction_receipt(B256::ZERO));
        let beacon = crate::sources::BeaconClient::new(
            vec![Url::parse("http://127.0.0.1:1/").unwrap()],
            SourceOptions::default(),
        )
        .unwrap();
        assert_send(&beacon.bootstrap(B256::ZERO));
        assert_send(&beacon.updates(1, 1));
        assert_send(&beacon.finality_update());
        assert_send(&beacon.finality_update_each());
        assert_send(&beacon.optimistic_update());
        assert_send(&beacon.block("head"));
    }

    #[test]
    fn quantities_round_trip_and_refuse_non_canonical_forms() {
        assert_eq!(quantity(0), "0x0");
        assert_eq!(quantity(21_925_176), "0x14e8d38");
        assert_eq!(parse_quantity("0x14e8d38"), Some(21_925_176));
        assert_eq!(parse_quantity("0x0"), Some(0));
        for bad in ["0x", "14e8e38", "0x014e8e38", "0x1ffffffffffffffff", "0xg"] {
            assert_eq!(parse_quantity(bad), None, "{bad}");
        }
    }

    #[test]
    fn json_rpc_errors_keep_code_and_a_bounded_message() {
        let endpoint = EndpointId::new(0, &Url::parse("http://node.test/").unwrap());
        let payload = alloy_json_rpc::ErrorPayload {
            code: -32000,
            message: Cow::Owned("x".repeat(1000)),
            data: None,
        };
        match rpc_error(&endpoint, "eth_getProof", RpcError::ErrorResp(payload)) {
            SourceError::JsonRpc { code, message, .. } => {
                assert_eq!(code, -32000);
                assert_eq!(message.len(), MAX_ERROR_MESSAGE_CHARS);
            }
            other => panic!("expected JsonRpc, got {other:?}"),
        }
        let failure = TransportErrorKind::custom(TransportFailure(SourceError::Status {
            endpoint: endpoint.clone(),
            request: "eth_getProof".into(),
            status: 502,
        }));
        assert!(matches!(
            rpc_error(&endpoint, "eth_getProof", failure),
            SourceError::Status { status: 502, .. }
        ));
    }
}
