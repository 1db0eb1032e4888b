//! Golden registration fixture: one enclave key, from a fixed seed, through every layer that must
//! agree on the same bytes — the simulated NSM's attestation document (real P-384 chain to the
//! simulated root), the enclave key's binding (`user_data`), and LCP messages signed by that key.
//! `solidity/test/RegistrationE2E.t.sol` feeds the same files to the REAL `NitroAttestationVerifier`
//! and `LCPClient` (no test double).
//!
//! `cargo test -p lcp-tests --test golden_registration` checks that `fixtures/golden/registration/`
//! is exactly what the generator produces today; `LCP_WRITE_GOLDEN=1` rewrites it after a deliberate
//! change (run it again without the variable: the other tests read the files while they are written).
//! The other tests run the committed files through the Rust reference (verifier, binding,
//! client model), so a Rust/Solidity disagreement shows up on one side or the other.

#![cfg(test)]

use std::path::PathBuf;

use alloy_primitives::{Address, B256, address, keccak256};
use attestation_verifier::error::NitroError;
use attestation_verifier::message::binding::{self, UserData};
use attestation_verifier::message::client::{Client, UpdateOutcome};
use attestation_verifier::message::verify::{RegisteredKey, recover_signer};
use attestation_verifier::message::{
    self, Body, Domain, StorageClaim, UpdateState, encode_message, signing_digest,
};
use attestation_verifier::nitro::{self, PcrPolicy, TrustAnchor, VerificationOptions};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::enclave_key::EnclaveKey;
use lcp_enclave::nsm::AttestationRequest;
use lcp_enclave::nsm::simulated::{Clock, Defect, DocumentRequest, Seed, SimulatedNsm};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Every simulated key, certificate and PCR derives from this seed (test-only, never a real key).
const SEED: Seed = Seed([0xE2; 32]);
/// The NSM's fixed clock: 2025-01-01 12:00:00.123 UTC.
const NOW_MS: u64 = 1_735_732_800_123;
/// The destination: anvil's chain id and the address the Forge test deploys `LCPClient` at.
const DOMAIN: Domain = Domain {
    chain_id: 31337,
    client: address!("1c9e00000000000000000000000000000000e2e0"),
};
/// The operator that runs the enclave and registers it (`msg.sender` of the registration).
const OPERATOR: Address = address!("0e000000000000000000000000000000000000e2");
/// An operator the client does not allowlist (negative case).
const OTHER_OPERATOR: Address = address!("0e000000000000000000000000000000000000ff");
/// `LCPClient` key policy of the fixture: key TTL and maximum attestation age.
const KEY_TTL_SECS: u64 = 86_400;
const MAX_ATTESTATION_AGE_SECS: u64 = 600;
/// Seconds before the leaf's notAfter at which the "expired" document is stamped: at notAfter it is
/// still fresh (60 s ≤ max age), so the verifier accepts it and the client must refuse the key.
const EXPIRED_DOC_LEAD_SECS: u64 = 60;

/// The network config the enclave and the client agree on (a fixture label, not a real network).
fn network_config_hash() -> B256 {
    keccak256(b"lcp-nitro registration e2e network config")
}

fn other_network_config_hash() -> B256 {
    keccak256(b"lcp-nitro registration e2e OTHER network config")
}

/// The light client's trusted finalized beacon root (the init message must carry it).
fn trusted_root() -> B256 {
    keccak256(b"lcp-nitro registration e2e trusted beacon root")
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/golden/registration")
}

