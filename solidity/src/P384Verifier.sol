// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {P384} from "./lib/P384.sol";

/// @title P384Verifier
/// @notice The P-384 library behind a contract boundary. `NitroAttestationVerifier` deploys one in its constructor
///         and calls it, so that the verifier's own runtime code stays under the EIP-170 limit of 24,576 bytes
///         (the P-384 code and tables and the document/X.509 parsers do not fit in one contract). The call costs a
///         few thousand gas against millions for a verification.
contract P384Verifier {
    /// @notice `P384.verify`: ECDSA P-384 over a 48-byte digest, 96-byte r ‖ s, 96-byte x ‖ y. High-S valid.
    /// @dev Returns false (never reverts) for malformed inputs; does not hash anything.
    function verify(bytes calldata digest, bytes calldata signature, bytes calldata publicKey)
        external
        view
        returns (bool)
    {
        return P384.verify(digest, signature, publicKey);
    }

    /// @notice `P384.verifyWithHint`: as `verify`, with an off-chain hint (`P384.HINT_LENGTH` bytes) that the
    ///         library checks; a wrong hint makes the result false, never true.
    function verifyWithHint(
        bytes calldata digest,
        bytes calldata signature,
        bytes calldata publicKey,
        bytes calldata hint
    ) external view returns (bool) {
        return P384.verifyWithHint(digest, signature, publicKey, hint);
    }

    /// @notice `P384.isOnCurve` for a 96-byte x ‖ y point.
    function isOnCurve(bytes calldata publicKey) external pure returns (bool) {
        return P384.isOnCurve(publicKey);
    }
}
