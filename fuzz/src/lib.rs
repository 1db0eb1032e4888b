//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` (nightly, libFuzzer) and the
//! stable corpus replay test `tests/tests/fuzz_corpus_replay.rs`, which includes this file as a
//! module so `cargo test --workspace` runs every checked-in corpus input through exactly the code
//! the fuzzer ran.
//!
//! Each entry takes arbitrary bytes and returns `Err(Violation)` when an oracle fails; a panic
//! inside the code under test is a crash in both settings. The targets and their corpus folders
//! (`fuzz/corpus/<name>/`) are listed in [`TARGETS`].

use alloy_primitives::{Address, B256, Bytes, address, keccak256};
use attestation_verifier::message::encode::{Domain, decode_message, signing_digest};
use attestation_verifier::message::verify::recover_signer;
use attestation_verifier::message::{BatchClaims, Message, UpdateState};
use attestation_verifier::nitro::{
    self, CacheLeaf, RustCrypto, VerificationOptions, VerifiedCertCache, cbor,
    verify_and_fill_cache, verify_using_cache, x509,
};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet, Minimal, Preset};
use lcp_enclave::light_client::decode::{
    decode_bootstrap, decode_finality_update, decode_optimistic_update, decode_update,
    split_fork_digest,
};
use lcp_enclave::light_client::error::Object;
use lcp_enclave::nsm::SimulatedNsm;
use lcp_enclave::nsm::simulated::{Clock, Seed};
use lcp_enclave::service::protocol::{
    FRAME_HEADER_LEN, FrameHeader, Request, Response, SignedMessage,
};
use lcp_enclave::service::{Enclave, EnclaveConfig};
use lcp_enclave::spv::transaction::Transaction;
use lcp_enclave::spv::{
    AccountProof, Receipt, SealedExecutionHeader, TrieKey, TrieKind, trie, verify_account_proof,
};
use std::sync::OnceLock;

/// An oracle that failed: the input is accepted but something about the result is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// A parsed frame header does not re-encode to its bytes.
    FrameHeaderRoundTrip,
    /// A decoded request does not survive serialise + decode.
    RequestRoundTrip,
    /// The cached and the full Nitro verification disagree.
    NitroCacheDisagrees,
    /// A decoder accepted a non-canonical encoding of `what`.
    NonCanonical {
        /// The decoded object.
        what: &'static str,
    },
    /// A signed message in an enclave response does not recover to the enclave key.
    WrongSigner,
    /// A signed message in an enclave response does not decode under the enclave's domain.
    UndecodableMessage,
    /// An enclave response does not match its request (kind, state id, counts).
    ResponseMismatch,
    /// The fuzzed enclave did not start.
    EnclaveStart,
}

impl core::fmt::Display for Violation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(self, f)
    }
}

/// A fuzz entry.
pub type Entry = fn(&[u8]) -> Result<(), Violation>;

/// Every target: name (= `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/`) and entry.
pub const TARGETS: [(&str, Entry); 7] = [
    ("nitro_document", nitro_document),
    ("rlp_receipt", rlp_receipt),
    ("ssz_update", ssz_update),
    ("lcp_message", lcp_message),
    ("frame", frame),
    ("enclave_request", enclave_request),
    ("eth_rpc", eth_rpc),
];

/// The fuzz targets' way to report a violation: a crash with the violation named.
#[allow(
    clippy::panic,
    reason = "a panic is how a fuzz target reports a failed oracle"
)]
pub fn check(outcome: Result<(), Violation>) {
    if let Err(violation) = outcome {
        panic!("oracle violated: {violation}");
    }
}

// ---------------------------------------------------------------------------------------------
// nitro_document

const NITRO_SEEDS: [&[u8]; 3] = [
    include_bytes!("../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor"),
    include_bytes!("../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor"),
    include_bytes!("../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor"),
];

/// Verification at the evervault document's time, debug allowed, unbounded freshness window.
fn nitro_options() -> VerificationOptions {
    let mut options = VerificationOptions::new(UnixSeconds(1_665_651_482));
    options.pcr_policy.allow_debug = true;
    options.max_age_secs = u64::MAX;
    options
}

