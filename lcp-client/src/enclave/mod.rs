//! The connection to an enclave: one async request → response API over TCP, vsock, or an enclave
//! running in this process (DESIGN.md §3).
//!
//! The wire frames are `lcp_enclave::service::protocol`'s (its encoder and header parser, so host
//! and enclave cannot drift apart). Enclave requests are idempotent (the enclave keeps no state),
//! so a request whose connection fails is sent again on a fresh connection. Each new connection
//! increments [`EnclaveConnection::epoch`]; a relayer compares epochs to know when to ask `Info`
//! again and spot a restarted enclave (which has a new key: [`EnclaveConnection::info`] reports
//! [`EnclaveInfo::key_changed`]).

pub mod addr;
pub mod error;
pub mod in_process;
pub mod transport;

pub use addr::{EnclaveAddr, EnclaveAddrError};
pub use error::EnclaveError;
pub use in_process::SimulatedEnclave;

use alloy_primitives::{Address, B256, Bytes};
use lcp_enclave::service::Enclave;
use lcp_enclave::service::protocol::{
    BatchLeaf, ClaimItem, ClientState, ErrorBody, FrameKind, LcObject, Request, Response,
    SignedMessage, frame,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;
use transport::{Exchanged, Stream};

/// How hard to try before giving up on a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionOptions {
    /// Connection attempts per request (≥ 1), with doubling back-off from `backoff`.
    pub connect_attempts: u32,
    /// First pause between connection attempts.
    pub backoff: Duration,
    /// Longest pause between connection attempts.
    pub max_backoff: Duration,
    /// Times a request is sent again on a fresh connection after its connection failed.
    pub resend: u32,
    /// Longest wait for one answer. An `UpdateClient` over 32 periods verifies 32 aggregate BLS
    /// signatures and hashes as many sync committees: seconds, not minutes.
    pub request_timeout: Duration,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            connect_attempts: 6,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(3),
            resend: 1,
            request_timeout: Duration::from_secs(120),
        }
    }
}

/// What `Info` returns, plus whether the key changed since the previous `Info` on this connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnclaveInfo {
    /// Address of the enclave key.
    pub enclave_key: Address,
    /// The attestation document (COSE_Sign1) binding the key.
    pub attestation: Bytes,
    /// `lcp-enclave` version.
    pub code_version: String,
    /// Network name.
    pub network: String,
    /// Network config hash bound in `user_data`.
    pub network_config_hash: B256,
    /// Operator bound in `user_data`.
    pub operator: Address,
    /// Destination chain id the enclave signs for.
    pub chain_id: u64,
    /// Destination `LCPClient` the enclave signs for.
    pub client_address: Address,
    /// The previous `Info` on this connection named another key: the enclave restarted.
    pub key_changed: bool,
}

/// What `InitClient` and `UpdateClient` return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientUpdate {
    /// The new state (the host keeps it).
    pub client_state: ClientState,
    /// Its id, the signed `postStateId`.
    pub state_id: B256,
    /// The signed `UpdateState`.
    pub update: SignedMessage,
    /// Updates applied.
    pub applied: u32,
    /// Updates that were valid but changed nothing.
    pub stale: u32,
}

/// What `Verify` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attested {
    /// One signed claim message per claim, in request order.
    Claims(Vec<SignedMessage>),
    /// One signed `BatchClaims` and the claims with their Merkle proofs.
    Batch {
        /// The signed batch root.
        batch: SignedMessage,
        /// The claims, in request order.
        leaves: Vec<BatchLeaf>,
    },
}

enum Target {
    Remote {
        addr: EnclaveAddr,
        stream: Mutex<Option<Box<dyn Stream>>>,
    },
    InProcess(Arc<Enclave>),
}

/// A connection to one enclave. Cheap to share behind an `Arc`; requests on one connection are
/// serialised (one frame in flight), as the protocol requires.
pub struct EnclaveConnection {
    target: Target,
    options: ConnectionOptions,
    epoch: AtomicU64,
    last_key: std::sync::Mutex<Option<Address>>,
}

impl core::fmt::Debug for EnclaveConnection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EnclaveConnection")
            .field("addr", &self.addr())
            .field("epoch", &self.epoch())
            .finish_non_exhaustive()
    }
}

