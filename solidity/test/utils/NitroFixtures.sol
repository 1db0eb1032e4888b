// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./Test.sol";

/// @notice The three real AWS documents of `fixtures/nitro/` (see fixtures/README.md) with facts the tests
///         check: document time, leaf validity window, certificate windows taken from the certificates.
abstract contract NitroFixtures is Test {
    bytes32 internal constant AWS_ROOT_SHA256 = 0x641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b;

    string internal constant EVERVAULT = "../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor";
    string internal constant MARLIN = "../fixtures/nitro/marlin-NitroProver_2024-02-26_i-0df237f0.cbor";
    string internal constant AUTOMATA = "../fixtures/nitro/automata_2024-08-16_i-07fd4cc4.cbor";
    string internal constant ROOT_DER = "../fixtures/nitro/root.der";

    /// Document timestamps (ms) as in the payloads.
    uint64 internal constant EVERVAULT_TS_MS = 1665651482136;
    uint64 internal constant MARLIN_TS_MS = 1708930921439;
    uint64 internal constant AUTOMATA_TS_MS = 1723799509167;

    /// Leaf certificate notAfter (s) of each document.
    uint64 internal constant EVERVAULT_LEAF_NOT_AFTER = 1665662282;
    uint64 internal constant MARLIN_LEAF_NOT_AFTER = 1708941576;
    uint64 internal constant AUTOMATA_LEAF_NOT_AFTER = 1723810309;

    /// AWS Root-G1 window.
    uint64 internal constant ROOT_NOT_BEFORE = 1572269285;
    uint64 internal constant ROOT_NOT_AFTER = 2519044085;

    function _load(string memory path) internal view returns (bytes memory) {
        return vm.readFileBinary(path);
    }

    /// A copy of `b` with byte `i` XORed with `mask`.
    function _flip(bytes memory b, uint256 i, uint8 mask) internal pure returns (bytes memory out) {
        out = bytes.concat(b);
        out[i] = bytes1(uint8(out[i]) ^ mask);
    }

    /// The first index of `needle` in `hay` (reverts when absent).
    function _indexOf(bytes memory hay, bytes memory needle) internal pure returns (uint256) {
        for (uint256 i = 0; i + needle.length <= hay.length; ++i) {
            bool ok = true;
            for (uint256 j = 0; j < needle.length; ++j) {
                if (hay[i + j] != needle[j]) {
                    ok = false;
                    break;
                }
            }
            if (ok) return i;
        }
        revert AssertionFailed("needle not found");
    }

    function _slice(bytes memory b, uint256 start, uint256 end) internal pure returns (bytes memory out) {
        out = new bytes(end - start);
        for (uint256 i = start; i < end; ++i) {
            out[i - start] = b[i];
        }
    }

    /// CBOR head of major type `major` with argument `n` (preferred serialization).
    function _cborHead(uint8 major, uint256 n) internal pure returns (bytes memory) {
        uint8 m = major << 5;
        if (n < 24) return abi.encodePacked(uint8(m | uint8(n)));
        if (n < 0x100) return abi.encodePacked(uint8(m | 24), uint8(n));
        if (n < 0x10000) return abi.encodePacked(uint8(m | 25), uint16(n));
        if (n < 0x100000000) return abi.encodePacked(uint8(m | 26), uint32(n));
        return abi.encodePacked(uint8(m | 27), uint64(n));
    }

    /// An untagged COSE_Sign1 as AWS builds it, around `payload` and `signature`.
    function _cose(bytes memory payload, bytes memory signature) internal pure returns (bytes memory) {
        return bytes.concat(
            hex"8444a1013822a0", _cborHead(2, payload.length), payload, _cborHead(2, signature.length), signature
        );
    }
}
