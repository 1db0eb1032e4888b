// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";
import {deployVerifier} from "./utils/DeployVerifier.sol";
import {CertManager} from "../src/CertManager.sol";
import {X509} from "../src/lib/X509.sol";
import {VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";

/// @notice Rules the real AWS chains cannot exercise, on a simulated P-384 PKI and documents signed under it
///         (`test/data/gen_sim_chain.py` → `sim_chain.json`): the verifier is deployed with the simulated root's
///         SHA-256 as its trust anchor. Metering is paused: several P-384 verifications per test.
contract SimChainTest is Test {
    NitroAttestationVerifier internal verifier;
    bytes32 internal rootHash;
    bytes32 internal caHash;

    function setUp() public {
        vm.pauseGasMetering();
        string memory json = _json();
        verifier = deployVerifier(vm.parseJsonBytes32(json, ".root_sha256"), address(this));
        vm.warp(vm.parseJsonUint(json, ".doc_time"));
    }

    /// Read on use: keeping 20 KB of JSON in storage would cost more than the cap.
    function _json() internal view returns (string memory) {
        return vm.readFile("test/data/sim_chain.json");
    }

    function _cert(string memory name) internal view returns (bytes memory) {
        return vm.parseJsonBytes(_json(), string.concat(".certs.", name));
    }

    function _doc(string memory name) internal view returns (bytes memory) {
        return vm.parseJsonBytes(_json(), string.concat(".docs.", name));
    }

    function _cacheRootAndCA() internal {
        rootHash = verifier.verifyCACert(_cert("root"), bytes32(0));
        caHash = verifier.verifyCACert(_cert("ca"), rootHash);
    }

    // ------------------------------------------------------------------ documents

    function testSimDocumentsVerify() public {
        vm.pauseGasMetering();
        string memory json = _json();
        string[5] memory names = ["definite", "indefinite", "tagged", "nulls", "absent_optionals"];
        uint256 ts = vm.parseJsonUint(json, ".doc_timestamp_ms");
        for (uint256 i = 0; i < names.length; ++i) {
            VerifiedAttestation memory a = verifier.verifyAttestation(_doc(names[i]), 60, false);
            assertEq(a.timestampMs, ts, "timestamp");
            assertEq(
                a.pcr1,
                abi.encodePacked(
                    bytes32(0x0101010101010101010101010101010101010101010101010101010101010101),
                    bytes16(0x01010101010101010101010101010101)
                ),
                "pcr1"
            );
            assertEq(a.pcr8.length, 48, "pcr8");
            assertEq(a.moduleId, bytes("i-sim-enc0123"), "module_id");
            assertEq(a.leafNotAfter, vm.parseJsonUint(json, ".leaf_not_after"), "leaf notAfter");
            bool optionals = i < 3;
            assertEq(a.publicKey.length, optionals ? 65 : 0, "public_key");
            assertEq(a.userData.length, optionals ? 73 : 0, "user_data");
            assertEq(a.nonce.length, optionals ? 32 : 0, "nonce");
        }
    }

    function testIndefiniteAndDefiniteAgree() public {
        vm.pauseGasMetering();
        VerifiedAttestation memory d = verifier.verifyAttestation(_doc("definite"), 60, false);
        VerifiedAttestation memory x = verifier.verifyAttestation(_doc("indefinite"), 60, false);
        assertEq(keccak256(abi.encode(d)), keccak256(abi.encode(x)), "same verified fields");
    }

    function testWrongSignerRejected() public {
        vm.pauseGasMetering();
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        verifier.verifyAttestation(_doc("wrong_signer"), 60, false);
    }

    // ------------------------------------------------------------------ chain rules

    function testPathLenZeroAllowsNoFurtherCA() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 2, bytes32("pathLen")));
        verifier.verifyCACert(_cert("ca_below_pathlen0"), caHash);
        // A leaf below it is fine: pathLen counts CAs only.
        verifier.verifyLeafCert(_cert("leaf"), caHash);
    }

    function testCABasicConstraintsMustBeCritical() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        vm.expectRevert(
            abi.encodeWithSelector(CertManager.CertConstraint.selector, 1, bytes32("basicConstraints.critical"))
        );
        verifier.verifyCACert(_cert("ca_bc_not_critical"), rootHash);
    }

    function testCAMustHaveKeyCertSign() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 1, bytes32("keyCertSign")));
        verifier.verifyCACert(_cert("ca_without_keycertsign"), rootHash);
    }

    function testGeneralizedTimeNotAfter() public {
        vm.pauseGasMetering();
        string memory json = _json();
        _cacheRootAndCA();
        bytes32 hsh = verifier.verifyCACert(_cert("ca_generalized_time"), rootHash);
        assertEq(
            verifier.cachedCert(hsh).notAfter, vm.parseJsonUint(json, ".ca_generalized_not_after"), "2055 notAfter"
        );
        assertEq(verifier.cachedCert(rootHash).notAfter, 2840140800, "root notAfter 2060-01-01 (GeneralizedTime)");
    }

    function testLeafMustNotBeCA() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 2, bytes32("notCA")));
        verifier.verifyLeafCert(_cert("leaf_is_ca"), caHash);
    }

    function testLeafMustHaveDigitalSignature() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 2, bytes32("digitalSignature")));
        verifier.verifyLeafCert(_cert("leaf_without_digitalsignature"), caHash);
    }

    function testOtherCurveRejected() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        vm.expectRevert(abi.encodeWithSelector(X509.X509BadField.selector, bytes32("subjectPublicKeyInfo")));
        verifier.verifyLeafCert(_cert("leaf_p256"), caHash);
    }

    function testOtherHashRejected() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        vm.expectRevert(abi.encodeWithSelector(X509.X509BadField.selector, bytes32("signature")));
        verifier.verifyLeafCert(_cert("leaf_sha256"), caHash);
    }

    function testHighSSignatureAccepted() public {
        vm.pauseGasMetering();
        string memory json = _json();
        _cacheRootAndCA();
        bytes32 hsh = verifier.verifyLeafCert(_cert("leaf_high_s"), caHash);
        assertEq(verifier.cachedCert(hsh).publicKey, vm.parseJsonBytes(json, ".leaf_public_key"), "cached");
    }

    function testIssuerMustBeParentSubject() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        // The leaf (issued by sim-ca) presented directly under the root.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertIssuerMismatch.selector, 1));
        verifier.verifyLeafCert(_cert("leaf"), rootHash);
    }

    function testCachedLeafCannotIssue() public {
        vm.pauseGasMetering();
        _cacheRootAndCA();
        bytes32 leaf = verifier.verifyLeafCert(_cert("leaf"), caHash);
        // A valid CA certificate presented under the cached leaf: the leaf is not a CA.
        vm.expectRevert(abi.encodeWithSelector(CertManager.CertConstraint.selector, 3, bytes32("parentNotCA")));
        verifier.verifyCACert(_cert("ca_generalized_time"), leaf);
    }
}
