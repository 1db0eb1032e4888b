// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {Sha384} from "../src/lib/Sha384.sol";

/// @notice SHA-384 against the FIPS 180-4 / NIST CSHA examples and hashlib-generated vectors.
contract Sha384Test is Test {
    function testNistAbc() public pure {
        assertEq(
            Sha384.hash("abc"),
            hex"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
            "abc"
        );
    }

    function testNistEmpty() public pure {
        assertEq(
            Sha384.hash(""),
            hex"38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
            "empty"
        );
    }

    /// The 896-bit two-block message of the NIST SHA-384 example.
    function testNist896Bit() public pure {
        assertEq(
            Sha384.hash(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
            ),
            hex"09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039",
            "896-bit"
        );
    }

    /// One million 'a' (NIST long-message example): 7,813 blocks, ~250M gas, so it runs above the tx cap only
    /// in a dedicated profile; the hashlib vectors below cover multi-block messages up to 2 KB instead.
    function testHashlibVectors() public view {
        string memory json = vm.readFile("test/data/sha384_vectors.json");
        uint256 count = vm.parseJsonUint(json, ".count");
        assertTrue(count >= 30, "vector count");
        // Field by field: parseJson of the whole array would type 32-byte hex strings as bytes32.
        for (uint256 i = 0; i < count; i++) {
            string memory at = string.concat(".vectors[", vm.toString(i), "]");
            bytes memory message = vm.parseJsonBytes(json, string.concat(at, ".message"));
            bytes memory digest = vm.parseJsonBytes(json, string.concat(at, ".digest"));
            assertEq(Sha384.hash(message), digest, vm.toString(message.length));
        }
    }

    /// The free memory pointer moves by exactly the returned array and memory before it is untouched.
    function testMemoryDiscipline() public pure {
        bytes memory message = "memory discipline";
        bytes32 before = keccak256(message);
        uint256 fmpBefore;
        assembly {
            fmpBefore := mload(0x40)
        }
        bytes memory digest = Sha384.hash(message);
        uint256 fmpAfter;
        assembly {
            fmpAfter := mload(0x40)
        }
        assertEq(keccak256(message), before, "input intact");
        assertEq(digest.length, 48, "length");
        assertTrue(fmpAfter >= fmpBefore + 80 && fmpAfter <= fmpBefore + 800, "fmp advance");
    }
}
