// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {ParserHarness} from "./harness/ParserHarness.sol";
import {CborDecode} from "../src/lib/CborDecode.sol";

contract CborDecodeTest is Test {
    ParserHarness internal h;

    function setUp() public {
        h = new ParserHarness();
    }

    function _read(bytes memory data)
        internal
        view
        returns (uint8 major, bool indefinite, uint256 start, uint256 len, uint256 nextPos)
    {
        return h.cborReadItem(data, 0);
    }

    function testUnsignedHeads() public view {
        (uint8 m,, uint256 s, uint256 v, uint256 p) = _read(hex"17");
        assertEq(m, 0, "major");
        assertEq(v, 23, "value");
        assertEq(p, 1, "pos");
        (,, s, v, p) = _read(hex"1818");
        assertEq(v, 24, "1-byte arg");
        assertEq(p, 2, "1-byte pos");
        (,,, v, p) = _read(hex"190100");
        assertEq(v, 256, "2-byte arg");
        (,,, v, p) = _read(hex"1a00010000");
        assertEq(v, 65536, "4-byte arg");
        (,, s, v, p) = _read(hex"1b0000018d1c7ef94e");
        assertEq(v, 0x18d1c7ef94e, "8-byte arg");
        assertEq(p, 9, "8-byte pos");
        assertEq(s, 9, "an integer item starts after its head");
    }

    function testByteStringPointsAtContent() public view {
        (uint8 m, bool ind, uint256 s, uint256 len, uint256 p) = _read(hex"43aabbcc");
        assertEq(m, 2, "major");
        assertFalse(ind, "definite");
        assertEq(s, 1, "start");
        assertEq(len, 3, "len");
        assertEq(p, 4, "skips content");
    }

    function testIndefiniteMapAndArrayAccepted() public view {
        (uint8 m, bool ind, uint256 s,, uint256 p) = _read(hex"bf");
        assertEq(m, 5, "map");
        assertTrue(ind, "indefinite map");
        assertEq(s, 1, "start");
        assertEq(p, 1, "pos");
        (m, ind,,,) = _read(hex"9f");
        assertEq(m, 4, "array");
        assertTrue(ind, "indefinite array");
    }

    function testNullAndSimpleValues() public view {
        (uint8 m,,, uint256 v,) = _read(hex"f6");
        assertEq(m, 7, "simple");
        assertEq(v, 22, "null");
    }

    function testRejectsNonMinimalHeads() public {
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborNonMinimal.selector, 0));
        h.cborReadItem(hex"1817", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborNonMinimal.selector, 0));
        h.cborReadItem(hex"1900ff", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborNonMinimal.selector, 0));
        h.cborReadItem(hex"1a0000ffff", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborNonMinimal.selector, 0));
        h.cborReadItem(hex"1b00000000ffffffff", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborNonMinimal.selector, 0));
        h.cborReadItem(hex"5801aa", 0); // 1-byte string with a 1-byte length argument
    }

    function testRejectsChunkedStringsFloatsAndReserved() public {
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborUnsupported.selector, 0, uint8(0x5f)));
        h.cborReadItem(hex"5f41aaff", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborUnsupported.selector, 0, uint8(0x7f)));
        h.cborReadItem(hex"7f6161ff", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborUnsupported.selector, 0, uint8(0xfb)));
        h.cborReadItem(hex"fb3ff0000000000000", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborUnsupported.selector, 0, uint8(0x1c)));
        h.cborReadItem(hex"1c", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborUnsupported.selector, 0, uint8(0xff)));
        h.cborReadItem(hex"ff", 0); // a bare break is not an item
    }

    function testRejectsTruncation() public {
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborTruncated.selector, 0, 1, 0));
        h.cborReadItem(hex"", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborTruncated.selector, 1, 2, 2));
        h.cborReadItem(hex"1901", 0);
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborTruncated.selector, 1, 4, 4));
        h.cborReadItem(hex"44aabbcc", 0);
        // A length near 2^64 must not wrap around.
        vm.expectRevert(abi.encodeWithSelector(CborDecode.CborTruncated.selector, 9, 0xffffffffffffffff, 10));
        h.cborReadItem(hex"5bffffffffffffffff00", 0);
    }

    /// Any input either decodes or reverts with one of the CBOR errors: never a panic or an empty revert.
    function testFuzzReadItemOnlyTypedErrors(bytes calldata data, uint256 pos) public view {
        pos = data.length == 0 ? 0 : pos % (data.length + 1);
        try h.cborReadItem(data, pos) returns (uint8, bool, uint256 start, uint256 len, uint256 nextPos) {
            assertTrue(nextPos <= data.length, "within bounds");
            assertTrue(start <= data.length, "start within bounds");
            len;
        } catch (bytes memory reason) {
            bytes4 sel = bytes4(reason);
            assertTrue(reason.length >= 4, "typed error");
            assertTrue(
                sel == CborDecode.CborTruncated.selector || sel == CborDecode.CborUnsupported.selector
                    || sel == CborDecode.CborNonMinimal.selector,
                "only CBOR errors"
            );
        }
    }
}
