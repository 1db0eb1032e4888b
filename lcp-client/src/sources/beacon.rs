//! Beacon-API client for light-client data and full blocks, over an [`EndpointPool`].
//!
//! Standard paths (beacon-APIs `apis/beacon/light_client/*.yaml`, `apis/beacon/blocks/block.v2.yaml`):
//! - `GET /eth/v1/beacon/light_client/bootstrap/{block_root}`
//! - `GET /eth/v1/beacon/light_client/updates?start_period=&count=`
//! - `GET /eth/v1/beacon/light_client/finality_update`
//! - `GET /eth/v1/beacon/light_client/optimistic_update`
//! - `GET /eth/v2/beacon/blocks/{block_id}` (JSON only: the transactions for transaction claims)
//!
//! Light-client objects are returned as the enclave's [`LcObject`]: JSON as received (after a
//! shape check), or SSZ when the client was built [`with_ssz`](BeaconClient::with_ssz) and the
//! node answers `application/octet-stream`. The client checks framing and shape only; the
//! enclave verifies content, and the caller reports a refusal with
//! [`report_rejected`](BeaconClient::report_rejected).

use super::Sourced;
use super::beacon_ssz::{CHUNK_LEN_LEN, MAX_CHUNK_LEN, SplitError, split_update_chunks};
use super::endpoints::{EndpointId, EndpointPool};
use super::error::{ShapeProblem, SourceError, SszProblem};
use super::http;
use super::options::SourceOptions;
use alloy_primitives::B256;
use lcp_enclave::light_client::config::{ChainSpec, Fork};
use lcp_enclave::light_client::decode::MAX_LC_OBJECT_BYTES;
use lcp_enclave::service::protocol::LcObject;
use serde_json::Value;
use std::sync::{Mutex, PoisonError};
use url::Url;

/// `MAX_REQUEST_LIGHT_CLIENT_UPDATES` (consensus-specs `altair/light-client/p2p-interface.md`):
/// the most updates one answer may carry; a larger `count` is refused before asking.
pub const MAX_REQUEST_LIGHT_CLIENT_UPDATES: u64 = 128;

/// Largest JSON light-client object: 256 KiB.
///
/// Why: the largest object is an update or bootstrap carrying a sync committee, 512 BLS keys of
/// 98 hex characters plus the aggregate key and Merkle branches, about 55 KB compact; the bundled
/// real Capella bootstrap, pretty-printed, is 63,653 bytes and the largest pretty-printed update
/// about 70 KB. 256 KiB leaves room for later forks' longer branches and any indentation while
/// keeping a hostile node's answer small.
pub const MAX_LC_JSON_OBJECT_BYTES: usize = 256 * 1024;

/// Largest full-block JSON answer: 32 MiB.
///
/// Why: EIP-7934 caps an RLP execution block at 8 MiB (10 MiB minus a 2 MiB margin); its
/// transactions appear hex-encoded (×2) in the JSON, 16 MiB. The consensus part (attestations,
/// deposits, withdrawals, KZG commitments, execution requests) adds well under 1 MiB, and
/// pretty-printing some more. 32 MiB bounds memory at twice the worst legitimate size.
pub const MAX_BLOCK_JSON_BYTES: usize = 32 * 1024 * 1024;

/// `GET /eth/v1/beacon/genesis`: genesis time, validators root and fork version.
const GENESIS_PATH: &str = "/eth/v1/beacon/genesis";
/// The genesis answer is three short fields; 4 KiB is generous.
const MAX_GENESIS_JSON_BYTES: usize = 4096;

/// Longest accepted `block_id`: a `0x`-prefixed root.
const MAX_BLOCK_ID_LEN: usize = 66;

/// How light-client objects are requested.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    /// `Accept: application/json` (the default; no network configuration needed).
    #[default]
    Json,
    /// `Accept: application/octet-stream`, JSON still accepted if the node answers JSON. The
    /// network's fork schedule maps the fork digests of the updates answer to forks.
    Ssz(Box<ChainSpec>),
}

