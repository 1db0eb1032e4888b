//! Merkle helpers of the consensus specs (`ssz/merkle-proofs.md`, altair/electra sync protocol).

use super::containers::{ExecutionPayloadHeaderCapella, ExecutionPayloadHeaderDeneb};
use alloy_primitives::B256;
use sha2::{Digest, Sha256};
use tree_hash::TreeHash;

/// `floorlog2(x)`: the depth of generalized index `x` (0 for `x = 0`, which no caller passes).
pub fn floorlog2(x: u64) -> u32 {
    x.checked_ilog2().unwrap_or(0)
}

/// `get_subtree_index(gindex)`: the index of the leaf within its depth.
pub fn get_subtree_index(gindex: u64) -> u64 {
    gindex.checked_rem(1u64 << floorlog2(gindex)).unwrap_or(0)
}

/// `hash(a ‖ b)` with SHA-256.
pub fn hash_pair(a: &B256, b: &B256) -> B256 {
    let mut hasher = Sha256::new();
    hasher.update(a.as_slice());
    hasher.update(b.as_slice());
    B256::from_slice(hasher.finalize().as_slice())
}

/// `compute_merkle_branch_root(leaf, branch, depth, index)`: the root `branch` leads to. Uses the
/// first `depth` nodes of `branch`; `None` if the branch is shorter.
pub fn compute_merkle_branch_root(
    leaf: B256,
    branch: &[B256],
    depth: u32,
    index: u64,
) -> Option<B256> {
    let mut value = leaf;
    for i in 0..depth {
        let node = branch.get(usize::try_from(i).ok()?)?;
        value = if (index >> i) & 1 == 1 {
            hash_pair(node, &value)
        } else {
            hash_pair(&value, node)
        };
    }
    Some(value)
}

/// `is_valid_merkle_branch(leaf, branch, depth, index, root)`. The branch must have exactly `depth`
/// nodes (the spec's typed vectors guarantee that; we check it).
pub fn is_valid_merkle_branch(
    leaf: B256,
    branch: &[B256],
    depth: u32,
    index: u64,
    root: B256,
) -> bool {
    usize::try_from(depth).is_ok_and(|d| d == branch.len())
        && compute_merkle_branch_root(leaf, branch, depth, index) == Some(root)
}

/// `is_valid_normalized_merkle_branch(leaf, branch, gindex, root)` (electra): a branch longer than
/// `floorlog2(gindex)` must be zero-padded at the front.
pub fn is_valid_normalized_merkle_branch(
    leaf: B256,
    branch: &[B256],
    gindex: u64,
    root: B256,
) -> bool {
    let depth = floorlog2(gindex);
    let Ok(depth_len) = usize::try_from(depth) else {
        return false;
    };
    let Some(num_extra) = branch.len().checked_sub(depth_len) else {
        return false;
    };
    let (extra, proof) = branch.split_at(num_extra);
    extra.iter().all(|n| n.is_zero())
        && is_valid_merkle_branch(leaf, proof, depth, get_subtree_index(gindex), root)
}

/// `normalize_merkle_branch(branch, gindex)` (electra): pads a branch with zeros at the front to
/// `floorlog2(gindex)` nodes. A branch already that long or longer is returned unchanged.
pub fn normalize_merkle_branch(branch: &[B256], gindex: u64) -> Vec<B256> {
    let depth = usize::try_from(floorlog2(gindex)).unwrap_or(0);
    let extra = depth.saturating_sub(branch.len());
    let mut out = vec![B256::ZERO; extra];
    out.extend_from_slice(branch);
    out
}

/// Field roots of a Capella execution payload header, in field order.
fn capella_field_roots(h: &ExecutionPayloadHeaderCapella) -> Vec<B256> {
    vec![
        h.parent_hash.tree_hash_root(),
        h.fee_recipient.tree_hash_root(),
        h.state_root.tree_hash_root(),
        h.receipts_root.tree_hash_root(),
        h.logs_bloom.tree_hash_root(),
        h.prev_randao.tree_hash_root(),
        h.block_number.tree_hash_root(),
        h.gas_limit.tree_hash_root(),
        h.gas_used.tree_hash_root(),
        h.timestamp.tree_hash_root(),
        h.extra_data.tree_hash_root(),
        h.base_fee_per_gas.tree_hash_root(),
        h.block_hash.tree_hash_root(),
        h.transactions_root.tree_hash_root(),
        h.withdrawals_root.tree_hash_root(),
    ]
}

