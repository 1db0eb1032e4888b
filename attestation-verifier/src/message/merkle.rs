//! The batch Merkle tree: many claims under one signature (`BatchClaims.root`).
//!
//! - leaf  = keccak256(0x00 ‖ uint8 claimType ‖ abi.encode(claim))
//! - node  = keccak256(0x01 ‖ left ‖ right)
//! - the leaf row is padded with `B256::ZERO` to the next power of two (no known preimage hashes to
//!   zero, so padding is never a claim); one leaf is its own root;
//! - a proof lists the siblings from the leaf row up; bit `i` of the leaf index says whether the
//!   running hash is the right (1) or left (0) child at level `i`.
//!
//! The 0x00/0x01 prefixes keep a 64-byte node preimage from ever being read as a leaf and vice versa
//! (the second-preimage attack on naive Merkle trees); the claim type keeps a storage claim from being
//! read as an account claim; the signed `leafCount` fixes the depth, so a proof has exactly one length
//! and every index one position.

use alloy_primitives::{B256, keccak256};

use super::Error;
use super::encode::Body;
use super::layout::{AccountClaim, ReceiptLogClaim, StorageClaim, TransactionClaim};

/// Most leaves in one batch: 2^16 (depth 16). A larger batch would not fit one transaction anyway:
/// 65,536 claims of at least 160 calldata bytes exceed the EIP-7825 gas cap at the EIP-7623 floor
/// price (10 gas per non-zero byte).
pub const MAX_BATCH_LEAVES: u64 = 1 << 16;

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// A claim that may sit in a batch.
pub trait Claim: Body {
    /// The block the claim names: (number, hash).
    fn block(&self) -> (u64, B256);
}

impl Claim for ReceiptLogClaim {
    fn block(&self) -> (u64, B256) {
        (self.blockNumber, self.blockHash)
    }
}

impl Claim for StorageClaim {
    fn block(&self) -> (u64, B256) {
        (self.blockNumber, self.blockHash)
    }
}

impl Claim for AccountClaim {
    fn block(&self) -> (u64, B256) {
        (self.blockNumber, self.blockHash)
    }
}

impl Claim for TransactionClaim {
    fn block(&self) -> (u64, B256) {
        (self.blockNumber, self.blockHash)
    }
}

/// The leaf hash of `claim`.
pub fn leaf_hash<C: Claim>(claim: &C) -> B256 {
    let mut preimage = vec![LEAF_PREFIX, u8::from(C::TYPE)];
    preimage.extend_from_slice(&claim.abi_encode());
    keccak256(preimage)
}

/// The parent of two nodes.
pub fn node_hash(left: B256, right: B256) -> B256 {
    let mut preimage = [0u8; 65];
    let bytes = core::iter::once(&NODE_PREFIX)
        .chain(left.as_slice())
        .chain(right.as_slice());
    for (dst, src) in preimage.iter_mut().zip(bytes) {
        *dst = *src;
    }
    keccak256(preimage)
}

/// Tree depth for `leaf_count` leaves: `ceil(log2(leaf_count))`.
///
/// # Errors
/// [`Error::BatchSize`] outside `1..=MAX_BATCH_LEAVES`.
pub fn depth(leaf_count: u64) -> Result<usize, Error> {
    if leaf_count == 0 || leaf_count > MAX_BATCH_LEAVES {
        return Err(Error::BatchSize {
            got: leaf_count,
            max: MAX_BATCH_LEAVES,
        });
    }
    let mut depth = 0usize;
    let mut width = 1u64;
    while width < leaf_count {
        width = width.saturating_mul(2);
        depth = depth.saturating_add(1);
    }
    Ok(depth)
}

/// All levels of the padded tree, leaf row first, root row last.
fn levels(leaves: &[B256]) -> Result<Vec<Vec<B256>>, Error> {
    let count = u64::try_from(leaves.len()).unwrap_or(u64::MAX);
    let depth = depth(count)?;
    let mut row = leaves.to_vec();
    row.resize(1usize << depth, B256::ZERO);
    let mut levels = vec![row];
    while let Some(last) = levels.last()
        && last.len() > 1
    {
        let next = last
            .as_chunks::<2>()
            .0
            .iter()
            .map(|&[left, right]| node_hash(left, right))
            .collect();
        levels.push(next);
    }
    Ok(levels)
}

