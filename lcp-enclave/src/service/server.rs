//! The listener: one transport abstraction over TCP (development, tests) and vsock (Nitro), the
//! same frames on both, one task per connection, a bounded number of connections.
//!
//! Per connection: wait up to [`IDLE_TIMEOUT`] for a frame to start, then read its header within
//! [`HEADER_READ_TIMEOUT`] and the whole frame within [`FRAME_READ_TIMEOUT`]; decode one
//! [`Request`]; run the handler on the blocking pool (BLS and hashing are CPU work); answer with a
//! response or an error frame. A framing or decoding failure is answered with an error frame and
//! closes that connection only.
//!
//! # Slow and silent peers
//! At most [`MAX_CONNECTIONS`] connections are served; further ones wait, accepted, for a slot
//! (backpressure: the kernel's accept queue holds the rest). So that silent or stalled peers cannot
//! keep everyone else waiting, when a new connection needs a slot the enclave closes the connection
//! idle between frames the longest (if for at least [`EVICTABLE_AFTER`]), else the one inside a
//! frame the longest (if for at least [`SLOW_FRAME_EVICTABLE_AFTER`]; it gets an error frame).
//! While nobody else needs its slot, a peer that starts a frame and stalls keeps it at most
//! [`HEADER_READ_TIMEOUT`] (inside the header) or [`FRAME_READ_TIMEOUT`] (inside the payload). Only
//! the host can reach the enclave (vsock), and the host can always deny service by not forwarding;
//! these bounds keep one misbehaving host-side client from starving the others.

use super::error::ServiceError;
use super::handler::Enclave;
use super::protocol::{
    ErrorBody, FRAME_HEADER_LEN, FrameError, FrameHeader, FrameKind, MAX_CONNECTIONS,
    MAX_FRAME_LEN, Request, frame,
};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, TryAcquireError};
use tokio::time::Instant;

/// Once a frame header has arrived, its payload must arrive within this time (slow-sender
/// protection: a connection cannot hold a buffer of up to `MAX_FRAME_LEN` open forever).
pub const FRAME_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Once a frame's first byte has arrived, the rest of its 8-byte header must arrive within this
/// time. A legitimate client writes the header in one go; this bounds a peer that sends half a
/// header and goes silent to a few seconds of holding a slot.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection idle this long between requests is closed, so idle connections cannot hold all
/// [`MAX_CONNECTIONS`] slots forever.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// A connection idle between frames for at least this long is closed when a new connection needs
/// its slot. Long enough that a client sending requests back to back (its next request follows
/// the previous answer within milliseconds) is never cut between two requests.
pub const EVICTABLE_AFTER: Duration = Duration::from_secs(1);

/// A connection inside a frame for at least this long is closed when a new connection needs its
/// slot and no idle connection can be closed. A legitimate frame (at most `MAX_FRAME_LEN` = 8 MiB)
/// crosses vsock or loopback in milliseconds; a peer that takes seconds is stalling.
pub const SLOW_FRAME_EVICTABLE_AFTER: Duration = Duration::from_secs(2);

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

/// Where a connection is in its request cycle, as far as eviction is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Between frames, waiting for the next one to start.
    Idle,
    /// Inside a frame: its first byte arrived, the rest has not.
    InFrame,
}

impl Phase {
    /// How long a connection must have been in this phase before it may be evicted.
    const fn evictable_after(self) -> Duration {
        match self {
            Phase::Idle => EVICTABLE_AFTER,
            Phase::InFrame => SLOW_FRAME_EVICTABLE_AFTER,
        }
    }
}

/// Connections the accept loop may close when every slot is taken: those idle between frames, and
/// those stuck inside a frame (module doc, "Slow and silent peers").
#[derive(Debug, Default)]
pub struct EvictableConnections {
    state: Mutex<EvictableState>,
    /// Signalled when a connection registers (the accept loop may be waiting for a candidate).
    registered: Notify,
}

#[derive(Debug, Default)]
struct EvictableState {
    next_ticket: u64,
    /// By ticket (= registration order, so oldest first): phase, since when, eviction signal.
    waiting: BTreeMap<u64, (Phase, Instant, Arc<Notify>)>,
}

