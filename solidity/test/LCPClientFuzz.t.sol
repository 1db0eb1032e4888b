// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {LCPMessages} from "../src/lib/LCPMessages.sol";
import {EnclaveSignatures} from "../src/lib/EnclaveSignatures.sol";
import {MerkleClaims} from "../src/lib/MerkleClaims.sol";

/// @notice Property tests: continuity, threshold, replay across chain id and client address, low-s,
///         Merkle positions.
contract LCPClientFuzzTest is LCPClientFixture {
    uint256 internal constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function setUp() public {
        _deploy(5, 1);
    }

    function testFuzzContinuityOnlyFromTheStoredState(bytes32 prev) public {
        bytes32 s1 = _init(1);
        bytes memory m = _updateMessage(_update(prev, keccak256("s2"), 6464, BLOCK2, HASH2));
        bytes memory sigs = _signN(m, 1);
        if (prev != s1) {
            vm.expectRevert(abi.encodeWithSelector(LCPClient.StateDiscontinuity.selector, prev, s1));
            client.updateState(m, sigs);
            assertEq(client.stateId(), s1, "unchanged");
        } else {
            client.updateState(m, sigs);
            assertEq(client.stateId(), keccak256("s2"), "moved");
        }
    }

    function testFuzzThresholdOfDistinctOperators(uint8 threshold, uint8 signers) public {
        threshold = uint8(bound(threshold, 1, 5));
        signers = uint8(bound(signers, 0, 5));
        client.setThreshold(threshold);
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1));
        bytes memory sigs = _signN(m, signers);
        if (signers < threshold) {
            vm.expectRevert(abi.encodeWithSelector(LCPClient.BelowThreshold.selector, signers, threshold));
            client.initialize(m, sigs);
        } else {
            client.initialize(m, sigs);
            assertEq(client.stateId(), keccak256("s1"), "initialised");
        }
    }

    function testFuzzReplayAcrossChainIdFails(uint64 chainId) public {
        vm.assume(chainId != block.chainid);
        bytes memory m = abi.encodePacked(
            LCPMessages.header(ILCPMessages.MessageType.UpdateState, chainId, address(client)),
            abi.encode(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1))
        );
        bytes memory sigs = _signN(m, 1);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongChainId.selector, chainId, block.chainid));
        client.initialize(m, sigs);
        // The same bytes on the chain they were made for are fine.
        vm.chainId(chainId);
        client.initialize(m, sigs);
    }

    function testFuzzReplayAcrossClientFails(address other) public {
        vm.assume(other != address(client));
        bytes memory m = abi.encodePacked(
            LCPMessages.header(ILCPMessages.MessageType.StorageClaim, block.chainid, other),
            abi.encode(_storage(BLOCK1, HASH1, bytes32(0)))
        );
        _init(1);
        bytes memory sigs = _signN(m, 1);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongClient.selector, other, address(client)));
        client.verifyStorage(m, sigs);
    }

    /// Two deployments sharing keys and config: messages for one never verify on the other.
    function testReplayBetweenTwoDeploymentsFails() public {
        _init(1);
        LCPClient first = client;
        bytes memory claimForFirst =
            _message(ILCPMessages.MessageType.StorageClaim, abi.encode(_storage(BLOCK1, HASH1, bytes32(0))));
        bytes memory sigs = _signN(claimForFirst, 1);
        first.verifyStorage(claimForFirst, sigs);

        _deploy(5, 1);
        _init(1);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongClient.selector, address(first), address(client)));
        client.verifyStorage(claimForFirst, sigs);
    }

    function testFuzzHighSTwinAlwaysRejected(uint256 seed, bytes32 digest) public {
        uint256 pk = bound(seed, 1, N - 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        assertTrue(uint256(s) <= EnclaveSignatures.HALF_ORDER, "vm.sign is low-s");
        bytes32 twin = bytes32(N - uint256(s));
        bytes memory sig = abi.encodePacked(r, twin, v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(EnclaveSignatures.HighS.selector, 0, twin));
        this.recover(digest, sig);
        assertEq(this.recover(digest, abi.encodePacked(r, s, v)), vm.addr(pk), "low-s recovers");
    }

    function recover(bytes32 digest, bytes calldata sig) external view returns (address) {
        return EnclaveSignatures.recover(digest, sig, 0);
    }

    function testFuzzMerkleLeafProvesOnlyItsPosition(uint8 count, uint8 index, uint8 other) public view {
        uint256 n = bound(count, 1, 40);
        uint256 i = bound(index, 0, n - 1);
        uint256 j = bound(other, 0, n - 1);
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 k; k < n; ++k) {
            leaves[k] = _storageLeaf(_storage(BLOCK1, HASH1, bytes32(k)));
        }
        (bytes32 root, bytes32[] memory proofs) = _tree(leaves);
        uint256 d = MerkleClaims.depth(n);
        bytes32[] memory proof = new bytes32[](d);
        for (uint256 k; k < d; ++k) {
            proof[k] = proofs[i * d + k];
        }
        this.verifyProof(root, n, i, leaves[i], proof);
        if (j != i) {
            try this.verifyProof(root, n, j, leaves[i], proof) {
                revert AssertionFailed("leaf proved at another index");
            } catch {}
        }
    }

    /// Folding all leaves in place gives the same root as the padded tree with per-leaf proofs.
    function testFuzzVerifyAllMatchesPaddedTree(uint16 count) public pure {
        uint256 n = bound(count, 1, 300);
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 k; k < n; ++k) {
            leaves[k] = keccak256(abi.encode(k));
        }
        (bytes32 root,) = _tree(leaves);
        MerkleClaims.verifyAll(root, n, leaves);
    }

    function verifyProof(bytes32 root, uint256 n, uint256 index, bytes32 leaf, bytes32[] calldata proof) external pure {
        MerkleClaims.verify(root, n, MerkleClaims.depth(n), index, leaf, proof);
    }

    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + (x % (hi - lo + 1));
    }
}
