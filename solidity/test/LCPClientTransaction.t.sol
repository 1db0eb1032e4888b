// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {LCPMessages} from "../src/lib/LCPMessages.sol";

/// @notice `LCPClient.verifyTransaction`: the proven fields come back; every rejection names its exact error.
contract LCPClientTransactionTest is LCPClientFixture {
    function setUp() public {
        _deploy(3, 2);
    }

    function _transaction(uint64 blockNumber, bytes32 blockHash)
        internal
        pure
        returns (ILCPMessages.TransactionClaim memory c)
    {
        c.blockNumber = blockNumber;
        c.blockHash = blockHash;
        c.txIndex = 42;
        c.txHash = keccak256("transaction 42");
        c.txType = 2;
    }

    function _txMessage(ILCPMessages.TransactionClaim memory c) internal view returns (bytes memory) {
        return _message(ILCPMessages.MessageType.TransactionClaim, abi.encode(c));
    }

    function testVerifyTransactionReturnsClaim() public {
        _init(2);
        ILCPMessages.TransactionClaim memory c = _transaction(BLOCK1, HASH1);
        bytes memory m = _txMessage(c);
        ILCPMessages.TransactionClaim memory got = client.verifyTransaction(m, _signN(m, 2));
        vm.snapshotGasLastCall("verifyTransaction 2-of-3");
        assertEq(got.blockNumber, BLOCK1, "blockNumber");
        assertEq(got.blockHash, HASH1, "blockHash");
        assertEq(got.txIndex, 42, "txIndex");
        assertEq(got.txHash, keccak256("transaction 42"), "txHash");
        assertEq(got.txType, 2, "txType");
        assertEq(abi.encode(got), abi.encode(c), "claim");
    }

    function testVerifyTransactionUnknownBlock() public {
        _init(2);
        bytes memory m = _txMessage(_transaction(BLOCK2, HASH2));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.UnknownBlock.selector, BLOCK2));
        client.verifyTransaction(m, sigs);
    }

    function testVerifyTransactionWrongBlockHash() public {
        _init(2);
        bytes memory m = _txMessage(_transaction(BLOCK1, HASH2));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BlockHashMismatch.selector, BLOCK1, HASH2, HASH1));
        client.verifyTransaction(m, sigs);
    }

    function testVerifyTransactionBadSignature() public {
        _init(2);
        ILCPMessages.TransactionClaim memory c = _transaction(BLOCK1, HASH1);
        bytes memory m = _txMessage(c);
        // Valid signatures by registered keys, but over another claim (a different txHash): the first one
        // recovers to an address that is no registered key.
        c.txHash = keccak256("another transaction");
        bytes memory other = _txMessage(c);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[0], keccak256(other));
        address recovered = ecrecover(keccak256(m), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.UnknownSigner.selector, recovered));
        client.verifyTransaction(m, _signN(other, 2));
    }

    function testVerifyTransactionBelowThreshold() public {
        _init(2);
        bytes memory m = _txMessage(_transaction(BLOCK1, HASH1));
        bytes memory sigs = _signN(m, 1);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BelowThreshold.selector, 1, 2));
        client.verifyTransaction(m, sigs);
    }

    function testVerifyTransactionFrozenClient() public {
        bytes32 s1 = _init(2);
        bytes memory a = _updateMessage(_update(s1, keccak256("s2"), 6464, BLOCK2, HASH2));
        bytes memory b = _updateMessage(_update(keccak256("fork"), keccak256("s2'"), 6464, BLOCK2, keccak256("other")));
        client.submitMisbehaviour(a, _signN(a, 2), b, _signN(b, 2));
        bytes memory m = _txMessage(_transaction(BLOCK1, HASH1));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(LCPClient.ClientFrozen.selector);
        client.verifyTransaction(m, sigs);
    }

    function testVerifyTransactionWrongMessageType() public {
        _init(2);
        bytes memory m = _message(ILCPMessages.MessageType.AccountClaim, abi.encode(_account(BLOCK1, HASH1)));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongMessageType.selector, 4, 6));
        client.verifyTransaction(m, sigs);

        // And a transaction claim is not read as an account claim.
        m = _txMessage(_transaction(BLOCK1, HASH1));
        sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongMessageType.selector, 6, 4));
        client.verifyAccount(m, sigs);
    }

    function testVerifyTransactionMalformedBody() public {
        _init(2);
        ILCPMessages.TransactionClaim memory c = _transaction(BLOCK1, HASH1);
        // txType word with bits above uint8: not an ABI encoding of the struct.
        bytes memory body = abi.encode(c.blockNumber, c.blockHash, c.txIndex, c.txHash, uint256(0x102));
        bytes memory m = _message(ILCPMessages.MessageType.TransactionClaim, body);
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.FieldOutOfRange.selector, 6, 4));
        client.verifyTransaction(m, sigs);

        m = _message(ILCPMessages.MessageType.TransactionClaim, bytes.concat(abi.encode(c), bytes32(0)));
        sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.MalformedBody.selector, 6, 6 * 32));
        client.verifyTransaction(m, sigs);
    }
}
