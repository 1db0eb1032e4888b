// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {LCPMessages} from "../src/lib/LCPMessages.sol";
import {EnclaveSignatures} from "../src/lib/EnclaveSignatures.sol";
import {MerkleClaims} from "../src/lib/MerkleClaims.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";
import {AttestationVerifierDouble} from "./utils/AttestationVerifierDouble.sol";

/// @notice Exposes the calldata libraries with an explicit domain (the golden files name theirs).
contract LCPMessagesHarness {
    function checkAndRecover(
        bytes calldata message,
        ILCPMessages.MessageType t,
        uint256 chainId,
        address client,
        bytes calldata signature
    ) external view returns (address) {
        LCPMessages.checkHeader(message, t, chainId, client);
        return EnclaveSignatures.recover(LCPMessages.digest(message), signature, 0);
    }

    function updateState(bytes calldata m) external pure returns (ILCPMessages.UpdateState memory) {
        return LCPMessages.decodeUpdateState(m);
    }

    function receiptLog(bytes calldata m) external pure returns (ILCPMessages.ReceiptLogClaim memory) {
        return LCPMessages.decodeReceiptLogClaim(m);
    }

    function storageClaim(bytes calldata m) external pure returns (ILCPMessages.StorageClaim memory) {
        return LCPMessages.decodeStorageClaim(m);
    }

    function accountClaim(bytes calldata m) external pure returns (ILCPMessages.AccountClaim memory) {
        return LCPMessages.decodeAccountClaim(m);
    }

    function transactionClaim(bytes calldata m) external pure returns (ILCPMessages.TransactionClaim memory) {
        return LCPMessages.decodeTransactionClaim(m);
    }

    function transactionLeaf(ILCPMessages.TransactionClaim calldata c) external pure returns (bytes32) {
        return MerkleClaims.transactionLeaf(c);
    }

    function batchClaims(bytes calldata m) external pure returns (ILCPMessages.BatchClaims memory) {
        return LCPMessages.decodeBatchClaims(m);
    }

    function storageLeaf(ILCPMessages.StorageClaim calldata c) external pure returns (bytes32) {
        return MerkleClaims.storageLeaf(c);
    }

    function verifyAll(bytes32 root, uint256 leafCount, bytes32[] memory leaves) external pure {
        MerkleClaims.verifyAll(root, leafCount, leaves);
    }

    function verifyProof(bytes32 root, uint256 leafCount, uint256 index, bytes32 leaf, bytes32[] calldata proof)
        external
        pure
    {
        MerkleClaims.verify(root, leafCount, MerkleClaims.depth(leafCount), index, leaf, proof);
    }
}

