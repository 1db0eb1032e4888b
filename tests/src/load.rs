//! Load and hostile-client drivers for the enclave service over TCP loopback, shared by the load
//! test (`tests/tests/service_stress.rs`, asserts correctness) and the figures binary
//! (`tests/src/bin/service_stress.rs`, prints timings and memory).
//!
//! Every answer is checked, not just counted: signed messages must recover to the enclave key that
//! its attestation document binds, and decode to exactly the claim the request asked for (account,
//! slot, value, block of the real `eth_getProof` response); `Info` answers must carry a document
//! that verifies (simulated root, PCR policy, fresh nonce) binding that key.

use crate::synthetic;
use alloy_primitives::{Address, B256, Bytes, U256};
use anyhow::{Context, bail, ensure};
use attestation_verifier::message::StorageClaim;
use attestation_verifier::message::binding::{UserData, public_key_address};
use attestation_verifier::message::encode::{Domain, decode_message, signing_digest};
use attestation_verifier::message::verify::recover_signer;
use attestation_verifier::nitro::{self, PcrPolicy, TrustAnchor, VerificationOptions};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::SimulatedNsm;
use lcp_enclave::nsm::simulated::Clock;
use lcp_enclave::service::protocol::{
    ClaimItem, ClientState, ErrorBody, FRAME_HEADER_LEN, FrameHeader, FrameKind, Request, Response,
    frame,
};
use lcp_enclave::service::server::{ListenAddr, Listener, serve};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom};
use lcp_enclave::state_id::state_id;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The destination domain of the load enclave.
pub const DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};
/// The operator of the load enclave.
pub const OPERATOR: Address = Address::repeat_byte(0x0e);

/// A running enclave on loopback and everything needed to check its answers.
#[derive(Debug)]
pub struct LoadServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its key (from the enclave; [`LoadServer::check_info`] proves the attestation binds it).
    pub key: Address,
    root_der: Vec<u8>,
    pcrs: Vec<(u64, Vec<u8>)>,
    network_config_hash: B256,
    verify_payload: Vec<u8>,
    expected_storage: StorageClaim,
}

/// What a client asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// `Verify` of the real storage proof (one signed `StorageClaim`).
    Storage,
    /// `Info` with a fresh nonce (attestation document checked).
    Info,
}

impl LoadServer {
    /// Starts an enclave (mainnet, simulated NSM with the system clock) on a runtime of its own
    /// with `workers` runtime threads and `handlers` blocking (handler) threads.
    ///
    /// # Errors
    /// Start-up, bind or fixture failure.
    pub fn start(workers: usize, handlers: usize) -> anyhow::Result<LoadServer> {
        let nsm = SimulatedNsm::random(Clock::System)?;
        let root_der = nsm.root_der().to_vec();
        let pcrs = nsm.pcrs().to_vec();
        let enclave = Enclave::start(
            Box::new(OsRandom(nsm)),
            EnclaveConfig {
                spec: ChainSpec::mainnet(),
                policy: BridgePolicy::two_thirds::<Mainnet>(),
                operator: OPERATOR,
                domain: DOMAIN,
            },
        )?;
        let network = enclave.network_config_hash();
        let key = enclave.key_address();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .max_blocking_threads(handlers)
            .enable_io()
            .enable_time()
            .build()?;
        let listener = runtime.block_on(Listener::bind(ListenAddr::Tcp("127.0.0.1:0".parse()?)))?;
        let addr = listener.local_tcp_addr().context("no TCP address")?;
        std::thread::spawn(move || runtime.block_on(serve(listener, Arc::new(enclave))));

        let block = synthetic::block_21925176()?;
        let store = synthetic::store_at_block(&block)?;
        let block_hash = synthetic::block_hash(&block)?;
        let proof = synthetic::proof_21925176()?;
        let expected_storage = expected_storage_claim(&proof, &block, block_hash)?;
        let request = Request::Verify {
            state_id: state_id(network, &store)?,
            client_state: ClientState {
                network_config_hash: network,
                store: Bytes::from(store.to_ssz()?),
            },
            block_hash,
            claims: vec![ClaimItem::Storage { proof }],
            batch: false,
        };
        Ok(LoadServer {
            addr,
            key,
            root_der,
            pcrs,
            network_config_hash: network,
            verify_payload: serde_json::to_vec(&request)?,
            expected_storage,
        })
    }

