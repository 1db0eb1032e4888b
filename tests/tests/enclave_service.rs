//! The enclave service over TCP loopback with the simulated NSM: attestation, the real mainnet
//! Capella checkpoint through six periods and a finality update, real transaction claims of the
//! finalized block, every signed message checked by the reference verifier, and rejections.

#![cfg(test)]
// Test code: an overflow or a failed conversion here is a failed test.
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, Bytes, keccak256};
use attestation_verifier::message::binding::UserData;
use attestation_verifier::message::client::{Client, UpdateOutcome};
use attestation_verifier::message::encode::{Domain, decode_message, signing_digest};
use attestation_verifier::message::merkle;
use attestation_verifier::message::verify::{RegisteredKey, recover_signer, verify_signatures};
use attestation_verifier::message::{BatchClaims, MessageType, TransactionClaim, UpdateState};
use attestation_verifier::nitro::{self, PcrPolicy, TrustAnchor, VerificationOptions};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::SimulatedNsm;
use lcp_enclave::nsm::simulated::Clock;
use lcp_enclave::service::protocol::{
    ClaimItem, ClientState, ErrorBody, FRAME_HEADER_LEN, FrameHeader, FrameKind, LcObject,
    MAX_FRAME_LEN, Request, Response, SignedMessage, frame,
};
use lcp_enclave::service::server::{ListenAddr, Listener, serve};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom};
use lcp_enclave::spv::payload::payload_of_beacon_block;
use lcp_enclave::spv::transaction::transactions_trie;
use lcp_enclave::state_id::network_config_hash;
use lcp_tests::fixture;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, OnceLock};

const TRUSTED_ROOT: &str = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
const CAPELLA: &str = "mainnet/lightclient/capella_p862-867";
const OPERATOR: Address = Address::repeat_byte(0x0e);
const DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};

fn json(relative: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(relative)).unwrap()).unwrap()
}

fn trusted_root() -> B256 {
    TRUSTED_ROOT.parse().unwrap()
}

/// A running enclave on loopback and what a verifier needs to check its attestation.
struct Server {
    addr: SocketAddr,
    root_der: Vec<u8>,
    pcrs: Vec<(u64, Vec<u8>)>,
    network_config_hash: B256,
}

fn start(spec: ChainSpec) -> Server {
    serve_nsm(spec, SimulatedNsm::random(Clock::System).unwrap())
}

fn serve_nsm(spec: ChainSpec, nsm: SimulatedNsm) -> Server {
    let root_der = nsm.root_der().to_vec();
    let pcrs = nsm.pcrs().to_vec();
    let enclave = Enclave::start(
        Box::new(OsRandom(nsm)),
        EnclaveConfig {
            spec,
            policy: BridgePolicy::two_thirds::<Mainnet>(),
            operator: OPERATOR,
            domain: DOMAIN,
        },
    )
    .unwrap();
    let network_config_hash = enclave.network_config_hash();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
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
    Server {
        addr,
        root_der,
        pcrs,
        network_config_hash,
    }
}

/// A blocking client speaking the frame protocol.
struct Conn(TcpStream);

impl Conn {
    fn open(server: &Server) -> Conn {
        Conn(TcpStream::connect(server.addr).unwrap())
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.0.write_all(bytes).unwrap();
    }

    /// The next frame, or `None` when the enclave closed the connection.
    fn read_frame(&mut self) -> Option<(FrameKind, Vec<u8>)> {
        let mut header = [0u8; FRAME_HEADER_LEN];
        if self.0.read_exact(&mut header).is_err() {
            return None;
        }
        let header = FrameHeader::parse(header).unwrap();
        let mut payload = vec![0u8; header.len];
        self.0.read_exact(&mut payload).unwrap();
        Some((header.kind, payload))
    }

    fn call(&mut self, request: &Request) -> Result<Response, ErrorBody> {
        let payload = serde_json::to_vec(request).unwrap();
        self.send_raw(&frame(FrameKind::Request, &payload).unwrap());
        match self.read_frame().expect("a response frame") {
            (FrameKind::Response, body) => Ok(serde_json::from_slice(&body).unwrap()),
            (FrameKind::Error, body) => Err(serde_json::from_slice(&body).unwrap()),
            (FrameKind::Request, _) => panic!("the enclave sent a request frame"),
        }
    }

    fn closed(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(self.0.read(&mut byte), Ok(0) | Err(_))
    }
}

fn signer(signed: &SignedMessage) -> Address {
    let signature: [u8; 65] = signed.signature.as_ref().try_into().unwrap();
    recover_signer(signing_digest(&signed.message), &signature, 0).unwrap()
}

fn client_updated(response: Response) -> (ClientState, B256, SignedMessage, u32, u32) {
    match response {
        Response::ClientUpdated {
            client_state,
            state_id,
            update,
            applied,
            stale,
        } => (client_state, state_id, update, applied, stale),
        other => panic!("expected ClientUpdated, got {other:?}"),
    }
}

