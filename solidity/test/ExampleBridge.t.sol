// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPClient} from "../src/interfaces/ILCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {ExampleBridge} from "../src/examples/ExampleBridge.sol";
import {ExampleLocker} from "../src/examples/ExampleLocker.sol";

contract RejectingRecipient {
    receive() external payable {
        revert("no");
    }
}

/// @notice A recipient that re-enters `release` from its `receive`, with a message of its choosing, and
///         records what the inner call did (it swallows the inner revert so the outer payout can finish).
contract ReentrantRecipient {
    ExampleBridge internal bridge;
    bytes internal message;
    bytes internal signatures;
    uint256 public calls;
    bool public innerSucceeded;
    bytes public innerError;

    function arm(ExampleBridge b, bytes calldata m, bytes calldata s) external {
        bridge = b;
        message = m;
        signatures = s;
    }

    receive() external payable {
        ++calls;
        if (calls > 1) return; // re-enter once
        try bridge.release(message, signatures) {
            innerSucceeded = true;
        } catch (bytes memory reason) {
            innerError = reason;
        }
    }
}

/// @notice The example bridge end to end on the client: a proven lock pays once, everything else fails
///         with its own error.
contract ExampleBridgeTest is LCPClientFixture {
    ExampleBridge internal bridge;
    address internal constant LOCKER = address(0x10c1e5);
    address internal constant RECIPIENT = address(0xa11ce);

    function setUp() public {
        _deploy(2, 2);
        _init(2);
        bridge = new ExampleBridge(ILCPClient(address(client)), LOCKER);
        vm.deal(address(bridge), 100 ether);
    }

    function _lockLog(address emitter, address recipient, uint256 amount, uint256 chainId, address dest)
        internal
        pure
        returns (ILCPMessages.ReceiptLogClaim memory c)
    {
        c.blockNumber = BLOCK1;
        c.blockHash = HASH1;
        c.txIndex = 3;
        c.logIndex = 0;
        c.emitter = emitter;
        c.topics = new bytes32[](2);
        c.topics[0] = keccak256("Locked(address,uint256,uint256,address)");
        c.topics[1] = bytes32(uint256(uint160(recipient)));
        c.data = abi.encode(amount, chainId, dest);
    }

    function _signed(ILCPMessages.ReceiptLogClaim memory c) internal view returns (bytes memory m, bytes memory s) {
        m = _message(ILCPMessages.MessageType.ReceiptLogClaim, abi.encode(c));
        s = _signN(m, 2);
    }

    function testTopicMatchesLockerEvent() public view {
        assertEq(bridge.LOCKED_TOPIC(), ExampleLocker.Locked.selector, "topic0 is the locker's event");
    }

    function testReleasePaysOnceAndRecordsTheLock() public {
        (bytes memory m, bytes memory s) = _signed(_lockLog(LOCKER, RECIPIENT, 3 ether, block.chainid, address(bridge)));
        bytes32 lockId = keccak256(abi.encode(HASH1, uint32(3), uint32(0)));
        vm.expectEmit(address(bridge));
        emit ExampleBridge.Released(lockId, RECIPIENT, 3 ether);
        assertEq(bridge.release(m, s), lockId, "lock id");
        assertEq(RECIPIENT.balance, 3 ether, "paid");
        assertTrue(bridge.released(lockId), "recorded");
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.AlreadyReleased.selector, lockId));
        bridge.release(m, s);
        assertEq(RECIPIENT.balance, 3 ether, "paid once");
    }

    function testReleaseChecksEmitterTopicAndDestination() public {
        (bytes memory m, bytes memory s) =
            _signed(_lockLog(address(0xbad), RECIPIENT, 1 ether, block.chainid, address(bridge)));
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.WrongEmitter.selector, address(0xbad), LOCKER));
        bridge.release(m, s);

        ILCPMessages.ReceiptLogClaim memory c = _lockLog(LOCKER, RECIPIENT, 1 ether, block.chainid, address(bridge));
        c.topics[0] = keccak256("Transfer(address,address,uint256)");
        (m, s) = _signed(c);
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.NotALockEvent.selector, 2, c.topics[0]));
        bridge.release(m, s);

        (m, s) = _signed(_lockLog(LOCKER, RECIPIENT, 1 ether, 1, address(bridge)));
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.WrongDestination.selector, 1, address(bridge)));
        bridge.release(m, s);

        (m, s) = _signed(_lockLog(LOCKER, RECIPIENT, 1 ether, block.chainid, address(0xb2)));
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.WrongDestination.selector, block.chainid, address(0xb2)));
        bridge.release(m, s);

        c = _lockLog(LOCKER, RECIPIENT, 1 ether, block.chainid, address(bridge));
        c.topics[1] = bytes32(type(uint256).max);
        (m, s) = _signed(c);
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.BadRecipient.selector, c.topics[1]));
        bridge.release(m, s);

        c = _lockLog(LOCKER, RECIPIENT, 1 ether, block.chainid, address(bridge));
        c.data = bytes.concat(c.data, hex"00");
        (m, s) = _signed(c);
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.BadEventData.selector, 97));
        bridge.release(m, s);
    }

    function testReleaseNeedsTheClient() public {
        ILCPMessages.ReceiptLogClaim memory c = _lockLog(LOCKER, RECIPIENT, 1 ether, block.chainid, address(bridge));
        c.blockHash = keccak256("unfinalized");
        (bytes memory m, bytes memory s) = _signed(c);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BlockHashMismatch.selector, BLOCK1, c.blockHash, HASH1));
        bridge.release(m, s);

        (m, s) = _signed(_lockLog(LOCKER, RECIPIENT, 1 ether, block.chainid, address(bridge)));
        bytes memory one = new bytes(65);
        for (uint256 i; i < 65; ++i) {
            one[i] = s[i];
        }
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BelowThreshold.selector, 1, 2));
        bridge.release(m, one);
    }

    /// Re-entering with the same lock during the payout is refused (the lock is recorded before the
    /// call); the lock pays exactly once.
    function testReentrantRecipientCannotReleaseTwice() public {
        ReentrantRecipient attacker = new ReentrantRecipient();
        (bytes memory m, bytes memory s) =
            _signed(_lockLog(LOCKER, address(attacker), 3 ether, block.chainid, address(bridge)));
        attacker.arm(bridge, m, s);
        bytes32 lockId = bridge.release(m, s);
        assertEq(attacker.calls(), 1, "one payout");
        assertFalse(attacker.innerSucceeded(), "inner release refused");
        assertEq(attacker.innerError(), abi.encodeWithSelector(ExampleBridge.AlreadyReleased.selector, lockId), "why");
        assertEq(address(attacker).balance, 3 ether, "paid once");
        assertEq(address(bridge).balance, 97 ether, "bridge paid once");
    }

    /// Re-entering with a different valid lock is just another release: each lock pays once, and
    /// nothing of the outer release is lost or doubled.
    function testReentrantRecipientWithAnotherLockPaysEachOnce() public {
        ReentrantRecipient attacker = new ReentrantRecipient();
        ILCPMessages.ReceiptLogClaim memory first =
            _lockLog(LOCKER, address(attacker), 3 ether, block.chainid, address(bridge));
        ILCPMessages.ReceiptLogClaim memory second =
            _lockLog(LOCKER, address(attacker), 2 ether, block.chainid, address(bridge));
        second.logIndex = 1;
        (bytes memory m1, bytes memory s1) = _signed(first);
        (bytes memory m2, bytes memory s2) = _signed(second);
        attacker.arm(bridge, m2, s2);
        bridge.release(m1, s1);
        assertTrue(attacker.innerSucceeded(), "inner release of the other lock");
        assertEq(attacker.calls(), 2, "two payouts");
        assertEq(address(attacker).balance, 5 ether, "each lock once");
        assertTrue(bridge.released(keccak256(abi.encode(HASH1, uint32(3), uint32(0)))), "first recorded");
        assertTrue(bridge.released(keccak256(abi.encode(HASH1, uint32(3), uint32(1)))), "second recorded");
        vm.expectRevert(
            abi.encodeWithSelector(
                ExampleBridge.AlreadyReleased.selector, keccak256(abi.encode(HASH1, uint32(3), uint32(1)))
            )
        );
        bridge.release(m2, s2);
    }

    function testRevertWhenTransferFailsKeepsTheLockOpen() public {
        RejectingRecipient r = new RejectingRecipient();
        (bytes memory m, bytes memory s) =
            _signed(_lockLog(LOCKER, address(r), 1 ether, block.chainid, address(bridge)));
        vm.expectRevert(abi.encodeWithSelector(ExampleBridge.TransferFailed.selector, address(r), 1 ether));
        bridge.release(m, s);
        assertFalse(bridge.released(keccak256(abi.encode(HASH1, uint32(3), uint32(0)))), "still open");
    }

    function testLockerEmitsWhatTheBridgeExpects() public {
        ExampleLocker locker = new ExampleLocker();
        vm.deal(address(this), 1 ether);
        vm.expectEmit(address(locker));
        emit ExampleLocker.Locked(RECIPIENT, 1 ether, block.chainid, address(bridge));
        locker.lock{value: 1 ether}(RECIPIENT, block.chainid, address(bridge));
        vm.expectRevert(ExampleLocker.ZeroAmount.selector);
        locker.lock(RECIPIENT, block.chainid, address(bridge));
    }

    function testGasRelease() public {
        (bytes memory m, bytes memory s) = _signed(_lockLog(LOCKER, RECIPIENT, 3 ether, block.chainid, address(bridge)));
        bridge.release(m, s);
        vm.snapshotGasLastCall("ExampleBridge.release (2 of 2)");
    }
}
