// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {NitroAttestationVerifier} from "../../src/NitroAttestationVerifier.sol";

/// The `deployCode` cheatcode (kept out of the shared Vm.sol subset).
interface VmDeployCode {
    function deployCode(string calldata artifactPath, bytes calldata constructorArgs) external returns (address);
}

/// @notice Deploys a NitroAttestationVerifier from its compiled artifact. A test contract that wrote
///         `new NitroAttestationVerifier(...)` would embed the verifier's 42 KB of initcode (which itself embeds
///         Es384Verifier) and soon cost more than one transaction's gas to deploy.
function deployVerifier(bytes32 rootCertSha256, address owner) returns (NitroAttestationVerifier) {
    VmDeployCode vmd = VmDeployCode(address(uint160(uint256(keccak256("hevm cheat code")))));
    return NitroAttestationVerifier(
        vmd.deployCode("NitroAttestationVerifier.sol:NitroAttestationVerifier", abi.encode(rootCertSha256, owner))
    );
}
