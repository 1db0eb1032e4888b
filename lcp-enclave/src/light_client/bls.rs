//! Sync-committee signature verification with blst (ciphersuite
//! `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`, min-pk: public keys in G1).
//!
//! `bls.FastAggregateVerify(participants, signing_root, signature)` aggregates the participants'
//! keys and verifies one pairing equation. Aggregating ~500 keys point by point costs more than the
//! pairing, so [`CommitteeKeys`] caches, per committee, the validated keys, their negations and the
//! sum of all keys: with most members participating, the participants' aggregate is the cached total
//! plus the negations of the few absent keys.

use super::config::Preset;
use super::containers::{SyncAggregate, SyncCommittee};
use super::error::LightClientError;
use alloy_primitives::B256;
use blst::BLST_ERROR;
use blst::min_pk::{AggregatePublicKey, PublicKey, Signature};
use std::sync::Arc;

/// The Ethereum proof-of-possession ciphersuite tag.
pub const BLS_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// The BLS12-381 base field modulus p, big-endian (negating a G1 point maps y to p - y).
const FIELD_MODULUS: [u8; 48] = [
    0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6, 0x43, 0x4b, 0xac, 0xd7,
    0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf, 0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24,
    0x1e, 0xab, 0xff, 0xfe, 0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab,
];

/// Validated keys of one sync committee, ready for fast aggregation.
#[derive(Debug)]
pub struct CommitteeKeys {
    keys: Vec<PublicKey>,
    negated: Vec<PublicKey>,
    total: PublicKey,
}

impl CommitteeKeys {
    /// Decompresses and validates every key (`KeyValidate`: on the curve, in the subgroup, not the
    /// point at infinity), negates each, and sums them.
    ///
    /// # Errors
    /// [`LightClientError::InvalidPublicKey`] with the index of the first bad key.
    pub fn new<P: Preset>(committee: &SyncCommittee<P>) -> Result<Self, LightClientError> {
        let mut keys = Vec::with_capacity(committee.pubkeys.len());
        let mut negated = Vec::with_capacity(committee.pubkeys.len());
        for (index, bytes) in committee.pubkeys.iter().enumerate() {
            let key = PublicKey::key_validate(bytes.as_slice())
                .map_err(|_| LightClientError::InvalidPublicKey { index })?;
            negated.push(negate(&key).ok_or(LightClientError::InvalidPublicKey { index })?);
            keys.push(key);
        }
        let refs: Vec<&PublicKey> = keys.iter().collect();
        let total = AggregatePublicKey::aggregate(&refs, false)
            .map_err(|_| LightClientError::InvalidPublicKey { index: 0 })?
            .to_public_key();
        Ok(Self {
            keys,
            negated,
            total,
        })
    }

    /// The aggregate of the participants' keys: the cheaper of summing participants or
    /// subtracting absentees from the cached total. `None` if no bit is set or a bit is out of range.
    pub fn participants_aggregate(&self, bits: &[bool]) -> Option<PublicKey> {
        let size = self.keys.len();
        if bits.len() != size {
            return None;
        }
        let participants = bits.iter().filter(|b| **b).count();
        if participants == 0 {
            return None;
        }
        let absent = size.checked_sub(participants)?;
        if absent < participants {
            let mut agg = AggregatePublicKey::from_public_key(&self.total);
            for (bit, neg) in bits.iter().zip(&self.negated) {
                if !*bit {
                    agg.add_public_key(neg, false).ok()?;
                }
            }
            Some(agg.to_public_key())
        } else {
            let mut selected = bits
                .iter()
                .zip(&self.keys)
                .filter(|(b, _)| **b)
                .map(|(_, k)| k);
            let first = selected.next()?;
            let mut agg = AggregatePublicKey::from_public_key(first);
            for key in selected {
                agg.add_public_key(key, false).ok()?;
            }
            Some(agg.to_public_key())
        }
    }
}

/// `-key`: the uncompressed point with y replaced by p - y (no square root, unlike decompression).
fn negate(key: &PublicKey) -> Option<PublicKey> {
    let mut raw = key.serialize();
    let y = raw.get_mut(48..96)?;
    let mut borrow = false;
    for (out, p) in y.iter_mut().rev().zip(FIELD_MODULUS.iter().rev()) {
        let (d1, b1) = p.overflowing_sub(*out);
        let (d2, b2) = d1.overflowing_sub(u8::from(borrow));
        *out = d2;
        borrow = b1 || b2;
    }
    if borrow {
        return None;
    }
    PublicKey::deserialize(&raw).ok()
}