impl EnclaveConnection {
    /// A connection to a remote enclave (`tcp:` or `vsock:`); connects lazily on the first
    /// request, so an enclave that is still starting is waited for with back-off.
    ///
    /// # Errors
    /// [`EnclaveError::InProcessNotConnectable`] for `in-process`,
    /// [`EnclaveError::VsockUnsupported`] for vsock without the feature.
    pub fn remote(addr: EnclaveAddr, options: ConnectionOptions) -> Result<Self, EnclaveError> {
        match addr {
            EnclaveAddr::InProcess => return Err(EnclaveError::InProcessNotConnectable),
            #[cfg(not(feature = "vsock"))]
            EnclaveAddr::Vsock { .. } => return Err(EnclaveError::VsockUnsupported),
            _ => {}
        }
        Ok(EnclaveConnection {
            target: Target::Remote {
                addr,
                stream: Mutex::new(None),
            },
            options,
            epoch: AtomicU64::new(0),
            last_key: std::sync::Mutex::new(None),
        })
    }

    /// A connection to an enclave running in this process: requests call its handler directly (on
    /// tokio's blocking pool), with exactly the answers the wire would carry.
    pub fn in_process(enclave: Arc<Enclave>) -> Self {
        EnclaveConnection {
            target: Target::InProcess(enclave),
            options: ConnectionOptions::default(),
            epoch: AtomicU64::new(1),
            last_key: std::sync::Mutex::new(None),
        }
    }

    /// Where this connection goes.
    pub fn addr(&self) -> EnclaveAddr {
        match &self.target {
            Target::Remote { addr, .. } => *addr,
            Target::InProcess(_) => EnclaveAddr::InProcess,
        }
    }

    /// Connections opened so far (1 for in-process). A change means the next answer may come
    /// from a restarted enclave.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Drops the current stream; the next request connects afresh.
    pub async fn disconnect(&self) {
        if let Target::Remote { stream, .. } = &self.target {
            *stream.lock().await = None;
        }
    }

    /// Sends one request and returns the enclave's response.
    ///
    /// # Errors
    /// [`EnclaveError::Refused`] when the enclave refused it; transport errors after the
    /// configured reconnects.
    pub async fn call(&self, request: Request) -> Result<Response, EnclaveError> {
        match &self.target {
            Target::InProcess(enclave) => {
                let enclave = Arc::clone(enclave);
                let outcome = tokio::task::spawn_blocking(move || enclave.handle(request))
                    .await
                    .map_err(EnclaveError::Worker)?;
                outcome.map_err(|error| EnclaveError::Refused {
                    code: error.code().to_owned(),
                    message: error.to_string(),
                })
            }
            Target::Remote { addr, stream } => {
                let payload = serde_json::to_vec(&request).map_err(EnclaveError::Encode)?;
                let bytes = frame(FrameKind::Request, &payload)
                    .map_err(|_| EnclaveError::RequestTooLarge { len: payload.len() })?;
                let mut guard = stream.lock().await;
                self.remote_call(*addr, &mut guard, &bytes).await
            }
        }
    }

    async fn remote_call(
        &self,
        addr: EnclaveAddr,
        slot: &mut Option<Box<dyn Stream>>,
        request_frame: &[u8],
    ) -> Result<Response, EnclaveError> {
        let mut sends = 0u32;
        loop {
            if slot.is_none() {
                *slot = Some(self.connect(addr).await?);
            }
            let Some(stream) = slot.as_deref_mut() else {
                continue;
            };
            let timeout = self.options.request_timeout;
            let exchanged =
                match tokio::time::timeout(timeout, transport::exchange(stream, request_frame))
                    .await
                {
                    Ok(exchanged) => exchanged,
                    Err(_) => {
                        *slot = None;
                        return Err(EnclaveError::Timeout {
                            addr,
                            seconds: timeout.as_secs(),
                        });
                    }
                };
            match exchanged {
                Exchanged::Frame(FrameKind::Response, payload) => {
                    return serde_json::from_slice(&payload).map_err(EnclaveError::Decode);
                }
                Exchanged::Frame(_, payload) => {
                    let body: ErrorBody =
                        serde_json::from_slice(&payload).map_err(EnclaveError::Decode)?;
                    // Framing refusals close the enclave's side: start afresh next time.
                    if body.code == "frame" || body.code == "malformed_request" {
                        *slot = None;
                    }
                    return Err(EnclaveError::Refused {
                        code: body.code,
                        message: body.message,
                    });
                }
                Exchanged::Invalid(error) => {
                    *slot = None;
                    return Err(error);
                }
                Exchanged::Io(source) => {
                    *slot = None;
                    if sends >= self.options.resend {
                        return Err(EnclaveError::Io { addr, source });
                    }
                    sends = sends.saturating_add(1);
                    tracing::warn!(%addr, error = %source, "enclave connection failed; reconnecting");
                }
            }
        }
    }