    /// The framed request for `ask` (`nonce` only for `Info`).
    ///
    /// # Errors
    /// Serialisation failure.
    pub fn request_frame(&self, ask: Ask, nonce: &[u8]) -> anyhow::Result<Vec<u8>> {
        let payload = match ask {
            Ask::Storage => self.verify_payload.clone(),
            Ask::Info => serde_json::to_vec(&Request::Info {
                nonce: Some(Bytes::copy_from_slice(nonce)),
            })?,
        };
        Ok(frame(FrameKind::Request, &payload)?)
    }

    /// Checks an answer to `ask`.
    ///
    /// # Errors
    /// The answer is not exactly what the request asked, signed by the attested key.
    pub fn check(&self, ask: Ask, nonce: &[u8], answer: Answer) -> anyhow::Result<()> {
        let response = match answer {
            Answer::Response(response) => response,
            Answer::Error(body) => bail!("error frame {}: {}", body.code, body.message),
        };
        match ask {
            Ask::Storage => self.check_storage(response),
            Ask::Info => self.check_info(response, nonce),
        }
    }

    fn check_storage(&self, response: Response) -> anyhow::Result<()> {
        let Response::Claims { messages } = response else {
            bail!("expected Claims, got {response:?}");
        };
        let [signed] = messages.as_slice() else {
            bail!("expected one message, got {}", messages.len());
        };
        let signature: [u8; 65] = signed.signature.as_ref().try_into()?;
        let signer = recover_signer(signing_digest(&signed.message), &signature, 0)?;
        ensure!(signer == self.key, "signed by {signer}, not {}", self.key);
        let claim: StorageClaim = decode_message(DOMAIN, &signed.message)?;
        ensure!(
            claim == self.expected_storage,
            "claim {claim:?} differs from the request's {:?}",
            self.expected_storage
        );
        Ok(())
    }

