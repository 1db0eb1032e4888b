//! The light client's one error enum. Every spec `assert` has a variant that names the check and
//! carries the slot, period and fork it was made at, so a failed relay says exactly what was wrong.

use super::config::Fork;
use alloy_primitives::B256;

/// Which Merkle branch failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// `execution_branch` of a header (execution payload in the beacon block body).
    Execution,
    /// `current_sync_committee_branch` of a bootstrap.
    CurrentSyncCommittee,
    /// `next_sync_committee_branch` of an update.
    NextSyncCommittee,
    /// `finality_branch` of an update.
    Finality,
}

/// Which object failed to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    /// `LightClientBootstrap`.
    Bootstrap,
    /// `LightClientUpdate`.
    Update,
    /// `LightClientFinalityUpdate`.
    FinalityUpdate,
    /// `LightClientOptimisticUpdate`.
    OptimisticUpdate,
    /// `LightClientStore` (canonical encoding).
    Store,
}

/// Everything that can go wrong in the light client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LightClientError {
    /// The fork table is not ordered from phase 0 with non-decreasing epochs.
    #[error("invalid fork schedule at {fork}")]
    InvalidForkSchedule {
        /// First offending fork.
        fork: Fork,
    },
    /// A `config.yaml` key is missing or malformed.
    #[error("config: key {key} missing or malformed")]
    Config {
        /// The key.
        key: &'static str,
    },
    /// The object needs a fork without light-client data (phase 0) or one the table lacks.
    #[error("{object:?}: no light-client data for fork {fork}")]
    UnsupportedFork {
        /// What was being decoded or processed.
        object: Object,
        /// The fork.
        fork: Fork,
    },
    /// The object's containers are not the store's (upgrade it with `upgrade_lc_*` first), or a
    /// header/update inside a store does not have the store's layout.
    #[error(
        "{object:?} has the containers of {object_fork}, the store needs those of {store_fork}"
    )]
    LayoutMismatch {
        /// What.
        object: Object,
        /// Fork whose containers the object has.
        object_fork: Fork,
        /// The store's fork.
        store_fork: Fork,
    },
    /// SSZ bytes did not decode as the fork's type.
    #[error("{object:?} ({fork}): invalid SSZ: {reason}")]
    Ssz {
        /// What was being decoded.
        object: Object,
        /// The fork type used.
        fork: Fork,
        /// The decoder's description (from `ssz::DecodeError`, a fixed enum).
        reason: SszReason,
    },
    /// Input is longer than the largest valid encoding of the type.
    #[error("{object:?}: {len} bytes exceeds the bound {max}")]
    TooLarge {
        /// What was being decoded.
        object: Object,
        /// Input length.
        len: usize,
        /// Upper bound.
        max: usize,
    },
    /// A 4-byte fork digest matched no fork of the network.
    #[error("unknown fork digest 0x{}", hex::encode(digest))]
    UnknownForkDigest {
        /// The digest.
        digest: [u8; 4],
    },
    /// JSON input did not have the expected shape.
    #[error("{object:?}: JSON field `{field}` missing or malformed")]
    Json {
        /// What was being decoded.
        object: Object,
        /// The field path.
        field: &'static str,
    },
    /// A Beacon-API `version` names no known fork.
    #[error("unknown fork name in `version`")]
    UnknownForkName,
    /// The object's fork is newer than the store's: upgrade the store first.
    #[error("{object:?} of fork {object_fork} is newer than the store's fork {store_fork}")]
    NewerThanStore {
        /// What.
        object: Object,
        /// Its fork.
        object_fork: Fork,
        /// The store's fork.
        store_fork: Fork,
    },
    /// A store upgrade to an older fork was requested.
    #[error("cannot downgrade store from {from} to {to}")]
    StoreDowngrade {
        /// Current store fork.
        from: Fork,
        /// Requested fork.
        to: Fork,
    },
    /// `is_valid_light_client_header` failed.
    #[error("invalid light client header at slot {slot} ({fork}): {check}")]
    InvalidHeader {
        /// `header.beacon.slot`.
        slot: u64,
        /// Fork of the header's epoch.
        fork: Fork,
        /// Which rule failed.
        check: HeaderCheck,
    },
    /// Bootstrap: `hash_tree_root(bootstrap.header.beacon) == trusted_block_root`.
    #[error("bootstrap header root {got} does not match the trusted block root {expected}")]
    BootstrapRootMismatch {
        /// Root of the bootstrap header.
        got: B256,
        /// Trusted root.
        expected: B256,
    },
    /// A Merkle branch did not verify.
    #[error("invalid {branch:?} branch at slot {slot} (period {period}, {fork})")]
    InvalidBranch {
        /// Which branch.
        branch: Branch,
        /// Slot of the header the branch is rooted in.
        slot: u64,
        /// Its sync-committee period.
        period: u64,
        /// Its fork.
        fork: Fork,
    },
    /// `sum(sync_committee_bits) >= MIN_SYNC_COMMITTEE_PARTICIPANTS`.
    #[error(
        "sync aggregate at signature slot {signature_slot} has {participants} participants, fewer than {min}"
    )]
    InsufficientParticipants {
        /// Signature slot.
        signature_slot: u64,
        /// Set bits.
        participants: u64,
        /// Required.
        min: u64,
    },
    /// `current_slot >= signature_slot > attested_header.beacon.slot >= finalized_header.beacon.slot`.
    #[error(
        "slot order violated: current {current_slot}, signature {signature_slot}, attested {attested_slot}, finalized {finalized_slot}"
    )]
    InvalidSlotOrder {
        /// Current slot.
        current_slot: u64,
        /// Signature slot.
        signature_slot: u64,
        /// Attested header slot.
        attested_slot: u64,
        /// Finalized header slot.
        finalized_slot: u64,
    },
    /// The signature period is neither the store's period nor (with a known next committee) the next.
    #[error(
        "update signed in period {signature_period}, store is at period {store_period} (next committee known: {next_known})"
    )]
    UnverifiablePeriod {
        /// Period of `signature_slot`.
        signature_period: u64,
        /// Period of the store's finalized header.
        store_period: u64,
        /// Whether the store knows the next sync committee.
        next_known: bool,
    },
    /// The update has nothing new (no newer attested header, no new sync committee).
    #[error(
        "irrelevant update: attested slot {attested_slot} (period {attested_period}) adds nothing over the store at slot {store_slot}"
    )]
    IrrelevantUpdate {
        /// Attested slot.
        attested_slot: u64,
        /// Its period.
        attested_period: u64,
        /// Store finalized slot.
        store_slot: u64,
    },
    /// Finality branch present-but-empty rules violated (empty finalized header with non-zero
    /// branch, or genesis finalized root with a non-empty header).
    #[error("finalized header at attested slot {attested_slot}: {check}")]
    InvalidFinalizedHeader {
        /// Attested slot.
        attested_slot: u64,
        /// Which rule failed.
        check: FinalityCheck,
    },
    /// The next-sync-committee branch is all-zero but the committee is not empty.
    #[error("update at attested slot {attested_slot}: next sync committee without branch")]
    NextSyncCommitteeWithoutBranch {
        /// Attested slot.
        attested_slot: u64,
    },
    /// `update.next_sync_committee == store.next_sync_committee` when attested in the store's period
    /// with the next committee known.
    #[error(
        "update at attested slot {attested_slot} (period {period}) carries a next sync committee different from the known one"
    )]
    NextSyncCommitteeMismatch {
        /// Attested slot.
        attested_slot: u64,
        /// Period.
        period: u64,
    },
    /// A sync-committee public key is not a valid G1 point (or is the point at infinity).
    #[error("sync committee public key {index} is invalid")]
    InvalidPublicKey {
        /// Index in the committee.
        index: usize,
    },
    /// The aggregate signature bytes are not a valid G2 point.
    #[error("sync aggregate signature at signature slot {signature_slot} is not a valid G2 point")]
    InvalidSignatureEncoding {
        /// Signature slot.
        signature_slot: u64,
    },
    /// `bls.FastAggregateVerify` failed.
    #[error(
        "sync committee signature invalid at signature slot {signature_slot} (period {period}, fork {fork})"
    )]
    InvalidSignature {
        /// Signature slot.
        signature_slot: u64,
        /// Its period.
        period: u64,
        /// Fork whose version went into the domain.
        fork: Fork,
    },
    /// `apply_light_client_update`: with the next committee unknown, the finalized header must be
    /// in the store's period.
    #[error(
        "update finalized in period {finalized_period}, store period {store_period}, next committee unknown"
    )]
    FinalizedPeriodMismatch {
        /// Period of the update's finalized header.
        finalized_period: u64,
        /// Store period.
        store_period: u64,
    },
    /// An arithmetic bound was exceeded (slots near `u64::MAX`).
    #[error("arithmetic overflow computing {what}")]
    Overflow {
        /// What was computed.
        what: &'static str,
    },
    /// STRICTER (bridge policy): the update has no finality proof.
    #[error("bridge policy: update at attested slot {attested_slot} carries no finality proof")]
    FinalityRequired {
        /// Attested slot.
        attested_slot: u64,
    },
    /// STRICTER (bridge policy): participation below the configured threshold.
    #[error(
        "bridge policy: {participants} of {committee_size} participants at signature slot {signature_slot}, need {required}"
    )]
    BelowParticipationThreshold {
        /// Signature slot.
        signature_slot: u64,
        /// Participants.
        participants: u64,
        /// Required.
        required: u64,
        /// `SYNC_COMMITTEE_SIZE`.
        committee_size: u64,
    },
}

