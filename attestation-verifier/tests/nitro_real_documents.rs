//! The three real AWS documents in `fixtures/nitro/`, verified at pinned times.
#![cfg(test)]

use attestation_verifier::error::NitroError;
use attestation_verifier::nitro::{
    self, CacheLeaf, PcrPolicy, RustCrypto, VerificationOptions, VerifiedCertCache,
    verify_and_fill_cache, verify_using_cache, verify_with,
};
use attestation_verifier::time::{UnixMillis, UnixSeconds};

struct Fixture {
    name: &'static str,
    bytes: &'static [u8],
    timestamp_ms: u64,
    leaf_not_after: u64,
    debug: bool,
}

const FIXTURES: [Fixture; 3] = [
    Fixture {
        name: "evervault",
        bytes: include_bytes!("../../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor"),
        timestamp_ms: 1_665_651_482_136,
        leaf_not_after: 1_665_662_282, // 2022-10-13 11:58:02 UTC
        debug: false,
    },
    Fixture {
        name: "marlin",
        bytes: include_bytes!("../../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor"),
        timestamp_ms: 1_708_930_921_439,
        leaf_not_after: 0,
        debug: false,
    },
    Fixture {
        name: "automata",
        bytes: include_bytes!("../../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor"),
        timestamp_ms: 1_723_799_509_167,
        leaf_not_after: 0,
        debug: true,
    },
];

fn options(f: &Fixture) -> VerificationOptions {
    let mut options = VerificationOptions::new(UnixMillis(f.timestamp_ms).to_seconds());
    options.pcr_policy.allow_debug = f.debug;
    options
}

#[test]
fn real_documents_verify_at_their_time() {
    for f in &FIXTURES {
        let doc = nitro::verify(f.bytes, &options(f)).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert_eq!(doc.timestamp(), UnixMillis(f.timestamp_ms), "{}", f.name);
        assert_eq!(doc.digest(), "SHA384");
        assert_eq!(doc.cabundle_len(), 4);
        assert_eq!(doc.pcrs().len(), 16);
        assert_eq!(doc.debug_mode(), f.debug, "{}", f.name);
        assert!(doc.leaf().not_before() <= UnixMillis(f.timestamp_ms).to_seconds());
        if f.leaf_not_after != 0 {
            assert_eq!(doc.leaf().not_after(), UnixSeconds(f.leaf_not_after));
        }
    }
}

#[test]
fn evervault_facts() {
    let f = &FIXTURES[0];
    let doc = nitro::verify(f.bytes, &options(f)).unwrap();
    assert_eq!(doc.module_id(), "i-020b6af9246d90e92-enc0183d09086c24190");
    assert_eq!(doc.nonce().map(<[u8]>::len), Some(256));
    assert_eq!(doc.public_key(), None);
    assert_eq!(doc.user_data(), None);
    assert_eq!(
        doc.leaf().subject(),
        "C=US, ST=Washington, L=Seattle, O=Amazon, OU=AWS, CN=i-020b6af9246d90e92-enc0183d09086c24190.us-east-1.aws"
    );
}

#[test]
fn expired_one_second_after_leaf_not_after() {
    for f in &FIXTURES {
        let leaf_not_after = nitro::verify(f.bytes, &options(f))
            .unwrap()
            .leaf()
            .not_after();
        let mut opts = options(f);
        opts.at = leaf_not_after;
        opts.max_age_secs = u64::MAX;
        assert!(
            nitro::verify(f.bytes, &opts).is_ok(),
            "{}: valid at notAfter",
            f.name
        );
        opts.at = UnixSeconds(leaf_not_after.0 + 1);
        assert_eq!(
            nitro::verify(f.bytes, &opts),
            Err(NitroError::CertExpired {
                index: 4,
                not_after: leaf_not_after,
                now: opts.at
            }),
            "{}",
            f.name
        );
    }
}

#[test]
fn debug_document_needs_allow_debug() {
    let f = &FIXTURES[2];
    let mut opts = options(f);
    opts.pcr_policy = PcrPolicy::default();
    assert_eq!(
        nitro::verify(f.bytes, &opts),
        Err(NitroError::DebugModeRejected)
    );
    opts.pcr_policy.allow_debug = true;
    assert!(nitro::verify(f.bytes, &opts).unwrap().debug_mode());
}

