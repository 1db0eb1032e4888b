//! Claim items built by `lcp_client::claims` from the bundled real data: a transaction claim of
//! the light client's finalized block (17,923,026) that the real enclave handler signs, and a
//! receipt-log item of block 21,925,176 whose proof verifies against that block's recomputed
//! header with the SPV code (no bundled light-client data finalizes 21,925,176, so that item is
//! checked by plain SPV, never signed as if it were finalized).

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{B256, keccak256};
use attestation_verifier::message::TransactionClaim;
use attestation_verifier::message::encode::decode_message;
use lcp_client::claims::{
    ClaimBuildError, RpcTransactionProblem, account_item, beacon_block_execution, receipt_log_item,
    receipts_root, storage_item, transaction_item_from_beacon_block, transaction_item_from_block,
};
use lcp_enclave::service::ServiceError;
use lcp_enclave::service::protocol::{ClaimItem, LcObject, Request, Response};
use lcp_enclave::spv::account::AccountProof;
use lcp_enclave::spv::{
    ReceiptProof, SealedExecutionHeader, SpvError, verify_account_proof, verify_receipt_proof,
};
use lcp_tests::fixture;
use lcp_tests::fixture_server::{CAPELLA_DIR, CAPELLA_TRUSTED_ROOT, EXECUTION_DIR};
use lcp_tests::inproc_enclave::{HeldState, TEST_DOMAIN, init, start_mainnet_enclave, update};
use serde_json::Value;
use std::sync::OnceLock;

fn json(relative: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(relative)).unwrap()).unwrap()
}

fn finalized_block() -> Value {
    json(&format!("{CAPELLA_DIR}/beacon_blocks/7109344.json"))
}

struct Synced {
    enclave: lcp_enclave::service::Enclave,
    state: HeldState,
}

/// An in-process enclave synced through the six bundled periods and the finality update.
fn synced() -> &'static Synced {
    static SYNCED: OnceLock<Synced> = OnceLock::new();
    SYNCED.get_or_init(|| {
        let enclave = start_mainnet_enclave().unwrap();
        let root: B256 = CAPELLA_TRUSTED_ROOT.parse().unwrap();
        let state = init(
            &enclave,
            root,
            LcObject::Json(json(&format!("{CAPELLA_DIR}/bootstrap.json"))),
        )
        .unwrap();
        let updates = match json(&format!("{CAPELLA_DIR}/updates.json")) {
            Value::Array(items) => items.into_iter().map(LcObject::Json).collect(),
            other => panic!("updates.json: {other}"),
        };
        let finality = LcObject::Json(json(&format!("{CAPELLA_DIR}/finality.json")));
        let state = update(&enclave, &state, updates, Some(finality)).unwrap();
        Synced { enclave, state }
    })
}

#[test]
fn transaction_items_of_the_finalized_beacon_block_are_signed_by_the_enclave() {
    let block = finalized_block();
    let (sealed, transactions) = beacon_block_execution(&block).unwrap();
    assert_eq!(sealed.header().number, 17_923_026);
    let count = transactions.len() as u64;
    let indices = [0, 1, 127, 128, count / 2, count - 1];
    let items: Vec<ClaimItem> = indices
        .iter()
        .map(|&i| transaction_item_from_beacon_block(&block, i).unwrap())
        .collect();
    let synced = synced();
    let response = synced
        .enclave
        .handle(Request::Verify {
            state_id: synced.state.state_id,
            client_state: synced.state.state.clone(),
            block_hash: sealed.hash(),
            claims: items,
            batch: false,
        })
        .unwrap();
    let Response::Claims { messages } = response else {
        panic!("expected Claims, got {response:?}");
    };
    assert_eq!(messages.len(), indices.len());
    for (signed, &index) in messages.iter().zip(&indices) {
        let claim: TransactionClaim = decode_message(TEST_DOMAIN, &signed.message).unwrap();
        assert_eq!(claim.blockNumber, 17_923_026);
        assert_eq!(claim.blockHash, sealed.hash());
        assert_eq!(u64::from(claim.txIndex), index);
        assert_eq!(claim.txHash, keccak256(&transactions[index as usize]));
    }
}

