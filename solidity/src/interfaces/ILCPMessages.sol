// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title LCP signed-message layouts: the ONE definition.
/// @notice The Rust reference (`attestation-verifier/src/message/layout.rs`) reads this file with
///         alloy's `sol!`, so the enclave, the Rust verifier and `LCPClient` share every field and type.
///
/// A signed message is `header ‖ body`:
///
/// | bytes  | field        | encoding                                                         |
/// |--------|--------------|------------------------------------------------------------------|
/// | 0      | version      | `uint8`, currently 1                                             |
/// | 1      | message type | `uint8`, a `MessageType` value other than `None`                 |
/// | 2..4   | reserved     | two zero bytes (a non-zero reserved byte is a malformed header)  |
/// | 4..12  | chain id     | `uint64` big-endian: the destination chain's `block.chainid`     |
/// | 12..32 | client       | the destination `LCPClient` contract address                     |
/// | 32..   | body         | `abi.encode(<struct named by the type>)`, canonical encoding    |
///
/// Read as one big-endian word the header is
/// `version << 248 | type << 240 | chainId << 160 | uint160(client)`.
///
/// The enclave signs `keccak256(header ‖ body)` with its secp256k1 key; a signature is 65 bytes
/// `r(32) ‖ s(32) ‖ v(1)` with `v ∈ {27, 28}` and `s ≤ n/2` (low-s: the malleable twin is rejected).
/// Chain id and client address in the signed bytes keep a message from being replayed on another
/// chain or on another deployment; the message type keeps one body from being read as another.
///
/// Uniform conventions: block numbers, slots and timestamps are `uint64` (ABI-padded to 32 bytes);
/// timestamps are seconds; every claim names the execution block by number AND hash, and the
/// client accepts it only for a block it stored through a verified `UpdateState`.
interface ILCPMessages {
    /// @notice Message type, byte 1 of the header. Values are part of the wire format: append only.
    enum MessageType {
        None,
        UpdateState,
        ReceiptLogClaim,
        StorageClaim,
        AccountClaim,
        BatchClaims,
        TransactionClaim
    }

    /// @notice The light client moved from `prevStateId` to `postStateId`.
    /// @dev `prevStateId == 0` is the initialisation message: the enclave verified the bootstrap
    ///      against the trusted beacon block root, and `finalizedBeaconRoot` then IS that trusted root
    ///      (the bootstrap header is the first finalized header), so the client can compare it with the
    ///      root it was deployed with. `stateId` is the hash of every field of the enclave's light-client
    ///      store. The execution fields are those of the finalized beacon block's execution payload.
    struct UpdateState {
        bytes32 prevStateId;
        bytes32 postStateId;
        /// Beacon slot of the finalized header.
        uint64 finalizedSlot;
        /// hash_tree_root of the finalized beacon block header (the trusted root for the init message).
        bytes32 finalizedBeaconRoot;
        uint64 blockNumber;
        bytes32 blockHash;
        bytes32 stateRoot;
        bytes32 receiptsRoot;
        /// Execution payload timestamp, seconds.
        uint64 timestamp;
    }

    /// @notice Log `logIndex` of the receipt of transaction `txIndex` in block `blockNumber` is
    ///         exactly (`emitter`, `topics`, `data`), and that receipt's status is success.
    /// @dev `logIndex` is the position within the receipt's `logs` list (0-based), not the block-wide
    ///      log index. (`blockHash`, `txIndex`, `logIndex`) identifies the event uniquely: bridges use
    ///      it as their replay key.
    struct ReceiptLogClaim {
        uint64 blockNumber;
        bytes32 blockHash;
        uint32 txIndex;
        uint32 logIndex;
        address emitter;
        bytes32[] topics;
        bytes data;
    }

    /// @notice Storage `slot` of `account` holds `value` at block `blockNumber` (zero for an empty
    ///         slot or an absent account: non-membership is proven, not assumed).
    struct StorageClaim {
        uint64 blockNumber;
        bytes32 blockHash;
        address account;
        bytes32 slot;
        bytes32 value;
    }

    /// @notice The state of `account` at block `blockNumber`. When `exists` is false the account is
    ///         proven absent and the other fields are zero.
    struct AccountClaim {
        uint64 blockNumber;
        bytes32 blockHash;
        address account;
        bool exists;
        uint64 nonce;
        uint256 balance;
        bytes32 storageRoot;
        bytes32 codeHash;
    }

    /// @notice Transaction `txHash` (keccak256 of its EIP-2718 encoding), of EIP-2718 type `txType`, is at
    ///         index `txIndex` of block `blockNumber`.
    /// @dev Proven against the MPT transactions root of the execution header whose recomputed hash is
    ///      `blockHash` (the light client's verified block). Says nothing about the transaction's outcome:
    ///      a receipt claim does.
    struct TransactionClaim {
        uint64 blockNumber;
        bytes32 blockHash;
        uint32 txIndex;
        bytes32 txHash;
        uint8 txType;
    }

    /// @notice One signature over many claims at one block: `root` is the Merkle root over
    ///         `leafCount` claim leaves (see `MerkleClaims.sol` for the exact tree).
    /// @dev Leaf   = keccak256(0x00 ‖ uint8 claimType ‖ abi.encode(claim)),
    ///      node   = keccak256(0x01 ‖ left ‖ right),
    ///      the leaf row is padded with `bytes32(0)` to the next power of two (a single leaf is the root),
    ///      and a proof is the sibling list from the leaf up, the leaf index choosing left or right.
    ///      Every claim in the batch names this batch's block number and hash.
    struct BatchClaims {
        uint64 blockNumber;
        bytes32 blockHash;
        uint32 leafCount;
        bytes32 root;
    }
}