/// A connection's registration; leaves the set when dropped.
struct Ticket<'a> {
    set: &'a EvictableConnections,
    ticket: u64,
    evicted: Arc<Notify>,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        self.set.lock().waiting.remove(&self.ticket);
    }
}

impl EvictableConnections {
    fn lock(&self) -> std::sync::MutexGuard<'_, EvictableState> {
        // The state stays consistent across a panic (single map operations), so poison is ignored.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn enter(&self, phase: Phase) -> Ticket<'_> {
        let evicted = Arc::new(Notify::new());
        let mut state = self.lock();
        let ticket = state.next_ticket;
        state.next_ticket = ticket.wrapping_add(1);
        state
            .waiting
            .insert(ticket, (phase, Instant::now(), Arc::clone(&evicted)));
        drop(state);
        self.registered.notify_one();
        Ticket {
            set: self,
            ticket,
            evicted,
        }
    }

    /// Closes one connection that has been in its phase long enough: the longest-idle one, else
    /// the one longest inside a frame. Returns whether one was closed.
    fn evict_oldest(&self, now: Instant) -> bool {
        let mut state = self.lock();
        let aged = |phase: Phase| {
            move |(_, (p, since, _)): &(&u64, &(Phase, Instant, Arc<Notify>))| {
                *p == phase && now.saturating_duration_since(*since) >= phase.evictable_after()
            }
        };
        let chosen = state
            .waiting
            .iter()
            .find(aged(Phase::Idle))
            .or_else(|| state.waiting.iter().find(aged(Phase::InFrame)))
            .map(|(ticket, _)| *ticket);
        match chosen.and_then(|ticket| state.waiting.remove(&ticket)) {
            Some((_, _, evicted)) => {
                // `notify_one` stores the wake-up if the connection is not polling yet.
                evicted.notify_one();
                true
            }
            None => false,
        }
    }

    /// How long until some registered connection becomes evictable (`None`: none registered).
    fn next_evictable_in(&self, now: Instant) -> Option<Duration> {
        self.lock()
            .waiting
            .values()
            .map(|(phase, since, _)| {
                phase
                    .evictable_after()
                    .saturating_sub(now.saturating_duration_since(*since))
            })
            .min()
    }
}

/// A slot for a new connection: a free one, else the slot of an evicted idle connection, else
/// (backpressure) the first that frees up.
async fn acquire_slot(
    slots: &Arc<Semaphore>,
    idle: &EvictableConnections,
) -> std::io::Result<OwnedSemaphorePermit> {
    let closed = || std::io::Error::other("connection semaphore closed");
    loop {
        match Arc::clone(slots).try_acquire_owned() {
            Ok(permit) => return Ok(permit),
            Err(TryAcquireError::Closed) => return Err(closed()),
            Err(TryAcquireError::NoPermits) => {}
        }
        let now = Instant::now();
        if idle.evict_oldest(now) {
            // The evicted connection returns its slot as it closes.
            return Arc::clone(slots)
                .acquire_owned()
                .await
                .map_err(|_| closed());
        }
        // Wait for a slot, for a connection to register, or for a registered one to age.
        let recheck = idle.next_evictable_in(now).unwrap_or(IDLE_TIMEOUT);
        tokio::select! {
            permit = Arc::clone(slots).acquire_owned() => return permit.map_err(|_| closed()),
            () = idle.registered.notified() => {}
            () = tokio::time::sleep(recheck) => {}
        }
    }
}

