//! Merkle-Patricia proofs: bounded node decoding, the walk from a root to a key, and proofs built
//! from a whole ordered trie (receipts and transactions have no proof RPC).
//!
//! The walk follows the yellow paper, appendix D (modified Merkle-Patricia trie): node `i + 1` of a
//! proof must hash to the reference that node `i` holds for the next nibbles of the key, node 0 to
//! the root; references shorter than 32 bytes are nodes embedded in their parent. A proof proves
//! either a value (inclusion) or that the key's path ends in an empty branch slot or a diverging
//! leaf/extension (exclusion). Anything else — a missing node, a node after the end, an
//! unreferenced node, a malformed node — is an error naming the node's position.
//!
//! alloy-trie's `verify_proof` implements the same walk; ours returns *which* value the proof
//! proves, so a claim can be compared field by field, and carries our bounds and errors. The
//! tests cross-check both on real and generated tries.

use super::error::{NodeError, SpvError, TrieKey, TrieKind};
use alloy_primitives::{B256, Bytes, keccak256};
use alloy_rlp::Header;
use alloy_trie::{EMPTY_ROOT_HASH, HashBuilder, Nibbles, proof::ProofRetainer};

/// The largest trie node of the state, storage and withdrawals tries: a branch with 16 hash
/// references and an empty value is `3 (list header) + 16 * 33 + 1 = 532` bytes (yellow paper,
/// appendix D). Leaves are smaller: an account leaf is at most `3 + 34 (path) + 3 + 110` bytes.
pub const MAX_BRANCH_NODE_BYTES: usize = 532;

/// The largest transaction or receipt, and so the largest value of their tries: EIP-7934 caps an
/// RLP-encoded execution block at `MAX_RLP_BLOCK_SIZE = 8_388_608` bytes, which bounds any one
/// transaction; a receipt's logs are bounded by gas (`G_logdata` = 8 gas per byte, yellow paper
/// appendix G) far below this for any block gas limit under 64M.
pub const MAX_ITEM_BYTES: usize = 8_388_608;

/// Bytes a receipts/transactions leaf node adds around its value: list header (≤ 5), hex-prefix
/// path of a key of at most 4 bytes (≤ 6) and the value's string header (≤ 5).
const LEAF_OVERHEAD_BYTES: usize = 16;

/// The most transactions (hence receipts) an execution payload may hold:
/// `MAX_TRANSACTIONS_PER_PAYLOAD = 2**20` (consensus-specs, bellatrix/beacon-chain.md).
pub const MAX_TRANSACTIONS_PER_BLOCK: usize = 1_048_576;

/// The most withdrawals an execution payload may hold: `MAX_WITHDRAWALS_PER_PAYLOAD = 2**4`
/// (consensus-specs, capella/beacon-chain.md).
pub const MAX_WITHDRAWALS_PER_BLOCK: usize = 16;

/// Secure-trie keys (state, storage) are 32-byte hashes: 64 nibbles. Each node of a path consumes
/// at least one nibble, except a final leaf with an empty remaining path, so no valid proof has
/// more than 65 nodes.
pub const MAX_SECURE_PROOF_NODES: usize = 65;

/// The largest node a proof in `trie` can contain.
pub const fn max_node_bytes(trie: TrieKind) -> usize {
    match trie {
        TrieKind::State | TrieKind::Storage | TrieKind::Withdrawals => MAX_BRANCH_NODE_BYTES,
        TrieKind::Receipts | TrieKind::Transactions => {
            // The branch limit is smaller than this, so one bound covers every node.
            MAX_ITEM_BYTES.saturating_add(LEAF_OVERHEAD_BYTES)
        }
    }
}

/// The key of position `index` in an ordered trie: `rlp(index)` (yellow paper eq. 33 and 37).
pub fn index_key(index: u64) -> Vec<u8> {
    alloy_rlp::encode(index)
}

/// Splits bytes into nibbles, high nibble first.
fn to_nibbles(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0x0f])
        .collect()
}

/// What a trie says about a key.
type Proven = Option<Vec<u8>>;