/// Reason an SSZ decode failed (a copy of `ssz::DecodeError` without its free-text variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SszReason {
    /// Wrong length for a fixed-size type.
    InvalidByteLength {
        /// Given length.
        len: usize,
        /// Expected length.
        expected: usize,
    },
    /// A length prefix / offset is out of bounds or non-canonical.
    InvalidOffset,
    /// A list is longer than its bound.
    ListTooLong,
    /// A bitfield has set bits beyond its length, or another value is out of range.
    InvalidValue,
}

impl core::fmt::Display for SszReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SszReason::InvalidByteLength { len, expected } => {
                write!(f, "length {len}, expected {expected}")
            }
            SszReason::InvalidOffset => f.write_str("invalid offset"),
            SszReason::ListTooLong => f.write_str("list too long"),
            SszReason::InvalidValue => f.write_str("invalid value"),
        }
    }
}

impl From<ssz::DecodeError> for SszReason {
    fn from(e: ssz::DecodeError) -> Self {
        match e {
            ssz::DecodeError::InvalidByteLength { len, expected } => {
                SszReason::InvalidByteLength { len, expected }
            }
            ssz::DecodeError::InvalidLengthPrefix { len, expected } => {
                SszReason::InvalidByteLength { len, expected }
            }
            ssz::DecodeError::OutOfBoundsByte { .. }
            | ssz::DecodeError::OffsetIntoFixedPortion(_)
            | ssz::DecodeError::OffsetSkipsVariableBytes(_)
            | ssz::DecodeError::OffsetsAreDecreasing(_)
            | ssz::DecodeError::OffsetOutOfBounds(_)
            | ssz::DecodeError::InvalidListFixedBytesLen(_)
            | ssz::DecodeError::ZeroLengthItem => SszReason::InvalidOffset,
            ssz::DecodeError::BytesInvalid(_) => SszReason::ListTooLong,
            _ => SszReason::InvalidValue,
        }
    }
}

