// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";

/// @notice Drives the client with random, mostly-hostile calls and keeps ghost state of what a correct
///         client may do. Every action ends in try/catch: only successes are judged.
contract LCPClientHandler is Test {
    LCPClient internal client;
    LCPClientFixture internal fixture;
    uint256[] internal keys;
    uint8 internal threshold;

    // Ghost state.
    bytes32 public ghostStateId;
    bool public ghostFrozen;
    mapping(uint64 => bytes32) public ghostHash;
    uint64[] public storedBlocks;
    uint256 public continuityViolations;
    uint256 public thresholdViolations;
    uint256 public frozenViolations;
    uint256 public hashViolations;
    uint256 public deadKeyViolations;
    uint256 public revocations;
    uint256 public warps;
    /// Per key index: revoked by `revoke`, and the expiry recorded when the run started.
    mapping(uint256 => bool) public ghostRevoked;
    mapping(uint256 => uint64) public ghostExpiry;
    uint256 public updates;
    uint256 public verifications;

    constructor(LCPClient c, uint256[] memory k, uint8 t, bytes32 initialState, uint64 block1, bytes32 hash1) {
        client = c;
        keys = k;
        threshold = t;
        ghostStateId = initialState;
        ghostHash[block1] = hash1;
        storedBlocks.push(block1);
        for (uint256 i; i < k.length; ++i) {
            (, uint64 expiry,) = c.enclaveKey(vm.addr(k[i]));
            ghostExpiry[i] = expiry;
        }
    }

    /// Whether every key selected by `mask` was live (unrevoked, unexpired) at this call.
    function _allLive(uint256 mask) internal view returns (bool) {
        for (uint256 i; i < keys.length; ++i) {
            if ((mask >> i) & 1 == 1 && (ghostRevoked[i] || block.timestamp >= ghostExpiry[i])) return false;
        }
        return true;
    }

    /// The owner (this handler, after a two-step transfer) revokes key `index`. Rare, so runs stay live.
    function revoke(uint8 index, uint8 dice) external {
        if (dice % 16 != 0) return;
        uint256 i = index % keys.length;
        client.revokeEnclaveKey(vm.addr(keys[i]));
        ghostRevoked[i] = true;
        ++revocations;
    }

    /// Time passes (up to 30 minutes; keys live 3 hours in the fixture), sometimes.
    function warp(uint16 secondsSeed, uint8 dice) external {
        if (dice % 4 != 0) return;
        vm.warp(block.timestamp + (uint256(secondsSeed) % 30 minutes));
        ++warps;
    }

    function _message(ILCPMessages.MessageType t, bytes memory body) internal view returns (bytes memory) {
        return abi.encodePacked(
            bytes32(
                (uint256(1) << 248) | (uint256(uint8(t)) << 240) | (block.chainid << 160) | uint160(address(client))
            ),
            body
        );
    }

    /// Signs with the keys selected by `mask` (bit i = key i); keys are sorted, so the list ascends.
    function _signKeys(bytes memory m, uint256 mask) internal view returns (bytes memory out, uint256 count) {
        for (uint256 i; i < keys.length; ++i) {
            if ((mask >> i) & 1 == 1) {
                (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], keccak256(m));
                out = bytes.concat(out, abi.encodePacked(r, s, v));
                ++count;
            }
        }
    }

    function update(bool useStoredPrev, bytes32 randomPrev, uint64 blockSeed, bool rehash, uint8 mask) external {
        bytes32 prev = useStoredPrev ? client.stateId() : randomPrev;
        uint64 blockNumber = uint64(100 + (blockSeed % 50));
        bytes32 blockHash = rehash ? keccak256(abi.encode("other", blockNumber)) : keccak256(abi.encode(blockNumber));
        ILCPMessages.UpdateState memory u;
        u.prevStateId = prev;
        u.postStateId = keccak256(abi.encode(prev, blockNumber, rehash));
        u.finalizedSlot = blockNumber * 32;
        u.finalizedBeaconRoot = keccak256(abi.encode("beacon", blockNumber));
        u.blockNumber = blockNumber;
        u.blockHash = blockHash;
        bytes memory m = _message(ILCPMessages.MessageType.UpdateState, abi.encode(u));
        (bytes memory sigs, uint256 count) = _signKeys(m, mask);
        bytes32 before = client.stateId();
        try client.updateState(m, sigs) {
            ++updates;
            if (!_allLive(mask)) ++deadKeyViolations;
            if (ghostFrozen) ++frozenViolations;
            if (count < threshold) ++thresholdViolations;
            if (prev != before) ++continuityViolations;
            bytes32 known = ghostHash[blockNumber];
            if (known != bytes32(0) && known != blockHash) {
                // Conflict: the client must have frozen without moving.
                (, bool frozen,,) = client.config();
                if (!frozen || client.stateId() != before) ++continuityViolations;
                ghostFrozen = true;
            } else {
                if (known == bytes32(0)) {
                    ghostHash[blockNumber] = blockHash;
                    storedBlocks.push(blockNumber);
                }
                ghostStateId = u.postStateId;
            }
        } catch {}
    }

    function misbehave(uint64 blockSeed, uint8 mask) external {
        // Rare on purpose: a freeze ends all progress, and the other invariants need live runs.
        if (blockSeed % 8 != 0) return;
        uint64 blockNumber = uint64(100 + (blockSeed % 50));
        ILCPMessages.UpdateState memory a;
        a.postStateId = keccak256("a");
        a.finalizedSlot = blockNumber * 32;
        a.blockNumber = blockNumber;
        a.blockHash = keccak256(abi.encode(blockNumber));
        ILCPMessages.UpdateState memory b; // a separate struct: `b = a` would alias memory
        b.postStateId = keccak256("b");
        b.finalizedSlot = a.finalizedSlot;
        b.blockNumber = blockNumber;
        b.blockHash = keccak256(abi.encode("fork", blockNumber));
        bytes memory ma = _message(ILCPMessages.MessageType.UpdateState, abi.encode(a));
        bytes memory mb = _message(ILCPMessages.MessageType.UpdateState, abi.encode(b));
        (bytes memory sa, uint256 ca) = _signKeys(ma, mask);
        (bytes memory sb,) = _signKeys(mb, mask);
        try client.submitMisbehaviour(ma, sa, mb, sb) {
            if (!_allLive(mask)) ++deadKeyViolations;
            if (ghostFrozen) ++frozenViolations;
            if (ca < threshold) ++thresholdViolations;
            ghostFrozen = true;
        } catch {}
    }

    function verify(uint64 blockSeed, bool knownBlock, uint8 mask) external {
        uint64 blockNumber = knownBlock ? storedBlocks[blockSeed % storedBlocks.length] : uint64(100 + (blockSeed % 50));
        ILCPMessages.StorageClaim memory c;
        c.blockNumber = blockNumber;
        c.blockHash = ghostHash[blockNumber] == bytes32(0) ? keccak256(abi.encode(blockNumber)) : ghostHash[blockNumber];
        c.slot = bytes32(uint256(blockSeed));
        bytes memory m = _message(ILCPMessages.MessageType.StorageClaim, abi.encode(c));
        (bytes memory sigs, uint256 count) = _signKeys(m, mask);
        try client.verifyStorage(m, sigs) {
            ++verifications;
            if (!_allLive(mask)) ++deadKeyViolations;
            if (ghostFrozen) ++frozenViolations;
            if (count < threshold) ++thresholdViolations;
            if (ghostHash[blockNumber] != c.blockHash) ++hashViolations;
        } catch {}
    }

    function storedCount() external view returns (uint256) {
        return storedBlocks.length;
    }
}

