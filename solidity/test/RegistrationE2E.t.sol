// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {deployVerifier} from "./utils/DeployVerifier.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {CertManager, CachedCert} from "../src/CertManager.sol";
import {NitroAttestationVerifier} from "../src/NitroAttestationVerifier.sol";
import {INitroAttestationVerifier} from "../src/interfaces/INitroAttestationVerifier.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";

/// @notice Registration end to end with the REAL verifier, no test double. The fixture
///         (`fixtures/golden/registration/`, written by `tests/tests/golden_registration.rs`) is one seeded
///         simulated NSM: its root, an attestation document binding a deterministic enclave key to the
///         operator and network config, and LCP messages signed by that key. Here the real
///         `NitroAttestationVerifier` (anchored at the simulated root's SHA-256) verifies the document, the
///         CA chain cached first in separate calls as a relayer would, and `LCPClient` (deployed AT the
///         fixture's client address) registers the key and accepts the Rust-signed messages: the enclave key,
///         the simulated NSM, the verifier and the client agree on the same bytes.
///
///         Gas (`snapshots/RegistrationE2E.json`, one group for all contracts below): every measured call runs
///         with metering on, under foundry.toml's `gas_limit` (16,777,216, EIP-7825), and is also asserted below
///         that cap. The client steps (register, initialize, update, claim) are measured by one contract each
///         whose `setUp` ran the earlier steps, so the measured call starts cold like its own transaction. The
///         CA-caching steps replay their ancestors unmetered in the same test (those entries are warm: understated
///         by a few cold SLOADs of 2,100 gas). Execution gas only: a transaction adds 21,000 + calldata.
abstract contract RegistrationE2EBase is Test {
    string internal constant DIR = "../fixtures/golden/registration/";
    uint256 internal constant TX_GAS_CAP = 16_777_216;
    /// Snapshot group: every measured call lands in `snapshots/RegistrationE2E.json`.
    string internal constant GAS_GROUP = "RegistrationE2E";

    string internal reg;
    string internal neg;
    NitroAttestationVerifier internal verifier;
    LCPClient internal client;
    bytes[] internal cabundle;
    address internal operator;
    uint256 internal verificationTime;
    uint64 internal leafNotAfter;

    function _file(string memory name) internal view returns (string memory) {
        return vm.readFile(string.concat(DIR, name));
    }

    function _msg(string memory name) internal view returns (bytes memory m, bytes memory s) {
        string memory j = _file(string.concat(name, ".json"));
        m = vm.parseJsonBytes(j, ".message");
        s = vm.parseJsonBytes(j, ".signature");
    }

    /// Deploys the real verifier (anchored at the simulated root) and the client at the fixture address, and
    /// allowlists the fixture's measurement and operator.
    function _deploy() internal {
        reg = _file("registration.json");
        neg = _file("negatives.json");
        vm.chainId(vm.parseJsonUint(reg, ".chain_id"));
        verificationTime = vm.parseJsonUint(reg, ".verification_time");
        leafNotAfter = uint64(vm.parseJsonUint(reg, ".leaf_not_after"));
        vm.warp(verificationTime);

        // The anchor is the SHA-256 of the simulated root, as the Rust side computed it.
        bytes memory root = vm.readFileBinary(string.concat(DIR, "root.der"));
        assertEq(sha256(root), vm.parseJsonBytes32(reg, ".root_sha256"), "root sha256");
        verifier = deployVerifier(sha256(root), address(this));
        bytes[] memory bundle = vm.parseJsonBytesArray(reg, ".cabundle");
        assertEq(bundle[0], root, "cabundle[0] is the pinned root");
        for (uint256 i = 0; i < bundle.length; ++i) {
            cabundle.push(bundle[i]);
        }

        // LCPClient at the fixture's address (the messages' domain): creation code run in place.
        address at = vm.parseJsonAddress(reg, ".client");
        bytes memory creation = abi.encodePacked(
            type(LCPClient).creationCode,
            abi.encode(
                INitroAttestationVerifier(address(verifier)),
                vm.parseJsonBytes32(reg, ".network_config_hash"),
                vm.parseJsonBytes32(reg, ".trusted_root"),
                uint8(1),
                uint64(vm.parseJsonUint(reg, ".key_ttl_secs")),
                uint64(vm.parseJsonUint(reg, ".max_attestation_age_secs"))
            )
        );
        vm.etch(at, creation);
        (bool ok, bytes memory runtime) = at.call("");
        assertTrue(ok, "constructor ran in place");
        vm.etch(at, runtime);
        client = LCPClient(at);
        assertEq(address(client.attestationVerifier()), address(verifier), "client uses the real verifier");

        operator = vm.parseJsonAddress(reg, ".operator");
        client.setMeasurement(vm.parseJsonBytes32(reg, ".measurement"), true);
        client.setOperator(operator, true);
    }

    /// Records the last call's gas under `name` and checks it fits one transaction.
    function _recordGas(string memory name) internal returns (uint256 used) {
        used = vm.snapshotGasLastCall(GAS_GROUP, name);
        assertTrue(used < TX_GAS_CAP, "under the transaction gas cap");
    }

    /// The operator registers the fixture's document.
    function _register() internal returns (address) {
        bytes memory document = vm.parseJsonBytes(reg, ".document");
        vm.prank(operator);
        return client.registerEnclaveKey(document);
    }

    function _initialize() internal {
        (bytes memory m, bytes memory s) = _msg("update_state_init");
        client.initialize(m, s);
    }

    function _update() internal {
        (bytes memory m, bytes memory s) = _msg("update_state");
        client.updateState(m, s);
    }

    /// Caches cabundle[0..count-1], each in its own call (the relayer's separate transactions).
    function _cacheCAs(uint256 count) internal returns (bytes32 parent) {
        for (uint256 i = 0; i < count; ++i) {
            parent = verifier.verifyCACert(cabundle[i], parent);
        }
    }
}

