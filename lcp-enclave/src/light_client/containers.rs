//! Light-client containers.
//!
//! Two levels: the *wire* structs (one per [`LcLayout`], SSZ-derived, exactly the spec's
//! containers) and the *unified* structs the sync protocol works on ([`LightClientHeader`],
//! [`LightClientUpdate`], …), which carry their layout and keep branches as vectors whose length the
//! layout fixes. Conversions between the two are total in one direction (wire → unified) and
//! checked in the other (the layout must match).

use super::config::{LcLayout, Preset};
use super::merkle::floorlog2;
use alloy_primitives::{Address, B256, FixedBytes, U256};
use ssz_derive::{Decode, Encode};
use ssz_types::typenum::{U4, U5, U6, U7, U9, U11, U32, Unsigned};
use ssz_types::{BitVector, FixedVector, VariableList};
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

/// A BLS12-381 public key, compressed G1 (48 bytes).
pub type BlsPublicKeyBytes = FixedBytes<48>;
/// A BLS12-381 signature, compressed G2 (96 bytes).
pub type BlsSignatureBytes = FixedBytes<96>;

/// `BeaconBlockHeader` (phase 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Encode, Decode, TreeHash)]
pub struct BeaconBlockHeader {
    /// Slot.
    pub slot: u64,
    /// Proposer index.
    pub proposer_index: u64,
    /// Parent block root.
    pub parent_root: B256,
    /// Post-state root.
    pub state_root: B256,
    /// `hash_tree_root(BeaconBlockBody)`.
    pub body_root: B256,
}

/// `ExecutionPayloadHeader` (Capella).
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode, TreeHash)]
pub struct ExecutionPayloadHeaderCapella {
    /// Parent execution block hash.
    pub parent_hash: B256,
    /// Fee recipient.
    pub fee_recipient: Address,
    /// Execution state root.
    pub state_root: B256,
    /// Receipts root.
    pub receipts_root: B256,
    /// Logs bloom (`ByteVector[256]`).
    pub logs_bloom: FixedBytes<256>,
    /// `prev_randao`.
    pub prev_randao: B256,
    /// Execution block number.
    pub block_number: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Timestamp (seconds).
    pub timestamp: u64,
    /// Extra data (`ByteList[MAX_EXTRA_DATA_BYTES = 32]`).
    pub extra_data: VariableList<u8, U32>,
    /// Base fee per gas (uint256).
    pub base_fee_per_gas: U256,
    /// Execution block hash.
    pub block_hash: B256,
    /// Transactions root.
    pub transactions_root: B256,
    /// Withdrawals root.
    pub withdrawals_root: B256,
}

/// `ExecutionPayloadHeader` (Deneb through Fulu).
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode, Decode, TreeHash)]
pub struct ExecutionPayloadHeaderDeneb {
    /// Parent execution block hash.
    pub parent_hash: B256,
    /// Fee recipient.
    pub fee_recipient: Address,
    /// Execution state root.
    pub state_root: B256,
    /// Receipts root.
    pub receipts_root: B256,
    /// Logs bloom.
    pub logs_bloom: FixedBytes<256>,
    /// `prev_randao`.
    pub prev_randao: B256,
    /// Execution block number.
    pub block_number: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Timestamp (seconds).
    pub timestamp: u64,
    /// Extra data.
    pub extra_data: VariableList<u8, U32>,
    /// Base fee per gas.
    pub base_fee_per_gas: U256,
    /// Execution block hash.
    pub block_hash: B256,
    /// Transactions root.
    pub transactions_root: B256,
    /// Withdrawals root.
    pub withdrawals_root: B256,
    /// Blob gas used (Deneb).
    pub blob_gas_used: u64,
    /// Excess blob gas (Deneb).
    pub excess_blob_gas: u64,
}

