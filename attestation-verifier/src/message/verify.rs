//! Signature recovery, the M-of-N operator threshold and state continuity: the rules `LCPClient`
//! applies, as a pure reference (time, key registry and threshold are parameters).

use alloy_primitives::{Address, B256, U256, keccak256, uint};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use super::Error;
use super::layout::UpdateState;
use crate::time::UnixSeconds;

/// Length of one signature: `r(32) ‖ s(32) ‖ v(1)`.
pub const SIGNATURE_LEN: usize = 65;

/// Half the secp256k1 group order, `floor(n / 2)`: a valid `s` is at most this (SEC 1 §4.1.6 lets
/// both `s` and `n - s` verify; Ethereum, EIP-2, accepts only the low one).
pub const SECP256K1_HALF_ORDER: U256 =
    uint!(0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0_U256);

/// The Ethereum address of a secp256k1 public key: the last 20 bytes of `keccak256(x ‖ y)`.
pub fn key_address(key: &VerifyingKey) -> Address {
    let point = key.to_sec1_point(false);
    // Uncompressed SEC1 is 0x04 ‖ x ‖ y; the address hashes x ‖ y.
    let xy = point.as_bytes().get(1..).unwrap_or_default();
    Address::from_slice(keccak256(xy).get(12..).unwrap_or_default())
}

/// Recovers the signer of `digest` from one 65-byte signature, with the contract's rules:
/// `v ∈ {27, 28}`, `0 < r < n`, `0 < s ≤ n/2`.
///
/// `index` only labels errors (the position in a signature list).
///
/// # Errors
/// [`Error::InvalidV`], [`Error::HighS`], [`Error::InvalidSignature`].
pub fn recover_signer(
    digest: B256,
    signature: &[u8; SIGNATURE_LEN],
    index: usize,
) -> Result<Address, Error> {
    let [rs @ .., v] = *signature;
    let recovery = match v {
        27 => RecoveryId::new(false, false),
        28 => RecoveryId::new(true, false),
        got => return Err(Error::InvalidV { index, got }),
    };
    let s = U256::from_be_slice(rs.get(32..).unwrap_or_default());
    if s > SECP256K1_HALF_ORDER {
        return Err(Error::HighS { index });
    }
    let signature = Signature::from_slice(&rs).map_err(|_| Error::InvalidSignature { index })?;
    let key = VerifyingKey::recover_from_prehash(digest.as_slice(), &signature, recovery)
        .map_err(|_| Error::InvalidSignature { index })?;
    Ok(key_address(&key))
}

/// Splits a concatenated signature list into 65-byte signatures.
///
/// # Errors
/// [`Error::SignatureListLength`] when the length is not a multiple of 65.
pub fn split_signatures(signatures: &[u8]) -> Result<Vec<[u8; SIGNATURE_LEN]>, Error> {
    let (chunks, rest) = signatures.as_chunks::<SIGNATURE_LEN>();
    if !rest.is_empty() {
        return Err(Error::SignatureListLength {
            len: signatures.len(),
        });
    }
    Ok(chunks.to_vec())
}

/// A registered enclave key, as the client stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegisteredKey {
    /// The operator that registered it (from the attestation `user_data`).
    pub operator: Address,
    /// The key signs validly strictly before this instant.
    pub expiry: UnixSeconds,
}

/// Where the verifier looks up enclave keys (the contract's key mapping).
pub trait KeyRegistry {
    /// The registration of `key`, if any.
    fn enclave_key(&self, key: Address) -> Option<RegisteredKey>;
}

/// Checks a signature list over `digest` the way `LCPClient` does (same checks, same order) and
/// returns the signers:
/// at least `threshold` signatures; every one valid, from a registered key not expired at `now`;
/// signers in strictly ascending address order (so no key counts twice); operators pairwise distinct
/// (so the threshold counts operators, not keys).
///
/// # Errors
/// [`Error::SignatureListLength`], [`Error::BelowThreshold`], the errors of [`recover_signer`],
/// [`Error::SignersNotAscending`], [`Error::UnknownSigner`], [`Error::KeyExpired`],
/// [`Error::DuplicateOperator`].
pub fn verify_signatures(
    digest: B256,
    signatures: &[u8],
    registry: &impl KeyRegistry,
    threshold: usize,
    now: UnixSeconds,
) -> Result<Vec<Address>, Error> {
    let list = split_signatures(signatures)?;
    // Same order of checks as `LCPClient._verifySignatures`, so both report the same first error:
    // an empty list up front, the threshold once the first signer is known to be valid.
    if list.is_empty() {
        return Err(Error::BelowThreshold { got: 0, threshold });
    }
    let mut signers: Vec<Address> = Vec::with_capacity(list.len());
    let mut operators: Vec<Address> = Vec::with_capacity(list.len());
    for (index, signature) in list.iter().enumerate() {
        let signer = recover_signer(digest, signature, index)?;
        if let Some(&previous) = signers.last()
            && signer <= previous
        {
            return Err(Error::SignersNotAscending { signer, previous });
        }
        let key = registry
            .enclave_key(signer)
            .ok_or(Error::UnknownSigner { signer })?;
        if now >= key.expiry {
            return Err(Error::KeyExpired {
                signer,
                expiry: key.expiry,
                now,
            });
        }
        if index == 0 && list.len() < threshold {
            return Err(Error::BelowThreshold {
                got: list.len(),
                threshold,
            });
        }
        if operators.contains(&key.operator) {
            return Err(Error::DuplicateOperator {
                operator: key.operator,
            });
        }
        signers.push(signer);
        operators.push(key.operator);
    }
    Ok(signers)
}