/// Walks `nodes` from `root` along `key` (the unhashed-or-hashed trie key bytes) and returns the
/// value stored there, or `None` when the proof shows the key absent.
///
/// `trie` and `label` only name the proof in errors and select the node-size limit.
///
/// # Errors
/// Too many or too large nodes, a malformed node, a node that does not hash to its reference,
/// a proof that stops early or continues after the path ends.
pub fn proven_value(
    trie: TrieKind,
    label: TrieKey,
    root: B256,
    key: &[u8],
    nodes: &[Bytes],
) -> Result<Proven, SpvError> {
    let path = to_nibbles(key);
    let max_nodes = path.len().saturating_add(1);
    if nodes.len() > max_nodes {
        return Err(SpvError::ProofTooLong {
            trie,
            key: label,
            count: nodes.len(),
            max: max_nodes,
        });
    }
    let max_bytes = max_node_bytes(trie);
    for (node, bytes) in nodes.iter().enumerate() {
        if bytes.len() > max_bytes {
            return Err(SpvError::ProofNodeTooLarge {
                trie,
                key: label,
                node,
                size: bytes.len(),
                max: max_bytes,
            });
        }
    }
    if root == EMPTY_ROOT_HASH {
        // An empty trie: nothing to walk. Clients send no node, or the single empty node `0x80`.
        return match nodes {
            [] => Ok(None),
            [only] if only.as_ref() == [alloy_rlp::EMPTY_STRING_CODE] => Ok(None),
            _ => Err(SpvError::ProofExtraNodes {
                trie,
                key: label,
                extra: nodes.len(),
            }),
        };
    }
    let mut expected = root;
    let mut consumed = 0usize;
    for (position, bytes) in nodes.iter().enumerate() {
        let got = keccak256(bytes);
        if got != expected {
            return Err(SpvError::ProofHashMismatch {
                trie,
                key: label,
                node: position,
                expected,
                got,
            });
        }
        let node_error = |source| SpvError::ProofNode {
            trie,
            key: label,
            node: position,
            source,
        };
        match step(bytes, &path, &mut consumed).map_err(node_error)? {
            Step::Next(hash) => expected = hash,
            Step::Done(proven) => {
                let extra = nodes.len().saturating_sub(position).saturating_sub(1);
                if extra > 0 {
                    return Err(SpvError::ProofExtraNodes {
                        trie,
                        key: label,
                        extra,
                    });
                }
                return Ok(proven);
            }
        }
    }
    Err(SpvError::ProofTruncated {
        trie,
        key: label,
        count: nodes.len(),
    })
}

/// Requires that the proof proves exactly `value` for `key`.
///
/// # Errors
/// The proof is invalid ([`proven_value`]), proves absence, or proves another value.
pub fn verify_inclusion(
    trie: TrieKind,
    label: TrieKey,
    root: B256,
    key: &[u8],
    value: &[u8],
    nodes: &[Bytes],
) -> Result<(), SpvError> {
    match proven_value(trie, label, root, key, nodes)? {
        Some(proven) if proven == value => Ok(()),
        Some(_) => Err(SpvError::ProofValueMismatch { trie, key: label }),
        None => Err(SpvError::ProofAbsent { trie, key: label }),
    }
}

/// Where one proof node leads.
enum Step {
    /// To the node with this hash.
    Next(B256),
    /// The walk ends: the value, or absence.
    Done(Proven),
}

/// A reference from a node to a child.
enum ChildRef<'a> {
    Empty,
    Hash(B256),
    Embedded(&'a [u8]),
}

/// Processes one hashed node (and any nodes embedded in it) for the nibbles of `path` from
/// `consumed` on.
fn step(node: &[u8], path: &[u8], consumed: &mut usize) -> Result<Step, NodeError> {
    let mut current = node;
    // Each embedded level consumes at least one nibble, so this loop runs at most 65 times.
    loop {
        let child = match node_items(current)? {
            NodeItems::Branch(items) => {
                let [children @ .., value] = *items;
                let Some(&nibble) = path.get(*consumed) else {
                    // The key ends at this branch: its value slot holds the value.
                    let value = decode_string(value)?;
                    return Ok(Step::Done((!value.is_empty()).then(|| value.to_vec())));
                };
                *consumed = consumed.saturating_add(1);
                let child = children
                    .get(usize::from(nibble))
                    .copied()
                    .ok_or(NodeError::ItemCount(0))?;
                child_ref(child)?
            }
            NodeItems::Short(encoded_path, second) => {
                let (is_leaf, node_path) = decode_hex_prefix(encoded_path)?;
                let rest = path.get(*consumed..).unwrap_or_default();
                if is_leaf {
                    let value = decode_string(second)?;
                    if value.is_empty() {
                        return Err(NodeError::EmptyValue);
                    }
                    let found = rest == node_path.as_slice();
                    return Ok(Step::Done(found.then(|| value.to_vec())));
                }
                if node_path.is_empty() {
                    return Err(NodeError::EmptyExtension);
                }
                if !rest.starts_with(&node_path) {
                    return Ok(Step::Done(None));
                }
                *consumed = consumed.saturating_add(node_path.len());
                match child_ref(second)? {
                    ChildRef::Empty => return Err(NodeError::ChildReference(0)),
                    other => other,
                }
            }
        };
        match child {
            ChildRef::Empty => return Ok(Step::Done(None)),
            ChildRef::Hash(hash) => return Ok(Step::Next(hash)),
            ChildRef::Embedded(bytes) => current = bytes,
        }
    }
}