/// The root over `leaves` (in order).
///
/// # Errors
/// [`Error::BatchSize`] for an empty or oversized batch.
pub fn root(leaves: &[B256]) -> Result<B256, Error> {
    let levels = levels(leaves)?;
    Ok(levels
        .last()
        .and_then(|row| row.first())
        .copied()
        .unwrap_or_default())
}

/// The proof for leaf `index`: its siblings from the leaf row up.
///
/// # Errors
/// [`Error::BatchSize`], [`Error::LeafIndexOutOfRange`].
pub fn proof(leaves: &[B256], index: u64) -> Result<Vec<B256>, Error> {
    let leaf_count = u64::try_from(leaves.len()).unwrap_or(u64::MAX);
    if index >= leaf_count {
        return Err(Error::LeafIndexOutOfRange { index, leaf_count });
    }
    let levels = levels(leaves)?;
    let mut position =
        usize::try_from(index).map_err(|_| Error::LeafIndexOutOfRange { index, leaf_count })?;
    let mut siblings = Vec::new();
    for row in levels.iter().take(levels.len().saturating_sub(1)) {
        siblings.push(row.get(position ^ 1).copied().unwrap_or_default());
        position >>= 1;
    }
    Ok(siblings)
}

/// The proofs of every leaf, from one pass over the tree (`proof(leaves, i)` for each `i` would
/// rebuild the tree per leaf: quadratic for a large batch).
///
/// # Errors
/// [`Error::BatchSize`].
pub fn proofs(leaves: &[B256]) -> Result<Vec<Vec<B256>>, Error> {
    let levels = levels(leaves)?;
    let inner = levels
        .get(..levels.len().saturating_sub(1))
        .unwrap_or_default();
    Ok((0..leaves.len())
        .map(|index| {
            let mut position = index;
            inner
                .iter()
                .map(|row| {
                    let sibling = row.get(position ^ 1).copied().unwrap_or_default();
                    position >>= 1;
                    sibling
                })
                .collect()
        })
        .collect())
}

/// Checks that `leaf` sits at `index` in the batch of `leaf_count` leaves committed to by `root`.
///
/// # Errors
/// [`Error::BatchSize`], [`Error::LeafIndexOutOfRange`], [`Error::ProofLength`], [`Error::RootMismatch`].
pub fn verify_proof(
    root: B256,
    leaf_count: u64,
    index: u64,
    leaf: B256,
    proof: &[B256],
) -> Result<(), Error> {
    let expected_len = depth(leaf_count)?;
    if index >= leaf_count {
        return Err(Error::LeafIndexOutOfRange { index, leaf_count });
    }
    if proof.len() != expected_len {
        return Err(Error::ProofLength {
            got: proof.len(),
            expected: expected_len,
        });
    }
    let mut hash = leaf;
    let mut position = index;
    for sibling in proof {
        hash = if position & 1 == 1 {
            node_hash(*sibling, hash)
        } else {
            node_hash(hash, *sibling)
        };
        position >>= 1;
    }
    if hash != root {
        return Err(Error::RootMismatch {
            got: hash,
            expected: root,
        });
    }
    Ok(())
}

