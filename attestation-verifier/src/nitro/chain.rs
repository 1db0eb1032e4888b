//! The certificate chain (DESIGN.md §5.1 rules 1–3): `cabundle[0]` is the pinned anchor,
//! `cabundle[i]` is signed by `cabundle[i-1]`, the leaf by `cabundle[last]`.
//!
//! Each certificate, root first, is checked in this order (the contracts use the same order, so a
//! document with several defects gets the same verdict from both):
//! 1. index 0 only: byte equality with the trust anchor;
//! 2. strict DER and the Nitro profile (algorithms, P-384 point on the curve);
//! 3. issuer Name == parent's subject Name (bytes), for index > 0;
//! 4. signature under the parent's key, for index > 0 (the anchor is pinned by bytes, so its
//!    self-signature adds nothing);
//! 5. validity at the verification time (notBefore, then notAfter);
//! 6. role: CAs have critical basicConstraints cA=TRUE, pathLen not exceeded, keyCertSign; the leaf
//!    is not a CA and has digitalSignature;
//! 7. revocation of (issuer, serial).
//!
//! A cache hit (the certificate and all its ancestors cached, its recorded parent being the
//! certificate before it) replaces steps 2–4; steps 1 and 5–7 always run.

use crate::error::NitroError;
use crate::nitro::cache::{CachedCert, CertFacts, VerifiedCertCache, cache_key};
use crate::nitro::crypto::P384Verifier;
use crate::nitro::policy::VerificationOptions;
use crate::nitro::x509;
use alloy_primitives::B256;

/// The verified chain: the leaf's facts, and entries a filling cache may insert.
pub(crate) struct VerifiedChain {
    pub(crate) leaf: CertFacts,
    pub(crate) new_entries: Vec<(B256, CachedCert, bool)>,
}

/// Verifies `cabundle` and the leaf. With `cache`, hits skip signature work; `want_keys` computes
/// cache keys even without a cache (to fill one afterwards).
pub(crate) fn verify_chain<B: P384Verifier, C: AsRef<[u8]>>(
    backend: &B,
    cabundle: &[C],
    leaf: &[u8],
    options: &VerificationOptions,
    cache: Option<&VerifiedCertCache>,
    want_keys: bool,
) -> Result<VerifiedChain, NitroError> {
    let leaf_index = cabundle.len();
    let mut parent: Option<(CertFacts, Option<B256>)> = None;
    let mut ancestry_cached = true;
    let mut new_entries = Vec::new();
    let certs = cabundle
        .iter()
        .map(AsRef::as_ref)
        .chain(core::iter::once(leaf));
    for (index, der) in certs.enumerate() {
        if index == 0 && der != options.trust_anchor.der() {
            return Err(NitroError::TrustAnchorMismatch);
        }
        let key = if cache.is_some() || want_keys {
            Some(cache_key(x509::tbs_of(der).map_err(|source| {
                NitroError::CertificateDer { index, source }
            })?))
        } else {
            None
        };
        let parent_key = parent.as_ref().and_then(|(_, k)| *k);
        let hit = match (cache, key) {
            (Some(cache), Some(key)) if ancestry_cached => cache
                .get(&key)
                .filter(|entry| entry.parent == parent_key)
                .map(|entry| entry.facts.clone()),
            _ => None,
        };
        let facts = match hit {
            Some(facts) => facts,
            None => {
                ancestry_cached = false;
                let cert = x509::parse(der).map_err(|e| e.at(index))?;
                if let Some((parent_facts, _)) = &parent {
                    let parent_index = index.saturating_sub(1);
                    if cert.issuer != parent_facts.subject.as_slice() {
                        return Err(NitroError::IssuerMismatch {
                            index,
                            parent: parent_index,
                        });
                    }
                    if !backend.verify(&parent_facts.public_key, cert.tbs, &cert.signature) {
                        return Err(NitroError::CertSignature {
                            index,
                            parent: parent_index,
                        });
                    }
                }
                let facts = CertFacts::of(&cert);
                if let Some(key) = key {
                    let entry = CachedCert {
                        facts: facts.clone(),
                        parent: parent_key,
                    };
                    new_entries.push((key, entry, index == leaf_index));
                }
                facts
            }
        };
        check_validity(index, &facts, options)?;
        check_role(index, leaf_index, &facts)?;
        if options.revoked.is_revoked(&facts.issuer, &facts.serial) {
            return Err(NitroError::CertRevoked {
                index,
                serial: facts.serial.clone(),
            });
        }
        parent = Some((facts, key));
    }
    let leaf = parent
        .map(|(facts, _)| facts)
        .ok_or(NitroError::EmptyCabundle)?;
    Ok(VerifiedChain { leaf, new_entries })
}

