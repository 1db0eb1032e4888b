//! The devnet beacon generator against the unchanged light client and enclave: synthetic execution
//! blocks through bootstrap, updates across sync-committee periods and finality, the in-process
//! enclave signing a receipt-log claim the reference verifier accepts, exact rejections of tampered
//! data; then the same loop on a real anvil chain with `ExampleLocker` emitting `Locked`.

#![cfg(test)]
// Test code: an overflow or a failed conversion here is a failed test.
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::{SolCall, SolValue, sol};
use attestation_verifier::message::client::{Client, UpdateOutcome};
use attestation_verifier::message::encode::{Domain, decode_message};
use attestation_verifier::message::verify::RegisteredKey;
use attestation_verifier::message::{ReceiptLogClaim, UpdateState};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::light_client::LightClientError;
use lcp_enclave::light_client::bls::KeyCache;
use lcp_enclave::light_client::bridge::{
    BridgePolicy, Outcome, process_bridge_finality_update, process_bridge_update,
};
use lcp_enclave::light_client::config::{ChainSpec, Fork, Minimal};
use lcp_enclave::light_client::decode::{
    bootstrap_from_json, finality_update_from_json, update_from_json,
};
use lcp_enclave::light_client::error::{Branch, HeaderCheck};
use lcp_enclave::light_client::sync::{LightClientStore, initialize_light_client_store};
use lcp_enclave::nsm::SimulatedNsm;
use lcp_enclave::nsm::simulated::Clock;
use lcp_enclave::service::protocol::{
    ClaimItem, ClientState, LcObject, Request, Response, SignedMessage,
};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom, ServiceError};
use lcp_enclave::spv::SpvError;
use lcp_enclave::spv::transaction::transactions_trie;
use lcp_tests::devnet::anvil::{self, Anvil};
use lcp_tests::devnet::payload::ExecutionBlock;
use lcp_tests::devnet::synthetic::{SyntheticBlock, SyntheticChain, SyntheticLog};
use lcp_tests::devnet::{self, Devnet, DevnetError, DevnetRound, period_at_slot};
use serde_json::{Value, json};
use std::path::PathBuf;

const SEED: [u8; 32] = [0x5e; 32];
const OPERATOR: Address = Address::repeat_byte(0x0e);
const DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};
const CURRENT_SLOT: u64 = u64::MAX;

fn policy() -> BridgePolicy {
    BridgePolicy::two_thirds::<Minimal>()
}

fn now() -> UnixSeconds {
    UnixSeconds(1_800_000_000)
}

fn locked_topic() -> B256 {
    keccak256("Locked(address,uint256,uint256,address)")
}

/// A synthetic log like `ExampleLocker`'s `Locked`.
fn locked_log(n: u8) -> SyntheticLog {
    SyntheticLog {
        address: Address::repeat_byte(0x10),
        topics: vec![locked_topic(), B256::left_padding_from(&[0xaa, n])],
        data: Bytes::from(
            (U256::from(n), U256::from(1u64), Address::repeat_byte(0xb0)).abi_encode(),
        ),
    }
}

/// `count` rounds on synthetic blocks (block 2k finalized, 2k+1 attested).
fn synthetic_rounds(devnet: &mut Devnet, count: usize) -> Vec<(DevnetRound, SyntheticBlock)> {
    let mut chain = SyntheticChain::new(devnet.fork());
    (0..count)
        .map(|i| {
            let finalized = chain.next_block(&[locked_log(i as u8)]).unwrap();
            let attested = chain.next_block(&[]).unwrap();
            let round = devnet
                .finalize(
                    &finalized.execution_block().unwrap(),
                    &attested.execution_block().unwrap(),
                )
                .unwrap();
            (round, finalized)
        })
        .collect()
}

fn store_from(spec: &ChainSpec, round: &DevnetRound) -> LightClientStore<Minimal> {
    let bootstrap =
        bootstrap_from_json::<Minimal>(spec, round.bootstrap.as_ref().unwrap()).unwrap();
    let fork = bootstrap.layout.representative_fork();
    initialize_light_client_store(spec, round.trusted_root, bootstrap, fork).unwrap()
}

fn apply(spec: &ChainSpec, store: &mut LightClientStore<Minimal>, round: &DevnetRound) {
    let mut keys = KeyCache::new();
    for update in &round.updates {
        let update = update_from_json::<Minimal>(spec, update).unwrap();
        let outcome =
            process_bridge_update(store, update, CURRENT_SLOT, spec, &policy(), &mut keys).unwrap();
        assert_eq!(outcome, Outcome::Applied);
    }
    let finality = finality_update_from_json::<Minimal>(spec, &round.finality_update).unwrap();
    process_bridge_finality_update(store, finality, CURRENT_SLOT, spec, &policy(), &mut keys)
        .unwrap();
}