/// @notice Invariants: continuity is never broken, stored block hashes never change, nothing is accepted
///         below the threshold, a frozen client verifies and updates nothing, and a revoked or expired key
///         never counts toward anything.
contract LCPClientInvariantTest is LCPClientFixture {
    LCPClientHandler internal handler;

    function setUp() public {
        _deploy(4, 2);
        bytes32 s1 = _init(2);
        handler = new LCPClientHandler(client, keys, 2, s1, BLOCK1, HASH1);
        // The handler becomes owner (two steps) so it can revoke keys.
        client.transferOwnership(address(handler));
        vm.prank(address(handler));
        client.acceptOwnership();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariantContinuity() public view {
        assertEq(handler.continuityViolations(), 0, "continuity broken");
        assertEq(client.stateId(), handler.ghostStateId(), "state id");
    }

    function invariantThreshold() public view {
        assertEq(handler.thresholdViolations(), 0, "accepted below threshold");
    }

    function invariantFrozenClientDoesNothing() public view {
        assertEq(handler.frozenViolations(), 0, "frozen client acted");
        (, bool frozen,,) = client.config();
        assertEq(frozen, handler.ghostFrozen(), "frozen flag");
    }

    function invariantStoredHashesNeverChange() public view {
        assertEq(handler.hashViolations(), 0, "claim for an unstored hash");
        uint256 n = handler.storedCount();
        for (uint256 i; i < n; ++i) {
            uint64 b = handler.storedBlocks(i);
            assertEq(client.blockHashOf(b), handler.ghostHash(b), "stored hash");
        }
    }

    function invariantRevokedAndExpiredKeysNeverCount() public view {
        assertEq(handler.deadKeyViolations(), 0, "a revoked or expired key counted");
    }

    /// Revocation and expiry paths are live: a revoked key's signature stops counting at once, and
    /// after expiry nothing verifies.
    function testRevokeAndExpiryPathsAreLive() public {
        handler.verify(0, true, 0x3);
        assertEq(handler.verifications(), 1, "claim verified");
        handler.revoke(0, 0);
        assertEq(handler.revocations(), 1, "revoked");
        handler.verify(0, true, 0x3); // key 0 revoked: refused
        assertEq(handler.verifications(), 1, "revoked key refused");
        handler.verify(0, true, 0x6); // keys 1 and 2: fine
        assertEq(handler.verifications(), 2, "live keys verify");
        for (uint256 i; i < 20; ++i) {
            handler.warp(type(uint16).max, 0);
        }
        assertTrue(block.timestamp >= handler.ghostExpiry(1), "expired");
        handler.verify(0, true, 0x6);
        assertEq(handler.verifications(), 2, "expired keys refused");
        invariantRevokedAndExpiredKeysNeverCount();
    }

    /// The handler's paths are live: a valid update and claim succeed, then misbehaviour freezes and
    /// nothing succeeds any more (guards against invariants that pass because every call reverts).
    function testHandlerPathsAreLive() public {
        handler.update(true, bytes32(0), 7, false, 0x3);
        assertEq(handler.updates(), 1, "update applied");
        handler.update(true, bytes32(0), 8, false, 0x1);
        assertEq(handler.updates(), 1, "below threshold refused");
        handler.verify(0, true, 0x6);
        assertEq(handler.verifications(), 1, "claim verified");
        handler.misbehave(16, 0x3);
        assertTrue(handler.ghostFrozen(), "frozen");
        handler.verify(0, true, 0x3);
        handler.update(true, bytes32(0), 10, false, 0x3);
        assertEq(handler.verifications(), 1, "no claim after freeze");
        assertEq(handler.updates(), 1, "no update after freeze");
        invariantContinuity();
        invariantFrozenClientDoesNothing();
    }
}
