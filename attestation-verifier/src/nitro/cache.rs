//! Verified-certificate cache: CA (and optionally leaf) certificates whose signature chain was
//! already verified, keyed by keccak256 of their TBSCertificate bytes, as the contracts key theirs
//! (keccak256 is the EVM's native hash, so Rust and Solidity compute the same keys).
//!
//! A hit skips parsing and signature verification only. Validity at the verification time,
//! revocation, the CA/leaf role and pathLen at the cert's position are re-checked on every hit,
//! for the cert and every ancestor, from the facts kept in the entry.

use crate::nitro::crypto::P384PublicKey;
use crate::nitro::x509::Certificate;
use crate::time::UnixSeconds;
use alloy_primitives::{B256, keccak256};
use std::collections::HashMap;

/// What later checks need from a verified certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFacts {
    /// Subject Name (DER).
    pub subject: Vec<u8>,
    /// Issuer Name (DER).
    pub issuer: Vec<u8>,
    /// Serial number magnitude.
    pub serial: Vec<u8>,
    /// Subject public key.
    pub public_key: P384PublicKey,
    /// Start of validity.
    pub not_before: UnixSeconds,
    /// End of validity.
    pub not_after: UnixSeconds,
    /// basicConstraints present and `cA = TRUE`.
    pub ca: bool,
    /// basicConstraints marked critical.
    pub basic_constraints_critical: bool,
    /// pathLenConstraint.
    pub path_len: Option<u64>,
    /// keyUsage keyCertSign.
    pub key_cert_sign: bool,
    /// keyUsage digitalSignature.
    pub digital_signature: bool,
}

impl CertFacts {
    /// The facts of a parsed certificate.
    pub fn of(cert: &Certificate<'_>) -> Self {
        CertFacts {
            subject: cert.subject.to_vec(),
            issuer: cert.issuer.to_vec(),
            serial: cert.serial.to_vec(),
            public_key: cert.public_key,
            not_before: cert.not_before,
            not_after: cert.not_after,
            ca: cert.is_ca(),
            basic_constraints_critical: cert.basic_constraints.is_some_and(|bc| bc.critical),
            path_len: cert.basic_constraints.and_then(|bc| bc.path_len),
            key_cert_sign: cert.key_usage.is_some_and(|ku| ku.key_cert_sign()),
            digital_signature: cert.key_usage.is_some_and(|ku| ku.digital_signature()),
        }
    }
}

/// One cached certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedCert {
    /// Facts re-checked on each hit.
    pub facts: CertFacts,
    /// Key of the certificate whose key verified this one's signature; `None` for the trust anchor.
    pub parent: Option<B256>,
}

/// Certificates already verified, keyed by [`cache_key`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifiedCertCache {
    entries: HashMap<B256, CachedCert>,
}

/// keccak256 of a certificate's TBSCertificate encoding (tag and length included).
pub fn cache_key(tbs: &[u8]) -> B256 {
    keccak256(tbs)
}

impl VerifiedCertCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entry for `key`.
    pub fn get(&self, key: &B256) -> Option<&CachedCert> {
        self.entries.get(key)
    }

    /// Whether `key` is cached.
    pub fn contains(&self, key: &B256) -> bool {
        self.entries.contains_key(key)
    }

    /// Number of cached certificates.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops one certificate (and so, in effect, every certificate cached below it: a hit needs
    /// its whole ancestry cached).
    pub fn remove(&mut self, key: &B256) -> Option<CachedCert> {
        self.entries.remove(key)
    }

    /// Only the verifier inserts: an entry is a proof that its signature chain verified.
    pub(crate) fn insert(&mut self, key: B256, cert: CachedCert) {
        self.entries.insert(key, cert);
    }
}
