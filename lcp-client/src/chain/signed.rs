//! A message with the signature list `LCPClient` takes: one or more 65-byte `r ‖ s ‖ v`
//! signatures concatenated in strictly ascending signer-address order.

use super::error::ChainError;
use alloy_primitives::{Address, Bytes};
use attestation_verifier::message::signing_digest;
use attestation_verifier::message::verify::{SIGNATURE_LEN, recover_signer};
use lcp_enclave::service::protocol::SignedMessage;

/// A message and its concatenated signatures, ready for `LCPClient`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// `header ‖ abi.encode(body)`.
    pub message: Bytes,
    /// Signatures in ascending signer order, 65 bytes each.
    pub signatures: Bytes,
}

impl Signed {
    /// Combines the signatures of several enclaves over the SAME message (M-of-N threshold):
    /// recovers each signer with the contract's rules, sorts ascending, concatenates.
    ///
    /// # Errors
    /// [`ChainError::Empty`], [`ChainError::DifferentMessages`], [`ChainError::BadSignature`],
    /// [`ChainError::DuplicateSigner`].
    pub fn combine(parts: &[SignedMessage]) -> Result<Signed, ChainError> {
        let first = parts.first().ok_or(ChainError::Empty {
            what: "signed messages",
        })?;
        let digest = signing_digest(&first.message);
        let mut signed: Vec<(Address, &[u8])> = Vec::with_capacity(parts.len());
        for (index, part) in parts.iter().enumerate() {
            if part.message != first.message {
                return Err(ChainError::DifferentMessages { index });
            }
            let signature: &[u8; SIGNATURE_LEN] =
                part.signature
                    .as_ref()
                    .try_into()
                    .map_err(|_| ChainError::BadSignature {
                        index,
                        source: attestation_verifier::message::Error::SignatureListLength {
                            len: part.signature.len(),
                        },
                    })?;
            let signer = recover_signer(digest, signature, index)
                .map_err(|source| ChainError::BadSignature { index, source })?;
            signed.push((signer, part.signature.as_ref()));
        }
        signed.sort_by_key(|(signer, _)| *signer);
        if let Some((signer, _)) = signed
            .windows(2)
            .filter_map(|w| w.first().zip(w.get(1)))
            .find(|(a, b)| a.0 == b.0)
        {
            return Err(ChainError::DuplicateSigner { signer: signer.0 });
        }
        let signatures: Vec<u8> = signed.iter().flat_map(|(_, s)| s.iter().copied()).collect();
        Ok(Signed {
            message: first.message.clone(),
            signatures: Bytes::from(signatures),
        })
    }
}

impl From<&SignedMessage> for Signed {
    fn from(one: &SignedMessage) -> Signed {
        Signed {
            message: one.message.clone(),
            signatures: one.signature.clone(),
        }
    }
}

impl From<SignedMessage> for Signed {
    fn from(one: SignedMessage) -> Signed {
        Signed {
            message: one.message,
            signatures: one.signature,
        }
    }
}

impl From<&Signed> for Signed {
    fn from(signed: &Signed) -> Signed {
        signed.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;
    use k256::ecdsa::SigningKey;

    fn sign(seed: &[u8], message: &[u8]) -> SignedMessage {
        let key = SigningKey::from_slice(keccak256(seed).as_slice()).unwrap();
        let signature =
            attestation_verifier::message::sign::sign_digest(&key, signing_digest(message))
                .unwrap();
        SignedMessage {
            message: Bytes::copy_from_slice(message),
            signature: Bytes::copy_from_slice(&signature),
        }
    }

    #[test]
    fn combine_sorts_by_signer_and_refuses_mixtures() {
        let message = b"a message".as_slice();
        let parts: Vec<SignedMessage> = [b"k1".as_slice(), b"k2", b"k3"]
            .iter()
            .map(|seed| sign(seed, message))
            .collect();
        let combined = Signed::combine(&parts).unwrap();
        assert_eq!(combined.signatures.len(), 3 * SIGNATURE_LEN);
        let digest = signing_digest(message);
        let signers: Vec<Address> = combined
            .signatures
            .chunks(SIGNATURE_LEN)
            .enumerate()
            .map(|(i, s)| recover_signer(digest, s.try_into().unwrap(), i).unwrap())
            .collect();
        assert!(signers.windows(2).all(|w| w[0] < w[1]));

        let mut mixed = parts.clone();
        mixed.push(sign(b"k4", b"another message"));
        assert!(matches!(
            Signed::combine(&mixed),
            Err(ChainError::DifferentMessages { index: 3 })
        ));
        let twice = vec![parts[0].clone(), parts[0].clone()];
        assert!(matches!(
            Signed::combine(&twice),
            Err(ChainError::DuplicateSigner { .. })
        ));
        assert!(matches!(
            Signed::combine(&[]),
            Err(ChainError::Empty { .. })
        ));
    }
}
