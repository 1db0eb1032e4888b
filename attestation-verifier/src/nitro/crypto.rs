//! P-384 ECDSA with SHA-384 behind one small trait, so the pure-Rust backend (always built; what
//! the enclave uses) and AWS-LC (feature `aws-lc`, fastest on hosts) can be swapped and measured.
//!
//! High-S signatures are valid in both backends: AWS's NSM emits them, and neither RustCrypto's
//! `p384` (`NORMALIZE_S = false`) nor AWS-LC enforces low-S on verification.

use crate::error::ProfileViolation;

/// A P-384 public key: an uncompressed SEC1 point (`04 ‖ x ‖ y`) known to be on the curve.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct P384PublicKey([u8; 97]);

impl core::fmt::Debug for P384PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "P384PublicKey(")?;
        for b in self.0.iter().take(9) {
            write!(f, "{b:02x}")?;
        }
        write!(f, "…)")
    }
}

impl P384PublicKey {
    /// Checks `bytes` is an uncompressed point on P-384 (not the identity) and keeps it.
    ///
    /// # Errors
    /// [`ProfileViolation::PointNotOnCurve`] for compressed, malformed or off-curve points.
    pub fn from_sec1_uncompressed(bytes: &[u8]) -> Result<Self, ProfileViolation> {
        let array: [u8; 97] = bytes
            .try_into()
            .map_err(|_| ProfileViolation::PointNotOnCurve)?;
        if array.first() != Some(&0x04) {
            return Err(ProfileViolation::PointNotOnCurve);
        }
        p384::PublicKey::from_sec1_bytes(&array).map_err(|_| ProfileViolation::PointNotOnCurve)?;
        Ok(P384PublicKey(array))
    }

    /// The SEC1 uncompressed encoding.
    pub const fn as_bytes(&self) -> &[u8; 97] {
        &self.0
    }
}

/// A raw ECDSA P-384 signature `r ‖ s`, 48 bytes each, big-endian.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EcdsaSignature(pub [u8; 96]);

impl core::fmt::Debug for EcdsaSignature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "EcdsaSignature(…)")
    }
}

/// ECDSA P-384 / SHA-384 verification: `true` iff `signature` is valid for `message` under `key`.
/// Implementations hash `message` with SHA-384 themselves and must accept high-S signatures.
pub trait P384Verifier {
    /// Verifies one signature.
    fn verify(&self, key: &P384PublicKey, message: &[u8], signature: &EcdsaSignature) -> bool;
}

/// RustCrypto `p384` (pure Rust, constant-time arithmetic).
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

impl P384Verifier for RustCrypto {
    fn verify(&self, key: &P384PublicKey, message: &[u8], signature: &EcdsaSignature) -> bool {
        use p384::ecdsa::signature::Verifier;
        let Ok(key) = p384::ecdsa::VerifyingKey::from_sec1_bytes(&key.0) else {
            return false;
        };
        let Ok(signature) = p384::ecdsa::Signature::from_slice(&signature.0) else {
            return false;
        };
        key.verify(message, &signature).is_ok()
    }
}

/// AWS-LC through `aws-lc-rs` (C and assembly): about four times faster than [`RustCrypto`].
#[cfg(feature = "aws-lc")]
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsLc;

#[cfg(feature = "aws-lc")]
impl P384Verifier for AwsLc {
    fn verify(&self, key: &P384PublicKey, message: &[u8], signature: &EcdsaSignature) -> bool {
        use aws_lc_rs::signature::{ECDSA_P384_SHA384_FIXED, UnparsedPublicKey};
        UnparsedPublicKey::new(&ECDSA_P384_SHA384_FIXED, &key.0[..])
            .verify(message, &signature.0)
            .is_ok()
    }
}

/// The backend [`crate::nitro::verify`] uses: AWS-LC when built with feature `aws-lc`, else RustCrypto.
#[cfg(feature = "aws-lc")]
pub type DefaultBackend = AwsLc;
/// The backend [`crate::nitro::verify`] uses: AWS-LC when built with feature `aws-lc`, else RustCrypto.
#[cfg(not(feature = "aws-lc"))]
pub type DefaultBackend = RustCrypto;
