//! The listener: one transport abstraction over TCP (development, tests) and vsock (Nitro), the
//! same frames on both, one task per connection, a bounded number of connections.
//!
//! Per connection: wait up to [`IDLE_TIMEOUT`] for a frame to start, then read the rest of it
//! within [`FRAME_READ_TIMEOUT`]; decode one [`Request`]; run the handler on the
//! blocking pool (BLS and hashing are CPU work); answer with a response or an error frame. A
//! framing or decoding failure is answered with an error frame and closes that connection only.

use super::error::ServiceError;
use super::handler::Enclave;
use super::protocol::{
    ErrorBody, FRAME_HEADER_LEN, FrameError, FrameHeader, FrameKind, MAX_CONNECTIONS,
    MAX_FRAME_LEN, Request, frame,
};
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Once a frame header has arrived, its payload must arrive within this time (slow-sender
/// protection: a connection cannot hold a buffer of up to `MAX_FRAME_LEN` open forever).
pub const FRAME_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection idle this long between requests is closed, so idle connections cannot hold all
/// [`MAX_CONNECTIONS`] slots forever.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// Pause after a failed `accept` before trying again.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Where to listen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenAddr {
    /// TCP; only loopback addresses are accepted by [`ListenAddr::from_str`].
    Tcp(SocketAddr),
    /// vsock port (any CID: the enclave's own).
    Vsock(u32),
}

/// A listen address that does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListenAddrError {
    /// Neither `tcp:` nor `vsock:`.
    #[error("expected tcp:127.0.0.1:PORT or vsock:PORT")]
    UnknownScheme,
    /// The TCP address does not parse.
    #[error("malformed TCP address")]
    MalformedTcp,
    /// TCP listens on loopback only: off-host access goes through vsock and the host's proxy.
    #[error("TCP listens on loopback only")]
    NotLoopback,
    /// The vsock port does not parse.
    #[error("malformed vsock port")]
    MalformedPort,
}

impl FromStr for ListenAddr {
    type Err = ListenAddrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(rest) = s.strip_prefix("tcp:") {
            let addr: SocketAddr = rest.parse().map_err(|_| ListenAddrError::MalformedTcp)?;
            if !addr.ip().is_loopback() {
                return Err(ListenAddrError::NotLoopback);
            }
            Ok(ListenAddr::Tcp(addr))
        } else if let Some(rest) = s.strip_prefix("vsock:") {
            Ok(ListenAddr::Vsock(
                rest.parse().map_err(|_| ListenAddrError::MalformedPort)?,
            ))
        } else {
            Err(ListenAddrError::UnknownScheme)
        }
    }
}

/// A connected byte stream of either transport.
pub trait Connection: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Connection for T {}

/// A bound listener of either transport.
#[derive(Debug)]
pub enum Listener {
    /// TCP.
    Tcp(TcpListener),
    /// vsock.
    #[cfg(feature = "vsock")]
    Vsock(tokio_vsock::VsockListener),
}

impl Listener {
    /// Binds `addr`.
    ///
    /// # Errors
    /// The bind fails, or vsock without the `vsock` feature ([`std::io::ErrorKind::Unsupported`]).
    pub async fn bind(addr: ListenAddr) -> std::io::Result<Listener> {
        match addr {
            ListenAddr::Tcp(addr) => Ok(Listener::Tcp(TcpListener::bind(addr).await?)),
            #[cfg(feature = "vsock")]
            ListenAddr::Vsock(port) => {
                let addr = tokio_vsock::VsockAddr::new(tokio_vsock::VMADDR_CID_ANY, port);
                Ok(Listener::Vsock(tokio_vsock::VsockListener::bind(addr)?))
            }
            #[cfg(not(feature = "vsock"))]
            ListenAddr::Vsock(_) => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "built without the `vsock` feature",
            )),
        }
    }

    /// The bound TCP address (tests bind port 0).
    pub fn local_tcp_addr(&self) -> Option<SocketAddr> {
        match self {
            Listener::Tcp(l) => l.local_addr().ok(),
            #[cfg(feature = "vsock")]
            Listener::Vsock(_) => None,
        }
    }

    /// Accepts one connection.
    ///
    /// # Errors
    /// The accept fails.
    pub async fn accept(&self) -> std::io::Result<Box<dyn Connection>> {
        match self {
            Listener::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                stream.set_nodelay(true)?;
                Ok(Box::new(stream))
            }
            #[cfg(feature = "vsock")]
            Listener::Vsock(l) => {
                let (stream, _) = l.accept().await?;
                Ok(Box::new(stream))
            }
        }
    }
}