/// The continuity rule of `LCPClient.initialize` / `updateState`. `stored` is the client's state id
/// (zero before initialisation). An uninitialised client accepts only `prevStateId == 0` naming the
/// trusted root; an initialised one only `prevStateId == stored`. `postStateId` and `blockHash` are never
/// zero (zero means "nothing stored" on chain).
///
/// # Errors
/// [`Error::StateDiscontinuity`], [`Error::TrustedRootMismatch`], [`Error::ZeroPostState`],
/// [`Error::ZeroBlockHash`].
pub fn check_continuity(
    stored: B256,
    trusted_root: B256,
    update: &UpdateState,
) -> Result<(), Error> {
    if update.prevStateId != stored {
        return Err(Error::StateDiscontinuity {
            got: update.prevStateId,
            expected: stored,
        });
    }
    if stored.is_zero() && update.finalizedBeaconRoot != trusted_root {
        return Err(Error::TrustedRootMismatch {
            got: update.finalizedBeaconRoot,
            expected: trusted_root,
        });
    }
    if update.postStateId.is_zero() {
        return Err(Error::ZeroPostState);
    }
    if update.blockHash.is_zero() {
        return Err(Error::ZeroBlockHash {
            block_number: update.blockNumber,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::message::sign::sign_digest;
    use k256::ecdsa::SigningKey;

    const N: U256 = uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    struct Registry(HashMap<Address, RegisteredKey>);

    impl KeyRegistry for Registry {
        fn enclave_key(&self, key: Address) -> Option<RegisteredKey> {
            self.0.get(&key).copied()
        }
    }

    #[test]
    fn half_order_is_n_over_two() {
        assert_eq!(SECP256K1_HALF_ORDER, N / U256::from(2));
    }

    #[test]
    fn recovers_the_signer_and_rejects_the_malleable_twin() {
        let sk = key(1);
        let digest = keccak256(b"lcp");
        let sig = sign_digest(&sk, digest).unwrap();
        let signer = key_address(sk.verifying_key());
        assert_eq!(recover_signer(digest, &sig, 0), Ok(signer));

        // (r, n - s, v ^ 1) is the same signature's high-s twin.
        let s = U256::from_be_slice(&sig[32..64]);
        let mut twin = sig;
        twin[32..64].copy_from_slice(&(N - s).to_be_bytes::<32>());
        twin[64] ^= 27 ^ 28; // flips 27 <-> 28
        assert!(twin[64] == 27 || twin[64] == 28);
        assert_eq!(
            recover_signer(digest, &twin, 3),
            Err(Error::HighS { index: 3 })
        );

        let mut bad_v = sig;
        bad_v[64] = 1;
        assert_eq!(
            recover_signer(digest, &bad_v, 0),
            Err(Error::InvalidV { index: 0, got: 1 })
        );

        let mut zero_r = sig;
        zero_r[..32].fill(0);
        assert_eq!(
            recover_signer(digest, &zero_r, 0),
            Err(Error::InvalidSignature { index: 0 })
        );

        // Another digest recovers another address (never the signer).
        assert_ne!(recover_signer(keccak256(b"other"), &sig, 0), Ok(signer));
    }

    #[test]
    fn known_vector_address() {
        // Private key 1: the generator point's well-known address.
        let sk = SigningKey::from_slice(&U256::from(1).to_be_bytes::<32>()).unwrap();
        assert_eq!(
            key_address(sk.verifying_key()),
            alloy_primitives::address!("7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
        );
    }

    fn setup(n: u8, same_operator: bool) -> (Vec<SigningKey>, Registry) {
        let mut keys: Vec<SigningKey> = (1..=n).map(key).collect();
        keys.sort_by_key(|k| key_address(k.verifying_key()));
        let registry = Registry(
            (1u8..)
                .zip(keys.iter())
                .map(|(i, k)| {
                    let operator = if same_operator {
                        Address::repeat_byte(0xee)
                    } else {
                        Address::with_last_byte(i)
                    };
                    (
                        key_address(k.verifying_key()),
                        RegisteredKey {
                            operator,
                            expiry: UnixSeconds(1000),
                        },
                    )
                })
                .collect(),
        );
        (keys, registry)
    }

    fn sign_all(keys: &[SigningKey], digest: B256) -> Vec<u8> {
        keys.iter()
            .flat_map(|k| sign_digest(k, digest).unwrap())
            .collect()
    }

    #[test]
    fn threshold_counts_distinct_operators() {
        let digest = keccak256(b"update");
        let (keys, registry) = setup(3, false);
        let sigs = sign_all(&keys, digest);
        assert_eq!(
            verify_signatures(digest, &sigs, &registry, 3, UnixSeconds(999))
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            verify_signatures(digest, &sigs[..130], &registry, 3, UnixSeconds(0)),
            Err(Error::BelowThreshold {
                got: 2,
                threshold: 3
            })
        );
        assert_eq!(
            verify_signatures(digest, &sigs[..64], &registry, 1, UnixSeconds(0)),
            Err(Error::SignatureListLength { len: 64 })
        );
        let signer0 = key_address(keys[0].verifying_key());
        assert_eq!(
            verify_signatures(digest, &sigs, &registry, 1, UnixSeconds(1000)),
            Err(Error::KeyExpired {
                signer: signer0,
                expiry: UnixSeconds(1000),
                now: UnixSeconds(1000)
            })
        );
        let mut reversed = sigs[65..130].to_vec();
        reversed.extend_from_slice(&sigs[..65]);
        assert_eq!(
            verify_signatures(digest, &reversed, &registry, 2, UnixSeconds(0)),
            Err(Error::SignersNotAscending {
                signer: signer0,
                previous: key_address(keys[1].verifying_key())
            })
        );
        let mut twice = sigs[..65].to_vec();
        twice.extend_from_slice(&sigs[..65]);
        assert!(matches!(
            verify_signatures(digest, &twice, &registry, 2, UnixSeconds(0)),
            Err(Error::SignersNotAscending { .. })
        ));

        let (keys, registry) = setup(2, true);
        let sigs = sign_all(&keys, digest);
        assert_eq!(
            verify_signatures(digest, &sigs, &registry, 2, UnixSeconds(0)),
            Err(Error::DuplicateOperator {
                operator: Address::repeat_byte(0xee)
            })
        );
        let stranger = sign_digest(&key(9), digest).unwrap();
        assert_eq!(
            verify_signatures(digest, &stranger, &registry, 1, UnixSeconds(0)),
            Err(Error::UnknownSigner {
                signer: key_address(key(9).verifying_key())
            })
        );
    }

    #[test]
    fn continuity_rules() {
        let root = B256::repeat_byte(7);
        let init = UpdateState {
            postStateId: B256::repeat_byte(1),
            finalizedBeaconRoot: root,
            blockHash: B256::repeat_byte(0xbb),
            ..Default::default()
        };
        assert_eq!(check_continuity(B256::ZERO, root, &init), Ok(()));
        assert_eq!(
            check_continuity(B256::ZERO, B256::ZERO, &init),
            Err(Error::TrustedRootMismatch {
                got: root,
                expected: B256::ZERO
            })
        );
        assert_eq!(
            check_continuity(B256::repeat_byte(1), root, &init),
            Err(Error::StateDiscontinuity {
                got: B256::ZERO,
                expected: B256::repeat_byte(1)
            })
        );
        let next = UpdateState {
            prevStateId: B256::repeat_byte(1),
            postStateId: B256::repeat_byte(2),
            ..init.clone()
        };
        assert_eq!(check_continuity(B256::repeat_byte(1), root, &next), Ok(()));
        let zero_post = UpdateState {
            postStateId: B256::ZERO,
            ..next
        };
        assert_eq!(
            check_continuity(B256::repeat_byte(1), root, &zero_post),
            Err(Error::ZeroPostState)
        );
        let zero_hash = UpdateState {
            blockHash: B256::ZERO,
            blockNumber: 5,
            ..init
        };
        assert_eq!(
            check_continuity(B256::ZERO, root, &zero_hash),
            Err(Error::ZeroBlockHash { block_number: 5 })
        );
    }
}