    fn check_info(&self, response: Response, nonce: &[u8]) -> anyhow::Result<()> {
        let Response::Info {
            enclave_key,
            attestation,
            network_config_hash,
            operator,
            chain_id,
            client_address,
            ..
        } = response
        else {
            bail!("expected Info, got {response:?}");
        };
        ensure!(enclave_key == self.key, "Info names another key");
        ensure!(
            (chain_id, client_address, operator, network_config_hash)
                == (
                    DOMAIN.chain_id,
                    DOMAIN.client,
                    OPERATOR,
                    self.network_config_hash
                ),
            "Info reports another domain, operator or network"
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs();
        let mut options = VerificationOptions::new(UnixSeconds(now));
        options.trust_anchor = TrustAnchor::from_der(self.root_der.clone())?;
        let mut policy = PcrPolicy::default();
        for index in [0u8, 1, 2] {
            let (_, value) = self
                .pcrs
                .iter()
                .find(|(i, _)| *i == u64::from(index))
                .context("simulated PCR missing")?;
            policy = policy.expect_pcr(index, value.clone());
        }
        options.pcr_policy = policy;
        let verified = nitro::verify(&attestation, &options)?;
        let attested = public_key_address(verified.public_key().context("no public key")?)?;
        ensure!(attested == self.key, "attestation binds {attested}");
        ensure!(
            verified.nonce() == Some(nonce),
            "attestation carries another nonce"
        );
        let binding = UserData::parse(verified.user_data().context("no user data")?)?;
        ensure!(
            binding
                == UserData {
                    enclave_key: self.key,
                    operator: OPERATOR,
                    network_config_hash: self.network_config_hash,
                },
            "user_data binds something else"
        );
        Ok(())
    }
}

/// The claim the real `eth_getProof` response proves, built from the JSON independently of the
/// enclave: the single storage slot and its value at block 21925176.
fn expected_storage_claim(
    proof: &Value,
    block: &Value,
    block_hash: B256,
) -> anyhow::Result<StorageClaim> {
    let text = |value: Option<&Value>, what: &str| -> anyhow::Result<String> {
        Ok(value
            .and_then(Value::as_str)
            .with_context(|| format!("proof field {what}"))?
            .to_owned())
    };
    let entry = proof
        .get("storageProof")
        .and_then(|s| s.get(0))
        .context("storageProof[0]")?;
    let number = text(block.get("number"), "number")?;
    let value: U256 = text(entry.get("value"), "value")?.parse()?;
    Ok(StorageClaim {
        blockNumber: u64::from_str_radix(number.trim_start_matches("0x"), 16)?,
        blockHash: block_hash,
        account: text(proof.get("address"), "address")?.parse()?,
        slot: text(entry.get("key"), "key")?.parse()?,
        value: B256::from(value),
    })
}

/// One answer frame.
#[derive(Debug)]
pub enum Answer {
    /// A response frame.
    Response(Response),
    /// An error frame.
    Error(ErrorBody),
}

/// Reads one frame from the enclave (`Ok(None)`: the enclave closed the connection).
///
/// # Errors
/// I/O error, or a malformed frame from the enclave.
pub fn read_answer(stream: &mut TcpStream) -> anyhow::Result<Option<Answer>> {
    let mut header = [0u8; FRAME_HEADER_LEN];
    match stream.read_exact(&mut header) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let header = FrameHeader::parse(header)?;
    let mut payload = vec![0u8; header.len];
    stream.read_exact(&mut payload)?;
    Ok(Some(match header.kind {
        FrameKind::Response => Answer::Response(serde_json::from_slice(&payload)?),
        FrameKind::Error => Answer::Error(serde_json::from_slice(&payload)?),
        FrameKind::Request => bail!("the enclave sent a request frame"),
    }))
}

/// Sends `ask` on `stream`, reads and checks the answer.
///
/// # Errors
/// I/O failure, connection closed, or a wrong answer.
pub fn call_checked(
    server: &LoadServer,
    stream: &mut TcpStream,
    ask: Ask,
    nonce: &[u8],
) -> anyhow::Result<()> {
    stream.write_all(&server.request_frame(ask, nonce)?)?;
    let answer = read_answer(stream)?.context("connection closed before the answer")?;
    server.check(ask, nonce, answer)
}

/// Sends `ask` one byte at a time, `interval` apart (a slow but honest client), then reads and
/// checks the answer.
///
/// # Errors
/// I/O failure, connection closed, or a wrong answer.
pub fn slow_call(
    server: &LoadServer,
    ask: Ask,
    nonce: &[u8],
    interval: Duration,
) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(server.addr)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    for byte in server.request_frame(ask, nonce)? {
        stream.write_all(&[byte])?;
        std::thread::sleep(interval);
    }
    let answer = read_answer(&mut stream)?.context("connection closed before the answer")?;
    server.check(ask, nonce, answer)
}

/// What a run of [`sustained_load`] observed.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Correct answers per client, in client order.
    pub answered: Vec<u64>,
    /// Failures (I/O, closed connection, wrong answer), with their reason.
    pub failures: Vec<String>,
    /// Latency of every request (queueing for a slot included).
    pub latencies: Vec<Duration>,
    /// Wall time of the run.
    pub elapsed: Duration,
}

/// `clients` threads, each holding one connection at a time, for `duration`: a client sends
/// `per_connection` requests on a connection (every eighth an `Info`, the rest storage claims),
/// closes it, and opens another. With more clients than `MAX_CONNECTIONS`, the excess wait in the
/// accept queue: their latency includes that wait.
///
/// # Errors
/// A client thread panicked.
pub fn sustained_load(
    server: &Arc<LoadServer>,
    clients: usize,
    duration: Duration,
    per_connection: u64,
) -> anyhow::Result<LoadReport> {
    let start = Instant::now();
    let deadline = start.checked_add(duration).context("duration")?;
    let threads: Vec<_> = (0..clients)
        .map(|client| {
            let server = Arc::clone(server);
            std::thread::spawn(move || client_loop(&server, client, deadline, per_connection))
        })
        .collect();
    let mut report = LoadReport::default();
    for thread in threads {
        let (answered, failures, latencies) = thread
            .join()
            .map_err(|_| anyhow::anyhow!("client thread panicked"))?;
        report.answered.push(answered);
        report.failures.extend(failures);
        report.latencies.extend(latencies);
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

fn client_loop(
    server: &LoadServer,
    client: usize,
    deadline: Instant,
    per_connection: u64,
) -> (u64, Vec<String>, Vec<Duration>) {
    let mut answered = 0u64;
    let mut failures = Vec::new();
    let mut latencies = Vec::new();
    let mut sent = 0u64;
    while Instant::now() < deadline {
        let mut stream = match TcpStream::connect(server.addr) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("client {client}: connect: {e}"));
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        // A hang guard only (a stuck answer is a failure, not a wait forever).
        let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
        let _ = stream.set_nodelay(true);
        for _ in 0..per_connection {
            if Instant::now() >= deadline {
                break;
            }
            sent = sent.wrapping_add(1);
            let ask = if sent.is_multiple_of(8) {
                Ask::Info
            } else {
                Ask::Storage
            };
            let nonce = format!("client {client} request {sent}");
            let t = Instant::now();
            match call_checked(server, &mut stream, ask, nonce.as_bytes()) {
                Ok(()) => {
                    answered = answered.saturating_add(1);
                    latencies.push(t.elapsed());
                }
                Err(e) => {
                    failures.push(format!("client {client} request {sent} ({ask:?}): {e:#}"));
                    break;
                }
            }
        }
    }
    (answered, failures, latencies)
}

/// How a hostile client misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hostile {
    /// Connects and sends nothing.
    Silent,
    /// Sends the first 4 bytes of a frame header and goes silent (half-open request).
    HalfHeader,
    /// Sends a real storage request (about 120 KB) one byte at a time, `interval` apart: it
    /// cannot finish within the frame timeout.
    Trickle {
        /// Pause between bytes.
        interval: Duration,
    },
}

