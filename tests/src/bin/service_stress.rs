//! Figures for RELIABILITY.md: the enclave service (TCP loopback, simulated NSM, in-process) under
//! 256 concurrent clients and under slow and silent clients. Every answer is checked
//! (`lcp_tests::load`); this binary prints what the test (`tests/tests/service_stress.rs`) does not
//! assert: throughput, latency, memory, how long a normal client waits.
//!
//! `cargo run --release -p lcp-tests --bin service_stress [-- SECONDS]` (default 10);
//! `LCP_STRESS_HANDLERS=N` handler threads (default 2).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    reason = "a figures binary: a failure is a crashed run, numbers are f64 statistics"
)]

use lcp_enclave::service::protocol::MAX_CONNECTIONS;
use lcp_tests::load::{
    Ask, Hostile, HostileClient, LoadServer, call_checked, memory_kib, sustained_load,
};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A normal client: connect, one storage claim, one `Info`; returns the wall time.
fn normal_client(server: &LoadServer, label: &[u8]) -> Duration {
    let t = Instant::now();
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    call_checked(server, &mut stream, Ask::Storage, b"").unwrap();
    call_checked(server, &mut stream, Ask::Info, label).unwrap();
    t.elapsed()
}

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(10);
    let handlers: usize = std::env::var("LCP_STRESS_HANDLERS")
        .ok()
        .map(|v| v.parse().unwrap())
        .unwrap_or(2);
    let server = Arc::new(LoadServer::start(2, handlers).unwrap());
    let (hwm0, rss0) = memory_kib().unwrap();
    println!("start: VmHWM {hwm0} KiB, VmRSS {rss0} KiB; {handlers} handler threads");

    // 1. 256 clients, 4 requests per connection, reconnecting, for `secs` seconds.
    let clients = 2 * MAX_CONNECTIONS;
    let report = sustained_load(&server, clients, Duration::from_secs(secs), 4).unwrap();
    let (hwm1, rss1) = memory_kib().unwrap();
    let mut latencies = report.latencies.clone();
    latencies.sort();
    let total: u64 = report.answered.iter().sum();
    println!(
        "{clients} clients for {:.1} s: {total} correct answers ({:.0}/s), {} failures; \
         latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; answers per client min {} max {}; \
         VmHWM {hwm1} KiB (+{} KiB), VmRSS {rss1} KiB",
        report.elapsed.as_secs_f64(),
        total as f64 / report.elapsed.as_secs_f64(),
        report.failures.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap()),
        report.answered.iter().min().unwrap(),
        report.answered.iter().max().unwrap(),
        hwm1 - hwm0,
    );
    for failure in report.failures.iter().take(5) {
        println!("  failure: {failure}");
    }

    // 2. Idle baseline.
    println!(
        "normal client, idle server: {:.1} ms",
        ms(normal_client(&server, b"idle"))
    );

    // 3. 100 slowlorises + 28 silent connections: every slot taken.
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
        println!(
            "normal client with 50 half-open + 50 byte-at-a-time + {} silent connections (round {round}): {:.1} ms",
            MAX_CONNECTIONS - 100,
            ms(normal_client(&server, &[round]))
        );
    }
    drop(hostile);
    std::thread::sleep(Duration::from_millis(200));

    // 4. Worst cases: every slot held by one kind.
    let silent: Vec<_> = (0..MAX_CONNECTIONS)
        .map(|_| HostileClient::open(&server, Hostile::Silent).unwrap())
        .collect();
    println!(
        "normal client with {MAX_CONNECTIONS} silent connections: {:.1} ms (evicts the longest idle)",
        ms(normal_client(&server, b"silent"))
    );
    drop(silent);
    std::thread::sleep(Duration::from_millis(200));
    let half: Vec<_> = (0..MAX_CONNECTIONS)
        .map(|_| HostileClient::open(&server, Hostile::HalfHeader).unwrap())
        .collect();
    println!(
        "normal client with {MAX_CONNECTIONS} half-open headers: {:.1} ms (evicts a frame stalled 2 s)",
        ms(normal_client(&server, b"half"))
    );
    drop(half);
    std::thread::sleep(Duration::from_millis(200));
    let stalled: Vec<_> = (0..MAX_CONNECTIONS)
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
    println!(
        "normal client with {MAX_CONNECTIONS} byte-at-a-time senders: {:.1} ms (evicts a frame stalled 2 s)",
        ms(normal_client(&server, b"stalled"))
    );
    drop(stalled);
    let (hwm2, rss2) = memory_kib().unwrap();
    println!("end: VmHWM {hwm2} KiB, VmRSS {rss2} KiB");
}
