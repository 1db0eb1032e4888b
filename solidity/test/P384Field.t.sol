// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {P384} from "../src/lib/P384.sol";

/// @notice Fuzz tests of the limb-form field arithmetic of P384 against an obviously correct reference: values as
///         plain big-endian integers, products by 64-bit schoolbook, reduction by the MODEXP precompile (exponent 1).
///         Inputs cover canonical values and the largest limbs each operation documents (lazy reduction bounds).
contract P384FieldTest is Test {
    uint256 private constant P_HI = 0xffffffffffffffffffffffffffffffff;
    uint256 private constant P_LO = 0xfffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff;
    uint256 private constant MASK96 = (1 << 96) - 1;

    // ---------------------------------------------------------------- reference

    /// Big-endian bytes of the integer with the given little-endian 64-bit words.
    function _bytes(uint256[] memory words) private pure returns (bytes memory out) {
        out = new bytes(words.length * 8);
        for (uint256 i = 0; i < words.length; i++) {
            uint256 w = words[i];
            require(w < (1 << 64), "word");
            for (uint256 j = 0; j < 8; j++) {
                // forge-lint: disable-next-line(unsafe-typecast)
                out[out.length - 1 - (i * 8 + j)] = bytes1(uint8(w >> (8 * j))); // byte j of w, truncation intended
            }
        }
    }

    /// value mod p by MODEXP(value, 1, p).
    function _modP(bytes memory value) private view returns (uint256 hi, uint256 lo) {
        // forge-lint: disable-next-line(unsafe-typecast)
        uint128 pHi = uint128(P_HI); // P_HI < 2^128
        bytes memory input =
            abi.encodePacked(uint256(value.length), uint256(1), uint256(48), value, uint8(1), pHi, P_LO);
        (bool ok, bytes memory out) = address(5).staticcall(input);
        require(ok && out.length == 48, "modexp");
        assembly {
            hi := shr(128, mload(add(out, 32)))
            lo := mload(add(out, 48))
        }
    }

    /// The integer Σ limb_i·2^(96i) as 64-bit words (limbs below 2^128).
    function _limbWords(uint256[4] memory l) private pure returns (uint256[] memory w) {
        w = new uint256[](8);
        for (uint256 i = 0; i < 4; i++) {
            require(l[i] < (1 << 128), "limb");
            // limb i starts at bit 96i = word 1.5i: add its bits word by word with carries.
            uint256 shift = 96 * i;
            uint256 carry = 0;
            for (uint256 k = shift / 64; k < 8; k++) {
                uint256 part = 0;
                uint256 lowBit = k * 64;
                if (lowBit + 64 > shift && lowBit < shift + 128) {
                    part = lowBit >= shift ? (l[i] >> (lowBit - shift)) : (l[i] << (shift - lowBit));
                    part &= (1 << 64) - 1;
                }
                uint256 s = w[k] + part + carry;
                w[k] = s & ((1 << 64) - 1);
                carry = s >> 64;
            }
        }
    }

    /// 64-bit words of a 384-bit (hi, lo) value.
    function _valueWords(uint256 hi, uint256 lo) private pure returns (uint256[] memory w) {
        w = new uint256[](6);
        for (uint256 i = 0; i < 4; i++) {
            w[i] = (lo >> (64 * i)) & ((1 << 64) - 1);
        }
        w[4] = hi & ((1 << 64) - 1);
        w[5] = (hi >> 64) & ((1 << 64) - 1);
    }

    /// Schoolbook product of two word vectors.
    function _mulWords(uint256[] memory a, uint256[] memory b) private pure returns (uint256[] memory c) {
        c = new uint256[](a.length + b.length);
        for (uint256 i = 0; i < a.length; i++) {
            uint256 carry = 0;
            for (uint256 j = 0; j < b.length; j++) {
                uint256 t = a[i] * b[j] + c[i + j] + carry;
                c[i + j] = t & ((1 << 64) - 1);
                carry = t >> 64;
            }
            c[i + b.length] = carry;
        }
    }

    function _refLimbs(uint256[4] memory l) private view returns (uint256 hi, uint256 lo) {
        return _modP(_bytes(_limbWords(l)));
    }

    function _refMul(uint256[4] memory a, uint256[4] memory b) private view returns (uint256 hi, uint256 lo) {
        (uint256 ah, uint256 al) = _refLimbs(a);
        (uint256 bh, uint256 bl) = _refLimbs(b);
        return _modP(_bytes(_mulWords(_valueWords(ah, al), _valueWords(bh, bl))));
    }

    // ---------------------------------------------------------------- helpers

    function _store(uint256[4] memory l) private pure returns (uint256 ptr) {
        ptr = P384._alloc(128);
        assembly {
            mstore(ptr, mload(l))
            mstore(add(ptr, 32), mload(add(l, 32)))
            mstore(add(ptr, 64), mload(add(l, 64)))
            mstore(add(ptr, 96), mload(add(l, 96)))
        }
    }

    function _limbs(uint256 ptr) private pure returns (uint256[4] memory l) {
        assembly {
            mstore(l, mload(ptr))
            mstore(add(l, 32), mload(add(ptr, 32)))
            mstore(add(l, 64), mload(add(ptr, 64)))
            mstore(add(l, 96), mload(add(ptr, 96)))
        }
    }

    /// Limbs bounded by 2^bits from fuzz words.
    function _bounded(uint256 s0, uint256 s1, uint256 s2, uint256 s3, uint256 bits)
        private
        pure
        returns (uint256[4] memory l)
    {
        uint256 m = type(uint256).max >> (256 - bits);
        l[0] = s0 & m;
        l[1] = s1 & m;
        l[2] = s2 & m;
        l[3] = s3 & m;
    }

    function _assertNormalized(uint256 ptr, string memory what) private pure {
        uint256[4] memory l = _limbs(ptr);
        for (uint256 i = 0; i < 4; i++) {
            assertTrue(l[i] < (1 << 97), what);
        }
    }

    function _assertCanon(uint256 ptr, uint256 hi, uint256 lo, string memory what) private pure {
        (uint256 gh, uint256 gl) = P384._fcanon(ptr);
        assertEq(gh, hi, what);
        assertEq(gl, lo, what);
    }

    // ---------------------------------------------------------------- fuzz

    /// Product of factors with limbs up to the documented 2^108.
    function testFuzzMul(uint256 a0, uint256 a1, uint256 a2, uint256 a3, uint256 b0, uint256 b1, uint256 bits)
        public
        view
    {
        bits = 96 + (bits % 13); // 96..108
        uint256[4] memory a = _bounded(a0, a1, a2, a3, bits);
        uint256[4] memory b = _bounded(b0, b1, a0 >> 7, a1 >> 9, bits);
        uint256 r = P384._alloc(128);
        P384._fmul(r, _store(a), _store(b));
        _assertNormalized(r, "mul limbs");
        (uint256 hi, uint256 lo) = _refMul(a, b);
        _assertCanon(r, hi, lo, "mul");
    }

    /// a·b - c with factors up to 2^108 and c up to 2^104.
    function testFuzzMulSub(uint256 a0, uint256 a1, uint256 a2, uint256 a3, uint256 c0, uint256 c1) public view {
        uint256[4] memory a = _bounded(a0, a1, a2, a3, 108);
        uint256[4] memory b = _bounded(a3, a2 >> 5, c0, c1 >> 3, 100);
        uint256[4] memory c = _bounded(c0 >> 7, c1, a1 >> 2, a0 >> 9, 104);
        uint256 r = P384._alloc(128);
        P384._fmulsub(r, _store(a), _store(b), _store(c));
        _assertNormalized(r, "mulsub limbs");
        (uint256 ph, uint256 pl) = _refMul(a, b);
        (uint256 ch, uint256 cl) = _refLimbs(c);
        (uint256 nh, uint256 nl) = (ch | cl) == 0 ? (uint256(0), uint256(0)) : _sub384(P_HI, P_LO, ch, cl);
        (uint256 hi, uint256 lo) = _modP(_bytes(_addWords(_valueWords(ph, pl), _valueWords(nh, nl))));
        _assertCanon(r, hi, lo, "mulsub");
    }

    function testFuzzSqr(uint256 a0, uint256 a1, uint256 a2, uint256 a3, uint256 bits) public view {
        bits = 96 + (bits % 13);
        uint256[4] memory a = _bounded(a0, a1, a2, a3, bits);
        uint256 r = P384._alloc(128);
        P384._fsqr(r, _store(a));
        _assertNormalized(r, "sqr limbs");
        (uint256 hi, uint256 lo) = _refMul(a, a);
        _assertCanon(r, hi, lo, "sqr");
    }

    /// a - b with a's limbs up to 2^108 and b's up to 2^104 (the documented bounds).
    function testFuzzSub(uint256 a0, uint256 a1, uint256 a2, uint256 a3, uint256 b0, uint256 b1) public view {
        uint256[4] memory a = _bounded(a0, a1, a2, a3, 108);
        uint256[4] memory b = _bounded(b0, b1, a0 >> 11, a2 >> 13, 104);
        uint256 r = P384._alloc(128);
        P384._fsub(r, _store(a), _store(b));
        _assertNormalized(r, "sub limbs");
        (uint256 ah, uint256 al) = _refLimbs(a);
        (uint256 bh, uint256 bl) = _refLimbs(b);
        // (a - b) mod p = (a + (p - b)) mod p with a, b reduced.
        (uint256 nh, uint256 nl) = (bh | bl) == 0 ? (uint256(0), uint256(0)) : _sub384(P_HI, P_LO, bh, bl);
        uint256[] memory sum = _addWords(_valueWords(ah, al), _valueWords(nh, nl));
        (uint256 hi, uint256 lo) = _modP(_bytes(sum));
        _assertCanon(r, hi, lo, "sub");
    }

    /// Canonical form of arbitrary limbs (up to 2^120) and the zero test on multiples of p.
    function testFuzzCanon(uint256 a0, uint256 a1, uint256 a2, uint256 a3) public view {
        uint256[4] memory a = _bounded(a0, a1, a2, a3, 120);
        (uint256 hi, uint256 lo) = _refLimbs(a);
        _assertCanon(_store(a), hi, lo, "canon");
    }

    /// Multiples k·p (k < 2^10) in non-canonical limbs canonicalise to zero; k·p + 1 to one.
    function testFuzzMultiplesOfP(uint256 k) public pure {
        k = k % 1024;
        uint256[4] memory l;
        // p = Σ limb_i 2^(96i) with limbs (2^32 - 1, 2^96 - 2^32 ... ) — built from the 384-bit words.
        uint256[4] memory pl =
            [P_LO & MASK96, (P_LO >> 96) & MASK96, (P_LO >> 192) | ((P_HI & 0xffffffff) << 64), P_HI >> 32];
        for (uint256 i = 0; i < 4; i++) {
            l[i] = pl[i] * k;
        }
        _assertCanon(_store(l), 0, 0, "k*p");
        l[0] += 1;
        _assertCanon(_store(l), 0, 1, "k*p + 1");
    }

    /// Extreme limbs: every limb at the largest allowed factor value 2^108 - 1.
    function testMulMaxLimbs() public view {
        uint256 m = (1 << 108) - 1;
        uint256[4] memory a = [m, m, m, m];
        uint256 r = P384._alloc(128);
        P384._fmul(r, _store(a), _store(a));
        _assertNormalized(r, "max limbs");
        (uint256 hi, uint256 lo) = _refMul(a, a);
        _assertCanon(r, hi, lo, "max mul");
        P384._fsqr(r, _store(a));
        _assertCanon(r, hi, lo, "max sqr");
    }

    function _sub384(uint256 ah, uint256 al, uint256 bh, uint256 bl) private pure returns (uint256 hi, uint256 lo) {
        unchecked {
            lo = al - bl;
            hi = ah - bh - (al < bl ? 1 : 0);
        }
    }

    function _addWords(uint256[] memory a, uint256[] memory b) private pure returns (uint256[] memory c) {
        c = new uint256[](a.length + 1);
        uint256 carry = 0;
        for (uint256 i = 0; i < a.length; i++) {
            uint256 s = a[i] + b[i] + carry;
            c[i] = s & ((1 << 64) - 1);
            carry = s >> 64;
        }
        c[a.length] = carry;
    }
}
