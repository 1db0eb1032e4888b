//! The enclave half of `lcp demo`: an in-process enclave (the real request handler of
//! `lcp-enclave`, simulated NSM) attests its key, initialises the light client from the real mainnet
//! Capella checkpoint, applies six real sync-committee periods and finality in ONE signed
//! `UpdateState`, and signs a real `TransactionClaim` of the finalized block 17923026. Every signed
//! message is checked by the Rust reference (`attestation_verifier::message::client::Client`,
//! the model of `LCPClient`).

use super::output::{Report, hex0x};
use alloy_primitives::{Address, B256, Bytes};
use anyhow::{Context, bail, ensure};
use attestation_verifier::message::binding::{self, UserData};
use attestation_verifier::message::client::{Client, UpdateOutcome};
use attestation_verifier::message::verify::RegisteredKey;
use attestation_verifier::message::{Domain, TransactionClaim, UpdateState, decode_message};
use attestation_verifier::nitro::{self, PcrPolicy, TrustAnchor, VerificationOptions};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::simulated::{Clock, SimulatedNsm};
use lcp_enclave::service::protocol::{
    ClaimItem, ClientState, LcObject, Request, Response, SignedMessage,
};
use lcp_enclave::service::{Enclave, EnclaveConfig, OsRandom};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The weak-subjectivity checkpoint of the bundled Capella data (fixtures/README.md).
pub(crate) const CAPELLA_TRUSTED_ROOT: B256 =
    alloy_primitives::b256!("5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
/// The bundled Capella data: bootstrap, six period updates, finality, beacon blocks.
const CAPELLA_DIR: &str = "mainnet/lightclient/capella_p862-867";
/// The beacon slot the bundled finality update finalizes; its block carries execution block
/// 17923026 with every transaction.
const FINALIZED_SLOT: u64 = 7_109_344;
/// The demo's transaction: index 0 of block 17923026 (an EIP-1559 transaction).
pub(crate) const DEMO_TX_INDEX: u64 = 0;
/// Key lifetime the demo's `LCPClient` grants (and the reference model mirrors), seconds.
pub(crate) const DEMO_KEY_TTL_SECS: u64 = 86_400;
/// Attestation max age of the demo's `LCPClient`, seconds.
pub(crate) const DEMO_MAX_AGE_SECS: u64 = 600;

/// The repository's `fixtures/` directory: the demo's bundled data.
pub(crate) fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
}