/// The items of a decoded node: raw child items of a branch and its value item, or the path and
/// second item of a leaf/extension.
enum NodeItems<'a> {
    /// Sixteen child references, then the value.
    Branch(Box<[&'a [u8]; 17]>),
    /// The hex-prefix path, then the value (leaf) or child reference (extension).
    Short(&'a [u8], &'a [u8]),
}

/// Splits one node into its raw items. The node must be exactly one canonical RLP list of 2 or 17
/// items.
fn node_items(node: &[u8]) -> Result<NodeItems<'_>, NodeError> {
    let mut buf = node;
    let header = Header::decode(&mut buf).map_err(NodeError::Rlp)?;
    if !header.list {
        return Err(NodeError::NotAList);
    }
    let (mut payload, rest) = buf
        .split_at_checked(header.payload_length)
        .ok_or(NodeError::Rlp(alloy_rlp::Error::InputTooShort))?;
    if !rest.is_empty() {
        return Err(NodeError::TrailingBytes(rest.len()));
    }
    let mut items: [&[u8]; 17] = [&[]; 17];
    let mut count = 0usize;
    while !payload.is_empty() {
        let item = raw_item(&mut payload)?;
        let slot = items.get_mut(count).ok_or(NodeError::ItemCount(18))?;
        *slot = item;
        count = count.saturating_add(1);
    }
    match count {
        2 => {
            let [path, second, ..] = items;
            Ok(NodeItems::Short(path, second))
        }
        17 => Ok(NodeItems::Branch(Box::new(items))),
        other => Err(NodeError::ItemCount(other)),
    }
}

/// Splits the next RLP item (header included) off `buf`.
fn raw_item<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], NodeError> {
    let start = *buf;
    let mut rest = *buf;
    let header = Header::decode(&mut rest).map_err(NodeError::Rlp)?;
    let header_len = start.len().saturating_sub(rest.len());
    let total = header_len
        .checked_add(header.payload_length)
        .ok_or(NodeError::Rlp(alloy_rlp::Error::Overflow))?;
    let (item, after) = start
        .split_at_checked(total)
        .ok_or(NodeError::Rlp(alloy_rlp::Error::InputTooShort))?;
    *buf = after;
    Ok(item)
}

/// The content of a raw item that must be an RLP string.
fn decode_string(item: &[u8]) -> Result<&[u8], NodeError> {
    let mut buf = item;
    Header::decode_bytes(&mut buf, false).map_err(NodeError::Rlp)
}

/// Interprets a raw child item: `0x80` (empty), a 32-byte string (hash) or a list shorter than
/// 32 bytes (an embedded node).
fn child_ref(item: &[u8]) -> Result<ChildRef<'_>, NodeError> {
    let mut buf = item;
    let header = Header::decode(&mut buf).map_err(NodeError::Rlp)?;
    if header.list {
        if item.len() < 32 {
            return Ok(ChildRef::Embedded(item));
        }
        return Err(NodeError::ChildReference(item.len()));
    }
    match buf.len() {
        0 => Ok(ChildRef::Empty),
        32 => Ok(ChildRef::Hash(B256::from_slice(buf))),
        other => Err(NodeError::ChildReference(other)),
    }
}