/// The enclave key, checked through its attestation document with the reference verifier.
fn attested_key(server: &Server, conn: &mut Conn) -> Address {
    let nonce = Bytes::from_static(b"enclave service test nonce");
    let Response::Info {
        enclave_key,
        attestation,
        network_config_hash: reported_hash,
        operator,
        chain_id,
        client_address,
        code_version,
        ..
    } = conn
        .call(&Request::Info {
            nonce: Some(nonce.clone()),
        })
        .unwrap()
    else {
        panic!("expected Info")
    };
    assert_eq!(code_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (chain_id, client_address, operator),
        (DOMAIN.chain_id, DOMAIN.client, OPERATOR)
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut options = VerificationOptions::new(UnixSeconds(now));
    options.trust_anchor = TrustAnchor::from_der(server.root_der.clone()).unwrap();
    let mut policy = PcrPolicy::default();
    for index in [0u8, 1, 2] {
        let value = server
            .pcrs
            .iter()
            .find(|(i, _)| *i == u64::from(index))
            .unwrap()
            .1
            .clone();
        policy = policy.expect_pcr(index, value);
    }
    options.pcr_policy = policy;
    let verified = nitro::verify(&attestation, &options).unwrap();
    let attested =
        attestation_verifier::message::binding::public_key_address(verified.public_key().unwrap())
            .unwrap();
    assert_eq!(attested, enclave_key);
    assert_eq!(verified.nonce(), Some(nonce.as_ref()));
    let binding = UserData::parse(verified.user_data().unwrap()).unwrap();
    assert_eq!(
        binding,
        UserData {
            enclave_key,
            operator: OPERATOR,
            network_config_hash: server.network_config_hash,
        }
    );
    assert_eq!(reported_hash, server.network_config_hash);
    enclave_key
}

fn now() -> UnixSeconds {
    UnixSeconds(1_800_000_000)
}

/// The reference model of `LCPClient`, with the enclave's key registered.
fn reference_client(key: Address) -> Client {
    let mut client = Client::new(DOMAIN, trusted_root(), 1);
    client.register_key(
        key,
        RegisteredKey {
            operator: OPERATOR,
            expiry: UnixSeconds(u64::MAX),
        },
    );
    client
}

fn bootstrap() -> LcObject {
    LcObject::Json(json(&format!("{CAPELLA}/bootstrap.json")))
}

/// The six period updates, one object each.
fn period_updates() -> Vec<Value> {
    match json(&format!("{CAPELLA}/updates.json")) {
        Value::Array(items) => items,
        other => panic!("updates.json is an array, got {other}"),
    }
}

/// The state after init, six periods and the finality update, shared by the tests.
struct Synced {
    server: Server,
    key: Address,
    init_id: B256,
    state: ClientState,
    state_id: B256,
    update: SignedMessage,
    applied: u32,
    stale: u32,
}

fn synced() -> &'static Synced {
    static SYNCED: OnceLock<Synced> = OnceLock::new();
    SYNCED.get_or_init(|| {
        let server = start(ChainSpec::mainnet());
        let mut conn = Conn::open(&server);
        let key = attested_key(&server, &mut conn);
        let (state, init_id, init, _, _) = client_updated(
            conn.call(&Request::InitClient {
                network_config_hash: server.network_config_hash,
                trusted_block_root: trusted_root(),
                bootstrap: bootstrap(),
            })
            .unwrap(),
        );
        assert_eq!(signer(&init), key);
        let (state, state_id, update, applied, stale) = client_updated(
            conn.call(&Request::UpdateClient {
                state_id: init_id,
                client_state: state,
                updates: period_updates().into_iter().map(LcObject::Json).collect(),
                finality_update: Some(LcObject::Json(json(&format!("{CAPELLA}/finality.json")))),
            })
            .unwrap(),
        );
        // Keep `init` checkable: store it in the reference client right away.
        let mut client = reference_client(key);
        assert_eq!(
            client.initialize(&init.message, &init.signature, now()),
            Ok(UpdateOutcome::Applied)
        );
        Synced {
            server,
            key,
            init_id,
            state,
            state_id,
            update,
            applied,
            stale,
        }
    })
}

/// The finalized block (slot 7109344): its payload, header RLP and transactions.
struct FinalizedBlock {
    header_rlp: Bytes,
    block_hash: B256,
    block_number: u64,
    transactions: Vec<Bytes>,
}

fn finalized_block() -> FinalizedBlock {
    let block = json(&format!("{CAPELLA}/beacon_blocks/7109344.json"));
    let (payload, _) = payload_of_beacon_block(&block).unwrap();
    let sealed = payload.verify_block_hash(None, None).unwrap();
    FinalizedBlock {
        header_rlp: Bytes::from(sealed.header().encode_rlp().unwrap()),
        block_hash: sealed.hash(),
        block_number: sealed.header().number,
        transactions: payload.transactions.clone(),
    }
}