impl ExecutionPayloadHeaderCapella {
    /// The Deneb form with zero blob fields (`upgrade_lc_header_to_deneb`).
    pub fn to_deneb(&self) -> ExecutionPayloadHeaderDeneb {
        ExecutionPayloadHeaderDeneb {
            parent_hash: self.parent_hash,
            fee_recipient: self.fee_recipient,
            state_root: self.state_root,
            receipts_root: self.receipts_root,
            logs_bloom: self.logs_bloom,
            prev_randao: self.prev_randao,
            block_number: self.block_number,
            gas_limit: self.gas_limit,
            gas_used: self.gas_used,
            timestamp: self.timestamp,
            extra_data: self.extra_data.clone(),
            base_fee_per_gas: self.base_fee_per_gas,
            block_hash: self.block_hash,
            transactions_root: self.transactions_root,
            withdrawals_root: self.withdrawals_root,
            blob_gas_used: 0,
            excess_blob_gas: 0,
        }
    }
}

impl ExecutionPayloadHeaderDeneb {
    /// The Capella fields of this header (drops the blob fields).
    pub fn to_capella(&self) -> ExecutionPayloadHeaderCapella {
        ExecutionPayloadHeaderCapella {
            parent_hash: self.parent_hash,
            fee_recipient: self.fee_recipient,
            state_root: self.state_root,
            receipts_root: self.receipts_root,
            logs_bloom: self.logs_bloom,
            prev_randao: self.prev_randao,
            block_number: self.block_number,
            gas_limit: self.gas_limit,
            gas_used: self.gas_used,
            timestamp: self.timestamp,
            extra_data: self.extra_data.clone(),
            base_fee_per_gas: self.base_fee_per_gas,
            block_hash: self.block_hash,
            transactions_root: self.transactions_root,
            withdrawals_root: self.withdrawals_root,
        }
    }
}

/// `SyncCommittee`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct SyncCommittee<P: Preset> {
    /// Member public keys (`SYNC_COMMITTEE_SIZE`).
    pub pubkeys: FixedVector<BlsPublicKeyBytes, P::SyncCommitteeSize>,
    /// Aggregate of all member keys.
    pub aggregate_pubkey: BlsPublicKeyBytes,
}

impl<P: Preset> Default for SyncCommittee<P> {
    /// The all-zero committee: the spec's `SyncCommittee()`, meaning "unknown".
    fn default() -> Self {
        Self {
            pubkeys: FixedVector::default(),
            aggregate_pubkey: FixedBytes::ZERO,
        }
    }
}

/// `SyncAggregate`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct SyncAggregate<P: Preset> {
    /// Participation bits.
    pub sync_committee_bits: BitVector<P::SyncCommitteeSize>,
    /// Aggregate signature over the attested block root.
    pub sync_committee_signature: BlsSignatureBytes,
}

impl<P: Preset> SyncAggregate<P> {
    /// `sum(sync_committee_bits)`.
    pub fn participants(&self) -> u64 {
        u64::try_from(self.sync_committee_bits.num_set_bits()).unwrap_or(u64::MAX)
    }
}

/// The execution part of a [`LightClientHeader`]: what each layout carries besides the beacon header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LcExecution {
    /// Altair/Bellatrix: nothing.
    None,
    /// Capella execution payload header.
    Capella(ExecutionPayloadHeaderCapella),
    /// Deneb..Fulu execution payload header.
    Deneb(ExecutionPayloadHeaderDeneb),
    /// Gloas: the execution block hash.
    Gloas(B256),
}

/// `LightClientHeader`, any layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightClientHeader {
    /// Beacon block header.
    pub beacon: BeaconBlockHeader,
    /// Execution data (layout-specific).
    pub execution: LcExecution,
    /// `execution_branch` (empty for Altair; `floorlog2(execution gindex)` long otherwise).
    pub execution_branch: Vec<B256>,
}

impl LightClientHeader {
    /// The spec's `LightClientHeader()` of `layout`: all zero.
    pub fn empty(layout: LcLayout) -> Self {
        let execution = match layout {
            LcLayout::Altair => LcExecution::None,
            LcLayout::Capella => LcExecution::Capella(ExecutionPayloadHeaderCapella::default()),
            LcLayout::Deneb | LcLayout::Electra => {
                LcExecution::Deneb(ExecutionPayloadHeaderDeneb::default())
            }
            LcLayout::Gloas => LcExecution::Gloas(B256::ZERO),
        };
        Self {
            beacon: BeaconBlockHeader::default(),
            execution,
            execution_branch: zero_branch(layout.execution_gindex()),
        }
    }

    /// `hash_tree_root(header.beacon)`.
    pub fn beacon_root(&self) -> B256 {
        self.beacon.tree_hash_root()
    }