/// A Beacon-API client over several nodes.
#[derive(Debug)]
pub struct BeaconClient {
    pool: EndpointPool,
    http: reqwest::Client,
    encoding: Encoding,
    expected_genesis_validators_root: Option<B256>,
    /// Endpoints whose network was checked, by index.
    network_checked: Mutex<Vec<bool>>,
}

impl BeaconClient {
    /// A client over `urls`, tried in that order (JSON encoding).
    ///
    /// # Errors
    /// No URL, a non-HTTP URL, invalid options, or the HTTP client cannot be built.
    pub fn new(urls: Vec<Url>, opts: SourceOptions) -> Result<Self, SourceError> {
        let http = http::client(&opts)?;
        let pool = EndpointPool::new("beacon", urls, opts)?;
        let count = pool.endpoints().len();
        Ok(BeaconClient {
            pool,
            http,
            encoding: Encoding::Json,
            expected_genesis_validators_root: None,
            network_checked: Mutex::new(vec![false; count]),
        })
    }

    /// Requests light-client objects as SSZ, decoded with `spec`'s fork digests; also requires
    /// every endpoint to follow `spec`'s network (see [`Self::with_genesis_validators_root`]).
    pub fn with_ssz(mut self, spec: ChainSpec) -> Self {
        self.expected_genesis_validators_root = Some(spec.genesis_validators_root);
        self.encoding = Encoding::Ssz(Box::new(spec));
        self
    }

    /// Requires every endpoint to report this genesis validators root
    /// (`GET /eth/v1/beacon/genesis`, checked once per endpoint before its first answer is
    /// used); a node of another network fails with [`SourceError::WrongNetwork`] and is demoted.
    pub fn with_genesis_validators_root(mut self, root: B256) -> Self {
        self.expected_genesis_validators_root = Some(root);
        self
    }

    /// The endpoint pool (order, health).
    pub fn pool(&self) -> &EndpointPool {
        &self.pool
    }

    /// The enclave refused data that came from `endpoint`: demote it (logged with `reason`).
    pub fn report_rejected(&self, endpoint: EndpointId, reason: &str) {
        self.pool.report_rejected(&endpoint, reason);
    }

    /// `LightClientBootstrap` for the checkpoint `block_root`.
    ///
    /// # Errors
    /// [`SourceError::AllFailed`] with each endpoint's failure.
    pub async fn bootstrap(&self, block_root: B256) -> Result<Sourced<LcObject>, SourceError> {
        let path = format!("/eth/v1/beacon/light_client/bootstrap/{block_root}");
        self.single_object(&path).await
    }

    /// `LightClientUpdate`s of the periods `[start_period, start_period + count)`.
    ///
    /// # Errors
    /// [`SourceError::InvalidRequest`] for `count` above [`MAX_REQUEST_LIGHT_CLIENT_UPDATES`];
    /// [`SourceError::AllFailed`].
    pub async fn updates(
        &self,
        start_period: u64,
        count: u64,
    ) -> Result<Sourced<Vec<LcObject>>, SourceError> {
        let path = "/eth/v1/beacon/light_client/updates";
        let request = format!("{path}?start_period={start_period}&count={count}");
        if count > MAX_REQUEST_LIGHT_CLIENT_UPDATES {
            return Err(SourceError::InvalidRequest {
                request,
                parameter: "count",
                value: count,
                max: MAX_REQUEST_LIGHT_CLIENT_UPDATES,
            });
        }
        // ≤ 128 by the check above.
        let max_items = usize::try_from(count).unwrap_or(0);
        let json_limit = MAX_LC_JSON_OBJECT_BYTES.saturating_mul(max_items.max(1));
        let ssz_limit = CHUNK_LEN_LEN
            .saturating_add(MAX_CHUNK_LEN)
            .saturating_mul(max_items.max(1));
        let query = [
            ("start_period", start_period.to_string()),
            ("count", count.to_string()),
        ];
        let limits = UpdatesLimits {
            max_items,
            json: json_limit,
            ssz: ssz_limit,
        };
        self.pool
            .run(&request, |endpoint, base| {
                self.updates_at(path, &query, &request, limits, endpoint, base)
            })
            .await
    }