fn transaction_item(block: &FinalizedBlock, index: u64) -> ClaimItem {
    let trie = transactions_trie(&block.transactions, Some(index)).unwrap();
    ClaimItem::Transaction {
        header_rlp: block.header_rlp.clone(),
        transaction_index: index,
        transaction: block.transactions[index as usize].clone(),
        proof: trie.proof().unwrap().to_vec(),
    }
}

#[test]
fn info_attestation_verifies_and_binds_the_key() {
    let server = start(ChainSpec::mainnet());
    let mut conn = Conn::open(&server);
    let key = attested_key(&server, &mut conn);
    assert_eq!(
        server.network_config_hash,
        network_config_hash(
            &ChainSpec::mainnet(),
            &BridgePolicy::two_thirds::<Mainnet>()
        )
    );
    // Another enclave has another key.
    let other = start(ChainSpec::mainnet());
    assert_ne!(attested_key(&other, &mut Conn::open(&other)), key);
}

#[test]
fn a_restarted_seeded_enclave_keeps_its_anchor_and_measurement_with_a_new_key() {
    use lcp_enclave::nsm::simulated::{PinnedIdentity, Seed};
    let seed = Seed([0x5d; 32]);
    // What the deployer pins before any enclave runs.
    let identity = PinnedIdentity::of(&seed).unwrap();
    let run = || {
        let server = serve_nsm(
            ChainSpec::mainnet(),
            SimulatedNsm::restartable(seed, Clock::System).unwrap(),
        );
        assert_eq!(server.root_der, identity.root_der);
        assert_eq!(server.pcrs, identity.pcrs);
        let mut conn = Conn::open(&server);
        // `attested_key` verifies the document under the server's root and PCR0-2: here the
        // pinned identity's.
        let key = attested_key(&server, &mut conn);
        let Response::Info { attestation, .. } = conn.call(&Request::Info { nonce: None }).unwrap()
        else {
            panic!("expected Info")
        };
        let sign1 = attestation_verifier::nitro::cose::parse(&attestation).unwrap();
        let document = attestation_verifier::nitro::document::parse(&sign1.payload).unwrap();
        let cabundle: Vec<Vec<u8>> = document.cabundle.iter().map(|c| c.to_vec()).collect();
        (key, cabundle, document.certificate.to_vec())
    };
    let (key_1, bundle_1, leaf_1) = run();
    let (key_2, bundle_2, leaf_2) = run();
    assert_eq!(bundle_1.len(), 4);
    assert_eq!(bundle_1, bundle_2, "byte-identical CA certificates");
    assert_eq!(bundle_1[0], identity.root_der);
    assert_ne!(key_1, key_2, "a new enclave key per start");
    assert_ne!(leaf_1, leaf_2, "a new leaf per start");
}

