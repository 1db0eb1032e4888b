//! The data-source layer against recorded real data served over HTTP by two fixture servers:
//! fallback, retries, timeouts and demotion observed through the `endpoint` of each answer, and
//! the enclave's verdict on tampered data fed back with `report_rejected`.

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256};
use lcp_client::claims::{ClaimBuildError, transaction_item_from_beacon_block};
use lcp_client::sources::error::SszProblem;
use lcp_client::sources::{BeaconClient, ExecutionClient, SourceError, SourceOptions, Sourced};
use lcp_enclave::light_client::config::ChainSpec;
use lcp_enclave::service::ServiceError;
use lcp_enclave::service::protocol::{ClaimItem, LcObject, Request, Response};
use lcp_enclave::spv::account::AccountProof;
use lcp_enclave::spv::{SealedExecutionHeader, SpvError, verify_account_proof};
use lcp_tests::fixture_server::{
    CAPELLA_TRUSTED_ROOT, EXECUTION_BLOCK, FINALIZED_SLOT, Faults, FixtureServer,
};
use lcp_tests::inproc_enclave::{HarnessError, init, start_mainnet_enclave, update};
use std::time::{Duration, Instant};

const DEPOSIT_CONTRACT: &str = "0x00000000219ab540356cbb839cbe05303d7705fa";

fn options() -> SourceOptions {
    SourceOptions {
        timeout: Duration::from_millis(800),
        max_attempts: 2,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(20),
        demotion: Duration::from_secs(600),
    }
}

async fn two_servers() -> (FixtureServer, FixtureServer) {
    (
        FixtureServer::start().await.unwrap(),
        FixtureServer::start().await.unwrap(),
    )
}

fn beacon(a: &FixtureServer, b: &FixtureServer) -> BeaconClient {
    BeaconClient::new(vec![a.url(), b.url()], options()).unwrap()
}

fn execution(a: &FixtureServer, b: &FixtureServer) -> ExecutionClient {
    ExecutionClient::new(vec![a.url(), b.url()], options())
        .unwrap()
        .with_chain_id(1)
}

fn order(client_order: Vec<lcp_client::sources::EndpointId>) -> Vec<usize> {
    client_order.iter().map(|e| e.index()).collect()
}

fn trusted_root() -> B256 {
    CAPELLA_TRUSTED_ROOT.parse().unwrap()
}

