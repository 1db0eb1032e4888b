//! The enclave service under load and hostile clients, over TCP loopback (simulated NSM). Asserts
//! correctness only — every answer is checked against its request and the attested key — never
//! timing; `tests/src/bin/service_stress.rs` prints the figures (RELIABILITY.md).

#![cfg(test)]

use lcp_enclave::service::protocol::MAX_CONNECTIONS;
use lcp_enclave::service::server::{HEADER_READ_TIMEOUT, SLOW_FRAME_EVICTABLE_AFTER};
use lcp_tests::load::{
    Answer, Ask, Hostile, HostileClient, LoadServer, call_checked, read_answer, slow_call,
    sustained_load,
};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// A hang guard for a normal client's read (a failure, not a timing assertion).
const HANG_GUARD: Duration = Duration::from_secs(120);

fn server() -> Arc<LoadServer> {
    Arc::new(LoadServer::start(2, 2).unwrap())
}

fn normal_client(server: &LoadServer) -> TcpStream {
    let stream = TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
    stream
}

/// 256 clients (twice `MAX_CONNECTIONS`) for `LCP_STRESS_SECS` seconds (default 10): no failure,
/// every answer correct, every client served (the excess waits in the accept queue).
#[test]
fn twice_max_connections_sustained_every_answer_correct() {
    let server = server();
    let secs = std::env::var("LCP_STRESS_SECS")
        .ok()
        .map_or(10, |v| v.parse().unwrap());
    let clients = 2 * MAX_CONNECTIONS;
    let report = sustained_load(&server, clients, Duration::from_secs(secs), 4).unwrap();
    assert!(
        report.failures.is_empty(),
        "{} failures, first: {:#?}",
        report.failures.len(),
        report.failures.iter().take(5).collect::<Vec<_>>()
    );
    assert_eq!(report.answered.len(), clients);
    assert!(
        report.answered.iter().all(|n| *n > 0),
        "a client was never served: {:?}",
        report.answered
    );
}

/// More persistent clients than slots, each keeping its connection open after its answer until
/// every client has been answered: the clients beyond `MAX_CONNECTIONS` wait in the accept queue and
/// get the slots of answered clients once those have idled (without eviction they would wait
/// forever: the answered clients hold their connections until everyone is answered).
#[test]
fn more_persistent_clients_than_slots_are_all_served() {
    let server = server();
    let clients = MAX_CONNECTIONS + MAX_CONNECTIONS / 2;
    let everyone_answered = Arc::new(std::sync::Barrier::new(clients));
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let server = Arc::clone(&server);
            let everyone_answered = Arc::clone(&everyone_answered);
            std::thread::spawn(move || {
                let mut stream = normal_client(&server);
                let nonce = format!("persistent {i}");
                let ask = if i % 8 == 0 { Ask::Info } else { Ask::Storage };
                let outcome = call_checked(&server, &mut stream, ask, nonce.as_bytes());
                everyone_answered.wait();
                drop(stream);
                outcome
            })
        })
        .collect();
    for (i, thread) in threads.into_iter().enumerate() {
        thread
            .join()
            .unwrap()
            .unwrap_or_else(|e| panic!("client {i}: {e:#}"));
    }
}

/// Every slot held by a silent connection: a new client is still served (the longest-idle
/// connection is closed for it), and a silent connection was indeed closed.
#[test]
fn silent_connections_filling_every_slot_do_not_lock_out_a_client() {
    let server = server();
    let mut silent: Vec<HostileClient> = (0..MAX_CONNECTIONS)
        .map(|_| HostileClient::open(&server, Hostile::Silent).unwrap())
        .collect();
    let mut stream = normal_client(&server);
    call_checked(&server, &mut stream, Ask::Storage, b"").unwrap();
    call_checked(&server, &mut stream, Ask::Info, b"after eviction").unwrap();
    // The only way in was an eviction: silent connections never end on their own (IDLE_TIMEOUT is
    // ten minutes) and the hang guard would have failed the call.
    let closed = silent
        .iter_mut()
        .map(HostileClient::closed_by_enclave)
        .filter(|closed| *closed)
        .count();
    assert!(closed >= 1, "no silent connection was closed");
}

/// 100 slowlorises (50 half-open headers, 50 byte-at-a-time senders of a 120 KB request) and 28
/// silent connections fill every slot; a normal client's requests still complete correctly.
#[test]
fn slowlorises_do_not_starve_a_normal_client() {
    let server = server();
    let mut hostile = Vec::new();
    for _ in 0..50 {
        hostile.push(HostileClient::open(&server, Hostile::HalfHeader).unwrap());
    }
    for _ in 0..50 {
        hostile.push(
            HostileClient::open(
                &server,
                Hostile::Trickle {
                    interval: Duration::from_millis(50),
                },
            )
            .unwrap(),
        );
    }
    for _ in 0..(MAX_CONNECTIONS - 100) {
        hostile.push(HostileClient::open(&server, Hostile::Silent).unwrap());
    }
    for round in 0..3u8 {
        let mut stream = normal_client(&server);
        call_checked(&server, &mut stream, Ask::Storage, b"").unwrap();
        call_checked(&server, &mut stream, Ask::Info, &[round]).unwrap();
    }
    drop(hostile);
}

/// Every slot held by a peer stuck inside a frame (a 120 KB request at one byte per 50 ms): a
/// new client is still served, because the longest-stalled frame's connection is closed for it
/// with an `Evicted` frame error (without eviction the frame timeout would answer `Timeout`).
#[test]
fn stalled_frames_filling_every_slot_do_not_lock_out_a_client() {
    let server = server();
    let mut stalled: Vec<HostileClient> = (0..MAX_CONNECTIONS)
        .map(|_| {
            HostileClient::open(
                &server,
                Hostile::Trickle {
                    interval: Duration::from_millis(50),
                },
            )
            .unwrap()
        })
        .collect();
    let mut stream = normal_client(&server);
    call_checked(&server, &mut stream, Ask::Storage, b"").unwrap();
    let evicted = stalled
        .iter_mut()
        .filter_map(HostileClient::error_frame)
        .collect::<Vec<_>>();
    assert!(!evicted.is_empty(), "no stalled frame was evicted");
    for body in evicted {
        assert_eq!(body.code, "frame");
        assert_eq!(
            body.message,
            format!(
                "frame: frame incomplete after {} s while its connection slot was needed",
                SLOW_FRAME_EVICTABLE_AFTER.as_secs()
            )
        );
    }
}

/// Half a header, then silence: answered with a frame-timeout error after `HEADER_READ_TIMEOUT`
/// and closed.
#[test]
fn half_open_header_is_refused_and_closed() {
    let server = server();
    let mut client = HostileClient::open(&server, Hostile::HalfHeader).unwrap();
    client.stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
    match read_answer(&mut client.stream).unwrap() {
        Some(Answer::Error(body)) => {
            assert_eq!(body.code, "frame");
            assert_eq!(
                body.message,
                format!(
                    "frame: no complete frame within {} s",
                    HEADER_READ_TIMEOUT.as_secs()
                )
            );
        }
        other => panic!("expected a frame error, got {other:?}"),
    }
    assert!(read_answer(&mut client.stream).unwrap().is_none());
}

/// A slow but honest client (one byte every 10 ms) is served correctly.
#[test]
fn slow_honest_client_is_served() {
    let server = server();
    slow_call(&server, Ask::Info, b"slow", Duration::from_millis(10)).unwrap();
}