/// Decodes a hex-prefix (compact) path: flag nibble 0/1 extension, 2/3 leaf; odd flags carry the
/// first nibble, even flags a zero pad nibble (yellow paper, appendix C).
fn decode_hex_prefix(item: &[u8]) -> Result<(bool, Vec<u8>), NodeError> {
    let bytes = decode_string(item)?;
    let (&first, rest) = bytes.split_first().ok_or(NodeError::PathEncoding)?;
    let flag = first >> 4;
    let is_leaf = match flag {
        0 | 1 => false,
        2 | 3 => true,
        _ => return Err(NodeError::PathEncoding),
    };
    let mut nibbles = Vec::with_capacity(rest.len().saturating_mul(2).saturating_add(1));
    if flag & 1 == 1 {
        nibbles.push(first & 0x0f);
    } else if first & 0x0f != 0 {
        return Err(NodeError::PathEncoding);
    }
    nibbles.extend(to_nibbles(rest));
    Ok((is_leaf, nibbles))
}

/// An ordered trie (receipts, transactions, withdrawals) built from all its values.
#[derive(Debug)]
pub struct OrderedTrie {
    root: B256,
    proof: Option<Vec<Bytes>>,
}

impl OrderedTrie {
    /// Builds the trie of `values` keyed by `rlp(index)` and, when `target` is given, retains the
    /// proof of that index (root first, only hashed nodes, as eth_getProof returns them).
    ///
    /// # Errors
    /// More values than [`MAX_TRANSACTIONS_PER_BLOCK`], or `target` out of range.
    pub fn build<T: AsRef<[u8]>>(
        trie: TrieKind,
        values: &[T],
        target: Option<u64>,
    ) -> Result<Self, SpvError> {
        let max = match trie {
            TrieKind::Withdrawals => MAX_WITHDRAWALS_PER_BLOCK,
            TrieKind::State | TrieKind::Storage | TrieKind::Receipts | TrieKind::Transactions => {
                MAX_TRANSACTIONS_PER_BLOCK
            }
        };
        if values.len() > max {
            return Err(SpvError::TooMany {
                what: "ordered trie values",
                count: values.len(),
                max,
            });
        }
        let len = u64::try_from(values.len()).map_err(|_| SpvError::TooMany {
            what: "ordered trie values",
            count: values.len(),
            max,
        })?;
        let target_key = match target {
            Some(index) if index >= len => {
                return Err(SpvError::IndexOutOfRange {
                    what: "trie value",
                    index,
                    len,
                });
            }
            Some(index) => Some(Nibbles::unpack(index_key(index))),
            None => None,
        };
        if values.is_empty() {
            return Ok(Self {
                root: EMPTY_ROOT_HASH,
                proof: target_key.map(|_| Vec::new()),
            });
        }
        let mut builder = match target_key {
            Some(key) => HashBuilder::default().with_proof_retainer(ProofRetainer::new(vec![key])),
            None => HashBuilder::default(),
        };
        // Leaves must be added in key order. rlp(0) = 0x80 sorts after rlp(1..=127) = 0x01..=0x7f
        // and before rlp(128..) = 0x81.., so index 0 goes in after 127 (or last, if fewer).
        for position in 0..len {
            let index = key_order_index(position, len);
            let value = usize::try_from(index)
                .ok()
                .and_then(|i| values.get(i))
                .ok_or(SpvError::IndexOutOfRange {
                    what: "trie value",
                    index,
                    len,
                })?;
            builder.add_leaf(Nibbles::unpack(index_key(index)), value.as_ref());
        }
        let root = builder.root();
        let proof = target_key.map(|key| {
            builder
                .take_proof_nodes()
                .matching_nodes_sorted(&key)
                .into_iter()
                .filter(|(path, node)| path.is_empty() || node.len() >= 32)
                .map(|(_, node)| node)
                .collect()
        });
        Ok(Self { root, proof })
    }

    /// The trie root.
    pub const fn root(&self) -> B256 {
        self.root
    }

    /// The retained proof (root node first), if a target was given.
    pub fn proof(&self) -> Option<&[Bytes]> {
        self.proof.as_deref()
    }

    /// Takes the retained proof.
    pub fn into_proof(self) -> Option<Vec<Bytes>> {
        self.proof
    }
}