/// Which `is_valid_light_client_header` rule failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderCheck {
    /// Pre-Capella header with non-empty execution data.
    ExecutionNotEmptyBeforeCapella,
    /// Pre-Deneb header with non-zero `blob_gas_used` / `excess_blob_gas`.
    BlobFieldsBeforeDeneb,
    /// The execution branch does not prove the execution data in `body_root`.
    ExecutionBranch,
    /// The header's slot is in a fork the header's type cannot represent.
    ForkTooNew,
}

impl core::fmt::Display for HeaderCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            HeaderCheck::ExecutionNotEmptyBeforeCapella => "execution data before Capella",
            HeaderCheck::BlobFieldsBeforeDeneb => "blob gas fields non-zero before Deneb",
            HeaderCheck::ExecutionBranch => "execution branch invalid",
            HeaderCheck::ForkTooNew => "header type older than the header's fork",
        })
    }
}

/// Which finality rule of `validate_light_client_update` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalityCheck {
    /// The finality branch is all-zero (no finality) but the finalized header is not empty.
    HeaderWithoutBranch,
    /// Finalized root is the genesis (zero) root but the header is not empty.
    GenesisRootWithNonEmptyHeader,
}

impl core::fmt::Display for FinalityCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            FinalityCheck::HeaderWithoutBranch => "finalized header without finality branch",
            FinalityCheck::GenesisRootWithNonEmptyHeader => {
                "genesis finalized root with non-empty header"
            }
        })
    }
}