/// A small cache of [`CommitteeKeys`], keyed by the committee itself (at most the current and next
/// committee are live; older entries are evicted). Not part of the store: it only saves work.
#[derive(Debug, Default)]
pub struct KeyCache {
    entries: Vec<(Vec<u8>, Arc<CommitteeKeys>)>,
}

/// How many committees the cache keeps.
const KEY_CACHE_ENTRIES: usize = 4;

impl KeyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The prepared keys of `committee`, building and caching them on first use.
    ///
    /// # Errors
    /// [`LightClientError::InvalidPublicKey`] if a key is invalid.
    pub fn get<P: Preset>(
        &mut self,
        committee: &SyncCommittee<P>,
    ) -> Result<Arc<CommitteeKeys>, LightClientError> {
        let id: Vec<u8> = committee.pubkeys.iter().flat_map(|k| k.0).collect();
        if let Some((_, keys)) = self.entries.iter().find(|(k, _)| *k == id) {
            return Ok(Arc::clone(keys));
        }
        let keys = Arc::new(CommitteeKeys::new(committee)?);
        if self.entries.len() >= KEY_CACHE_ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push((id, Arc::clone(&keys)));
        Ok(keys)
    }
}

/// `bls.FastAggregateVerify(participant_pubkeys, signing_root, signature)`: `Ok(true)` if valid.
///
/// # Errors
/// [`LightClientError::InvalidSignatureEncoding`] if the signature is not a valid G2 point in the
/// subgroup; [`LightClientError::InvalidPublicKey`] from building the committee keys.
pub fn fast_aggregate_verify<P: Preset>(
    keys: &CommitteeKeys,
    aggregate: &SyncAggregate<P>,
    signing_root: B256,
    signature_slot: u64,
) -> Result<bool, LightClientError> {
    let signature = Signature::sig_validate(aggregate.sync_committee_signature.as_slice(), true)
        .map_err(|_| LightClientError::InvalidSignatureEncoding { signature_slot })?;
    let Some(pk) =
        keys.participants_aggregate(&aggregate.sync_committee_bits.iter().collect::<Vec<bool>>())
    else {
        return Ok(false);
    };
    Ok(
        signature.fast_aggregate_verify_pre_aggregated(
            false,
            signing_root.as_slice(),
            BLS_DST,
            &pk,
        ) == BLST_ERROR::BLST_SUCCESS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use blst::min_pk::SecretKey;

    #[test]
    fn subtracting_absentees_equals_summing_participants() {
        let keys: Vec<PublicKey> = (1u8..=5)
            .map(|i| SecretKey::key_gen(&[i; 32], &[]).unwrap().sk_to_pk())
            .collect();
        let refs: Vec<&PublicKey> = keys.iter().collect();
        let total = AggregatePublicKey::aggregate(&refs, false)
            .unwrap()
            .to_public_key();
        let negated: Vec<PublicKey> = keys.iter().map(|k| negate(k).unwrap()).collect();
        let ck = CommitteeKeys {
            keys: keys.clone(),
            negated,
            total,
        };
        let bits = [true, true, false, true, true];
        let fast = ck.participants_aggregate(&bits).unwrap();
        let slow = AggregatePublicKey::aggregate(&[&keys[0], &keys[1], &keys[3], &keys[4]], false)
            .unwrap()
            .to_public_key();
        assert_eq!(fast.compress(), slow.compress());
        let few = [false, true, false, false, false];
        assert_eq!(
            ck.participants_aggregate(&few).unwrap().compress(),
            keys[1].compress()
        );
        assert!(ck.participants_aggregate(&[false; 5]).is_none());
    }

    #[test]
    fn infinity_and_garbage_keys_are_rejected() {
        let mut infinity = [0u8; 48];
        infinity[0] = 0xc0;
        assert!(PublicKey::key_validate(&infinity).is_err());
        assert!(PublicKey::key_validate(&[0x8a; 48]).is_err());
    }
}
