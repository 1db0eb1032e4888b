// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ILCPClient} from "../interfaces/ILCPClient.sol";
import {ILCPMessages} from "../interfaces/ILCPMessages.sol";

/// @title ExampleBridge
/// @notice Destination-chain half of the example bridge, the integration to copy: releases ETH only
///         for a `Locked` event that `LCPClient` proves was emitted by the configured source-chain
///         `ExampleLocker` in a finalized block, addressed to this chain and this bridge, once.
/// @dev What the client already checked: enclave signatures (threshold), the message's chain and client,
///      and that the block is one the client finalized (number and hash). What only the bridge can check,
///      and does here: the emitter, the event signature and shape, the destination, and replay.
contract ExampleBridge {
    error WrongEmitter(address got, address expected);
    error NotALockEvent(uint256 topics, bytes32 topic0);
    error BadRecipient(bytes32 topic);
    error BadEventData(uint256 length);
    error WrongDestination(uint256 chainId, address bridge);
    error AlreadyReleased(bytes32 lockId);
    error TransferFailed(address recipient, uint256 amount);

    event Released(bytes32 indexed lockId, address indexed recipient, uint256 amount);

    /// @notice keccak256("Locked(address,uint256,uint256,address)"): the source event's topic0.
    bytes32 public constant LOCKED_TOPIC = keccak256("Locked(address,uint256,uint256,address)");

    ILCPClient public immutable client;
    /// @notice The `ExampleLocker` on the source chain.
    address public immutable sourceLocker;

    /// @notice Lock ids already paid out: keccak256(abi.encode(blockHash, txIndex, logIndex)).
    mapping(bytes32 lockId => bool) public released;

    constructor(ILCPClient lcpClient, address locker) {
        client = lcpClient;
        sourceLocker = locker;
    }

    receive() external payable {}

    /// @notice Pays out the lock proven by a signed `ReceiptLogClaim`. Anyone may relay it; the funds
    ///         go to the recipient named in the event.
    function release(bytes calldata message, bytes calldata signatures) external returns (bytes32 lockId) {
        ILCPMessages.ReceiptLogClaim memory log = client.verifyReceiptLog(message, signatures);
        if (log.emitter != sourceLocker) revert WrongEmitter(log.emitter, sourceLocker);
        if (log.topics.length != 2 || log.topics[0] != LOCKED_TOPIC) {
            revert NotALockEvent(log.topics.length, log.topics.length == 0 ? bytes32(0) : log.topics[0]);
        }
        bytes32 recipientTopic = log.topics[1];
        if (uint256(recipientTopic) >> 160 != 0) revert BadRecipient(recipientTopic);
        address recipient = address(uint160(uint256(recipientTopic)));
        if (log.data.length != 96) revert BadEventData(log.data.length);
        (uint256 amount, uint256 chainId, address bridge) = abi.decode(log.data, (uint256, uint256, address));
        if (chainId != block.chainid || bridge != address(this)) revert WrongDestination(chainId, bridge);

        // One payout per event: (block hash, tx index, log index) names exactly one log of the source chain.
        lockId = keccak256(abi.encode(log.blockHash, log.txIndex, log.logIndex));
        if (released[lockId]) revert AlreadyReleased(lockId);
        released[lockId] = true; // effects before the external call

        emit Released(lockId, recipient, amount);
        (bool ok,) = recipient.call{value: amount}("");
        if (!ok) revert TransferFailed(recipient, amount);
    }
}