/// Serves connections until the listener fails.
///
/// # Errors
/// The accept loop's I/O error.
pub async fn serve(listener: Listener, enclave: Arc<Enclave>) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = Arc::clone(&slots)
            .acquire_owned()
            .await
            .map_err(|_| std::io::Error::other("connection semaphore closed"))?;
        let connection = match listener.accept().await {
            Ok(c) => c,
            Err(error) => {
                // E.g. out of file descriptors: back off instead of spinning on the error.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let enclave = Arc::clone(&enclave);
        tokio::spawn(async move {
            if let Err(error) = serve_connection(connection, enclave).await {
                tracing::debug!(%error, "connection ended with an I/O error");
            }
            drop(permit);
        });
    }
}

/// What reading one request produced.
enum Incoming {
    /// The peer closed cleanly between frames.
    Closed,
    /// A request.
    Request(Request),
}

/// Reads until `buf` is full or the peer closes; returns the bytes read.
async fn read_full<C: AsyncRead + Unpin + ?Sized>(
    connection: &mut C,
    buf: &mut [u8],
) -> std::io::Result<usize> {
    let mut got = 0usize;
    while let Some(rest) = buf.get_mut(got..).filter(|b| !b.is_empty()) {
        let n = connection.read(rest).await?;
        if n == 0 {
            break;
        }
        got = got.saturating_add(n);
    }
    Ok(got)
}

/// The rest of a frame whose first byte is `first`: header, then payload.
async fn read_frame_rest<C: AsyncRead + Unpin + ?Sized>(
    connection: &mut C,
    first: u8,
) -> std::io::Result<Result<Vec<u8>, FrameError>> {
    let mut header = [first, 0, 0, 0, 0, 0, 0, 0];
    let got = read_full(connection, header.get_mut(1..).unwrap_or_default()).await?;
    if got.saturating_add(1) < FRAME_HEADER_LEN {
        return Ok(Err(FrameError::Truncated {
            got: got.saturating_add(1),
            expected: FRAME_HEADER_LEN,
        }));
    }
    let parsed = match FrameHeader::parse(header) {
        Ok(h) if h.kind == FrameKind::Request => h,
        Ok(h) => return Ok(Err(FrameError::UnexpectedKind { got: h.kind.byte() })),
        Err(e) => return Ok(Err(e)),
    };
    let mut payload = vec![0u8; parsed.len];
    let got = read_full(connection, &mut payload).await?;
    if got < parsed.len {
        return Ok(Err(FrameError::Truncated {
            got,
            expected: parsed.len,
        }));
    }
    Ok(Ok(payload))
}

async fn read_request<C: AsyncRead + Unpin + ?Sized>(
    connection: &mut C,
) -> std::io::Result<Result<Incoming, ServiceError>> {
    // The first byte may wait up to IDLE_TIMEOUT (an idle connection); the rest of the frame
    // must follow within FRAME_READ_TIMEOUT.
    let mut first = [0u8; 1];
    match tokio::time::timeout(IDLE_TIMEOUT, connection.read(&mut first)).await {
        Ok(Ok(0)) | Err(_) => return Ok(Ok(Incoming::Closed)),
        Ok(Ok(_)) => {}
        Ok(Err(io)) => return Err(io),
    }
    let [first] = first;
    let payload =
        match tokio::time::timeout(FRAME_READ_TIMEOUT, read_frame_rest(connection, first)).await {
            Ok(Ok(Ok(payload))) => payload,
            Ok(Ok(Err(frame_error))) => return Ok(Err(ServiceError::Frame(frame_error))),
            Ok(Err(io)) => return Err(io),
            Err(_) => {
                return Ok(Err(ServiceError::Frame(FrameError::Timeout {
                    seconds: FRAME_READ_TIMEOUT.as_secs(),
                })));
            }
        };
    Ok(serde_json::from_slice::<Request>(&payload)
        .map(Incoming::Request)
        .map_err(ServiceError::MalformedRequest))
}