fn json_version(object: &LcObject) -> &str {
    match object {
        LcObject::Json(value) => value["version"].as_str().unwrap(),
        LcObject::Ssz { .. } => panic!("expected JSON"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_endpoints_serve_real_light_client_data_from_the_first() {
    let (a, b) = two_servers().await;
    let client = beacon(&a, &b);
    let bootstrap = client.bootstrap(trusted_root()).await.unwrap();
    assert_eq!(bootstrap.endpoint.index(), 0);
    assert_eq!(json_version(&bootstrap.value), "capella");
    let updates = client.updates(862, 6).await.unwrap();
    assert_eq!(updates.value.len(), 6);
    let two = client.updates(866, 8).await.unwrap();
    assert_eq!(two.value.len(), 2, "periods 866 and 867 only are recorded");
    let finality = client.finality_update().await.unwrap();
    assert_eq!(json_version(&finality.value), "capella");
    let optimistic = client.optimistic_update().await.unwrap();
    assert_eq!(optimistic.endpoint.index(), 0);
    let block = client.block(&FINALIZED_SLOT.to_string()).await.unwrap();
    assert_eq!(
        block.value["data"]["message"]["slot"].as_str(),
        Some("7109344")
    );
    assert_eq!(
        b.requests(),
        Vec::<String>::new(),
        "the second endpoint was never asked"
    );
    assert_eq!(a.requests().len(), 6);
    // A count above MAX_REQUEST_LIGHT_CLIENT_UPDATES is refused before asking.
    assert!(matches!(
        client.updates(862, 129).await,
        Err(SourceError::InvalidRequest {
            parameter: "count",
            value: 129,
            max: 128,
            ..
        })
    ));
    assert!(matches!(
        client.block("../../admin").await,
        Err(SourceError::InvalidRequest {
            parameter: "block_id",
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_endpoint_is_retried_then_left_and_demoted() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        status: Some(500),
        ..Faults::default()
    });
    let client = beacon(&a, &b);
    let finality = client.finality_update().await.unwrap();
    assert_eq!(finality.endpoint.index(), 1);
    // max_attempts = 2 tries at the failing endpoint, then one at the next.
    assert_eq!(a.requests().len(), 2);
    assert_eq!(b.requests().len(), 1);
    assert_eq!(order(client.pool().order()), vec![1, 0]);
    // The demoted endpoint is not asked while the healthy one answers.
    let again = client.optimistic_update().await.unwrap();
    assert_eq!(again.endpoint.index(), 1);
    assert_eq!(a.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finality_update_each_asks_every_endpoint_without_fallback() {
    let (a, b) = two_servers().await;
    b.set_faults(Faults {
        status: Some(500),
        ..Faults::default()
    });
    let client = beacon(&a, &b);
    let each = client.finality_update_each().await;
    assert_eq!(each.len(), 2);
    assert_eq!(each[0].as_ref().unwrap().endpoint.index(), 0);
    match &each[1] {
        Err(SourceError::AllFailed { errors, .. }) => {
            assert_eq!(errors.len(), 2, "retried at the failing endpoint");
            assert!(errors.iter().all(|e| matches!(e, SourceError::Status { status: 500, endpoint, .. } if endpoint.index() == 1)));
        }
        other => panic!("expected AllFailed, got {other:?}"),
    }
    assert_eq!(a.requests().len(), 1);
    assert_eq!(order(client.pool().order()), vec![0, 1]);
    // Endpoints can be found back by the URL an answer reported.
    let first = each[0].as_ref().unwrap().endpoint.clone();
    assert_eq!(client.endpoint(first.url()), Some(first));
    assert_eq!(client.endpoint("http://elsewhere.test/"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transient_failure_recovers_at_the_same_endpoint() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        status: Some(503),
        status_times: Some(1),
        ..Faults::default()
    });
    let client = beacon(&a, &b);
    let finality = client.finality_update().await.unwrap();
    assert_eq!(finality.endpoint.index(), 0);
    assert_eq!(a.requests().len(), 2, "one failure, one successful retry");
    assert_eq!(order(client.pool().order()), vec![0, 1]);
    assert_eq!(client.pool().health()[0].consecutive_failures, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overloaded_endpoint_is_retried_after_its_retry_after() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        status: Some(429),
        retry_after: Some(2),
        ..Faults::default()
    });
    let client = BeaconClient::new(vec![a.url(), b.url()], options()).unwrap();
    let finality = client.finality_update().await.unwrap();
    assert_eq!(finality.endpoint.index(), 1);
    let only_a = BeaconClient::new(vec![a.url()], options()).unwrap();
    match only_a.finality_update().await {
        Err(SourceError::AllFailed { errors, .. }) => {
            assert_eq!(errors.len(), 2, "throttling is retried");
            assert!(errors.iter().all(|e| matches!(
                e,
                SourceError::Throttled { status: 429, retry_after, .. }
                    if *retry_after == Duration::from_secs(2)
            )));
        }
        other => panic!("expected AllFailed, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_endpoint_times_out_and_the_next_answers() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        stall: Some(Duration::from_secs(5)),
        ..Faults::default()
    });
    let client = beacon(&a, &b);
    let started = Instant::now();
    let bootstrap = client.bootstrap(trusted_root()).await.unwrap();
    assert_eq!(bootstrap.endpoint.index(), 1);
    // Two timed-out tries of 800 ms plus backoff, far below the 5 s stall.
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(order(client.pool().order()), vec![1, 0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_no_node_has_is_not_found_everywhere_and_demotes_nobody() {
    let (a, b) = two_servers().await;
    let client = beacon(&a, &b);
    let unknown = B256::repeat_byte(0x11);
    match client.bootstrap(unknown).await {
        Err(SourceError::AllFailed { request, errors }) => {
            assert_eq!(
                request,
                format!("/eth/v1/beacon/light_client/bootstrap/{unknown}")
            );
            assert_eq!(errors.len(), 2, "404 is not retried");
            for (error, index) in errors.iter().zip([0, 1]) {
                assert!(
                    matches!(error, SourceError::Status { status: 404, endpoint, .. } if endpoint.index() == index),
                    "{error:?}"
                );
            }
        }
        other => panic!("expected AllFailed, got {other:?}"),
    }
    assert_eq!(order(client.pool().order()), vec![0, 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_update_is_rejected_by_the_enclave_and_its_endpoint_demoted() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        tamper_update: Some(2),
        ..Faults::default()
    });
    let client = beacon(&a, &b);
    let enclave = start_mainnet_enclave().unwrap();
    let bootstrap = client.bootstrap(trusted_root()).await.unwrap();
    let state = init(&enclave, trusted_root(), bootstrap.value).unwrap();

    let updates = client.updates(862, 6).await.unwrap();
    assert_eq!(updates.endpoint.index(), 0);
    let refused = update(&enclave, &state, updates.value, None).unwrap_err();
    let HarnessError::Refused(ServiceError::Update { index, .. }) = &refused else {
        panic!("expected a refused update, got {refused:?}");
    };
    assert_eq!(*index, 2, "the enclave names the tampered update");
    client.report_rejected(updates.endpoint.clone(), &refused.to_string());
    assert_eq!(order(client.pool().order()), vec![1, 0]);
    assert_eq!(client.pool().health()[0].rejections, 1);

    // The next fetch comes from the healthy endpoint, and the enclave accepts it.
    let updates = client.updates(862, 6).await.unwrap();
    assert_eq!(updates.endpoint.index(), 1);
    let finality = client.finality_update().await.unwrap();
    assert_eq!(finality.endpoint.index(), 1);
    let synced = update(&enclave, &state, updates.value, Some(finality.value)).unwrap();
    assert_eq!(synced.applied, 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssz_updates_are_split_by_fork_digest_and_accepted_by_the_enclave() {
    let (a, b) = two_servers().await;
    let client = beacon(&a, &b).with_ssz(ChainSpec::mainnet());
    let updates = client.updates(862, 6).await.unwrap();
    assert_eq!(updates.value.len(), 6);
    for object in &updates.value {
        assert!(
            matches!(object, LcObject::Ssz { fork, bytes } if fork == "capella" && !bytes.is_empty())
        );
    }
    // The fixture serves single objects as JSON only: the client takes JSON when it gets JSON.
    let bootstrap = client.bootstrap(trusted_root()).await.unwrap();
    assert_eq!(json_version(&bootstrap.value), "capella");
    let finality = client.finality_update().await.unwrap();
    let enclave = start_mainnet_enclave().unwrap();
    let state = init(&enclave, trusted_root(), bootstrap.value).unwrap();
    let synced = update(&enclave, &state, updates.value, Some(finality.value)).unwrap();
    assert_eq!(synced.applied, 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssz_with_foreign_fork_digests_is_refused() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        foreign_fork_digest: true,
        ..Faults::default()
    });
    let client = beacon(&a, &b).with_ssz(ChainSpec::mainnet());
    let updates = client.updates(862, 6).await.unwrap();
    assert_eq!(updates.endpoint.index(), 1);
    assert_eq!(
        a.requests(),
        vec![
            "GET /eth/v1/beacon/genesis".to_owned(),
            "GET /eth/v1/beacon/light_client/updates?start_period=862&count=6".to_owned()
        ],
        "a framing error is not retried"
    );
    assert_eq!(order(client.pool().order()), vec![1, 0]);
    // With only the misconfigured endpoint, the error names the digest.
    let only_a = BeaconClient::new(vec![a.url()], options())
        .unwrap()
        .with_ssz(ChainSpec::mainnet());
    match only_a.updates(862, 1).await {
        Err(SourceError::AllFailed { errors, .. }) => assert!(matches!(
            errors.as_slice(),
            [SourceError::Ssz {
                problem: SszProblem::UnknownForkDigest { index: 0, .. },
                ..
            }]
        )),
        other => panic!("expected AllFailed, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_beacon_node_of_another_network_is_refused_by_its_genesis_root() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        other_network: true,
        ..Faults::default()
    });
    let mainnet = ChainSpec::mainnet().genesis_validators_root;
    let client = beacon(&a, &b).with_genesis_validators_root(mainnet);
    let finality = client.finality_update().await.unwrap();
    assert_eq!(finality.endpoint.index(), 1);
    assert_eq!(a.requests(), vec!["GET /eth/v1/beacon/genesis".to_owned()]);
    assert_eq!(order(client.pool().order()), vec![1, 0]);
    // The check is made once per endpoint.
    client.optimistic_update().await.unwrap();
    assert_eq!(
        b.requests()
            .iter()
            .filter(|r| r.ends_with("/genesis"))
            .count(),
        1
    );
    let only_a = BeaconClient::new(vec![a.url()], options())
        .unwrap()
        .with_genesis_validators_root(mainnet);
    match only_a.bootstrap(trusted_root()).await {
        Err(SourceError::AllFailed { errors, .. }) => assert!(matches!(
            errors.as_slice(),
            [SourceError::WrongNetwork { got, expected, .. }]
                if *got == ChainSpec::sepolia().genesis_validators_root && *expected == mainnet
        )),
        other => panic!("expected AllFailed, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_endpoints_use_rustls_and_a_plain_http_server_fails_the_handshake() {
    let (a, b) = two_servers().await;
    let mut https = a.url();
    https.set_scheme("https").unwrap();
    let client = BeaconClient::new(vec![https, b.url()], options()).unwrap();
    let finality = client.finality_update().await.unwrap();
    assert_eq!(finality.endpoint.index(), 1);
    let only_https = {
        let mut url = a.url();
        url.set_scheme("https").unwrap();
        BeaconClient::new(vec![url], options()).unwrap()
    };
    match only_https.finality_update().await {
        Err(SourceError::AllFailed { errors, .. }) => {
            assert_eq!(errors.len(), 2, "transport failures are retried");
            assert!(
                errors
                    .iter()
                    .all(|e| matches!(e, SourceError::Transport { .. })),
                "{errors:?}"
            );
        }
        other => panic!("expected AllFailed, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_beacon_block_fails_its_block_hash_and_the_next_endpoint_is_used() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        tamper_block_transaction: Some(3),
        ..Faults::default()
    });
    let client = beacon(&a, &b);
    let block = client.block("finalized").await.unwrap();
    assert_eq!(block.endpoint.index(), 0);
    let error = transaction_item_from_beacon_block(&block.value, 3).unwrap_err();
    assert!(
        matches!(
            error,
            ClaimBuildError::Spv {
                source: SpvError::BlockHashMismatch {
                    number: 17_923_026,
                    ..
                },
                ..
            }
        ),
        "{error:?}"
    );
    client.report_rejected(block.endpoint, &error.to_string());
    let block = client.block("finalized").await.unwrap();
    assert_eq!(block.endpoint.index(), 1);
    let item = transaction_item_from_beacon_block(&block.value, 3).unwrap();
    assert!(matches!(
        item,
        ClaimItem::Transaction {
            transaction_index: 3,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execution_answers_are_the_recorded_real_ones() {
    let (a, b) = two_servers().await;
    let client = execution(&a, &b);
    assert_eq!(
        client.chain_id().await.unwrap(),
        Sourced {
            value: 1,
            endpoint: client.pool().endpoints()[0].clone()
        }
    );
    let block = client
        .block_by_number(EXECUTION_BLOCK, false)
        .await
        .unwrap();
    let header = SealedExecutionHeader::from_rpc_json(&block.value).unwrap();
    assert_eq!(header.header().number, EXECUTION_BLOCK);
    let receipts = client.block_receipts(EXECUTION_BLOCK).await.unwrap();
    assert_eq!(receipts.value.as_array().unwrap().len(), 202);
    let hash: B256 = receipts.value[5]["transactionHash"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let receipt = client.transaction_receipt(hash).await.unwrap();
    assert_eq!(receipt.value, receipts.value[5]);
    let address: Address = DEPOSIT_CONTRACT.parse().unwrap();
    let proof = client
        .get_proof(address, &[B256::with_last_byte(1)], EXECUTION_BLOCK)
        .await
        .unwrap();
    let parsed = AccountProof::from_rpc_json(&proof.value).unwrap();
    verify_account_proof(header.header().state_root, &parsed).unwrap();
    assert_eq!(b.requests(), Vec::<String>::new());

    // Unknown objects: null everywhere; a JSON-RPC error is the node's fault.
    match client.block_by_number(1, false).await {
        Err(SourceError::AllFailed { errors, .. }) => {
            assert!(
                errors
                    .iter()
                    .all(|e| matches!(e, SourceError::NotFound { .. }))
            );
        }
        other => panic!("expected AllFailed, got {other:?}"),
    }
    match client.block_by_number(EXECUTION_BLOCK, true).await {
        Err(SourceError::AllFailed { errors, .. }) => assert!(matches!(
            errors.as_slice(),
            [
                SourceError::JsonRpc { code: -32000, .. },
                SourceError::JsonRpc { code: -32000, .. }
            ]
        )),
        other => panic!("expected AllFailed, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_execution_node_of_another_chain_is_refused_and_demoted() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        other_network: true,
        ..Faults::default()
    });
    let client = execution(&a, &b);
    let receipts = client.block_receipts(EXECUTION_BLOCK).await.unwrap();
    assert_eq!(receipts.endpoint.index(), 1);
    assert_eq!(
        a.requests(),
        vec!["POST /".to_owned()],
        "only eth_chainId asked"
    );
    assert_eq!(order(client.pool().order()), vec![1, 0]);
    let only_a = ExecutionClient::new(vec![a.url()], options())
        .unwrap()
        .with_chain_id(1);
    match only_a.block_receipts(EXECUTION_BLOCK).await {
        Err(SourceError::AllFailed { errors, .. }) => assert!(matches!(
            errors.as_slice(),
            [SourceError::WrongChain {
                got: 11_155_111,
                expected: 1,
                ..
            }]
        )),
        other => panic!("expected AllFailed, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_proof_node_fails_spv_and_the_endpoint_is_demoted() {
    let (a, b) = two_servers().await;
    a.set_faults(Faults {
        tamper_proof_node: Some(3),
        ..Faults::default()
    });
    let client = execution(&a, &b);
    let block = client
        .block_by_number(EXECUTION_BLOCK, false)
        .await
        .unwrap();
    let state_root = SealedExecutionHeader::from_rpc_json(&block.value)
        .unwrap()
        .header()
        .state_root;
    let address: Address = DEPOSIT_CONTRACT.parse().unwrap();
    let slots = [B256::with_last_byte(1)];
    let proof = client
        .get_proof(address, &slots, EXECUTION_BLOCK)
        .await
        .unwrap();
    assert_eq!(proof.endpoint.index(), 0);
    let parsed = AccountProof::from_rpc_json(&proof.value).unwrap();
    let error = verify_account_proof(state_root, &parsed).unwrap_err();
    client.report_rejected(proof.endpoint, &error.to_string());
    let proof = client
        .get_proof(address, &slots, EXECUTION_BLOCK)
        .await
        .unwrap();
    assert_eq!(proof.endpoint.index(), 1);
    let parsed = AccountProof::from_rpc_json(&proof.value).unwrap();
    verify_account_proof(state_root, &parsed).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_above_the_body_limit_are_refused() {
    let (a, b) = two_servers().await;
    // The receipts answer is ~600 KB; the block header answer ~21 KB.
    let client = execution(&a, &b).with_max_body(100_000);
    match client.block_receipts(EXECUTION_BLOCK).await {
        Err(SourceError::AllFailed { errors, .. }) => {
            assert!(
                errors.iter().all(
                    |e| matches!(e, SourceError::BodyTooLarge { max: 100_000, request, .. } if request == "eth_getBlockReceipts")
                ),
                "{errors:?}"
            );
        }
        other => panic!("expected AllFailed, got {other:?}"),
    }
    let block = client
        .block_by_number(EXECUTION_BLOCK, false)
        .await
        .unwrap();
    assert!(block.value.is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_enclave_signs_a_transaction_claim_built_from_fetched_data() {
    let (a, b) = two_servers().await;
    let client = beacon(&a, &b);
    let enclave = start_mainnet_enclave().unwrap();
    let bootstrap = client.bootstrap(trusted_root()).await.unwrap();
    let state = init(&enclave, trusted_root(), bootstrap.value).unwrap();
    let updates = client.updates(862, 6).await.unwrap();
    let finality = client.finality_update().await.unwrap();
    let synced = update(&enclave, &state, updates.value, Some(finality.value)).unwrap();
    let block = client.block(&FINALIZED_SLOT.to_string()).await.unwrap();
    let item = transaction_item_from_beacon_block(&block.value, 0).unwrap();
    let (sealed, _) = lcp_client::claims::beacon_block_execution(&block.value).unwrap();
    let response = enclave
        .handle(Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state,
            block_hash: sealed.hash(),
            claims: vec![item],
            batch: false,
        })
        .unwrap();
    let Response::Claims { messages } = response else {
        panic!("expected Claims, got {response:?}");
    };
    assert_eq!(messages.len(), 1);
}