    /// Whether the header's shape (execution variant, branch length) is that of `layout`.
    pub fn has_layout(&self, layout: LcLayout) -> bool {
        let variant_ok = matches!(
            (&self.execution, layout),
            (LcExecution::None, LcLayout::Altair)
                | (LcExecution::Capella(_), LcLayout::Capella)
                | (LcExecution::Deneb(_), LcLayout::Deneb | LcLayout::Electra)
                | (LcExecution::Gloas(_), LcLayout::Gloas)
        );
        variant_ok && self.execution_branch.len() == branch_len(layout.execution_gindex())
    }

    /// `hash_tree_root(LightClientHeader)` of this header in its layout's container.
    pub fn tree_hash_root(&self) -> B256 {
        match &self.execution {
            LcExecution::None => HeaderAltair {
                beacon: self.beacon,
            }
            .tree_hash_root(),
            LcExecution::Capella(execution) => HeaderCapella {
                beacon: self.beacon,
                execution: execution.clone(),
                execution_branch: fixed(&self.execution_branch),
            }
            .tree_hash_root(),
            LcExecution::Deneb(execution) => HeaderDeneb {
                beacon: self.beacon,
                execution: execution.clone(),
                execution_branch: fixed(&self.execution_branch),
            }
            .tree_hash_root(),
            LcExecution::Gloas(hash) => HeaderGloas {
                beacon: self.beacon,
                execution_block_hash: *hash,
                execution_branch: fixed(&self.execution_branch),
            }
            .tree_hash_root(),
        }
    }
}

/// A branch of zeros as long as `floorlog2(gindex)` (empty for `None`).
pub fn zero_branch(gindex: Option<u64>) -> Vec<B256> {
    vec![B256::ZERO; branch_len(gindex)]
}

/// `floorlog2(gindex)` as a length (0 for `None`).
pub fn branch_len(gindex: Option<u64>) -> usize {
    gindex.map_or(0, |g| usize::try_from(floorlog2(g)).unwrap_or(0))
}

/// A fixed vector from a slice, zero-filled/truncated to the type's length (callers pass slices of
/// the right length, checked by `has_layout`).
fn fixed<N: Unsigned>(branch: &[B256]) -> FixedVector<B256, N> {
    let mut v = branch.to_vec();
    v.resize(N::to_usize(), B256::ZERO);
    FixedVector::new(v).unwrap_or_default()
}

/// `LightClientBootstrap`, any layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightClientBootstrap<P: Preset> {
    /// Container layout.
    pub layout: LcLayout,
    /// Header of the trusted block.
    pub header: LightClientHeader,
    /// Current sync committee of that block's state.
    pub current_sync_committee: SyncCommittee<P>,
    /// Its branch into `header.beacon.state_root`.
    pub current_sync_committee_branch: Vec<B256>,
}

/// `LightClientUpdate`, any layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightClientUpdate<P: Preset> {
    /// Container layout.
    pub layout: LcLayout,
    /// Header attested to by the sync committee.
    pub attested_header: LightClientHeader,
    /// Next sync committee of the attested state (all-zero if absent).
    pub next_sync_committee: SyncCommittee<P>,
    /// Its branch (all-zero if absent).
    pub next_sync_committee_branch: Vec<B256>,
    /// Finalized header of the attested state (empty if absent).
    pub finalized_header: LightClientHeader,
    /// Its branch (all-zero if absent).
    pub finality_branch: Vec<B256>,
    /// Sync committee aggregate signature.
    pub sync_aggregate: SyncAggregate<P>,
    /// Slot at which the aggregate was created.
    pub signature_slot: u64,
}

/// `LightClientFinalityUpdate`, any layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightClientFinalityUpdate<P: Preset> {
    /// Container layout.
    pub layout: LcLayout,
    /// Attested header.
    pub attested_header: LightClientHeader,
    /// Finalized header.
    pub finalized_header: LightClientHeader,
    /// Finality branch.
    pub finality_branch: Vec<B256>,
    /// Sync aggregate.
    pub sync_aggregate: SyncAggregate<P>,
    /// Signature slot.
    pub signature_slot: u64,
}

