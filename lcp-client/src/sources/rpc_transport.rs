//! An alloy transport that posts JSON-RPC over HTTP and bounds the answer's size.
//!
//! Why not `alloy-transport-http`: its reqwest transport reads the whole body whatever its size,
//! so an untrusted node could exhaust the relayer's memory. This one reads at most `max_body`
//! bytes ([`super::http::read_body`]) and reports failures as [`TransportFailure`], which
//! `execution.rs` turns back into typed [`super::SourceError`]s.

use super::endpoints::EndpointId;
use super::error::SourceError;
use super::http;
use alloy_json_rpc::{RequestPacket, ResponsePacket};
use alloy_transport::{TransportError, TransportErrorKind, TransportFut};
use std::task::{Context, Poll};
use url::Url;

/// HTTP JSON-RPC to one endpoint with a body limit.
#[derive(Clone, Debug)]
pub struct BoundedHttp {
    client: reqwest::Client,
    url: Url,
    endpoint: EndpointId,
    max_body: usize,
}

/// A failure below JSON-RPC, carried through alloy's error type.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct TransportFailure(pub SourceError);

impl BoundedHttp {
    /// A transport posting to `url`.
    pub fn new(client: reqwest::Client, url: Url, endpoint: EndpointId, max_body: usize) -> Self {
        BoundedHttp {
            client,
            url,
            endpoint,
            max_body,
        }
    }

    async fn post(self, request: RequestPacket) -> Result<ResponsePacket, TransportError> {
        let label = method_label(&request);
        let failure = |error: SourceError| TransportErrorKind::custom(TransportFailure(error));
        let body = serde_json::to_vec(&request).map_err(TransportError::ser_err)?;
        let response = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|source| failure(http::transport(&self.endpoint, &label, source)))?;
        let bytes = http::read_body(response, self.max_body, &self.endpoint, &label)
            .await
            .map_err(failure)?;
        serde_json::from_slice(&bytes).map_err(|source| {
            failure(SourceError::Json {
                endpoint: self.endpoint.clone(),
                request: label,
                source,
            })
        })
    }
}

/// The method name(s) of a request, for errors and logs.
fn method_label(request: &RequestPacket) -> String {
    request.method_names().collect::<Vec<_>>().join(",")
}

impl tower::Service<RequestPacket> for BoundedHttp {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: RequestPacket) -> Self::Future {
        Box::pin(self.clone().post(request))
    }
}
