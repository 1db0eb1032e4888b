//! The differential Nitro corpus: real AWS documents, valid simulated documents in every
//! encoding, one document per [`Defect`] and seeded random mutations, each with the options to
//! verify it under and the Rust reference verdict. The Solidity verifier must reach the same
//! verdicts (`fixtures/golden/nitro-corpus/verdicts.json`).
//!
//! Deterministic: a fixed seed, a fixed clock and a fixed mutation PRNG, so regenerating writes
//! the same bytes, and a test checks that it does.

use anyhow::Context;
use attestation_verifier::error::NitroError;
use attestation_verifier::nitro::{
    self, PcrPolicy, TrustAnchor, VerificationOptions, VerifiedDocument,
};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::nsm::AttestationRequest;
use lcp_enclave::nsm::simulated::{
    Clock, Defect, DocumentRequest, Encoding, GeneratedDocument, SForm, Seed, SimulatedNsm,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Seed of the corpus's simulated NSM.
pub const CORPUS_SEED: [u8; 32] = *b"lcp-nitro differential corpus v1";
/// The simulated NSM's clock: 2024-02-26 07:02:01.439 UTC.
pub const CORPUS_NOW_MS: u64 = 1_708_930_921_439;
/// Seed of the mutation PRNG.
pub const MUTATION_SEED: u64 = 0x4C43_502D_4E49_5452;
/// How many random mutations of the valid document the corpus holds.
pub const MUTATIONS: usize = 120;
/// File name of the simulated root in the corpus directory.
pub const SIMULATED_ROOT_FILE: &str = "simulated_root.der";
/// File name of the AWS root (a copy of fixtures/nitro/root.der).
pub const AWS_ROOT_FILE: &str = "aws_root_g1.der";
/// File name of the verdicts.
pub const VERDICTS_FILE: &str = "verdicts.json";

/// Verification settings of one corpus entry, in a form both verifiers can read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryOptions {
    /// File (in the corpus directory) holding the trust anchor DER.
    pub trust_anchor: String,
    /// Verification time, unix seconds.
    pub at: u64,
    /// Maximum document age, seconds.
    pub max_age_secs: u64,
    /// Allowed future skew, seconds.
    pub future_skew_secs: u64,
    /// Accept debug-mode documents.
    pub allow_debug: bool,
    /// Required PCR values.
    pub expected_pcrs: Vec<(u8, Vec<u8>)>,
}

impl EntryOptions {
    fn new(trust_anchor: &str, at: u64) -> EntryOptions {
        let defaults = VerificationOptions::new(UnixSeconds(at));
        EntryOptions {
            trust_anchor: trust_anchor.to_owned(),
            at,
            max_age_secs: defaults.max_age_secs,
            future_skew_secs: defaults.future_skew_secs,
            allow_debug: false,
            expected_pcrs: Vec::new(),
        }
    }

    /// The reference verifier's options, given the anchor's DER.
    ///
    /// # Errors
    /// The anchor DER is not a certificate the verifier accepts as anchor (a root defect makes
    /// the pinned root itself unacceptable; the verdict is then that error).
    pub fn to_verification_options(
        &self,
        anchor_der: &[u8],
    ) -> Result<VerificationOptions, NitroError> {
        let mut options = VerificationOptions::new(UnixSeconds(self.at));
        options.trust_anchor = TrustAnchor::from_der(anchor_der.to_vec())?;
        options.max_age_secs = self.max_age_secs;
        options.future_skew_secs = self.future_skew_secs;
        let mut policy = PcrPolicy {
            allow_debug: self.allow_debug,
            ..PcrPolicy::default()
        };
        for (index, value) in &self.expected_pcrs {
            policy = policy.expect_pcr(*index, value.clone());
        }
        options.pcr_policy = policy;
        Ok(options)
    }

    /// As JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "trust_anchor": self.trust_anchor,
            "at": self.at,
            "max_age_secs": self.max_age_secs,
            "future_skew_secs": self.future_skew_secs,
            "allow_debug": self.allow_debug,
            "expected_pcrs": self.expected_pcrs.iter().map(|(i, v)| json!({"index": i, "value": hex0x(v)})).collect::<Vec<_>>(),
        })
    }

    /// From JSON (as written by [`EntryOptions::to_json`]).
    ///
    /// # Errors
    /// A field is missing or has the wrong type.
    pub fn from_json(value: &Value) -> anyhow::Result<EntryOptions> {
        let field = |name: &str| {
            value
                .get(name)
                .with_context(|| format!("options.{name} missing"))
        };
        let u64_field = |name: &str| {
            field(name)?
                .as_u64()
                .with_context(|| format!("options.{name} is not a number"))
        };
        let mut expected_pcrs = Vec::new();
        for pcr in field("expected_pcrs")?
            .as_array()
            .context("options.expected_pcrs")?
        {
            let index = pcr
                .get("index")
                .and_then(Value::as_u64)
                .context("pcr index")?;
            let hex = pcr
                .get("value")
                .and_then(Value::as_str)
                .context("pcr value")?;
            expected_pcrs.push((u8::try_from(index)?, unhex(hex)?));
        }
        Ok(EntryOptions {
            trust_anchor: field("trust_anchor")?
                .as_str()
                .context("options.trust_anchor")?
                .to_owned(),
            at: u64_field("at")?,
            max_age_secs: u64_field("max_age_secs")?,
            future_skew_secs: u64_field("future_skew_secs")?,
            allow_debug: field("allow_debug")?
                .as_bool()
                .context("options.allow_debug")?,
            expected_pcrs,
        })
    }
}

