//! Every way a document can break a rule of DESIGN.md §5.1, one variant each, so negative test
//! cases are generated from a valid document rather than edited by hand.
//!
//! Certificate indices count along the chain as the verifier walks it: `0` is the root
//! (`cabundle[0]`), `1` regional, `2` zonal, `3` instance (`cabundle[3]`), `4` the leaf
//! (`certificate`).

/// Chain position of the root certificate.
pub const ROOT: usize = 0;
/// Chain position of the regional CA.
pub const REGIONAL: usize = 1;
/// Chain position of the zonal CA.
pub const ZONAL: usize = 2;
/// Chain position of the instance CA (last `cabundle` entry).
pub const INSTANCE: usize = 3;
/// Chain position of the leaf (the document's `certificate`).
pub const LEAF: usize = 4;
/// Number of certificates in an AWS-shaped chain (cabundle of 4 plus the leaf).
pub const CHAIN_LEN: usize = 5;

/// A top-level key of the attestation document payload (AWS attestation document specification).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PayloadField {
    /// `module_id` (text).
    ModuleId,
    /// `digest` (text, "SHA384").
    Digest,
    /// `timestamp` (uint, milliseconds).
    Timestamp,
    /// `pcrs` (map of index to bytes).
    Pcrs,
    /// `certificate` (the leaf, DER).
    Certificate,
    /// `cabundle` (array of DER, root first).
    Cabundle,
    /// `public_key` (bytes or null).
    PublicKey,
    /// `user_data` (bytes or null).
    UserData,
    /// `nonce` (bytes or null).
    Nonce,
}

impl PayloadField {
    /// All nine keys in the order AWS writes them.
    pub const ALL: [PayloadField; 9] = [
        PayloadField::ModuleId,
        PayloadField::Digest,
        PayloadField::Timestamp,
        PayloadField::Pcrs,
        PayloadField::Certificate,
        PayloadField::Cabundle,
        PayloadField::PublicKey,
        PayloadField::UserData,
        PayloadField::Nonce,
    ];

    /// The CBOR text key.
    pub const fn key(self) -> &'static str {
        match self {
            PayloadField::ModuleId => "module_id",
            PayloadField::Digest => "digest",
            PayloadField::Timestamp => "timestamp",
            PayloadField::Pcrs => "pcrs",
            PayloadField::Certificate => "certificate",
            PayloadField::Cabundle => "cabundle",
            PayloadField::PublicKey => "public_key",
            PayloadField::UserData => "user_data",
            PayloadField::Nonce => "nonce",
        }
    }

    /// Whether AWS may send `null` for this key.
    pub const fn is_optional(self) -> bool {
        matches!(
            self,
            PayloadField::PublicKey | PayloadField::UserData | PayloadField::Nonce
        )
    }
}

