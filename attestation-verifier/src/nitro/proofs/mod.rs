//! Off-chain proofs for the hinted entry points of the Solidity verifier: the `bytes[] hints` of
//! `NitroAttestationVerifier.verifyAttestationWithHints` and the `hint` of
//! `CertManager.verifyCACertWithHint` / `verifyLeafCertWithHint`, in the traced form
//! (`P384.verifyWithTrace`, the only one within the gas targets), falling back to the plain hint
//! for the rare signature whose ladder has no affine trace.
//!
//! The relayer computes them from the document alone; a wrong proof can only make on-chain
//! verification fail. Parsing reuses the verifier's own bounded parsers ([`super::cose`],
//! [`super::document`], [`super::x509`]), so a document this module accepts is syntactically one
//! the verifier accepts. Signatures are not checked here: an invalid one has no trace
//! ([`ProofError::NotOnChainValid`]).

pub mod p384;

pub use self::p384::{HINT_LEN, SLOPE_LEN, hint, trace};

use crate::error::NitroError;
use crate::nitro::crypto::{EcdsaSignature, P384PublicKey};
use crate::nitro::{MAX_DOCUMENT_BYTES, cose, document, x509};
use sha2::{Digest, Sha384};

/// Why no proof could be produced.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// `r` is 0 or not below the group order n.
    #[error("signature r is not in [1, n)")]
    RNotInRange,
    /// `s` is 0 or not below the group order n.
    #[error("signature s is not in [1, n)")]
    SNotInRange,
    /// The public key is not an affine point of P-384.
    #[error("public key is not a point of P-384")]
    InvalidPublicKey,
    /// `u1·G + u2·Q` is the point at infinity: no `R`, no trace (the signature is invalid).
    #[error("u1·G + u2·Q is the point at infinity")]
    RAtInfinity,
    /// The ladder meets a doubling or the point at infinity before its last addition: the affine
    /// trace does not exist (the reference skips such cases; `verifyWithHint` covers them).
    #[error("ladder is degenerate at digit {digit}, term {term}: no affine trace")]
    LadderDegenerate {
        /// Digit position (0 = least significant).
        digit: usize,
        /// Ladder term (0: G, 1: 2^192·G, 2: Q, 3: R).
        term: usize,
    },
    /// The ladder's final sum is not the point at infinity: the signature does not verify.
    #[error("the hinted ladder does not reach the point at infinity: signature invalid")]
    NotOnChainValid,
    /// A field element or scalar had no inverse (only for inputs outside the curve's range).
    #[error("element not invertible")]
    NotInvertible,
    /// An arithmetic invariant failed; reports a bug, never an input property.
    #[error("internal invariant: {0}")]
    Internal(&'static str),
    /// The document failed to parse.
    #[error("document: {0}")]
    Document(NitroError),
    /// A certificate failed to parse; `index` counts `cabundle` then the leaf.
    #[error("certificate {index}: {source}")]
    Certificate {
        /// Chain index (0 = root, `cabundle.len()` = leaf).
        index: usize,
        /// The parse error, with its index.
        source: NitroError,
    },
    /// No proof for a signature in the chain; `index` as in [`ProofError::Certificate`],
    /// `cabundle.len() + 1` for the COSE signature.
    #[error("signature {index}: {source}")]
    Signature {
        /// Signature index.
        index: usize,
        /// Why.
        source: Box<ProofError>,
    },
}

fn sha384(message: &[u8]) -> [u8; 48] {
    Sha384::digest(message).into()
}

fn xy(key: &P384PublicKey) -> Result<[u8; 96], ProofError> {
    key.as_bytes()
        .get(1..)
        .and_then(|b| <[u8; 96]>::try_from(b).ok())
        .ok_or(ProofError::InvalidPublicKey)
}