/// Serves connections until the listener fails.
///
/// # Errors
/// The accept loop's I/O error.
pub async fn serve(listener: Listener, enclave: Arc<Enclave>) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let idle = Arc::new(EvictableConnections::default());
    loop {
        let connection = match listener.accept().await {
            Ok(c) => c,
            Err(error) => {
                // E.g. out of file descriptors: back off instead of spinning on the error.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let permit = acquire_slot(&slots, &idle).await?;
        let enclave = Arc::clone(&enclave);
        let idle = Arc::clone(&idle);
        tokio::spawn(async move {
            if let Err(error) = serve_connection_in(connection, enclave, &idle).await {
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
    let rest = header.get_mut(1..).unwrap_or_default();
    let Ok(got) = tokio::time::timeout(HEADER_READ_TIMEOUT, read_full(connection, rest)).await
    else {
        return Ok(Err(FrameError::Timeout {
            seconds: HEADER_READ_TIMEOUT.as_secs(),
        }));
    };
    let got = got?;
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
    idle: &EvictableConnections,
) -> std::io::Result<Result<Incoming, ServiceError>> {
    // The first byte may wait up to IDLE_TIMEOUT (an idle connection, evictable meanwhile); the
    // rest of the frame must follow within FRAME_READ_TIMEOUT.
    let mut first = [0u8; 1];
    let ticket = idle.enter(Phase::Idle);
    let read = tokio::select! {
        read = tokio::time::timeout(IDLE_TIMEOUT, connection.read(&mut first)) => Some(read),
        () = ticket.evicted.notified() => None,
    };
    drop(ticket);
    match read {
        Some(Ok(Ok(0)) | Err(_)) => return Ok(Ok(Incoming::Closed)),
        None => {
            tracing::debug!("idle connection closed to free its slot");
            return Ok(Ok(Incoming::Closed));
        }
        Some(Ok(Ok(_))) => {}
        Some(Ok(Err(io))) => return Err(io),
    }
    let [first] = first;
    let ticket = idle.enter(Phase::InFrame);
    let frame = tokio::time::timeout(FRAME_READ_TIMEOUT, read_frame_rest(connection, first));
    let read = tokio::select! {
        read = frame => Some(read),
        () = ticket.evicted.notified() => None,
    };
    drop(ticket);
    let payload = match read {
        Some(Ok(Ok(Ok(payload)))) => payload,
        Some(Ok(Ok(Err(frame_error)))) => return Ok(Err(ServiceError::Frame(frame_error))),
        Some(Ok(Err(io))) => return Err(io),
        Some(Err(_)) => {
            return Ok(Err(ServiceError::Frame(FrameError::Timeout {
                seconds: FRAME_READ_TIMEOUT.as_secs(),
            })));
        }
        None => {
            return Ok(Err(ServiceError::Frame(FrameError::Evicted {
                seconds: SLOW_FRAME_EVICTABLE_AFTER.as_secs(),
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

/// Serves one connection until the peer closes it or sends a malformed frame (never evicted:
/// it belongs to no accept loop).
///
/// # Errors
/// I/O errors of the connection.
pub async fn serve_connection(
    connection: Box<dyn Connection>,
    enclave: Arc<Enclave>,
) -> std::io::Result<()> {
    serve_connection_in(connection, enclave, &EvictableConnections::default()).await
}

/// [`serve_connection`], registering the connection in `idle` while it waits between frames.
async fn serve_connection_in(
    mut connection: Box<dyn Connection>,
    enclave: Arc<Enclave>,
    idle: &EvictableConnections,
) -> std::io::Result<()> {
    loop {
        let request = match read_request(&mut *connection, idle).await? {
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

    #[test]
    fn idle_connections_go_first_then_slow_frames_each_once_aged() {
        let set = EvictableConnections::default();
        let start = Instant::now();
        let slow = set.enter(Phase::InFrame);
        let first_idle = set.enter(Phase::Idle);
        let second_idle = set.enter(Phase::Idle);
        // Nobody has been in its phase long enough yet.
        assert!(!set.evict_oldest(start));
        assert!(set.next_evictable_in(start).unwrap() <= EVICTABLE_AFTER);
        // After EVICTABLE_AFTER: the idle ones, oldest first; the frame is not old enough.
        let later = start + EVICTABLE_AFTER + Duration::from_millis(10);
        assert!(set.evict_oldest(later));
        assert!(!set.lock().waiting.contains_key(&first_idle.ticket));
        assert!(set.evict_oldest(later));
        assert!(!set.lock().waiting.contains_key(&second_idle.ticket));
        assert!(
            !set.evict_oldest(later),
            "the frame is younger than its limit"
        );
        // After SLOW_FRAME_EVICTABLE_AFTER: the stalled frame.
        let much_later = start + SLOW_FRAME_EVICTABLE_AFTER + Duration::from_millis(10);
        assert!(set.evict_oldest(much_later));
        assert!(set.lock().waiting.is_empty());
        drop((slow, first_idle, second_idle));
        assert!(!set.evict_oldest(much_later));
        assert_eq!(set.next_evictable_in(much_later), None);
    }
}
