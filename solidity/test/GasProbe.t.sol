// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";

contract GasProbeTest is LCPClientFixture {
    function setUp() public {
        _deploy(1, 1);
    }

    function testProbeOwner() public {
        client.owner();
        vm.snapshotGasLastCall("probe owner");
        client.owner();
        vm.snapshotGasLastCall("probe owner warm");
    }
}