#[test]
fn a_transaction_item_moved_to_another_index_is_refused_by_the_enclave() {
    let block = finalized_block();
    let (sealed, _) = beacon_block_execution(&block).unwrap();
    let item = transaction_item_from_beacon_block(&block, 5).unwrap();
    let ClaimItem::Transaction {
        header_rlp,
        transaction,
        proof,
        ..
    } = item
    else {
        panic!("expected a Transaction item");
    };
    let moved = ClaimItem::Transaction {
        header_rlp,
        transaction_index: 6,
        transaction,
        proof,
    };
    let synced = synced();
    let error = synced
        .enclave
        .handle(Request::Verify {
            state_id: synced.state.state_id,
            client_state: synced.state.state.clone(),
            block_hash: sealed.hash(),
            claims: vec![moved],
            batch: false,
        })
        .unwrap_err();
    assert!(
        matches!(error, ServiceError::Claim { index: 0, .. }),
        "{error:?}"
    );
}

#[test]
fn beacon_block_errors_are_typed() {
    let block = finalized_block();
    let count = beacon_block_execution(&block).unwrap().1.len();
    assert!(matches!(
        transaction_item_from_beacon_block(&block, count as u64),
        Err(ClaimBuildError::TransactionIndex { index, count: c }) if index == count as u64 && c == count
    ));
    let mut tampered = block.clone();
    let fee_recipient = tampered
        .pointer_mut("/data/message/body/execution_payload/fee_recipient")
        .unwrap();
    *fee_recipient = Value::String(format!("0x{}", "00".repeat(20)));
    assert!(matches!(
        transaction_item_from_beacon_block(&tampered, 0),
        Err(ClaimBuildError::Spv {
            source: SpvError::BlockHashMismatch { .. },
            ..
        })
    ));
    let mut unknown = block;
    unknown["version"] = Value::String("capellb".into());
    assert!(matches!(
        transaction_item_from_beacon_block(&unknown, 0),
        Err(ClaimBuildError::UnknownFork { .. })
    ));
}

fn execution_header() -> SealedExecutionHeader {
    SealedExecutionHeader::from_rpc_json(&json(&format!("{EXECUTION_DIR}/block.json"))).unwrap()
}

