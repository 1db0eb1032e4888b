//! Deterministic key and byte derivation from a 32-byte seed.
//!
//! Every key, serial number and identifier of the simulated PKI is `SHA-384(domain ‖ seed ‖ label ‖
//! counter)`, so a seed reproduces a fixture byte for byte, and ECDSA signatures are deterministic
//! too (RFC 6979 in `p384`). A random NSM is simply one whose seed came from the OS.

use super::SimError;
use p384::ecdsa::SigningKey;
use sha2::{Digest, Sha384};

/// Domain separation for every derivation (bump the version if the derivation ever changes, so old
/// fixtures are not silently regenerated differently under the same name).
const DOMAIN: &[u8] = b"lcp-nitro/simulated-nsm/v1";

/// A bound on re-derivation attempts for a scalar: a SHA-384 output is ≥ n with probability
/// about 2^-189, so a second attempt is already astronomically unlikely.
const MAX_KEY_ATTEMPTS: u64 = 16;

/// The seed every simulated value is derived from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Seed(pub [u8; 32]);

impl core::fmt::Debug for Seed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Seed(..)")
    }
}

impl Seed {
    /// A seed from the operating system's randomness.
    ///
    /// # Errors
    /// [`SimError::Random`] if the OS refuses.
    pub fn random() -> Result<Seed, SimError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| SimError::Random)?;
        Ok(Seed(bytes))
    }

    /// A seed written as 64 hex digits, with or without `0x` (the `--sim-seed` argument).
    ///
    /// # Errors
    /// [`SimError::SeedFormat`] unless exactly 32 bytes of hex.
    pub fn from_hex(text: &str) -> Result<Seed, SimError> {
        let digits = text.strip_prefix("0x").unwrap_or(text);
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| SimError::SeedFormat {
            digits: digits.len(),
        })?;
        Ok(Seed(bytes))
    }

    /// 48 derived bytes for `(label, counter)`.
    pub fn derive(&self, label: &str, counter: u64) -> [u8; 48] {
        let mut hasher = Sha384::new();
        hasher.update(DOMAIN);
        hasher.update(self.0);
        hasher.update(u64::try_from(label.len()).unwrap_or(u64::MAX).to_be_bytes());
        hasher.update(label.as_bytes());
        hasher.update(counter.to_be_bytes());
        hasher.finalize().into()
    }

    /// `len` derived bytes for `label` (counter-mode expansion of [`Seed::derive`]).
    pub fn bytes(&self, label: &str, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        let mut counter = 0u64;
        while out.len() < len {
            let block = self.derive(label, counter);
            let take = len.saturating_sub(out.len()).min(block.len());
            out.extend_from_slice(block.get(..take).unwrap_or_default());
            counter = counter.saturating_add(1);
        }
        out
    }

    /// A P-384 signing key for `label`.
    ///
    /// # Errors
    /// [`SimError::KeyDerivation`] if no attempt yields a valid scalar (never in practice).
    pub fn p384_key(&self, label: &str) -> Result<SigningKey, SimError> {
        (0..MAX_KEY_ATTEMPTS)
            .find_map(|attempt| SigningKey::from_slice(&self.derive(label, attempt)).ok())
            .ok_or(SimError::KeyDerivation)
    }

    /// `len` bytes rendered as lowercase hex (identifiers such as instance ids).
    pub fn hex(&self, label: &str, len: usize) -> String {
        hex_lower(&self.bytes(label, len))
    }
}

/// Lowercase hex without prefix.
pub fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0F] {
            let digit = DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
            out.push(char::from(digit));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivation_is_deterministic_and_label_separated() {
        let seed = Seed([7; 32]);
        assert_eq!(seed.derive("a", 0), seed.derive("a", 0));
        assert_ne!(seed.derive("a", 0), seed.derive("b", 0));
        assert_ne!(seed.derive("a", 0), seed.derive("a", 1));
        assert_eq!(seed.bytes("x", 100).len(), 100);
        assert_eq!(&seed.bytes("x", 100)[..48], &seed.derive("x", 0)[..]);
        assert_eq!(
            seed.p384_key("root").unwrap().to_bytes(),
            seed.p384_key("root").unwrap().to_bytes()
        );
        assert_eq!(hex_lower(&[0x0A, 0xFF]), "0aff");
    }

    #[test]
    fn seeds_parse_from_32_bytes_of_hex_only() {
        let text = "0x".to_owned() + &"ab".repeat(32);
        assert_eq!(Seed::from_hex(&text), Ok(Seed([0xAB; 32])));
        assert_eq!(Seed::from_hex(&text[2..]), Ok(Seed([0xAB; 32])));
        assert_eq!(
            Seed::from_hex("0x12"),
            Err(SimError::SeedFormat { digits: 2 })
        );
        assert_eq!(
            Seed::from_hex(&"zz".repeat(32)),
            Err(SimError::SeedFormat { digits: 64 })
        );
    }
}
