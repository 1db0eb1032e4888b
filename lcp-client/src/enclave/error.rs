//! What talking to the enclave can fail with.

use super::addr::EnclaveAddr;
use lcp_enclave::service::protocol::FrameError;

/// Why an enclave request failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnclaveError {
    /// Connecting failed (after the configured attempts).
    #[error("connecting to the enclave at {addr} ({attempts} attempts): {source}")]
    Connect {
        /// Where.
        addr: EnclaveAddr,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure.
        #[source]
        source: std::io::Error,
    },
    /// The connection failed during a request (after the configured reconnects).
    #[error("enclave at {addr}: I/O during a request: {source}")]
    Io {
        /// Where.
        addr: EnclaveAddr,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// No answer within the request timeout.
    #[error("enclave at {addr}: no answer within {seconds} s")]
    Timeout {
        /// Where.
        addr: EnclaveAddr,
        /// The timeout.
        seconds: u64,
    },
    /// The enclave's answer violates the framing rules.
    #[error("enclave answer: {0}")]
    Frame(#[from] FrameError),
    /// The enclave answered with a frame kind a host must not receive (a request frame).
    #[error("enclave answered with frame kind {kind}, expected a response or error")]
    UnexpectedFrameKind {
        /// The kind byte.
        kind: u8,
    },
    /// The enclave refused the request (an error frame); nothing was signed.
    #[error("enclave refused the request ({code}): {message}")]
    Refused {
        /// The stable error code (`lcp_enclave::service::ServiceError::code`).
        code: String,
        /// The enclave's reason.
        message: String,
    },
    /// The request does not fit one frame.
    #[error("request of {len} bytes exceeds the frame limit")]
    RequestTooLarge {
        /// Encoded length.
        len: usize,
    },
    /// The request could not be encoded (never for the protocol's own types).
    #[error("encoding the request: {0}")]
    Encode(#[source] serde_json::Error),
    /// The answer is not a well-formed response.
    #[error("decoding the enclave's answer: {0}")]
    Decode(#[source] serde_json::Error),
    /// The answer is a response of another operation than the request's.
    #[error("enclave answered a {request} request with a {got} response")]
    WrongResponse {
        /// The request.
        request: &'static str,
        /// The response received.
        got: &'static str,
    },
    /// vsock requested in a build without the `vsock` feature.
    #[error("this build has no vsock transport (enable the lcp-client feature `vsock`)")]
    VsockUnsupported,
    /// `in-process` cannot be reached by connecting: build the connection with
    /// `EnclaveConnection::in_process`.
    #[error(
        "an in-process enclave is created with EnclaveConnection::in_process, not connected to"
    )]
    InProcessNotConnectable,
    /// The in-process enclave's worker task failed.
    #[error("in-process enclave worker: {0}")]
    Worker(#[source] tokio::task::JoinError),
}

impl EnclaveError {
    /// The enclave's error code when it refused the request.
    pub fn refusal_code(&self) -> Option<&str> {
        match self {
            EnclaveError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the enclave could not be reached (as opposed to having answered): the caller may
    /// retry later, e.g. while the enclave restarts.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            EnclaveError::Connect { .. } | EnclaveError::Io { .. } | EnclaveError::Timeout { .. }
        )
    }
}
