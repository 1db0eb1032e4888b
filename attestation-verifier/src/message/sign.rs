//! Signing a message digest with an enclave key: the enclave's side of [`super::verify`].

use alloy_primitives::B256;
use k256::ecdsa::SigningKey;

use super::Error;
use super::verify::SIGNATURE_LEN;

/// Signs `digest` (RFC 6979 deterministic nonce) and returns `r ‖ s ‖ v` with low `s` and
/// `v = 27 + y-parity`, the form [`super::verify::recover_signer`] and `LCPClient` accept.
///
/// # Errors
/// [`Error::InvalidSignature`] (index 0) in the negligible case the signer produced a signature whose
/// recovery id needs the reduced-x form, which Ethereum's `v` cannot express.
pub fn sign_digest(key: &SigningKey, digest: B256) -> Result<[u8; SIGNATURE_LEN], Error> {
    // k256 normalises s (secp256k1 `NORMALIZE_S`) and adjusts the recovery id with it.
    let (signature, recovery) = key.sign_prehash_recoverable(digest.as_slice());
    if recovery.is_x_reduced() {
        return Err(Error::InvalidSignature { index: 0 });
    }
    let v = if recovery.is_y_odd() { 28 } else { 27 };
    let mut out = [0u8; SIGNATURE_LEN];
    for (dst, src) in out
        .iter_mut()
        .zip(signature.to_bytes().iter().chain(core::iter::once(&v)))
    {
        *dst = *src;
    }
    Ok(out)
}