async fn write_frame<C: AsyncWrite + Unpin + ?Sized>(
    connection: &mut C,
    kind: FrameKind,
    payload: &[u8],
) -> std::io::Result<()> {
    let bytes = frame(kind, payload).map_err(std::io::Error::other)?;
    connection.write_all(&bytes).await?;
    connection.flush().await
}

async fn write_error<C: AsyncWrite + Unpin + ?Sized>(
    connection: &mut C,
    error: &ServiceError,
) -> std::io::Result<()> {
    let body = ErrorBody {
        code: error.code().to_owned(),
        message: error.to_string(),
    };
    let payload = serde_json::to_vec(&body).map_err(std::io::Error::other)?;
    write_frame(connection, FrameKind::Error, &payload).await
}

/// Serves one connection until the peer closes it or sends a malformed frame.
///
/// # Errors
/// I/O errors of the connection.
pub async fn serve_connection(
    mut connection: Box<dyn Connection>,
    enclave: Arc<Enclave>,
) -> std::io::Result<()> {
    loop {
        let request = match read_request(&mut *connection).await? {
            Ok(Incoming::Closed) => return Ok(()),
            Ok(Incoming::Request(request)) => request,
            Err(error) => {
                tracing::info!(code = error.code(), %error, "refused frame; closing connection");
                write_error(&mut *connection, &error).await?;
                return connection.shutdown().await;
            }
        };
        let worker = Arc::clone(&enclave);
        let outcome = tokio::task::spawn_blocking(move || worker.handle(request))
            .await
            .map_err(std::io::Error::other)?;
        match outcome {
            Ok(response) => {
                let payload = serde_json::to_vec(&response).map_err(std::io::Error::other)?;
                if payload.len() > MAX_FRAME_LEN {
                    let error = ServiceError::ResponseTooLarge {
                        len: payload.len(),
                        max: MAX_FRAME_LEN,
                    };
                    write_error(&mut *connection, &error).await?;
                } else {
                    write_frame(&mut *connection, FrameKind::Response, &payload).await?;
                }
            }
            Err(error) => {
                tracing::info!(code = error.code(), %error, "request refused");
                write_error(&mut *connection, &error).await?;
                if error.closes_connection() {
                    return connection.shutdown().await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_parse_and_tcp_is_loopback_only() {
        assert_eq!(
            "tcp:127.0.0.1:7000".parse(),
            Ok(ListenAddr::Tcp("127.0.0.1:7000".parse().unwrap()))
        );
        assert_eq!(
            "tcp:[::1]:7000".parse(),
            Ok(ListenAddr::Tcp("[::1]:7000".parse().unwrap()))
        );
        assert_eq!("vsock:5000".parse(), Ok(ListenAddr::Vsock(5000)));
        assert_eq!(
            "tcp:0.0.0.0:7000".parse::<ListenAddr>(),
            Err(ListenAddrError::NotLoopback)
        );
        assert_eq!(
            "tcp:localhost".parse::<ListenAddr>(),
            Err(ListenAddrError::MalformedTcp)
        );
        assert_eq!(
            "vsock:-1".parse::<ListenAddr>(),
            Err(ListenAddrError::MalformedPort)
        );
        assert_eq!(
            "unix:/tmp/x".parse::<ListenAddr>(),
            Err(ListenAddrError::UnknownScheme)
        );
    }
}
