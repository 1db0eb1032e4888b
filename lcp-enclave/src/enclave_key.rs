//! The enclave key (DESIGN.md §1, §3): a secp256k1 key generated inside the enclave from NSM
//! randomness at start-up, never exported, bound to the measurement by an attestation document
//! whose `public_key` is the key and whose `user_data` is the [`UserData`].

use crate::nsm::{AttestationRequest, Nsm, NsmError};
use alloy_primitives::{Address, B256, keccak256};
use attestation_verifier::message::binding::UserData;
use k256::ecdsa::{SigningKey, VerifyingKey};

/// Attempts at drawing a valid scalar: a 32-byte string is ≥ n or zero with probability ≈ 2^-128,
/// so the bound is never reached with a working random source.
const MAX_KEY_ATTEMPTS: usize = 8;

/// Errors of the enclave key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnclaveKeyError {
    /// The NSM failed.
    #[error("NSM: {0}")]
    Nsm(#[from] NsmError),
    /// The NSM's bytes never formed a valid secp256k1 scalar.
    #[error("no valid secp256k1 scalar in {attempts} draws from the NSM")]
    NoValidScalar {
        /// Draws made.
        attempts: usize,
    },
    /// A public key that is not an uncompressed secp256k1 point.
    #[error("not an uncompressed secp256k1 public key")]
    InvalidPublicKey,
}

/// The enclave's signing key. Not `Clone`, no accessor for the secret: it lives and dies here.
pub struct EnclaveKey {
    signing: SigningKey,
    public_key: [u8; 65],
    address: Address,
}

impl core::fmt::Debug for EnclaveKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EnclaveKey")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl EnclaveKey {
    /// A fresh key from the NSM's random source.
    ///
    /// # Errors
    /// The NSM fails, or (never in practice) yields no valid scalar.
    pub fn generate(nsm: &dyn Nsm) -> Result<EnclaveKey, EnclaveKeyError> {
        for _ in 0..MAX_KEY_ATTEMPTS {
            let bytes = nsm.random_bytes(32)?;
            if let Ok(signing) = SigningKey::from_slice(&bytes) {
                return Ok(EnclaveKey::from_signing_key(signing));
            }
        }
        Err(EnclaveKeyError::NoValidScalar {
            attempts: MAX_KEY_ATTEMPTS,
        })
    }

    fn from_signing_key(signing: SigningKey) -> EnclaveKey {
        let point = signing.verifying_key().to_sec1_point(false);
        let mut public_key = [0u8; 65];
        if let Some(bytes) = point.as_bytes().get(..65) {
            public_key.copy_from_slice(bytes);
        }
        let address = address_of_point(&public_key);
        EnclaveKey {
            signing,
            public_key,
            address,
        }
    }

    /// The Ethereum address of the key (what `ecrecover` returns).
    pub fn address(&self) -> Address {
        self.address
    }

    /// The uncompressed SEC1 public key (`04 ‖ x ‖ y`), the attestation's `public_key`.
    pub fn public_key(&self) -> &[u8; 65] {
        &self.public_key
    }

    /// The binding of this key to `operator` and a network configuration.
    pub fn binding(&self, operator: Address, network_config_hash: B256) -> UserData {
        UserData {
            enclave_key: self.address,
            operator,
            network_config_hash,
        }
    }

    /// Asks the NSM for an attestation document binding this key (`public_key`, `user_data` =
    /// the binding, optional `nonce`).
    ///
    /// # Errors
    /// The NSM fails or refuses the inputs.
    pub fn attest(
        &self,
        nsm: &dyn Nsm,
        operator: Address,
        network_config_hash: B256,
        nonce: Option<&[u8]>,
    ) -> Result<Vec<u8>, EnclaveKeyError> {
        let user_data = self.binding(operator, network_config_hash).encode();
        let request = AttestationRequest {
            public_key: Some(&self.public_key),
            user_data: Some(&user_data),
            nonce,
        };
        Ok(nsm.attestation_document(&request)?)
    }

    /// Signs a 32-byte digest; returns `r ‖ s ‖ v` with `v` ∈ {27, 28}, as `ecrecover` takes it.
    pub fn sign_digest(&self, digest: &B256) -> [u8; 65] {
        let (signature, recovery) = self.signing.sign_prehash_recoverable(digest.as_slice());
        let mut out = [0u8; 65];
        let (rs, v) = out.split_at_mut(64);
        rs.copy_from_slice(&signature.to_bytes());
        v.copy_from_slice(&[recovery.to_byte().saturating_add(27)]);
        out
    }
}