#[test]
fn init_and_update_through_six_periods_are_signed_and_accepted_by_the_reference_client() {
    let synced = synced();
    let mut client = reference_client(synced.key);
    let mut conn = Conn::open(&synced.server);
    // Re-run init (deterministic state, so the same id) to feed the reference client in order.
    let (_, init_id, init, _, _) = client_updated(
        conn.call(&Request::InitClient {
            network_config_hash: synced.server.network_config_hash,
            trusted_block_root: trusted_root(),
            bootstrap: bootstrap(),
        })
        .unwrap(),
    );
    assert_eq!(init_id, synced.init_id);
    let init_body: UpdateState = decode_message(DOMAIN, &init.message).unwrap();
    assert_eq!(init_body.prevStateId, B256::ZERO);
    assert_eq!(init_body.postStateId, init_id);
    assert_eq!(init_body.finalizedBeaconRoot, trusted_root());
    assert_eq!(init_body.finalizedSlot, 7_069_376);
    assert_eq!(
        client.initialize(&init.message, &init.signature, now()),
        Ok(UpdateOutcome::Applied)
    );

    // All six period updates and the finality update applied (the first one supplies period
    // 862's next committee), ONE signed message for all of them.
    assert_eq!((synced.applied, synced.stale), (7, 0));
    assert_eq!(signer(&synced.update), synced.key);
    let body: UpdateState = decode_message(DOMAIN, &synced.update.message).unwrap();
    let block = finalized_block();
    assert_eq!(body.prevStateId, init_id);
    assert_eq!(body.postStateId, synced.state_id);
    assert_eq!(body.finalizedSlot, 7_109_344);
    assert_eq!(body.blockHash, block.block_hash);
    assert_eq!(body.blockNumber, block.block_number);
    assert_eq!(
        client.update_state(&synced.update.message, &synced.update.signature, now()),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(client.state_id(), synced.state_id);
    assert_eq!(
        client.block_hash(block.block_number),
        Some(block.block_hash)
    );
}

#[test]
fn real_transactions_of_the_finalized_block_are_signed_one_by_one_and_in_a_batch() {
    let synced = synced();
    let block = finalized_block();
    let mut client = reference_client(synced.key);
    let init_message = {
        let mut conn = Conn::open(&synced.server);
        client_updated(
            conn.call(&Request::InitClient {
                network_config_hash: synced.server.network_config_hash,
                trusted_block_root: trusted_root(),
                bootstrap: bootstrap(),
            })
            .unwrap(),
        )
        .2
    };
    client
        .initialize(&init_message.message, &init_message.signature, now())
        .unwrap();
    client
        .update_state(&synced.update.message, &synced.update.signature, now())
        .unwrap();

    let count = block.transactions.len() as u64;
    let indices = [0, 1, count / 2, count - 1];
    let items: Vec<ClaimItem> = indices
        .iter()
        .map(|&i| transaction_item(&block, i))
        .collect();
    let mut conn = Conn::open(&synced.server);
    let Response::Claims { messages } = conn
        .call(&Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            block_hash: block.block_hash,
            claims: items.clone(),
            batch: false,
        })
        .unwrap()
    else {
        panic!("expected Claims")
    };
    assert_eq!(messages.len(), indices.len());
    for (signed, &index) in messages.iter().zip(&indices) {
        assert_eq!(
            verify_signatures(
                signing_digest(&signed.message),
                &signed.signature,
                &client,
                1,
                now()
            ),
            Ok(vec![synced.key])
        );
        // The reference `LCPClient.verifyTransaction`: header, signature, threshold, stored block.
        let claim = client
            .verify_transaction(&signed.message, &signed.signature, now())
            .unwrap();
        let raw = &block.transactions[index as usize];
        assert_eq!(
            claim,
            TransactionClaim {
                blockNumber: 17_923_026,
                blockHash: block.block_hash,
                txIndex: index as u32,
                txHash: keccak256(raw),
                // EIP-2718: a first byte below 0x7f is the type, else a legacy RLP list.
                txType: if raw[0] < 0x7f { raw[0] } else { 0 },
            }
        );
    }

    let Response::Batch { batch, leaves } = conn
        .call(&Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            block_hash: block.block_hash,
            claims: items,
            batch: true,
        })
        .unwrap()
    else {
        panic!("expected Batch")
    };
    let header: BatchClaims = decode_message(DOMAIN, &batch.message).unwrap();
    assert_eq!(header.leafCount as usize, indices.len());
    assert_eq!(header.blockHash, block.block_hash);
    for leaf in &leaves {
        assert_eq!(leaf.claim_type, u8::from(MessageType::TransactionClaim));
        let claim =
            <TransactionClaim as alloy_sol_types::SolValue>::abi_decode(&leaf.claim).unwrap();
        assert_eq!(
            client.verify_batch_claim(
                &batch.message,
                &batch.signature,
                &claim,
                leaf.index,
                &leaf.proof,
                now()
            ),
            Ok(header.clone())
        );
        assert_eq!(
            claim.txHash,
            keccak256(&block.transactions[claim.txIndex as usize])
        );
    }
    // A leaf moved to another index does not verify.
    let claim =
        <TransactionClaim as alloy_sol_types::SolValue>::abi_decode(&leaves[0].claim).unwrap();
    assert!(matches!(
        client.verify_batch_claim(
            &batch.message,
            &batch.signature,
            &claim,
            1,
            &leaves[0].proof,
            now()
        ),
        Err(attestation_verifier::message::Error::RootMismatch { .. })
    ));
    assert_eq!(
        merkle::root(
            &leaves
                .iter()
                .map(|l| {
                    let c = <TransactionClaim as alloy_sol_types::SolValue>::abi_decode(&l.claim)
                        .unwrap();
                    merkle::leaf_hash(&c)
                })
                .collect::<Vec<_>>()
        )
        .unwrap(),
        header.root
    );
}

fn expect_error(result: Result<Response, ErrorBody>, code: &str) -> String {
    match result {
        Err(body) => {
            assert_eq!(body.code, code, "{}", body.message);
            body.message
        }
        Ok(response) => panic!("expected error {code}, got {response:?}"),
    }
}