#[test]
fn receipt_log_items_verify_against_the_recomputed_receipts_root() {
    let receipts = json(&format!("{EXECUTION_DIR}/receipts.json"));
    let header = execution_header();
    assert_eq!(
        receipts_root(&receipts).unwrap(),
        header.header().receipts_root
    );
    let facts = header.facts();
    // Every receipt with logs: first and last log; indices 0, 127, 128 cross the trie's key
    // order boundaries.
    let mut checked = 0;
    for (tx_index, receipt) in receipts.as_array().unwrap().iter().enumerate() {
        let logs = receipt["logs"].as_array().unwrap().len() as u64;
        if logs == 0 || !(tx_index < 3 || [127, 128, 129, 201].contains(&tx_index)) {
            continue;
        }
        for log_index in [0, logs - 1] {
            let item = receipt_log_item(&receipts, tx_index as u64, log_index).unwrap();
            let ClaimItem::ReceiptLog {
                transaction_index,
                receipt: encoded,
                proof,
                log_index: claimed_log,
            } = item
            else {
                panic!("expected a ReceiptLog item");
            };
            assert_eq!(
                (transaction_index, claimed_log),
                (tx_index as u64, log_index)
            );
            let proven = verify_receipt_proof(
                facts.receipts_root,
                &ReceiptProof {
                    transaction_index,
                    receipt: encoded,
                    nodes: proof,
                },
            )
            .unwrap();
            let claim = proven.log_claim(&facts, log_index).unwrap().into_claim();
            let log = &receipt["logs"][log_index as usize];
            assert_eq!(
                claim.emitter,
                log["address"]
                    .as_str()
                    .unwrap()
                    .parse::<alloy_primitives::Address>()
                    .unwrap()
            );
            assert_eq!(claim.block_hash, header.hash());
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} logs checked");
}

#[test]
fn receipt_log_item_errors_are_typed() {
    let receipts = json(&format!("{EXECUTION_DIR}/receipts.json"));
    assert!(matches!(
        receipt_log_item(&receipts, 202, 0),
        Err(ClaimBuildError::TransactionIndex {
            index: 202,
            count: 202
        })
    ));
    let logs = receipts[0]["logs"].as_array().unwrap().len();
    assert!(matches!(
        receipt_log_item(&receipts, 0, logs as u64),
        Err(ClaimBuildError::LogIndex { transaction_index: 0, count, .. }) if count == logs
    ));
    let mut broken = receipts.clone();
    broken[3]["status"] = Value::String("0x2".into());
    assert!(matches!(
        receipt_log_item(&broken, 0, 0),
        Err(ClaimBuildError::Spv {
            what: "receipts",
            ..
        })
    ));
    // A JSON-RPC envelope is accepted as well.
    let envelope = serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": receipts});
    assert_eq!(
        receipt_log_item(&envelope, 0, 0).unwrap(),
        receipt_log_item(&receipts, 0, 0).unwrap()
    );
}

#[test]
fn storage_and_account_items_carry_proofs_that_verify_against_the_state_root() {
    let proof = json(&format!("{EXECUTION_DIR}/proof.json"));
    let state_root = execution_header().header().state_root;
    let ClaimItem::Storage { proof: carried } = storage_item(&proof).unwrap() else {
        panic!("expected a Storage item");
    };
    let parsed = AccountProof::from_rpc_json(&carried).unwrap();
    let proven = verify_account_proof(state_root, &parsed).unwrap();
    assert_eq!(proven.storage().len(), 1);
    let miner = json(&format!("{EXECUTION_DIR}/block_miner_proof.json"));
    let ClaimItem::Account { proof: carried } = account_item(&miner).unwrap() else {
        panic!("expected an Account item");
    };
    verify_account_proof(state_root, &AccountProof::from_rpc_json(&carried).unwrap()).unwrap();
    // Malformed responses are refused when the item is built.
    let mut broken = proof;
    broken["accountProof"] = Value::String("0x".into());
    assert!(matches!(
        storage_item(&broken),
        Err(ClaimBuildError::Spv {
            what: "eth_getProof",
            ..
        })
    ));
}

/// Real Sepolia `eth_getBlockByNumber(…, true)` answers (lodestar prover fixtures): legacy and
/// EIP-1559 transactions re-encoded from their JSON rebuild the real transactions root.
#[test]
fn transaction_items_from_full_transaction_rpc_blocks_rebuild_the_real_root() {
    for name in [
        "eth_getBlock_with_contractCreation",
        "eth_getBlock_with_no_accessList",
    ] {
        let recorded = json(&format!("sepolia/execution/lodestar_prover/{name}.json"));
        let block = &recorded["response"];
        let header = SealedExecutionHeader::from_rpc_json(&block["result"]).unwrap();
        let count = block["result"]["transactions"].as_array().unwrap().len() as u64;
        for index in [0, count / 2, count - 1] {
            let item = transaction_item_from_block(block, index).unwrap();
            let ClaimItem::Transaction {
                header_rlp,
                transaction_index,
                transaction,
                proof,
            } = item
            else {
                panic!("expected a Transaction item");
            };
            assert_eq!(transaction_index, index);
            assert_eq!(
                SealedExecutionHeader::decode_rlp(&header_rlp)
                    .unwrap()
                    .hash(),
                header.hash()
            );
            let hash: B256 = block["result"]["transactions"][index as usize]["hash"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(keccak256(&transaction), hash);
            let proven = lcp_enclave::spv::verify_transaction_proof(
                header.header().transactions_root,
                index,
                &transaction,
                &proof,
            )
            .unwrap();
            assert_eq!(proven.transaction().hash, hash);
        }
    }
}

#[test]
fn rpc_transaction_errors_are_typed() {
    let recorded = json("sepolia/execution/lodestar_prover/eth_getBlock_with_no_accessList.json");
    let mut block = recorded["response"]["result"].clone();
    // A changed value no longer hashes to the reported hash.
    block["transactions"][1]["value"] = Value::String("0x1".into());
    assert!(matches!(
        transaction_item_from_block(&block, 0),
        Err(ClaimBuildError::TransactionHash { index: 1, .. })
    ));
    // A hash-only block (full_txs = false) cannot give transaction bytes.
    let hashes = json(&format!("{EXECUTION_DIR}/block.json"));
    assert!(matches!(
        transaction_item_from_block(&hashes, 0),
        Err(ClaimBuildError::RpcTransaction {
            index: 0,
            problem: RpcTransactionProblem::NotFull
        })
    ));
}
