//! The enclave connection over TCP against the real service, and in-process: the same answers,
//! refusals passed through with their code, reconnect after the enclave restarts, and a restarted
//! enclave (new key) detected.

#![cfg(test)]

use alloy_primitives::{Address, B256, Bytes};
use attestation_verifier::message::encode::Domain;
use lcp_client::enclave::{
    ConnectionOptions, EnclaveAddr, EnclaveConnection, EnclaveError, SimulatedEnclave,
};
use lcp_enclave::light_client::config::ChainSpec;
use lcp_enclave::service::protocol::{ClientState, LcObject};
use lcp_enclave::service::server::{ListenAddr, Listener, serve};
use std::net::SocketAddr;
use std::time::Duration;

const OPERATOR: Address = Address::repeat_byte(0x0e);
const DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};

/// An enclave served over TCP on its own runtime; dropping the runtime kills it and every
/// connection it holds, as a process exit would.
struct Served {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    key: Address,
}

fn serve_on(addr: SocketAddr) -> Served {
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let key = simulated.enclave.key_address();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(Listener::bind(ListenAddr::Tcp(addr)))
        .unwrap();
    let addr = listener.local_tcp_addr().unwrap();
    runtime.spawn(serve(listener, simulated.enclave));
    Served { runtime, addr, key }
}

/// [`serve_on`] from async code (it builds and blocks on its own runtime).
async fn serve_async(addr: SocketAddr) -> Served {
    tokio::task::spawn_blocking(move || serve_on(addr))
        .await
        .unwrap()
}

fn quick() -> ConnectionOptions {
    ConnectionOptions {
        connect_attempts: 20,
        backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        ..ConnectionOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_over_tcp_and_a_restarted_enclave_is_detected() {
    let first = serve_async("127.0.0.1:0".parse().unwrap()).await;
    let addr = first.addr;
    let connection = EnclaveConnection::remote(EnclaveAddr::Tcp(addr), quick()).unwrap();
    let info = connection.info(None).await.unwrap();
    assert_eq!(info.enclave_key, first.key);
    assert!(!info.key_changed);
    assert_eq!(info.chain_id, DOMAIN.chain_id);
    assert_eq!(info.client_address, DOMAIN.client);
    assert_eq!(info.operator, OPERATOR);
    assert_eq!(connection.epoch(), 1);
    // The same connection is reused.
    assert_eq!(connection.info(None).await.unwrap().enclave_key, first.key);
    assert_eq!(connection.epoch(), 1);

    // Kill the enclave (all its tasks and sockets), restart it on the same port.
    first.runtime.shutdown_background();
    let second = serve_async(addr).await;
    assert_ne!(second.key, first.key);
    let info = connection.info(None).await.unwrap();
    assert_eq!(info.enclave_key, second.key);
    assert!(info.key_changed, "a new key after a restart is reported");
    assert_eq!(connection.epoch(), 2);
    tokio::task::spawn_blocking(move || second.runtime.shutdown_background())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_carry_the_enclave_code_on_both_transports() {
    let served = serve_async("127.0.0.1:0".parse().unwrap()).await;
    let tcp = EnclaveConnection::remote(EnclaveAddr::Tcp(served.addr), quick()).unwrap();
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let local = simulated.connection();
    for connection in [&tcp, &local] {
        let error = connection
            .update_client(
                B256::repeat_byte(1),
                ClientState {
                    network_config_hash: B256::repeat_byte(2),
                    store: Bytes::new(),
                },
                vec![],
                Some(LcObject::Json(serde_json::json!({}))),
            )
            .await
            .unwrap_err();
        assert_eq!(
            error.refusal_code(),
            Some("network_config_mismatch"),
            "{error}"
        );
        // The connection stays usable after a refusal.
        connection.info(None).await.unwrap();
    }
    assert_eq!(tcp.epoch(), 1);
    tokio::task::spawn_blocking(move || served.runtime.shutdown_background())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_enclave_fails_after_the_configured_attempts() {
    // Bind then drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let connection = EnclaveConnection::remote(
        EnclaveAddr::Tcp(port),
        ConnectionOptions {
            connect_attempts: 3,
            backoff: Duration::from_millis(10),
            ..ConnectionOptions::default()
        },
    )
    .unwrap();
    let error = connection.info(None).await.unwrap_err();
    assert!(
        matches!(error, EnclaveError::Connect { attempts: 3, .. }),
        "{error}"
    );
    assert!(error.is_unreachable());
    assert!(matches!(
        EnclaveConnection::remote(EnclaveAddr::InProcess, quick()),
        Err(EnclaveError::InProcessNotConnectable)
    ));
}