fn h(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn nsm() -> SimulatedNsm {
    SimulatedNsm::from_seed(SEED, Clock::Fixed(NOW_MS)).unwrap()
}

/// PCR `index` of `nsm`.
fn pcr(nsm: &SimulatedNsm, index: u64) -> Vec<u8> {
    nsm.pcrs()
        .iter()
        .find(|(i, _)| *i == index)
        .map(|(_, v)| v.clone())
        .unwrap()
}

fn measurement_of(nsm: &SimulatedNsm) -> B256 {
    binding::measurement(&pcr(nsm, 0), &pcr(nsm, 1), &pcr(nsm, 2), Some(&pcr(nsm, 8))).unwrap()
}

/// Reference-verifier options: the simulated root pinned, the client's max age, at `at`.
fn options(root_der: &[u8], at: u64) -> VerificationOptions {
    let mut options = VerificationOptions::new(UnixSeconds(at));
    options.trust_anchor = TrustAnchor::from_der(root_der.to_vec()).unwrap();
    options.max_age_secs = MAX_ATTESTATION_AGE_SECS;
    options.pcr_policy = PcrPolicy::default();
    options
}

fn init() -> UpdateState {
    UpdateState {
        prevStateId: B256::ZERO,
        postStateId: keccak256(b"e2e state 1"),
        finalizedSlot: 10_771_200,
        finalizedBeaconRoot: trusted_root(),
        blockNumber: 21_525_000,
        blockHash: keccak256(b"e2e block 21525000"),
        stateRoot: keccak256(b"e2e state root 21525000"),
        receiptsRoot: keccak256(b"e2e receipts root 21525000"),
        timestamp: 1_735_729_199,
    }
}

fn update() -> UpdateState {
    UpdateState {
        prevStateId: keccak256(b"e2e state 1"),
        postStateId: keccak256(b"e2e state 2"),
        finalizedSlot: 10_771_264,
        finalizedBeaconRoot: keccak256(b"e2e beacon 10771264"),
        blockNumber: 21_525_063,
        blockHash: keccak256(b"e2e block 21525063"),
        stateRoot: keccak256(b"e2e state root 21525063"),
        receiptsRoot: keccak256(b"e2e receipts root 21525063"),
        timestamp: 1_735_729_967,
    }
}

fn storage_claim() -> StorageClaim {
    StorageClaim {
        blockNumber: 21_525_063,
        blockHash: keccak256(b"e2e block 21525063"),
        account: address!("00000000219ab540356cbb839cbe05303d7705fa"),
        slot: B256::with_last_byte(0x22),
        value: keccak256(b"e2e storage value"),
    }
}

/// One message of the sequence, signed by the enclave key (the enclave's own signing path).
fn envelope<B: Body>(key: &EnclaveKey, description: &str, body: &B, fields: Value) -> Value {
    let message = encode_message(DOMAIN, body);
    let digest = signing_digest(&message);
    let signature = key.sign_digest(&digest);
    json!({
        "description": description,
        "chain_id": DOMAIN.chain_id,
        "client": DOMAIN.client.to_checksum(None),
        "signer": key.address().to_checksum(None),
        "message_type": u8::from(B::TYPE),
        "message": h(&message),
        "digest": h(digest),
        "signature": h(signature),
        "fields": fields,
    })
}

fn update_fields(u: &UpdateState) -> Value {
    json!({
        "prevStateId": h(u.prevStateId), "postStateId": h(u.postStateId), "finalizedSlot": u.finalizedSlot,
        "finalizedBeaconRoot": h(u.finalizedBeaconRoot), "blockNumber": u.blockNumber, "blockHash": h(u.blockHash),
        "stateRoot": h(u.stateRoot), "receiptsRoot": h(u.receiptsRoot), "timestamp": u.timestamp,
    })
}

/// The document's chain split as the relayer caches it: `cabundle` (root first) and the leaf.
fn chain_of(document: &[u8]) -> (Vec<String>, String) {
    let cose = nitro::cose::parse(document).unwrap();
    let parsed = nitro::document::parse(&cose.payload).unwrap();
    let cabundle = parsed.cabundle.iter().map(h).collect();
    (cabundle, h(&parsed.certificate))
}

/// Generates every golden file as (name, bytes).
fn golden_files() -> Vec<(String, Vec<u8>)> {
    let nsm = nsm();
    let key = EnclaveKey::generate(&nsm).unwrap();
    let config = network_config_hash();
    let user_data = key.binding(OPERATOR, config).encode();

    // The registration document, through the enclave's own attestation path.
    let document = key.attest(&nsm, OPERATOR, config, None).unwrap();
    let root_der = nsm.root_der().to_vec();
    let cose = nitro::cose::parse(&document).unwrap();
    let timestamp_ms = nitro::document::parse(&cose.payload).unwrap().timestamp.0;
    let verification_time = timestamp_ms / 1000;
    let verified = nitro::verify(&document, &options(&root_der, verification_time)).unwrap();
    let leaf_not_after = verified.leaf().not_after().0;
    let (cabundle, certificate) = chain_of(&document);

    // Negative documents (same PKI and clock, so the same cached CAs serve them).
    let other_operator_doc = key.attest(&nsm, OTHER_OPERATOR, config, None).unwrap();
    let other_config_doc = key
        .attest(&nsm, OPERATOR, other_network_config_hash(), None)
        .unwrap();
    let mut other_pcrs = nsm.pcrs().to_vec();
    if let Some((_, pcr0)) = other_pcrs.iter_mut().find(|(i, _)| *i == 0) {
        *pcr0 = keccak256(b"another image").repeat(2)[..48].to_vec();
    }
    let other_image = SimulatedNsm::from_seed(SEED, Clock::Fixed(NOW_MS))
        .unwrap()
        .with_pcrs(other_pcrs);
    let other_image_doc = key.attest(&other_image, OPERATOR, config, None).unwrap();
    let now_secs = NOW_MS / 1000;
    let ahead_secs = leaf_not_after
        .checked_sub(now_secs)
        .and_then(|d| d.checked_sub(EXPIRED_DOC_LEAD_SECS))
        .unwrap();
    let expiring = nsm
        .document(&DocumentRequest {
            defects: vec![Defect::FutureTimestamp { ahead_secs }],
            ..nsm
                .request(&AttestationRequest {
                    public_key: Some(key.public_key()),
                    user_data: Some(&user_data),
                    nonce: None,
                })
                .unwrap()
        })
        .unwrap();

    let registration = json!({
        "description": "registration of the enclave key of a seeded simulated NSM: document, its chain, binding and client parameters",
        "seed": h(SEED.0),
        "chain_id": DOMAIN.chain_id,
        "client": DOMAIN.client.to_checksum(None),
        "trusted_root": h(trusted_root()),
        "key_ttl_secs": KEY_TTL_SECS,
        "max_attestation_age_secs": MAX_ATTESTATION_AGE_SECS,
        "network_config_hash": h(config),
        "operator": OPERATOR.to_checksum(None),
        "root_der": h(&root_der),
        "root_sha256": h(Sha256::digest(&root_der)),
        "key_address": key.address().to_checksum(None),
        "public_key": h(key.public_key()),
        "user_data": h(user_data),
        "pcr0": h(pcr(&nsm, 0)),
        "pcr1": h(pcr(&nsm, 1)),
        "pcr2": h(pcr(&nsm, 2)),
        "pcr8": h(pcr(&nsm, 8)),
        "measurement": h(measurement_of(&nsm)),
        "document": h(&document),
        "timestamp_ms": timestamp_ms,
        "verification_time": verification_time,
        "leaf_not_after": leaf_not_after,
        "module_id": verified.module_id(),
        "cabundle": cabundle,
        "certificate": certificate,
    });
    let negatives = json!({
        "description": "documents the client must refuse, each for one reason (same key, PKI and clock as registration.json)",
        "other_operator": {
            "description": "user_data names an operator the client does not allowlist",
            "operator": OTHER_OPERATOR.to_checksum(None),
            "document": h(&other_operator_doc),
        },
        "other_network": {
            "description": "user_data carries another network config hash",
            "network_config_hash": h(other_network_config_hash()),
            "document": h(&other_config_doc),
        },
        "other_measurement": {
            "description": "another PCR0 (another enclave image): measurement not allowlisted",
            "measurement": h(measurement_of(&other_image)),
            "document": h(&other_image_doc),
        },
        "expired": {
            "description": "stamped 60 s before its leaf's notAfter: at notAfter it verifies but the key would expire at once; one second later the leaf has expired",
            "document": h(&expiring.bytes),
            "timestamp_ms": expiring.timestamp,
            "leaf_not_after": expiring.leaf_not_after,
        },
    });

    let i = init();
    let u = update();
    let s = storage_claim();
    let messages = [
        (
            "update_state_init",
            envelope(
                &key,
                "initialisation UpdateState: prevStateId = 0, finalizedBeaconRoot = the trusted root",
                &i,
                update_fields(&i),
            ),
        ),
        (
            "update_state",
            envelope(
                &key,
                "UpdateState continuing update_state_init",
                &u,
                update_fields(&u),
            ),
        ),
        (
            "storage_claim",
            envelope(
                &key,
                "StorageClaim on update_state's block",
                &s,
                json!({
                    "blockNumber": s.blockNumber, "blockHash": h(s.blockHash), "account": s.account.to_checksum(None),
                    "slot": h(s.slot), "value": h(s.value),
                }),
            ),
        ),
    ];

    let mut files = vec![
        ("root.der".to_owned(), root_der),
        ("registration.json".to_owned(), render(&registration)),
        ("negatives.json".to_owned(), render(&negatives)),
    ];
    files.extend(
        messages
            .iter()
            .map(|(name, value)| (format!("{name}.json"), render(value))),
    );
    files
}

fn render(value: &Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap();
    text.push('\n');
    text.into_bytes()
}

fn read_json(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir().join(name)).unwrap()).unwrap()
}

