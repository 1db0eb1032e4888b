// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {LCPMessages} from "../src/lib/LCPMessages.sol";
import {MerkleClaims} from "../src/lib/MerkleClaims.sol";

/// @notice `LCPClient.verifyTransaction` and `verifyTransactionBatch`: the proven fields come back; every
///         rejection names its exact error.
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

    /*//////////////////////////////////////////////////////////////
                                 BATCH
    //////////////////////////////////////////////////////////////*/

    function _txLeaf(ILCPMessages.TransactionClaim memory c) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0), uint8(ILCPMessages.MessageType.TransactionClaim), abi.encode(c)));
    }

    struct TxBatch {
        bytes message;
        bytes sigs;
        ILCPMessages.TransactionClaim[] claims;
        bytes32[] leaves;
        bytes32 root;
        bytes32[] proofs;
    }

    /// Three transaction claims and one storage claim at BLOCK1 in one signed batch (4 leaves, depth 2).
    function _txBatch() internal view returns (TxBatch memory b) {
        b.claims = new ILCPMessages.TransactionClaim[](3);
        b.leaves = new bytes32[](4);
        for (uint256 i; i < 3; ++i) {
            b.claims[i] = _transaction(BLOCK1, HASH1);
            b.claims[i].txIndex = uint32(i * 7);
            b.claims[i].txHash = keccak256(abi.encode("transaction", i));
            b.claims[i].txType = uint8(i);
            b.leaves[i] = _txLeaf(b.claims[i]);
        }
        b.leaves[3] = _storageLeaf(_storageTwin());
        (b.root, b.proofs) = _tree(b.leaves);
        b.message = _message(
            ILCPMessages.MessageType.BatchClaims, abi.encode(ILCPMessages.BatchClaims(BLOCK1, HASH1, 4, b.root))
        );
        b.sigs = _signN(b.message, 2);
    }

    /// A storage claim whose ABI words equal those of `_transactionTwin()`: only the leaf's type byte differs.
    function _storageTwin() internal pure returns (ILCPMessages.StorageClaim memory) {
        return ILCPMessages.StorageClaim({
            blockNumber: BLOCK1,
            blockHash: HASH1,
            account: address(uint160(21)),
            slot: keccak256("twin"),
            value: bytes32(uint256(2))
        });
    }

    function _transactionTwin() internal pure returns (ILCPMessages.TransactionClaim memory) {
        return ILCPMessages.TransactionClaim({
            blockNumber: BLOCK1, blockHash: HASH1, txIndex: 21, txHash: keccak256("twin"), txType: 2
        });
    }

    function _proofAt(TxBatch memory b, uint256 position) internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](2);
        proof[0] = b.proofs[2 * position];
        proof[1] = b.proofs[2 * position + 1];
    }

    function testVerifyTransactionBatchAcceptsEveryLeaf() public {
        _init(2);
        TxBatch memory b = _txBatch();
        uint256[] memory indices = new uint256[](3);
        bytes32[] memory txProofs = new bytes32[](6);
        for (uint256 i; i < 3; ++i) {
            indices[i] = i;
            txProofs[2 * i] = b.proofs[2 * i];
            txProofs[2 * i + 1] = b.proofs[2 * i + 1];
        }
        ILCPMessages.BatchClaims memory got =
            client.verifyTransactionBatch(b.message, b.sigs, b.claims, indices, txProofs);
        vm.snapshotGasLastCall("verifyTransactionBatch 3 of 4, 2-of-3");
        assertEq(got.root, b.root, "root");
        assertEq(got.leafCount, 4, "leaf count");
        assertEq(got.blockHash, HASH1, "block hash");
    }

    function testVerifyTransactionBatchRejectsAnotherPositionOrType() public {
        _init(2);
        TxBatch memory b = _txBatch();
        ILCPMessages.TransactionClaim[] memory one = new ILCPMessages.TransactionClaim[](1);
        one[0] = b.claims[0];
        uint256[] memory index = new uint256[](1);
        index[0] = 1;
        // Claim 0 presented at position 1 with position 1's proof.
        bytes32 got = MerkleClaims.nodeHash(MerkleClaims.nodeHash(b.proofs[2], b.leaves[0]), b.proofs[3]);
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.RootMismatch.selector, got, b.root));
        client.verifyTransactionBatch(b.message, b.sigs, one, index, _proofAt(b, 1));

        // The storage leaf's position does not take a transaction claim with the very same ABI words: the
        // claim type in the leaf preimage separates them.
        assertEq(abi.encode(_storageTwin()), abi.encode(_transactionTwin()), "same words");
        one[0] = _transactionTwin();
        index[0] = 3;
        got = MerkleClaims.nodeHash(b.proofs[7], MerkleClaims.nodeHash(b.proofs[6], _txLeaf(one[0])));
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.RootMismatch.selector, got, b.root));
        client.verifyTransactionBatch(b.message, b.sigs, one, index, _proofAt(b, 3));

        // An index past leafCount.
        one[0] = b.claims[0];
        index[0] = 4;
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.LeafIndexOutOfRange.selector, 4, 4));
        client.verifyTransactionBatch(b.message, b.sigs, one, index, _proofAt(b, 0));
    }

    function testVerifyTransactionBatchRejectsShapeAndBlock() public {
        _init(2);
        TxBatch memory b = _txBatch();
        uint256[] memory indices = new uint256[](3);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BatchArrayLengths.selector, 3, 3, 8, 6));
        client.verifyTransactionBatch(b.message, b.sigs, b.claims, indices, b.proofs);

        ILCPMessages.TransactionClaim[] memory one = new ILCPMessages.TransactionClaim[](1);
        one[0] = _transaction(BLOCK2, HASH2);
        uint256[] memory index = new uint256[](1);
        bytes32[] memory proof = new bytes32[](2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.ClaimBlockMismatch.selector, BLOCK2, HASH2, BLOCK1, HASH1));
        client.verifyTransactionBatch(b.message, b.sigs, one, index, proof);

        // A batch for a block the client does not hold.
        bytes memory unknown =
            _message(ILCPMessages.MessageType.BatchClaims, abi.encode(ILCPMessages.BatchClaims(BLOCK2, HASH2, 1, 0)));
        bytes memory unknownSigs = _signN(unknown, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.UnknownBlock.selector, BLOCK2));
        client.verifyTransactionBatch(unknown, unknownSigs, one, index, new bytes32[](0));
    }
}
