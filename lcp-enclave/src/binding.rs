//! The attestation binding: what the enclave puts in the NSM `user_data` so that a verifier of
//! the attestation document learns which enclave key, operator and network the measured code
//! serves (DESIGN.md §3).
//!
//! Layout, 73 bytes, fixed: `version (1) = 0x01 ‖ enclave key address (20) ‖ operator address (20)
//! ‖ keccak256(network config) (32)`.

use alloy_primitives::{Address, B256};

/// The only layout version defined so far.
pub const BINDING_VERSION: u8 = 1;
/// Encoded length of a version-1 binding.
pub const BINDING_LEN: usize = 1 + 20 + 20 + 32;

/// The decoded `user_data` of an LCP enclave's attestation document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AttestationBinding {
    /// Address of the enclave's secp256k1 signing key.
    pub enclave_key: Address,
    /// Address of the operator running the enclave.
    pub operator: Address,
    /// keccak256 of the network configuration the enclave was started with.
    pub network_config_hash: B256,
}

/// Why `user_data` is not a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// Wrong total length.
    #[error("binding is {got} bytes, expected {expected}")]
    Length {
        /// Bytes received.
        got: usize,
        /// Bytes a version-1 binding has.
        expected: usize,
    },
    /// Unknown version byte.
    #[error("binding version {0} is not supported")]
    Version(u8),
}

impl AttestationBinding {
    /// The 73-byte `user_data`.
    pub fn encode(&self) -> [u8; BINDING_LEN] {
        let mut out = [0u8; BINDING_LEN];
        let (version, rest) = out.split_at_mut(1);
        let (key, rest) = rest.split_at_mut(20);
        let (operator, hash) = rest.split_at_mut(20);
        version.copy_from_slice(&[BINDING_VERSION]);
        key.copy_from_slice(self.enclave_key.as_slice());
        operator.copy_from_slice(self.operator.as_slice());
        hash.copy_from_slice(self.network_config_hash.as_slice());
        out
    }

    /// Parses a `user_data` field.
    ///
    /// # Errors
    /// [`BindingError::Length`] unless exactly 73 bytes, [`BindingError::Version`] unless version 1.
    pub fn decode(bytes: &[u8]) -> Result<AttestationBinding, BindingError> {
        let fixed: &[u8; BINDING_LEN] = bytes.try_into().map_err(|_| BindingError::Length {
            got: bytes.len(),
            expected: BINDING_LEN,
        })?;
        let (version, rest) = fixed.split_at(1);
        let (key, rest) = rest.split_at(20);
        let (operator, hash) = rest.split_at(20);
        match version {
            [BINDING_VERSION] => Ok(AttestationBinding {
                enclave_key: Address::from_slice(key),
                operator: Address::from_slice(operator),
                network_config_hash: B256::from_slice(hash),
            }),
            [other] => Err(BindingError::Version(*other)),
            _ => Err(BindingError::Length {
                got: bytes.len(),
                expected: BINDING_LEN,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_layout() {
        let binding = AttestationBinding {
            enclave_key: Address::repeat_byte(0x11),
            operator: Address::repeat_byte(0x22),
            network_config_hash: B256::repeat_byte(0x33),
        };
        let bytes = binding.encode();
        assert_eq!(bytes[0], 1);
        assert_eq!(&bytes[1..21], &[0x11; 20]);
        assert_eq!(&bytes[21..41], &[0x22; 20]);
        assert_eq!(&bytes[41..], &[0x33; 32]);
        assert_eq!(AttestationBinding::decode(&bytes), Ok(binding));
    }

    #[test]
    fn rejects_other_versions_and_lengths() {
        let mut bytes = [0u8; BINDING_LEN];
        bytes[0] = 2;
        assert_eq!(
            AttestationBinding::decode(&bytes),
            Err(BindingError::Version(2))
        );
        assert_eq!(
            AttestationBinding::decode(&bytes[..72]),
            Err(BindingError::Length {
                got: 72,
                expected: 73
            })
        );
    }
}
