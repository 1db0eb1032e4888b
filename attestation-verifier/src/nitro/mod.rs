//! AWS Nitro attestation documents (DESIGN.md §5.1): COSE_Sign1 over a CBOR payload, signed by a
//! leaf certificate that chains to a pinned root.
//!
//! Verification order: size → envelope ([`cose`]) → payload ([`document`]) → certificate chain
//! ([`chain`], root first) → COSE signature → freshness → PCR policy. Claims of a document are
//! judged (freshness, PCRs) only after its signatures verified, so an error never reports on
//! unauthenticated content except for syntax.
//!
//! ```no_run
//! use attestation_verifier::nitro::{VerificationOptions, verify};
//! use attestation_verifier::time::UnixSeconds;
//! # let bytes: Vec<u8> = Vec::new();
//! let options = VerificationOptions::new(UnixSeconds(1_665_651_482));
//! let verified = verify(&bytes, &options)?;
//! println!("{} PCR0 {:02x?}", verified.module_id(), verified.pcr(0));
//! # Ok::<(), attestation_verifier::error::NitroError>(())
//! ```

pub mod cache;
pub mod cbor;
pub mod chain;
pub mod cose;
pub mod crypto;
pub mod der;
pub mod document;
pub mod policy;
pub mod proofs;
pub mod x509;

pub use cache::{CachedCert, CertFacts, VerifiedCertCache, cache_key};
#[cfg(feature = "aws-lc")]
pub use crypto::AwsLc;
pub use crypto::{DefaultBackend, EcdsaSignature, P384PublicKey, P384Verifier, RustCrypto};
pub use document::Pcr;
pub use policy::{
    AWS_ROOT_G1_DER, AWS_ROOT_G1_SHA256, PcrPolicy, RevocationList, TrustAnchor,
    VerificationOptions,
};

use crate::error::NitroError;
use crate::time::{UnixMillis, UnixSeconds};

/// Largest document accepted: 16 KiB. The NSM cannot return more than `NSM_RESPONSE_MAX_SIZE =
/// 0x3000` bytes (Linux uapi `linux/nsm.h`), so no real document is larger (real ones are about
/// 4.5 KiB); 16 KiB is the bound the per-field limits imply (8 + 1 certificates of 1 KiB, 32 PCRs
/// of 64 bytes, 2 KiB of optionals) and the one the Solidity verifier uses.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024;

/// Longest `cabundle` accepted. AWS chains have 4 certificates (root, regional, zonal, instance);
/// each extra one costs a P-384 verification, so the bound keeps hostile work small.
pub const MAX_CABUNDLE_LEN: usize = 8;

/// Facts of the leaf (`certificate`) that signed the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafCertificate {
    subject: String,
    subject_der: Vec<u8>,
    not_before: UnixSeconds,
    not_after: UnixSeconds,
    public_key: P384PublicKey,
}

impl LeafCertificate {
    /// Subject rendered as `C=US, ST=…, CN=…`.
    pub fn subject(&self) -> &str {
        &self.subject
    }
    /// Subject Name (DER).
    pub fn subject_der(&self) -> &[u8] {
        &self.subject_der
    }
    /// Start of validity.
    pub fn not_before(&self) -> UnixSeconds {
        self.not_before
    }
    /// End of validity.
    pub fn not_after(&self) -> UnixSeconds {
        self.not_after
    }
    /// The key that signed the COSE envelope.
    pub fn public_key(&self) -> &P384PublicKey {
        &self.public_key
    }
}

/// A document that passed every check of DESIGN.md §5.1 under some [`VerificationOptions`]. Only
/// this crate's verifiers can build one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedDocument {
    module_id: String,
    timestamp: UnixMillis,
    digest: String,
    pcrs: Vec<Pcr>,
    leaf: LeafCertificate,
    public_key: Option<Vec<u8>>,
    user_data: Option<Vec<u8>>,
    nonce: Option<Vec<u8>>,
    debug_mode: bool,
    cabundle_len: usize,
}

impl VerifiedDocument {
    /// `module_id` (the enclave's NSM module id).
    pub fn module_id(&self) -> &str {
        &self.module_id
    }
    /// `timestamp`, milliseconds.
    pub fn timestamp(&self) -> UnixMillis {
        self.timestamp
    }
    /// `digest` ("SHA384").
    pub fn digest(&self) -> &str {
        &self.digest
    }
    /// All PCRs, sorted by index.
    pub fn pcrs(&self) -> &[Pcr] {
        &self.pcrs
    }
    /// The value of PCR `index`, if present.
    pub fn pcr(&self, index: u8) -> Option<&[u8]> {
        self.pcrs
            .iter()
            .find(|p| p.index == index)
            .map(|p| p.value.as_slice())
    }
    /// The leaf certificate's facts.
    pub fn leaf(&self) -> &LeafCertificate {
        &self.leaf
    }
    /// `public_key`, if present and not null.
    pub fn public_key(&self) -> Option<&[u8]> {
        self.public_key.as_deref()
    }
    /// `user_data`, if present and not null.
    pub fn user_data(&self) -> Option<&[u8]> {
        self.user_data.as_deref()
    }
    /// `nonce`, if present and not null.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }
    /// Whether PCR0 is all zeros (debug-mode enclave; only returned when the policy allowed it).
    pub fn debug_mode(&self) -> bool {
        self.debug_mode
    }
    /// Number of certificates in `cabundle`.
    pub fn cabundle_len(&self) -> usize {
        self.cabundle_len
    }
}