/// @notice The registration flow in one test (correctness, all steps in one transaction context), the CA-caching
///         gas per call, and the negative cases, each with its exact custom error.
contract RegistrationE2ETest is RegistrationE2EBase {
    function setUp() public {
        vm.pauseGasMetering();
        _deploy();
        vm.resumeGasMetering();
    }

    /// Measures one `verifyCACert` after caching its ancestors unmetered.
    function _measureCacheCA(uint256 index, string memory name) internal {
        vm.pauseGasMetering();
        bytes32 parent = _cacheCAs(index);
        vm.resumeGasMetering();
        bytes32 tbs = verifier.verifyCACert(cabundle[index], parent);
        _recordGas(name);
        vm.pauseGasMetering();
        CachedCert memory cached = verifier.cachedCert(tbs);
        assertEq(cached.depth, index, "cached at its depth");
        assertTrue(cached.isCA, "cached as a CA");
        vm.resumeGasMetering();
    }

    function testGasCacheRoot() public {
        _measureCacheCA(0, "cache_0_root");
    }

    function testGasCacheRegional() public {
        _measureCacheCA(1, "cache_1_regional");
    }

    function testGasCacheZonal() public {
        _measureCacheCA(2, "cache_2_zonal");
    }

    function testGasCacheInstance() public {
        _measureCacheCA(3, "cache_3_instance");
    }

    /// The whole flow: CA chain cached (4 separate calls), then — each call metered and recorded — the
    /// operator registers the enclave key from the Rust-made document (new leaf + COSE verified on chain),
    /// and the client accepts the init, the update and the storage claim that key signed in Rust.
    function testRegisterAndRunRustSignedFlow() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        bytes memory document = vm.parseJsonBytes(reg, ".document");
        address expectedKey = vm.parseJsonAddress(reg, ".key_address");
        vm.resumeGasMetering();

        vm.expectEmit(address(client));
        emit LCPClient.EnclaveKeyRegistered(
            expectedKey, operator, vm.parseJsonBytes32(reg, ".measurement"), leafNotAfter
        );
        vm.prank(operator);
        address key = client.registerEnclaveKey(document);
        assertEq(key, expectedKey, "the Rust enclave key is registered");
        (address op, uint64 expiry, bool revoked) = client.enclaveKey(key);
        assertEq(op, operator, "operator");
        // key TTL (1 day) is longer than the leaf (3 h): the certificate caps the key.
        assertEq(expiry, leafNotAfter, "expiry = leaf notAfter");
        assertFalse(revoked, "not revoked");

        (bytes memory m, bytes memory s) = _msg("update_state_init");
        client.initialize(m, s);
        string memory init = _file("update_state_init.json");
        assertEq(key, vm.parseJsonAddress(init, ".signer"), "messages signed by the attested key");
        assertEq(client.stateId(), vm.parseJsonBytes32(init, ".fields.postStateId"), "initialized");

        (m, s) = _msg("update_state");
        client.updateState(m, s);
        string memory u = _file("update_state.json");
        assertEq(client.stateId(), vm.parseJsonBytes32(u, ".fields.postStateId"), "updated");
        uint64 blockNumber = uint64(vm.parseJsonUint(u, ".fields.blockNumber"));
        assertEq(client.blockHashOf(blockNumber), vm.parseJsonBytes32(u, ".fields.blockHash"), "block hash stored");

        (m, s) = _msg("storage_claim");
        ILCPMessages.StorageClaim memory c = client.verifyStorage(m, s);
        string memory sc = _file("storage_claim.json");
        assertEq(c.account, vm.parseJsonAddress(sc, ".fields.account"), "account");
        assertEq(c.slot, vm.parseJsonBytes32(sc, ".fields.slot"), "slot");
        assertEq(c.value, vm.parseJsonBytes32(sc, ".fields.value"), "value");
        assertEq(c.blockHash, vm.parseJsonBytes32(sc, ".fields.blockHash"), "block hash");
    }

    /// A registration fails as a whole: a refused document leaves no key and no cached leaf behind.
    function _expectRefused(bytes memory document, address sender, bytes memory err) internal {
        vm.prank(sender);
        vm.expectRevert(err);
        client.registerEnclaveKey(document);
        assertEq(client.enclaveKeys().length, 0, "no key registered");
    }

    function testRejectsDocumentForAnotherOperator() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        bytes memory document = vm.parseJsonBytes(neg, ".other_operator.document");
        address other = vm.parseJsonAddress(neg, ".other_operator.operator");
        _expectRefused(document, other, abi.encodeWithSelector(LCPClient.OperatorNotAllowed.selector, other));
        // Allowlisted, the other operator still cannot have it registered by someone else.
        client.setOperator(other, true);
        _expectRefused(document, operator, abi.encodeWithSelector(LCPClient.NotOperator.selector, operator, other));
    }

    function testRejectsDocumentForAnotherNetworkConfig() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        _expectRefused(
            vm.parseJsonBytes(neg, ".other_network.document"),
            operator,
            abi.encodeWithSelector(
                LCPClient.NetworkConfigMismatch.selector,
                vm.parseJsonBytes32(neg, ".other_network.network_config_hash"),
                vm.parseJsonBytes32(reg, ".network_config_hash")
            )
        );
    }

    function testRejectsNonAllowlistedMeasurement() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        _expectRefused(
            vm.parseJsonBytes(neg, ".other_measurement.document"),
            operator,
            abi.encodeWithSelector(
                LCPClient.MeasurementNotAllowed.selector, vm.parseJsonBytes32(neg, ".other_measurement.measurement")
            )
        );
    }

    /// Stamped 60 s before its leaf's notAfter. At notAfter the verifier still accepts the leaf (validity is
    /// inclusive) but the key would expire at once: the client refuses. One second later the verifier refuses
    /// the expired leaf (index 4 = after the four cabundle certificates).
    function testRejectsExpiredRegistration() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        bytes memory document = vm.parseJsonBytes(neg, ".expired.document");
        uint64 notAfter = uint64(vm.parseJsonUint(neg, ".expired.leaf_not_after"));
        vm.warp(notAfter);
        _expectRefused(
            document,
            operator,
            abi.encodeWithSelector(LCPClient.RegistrationExpired.selector, notAfter, uint256(notAfter))
        );
        vm.warp(uint256(notAfter) + 1);
        _expectRefused(
            document,
            operator,
            abi.encodeWithSelector(
                CertManager.CertExpired.selector, cabundle.length, uint256(notAfter), uint256(notAfter) + 1
            )
        );
    }

    /// The valid document itself cannot be replayed later: past its leaf's notAfter it is long stale (the
    /// client's max attestation age is checked first).
    function testValidDocumentRefusedAfterLeafExpiry() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        vm.warp(uint256(leafNotAfter) + 1);
        _expectRefused(
            vm.parseJsonBytes(reg, ".document"),
            operator,
            abi.encodeWithSelector(
                NitroAttestationVerifier.NitroTimestampTooOld.selector,
                vm.parseJsonUint(reg, ".timestamp_ms") / 1000,
                uint256(leafNotAfter) + 1,
                vm.parseJsonUint(reg, ".max_attestation_age_secs")
            )
        );
    }
}

