// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ChainFixture} from "./utils/ChainFixture.sol";
import {CertManager, CachedCert} from "../src/CertManager.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";

/// @notice The verified-certificate cache on marlin's real chain: split registration, what an entry keeps,
///         expiry and revocation re-checked on every hit (the certificate and all its ancestors), roles, links,
///         and the owner role. Metering is paused where a step needs several P-384 verifications.
contract CertManagerTest is ChainFixture {
    /// Marlin's chain windows (from the certificates).
    uint64 internal constant ZONAL_NOT_AFTER = 1709393220; // cabundle[2]
    uint64 internal constant INSTANCE_NOT_AFTER = 1708995465; // cabundle[3]

    function setUp() public {
        vm.pauseGasMetering();
        _useDocument(MARLIN, MARLIN_TS_MS);
    }

    function _registerChain() internal returns (bytes32 leaf) {
        bytes32 parent = _cacheCAs(4);
        leaf = verifier.verifyLeafCert(certs[4], parent);
        hashes.push(leaf);
    }

    // ------------------------------------------------------------------ split registration

    function testSplitRegistrationThenDocument() public {
        _registerChain();
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, 600, false);
        assertEq(a.timestampMs, MARLIN_TS_MS, "document verified with the whole chain cached");
        assertEq(a.leafNotAfter, MARLIN_LEAF_NOT_AFTER, "leaf notAfter from the cache");
    }

    function testCachedCAsThenNewLeafInDocument() public {
        _cacheCAs(4);
        VerifiedAttestation memory a = verifier.verifyAttestation(doc, 600, false);
        assertEq(a.timestampMs, MARLIN_TS_MS, "leaf verified inside verifyAttestation");
        // The document cached the leaf.
        bytes32 leafHash = keccak256(_tbs(4));
        assertFalse(verifier.cachedCert(leafHash).isCA, "leaf cached as a leaf");
        assertEq(verifier.cachedCert(leafHash).publicKey.length, 96, "leaf cached");
    }

    function testCachedEntries() public {
        _registerChain();
        uint8[5] memory budget = [255, 2, 1, 0, 0];
        for (uint256 i = 0; i < 5; ++i) {
            CachedCert memory c = verifier.cachedCert(hashes[i]);
            assertEq(hashes[i], keccak256(_tbs(i)), "key = keccak256(TBS)");
            assertEq(c.parent, i == 0 ? bytes32(0) : hashes[i - 1], "parent link");
            assertEq(c.depth, i, "depth");
            assertEq(c.isCA, i < 4, "role");
            assertEq(c.pathBudget, budget[i], "path budget: unlimited, then pathLen 2, 1, 0");
            assertEq(c.publicKey.length, 96, "key");
            (,,, bytes memory subject) = h.certFields(certs[i]);
            assertEq(c.subjectHash, keccak256(subject), "subject hash");
            (bytes memory issuer, bytes memory serial) = _issuerSerial(i);
            assertEq(c.revocationKey, verifier.revocationKey(issuer, serial), "revocation key");
        }
        assertEq(verifier.cachedCert(hashes[4]).notAfter, MARLIN_LEAF_NOT_AFTER, "leaf notAfter");
        assertTrue(verifier.checkCachedCert(hashes[4]), "chain valid now");
    }

    function testCacheEmitsEvent() public {
        bytes32 rootHash = keccak256(_tbs(0));
        vm.expectEmit();
        emit CertManager.CertCached(rootHash, bytes32(0), 0, true, ROOT_NOT_AFTER);
        verifier.verifyCACert(certs[0], bytes32(0));
    }

    function testReverifyingCachedCertIsIdempotent() public {
        bytes32 parent = _cacheCAs(2);
        assertEq(verifier.verifyCACert(certs[1], hashes[0]), parent, "same key on a hit");
    }

    // ------------------------------------------------------------------ expiry on cache hits

    function testExpiredCachedCARejected() public {
        _cacheCAs(4);
        uint256 t = INSTANCE_NOT_AFTER + 1;
        vm.warp(t);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertExpired.selector, 3, INSTANCE_NOT_AFTER, t));
        verifier.verifyAttestation(doc, 365 days, false);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertExpired.selector, 3, INSTANCE_NOT_AFTER, t));
        verifier.checkCachedCert(hashes[3]);
    }

    function testExpiredAncestorRejectedOnHit() public {
        _cacheCAs(4);
        uint256 t = ZONAL_NOT_AFTER + 1;
        vm.warp(t);
        // Re-checking the instance CA (itself long expired as well) walks up: the walk starts at the entry.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertExpired.selector, 3, INSTANCE_NOT_AFTER, t));
        verifier.checkCachedCert(hashes[3]);
        // The zonal CA's own re-check names the zonal CA.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertExpired.selector, 2, ZONAL_NOT_AFTER, t));
        verifier.verifyCACert(certs[2], hashes[1]);
    }

    function testCachedCertNotYetValid() public {
        _cacheCAs(4);
        uint256 nb = verifier.cachedCert(hashes[3]).notBefore;
        vm.warp(nb - 1);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertNotYetValid.selector, 3, nb, nb - 1));
        verifier.checkCachedCert(hashes[3]);
    }

    // ------------------------------------------------------------------ revocation

    function testRevokedCachedCARejected() public {
        _registerChain();
        (bytes memory issuer, bytes memory serial) = _issuerSerial(2);
        bytes32 key = verifier.revocationKey(issuer, serial);
        vm.expectEmit();
        emit CertManager.CertRevocationSet(key, issuer, serial, true);
        verifier.setRevoked(issuer, serial, true);
        assertTrue(verifier.revoked(key), "revoked");

        vm.expectRevert(abi.encodeWithSelector(CertManager.CertRevoked.selector, 2, key));
        verifier.verifyAttestation(doc, 600, false);
        // Every descendant's re-check walks up to the revoked ancestor.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertRevoked.selector, 2, key));
        verifier.checkCachedCert(hashes[4]);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertRevoked.selector, 2, key));
        verifier.verifyLeafCert(certs[4], hashes[3]);

        verifier.setRevoked(issuer, serial, false);
        assertTrue(verifier.checkCachedCert(hashes[4]), "valid again after un-revoking");
    }

    function testRevokedUncachedLeafRejected() public {
        _cacheCAs(4);
        (bytes memory issuer, bytes memory serial) = _issuerSerial(4);
        verifier.setRevoked(issuer, serial, true);
        vm.expectRevert(
            abi.encodeWithSelector(CertManager.CertRevoked.selector, 4, verifier.revocationKey(issuer, serial))
        );
        verifier.verifyAttestation(doc, 600, false);
    }

    function testRevokeBySerialAsOpensslPrintsIt() public {
        // The AWS root's serial as `openssl x509 -serial` prints it (DER content is 00 f9 31 ...: sign byte dropped).
        (bytes memory issuer,) = _issuerSerial(0);
        verifier.setRevoked(issuer, hex"f93175681b90afe11d46ccb4e4e7f856", true);
        bytes32 key = verifier.revocationKey(issuer, hex"f93175681b90afe11d46ccb4e4e7f856");
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertRevoked.selector, 0, key));
        verifier.verifyCACert(certs[0], bytes32(0));
    }

    function testOnlyOwnerRevokes() public {
        (bytes memory issuer, bytes memory serial) = _issuerSerial(2);
        vm.prank(address(0xbad));
        vm.expectRevert(abi.encodeWithSelector(CertManager.NotOwner.selector, address(0xbad)));
        verifier.setRevoked(issuer, serial, true);
    }

    function testTwoStepOwnershipTransfer() public {
        address next = address(0xb0b);
        vm.expectEmit();
        emit CertManager.OwnershipTransferStarted(address(this), next);
        verifier.transferOwnership(next);
        assertEq(verifier.owner(), address(this), "not yet");
        vm.prank(address(0xbad));
        vm.expectRevert(abi.encodeWithSelector(CertManager.NotPendingOwner.selector, address(0xbad)));
        verifier.acceptOwnership();
        vm.prank(next);
        vm.expectEmit();
        emit CertManager.OwnershipTransferred(address(this), next);
        verifier.acceptOwnership();
        assertEq(verifier.owner(), next, "transferred");
        assertEq(verifier.pendingOwner(), address(0), "cleared");
        vm.expectRevert(abi.encodeWithSelector(CertManager.NotOwner.selector, address(this)));
        verifier.transferOwnership(address(this));
    }

    // ------------------------------------------------------------------ links and roles

    function testRootMustBeTheAnchor() public {
        vm.expectRevert(
            abi.encodeWithSelector(CertManager.CertNotTrustAnchor.selector, sha256(certs[1]), AWS_ROOT_SHA256)
        );
        verifier.verifyCACert(certs[1], bytes32(0));
    }

    function testParentMustBeCached() public {
        vm.expectRevert(
            abi.encodeWithSelector(CertManager.CertParentNotCached.selector, type(uint256).max, keccak256("x"))
        );
        verifier.verifyCACert(certs[1], keccak256("x"));
    }

    function testIssuerMustBeParentSubject() public {
        _cacheCAs(2);
        // The zonal CA presented directly under the root.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertIssuerMismatch.selector, 1));
        verifier.verifyCACert(certs[2], hashes[0]);
    }

    function testCachedCertUnderOtherParentRejected() public {
        _cacheCAs(3);
        // A hit whose cached parent differs from the presented one.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertParentMismatch.selector, 1, hashes[1], hashes[0]));
        verifier.verifyCACert(certs[2], hashes[0]);
    }

    function testLeafIsNotACA() public {
        _cacheCAs(4);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 4, bytes32("cA")));
        verifier.verifyCACert(certs[4], hashes[3]);
    }

    function testCAIsNotALeaf() public {
        _cacheCAs(3);
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 3, bytes32("notCA")));
        verifier.verifyLeafCert(certs[3], hashes[2]);
        // And a cached CA is not accepted in the leaf position.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 2, bytes32("notCA")));
        verifier.verifyLeafCert(certs[2], hashes[1]);
    }

    function testUncachedLookups() public {
        vm.expectRevert(
            abi.encodeWithSelector(CertManager.CertParentNotCached.selector, type(uint256).max, keccak256("x"))
        );
        verifier.checkCachedCert(keccak256("x"));
        assertEq(verifier.cachedCert(keccak256("x")).publicKey.length, 0, "absent entry is empty");
        // A leaf needs a parent: it cannot be the anchor.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 0, bytes32("notCA")));
        verifier.verifyLeafCert(certs[4], bytes32(0));
    }

    function _tbs(uint256 i) internal view returns (bytes memory tbs) {
        (tbs,,,) = h.certFields(certs[i]);
    }
}
