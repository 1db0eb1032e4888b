//! SSZ Merkleization the generator needs beyond `tree_hash`: lists with large limits (transactions,
//! validators), containers given as field roots, and branches out of them.
//!
//! Spec: consensus-specs `ssz/simple-serialize.md` (merkleization) and `ssz/merkle-proofs.md`. The
//! generator computes roots and branches independently of the enclave's verifier code on purpose:
//! a shared mistake would otherwise pass unnoticed.

use super::DevnetError;
use alloy_primitives::B256;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Deepest tree the generator builds: `List[Validator, 2**40]` (`VALIDATOR_REGISTRY_LIMIT`) needs
/// 40 levels, `List[Gwei, 2**40]` packed 4 per chunk 38; 64 covers any `usize` limit.
const MAX_DEPTH: usize = 64;

/// `hash(a ‖ b)` with SHA-256.
pub fn hash_pair(a: &B256, b: &B256) -> B256 {
    let mut hasher = Sha256::new();
    hasher.update(a.as_slice());
    hasher.update(b.as_slice());
    B256::from_slice(hasher.finalize().as_slice())
}

/// `zerohashes[depth]`: the root of a subtree of `2**depth` zero chunks.
pub fn zero_hash(depth: usize) -> B256 {
    static TABLE: OnceLock<Vec<B256>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = Vec::with_capacity(MAX_DEPTH.saturating_add(1));
        let mut node = B256::ZERO;
        for _ in 0..=MAX_DEPTH {
            table.push(node);
            node = hash_pair(&node, &node);
        }
        table
    });
    table.get(depth).copied().unwrap_or(B256::ZERO)
}

/// `ceil(log2(n))` for `n ≥ 1` (0 for 0 and 1).
fn ceil_log2(n: usize) -> usize {
    let depth = n
        .checked_next_power_of_two()
        .map_or(usize::BITS, usize::trailing_zeros);
    usize::try_from(depth).unwrap_or(MAX_DEPTH)
}

/// `merkleize(chunks, limit)`: the root of `chunks` padded with zero chunks to the next power of
/// two of `limit` (the chunk count itself when `limit` is `None`).
///
/// # Errors
/// [`DevnetError::TooManyChunks`] when there are more chunks than the limit allows.
pub fn merkleize(chunks: &[B256], limit: Option<usize>) -> Result<B256, DevnetError> {
    let limit = limit.unwrap_or(chunks.len());
    if chunks.len() > limit {
        return Err(DevnetError::TooManyChunks {
            count: chunks.len(),
            limit,
        });
    }
    let depth = ceil_log2(limit);
    let mut layer = chunks.to_vec();
    for level in 0..depth {
        if layer.is_empty() {
            return Ok(zero_hash(depth));
        }
        if layer.len() % 2 == 1 {
            layer.push(zero_hash(level));
        }
        layer = layer
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => hash_pair(left, right),
                _ => B256::ZERO,
            })
            .collect();
    }
    Ok(layer.first().copied().unwrap_or(B256::ZERO))
}

/// `mix_in_length(root, length)`.
pub fn mix_in_length(root: B256, length: usize) -> B256 {
    let mut chunk = [0u8; 32];
    let len = u64::try_from(length).unwrap_or(u64::MAX).to_le_bytes();
    if let Some(prefix) = chunk.get_mut(..8) {
        prefix.copy_from_slice(&len);
    }
    hash_pair(&root, &B256::from(chunk))
}

/// The chunk of a `uint64`: little-endian, zero-padded.
pub fn u64_chunk(value: u64) -> B256 {
    let mut chunk = [0u8; 32];
    if let Some(prefix) = chunk.get_mut(..8) {
        prefix.copy_from_slice(&value.to_le_bytes());
    }
    B256::from(chunk)
}

/// Bytes packed into 32-byte chunks, the last one zero-padded.
pub fn pack_bytes(bytes: &[u8]) -> Vec<B256> {
    bytes
        .chunks(32)
        .map(|piece| {
            let mut chunk = [0u8; 32];
            if let Some(head) = chunk.get_mut(..piece.len()) {
                head.copy_from_slice(piece);
            }
            B256::from(chunk)
        })
        .collect()
}

/// `hash_tree_root(ByteVector[N])` for `N ≤ 64` (a 48-byte BLS key, a 20-byte address, a 4-byte
/// version): its packed chunks merkleized without a limit.
///
/// # Errors
/// Never in practice (the chunk count is its own limit); kept for the signature of [`merkleize`].
pub fn byte_vector_root(bytes: &[u8]) -> Result<B256, DevnetError> {
    merkleize(&pack_bytes(bytes), None)
}

/// `hash_tree_root(ByteList[max_bytes])`.
///
/// # Errors
/// [`DevnetError::TooManyChunks`] when `bytes` is longer than `max_bytes`.
pub fn byte_list_root(bytes: &[u8], max_bytes: usize) -> Result<B256, DevnetError> {
    let limit = max_bytes.div_ceil(32);
    Ok(mix_in_length(
        merkleize(&pack_bytes(bytes), Some(limit))?,
        bytes.len(),
    ))
}