/// The Ethereum address of an uncompressed SEC1 secp256k1 public key (`keccak256(x ‖ y)[12..]`).
///
/// # Errors
/// [`EnclaveKeyError::InvalidPublicKey`] unless `public_key` is an uncompressed point on the curve.
pub fn address_of(public_key: &[u8]) -> Result<Address, EnclaveKeyError> {
    let point: &[u8; 65] = public_key
        .try_into()
        .map_err(|_| EnclaveKeyError::InvalidPublicKey)?;
    if point.first() != Some(&0x04) || VerifyingKey::from_sec1_bytes(point).is_err() {
        return Err(EnclaveKeyError::InvalidPublicKey);
    }
    Ok(address_of_point(point))
}

fn address_of_point(point: &[u8; 65]) -> Address {
    let hash = keccak256(point.get(1..).unwrap_or_default());
    Address::from_slice(hash.get(12..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nsm::simulated::{Clock, Seed, SimulatedNsm};
    use k256::ecdsa::{RecoveryId, Signature};

    fn nsm() -> SimulatedNsm {
        SimulatedNsm::from_seed(Seed([3; 32]), Clock::Fixed(1_708_930_921_439)).unwrap()
    }

    #[test]
    fn address_matches_a_known_vector() {
        // Private key 1: the generator point's address (a well-known Ethereum vector).
        let mut one = [0u8; 32];
        one[31] = 1;
        let key = EnclaveKey::from_signing_key(SigningKey::from_slice(&one).unwrap());
        assert_eq!(
            key.address().to_string().to_lowercase(),
            "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"
        );
        assert_eq!(address_of(key.public_key()), Ok(key.address()));
        assert_eq!(
            address_of(&key.public_key()[..64]),
            Err(EnclaveKeyError::InvalidPublicKey)
        );
    }

    #[test]
    fn generated_keys_differ_and_signatures_recover_to_the_address() {
        let nsm = nsm();
        let (a, b) = (
            EnclaveKey::generate(&nsm).unwrap(),
            EnclaveKey::generate(&nsm).unwrap(),
        );
        assert_ne!(a.address(), b.address());
        let digest = keccak256(b"message");
        let signature = a.sign_digest(&digest);
        let recovered = VerifyingKey::recover_from_prehash(
            digest.as_slice(),
            &Signature::from_slice(&signature[..64]).unwrap(),
            RecoveryId::from_byte(signature[64] - 27).unwrap(),
        )
        .unwrap();
        assert_eq!(
            address_of(recovered.to_sec1_point(false).as_bytes()),
            Ok(a.address())
        );
    }

    #[test]
    fn attestation_carries_the_key_and_binding() {
        let nsm = nsm();
        let key = EnclaveKey::generate(&nsm).unwrap();
        let operator = Address::repeat_byte(0x0F);
        let network = B256::repeat_byte(0x42);
        let document = key
            .attest(&nsm, operator, network, Some(b"challenge"))
            .unwrap();
        let binding = key.binding(operator, network).encode();
        let contains = |needle: &[u8]| document.windows(needle.len()).any(|w| w == needle);
        assert!(contains(key.public_key()));
        assert!(contains(&binding));
        assert!(contains(b"challenge"));
    }
}
