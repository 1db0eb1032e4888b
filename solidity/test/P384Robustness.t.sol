// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {P384} from "../src/lib/P384.sol";

/// @notice Malformed and random inputs: every entry point returns false and never reverts.
contract P384RobustnessTest is Test {
    /// A real CA key (evervault cabundle[0], the AWS root) and a real digest, for inputs that reach the ladder.
    bytes private constant KEY =
        hex"fc0254eba608c1f36870e29ada90be46383292736e894bfff672d989444b5051e534a4b1f6dbe3c0bc581a32b7b176070ede12d69a3fea211b66e752cf7dd1dd095f6f1370f4170843d9dc100121e4cf63012809664487c9796284304dc53ff4";

    /// Arbitrary bytes of arbitrary lengths: false, no revert.
    function testFuzzMalformed(bytes memory d, bytes memory s, bytes memory k, bytes memory h, bytes memory t)
        public
        view
    {
        assertFalse(P384.verify(d, s, k), "verify");
        assertFalse(P384.verifyWithHint(d, s, k, h), "verifyWithHint");
        assertFalse(P384.verifyWithTrace(d, s, k, h, t), "verifyWithTrace");
        // The fuzzer draws from the bytecode's constants, so k may be the real key; nothing else is on the curve.
        assertEq(P384.isOnCurve(k), keccak256(k) == keccak256(KEY), "isOnCurve");
    }

    /// Right lengths, random values (keys essentially never on the curve): false, no revert.
    function testFuzzRandomWellFormed(bytes32 a, bytes32 b, bytes32 c, bytes32 e, bytes16 f) public view {
        bytes memory d = abi.encodePacked(a, f);
        bytes memory s = abi.encodePacked(a, b, c);
        bytes memory k = abi.encodePacked(c, e, b);
        bytes memory h = abi.encodePacked(s, a, b, bytes1(0x01));
        assertFalse(P384.verify(d, s, k), "verify");
        assertFalse(P384.verifyWithHint(d, s, k, h), "verifyWithHint");
        assertFalse(P384.verifyWithTrace(d, s, k, h, s), "verifyWithTrace");
    }

    /// forge-config: default.fuzz.runs = 8
    /// Random r, s against a real key: the full ladder runs and rejects.
    function testFuzzRandomSignatureRealKey(bytes32 r0, bytes16 r1, bytes32 s0, bytes16 s1, bytes32 e) public view {
        bytes memory sig = abi.encodePacked(r1, r0, s1, s0);
        bytes memory digest = abi.encodePacked(e, r1);
        assertTrue(P384.isOnCurve(KEY), "real key on curve");
        assertFalse(P384.verify(digest, sig, KEY), "verify");
    }

    /// The selector hard-coded in the assembly revert is that of the declared error.
    function testModexpFailedSelector() public pure {
        assertEq(uint256(uint32(P384.ModexpFailed.selector)), 0x4a6a368b, "ModexpFailed selector");
    }
}