/// `LightClientOptimisticUpdate`, any layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightClientOptimisticUpdate<P: Preset> {
    /// Container layout.
    pub layout: LcLayout,
    /// Attested header.
    pub attested_header: LightClientHeader,
    /// Sync aggregate.
    pub sync_aggregate: SyncAggregate<P>,
    /// Signature slot.
    pub signature_slot: u64,
}

impl<P: Preset> LightClientUpdate<P> {
    /// Finality branch length of a layout.
    pub fn finality_branch_len(layout: LcLayout) -> usize {
        branch_len(Some(layout.finalized_root_gindex()))
    }

    /// Next-sync-committee branch length of a layout.
    pub fn next_sync_committee_branch_len(layout: LcLayout) -> usize {
        branch_len(Some(layout.next_sync_committee_gindex()))
    }
}

impl<P: Preset> From<LightClientFinalityUpdate<P>> for LightClientUpdate<P> {
    /// The update `process_light_client_finality_update` builds (no next sync committee).
    fn from(u: LightClientFinalityUpdate<P>) -> Self {
        Self {
            layout: u.layout,
            attested_header: u.attested_header,
            next_sync_committee: SyncCommittee::default(),
            next_sync_committee_branch: vec![
                B256::ZERO;
                Self::next_sync_committee_branch_len(u.layout)
            ],
            finalized_header: u.finalized_header,
            finality_branch: u.finality_branch,
            sync_aggregate: u.sync_aggregate,
            signature_slot: u.signature_slot,
        }
    }
}

impl<P: Preset> From<LightClientOptimisticUpdate<P>> for LightClientUpdate<P> {
    /// The update `process_light_client_optimistic_update` builds (attested header only).
    fn from(u: LightClientOptimisticUpdate<P>) -> Self {
        Self {
            layout: u.layout,
            finalized_header: LightClientHeader::empty(u.layout),
            finality_branch: vec![B256::ZERO; Self::finality_branch_len(u.layout)],
            attested_header: u.attested_header,
            next_sync_committee: SyncCommittee::default(),
            next_sync_committee_branch: vec![
                B256::ZERO;
                Self::next_sync_committee_branch_len(u.layout)
            ],
            sync_aggregate: u.sync_aggregate,
            signature_slot: u.signature_slot,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Wire containers: exactly the spec's SSZ containers, one set per layout.
// ---------------------------------------------------------------------------------------------

/// Altair `LightClientHeader`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct HeaderAltair {
    /// Beacon header.
    pub beacon: BeaconBlockHeader,
}

/// Capella `LightClientHeader`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct HeaderCapella {
    /// Beacon header.
    pub beacon: BeaconBlockHeader,
    /// Execution payload header.
    pub execution: ExecutionPayloadHeaderCapella,
    /// Branch of `execution_payload` in the body (`floorlog2(25)` = 4).
    pub execution_branch: FixedVector<B256, U4>,
}

/// Deneb (and Electra/Fulu) `LightClientHeader`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct HeaderDeneb {
    /// Beacon header.
    pub beacon: BeaconBlockHeader,
    /// Execution payload header.
    pub execution: ExecutionPayloadHeaderDeneb,
    /// Branch of `execution_payload` in the body.
    pub execution_branch: FixedVector<B256, U4>,
}

/// Gloas `LightClientHeader`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct HeaderGloas {
    /// Beacon header.
    pub beacon: BeaconBlockHeader,
    /// Execution block hash.
    pub execution_block_hash: B256,
    /// Branch of the block hash in the body (`floorlog2(2856)` = 11).
    pub execution_branch: FixedVector<B256, U11>,
}

/// A wire header type, convertible to and from the unified header.
pub trait WireHeader: ssz::Encode + ssz::Decode + TreeHash + Clone + 'static {
    /// Into the unified form.
    fn into_unified(self) -> LightClientHeader;
    /// From the unified form; `None` if the variant does not match.
    fn from_unified(header: &LightClientHeader) -> Option<Self>;
}

impl WireHeader for HeaderAltair {
    fn into_unified(self) -> LightClientHeader {
        LightClientHeader {
            beacon: self.beacon,
            execution: LcExecution::None,
            execution_branch: Vec::new(),
        }
    }
    fn from_unified(h: &LightClientHeader) -> Option<Self> {
        match &h.execution {
            LcExecution::None => Some(Self { beacon: h.beacon }),
            _ => None,
        }
    }
}

