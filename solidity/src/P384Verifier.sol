// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {P384} from "./lib/P384.sol";

/// @title P384Verifier
/// @notice A deployable home for the P384 library, for callers that would exceed the 24,576-byte contract size
///         limit (EIP-170) by inlining it: `P384.verify` alone adds ~10 KB of runtime code, with `verifyWithHint`
///         ~13.5 KB, all three ~16 KB. The caller pays one STATICCALL plus ABI encoding (a few thousand gas) per verification.
/// @dev Stateless and ownerless: results depend only on the arguments. Semantics, limits and what is not checked
///      are exactly those of `P384.verify` / `P384.verifyWithHint` (high-S is valid; false, never a revert, on
///      malformed input).
contract P384Verifier {
    /// @notice `P384.verify`: ECDSA P-384 over a 48-byte SHA-384 digest, signature r ‖ s, public key x ‖ y.
    function verify(bytes calldata digest, bytes calldata signature, bytes calldata publicKey)
        external
        view
        returns (bool)
    {
        return P384.verify(digest, signature, publicKey);
    }

    /// @notice `P384.verifyWithHint`: the same result, about 30% cheaper, with the 161-byte hint documented there.
    function verifyWithHint(
        bytes calldata digest,
        bytes calldata signature,
        bytes calldata publicKey,
        bytes calldata hint
    ) external view returns (bool) {
        return P384.verifyWithHint(digest, signature, publicKey, hint);
    }

    /// @notice `P384.verifyWithTrace`: the same result with the hint and the ladder's slopes (48 bytes each).
    function verifyWithTrace(
        bytes calldata digest,
        bytes calldata signature,
        bytes calldata publicKey,
        bytes calldata hint,
        bytes calldata slopes
    ) external view returns (bool) {
        return P384.verifyWithTrace(digest, signature, publicKey, hint, slopes);
    }
}
