//! Byte streams to an enclave and one request/response exchange over them, with the frames of
//! `lcp_enclave::service::protocol` (the same encoder and header parser the enclave uses).

use super::addr::EnclaveAddr;
use super::error::EnclaveError;
use lcp_enclave::service::protocol::{FRAME_HEADER_LEN, FrameHeader, FrameKind};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A connected byte stream of either transport.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// Opens a stream to `addr`.
///
/// # Errors
/// The connect fails ([`std::io::Error`]); [`EnclaveError::VsockUnsupported`] without the
/// `vsock` feature; [`EnclaveError::InProcessNotConnectable`] for `in-process`.
pub async fn open(
    addr: EnclaveAddr,
) -> Result<Result<Box<dyn Stream>, std::io::Error>, EnclaveError> {
    match addr {
        EnclaveAddr::Tcp(socket) => Ok(async {
            let stream = tokio::net::TcpStream::connect(socket).await?;
            stream.set_nodelay(true)?;
            let boxed: Box<dyn Stream> = Box::new(stream);
            Ok(boxed)
        }
        .await),
        #[cfg(feature = "vsock")]
        EnclaveAddr::Vsock { cid, port } => Ok(tokio_vsock::VsockStream::connect(
            tokio_vsock::VsockAddr::new(cid, port),
        )
        .await
        .map(boxed)),
        #[cfg(not(feature = "vsock"))]
        EnclaveAddr::Vsock { .. } => Err(EnclaveError::VsockUnsupported),
        EnclaveAddr::InProcess => Err(EnclaveError::InProcessNotConnectable),
    }
}

/// What one exchange produced: an I/O failure (the stream is unusable), or a frame.
pub enum Exchanged {
    /// The stream failed; reconnect.
    Io(std::io::Error),
    /// A frame of this kind with this payload.
    Frame(FrameKind, Vec<u8>),
    /// The answer broke the framing rules.
    Invalid(EnclaveError),
}

/// Writes one request frame and reads one answer frame.
pub async fn exchange(stream: &mut dyn Stream, request_frame: &[u8]) -> Exchanged {
    if let Err(io) = write_all(stream, request_frame).await {
        return Exchanged::Io(io);
    }
    let mut header = [0u8; FRAME_HEADER_LEN];
    if let Err(io) = stream.read_exact(&mut header).await {
        return Exchanged::Io(io);
    }
    let header = match FrameHeader::parse(header) {
        Ok(h) => h,
        Err(e) => return Exchanged::Invalid(EnclaveError::Frame(e)),
    };
    if header.kind == FrameKind::Request {
        return Exchanged::Invalid(EnclaveError::UnexpectedFrameKind {
            kind: header.kind.byte(),
        });
    }
    // `len` ≤ MAX_FRAME_LEN: FrameHeader::parse refuses more.
    let mut payload = vec![0u8; header.len];
    // A stream that ends inside the payload is an enclave that went away mid-answer: an I/O
    // failure (reconnect and ask again), not a protocol violation.
    match stream.read_exact(&mut payload).await {
        Ok(_) => Exchanged::Frame(header.kind, payload),
        Err(io) => Exchanged::Io(io),
    }
}

async fn write_all(stream: &mut dyn Stream, bytes: &[u8]) -> std::io::Result<()> {
    stream.write_all(bytes).await?;
    stream.flush().await
}

#[cfg(feature = "vsock")]
fn boxed(stream: tokio_vsock::VsockStream) -> Box<dyn Stream> {
    Box::new(stream)
}