/// The index whose key is the `position`-th in byte order among `rlp(0..len)`.
const fn key_order_index(position: u64, len: u64) -> u64 {
    if position > 0x7f {
        position
    } else if position == 0x7f || position.saturating_add(1) == len {
        0
    } else {
        position.saturating_add(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_trie::proof::verify_proof;

    fn label(index: u64) -> TrieKey {
        TrieKey::Index(index)
    }

    fn values(count: usize, size: usize) -> Vec<Vec<u8>> {
        (0..count)
            .map(|i| {
                let seed = keccak256(i.to_be_bytes());
                seed.iter().copied().cycle().take(size.max(1)).collect()
            })
            .collect()
    }

    #[test]
    fn ordered_proofs_agree_with_alloy_for_every_index_and_size() {
        for (count, size) in [(1, 40), (2, 40), (3, 3), (17, 5), (130, 40), (300, 2)] {
            let items = values(count, size);
            let expected_root = alloy_trie::root::ordered_trie_root_encoded(&items);
            for index in [0, 1, count / 2, count.saturating_sub(1), 127, 128] {
                if index >= count {
                    continue;
                }
                let index = u64::try_from(index).unwrap();
                let trie = OrderedTrie::build(TrieKind::Receipts, &items, Some(index)).unwrap();
                assert_eq!(trie.root(), expected_root);
                let proof = trie.proof().unwrap();
                let key = index_key(index);
                let value = &items[usize::try_from(index).unwrap()];
                let proven =
                    proven_value(TrieKind::Receipts, label(index), expected_root, &key, proof)
                        .unwrap();
                assert_eq!(proven.as_deref(), Some(value.as_slice()));
                verify_proof(
                    expected_root,
                    Nibbles::unpack(&key),
                    Some(value.clone()),
                    proof.iter(),
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn absent_index_is_proven_absent() {
        let items = values(10, 40);
        let trie = OrderedTrie::build(TrieKind::Receipts, &items, Some(9)).unwrap();
        // Index 10 (key 0x0a) is absent; index 9 (key 0x09) shares the first nibble, so the root
        // and the branch under nibble 0 from its proof show slot `a` empty.
        let key = index_key(10);
        let nodes = trie.proof().unwrap();
        assert_eq!(nodes.len(), 3);
        let proven = proven_value(
            TrieKind::Receipts,
            label(10),
            trie.root(),
            &key,
            &nodes[..2],
        );
        assert_eq!(proven, Ok(None));
        verify_proof(trie.root(), Nibbles::unpack(&key), None, nodes[..2].iter()).unwrap();
        // With the leaf of index 9 appended, the proof has a node after its end.
        assert_eq!(
            proven_value(TrieKind::Receipts, label(10), trie.root(), &key, nodes),
            Err(SpvError::ProofExtraNodes {
                trie: TrieKind::Receipts,
                key: label(10),
                extra: 1
            })
        );
    }

    #[test]
    fn empty_trie() {
        let trie = OrderedTrie::build::<Vec<u8>>(TrieKind::Receipts, &[], None).unwrap();
        assert_eq!(trie.root(), EMPTY_ROOT_HASH);
        let key = index_key(0);
        assert_eq!(
            proven_value(TrieKind::Receipts, label(0), EMPTY_ROOT_HASH, &key, &[]),
            Ok(None)
        );
        assert_eq!(
            proven_value(
                TrieKind::Receipts,
                label(0),
                EMPTY_ROOT_HASH,
                &key,
                &[Bytes::from_static(&[0xc0])]
            ),
            Err(SpvError::ProofExtraNodes {
                trie: TrieKind::Receipts,
                key: label(0),
                extra: 1
            })
        );
    }

    #[test]
    fn hex_prefix() {
        assert_eq!(
            decode_hex_prefix(&[0x82, 0x20, 0xab]),
            Ok((true, vec![0xa, 0xb]))
        );
        assert_eq!(
            decode_hex_prefix(&[0x82, 0x1a, 0xbc]),
            Ok((false, vec![0xa, 0xb, 0xc]))
        );
        assert_eq!(
            decode_hex_prefix(&[0x82, 0x21, 0xab]),
            Err(NodeError::PathEncoding)
        );
        assert_eq!(
            decode_hex_prefix(&[0x82, 0x4a, 0xbc]),
            Err(NodeError::PathEncoding)
        );
        assert_eq!(decode_hex_prefix(&[0x80]), Err(NodeError::PathEncoding));
    }

    #[test]
    fn key_order_matches_alloy() {
        for len in [1u64, 2, 127, 128, 129, 300] {
            for position in 0..len {
                let ours = key_order_index(position, len);
                let theirs = alloy_trie::root::adjust_index_for_rlp(
                    usize::try_from(position).unwrap(),
                    usize::try_from(len).unwrap(),
                );
                assert_eq!(ours, u64::try_from(theirs).unwrap());
            }
        }
    }
}