/// The light client's verdict on a round's finality update (after `store` processed its updates).
fn finality_verdict(
    spec: &ChainSpec,
    store: &LightClientStore<Minimal>,
    finality_update: &Value,
) -> Result<Outcome, LightClientError> {
    let mut store = store.clone();
    let update = finality_update_from_json::<Minimal>(spec, finality_update)?;
    process_bridge_finality_update(
        &mut store,
        update,
        CURRENT_SLOT,
        spec,
        &policy(),
        &mut KeyCache::new(),
    )
}

fn update_verdict(
    spec: &ChainSpec,
    store: &LightClientStore<Minimal>,
    update: &Value,
) -> Result<Outcome, LightClientError> {
    let mut store = store.clone();
    let update = update_from_json::<Minimal>(spec, update)?;
    process_bridge_update(
        &mut store,
        update,
        CURRENT_SLOT,
        spec,
        &policy(),
        &mut KeyCache::new(),
    )
}

#[test]
fn config_yaml_describes_the_same_network() {
    for fork in [Fork::Deneb, Fork::Electra] {
        let devnet = Devnet::new(SEED, fork).unwrap();
        let parsed = ChainSpec::from_config_yaml(&devnet.config_yaml(), None).unwrap();
        assert_eq!(&parsed, devnet.spec());
        assert_eq!(
            lcp_enclave::state_id::network_config_hash(&parsed, &policy()),
            devnet.network_config_hash(&policy())
        );
        assert_eq!(parsed.fork_at_epoch(0), fork);
    }
    let other = Devnet::new([0x01; 32], Fork::Electra).unwrap();
    let devnet = Devnet::new(SEED, Fork::Electra).unwrap();
    assert_ne!(
        other.genesis_validators_root(),
        devnet.genesis_validators_root()
    );
    assert!(matches!(
        Devnet::new(SEED, Fork::Capella),
        Err(DevnetError::UnsupportedFork {
            fork: Fork::Capella
        })
    ));
}

#[test]
fn light_client_follows_the_devnet_across_periods() {
    for fork in [Fork::Deneb, Fork::Electra] {
        let mut devnet = Devnet::new(SEED, fork).unwrap();
        let rounds = synthetic_rounds(&mut devnet, 7);
        let spec = devnet.spec().clone();
        let mut store = store_from(&spec, &rounds[0].0);
        assert_eq!(store.fork, fork);
        let mut periods = Vec::new();
        for (round, block) in &rounds {
            apply(&spec, &mut store, round);
            let finalized = &store.finalized_header;
            assert_eq!(finalized.beacon_root(), round.finalized.beacon_root);
            assert_eq!(finalized.beacon.slot, round.finalized.slot);
            let hash: B256 = block.block["hash"].as_str().unwrap().parse().unwrap();
            assert_eq!(round.finalized.block_hash, hash);
            let period = period_at_slot(finalized.beacon.slot);
            assert_eq!(
                store.current_sync_committee,
                devnet.validators().committee(period).unwrap()
            );
            assert_eq!(
                store.next_sync_committee,
                devnet.validators().committee(period + 1).unwrap()
            );
            periods.push(period);
        }
        // Two rounds fit in a 64-slot period: seven rounds make three committee hand-overs.
        assert_eq!(periods, vec![0, 0, 1, 1, 2, 2, 3]);
        // Each round finalizes a newer block: the stored finalized block is the last one.
        assert_eq!(
            store.finalized_header.beacon_root(),
            rounds.last().unwrap().0.finalized.beacon_root
        );
    }
}

fn start_enclave(devnet: &Devnet) -> Enclave {
    Enclave::start(
        Box::new(OsRandom(SimulatedNsm::random(Clock::System).unwrap())),
        EnclaveConfig {
            spec: devnet.spec().clone(),
            policy: policy(),
            operator: OPERATOR,
            domain: DOMAIN,
        },
    )
    .unwrap()
}

struct Updated {
    state: ClientState,
    state_id: B256,
    message: Bytes,
    signature: Bytes,
}

fn updated(response: Response) -> Updated {
    match response {
        Response::ClientUpdated {
            client_state,
            state_id,
            update,
            ..
        } => Updated {
            state: client_state,
            state_id,
            message: update.message,
            signature: update.signature,
        },
        other => panic!("expected ClientUpdated, got {other:?}"),
    }
}