fn check_validity(
    index: usize,
    facts: &CertFacts,
    options: &VerificationOptions,
) -> Result<(), NitroError> {
    let now = options.at;
    if now < facts.not_before {
        return Err(NitroError::CertNotYetValid {
            index,
            not_before: facts.not_before,
            now,
        });
    }
    if now > facts.not_after {
        return Err(NitroError::CertExpired {
            index,
            not_after: facts.not_after,
            now,
        });
    }
    Ok(())
}

fn check_role(index: usize, leaf_index: usize, facts: &CertFacts) -> Result<(), NitroError> {
    if index == leaf_index {
        if facts.ca {
            return Err(NitroError::LeafIsCa);
        }
        if !facts.digital_signature {
            return Err(NitroError::LeafMissingDigitalSignature);
        }
        return Ok(());
    }
    if !facts.ca {
        return Err(NitroError::NotCa { index });
    }
    if !facts.basic_constraints_critical {
        return Err(NitroError::BasicConstraintsNotCritical { index });
    }
    // CA certificates below this one in the chain (the leaf is not counted, RFC 5280 §4.2.1.9).
    let below = leaf_index.saturating_sub(index).saturating_sub(1);
    if let Some(path_len) = facts.path_len
        && u64::try_from(below).unwrap_or(u64::MAX) > path_len
    {
        return Err(NitroError::PathLenExceeded {
            index,
            path_len,
            below,
        });
    }
    if !facts.key_cert_sign {
        return Err(NitroError::MissingKeyCertSign { index });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nitro::policy::AWS_ROOT_G1_DER;
    use crate::time::UnixSeconds;

    fn ca_facts() -> CertFacts {
        let root = x509::parse(AWS_ROOT_G1_DER).unwrap();
        CertFacts::of(&root)
    }

    #[test]
    fn ca_role_rules() {
        let ca = ca_facts();
        assert_eq!(check_role(1, 4, &ca), Ok(()));
        let limited = CertFacts {
            path_len: Some(1),
            ..ca.clone()
        };
        assert_eq!(check_role(2, 4, &limited), Ok(()));
        assert_eq!(
            check_role(1, 4, &limited),
            Err(NitroError::PathLenExceeded {
                index: 1,
                path_len: 1,
                below: 2
            })
        );
        let zero = CertFacts {
            path_len: Some(0),
            ..ca.clone()
        };
        assert_eq!(check_role(3, 4, &zero), Ok(()));
        assert_eq!(
            check_role(2, 4, &zero),
            Err(NitroError::PathLenExceeded {
                index: 2,
                path_len: 0,
                below: 1
            })
        );
        assert_eq!(
            check_role(
                1,
                4,
                &CertFacts {
                    ca: false,
                    ..ca.clone()
                }
            ),
            Err(NitroError::NotCa { index: 1 })
        );
        assert_eq!(
            check_role(
                1,
                4,
                &CertFacts {
                    basic_constraints_critical: false,
                    ..ca.clone()
                }
            ),
            Err(NitroError::BasicConstraintsNotCritical { index: 1 })
        );
        assert_eq!(
            check_role(
                1,
                4,
                &CertFacts {
                    key_cert_sign: false,
                    ..ca.clone()
                }
            ),
            Err(NitroError::MissingKeyCertSign { index: 1 })
        );
    }

    #[test]
    fn leaf_role_rules() {
        let ca = ca_facts();
        assert_eq!(check_role(4, 4, &ca), Err(NitroError::LeafIsCa));
        let leaf = CertFacts {
            ca: false,
            digital_signature: true,
            ..ca.clone()
        };
        assert_eq!(check_role(4, 4, &leaf), Ok(()));
        let no_sig = CertFacts {
            digital_signature: false,
            ..leaf
        };
        assert_eq!(
            check_role(4, 4, &no_sig),
            Err(NitroError::LeafMissingDigitalSignature)
        );
    }

    #[test]
    fn validity_bounds_inclusive() {
        let facts = CertFacts {
            not_before: UnixSeconds(10),
            not_after: UnixSeconds(20),
            ..ca_facts()
        };
        let mut options = VerificationOptions::new(UnixSeconds(10));
        assert_eq!(check_validity(0, &facts, &options), Ok(()));
        options.at = UnixSeconds(20);
        assert_eq!(check_validity(0, &facts, &options), Ok(()));
        options.at = UnixSeconds(9);
        assert_eq!(
            check_validity(2, &facts, &options),
            Err(NitroError::CertNotYetValid {
                index: 2,
                not_before: UnixSeconds(10),
                now: UnixSeconds(9)
            })
        );
        options.at = UnixSeconds(21);
        assert_eq!(
            check_validity(2, &facts, &options),
            Err(NitroError::CertExpired {
                index: 2,
                not_after: UnixSeconds(20),
                now: UnixSeconds(21)
            })
        );
    }
}
