//! Where the enclave is: `tcp:HOST:PORT`, `vsock:CID:PORT` or `in-process`.

use std::net::SocketAddr;
use std::str::FromStr;

/// The address of an enclave service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnclaveAddr {
    /// TCP (development and tests: `lcp-enclave --listen tcp:127.0.0.1:PORT`).
    Tcp(SocketAddr),
    /// vsock (production: the enclave's CID and the port it listens on).
    Vsock {
        /// The enclave's context id.
        cid: u32,
        /// The port (`lcp-enclave --listen vsock:PORT`).
        port: u32,
    },
    /// An enclave in this process with the simulated NSM (embedders, tests, `lcp demo`).
    InProcess,
}

/// An enclave address that does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnclaveAddrError {
    /// Not `tcp:`, `vsock:` or `in-process`.
    #[error("expected tcp:HOST:PORT, vsock:CID:PORT or in-process")]
    UnknownScheme,
    /// The TCP socket address does not parse.
    #[error("malformed TCP address (expected e.g. tcp:127.0.0.1:7000)")]
    MalformedTcp,
    /// The vsock address is not `CID:PORT`.
    #[error("malformed vsock address (expected vsock:CID:PORT, e.g. vsock:16:5000)")]
    MalformedVsock,
}

impl FromStr for EnclaveAddr {
    type Err = EnclaveAddrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "in-process" {
            return Ok(EnclaveAddr::InProcess);
        }
        if let Some(rest) = s.strip_prefix("tcp:") {
            let addr: SocketAddr = rest.parse().map_err(|_| EnclaveAddrError::MalformedTcp)?;
            return Ok(EnclaveAddr::Tcp(addr));
        }
        if let Some(rest) = s.strip_prefix("vsock:") {
            let (cid, port) = rest
                .split_once(':')
                .ok_or(EnclaveAddrError::MalformedVsock)?;
            let cid = cid.parse().map_err(|_| EnclaveAddrError::MalformedVsock)?;
            let port = port.parse().map_err(|_| EnclaveAddrError::MalformedVsock)?;
            return Ok(EnclaveAddr::Vsock { cid, port });
        }
        Err(EnclaveAddrError::UnknownScheme)
    }
}

impl core::fmt::Display for EnclaveAddr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EnclaveAddr::Tcp(addr) => write!(f, "tcp:{addr}"),
            EnclaveAddr::Vsock { cid, port } => write!(f, "vsock:{cid}:{port}"),
            EnclaveAddr::InProcess => f.write_str("in-process"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_and_print_back() {
        for text in ["tcp:127.0.0.1:7000", "vsock:16:5000", "in-process"] {
            let addr: EnclaveAddr = text.parse().unwrap();
            assert_eq!(addr.to_string(), text);
        }
        assert_eq!(
            "vsock:16:5000".parse(),
            Ok(EnclaveAddr::Vsock {
                cid: 16,
                port: 5000
            })
        );
        assert_eq!(
            "vsock:5000".parse::<EnclaveAddr>(),
            Err(EnclaveAddrError::MalformedVsock)
        );
        assert_eq!(
            "tcp:localhost".parse::<EnclaveAddr>(),
            Err(EnclaveAddrError::MalformedTcp)
        );
        assert_eq!(
            "unix:/tmp/x".parse::<EnclaveAddr>(),
            Err(EnclaveAddrError::UnknownScheme)
        );
    }
}