fn init(enclave: &Enclave, round: &DevnetRound) -> Updated {
    updated(
        enclave
            .handle(Request::InitClient {
                network_config_hash: enclave.network_config_hash(),
                trusted_block_root: round.trusted_root,
                bootstrap: LcObject::Json(round.bootstrap.clone().unwrap()),
            })
            .unwrap(),
    )
}

fn update_request(from: &Updated, round: &DevnetRound) -> Request {
    Request::UpdateClient {
        state_id: from.state_id,
        client_state: from.state.clone(),
        updates: round.updates.iter().cloned().map(LcObject::Json).collect(),
        finality_update: Some(LcObject::Json(round.finality_update.clone())),
    }
}

fn receipt_log_item(
    receipts: &Value,
    receipts_root: B256,
    tx_index: u64,
    log_index: u64,
) -> ClaimItem {
    devnet::receipt_log_item(receipts, receipts_root, tx_index, log_index).unwrap()
}

fn reference_client(key: Address, trusted_root: B256) -> Client {
    let mut client = Client::new(DOMAIN, trusted_root, 1);
    client.register_key(
        key,
        RegisteredKey {
            operator: OPERATOR,
            expiry: UnixSeconds(u64::MAX),
        },
    );
    client
}

/// An in-process enclave synced through devnet rounds, and the reference client that applied every
/// signed `UpdateState`.
struct Session {
    enclave: Enclave,
    client: Client,
    state: Updated,
}

impl Session {
    /// InitClient + UpdateClient for `rounds`, each `UpdateState` checked and applied by the
    /// reference client.
    fn sync(devnet: &Devnet, rounds: &[DevnetRound]) -> Session {
        let enclave = start_enclave(devnet);
        let mut client = reference_client(enclave.key_address(), rounds[0].trusted_root);
        let mut state = init(&enclave, &rounds[0]);
        assert_eq!(
            client
                .initialize(&state.message, &state.signature, now())
                .unwrap(),
            UpdateOutcome::Applied
        );
        for round in rounds {
            state = updated(enclave.handle(update_request(&state, round)).unwrap());
            client
                .update_state(&state.message, &state.signature, now())
                .unwrap();
            let body: UpdateState = decode_message(DOMAIN, &state.message).unwrap();
            assert_eq!(body.finalizedSlot, round.finalized.slot);
            assert_eq!(body.finalizedBeaconRoot, round.finalized.beacon_root);
            assert_eq!(body.blockNumber, round.finalized.block_number);
            assert_eq!(body.blockHash, round.finalized.block_hash);
            assert_eq!(body.stateRoot, round.finalized.state_root);
            assert_eq!(body.receiptsRoot, round.finalized.receipts_root);
            assert_eq!(client.state_id(), state.state_id);
        }
        Session {
            enclave,
            client,
            state,
        }
    }

    /// The enclave's signed messages for `claims` about `block_hash` (one per claim).
    fn verify(&self, block_hash: B256, claims: Vec<ClaimItem>) -> Vec<SignedMessage> {
        let count = claims.len();
        let response = self
            .enclave
            .handle(Request::Verify {
                state_id: self.state.state_id,
                client_state: self.state.state.clone(),
                block_hash,
                claims,
                batch: false,
            })
            .unwrap();
        let Response::Claims { messages } = response else {
            panic!("expected Claims")
        };
        assert_eq!(messages.len(), count);
        messages
    }

    /// The enclave's `ReceiptLog` claim for the last round's block, checked by the reference client.
    fn receipt_log(
        &self,
        round: &DevnetRound,
        receipts: &Value,
        tx_index: u64,
        log_index: u64,
    ) -> ReceiptLogClaim {
        let item = receipt_log_item(receipts, round.finalized.receipts_root, tx_index, log_index);
        let messages = self.verify(round.finalized.block_hash, vec![item]);
        let claim = self
            .client
            .verify_receipt_log(&messages[0].message, &messages[0].signature, now())
            .unwrap();
        assert_eq!(claim.blockNumber, round.finalized.block_number);
        assert_eq!(claim.blockHash, round.finalized.block_hash);
        claim
    }
}

