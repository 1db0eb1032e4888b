//! Load bench of the enclave service over TCP loopback (simulated NSM):
//!
//! 1. signed storage claims per second, one connection, one claim per request;
//! 2. p50/p99 latency and throughput with 64 connections, one claim per request;
//! 3. batch mode: one request of many storage items, one signature.
//!
//! The enclave's handler runs on ONE blocking thread (`max_blocking_threads(1)`, one runtime
//! worker; `LCP_BENCH_HANDLER_THREADS=N` for N), so the numbers are per enclave core; the client
//! threads run beside it on the same (shared) machine.
//!
//! Data: the real `eth_getProof` response of block 21925176 (`fixtures/mainnet/execution/`). No
//! light-client data finalizes that block, so the bench builds a store whose finalized execution
//! header carries that block's number, hash, state root, receipts root and timestamp, and hands the
//! enclave that store with its recomputed `state_id` — exactly the work of a real request (decode
//! the store, hash every field, check the id, verify the proofs, sign). The enclave never checks
//! how a store was reached; the destination chain's `state_id` does. Bench only, not a test.
//!
//! `cargo run --release -p lcp-tests --bin service_load [-- REQUESTS]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    reason = "a bench binary: a failure is a crashed bench, numbers are f64 statistics"
)]

use alloy_primitives::{Address, B256, Bytes};
use attestation_verifier::message::encode::Domain;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet};
use lcp_enclave::light_client::containers::{LcExecution, LightClientHeader};
use lcp_enclave::light_client::sync::LightClientStore;
use lcp_enclave::nsm::SimulatedNsm;
use lcp_enclave::nsm::simulated::Clock;
use lcp_enclave::service::protocol::{
    ClaimItem, ClientState, FRAME_HEADER_LEN, FrameHeader, FrameKind, Request, frame,
};
use lcp_enclave::service::server::{ListenAddr, Listener, serve};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom};
use lcp_enclave::state_id::state_id;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn json(relative: &str) -> Value {
    let path = lcp_tests::fixture(relative);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn quantity(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn hash(value: &Value) -> B256 {
    value.as_str().unwrap().parse().unwrap()
}

/// A Capella store whose finalized execution header is block 21925176 (see the module doc).
fn store_at_block(block: &Value) -> LightClientStore<Mainnet> {
    let mut header = LightClientHeader::empty(Fork::Capella.layout());
    if let LcExecution::Capella(e) = &mut header.execution {
        e.block_number = quantity(&block["number"]);
        e.block_hash = hash(&block["hash"]);
        e.state_root = hash(&block["stateRoot"]);
        e.receipts_root = hash(&block["receiptsRoot"]);
        e.timestamp = quantity(&block["timestamp"]);
    }
    LightClientStore {
        fork: Fork::Capella,
        finalized_header: header.clone(),
        current_sync_committee: Default::default(),
        next_sync_committee: Default::default(),
        best_valid_update: None,
        optimistic_header: header,
        previous_max_active_participants: 0,
        current_max_active_participants: 0,
    }
}

fn enclave(spec: ChainSpec) -> Enclave {
    let nsm = SimulatedNsm::random(Clock::System).unwrap();
    Enclave::start(
        Box::new(OsRandom(nsm)),
        EnclaveConfig {
            spec,
            policy: BridgePolicy::two_thirds::<Mainnet>(),
            operator: Address::repeat_byte(0x0e),
            domain: Domain {
                chain_id: 31_337,
                client: Address::repeat_byte(0xc1),
            },
        },
    )
    .unwrap()
}

fn start(spec: ChainSpec) -> (SocketAddr, B256) {
    let enclave = enclave(spec);
    let network = enclave.network_config_hash();
    // `LCP_BENCH_HANDLER_THREADS` (default 1): handler threads, to see how the service scales.
    let handlers: usize = std::env::var("LCP_BENCH_HANDLER_THREADS")
        .ok()
        .map(|v| v.parse().unwrap())
        .unwrap_or(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(handlers)
        .enable_io()
        .enable_time()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(Listener::bind(ListenAddr::Tcp(
            "127.0.0.1:0".parse().unwrap(),
        )))
        .unwrap();
    let addr = listener.local_tcp_addr().unwrap();
    std::thread::spawn(move || runtime.block_on(serve(listener, Arc::new(enclave))));
    (addr, network)
}

fn call(stream: &mut TcpStream, payload: &[u8]) -> Vec<u8> {
    stream
        .write_all(&frame(FrameKind::Request, payload).unwrap())
        .unwrap();
    let mut header = [0u8; FRAME_HEADER_LEN];
    stream.read_exact(&mut header).unwrap();
    let header = FrameHeader::parse(header).unwrap();
    let mut body = vec![0u8; header.len];
    stream.read_exact(&mut body).unwrap();
    assert_eq!(
        header.kind,
        FrameKind::Response,
        "{}",
        String::from_utf8_lossy(&body)
    );
    body
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn report(label: &str, claims: usize, elapsed: Duration, mut latencies: Vec<Duration>) {
    latencies.sort();
    println!(
        "{label}: {claims} claims in {:.3} s = {:.0} claims/s; request latency p50 {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        claims as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
    );
}

fn main() {
    let requests: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(2000);
    let spec = ChainSpec::mainnet();
    let (addr, network) = start(spec);
    let block = json("mainnet/execution/block_21925176/block.json");
    let block = block.get("result").cloned().unwrap_or(block);
    let store = store_at_block(&block);
    let client_state = ClientState {
        network_config_hash: network,
        store: Bytes::from(store.to_ssz().unwrap()),
    };
    let id = state_id(network, &store).unwrap();
    let proof = json("mainnet/execution/block_21925176/proof.json");
    let request = |items: usize, batch: bool| Request::Verify {
        state_id: id,
        client_state: client_state.clone(),
        block_hash: hash(&block["hash"]),
        claims: vec![
            ClaimItem::Storage {
                proof: proof.clone()
            };
            items
        ],
        batch,
    };
    let single = Arc::new(serde_json::to_vec(&request(1, false)).unwrap());
    println!(
        "request: {} bytes (client state {} bytes of SSZ)",
        single.len(),
        client_state.store.len()
    );

    // Where one request's time goes, in process (no TCP), 500 rounds each.
    let rounds = 500u32;
    let t = Instant::now();
    for _ in 0..rounds {
        let _: Request = serde_json::from_slice(&single).unwrap();
    }
    let parse = t.elapsed() / rounds;
    let t = Instant::now();
    for _ in 0..rounds {
        let decoded =
            LightClientStore::<Mainnet>::from_ssz(Fork::Capella, &client_state.store).unwrap();
        assert_eq!(state_id(network, &decoded).unwrap(), id);
    }
    let state = t.elapsed() / rounds;
    // The whole handler in process (state-id memo warm after the first round), and its
    // response's JSON encoding: what one request costs the enclave besides framing and TCP.
    let local = enclave(ChainSpec::mainnet());
    let parsed: Request = serde_json::from_slice(&single).unwrap();
    let _ = local.handle(parsed.clone()).unwrap();
    let t = Instant::now();
    for _ in 0..rounds {
        let _ = local.handle(parsed.clone()).unwrap();
    }
    let handle = t.elapsed() / rounds;
    let answer = local.handle(parsed).unwrap();
    let t = Instant::now();
    for _ in 0..rounds {
        let _ = serde_json::to_vec(&answer).unwrap();
    }
    let encode = t.elapsed() / rounds;
    let key = lcp_enclave::enclave_key::EnclaveKey::generate(&OsRandom(
        SimulatedNsm::random(Clock::System).unwrap(),
    ))
    .unwrap();
    let t = Instant::now();
    for round in 0..rounds {
        let _ = key.sign_digest(&alloy_primitives::keccak256(round.to_be_bytes()));
    }
    let sign = t.elapsed() / rounds;
    let t = Instant::now();
    for _ in 0..rounds {
        let _ = LightClientStore::<Mainnet>::from_ssz(Fork::Capella, &client_state.store).unwrap();
    }
    let store_decode = t.elapsed() / rounds;
    let t = Instant::now();
    for _ in 0..rounds {
        use std::hash::BuildHasher;
        let _ = std::collections::hash_map::RandomState::new().hash_one(&client_state.store);
    }
    let memo_hash = t.elapsed() / rounds;
    println!(
        "per request, in process: handler (memo warm) {:.3} ms = store decode {:.3} ms + memo key hash {:.3} ms \
         + one signature {:.3} ms + proofs and the rest; response JSON encode {:.3} ms",
        handle.as_secs_f64() * 1e3,
        store_decode.as_secs_f64() * 1e3,
        memo_hash.as_secs_f64() * 1e3,
        sign.as_secs_f64() * 1e3,
        encode.as_secs_f64() * 1e3,
    );
    let response = {
        let mut stream = TcpStream::connect(addr).unwrap();
        call(&mut stream, &single)
    };
    let t = Instant::now();
    for _ in 0..rounds {
        let _: Value = serde_json::from_slice(&response).unwrap();
    }
    let response_parse = t.elapsed() / rounds;
    println!(
        "per request, in process: JSON decode of the request {:.3} ms, store decode + state_id {:.3} ms; \
         response {} bytes (client-side JSON decode {:.3} ms)",
        parse.as_secs_f64() * 1e3,
        state.as_secs_f64() * 1e3,
        response.len(),
        response_parse.as_secs_f64() * 1e3,
    );

    // Warm up.
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    for _ in 0..50 {
        call(&mut stream, &single);
    }

    // 1. One connection.
    let mut latencies = Vec::with_capacity(requests);
    let start = Instant::now();
    for _ in 0..requests {
        let t = Instant::now();
        call(&mut stream, &single);
        latencies.push(t.elapsed());
    }
    report("1 connection", requests, start.elapsed(), latencies);

    // 2. 64 connections.
    let connections = 64;
    let per_connection = (requests / connections).max(10);
    let start = Instant::now();
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let single = Arc::clone(&single);
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                stream.set_nodelay(true).unwrap();
                (0..per_connection)
                    .map(|_| {
                        let t = Instant::now();
                        call(&mut stream, &single);
                        t.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let latencies: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    report(
        "64 connections",
        connections * per_connection,
        start.elapsed(),
        latencies,
    );

    // 3. Batches.
    for items in [256usize, 512] {
        let payload = serde_json::to_vec(&request(items, true)).unwrap();
        let rounds = 5;
        let mut latencies = Vec::new();
        let start = Instant::now();
        for _ in 0..rounds {
            let t = Instant::now();
            call(&mut stream, &payload);
            latencies.push(t.elapsed());
        }
        report(
            &format!("batch of {items} ({} request bytes)", payload.len()),
            items * rounds,
            start.elapsed(),
            latencies,
        );
    }
}