#[test]
fn updates_that_are_all_stale_sign_nothing() {
    let synced = synced();
    let mut conn = Conn::open(&synced.server);
    let all = || UpdateClient {
        updates: period_updates().into_iter().map(LcObject::Json).collect(),
        finality_update: Some(LcObject::Json(json(&format!("{CAPELLA}/finality.json")))),
    };
    // Replaying the six periods and the finality update on the synced state: the last period's
    // update (not finalizing anything new) becomes the store's best valid update again, which the
    // finality update had cleared: one applied, six stale, and a real transition is signed.
    let request =
        |state_id: B256, client_state: ClientState, body: UpdateClient| Request::UpdateClient {
            state_id,
            client_state,
            updates: body.updates,
            finality_update: body.finality_update,
        };
    let (state, state_id, update, applied, stale) = client_updated(
        conn.call(&request(synced.state_id, synced.state.clone(), all()))
            .unwrap(),
    );
    assert_eq!((applied, stale), (1, 6));
    let body: UpdateState = decode_message(DOMAIN, &update.message).unwrap();
    assert_eq!(
        (body.prevStateId, body.postStateId),
        (synced.state_id, state_id)
    );
    assert_ne!(state_id, synced.state_id);
    let mut client = reference_client(synced.key);
    let init = client_updated(
        conn.call(&Request::InitClient {
            network_config_hash: synced.server.network_config_hash,
            trusted_block_root: trusted_root(),
            bootstrap: bootstrap(),
        })
        .unwrap(),
    )
    .2;
    for (signed, what) in [
        (&init, "init"),
        (&synced.update, "sync"),
        (&update, "replay"),
    ] {
        let result = if what == "init" {
            client.initialize(&signed.message, &signed.signature, now())
        } else {
            client.update_state(&signed.message, &signed.signature, now())
        };
        assert_eq!(result, Ok(UpdateOutcome::Applied), "{what}");
    }

    // The same again on that state: the last period's update re-sets the best valid update the
    // store already holds, the rest are stale; the state id would not move, so nothing is signed.
    let message = expect_error(
        conn.call(&request(state_id, state.clone(), all())),
        "nothing_to_apply",
    );
    assert_eq!(
        message,
        "nothing to apply: the state is unchanged after 7 valid update(s), 6 of them stale"
    );
    let message = expect_error(
        conn.call(&request(
            state_id,
            state,
            UpdateClient {
                updates: vec![],
                finality_update: all().finality_update,
            },
        )),
        "nothing_to_apply",
    );
    assert_eq!(
        message,
        "nothing to apply: the state is unchanged after 1 valid update(s), 0 of them stale"
    );
}

/// The updates of one `UpdateClient`.
struct UpdateClient {
    updates: Vec<LcObject>,
    finality_update: Option<LcObject>,
}

#[test]
fn a_state_whose_id_does_not_match_is_refused_and_the_connection_stays_usable() {
    let synced = synced();
    let block = finalized_block();
    let mut conn = Conn::open(&synced.server);
    let verify = |state_id, client_state| Request::Verify {
        state_id,
        client_state,
        block_hash: block.block_hash,
        claims: vec![transaction_item(&block, 0)],
        batch: false,
    };
    // The id of another state.
    expect_error(
        conn.call(&verify(synced.init_id, synced.state.clone())),
        "state_id_mismatch",
    );
    // One byte of the store changed (the last byte: current_max_active_participants).
    let mut store = synced.state.store.to_vec();
    *store.last_mut().unwrap() ^= 1;
    let tampered = ClientState {
        network_config_hash: synced.state.network_config_hash,
        store: Bytes::from(store),
    };
    expect_error(
        conn.call(&verify(synced.state_id, tampered.clone())),
        "state_id_mismatch",
    );
    expect_error(
        conn.call(&Request::UpdateClient {
            state_id: synced.state_id,
            client_state: tampered,
            updates: vec![],
            finality_update: Some(LcObject::Json(json(&format!("{CAPELLA}/finality.json")))),
        }),
        "state_id_mismatch",
    );
    // The same connection still answers.
    assert!(matches!(
        conn.call(&verify(synced.state_id, synced.state.clone())),
        Ok(Response::Claims { .. })
    ));
}

#[test]
fn a_state_from_another_network_config_is_refused() {
    let synced = synced();
    let sepolia = start(ChainSpec::sepolia());
    let mut conn = Conn::open(&sepolia);
    let message = expect_error(
        conn.call(&Request::UpdateClient {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            updates: vec![],
            finality_update: Some(LcObject::Json(json(&format!("{CAPELLA}/finality.json")))),
        }),
        "network_config_mismatch",
    );
    assert!(message.contains(&sepolia.network_config_hash.to_string()));
    // Relabelling the state with the sepolia hash changes its id: refused as well.
    let relabelled = ClientState {
        network_config_hash: sepolia.network_config_hash,
        store: synced.state.store.clone(),
    };
    expect_error(
        conn.call(&Request::UpdateClient {
            state_id: synced.state_id,
            client_state: relabelled,
            updates: vec![],
            finality_update: Some(LcObject::Json(json(&format!("{CAPELLA}/finality.json")))),
        }),
        "state_id_mismatch",
    );
    // And a mainnet bootstrap is refused by a sepolia InitClient naming mainnet's config.
    expect_error(
        conn.call(&Request::InitClient {
            network_config_hash: synced.server.network_config_hash,
            trusted_block_root: trusted_root(),
            bootstrap: bootstrap(),
        }),
        "network_config_mismatch",
    );
}