#[test]
fn enclave_signs_a_receipt_log_of_a_devnet_finalized_block() {
    let mut devnet = Devnet::new(SEED, Fork::Electra).unwrap();
    let rounds = synthetic_rounds(&mut devnet, 3);
    let (last_round, last_block) = rounds.last().unwrap();
    let only: Vec<DevnetRound> = rounds.iter().map(|(r, _)| r.clone()).collect();
    let claim = Session::sync(&devnet, &only).receipt_log(last_round, &last_block.receipts, 0, 0);
    let expected = locked_log(2);
    assert_eq!(claim.emitter, expected.address);
    assert_eq!(claim.topics, expected.topics);
    assert_eq!(claim.data, expected.data);
    assert_eq!(claim.txIndex, 0);
    assert_eq!(claim.logIndex, 0);
    assert_eq!(last_round.finalized.block_number, 5);

    // A claim for a block the state does not hold is refused.
    let enclave = start_enclave(&devnet);
    let state = init(&enclave, &only[0]);
    let err = enclave
        .handle(Request::Verify {
            state_id: state.state_id,
            client_state: state.state,
            block_hash: last_round.finalized.block_hash,
            claims: vec![receipt_log_item(
                &last_block.receipts,
                last_round.finalized.receipts_root,
                0,
                0,
            )],
            batch: false,
        })
        .unwrap_err();
    assert!(matches!(
        err,
        ServiceError::HeaderNotHeld { requested, held }
            if requested == last_round.finalized.block_hash && held == only[0].finalized.block_hash
    ));
}

/// Edits a JSON value in place at a path of object keys / array indices.
fn edit(value: &Value, path: &[&str], f: impl FnOnce(&mut Value)) -> Value {
    let mut copy = value.clone();
    let mut node = &mut copy;
    for key in path {
        node = match key.parse::<usize>() {
            Ok(index) => &mut node[index],
            Err(_) => &mut node[*key],
        };
    }
    f(node);
    copy
}

fn flip_hex_bit(node: &mut Value, byte: usize) {
    let text = node.as_str().unwrap();
    let mut bytes = hex::decode(&text[2..]).unwrap();
    bytes[byte] ^= 0x01;
    *node = Value::from(format!("0x{}", hex::encode(bytes)));
}

#[test]
fn tampered_devnet_data_is_rejected_with_the_exact_error() {
    let mut devnet = Devnet::new(SEED, Fork::Electra).unwrap();
    let rounds = synthetic_rounds(&mut devnet, 2);
    let spec = devnet.spec().clone();
    let (first, second) = (&rounds[0].0, &rounds[1].0);
    let mut store = store_from(&spec, first);
    apply(&spec, &mut store, first);
    assert_eq!(
        finality_verdict(&spec, &store, &second.finality_update),
        Ok(Outcome::Applied)
    );
    let attested_slot = second.attested_slot;
    let signature_slot = second.signature_slot;
    let period = period_at_slot(attested_slot);

    // A valid signature over another block: right encoding, wrong message.
    let foreign = edit(&second.finality_update, &["data", "sync_aggregate"], |a| {
        *a = first.finality_update["data"]["sync_aggregate"].clone();
    });
    assert_eq!(
        finality_verdict(&spec, &store, &foreign),
        Err(LightClientError::InvalidSignature {
            signature_slot,
            period,
            fork: Fork::Electra
        })
    );
    // One flipped bit in the compressed signature: no longer a point of the subgroup.
    let flipped = edit(
        &second.finality_update,
        &["data", "sync_aggregate", "sync_committee_signature"],
        |s| flip_hex_bit(s, 95),
    );
    assert_eq!(
        finality_verdict(&spec, &store, &flipped),
        Err(LightClientError::InvalidSignatureEncoding { signature_slot })
    );
    // One absent member claimed present.
    let bits = edit(
        &second.finality_update,
        &["data", "sync_aggregate", "sync_committee_bits"],
        |b| *b = Value::from("0xffffffff"),
    );
    assert_eq!(
        finality_verdict(&spec, &store, &bits),
        Err(LightClientError::InvalidSignature {
            signature_slot,
            period,
            fork: Fork::Electra
        })
    );
    // A wrong finality branch node.
    let branch = edit(
        &second.finality_update,
        &["data", "finality_branch", "3"],
        |n| flip_hex_bit(n, 0),
    );
    assert_eq!(
        finality_verdict(&spec, &store, &branch),
        Err(LightClientError::InvalidBranch {
            branch: Branch::Finality,
            slot: attested_slot,
            period,
            fork: Fork::Electra
        })
    );
    // A wrong next-sync-committee branch node.
    let branch = edit(
        &second.updates[0],
        &["data", "next_sync_committee_branch", "0"],
        |n| flip_hex_bit(n, 31),
    );
    assert_eq!(
        update_verdict(&spec, &store, &branch),
        Err(LightClientError::InvalidBranch {
            branch: Branch::NextSyncCommittee,
            slot: attested_slot,
            period,
            fork: Fork::Electra
        })
    );
    // The finalized execution header claims another receipts root: its execution branch fails.
    let receipts = edit(
        &second.finality_update,
        &["data", "finalized_header", "execution", "receipts_root"],
        |r| flip_hex_bit(r, 0),
    );
    assert_eq!(
        finality_verdict(&spec, &store, &receipts),
        Err(LightClientError::InvalidHeader {
            slot: second.finalized.slot,
            fork: Fork::Electra,
            check: HeaderCheck::ExecutionBranch
        })
    );
    // The bootstrap: another trusted root, a wrong committee branch.
    let bootstrap = first.bootstrap.clone().unwrap();
    let parsed = bootstrap_from_json::<Minimal>(&spec, &bootstrap).unwrap();
    let wrong_root = B256::repeat_byte(0x77);
    assert_eq!(
        initialize_light_client_store(&spec, wrong_root, parsed, Fork::Electra),
        Err(LightClientError::BootstrapRootMismatch {
            got: first.trusted_root,
            expected: wrong_root
        })
    );
    let bad_branch = edit(
        &bootstrap,
        &["data", "current_sync_committee_branch", "5"],
        |n| flip_hex_bit(n, 7),
    );
    let parsed = bootstrap_from_json::<Minimal>(&spec, &bad_branch).unwrap();
    assert_eq!(
        initialize_light_client_store(&spec, first.trusted_root, parsed, Fork::Electra),
        Err(LightClientError::InvalidBranch {
            branch: Branch::CurrentSyncCommittee,
            slot: first.finalized.slot,
            period: 0,
            fork: Fork::Electra
        })
    );

    // Through the enclave: the same flipped bit fails the request and signs nothing.
    let enclave = start_enclave(&devnet);
    let state = updated(
        enclave
            .handle(update_request(&init(&enclave, first), first))
            .unwrap(),
    );
    let mut request = update_request(&state, second);
    if let Request::UpdateClient {
        updates,
        finality_update,
        ..
    } = &mut request
    {
        updates.clear();
        *finality_update = Some(LcObject::Json(flipped));
    }
    assert!(matches!(
        enclave.handle(request),
        Err(ServiceError::FinalityUpdate(LightClientError::InvalidSignatureEncoding { signature_slot: s }))
            if s == signature_slot
    ));
}