/// The proof `Es384Verifier` should get for one signature: the [`trace`], or, where the ladder is
/// degenerate and no affine trace exists ([`ProofError::LadderDegenerate`], about 2^-180 for a real
/// signature), the 161-byte [`hint`] alone, which the contract dispatches to `verifyWithHint` by
/// its length (`Es384Verifier.verifySha384`).
///
/// # Errors
/// As [`trace`], except [`ProofError::LadderDegenerate`].
pub fn proof(
    digest: &[u8; 48],
    signature: &[u8; 96],
    public_key: &[u8; 96],
) -> Result<Vec<u8>, ProofError> {
    match trace(digest, signature, public_key) {
        Err(ProofError::LadderDegenerate { .. }) => {
            Ok(hint(digest, signature, public_key)?.to_vec())
        }
        other => other,
    }
}

/// The [`proof`] for one ECDSA signature over `message` (hashed with SHA-384 here).
///
/// # Errors
/// As [`proof`].
pub fn signature_proof(
    message: &[u8],
    signature: &EcdsaSignature,
    key: &P384PublicKey,
) -> Result<Vec<u8>, ProofError> {
    proof(&sha384(message), &signature.0, &xy(key)?)
}

/// The `hint` argument of `CertManager.verifyCACertWithHint` / `verifyLeafCertWithHint`: the
/// traced proof of `cert_der`'s signature under `issuer_der`'s key.
///
/// # Errors
/// A certificate outside the Nitro profile ([`ProofError::Certificate`], index 0 for the
/// certificate, 1 for the issuer), or no trace for its signature.
pub fn certificate_proof(cert_der: &[u8], issuer_der: &[u8]) -> Result<Vec<u8>, ProofError> {
    let cert = x509::parse(cert_der).map_err(|e| ProofError::Certificate {
        index: 0,
        source: e.at(0),
    })?;
    let issuer = x509::parse(issuer_der).map_err(|e| ProofError::Certificate {
        index: 1,
        source: e.at(1),
    })?;
    signature_proof(cert.tbs, &cert.signature, &issuer.public_key)
}

/// The `bytes[] hints` of `verifyAttestationWithHints` for a Nitro COSE_Sign1 document:
/// `cabundle.len() + 2` entries; entry 0 empty (the anchor is pinned by hash, not checked by
/// signature), entry `i` (1 ≤ i < len) the proof of `cabundle[i]` by `cabundle[i − 1]`, entry
/// `cabundle.len()` the leaf certificate's by the last bundle entry, the last the COSE signature's
/// by the leaf key over `Sig_structure` (RFC 9052 §4.4).
///
/// # Errors
/// A document or certificate that does not parse, or a signature without a trace.
pub fn document_proofs(document_bytes: &[u8]) -> Result<Vec<Vec<u8>>, ProofError> {
    if document_bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ProofError::Document(NitroError::DocumentTooLarge {
            len: document_bytes.len(),
            max: MAX_DOCUMENT_BYTES,
        }));
    }
    let envelope = cose::parse(document_bytes).map_err(ProofError::Document)?;
    let doc = document::parse(&envelope.payload).map_err(ProofError::Document)?;
    let ders = doc
        .cabundle
        .iter()
        .map(AsRef::as_ref)
        .chain([doc.certificate.as_ref()]);
    let certs = ders
        .enumerate()
        .map(|(index, der)| {
            x509::parse(der).map_err(|e| ProofError::Certificate {
                index,
                source: e.at(index),
            })
        })
        .collect::<Result<Vec<_>, ProofError>>()?;
    let mut proofs = vec![Vec::new()];
    for (index, pair) in certs.windows(2).enumerate() {
        let index = index.saturating_add(1);
        let [issuer, cert] = pair else {
            return Err(ProofError::Internal("window of two"));
        };
        let proof =
            signature_proof(cert.tbs, &cert.signature, &issuer.public_key).map_err(|e| {
                ProofError::Signature {
                    index,
                    source: Box::new(e),
                }
            })?;
        proofs.push(proof);
    }
    let leaf = certs.last().ok_or(ProofError::Internal("no leaf"))?;
    let cose_proof = signature_proof(
        &cose::sig_structure(&envelope.payload),
        &envelope.signature,
        &leaf.public_key,
    )
    .map_err(|e| ProofError::Signature {
        index: certs.len(),
        source: Box::new(e),
    })?;
    proofs.push(cose_proof);
    Ok(proofs)
}