/// @notice Gas of registration with a new leaf, the CA chain cached by earlier transactions (`setUp`).
contract RegistrationE2ERegisterGasTest is RegistrationE2EBase {
    function setUp() public {
        vm.pauseGasMetering();
        _deploy();
        _cacheCAs(cabundle.length);
        vm.resumeGasMetering();
    }

    function testGasRegisterNewLeaf() public {
        vm.pauseGasMetering();
        bytes memory document = vm.parseJsonBytes(reg, ".document");
        vm.resumeGasMetering();
        vm.prank(operator);
        address key = client.registerEnclaveKey(document);
        _recordGas("register_new_leaf");
        assertEq(key, vm.parseJsonAddress(reg, ".key_address"), "registered");
    }
}

/// @notice Gas of `initialize` with the Rust-signed init message, the key registered earlier.
contract RegistrationE2EInitializeGasTest is RegistrationE2EBase {
    function setUp() public {
        vm.pauseGasMetering();
        _deploy();
        _cacheCAs(cabundle.length);
        _register();
        vm.resumeGasMetering();
    }

    function testGasInitialize() public {
        _initialize();
        _recordGas("initialize");
        assertEq(
            client.stateId(), vm.parseJsonBytes32(_file("update_state_init.json"), ".fields.postStateId"), "initialized"
        );
    }
}