#[test]
fn participation_below_two_thirds_is_refused_by_the_bridge() {
    let mut devnet = Devnet::new(SEED, Fork::Deneb).unwrap();
    let first = synthetic_rounds(&mut devnet, 1).remove(0).0;
    let spec = devnet.spec().clone();
    let mut store = store_from(&spec, &first);
    apply(&spec, &mut store, &first);
    devnet.set_participants(21).unwrap();
    let mut chain = SyntheticChain::new(Fork::Deneb);
    // Continue the synthetic chain past the blocks the first round used.
    let _ = chain.next_block(&[locked_log(0)]).unwrap();
    let _ = chain.next_block(&[]).unwrap();
    let f = chain.next_block(&[]).unwrap().execution_block().unwrap();
    let a = chain.next_block(&[]).unwrap().execution_block().unwrap();
    let round = devnet.finalize(&f, &a).unwrap();
    assert_eq!(
        finality_verdict(&spec, &store, &round.finality_update),
        Err(LightClientError::BelowParticipationThreshold {
            signature_slot: round.signature_slot,
            participants: 21,
            required: 22,
            committee_size: 32
        })
    );
    assert_eq!(
        devnet.set_participants(33),
        Err(DevnetError::Participation {
            participants: 33,
            committee: 32
        })
    );
}

#[test]
fn the_devnet_refuses_execution_blocks_that_do_not_fit() {
    let mut electra = Devnet::new(SEED, Fork::Electra).unwrap();
    let mut chain = SyntheticChain::new(Fork::Electra);
    let a = chain.next_block(&[]).unwrap();
    let b = chain.next_block(&[]).unwrap();
    let c = chain.next_block(&[]).unwrap();
    // A field edited after hashing: the header no longer hashes to `hash`.
    let tampered = edit(&a.block, &["gasUsed"], |g| *g = Value::from("0x5209"));
    assert!(matches!(
        ExecutionBlock::from_rpc(&tampered, a.raw_transactions.clone()),
        Err(DevnetError::Spv(e)) if matches!(*e, SpvError::BlockHashMismatch { number: 1, .. })
    ));
    // Missing raw transactions.
    assert_eq!(
        ExecutionBlock::from_rpc(&a.block, vec![]),
        Err(DevnetError::TransactionCount { listed: 1, raw: 0 })
    );
    // Not parent and child.
    let (a, c) = (a.execution_block().unwrap(), c.execution_block().unwrap());
    assert_eq!(
        electra.finalize(&a, &c),
        Err(DevnetError::NotChild {
            parent_hash: c.header().parent_hash,
            finalized: a.hash()
        })
    );
    assert!(electra.blocks().is_empty());
    // A Prague block in a Deneb devnet (Cancun blocks have no requests hash).
    let mut deneb = Devnet::new(SEED, Fork::Deneb).unwrap();
    assert_eq!(
        deneb.import_execution_block(&a),
        Err(DevnetError::HardforkMismatch {
            fork: Fork::Deneb,
            field: "requestsHash"
        })
    );
    // Blocks go forward only.
    let b = b.execution_block().unwrap();
    electra.finalize(&b, &c).unwrap();
    assert_eq!(
        electra.import_execution_block(&a),
        Err(DevnetError::NotNewer { number: 1, last: 3 })
    );
}