/// One broken rule. Applied by [`super::DocumentBuilder`]; a defect that cannot apply to the
/// position it names (e.g. a pathLen on the leaf) is refused with
/// [`super::SimError::DefectNotApplicable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Defect {
    // ---- certificates (rules 2 and 3) ----
    /// notAfter one hour before the document time.
    CertExpired {
        /// Chain position.
        index: usize,
    },
    /// notBefore one hour after the document time.
    CertNotYetValid {
        /// Chain position.
        index: usize,
    },
    /// A pathLenConstraint one smaller than the CAs below need (root 2, regional 1, zonal 0).
    WrongPathLen {
        /// Chain position (0, 1 or 2).
        index: usize,
    },
    /// basicConstraints present but not marked critical.
    BasicConstraintsNotCritical {
        /// Chain position.
        index: usize,
    },
    /// A CA whose keyUsage lacks keyCertSign.
    CaWithoutKeyCertSign {
        /// Chain position (0–3).
        index: usize,
    },
    /// The leaf's basicConstraints say CA:TRUE.
    LeafIsCa,
    /// The leaf's keyUsage lacks digitalSignature.
    LeafWithoutDigitalSignature,
    /// The certificate carries a P-256 key (the P-256 base point) instead of a P-384 key.
    WrongCurve {
        /// Chain position.
        index: usize,
    },
    /// The certificate's P-384 key has its last coordinate byte flipped: a point off the curve.
    PointNotOnCurve {
        /// Chain position.
        index: usize,
    },
    /// The basicConstraints critical flag is written as BOOLEAN `01` instead of DER's `FF`
    /// (BER-valid, DER-invalid, X.690 §11.1), and the certificate is signed over those bytes.
    NonDerBoolean {
        /// Chain position.
        index: usize,
    },
    /// The certificate is signed with ecdsa-with-SHA256 (OID and digest both), a valid signature.
    WrongSignatureAlgorithm {
        /// Chain position.
        index: usize,
    },
    /// One bit of the certificate's signature flipped (still well-formed DER).
    BadCertSignature {
        /// Chain position.
        index: usize,
    },
    /// The issuer name differs from the parent's subject (the signature is still the parent's).
    IssuerMismatch {
        /// Chain position (1–4).
        index: usize,
    },
    /// `cabundle` is an empty array.
    EmptyCabundle,
    /// `cabundle` starts at the regional CA (the root left out, as some tools do).
    RootOmitted,
    // ---- COSE_Sign1 (rule 4) ----
    /// One bit of the COSE signature flipped.
    BadCoseSignature,
    /// Protected header `{1: -7}` (ES256), signed as such.
    WrongProtectedHeader,
    /// Unprotected header `{4: h'00'}` (a kid).
    NonEmptyUnprotectedHeader,
    /// The signature truncated or zero-padded to this many bytes.
    SignatureLength {
        /// Length written.
        len: usize,
    },
    /// Trailing byte `00` after the COSE array.
    TrailingBytesAfterCose,
    // ---- payload (rule 5) ----
    /// The key is left out of the map.
    MissingField {
        /// Which key.
        field: PayloadField,
    },
    /// `digest` = "SHA256".
    WrongDigest,
    /// An empty `pcrs` map.
    NoPcrs,
    /// 33 PCRs (indices 0–32).
    TooManyPcrs,
    /// PCR index 32 instead of 15.
    PcrIndexOutOfRange,
    /// PCR index 0 twice.
    DuplicatePcrIndex,
    /// PCR 3 of 47 bytes.
    BadPcrLength,
    /// `module_id` written twice.
    DuplicatePayloadKey,
    /// `module_id`'s length written with a 4-byte head (valid CBOR, not the shortest form).
    NonCanonicalCborHead,
    /// Trailing byte `00` after the payload map inside the payload bstr.
    TrailingBytesAfterPayload,
    /// user_data of 513 bytes (NSM maximum 512).
    OversizeUserData,
    /// nonce of 513 bytes (NSM maximum 512).
    OversizeNonce,
    /// public_key of 1025 bytes (NSM maximum 1024).
    OversizePublicKey,
    // ---- time and policy (rules 6 and 7) ----
    /// PCR0, PCR1, PCR2 all zero, as in debug mode.
    DebugPcrs,
    /// `timestamp` this many seconds before the document time (certificates stay valid).
    StaleTimestamp {
        /// Age in seconds.
        age_secs: u64,
    },
    /// `timestamp` this many seconds after the document time.
    FutureTimestamp {
        /// Seconds ahead.
        ahead_secs: u64,
    },
    /// `timestamp` written in seconds instead of milliseconds.
    TimestampInSeconds,
}

impl Defect {
    /// Every defect at every position where it applies, with the parameters the corpus uses.
    pub fn catalogue() -> Vec<Defect> {
        let mut all = Vec::new();
        for index in 0..CHAIN_LEN {
            all.push(Defect::CertExpired { index });
            all.push(Defect::CertNotYetValid { index });
            all.push(Defect::BasicConstraintsNotCritical { index });
            all.push(Defect::WrongCurve { index });
            all.push(Defect::PointNotOnCurve { index });
            all.push(Defect::NonDerBoolean { index });
            all.push(Defect::WrongSignatureAlgorithm { index });
            all.push(Defect::BadCertSignature { index });
            if index < INSTANCE {
                all.push(Defect::WrongPathLen { index });
            }
            if index < LEAF {
                all.push(Defect::CaWithoutKeyCertSign { index });
            }
            if index > ROOT {
                all.push(Defect::IssuerMismatch { index });
            }
        }
        all.extend([
            Defect::LeafIsCa,
            Defect::LeafWithoutDigitalSignature,
            Defect::EmptyCabundle,
            Defect::RootOmitted,
            Defect::BadCoseSignature,
            Defect::WrongProtectedHeader,
            Defect::NonEmptyUnprotectedHeader,
            Defect::SignatureLength { len: 0 },
            Defect::SignatureLength { len: 64 },
            Defect::SignatureLength { len: 95 },
            Defect::SignatureLength { len: 97 },
            Defect::SignatureLength { len: 104 },
            Defect::TrailingBytesAfterCose,
        ]);
        for field in PayloadField::ALL {
            all.push(Defect::MissingField { field });
        }
        all.extend([
            Defect::WrongDigest,
            Defect::NoPcrs,
            Defect::TooManyPcrs,
            Defect::PcrIndexOutOfRange,
            Defect::DuplicatePcrIndex,
            Defect::BadPcrLength,
            Defect::DuplicatePayloadKey,
            Defect::NonCanonicalCborHead,
            Defect::TrailingBytesAfterPayload,
            Defect::OversizeUserData,
            Defect::OversizeNonce,
            Defect::OversizePublicKey,
            Defect::DebugPcrs,
            Defect::StaleTimestamp { age_secs: 86_400 },
            Defect::FutureTimestamp { ahead_secs: 3_600 },
            Defect::TimestampInSeconds,
        ]);
        all
    }

