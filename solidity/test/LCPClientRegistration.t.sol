// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {LCPClientFixture} from "./utils/LCPClientFixture.sol";
import {AttestationVerifierDouble} from "./utils/AttestationVerifierDouble.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {INitroAttestationVerifier, VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";
import {LCPMessages} from "../src/lib/LCPMessages.sol";

/// @notice Unit tests of LCPClient construction, administration and key registration (split from
///         `LCPClient.t.sol` to keep each test contract under the deployment gas cap).
contract LCPClientRegistrationTest is LCPClientFixture {
    function setUp() public {
        _deploy(3, 2);
    }

    /*//////////////////////////////////////////////////////////////
                         CONSTRUCTOR AND ADMIN
    //////////////////////////////////////////////////////////////*/

    function testConstructorStoresConfig() public view {
        assertEq(address(client.attestationVerifier()), address(verifier), "verifier");
        assertEq(client.networkConfigHash(), CONFIG_HASH, "config hash");
        assertEq(client.trustedRoot(), TRUSTED_ROOT, "trusted root");
        assertEq(client.owner(), address(this), "owner");
        (uint8 threshold, bool frozen,,) = client.config();
        assertEq(threshold, 2, "threshold");
        assertFalse(frozen, "frozen");
        assertEq(client.stateId(), bytes32(0), "state id");
    }

    function testConstructorRejectsBadParameters() public {
        vm.expectRevert(abi.encodeWithSelector(LCPClient.InvalidThreshold.selector, 0));
        new LCPClient(verifier, CONFIG_HASH, TRUSTED_ROOT, 0, TTL, MAX_AGE);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.InvalidKeyPolicy.selector, 31 days, MAX_AGE));
        new LCPClient(verifier, CONFIG_HASH, TRUSTED_ROOT, 1, 31 days, MAX_AGE);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.InvalidKeyPolicy.selector, TTL, 2 hours));
        new LCPClient(verifier, CONFIG_HASH, TRUSTED_ROOT, 1, TTL, 2 hours);
        vm.expectRevert(LCPClient.ZeroAddress.selector);
        new LCPClient(INitroAttestationVerifier(address(0)), CONFIG_HASH, TRUSTED_ROOT, 1, TTL, MAX_AGE);
    }

    function testAdminFunctionsAreOwnerOnly() public {
        address stranger = address(0xbad);
        bytes memory notOwner = abi.encodeWithSelector(LCPClient.NotOwner.selector, stranger);
        vm.startPrank(stranger);
        vm.expectRevert(notOwner);
        client.setMeasurement(bytes32(0), true);
        vm.expectRevert(notOwner);
        client.setOperator(stranger, true);
        vm.expectRevert(notOwner);
        client.setThreshold(1);
        vm.expectRevert(notOwner);
        client.setKeyPolicy(1, 1);
        vm.expectRevert(notOwner);
        client.revokeEnclaveKey(vm.addr(keys[0]));
        vm.expectRevert(notOwner);
        client.transferOwnership(stranger);
        vm.stopPrank();
    }

    function testAdminSettersWork() public {
        client.setThreshold(3);
        (uint8 threshold,,,) = client.config();
        assertEq(threshold, 3, "threshold");
        vm.expectRevert(abi.encodeWithSelector(LCPClient.InvalidThreshold.selector, 0));
        client.setThreshold(0);
        client.setKeyPolicy(1 days, 5 minutes);
        assertEq(client.keyTtl(), 1 days, "ttl");
        assertEq(client.maxAttestationAge(), 5 minutes, "max age");
        client.setOperator(address(0x1234), true);
        assertTrue(client.isOperator(address(0x1234)), "operator");
        vm.expectRevert(LCPClient.ZeroAddress.selector);
        client.setOperator(address(0), true);
    }

    /// Ownership moves in two steps: only the named address can accept, the old owner keeps every right
    /// until then, a new transfer or `address(0)` replaces or cancels the pending one.
    function testTwoStepOwnershipTransfer() public {
        address next = address(0x0a);
        vm.expectEmit(address(client));
        emit LCPClient.OwnershipTransferStarted(address(this), next);
        client.transferOwnership(next);
        assertEq(client.owner(), address(this), "not yet");
        assertEq(client.pendingOwner(), next, "pending");
        client.setThreshold(2); // still the owner

        vm.prank(address(0xbad));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NotPendingOwner.selector, address(0xbad)));
        client.acceptOwnership();

        // Cancel, then the named address can no longer accept.
        client.transferOwnership(address(0));
        vm.prank(next);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NotPendingOwner.selector, next));
        client.acceptOwnership();

        client.transferOwnership(next);
        vm.expectEmit(address(client));
        emit LCPClient.OwnershipTransferred(address(this), next);
        vm.prank(next);
        client.acceptOwnership();
        assertEq(client.owner(), next, "new owner");
        assertEq(client.pendingOwner(), address(0), "cleared");
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NotOwner.selector, address(this)));
        client.setThreshold(1);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NotOwner.selector, address(this)));
        client.transferOwnership(address(this));
    }

    /// Every owner-only function refuses any other caller, whatever the arguments.
    function testFuzzOwnerFunctionsRefuseEveryoneElse(address caller, bytes32 word, address target, uint8 small)
        public
    {
        vm.assume(caller != address(this));
        bytes memory notOwner = abi.encodeWithSelector(LCPClient.NotOwner.selector, caller);
        vm.startPrank(caller);
        vm.expectRevert(notOwner);
        client.setMeasurement(word, true);
        vm.expectRevert(notOwner);
        client.setOperator(target, true);
        vm.expectRevert(notOwner);
        client.setThreshold(small);
        vm.expectRevert(notOwner);
        client.setKeyPolicy(uint64(uint256(word)), uint64(small));
        vm.expectRevert(notOwner);
        client.revokeEnclaveKey(target);
        vm.expectRevert(notOwner);
        client.transferOwnership(caller);
        vm.stopPrank();
        assertEq(client.owner(), address(this), "owner unchanged");
        assertEq(client.pendingOwner(), address(0), "nothing pending");
    }

    /*//////////////////////////////////////////////////////////////
                            REGISTRATION
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant NEW_KEY = 0xC0FFEE;
    address internal constant NEW_OPERATOR = address(0x0e00ff);

    function _registerNew(VerifiedAttestation memory a) internal returns (address) {
        verifier.setNext(a);
        vm.prank(NEW_OPERATOR);
        return client.registerEnclaveKey(hex"d28443a10126a0");
    }

    function _expectRegisterRevert(VerifiedAttestation memory a, bytes memory err) internal {
        verifier.setNext(a);
        vm.prank(NEW_OPERATOR);
        vm.expectRevert(err);
        client.registerEnclaveKey(hex"d28443a10126a0");
    }

    function testRegisterStoresKeyOperatorAndExpiry() public {
        client.setOperator(NEW_OPERATOR, true);
        vm.warp(T0 + 1 hours);
        address key = _registerNew(_attestation(NEW_KEY, NEW_OPERATOR));
        assertEq(key, vm.addr(NEW_KEY), "key address from public key");
        (address operator, uint64 expiry, bool revoked) = client.enclaveKey(key);
        assertEq(operator, NEW_OPERATOR, "operator");
        // now + TTL (7 days) is later than the leaf's notAfter (T0 + 3 h): the certificate caps it.
        assertEq(expiry, LEAF_NOT_AFTER, "expiry capped by leaf");
        assertFalse(revoked, "revoked");
        // The verifier was asked for the configured max age, never debug mode.
        assertEq(verifier.lastMaxAge(), MAX_AGE, "max age");
        assertFalse(verifier.lastAllowDebug(), "debug");
        assertEq(verifier.lastDocumentHash(), keccak256(hex"d28443a10126a0"), "document passed through");
    }

    /// The proof-taking entry point forwards document, policy and proofs, then runs the same registration path.
    function testRegisterWithProofsForwardsProofsAndRegisters() public {
        client.setOperator(NEW_OPERATOR, true);
        vm.warp(T0 + 1 hours);
        bytes[] memory proofs = new bytes[](3);
        proofs[1] = hex"01";
        proofs[2] = hex"0203";
        verifier.setNext(_attestation(NEW_KEY, NEW_OPERATOR));
        vm.prank(NEW_OPERATOR);
        address key = client.registerEnclaveKeyWithProofs(hex"d28443a10126a0", proofs);
        assertEq(key, vm.addr(NEW_KEY), "key address from public key");
        (address operator, uint64 expiry,) = client.enclaveKey(key);
        assertEq(operator, NEW_OPERATOR, "operator");
        assertEq(expiry, LEAF_NOT_AFTER, "expiry capped by leaf");
        assertEq(verifier.lastMaxAge(), MAX_AGE, "max age");
        assertFalse(verifier.lastAllowDebug(), "debug");
        assertEq(verifier.lastDocumentHash(), keccak256(hex"d28443a10126a0"), "document passed through");
        assertEq(verifier.lastProofsHash(), keccak256(abi.encode(proofs)), "proofs passed through");
    }

    /// Both entry points share one path: the same binding failure gives the same error through either.
    function testRegisterWithProofsRunsTheSameChecks() public {
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        verifier.setNext(a);
        vm.prank(NEW_OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.OperatorNotAllowed.selector, NEW_OPERATOR));
        client.registerEnclaveKeyWithProofs(hex"d28443a10126a0", new bytes[](0));
        client.setOperator(NEW_OPERATOR, true);
        vm.prank(address(0xbad));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NotOperator.selector, address(0xbad), NEW_OPERATOR));
        client.registerEnclaveKeyWithProofs(hex"d28443a10126a0", new bytes[](0));
    }

    function testRegisterExpiryIsTtlWhenShorter() public {
        client.setOperator(NEW_OPERATOR, true);
        client.setKeyPolicy(1 hours, MAX_AGE);
        _registerNew(_attestation(NEW_KEY, NEW_OPERATOR));
        (, uint64 expiry,) = client.enclaveKey(vm.addr(NEW_KEY));
        assertEq(expiry, T0 + 1 hours, "expiry = now + ttl");
    }

    function testRegisterRefreshExtendsExpiry() public {
        client.setOperator(NEW_OPERATOR, true);
        _registerNew(_attestation(NEW_KEY, NEW_OPERATOR));
        vm.warp(T0 + 2 hours);
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.leafNotAfter = uint64(T0 + 5 hours);
        _registerNew(a);
        (, uint64 expiry,) = client.enclaveKey(vm.addr(NEW_KEY));
        assertEq(expiry, T0 + 5 hours, "refreshed");
    }

    function testRegisterRejectsUnallowedMeasurement() public {
        client.setOperator(NEW_OPERATOR, true);
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.pcr2 = _pcr(0xff);
        bytes32 m = keccak256(abi.encodePacked(a.pcr0, a.pcr1, a.pcr2));
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.MeasurementNotAllowed.selector, m));
        // PCR8 is part of the measurement when present.
        a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.pcr8 = _pcr(0x08);
        m = keccak256(abi.encodePacked(a.pcr0, a.pcr1, a.pcr2, a.pcr8));
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.MeasurementNotAllowed.selector, m));
        client.setMeasurement(m, true);
        _registerNew(a);
    }

    function testRegisterRejectsPcrLengths() public {
        client.setOperator(NEW_OPERATOR, true);
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.pcr1 = new bytes(32);
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.PcrLength.selector, 1, 32));
        a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.pcr8 = new bytes(47);
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.PcrLength.selector, 8, 47));
    }

    function testRegisterRejectsPublicKeyFormat() public {
        client.setOperator(NEW_OPERATOR, true);
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.publicKey = new bytes(64);
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.PublicKeyFormat.selector, 64));
        a.publicKey = _publicKey(NEW_KEY);
        a.publicKey[0] = 0x02;
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.PublicKeyFormat.selector, 65));
    }

    function testRegisterRejectsUserData() public {
        client.setOperator(NEW_OPERATOR, true);
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.userData = new bytes(72);
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.UserDataFormat.selector, 72));
        a.userData = _userData(vm.addr(NEW_KEY), NEW_OPERATOR, CONFIG_HASH);
        a.userData[0] = 0x02;
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.UserDataVersion.selector, 2));
        a.userData = _userData(address(0x1111), NEW_OPERATOR, CONFIG_HASH);
        _expectRegisterRevert(
            a, abi.encodeWithSelector(LCPClient.UserDataKeyMismatch.selector, address(0x1111), vm.addr(NEW_KEY))
        );
        a.userData = _userData(vm.addr(NEW_KEY), NEW_OPERATOR, bytes32(uint256(1)));
        _expectRegisterRevert(
            a, abi.encodeWithSelector(LCPClient.NetworkConfigMismatch.selector, bytes32(uint256(1)), CONFIG_HASH)
        );
    }

    function testRegisterRequiresAllowedOperatorAsSender() public {
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        _expectRegisterRevert(a, abi.encodeWithSelector(LCPClient.OperatorNotAllowed.selector, NEW_OPERATOR));
        client.setOperator(NEW_OPERATOR, true);
        verifier.setNext(a);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.NotOperator.selector, address(this), NEW_OPERATOR));
        client.registerEnclaveKey(hex"00");
    }

    function testRegisterRejectsRevokedAndReassignedKeys() public {
        client.setOperator(NEW_OPERATOR, true);
        address existing = vm.addr(keys[0]);
        // keys[0] belongs to operatorOf[0]: another operator cannot claim it.
        _expectRegisterRevert(
            _attestation(keys[0], NEW_OPERATOR),
            abi.encodeWithSelector(LCPClient.KeyOperatorChanged.selector, existing, operatorOf[0], NEW_OPERATOR)
        );
        client.revokeEnclaveKey(existing);
        (,, bool revoked) = client.enclaveKey(existing);
        assertTrue(revoked, "revoked");
        verifier.setNext(_attestation(keys[0], operatorOf[0]));
        vm.prank(operatorOf[0]);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.KeyRevoked.selector, existing));
        client.registerEnclaveKey(hex"00");
    }

    function testRegisterRejectsExpiredLeaf() public {
        client.setOperator(NEW_OPERATOR, true);
        VerifiedAttestation memory a = _attestation(NEW_KEY, NEW_OPERATOR);
        a.leafNotAfter = uint64(T0);
        _expectRegisterRevert(
            a, abi.encodeWithSelector(LCPClient.RegistrationExpired.selector, uint64(T0), block.timestamp)
        );
    }

    function testRegisterPropagatesVerifierRejection() public {
        client.setOperator(NEW_OPERATOR, true);
        verifier.setRejectAll(true);
        _expectRegisterRevert(
            _attestation(NEW_KEY, NEW_OPERATOR),
            abi.encodeWithSelector(AttestationVerifierDouble.DocumentRejected.selector)
        );
    }

    function testKeyListIsBoundedAndPrunesDeadKeys() public {
        uint256 max = client.MAX_ENCLAVE_KEYS();
        uint256 perOperator = client.MAX_KEYS_PER_OPERATOR();
        // Three keys from setUp; fill the list with live keys, `perOperator` per new operator.
        uint256 n = 3;
        for (uint256 o; n < max; ++o) {
            address operator = address(uint160(0x0f0000 + o));
            client.setOperator(operator, true);
            for (uint256 k; k < perOperator && n < max; ++k) {
                verifier.setNext(_attestation(0x1000 + n, operator));
                vm.prank(operator);
                client.registerEnclaveKey(hex"00");
                ++n;
            }
        }
        assertEq(client.enclaveKeys().length, max, "full");
        client.setOperator(NEW_OPERATOR, true);
        _expectRegisterRevert(
            _attestation(0x2000, NEW_OPERATOR), abi.encodeWithSelector(LCPClient.TooManyEnclaveKeys.selector, max)
        );
        // Revoking one frees one entry at the next registration.
        client.revokeEnclaveKey(vm.addr(0x1000 + 5));
        verifier.setNext(_attestation(0x2000, NEW_OPERATOR));
        vm.expectEmit(address(client));
        emit LCPClient.EnclaveKeyPruned(vm.addr(0x1000 + 5));
        vm.prank(NEW_OPERATOR);
        client.registerEnclaveKey(hex"00");
        assertEq(client.enclaveKeys().length, max, "pruned one, added one");
        (,,, bool found) = _listed(vm.addr(0x1000 + 5));
        assertFalse(found, "revoked key pruned");
        // Once every key has expired, the list empties on the next registration.
        vm.warp(LEAF_NOT_AFTER);
        VerifiedAttestation memory a = _attestation(0x3000, NEW_OPERATOR);
        a.leafNotAfter = uint64(LEAF_NOT_AFTER + 3 hours);
        _registerNew(a);
        assertEq(client.enclaveKeys().length, 1, "expired keys pruned");
    }

    function testOneOperatorCannotFillTheList() public {
        client.setOperator(NEW_OPERATOR, true);
        uint256 perOperator = client.MAX_KEYS_PER_OPERATOR();
        for (uint256 k; k < perOperator; ++k) {
            _registerNew(_attestation(0x4000 + k, NEW_OPERATOR));
        }
        _expectRegisterRevert(
            _attestation(0x5000, NEW_OPERATOR),
            abi.encodeWithSelector(LCPClient.TooManyOperatorKeys.selector, NEW_OPERATOR, perOperator)
        );
        // A refresh of a listed key takes no new entry.
        _registerNew(_attestation(0x4000, NEW_OPERATOR));
        // Its expired or revoked keys free its share.
        client.revokeEnclaveKey(vm.addr(0x4001));
        _registerNew(_attestation(0x5000, NEW_OPERATOR));
        assertEq(client.enclaveKeys().length, 3 + perOperator, "3 from setUp + the operator's share");
    }

    function _listed(address key) internal view returns (address, uint64, bool, bool found) {
        address[] memory list = client.enclaveKeys();
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == key) found = true;
        }
    }

    function testThresholdChangeReachesExistingAndNewKeys() public {
        bytes memory m = _updateMessage(_update(bytes32(0), keccak256("s1"), 6400, BLOCK1, HASH1));
        client.setThreshold(3);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BelowThreshold.selector, 2, 3));
        client.initialize(m, _signN(m, 2));
        // A key registered after the change carries the new threshold too.
        client.setOperator(NEW_OPERATOR, true);
        _registerNew(_attestation(NEW_KEY, NEW_OPERATOR));
        bytes memory one = _sig(NEW_KEY, m);
        vm.expectRevert(abi.encodeWithSelector(LCPClient.BelowThreshold.selector, 1, 3));
        client.initialize(m, one);
        client.setThreshold(1);
        client.initialize(m, one);
        assertEq(client.stateId(), keccak256("s1"), "initialised by the new key alone");
    }

    function testComputeMeasurementMatchesConcatenation() public view {
        assertEq(client.computeMeasurement(_pcr(0xa0), _pcr(0xa1), _pcr(0xa2), ""), _measurement(), "no pcr8");
    }
}
