//! Errors of the Nitro attestation verifier: one enum for the verdict ([`NitroError`]) and one per
//! byte-level parser ([`CborError`], [`DerError`]). Each variant names what failed and where
//! (field, certificate index, offset) so the Rust and Solidity verdicts can be compared.
//!
//! Certificate indices count the chain from the root: `0` is `cabundle[0]` (the trust anchor),
//! `i` is `cabundle[i]`, and `cabundle.len()` is the leaf (`certificate`).

use crate::time::{UnixMillis, UnixSeconds};

/// A malformed CBOR encoding. Offsets are from the start of the decoded input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CborError {
    /// The input ended inside an item.
    #[error("CBOR: input ends inside the item at offset {offset}")]
    UnexpectedEnd {
        /// Where the incomplete item or field starts.
        offset: usize,
    },
    /// Bytes follow the top-level item.
    #[error("CBOR: trailing bytes at offset {offset}")]
    TrailingBytes {
        /// First byte after the item.
        offset: usize,
    },
    /// Additional information 28–30 is reserved.
    #[error("CBOR: reserved additional information {info} at offset {offset}")]
    ReservedAdditionalInfo {
        /// Item offset.
        offset: usize,
        /// The low five bits of the initial byte.
        info: u8,
    },
    /// An integer or length uses more bytes than needed.
    #[error("CBOR: non-canonical (non-shortest) head at offset {offset}")]
    NonCanonicalHead {
        /// Item offset.
        offset: usize,
    },
    /// Indefinite length on a major type that has none (integers, tags), or on a string (chunked
    /// strings are rejected, see [`crate::nitro::cbor`]).
    #[error("CBOR: indefinite length not allowed for major type {major} at offset {offset}")]
    IndefiniteNotAllowed {
        /// Item offset.
        offset: usize,
        /// Major type.
        major: u8,
    },
    /// A break code (`0xff`) outside an indefinite-length item.
    #[error("CBOR: unexpected break at offset {offset}")]
    UnexpectedBreak {
        /// Offset of the break.
        offset: usize,
    },
    /// Nesting deeper than [`crate::nitro::cbor::MAX_DEPTH`].
    #[error("CBOR: nesting deeper than {max} at offset {offset}")]
    DepthExceeded {
        /// Item offset.
        offset: usize,
        /// The limit.
        max: usize,
    },
    /// An array or map with more than [`crate::nitro::cbor::MAX_ITEMS`] elements.
    #[error("CBOR: more than {max} elements in the collection at offset {offset}")]
    TooManyItems {
        /// Collection offset.
        offset: usize,
        /// The limit.
        max: usize,
    },
    /// A text string is not UTF-8.
    #[error("CBOR: invalid UTF-8 in the text string at offset {offset}")]
    InvalidUtf8 {
        /// Item offset.
        offset: usize,
    },
    /// A simple value other than false/true/null, or a float.
    #[error("CBOR: unsupported simple value or float (info {info}) at offset {offset}")]
    UnsupportedSimple {
        /// Item offset.
        offset: usize,
        /// Additional information.
        info: u8,
    },
    /// A map key appears twice.
    #[error("CBOR: duplicate map key at offset {offset}")]
    DuplicateKey {
        /// Offset of the second occurrence.
        offset: usize,
    },
}