// ---------------------------------------------------------------------------------------------
// With anvil: the real `ExampleLocker`, a real `Locked` log, a real receipts trie.
// ---------------------------------------------------------------------------------------------

sol! {
    function lock(address recipient, uint256 destinationChainId, address destinationBridge) external payable;
}

fn solidity_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../solidity")
}

/// `ExampleLocker`'s creation bytecode, compiling it with the pinned forge if needed.
fn locker_bytecode() -> String {
    // The anvil tests run in parallel: one forge build at a time into `solidity/out`.
    static BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = BUILD.lock().unwrap();
    let artifact = solidity_dir().join("out/ExampleLocker.sol/ExampleLocker.json");
    if !artifact.is_file() {
        let status = std::process::Command::new(anvil::forge_binary())
            .args(["build", "src/examples/ExampleLocker.sol"])
            .current_dir(solidity_dir())
            .status()
            .unwrap();
        assert!(status.success(), "forge build failed");
    }
    let json: Value = serde_json::from_str(&std::fs::read_to_string(artifact).unwrap()).unwrap();
    json["bytecode"]["object"].as_str().unwrap().to_owned()
}

fn quantity(value: &Value) -> u64 {
    u64::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn anvil_available() -> bool {
    if anvil::binary().is_file() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "anvil is missing at {} (run scripts/install-toolchain.sh); CI requires it",
        anvil::binary().display()
    );
    eprintln!(
        "SKIPPED: anvil not installed at {} (run `bash scripts/install-toolchain.sh`)",
        anvil::binary().display()
    );
    false
}

