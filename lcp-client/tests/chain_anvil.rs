//! `lcp_client::chain` against a real anvil (Osaka rules, EIP-7825 cap enforced) and the real
//! contracts deployed from the checked-in artifacts: a simulated-NSM enclave registers its key in
//! one transaction, the light client is initialised from the real mainnet Capella checkpoint and
//! updated through six real periods plus finality (one signed `UpdateState`), and real
//! transactions of the finalized block 17923026 are proven on chain. Every signed message is also
//! checked by the Rust reference verifier.
//!
//! Without anvil the test prints a skip notice, unless `CI` is set: then it fails.

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, Bytes};
use attestation_verifier::message::binding;
use attestation_verifier::message::client::{Client, UpdateOutcome};
use attestation_verifier::message::verify::RegisteredKey;
use attestation_verifier::message::{Domain, MessageType, TransactionClaim, decode_message};
use attestation_verifier::time::UnixSeconds;
use lcp_client::chain::anvil::{self, Anvil};
use lcp_client::chain::{ChainError, DeployConfig, LcpChain, Signed, TX_GAS_CAP};
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::simulated::{Clock, SimulatedNsm};
use lcp_enclave::service::protocol::{
    ClaimItem, ClientState, LcObject, Request, Response, SignedMessage,
};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom};
use lcp_enclave::state_id::network_config_hash;
use serde_json::Value;
use std::path::PathBuf;

const TRUSTED_ROOT: &str = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
const CAPELLA: &str = "mainnet/lightclient/capella_p862-867";
/// The execution block the bundled finality update finalizes.
const FINALIZED_BLOCK: u64 = 17_923_026;
const FINALIZED_SLOT: u64 = 7_109_344;

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(relative)
}

fn json(relative: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(relative)).unwrap()).unwrap()
}

/// Anvil, or `None` with a notice (a failure under CI).
fn anvil_or_skip(test: &str) -> Option<Anvil> {
    match Anvil::spawn() {
        Ok(anvil) => Some(anvil),
        Err(ChainError::AnvilNotFound) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "SKIPPED {test}: anvil not found (run `bash scripts/install-toolchain.sh` or set ANVIL)"
            );
            None
        }
        Err(error) => panic!("{test}: anvil is required here: {error}"),
    }
}

fn expect(response: Response) -> (ClientState, B256, SignedMessage) {
    match response {
        Response::ClientUpdated {
            client_state,
            state_id,
            update,
            ..
        } => (client_state, state_id, update),
        other => panic!("expected ClientUpdated, got {other:?}"),
    }
}

