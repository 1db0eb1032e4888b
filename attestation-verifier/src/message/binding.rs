//! The attestation binding of an enclave key: what `LCPClient.registerEnclaveKey` checks after the
//! Nitro document itself verified (PCR measurement, `public_key`, `user_data`, expiry).
//!
//! - `public_key` = the enclave's secp256k1 key as 65-byte uncompressed SEC1, `0x04 ‖ x ‖ y`; its
//!   address is the last 20 bytes of `keccak256(x ‖ y)`.
//! - `user_data` = `version(1) = 0x01 ‖ enclave key address(20) ‖ operator address(20) ‖
//!   keccak256(network config)(32)`, 73 bytes (DESIGN.md §3).
//! - measurement = `keccak256(pcr0 ‖ pcr1 ‖ pcr2 [‖ pcr8])`, each PCR 48 bytes (SHA-384 documents).
//! - expiry = min(now + key TTL, leaf certificate notAfter), and must lie after `now`.
//!
//! Like the contract, this does not check that the point is on the curve: an off-curve "key" has no
//! private key and can never sign, so registering its address is inert.

use alloy_primitives::{Address, B256, keccak256};

use super::Error;
use crate::time::UnixSeconds;

/// `user_data` layout version.
pub const USER_DATA_VERSION: u8 = 1;
/// `user_data` length: 1 + 20 + 20 + 32.
pub const USER_DATA_LEN: usize = 73;
/// `public_key` length: uncompressed SEC1.
pub const PUBLIC_KEY_LEN: usize = 65;
/// PCR length in SHA-384 documents.
pub const PCR_LEN: usize = 48;

/// The parsed `user_data` binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserData {
    /// Address of the enclave's signing key.
    pub enclave_key: Address,
    /// The operator running the enclave (must register it on chain).
    pub operator: Address,
    /// keccak256 of the network config the enclave was started with.
    pub network_config_hash: B256,
}

impl UserData {
    /// The 73 `user_data` bytes the enclave puts in its attestation.
    pub fn encode(&self) -> [u8; USER_DATA_LEN] {
        let mut out = [0u8; USER_DATA_LEN];
        let bytes = core::iter::once(&USER_DATA_VERSION)
            .chain(self.enclave_key.as_slice())
            .chain(self.operator.as_slice())
            .chain(self.network_config_hash.as_slice());
        for (dst, src) in out.iter_mut().zip(bytes) {
            *dst = *src;
        }
        out
    }

    /// Parses `user_data`: exactly 73 bytes, version 1.
    ///
    /// # Errors
    /// [`Error::UserDataLength`], [`Error::UserDataVersion`].
    pub fn parse(bytes: &[u8]) -> Result<UserData, Error> {
        let fixed: &[u8; USER_DATA_LEN] = bytes.try_into().map_err(|_| Error::UserDataLength {
            got: bytes.len(),
            expected: USER_DATA_LEN,
        })?;
        let (version, rest) = fixed.split_first().ok_or(Error::UserDataLength {
            got: 0,
            expected: USER_DATA_LEN,
        })?;
        if *version != USER_DATA_VERSION {
            return Err(Error::UserDataVersion {
                got: *version,
                expected: USER_DATA_VERSION,
            });
        }
        let (key, rest) = rest.split_at_checked(20).ok_or(Error::UserDataLength {
            got: bytes.len(),
            expected: USER_DATA_LEN,
        })?;
        let (operator, hash) = rest.split_at_checked(20).ok_or(Error::UserDataLength {
            got: bytes.len(),
            expected: USER_DATA_LEN,
        })?;
        Ok(UserData {
            enclave_key: Address::from_slice(key),
            operator: Address::from_slice(operator),
            network_config_hash: B256::from_slice(hash),
        })
    }
}

/// The address of an uncompressed SEC1 public key (`0x04 ‖ x ‖ y`).
///
/// # Errors
/// [`Error::PublicKeyFormat`] unless 65 bytes starting with 0x04.
pub fn public_key_address(public_key: &[u8]) -> Result<Address, Error> {
    match public_key.split_first() {
        Some((0x04, xy)) if public_key.len() == PUBLIC_KEY_LEN => Ok(Address::from_slice(
            keccak256(xy).get(12..).unwrap_or_default(),
        )),
        _ => Err(Error::PublicKeyFormat {
            len: public_key.len(),
        }),
    }
}

/// The measurement the owner allowlists: `keccak256(pcr0 ‖ pcr1 ‖ pcr2 [‖ pcr8])`.
///
/// # Errors
/// [`Error::PcrLength`] when a PCR is not 48 bytes (PCR8 may be absent).
pub fn measurement(
    pcr0: &[u8],
    pcr1: &[u8],
    pcr2: &[u8],
    pcr8: Option<&[u8]>,
) -> Result<B256, Error> {
    let mut preimage = Vec::with_capacity(4 * PCR_LEN);
    for (index, pcr) in [
        (0u8, Some(pcr0)),
        (1, Some(pcr1)),
        (2, Some(pcr2)),
        (8, pcr8),
    ] {
        let Some(pcr) = pcr else { continue };
        if pcr.len() != PCR_LEN {
            return Err(Error::PcrLength {
                index,
                len: pcr.len(),
            });
        }
        preimage.extend_from_slice(pcr);
    }
    Ok(keccak256(preimage))
}