#[test]
fn an_invalid_update_in_the_middle_of_a_batch_signs_nothing() {
    let synced = synced();
    let mut conn = Conn::open(&synced.server);
    let (state, init_id, _, _, _) = client_updated(
        conn.call(&Request::InitClient {
            network_config_hash: synced.server.network_config_hash,
            trusted_block_root: trusted_root(),
            bootstrap: bootstrap(),
        })
        .unwrap(),
    );
    let mut updates = period_updates();
    // Update #3's attested header changes: the committee's signature no longer covers it.
    let proposer = &mut updates[3]["data"]["attested_header"]["beacon"]["proposer_index"];
    let value: u64 = proposer.as_str().unwrap().parse().unwrap();
    *proposer = Value::String((value + 1).to_string());
    let message = expect_error(
        conn.call(&Request::UpdateClient {
            state_id: init_id,
            client_state: state,
            updates: updates.into_iter().map(LcObject::Json).collect(),
            finality_update: Some(LcObject::Json(json(&format!("{CAPELLA}/finality.json")))),
        }),
        "update",
    );
    assert!(
        message.starts_with("update #3: sync committee signature invalid"),
        "{message}"
    );
    // The error frame is all that came back: the next frame is the answer to the next request.
    assert!(matches!(
        conn.call(&Request::Info { nonce: None }),
        Ok(Response::Info { .. })
    ));
}

#[test]
fn a_claim_against_a_block_the_state_does_not_hold_is_refused() {
    let synced = synced();
    let mut conn = Conn::open(&synced.server);
    // Block 21925176 (real eth_getProof data) is not the state's finalized block 17923026.
    let other_block = json("mainnet/execution/block_21925176/block.json");
    let other_hash: B256 = other_block["result"]["hash"]
        .as_str()
        .or_else(|| other_block["hash"].as_str())
        .unwrap()
        .parse()
        .unwrap();
    let proof = json("mainnet/execution/block_21925176/proof.json");
    let message = expect_error(
        conn.call(&Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            block_hash: other_hash,
            claims: vec![ClaimItem::Storage {
                proof: proof.clone(),
            }],
            batch: false,
        }),
        "header_not_held",
    );
    let block = finalized_block();
    assert_eq!(
        message,
        format!(
            "block {other_hash} is not the state's finalized execution block {}",
            block.block_hash
        )
    );
    // Naming the held block with that proof: the proof does not verify against its state root.
    expect_error(
        conn.call(&Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            block_hash: block.block_hash,
            claims: vec![ClaimItem::Account { proof }],
            batch: false,
        }),
        "claim",
    );
    // A transaction proven under another block's header is refused.
    let other_payload = json(&format!("{CAPELLA}/beacon_blocks/7109430.json"));
    let (payload, _) = payload_of_beacon_block(&other_payload).unwrap();
    let sealed = payload.verify_block_hash(None, None).unwrap();
    let trie = transactions_trie(&payload.transactions, Some(0)).unwrap();
    let message = expect_error(
        conn.call(&Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            block_hash: block.block_hash,
            claims: vec![ClaimItem::Transaction {
                header_rlp: Bytes::from(sealed.header().encode_rlp().unwrap()),
                transaction_index: 0,
                transaction: payload.transactions[0].clone(),
                proof: trie.proof().unwrap().to_vec(),
            }],
            batch: false,
        }),
        "claim",
    );
    assert_eq!(
        message,
        format!(
            "claim #0: block_hash: expected {}, got {}",
            block.block_hash,
            sealed.hash()
        )
    );
    // A real transaction of the held block, claimed with the header of another block (7109430's).
    let message = expect_error(
        conn.call(&Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            block_hash: block.block_hash,
            claims: vec![match transaction_item(&block, 0) {
                ClaimItem::Transaction {
                    transaction_index,
                    transaction,
                    proof,
                    ..
                } => ClaimItem::Transaction {
                    header_rlp: Bytes::from(sealed.header().encode_rlp().unwrap()),
                    transaction_index,
                    transaction,
                    proof,
                },
                other => panic!("a transaction item, got {other:?}"),
            }],
            batch: true,
        }),
        "claim",
    );
    assert_eq!(
        message,
        format!(
            "claim #0: block_hash: expected {}, got {}",
            block.block_hash,
            sealed.hash()
        )
    );
}