/// The `Transaction` claim item of transaction `index` of the finalized beacon block, as the
/// relayer builds it (`lcp_client::claims`), and the block hash.
fn transaction_item(index: u64) -> (ClaimItem, B256) {
    let block = json(&format!("{CAPELLA}/beacon_blocks/{FINALIZED_SLOT}.json"));
    let (sealed, _) = lcp_client::claims::beacon_block_execution(&block).unwrap();
    let item = lcp_client::claims::transaction_item_from_beacon_block(&block, index).unwrap();
    (item, sealed.hash())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_initialize_update_and_verify_real_transactions_on_anvil() {
    let Some(anvil) =
        anvil_or_skip("register_initialize_update_and_verify_real_transactions_on_anvil")
    else {
        return;
    };
    let deployer = anvil::dev_signer(0).unwrap();
    let operator = deployer.address();

    // The enclave's identity: simulated NSM on the system clock (anvil's clock too).
    let nsm = SimulatedNsm::random(Clock::System).unwrap();
    let root_der = nsm.root_der().to_vec();
    let pcr = |i: u64| nsm.pcrs().iter().find(|(j, _)| *j == i).unwrap().1.clone();
    let measurement = binding::measurement(&pcr(0), &pcr(1), &pcr(2), Some(&pcr(8))).unwrap();
    let spec = ChainSpec::mainnet();
    let policy = BridgePolicy::two_thirds::<Mainnet>();
    let config_hash = network_config_hash(&spec, &policy);
    let trusted_root: B256 = TRUSTED_ROOT.parse().unwrap();

    let mut config = DeployConfig::new(config_hash, trusted_root);
    config.root_der = root_der;
    config.measurements = vec![measurement];
    config.operators = vec![operator];
    let (chain, deployment) = LcpChain::deploy(&anvil.endpoint(), deployer, &config)
        .await
        .unwrap();
    assert_eq!(deployment.chain_id, anvil::ANVIL_CHAIN_ID);
    assert_eq!(chain.client_address(), deployment.client);
    // verifier, client, setMeasurement, setOperator.
    assert_eq!(deployment.transactions.len(), 4);
    for t in &deployment.transactions {
        assert!(
            t.outcome.gas_used > 21_000 && t.outcome.gas_used <= TX_GAS_CAP,
            "{t:?}"
        );
    }
    let domain = chain.domain();
    assert_eq!(
        domain,
        Domain {
            chain_id: anvil::ANVIL_CHAIN_ID,
            client: deployment.client
        }
    );

    // `connect` finds the deployed client, and refuses an address without code.
    let reconnected = LcpChain::connect(
        &anvil.endpoint(),
        anvil::dev_signer(1).unwrap(),
        deployment.client,
    )
    .await
    .unwrap();
    assert_eq!(reconnected.domain().client, deployment.client);
    assert!(matches!(
        LcpChain::connect(&anvil.endpoint(), anvil::dev_signer(1).unwrap(), Address::repeat_byte(9)).await,
        Err(ChainError::NoContract { address }) if address == Address::repeat_byte(9)
    ));

    let fresh = chain.state().await.unwrap();
    assert!(!fresh.is_initialized());
    assert_eq!(fresh.trusted_root, trusted_root);
    assert_eq!(fresh.network_config_hash, config_hash);
    assert_eq!(fresh.threshold, 1);
    assert!(fresh.keys.is_empty());

    let enclave = Enclave::start(
        Box::new(OsRandom(nsm)),
        EnclaveConfig {
            spec,
            policy,
            operator,
            domain,
        },
    )
    .unwrap();
    let Response::Info {
        enclave_key,
        attestation,
        ..
    } = enclave.handle(Request::Info { nonce: None }).unwrap()
    else {
        panic!("Info answered otherwise")
    };

    // Registration: one transaction, under the EIP-7825 cap.
    let registration = chain.register_enclave_key(&attestation).await.unwrap();
    assert_eq!(registration.key, enclave_key);
    assert!((10_000_000..TX_GAS_CAP).contains(&registration.outcome.gas_used));
    eprintln!(
        "registerEnclaveKeyWithProofs: {} gas",
        registration.outcome.gas_used
    );
    let record = chain.enclave_key(enclave_key).await.unwrap();
    assert_eq!(record.operator, operator);
    assert!(!record.revoked);

    // Init from the real checkpoint.
    let (state, state_id, init) = expect(
        enclave
            .handle(Request::InitClient {
                network_config_hash: config_hash,
                trusted_block_root: trusted_root,
                bootstrap: LcObject::Json(json(&format!("{CAPELLA}/bootstrap.json"))),
            })
            .unwrap(),
    );
    let initialized = chain.initialize(&init).await.unwrap();
    eprintln!("initialize: {} gas", initialized.gas_used);
    assert!((60_000..120_000).contains(&initialized.gas_used));
    // A second initialisation is refused with the contract's own error.
    let again = chain.initialize(&init).await.unwrap_err();
    assert_eq!(again.revert_name(), Some("AlreadyInitialized"), "{again}");

    // Six periods and finality in ONE signed UpdateState.
    let (state, state_id, update) = expect(
        enclave
            .handle(Request::UpdateClient {
                state_id,
                client_state: state,
                updates: vec![LcObject::Json(json(&format!("{CAPELLA}/updates.json")))],
                finality_update: Some(LcObject::Json(json(&format!("{CAPELLA}/finality.json")))),
            })
            .unwrap(),
    );
    // Replaying the init message as an update breaks continuity.
    let discontinuity = chain.update_state(&init).await.unwrap_err();
    assert_eq!(discontinuity.revert_name(), Some("StateDiscontinuity"));
    let updated = chain.update_state(&update).await.unwrap();
    eprintln!("updateState: {} gas", updated.gas_used);
    assert!((50_000..100_000).contains(&updated.gas_used));

    let onchain = chain.state().await.unwrap();
    assert_eq!(onchain.state_id, state_id);
    assert_eq!(onchain.latest_block_number, FINALIZED_BLOCK);
    assert!(!onchain.frozen);
    assert_eq!(onchain.keys.len(), 1);
    assert_eq!(onchain.live_keys().count(), 1);
    assert_eq!(onchain.keys[0].key, enclave_key);

    // Real transactions of block 17923026: a type-2 one and a legacy one.
    let (item0, block_hash) = transaction_item(0);
    let (item4, _) = transaction_item(4);
    assert_eq!(onchain.latest_block_hash, block_hash);
    assert_eq!(
        chain.block_hash(FINALIZED_BLOCK).await.unwrap(),
        Some(block_hash)
    );
    let Response::Claims { messages } = enclave
        .handle(Request::Verify {
            state_id,
            client_state: state,
            block_hash,
            claims: vec![item0, item4],
            batch: false,
        })
        .unwrap()
    else {
        panic!("expected Claims")
    };
    assert_eq!(messages.len(), 2);

    // The reference client model agrees with the contract on every message.
    let mut reference = Client::new(domain, trusted_root, 1);
    reference.register_key(
        enclave_key,
        RegisteredKey {
            operator,
            expiry: UnixSeconds(record.expiry),
        },
    );
    let now = UnixSeconds(onchain.at_timestamp);
    assert_eq!(
        reference.initialize(&init.message, &init.signature, now),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(
        reference.update_state(&update.message, &update.signature, now),
        Ok(UpdateOutcome::Applied)
    );
    for (message, (index, ty)) in messages.iter().zip([(0u32, 2u8), (4, 0)]) {
        let onchain_claim = chain.verify_transaction(message).await.unwrap();
        let expected: TransactionClaim = decode_message(domain, &message.message).unwrap();
        assert_eq!(onchain_claim, expected);
        assert_eq!(
            reference.verify_transaction(&message.message, &message.signature, now),
            Ok(expected.clone())
        );
        assert_eq!(onchain_claim.blockNumber, FINALIZED_BLOCK);
        assert_eq!(onchain_claim.blockHash, block_hash);
        assert_eq!(onchain_claim.txIndex, index);
        assert_eq!(onchain_claim.txType, ty);
        // Sent as a transaction: directly, and through the type dispatch of `submit_claim`.
        let sent = if index == 0 {
            chain.verify_transaction_tx(message).await.unwrap()
        } else {
            chain.submit_claim(message).await.unwrap()
        };
        // 21k base + ≈ 4k calldata + ≈ 11k execution (ecrecover, two cold reads, decoding).
        assert!((30_000..45_000).contains(&sent.gas_used), "{sent:?}");
        eprintln!("verifyTransaction (tx {index}): {} gas", sent.gas_used);
    }
    assert_eq!(
        messages[0].message.get(1).copied(),
        Some(u8::from(MessageType::TransactionClaim))
    );

    assert!(matches!(
        chain.submit_claim(&update).await,
        Err(ChainError::NotAClaim {
            message_type: Some(1)
        })
    ));
    // The futures are Send (a relayer runs them on a multi-threaded runtime).
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&chain.update_state(&update));
    assert_send(&chain.state());
    assert_send(&chain.register_enclave_key(&attestation));

    // A signature by an unregistered key is refused by name.
    let stranger = SignedMessage {
        message: messages[0].message.clone(),
        signature: {
            let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
            let digest = attestation_verifier::message::signing_digest(&messages[0].message);
            Bytes::copy_from_slice(
                &attestation_verifier::message::sign::sign_digest(&key, digest).unwrap(),
            )
        },
    };
    let refused = chain.verify_transaction(&stranger).await.unwrap_err();
    assert_eq!(refused.revert_name(), Some("UnknownSigner"), "{refused}");
    // Combining one signature is the identity.
    assert_eq!(
        Signed::combine(std::slice::from_ref(&messages[0])).unwrap(),
        Signed::from(&messages[0])
    );
}

/// Signs `body` for `domain` with `key` (the enclave's own signing path, on synthetic bodies: this
/// test exercises the chain API's batch, bridge and misbehaviour paths, which the bundled real data
/// cannot reach; the contract checks every signature all the same).
fn signed<B: attestation_verifier::message::Body>(
    key: &lcp_enclave::enclave_key::EnclaveKey,
    domain: Domain,
    body: &B,
) -> SignedMessage {
    let message = attestation_verifier::message::encode_message(domain, body);
    let signature = key.sign_digest(&attestation_verifier::message::signing_digest(&message));
    SignedMessage {
        message: Bytes::from(message),
        signature: Bytes::copy_from_slice(&signature),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_bridge_release_and_misbehaviour_on_anvil() {
    use alloy_network::TransactionBuilder;
    use alloy_primitives::{U256, keccak256};
    use alloy_provider::Provider;
    use alloy_sol_types::SolValue;
    use attestation_verifier::message::merkle;
    use attestation_verifier::message::{BatchClaims, ReceiptLogClaim, StorageClaim, UpdateState};
    use lcp_client::chain::BridgeSetup;
    use lcp_enclave::enclave_key::EnclaveKey;
    use lcp_enclave::service::protocol::BatchLeaf;

    let Some(anvil) = anvil_or_skip("batches_bridge_release_and_misbehaviour_on_anvil") else {
        return;
    };
    let deployer = anvil::dev_signer(0).unwrap();
    let operator = deployer.address();
    let nsm = SimulatedNsm::random(Clock::System).unwrap();
    let pcr = |i: u64| nsm.pcrs().iter().find(|(j, _)| *j == i).unwrap().1.clone();
    let config_hash = keccak256(b"chain_anvil network config");
    let trusted_root = keccak256(b"chain_anvil trusted root");
    let mut config = DeployConfig::new(config_hash, trusted_root);
    config.root_der = nsm.root_der().to_vec();
    config.measurements =
        vec![binding::measurement(&pcr(0), &pcr(1), &pcr(2), Some(&pcr(8))).unwrap()];
    config.operators = vec![operator];
    config.bridge = BridgeSetup::WithLocalLocker;
    let (chain, deployment) = LcpChain::deploy(&anvil.endpoint(), deployer, &config)
        .await
        .unwrap();
    let bridge = deployment.bridge.unwrap();
    let locker = deployment.locker.unwrap();
    let domain = chain.domain();

    let key = EnclaveKey::generate(&nsm).unwrap();
    let document = key.attest(&nsm, operator, config_hash, None).unwrap();
    assert_eq!(
        chain.register_enclave_key(&document).await.unwrap().key,
        key.address()
    );

    let (block, hash) = (1_000u64, keccak256(b"block 1000"));
    let init = UpdateState {
        prevStateId: B256::ZERO,
        postStateId: keccak256(b"s1"),
        finalizedSlot: 100,
        finalizedBeaconRoot: trusted_root,
        blockNumber: block,
        blockHash: hash,
        stateRoot: keccak256(b"state root"),
        receiptsRoot: keccak256(b"receipts root"),
        timestamp: 1_700_000_000,
    };
    chain.initialize(signed(&key, domain, &init)).await.unwrap();

    // A storage batch: three claims under one signature, verified with proofs and whole.
    let claims: Vec<StorageClaim> = (0u8..3)
        .map(|i| StorageClaim {
            blockNumber: block,
            blockHash: hash,
            account: Address::repeat_byte(0xaa),
            slot: B256::with_last_byte(i),
            value: keccak256([i]),
        })
        .collect();
    let hashes: Vec<B256> = claims.iter().map(merkle::leaf_hash).collect();
    let batch_body = BatchClaims {
        blockNumber: block,
        blockHash: hash,
        leafCount: 3,
        root: merkle::root(&hashes).unwrap(),
    };
    let batch = signed(&key, domain, &batch_body);
    let leaves: Vec<BatchLeaf> = claims
        .iter()
        .zip(merkle::proofs(&hashes).unwrap())
        .zip(0u64..)
        .map(|((claim, proof), index)| BatchLeaf {
            claim_type: u8::from(MessageType::StorageClaim),
            claim: Bytes::from(claim.abi_encode()),
            index,
            proof,
        })
        .collect();
    assert_eq!(
        chain.verify_storage_batch(&batch, &leaves).await.unwrap(),
        batch_body
    );
    assert_eq!(
        chain
            .verify_storage_batch(&batch, &leaves[1..2])
            .await
            .unwrap(),
        batch_body
    );
    assert_eq!(
        chain
            .verify_storage_batch_all(&batch, &leaves)
            .await
            .unwrap(),
        batch_body
    );
    // A receipt-log batch of two logs.
    let logs: Vec<ReceiptLogClaim> = (0u8..2)
        .map(|i| ReceiptLogClaim {
            blockNumber: block,
            blockHash: hash,
            txIndex: 3,
            logIndex: u32::from(i),
            emitter: Address::repeat_byte(0xee),
            topics: vec![keccak256([0x70, i])],
            data: Bytes::from(vec![0xd0; 40]),
        })
        .collect();
    let log_hashes: Vec<B256> = logs.iter().map(merkle::leaf_hash).collect();
    let log_batch_body = BatchClaims {
        blockNumber: block,
        blockHash: hash,
        leafCount: 2,
        root: merkle::root(&log_hashes).unwrap(),
    };
    let log_batch = signed(&key, domain, &log_batch_body);
    let log_leaves: Vec<BatchLeaf> = logs
        .iter()
        .zip(merkle::proofs(&log_hashes).unwrap())
        .zip(0u64..)
        .map(|((claim, proof), index)| BatchLeaf {
            claim_type: u8::from(MessageType::ReceiptLogClaim),
            claim: Bytes::from(claim.abi_encode()),
            index,
            proof,
        })
        .collect();
    assert_eq!(
        chain
            .verify_receipt_log_batch(&log_batch, &log_leaves)
            .await
            .unwrap(),
        log_batch_body
    );
    assert_eq!(
        chain
            .verify_receipt_log_batch_all(&log_batch, &log_leaves)
            .await
            .unwrap(),
        log_batch_body
    );
    // "All" means all: one leaf short is refused.
    let short = chain
        .verify_receipt_log_batch_all(&log_batch, &log_leaves[..1])
        .await
        .unwrap_err();
    assert_eq!(short.revert_name(), Some("IncompleteBatch"), "{short}");

    // A changed value no longer hashes to the signed root.
    let mut forged = leaves.clone();
    let mut claim = claims[2].clone();
    claim.value = B256::repeat_byte(0xff);
    forged[2].claim = Bytes::from(claim.abi_encode());
    let error = chain
        .verify_storage_batch(&batch, &forged)
        .await
        .unwrap_err();
    assert_eq!(error.revert_name(), Some("RootMismatch"), "{error}");
    // A leaf of another type is refused before any call.
    let mut wrong = leaves.clone();
    wrong[0].claim_type = u8::from(MessageType::AccountClaim);
    assert!(matches!(
        chain.verify_storage_batch(&batch, &wrong).await,
        Err(ChainError::LeafType {
            index: 0,
            got: 4,
            expected: 3
        })
    ));

    // The example bridge pays a proven Locked event once.
    let funding = alloy_rpc_types_eth::TransactionRequest::default()
        .with_to(bridge)
        .with_value(U256::from(10u64.pow(18)));
    chain
        .provider()
        .send_transaction(funding)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let recipient = Address::repeat_byte(0x42);
    let amount = U256::from(123_456_789u64);
    let locked = ReceiptLogClaim {
        blockNumber: block,
        blockHash: hash,
        txIndex: 7,
        logIndex: 1,
        emitter: locker,
        topics: vec![
            keccak256(b"Locked(address,uint256,uint256,address)"),
            recipient.into_word(),
        ],
        data: Bytes::from((amount, U256::from(domain.chain_id), bridge).abi_encode_params()),
    };
    let message = signed(&key, domain, &locked);
    assert_eq!(chain.verify_receipt_log(&message).await.unwrap(), locked);
    let (lock_id, release) = chain.bridge_release(bridge, &message).await.unwrap();
    assert_eq!(lock_id, keccak256((hash, 7u32, 1u32).abi_encode_params()));
    eprintln!("ExampleBridge.release: {} gas", release.gas_used);
    assert!((60_000..150_000).contains(&release.gas_used));
    assert_eq!(chain.balance(recipient).await.unwrap(), amount);
    let again = chain.bridge_release(bridge, &message).await.unwrap_err();
    assert_eq!(again.revert_name(), Some("AlreadyReleased"), "{again}");

    // Two signed updates for one block with different hashes freeze the client.
    let conflicting = |tag: &[u8]| UpdateState {
        prevStateId: init.postStateId,
        postStateId: keccak256(tag),
        finalizedSlot: 200,
        finalizedBeaconRoot: keccak256(b"beacon 200"),
        blockNumber: 2_000,
        blockHash: keccak256(tag),
        stateRoot: B256::repeat_byte(1),
        receiptsRoot: B256::repeat_byte(2),
        timestamp: 1_700_001_200,
    };
    let a = signed(&key, domain, &conflicting(b"a"));
    let b = signed(&key, domain, &conflicting(b"b"));
    let no_conflict = chain.submit_misbehaviour(&a, &a).await.unwrap_err();
    assert_eq!(no_conflict.revert_name(), Some("NoConflict"));
    chain.submit_misbehaviour(&a, &b).await.unwrap();
    let state = chain.state().await.unwrap();
    assert!(state.frozen);
    assert_eq!(state.state_id, init.postStateId);
    let frozen = chain.update_state(&a).await.unwrap_err();
    assert_eq!(frozen.revert_name(), Some("ClientFrozen"));
}

/// The receipt wait: a transaction dropped from the pool is re-sent once with the same nonce (and
/// mined once); a transaction that stays pending ends in `ReceiptTimeout` naming its nonce.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_transaction_is_resent_once_with_the_same_nonce() {
    use alloy_primitives::keccak256;
    use alloy_provider::Provider;
    use std::time::Duration;

    let Some(anvil) = anvil_or_skip("a_dropped_transaction_is_resent_once_with_the_same_nonce")
    else {
        return;
    };
    let deployer = anvil::dev_signer(0).unwrap();
    let sender = deployer.address();
    let config = DeployConfig::new(keccak256(b"config"), keccak256(b"root"));
    let (chain, _) = LcpChain::deploy(&anvil.endpoint(), deployer, &config)
        .await
        .unwrap();
    let chain = chain.with_receipt_timeout(Duration::from_millis(1_000));
    let provider = chain.provider().clone();
    let rpc_provider = provider.clone();
    let rpc = move |method: &'static str, params: Value| {
        let provider = rpc_provider.clone();
        async move {
            provider
                .raw_request::<_, Value>(method.into(), params)
                .await
                .unwrap()
        }
    };
    rpc("evm_setAutomine", serde_json::json!([false])).await;
    let nonce = provider.get_transaction_count(sender).await.unwrap();

    // Dropped after 300 ms; blocks are mined only after the first wait (1 s) has expired.
    let background = {
        let rpc = rpc.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            rpc("anvil_dropAllTransactions", serde_json::json!([])).await;
            tokio::time::sleep(Duration::from_millis(1_200)).await;
            for _ in 0..20 {
                rpc("evm_mine", serde_json::json!([])).await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let outcome = chain
        .set_operator(Address::repeat_byte(0x0e), true)
        .await
        .unwrap();
    background.await.unwrap();
    let mined = rpc(
        "eth_getTransactionByHash",
        serde_json::json!([outcome.tx_hash]),
    )
    .await;
    let mined_nonce = u64::from_str_radix(
        mined["nonce"].as_str().unwrap().trim_start_matches("0x"),
        16,
    )
    .unwrap();
    assert_eq!(mined_nonce, nonce);
    assert_eq!(
        provider.get_transaction_count(sender).await.unwrap(),
        nonce + 1
    );

    // Pending and never mined: one more wait, then a typed timeout.
    let error = chain.set_threshold(2).await.unwrap_err();
    assert!(
        matches!(error, ChainError::ReceiptTimeout { nonce: n, .. } if n == nonce + 1),
        "{error}"
    );
}
