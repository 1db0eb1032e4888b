//! The HTTP layer shared by both sources: one client, bounded body reads.
//!
//! Why bounded: a node is untrusted, and an answer it streams without end must not exhaust the
//! relayer's memory. Every read names its limit; the limits are documented where they are chosen
//! (`beacon.rs`, `execution.rs`).

use super::endpoints::EndpointId;
use super::error::SourceError;
use super::options::SourceOptions;

/// Builds the HTTP client: rustls (aws-lc-rs provider, platform certificate verification), no
/// redirects (an endpoint is exactly the URL the operator configured), connect timeout = the
/// request timeout; the pool bounds each whole request with the same timeout.
///
/// # Errors
/// [`SourceError::ClientBuild`].
pub fn client(options: &SourceOptions) -> Result<reqwest::Client, SourceError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.timeout)
        .user_agent(concat!("lcp-client/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|source| SourceError::ClientBuild { source })
}

/// Reads a successful response's body, refusing more than `max` bytes (checked against the
/// announced length first, then while streaming). A non-success status is an error.
///
/// # Errors
/// [`SourceError::Throttled`] (429/503 with `Retry-After`), [`SourceError::Status`],
/// [`SourceError::BodyTooLarge`], [`SourceError::Transport`].
pub async fn read_body(
    mut response: reqwest::Response,
    max: usize,
    endpoint: &EndpointId,
    request: &str,
) -> Result<Vec<u8>, SourceError> {
    let status = response.status();
    if let Some(retry_after) = retry_after(&response) {
        return Err(SourceError::Throttled {
            endpoint: endpoint.clone(),
            request: request.to_owned(),
            status: status.as_u16(),
            retry_after,
        });
    }
    if !status.is_success() {
        return Err(SourceError::Status {
            endpoint: endpoint.clone(),
            request: request.to_owned(),
            status: status.as_u16(),
        });
    }
    let too_large = || SourceError::BodyTooLarge {
        endpoint: endpoint.clone(),
        request: request.to_owned(),
        max,
    };
    let announced = response
        .content_length()
        .map(|len| usize::try_from(len).unwrap_or(usize::MAX));
    if announced.is_some_and(|len| len > max) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(announced.unwrap_or(0));
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|source| transport(endpoint, request, source))?
    {
        if body.len().saturating_add(chunk.len()) > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Longest `Retry-After` honoured: one hour (a longer wait is better spent on another endpoint,
/// and the pool caps every delay at `backoff_max` anyway).
const MAX_RETRY_AFTER_SECS: u64 = 3600;

/// `Retry-After` in its delay-seconds form on a 429 or 503 answer (the HTTP-date form is not
/// used: the relayer's clock is not compared with a node's).
fn retry_after(response: &reqwest::Response) -> Option<std::time::Duration> {
    let status = response.status().as_u16();
    if status != 429 && status != 503 {
        return None;
    }
    let text = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: u64 = text.parse().ok()?;
    Some(std::time::Duration::from_secs(
        seconds.min(MAX_RETRY_AFTER_SECS),
    ))
}

/// Wraps a reqwest error (connect, TLS, I/O, connect timeout) as a transport failure.
pub fn transport(endpoint: &EndpointId, request: &str, source: reqwest::Error) -> SourceError {
    SourceError::Transport {
        endpoint: endpoint.clone(),
        request: request.to_owned(),
        source,
    }
}

/// Parses a JSON body.
///
/// # Errors
/// [`SourceError::Json`].
pub fn parse_json(
    body: &[u8],
    endpoint: &EndpointId,
    request: &str,
) -> Result<serde_json::Value, SourceError> {
    serde_json::from_slice(body).map_err(|source| SourceError::Json {
        endpoint: endpoint.clone(),
        request: request.to_owned(),
        source,
    })
}