fn bytes(value: &Value) -> Vec<u8> {
    hex::decode(value.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

fn number(value: &Value) -> u64 {
    value.as_u64().unwrap()
}

#[test]
fn committed_registration_files_match_the_generator() {
    let write = std::env::var_os("LCP_WRITE_GOLDEN").is_some();
    for (name, content) in golden_files() {
        let path = dir().join(&name);
        if write {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &content).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == content,
            "{name} differs from the generator; regenerate with LCP_WRITE_GOLDEN=1"
        );
    }
}

/// The committed document verifies with the reference verifier under the committed root, and what it
/// proves is what `LCPClient` checks: measurement, key, binding, expiry.
#[test]
fn reference_verifier_accepts_the_committed_registration() {
    let r = read_json("registration.json");
    let root_der = std::fs::read(dir().join("root.der")).unwrap();
    assert_eq!(bytes(&r["root_der"]), root_der);
    assert_eq!(bytes(&r["root_sha256"]), Sha256::digest(&root_der).to_vec());
    let at = number(&r["verification_time"]);
    let verified = nitro::verify(&bytes(&r["document"]), &options(&root_der, at)).unwrap();
    assert_eq!(verified.timestamp().0, number(&r["timestamp_ms"]));
    assert_eq!(verified.leaf().not_after().0, number(&r["leaf_not_after"]));
    assert!(!verified.debug_mode());
    let pcr = |i: u8| verified.pcr(i).unwrap().to_vec();
    for i in [0u8, 1, 2, 8] {
        assert_eq!(pcr(i), bytes(&r[format!("pcr{i}")]), "PCR{i}");
    }
    assert_eq!(
        binding::measurement(&pcr(0), &pcr(1), &pcr(2), Some(&pcr(8))).unwrap(),
        B256::from_slice(&bytes(&r["measurement"]))
    );
    let config = B256::from_slice(&bytes(&r["network_config_hash"]));
    let bound = binding::check_binding(
        verified.public_key().unwrap(),
        verified.user_data().unwrap(),
        config,
    )
    .unwrap();
    assert_eq!(
        bound,
        UserData {
            enclave_key: r["key_address"].as_str().unwrap().parse().unwrap(),
            operator: r["operator"].as_str().unwrap().parse().unwrap(),
            network_config_hash: config,
        }
    );
    // The leaf (3 h) caps the key before the 1-day TTL does.
    assert_eq!(
        binding::key_expiry(
            UnixSeconds(at),
            number(&r["key_ttl_secs"]),
            verified.leaf().not_after()
        ),
        Ok(verified.leaf().not_after())
    );
    // The split chain is the document's own.
    assert_eq!(
        verified.cabundle_len(),
        r["cabundle"].as_array().unwrap().len()
    );
}

/// Each negative document fails the reference for the reason the Forge test expects from the contract.
#[test]
fn reference_refuses_the_committed_negatives() {
    let r = read_json("registration.json");
    let n = read_json("negatives.json");
    let root_der = bytes(&r["root_der"]);
    let at = number(&r["verification_time"]);
    let config = B256::from_slice(&bytes(&r["network_config_hash"]));
    let verify_at = |doc: &Value, at: u64| nitro::verify(&bytes(doc), &options(&root_der, at));

    let doc = verify_at(&n["other_operator"]["document"], at).unwrap();
    let bound = binding::check_binding(doc.public_key().unwrap(), doc.user_data().unwrap(), config)
        .unwrap();
    assert_eq!(
        bound.operator,
        n["other_operator"]["operator"]
            .as_str()
            .unwrap()
            .parse::<Address>()
            .unwrap()
    );

    let doc = verify_at(&n["other_network"]["document"], at).unwrap();
    let other = B256::from_slice(&bytes(&n["other_network"]["network_config_hash"]));
    assert_eq!(
        binding::check_binding(doc.public_key().unwrap(), doc.user_data().unwrap(), config),
        Err(message::Error::NetworkConfigMismatch {
            got: other,
            expected: config
        })
    );

    let doc = verify_at(&n["other_measurement"]["document"], at).unwrap();
    let pcr = |i: u8| doc.pcr(i).unwrap().to_vec();
    let measurement = binding::measurement(&pcr(0), &pcr(1), &pcr(2), Some(&pcr(8))).unwrap();
    assert_eq!(
        measurement,
        B256::from_slice(&bytes(&n["other_measurement"]["measurement"]))
    );
    assert_ne!(measurement, B256::from_slice(&bytes(&r["measurement"])));

    // At the leaf's notAfter the document verifies, but the key would expire at once.
    let not_after = number(&n["expired"]["leaf_not_after"]);
    let doc = verify_at(&n["expired"]["document"], not_after).unwrap();
    assert_eq!(
        binding::key_expiry(
            UnixSeconds(not_after),
            number(&r["key_ttl_secs"]),
            doc.leaf().not_after()
        ),
        Err(message::Error::RegistrationExpired {
            expiry: UnixSeconds(not_after),
            now: UnixSeconds(not_after)
        })
    );
    // One second later the leaf (index 4 = cabundle length) has expired.
    let leaf_index = r["cabundle"].as_array().unwrap().len();
    assert!(matches!(
        verify_at(&n["expired"]["document"], not_after + 1),
        Err(NitroError::CertExpired { index, not_after: UnixSeconds(na), now: UnixSeconds(t) })
            if index == leaf_index && na == not_after && t == not_after + 1
    ));
}

/// The committed messages are signed by the attested key and run through the reference client model
/// registered from the committed document.
#[test]
fn reference_client_accepts_the_committed_flow() {
    let r = read_json("registration.json");
    let key: Address = r["key_address"].as_str().unwrap().parse().unwrap();
    let at = UnixSeconds(number(&r["verification_time"]));
    let read = |name: &str| {
        let v = read_json(&format!("{name}.json"));
        let m = bytes(&v["message"]);
        let s = bytes(&v["signature"]);
        let signature: [u8; 65] = s.clone().try_into().unwrap();
        assert_eq!(
            recover_signer(signing_digest(&m), &signature, 0),
            Ok(key),
            "{name} signed by the attested key"
        );
        (m, s)
    };
    let mut client = Client::new(DOMAIN, B256::from_slice(&bytes(&r["trusted_root"])), 1);
    client.register_key(
        key,
        RegisteredKey {
            operator: r["operator"].as_str().unwrap().parse().unwrap(),
            expiry: UnixSeconds(number(&r["leaf_not_after"])),
        },
    );
    let (m, s) = read("update_state_init");
    assert_eq!(client.initialize(&m, &s, at), Ok(UpdateOutcome::Applied));
    let (m, s) = read("update_state");
    assert_eq!(client.update_state(&m, &s, at), Ok(UpdateOutcome::Applied));
    assert_eq!(client.state_id(), update().postStateId);
    let (m, s) = read("storage_claim");
    assert_eq!(client.verify_storage(&m, &s, at), Ok(storage_claim()));
}
