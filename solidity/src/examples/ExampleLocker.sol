// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title ExampleLocker
/// @notice Source-chain half of the example bridge: locks ETH and emits the event `ExampleBridge`
///         releases against on the destination chain. Illustration only: no withdrawal path.
contract ExampleLocker {
    error ZeroAmount();

    /// @notice topic0 = keccak256("Locked(address,uint256,uint256,address)").
    event Locked(address indexed recipient, uint256 amount, uint256 destinationChainId, address destinationBridge);

    /// @notice Locks `msg.value` for `recipient` on (`destinationChainId`, `destinationBridge`).
    function lock(address recipient, uint256 destinationChainId, address destinationBridge) external payable {
        if (msg.value == 0) revert ZeroAmount();
        emit Locked(recipient, msg.value, destinationChainId, destinationBridge);
    }
}
