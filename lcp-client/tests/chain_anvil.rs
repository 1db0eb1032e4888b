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
use lcp_enclave::spv::payload::payload_of_beacon_block;
use lcp_enclave::spv::transaction::transactions_trie;
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

/// The `Transaction` claim item of transaction `index` of the finalized beacon block's payload.
fn transaction_item(index: u64) -> (ClaimItem, B256) {
    let block = json(&format!("{CAPELLA}/beacon_blocks/{FINALIZED_SLOT}.json"));
    let (payload, _) = payload_of_beacon_block(&block).unwrap();
    // Capella: no parent beacon root, no requests in the header.
    let sealed = payload.verify_block_hash(None, None).unwrap();
    let trie = transactions_trie(&payload.transactions, Some(index)).unwrap();
    let item = ClaimItem::Transaction {
        header_rlp: Bytes::from(sealed.header().encode_rlp().unwrap()),
        transaction_index: index,
        transaction: payload.transactions[index as usize].clone(),
        proof: trie.proof().unwrap().to_vec(),
    };
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
    assert!(registration.outcome.gas_used < TX_GAS_CAP);
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
        let sent = chain.verify_transaction_tx(message).await.unwrap();
        assert!(
            sent.gas_used > 21_000 && sent.gas_used < 100_000,
            "{sent:?}"
        );
        eprintln!("verifyTransaction (tx {index}): {} gas", sent.gas_used);
    }
    assert_eq!(
        messages[0].message.get(1).copied(),
        Some(u8::from(MessageType::TransactionClaim))
    );

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
    let _: Address = operator;
}
