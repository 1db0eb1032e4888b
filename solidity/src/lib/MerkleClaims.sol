// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ILCPMessages} from "../interfaces/ILCPMessages.sol";

/// @title MerkleClaims
/// @notice The batch tree of `BatchClaims.root` (the Rust side: `attestation-verifier/src/message/merkle.rs`).
///         leaf = keccak256(0x00 ‖ uint8 claimType ‖ abi.encode(claim)); node = keccak256(0x01 ‖ left ‖ right);
///         the leaf row is padded with bytes32(0) to 2^depth, depth = ceil(log2(leafCount)); a proof is the
///         `depth` siblings from the leaf row up, bit i of the index telling whether the running hash is the
///         right child at level i. The prefixes stop a node from passing as a leaf (second preimage), the
///         claim type stops one claim kind from passing as another, and the signed `leafCount` fixes the
///         proof length and forbids the padding positions.
library MerkleClaims {
    error BatchSize(uint256 leafCount, uint256 max);
    error LeafIndexOutOfRange(uint256 index, uint256 leafCount);
    error ProofLength(uint256 got, uint256 expected);
    error RootMismatch(bytes32 got, bytes32 expected);
    error IncompleteBatch(uint256 leaves, uint256 leafCount);

    /// @dev 2^16 leaves, depth 16 (the Rust `MAX_BATCH_LEAVES`; a larger batch would not fit one transaction).
    uint256 internal constant MAX_BATCH_LEAVES = 1 << 16;

    /// @notice Leaf of a receipt-log claim (dynamic: hashed through `abi.encode`).
    function receiptLogLeaf(ILCPMessages.ReceiptLogClaim calldata claim) internal pure returns (bytes32 h) {
        uint256 fmp;
        assembly ("memory-safe") {
            fmp := mload(0x40)
        }
        h = keccak256(abi.encodePacked(uint8(0), ILCPMessages.MessageType.ReceiptLogClaim, abi.encode(claim)));
        assembly ("memory-safe") {
            // Release the encoding buffer: nothing allocated above is used again, and a 100-claim batch
            // would otherwise pay quadratic memory expansion for dead copies.
            mstore(0x40, fmp)
        }
    }

    /// @notice Leaf of a storage claim.
    function storageLeaf(ILCPMessages.StorageClaim calldata claim) internal pure returns (bytes32 h) {
        h = staticLeaf(ILCPMessages.MessageType.StorageClaim, claimOffset(claim), 5 * 32);
    }

    /// @notice Leaf of an account claim.
    function accountLeaf(ILCPMessages.AccountClaim calldata claim) internal pure returns (bytes32 h) {
        uint256 offset;
        assembly ("memory-safe") {
            offset := claim
        }
        h = staticLeaf(ILCPMessages.MessageType.AccountClaim, offset, 8 * 32);
    }

    /// @notice Leaf of a transaction claim (static, five words: blockNumber, blockHash, txIndex, txHash,
    ///         txType).
    function transactionLeaf(ILCPMessages.TransactionClaim calldata claim) internal pure returns (bytes32 h) {
        uint256 offset;
        assembly ("memory-safe") {
            offset := claim
        }
        h = staticLeaf(ILCPMessages.MessageType.TransactionClaim, offset, 5 * 32);
    }

    function claimOffset(ILCPMessages.StorageClaim calldata claim) private pure returns (uint256 offset) {
        assembly ("memory-safe") {
            offset := claim
        }
    }

    /// @dev keccak256(0x00 ‖ claimType ‖ calldata[offset : offset + size]). A static struct in calldata
    ///      IS its ABI encoding, so this equals hashing `abi.encode(claim)` without allocating. Dirty
    ///      (non-canonical) words hash to a different leaf than the enclave signed, so they fail the proof.
    function staticLeaf(ILCPMessages.MessageType claimType, uint256 offset, uint256 size)
        private
        pure
        returns (bytes32 h)
    {
        assembly ("memory-safe") {
            // Build the preimage in unallocated memory at the free-memory pointer (not moved).
            let m := mload(0x40)
            mstore8(m, 0x00)
            mstore8(add(m, 1), claimType)
            calldatacopy(add(m, 2), offset, size)
            h := keccak256(m, add(size, 2))
        }
    }

    /// @notice keccak256(0x01 ‖ left ‖ right).
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            // The 65-byte preimage spans scratch space 0x00..0x40 and the first byte of the
            // free-memory pointer word at 0x40, which is saved and restored. Measured: the
            // abi.encodePacked version allocated 97 bytes per node (quadratic memory cost in batches).
            let fmp := mload(0x40)
            mstore8(0x00, 0x01)
            mstore(0x01, left)
            mstore(0x21, right)
            h := keccak256(0x00, 0x41)
            mstore(0x40, fmp)
        }
    }

    /// @notice ceil(log2(leafCount)) for 1 ≤ leafCount ≤ MAX_BATCH_LEAVES.
    function depth(uint256 leafCount) internal pure returns (uint256 d) {
        if (leafCount == 0 || leafCount > MAX_BATCH_LEAVES) revert BatchSize(leafCount, MAX_BATCH_LEAVES);
        while ((uint256(1) << d) < leafCount) ++d;
    }

    /// @notice Reverts unless `leaf` is at `index` in the tree of `leafCount` leaves under `root`.
    /// @param treeDepth `depth(leafCount)`, computed once per batch by the caller.
    function verify(
        bytes32 root,
        uint256 leafCount,
        uint256 treeDepth,
        uint256 index,
        bytes32 leaf,
        bytes32[] calldata proof
    ) internal pure {
        if (index >= leafCount) revert LeafIndexOutOfRange(index, leafCount);
        if (proof.length != treeDepth) revert ProofLength(proof.length, treeDepth);
        bytes32 h;
        assembly ("memory-safe") {
            // Fold the proof into the leaf: at level i the running hash is the right child when bit i of
            // `index` is set. The preimage 0x01 ‖ left ‖ right (65 bytes) lives in scratch space 0x00..0x41;
            // byte 0x40 belongs to the free-memory pointer word, saved before and restored after.
            // Measured: ~330 gas per level as Solidity calling nodeHash, ~60 here (see NOTES).
            let fmp := mload(0x40)
            mstore8(0x00, 0x01)
            h := leaf
            for { let i := 0 } lt(i, treeDepth) { i := add(i, 1) } {
                let sibling := calldataload(add(proof.offset, shl(5, i)))
                switch and(shr(i, index), 1)
                case 0 {
                    mstore(0x01, h)
                    mstore(0x21, sibling)
                }
                default {
                    mstore(0x01, sibling)
                    mstore(0x21, h)
                }
                h := keccak256(0x00, 0x41)
            }
            mstore(0x40, fmp)
        }
        if (h != root) revert RootMismatch(h, root);
    }

    /// @notice Reverts unless `leaves` (in index order) are ALL the leaves of the tree under `root`.
    ///         Cheaper than one proof per leaf when a batch is consumed whole: no proof calldata, and
    ///         `leafCount - 1` node hashes plus the padding instead of `leafCount × depth`.
    /// @dev Overwrites `leaves` (the tree is folded in place). A missing right sibling at level k is the
    ///      all-padding subtree, whose hash is Z_k (Z_0 = bytes32(0), Z_k = node(Z_{k-1}, Z_{k-1})),
    ///      which is exactly the zero-padded tree of the Rust builder.
    function verifyAll(bytes32 root, uint256 leafCount, bytes32[] memory leaves) internal pure {
        if (leaves.length != leafCount) revert IncompleteBatch(leaves.length, leafCount);
        depth(leafCount); // bounds leafCount
        uint256 width = leaves.length;
        bytes32 padding; // Z_k for the current level
        while (width > 1) {
            uint256 parents = (width + 1) / 2;
            for (uint256 j; j < parents; ++j) {
                uint256 left = 2 * j;
                bytes32 right = left + 1 < width ? leaves[left + 1] : padding;
                leaves[j] = nodeHash(leaves[left], right);
            }
            padding = nodeHash(padding, padding);
            width = parents;
        }
        if (leaves[0] != root) revert RootMismatch(leaves[0], root);
    }
}
