// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ILCPMessages} from "./ILCPMessages.sol";

/// @title ILCPClient
/// @notice What a bridge calls. Every function reverts unless the message carries the header for this
///         chain and this client, at least `threshold` valid signatures by registered, unexpired enclave
///         keys of distinct operators, and names an execution block (number AND hash) the client stored
///         through a verified `UpdateState`; a frozen client verifies nothing.
/// @dev None of them checks what only the bridge knows: which emitter, topic, account or slot matters,
///      and whether the claim was already consumed (replay protection is the bridge's job).
interface ILCPClient {
    /// @notice A signed `ReceiptLogClaim`: returns the proven log.
    function verifyReceiptLog(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.ReceiptLogClaim memory claim);

    /// @notice A signed `StorageClaim`: returns the proven slot value.
    function verifyStorage(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.StorageClaim memory claim);

    /// @notice A signed `AccountClaim`: returns the proven account.
    function verifyAccount(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.AccountClaim memory claim);

    /// @notice A signed `TransactionClaim`: returns the proven transaction hash, type and index.
    function verifyTransaction(bytes calldata message, bytes calldata signatures)
        external
        view
        returns (ILCPMessages.TransactionClaim memory claim);

    /// @notice Storage claims proven by one signed `BatchClaims`; `proofs` holds each claim's
    ///         `depth(leafCount)` siblings back to back, `indices[i]` is claim i's leaf index.
    function verifyStorageBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.StorageClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch);

    /// @notice As `verifyStorageBatch`, for receipt-log claims.
    function verifyReceiptLogBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.ReceiptLogClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch);

    /// @notice As `verifyStorageBatch`, for account claims.
    function verifyAccountBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.AccountClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch);

    /// @notice As `verifyStorageBatch`, for transaction claims (type 6 leaves).
    function verifyTransactionBatch(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.TransactionClaim[] calldata claims,
        uint256[] calldata indices,
        bytes32[] calldata proofs
    ) external view returns (ILCPMessages.BatchClaims memory batch);

    /// @notice Every storage claim of a signed `BatchClaims`, in leaf order (`claims.length == leafCount`):
    ///         no proofs needed, the client rebuilds the root. The cheapest way to consume a whole batch,
    ///         in calldata above all (proof nodes are incompressible, 40 gas a byte at the EIP-7623 floor).
    function verifyStorageBatchAll(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.StorageClaim[] calldata claims
    ) external view returns (ILCPMessages.BatchClaims memory batch);

    /// @notice As `verifyStorageBatchAll`, for receipt-log claims.
    function verifyReceiptLogBatchAll(
        bytes calldata message,
        bytes calldata signatures,
        ILCPMessages.ReceiptLogClaim[] calldata claims
    ) external view returns (ILCPMessages.BatchClaims memory batch);

    /// @notice The stored hash of execution block `blockNumber` (zero when none is stored).
    function blockHashOf(uint64 blockNumber) external view returns (bytes32);
}
