// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {P384} from "../src/lib/P384.sol";
import {P384Verifier} from "../src/P384Verifier.sol";

/// @notice `P384.verifyWithTrace` against test/data/p384_trace_vectors.json (gen_p384_vectors.py `trace_for`):
///         the real Nitro signatures and the valid edge cases whose ladder has an affine trace, plus tampering.
contract P384TraceTest is Test {
    uint256 private constant PER_CHUNK = 1;
    uint256 private constant CHUNKS = 31;

    struct Case {
        bytes digest;
        bytes hint;
        bytes key;
        string name;
        bytes signature;
        bytes slopes;
    }

    function _json() private view returns (string memory) {
        return vm.readFile("test/data/p384_trace_vectors.json");
    }

    function _case(string memory json, uint256 i) private pure returns (Case memory c) {
        string memory at = string.concat(".cases[", vm.toString(i), "]");
        c.digest = vm.parseJsonBytes(json, string.concat(at, ".digest"));
        c.hint = vm.parseJsonBytes(json, string.concat(at, ".hint"));
        c.key = vm.parseJsonBytes(json, string.concat(at, ".key"));
        c.name = vm.parseJsonString(json, string.concat(at, ".name"));
        c.signature = vm.parseJsonBytes(json, string.concat(at, ".signature"));
        c.slopes = vm.parseJsonBytes(json, string.concat(at, ".slopes"));
    }

    /// The trace file is ~0.9 MB: reading it is not what these tests measure, so gas metering pauses meanwhile.
    function _load(uint256 i) private returns (Case memory c, uint256 count) {
        vm.pauseGasMetering();
        string memory json = _json();
        count = vm.parseJsonUint(json, ".count");
        if (i < count) c = _case(json, i);
        vm.resumeGasMetering();
    }

    function _run(uint256 from, uint256 to) private {
        for (uint256 i = from; i < to; i++) {
            (Case memory c, uint256 count) = _load(i);
            if (i >= count) break;
            assertTrue(P384.verifyWithTrace(c.digest, c.signature, c.key, c.hint, c.slopes), c.name);
        }
    }

    /// Gas of one trace verification of a real AWS certificate signature (evervault cabundle[1], case 7) through
    /// the deployed P384Verifier, in a fresh call frame (the test frame holds the 0.9 MB vector file).
    function testGasVerifyWithTrace() public {
        (Case memory c,) = _load(7);
        assertEq(keccak256(bytes(c.name)), keccak256("nitro_evervault_cert1"), "case 7");
        vm.pauseGasMetering();
        P384Verifier verifier = new P384Verifier();
        vm.resumeGasMetering();
        assertTrue(verifier.verifyWithTrace(c.digest, c.signature, c.key, c.hint, c.slopes), c.name);
    }

    function testEveryTraceCaseRuns() public {
        (, uint256 n) = _load(0);
        assertTrue(n > (CHUNKS - 1) * PER_CHUNK && n <= CHUNKS * PER_CHUNK, "chunks cover the cases exactly");
    }

    /// A changed, missing, extra or misaligned slope, a wrong digest or a wrong hint: false.
    function testTraceTampering() public {
        (Case memory c,) = _load(0);
        bytes memory s = c.slopes;
        // One bit of a middle slope.
        bytes memory t = bytes.concat(s);
        t[t.length / 2] ^= 0x01;
        assertFalse(P384.verifyWithTrace(c.digest, c.signature, c.key, c.hint, t), "flipped slope bit");
        // The first slope (2Q of the Q table) and the 16th (15R, the last table slope).
        t = bytes.concat(s);
        t[47] ^= 0x01;
        assertFalse(P384.verifyWithTrace(c.digest, c.signature, c.key, c.hint, t), "flipped table slope 2Q");
        t = bytes.concat(s);
        t[16 * 48 - 1] ^= 0x01;
        assertFalse(P384.verifyWithTrace(c.digest, c.signature, c.key, c.hint, t), "flipped table slope 15R");
        // The last slope missing, or one more.
        t = new bytes(s.length - 48);
        for (uint256 i = 0; i < t.length; i++) {
            t[i] = s[i];
        }
        assertFalse(P384.verifyWithTrace(c.digest, c.signature, c.key, c.hint, t), "slope missing");
        assertFalse(
            P384.verifyWithTrace(c.digest, c.signature, c.key, c.hint, bytes.concat(s, new bytes(48))), "extra slope"
        );
        assertFalse(
            P384.verifyWithTrace(c.digest, c.signature, c.key, c.hint, bytes.concat(s, new bytes(1))), "misaligned"
        );
    }

    function testTraceWrongDigestAndHint() public {
        (Case memory c,) = _load(1);
        bytes memory d = bytes.concat(c.digest);
        d[0] ^= 0x01;
        assertFalse(P384.verifyWithTrace(d, c.signature, c.key, c.hint, c.slopes), "flipped digest");
        bytes memory h = bytes.concat(c.hint);
        h[95] ^= 0x01; // y(R)
        assertFalse(P384.verifyWithTrace(c.digest, c.signature, c.key, h, c.slopes), "wrong y(R)");
    }

    function testTrace00() public {
        _run(0, 1);
    }

    function testTrace01() public {
        _run(1, 2);
    }

    function testTrace02() public {
        _run(2, 3);
    }

    function testTrace03() public {
        _run(3, 4);
    }

    function testTrace04() public {
        _run(4, 5);
    }

    function testTrace05() public {
        _run(5, 6);
    }

    function testTrace06() public {
        _run(6, 7);
    }

    function testTrace07() public {
        _run(7, 8);
    }

    function testTrace08() public {
        _run(8, 9);
    }

    function testTrace09() public {
        _run(9, 10);
    }

    function testTrace10() public {
        _run(10, 11);
    }

    function testTrace11() public {
        _run(11, 12);
    }

    function testTrace12() public {
        _run(12, 13);
    }

    function testTrace13() public {
        _run(13, 14);
    }

    function testTrace14() public {
        _run(14, 15);
    }

    function testTrace15() public {
        _run(15, 16);
    }

    function testTrace16() public {
        _run(16, 17);
    }

    function testTrace17() public {
        _run(17, 18);
    }

    function testTrace18() public {
        _run(18, 19);
    }

    function testTrace19() public {
        _run(19, 20);
    }

    function testTrace20() public {
        _run(20, 21);
    }

    function testTrace21() public {
        _run(21, 22);
    }

    function testTrace22() public {
        _run(22, 23);
    }

    function testTrace23() public {
        _run(23, 24);
    }

    function testTrace24() public {
        _run(24, 25);
    }

    function testTrace25() public {
        _run(25, 26);
    }

    function testTrace26() public {
        _run(26, 27);
    }

    function testTrace27() public {
        _run(27, 28);
    }

    function testTrace28() public {
        _run(28, 29);
    }

    function testTrace29() public {
        _run(29, 30);
    }

    function testTrace30() public {
        _run(30, 31);
    }
}