/// A malformed DER encoding. Offsets are from the start of the certificate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DerError {
    /// The input ended inside an element.
    #[error("DER: input ends inside the element at offset {offset}")]
    UnexpectedEnd {
        /// Element offset.
        offset: usize,
    },
    /// Bytes remain after the last expected element.
    #[error("DER: trailing bytes at offset {offset}")]
    TrailingBytes {
        /// First unread byte.
        offset: usize,
    },
    /// Tag numbers above 30 (multi-byte tags) never occur in certificates.
    #[error("DER: multi-byte tag at offset {offset}")]
    HighTagNumber {
        /// Element offset.
        offset: usize,
    },
    /// BER indefinite length.
    #[error("DER: indefinite length at offset {offset}")]
    IndefiniteLength {
        /// Element offset.
        offset: usize,
    },
    /// A length in more octets than needed.
    #[error("DER: non-minimal length at offset {offset}")]
    NonMinimalLength {
        /// Element offset.
        offset: usize,
    },
    /// A length over [`crate::nitro::der::MAX_ELEMENT_LEN`].
    #[error("DER: element at offset {offset} longer than {max} bytes")]
    LengthTooLarge {
        /// Element offset.
        offset: usize,
        /// The limit.
        max: usize,
    },
    /// Another element was expected here.
    #[error("DER: expected tag {expected:#04x}, got {got:#04x} at offset {offset}")]
    UnexpectedTag {
        /// Element offset.
        offset: usize,
        /// Expected tag.
        expected: u8,
        /// Tag found.
        got: u8,
    },
    /// An INTEGER is empty or not minimally encoded.
    #[error("DER: invalid INTEGER at offset {offset}")]
    InvalidInteger {
        /// Element offset.
        offset: usize,
    },
    /// An INTEGER that must be positive is negative.
    #[error("DER: negative INTEGER at offset {offset}")]
    NegativeInteger {
        /// Element offset.
        offset: usize,
    },
    /// A BOOLEAN other than `0x00`/`0xff`.
    #[error("DER: invalid BOOLEAN at offset {offset}")]
    InvalidBoolean {
        /// Element offset.
        offset: usize,
    },
    /// A BIT STRING with unused bits where whole octets are required, or a malformed one.
    #[error("DER: invalid BIT STRING at offset {offset}")]
    InvalidBitString {
        /// Element offset.
        offset: usize,
    },
    /// A time that is not `YYMMDDHHMMSSZ` / `YYYYMMDDHHMMSSZ` or not a real date.
    #[error("DER: invalid time at offset {offset}")]
    InvalidTime {
        /// Element offset.
        offset: usize,
    },
    /// A DEFAULT value encoded explicitly (DER forbids it), e.g. `cA FALSE`.
    #[error("DER: DEFAULT value encoded at offset {offset}")]
    DefaultEncoded {
        /// Element offset.
        offset: usize,
    },
}

/// Why a certificate is outside the Nitro profile (parsed fine, but not what AWS issues).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileViolation {
    /// Not an X.509 v3 certificate.
    #[error("not an X.509 v3 certificate")]
    NotVersion3,
    /// Serial number longer than 20 octets (RFC 5280 §4.1.2.2).
    #[error("serial number longer than 20 bytes")]
    SerialTooLong,
    /// A signature algorithm other than ecdsa-with-SHA384 (in the TBS or outside it).
    #[error("signature algorithm is not ecdsa-with-SHA384")]
    SignatureAlgorithm,
    /// The outer signature algorithm differs from the TBS one (RFC 5280 §4.1.1.2).
    #[error("outer and TBS signature algorithms differ")]
    SignatureAlgorithmMismatch,
    /// A public key that is not id-ecPublicKey on secp384r1.
    #[error("public key is not an EC key on secp384r1 (P-384)")]
    KeyAlgorithm,
    /// A P-384 public key that is not an uncompressed point on the curve.
    #[error("public key is not an uncompressed point on P-384")]
    PointNotOnCurve,
    /// An extension appears twice (RFC 5280 §4.2).
    #[error("duplicate extension")]
    DuplicateExtension,
    /// More extensions than [`crate::nitro::x509::MAX_EXTENSIONS`].
    #[error("too many extensions")]
    TooManyExtensions,
    /// A critical extension this verifier does not process.
    #[error("unknown critical extension")]
    UnknownCriticalExtension,
    /// A signature value that is not a DER ECDSA-Sig-Value with 1..=48-byte r and s.
    #[error("malformed ECDSA signature value")]
    SignatureEncoding,
    /// Issuer or subject Name is empty.
    #[error("empty issuer or subject name")]
    EmptyName,
}