    /// One try of [`Self::updates`] at one endpoint.
    async fn updates_at(
        &self,
        path: &str,
        query: &[(&str, String)],
        request: &str,
        limits: UpdatesLimits,
        endpoint: EndpointId,
        base: Url,
    ) -> Result<Vec<LcObject>, SourceError> {
        self.ensure_network(&endpoint, &base).await?;
        let response = self.get(&base, path, query, &endpoint, request).await?;
        let ssz_error = |problem| SourceError::Ssz {
            endpoint: endpoint.clone(),
            request: request.to_owned(),
            problem,
        };
        let shape_error = |problem| SourceError::Shape {
            endpoint: endpoint.clone(),
            request: request.to_owned(),
            problem,
        };
        match response_kind(&response) {
            ResponseKind::Ssz => {
                let spec = self
                    .ssz_spec()
                    .ok_or_else(|| ssz_error(SszProblem::Unrequested))?;
                let body = http::read_body(response, limits.ssz, &endpoint, request).await?;
                split_update_chunks(spec, &body, limits.max_items).map_err(|error| match error {
                    SplitError::Frame(problem) => ssz_error(problem),
                    SplitError::TooMany { max } => shape_error(ShapeProblem::TooManyItems {
                        got: max.saturating_add(1),
                        max,
                    }),
                })
            }
            ResponseKind::Json => {
                let body = http::read_body(response, limits.json, &endpoint, request).await?;
                let value = http::parse_json(&body, &endpoint, request)?;
                updates_from_json(value, limits.max_items).map_err(shape_error)
            }
        }
    }

    /// The latest `LightClientFinalityUpdate`.
    ///
    /// # Errors
    /// [`SourceError::AllFailed`].
    pub async fn finality_update(&self) -> Result<Sourced<LcObject>, SourceError> {
        self.single_object("/eth/v1/beacon/light_client/finality_update")
            .await
    }

    /// The latest `LightClientFinalityUpdate` of every endpoint, in configured order, each with
    /// retries but no fallback: what each node claims is finalized (a misbehaviour watch compares
    /// them).
    pub async fn finality_update_each(&self) -> Vec<Result<Sourced<LcObject>, SourceError>> {
        let path = "/eth/v1/beacon/light_client/finality_update";
        self.pool
            .run_each(path, |endpoint, base| {
                self.single_object_at(path, endpoint, base)
            })
            .await
    }

    /// The endpoint with this URL (as [`EndpointId::url`] shows it), e.g. to report a rejection
    /// by URL.
    pub fn endpoint(&self, url: &str) -> Option<EndpointId> {
        self.pool.find(url)
    }

    /// The latest `LightClientOptimisticUpdate`.
    ///
    /// # Errors
    /// [`SourceError::AllFailed`].
    pub async fn optimistic_update(&self) -> Result<Sourced<LcObject>, SourceError> {
        self.single_object("/eth/v1/beacon/light_client/optimistic_update")
            .await
    }

    /// The full signed beacon block `block_id` (`head`, `finalized`, `genesis`, a decimal slot
    /// or a `0x` root) as Beacon-API JSON `{version, data: {message, signature}}`.
    ///
    /// # Errors
    /// [`SourceError::InvalidRequest`] for a malformed `block_id`; [`SourceError::AllFailed`].
    pub async fn block(&self, block_id: &str) -> Result<Sourced<Value>, SourceError> {
        let path = format!("/eth/v2/beacon/blocks/{block_id}");
        if !is_valid_block_id(block_id) {
            return Err(SourceError::InvalidRequest {
                request: path,
                parameter: "block_id",
                value: u64::try_from(block_id.len()).unwrap_or(u64::MAX),
                max: 66,
            });
        }
        self.pool
            .run(&path, |endpoint, base| {
                let path = path.clone();
                async move {
                    self.ensure_network(&endpoint, &base).await?;
                    let response = self
                        .http
                        .get(endpoint_url(&base, &path, &[]))
                        .header(reqwest::header::ACCEPT, "application/json")
                        .send()
                        .await
                        .map_err(|source| http::transport(&endpoint, &path, source))?;
                    let body =
                        http::read_body(response, MAX_BLOCK_JSON_BYTES, &endpoint, &path).await?;
                    let value = http::parse_json(&body, &endpoint, &path)?;
                    check_block_shape(&value).map_err(|problem| SourceError::Shape {
                        endpoint: endpoint.clone(),
                        request: path.clone(),
                        problem,
                    })?;
                    Ok(value)
                }
            })
            .await
    }

