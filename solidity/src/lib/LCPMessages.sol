// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ILCPMessages} from "../interfaces/ILCPMessages.sol";

/// @title LCPMessages
/// @notice Header check and body decoding of LCP signed messages (layout: `ILCPMessages.sol`).
/// @dev Decoding does NOT check signatures: callers verify the signatures over `digest(message)` first
///      and decode only bytes an enclave signed. Bodies of fixed-size structs must have exactly their
///      ABI length; the dynamic `ReceiptLogClaim` is left to the ABI decoder, whose bounds checks revert
///      on any out-of-range offset. The Rust reference additionally rejects non-canonical encodings;
///      the enclave never signs one, so the difference is unreachable with a valid signature.
library LCPMessages {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error MessageTooShort(uint256 length);
    error UnsupportedVersion(uint8 got, uint8 expected);
    error WrongMessageType(uint8 got, uint8 expected);
    error NonZeroReserved(uint16 got);
    error WrongChainId(uint64 got, uint256 expected);
    error WrongClient(address got, address expected);
    error ChainIdTooLarge(uint256 chainId);
    error MalformedBody(uint8 messageType, uint256 length);

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Header byte 0; the Rust side's `message::encode::VERSION`.
    uint8 internal constant VERSION = 1;
    uint256 internal constant HEADER_LENGTH = 32;

    /// @dev ABI lengths of the fixed-size bodies: 32 bytes per field.
    uint256 internal constant UPDATE_STATE_LENGTH = 9 * 32;
    uint256 internal constant STORAGE_CLAIM_LENGTH = 5 * 32;
    uint256 internal constant ACCOUNT_CLAIM_LENGTH = 8 * 32;
    uint256 internal constant BATCH_CLAIMS_LENGTH = 4 * 32;

    /*//////////////////////////////////////////////////////////////
                                 HEADER
    //////////////////////////////////////////////////////////////*/

    /// @notice The header word `version << 248 | type << 240 | chainId << 160 | uint160(client)`.
    function header(ILCPMessages.MessageType messageType, uint256 chainId, address client)
        internal
        pure
        returns (bytes32)
    {
        if (chainId > type(uint64).max) revert ChainIdTooLarge(chainId);
        return bytes32(
            (uint256(VERSION) << 248) | (uint256(uint8(messageType)) << 240) | (chainId << 160)
                | uint256(uint160(client))
        );
    }

    /// @notice Reverts unless `message` starts with the header for (`messageType`, `chainId`, `client`),
    ///         naming the first field that differs.
    function checkHeader(bytes calldata message, ILCPMessages.MessageType messageType, uint256 chainId, address client)
        internal
        pure
    {
        if (message.length < HEADER_LENGTH) revert MessageTooShort(message.length);
        bytes32 expected = header(messageType, chainId, client);
        bytes32 got = bytes32(message[:HEADER_LENGTH]);
        if (got == expected) return;
        uint8 version = uint8(message[0]);
        if (version != VERSION) revert UnsupportedVersion(version, VERSION);
        uint8 typeByte = uint8(message[1]);
        if (typeByte != uint8(messageType)) revert WrongMessageType(typeByte, uint8(messageType));
        uint16 reserved = uint16(bytes2(message[2:4]));
        if (reserved != 0) revert NonZeroReserved(reserved);
        uint64 gotChainId = uint64(bytes8(message[4:12]));
        if (gotChainId != chainId) revert WrongChainId(gotChainId, chainId);
        revert WrongClient(address(bytes20(message[12:32])), client);
    }

    /// @notice The digest the enclave signs: keccak256 over header and body.
    function digest(bytes calldata message) internal pure returns (bytes32) {
        return keccak256(message);
    }

    /*//////////////////////////////////////////////////////////////
                                 BODIES
    //////////////////////////////////////////////////////////////*/

    function body(bytes calldata message, ILCPMessages.MessageType messageType, uint256 fixedLength)
        private
        pure
        returns (bytes calldata b)
    {
        b = message[HEADER_LENGTH:];
        if (fixedLength != 0 && b.length != fixedLength) revert MalformedBody(uint8(messageType), b.length);
    }

    function decodeUpdateState(bytes calldata message) internal pure returns (ILCPMessages.UpdateState memory) {
        return abi.decode(
            body(message, ILCPMessages.MessageType.UpdateState, UPDATE_STATE_LENGTH), (ILCPMessages.UpdateState)
        );
    }

    function decodeReceiptLogClaim(bytes calldata message) internal pure returns (ILCPMessages.ReceiptLogClaim memory) {
        return abi.decode(body(message, ILCPMessages.MessageType.ReceiptLogClaim, 0), (ILCPMessages.ReceiptLogClaim));
    }

    function decodeStorageClaim(bytes calldata message) internal pure returns (ILCPMessages.StorageClaim memory) {
        return abi.decode(
            body(message, ILCPMessages.MessageType.StorageClaim, STORAGE_CLAIM_LENGTH), (ILCPMessages.StorageClaim)
        );
    }

    function decodeAccountClaim(bytes calldata message) internal pure returns (ILCPMessages.AccountClaim memory) {
        return abi.decode(
            body(message, ILCPMessages.MessageType.AccountClaim, ACCOUNT_CLAIM_LENGTH), (ILCPMessages.AccountClaim)
        );
    }

    function decodeBatchClaims(bytes calldata message) internal pure returns (ILCPMessages.BatchClaims memory) {
        return abi.decode(
            body(message, ILCPMessages.MessageType.BatchClaims, BATCH_CLAIMS_LENGTH), (ILCPMessages.BatchClaims)
        );
    }
}