/// Every way a Nitro attestation document can fail verification.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NitroError {
    // ---- size and envelope (COSE_Sign1, RFC 9052 §4.2)
    /// The document is larger than [`crate::nitro::MAX_DOCUMENT_BYTES`].
    #[error("document is {len} bytes, more than the {max} byte limit")]
    DocumentTooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The COSE envelope is not valid CBOR.
    #[error("COSE envelope: {0}")]
    EnvelopeCbor(CborError),
    /// A tag other than COSE_Sign1's 18, or nested tags.
    #[error("COSE: unexpected CBOR tag {tag}, only 18 (COSE_Sign1) is allowed")]
    UnexpectedTag {
        /// Tag found.
        tag: u64,
    },
    /// The envelope is not a 4-element array.
    #[error("COSE: not a COSE_Sign1 array of 4 elements")]
    NotCoseSign1,
    /// The protected header is not exactly the bytes `A1 01 38 22` (`{1: -35}`, ES384).
    #[error("COSE: protected header is not exactly {{1: -35}} (ES384)")]
    ProtectedHeader,
    /// The unprotected header is not an empty map.
    #[error("COSE: unprotected header is not an empty map")]
    UnprotectedHeader,
    /// The payload is not a byte string.
    #[error("COSE: payload is not a byte string")]
    PayloadNotBytes,
    /// The signature is not a 96-byte string (raw r‖s, RFC 9053 §2.1).
    #[error("COSE: signature must be 96 bytes (r||s), got {len}")]
    SignatureLength {
        /// Length found (0 when not a byte string).
        len: usize,
    },
    /// The COSE signature does not verify under the leaf key.
    #[error("COSE: signature does not verify under the leaf certificate key")]
    CoseSignature,

    // ---- payload (AWS attestation document specification)
    /// The payload is not valid CBOR.
    #[error("payload: {0}")]
    PayloadCbor(CborError),
    /// The payload is not a map.
    #[error("payload is not a map")]
    PayloadNotMap,
    /// A payload key that is not a text string.
    #[error("payload has a non-text key")]
    NonTextKey,
    /// A key not in the AWS specification.
    #[error("payload has unknown field `{field}`")]
    UnknownField {
        /// The key (at most 64 bytes of it).
        field: String,
    },
    /// A mandatory field is absent.
    #[error("payload field `{field}` is missing")]
    MissingField {
        /// Field name.
        field: &'static str,
    },
    /// A field has the wrong CBOR type.
    #[error("payload field `{field}` has the wrong type: expected {expected}")]
    FieldType {
        /// Field name.
        field: &'static str,
        /// What the specification requires.
        expected: &'static str,
    },
    /// A byte/text field is outside its allowed length.
    #[error("payload field `{field}` is {len} bytes, allowed {min}..={max}")]
    FieldLength {
        /// Field name.
        field: &'static str,
        /// Length found.
        len: usize,
        /// Smallest allowed.
        min: usize,
        /// Largest allowed.
        max: usize,
    },
    /// `digest` is not "SHA384".
    #[error("payload digest is `{got}`, only SHA384 is accepted")]
    UnsupportedDigest {
        /// The value (at most 64 bytes of it).
        got: String,
    },
    /// `pcrs` holds 0 or more than 32 entries.
    #[error("payload has {count} PCRs, allowed 1..=32")]
    PcrCount {
        /// Entries found.
        count: usize,
    },
    /// A PCR index that is not an integer below 32.
    #[error("PCR index {index} is not below 32")]
    PcrIndex {
        /// Index found (`u64::MAX` for a non-integer key).
        index: u64,
    },
    /// A PCR value that is not 32, 48 or 64 bytes.
    #[error("PCR{index} is {len} bytes, allowed 32, 48 or 64")]
    PcrLength {
        /// PCR index.
        index: u8,
        /// Length found.
        len: usize,
    },
    /// `cabundle` is empty.
    #[error("payload cabundle is empty")]
    EmptyCabundle,
    /// `cabundle` is longer than [`crate::nitro::MAX_CABUNDLE_LEN`].
    #[error("payload cabundle has {len} certificates, at most {max} allowed")]
    CabundleTooLong {
        /// Length found.
        len: usize,
        /// The limit.
        max: usize,
    },

    // ---- certificates
    /// A certificate is not strict DER.
    #[error("certificate {index}: {source}")]
    CertificateDer {
        /// Certificate index (0 = root, cabundle length = leaf).
        index: usize,
        /// What is malformed.
        source: DerError,
    },
    /// A certificate is outside the Nitro profile.
    #[error("certificate {index}: {violation}")]
    CertificateProfile {
        /// Certificate index.
        index: usize,
        /// The rule broken.
        violation: ProfileViolation,
    },
    /// `cabundle[0]` is not byte-equal to the pinned trust anchor.
    #[error("cabundle[0] is not the pinned trust anchor")]
    TrustAnchorMismatch,
    /// The certificate's issuer Name is not its parent's subject Name (byte equality).
    #[error("certificate {index}: issuer is not the subject of certificate {parent}")]
    IssuerMismatch {
        /// Certificate index.
        index: usize,
        /// Parent index.
        parent: usize,
    },
    /// The certificate's signature does not verify under its parent's key (or the root's own key).
    #[error("certificate {index}: signature does not verify under the key of certificate {parent}")]
    CertSignature {
        /// Certificate index.
        index: usize,
        /// Signing certificate index.
        parent: usize,
    },
    /// Verification time is after `notAfter`.
    #[error("certificate {index}: expired at {not_after}, verification time {now}")]
    CertExpired {
        /// Certificate index.
        index: usize,
        /// End of validity.
        not_after: UnixSeconds,
        /// Verification time.
        now: UnixSeconds,
    },
    /// Verification time is before `notBefore`.
    #[error("certificate {index}: not valid before {not_before}, verification time {now}")]
    CertNotYetValid {
        /// Certificate index.
        index: usize,
        /// Start of validity.
        not_before: UnixSeconds,
        /// Verification time.
        now: UnixSeconds,
    },
    /// A CA certificate without basicConstraints `cA = TRUE`.
    #[error("certificate {index}: CA certificate without basicConstraints cA=TRUE")]
    NotCa {
        /// Certificate index.
        index: usize,
    },
    /// A CA's basicConstraints extension is not marked critical (RFC 5280 §4.2.1.9).
    #[error("certificate {index}: basicConstraints is not critical")]
    BasicConstraintsNotCritical {
        /// Certificate index.
        index: usize,
    },
    /// More CA certificates follow than the CA's pathLenConstraint allows.
    #[error("certificate {index}: pathLenConstraint {path_len} but {below} CA certificates follow")]
    PathLenExceeded {
        /// Certificate index.
        index: usize,
        /// The constraint.
        path_len: u64,
        /// Intermediate CAs below it in the chain.
        below: usize,
    },
    /// A CA without keyUsage keyCertSign.
    #[error("certificate {index}: CA without keyUsage keyCertSign")]
    MissingKeyCertSign {
        /// Certificate index.
        index: usize,
    },
    /// The leaf (`certificate`) is a CA.
    #[error("leaf certificate is a CA")]
    LeafIsCa,
    /// The leaf lacks keyUsage digitalSignature.
    #[error("leaf certificate without keyUsage digitalSignature")]
    LeafMissingDigitalSignature,
    /// The certificate's (issuer, serial) is on the revocation list.
    #[error("certificate {index}: revoked (serial 0x{serial_hex})", serial_hex = hex_lower(serial))]
    CertRevoked {
        /// Certificate index.
        index: usize,
        /// Serial number (magnitude bytes).
        serial: Vec<u8>,
    },

    // ---- freshness and policy (DESIGN.md §5.1 rules 6–7)
    /// `timestamp` is older than the allowed age.
    #[error("document timestamp {timestamp} is older than {max_age_secs}s at {now}")]
    DocumentTooOld {
        /// Document timestamp.
        timestamp: UnixMillis,
        /// Verification time.
        now: UnixSeconds,
        /// Policy.
        max_age_secs: u64,
    },
    /// `timestamp` is later than the verification time plus the allowed skew.
    #[error("document timestamp {timestamp} is in the future at {now} (skew {future_skew_secs}s)")]
    DocumentFromFuture {
        /// Document timestamp.
        timestamp: UnixMillis,
        /// Verification time.
        now: UnixSeconds,
        /// Policy.
        future_skew_secs: u64,
    },
    /// PCR0 is all zeros (debug-mode enclave) and the policy does not allow debug mode.
    #[error("PCR0 is all zeros (debug mode) and debug mode is not allowed")]
    DebugModeRejected,
    /// A PCR the policy pins is not in the document.
    #[error("PCR{index} is required by the policy but absent")]
    PcrMissing {
        /// PCR index.
        index: u8,
    },
    /// A PCR differs from the policy's expected value.
    #[error("PCR{index} does not match the policy")]
    PcrMismatch {
        /// PCR index.
        index: u8,
    },
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
