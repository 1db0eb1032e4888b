//! The one error type of the data sources: every variant names the endpoint and the request.

use super::endpoints::EndpointId;
use std::time::Duration;

/// Why a request to a beacon or execution node failed, or why its answer was refused before it
/// reached the enclave.
///
/// Answers are untrusted: a variant here means the transport or the shape was wrong. Whether the
/// *content* is right is the enclave's decision; when it refuses data, the caller reports that
/// with `report_rejected`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A source was configured without any endpoint.
    #[error("no {source_kind} endpoint configured")]
    NoEndpoints {
        /// `beacon` or `execution`.
        source_kind: &'static str,
    },
    /// An endpoint URL is not usable (scheme other than http/https, or no host).
    #[error("endpoint {url}: only http:// and https:// URLs with a host are supported")]
    UnsupportedUrl {
        /// The URL as configured.
        url: String,
    },
    /// A configured option is out of range.
    #[error("source option {option} = {value} is invalid: {rule}")]
    InvalidOption {
        /// Option name as in `relayer.toml`.
        option: &'static str,
        /// The value, rendered.
        value: String,
        /// What it must satisfy.
        rule: &'static str,
    },
    /// A request parameter is out of the range the API allows.
    #[error("{request}: parameter {parameter} = {value} exceeds {max}")]
    InvalidRequest {
        /// The request (path or method).
        request: String,
        /// Parameter name.
        parameter: &'static str,
        /// Given value.
        value: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// The HTTP client could not be built (TLS provider, platform certificate verifier).
    #[error("cannot build the HTTP client: {source}")]
    ClientBuild {
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
    /// The request did not complete within the per-request timeout.
    #[error("{endpoint} {request}: no answer within {after:?}")]
    Timeout {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path or JSON-RPC method.
        request: String,
        /// The timeout.
        after: Duration,
    },
    /// Connection, TLS or I/O failure.
    #[error("{endpoint} {request}: transport failure: {source}")]
    Transport {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path or JSON-RPC method.
        request: String,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
    /// The endpoint answered with a non-success HTTP status.
    #[error("{endpoint} {request}: HTTP status {status}")]
    Status {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path or JSON-RPC method.
        request: String,
        /// The status code.
        status: u16,
    },
    /// The endpoint is overloaded (429 or 503) and said when to come back (`Retry-After`).
    #[error("{endpoint} {request}: HTTP status {status}, retry after {retry_after:?}")]
    Throttled {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path or JSON-RPC method.
        request: String,
        /// 429 or 503.
        status: u16,
        /// The server's `Retry-After` (seconds form).
        retry_after: Duration,
    },
    /// The body exceeded the limit for this kind of answer.
    #[error("{endpoint} {request}: response body exceeds {max} bytes")]
    BodyTooLarge {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path or JSON-RPC method.
        request: String,
        /// The limit.
        max: usize,
    },
    /// The body is not JSON.
    #[error("{endpoint} {request}: invalid JSON: {source}")]
    Json {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path or JSON-RPC method.
        request: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The JSON does not have the shape the API defines.
    #[error("{endpoint} {request}: unexpected response shape: {problem}")]
    Shape {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path or JSON-RPC method.
        request: String,
        /// What is wrong.
        problem: ShapeProblem,
    },
    /// An SSZ answer is not correctly framed.
    #[error("{endpoint} {request}: malformed SSZ response: {problem}")]
    Ssz {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Path.
        request: String,
        /// What is wrong.
        problem: SszProblem,
    },
    /// The JSON-RPC server answered with an error object.
    #[error("{endpoint} {request}: JSON-RPC error {code}: {message}")]
    JsonRpc {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// JSON-RPC method.
        request: String,
        /// The error code.
        code: i64,
        /// The server's message (untrusted text, for logs only).
        message: String,
    },
    /// The JSON-RPC server answered `null`: it does not have the object (unknown block, pruned
    /// receipts).
    #[error("{endpoint} {request}: the node does not have this object (null result)")]
    NotFound {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// JSON-RPC method.
        request: String,
    },
    /// The endpoint serves another chain than the one configured.
    #[error("{endpoint}: chain id {got}, expected {expected}")]
    WrongChain {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Chain id the endpoint reports.
        got: u64,
        /// Chain id configured.
        expected: u64,
    },
    /// The beacon node follows another network (its genesis validators root differs).
    #[error("{endpoint}: genesis validators root {got}, expected {expected}")]
    WrongNetwork {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// Root the endpoint reports.
        got: alloy_primitives::B256,
        /// Root configured.
        expected: alloy_primitives::B256,
    },
    /// Another JSON-RPC client failure (request serialization, batch bookkeeping).
    #[error("{endpoint} {request}: JSON-RPC client failure: {source}")]
    Rpc {
        /// Endpoint asked.
        endpoint: EndpointId,
        /// JSON-RPC method.
        request: String,
        /// alloy's error.
        #[source]
        source: alloy_transport::TransportError,
    },
    /// Every endpoint failed; the errors in the order the endpoints were tried.
    #[error("{request}: all {} endpoint attempts failed; last: {}", errors.len(), LastError(errors))]
    AllFailed {
        /// Path or JSON-RPC method.
        request: String,
        /// One error per failed attempt.
        errors: Vec<SourceError>,
    },
}

/// Renders the last error of a list (for [`SourceError::AllFailed`]'s message).
struct LastError<'a>(&'a [SourceError]);

impl core::fmt::Display for LastError<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0.last() {
            Some(error) => write!(f, "{error}"),
            None => f.write_str("none"),
        }
    }
}

