// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {LCPMessages} from "../src/lib/LCPMessages.sol";
import {EnclaveSignatures} from "../src/lib/EnclaveSignatures.sol";
import {MerkleClaims} from "../src/lib/MerkleClaims.sol";

/// @notice One library step per function, so each call measures that step plus the ABI dispatch ("empty").
contract Probe {
    function empty(bytes calldata, bytes calldata) external pure {}

    function hash(bytes calldata m, bytes calldata) external pure returns (bytes32) {
        return keccak256(m);
    }

    function header(bytes calldata m, bytes calldata) external view {
        LCPMessages.checkHeader(
            m, ILCPMessages.MessageType.StorageClaim, block.chainid, address(0x2e234DAe75C793f67A35089C9d99245E1C58470b)
        );
    }

    function decode(bytes calldata m, bytes calldata) external pure returns (ILCPMessages.StorageClaim memory) {
        return LCPMessages.decodeStorageClaim(m);
    }

    function recover(bytes calldata m, bytes calldata s) external view returns (address) {
        return EnclaveSignatures.recover(keccak256(m), s, 0);
    }

    function leafOnly(ILCPMessages.StorageClaim calldata c) external pure returns (bytes32) {
        return MerkleClaims.storageLeaf(c);
    }

    function verifyOnly(ILCPMessages.StorageClaim calldata c, bytes32[] calldata proof, bytes32 root) external pure {
        MerkleClaims.verify(root, 100, 7, 0, MerkleClaims.storageLeaf(c), proof);
    }

    function loop(ILCPMessages.StorageClaim[] calldata cs, bytes32[] calldata proofs, bytes32 root) external pure {
        for (uint256 i; i < cs.length; ++i) {
            MerkleClaims.verify(root, 100, 7, 0, MerkleClaims.storageLeaf(cs[i]), proofs[i * 7:(i + 1) * 7]);
        }
    }

    function rawRecover(bytes calldata m, bytes calldata s) external pure returns (address) {
        return ecrecover(keccak256(m), uint8(s[64]), bytes32(s[:32]), bytes32(s[32:64]));
    }
}

/// @notice Measurement, not a correctness test: the per-step gas figures (snapshots/GasBreakdownTest.json)
///         behind the choice of which steps use assembly (docs/notes/sol-lcpclient.md).
contract GasBreakdownTest is LCPClientFixture {
    Probe p;

    function setUp() public {
        _deploy(1, 1);
        p = new Probe();
    }

    function testGasBreakdown() public {
        bytes memory m =
            _message(ILCPMessages.MessageType.StorageClaim, abi.encode(_storage(BLOCK1, HASH1, bytes32(uint256(9)))));
        bytes memory s = _signN(m, 1);
        p.empty(m, s);
        vm.snapshotGasLastCall("empty");
        p.hash(m, s);
        vm.snapshotGasLastCall("hash");
        p.header(m, s);
        vm.snapshotGasLastCall("header");
        p.decode(m, s);
        vm.snapshotGasLastCall("decode");
        p.recover(m, s);
        vm.snapshotGasLastCall("recover");
        p.rawRecover(m, s);
        vm.snapshotGasLastCall("rawRecover");
        ILCPMessages.StorageClaim memory c = _storage(BLOCK1, HASH1, bytes32(uint256(9)));
        bytes32[] memory proof = new bytes32[](7);
        bytes32 root = p.leafOnly(c);
        vm.snapshotGasLastCall("leafOnly");
        for (uint256 i; i < 7; ++i) {
            root = keccak256(abi.encodePacked(bytes1(0x01), root, proof[i]));
        }
        p.verifyOnly(c, proof, root);
        vm.snapshotGasLastCall("verifyOnly depth 7");
        ILCPMessages.StorageClaim[] memory cs = new ILCPMessages.StorageClaim[](10);
        bytes32[] memory proofs = new bytes32[](70);
        for (uint256 i; i < 10; ++i) {
            cs[i] = c;
        }
        p.loop(cs, proofs, root);
        vm.snapshotGasLastCall("loop x10");
    }
}
