// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @title EnclaveSignatures
/// @notice Recovers the signer of one 65-byte `r ‖ s ‖ v` secp256k1 signature with the LCP rules:
///         `v ∈ {27, 28}`, `s ≤ n/2` (EIP-2 low-s: the malleable twin `(r, n - s)` is refused), and a
///         non-zero recovered address (`ecrecover` returns zero for `r`/`s` out of range or no point).
/// @dev Does NOT check that the signer is a registered enclave key: `LCPClient` does.
library EnclaveSignatures {
    error InvalidV(uint256 index, uint8 v);
    error HighS(uint256 index, bytes32 s);
    error InvalidSignature(uint256 index);

    /// @dev 65 bytes: r(32) ‖ s(32) ‖ v(1).
    uint256 internal constant SIGNATURE_LENGTH = 65;

    /// @dev floor(n / 2) for the secp256k1 group order
    ///      n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141.
    uint256 internal constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice The signer of `digest` given signature number `index` of the concatenated list `signatures`.
    function recover(bytes32 digest, bytes calldata signatures, uint256 index) internal pure returns (address signer) {
        uint256 offset = index * SIGNATURE_LENGTH;
        bytes32 r = bytes32(signatures[offset:offset + 32]);
        bytes32 s = bytes32(signatures[offset + 32:offset + 64]);
        uint8 v = uint8(signatures[offset + 64]);
        if (v != 27 && v != 28) revert InvalidV(index, v);
        if (uint256(s) > HALF_ORDER) revert HighS(index, s);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature(index);
    }
}
