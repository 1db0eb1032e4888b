//! Cached-chain mode: same verdicts as full verification; validity and revocation of cached
//! certificates re-checked on every hit.
#![cfg(test)]

mod common;

use attestation_verifier::error::NitroError;
use attestation_verifier::nitro::{
    CacheLeaf, VerifiedCertCache, cache_key, verify_and_fill_cache, verify_using_cache,
    verify_with, x509,
};
use attestation_verifier::time::UnixSeconds;
use common::*;

fn filled(leaf: CacheLeaf) -> VerifiedCertCache {
    let mut cache = VerifiedCertCache::new();
    verify_and_fill_cache(&BACKEND, EVERVAULT, &evervault_options(), &mut cache, leaf).unwrap();
    cache
}

#[test]
fn keys_are_keccak_of_tbs() {
    let cache = filled(CacheLeaf::Yes);
    let (bundle, leaf) = certs(EVERVAULT);
    for der in bundle.iter().chain(std::iter::once(&leaf)) {
        let key = cache_key(x509::tbs_of(der).unwrap());
        assert!(cache.contains(&key));
    }
    let root = cache
        .get(&cache_key(x509::tbs_of(&bundle[0]).unwrap()))
        .unwrap();
    assert_eq!(root.parent, None);
    let regional = cache
        .get(&cache_key(x509::tbs_of(&bundle[1]).unwrap()))
        .unwrap();
    assert_eq!(
        regional.parent,
        Some(cache_key(x509::tbs_of(&bundle[0]).unwrap()))
    );
}

#[test]
fn failed_verification_leaves_cache_unchanged() {
    let mut cache = VerifiedCertCache::new();
    let mut options = evervault_options();
    options.pcr_policy = options.pcr_policy.expect_pcr(0, vec![0; 48]);
    let verdict = verify_and_fill_cache(&BACKEND, EVERVAULT, &options, &mut cache, CacheLeaf::Yes);
    assert_eq!(verdict, Err(NitroError::PcrMismatch { index: 0 }));
    assert!(cache.is_empty());
}

#[test]
fn expired_cached_ca_rejected() {
    let cache = filled(CacheLeaf::Yes);
    let mut options = evervault_options();
    options.max_age_secs = u64::MAX;
    // 2022-10-14 09:00:00: the instance CA (index 3, notAfter 2022-10-14 08:42:46) has expired.
    options.at = UnixSeconds(1_665_738_000);
    let expected = Err(NitroError::CertExpired {
        index: 3,
        not_after: UnixSeconds(1_665_736_966),
        now: options.at,
    });
    assert_eq!(
        verify_using_cache(&BACKEND, EVERVAULT, &options, &cache),
        expected
    );
    assert_eq!(verify_with(&BACKEND, EVERVAULT, &options), expected);
}

#[test]
fn not_yet_valid_cached_ca_rejected() {
    let cache = filled(CacheLeaf::No);
    let mut options = evervault_options();
    options.future_skew_secs = u64::MAX;
    options.at = UnixSeconds(1_665_619_200); // before the zonal CA's notBefore
    let verdict = verify_using_cache(&BACKEND, EVERVAULT, &options, &cache);
    assert!(
        matches!(verdict, Err(NitroError::CertNotYetValid { index: 2, .. })),
        "{verdict:?}"
    );
}

#[test]
fn revoked_cached_ca_rejected() {
    let (bundle, leaf) = certs(EVERVAULT);
    let cache = filled(CacheLeaf::Yes);
    for (index, der) in bundle.iter().chain(std::iter::once(&leaf)).enumerate() {
        let mut options = evervault_options();
        options.revoked.revoke_certificate(der).unwrap();
        let cached = verify_using_cache(&BACKEND, EVERVAULT, &options, &cache);
        assert!(
            matches!(cached, Err(NitroError::CertRevoked { index: i, .. }) if i == index),
            "{index}: {cached:?}"
        );
        assert_eq!(cached, verify_with(&BACKEND, EVERVAULT, &options));
    }
}

#[test]
fn hit_requires_cached_ancestry() {
    let (bundle, _) = certs(EVERVAULT);
    let mut cache = filled(CacheLeaf::Yes);
    // Without the regional CA, everything below it is verified in full again, with the same verdict.
    cache.remove(&cache_key(x509::tbs_of(&bundle[1]).unwrap()));
    let options = evervault_options();
    assert_eq!(
        verify_using_cache(&BACKEND, EVERVAULT, &options, &cache),
        verify_with(&BACKEND, EVERVAULT, &options)
    );
    // A cached chain from one document does not vouch for another document's different chain.
    let cache = filled(CacheLeaf::Yes);
    for (name, doc, options) in all() {
        assert_eq!(
            verify_using_cache(&BACKEND, doc, &options, &cache),
            verify_with(&BACKEND, doc, &options),
            "{name}"
        );
    }
}

#[test]
fn cached_leaf_still_needs_valid_cose_signature() {
    let cache = filled(CacheLeaf::Yes);
    let forged = with_field(EVERVAULT, "nonce", Some(bytes(&[0; 256])));
    assert_eq!(
        verify_using_cache(&BACKEND, &forged, &evervault_options(), &cache),
        Err(NitroError::CoseSignature)
    );
}