    /// A stable file-name-friendly name, e.g. `cert_expired_4`.
    pub fn slug(&self) -> String {
        match self {
            Defect::CertExpired { index } => format!("cert_expired_{index}"),
            Defect::CertNotYetValid { index } => format!("cert_not_yet_valid_{index}"),
            Defect::WrongPathLen { index } => format!("wrong_path_len_{index}"),
            Defect::BasicConstraintsNotCritical { index } => {
                format!("basic_constraints_not_critical_{index}")
            }
            Defect::CaWithoutKeyCertSign { index } => format!("ca_without_key_cert_sign_{index}"),
            Defect::LeafIsCa => "leaf_is_ca".to_owned(),
            Defect::LeafWithoutDigitalSignature => "leaf_without_digital_signature".to_owned(),
            Defect::WrongCurve { index } => format!("wrong_curve_{index}"),
            Defect::PointNotOnCurve { index } => format!("point_not_on_curve_{index}"),
            Defect::NonDerBoolean { index } => format!("non_der_boolean_{index}"),
            Defect::WrongSignatureAlgorithm { index } => {
                format!("wrong_signature_algorithm_{index}")
            }
            Defect::BadCertSignature { index } => format!("bad_cert_signature_{index}"),
            Defect::IssuerMismatch { index } => format!("issuer_mismatch_{index}"),
            Defect::EmptyCabundle => "empty_cabundle".to_owned(),
            Defect::RootOmitted => "root_omitted".to_owned(),
            Defect::BadCoseSignature => "bad_cose_signature".to_owned(),
            Defect::WrongProtectedHeader => "wrong_protected_header".to_owned(),
            Defect::NonEmptyUnprotectedHeader => "non_empty_unprotected_header".to_owned(),
            Defect::SignatureLength { len } => format!("signature_length_{len}"),
            Defect::TrailingBytesAfterCose => "trailing_bytes_after_cose".to_owned(),
            Defect::MissingField { field } => format!("missing_{}", field.key()),
            Defect::WrongDigest => "wrong_digest".to_owned(),
            Defect::NoPcrs => "no_pcrs".to_owned(),
            Defect::TooManyPcrs => "too_many_pcrs".to_owned(),
            Defect::PcrIndexOutOfRange => "pcr_index_out_of_range".to_owned(),
            Defect::DuplicatePcrIndex => "duplicate_pcr_index".to_owned(),
            Defect::BadPcrLength => "bad_pcr_length".to_owned(),
            Defect::DuplicatePayloadKey => "duplicate_payload_key".to_owned(),
            Defect::NonCanonicalCborHead => "non_canonical_cbor_head".to_owned(),
            Defect::TrailingBytesAfterPayload => "trailing_bytes_after_payload".to_owned(),
            Defect::OversizeUserData => "oversize_user_data".to_owned(),
            Defect::OversizeNonce => "oversize_nonce".to_owned(),
            Defect::OversizePublicKey => "oversize_public_key".to_owned(),
            Defect::DebugPcrs => "debug_pcrs".to_owned(),
            Defect::StaleTimestamp { age_secs } => format!("stale_timestamp_{age_secs}s"),
            Defect::FutureTimestamp { ahead_secs } => format!("future_timestamp_{ahead_secs}s"),
            Defect::TimestampInSeconds => "timestamp_in_seconds".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_slugs_are_unique() {
        let all = Defect::catalogue();
        let mut slugs: Vec<String> = all.iter().map(Defect::slug).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), all.len());
    }
}