/// Whether [`verify_and_fill_cache`] also caches the leaf (later documents from the same leaf then
/// cost one COSE verification).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheLeaf {
    /// Cache CA certificates only.
    No,
    /// Cache the leaf too.
    Yes,
}

/// Verifies a document with the default P-384 backend.
///
/// # Errors
/// The first rule the document breaks, as a [`NitroError`].
pub fn verify(
    document: &[u8],
    options: &VerificationOptions,
) -> Result<VerifiedDocument, NitroError> {
    verify_with(&DefaultBackend::default(), document, options)
}

/// Verifies a document with the given P-384 backend.
///
/// # Errors
/// As [`verify`].
pub fn verify_with<B: P384Verifier>(
    backend: &B,
    document: &[u8],
    options: &VerificationOptions,
) -> Result<VerifiedDocument, NitroError> {
    run(backend, document, options, None, false).map(|(doc, _)| doc)
}

/// Verifies a document, skipping signature checks of certificates found in `cache` with their whole
/// ancestry (validity, revocation and roles are still checked). `cache` is not modified.
///
/// # Errors
/// As [`verify`].
pub fn verify_using_cache<B: P384Verifier>(
    backend: &B,
    document: &[u8],
    options: &VerificationOptions,
    cache: &VerifiedCertCache,
) -> Result<VerifiedDocument, NitroError> {
    run(backend, document, options, Some(cache), false).map(|(doc, _)| doc)
}

/// As [`verify_using_cache`], then, only if the whole document verified, caches the CA
/// certificates (and the leaf with [`CacheLeaf::Yes`]) that were verified in full.
///
/// # Errors
/// As [`verify`]; on error the cache is unchanged.
pub fn verify_and_fill_cache<B: P384Verifier>(
    backend: &B,
    document: &[u8],
    options: &VerificationOptions,
    cache: &mut VerifiedCertCache,
    cache_leaf: CacheLeaf,
) -> Result<VerifiedDocument, NitroError> {
    let (doc, new_entries) = run(backend, document, options, Some(cache), true)?;
    for (key, entry, is_leaf) in new_entries {
        if !is_leaf || cache_leaf == CacheLeaf::Yes {
            cache.insert(key, entry);
        }
    }
    Ok(doc)
}

type NewEntries = Vec<(alloy_primitives::B256, CachedCert, bool)>;

fn run<B: P384Verifier>(
    backend: &B,
    bytes: &[u8],
    options: &VerificationOptions,
    cache: Option<&VerifiedCertCache>,
    want_keys: bool,
) -> Result<(VerifiedDocument, NewEntries), NitroError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(NitroError::DocumentTooLarge {
            len: bytes.len(),
            max: MAX_DOCUMENT_BYTES,
        });
    }
    let envelope = cose::parse(bytes)?;
    let doc = document::parse(&envelope.payload)?;
    let chain = chain::verify_chain(
        backend,
        &doc.cabundle,
        &doc.certificate,
        options,
        cache,
        want_keys,
    )?;
    let to_be_signed = cose::sig_structure(&envelope.payload);
    if !backend.verify(&chain.leaf.public_key, &to_be_signed, &envelope.signature) {
        return Err(NitroError::CoseSignature);
    }
    options.check_freshness(doc.timestamp)?;
    options.pcr_policy.check(&doc.pcrs)?;
    let verified = VerifiedDocument {
        module_id: doc.module_id.into_owned(),
        timestamp: doc.timestamp,
        digest: doc.digest.into_owned(),
        debug_mode: policy::is_debug_mode(&doc.pcrs),
        pcrs: doc.pcrs,
        leaf: LeafCertificate {
            subject: x509::display_name(&chain.leaf.subject),
            subject_der: chain.leaf.subject,
            not_before: chain.leaf.not_before,
            not_after: chain.leaf.not_after,
            public_key: chain.leaf.public_key,
        },
        public_key: doc.public_key.map(|b| b.into_owned()),
        user_data: doc.user_data.map(|b| b.into_owned()),
        nonce: doc.nonce.map(|b| b.into_owned()),
        cabundle_len: doc.cabundle.len(),
    };
    Ok((verified, chain.new_entries))
}
