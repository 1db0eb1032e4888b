// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {P384} from "../src/lib/P384.sol";
import {P384Verifier} from "../src/P384Verifier.sol";

/// @notice Gas of one P-384 verification (a real AWS certificate signature: evervault cabundle[1] signed by the
///         root), recorded in .gas-snapshot by `forge snapshot`. Inputs come from p384_vectors.json
///         (`nitro_evervault_cert1`); the assertion makes sure the measured path is the accepting one.
contract P384GasTest is Test {
    bytes private digest;
    bytes private signature;
    bytes private key;
    bytes private hint;

    function setUp() public {
        string memory json = vm.readFile("test/data/p384_vectors.json");
        uint256 count = vm.parseJsonUint(json, ".count");
        for (uint256 i = 0; i < count; i++) {
            string memory at = string.concat(".cases[", vm.toString(i), "]");
            if (
                keccak256(bytes(vm.parseJsonString(json, string.concat(at, ".name"))))
                    == keccak256("nitro_evervault_cert1")
            ) {
                digest = vm.parseJsonBytes(json, string.concat(at, ".digest"));
                signature = vm.parseJsonBytes(json, string.concat(at, ".signature"));
                key = vm.parseJsonBytes(json, string.concat(at, ".key"));
                hint = vm.parseJsonBytes(json, string.concat(at, ".hint"));
                return;
            }
        }
        revert("vector nitro_evervault_cert1 missing");
    }

    function testGasVerify() public view {
        bytes memory d = digest;
        bytes memory s = signature;
        bytes memory k = key;
        uint256 before = gasleft();
        bool ok = P384.verify(d, s, k);
        uint256 used = before - gasleft();
        assertTrue(ok, "valid signature");
        assertTrue(used > 0, "measured");
    }

    function testGasVerifyWithHint() public view {
        bytes memory d = digest;
        bytes memory s = signature;
        bytes memory k = key;
        bytes memory h = hint;
        assertTrue(P384.verifyWithHint(d, s, k, h), "valid signature");
    }

    /// The deployable wrapper gives the library's results (valid; false for a flipped digest bit). Deployment
    /// (~2.7M) and two verifications share one capped transaction, hence one call per entry point.
    function testGasDeployedVerifier() public {
        P384Verifier verifier = new P384Verifier();
        assertTrue(verifier.verify(digest, signature, key), "valid signature");
        bytes memory wrong = digest;
        wrong[0] ^= 0x01;
        assertFalse(verifier.verifyWithHint(wrong, signature, key, hint), "flipped digest, hinted");
    }

    /// The entry points release their scratch memory: the free memory pointer is unchanged and a second
    /// verification in the same transaction pays no further memory expansion.
    function testScratchMemoryReleased() public view {
        bytes memory d = digest;
        bytes memory s = signature;
        bytes memory k = key;
        uint256 before;
        assembly {
            before := mload(0x40)
        }
        uint256 g = gasleft();
        bool ok = P384.verify(d, s, k);
        uint256 first = g - gasleft();
        uint256 afterFirst;
        assembly {
            afterFirst := mload(0x40)
        }
        assertEq(afterFirst, before, "free memory pointer restored");
        assertTrue(ok, "first");
        g = gasleft();
        assertTrue(P384.verify(d, s, k), "second");
        uint256 second = g - gasleft();
        assertTrue(second < first, "second verification reuses paid memory");
    }
}