/// Checks that `leaves` are ALL the leaves, in order, of the batch committed to by `root` (what
/// `LCPClient.verifyStorageBatchAll` does: no proofs, the root is rebuilt).
///
/// # Errors
/// [`Error::BatchSize`] when `leaves.len() != leaf_count` or out of bounds, [`Error::RootMismatch`].
pub fn verify_all(root_expected: B256, leaf_count: u64, leaves: &[B256]) -> Result<(), Error> {
    let got_count = u64::try_from(leaves.len()).unwrap_or(u64::MAX);
    if got_count != leaf_count {
        return Err(Error::BatchSize {
            got: got_count,
            max: leaf_count,
        });
    }
    let got = root(leaves)?;
    if got != root_expected {
        return Err(Error::RootMismatch {
            got,
            expected: root_expected,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Address;
    use alloy_sol_types::SolValue;

    fn claims(n: u64) -> Vec<StorageClaim> {
        (0..n)
            .map(|i| StorageClaim {
                blockNumber: 5,
                blockHash: B256::repeat_byte(5),
                account: Address::repeat_byte(1),
                slot: B256::from(alloy_primitives::U256::from(i)),
                value: B256::repeat_byte(2),
            })
            .collect()
    }

    #[test]
    fn verify_all_needs_every_leaf_in_order() {
        let leaves: Vec<B256> = claims(5).iter().map(leaf_hash).collect();
        let r = root(&leaves).unwrap();
        assert_eq!(verify_all(r, 5, &leaves), Ok(()));
        assert_eq!(
            verify_all(r, 5, &leaves[..4]),
            Err(Error::BatchSize { got: 4, max: 5 })
        );
        let mut swapped = leaves.clone();
        swapped.swap(0, 1);
        assert!(matches!(
            verify_all(r, 5, &swapped),
            Err(Error::RootMismatch { .. })
        ));
    }

    #[test]
    fn depth_matches_power_of_two() {
        assert_eq!(depth(1), Ok(0));
        assert_eq!(depth(2), Ok(1));
        assert_eq!(depth(3), Ok(2));
        assert_eq!(depth(100), Ok(7));
        assert_eq!(depth(MAX_BATCH_LEAVES), Ok(16));
        assert_eq!(
            depth(0),
            Err(Error::BatchSize {
                got: 0,
                max: MAX_BATCH_LEAVES
            })
        );
        assert_eq!(
            depth(MAX_BATCH_LEAVES + 1),
            Err(Error::BatchSize {
                got: MAX_BATCH_LEAVES + 1,
                max: MAX_BATCH_LEAVES
            })
        );
    }

    #[test]
    fn every_leaf_proves_and_nothing_else_does() {
        for n in [1u64, 2, 3, 7, 8, 9, 100] {
            let leaves: Vec<B256> = claims(n).iter().map(leaf_hash).collect();
            let r = root(&leaves).unwrap();
            for (i, leaf) in (0u64..).zip(leaves.iter()) {
                let p = proof(&leaves, i).unwrap();
                assert_eq!(verify_proof(r, n, i, *leaf, &p), Ok(()));
                // Same leaf at a wrong position, or wrong leaf count, fails.
                if n > 1 {
                    let other = i.wrapping_add(1).checked_rem(n).unwrap();
                    assert!(verify_proof(r, n, other, *leaf, &p).is_err());
                }
            }
            assert_eq!(
                verify_proof(r, n, n, leaves[0], &proof(&leaves, 0).unwrap()),
                Err(Error::LeafIndexOutOfRange {
                    index: n,
                    leaf_count: n
                })
            );
        }
    }

    #[test]
    fn single_leaf_is_root_and_padding_is_zero() {
        let leaves: Vec<B256> = claims(3).iter().map(leaf_hash).collect();
        assert_eq!(root(&leaves[..1]).unwrap(), leaves[0]);
        let expected = node_hash(
            node_hash(leaves[0], leaves[1]),
            node_hash(leaves[2], B256::ZERO),
        );
        assert_eq!(root(&leaves).unwrap(), expected);
        // A proof for the padding position is refused by the index bound.
        assert_eq!(
            verify_proof(
                expected,
                3,
                3,
                B256::ZERO,
                &[leaves[2], node_hash(leaves[0], leaves[1])]
            ),
            Err(Error::LeafIndexOutOfRange {
                index: 3,
                leaf_count: 3
            })
        );
    }

    #[test]
    fn proof_length_is_fixed_by_leaf_count() {
        let leaves: Vec<B256> = claims(4).iter().map(leaf_hash).collect();
        let r = root(&leaves).unwrap();
        let p = proof(&leaves, 1).unwrap();
        assert_eq!(
            verify_proof(r, 4, 1, leaves[1], &p[..1]),
            Err(Error::ProofLength {
                got: 1,
                expected: 2
            })
        );
        // An inner node presented as a leaf one level up is refused (length and prefixes).
        let inner = node_hash(leaves[0], leaves[1]);
        assert!(verify_proof(r, 4, 0, inner, &p[1..]).is_err());
    }

    #[test]
    fn leaf_is_domain_separated_by_type() {
        let storage = claims(1).remove(0);
        let mut preimage = vec![0u8, 3u8];
        preimage.extend_from_slice(&storage.abi_encode());
        assert_eq!(leaf_hash(&storage), keccak256(preimage));
    }

    #[test]
    fn all_proofs_at_once_equal_single_proofs() {
        for count in [1usize, 2, 3, 5, 8, 13] {
            let leaves: Vec<B256> = (0..count)
                .map(|i| keccak256([u8::try_from(i).unwrap()]))
                .collect();
            let all = proofs(&leaves).unwrap();
            assert_eq!(all.len(), count);
            for (i, p) in all.iter().enumerate() {
                assert_eq!(p, &proof(&leaves, u64::try_from(i).unwrap()).unwrap());
            }
        }
    }
}