    /// Checks the endpoint's genesis validators root once, when one is configured.
    async fn ensure_network(&self, endpoint: &EndpointId, base: &Url) -> Result<(), SourceError> {
        let Some(expected) = self.expected_genesis_validators_root else {
            return Ok(());
        };
        let checked = self
            .network_checked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(endpoint.index())
            .copied()
            .unwrap_or(false);
        if checked {
            return Ok(());
        }
        let path = GENESIS_PATH;
        let response = self
            .http
            .get(endpoint_url(base, path, &[]))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|source| http::transport(endpoint, path, source))?;
        let body = http::read_body(response, MAX_GENESIS_JSON_BYTES, endpoint, path).await?;
        let value = http::parse_json(&body, endpoint, path)?;
        let got = genesis_validators_root(&value).map_err(|problem| SourceError::Shape {
            endpoint: endpoint.clone(),
            request: path.to_owned(),
            problem,
        })?;
        if got != expected {
            return Err(SourceError::WrongNetwork {
                endpoint: endpoint.clone(),
                got,
                expected,
            });
        }
        if let Some(flag) = self
            .network_checked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(endpoint.index())
        {
            *flag = true;
        }
        Ok(())
    }

    fn ssz_spec(&self) -> Option<&ChainSpec> {
        match &self.encoding {
            Encoding::Json => None,
            Encoding::Ssz(spec) => Some(spec),
        }
    }

    fn accept(&self) -> &'static str {
        match self.encoding {
            Encoding::Json => "application/json",
            Encoding::Ssz(_) => "application/octet-stream;q=1.0,application/json;q=0.5",
        }
    }

    async fn get(
        &self,
        base: &Url,
        path: &str,
        query: &[(&str, String)],
        endpoint: &EndpointId,
        request: &str,
    ) -> Result<reqwest::Response, SourceError> {
        self.http
            .get(endpoint_url(base, path, query))
            .header(reqwest::header::ACCEPT, self.accept())
            .send()
            .await
            .map_err(|source| http::transport(endpoint, request, source))
    }

    /// Bootstrap, finality and optimistic updates: one object, JSON or SSZ.
    async fn single_object(&self, path: &str) -> Result<Sourced<LcObject>, SourceError> {
        self.pool
            .run(path, |endpoint, base| {
                self.single_object_at(path, endpoint, base)
            })
            .await
    }

    /// One try of [`Self::single_object`] at one endpoint.
    async fn single_object_at(
        &self,
        path: &str,
        endpoint: EndpointId,
        base: Url,
    ) -> Result<LcObject, SourceError> {
        self.ensure_network(&endpoint, &base).await?;
        let response = self.get(&base, path, &[], &endpoint, path).await?;
        match response_kind(&response) {
            ResponseKind::Ssz => {
                if self.ssz_spec().is_none() {
                    return Err(SourceError::Ssz {
                        endpoint,
                        request: path.to_owned(),
                        problem: SszProblem::Unrequested,
                    });
                }
                let fork = consensus_version(&response).ok_or_else(|| SourceError::Ssz {
                    endpoint: endpoint.clone(),
                    request: path.to_owned(),
                    problem: SszProblem::MissingVersionHeader,
                })?;
                let fork = fork.map_err(|problem| SourceError::Shape {
                    endpoint: endpoint.clone(),
                    request: path.to_owned(),
                    problem,
                })?;
                let bytes = http::read_body(response, MAX_LC_OBJECT_BYTES, &endpoint, path).await?;
                Ok(LcObject::Ssz {
                    fork: fork.name().to_owned(),
                    bytes: bytes.into(),
                })
            }
            ResponseKind::Json => {
                let body =
                    http::read_body(response, MAX_LC_JSON_OBJECT_BYTES, &endpoint, path).await?;
                let value = http::parse_json(&body, &endpoint, path)?;
                check_versioned_object(&value).map_err(|problem| SourceError::Shape {
                    endpoint: endpoint.clone(),
                    request: path.to_owned(),
                    problem,
                })?;
                Ok(LcObject::Json(value))
            }
        }
    }
}

