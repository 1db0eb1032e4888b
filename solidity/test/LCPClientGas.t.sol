// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";

/// @notice Gas of the hot paths, one call per test so `forge snapshot` and `vm.snapshotGasLastCall`
///         (snapshots/*.json) record exactly that call. Messages are built in setUp; each test function
///         is its own transaction, so the client's storage is cold as on chain.
abstract contract LCPClientGasBase is LCPClientFixture {
    bytes internal updateMessage;
    bytes internal updateSignatures;
    bytes internal storageMessage;
    bytes internal storageSignatures;
    bytes internal receiptMessage;
    bytes internal receiptSignatures;
    bytes internal accountMessage;
    bytes internal accountSignatures;

    uint256 internal constant BATCH_SIZE = 100;

    function _threshold() internal pure virtual returns (uint8);

    function setUp() public {
        uint8 t = _threshold();
        _deploy(t, t);
        bytes32 s1 = _init(t);

        updateMessage = _updateMessage(_update(s1, keccak256("s2"), 6464, BLOCK2, HASH2));
        updateSignatures = _signN(updateMessage, t);

        storageMessage =
            _message(ILCPMessages.MessageType.StorageClaim, abi.encode(_storage(BLOCK1, HASH1, bytes32(uint256(9)))));
        storageSignatures = _signN(storageMessage, t);

        receiptMessage = _message(ILCPMessages.MessageType.ReceiptLogClaim, abi.encode(_receipt(BLOCK1, HASH1)));
        receiptSignatures = _signN(receiptMessage, t);

        accountMessage = _message(ILCPMessages.MessageType.AccountClaim, abi.encode(_account(BLOCK1, HASH1)));
        accountSignatures = _signN(accountMessage, t);
    }

    function _name(string memory what) internal pure returns (string memory) {
        return string.concat(what, _threshold() == 1 ? " (1 of 1)" : " (2 of 2)");
    }

    /// Transaction-level calldata cost of a call: EIP-2028 standard (4 per zero byte, 16 per non-zero)
    /// and the EIP-7623 floor (10 per token, a non-zero byte being 4 tokens). A transaction pays
    /// 21000 + max(standard + execution, floor).
    function _calldata(string memory what, bytes memory data) internal {
        uint256 zeros;
        for (uint256 i; i < data.length; ++i) {
            if (data[i] == 0) ++zeros;
        }
        uint256 nonZeros = data.length - zeros;
        vm.snapshotValue(_name(string.concat(what, " calldata bytes")), data.length);
        vm.snapshotValue(_name(string.concat(what, " calldata gas (EIP-2028)")), 4 * zeros + 16 * nonZeros);
        vm.snapshotValue(_name(string.concat(what, " calldata floor (EIP-7623)")), 10 * (zeros + 4 * nonZeros));
    }

    /// The 100-claim batch, built in memory: storing 100 claims and 700 proof nodes in setUp would
    /// exceed the gas cap.
    function _batch100()
        internal
        view
        returns (
            bytes memory message,
            bytes memory signatures,
            ILCPMessages.StorageClaim[] memory claims,
            uint256[] memory indices,
            bytes32[] memory proofs
        )
    {
        claims = new ILCPMessages.StorageClaim[](BATCH_SIZE);
        indices = new uint256[](BATCH_SIZE);
        bytes32[] memory leaves = new bytes32[](BATCH_SIZE);
        for (uint256 i; i < BATCH_SIZE; ++i) {
            claims[i] = _storage(BLOCK1, HASH1, bytes32(i));
            indices[i] = i;
            leaves[i] = _storageLeaf(claims[i]);
        }
        bytes32 root;
        (root, proofs) = _tree(leaves);
        message = _message(
            ILCPMessages.MessageType.BatchClaims,
            abi.encode(ILCPMessages.BatchClaims(BLOCK1, HASH1, uint32(BATCH_SIZE), root))
        );
        signatures = _signN(message, _threshold());
    }

    function testGasUpdateState() public {
        client.updateState(updateMessage, updateSignatures);
        vm.snapshotGasLastCall(_name("updateState"));
    }

    function testGasVerifyStorage() public {
        client.verifyStorage(storageMessage, storageSignatures);
        vm.snapshotGasLastCall(_name("verifyStorage"));
    }

    function testGasVerifyReceiptLog() public {
        client.verifyReceiptLog(receiptMessage, receiptSignatures);
        vm.snapshotGasLastCall(_name("verifyReceiptLog"));
    }

    function testGasVerifyAccount() public {
        client.verifyAccount(accountMessage, accountSignatures);
        vm.snapshotGasLastCall(_name("verifyAccount"));
    }

    function testGasVerifyStorageBatch100() public {
        (
            bytes memory message,
            bytes memory signatures,
            ILCPMessages.StorageClaim[] memory claims,
            uint256[] memory indices,
            bytes32[] memory proofs
        ) = _batch100();
        client.verifyStorageBatch(message, signatures, claims, indices, proofs);
        uint256 gasUsed = vm.snapshotGasLastCall(_name("verifyStorageBatch x100"));
        vm.snapshotValue(_name("verifyStorageBatch per claim"), gasUsed / BATCH_SIZE);
    }

    function testGasVerifyStorageBatchAll100() public {
        (bytes memory message, bytes memory signatures, ILCPMessages.StorageClaim[] memory claims,,) = _batch100();
        client.verifyStorageBatchAll(message, signatures, claims);
        uint256 gasUsed = vm.snapshotGasLastCall(_name("verifyStorageBatchAll x100"));
        vm.snapshotValue(_name("verifyStorageBatchAll per claim"), gasUsed / BATCH_SIZE);
    }

    /// Calldata figures of the measured calls, kept out of the testGas* functions so that their
    /// `.gas-snapshot` entries are not dominated by this byte-counting loop.
    function testCalldataCosts() public {
        _calldata("updateState", abi.encodeCall(client.updateState, (updateMessage, updateSignatures)));
        _calldata("verifyStorage", abi.encodeCall(client.verifyStorage, (storageMessage, storageSignatures)));
        _calldata("verifyReceiptLog", abi.encodeCall(client.verifyReceiptLog, (receiptMessage, receiptSignatures)));
        (
            bytes memory message,
            bytes memory signatures,
            ILCPMessages.StorageClaim[] memory claims,
            uint256[] memory indices,
            bytes32[] memory proofs
        ) = _batch100();
        _calldata(
            "verifyStorageBatch x100",
            abi.encodeCall(client.verifyStorageBatch, (message, signatures, claims, indices, proofs))
        );
        _calldata(
            "verifyStorageBatchAll x100", abi.encodeCall(client.verifyStorageBatchAll, (message, signatures, claims))
        );
    }
}

contract LCPClientGas1of1Test is LCPClientGasBase {
    function _threshold() internal pure override returns (uint8) {
        return 1;
    }
}

contract LCPClientGas2of2Test is LCPClientGasBase {
    function _threshold() internal pure override returns (uint8) {
        return 2;
    }
}