/// A hostile connection, kept open until dropped.
#[derive(Debug)]
pub struct HostileClient {
    /// The connection.
    pub stream: TcpStream,
    stop: Arc<std::sync::atomic::AtomicBool>,
    trickler: Option<std::thread::JoinHandle<()>>,
}

impl HostileClient {
    /// Opens a hostile connection to `server`.
    ///
    /// # Errors
    /// Connect or write failure.
    pub fn open(server: &LoadServer, how: Hostile) -> anyhow::Result<HostileClient> {
        let stream = TcpStream::connect(server.addr)?;
        stream.set_nodelay(true)?;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut trickler = None;
        match how {
            Hostile::Silent => {}
            Hostile::HalfHeader => {
                let request = server.request_frame(Ask::Info, b"half")?;
                (&stream).write_all(request.get(..4).context("short frame")?)?;
            }
            Hostile::Trickle { interval } => {
                let request = server.request_frame(Ask::Storage, b"")?;
                let mut writer = stream.try_clone()?;
                let stop = Arc::clone(&stop);
                trickler = Some(std::thread::spawn(move || {
                    for byte in request {
                        if stop.load(std::sync::atomic::Ordering::Relaxed)
                            || writer.write_all(&[byte]).is_err()
                        {
                            return;
                        }
                        std::thread::sleep(interval);
                    }
                }));
            }
        }
        Ok(HostileClient {
            stream,
            stop,
            trickler,
        })
    }

    /// The error frame the enclave has already sent on this connection, if any (non-blocking).
    pub fn error_frame(&mut self) -> Option<ErrorBody> {
        self.stream.set_nonblocking(true).ok()?;
        let answer = read_answer(&mut self.stream);
        let _ = self.stream.set_nonblocking(false);
        match answer {
            Ok(Some(Answer::Error(body))) => Some(body),
            _ => None,
        }
    }

    /// Whether the enclave has closed this connection (non-blocking probe, after an optional
    /// error frame).
    pub fn closed_by_enclave(&mut self) -> bool {
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut buf = [0u8; 4096];
        let closed = loop {
            match self.stream.read(&mut buf) {
                Ok(0) => break true,
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break false,
                Err(_) => break true,
            }
        };
        let _ = self.stream.set_nonblocking(false);
        closed
    }
}

impl Drop for HostileClient {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
        if let Some(t) = self.trickler.take() {
            let _ = t.join();
        }
    }
}

/// Peak and current resident memory of this process in KiB (`VmHWM`, `VmRSS` of
/// `/proc/self/status`); the server runs in-process.
///
/// # Errors
/// `/proc` unreadable (not Linux).
pub fn memory_kib() -> anyhow::Result<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> anyhow::Result<u64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(name))
            .with_context(|| format!("{name} missing"))?;
        Ok(line
            .split_whitespace()
            .nth(1)
            .context("no value")?
            .parse()?)
    };
    Ok((field("VmHWM:")?, field("VmRSS:")?))
}
