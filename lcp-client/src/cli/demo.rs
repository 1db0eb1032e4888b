//! `lcp demo`: the end-to-end story on bundled real data, no network.
//!
//! 1. Verifies the three bundled real AWS attestation documents under the AWS root at their own
//!    timestamps; the debug-mode one is rejected by the production policy and accepted with
//!    allow-debug.
//! 2. Starts a simulated NSM, generates a secp256k1 enclave key from NSM randomness, requests a
//!    document with `public_key` = the key and `user_data` = the DESIGN.md §3 binding, verifies it
//!    with the reference verifier against the simulated root, and checks the binding names the key.
//! 3. Syncs the light client from a real mainnet checkpoint and proves real receipts, an account and
//!    a storage slot (`demo_chain`).

use super::output::{Report, finish, hex0x};
use alloy_primitives::{B256, keccak256};
use anyhow::{Context, bail, ensure};
use attestation_verifier::error::NitroError;
use attestation_verifier::message::binding::UserData;
use attestation_verifier::nitro::{
    self, PcrPolicy, TrustAnchor, VerificationOptions, VerifiedDocument,
};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::enclave_key::{EnclaveKey, address_of};
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Mainnet};
use lcp_enclave::nsm::Nsm;
use lcp_enclave::nsm::simulated::{Clock, SimulatedNsm};
use lcp_enclave::state_id::network_config_hash;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::process::ExitCode;

/// Arguments of `lcp demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A bundled real AWS document: file name, bytes, its `timestamp` (ms), whether it is debug mode.
struct RealDocument {
    name: &'static str,
    bytes: &'static [u8],
    timestamp_ms: u64,
    debug: bool,
}

/// The real documents of `fixtures/nitro/` (provenance in fixtures/README.md), compiled in so the
/// demo runs from any directory.
const REAL_DOCUMENTS: [RealDocument; 3] = [
    RealDocument {
        name: "evervault_2022-10-13_i-020b6af9.cbor",
        bytes: include_bytes!("../../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor"),
        timestamp_ms: 1_665_651_482_136,
        debug: false,
    },
    RealDocument {
        name: "marlin-NitroProver_2024-02-26_i-0df237f0.cbor",
        bytes: include_bytes!(
            "../../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor"
        ),
        timestamp_ms: 1_708_930_921_439,
        debug: false,
    },
    RealDocument {
        name: "automata_2024-08-16_i-07fd4cc4.cbor",
        bytes: include_bytes!("../../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor"),
        timestamp_ms: 1_723_799_509_167,
        debug: true,
    },
];

/// The demo operator: the address of the secp256k1 key `keccak256("lcp demo operator")`. A real
/// deployment passes its operator address on the command line.
const DEMO_OPERATOR_SEED: &[u8] = b"lcp demo operator";

/// Runs `lcp demo`.
pub fn run(args: &DemoArgs) -> ExitCode {
    finish(demo(), args.json)
}

fn demo() -> anyhow::Result<Report> {
    let mut report = Report::default();
    report.line(
        "== Real AWS Nitro attestation documents (AWS Root-G1, verified at their own timestamps)",
    );
    let mut real = Vec::new();
    for document in &REAL_DOCUMENTS {
        real.push(real_document(document, &mut report)?);
    }
    report.field("real_documents", Value::Array(real));

    report.line("");
    report.line("== Simulated NSM: enclave key bound to an attestation document");
    let simulated = simulated_enclave(&mut report)?;
    report.field("simulated", simulated);

    report.line("");
    report.line("== Light client: real mainnet checkpoint, six sync-committee periods, finality (bridge policy)");
    let light_client = super::demo_chain::light_client_stage(&mut report)?;
    report.field("light_client", light_client);

    report.line("");
    report.line("== SPV: real mainnet block 21925176 (header hash, receipts trie, account and storage proof)");
    let spv = super::demo_chain::spv_stage(&mut report)?;
    report.field("spv", spv);
    report.line("");
    report.line("demo: all checks passed");
    Ok(report)
}

fn verdict(result: &Result<VerifiedDocument, NitroError>) -> String {
    match result {
        Ok(_) => "accepted".to_owned(),
        Err(error) => format!("rejected ({error})"),
    }
}

fn real_document(document: &RealDocument, report: &mut Report) -> anyhow::Result<Value> {
    let mut options = VerificationOptions::new(UnixSeconds(document.timestamp_ms / 1000));
    let production = nitro::verify(document.bytes, &options);
    options.pcr_policy = PcrPolicy {
        allow_debug: true,
        ..PcrPolicy::default()
    };
    let allow_debug = nitro::verify(document.bytes, &options);
    let verified = allow_debug
        .as_ref()
        .map_err(Clone::clone)
        .context(document.name)?;

    // The expected outcome is part of the demo: production policy rejects exactly the debug one.
    match (&production, document.debug) {
        (Ok(_), false) | (Err(NitroError::DebugModeRejected), true) => {}
        (other, _) => bail!(
            "{}: unexpected production verdict {}",
            document.name,
            verdict(other)
        ),
    }
    ensure!(
        verified.debug_mode() == document.debug,
        "{}: debug mode not detected as expected",
        document.name
    );

    let pcr0 = verified.pcr(0).map(hex0x).unwrap_or_default();
    report.line(document.name);
    report.line(format!(
        "  timestamp {} ms, module {}, PCR0 {}…",
        verified.timestamp().0,
        verified.module_id(),
        pcr0.get(..18).unwrap_or(&pcr0)
    ));
    report.line(format!("  production policy: {}", verdict(&production)));
    report.line(format!("  allow-debug policy: {}", verdict(&allow_debug)));
    Ok(json!({
        "file": document.name,
        "timestamp_ms": verified.timestamp().0,
        "module_id": verified.module_id(),
        "debug_mode": verified.debug_mode(),
        "pcr0": pcr0,
        "production": production.is_ok(),
        "production_verdict": verdict(&production),
        "allow_debug": allow_debug.is_ok(),
        "leaf_not_after": verified.leaf().not_after().0,
    }))
}