/// @notice The Solidity side of the golden messages that `attestation-verifier/tests/golden_messages.rs`
///         generates: same bytes, same digest, same signer, same fields; and any single changed byte is
///         rejected (a header error, a body error, or a different recovered signer).
contract LCPMessagesGoldenTest is Test {
    LCPMessagesHarness internal h;

    function setUp() public {
        h = new LCPMessagesHarness();
    }

    struct Golden {
        string json;
        bytes message;
        bytes signature;
        address signer;
        uint256 chainId;
        address client;
        ILCPMessages.MessageType messageType;
    }

    function _load(string memory name) internal view returns (Golden memory g) {
        g.json = vm.readFile(string.concat("../fixtures/golden/messages/", name, ".json"));
        g.message = vm.parseJsonBytes(g.json, ".message");
        g.signature = vm.parseJsonBytes(g.json, ".signature");
        g.signer = vm.parseJsonAddress(g.json, ".signer");
        g.chainId = vm.parseJsonUint(g.json, ".chain_id");
        g.client = vm.parseJsonAddress(g.json, ".client");
        g.messageType = ILCPMessages.MessageType(vm.parseJsonUint(g.json, ".message_type"));
    }

    function _verify(Golden memory g) internal view {
        assertEq(keccak256(g.message), vm.parseJsonBytes32(g.json, ".digest"), "digest");
        address signer = h.checkAndRecover(g.message, g.messageType, g.chainId, g.client, g.signature);
        assertEq(signer, g.signer, "signer");
        // The golden key is the one the file names: vm.sign reproduces the same (RFC 6979) signature.
        uint256 pk = uint256(vm.parseJsonBytes32(g.json, ".private_key"));
        assertEq(vm.addr(pk), g.signer, "key");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, keccak256(g.message));
        assertEq(abi.encodePacked(r, s, v), g.signature, "deterministic signature");
    }

    /// Every single-bit change at every byte position is rejected.
    function _everyByteMatters(Golden memory g) internal view {
        for (uint256 i; i < g.message.length; ++i) {
            bytes memory tampered = bytes.concat(g.message);
            tampered[i] = bytes1(uint8(tampered[i]) ^ 0x01);
            try h.checkAndRecover(tampered, g.messageType, g.chainId, g.client, g.signature) returns (address who) {
                if (who == g.signer) revert AssertEqUint("byte position accepted", i, type(uint256).max);
            } catch {}
        }
    }

    function testGoldenUpdateStateInit() public view {
        Golden memory g = _load("update_state_init");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.UpdateState memory u = h.updateState(g.message);
        assertEq(u.prevStateId, bytes32(0), "prev");
        assertEq(u.postStateId, vm.parseJsonBytes32(g.json, ".fields.postStateId"), "post");
        assertEq(u.finalizedBeaconRoot, vm.parseJsonBytes32(g.json, ".fields.finalizedBeaconRoot"), "root");
        assertEq(u.finalizedSlot, vm.parseJsonUint(g.json, ".fields.finalizedSlot"), "slot");
        assertEq(u.blockNumber, vm.parseJsonUint(g.json, ".fields.blockNumber"), "block");
        assertEq(u.timestamp, vm.parseJsonUint(g.json, ".fields.timestamp"), "timestamp");
    }

    function testGoldenUpdateState() public view {
        Golden memory g = _load("update_state");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.UpdateState memory u = h.updateState(g.message);
        assertEq(u.prevStateId, vm.parseJsonBytes32(g.json, ".fields.prevStateId"), "prev");
        assertEq(u.postStateId, vm.parseJsonBytes32(g.json, ".fields.postStateId"), "post");
        assertEq(u.blockHash, vm.parseJsonBytes32(g.json, ".fields.blockHash"), "hash");
        assertEq(u.stateRoot, vm.parseJsonBytes32(g.json, ".fields.stateRoot"), "state root");
        assertEq(u.receiptsRoot, vm.parseJsonBytes32(g.json, ".fields.receiptsRoot"), "receipts root");
    }

    function testGoldenReceiptLogClaim() public view {
        Golden memory g = _load("receipt_log_claim");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.ReceiptLogClaim memory c = h.receiptLog(g.message);
        assertEq(c.blockNumber, vm.parseJsonUint(g.json, ".fields.blockNumber"), "block");
        assertEq(c.blockHash, vm.parseJsonBytes32(g.json, ".fields.blockHash"), "hash");
        assertEq(c.txIndex, vm.parseJsonUint(g.json, ".fields.txIndex"), "tx");
        assertEq(c.logIndex, vm.parseJsonUint(g.json, ".fields.logIndex"), "log");
        assertEq(c.emitter, vm.parseJsonAddress(g.json, ".fields.emitter"), "emitter");
        bytes32[] memory topics = vm.parseJsonBytes32Array(g.json, ".fields.topics");
        assertEq(abi.encode(c.topics), abi.encode(topics), "topics");
        assertEq(c.data, vm.parseJsonBytes(g.json, ".fields.data"), "data");
    }

    function testGoldenStorageClaim() public view {
        Golden memory g = _load("storage_claim");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.StorageClaim memory c = h.storageClaim(g.message);
        assertEq(c.account, vm.parseJsonAddress(g.json, ".fields.account"), "account");
        assertEq(c.slot, vm.parseJsonBytes32(g.json, ".fields.slot"), "slot");
        assertEq(c.value, vm.parseJsonBytes32(g.json, ".fields.value"), "value");
        assertEq(c.blockHash, vm.parseJsonBytes32(g.json, ".fields.blockHash"), "hash");
    }

    function testGoldenAccountClaim() public view {
        Golden memory g = _load("account_claim");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.AccountClaim memory c = h.accountClaim(g.message);
        assertEq(c.exists, vm.parseJsonBool(g.json, ".fields.exists"), "exists");
        assertEq(c.nonce, vm.parseJsonUint(g.json, ".fields.nonce"), "nonce");
        assertEq(c.balance, vm.parseJsonUint(g.json, ".fields.balance"), "balance");
        assertEq(c.storageRoot, vm.parseJsonBytes32(g.json, ".fields.storageRoot"), "storage root");
        assertEq(c.codeHash, vm.parseJsonBytes32(g.json, ".fields.codeHash"), "code hash");
    }

    function testGoldenBatchClaims() public view {
        Golden memory g = _load("batch_claims");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.BatchClaims memory b = h.batchClaims(g.message);
        assertEq(b.root, vm.parseJsonBytes32(g.json, ".fields.root"), "root");
        assertEq(b.leafCount, 3, "leaf count");
        bytes32[] memory leaves = new bytes32[](b.leafCount);
        for (uint256 i; i < b.leafCount; ++i) {
            string memory item = string.concat(".fields.claims[", vm.toString(i), "]");
            ILCPMessages.StorageClaim memory c = ILCPMessages.StorageClaim({
                blockNumber: uint64(vm.parseJsonUint(g.json, string.concat(item, ".blockNumber"))),
                blockHash: vm.parseJsonBytes32(g.json, string.concat(item, ".blockHash")),
                account: vm.parseJsonAddress(g.json, string.concat(item, ".account")),
                slot: vm.parseJsonBytes32(g.json, string.concat(item, ".slot")),
                value: vm.parseJsonBytes32(g.json, string.concat(item, ".value"))
            });
            bytes32 leaf = h.storageLeaf(c);
            assertEq(leaf, vm.parseJsonBytes32(g.json, string.concat(item, ".leaf")), "leaf hash");
            leaves[i] = leaf;
            uint256 index = vm.parseJsonUint(g.json, string.concat(item, ".index"));
            h.verifyProof(
                b.root, b.leafCount, index, leaf, vm.parseJsonBytes32Array(g.json, string.concat(item, ".proof"))
            );
        }
        // The whole batch folds to the same root without proofs.
        h.verifyAll(b.root, b.leafCount, leaves);
    }

    function testGoldenTransactionClaim() public view {
        Golden memory g = _load("transaction_claim");
        assertEq(uint8(g.messageType), 6, "type 6");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.TransactionClaim memory c = h.transactionClaim(g.message);
        assertEq(c.blockNumber, vm.parseJsonUint(g.json, ".fields.blockNumber"), "block");
        assertEq(c.blockHash, vm.parseJsonBytes32(g.json, ".fields.blockHash"), "hash");
        assertEq(c.txIndex, vm.parseJsonUint(g.json, ".fields.txIndex"), "index");
        assertEq(c.txHash, vm.parseJsonBytes32(g.json, ".fields.txHash"), "tx hash");
        assertEq(c.txType, vm.parseJsonUint(g.json, ".fields.txType"), "tx type");
    }

    function testGoldenTransactionBatchClaims() public view {
        Golden memory g = _load("transaction_batch_claims");
        _verify(g);
        _everyByteMatters(g);
        ILCPMessages.BatchClaims memory b = h.batchClaims(g.message);
        assertEq(b.root, vm.parseJsonBytes32(g.json, ".fields.root"), "root");
        assertEq(b.leafCount, 5, "leaf count");
        bytes32[] memory leaves = new bytes32[](b.leafCount);
        for (uint256 i; i < b.leafCount; ++i) {
            string memory item = string.concat(".fields.claims[", vm.toString(i), "]");
            ILCPMessages.TransactionClaim memory c = _goldenTransaction(g.json, item);
            bytes32 leaf = h.transactionLeaf(c);
            assertEq(leaf, vm.parseJsonBytes32(g.json, string.concat(item, ".leaf")), "leaf hash");
            leaves[i] = leaf;
            bytes32[] memory proof = vm.parseJsonBytes32Array(g.json, string.concat(item, ".proof"));
            assertEq(proof.length, 3, "depth 3");
            h.verifyProof(b.root, b.leafCount, vm.parseJsonUint(g.json, string.concat(item, ".index")), leaf, proof);
        }
        h.verifyAll(b.root, b.leafCount, leaves);
    }

    function _goldenTransaction(string memory json, string memory item)
        internal
        pure
        returns (ILCPMessages.TransactionClaim memory c)
    {
        c.blockNumber = uint64(vm.parseJsonUint(json, string.concat(item, ".blockNumber")));
        c.blockHash = vm.parseJsonBytes32(json, string.concat(item, ".blockHash"));
        c.txIndex = uint32(vm.parseJsonUint(json, string.concat(item, ".txIndex")));
        c.txHash = vm.parseJsonBytes32(json, string.concat(item, ".txHash"));
        c.txType = uint8(vm.parseJsonUint(json, string.concat(item, ".txType")));
    }

    /// Trees of 1..257 leaves: the Rust roots equal the whole-batch fold, and the Rust proof of the last
    /// leaf (the one next to the padding) verifies here.
    function testGoldenMerkleRoots() public view {
        string memory json = vm.readFile("../fixtures/golden/messages/merkle_roots.json");
        uint256[8] memory sizes = [uint256(1), 2, 3, 5, 8, 13, 100, 257];
        for (uint256 c; c < sizes.length; ++c) {
            string memory item = string.concat(".cases[", vm.toString(c), "]");
            uint256 n = vm.parseJsonUint(json, string.concat(item, ".leaf_count"));
            assertEq(n, sizes[c], "case order");
            bytes32 root = vm.parseJsonBytes32(json, string.concat(item, ".root"));
            bytes32[] memory leaves = new bytes32[](n);
            for (uint256 i; i < n; ++i) {
                leaves[i] = keccak256(abi.encode(i));
            }
            bytes32 last = leaves[n - 1];
            h.verifyAll(root, n, leaves);
            bytes32[] memory proof = new bytes32[](0);
            if (n > 1) proof = vm.parseJsonBytes32Array(json, string.concat(item, ".last_leaf_proof"));
            h.verifyProof(root, n, n - 1, last, proof);
        }
    }

    /// The golden header is the documented word for its own domain, and no other domain accepts it.
    function testFuzzGoldenRejectedElsewhere(uint64 chainId, address client) public view {
        Golden memory g = _load("storage_claim");
        assertEq(
            bytes32(this.slice32(g.message)),
            LCPMessages.header(ILCPMessages.MessageType.StorageClaim, g.chainId, g.client),
            "header word"
        );
        vm.assume(chainId != g.chainId || client != g.client);
        try h.checkAndRecover(g.message, g.messageType, chainId, client, g.signature) returns (address) {
            revert AssertionFailed("accepted on another domain");
        } catch {}
    }

    function slice32(bytes calldata b) external pure returns (bytes32) {
        return bytes32(b[:32]);
    }
}

