//! A canonical SSZ encoding and `hash_tree_root` of [`LightClientStore`], so that a `state_id` can
//! commit to every field of the store.
//!
//! The spec's store is a Python dataclass, not an SSZ container; we define one here, in the
//! store's own layout:
//!
//! ```text
//! class LightClientStoreSsz(Container):
//!     fork: uint8                       # Fork::index of the store's fork
//!     finalized_header: LightClientHeader
//!     current_sync_committee: SyncCommittee
//!     next_sync_committee: SyncCommittee
//!     best_valid_update: List[LightClientUpdate, 1]   # Optional as a list of at most one
//!     optimistic_header: LightClientHeader
//!     previous_max_active_participants: uint64
//!     current_max_active_participants: uint64
//! ```

use super::config::{Fork, LcLayout, Preset};
use super::containers::{HeaderAltair, HeaderCapella, HeaderDeneb, HeaderGloas};
use super::containers::{SyncCommittee, WireHeader, WireUpdate, with_layout};
use super::error::{LightClientError, Object};
use super::sync::LightClientStore;
use alloy_primitives::B256;
use ssz::{Decode, Encode};
use ssz_derive::{Decode, Encode};
use ssz_types::VariableList;
use ssz_types::typenum::{U1, U5, U6, U7, U9, U11, Unsigned};
use tree_hash::TreeHash;
use tree_hash_derive::TreeHash;

/// The store as an SSZ container (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, TreeHash)]
struct StoreSsz<P: Preset, H: WireHeader, N: Unsigned + 'static, F: Unsigned + 'static> {
    fork: u8,
    finalized_header: H,
    current_sync_committee: SyncCommittee<P>,
    next_sync_committee: SyncCommittee<P>,
    best_valid_update: VariableList<WireUpdate<P, H, N, F>, U1>,
    optimistic_header: H,
    previous_max_active_participants: u64,
    current_max_active_participants: u64,
}

fn shape_error(fork: Fork) -> LightClientError {
    LightClientError::LayoutMismatch {
        object: Object::Store,
        object_fork: fork,
        store_fork: fork,
    }
}

impl<P: Preset> LightClientStore<P> {
    fn to_container<H: WireHeader, N: Unsigned, F: Unsigned>(
        &self,
    ) -> Result<StoreSsz<P, H, N, F>, LightClientError> {
        let err = || shape_error(self.fork);
        let best = match &self.best_valid_update {
            None => Vec::new(),
            Some(u) => vec![WireUpdate::from_unified(u).ok_or_else(err)?],
        };
        Ok(StoreSsz {
            fork: self.fork.index(),
            finalized_header: H::from_unified(&self.finalized_header).ok_or_else(err)?,
            current_sync_committee: self.current_sync_committee.clone(),
            next_sync_committee: self.next_sync_committee.clone(),
            best_valid_update: VariableList::new(best).map_err(|_| err())?,
            optimistic_header: H::from_unified(&self.optimistic_header).ok_or_else(err)?,
            previous_max_active_participants: self.previous_max_active_participants,
            current_max_active_participants: self.current_max_active_participants,
        })
    }

    /// Canonical SSZ encoding of every store field.
    ///
    /// # Errors
    /// [`LightClientError::LayoutMismatch`] if a header or update does not have the store's layout
    /// (a store built by this crate always has).
    pub fn to_ssz(&self) -> Result<Vec<u8>, LightClientError> {
        with_layout!(self.layout(), |H, N, F| Ok(self
            .to_container::<H, N, F>()?
            .as_ssz_bytes()))
    }

    /// `hash_tree_root` of the canonical container: a commitment to every store field.
    ///
    /// # Errors
    /// As [`LightClientStore::to_ssz`].
    pub fn hash_tree_root(&self) -> Result<B256, LightClientError> {
        with_layout!(self.layout(), |H, N, F| Ok(self
            .to_container::<H, N, F>()?
            .tree_hash_root()))
    }

    /// Decodes a store written by [`LightClientStore::to_ssz`] for a store of `fork`.
    ///
    /// # Errors
    /// SSZ errors, or a fork tag that is not `fork`.
    pub fn from_ssz(fork: Fork, bytes: &[u8]) -> Result<Self, LightClientError> {
        let layout: LcLayout = fork.layout();
        with_layout!(layout, |H, N, F| {
            let c = StoreSsz::<P, H, N, F>::from_ssz_bytes(bytes).map_err(|e| {
                LightClientError::Ssz {
                    object: Object::Store,
                    fork,
                    reason: e.into(),
                }
            })?;
            if c.fork != fork.index() {
                return Err(shape_error(fork));
            }
            Ok(LightClientStore {
                fork,
                finalized_header: c.finalized_header.into_unified(),
                current_sync_committee: c.current_sync_committee,
                next_sync_committee: c.next_sync_committee,
                best_valid_update: c
                    .best_valid_update
                    .iter()
                    .next()
                    .cloned()
                    .map(|u| u.into_unified(layout)),
                optimistic_header: c.optimistic_header.into_unified(),
                previous_max_active_participants: c.previous_max_active_participants,
                current_max_active_participants: c.current_max_active_participants,
            })
        })
    }
}