/// One document of the corpus.
#[derive(Clone, Debug)]
pub struct Entry {
    /// File name in the corpus directory.
    pub file: String,
    /// What it is (generator's description).
    pub kind: String,
    /// The document bytes.
    pub bytes: Vec<u8>,
    /// How to verify it.
    pub options: EntryOptions,
}

/// The whole corpus: entries plus extra anchor files (name, DER).
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Documents.
    pub entries: Vec<Entry>,
    /// Trust anchors referenced by entries.
    pub anchors: Vec<(String, Vec<u8>)>,
}

impl Corpus {
    /// The DER of a named anchor.
    pub fn anchor(&self, name: &str) -> Option<&[u8]> {
        self.anchors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, der)| der.as_slice())
    }
}

/// 0x-prefixed lowercase hex.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn unhex(text: &str) -> anyhow::Result<Vec<u8>> {
    Ok(hex::decode(text.trim_start_matches("0x"))?)
}

/// SplitMix64: a tiny, fully specified PRNG so mutations are reproducible without a dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (`bound` > 0; modulo bias is irrelevant for picking mutations).
    fn below(&mut self, bound: usize) -> usize {
        let bound = u64::try_from(bound).unwrap_or(u64::MAX).max(1);
        usize::try_from(self.next().checked_rem(bound).unwrap_or(0)).unwrap_or(0)
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

const HOUR: u64 = 3_600;

/// Builds the corpus. `real` are the bundled real documents as (file name, bytes, timestamp ms).
///
/// # Errors
/// The simulated NSM fails (a bug in the generator).
pub fn build(real: &[(String, Vec<u8>, u64)], aws_root: &[u8]) -> anyhow::Result<Corpus> {
    let nsm = SimulatedNsm::from_seed(Seed(CORPUS_SEED), Clock::Fixed(CORPUS_NOW_MS))?;
    let now = CORPUS_NOW_MS / 1000;
    let mut corpus = Corpus::default();
    corpus
        .anchors
        .push((AWS_ROOT_FILE.to_owned(), aws_root.to_vec()));
    corpus
        .anchors
        .push((SIMULATED_ROOT_FILE.to_owned(), nsm.root_der().to_vec()));
    let push = |corpus: &mut Corpus, kind: String, bytes: Vec<u8>, options: EntryOptions| {
        let file = format!("{:03}_{kind}.cbor", corpus.entries.len());
        corpus.entries.push(Entry {
            file,
            kind,
            bytes,
            options,
        });
    };

    // Real documents: at their timestamp (production and allow-debug), and after the leaf expired.
    for (name, bytes, timestamp_ms) in real {
        let stem = name.trim_end_matches(".cbor");
        let at = timestamp_ms / 1000;
        push(
            &mut corpus,
            format!("real_{stem}"),
            bytes.clone(),
            EntryOptions::new(AWS_ROOT_FILE, at),
        );
        let mut debug = EntryOptions::new(AWS_ROOT_FILE, at);
        debug.allow_debug = true;
        push(
            &mut corpus,
            format!("real_{stem}_allow_debug"),
            bytes.clone(),
            debug,
        );
        let mut late = EntryOptions::new(AWS_ROOT_FILE, at.saturating_add(4 * HOUR));
        late.max_age_secs = 24 * HOUR;
        late.allow_debug = true;
        push(
            &mut corpus,
            format!("real_{stem}_leaf_expired"),
            bytes.clone(),
            late,
        );
        push(
            &mut corpus,
            format!("real_{stem}_simulated_root"),
            bytes.clone(),
            EntryOptions::new(SIMULATED_ROOT_FILE, at),
        );
    }

    let payload = AttestationRequest {
        public_key: Some(&[0x04; 65]),
        user_data: Some(&[0xAB; 73]),
        nonce: Some(&[0x01; 32]),
    };
    let base = nsm.request(&payload)?;
    let make = |request: &DocumentRequest| -> anyhow::Result<GeneratedDocument> {
        Ok(nsm.document(request)?)
    };
    let sim = |at: u64| EntryOptions::new(SIMULATED_ROOT_FILE, at);

    // Valid simulated documents in every encoding.
    for indefinite_map in [false, true] {
        for tagged in [false, true] {
            for (s_name, s_form) in [
                ("as_signed", SForm::AsSigned),
                ("high_s", SForm::High),
                ("low_s", SForm::Low),
            ] {
                let encoding = Encoding {
                    indefinite_map,
                    tagged,
                    s_form,
                };
                let document = make(&DocumentRequest {
                    encoding,
                    ..base.clone()
                })?;
                let kind = format!(
                    "valid_{}_{}_{s_name}",
                    if indefinite_map {
                        "indefinite"
                    } else {
                        "definite"
                    },
                    if tagged { "tagged" } else { "untagged" }
                );
                push(&mut corpus, kind, document.bytes, sim(now));
            }
        }
    }
    let nulls = nsm.request(&AttestationRequest::default())?;
    push(
        &mut corpus,
        "valid_null_optionals".to_owned(),
        make(&nulls)?.bytes,
        sim(now),
    );
    let (max_key, max_data) = (vec![0x5A; 1024], vec![0x5B; 512]);
    let full = nsm.request(&AttestationRequest {
        public_key: Some(&max_key),
        user_data: Some(&max_data),
        nonce: Some(&max_data),
    })?;
    // The AWS User Guide CDDL allows 1024-byte user_data and nonce; the reference caps them at
    // 512 (NSM API figure). Recorded so both verifiers are held to the same decision.
    let cddl = vec![0x5C; 1024];
    let cddl_max = DocumentRequest {
        user_data: Some(cddl.clone()),
        nonce: Some(cddl),
        ..base.clone()
    };
    push(
        &mut corpus,
        "cddl_max_user_data_and_nonce".to_owned(),
        make(&cddl_max)?.bytes,
        sim(now),
    );
    push(
        &mut corpus,
        "valid_max_sizes".to_owned(),
        make(&full)?.bytes,
        sim(now),
    );

    // One valid document under time and PCR policies.
    let document = make(&base)?;
    let leaf_not_after = u64::try_from(document.leaf_not_after)?;
    let mut at_not_after = sim(leaf_not_after);
    at_not_after.max_age_secs = 24 * HOUR;
    push(
        &mut corpus,
        "valid_at_leaf_not_after".to_owned(),
        document.bytes.clone(),
        at_not_after.clone(),
    );
    at_not_after.at = leaf_not_after.saturating_add(1);
    push(
        &mut corpus,
        "leaf_expired_by_one_second".to_owned(),
        document.bytes.clone(),
        at_not_after,
    );
    // A 10-minute freshness window, so the leaf (3 h) is still valid when the document goes stale.
    let fresh_within = |at: u64| {
        let mut options = sim(at);
        options.max_age_secs = 600;
        options
    };
    push(
        &mut corpus,
        "valid_at_max_age".to_owned(),
        document.bytes.clone(),
        fresh_within(now.saturating_add(600)),
    );
    push(
        &mut corpus,
        "stale_by_one_second".to_owned(),
        document.bytes.clone(),
        fresh_within(now.saturating_add(601)),
    );
    let pcr = |index: u64| {
        nsm.pcrs()
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut allowlist = sim(now);
    allowlist.expected_pcrs = vec![(0, pcr(0)), (1, pcr(1)), (2, pcr(2)), (8, pcr(8))];
    push(
        &mut corpus,
        "valid_pcr_allowlist".to_owned(),
        document.bytes.clone(),
        allowlist.clone(),
    );
    let mut wrong = pcr(2);
    if let Some(byte) = wrong.first_mut() {
        *byte ^= 1;
    }
    allowlist.expected_pcrs = vec![(0, pcr(0)), (1, pcr(1)), (2, wrong)];
    push(
        &mut corpus,
        "pcr2_mismatch".to_owned(),
        document.bytes.clone(),
        allowlist.clone(),
    );
    allowlist.expected_pcrs = vec![(20, vec![0; 48])];
    push(
        &mut corpus,
        "pcr20_missing".to_owned(),
        document.bytes.clone(),
        allowlist,
    );
    push(
        &mut corpus,
        "valid_under_aws_root".to_owned(),
        document.bytes.clone(),
        EntryOptions::new(AWS_ROOT_FILE, now),
    );

    // Every defect.
    for defect in Defect::catalogue() {
        let generated = make(&DocumentRequest {
            defects: vec![defect],
            ..base.clone()
        })?;
        let anchor = if generated.root_der == nsm.root_der() {
            SIMULATED_ROOT_FILE.to_owned()
        } else {
            let name = format!("root_{}.der", defect.slug());
            corpus
                .anchors
                .push((name.clone(), generated.root_der.clone()));
            name
        };
        push(
            &mut corpus,
            defect.slug(),
            generated.bytes,
            EntryOptions::new(&anchor, now),
        );
    }
    let debug = make(&DocumentRequest {
        defects: vec![Defect::DebugPcrs],
        ..base.clone()
    })?;
    let mut allow_debug = sim(now);
    allow_debug.allow_debug = true;
    push(
        &mut corpus,
        "debug_pcrs_allowed".to_owned(),
        debug.bytes,
        allow_debug,
    );

    // Seeded random mutations of the valid document.
    let mut rng = SplitMix64(MUTATION_SEED);
    let original = document.bytes;
    for _ in 0..MUTATIONS {
        let mut bytes = original.clone();
        let position = rng.below(bytes.len());
        let name = match rng.below(4) {
            0 => {
                let bit = rng.byte() & 7;
                if let Some(byte) = bytes.get_mut(position) {
                    *byte ^= 1 << bit;
                }
                format!("mutation_flip_{position}_{bit}")
            }
            1 => {
                bytes.truncate(position);
                format!("mutation_truncate_{position}")
            }
            2 => {
                let value = rng.byte();
                bytes.insert(position, value);
                format!("mutation_insert_{position}_{value:02x}")
            }
            _ => {
                let value = rng.byte();
                if let Some(byte) = bytes.get_mut(position) {
                    *byte = value;
                }
                format!("mutation_set_{position}_{value:02x}")
            }
        };
        let mutated = bytes;
        if mutated == original {
            continue;
        }
        push(&mut corpus, name, mutated, sim(now));
    }
    Ok(corpus)
}

/// The error's variant name (`CertExpired`, `PayloadCbor`, …).
pub fn error_name(error: &NitroError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The reference verdict for one document under `options` and the anchor `anchor_der`.
pub fn verdict(bytes: &[u8], options: &EntryOptions, anchor_der: &[u8]) -> Value {
    match options
        .to_verification_options(anchor_der)
        .and_then(|options| nitro::verify(bytes, &options))
    {
        Ok(verified) => accepted(&verified),
        Err(error) => json!({
            "accept": false,
            "error": error_name(&error),
            "error_detail": error.to_string(),
        }),
    }
}

fn accepted(verified: &VerifiedDocument) -> Value {
    let pcr = |index: u8| verified.pcr(index).map(hex0x);
    json!({
        "accept": true,
        "timestamp_ms": verified.timestamp().0,
        "pcr0": pcr(0),
        "pcr1": pcr(1),
        "pcr2": pcr(2),
        "pcr8": pcr(8),
        "public_key": verified.public_key().map(hex0x),
        "user_data": verified.user_data().map(hex0x),
        "nonce": verified.nonce().map(hex0x),
        "module_id": verified.module_id(),
        "leaf_not_after": verified.leaf().not_after().0,
        "debug_mode": verified.debug_mode(),
    })
}

/// How many documents of a verdict file are accepted.
pub fn accepted_count(verdicts: &Value) -> usize {
    verdicts
        .get("documents")
        .and_then(Value::as_array)
        .map_or(0, |documents| {
            documents
                .iter()
                .filter(|d| d.pointer("/verdict/accept") == Some(&Value::Bool(true)))
                .count()
        })
}

/// The verdict file for a corpus.
///
/// # Errors
/// An entry names an anchor the corpus does not hold.
pub fn verdicts(corpus: &Corpus) -> anyhow::Result<Value> {
    let mut documents = Vec::with_capacity(corpus.entries.len());
    for entry in &corpus.entries {
        let anchor = corpus
            .anchor(&entry.options.trust_anchor)
            .context("unknown anchor")?;
        let mut object = Map::new();
        object.insert("file".to_owned(), Value::String(entry.file.clone()));
        object.insert("kind".to_owned(), Value::String(entry.kind.clone()));
        object.insert(
            "sha256".to_owned(),
            Value::String(hex0x(&Sha256::digest(&entry.bytes))),
        );
        object.insert("options".to_owned(), entry.options.to_json());
        object.insert(
            "verdict".to_owned(),
            verdict(&entry.bytes, &entry.options, anchor),
        );
        documents.push(Value::Object(object));
    }
    Ok(json!({
        "generator": "tests/src/bin/gen_nitro_corpus.rs",
        "seed": hex0x(&CORPUS_SEED),
        "now_ms": CORPUS_NOW_MS,
        "mutation_seed": MUTATION_SEED,
        "count": corpus.entries.len(),
        "documents": documents,
    }))
}
