// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {NitroFixtures} from "./NitroFixtures.sol";
import {ParserHarness} from "../harness/ParserHarness.sol";
import {NitroAttestationVerifier} from "../../src/NitroAttestationVerifier.sol";
import {deployVerifier} from "./DeployVerifier.sol";

/// @notice A verifier plus one real document split into its chain (root … leaf), and helpers to cache a prefix
///         of the chain as separate steps.
abstract contract ChainFixture is NitroFixtures {
    NitroAttestationVerifier internal verifier;
    ParserHarness internal h;
    bytes internal doc;
    bytes[] internal certs; // cabundle[0..n-1], then the leaf
    bytes32[] internal hashes; // keccak256(TBS) of each, filled as they are cached

    function _useDocument(string memory path, uint64 timestampMs) internal {
        verifier = deployVerifier(AWS_ROOT_SHA256, address(this));
        h = new ParserHarness();
        doc = _load(path);
        ParserHarness.DocView memory v = h.parseDocument(doc);
        delete certs;
        delete hashes;
        for (uint256 i = 0; i < v.cabundle.length; ++i) {
            certs.push(v.cabundle[i]);
        }
        certs.push(v.certificate);
        vm.warp(timestampMs / 1000);
    }

    /// Caches certs[0..count-1] (CAs), each by its own call, returning the last hash.
    function _cacheCAs(uint256 count) internal returns (bytes32 parent) {
        for (uint256 i = 0; i < count; ++i) {
            parent = verifier.verifyCACert(certs[i], parent);
            hashes.push(parent);
        }
    }

    function _leafIndex() internal view returns (uint256) {
        return certs.length - 1;
    }

    /// (issuer Name TLV, serialNumber content) of certs[i], the revocation-list identity.
    function _issuerSerial(uint256 i) internal view returns (bytes memory issuer, bytes memory serial) {
        (, serial, issuer,) = h.certFields(certs[i]);
    }
}