/// Checks the binding of `public_key` and `user_data` to this client's network config and returns the
/// parsed binding (the key address equals `enclave_key`).
///
/// # Errors
/// [`Error::PublicKeyFormat`], the errors of [`UserData::parse`], [`Error::UserDataKeyMismatch`],
/// [`Error::NetworkConfigMismatch`].
pub fn check_binding(
    public_key: &[u8],
    user_data: &[u8],
    network_config_hash: B256,
) -> Result<UserData, Error> {
    let attested = public_key_address(public_key)?;
    let binding = UserData::parse(user_data)?;
    if binding.enclave_key != attested {
        return Err(Error::UserDataKeyMismatch {
            bound: binding.enclave_key,
            attested,
        });
    }
    if binding.network_config_hash != network_config_hash {
        return Err(Error::NetworkConfigMismatch {
            got: binding.network_config_hash,
            expected: network_config_hash,
        });
    }
    Ok(binding)
}

/// Key expiry: min(`now + key_ttl`, `leaf_not_after`), which must be after `now`.
///
/// # Errors
/// [`Error::RegistrationExpired`] when the result is not after `now`.
pub fn key_expiry(
    now: UnixSeconds,
    key_ttl: u64,
    leaf_not_after: UnixSeconds,
) -> Result<UnixSeconds, Error> {
    let expiry = now.saturating_add(key_ttl).min(leaf_not_after);
    if expiry <= now {
        return Err(Error::RegistrationExpired { expiry, now });
    }
    Ok(expiry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::verify::key_address;
    use k256::ecdsa::SigningKey;

    fn key() -> SigningKey {
        SigningKey::from_slice(&[7u8; 32]).unwrap()
    }

    fn sec1(k: &SigningKey) -> Vec<u8> {
        k.verifying_key().to_sec1_point(false).as_bytes().to_vec()
    }

    #[test]
    fn user_data_round_trips_and_is_strict() {
        let u = UserData {
            enclave_key: Address::repeat_byte(1),
            operator: Address::repeat_byte(2),
            network_config_hash: B256::repeat_byte(3),
        };
        let bytes = u.encode();
        assert_eq!(bytes[0], 1);
        assert_eq!(UserData::parse(&bytes), Ok(u));
        assert_eq!(
            UserData::parse(&bytes[..72]),
            Err(Error::UserDataLength {
                got: 72,
                expected: 73
            })
        );
        let mut v2 = bytes;
        v2[0] = 2;
        assert_eq!(
            UserData::parse(&v2),
            Err(Error::UserDataVersion {
                got: 2,
                expected: 1
            })
        );
    }

    #[test]
    fn public_key_address_matches_the_signing_key() {
        let k = key();
        assert_eq!(
            public_key_address(&sec1(&k)),
            Ok(key_address(k.verifying_key()))
        );
        let compressed = k.verifying_key().to_sec1_point(true).as_bytes().to_vec();
        assert_eq!(
            public_key_address(&compressed),
            Err(Error::PublicKeyFormat { len: 33 })
        );
        let mut wrong_prefix = sec1(&k);
        wrong_prefix[0] = 0x02;
        assert_eq!(
            public_key_address(&wrong_prefix),
            Err(Error::PublicKeyFormat { len: 65 })
        );
    }

    #[test]
    fn binding_checks_key_and_network() {
        let k = key();
        let addr = key_address(k.verifying_key());
        let config = B256::repeat_byte(9);
        let u = UserData {
            enclave_key: addr,
            operator: Address::repeat_byte(4),
            network_config_hash: config,
        };
        assert_eq!(check_binding(&sec1(&k), &u.encode(), config), Ok(u));
        assert_eq!(
            check_binding(&sec1(&k), &u.encode(), B256::ZERO),
            Err(Error::NetworkConfigMismatch {
                got: config,
                expected: B256::ZERO
            })
        );
        let other = UserData {
            enclave_key: Address::repeat_byte(5),
            ..u
        };
        assert_eq!(
            check_binding(&sec1(&k), &other.encode(), config),
            Err(Error::UserDataKeyMismatch {
                bound: Address::repeat_byte(5),
                attested: addr
            })
        );
    }

    #[test]
    fn measurement_concatenates_present_pcrs() {
        let p = |b: u8| vec![b; 48];
        let m = measurement(&p(0xa0), &p(0xa1), &p(0xa2), None).unwrap();
        assert_eq!(m, keccak256([p(0xa0), p(0xa1), p(0xa2)].concat()));
        let m8 = measurement(&p(0xa0), &p(0xa1), &p(0xa2), Some(&p(8))).unwrap();
        assert_ne!(m, m8);
        assert_eq!(
            measurement(&p(0), &[0u8; 32], &p(0), None),
            Err(Error::PcrLength { index: 1, len: 32 })
        );
        assert_eq!(
            measurement(&p(0), &p(0), &p(0), Some(&[0u8; 47])),
            Err(Error::PcrLength { index: 8, len: 47 })
        );
    }

    #[test]
    fn expiry_is_capped_by_the_leaf() {
        let now = UnixSeconds(1000);
        assert_eq!(
            key_expiry(now, 100, UnixSeconds(5000)),
            Ok(UnixSeconds(1100))
        );
        assert_eq!(
            key_expiry(now, 10_000, UnixSeconds(5000)),
            Ok(UnixSeconds(5000))
        );
        assert_eq!(
            key_expiry(now, 100, UnixSeconds(1000)),
            Err(Error::RegistrationExpired {
                expiry: UnixSeconds(1000),
                now
            })
        );
    }
}