impl WireHeader for HeaderCapella {
    fn into_unified(self) -> LightClientHeader {
        LightClientHeader {
            beacon: self.beacon,
            execution: LcExecution::Capella(self.execution),
            execution_branch: self.execution_branch.to_vec(),
        }
    }
    fn from_unified(h: &LightClientHeader) -> Option<Self> {
        match &h.execution {
            LcExecution::Capella(e) => Some(Self {
                beacon: h.beacon,
                execution: e.clone(),
                execution_branch: FixedVector::new(h.execution_branch.clone()).ok()?,
            }),
            _ => None,
        }
    }
}

impl WireHeader for HeaderDeneb {
    fn into_unified(self) -> LightClientHeader {
        LightClientHeader {
            beacon: self.beacon,
            execution: LcExecution::Deneb(self.execution),
            execution_branch: self.execution_branch.to_vec(),
        }
    }
    fn from_unified(h: &LightClientHeader) -> Option<Self> {
        match &h.execution {
            LcExecution::Deneb(e) => Some(Self {
                beacon: h.beacon,
                execution: e.clone(),
                execution_branch: FixedVector::new(h.execution_branch.clone()).ok()?,
            }),
            _ => None,
        }
    }
}

impl WireHeader for HeaderGloas {
    fn into_unified(self) -> LightClientHeader {
        LightClientHeader {
            beacon: self.beacon,
            execution: LcExecution::Gloas(self.execution_block_hash),
            execution_branch: self.execution_branch.to_vec(),
        }
    }
    fn from_unified(h: &LightClientHeader) -> Option<Self> {
        match &h.execution {
            LcExecution::Gloas(hash) => Some(Self {
                beacon: h.beacon,
                execution_block_hash: *hash,
                execution_branch: FixedVector::new(h.execution_branch.clone()).ok()?,
            }),
            _ => None,
        }
    }
}

/// Wire `LightClientBootstrap`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct WireBootstrap<P: Preset, H: WireHeader, C: Unsigned> {
    /// Header.
    pub header: H,
    /// Current sync committee.
    pub current_sync_committee: SyncCommittee<P>,
    /// Its branch.
    pub current_sync_committee_branch: FixedVector<B256, C>,
}

/// Wire `LightClientUpdate`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct WireUpdate<P: Preset, H: WireHeader, N: Unsigned, F: Unsigned> {
    /// Attested header.
    pub attested_header: H,
    /// Next sync committee.
    pub next_sync_committee: SyncCommittee<P>,
    /// Its branch.
    pub next_sync_committee_branch: FixedVector<B256, N>,
    /// Finalized header.
    pub finalized_header: H,
    /// Finality branch.
    pub finality_branch: FixedVector<B256, F>,
    /// Sync aggregate.
    pub sync_aggregate: SyncAggregate<P>,
    /// Signature slot.
    pub signature_slot: u64,
}

/// Wire `LightClientFinalityUpdate`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct WireFinalityUpdate<P: Preset, H: WireHeader, F: Unsigned> {
    /// Attested header.
    pub attested_header: H,
    /// Finalized header.
    pub finalized_header: H,
    /// Finality branch.
    pub finality_branch: FixedVector<B256, F>,
    /// Sync aggregate.
    pub sync_aggregate: SyncAggregate<P>,
    /// Signature slot.
    pub signature_slot: u64,
}

/// Wire `LightClientOptimisticUpdate`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
pub struct WireOptimisticUpdate<P: Preset, H: WireHeader> {
    /// Attested header.
    pub attested_header: H,
    /// Sync aggregate.
    pub sync_aggregate: SyncAggregate<P>,
    /// Signature slot.
    pub signature_slot: u64,
}