/// Field roots of a Deneb execution payload header, in field order.
fn deneb_field_roots(h: &ExecutionPayloadHeaderDeneb) -> Vec<B256> {
    let mut roots = capella_field_roots(&h.to_capella());
    roots.push(h.blob_gas_used.tree_hash_root());
    roots.push(h.excess_blob_gas.tree_hash_root());
    roots
}

/// `compute_merkle_proof(container, gindex)` for a container given by its field roots: the branch
/// of leaf `gindex` (a field at depth `floorlog2(gindex)` of the padded field tree).
fn field_proof(mut layer: Vec<B256>, gindex: u64) -> Vec<B256> {
    let depth = floorlog2(gindex);
    let width = 1usize << depth;
    layer.resize(width, B256::ZERO);
    let mut index = usize::try_from(get_subtree_index(gindex)).unwrap_or(0);
    let mut branch = Vec::new();
    while layer.len() > 1 {
        branch.push(layer.get(index ^ 1).copied().unwrap_or_default());
        layer = layer
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => hash_pair(a, b),
                _ => B256::ZERO,
            })
            .collect();
        index >>= 1;
    }
    branch
}

/// `compute_merkle_proof(header, BLOCK_HASH_GINDEX)` for a Capella execution payload header.
pub fn capella_block_hash_proof(h: &ExecutionPayloadHeaderCapella) -> Vec<B256> {
    field_proof(
        capella_field_roots(h),
        super::config::BLOCK_HASH_GINDEX_CAPELLA,
    )
}

/// `compute_merkle_proof(header, BLOCK_HASH_GINDEX)` for a Deneb execution payload header.
pub fn deneb_block_hash_proof(h: &ExecutionPayloadHeaderDeneb) -> Vec<B256> {
    field_proof(deneb_field_roots(h), super::config::BLOCK_HASH_GINDEX_DENEB)
}

#[cfg(test)]
mod tests {
    use super::super::config::{BLOCK_HASH_GINDEX_CAPELLA, BLOCK_HASH_GINDEX_DENEB};
    use super::*;

    #[test]
    fn gindex_depths_match_branch_lengths() {
        assert_eq!(floorlog2(105), 6);
        assert_eq!(floorlog2(169), 7);
        assert_eq!(floorlog2(55), 5);
        assert_eq!(floorlog2(87), 6);
        assert_eq!(floorlog2(735), 9);
        assert_eq!(floorlog2(2946), 11);
        assert_eq!(floorlog2(2856), 11);
        assert_eq!(get_subtree_index(105), 41);
        // block_hash gindexes: capella has 15 fields (16 leaves), deneb 17 (32 leaves); the body
        // gindex 25 composes with them to the spec's 412 and 812.
        assert_eq!(
            (25u64 << 4) | get_subtree_index(BLOCK_HASH_GINDEX_CAPELLA),
            412
        );
        assert_eq!(
            (25u64 << 5) | get_subtree_index(BLOCK_HASH_GINDEX_DENEB),
            812
        );
    }

    #[test]
    fn block_hash_proofs_verify_against_header_roots() {
        let h = ExecutionPayloadHeaderDeneb {
            block_hash: B256::repeat_byte(7),
            blob_gas_used: 3,
            ..Default::default()
        };
        let proof = deneb_block_hash_proof(&h);
        assert!(is_valid_merkle_branch(
            h.block_hash,
            &proof,
            5,
            12,
            h.tree_hash_root()
        ));
        let c = h.to_capella();
        let proof = capella_block_hash_proof(&c);
        assert!(is_valid_merkle_branch(
            c.block_hash,
            &proof,
            4,
            12,
            c.tree_hash_root()
        ));
    }

    #[test]
    fn normalized_branch_rejects_nonzero_padding() {
        let leaf = B256::repeat_byte(1);
        let sib = B256::repeat_byte(2);
        let root = hash_pair(&leaf, &sib);
        assert!(is_valid_normalized_merkle_branch(
            leaf,
            &[B256::ZERO, sib],
            2,
            root
        ));
        assert!(!is_valid_normalized_merkle_branch(
            leaf,
            &[B256::repeat_byte(9), sib],
            2,
            root
        ));
        assert_eq!(normalize_merkle_branch(&[sib], 4), vec![B256::ZERO, sib]);
    }
}