/// `base` with `path` appended to its path (a base path such as `/api-key/` is kept) and
/// `query` appended to its query.
pub fn endpoint_url(base: &Url, path: &str, query: &[(&str, String)]) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in query {
            pairs.append_pair(key, value);
        }
    }
    url
}

/// Bounds of one updates answer.
#[derive(Clone, Copy, Debug)]
struct UpdatesLimits {
    /// Objects allowed (the requested count).
    max_items: usize,
    /// JSON body limit.
    json: usize,
    /// SSZ body limit.
    ssz: usize,
}

/// Which body the node sent.
enum ResponseKind {
    Json,
    Ssz,
}

fn response_kind(response: &reqwest::Response) -> ResponseKind {
    let is_ssz = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/octet-stream"));
    if is_ssz {
        ResponseKind::Ssz
    } else {
        ResponseKind::Json
    }
}

/// The `Eth-Consensus-Version` header as a fork, if present.
fn consensus_version(response: &reqwest::Response) -> Option<Result<Fork, ShapeProblem>> {
    let value = response.headers().get("eth-consensus-version")?;
    let name = value.to_str().unwrap_or("");
    Some(known_fork(name))
}

fn known_fork(name: &str) -> Result<Fork, ShapeProblem> {
    Fork::from_name(name).ok_or_else(|| ShapeProblem::UnknownFork {
        name: name.chars().take(32).collect(),
    })
}

/// `{version: <known fork>, data: {…}}`.
///
/// # Errors
/// The [`ShapeProblem`].
pub fn check_versioned_object(value: &Value) -> Result<Fork, ShapeProblem> {
    let version = value
        .get("version")
        .ok_or(ShapeProblem::Missing { field: "version" })?
        .as_str()
        .ok_or(ShapeProblem::WrongType { field: "version" })?;
    let fork = known_fork(version)?;
    match value.get("data") {
        None => Err(ShapeProblem::Missing { field: "data" }),
        Some(Value::Object(_)) => Ok(fork),
        Some(_) => Err(ShapeProblem::WrongType { field: "data" }),
    }
}

/// An updates answer: an array of at most `max_items` versioned objects, one [`LcObject`] each.
///
/// # Errors
/// The [`ShapeProblem`].
pub fn updates_from_json(value: Value, max_items: usize) -> Result<Vec<LcObject>, ShapeProblem> {
    let Value::Array(items) = value else {
        return Err(ShapeProblem::WrongType { field: "updates" });
    };
    if items.len() > max_items {
        return Err(ShapeProblem::TooManyItems {
            got: items.len(),
            max: max_items,
        });
    }
    items
        .into_iter()
        .map(|item| check_versioned_object(&item).map(|_| LcObject::Json(item)))
        .collect()
}

/// A block answer: a versioned object whose `data.message.body` is an object.
///
/// # Errors
/// The [`ShapeProblem`].
pub fn check_block_shape(value: &Value) -> Result<Fork, ShapeProblem> {
    let fork = check_versioned_object(value)?;
    let message = value
        .get("data")
        .and_then(|data| data.get("message"))
        .ok_or(ShapeProblem::Missing { field: "message" })?;
    match message.get("body") {
        Some(Value::Object(_)) => Ok(fork),
        Some(_) => Err(ShapeProblem::WrongType { field: "body" }),
        None => Err(ShapeProblem::Missing { field: "body" }),
    }
}

