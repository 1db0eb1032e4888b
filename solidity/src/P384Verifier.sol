// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {P384} from "./lib/P384.sol";
import {Sha384} from "./lib/Sha384.sol";

/// @title P384Verifier
/// @notice ES384 (ECDSA P-384 over SHA-384) behind a contract boundary: sol-crypto's `Sha384` and `P384` libraries.
///         `NitroAttestationVerifier` deploys one in its constructor and calls it, so that the verifier's own runtime
///         code stays under the EIP-170 limit of 24,576 bytes (the hash and curve code plus the document/X.509
///         parsers do not fit in one contract). A call costs a few thousand gas against millions for a verification.
contract P384Verifier {
    /// @notice ES384: SHA-384 of `message`, then `P384.verify`, or `P384.verifyWithHint` when `hint` is not empty.
    /// @dev Returns false (never reverts) for malformed signatures, keys or hints.
    function verifySha384(
        bytes calldata message,
        bytes calldata signature,
        bytes calldata publicKey,
        bytes calldata hint
    ) external view returns (bool) {
        bytes memory digest = Sha384.hash(message);
        if (hint.length == 0) return P384.verify(digest, signature, publicKey);
        return P384.verifyWithHint(digest, signature, publicKey, hint);
    }

    /// @notice `P384.isOnCurve` for a 96-byte x ‖ y point.
    function isOnCurve(bytes calldata publicKey) external pure returns (bool) {
        return P384.isOnCurve(publicKey);
    }
}
