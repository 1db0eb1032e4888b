// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./Test.sol";
import {Vm} from "./Vm.sol";
import {AttestationVerifierDouble} from "./AttestationVerifierDouble.sol";
import {LCPClient} from "../../src/LCPClient.sol";
import {ILCPMessages} from "../../src/interfaces/ILCPMessages.sol";
import {VerifiedAttestation} from "../../src/interfaces/INitroAttestationVerifier.sol";
import {LCPMessages} from "../../src/lib/LCPMessages.sol";
import {MerkleClaims} from "../../src/lib/MerkleClaims.sol";

/// @notice Shared setup for LCPClient tests: a client behind the attestation double, enclave keys
///         (made with `vm.createWallet`, sorted by address), operators, message builders and signing.
abstract contract LCPClientFixture is Test {
    bytes32 internal constant CONFIG_HASH = keccak256("lcp-nitro test network config");
    bytes32 internal constant TRUSTED_ROOT = keccak256("trusted beacon root");
    uint64 internal constant TTL = 7 days;
    uint64 internal constant MAX_AGE = 10 minutes;
    uint256 internal constant T0 = 1_750_000_000;
    uint64 internal constant LEAF_NOT_AFTER = uint64(T0 + 3 hours);

    uint64 internal constant BLOCK1 = 100;
    bytes32 internal constant HASH1 = keccak256("block 100");
    uint64 internal constant BLOCK2 = 164;
    bytes32 internal constant HASH2 = keccak256("block 164");

    AttestationVerifierDouble internal verifier;
    LCPClient internal client;

    /// Enclave private keys, sorted by address; `operatorOf[i]` registered key i.
    uint256[] internal keys;
    address[] internal operatorOf;

    function _pcr(uint8 fill) internal pure returns (bytes memory p) {
        p = new bytes(48);
        for (uint256 i; i < 48; ++i) {
            p[i] = bytes1(fill);
        }
    }

    function _measurement() internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(_pcr(0xa0), _pcr(0xa1), _pcr(0xa2)));
    }

    /// Deploys the client with `n` enclave keys of `n` distinct operators, all registered.
    function _deploy(uint256 n, uint8 threshold) internal {
        vm.warp(T0);
        verifier = new AttestationVerifierDouble();
        client = new LCPClient(verifier, CONFIG_HASH, TRUSTED_ROOT, threshold, TTL, MAX_AGE);
        client.setMeasurement(_measurement(), true);
        delete keys;
        delete operatorOf;
        uint256[] memory pks = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            pks[i] = uint256(keccak256(abi.encode("enclave key", i)));
        }
        _sortByAddress(pks);
        for (uint256 i; i < n; ++i) {
            keys.push(pks[i]);
            address operator = address(uint160(0x0e0000 + i));
            operatorOf.push(operator);
            client.setOperator(operator, true);
            _register(pks[i], operator);
        }
    }

    function _sortByAddress(uint256[] memory pks) internal pure {
        for (uint256 i = 1; i < pks.length; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(pks[j]) < vm.addr(pks[j - 1]); --j) {
                (pks[j], pks[j - 1]) = (pks[j - 1], pks[j]);
            }
        }
    }

    function _publicKey(uint256 pk) internal returns (bytes memory) {
        Vm.Wallet memory w = vm.createWallet(pk);
        return abi.encodePacked(bytes1(0x04), w.publicKeyX, w.publicKeyY);
    }

    function _userData(address key, address operator, bytes32 configHash) internal pure returns (bytes memory) {
        return abi.encodePacked(uint8(1), key, operator, configHash);
    }

    function _attestation(uint256 pk, address operator) internal returns (VerifiedAttestation memory a) {
        a.timestampMs = uint64(block.timestamp * 1000);
        a.pcr0 = _pcr(0xa0);
        a.pcr1 = _pcr(0xa1);
        a.pcr2 = _pcr(0xa2);
        a.publicKey = _publicKey(pk);
        a.userData = _userData(vm.addr(pk), operator, CONFIG_HASH);
        a.moduleId = "i-0123456789abcdef0-enc0123456789abcdef";
        a.leafNotAfter = LEAF_NOT_AFTER;
    }

    function _register(uint256 pk, address operator) internal {
        verifier.setNext(_attestation(pk, operator));
        vm.prank(operator);
        client.registerEnclaveKey(hex"d284");
    }

    /*//////////////////////////////////////////////////////////////
                                MESSAGES
    //////////////////////////////////////////////////////////////*/

    function _message(ILCPMessages.MessageType t, bytes memory body) internal view returns (bytes memory) {
        return abi.encodePacked(LCPMessages.header(t, block.chainid, address(client)), body);
    }

    function _update(bytes32 prev, bytes32 post, uint64 slot, uint64 blockNumber, bytes32 blockHash)
        internal
        pure
        returns (ILCPMessages.UpdateState memory u)
    {
        u.prevStateId = prev;
        u.postStateId = post;
        u.finalizedSlot = slot;
        u.finalizedBeaconRoot = prev == bytes32(0) ? TRUSTED_ROOT : keccak256(abi.encode("beacon", slot));
        u.blockNumber = blockNumber;
        u.blockHash = blockHash;
        u.stateRoot = keccak256(abi.encode("state root", blockNumber));
        u.receiptsRoot = keccak256(abi.encode("receipts root", blockNumber));
        u.timestamp = uint64(T0 - 1000 + blockNumber);
    }

    function _updateMessage(ILCPMessages.UpdateState memory u) internal view returns (bytes memory) {
        return _message(ILCPMessages.MessageType.UpdateState, abi.encode(u));
    }

    function _storage(uint64 blockNumber, bytes32 blockHash, bytes32 slot)
        internal
        pure
        returns (ILCPMessages.StorageClaim memory c)
    {
        c.blockNumber = blockNumber;
        c.blockHash = blockHash;
        c.account = address(0xde90);
        c.slot = slot;
        c.value = keccak256(abi.encode("value", slot));
    }

    function _receipt(uint64 blockNumber, bytes32 blockHash)
        internal
        pure
        returns (ILCPMessages.ReceiptLogClaim memory c)
    {
        c.blockNumber = blockNumber;
        c.blockHash = blockHash;
        c.txIndex = 7;
        c.logIndex = 1;
        c.emitter = address(0xe111);
        c.topics = new bytes32[](3);
        c.topics[0] = keccak256("Transfer(address,address,uint256)");
        c.topics[1] = bytes32(uint256(0xa11ce));
        c.topics[2] = bytes32(uint256(0xb0b));
        c.data = abi.encode(uint256(1 ether));
    }

    function _account(uint64 blockNumber, bytes32 blockHash)
        internal
        pure
        returns (ILCPMessages.AccountClaim memory c)
    {
        c.blockNumber = blockNumber;
        c.blockHash = blockHash;
        c.account = address(0xacc0);
        c.exists = true;
        c.nonce = 5;
        c.balance = 12 ether;
        c.storageRoot = keccak256("storage root");
        c.codeHash = keccak256("code");
    }

    /*//////////////////////////////////////////////////////////////
                                SIGNING
    //////////////////////////////////////////////////////////////*/

    function _sig(uint256 pk, bytes memory message) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, keccak256(message));
        return abi.encodePacked(r, s, v);
    }

    /// Signatures of the first `n` keys (ascending addresses).
    function _signN(bytes memory message, uint256 n) internal view returns (bytes memory out) {
        for (uint256 i; i < n; ++i) {
            out = bytes.concat(out, _sig(keys[i], message));
        }
    }

    /// Initialises the client at BLOCK1 with state id keccak("s1"), signed by `threshold` keys.
    function _init(uint256 signers) internal returns (bytes32 stateId) {
        stateId = keccak256("s1");
        bytes memory m = _updateMessage(_update(bytes32(0), stateId, 6400, BLOCK1, HASH1));
        client.initialize(m, _signN(m, signers));
    }

    /*//////////////////////////////////////////////////////////////
                               MERKLE
    //////////////////////////////////////////////////////////////*/

    /// Root and per-leaf proofs (flattened, `depth` siblings each) over `leaves`, as the Rust builder does.
    function _tree(bytes32[] memory leaves) internal pure returns (bytes32 root, bytes32[] memory proofs) {
        uint256 depth = MerkleClaims.depth(leaves.length);
        uint256 width = 1 << depth;
        bytes32[] memory row = new bytes32[](width);
        for (uint256 i; i < leaves.length; ++i) {
            row[i] = leaves[i];
        }
        proofs = new bytes32[](leaves.length * depth);
        uint256[] memory pos = new uint256[](leaves.length);
        for (uint256 i; i < leaves.length; ++i) {
            pos[i] = i;
        }
        for (uint256 level; level < depth; ++level) {
            for (uint256 i; i < leaves.length; ++i) {
                proofs[i * depth + level] = row[pos[i] ^ 1];
                pos[i] >>= 1;
            }
            bytes32[] memory next = new bytes32[](row.length / 2);
            for (uint256 j; j < next.length; ++j) {
                next[j] = MerkleClaims.nodeHash(row[2 * j], row[2 * j + 1]);
            }
            row = next;
        }
        root = row[0];
    }

    function _storageLeaf(ILCPMessages.StorageClaim memory c) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0), uint8(ILCPMessages.MessageType.StorageClaim), abi.encode(c)));
    }
}
