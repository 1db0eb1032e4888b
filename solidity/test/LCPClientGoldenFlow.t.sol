// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Test} from "./utils/Test.sol";
import {AttestationVerifierDouble} from "./utils/AttestationVerifierDouble.sol";
import {LCPClient} from "../src/LCPClient.sol";
import {ILCPMessages} from "../src/interfaces/ILCPMessages.sol";
import {INitroAttestationVerifier, VerifiedAttestation} from "../src/interfaces/INitroAttestationVerifier.sol";

/// @notice The whole client flow on messages signed by the Rust reference (`fixtures/golden/messages/`):
///         the client is deployed AT the golden client address (creation code run in place, as forge-std's
///         `deployCodeTo` does), registers the golden key from the golden binding, and then accepts the
///         Rust-made init, update and claims exactly as signed.
contract LCPClientGoldenFlowTest is Test {
    string internal constant DIR = "../fixtures/golden/messages/";
    LCPClient internal client;

    function _json(string memory name) internal view returns (string memory) {
        return vm.readFile(string.concat(DIR, name, ".json"));
    }

    function _msg(string memory name) internal view returns (bytes memory m, bytes memory s) {
        string memory j = _json(name);
        m = vm.parseJsonBytes(j, ".message");
        s = vm.parseJsonBytes(j, ".signature");
    }

    function setUp() public {
        string memory init = _json("update_state_init");
        string memory binding = _json("binding");
        vm.chainId(vm.parseJsonUint(init, ".chain_id"));
        vm.warp(1_700_000_000);
        AttestationVerifierDouble verifier = new AttestationVerifierDouble();

        // Deploy LCPClient at the golden address: run its creation code there, then install the runtime.
        address at = vm.parseJsonAddress(init, ".client");
        bytes memory creation = abi.encodePacked(
            type(LCPClient).creationCode,
            abi.encode(
                INitroAttestationVerifier(address(verifier)),
                vm.parseJsonBytes32(binding, ".network_config_hash"),
                vm.parseJsonBytes32(init, ".fields.finalizedBeaconRoot"),
                uint8(1),
                uint64(1 days),
                uint64(10 minutes)
            )
        );
        vm.etch(at, creation);
        (bool ok, bytes memory runtime) = at.call("");
        assertTrue(ok, "constructor ran in place");
        vm.etch(at, runtime);
        client = LCPClient(at);
        assertEq(client.owner(), address(this), "owner set by the in-place constructor");

        VerifiedAttestation memory a;
        a.pcr0 = vm.parseJsonBytes(binding, ".pcr0");
        a.pcr1 = vm.parseJsonBytes(binding, ".pcr1");
        a.pcr2 = vm.parseJsonBytes(binding, ".pcr2");
        a.publicKey = vm.parseJsonBytes(binding, ".public_key");
        a.userData = vm.parseJsonBytes(binding, ".user_data");
        a.leafNotAfter = uint64(block.timestamp + 3 hours);
        address operator = vm.parseJsonAddress(binding, ".operator");
        client.setMeasurement(vm.parseJsonBytes32(binding, ".measurement"), true);
        client.setOperator(operator, true);
        verifier.setNext(a);
        vm.prank(operator);
        address key = client.registerEnclaveKey(hex"00");
        assertEq(key, vm.parseJsonAddress(init, ".signer"), "golden signer registered");
    }

    function testRustSignedFlowIsAccepted() public {
        (bytes memory m, bytes memory s) = _msg("update_state_init");
        client.initialize(m, s);
        assertEq(client.stateId(), vm.parseJsonBytes32(_json("update_state_init"), ".fields.postStateId"), "init");

        (m, s) = _msg("update_state");
        client.updateState(m, s);
        string memory u = _json("update_state");
        assertEq(client.stateId(), vm.parseJsonBytes32(u, ".fields.postStateId"), "updated");
        uint64 blockNumber = uint64(vm.parseJsonUint(u, ".fields.blockNumber"));
        assertEq(client.blockHashOf(blockNumber), vm.parseJsonBytes32(u, ".fields.blockHash"), "block stored");

        (m, s) = _msg("storage_claim");
        ILCPMessages.StorageClaim memory sc = client.verifyStorage(m, s);
        assertEq(sc.value, vm.parseJsonBytes32(_json("storage_claim"), ".fields.value"), "storage value");

        (m, s) = _msg("receipt_log_claim");
        ILCPMessages.ReceiptLogClaim memory rc = client.verifyReceiptLog(m, s);
        assertEq(rc.data, vm.parseJsonBytes(_json("receipt_log_claim"), ".fields.data"), "log data");

        (m, s) = _msg("account_claim");
        ILCPMessages.AccountClaim memory ac = client.verifyAccount(m, s);
        assertEq(ac.balance, vm.parseJsonUint(_json("account_claim"), ".fields.balance"), "balance");

        (m, s) = _msg("batch_claims");
        string memory b = _json("batch_claims");
        ILCPMessages.StorageClaim[] memory claims = new ILCPMessages.StorageClaim[](3);
        for (uint256 i; i < 3; ++i) {
            string memory item = string.concat(".fields.claims[", vm.toString(i), "]");
            claims[i] = ILCPMessages.StorageClaim({
                blockNumber: uint64(vm.parseJsonUint(b, string.concat(item, ".blockNumber"))),
                blockHash: vm.parseJsonBytes32(b, string.concat(item, ".blockHash")),
                account: vm.parseJsonAddress(b, string.concat(item, ".account")),
                slot: vm.parseJsonBytes32(b, string.concat(item, ".slot")),
                value: vm.parseJsonBytes32(b, string.concat(item, ".value"))
            });
        }
        client.verifyStorageBatchAll(m, s, claims);
        uint256[] memory index = new uint256[](1);
        index[0] = 2;
        ILCPMessages.StorageClaim[] memory one = new ILCPMessages.StorageClaim[](1);
        one[0] = claims[2];
        client.verifyStorageBatch(m, s, one, index, vm.parseJsonBytes32Array(b, ".fields.claims[2].proof"));
    }

    /// Transaction claims (type 6) signed by the Rust reference: one on its own, five in a batch.
    function testRustSignedTransactionClaimsAreAccepted() public {
        (bytes memory m, bytes memory s) = _msg("update_state_init");
        client.initialize(m, s);
        (m, s) = _msg("update_state");
        client.updateState(m, s);

        (m, s) = _msg("transaction_claim");
        string memory t = _json("transaction_claim");
        ILCPMessages.TransactionClaim memory tc = client.verifyTransaction(m, s);
        assertEq(tc.txHash, vm.parseJsonBytes32(t, ".fields.txHash"), "tx hash");
        assertEq(tc.txIndex, vm.parseJsonUint(t, ".fields.txIndex"), "tx index");
        assertEq(tc.txType, vm.parseJsonUint(t, ".fields.txType"), "tx type");

        (m, s) = _msg("transaction_batch_claims");
        string memory b = _json("transaction_batch_claims");
        ILCPMessages.TransactionClaim[] memory txs = new ILCPMessages.TransactionClaim[](5);
        uint256[] memory indices = new uint256[](5);
        bytes32[] memory proofs = new bytes32[](15);
        for (uint256 i; i < 5; ++i) {
            string memory item = string.concat(".fields.claims[", vm.toString(i), "]");
            txs[i] = ILCPMessages.TransactionClaim({
                blockNumber: uint64(vm.parseJsonUint(b, string.concat(item, ".blockNumber"))),
                blockHash: vm.parseJsonBytes32(b, string.concat(item, ".blockHash")),
                txIndex: uint32(vm.parseJsonUint(b, string.concat(item, ".txIndex"))),
                txHash: vm.parseJsonBytes32(b, string.concat(item, ".txHash")),
                txType: uint8(vm.parseJsonUint(b, string.concat(item, ".txType")))
            });
            indices[i] = vm.parseJsonUint(b, string.concat(item, ".index"));
            bytes32[] memory proof = vm.parseJsonBytes32Array(b, string.concat(item, ".proof"));
            for (uint256 j; j < 3; ++j) {
                proofs[i * 3 + j] = proof[j];
            }
        }
        ILCPMessages.BatchClaims memory batch = client.verifyTransactionBatch(m, s, txs, indices, proofs);
        assertEq(batch.root, vm.parseJsonBytes32(b, ".fields.root"), "tx batch root");
    }

    function testRustSignedClaimNeedsTheUpdate() public {
        (bytes memory m, bytes memory s) = _msg("update_state_init");
        client.initialize(m, s);
        // The claims name the block of `update_state`, which is not applied here.
        (m, s) = _msg("storage_claim");
        uint64 blockNumber = uint64(vm.parseJsonUint(_json("storage_claim"), ".fields.blockNumber"));
        vm.expectRevert(abi.encodeWithSelector(LCPClient.UnknownBlock.selector, blockNumber));
        client.verifyStorage(m, s);
    }
}
