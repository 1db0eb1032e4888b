// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Vm} from "./Vm.sol";

/// @notice Minimal test base: the cheatcode handle and assertion helpers that revert with what differed.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// forge treats any contract with `IS_TEST` as a test suite.
    bool public IS_TEST = true;

    error AssertionFailed(string what);
    error AssertEqUint(string what, uint256 got, uint256 expected);
    error AssertEqBytes32(string what, bytes32 got, bytes32 expected);
    error AssertEqAddress(string what, address got, address expected);
    error AssertEqBytes(string what, bytes got, bytes expected);

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what);
    }

    function assertFalse(bool condition, string memory what) internal pure {
        if (condition) revert AssertionFailed(what);
    }

    function assertEq(uint256 got, uint256 expected, string memory what) internal pure {
        if (got != expected) revert AssertEqUint(what, got, expected);
    }

    function assertEq(bytes32 got, bytes32 expected, string memory what) internal pure {
        if (got != expected) revert AssertEqBytes32(what, got, expected);
    }

    function assertEq(address got, address expected, string memory what) internal pure {
        if (got != expected) revert AssertEqAddress(what, got, expected);
    }

    function assertEq(bytes memory got, bytes memory expected, string memory what) internal pure {
        if (keccak256(got) != keccak256(expected)) revert AssertEqBytes(what, got, expected);
    }

    function assertEq(bool got, bool expected, string memory what) internal pure {
        if (got != expected) revert AssertionFailed(what);
    }
}