/// Deploys `ExampleLocker` on an anvil running `hardfork`, locks 1 ETH, finalizes the lock's block
/// on a `fork` devnet and has the enclave sign the `Locked` log; the reference client accepts it.
fn anvil_loop(fork: Fork, hardfork: &str) {
    let bytecode = locker_bytecode();
    let node = Anvil::spawn(hardfork).unwrap();
    let accounts = node.rpc("eth_accounts", json!([])).unwrap();
    let from = accounts[0].as_str().unwrap().to_owned();
    let deployed = node
        .send_transaction(json!({ "from": from, "data": bytecode }))
        .unwrap();
    let locker: Address = deployed["contractAddress"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let recipient = Address::repeat_byte(0xab);
    let bridge = Address::repeat_byte(0xb0);
    let destination_chain = U256::from(31_337u64);
    let amount = U256::from(10u64).pow(U256::from(18u64));
    let call = lockCall {
        recipient,
        destinationChainId: destination_chain,
        destinationBridge: bridge,
    };
    let receipt = node
        .send_transaction(json!({
            "from": from,
            "to": locker,
            "value": format!("{amount:#x}"),
            "data": format!("0x{}", hex::encode(call.abi_encode())),
        }))
        .unwrap();
    let number = quantity(&receipt["blockNumber"]);
    let tx_index = quantity(&receipt["transactionIndex"]);
    let mut devnet = Devnet::new(SEED, fork).unwrap();
    assert_eq!(devnet.anvil_hardfork(), hardfork);
    let round = node.finalize(&mut devnet, number).unwrap();
    let block = node
        .rpc(
            "eth_getBlockByNumber",
            json!([format!("{number:#x}"), false]),
        )
        .unwrap();
    assert_eq!(round.finalized.block_number, number);
    assert_eq!(
        round.finalized.block_hash,
        block["hash"].as_str().unwrap().parse::<B256>().unwrap()
    );

    let receipts = node.block_receipts(number).unwrap();
    let session = Session::sync(&devnet, std::slice::from_ref(&round));
    let claim = session.receipt_log(&round, &receipts, tx_index, 0);
    assert_eq!(claim.emitter, locker);
    assert_eq!(
        claim.topics,
        vec![
            locked_topic(),
            B256::left_padding_from(recipient.as_slice())
        ]
    );
    assert_eq!(
        claim.data,
        Bytes::from((amount, destination_chain, bridge).abi_encode())
    );
    assert_eq!(claim.txIndex as u64, tx_index);

    // The same finalized block: the locker's account holds the locked ether (eth_getProof), and
    // the lock transaction is in the block (transactions trie).
    let account_proof = node
        .rpc("eth_getProof", json!([locker, [], format!("{number:#x}")]))
        .unwrap();
    let finalized = node.execution_block(number).unwrap();
    let tx_proof = transactions_trie(finalized.raw_transactions(), Some(tx_index))
        .unwrap()
        .into_proof()
        .unwrap();
    let messages = session.verify(
        round.finalized.block_hash,
        vec![
            ClaimItem::Account {
                proof: account_proof,
            },
            ClaimItem::Transaction {
                header_rlp: Bytes::from(finalized.header().encode_rlp().unwrap()),
                transaction_index: tx_index,
                transaction: finalized.raw_transactions()[tx_index as usize].clone(),
                proof: tx_proof,
            },
        ],
    );
    let account = session
        .client
        .verify_account(&messages[0].message, &messages[0].signature, now())
        .unwrap();
    assert_eq!(
        (account.account, account.exists, account.balance),
        (locker, true, amount)
    );
    assert_eq!(account.blockHash, round.finalized.block_hash);
    let transaction = session
        .client
        .verify_transaction(&messages[1].message, &messages[1].signature, now())
        .unwrap();
    let tx_hash: B256 = receipt["transactionHash"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        (
            transaction.txHash,
            transaction.txIndex as u64,
            transaction.txType
        ),
        (tx_hash, tx_index, 2)
    );
}

#[test]
fn anvil_prague_locked_event_is_proven_through_an_electra_devnet() {
    if anvil_available() {
        anvil_loop(Fork::Electra, "prague");
    }
}

#[test]
fn anvil_cancun_locked_event_is_proven_through_a_deneb_devnet() {
    if anvil_available() {
        anvil_loop(Fork::Deneb, "cancun");
    }
}

#[test]
fn a_round_more_than_one_period_after_the_last_is_refused() {
    let mut devnet = Devnet::new(SEED, Fork::Electra).unwrap();
    let mut chain = SyntheticChain::new(Fork::Electra);
    let f = chain.next_block(&[]).unwrap().execution_block().unwrap();
    let a = chain.next_block(&[]).unwrap().execution_block().unwrap();
    devnet.finalize(&f, &a).unwrap();
    // 100 intermediate blocks, one slot each: from slot 26 past the end of period 1 (slot 127).
    for _ in 0..100 {
        let block = chain.next_block(&[]).unwrap().execution_block().unwrap();
        devnet.import_execution_block(&block).unwrap();
    }
    let f = chain.next_block(&[]).unwrap().execution_block().unwrap();
    let a = chain.next_block(&[]).unwrap().execution_block().unwrap();
    let before = devnet.blocks().to_vec();
    assert_eq!(
        devnet.finalize(&f, &a),
        Err(DevnetError::PeriodGap {
            slot: 128,
            period: 2,
            last_period: 0
        })
    );
    // A refused round changes nothing.
    assert_eq!(devnet.blocks(), &before[..]);
}

// ---------------------------------------------------------------------------------------------
// Committed devnet fixtures and the CLI.
// ---------------------------------------------------------------------------------------------

#[test]
fn committed_devnet_fixtures_match_the_generator() {
    for (name, bytes) in devnet::fixture::render().unwrap() {
        let path = lcp_tests::fixture(&format!("{}/{name}", devnet::fixture::DIR));
        let committed = std::fs::read(&path).unwrap();
        assert!(
            committed == bytes,
            "{} differs from the generator: cargo run -p lcp-tests --bin gen_devnet_fixtures",
            path.display()
        );
    }
}

#[test]
fn cli_light_client_verify_reaches_the_devnet_finalized_block() {
    use lcp_client::cli::light_client::{LightClientCommand, VerifyArgs, run};
    let file = |name: &str| lcp_tests::fixture(&format!("{}/{name}", devnet::fixture::DIR));
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(file("expected.json")).unwrap()).unwrap();
    let report = run(&LightClientCommand::Verify(VerifyArgs {
        network: None,
        config: Some(file("config.yaml")),
        genesis_validators_root: None,
        trusted_root: expected["trusted_root"].as_str().unwrap().parse().unwrap(),
        bootstrap: file("bootstrap.json"),
        updates: vec![file("updates.json")],
        finality: Some(file("finality_update.json")),
        optimistic: None,
        current_slot: Some(100),
        fork: None,
        json: true,
    }))
    .unwrap();
    let finalized = &report.json["finalized"];
    let want = &expected["finalized"];
    assert_eq!(finalized["slot"], want["slot"]);
    assert_eq!(finalized["beacon_root"], want["beacon_root"]);
    assert_eq!(finalized["execution"]["block_number"], want["block_number"]);
    assert_eq!(finalized["execution"]["block_hash"], want["block_hash"]);
    assert_eq!(
        finalized["execution"]["receipts_root"],
        want["receipts_root"]
    );
    assert_eq!(
        report.json["sync_committee_period"],
        expected["sync_committee_period"]
    );
    assert_eq!(report.json["fork"], "electra");
    assert_eq!(report.json["skipped"], json!([]));
    // Three updates and the finality update (validated; it finalizes nothing newer).
    assert_eq!(report.json["applied"], 4);

    // The receipts of the finalized block prove their Locked log against that receipts root.
    let receipts: Value =
        serde_json::from_str(&std::fs::read_to_string(file("receipts.json")).unwrap()).unwrap();
    let root: B256 = want["receipts_root"].as_str().unwrap().parse().unwrap();
    assert!(matches!(
        devnet::receipt_log_item(&receipts, root, 0, 0).unwrap(),
        ClaimItem::ReceiptLog {
            transaction_index: 0,
            log_index: 0,
            ..
        }
    ));
}