/// A cache filled from the real documents, so mutated documents exercise the hit paths too.
fn warm_cache() -> &'static VerifiedCertCache {
    static CACHE: OnceLock<VerifiedCertCache> = OnceLock::new();
    CACHE.get_or_init(|| {
        let mut cache = VerifiedCertCache::new();
        for seed in NITRO_SEEDS {
            // A seed outside its certificates' validity still fills the CA entries it verified.
            let _ = verify_and_fill_cache(
                &RustCrypto,
                seed,
                &nitro_options(),
                &mut cache,
                CacheLeaf::Yes,
            );
        }
        cache
    })
}

/// Arbitrary bytes through the whole Nitro verifier (envelope, payload, certificates, chain full
/// and cached, COSE signature, policy) and the byte-level CBOR and X.509 parsers.
///
/// Oracle: the cache never changes whether a document verifies, and both paths return the same
/// document. (The error may differ: a hit skips re-checking a cached certificate's signature.)
///
/// # Errors
/// [`Violation::NitroCacheDisagrees`].
pub fn nitro_document(data: &[u8]) -> Result<(), Violation> {
    let options = nitro_options();
    let full = nitro::verify_with(&RustCrypto, data, &options);
    let cached = verify_using_cache(&RustCrypto, data, &options, warm_cache());
    match (&full, &cached) {
        (Ok(a), Ok(b)) if a != b => return Err(Violation::NitroCacheDisagrees),
        (Ok(_), Err(_)) | (Err(_), Ok(_)) => return Err(Violation::NitroCacheDisagrees),
        _ => {}
    }
    let _ = cbor::decode(data);
    let _ = x509::parse(data);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// rlp_receipt

/// Receipts and receipt-trie nodes from untrusted bytes; the same bytes as the single node of a
/// proof exercise the trie node decoder.
///
/// Oracle: a decoded receipt re-encodes to exactly the input (only the canonical encoding is
/// accepted).
///
/// # Errors
/// [`Violation::NonCanonical`].
pub fn rlp_receipt(data: &[u8]) -> Result<(), Violation> {
    if let Ok(receipt) = Receipt::decode_2718(data)
        && receipt.encode_2718() != data
    {
        return Err(Violation::NonCanonical { what: "receipt" });
    }
    let node = Bytes::copy_from_slice(data);
    let root = keccak256(data);
    for index in [0u64, 1, 0x7f, 0x80, 0x1234] {
        let _ = trie::proven_value(
            TrieKind::Receipts,
            TrieKey::Index(index),
            root,
            &trie::index_key(index),
            core::slice::from_ref(&node),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ssz_update

fn ssz_run<P: Preset>(fork: Fork, object: u8, bytes: &[u8]) -> Result<(), Violation> {
    match object % 4 {
        0 => {
            if let Ok(update) = decode_update::<P>(fork, bytes)
                && update.to_ssz().as_deref() != Some(bytes)
            {
                return Err(Violation::NonCanonical {
                    what: "LightClientUpdate",
                });
            }
        }
        1 => {
            let _ = decode_bootstrap::<P>(fork, bytes);
        }
        2 => {
            let _ = decode_finality_update::<P>(fork, bytes);
        }
        _ => {
            let _ = decode_optimistic_update::<P>(fork, bytes);
        }
    }
    Ok(())
}

/// The light-client SSZ decoders (every fork layout, both presets, fork-digest prefixes). Byte 0
/// picks the fork (high nibble), the preset (bit 3) and the object (low two bits); the rest is SSZ.
///
/// Oracle: a decoded update re-encodes to exactly the input (SSZ is canonical).
///
/// # Errors
/// [`Violation::NonCanonical`].
pub fn ssz_update(data: &[u8]) -> Result<(), Violation> {
    let Some((&selector, bytes)) = data.split_first() else {
        return Ok(());
    };
    let fork = Fork::ALL
        .get(
            usize::from(selector >> 4)
                .checked_rem(Fork::ALL.len())
                .unwrap_or(0),
        )
        .copied()
        .unwrap_or(Fork::Altair);
    if selector & 0x08 == 0 {
        ssz_run::<Mainnet>(fork, selector, bytes)?;
    } else {
        ssz_run::<Minimal>(fork, selector, bytes)?;
    }
    if let Ok((fork, body)) = split_fork_digest(&ChainSpec::mainnet(), Object::Update, bytes) {
        ssz_run::<Mainnet>(fork, 0, body)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// lcp_message

/// The golden domain (`fixtures/golden/messages/`), so seeds pass the header check.
const GOLDEN_DOMAIN: Domain = Domain {
    chain_id: 31337,
    client: address!("1c9e00000000000000000000000000000000c11e"),
};

/// The LCP message decoder (`attestation_verifier::message`).
///
/// Oracle: an accepted message is canonical: re-encoding gives back exactly the input (one value,
/// one encoding, the property signatures rely on).
///
/// # Errors
/// [`Violation::NonCanonical`].
pub fn lcp_message(data: &[u8]) -> Result<(), Violation> {
    if let Ok(message) = Message::decode(GOLDEN_DOMAIN, data)
        && message.encode(GOLDEN_DOMAIN) != data
    {
        return Err(Violation::NonCanonical {
            what: "LCP message",
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// frame

/// The enclave service's frame header and request decoding, the first parser every untrusted
/// byte on vsock meets: the first 8 bytes as a header, the rest as a request payload.
///
/// Oracle: a header that parses re-encodes to the same 8 bytes; a payload that decodes as a
/// `Request` survives a serialise/decode round trip unchanged.
///
/// # Errors
/// [`Violation::FrameHeaderRoundTrip`], [`Violation::RequestRoundTrip`].
pub fn frame(data: &[u8]) -> Result<(), Violation> {
    let Some((head, payload)) = data.split_first_chunk::<FRAME_HEADER_LEN>() else {
        return Ok(());
    };
    if let Ok(header) = FrameHeader::parse(*head)
        && &header.encode() != head
    {
        return Err(Violation::FrameHeaderRoundTrip);
    }
    if let Ok(request) = serde_json::from_slice::<Request>(payload) {
        let again = serde_json::to_vec(&request).map_err(|_| Violation::RequestRoundTrip)?;
        let decoded: Request =
            serde_json::from_slice(&again).map_err(|_| Violation::RequestRoundTrip)?;
        if decoded != request {
            return Err(Violation::RequestRoundTrip);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// enclave_request

/// The fuzzed enclave's destination domain (the one `tests/src/bin/gen_fuzz_seeds.rs` uses).
pub const ENCLAVE_DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};
/// The fuzzed enclave's operator.
pub const ENCLAVE_OPERATOR: Address = Address::repeat_byte(0x0e);
/// The fuzzed enclave's simulated-NSM seed: key and documents are reproducible.
pub const ENCLAVE_SEED: [u8; 32] = [0x5e; 32];
/// The simulated NSM's fixed clock (2026-01-01T00:00:00Z).
pub const ENCLAVE_CLOCK_MS: u64 = 1_767_225_600_000;

/// One enclave for the whole run: mainnet, two-thirds policy, simulated NSM with a fixed seed and
/// clock. It keeps no light-client state between requests (only a memo of state ids), so inputs
/// cannot influence each other.
///
/// # Errors
/// [`Violation::EnclaveStart`]: the simulated NSM or the enclave failed to start (a broken build,
/// not an input).
pub fn fuzz_enclave() -> Result<&'static Enclave, Violation> {
    static ENCLAVE: OnceLock<Option<Enclave>> = OnceLock::new();
    ENCLAVE
        .get_or_init(|| {
            let nsm =
                SimulatedNsm::from_seed(Seed(ENCLAVE_SEED), Clock::Fixed(ENCLAVE_CLOCK_MS)).ok()?;
            Enclave::start(
                Box::new(nsm),
                EnclaveConfig {
                    spec: ChainSpec::mainnet(),
                    policy: BridgePolicy::two_thirds::<Mainnet>(),
                    operator: ENCLAVE_OPERATOR,
                    domain: ENCLAVE_DOMAIN,
                },
            )
            .ok()
        })
        .as_ref()
        .ok_or(Violation::EnclaveStart)
}

/// Checks that `signed` is signed by `key` and decodes as some message under the enclave's domain.
fn signed_message(signed: &SignedMessage, key: Address) -> Result<Message, Violation> {
    let signature: &[u8; 65] = signed
        .signature
        .as_ref()
        .try_into()
        .map_err(|_| Violation::WrongSigner)?;
    if recover_signer(signing_digest(&signed.message), signature, 0) != Ok(key) {
        return Err(Violation::WrongSigner);
    }
    Message::decode(ENCLAVE_DOMAIN, &signed.message).map_err(|_| Violation::UndecodableMessage)
}

/// As [`signed_message`], requiring the message to be a `B`.
fn signed_body<B: attestation_verifier::message::encode::Body>(
    signed: &SignedMessage,
    key: Address,
) -> Result<B, Violation> {
    signed_message(signed, key)?;
    decode_message(ENCLAVE_DOMAIN, &signed.message).map_err(|_| Violation::UndecodableMessage)
}

/// A request payload (the JSON of one frame) decoded and handled by a fixed in-memory enclave:
/// every request kind with its state decoding, light-client verification, SPV proofs and signing.
///
/// Oracle: every answer matches its request kind; every signed message recovers to the enclave key
/// and decodes under the enclave's domain; an `UpdateState` names the returned state id; a batch
/// commits to as many leaves as it returns.
///
/// # Errors
/// [`Violation::WrongSigner`], [`Violation::UndecodableMessage`], [`Violation::ResponseMismatch`].
pub fn enclave_request(data: &[u8]) -> Result<(), Violation> {
    let Ok(request) = serde_json::from_slice::<Request>(data) else {
        return Ok(());
    };
    let enclave = fuzz_enclave()?;
    let key = enclave.key_address();
    let (is_info, is_client, is_verify, batch, prev) = match &request {
        Request::Info { .. } => (true, false, false, false, None),
        Request::InitClient { .. } => (false, true, false, false, Some(B256::ZERO)),
        Request::UpdateClient { state_id, .. } => (false, true, false, false, Some(*state_id)),
        Request::Verify { batch, .. } => (false, false, true, *batch, None),
    };
    let Ok(response) = enclave.handle(request) else {
        return Ok(());
    };
    match response {
        Response::Info { enclave_key, .. } if is_info => {
            if enclave_key != key {
                return Err(Violation::ResponseMismatch);
            }
        }
        Response::ClientUpdated {
            state_id, update, ..
        } if is_client => {
            let body: UpdateState = signed_body(&update, key)?;
            if body.postStateId != state_id || Some(body.prevStateId) != prev {
                return Err(Violation::ResponseMismatch);
            }
        }
        Response::Claims { messages } if is_verify && !batch => {
            for message in &messages {
                signed_message(message, key)?;
            }
        }
        Response::Batch {
            batch: signed,
            leaves,
        } if is_verify && batch => {
            let body: BatchClaims = signed_body(&signed, key)?;
            if u32::try_from(leaves.len()).ok() != Some(body.leafCount) {
                return Err(Violation::ResponseMismatch);
            }
        }
        _ => return Err(Violation::ResponseMismatch),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// eth_rpc

/// State root of mainnet block 21925176 (`fixtures/mainnet/execution/block_21925176/block.json`),
/// which the bundled `proof.json` proves against: mutated proofs walk the real trie.
const STATE_ROOT_21925176: B256 =
    alloy_primitives::b256!("7b3d5a01f69b7d2ea7479fd7ae35f4bac2700ab6d6d7b4807a7fedf53ced710e");

/// Execution-layer inputs from an untrusted RPC node. Byte 0 picks the parser: 0 an
/// `eth_getProof` response (JSON) verified against block 21925176's state root, 1 an
/// `eth_getBlockBy*` response (JSON, block hash recomputed), 2 an RLP header, 3 a raw EIP-2718
/// transaction.
///
/// Oracle: a decoded RLP header is canonical (the sealed hash is the hash of the input and
/// re-encoding gives the input back).
///
/// # Errors
/// [`Violation::NonCanonical`].
pub fn eth_rpc(data: &[u8]) -> Result<(), Violation> {
    let Some((&selector, body)) = data.split_first() else {
        return Ok(());
    };
    match selector % 4 {
        0 => {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body)
                && let Ok(proof) = AccountProof::from_rpc_json(&value)
            {
                let _ = verify_account_proof(STATE_ROOT_21925176, &proof);
                if let Some(first) = proof.account_proof.first() {
                    let _ = verify_account_proof(keccak256(first), &proof);
                }
            }
        }
        1 => {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
                let _ = SealedExecutionHeader::from_rpc_json(&value);
            }
        }
        2 => {
            if let Ok(header) = lcp_enclave::spv::ExecutionHeader::decode_rlp(body)
                && header.encode_rlp().ok().as_deref() != Some(body)
            {
                return Err(Violation::NonCanonical {
                    what: "execution header",
                });
            }
        }
        _ => {
            let _ = Transaction::decode(body);
        }
    }
    Ok(())
}