#[test]
fn oversized_and_garbage_frames_close_only_their_connection() {
    let synced = synced();
    let mut bystander = Conn::open(&synced.server);

    // Oversized: the header announces one byte more than the limit.
    let mut oversized = Conn::open(&synced.server);
    let len = u32::try_from(MAX_FRAME_LEN + 1).unwrap().to_be_bytes();
    oversized.send_raw(&[1, 1, 0, 0, len[0], len[1], len[2], len[3]]);
    let (kind, body) = oversized.read_frame().unwrap();
    assert_eq!(kind, FrameKind::Error);
    let body: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(body.code, "frame");
    assert!(body.message.contains("exceeds"), "{}", body.message);
    assert!(oversized.closed());

    // Garbage: an HTTP request.
    let mut garbage = Conn::open(&synced.server);
    garbage.send_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let (kind, body) = garbage.read_frame().unwrap();
    assert_eq!(kind, FrameKind::Error);
    let body: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(body.code, "frame");
    assert!(garbage.closed());

    // A well-formed frame whose payload is not a request.
    let mut malformed = Conn::open(&synced.server);
    malformed.send_raw(&frame(FrameKind::Request, b"{\"info\":{},\"info\":{}}").unwrap());
    let (kind, body) = malformed.read_frame().unwrap();
    assert_eq!(kind, FrameKind::Error);
    let body: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(body.code, "malformed_request");
    assert!(malformed.closed());

    // A response frame sent to the enclave.
    let mut wrong_kind = Conn::open(&synced.server);
    wrong_kind.send_raw(&frame(FrameKind::Response, b"{}").unwrap());
    assert_eq!(wrong_kind.read_frame().unwrap().0, FrameKind::Error);
    assert!(wrong_kind.closed());

    // The bystander, connected all along, is unaffected.
    assert!(matches!(
        bystander.call(&Request::Info { nonce: None }),
        Ok(Response::Info { .. })
    ));
}

#[test]
fn many_concurrent_clients_get_correct_independent_answers() {
    let synced = synced();
    let block = Arc::new(finalized_block());
    let count = block.transactions.len() as u64;
    let threads: Vec<_> = (0..24u64)
        .map(|t| {
            let block = Arc::clone(&block);
            let addr = synced.server.addr;
            std::thread::spawn(move || {
                let mut conn = Conn(TcpStream::connect(addr).unwrap());
                if t % 6 == 5 {
                    // Some clients misbehave meanwhile.
                    conn.send_raw(b"\xff\xff\xff\xff\xff\xff\xff\xff");
                    assert_eq!(conn.read_frame().unwrap().0, FrameKind::Error);
                    return None;
                }
                let synced = self::synced();
                let mut answers = Vec::new();
                for round in 0..3u64 {
                    let index = (t * 7 + round * 13) % count;
                    let Response::Claims { messages } = conn
                        .call(&Request::Verify {
                            state_id: synced.state_id,
                            client_state: synced.state.clone(),
                            block_hash: block.block_hash,
                            claims: vec![transaction_item(&block, index)],
                            batch: false,
                        })
                        .unwrap()
                    else {
                        panic!("expected Claims")
                    };
                    let claim: TransactionClaim =
                        decode_message(DOMAIN, &messages[0].message).unwrap();
                    assert_eq!(signer(&messages[0]), synced.key);
                    assert_eq!(claim.txIndex as u64, index);
                    assert_eq!(claim.txHash, keccak256(&block.transactions[index as usize]));
                    answers.push(index);
                }
                Some(answers)
            })
        })
        .collect();
    let mut served = 0;
    for thread in threads {
        if let Some(answers) = thread.join().unwrap() {
            assert_eq!(answers.len(), 3);
            served += 1;
        }
    }
    assert_eq!(served, 20);
}

/// A Capella store whose finalized execution header carries block 21925176's fields.
///
/// NOT a light-client state: no bootstrap or update reaches this block in the fixtures (see
/// docs/notes/enclave-service.md for the data that would). It exercises the enclave's storage, account
/// and receipt-log paths on real proofs, and shows the other half of the design: the enclave signs
/// claims for any state whose id matches, and the destination chain accepts them only for a block
/// it stored through a verified `UpdateState` — which this state never gets.
fn unlinked_store_at_block_21925176(network: B256) -> (ClientState, B256, Value) {
    use lcp_enclave::light_client::config::Fork;
    use lcp_enclave::light_client::containers::{LcExecution, LightClientHeader};
    use lcp_enclave::light_client::sync::LightClientStore;
    let block = json("mainnet/execution/block_21925176/block.json");
    let block = block.get("result").cloned().unwrap_or(block);
    let quantity =
        |v: &Value| u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let hash = |v: &Value| v.as_str().unwrap().parse::<B256>().unwrap();
    let mut header = LightClientHeader::empty(Fork::Capella.layout());
    let LcExecution::Capella(e) = &mut header.execution else {
        panic!("capella layout")
    };
    e.block_number = quantity(&block["number"]);
    e.block_hash = hash(&block["hash"]);
    e.state_root = hash(&block["stateRoot"]);
    e.receipts_root = hash(&block["receiptsRoot"]);
    e.timestamp = quantity(&block["timestamp"]);
    let store = LightClientStore::<Mainnet> {
        fork: Fork::Capella,
        finalized_header: header.clone(),
        current_sync_committee: Default::default(),
        next_sync_committee: Default::default(),
        best_valid_update: None,
        optimistic_header: header,
        previous_max_active_participants: 0,
        current_max_active_participants: 0,
    };
    let id = lcp_enclave::state_id::state_id(network, &store).unwrap();
    (
        ClientState {
            network_config_hash: network,
            store: Bytes::from(store.to_ssz().unwrap()),
        },
        id,
        block,
    )
}