#[test]
fn freshness_relative_to_verification_time() {
    let f = &FIXTURES[0];
    let mut opts = options(f);
    opts.at = UnixSeconds(opts.at.0 + 600);
    opts.max_age_secs = 599;
    assert!(matches!(
        nitro::verify(f.bytes, &opts),
        Err(NitroError::DocumentTooOld { .. })
    ));
    let mut opts = options(f);
    // The leaf's notBefore is 3 s before the timestamp: stay inside it so freshness is what fails.
    opts.at = UnixSeconds(opts.at.0 - 2);
    opts.future_skew_secs = 1;
    assert!(matches!(
        nitro::verify(f.bytes, &opts),
        Err(NitroError::DocumentFromFuture { .. })
    ));
}

#[test]
fn pcr_pinning() {
    let f = &FIXTURES[0];
    let pcr0 = nitro::verify(f.bytes, &options(f))
        .unwrap()
        .pcr(0)
        .unwrap()
        .to_vec();
    let mut opts = options(f);
    opts.pcr_policy = PcrPolicy::default().expect_pcr(0, pcr0.clone());
    assert!(nitro::verify(f.bytes, &opts).is_ok());
    let mut wrong = pcr0;
    wrong[0] ^= 1;
    opts.pcr_policy = PcrPolicy::default().expect_pcr(0, wrong);
    assert_eq!(
        nitro::verify(f.bytes, &opts),
        Err(NitroError::PcrMismatch { index: 0 })
    );
}

#[test]
fn trust_anchor_is_pinned() {
    let f = &FIXTURES[0];
    let mut opts = options(f);
    // Another valid P-384 CA would do; the leaf of the document is simply not the anchor.
    let other =
        nitro::TrustAnchor::from_der(include_bytes!("../../fixtures/nitro/root.der").to_vec())
            .unwrap();
    assert_eq!(other, nitro::TrustAnchor::aws_root_g1());
    let mut bytes = opts.trust_anchor.der().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 1; // still parses: the last byte is inside the signature's s value
    opts.trust_anchor = nitro::TrustAnchor::from_der(bytes).unwrap();
    assert_eq!(
        nitro::verify(f.bytes, &opts),
        Err(NitroError::TrustAnchorMismatch)
    );
}

#[test]
fn cached_chain_same_verdict() {
    for f in &FIXTURES {
        let opts = options(f);
        let full = verify_with(&RustCrypto, f.bytes, &opts).unwrap();
        let mut cache = VerifiedCertCache::new();
        let filled =
            verify_and_fill_cache(&RustCrypto, f.bytes, &opts, &mut cache, CacheLeaf::No).unwrap();
        assert_eq!(full, filled);
        assert_eq!(cache.len(), 4);
        assert_eq!(
            verify_using_cache(&RustCrypto, f.bytes, &opts, &cache).unwrap(),
            full
        );
        verify_and_fill_cache(&RustCrypto, f.bytes, &opts, &mut cache, CacheLeaf::Yes).unwrap();
        assert_eq!(cache.len(), 5);
        assert_eq!(
            verify_using_cache(&RustCrypto, f.bytes, &opts, &cache).unwrap(),
            full
        );
    }
}

/// (n - 1) / 2 for P-384, big-endian: an `s` above it is "high-S".
const P384_HALF_N: [u8; 48] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xe3, 0xb1, 0xa6, 0xc0, 0xfa, 0x1b, 0x96, 0xef,
    0xac, 0x0d, 0x06, 0xd9, 0x24, 0x58, 0x53, 0xbd, 0x76, 0x76, 0x0c, 0xb5, 0x66, 0x62, 0x94, 0xb9,
];

#[test]
fn high_s_signatures_are_valid_in_every_backend() {
    use attestation_verifier::nitro::{cose, document, x509};
    let mut high_s = 0;
    for f in &FIXTURES {
        let envelope = cose::parse(f.bytes).unwrap();
        let payload = document::parse(&envelope.payload).unwrap();
        let mut signatures = vec![envelope.signature];
        for der in payload
            .cabundle
            .iter()
            .skip(1)
            .chain(std::iter::once(&payload.certificate))
        {
            signatures.push(x509::parse(der).unwrap().signature);
        }
        high_s += signatures
            .iter()
            .filter(|s| s.0[48..] > P384_HALF_N[..])
            .count();
        assert!(verify_with(&RustCrypto, f.bytes, &options(f)).is_ok());
        #[cfg(feature = "aws-lc")]
        assert!(verify_with(&nitro::AwsLc, f.bytes, &options(f)).is_ok());
    }
    // The fixtures hold 15 signatures; AWS does not normalise s, so some are high-S.
    assert!(high_s > 0);
}