/// @notice Gas of `updateState` with the Rust-signed update, the client initialized earlier.
contract RegistrationE2EUpdateGasTest is RegistrationE2EBase {
    function setUp() public {
        vm.pauseGasMetering();
        _deploy();
        _cacheCAs(cabundle.length);
        _register();
        _initialize();
        vm.resumeGasMetering();
    }

    function testGasUpdateState() public {
        _update();
        _recordGas("update_state");
        assertEq(client.stateId(), vm.parseJsonBytes32(_file("update_state.json"), ".fields.postStateId"), "updated");
    }
}

/// @notice Gas of `verifyStorage` with the Rust-signed claim, the block stored earlier.
contract RegistrationE2EClaimGasTest is RegistrationE2EBase {
    function setUp() public {
        vm.pauseGasMetering();
        _deploy();
        _cacheCAs(cabundle.length);
        _register();
        _initialize();
        _update();
        vm.resumeGasMetering();
    }

    function testGasVerifyStorage() public {
        (bytes memory m, bytes memory s) = _msg("storage_claim");
        ILCPMessages.StorageClaim memory c = client.verifyStorage(m, s);
        _recordGas("verify_storage");
        assertEq(c.value, vm.parseJsonBytes32(_file("storage_claim.json"), ".fields.value"), "claim value");
    }
}

/// @notice Registration through `registerEnclaveKeyWithProofs` with P-384 traces for the golden document
///         (`test/data/registration_proofs.json`, `gen_registration_proofs.py`): the proof-taking path of the
///         interface, end to end, cold in ONE transaction and with the CAs cached.
contract RegistrationE2EProofsTest is RegistrationE2EBase {
    bytes internal document;
    bytes[] internal traces;

    function setUp() public {
        vm.pauseGasMetering();
        _deploy();
        document = vm.parseJsonBytes(reg, ".document");
        string memory p = vm.readFile("test/data/registration_proofs.json");
        assertEq(vm.parseJsonBytes32(p, ".document_sha256"), sha256(document), "proofs are for the committed document");
        bytes[] memory t = vm.parseJsonBytesArray(p, ".traces");
        assertEq(t.length, cabundle.length + 2, "one proof per certificate + COSE");
        for (uint256 i = 0; i < t.length; ++i) {
            traces.push(t[i]);
        }
        vm.resumeGasMetering();
    }

    function _registerWithProofs(bytes[] memory proofs) internal returns (address key) {
        vm.pauseGasMetering();
        bytes memory doc = document;
        vm.resumeGasMetering();
        vm.prank(operator);
        key = client.registerEnclaveKeyWithProofs(doc, proofs);
    }

    /// Nothing cached: root, three CAs, leaf and COSE verified and cached by one call.
    function testGasRegisterColdOneTxTraced() public {
        vm.pauseGasMetering();
        bytes[] memory proofs = traces;
        vm.resumeGasMetering();
        address key = _registerWithProofs(proofs);
        _recordGas("register_cold_one_tx_traced");
        assertEq(key, vm.parseJsonAddress(reg, ".key_address"), "registered");
        (, uint64 expiry,) = client.enclaveKey(key);
        assertEq(expiry, leafNotAfter, "expiry = leaf notAfter");
    }

    /// CAs cached by earlier calls: only the leaf and COSE proofs matter (the others may be empty).
    function testGasRegisterNewLeafTraced() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        bytes[] memory proofs = new bytes[](traces.length);
        proofs[cabundle.length] = traces[cabundle.length];
        proofs[cabundle.length + 1] = traces[cabundle.length + 1];
        vm.resumeGasMetering();
        address key = _registerWithProofs(proofs);
        _recordGas("register_new_leaf_traced");
        assertEq(key, vm.parseJsonAddress(reg, ".key_address"), "registered");
    }

    /// A corrupted COSE trace makes the signature check fail; nothing is registered.
    function testCorruptedProofIsRefused() public {
        vm.pauseGasMetering();
        _cacheCAs(cabundle.length);
        bytes[] memory proofs = traces;
        bytes memory cose = proofs[cabundle.length + 1];
        cose[cose.length - 1] ^= 0x01;
        bytes memory doc = document;
        vm.prank(operator);
        vm.expectRevert(NitroAttestationVerifier.NitroSignatureInvalid.selector);
        client.registerEnclaveKeyWithProofs(doc, proofs);
        assertEq(client.enclaveKeys().length, 0, "no key registered");
    }

    /// A proof list of the wrong length is refused by the verifier with its count.
    function testWrongProofCountIsRefused() public {
        vm.pauseGasMetering();
        bytes memory doc = document;
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(NitroAttestationVerifier.NitroBadHints.selector, 1, cabundle.length + 2));
        client.registerEnclaveKeyWithProofs(doc, new bytes[](1));
    }
}