#[test]
fn storage_account_and_receipt_log_paths_sign_what_the_proofs_prove() {
    use attestation_verifier::message::{AccountClaim, ReceiptLogClaim, StorageClaim};
    use lcp_enclave::spv::BlockReceipts;
    let synced = synced();
    let (state, id, block) = unlinked_store_at_block_21925176(synced.server.network_config_hash);
    let block_hash: B256 = block["hash"].as_str().unwrap().parse().unwrap();
    let receipts_root: B256 = block["receiptsRoot"].as_str().unwrap().parse().unwrap();
    let proof = json("mainnet/execution/block_21925176/proof.json");
    let rpc = proof
        .get("result")
        .cloned()
        .unwrap_or_else(|| proof.clone());
    let receipts_json = json("mainnet/execution/block_21925176/receipts.json");
    let receipts = BlockReceipts::from_rpc_json(&receipts_json).unwrap();
    let receipts_list = receipts_json
        .get("result")
        .cloned()
        .unwrap_or(receipts_json);
    // The first receipt with a log.
    let (index, log) = receipts_list
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find_map(|(i, r)| {
            r["logs"]
                .as_array()
                .unwrap()
                .first()
                .map(|l| (i, l.clone()))
        })
        .unwrap();
    let receipt_proof = receipts
        .check_root(receipts_root, Some(index as u64))
        .unwrap()
        .unwrap();
    let mut conn = Conn::open(&synced.server);
    let Response::Claims { messages } = conn
        .call(&Request::Verify {
            state_id: id,
            client_state: state,
            block_hash,
            claims: vec![
                ClaimItem::Storage {
                    proof: proof.clone(),
                },
                ClaimItem::Account { proof },
                ClaimItem::ReceiptLog {
                    transaction_index: index as u64,
                    receipt: receipt_proof.receipt.clone(),
                    proof: receipt_proof.nodes.clone(),
                    log_index: 0,
                },
            ],
            batch: false,
        })
        .unwrap()
    else {
        panic!("expected Claims")
    };
    assert_eq!(messages.len(), 3);
    for signed in &messages {
        assert_eq!(signer(signed), synced.key);
    }
    let storage: StorageClaim = decode_message(DOMAIN, &messages[0].message).unwrap();
    let slot = &rpc["storageProof"][0];
    assert_eq!(storage.blockHash, block_hash);
    assert_eq!(
        storage.account,
        rpc["address"].as_str().unwrap().parse::<Address>().unwrap()
    );
    assert_eq!(
        alloy_primitives::U256::from_be_bytes(storage.value.0),
        slot["value"]
            .as_str()
            .unwrap()
            .parse::<alloy_primitives::U256>()
            .unwrap()
    );
    let account: AccountClaim = decode_message(DOMAIN, &messages[1].message).unwrap();
    assert!(account.exists);
    assert_eq!(
        account.storageRoot,
        rpc["storageHash"]
            .as_str()
            .unwrap()
            .parse::<B256>()
            .unwrap()
    );
    let receipt_log: ReceiptLogClaim = decode_message(DOMAIN, &messages[2].message).unwrap();
    assert_eq!(receipt_log.txIndex as usize, index);
    assert_eq!(
        receipt_log.emitter,
        log["address"].as_str().unwrap().parse::<Address>().unwrap()
    );
    assert_eq!(
        receipt_log.data,
        log["data"].as_str().unwrap().parse::<Bytes>().unwrap()
    );
    // The destination chain does not know this block: the reference client refuses the claims.
    let mut client = reference_client(synced.key);
    let init = client_updated(
        conn.call(&Request::InitClient {
            network_config_hash: synced.server.network_config_hash,
            trusted_block_root: trusted_root(),
            bootstrap: bootstrap(),
        })
        .unwrap(),
    )
    .2;
    client
        .initialize(&init.message, &init.signature, now())
        .unwrap();
    assert!(matches!(
        client.verify_storage(&messages[0].message, &messages[0].signature, now()),
        Err(attestation_verifier::message::Error::UnknownBlock { .. })
    ));
}