/// What is wrong with the shape of a JSON answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeProblem {
    /// A field is missing.
    #[error("field `{field}` is missing")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field has the wrong JSON type.
    #[error("field `{field}` has the wrong type")]
    WrongType {
        /// The field.
        field: &'static str,
    },
    /// The `version` (or `Eth-Consensus-Version`) names no fork this client knows.
    #[error("unknown fork `{name}`")]
    UnknownFork {
        /// The name as received (truncated to 32 characters).
        name: String,
    },
    /// More items than requested or allowed.
    #[error("{got} items, at most {max} allowed")]
    TooManyItems {
        /// Received.
        got: usize,
        /// Allowed.
        max: usize,
    },
    /// An `eth_getBlockByNumber` answer for another block than requested.
    #[error("block number {got}, requested {requested}")]
    WrongBlock {
        /// Received.
        got: u64,
        /// Requested.
        requested: u64,
    },
}

/// What is wrong with an SSZ answer's framing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SszProblem {
    /// The body ends inside a chunk.
    #[error("truncated at byte {offset}: {needed} more bytes announced")]
    Truncated {
        /// Where the missing bytes start.
        offset: usize,
        /// How many are missing.
        needed: u64,
    },
    /// A chunk length is below the 4-byte context or above the object limit.
    #[error("chunk {index} declares {len} bytes, allowed 4..={max}")]
    ChunkLength {
        /// Chunk index.
        index: usize,
        /// Declared length.
        len: u64,
        /// Largest allowed.
        max: usize,
    },
    /// A chunk's fork digest belongs to no fork of the configured network.
    #[error(
        "chunk {index}: fork digest 0x{} is not one of this network's",
        hex::encode(digest)
    )]
    UnknownForkDigest {
        /// Chunk index.
        index: usize,
        /// The digest.
        digest: [u8; 4],
    },
    /// An SSZ answer to a client without a fork schedule (built without `with_ssz`), which cannot
    /// map fork digests to forks.
    #[error("SSZ answer, but this client has no fork schedule to decode it (use with_ssz)")]
    Unrequested,
    /// A single-object SSZ answer lacks the `Eth-Consensus-Version` header.
    #[error("missing Eth-Consensus-Version header")]
    MissingVersionHeader,
    /// A single-object SSZ answer exceeds the light-client object limit.
    #[error("{len} bytes exceed the {max}-byte object limit")]
    ObjectTooLarge {
        /// Length.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl SourceError {
    /// Whether retrying the same endpoint may help: timeouts, transport failures, and the HTTP
    /// statuses that mean "try again" (408, 429, 5xx).
    pub fn is_retryable(&self) -> bool {
        match self {
            SourceError::Timeout { .. }
            | SourceError::Transport { .. }
            | SourceError::Throttled { .. } => true,
            SourceError::Status { status, .. } => {
                matches!(status, 408 | 429) || (500..=599).contains(status)
            }
            _ => false,
        }
    }

    /// Whether the failure is the endpoint's fault (it is then demoted). "Not found" is not: a
    /// node may lack a pruned or future object that the next one has, and all nodes may lack it.
    pub fn is_endpoint_fault(&self) -> bool {
        match self {
            SourceError::Status { status, .. } => *status != 404,
            SourceError::NotFound { .. }
            | SourceError::NoEndpoints { .. }
            | SourceError::UnsupportedUrl { .. }
            | SourceError::InvalidOption { .. }
            | SourceError::InvalidRequest { .. }
            | SourceError::ClientBuild { .. }
            | SourceError::AllFailed { .. } => false,
            SourceError::Timeout { .. }
            | SourceError::Transport { .. }
            | SourceError::Throttled { .. }
            | SourceError::BodyTooLarge { .. }
            | SourceError::Json { .. }
            | SourceError::Shape { .. }
            | SourceError::Ssz { .. }
            | SourceError::JsonRpc { .. }
            | SourceError::WrongChain { .. }
            | SourceError::WrongNetwork { .. }
            | SourceError::Rpc { .. } => true,
        }
    }

    /// The delay the server asked for before a retry, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SourceError::Throttled { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The endpoint the error is about, if it is about one.
    pub fn endpoint(&self) -> Option<&EndpointId> {
        match self {
            SourceError::Timeout { endpoint, .. }
            | SourceError::Transport { endpoint, .. }
            | SourceError::Status { endpoint, .. }
            | SourceError::Throttled { endpoint, .. }
            | SourceError::BodyTooLarge { endpoint, .. }
            | SourceError::Json { endpoint, .. }
            | SourceError::Shape { endpoint, .. }
            | SourceError::Ssz { endpoint, .. }
            | SourceError::JsonRpc { endpoint, .. }
            | SourceError::NotFound { endpoint, .. }
            | SourceError::WrongChain { endpoint, .. }
            | SourceError::WrongNetwork { endpoint, .. }
            | SourceError::Rpc { endpoint, .. } => Some(endpoint),
            SourceError::NoEndpoints { .. }
            | SourceError::UnsupportedUrl { .. }
            | SourceError::InvalidOption { .. }
            | SourceError::InvalidRequest { .. }
            | SourceError::ClientBuild { .. }
            | SourceError::AllFailed { .. } => None,
        }
    }
}