    async fn connect(&self, addr: EnclaveAddr) -> Result<Box<dyn Stream>, EnclaveError> {
        let mut backoff = self.options.backoff;
        let attempts = self.options.connect_attempts.max(1);
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            match transport::open(addr).await? {
                Ok(stream) => {
                    let epoch = self.epoch.fetch_add(1, Ordering::SeqCst).saturating_add(1);
                    tracing::debug!(%addr, epoch, "connected to the enclave");
                    return Ok(stream);
                }
                Err(source) if attempt >= attempts => {
                    return Err(EnclaveError::Connect {
                        addr,
                        attempts,
                        source,
                    });
                }
                Err(error) => {
                    tracing::debug!(%addr, attempt, %error, "enclave not reachable; backing off");
                    tokio::time::sleep(backoff).await;
                    backoff = backoff.saturating_mul(2).min(self.options.max_backoff);
                }
            }
        }
    }

    /// `Info`: the key, its attestation and what the enclave signs for.
    ///
    /// # Errors
    /// See [`EnclaveConnection::call`]; [`EnclaveError::WrongResponse`].
    pub async fn info(&self, nonce: Option<Bytes>) -> Result<EnclaveInfo, EnclaveError> {
        match self.call(Request::Info { nonce }).await? {
            Response::Info {
                enclave_key,
                attestation,
                code_version,
                network,
                network_config_hash,
                operator,
                chain_id,
                client_address,
            } => {
                let key_changed = {
                    let mut last = self
                        .last_key
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let changed = last.is_some_and(|k| k != enclave_key);
                    *last = Some(enclave_key);
                    changed
                };
                Ok(EnclaveInfo {
                    enclave_key,
                    attestation,
                    code_version,
                    network,
                    network_config_hash,
                    operator,
                    chain_id,
                    client_address,
                    key_changed,
                })
            }
            other => Err(wrong("info", &other)),
        }
    }

    /// `InitClient`: a light client from a bootstrap that must match `trusted_block_root`.
    ///
    /// # Errors
    /// See [`EnclaveConnection::call`].
    pub async fn init_client(
        &self,
        network_config_hash: B256,
        trusted_block_root: B256,
        bootstrap: LcObject,
    ) -> Result<ClientUpdate, EnclaveError> {
        client_update(
            "init_client",
            self.call(Request::InitClient {
                network_config_hash,
                trusted_block_root,
                bootstrap,
            })
            .await?,
        )
    }

    /// `UpdateClient`: period updates then an optional finality update, in ONE signed
    /// `UpdateState`.
    ///
    /// # Errors
    /// See [`EnclaveConnection::call`].
    pub async fn update_client(
        &self,
        state_id: B256,
        client_state: ClientState,
        updates: Vec<LcObject>,
        finality_update: Option<LcObject>,
    ) -> Result<ClientUpdate, EnclaveError> {
        client_update(
            "update_client",
            self.call(Request::UpdateClient {
                state_id,
                client_state,
                updates,
                finality_update,
            })
            .await?,
        )
    }

    /// `Verify`: claims against the state's finalized execution block `block_hash`.
    ///
    /// # Errors
    /// See [`EnclaveConnection::call`].
    pub async fn verify(
        &self,
        state_id: B256,
        client_state: ClientState,
        block_hash: B256,
        claims: Vec<ClaimItem>,
        batch: bool,
    ) -> Result<Attested, EnclaveError> {
        match self
            .call(Request::Verify {
                state_id,
                client_state,
                block_hash,
                claims,
                batch,
            })
            .await?
        {
            Response::Claims { messages } => Ok(Attested::Claims(messages)),
            Response::Batch { batch, leaves } => Ok(Attested::Batch { batch, leaves }),
            other => Err(wrong("verify", &other)),
        }
    }
}

fn response_name(response: &Response) -> &'static str {
    match response {
        Response::Info { .. } => "info",
        Response::ClientUpdated { .. } => "client_updated",
        Response::Claims { .. } => "claims",
        Response::Batch { .. } => "batch",
    }
}

fn wrong(request: &'static str, got: &Response) -> EnclaveError {
    EnclaveError::WrongResponse {
        request,
        got: response_name(got),
    }
}

fn client_update(request: &'static str, response: Response) -> Result<ClientUpdate, EnclaveError> {
    match response {
        Response::ClientUpdated {
            client_state,
            state_id,
            update,
            applied,
            stale,
        } => Ok(ClientUpdate {
            client_state,
            state_id,
            update,
            applied,
            stale,
        }),
        other => Err(wrong(request, &other)),
    }
}