/// The network-config hash a mainnet enclave binds into its attestation: the same definition the
/// enclave service uses (`state_id::network_config_hash`), mainnet fork schedule, default bridge policy.
fn demo_network_config_hash() -> B256 {
    let spec = ChainSpec::mainnet();
    network_config_hash(&spec, &BridgePolicy::two_thirds::<Mainnet>())
}

/// What `ecrecover(digest, v, r, s)` returns for a `r ‖ s ‖ v` signature (v ∈ {27, 28}).
fn recover_address(
    digest: &B256,
    signature: &[u8; 65],
) -> anyhow::Result<alloy_primitives::Address> {
    let (rs, v) = signature.split_at(64);
    let v = v
        .first()
        .and_then(|v| v.checked_sub(27))
        .context("signature v is not 27 or 28")?;
    let recovery = k256::ecdsa::RecoveryId::from_byte(v).context("invalid recovery id")?;
    let signature = k256::ecdsa::Signature::from_slice(rs)?;
    let key =
        k256::ecdsa::VerifyingKey::recover_from_prehash(digest.as_slice(), &signature, recovery)?;
    Ok(address_of(key.to_sec1_point(false).as_bytes())?)
}

fn simulated_enclave(report: &mut Report) -> anyhow::Result<Value> {
    let nsm = SimulatedNsm::random(Clock::System).context("starting the simulated NSM")?;
    let root = nsm.root_der().to_vec();
    report.line(format!(
        "simulated root: SHA-256 {}",
        hex0x(Sha256::digest(&root))
    ));

    let key = EnclaveKey::generate(&nsm)?;
    let (public_key, enclave_address) = (key.public_key().to_vec(), key.address());
    let operator_key =
        k256::ecdsa::SigningKey::from_slice(keccak256(DEMO_OPERATOR_SEED).as_slice())
            .context("demo operator key")?;
    let operator = address_of(operator_key.verifying_key().to_sec1_point(false).as_bytes())?;
    let network_config_hash = demo_network_config_hash();
    let binding = key.binding(operator, network_config_hash);
    let user_data = binding.encode();
    let nonce = nsm.random_bytes(32)?;
    let document = key.attest(&nsm, operator, network_config_hash, Some(&nonce))?;
    report.line(format!(
        "enclave key {enclave_address} (secp256k1, generated from NSM randomness)"
    ));
    report.line(format!("attestation document: {} bytes", document.len()));

    let now = UnixSeconds(nsm.now_ms()? / 1000);
    let mut options = VerificationOptions::new(now);
    options.trust_anchor = TrustAnchor::from_der(root.clone())?;
    let mut policy = PcrPolicy::default();
    for index in [0u8, 1, 2] {
        let value = nsm
            .pcrs()
            .iter()
            .find(|(i, _)| *i == u64::from(index))
            .map(|(_, v)| v.clone());
        policy = policy.expect_pcr(index, value.context("simulated NSM lacks a PCR")?);
    }
    options.pcr_policy = policy;
    let verified =
        nitro::verify(&document, &options).context("verifying the simulated document")?;
    report.line(format!(
        "reference verifier: accepted (module {}, PCR0/1/2 match the allowlist)",
        verified.module_id()
    ));

    // The binding: user_data must decode and name exactly the attested public key.
    ensure!(
        verified.public_key() == Some(public_key.as_slice()),
        "public_key is not the enclave key"
    );
    let decoded = UserData::parse(verified.user_data().unwrap_or_default())?;
    let attested_address = address_of(verified.public_key().unwrap_or_default())?;
    ensure!(
        decoded == binding,
        "user_data is not the binding the enclave asked for"
    );
    ensure!(
        decoded.enclave_key == attested_address,
        "binding names a different key than public_key"
    );
    ensure!(
        verified.nonce() == Some(nonce.as_slice()),
        "nonce not echoed"
    );
    report.line(format!(
        "binding: version 1, key {}, operator {}, network config {}: matches the attested key",
        decoded.enclave_key, decoded.operator, decoded.network_config_hash
    ));

    // The attested key signs; what ecrecover would return must be the attested address.
    let digest = keccak256(b"lcp demo: a result signed by the attested enclave key");
    let signature = key.sign_digest(&digest);
    let recovered = recover_address(&digest, &signature)?;
    ensure!(
        recovered == attested_address,
        "signature recovers to {recovered}, not the attested key"
    );
    report.line(format!(
        "enclave signature over {digest}: recovers to the attested key"
    ));

    Ok(json!({
        "root_sha256": hex0x(Sha256::digest(&root)),
        "module_id": verified.module_id(),
        "timestamp_ms": verified.timestamp().0,
        "document_len": document.len(),
        "enclave_key_address": enclave_address.to_string().to_lowercase(),
        "public_key": hex0x(&public_key),
        "operator": operator.to_string().to_lowercase(),
        "network_config_hash": hex0x(network_config_hash),
        "user_data": hex0x(user_data),
        "nonce": hex0x(&nonce),
        "pcr0": verified.pcr(0).map(hex0x),
        "leaf_not_after": verified.leaf().not_after().0,
        "verified": true,
        "binding_matches": true,
        "signature": hex0x(signature),
        "signature_recovers_to_key": true,
    }))
}
