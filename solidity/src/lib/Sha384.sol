// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title Sha384
/// @notice SHA-384 (FIPS 180-4 §6.5: the SHA-512 compression function with the SHA-384 initial value, output
///         truncated to 384 bits) over a memory byte string of any length. No precompile exists for it.
/// @dev The message is copied into a padded scratch buffer (FIPS 180-4 §5.1.2: 0x80, zeros, 128-bit bit length)
///      above the free memory pointer, so every block, including the one or two padding blocks, runs through the same
///      compression loop. Scratch memory is never allocated, so the library leaves the free memory pointer as it was
///      except for the 48-byte result. Words are 64-bit values held in the low bits of 256-bit EVM words.
library Sha384 {
    /// @dev Round constants K[0..79] of SHA-512 (FIPS 180-4 §4.2.3), 8 bytes each, big-endian.
    bytes internal constant K = hex"428a2f98d728ae227137449123ef65cdb5c0fbcfec4d3b2fe9b5dba58189dbbc3956c25bf348b53859f111f1b605d019923f82a4af194f9bab1c5ed5da6d8118"
        hex"d807aa98a303024212835b0145706fbe243185be4ee4b28c550c7dc3d5ffb4e272be5d74f27b896f80deb1fe3b1696b19bdc06a725c71235c19bf174cf692694"
        hex"e49b69c19ef14ad2efbe4786384f25e30fc19dc68b8cd5b5240ca1cc77ac9c652de92c6f592b02754a7484aa6ea6e4835cb0a9dcbd41fbd476f988da831153b5"
        hex"983e5152ee66dfaba831c66d2db43210b00327c898fb213fbf597fc7beef0ee4c6e00bf33da88fc2d5a79147930aa72506ca6351e003826f142929670a0e6e70"
        hex"27b70a8546d22ffc2e1b21385c26c9264d2c6dfc5ac42aed53380d139d95b3df650a73548baf63de766a0abb3c77b2a881c2c92e47edaee692722c851482353b"
        hex"a2bfe8a14cf10364a81a664bbc423001c24b8b70d0f89791c76c51a30654be30d192e819d6ef5218d69906245565a910f40e35855771202a106aa07032bbd1b8"
        hex"19a4c116b8d2d0c81e376c085141ab532748774cdf8eeb9934b0bcb5e19b48a8391c0cb3c5c95a634ed8aa4ae3418acb5b9cca4f7763e373682e6ff3d6b2b8a3"
        hex"748f82ee5defb2fc78a5636f43172f6084c87814a1f0ab728cc702081a6439ec90befffa23631e28a4506cebde82bde9bef9a3f7b2c67915c67178f2e372532b"
        hex"ca273eceea26619cd186b8c721c0c207eada7dd6cde0eb1ef57d4f7fee6ed17806f067aa72176fba0a637dc5a2c898a6113f9804bef90dae1b710b35131c471b"
        hex"28db77f523047d8432caab7b40c724933c9ebe0a15c9bebc431d67c49c100d4c4cc5d4becb3e42b6597f299cfc657e2a5fcb6fab3ad6faec6c44198c4a475817";

    /// @dev Initial hash value H(0) for SHA-384 (FIPS 180-4 §5.3.4), packed four 64-bit words per constant.
    uint256 private constant IV_ABCD = 0xcbbb9d5dc1059ed8629a292a367cd5079159015a3070dd17152fecd8f70e5939;
    uint256 private constant IV_EFGH = 0x67332667ffc00b318eb44a8768581511db0c2e0d64f98fa747b5481dbefa4fa4;

    /// @notice SHA-384 of `message`.
    /// @return digest The 48-byte digest.
    function hash(bytes memory message) internal pure returns (bytes memory digest) {
        bytes memory k = K;
        /// @solidity memory-safe-assembly
        assembly {
            let len := mload(message)
            // Padded length: message, 0x80, zeros, 16-byte length, rounded up to a multiple of 128 bytes.
            let padded := and(add(len, 144), not(127))
            // Scratch layout above the free memory pointer: [state 8 words][W 80 words][K 80 words][padded message].
            digest := mload(0x40)
            let state := add(digest, 96)
            let w := add(state, 256)
            let buf := add(w, 5120)
            // K[t] one per word at w + 2560 + 32t, so that a round reads it at a constant offset from W[t].
            for { let i := 0 } lt(i, 80) { i := add(i, 1) } {
                mstore(add(add(w, 2560), shl(5, i)), shr(192, mload(add(add(k, 32), shl(3, i)))))
            }

            // Copy the message, then write the padding: 0x80, zeros, 128-bit big-endian bit length
            // (the high 64 bits of it are always zero for a memory-resident message).
            mcopy(buf, add(message, 32), len)
            mstore8(add(buf, len), 0x80)
            calldatacopy(add(buf, add(len, 1)), calldatasize(), sub(padded, add(len, 1)))
            let lenWord := add(buf, sub(padded, 32))
            mstore(lenWord, or(mload(lenWord), shl(3, len)))

            // H(0), one 64-bit word per memory word.
            for { let i := 0 } lt(i, 4) { i := add(i, 1) } {
                mstore(add(state, shl(5, i)), and(shr(sub(192, shl(6, i)), IV_ABCD), 0xffffffffffffffff))
                mstore(add(state, shl(5, add(i, 4))), and(shr(sub(192, shl(6, i)), IV_EFGH), 0xffffffffffffffff))
            }

            for { let blk := buf } lt(blk, add(buf, padded)) { blk := add(blk, 128) } {
                schedule(w, blk)
                compress(state, w)
            }

            // Output H0..H5 (384 bits) big-endian into a fresh 48-byte array.
            mstore(digest, 48)
            mstore(
                add(digest, 32),
                or(
                    or(shl(192, mload(state)), shl(128, mload(add(state, 32)))),
                    or(shl(64, mload(add(state, 64))), mload(add(state, 96)))
                )
            )
            mstore(add(digest, 64), or(shl(192, mload(add(state, 128))), shl(128, mload(add(state, 160)))))
            mstore(0x40, add(digest, 96))

            /// Message schedule W[0..79] (FIPS 180-4 §6.4.2 step 1) of the 128-byte block at `blk`.
            function schedule(wp, blk) {
                // Message schedule, steps 1: W[0..15] are the block's big-endian 64-bit words.
                for { let i := 0 } lt(i, 16) { i := add(i, 1) } {
                    mstore(add(wp, shl(5, i)), shr(192, mload(add(blk, shl(3, i)))))
                }
                // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]. Rotations use x | x << 64 shifted right;
                // the bits above 63 they leave are dropped by the mask on the sum.
                for { let p := add(wp, 512) } lt(p, add(wp, 2560)) { p := add(p, 32) } {
                    let x := mload(sub(p, 480)) // W[t-15]
                    let xx := or(x, shl(64, x))
                    // σ0(x) = ROTR1 ^ ROTR8 ^ SHR7
                    let s0 := xor(xor(shr(1, xx), shr(8, xx)), shr(7, x))
                    x := mload(sub(p, 64)) // W[t-2]
                    xx := or(x, shl(64, x))
                    // σ1(x) = ROTR19 ^ ROTR61 ^ SHR6
                    let s1 := xor(xor(shr(19, xx), shr(61, xx)), shr(6, x))
                    mstore(p, and(add(add(s0, s1), add(mload(sub(p, 224)), mload(sub(p, 512)))), 0xffffffffffffffff))
                }
            }

            /// One SHA-512 compression (FIPS 180-4 §6.4.2 steps 2-4) of the scheduled block `wp` into `st`.
            function compress(st, wp) {
                let m := 0xffffffffffffffff
                let a := mload(st)
                let b := mload(add(st, 32))
                let c := mload(add(st, 64))
                let d := mload(add(st, 96))
                let e := mload(add(st, 128))
                let f := mload(add(st, 160))
                let g := mload(add(st, 192))
                let h := mload(add(st, 224))
                // 80 rounds, 8 per iteration so that the roles of a..h rotate by renaming instead of six
                // reassignments per round (FIPS 180-4 §6.4.2 step 3). K[t] is at W[t] + 2560 (see `hash`).
                // Σ0, Σ1 leave rotation debris above bit 63 unmasked: sums only need their low 64 bits, which the
                // masks on the two results take. Ch(e,f,g) = g ^ (e & (f ^ g)).
                for { let wq := wp } lt(wq, add(wp, 2560)) { wq := add(wq, 256) } {
                    {
                        // Round t+0: T1 = h + Σ1(e) + Ch(e,f,g) + K + W; d += T1; h = T1 + Σ0(a) + Maj(a,b,c).
                        let x := or(e, shl(64, e))
                        let t1 :=
                            add(
                                add(h, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(g, and(e, xor(f, g))), add(mload(add(wq, 2560)), mload(wq)))
                            )
                        d := and(add(d, t1), m)
                        x := or(a, shl(64, a))
                        h := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(a, or(b, c)), and(b, c)))),
                            m
                        )
                    }
                    {
                        // Round t+1: T1 = g + Σ1(d) + Ch(d,e,f) + K + W; c += T1; g = T1 + Σ0(h) + Maj(h,a,b).
                        let x := or(d, shl(64, d))
                        let t1 :=
                            add(
                                add(g, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(f, and(d, xor(e, f))), add(mload(add(wq, 2592)), mload(add(wq, 32))))
                            )
                        c := and(add(c, t1), m)
                        x := or(h, shl(64, h))
                        g := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(h, or(a, b)), and(a, b)))),
                            m
                        )
                    }
                    {
                        // Round t+2: T1 = f + Σ1(c) + Ch(c,d,e) + K + W; b += T1; f = T1 + Σ0(g) + Maj(g,h,a).
                        let x := or(c, shl(64, c))
                        let t1 :=
                            add(
                                add(f, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(e, and(c, xor(d, e))), add(mload(add(wq, 2624)), mload(add(wq, 64))))
                            )
                        b := and(add(b, t1), m)
                        x := or(g, shl(64, g))
                        f := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(g, or(h, a)), and(h, a)))),
                            m
                        )
                    }
                    {
                        // Round t+3: T1 = e + Σ1(b) + Ch(b,c,d) + K + W; a += T1; e = T1 + Σ0(f) + Maj(f,g,h).
                        let x := or(b, shl(64, b))
                        let t1 :=
                            add(
                                add(e, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(d, and(b, xor(c, d))), add(mload(add(wq, 2656)), mload(add(wq, 96))))
                            )
                        a := and(add(a, t1), m)
                        x := or(f, shl(64, f))
                        e := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(f, or(g, h)), and(g, h)))),
                            m
                        )
                    }
                    {
                        // Round t+4: T1 = d + Σ1(a) + Ch(a,b,c) + K + W; h += T1; d = T1 + Σ0(e) + Maj(e,f,g).
                        let x := or(a, shl(64, a))
                        let t1 :=
                            add(
                                add(d, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(c, and(a, xor(b, c))), add(mload(add(wq, 2688)), mload(add(wq, 128))))
                            )
                        h := and(add(h, t1), m)
                        x := or(e, shl(64, e))
                        d := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(e, or(f, g)), and(f, g)))),
                            m
                        )
                    }
                    {
                        // Round t+5: T1 = c + Σ1(h) + Ch(h,a,b) + K + W; g += T1; c = T1 + Σ0(d) + Maj(d,e,f).
                        let x := or(h, shl(64, h))
                        let t1 :=
                            add(
                                add(c, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(b, and(h, xor(a, b))), add(mload(add(wq, 2720)), mload(add(wq, 160))))
                            )
                        g := and(add(g, t1), m)
                        x := or(d, shl(64, d))
                        c := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(d, or(e, f)), and(e, f)))),
                            m
                        )
                    }
                    {
                        // Round t+6: T1 = b + Σ1(g) + Ch(g,h,a) + K + W; f += T1; b = T1 + Σ0(c) + Maj(c,d,e).
                        let x := or(g, shl(64, g))
                        let t1 :=
                            add(
                                add(b, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(a, and(g, xor(h, a))), add(mload(add(wq, 2752)), mload(add(wq, 192))))
                            )
                        f := and(add(f, t1), m)
                        x := or(c, shl(64, c))
                        b := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(c, or(d, e)), and(d, e)))),
                            m
                        )
                    }
                    {
                        // Round t+7: T1 = a + Σ1(f) + Ch(f,g,h) + K + W; e += T1; a = T1 + Σ0(b) + Maj(b,c,d).
                        let x := or(f, shl(64, f))
                        let t1 :=
                            add(
                                add(a, xor(xor(shr(14, x), shr(18, x)), shr(41, x))),
                                add(xor(h, and(f, xor(g, h))), add(mload(add(wq, 2784)), mload(add(wq, 224))))
                            )
                        e := and(add(e, t1), m)
                        x := or(b, shl(64, b))
                        a := and(
                            add(t1, add(xor(xor(shr(28, x), shr(34, x)), shr(39, x)), or(and(b, or(c, d)), and(c, d)))),
                            m
                        )
                    }
                }
                // H(i) = H(i-1) + working variables, mod 2^64.
                mstore(st, and(add(mload(st), a), m))
                mstore(add(st, 32), and(add(mload(add(st, 32)), b), m))
                mstore(add(st, 64), and(add(mload(add(st, 64)), c), m))
                mstore(add(st, 96), and(add(mload(add(st, 96)), d), m))
                mstore(add(st, 128), and(add(mload(add(st, 128)), e), m))
                mstore(add(st, 160), and(add(mload(add(st, 160)), f), m))
                mstore(add(st, 192), and(add(mload(add(st, 192)), g), m))
                mstore(add(st, 224), and(add(mload(add(st, 224)), h), m))
            }
        }
    }
}