/// @notice The golden attestation binding (`fixtures/golden/messages/binding.json`, from the Rust
///         `message::binding` reference): LCPClient computes the same measurement and registers the
///         same key address for the same `public_key` and `user_data` bytes.
contract LCPClientGoldenBindingTest is Test {
    function testGoldenBindingRegistersTheSameKey() public {
        string memory json = vm.readFile("../fixtures/golden/messages/binding.json");
        VerifiedAttestation memory a;
        a.pcr0 = vm.parseJsonBytes(json, ".pcr0");
        a.pcr1 = vm.parseJsonBytes(json, ".pcr1");
        a.pcr2 = vm.parseJsonBytes(json, ".pcr2");
        a.publicKey = vm.parseJsonBytes(json, ".public_key");
        a.userData = vm.parseJsonBytes(json, ".user_data");
        a.leafNotAfter = uint64(block.timestamp + 1 hours);
        address operator = vm.parseJsonAddress(json, ".operator");

        AttestationVerifierDouble verifier = new AttestationVerifierDouble();
        LCPClient client = new LCPClient(
            verifier, vm.parseJsonBytes32(json, ".network_config_hash"), bytes32(uint256(1)), 1, 1 days, 10 minutes
        );
        bytes32 measurement = vm.parseJsonBytes32(json, ".measurement");
        assertEq(client.computeMeasurement(a.pcr0, a.pcr1, a.pcr2, ""), measurement, "measurement");
        assertEq(
            client.computeMeasurement(a.pcr0, a.pcr1, a.pcr2, vm.parseJsonBytes(json, ".pcr8")),
            vm.parseJsonBytes32(json, ".measurement_with_pcr8"),
            "measurement with PCR8"
        );
        client.setMeasurement(measurement, true);
        client.setOperator(operator, true);
        verifier.setNext(a);
        vm.prank(operator);
        address key = client.registerEnclaveKey(hex"00");
        assertEq(key, vm.parseJsonAddress(json, ".key_address"), "key address");
    }
}