#[test]
fn ssz_and_json_forms_of_a_round_give_the_same_state() {
    use lcp_enclave::light_client::containers::{
        HeaderDeneb, WireBootstrap, WireFinalityUpdate, WireHeader,
    };
    use ssz::Encode;
    use ssz_types::FixedVector;
    use ssz_types::typenum::{U6, U7};

    let mut devnet = Devnet::new(SEED, Fork::Electra).unwrap();
    let rounds: Vec<DevnetRound> = synthetic_rounds(&mut devnet, 3)
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let spec = devnet.spec().clone();
    let ssz = |bytes: Vec<u8>| LcObject::Ssz {
        fork: "electra".to_owned(),
        bytes: Bytes::from(bytes),
    };
    let bootstrap =
        bootstrap_from_json::<Minimal>(&spec, rounds[0].bootstrap.as_ref().unwrap()).unwrap();
    let wire_bootstrap = WireBootstrap::<Minimal, HeaderDeneb, U6> {
        header: HeaderDeneb::from_unified(&bootstrap.header).unwrap(),
        current_sync_committee: bootstrap.current_sync_committee.clone(),
        current_sync_committee_branch: FixedVector::new(
            bootstrap.current_sync_committee_branch.clone(),
        )
        .unwrap(),
    };
    let finality_ssz = |round: &DevnetRound| {
        let u = finality_update_from_json::<Minimal>(&spec, &round.finality_update).unwrap();
        WireFinalityUpdate::<Minimal, HeaderDeneb, U7> {
            attested_header: HeaderDeneb::from_unified(&u.attested_header).unwrap(),
            finalized_header: HeaderDeneb::from_unified(&u.finalized_header).unwrap(),
            finality_branch: FixedVector::new(u.finality_branch.clone()).unwrap(),
            sync_aggregate: u.sync_aggregate.clone(),
            signature_slot: u.signature_slot,
        }
        .as_ssz_bytes()
    };

    let enclave = start_enclave(&devnet);
    let mut json_state = init(&enclave, &rounds[0]);
    let mut ssz_state = updated(
        enclave
            .handle(Request::InitClient {
                network_config_hash: enclave.network_config_hash(),
                trusted_block_root: rounds[0].trusted_root,
                bootstrap: ssz(wire_bootstrap.as_ssz_bytes()),
            })
            .unwrap(),
    );
    assert_eq!(ssz_state.state_id, json_state.state_id);
    for round in &rounds {
        json_state = updated(enclave.handle(update_request(&json_state, round)).unwrap());
        let updates = round
            .updates
            .iter()
            .map(|u| {
                ssz(update_from_json::<Minimal>(&spec, u)
                    .unwrap()
                    .to_ssz()
                    .unwrap())
            })
            .collect();
        ssz_state = updated(
            enclave
                .handle(Request::UpdateClient {
                    state_id: ssz_state.state_id,
                    client_state: ssz_state.state.clone(),
                    updates,
                    finality_update: Some(ssz(finality_ssz(round))),
                })
                .unwrap(),
        );
        assert_eq!(ssz_state.state_id, json_state.state_id);
        assert_eq!(ssz_state.state, json_state.state);
    }
}