fn capella(file: &str) -> anyhow::Result<Value> {
    let path = fixtures().join(CAPELLA_DIR).join(file);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The running in-process enclave and what the verifier side knows about it.
pub(crate) struct DemoEnclave {
    enclave: Enclave,
    /// Simulated root certificate (DER): the trust anchor of this demo's attestations.
    pub root_der: Vec<u8>,
    /// `keccak256(pcr0 ‖ pcr1 ‖ pcr2 ‖ pcr8)` of the simulated image.
    pub measurement: B256,
    /// Operator bound in the attestation (and sender of the registration).
    pub operator: Address,
    /// Destination the enclave signs for.
    pub domain: Domain,
    /// The attested enclave key.
    pub key: Address,
    /// The attestation document `Info` returned.
    pub document: Vec<u8>,
    /// The network-config hash the enclave binds.
    pub network_config_hash: B256,
    /// The reference model of `LCPClient`, with the key registered.
    pub reference: Client,
    /// Verification time of the reference (the document's timestamp, seconds).
    pub now: UnixSeconds,
}

/// The light client after init and update.
pub(crate) struct Synced {
    /// The host-held state.
    pub state: ClientState,
    /// Its id.
    pub state_id: B256,
    /// The signed init `UpdateState`.
    pub init: SignedMessage,
    /// The signed `UpdateState` over six periods and finality.
    pub update: SignedMessage,
    /// The decoded update.
    pub body: UpdateState,
}

fn pcr(nsm: &SimulatedNsm, index: u64) -> anyhow::Result<Vec<u8>> {
    nsm.pcrs()
        .iter()
        .find(|(i, _)| *i == index)
        .map(|(_, v)| v.clone())
        .with_context(|| format!("simulated NSM lacks PCR{index}"))
}

/// Starts the enclave for `domain` with `operator`, fetches `Info`, verifies the attestation with the
/// reference verifier and registers the key in the reference model.
pub(crate) fn start(
    operator: Address,
    domain: Domain,
    report: &mut Report,
) -> anyhow::Result<(DemoEnclave, Value)> {
    let nsm = SimulatedNsm::random(Clock::System).context("starting the simulated NSM")?;
    let root_der = nsm.root_der().to_vec();
    let (pcr0, pcr1, pcr2, pcr8) = (pcr(&nsm, 0)?, pcr(&nsm, 1)?, pcr(&nsm, 2)?, pcr(&nsm, 8)?);
    let measurement = binding::measurement(&pcr0, &pcr1, &pcr2, Some(&pcr8))?;
    let enclave = Enclave::start(
        Box::new(OsRandom(nsm)),
        EnclaveConfig {
            spec: ChainSpec::mainnet(),
            policy: BridgePolicy::two_thirds::<Mainnet>(),
            operator,
            domain,
        },
    )
    .context("starting the enclave")?;
    let network_config_hash = enclave.network_config_hash();
    // A freshness nonce the document must echo (unpredictable enough for a demo: the start time).
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let nonce = Bytes::from(alloy_primitives::keccak256(started.to_be_bytes()).to_vec());
    let Response::Info {
        enclave_key,
        attestation,
        code_version,
        ..
    } = enclave.handle(Request::Info {
        nonce: Some(nonce.clone()),
    })?
    else {
        bail!("Info answered with another response");
    };
    report.line(format!(
        "simulated NSM root: SHA-256 {}",
        hex0x(Sha256::digest(&root_der))
    ));
    report.line(format!(
        "enclave key {enclave_key} (secp256k1, lcp-enclave {code_version}), attestation {} bytes",
        attestation.len()
    ));

    // The reference verifier: chain to the simulated root, PCR allowlist, freshness.
    let cose = nitro::cose::parse(&attestation)?;
    let timestamp_ms = nitro::document::parse(&cose.payload)?.timestamp.0;
    let now = UnixSeconds(timestamp_ms / 1000);
    let mut options = VerificationOptions::new(now);
    options.trust_anchor = TrustAnchor::from_der(root_der.clone())?;
    options.max_age_secs = DEMO_MAX_AGE_SECS;
    options.pcr_policy = PcrPolicy::default()
        .expect_pcr(0, pcr0)
        .expect_pcr(1, pcr1)
        .expect_pcr(2, pcr2);
    let verified =
        nitro::verify(&attestation, &options).context("verifying the enclave's attestation")?;
    let bound = binding::check_binding(
        verified.public_key().unwrap_or_default(),
        verified.user_data().unwrap_or_default(),
        network_config_hash,
    )?;
    ensure!(
        bound
            == UserData {
                enclave_key,
                operator,
                network_config_hash
            },
        "user_data does not bind the enclave key, operator and network config"
    );
    ensure!(verified.nonce() == Some(nonce.as_ref()), "nonce not echoed");
    let expiry = binding::key_expiry(now, DEMO_KEY_TTL_SECS, verified.leaf().not_after())?;
    report.line(format!(
        "reference verifier: attestation accepted (module {}, PCR0/1/2 allowlisted, nonce echoed)",
        verified.module_id()
    ));
    report.line(format!(
        "binding: key {enclave_key}, operator {operator}, network config {network_config_hash}"
    ));
    report.line(format!(
        "destination: chain {} LCPClient {} (signed into every message)",
        domain.chain_id, domain.client
    ));

    let mut reference = Client::new(domain, CAPELLA_TRUSTED_ROOT, 1);
    reference.register_key(enclave_key, RegisteredKey { operator, expiry });
    let value = json!({
        "root_sha256": hex0x(Sha256::digest(&root_der)),
        "enclave_key": enclave_key.to_string().to_lowercase(),
        "operator": operator.to_string().to_lowercase(),
        "network_config_hash": hex0x(network_config_hash),
        "measurement": hex0x(measurement),
        "document_len": attestation.len(),
        "timestamp_ms": timestamp_ms,
        "module_id": verified.module_id(),
        "chain_id": domain.chain_id,
        "client": domain.client.to_string().to_lowercase(),
        "verified": true,
        "binding_matches": true,
    });
    Ok((
        DemoEnclave {
            enclave,
            root_der,
            measurement,
            operator,
            domain,
            key: enclave_key,
            document: attestation.to_vec(),
            network_config_hash,
            reference,
            now,
        },
        value,
    ))
}

fn client_updated(response: Response) -> anyhow::Result<(ClientState, B256, SignedMessage, u32)> {
    match response {
        Response::ClientUpdated {
            client_state,
            state_id,
            update,
            applied,
            ..
        } => Ok((client_state, state_id, update, applied)),
        _ => bail!("expected a ClientUpdated response"),
    }
}

fn signed_json(signed: &SignedMessage) -> Value {
    json!({"message": hex0x(&signed.message), "signature": hex0x(&signed.signature)})
}

/// InitClient from the checkpoint, then ONE UpdateClient over the six periods and finality; both
/// signed messages go through the reference model.
pub(crate) fn light_client(
    demo: &mut DemoEnclave,
    report: &mut Report,
) -> anyhow::Result<(Synced, Value)> {
    let (state, state_id, init, _) = client_updated(
        demo.enclave
            .handle(Request::InitClient {
                network_config_hash: demo.network_config_hash,
                trusted_block_root: CAPELLA_TRUSTED_ROOT,
                bootstrap: LcObject::Json(capella("bootstrap.json")?),
            })
            .context("InitClient")?,
    )?;
    let init_body: UpdateState = decode_message(demo.domain, &init.message)?;
    ensure!(
        demo.reference
            .initialize(&init.message, &init.signature, demo.now)?
            == UpdateOutcome::Applied,
        "reference model did not apply the init message"
    );
    report.line(format!(
        "InitClient: checkpoint {CAPELLA_TRUSTED_ROOT} (slot {}), state {state_id}",
        init_body.finalizedSlot
    ));
    report.line("  signed UpdateState(prev = 0) accepted by the reference model");

    let (state, state_id, update, applied) = client_updated(
        demo.enclave
            .handle(Request::UpdateClient {
                state_id,
                client_state: state,
                updates: vec![LcObject::Json(capella("updates.json")?)],
                finality_update: Some(LcObject::Json(capella("finality.json")?)),
            })
            .context("UpdateClient")?,
    )?;
    let body: UpdateState = decode_message(demo.domain, &update.message)?;
    ensure!(
        demo.reference
            .update_state(&update.message, &update.signature, demo.now)?
            == UpdateOutcome::Applied,
        "reference model did not apply the update"
    );
    ensure!(
        body.finalizedSlot == FINALIZED_SLOT,
        "finalized slot {} is not the bundled {FINALIZED_SLOT}",
        body.finalizedSlot
    );
    report.line(format!(
        "UpdateClient: {applied} updates (periods 862–867 + finality) in ONE signed UpdateState"
    ));
    report.line(format!(
        "  finalized slot {}, execution block {} {}",
        body.finalizedSlot, body.blockNumber, body.blockHash
    ));
    report.line(format!(
        "  state {} -> {}: accepted by the reference model (continuity, signature, key)",
        body.prevStateId, body.postStateId
    ));
    let value = json!({
        "init": {
            "state_id": hex0x(init_body.postStateId),
            "finalized_slot": init_body.finalizedSlot,
            "finalized_beacon_root": hex0x(init_body.finalizedBeaconRoot),
            "signed": signed_json(&init),
            "reference_accepted": true,
        },
        "update": {
            "prev_state_id": hex0x(body.prevStateId),
            "state_id": hex0x(body.postStateId),
            "signed": signed_json(&update),
            "reference_accepted": true,
        },
        "applied": applied,
        "finalized": {
            "slot": body.finalizedSlot,
            "beacon_root": hex0x(body.finalizedBeaconRoot),
            "execution": {
                "block_number": body.blockNumber,
                "block_hash": hex0x(body.blockHash),
                "state_root": hex0x(body.stateRoot),
                "receipts_root": hex0x(body.receiptsRoot),
                "timestamp": body.timestamp,
            },
        },
    });
    Ok((
        Synced {
            state,
            state_id,
            init,
            update,
            body,
        },
        value,
    ))
}

/// The `Transaction` claim item of transaction `index` of the finalized beacon block (header
/// rebuilt from the execution payload and hash-checked, transactions trie rebuilt for the proof:
/// [`crate::claims::transaction_item_from_beacon_block`]) and the block hash.
pub(crate) fn transaction_item(index: u64) -> anyhow::Result<(ClaimItem, B256)> {
    let block = capella(&format!("beacon_blocks/{FINALIZED_SLOT}.json"))?;
    let (sealed, _) = crate::claims::beacon_block_execution(&block)?;
    let item = crate::claims::transaction_item_from_beacon_block(&block, index)?;
    Ok((item, sealed.hash()))
}

/// Verify: the enclave proves transaction [`DEMO_TX_INDEX`] of the finalized block and signs a
/// `TransactionClaim`; the reference model accepts it for the block it stored.
pub(crate) fn transaction_claim(
    demo: &mut DemoEnclave,
    synced: &Synced,
    report: &mut Report,
) -> anyhow::Result<(SignedMessage, TransactionClaim, Value)> {
    let (item, block_hash) = transaction_item(DEMO_TX_INDEX)?;
    ensure!(
        block_hash == synced.body.blockHash,
        "the beacon block's payload is not the finalized block"
    );
    let Response::Claims { messages } = demo
        .enclave
        .handle(Request::Verify {
            state_id: synced.state_id,
            client_state: synced.state.clone(),
            block_hash,
            claims: vec![item],
            batch: false,
        })
        .context("Verify")?
    else {
        bail!("expected a Claims response");
    };
    let [signed] = <[SignedMessage; 1]>::try_from(messages)
        .map_err(|m| anyhow::anyhow!("expected one signed claim, got {}", m.len()))?;
    let claim: TransactionClaim = decode_message(demo.domain, &signed.message)?;
    let accepted =
        demo.reference
            .verify_transaction(&signed.message, &signed.signature, demo.now)?;
    ensure!(accepted == claim, "reference model returned another claim");
    report.line(format!(
        "Verify: TransactionClaim block {} tx {} type {} hash {}",
        claim.blockNumber, claim.txIndex, claim.txType, claim.txHash
    ));
    report.line("  signed claim accepted by the reference model (stored block, key, signature)");
    let value = json!({
        "type": "TransactionClaim",
        "block_number": claim.blockNumber,
        "block_hash": hex0x(claim.blockHash),
        "tx_index": claim.txIndex,
        "tx_type": claim.txType,
        "tx_hash": hex0x(claim.txHash),
        "signed": signed_json(&signed),
        "reference_accepted": true,
    });
    Ok((signed, claim, value))
}