/// Calls `$body` with the type parameters of `$layout`: header type `H`, next-sync-committee /
/// current-sync-committee branch length `N`, finality branch length `F`.
macro_rules! with_layout {
    ($layout:expr, |$h:ident, $n:ident, $f:ident| $body:expr) => {
        match $layout {
            LcLayout::Altair => {
                #[allow(dead_code)]
                type $h = HeaderAltair;
                #[allow(dead_code)]
                type $n = U5;
                #[allow(dead_code)]
                type $f = U6;
                $body
            }
            LcLayout::Capella => {
                #[allow(dead_code)]
                type $h = HeaderCapella;
                #[allow(dead_code)]
                type $n = U5;
                #[allow(dead_code)]
                type $f = U6;
                $body
            }
            LcLayout::Deneb => {
                #[allow(dead_code)]
                type $h = HeaderDeneb;
                #[allow(dead_code)]
                type $n = U5;
                #[allow(dead_code)]
                type $f = U6;
                $body
            }
            LcLayout::Electra => {
                #[allow(dead_code)]
                type $h = HeaderDeneb;
                #[allow(dead_code)]
                type $n = U6;
                #[allow(dead_code)]
                type $f = U7;
                $body
            }
            LcLayout::Gloas => {
                #[allow(dead_code)]
                type $h = HeaderGloas;
                #[allow(dead_code)]
                type $n = U11;
                #[allow(dead_code)]
                type $f = U9;
                $body
            }
        }
    };
}
pub(crate) use with_layout;

impl<P: Preset, H: WireHeader, C: Unsigned> WireBootstrap<P, H, C> {
    /// Into the unified form.
    pub fn into_unified(self, layout: LcLayout) -> LightClientBootstrap<P> {
        LightClientBootstrap {
            layout,
            header: self.header.into_unified(),
            current_sync_committee: self.current_sync_committee,
            current_sync_committee_branch: self.current_sync_committee_branch.to_vec(),
        }
    }
}

impl<P: Preset, H: WireHeader, N: Unsigned, F: Unsigned> WireUpdate<P, H, N, F> {
    /// Into the unified form.
    pub fn into_unified(self, layout: LcLayout) -> LightClientUpdate<P> {
        LightClientUpdate {
            layout,
            attested_header: self.attested_header.into_unified(),
            next_sync_committee: self.next_sync_committee,
            next_sync_committee_branch: self.next_sync_committee_branch.to_vec(),
            finalized_header: self.finalized_header.into_unified(),
            finality_branch: self.finality_branch.to_vec(),
            sync_aggregate: self.sync_aggregate,
            signature_slot: self.signature_slot,
        }
    }

    /// From the unified form; `None` if a header or branch does not have this layout's shape.
    pub fn from_unified(u: &LightClientUpdate<P>) -> Option<Self> {
        Some(Self {
            attested_header: H::from_unified(&u.attested_header)?,
            next_sync_committee: u.next_sync_committee.clone(),
            next_sync_committee_branch: FixedVector::new(u.next_sync_committee_branch.clone())
                .ok()?,
            finalized_header: H::from_unified(&u.finalized_header)?,
            finality_branch: FixedVector::new(u.finality_branch.clone()).ok()?,
            sync_aggregate: u.sync_aggregate.clone(),
            signature_slot: u.signature_slot,
        })
    }
}

impl<P: Preset, H: WireHeader, F: Unsigned> WireFinalityUpdate<P, H, F> {
    /// Into the unified form.
    pub fn into_unified(self, layout: LcLayout) -> LightClientFinalityUpdate<P> {
        LightClientFinalityUpdate {
            layout,
            attested_header: self.attested_header.into_unified(),
            finalized_header: self.finalized_header.into_unified(),
            finality_branch: self.finality_branch.to_vec(),
            sync_aggregate: self.sync_aggregate,
            signature_slot: self.signature_slot,
        }
    }
}

impl<P: Preset, H: WireHeader> WireOptimisticUpdate<P, H> {
    /// Into the unified form.
    pub fn into_unified(self, layout: LcLayout) -> LightClientOptimisticUpdate<P> {
        LightClientOptimisticUpdate {
            layout,
            attested_header: self.attested_header.into_unified(),
            sync_aggregate: self.sync_aggregate,
            signature_slot: self.signature_slot,
        }
    }
}

impl<P: Preset> LightClientUpdate<P> {
    /// SSZ encoding in this update's layout; `None` if its fields do not have the layout's shape.
    pub fn to_ssz(&self) -> Option<Vec<u8>> {
        with_layout!(self.layout, |H, N, F| {
            WireUpdate::<P, H, N, F>::from_unified(self).map(|w| ssz::Encode::as_ssz_bytes(&w))
        })
    }
}