/// `data.genesis_validators_root` of a genesis answer.
///
/// # Errors
/// The [`ShapeProblem`].
pub fn genesis_validators_root(value: &Value) -> Result<B256, ShapeProblem> {
    let field = "genesis_validators_root";
    value
        .get("data")
        .ok_or(ShapeProblem::Missing { field: "data" })?
        .get(field)
        .ok_or(ShapeProblem::Missing { field })?
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or(ShapeProblem::WrongType { field })
}

/// `head`, `genesis`, `finalized`, a decimal slot, or a `0x` + 64 hex root.
pub fn is_valid_block_id(block_id: &str) -> bool {
    if block_id.len() > MAX_BLOCK_ID_LEN {
        return false;
    }
    match block_id {
        "head" | "genesis" | "finalized" => true,
        _ => match block_id.strip_prefix("0x") {
            Some(hex) => hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            None => {
                !block_id.is_empty()
                    && block_id.len() <= 20
                    && block_id.bytes().all(|b| b.is_ascii_digit())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn urls_keep_the_base_path_and_query() {
        let base = Url::parse("https://node.test/key/abc/?token=t").unwrap();
        let url = endpoint_url(
            &base,
            "/eth/v1/beacon/light_client/updates",
            &[("start_period", "862".into()), ("count", "6".into())],
        );
        assert_eq!(
            url.as_str(),
            "https://node.test/key/abc/eth/v1/beacon/light_client/updates?token=t&start_period=862&count=6"
        );
        let plain = Url::parse("http://127.0.0.1:5052").unwrap();
        assert_eq!(
            endpoint_url(&plain, "/eth/v1/beacon/light_client/finality_update", &[]).as_str(),
            "http://127.0.0.1:5052/eth/v1/beacon/light_client/finality_update"
        );
    }

    #[test]
    fn block_ids_are_checked() {
        for ok in ["head", "finalized", "genesis", "7109344", "0"] {
            assert!(is_valid_block_id(ok), "{ok}");
        }
        let root = format!("0x{}", "ab".repeat(32));
        assert!(is_valid_block_id(&root));
        for bad in ["", "../eth", "7109344?x", "0x12", "-1", "HEAD", "1 2"] {
            assert!(!is_valid_block_id(bad), "{bad}");
        }
        assert!(!is_valid_block_id(&"1".repeat(21)));
    }

    #[test]
    fn versioned_objects_need_a_known_fork_and_a_data_object() {
        assert_eq!(
            check_versioned_object(&json!({"version": "capella", "data": {}})),
            Ok(Fork::Capella)
        );
        assert_eq!(
            check_versioned_object(&json!({"data": {}})),
            Err(ShapeProblem::Missing { field: "version" })
        );
        assert_eq!(
            check_versioned_object(&json!({"version": "cappella", "data": {}})),
            Err(ShapeProblem::UnknownFork {
                name: "cappella".into()
            })
        );
        assert_eq!(
            check_versioned_object(&json!({"version": "deneb", "data": []})),
            Err(ShapeProblem::WrongType { field: "data" })
        );
        assert_eq!(
            check_versioned_object(&json!({"version": 3, "data": {}})),
            Err(ShapeProblem::WrongType { field: "version" })
        );
    }

    #[test]
    fn update_arrays_are_bounded_by_the_request() {
        let item = json!({"version": "capella", "data": {}});
        let two = Value::Array(vec![item.clone(), item.clone()]);
        assert_eq!(updates_from_json(two.clone(), 2).unwrap().len(), 2);
        assert_eq!(
            updates_from_json(two, 1),
            Err(ShapeProblem::TooManyItems { got: 2, max: 1 })
        );
        assert_eq!(
            updates_from_json(item, 2),
            Err(ShapeProblem::WrongType { field: "updates" })
        );
    }

    #[test]
    fn blocks_need_a_message_body() {
        assert_eq!(
            check_block_shape(&json!({"version": "capella", "data": {"message": {"body": {}}}})),
            Ok(Fork::Capella)
        );
        assert_eq!(
            check_block_shape(&json!({"version": "capella", "data": {"signature": "0x"}})),
            Err(ShapeProblem::Missing { field: "message" })
        );
    }
}
