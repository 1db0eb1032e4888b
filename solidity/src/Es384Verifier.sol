// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {P384} from "./lib/P384.sol";
import {Sha384} from "./lib/Sha384.sol";

/// @title Es384Verifier
/// @notice ES384 (ECDSA P-384 over SHA-384) behind a contract boundary, from sol-crypto's `Sha384` and `P384`
///         libraries. `NitroAttestationVerifier` deploys one in its constructor and calls it, so that the verifier's
///         own runtime code stays under the EIP-170 limit of 24,576 bytes (hash and curve code plus the
///         document/X.509 parsers do not fit in one contract). A call costs a few thousand gas against millions for
///         a verification. (sol-crypto's `P384Verifier` wraps the curve alone; this one hashes the message too, so the
///         Nitro verifier carries no SHA-384 code.)
contract Es384Verifier {
    /// @notice ES384 over `message`. `proof` selects the P-384 path, all with the same result for a valid proof:
    ///         empty → `P384.verify`; `P384.HINT_LENGTH` (161) bytes → `P384.verifyWithHint`; a hint followed by
    ///         the ladder's 48-byte slopes → `P384.verifyWithTrace`. A wrong proof makes the result false, never true.
    /// @dev Returns false (never reverts) for malformed signatures, keys or proofs. High-S is valid.
    function verifySha384(
        bytes calldata message,
        bytes calldata signature,
        bytes calldata publicKey,
        bytes calldata proof
    ) external view returns (bool) {
        bytes memory digest = Sha384.hash(message);
        if (proof.length == 0) return P384.verify(digest, signature, publicKey);
        if (proof.length == P384.HINT_LENGTH) return P384.verifyWithHint(digest, signature, publicKey, proof);
        if (proof.length < P384.HINT_LENGTH) return false;
        return P384.verifyWithTrace(digest, signature, publicKey, proof[:P384.HINT_LENGTH], proof[P384.HINT_LENGTH:]);
    }

    /// @notice `P384.isOnCurve` for a 96-byte x ‖ y point.
    function isOnCurve(bytes calldata publicKey) external pure returns (bool) {
        return P384.isOnCurve(publicKey);
    }
}
