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

    /// @dev 2^16 leaves, depth 16 (the Rust `MAX_BATCH_LEAVES`; a larger batch would not fit one transaction).
    uint256 internal constant MAX_BATCH_LEAVES = 1 << 16;

    function receiptLogLeaf(ILCPMessages.ReceiptLogClaim calldata claim) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0), ILCPMessages.MessageType.ReceiptLogClaim, abi.encode(claim)));
    }

    function storageLeaf(ILCPMessages.StorageClaim calldata claim) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0), ILCPMessages.MessageType.StorageClaim, abi.encode(claim)));
    }

    function accountLeaf(ILCPMessages.AccountClaim calldata claim) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0), ILCPMessages.MessageType.AccountClaim, abi.encode(claim)));
    }

    /// @notice keccak256(0x01 ‖ left ‖ right).
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), left, right));
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
        bytes32 h = leaf;
        for (uint256 i; i < treeDepth; ++i) {
            h = ((index >> i) & 1) == 1 ? nodeHash(proof[i], h) : nodeHash(h, proof[i]);
        }
        if (h != root) revert RootMismatch(h, root);
    }
}
