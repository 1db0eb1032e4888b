// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {AttestationVerifierDouble} from "./utils/AttestationVerifierDouble.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {INitroAttestationVerifier, VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";
import {LCPMessages} from "../src/lib/LCPMessages.sol";
import {EnclaveSignatures} from "../src/lib/EnclaveSignatures.sol";
import {MerkleClaims} from "../src/lib/MerkleClaims.sol";

/// @notice Unit tests of LCPClient: every external function, positive and negative (exact custom errors).
contract LCPClientTest is LCPClientFixture {
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function setUp() public {
        _deploy(3, 2);
    }

    /*//////////////////////////////////////////////////////////////
                             INITIALIZE
    //////////////////////////////////////////////////////////////*/

    function testInitializeStoresStateAndBlock() public {
        bytes32 s1 = _init(2);
        assertEq(client.stateId(), s1, "state id");
        assertEq(client.blockHashOf(BLOCK1), HASH1, "block hash");
        (,, uint64 latest, uint64 ts) = client.config();
        assertEq(latest, BLOCK1, "latest block");
        assertEq(ts, T0 - 1000 + BLOCK1, "latest timestamp");
    }

    function testInitializeOnlyOnce() public {
        bytes32 s1 = _init(2);
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("other"), 6400, BLOCK1, HASH1));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.AlreadyInitialized.selector, s1));
        client.initialize(m, _signN(m, 2));
    }

    function testInitializeRequiresZeroPrevAndTrustedRoot() public {
        bytes memory m = _updateMessage(_update(keccak256("x"), keccak256("s1"), 6400, BLOCK1, HASH1));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.StateDiscontinuity.selector, keccak256("x"), bytes32(0)));
        client.initialize(m, _signN(m, 2));

        ILCPMessages.UpdateState memory u = _update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1);
        u.finalizedBeaconRoot = keccak256("not the trusted root");
        m = _updateMessage(u);
        vm.expectRevert(
            abi.encodeWithSelector(LCPClient.TrustedRootMismatch.selector, u.finalizedBeaconRoot, TRUSTED_ROOT)
        );
        client.initialize(m, _signN(m, 2));

        m = _updateMessage(_update(bytes32(0), bytes32(0), 6400, BLOCK1, HASH1));
        vm.expectRevert(LCPClient.ZeroPostState.selector);
        client.initialize(m, _signN(m, 2));

        m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, bytes32(0)));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.ZeroBlockHash.selector, BLOCK1));
        client.initialize(m, _signN(m, 2));
    }

    /*//////////////////////////////////////////////////////////////
                             UPDATE STATE
    //////////////////////////////////////////////////////////////*/

    function testUpdateStateContinuesAndStores() public {
        bytes32 s1 = _init(2);
        bytes32 s2 = keccak256("s2");
        ILCPMessages.UpdateState memory u = _update(s1, s2, 6464, BLOCK2, HASH2);
        bytes memory m = _updateMessage(u);
        vm.expectEmit(address(client));
        emit LCPClient.StateUpdated(s1, s2, BLOCK2, 6464, HASH2, u.stateRoot, u.receiptsRoot, u.timestamp);
        client.updateState(m, _signN(m, 2));
        assertEq(client.stateId(), s2, "state id");
        assertEq(client.blockHashOf(BLOCK2), HASH2, "block 2");
        assertEq(client.blockHashOf(BLOCK1), HASH1, "block 1 kept");
    }

    function testUpdateStateRequiresInitialization() public {
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(LCPClient.NotInitialized.selector);
        client.updateState(m, sigs);
    }

    function testUpdateStateRejectsDiscontinuity() public {
        bytes32 s1 = _init(2);
        bytes memory m = _updateMessage(_update(keccak256("stale"), keccak256("s2"), 6464, BLOCK2, HASH2));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.StateDiscontinuity.selector, keccak256("stale"), s1));
        client.updateState(m, sigs);
    }

    function testUpdateStateSameBlockSameHashKeepsIt() public {
        bytes32 s1 = _init(2);
        bytes memory m = _updateMessage(_update(s1, keccak256("s2"), 6400, BLOCK1, HASH1));
        client.updateState(m, _signN(m, 2));
        assertEq(client.stateId(), keccak256("s2"), "moved");
        assertEq(client.blockHashOf(BLOCK1), HASH1, "same hash");
    }

    function testUpdateStateThatMovesNothingReverts() public {
        bytes32 s1 = _init(2);
        bytes memory m = _updateMessage(_update(s1, s1, 6400, BLOCK1, HASH1));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NoStateChange.selector, s1));
        client.updateState(m, sigs);
        assertEq(client.stateId(), s1, "unchanged");
    }

    function testUpdateStateThatMovesNothingButConflictsStillFreezes() public {
        bytes32 s1 = _init(2);
        bytes memory m = _updateMessage(_update(s1, s1, 6400, BLOCK1, keccak256("forged")));
        client.updateState(m, _signN(m, 2));
        (, bool frozen,,) = client.config();
        assertTrue(frozen, "frozen");
    }

    function testUpdateStateConflictingHashFreezes() public {
        bytes32 s1 = _init(2);
        bytes memory m = _updateMessage(_update(s1, keccak256("s2"), 6400, BLOCK1, keccak256("forged")));
        client.updateState(m, _signN(m, 2));
        (, bool frozen,,) = client.config();
        assertTrue(frozen, "frozen");
        assertEq(client.stateId(), s1, "state did not move");
        assertEq(client.blockHashOf(BLOCK1), HASH1, "hash kept");
        m = _updateMessage(_update(s1, keccak256("s3"), 6464, BLOCK2, HASH2));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(LCPClient.ClientFrozen.selector);
        client.updateState(m, sigs);
    }

    /*//////////////////////////////////////////////////////////////
                          HEADER AND SIGNATURES
    //////////////////////////////////////////////////////////////*/

    function testHeaderErrorsNameTheField() public {
        ILCPMessages.UpdateState memory u = _update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1);
        bytes memory good = _updateMessage(u);

        bytes memory m = bytes.concat(good);
        m[0] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.UnsupportedVersion.selector, 2, 1));
        client.initialize(m, _signN(m, 2));

        m = _message(ILCPMessages.MessageType.StorageClaim, abi.encode(u));
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongMessageType.selector, 3, 1));
        client.initialize(m, _signN(m, 2));

        m = bytes.concat(good);
        m[3] = 0x01;
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.NonZeroReserved.selector, 1));
        client.initialize(m, _signN(m, 2));

        m = abi.encodePacked(
            LCPMessages.header(ILCPMessages.MessageType.UpdateState, 1, address(client)), abi.encode(u)
        );
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongChainId.selector, 1, block.chainid));
        client.initialize(m, _signN(m, 2));

        m = abi.encodePacked(
            LCPMessages.header(ILCPMessages.MessageType.UpdateState, block.chainid, address(0xc1)), abi.encode(u)
        );
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongClient.selector, address(0xc1), address(client)));
        client.initialize(m, _signN(m, 2));

        m = new bytes(31);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.MessageTooShort.selector, 31));
        client.initialize(m, "");

        m = bytes.concat(good, hex"00");
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.MalformedBody.selector, 1, 9 * 32 + 1));
        client.initialize(m, _signN(m, 2));
    }

    function headerFor(uint256 chainId) external view returns (bytes32) {
        return LCPMessages.header(ILCPMessages.MessageType.UpdateState, chainId, address(client));
    }

    function testHeaderWordLayout() public {
        assertEq(
            this.headerFor(31337),
            bytes32(
                (uint256(1) << 248) | (uint256(1) << 240) | (uint256(31337) << 160) | uint256(uint160(address(client)))
            ),
            "documented word"
        );
        uint256 tooLarge = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.ChainIdTooLarge.selector, tooLarge));
        this.headerFor(tooLarge);
    }

    function testSignatureListRules() public {
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1));
        bytes memory two = _signN(m, 2);

        vm.expectRevert(abi.encodeWithSelector(LCPClient.BelowThreshold.selector, 1, 2));
        client.initialize(m, _signN(m, 1));

        vm.expectRevert(abi.encodeWithSelector(LCPClient.SignatureListLength.selector, 131));
        client.initialize(m, bytes.concat(two, hex"00"));

        // Descending order is refused, and so is the same key twice.
        bytes memory reversed = bytes.concat(_sig(keys[1], m), _sig(keys[0], m));
        vm.expectRevert(
            abi.encodeWithSelector(LCPClient.SignersNotAscending.selector, vm.addr(keys[0]), vm.addr(keys[1]))
        );
        client.initialize(m, reversed);
        bytes memory twice = bytes.concat(_sig(keys[0], m), _sig(keys[0], m));
        vm.expectRevert(
            abi.encodeWithSelector(LCPClient.SignersNotAscending.selector, vm.addr(keys[0]), vm.addr(keys[0]))
        );
        client.initialize(m, twice);

        uint256 stranger = 0x5742;
        bytes memory strangerSigs = vm.addr(stranger) > vm.addr(keys[0])
            ? bytes.concat(_sig(keys[0], m), _sig(stranger, m))
            : bytes.concat(_sig(stranger, m), _sig(keys[0], m));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.UnknownSigner.selector, vm.addr(stranger)));
        client.initialize(m, strangerSigs);
    }

    function testDistinctOperatorsRequired() public {
        // A second key for operatorOf[0]: two keys of one operator are one vote.
        uint256 second = 0xD00D;
        verifier.setNext(_attestation(second, operatorOf[0]));
        vm.prank(operatorOf[0]);
        client.registerEnclaveKey(hex"00");
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1));
        bytes memory sigs = vm.addr(second) > vm.addr(keys[0])
            ? bytes.concat(_sig(keys[0], m), _sig(second, m))
            : bytes.concat(_sig(second, m), _sig(keys[0], m));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.DuplicateOperator.selector, operatorOf[0]));
        client.initialize(m, sigs);
    }

    function testExpiredAndRevokedKeysDoNotCount() public {
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1));
        bytes memory sigs = _signN(m, 2);
        vm.warp(LEAF_NOT_AFTER);
        vm.expectRevert(
            abi.encodeWithSelector(LCPClient.KeyExpired.selector, vm.addr(keys[0]), LEAF_NOT_AFTER, LEAF_NOT_AFTER)
        );
        client.initialize(m, sigs);
        vm.warp(T0);
        client.revokeEnclaveKey(vm.addr(keys[1]));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.KeyRevoked.selector, vm.addr(keys[1])));
        client.initialize(m, sigs);
    }

    function testMalleableAndMalformedSignaturesRejected() public {
        client.setThreshold(1);
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[0], keccak256(m));
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        vm.expectRevert(abi.encodeWithSelector(EnclaveSignatures.HighS.selector, 0, highS));
        client.initialize(m, abi.encodePacked(r, highS, v == 27 ? uint8(28) : uint8(27)));

        vm.expectRevert(abi.encodeWithSelector(EnclaveSignatures.InvalidV.selector, 0, 1));
        client.initialize(m, abi.encodePacked(r, s, uint8(1)));

        vm.expectRevert(abi.encodeWithSelector(EnclaveSignatures.InvalidSignature.selector, 0));
        client.initialize(m, abi.encodePacked(bytes32(0), s, v));
    }

    /*//////////////////////////////////////////////////////////////
                             CLAIMS
    //////////////////////////////////////////////////////////////*/

    function testVerifyStorageReturnsValue() public {
        _init(2);
        ILCPMessages.StorageClaim memory c = _storage(BLOCK1, HASH1, bytes32(uint256(4)));
        bytes memory m = _message(ILCPMessages.MessageType.StorageClaim, abi.encode(c));
        ILCPMessages.StorageClaim memory got = client.verifyStorage(m, _signN(m, 2));
        assertEq(got.value, c.value, "value");
        assertEq(got.account, c.account, "account");
        assertEq(got.slot, c.slot, "slot");
    }

    function testVerifyReceiptLogReturnsLog() public {
        _init(2);
        ILCPMessages.ReceiptLogClaim memory c = _receipt(BLOCK1, HASH1);
        bytes memory m = _message(ILCPMessages.MessageType.ReceiptLogClaim, abi.encode(c));
        ILCPMessages.ReceiptLogClaim memory got = client.verifyReceiptLog(m, _signN(m, 2));
        assertEq(abi.encode(got), abi.encode(c), "log");
    }

    function testVerifyAccountReturnsAccount() public {
        _init(2);
        ILCPMessages.AccountClaim memory c = _account(BLOCK1, HASH1);
        bytes memory m = _message(ILCPMessages.MessageType.AccountClaim, abi.encode(c));
        ILCPMessages.AccountClaim memory got = client.verifyAccount(m, _signN(m, 2));
        assertEq(abi.encode(got), abi.encode(c), "account");
    }

    function testClaimsNeedAStoredBlock() public {
        _init(2);
        bytes memory m =
            _message(ILCPMessages.MessageType.StorageClaim, abi.encode(_storage(BLOCK2, HASH2, bytes32(0))));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.UnknownBlock.selector, BLOCK2));
        client.verifyStorage(m, sigs);

        m = _message(ILCPMessages.MessageType.AccountClaim, abi.encode(_account(BLOCK1, HASH2)));
        sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BlockHashMismatch.selector, BLOCK1, HASH2, HASH1));
        client.verifyAccount(m, sigs);

        m = _message(ILCPMessages.MessageType.ReceiptLogClaim, abi.encode(_receipt(BLOCK1, HASH2)));
        sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BlockHashMismatch.selector, BLOCK1, HASH2, HASH1));
        client.verifyReceiptLog(m, sigs);
    }

    function testClaimOfOneTypeIsNotAnother() public {
        _init(2);
        bytes memory m =
            _message(ILCPMessages.MessageType.StorageClaim, abi.encode(_storage(BLOCK1, HASH1, bytes32(0))));
        bytes memory sigs = _signN(m, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPMessages.WrongMessageType.selector, 3, 4));
        client.verifyAccount(m, sigs);
    }

    /*//////////////////////////////////////////////////////////////
                               BATCH
    //////////////////////////////////////////////////////////////*/

    function _batch(uint256 n)
        internal
        view
        returns (
            bytes memory m,
            bytes memory sigs,
            ILCPMessages.StorageClaim[] memory claims,
            uint256[] memory indices,
            bytes32[] memory proofs
        )
    {
        claims = new ILCPMessages.StorageClaim[](n);
        indices = new uint256[](n);
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            claims[i] = _storage(BLOCK1, HASH1, bytes32(i));
            indices[i] = i;
            leaves[i] = _storageLeaf(claims[i]);
        }
        bytes32 root;
        (root, proofs) = _tree(leaves);
        ILCPMessages.BatchClaims memory b = ILCPMessages.BatchClaims(BLOCK1, HASH1, uint32(n), root);
        m = _message(ILCPMessages.MessageType.BatchClaims, abi.encode(b));
        sigs = _signN(m, 2);
    }

    function testStorageBatchVerifiesEveryClaim() public {
        _init(2);
        for (uint256 n = 1; n <= 9; ++n) {
            (
                bytes memory m,
                bytes memory sigs,
                ILCPMessages.StorageClaim[] memory claims,
                uint256[] memory indices,
                bytes32[] memory proofs
            ) = _batch(n);
            ILCPMessages.BatchClaims memory b = client.verifyStorageBatch(m, sigs, claims, indices, proofs);
            assertEq(b.leafCount, n, "leaf count");
        }
    }

    function testStorageBatchRejectsTampering() public {
        _init(2);
        (
            bytes memory m,
            bytes memory sigs,
            ILCPMessages.StorageClaim[] memory claims,
            uint256[] memory indices,
            bytes32[] memory proofs
        ) = _batch(5);
        ILCPMessages.BatchClaims memory b = abi.decode(this.bodyOf(m), (ILCPMessages.BatchClaims));

        claims[2].value = bytes32(uint256(0xbad));
        bytes32 leaf = _storageLeaf(claims[2]);
        bytes32 h = leaf;
        for (uint256 i; i < 3; ++i) {
            h = ((2 >> i) & 1) == 1 ? MerkleClaims.nodeHash(proofs[6 + i], h) : MerkleClaims.nodeHash(h, proofs[6 + i]);
        }
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.RootMismatch.selector, h, b.root));
        client.verifyStorageBatch(m, sigs, claims, indices, proofs);
        claims[2].value = keccak256(abi.encode("value", bytes32(uint256(2))));

        indices[1] = 5;
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.LeafIndexOutOfRange.selector, 5, 5));
        client.verifyStorageBatch(m, sigs, claims, indices, proofs);
        indices[1] = 1;

        bytes32[] memory shortProofs = new bytes32[](proofs.length - 1);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BatchArrayLengths.selector, 5, 5, 14, 15));
        client.verifyStorageBatch(m, sigs, claims, indices, shortProofs);

        claims[0].blockNumber = BLOCK2;
        vm.expectRevert(abi.encodeWithSelector(LCPClient.ClaimBlockMismatch.selector, BLOCK2, HASH1, BLOCK1, HASH1));
        client.verifyStorageBatch(m, sigs, claims, indices, proofs);
    }

    function testStorageBatchAllWithoutProofs() public {
        _init(2);
        for (uint256 n = 1; n <= 9; ++n) {
            (bytes memory m, bytes memory sigs, ILCPMessages.StorageClaim[] memory claims,,) = _batch(n);
            ILCPMessages.BatchClaims memory b = client.verifyStorageBatchAll(m, sigs, claims);
            assertEq(b.leafCount, n, "leaf count");
        }
        (bytes memory m5, bytes memory sigs5, ILCPMessages.StorageClaim[] memory five,,) = _batch(5);
        ILCPMessages.StorageClaim[] memory four = new ILCPMessages.StorageClaim[](4);
        for (uint256 i; i < 4; ++i) {
            four[i] = five[i];
        }
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.IncompleteBatch.selector, 4, 5));
        client.verifyStorageBatchAll(m5, sigs5, four);
        // Swapping two claims changes the root: order is part of what was signed.
        (five[0], five[1]) = (five[1], five[0]);
        ILCPMessages.BatchClaims memory b5 = abi.decode(this.bodyOf(m5), (ILCPMessages.BatchClaims));
        bytes32[] memory leaves = new bytes32[](5);
        for (uint256 i; i < 5; ++i) {
            leaves[i] = _storageLeaf(five[i]);
        }
        (bytes32 swappedRoot,) = _tree(leaves);
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.RootMismatch.selector, swappedRoot, b5.root));
        client.verifyStorageBatchAll(m5, sigs5, five);
    }

    function testReceiptLogBatchAll() public {
        _init(2);
        ILCPMessages.ReceiptLogClaim[] memory logs = new ILCPMessages.ReceiptLogClaim[](3);
        bytes32[] memory leaves = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            logs[i] = _receipt(BLOCK1, HASH1);
            logs[i].logIndex = uint32(i);
            leaves[i] = keccak256(abi.encodePacked(uint8(0), uint8(2), abi.encode(logs[i])));
        }
        (bytes32 root,) = _tree(leaves);
        bytes memory m = _message(
            ILCPMessages.MessageType.BatchClaims, abi.encode(ILCPMessages.BatchClaims(BLOCK1, HASH1, 3, root))
        );
        client.verifyReceiptLogBatchAll(m, _signN(m, 2), logs);
    }

    function testReceiptAndAccountBatches() public {
        _init(2);
        ILCPMessages.ReceiptLogClaim[] memory logs = new ILCPMessages.ReceiptLogClaim[](2);
        ILCPMessages.AccountClaim[] memory accounts = new ILCPMessages.AccountClaim[](1);
        logs[0] = _receipt(BLOCK1, HASH1);
        logs[1] = _receipt(BLOCK1, HASH1);
        logs[1].logIndex = 2;
        accounts[0] = _account(BLOCK1, HASH1);
        bytes32[] memory leaves = new bytes32[](3);
        leaves[0] = keccak256(abi.encodePacked(uint8(0), uint8(2), abi.encode(logs[0])));
        leaves[1] = keccak256(abi.encodePacked(uint8(0), uint8(2), abi.encode(logs[1])));
        leaves[2] = keccak256(abi.encodePacked(uint8(0), uint8(4), abi.encode(accounts[0])));
        (bytes32 root, bytes32[] memory proofs) = _tree(leaves);
        bytes memory m = _message(
            ILCPMessages.MessageType.BatchClaims, abi.encode(ILCPMessages.BatchClaims(BLOCK1, HASH1, 3, root))
        );
        bytes memory sigs = _signN(m, 2);
        uint256[] memory idx = new uint256[](2);
        idx[1] = 1;
        bytes32[] memory logProofs = new bytes32[](4);
        for (uint256 i; i < 4; ++i) {
            logProofs[i] = proofs[i];
        }
        client.verifyReceiptLogBatch(m, sigs, logs, idx, logProofs);
        uint256[] memory accIdx = new uint256[](1);
        accIdx[0] = 2;
        bytes32[] memory accProof = new bytes32[](2);
        accProof[0] = proofs[4];
        accProof[1] = proofs[5];
        client.verifyAccountBatch(m, sigs, accounts, accIdx, accProof);
        // An account leaf does not pass as a receipt leaf at the same position.
        logs = new ILCPMessages.ReceiptLogClaim[](0);
        accIdx[0] = 0;
        accProof[0] = proofs[0];
        accProof[1] = proofs[1];
        bytes32 h = MerkleClaims.nodeHash(MerkleClaims.nodeHash(leaves[2], proofs[0]), proofs[1]);
        vm.expectRevert(abi.encodeWithSelector(MerkleClaims.RootMismatch.selector, h, root));
        client.verifyAccountBatch(m, sigs, accounts, accIdx, accProof);
    }

    function bodyOf(bytes calldata m) external pure returns (bytes memory) {
        return m[32:];
    }

    /*//////////////////////////////////////////////////////////////
                            MISBEHAVIOUR
    //////////////////////////////////////////////////////////////*/

    function testMisbehaviourFreezesEverything() public {
        bytes32 s1 = _init(2);
        bytes memory a = _updateMessage(_update(s1, keccak256("s2"), 6464, BLOCK2, HASH2));
        bytes memory b = _updateMessage(_update(keccak256("fork"), keccak256("s2'"), 6464, BLOCK2, keccak256("other")));
        vm.expectEmit(address(client));
        emit LCPClient.Frozen(6464, BLOCK2, keccak256(a), keccak256(b));
        client.submitMisbehaviour(a, _signN(a, 2), b, _signN(b, 2));
        (, bool frozen,,) = client.config();
        assertTrue(frozen, "frozen");

        bytes memory claim =
            _message(ILCPMessages.MessageType.StorageClaim, abi.encode(_storage(BLOCK1, HASH1, bytes32(0))));
        bytes memory sigs = _signN(claim, 2);
        vm.expectRevert(LCPClient.ClientFrozen.selector);
        client.verifyStorage(claim, sigs);
        sigs = _signN(a, 2);
        vm.expectRevert(LCPClient.ClientFrozen.selector);
        client.updateState(a, sigs);
        vm.expectRevert(LCPClient.ClientFrozen.selector);
        client.submitMisbehaviour(a, sigs, b, sigs);
        client.setOperator(address(0x77), true);
        vm.prank(address(0x77));
        vm.expectRevert(LCPClient.ClientFrozen.selector);
        client.registerEnclaveKey(hex"00");
        vm.prank(address(0x77));
        vm.expectRevert(LCPClient.ClientFrozen.selector);
        client.registerEnclaveKeyWithProofs(hex"00", new bytes[](0));
    }

    function testMisbehaviourNeedsAConflict() public {
        bytes32 s1 = _init(2);
        bytes memory a = _updateMessage(_update(s1, keccak256("s2"), 6464, BLOCK2, HASH2));
        // Same finalized header reached from another state: consistent, not misbehaviour.
        bytes memory b = _updateMessage(_update(keccak256("other prev"), keccak256("s2'"), 6464, BLOCK2, HASH2));
        bytes memory sa = _signN(a, 2);
        bytes memory sb = _signN(b, 2);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NoConflict.selector, 6464, 6464));
        client.submitMisbehaviour(a, sa, b, sb);
        // Both messages need the threshold.
        bytes memory c = _updateMessage(_update(s1, keccak256("s3"), 6464, BLOCK2, keccak256("x")));
        bytes memory sc = _signN(c, 1);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BelowThreshold.selector, 1, 2));
        client.submitMisbehaviour(a, sa, c, sc);
    }

    function testMisbehaviourSameBlockDifferentSlots() public {
        bytes32 s1 = _init(2);
        bytes memory a = _updateMessage(_update(s1, keccak256("s2"), 6464, BLOCK2, HASH2));
        bytes memory b = _updateMessage(_update(s1, keccak256("s3"), 6528, BLOCK2, keccak256("other")));
        client.submitMisbehaviour(a, _signN(a, 2), b, _signN(b, 2));
        (, bool frozen,,) = client.config();
        assertTrue(frozen, "frozen");
    }
}