/// `hash_tree_root(List[T, limit])` of composite elements given by their roots.
///
/// # Errors
/// [`DevnetError::TooManyChunks`] when there are more elements than `limit`.
pub fn composite_list_root(roots: &[B256], limit: usize) -> Result<B256, DevnetError> {
    Ok(mix_in_length(merkleize(roots, Some(limit))?, roots.len()))
}

/// `hash_tree_root(List[uint64, limit])`: four values per chunk.
///
/// # Errors
/// [`DevnetError::TooManyChunks`] when there are more values than `limit`.
pub fn u64_list_root(values: &[u64], limit: usize) -> Result<B256, DevnetError> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    Ok(mix_in_length(
        merkleize(&pack_bytes(&bytes), Some(limit.div_ceil(4)))?,
        values.len(),
    ))
}

/// A container given by the roots of its fields, in the spec's field order: its root and the
/// branch of any field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRoots(pub Vec<B256>);

impl FieldRoots {
    /// `hash_tree_root` of the container.
    ///
    /// # Errors
    /// Never in practice (the field count is its own limit).
    pub fn root(&self) -> Result<B256, DevnetError> {
        merkleize(&self.0, None)
    }

    /// The branch of field `index`, bottom-up (the order `is_valid_merkle_branch` reads).
    ///
    /// # Errors
    /// [`DevnetError::FieldIndex`] when the container has no such field.
    pub fn branch(&self, index: usize) -> Result<Vec<B256>, DevnetError> {
        if index >= self.0.len() {
            return Err(DevnetError::FieldIndex {
                index,
                fields: self.0.len(),
            });
        }
        let depth = ceil_log2(self.0.len());
        let mut layer = self.0.clone();
        layer.resize(
            1usize
                .checked_shl(u32::try_from(depth).unwrap_or(0))
                .unwrap_or(0),
            B256::ZERO,
        );
        let mut position = index;
        let mut branch = Vec::with_capacity(depth);
        while layer.len() > 1 {
            branch.push(layer.get(position ^ 1).copied().unwrap_or(B256::ZERO));
            layer = layer
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => hash_pair(left, right),
                    _ => B256::ZERO,
                })
                .collect();
            position >>= 1;
        }
        Ok(branch)
    }

    /// Replaces the root of field `index`.
    ///
    /// # Errors
    /// [`DevnetError::FieldIndex`] when the container has no such field.
    pub fn set(&mut self, index: usize, root: B256) -> Result<(), DevnetError> {
        let fields = self.0.len();
        let slot = self
            .0
            .get_mut(index)
            .ok_or(DevnetError::FieldIndex { index, fields })?;
        *slot = root;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssz_types::VariableList;
    use ssz_types::typenum::{U4, U64, U1024};
    use tree_hash::TreeHash;

    #[test]
    fn lists_match_tree_hash() {
        let bytes: Vec<u8> = (0u8..70).collect();
        let list = VariableList::<u8, U1024>::new(bytes.clone()).unwrap();
        assert_eq!(byte_list_root(&bytes, 1024).unwrap(), list.tree_hash_root());
        let values = vec![1u64, 2, 3, 4, 5];
        let list = VariableList::<u64, U64>::new(values.clone()).unwrap();
        assert_eq!(u64_list_root(&values, 64).unwrap(), list.tree_hash_root());
        let roots = vec![
            B256::repeat_byte(1),
            B256::repeat_byte(2),
            B256::repeat_byte(3),
        ];
        let list = VariableList::<B256, U4>::new(roots.clone()).unwrap();
        assert_eq!(
            composite_list_root(&roots, 4).unwrap(),
            list.tree_hash_root()
        );
        let empty = VariableList::<B256, U4>::new(vec![]).unwrap();
        assert_eq!(composite_list_root(&[], 4).unwrap(), empty.tree_hash_root());
    }

    #[test]
    fn field_branches_prove_their_fields() {
        let fields = FieldRoots((0u8..28).map(B256::repeat_byte).collect());
        let root = fields.root().unwrap();
        for index in [0usize, 20, 22, 27] {
            let branch = fields.branch(index).unwrap();
            assert_eq!(branch.len(), 5);
            let mut node = fields.0[index];
            for (level, sibling) in branch.iter().enumerate() {
                node = if (index >> level) & 1 == 1 {
                    hash_pair(sibling, &node)
                } else {
                    hash_pair(&node, sibling)
                };
            }
            assert_eq!(node, root);
        }
        assert_eq!(
            fields.branch(28),
            Err(DevnetError::FieldIndex {
                index: 28,
                fields: 28
            })
        );
        assert!(matches!(
            merkleize(&[B256::ZERO; 3], Some(2)),
            Err(DevnetError::TooManyChunks { count: 3, limit: 2 })
        ));
    }
}
