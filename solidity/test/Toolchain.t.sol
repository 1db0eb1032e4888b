// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";

/// @notice Proves the offline toolchain: cheatcodes reach the VM, fixtures are readable, and the
///         EVM rules are Osaka (the CLZ opcode of EIP-7939 exists only from Osaka on).
contract ToolchainTest is Test {
    function testWarpAndFixtureRead() public {
        vm.warp(1_700_000_000);
        assertEq(block.timestamp, 1_700_000_000, "warp");
        bytes memory root = vm.readFileBinary("../fixtures/nitro/root.der");
        assertEq(sha256(root), 0x641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b, "root pin");
    }

    function testOsakaClz() public pure {
        uint256 r;
        assembly {
            r := clz(1)
        }
        assertEq(r, 255, "clz(1)");
    }
}
