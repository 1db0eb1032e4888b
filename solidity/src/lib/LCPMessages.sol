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
    error FieldOutOfRange(uint8 messageType, uint256 field);

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
    uint256 internal constant TRANSACTION_CLAIM_LENGTH = 5 * 32;
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
        bytes32 got;
        assembly ("memory-safe") {
            // The first calldata word of the message (length checked above).
            got := calldataload(message.offset)
        }
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
    function digest(bytes calldata message) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            // keccak256 over the message copied to unallocated memory at the free-memory pointer
            // (the pointer is not moved: the copy is scratch). Measured ~100 gas under `keccak256(message)`.
            let m := mload(0x40)
            calldatacopy(m, message.offset, message.length)
            h := keccak256(m, message.length)
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 BODIES
    //////////////////////////////////////////////////////////////*/

    /// @dev Requires the body to be exactly `fixedLength` bytes.
    function checkBodyLength(bytes calldata message, ILCPMessages.MessageType messageType, uint256 fixedLength)
        private
        pure
    {
        if (message.length < HEADER_LENGTH) revert MessageTooShort(message.length);
        uint256 length = message.length - HEADER_LENGTH;
        if (length != fixedLength) revert MalformedBody(uint8(messageType), length);
    }

    /// @dev ABI word `i` of the body. Callers checked the body length, so the read is in bounds.
    function word(bytes calldata message, uint256 i) private pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := calldataload(add(message.offset, add(0x20, mul(i, 0x20))))
        }
    }

    /// @dev Word `i` as a uint of `bits` bits: higher bits set is a malformed (non-ABI) encoding.
    function uintWord(bytes calldata message, uint256 i, uint256 bits, ILCPMessages.MessageType t)
        private
        pure
        returns (uint256 w)
    {
        w = word(message, i);
        if (bits < 256 && w >> bits != 0) revert FieldOutOfRange(uint8(t), i);
    }

    // Fixed-size bodies are read word by word from calldata (measured ~100 gas under `abi.decode` for a
    // StorageClaim; an all-assembly decoder saved only ~180 more, not worth the readability). The range
    // checks are those `abi.decode` applies: uint64/uint32/address/bool words have their upper bits zero.

    function decodeUpdateState(bytes calldata message) internal pure returns (ILCPMessages.UpdateState memory u) {
        ILCPMessages.MessageType t = ILCPMessages.MessageType.UpdateState;
        checkBodyLength(message, t, UPDATE_STATE_LENGTH);
        u.prevStateId = bytes32(word(message, 0));
        u.postStateId = bytes32(word(message, 1));
        u.finalizedSlot = uint64(uintWord(message, 2, 64, t));
        u.finalizedBeaconRoot = bytes32(word(message, 3));
        u.blockNumber = uint64(uintWord(message, 4, 64, t));
        u.blockHash = bytes32(word(message, 5));
        u.stateRoot = bytes32(word(message, 6));
        u.receiptsRoot = bytes32(word(message, 7));
        u.timestamp = uint64(uintWord(message, 8, 64, t));
    }

    function decodeReceiptLogClaim(bytes calldata message) internal pure returns (ILCPMessages.ReceiptLogClaim memory) {
        return abi.decode(message[HEADER_LENGTH:], (ILCPMessages.ReceiptLogClaim));
    }

    function decodeStorageClaim(bytes calldata message) internal pure returns (ILCPMessages.StorageClaim memory c) {
        ILCPMessages.MessageType t = ILCPMessages.MessageType.StorageClaim;
        checkBodyLength(message, t, STORAGE_CLAIM_LENGTH);
        c.blockNumber = uint64(uintWord(message, 0, 64, t));
        c.blockHash = bytes32(word(message, 1));
        c.account = address(uint160(uintWord(message, 2, 160, t)));
        c.slot = bytes32(word(message, 3));
        c.value = bytes32(word(message, 4));
    }

    function decodeAccountClaim(bytes calldata message) internal pure returns (ILCPMessages.AccountClaim memory c) {
        ILCPMessages.MessageType t = ILCPMessages.MessageType.AccountClaim;
        checkBodyLength(message, t, ACCOUNT_CLAIM_LENGTH);
        c.blockNumber = uint64(uintWord(message, 0, 64, t));
        c.blockHash = bytes32(word(message, 1));
        c.account = address(uint160(uintWord(message, 2, 160, t)));
        c.exists = uintWord(message, 3, 1, t) == 1;
        c.nonce = uint64(uintWord(message, 4, 64, t));
        c.balance = word(message, 5);
        c.storageRoot = bytes32(word(message, 6));
        c.codeHash = bytes32(word(message, 7));
    }

    function decodeTransactionClaim(bytes calldata message)
        internal
        pure
        returns (ILCPMessages.TransactionClaim memory c)
    {
        ILCPMessages.MessageType t = ILCPMessages.MessageType.TransactionClaim;
        checkBodyLength(message, t, TRANSACTION_CLAIM_LENGTH);
        c.blockNumber = uint64(uintWord(message, 0, 64, t));
        c.blockHash = bytes32(word(message, 1));
        c.txIndex = uint32(uintWord(message, 2, 32, t));
        c.txHash = bytes32(word(message, 3));
        c.txType = uint8(uintWord(message, 4, 8, t));
    }

    function decodeBatchClaims(bytes calldata message) internal pure returns (ILCPMessages.BatchClaims memory c) {
        ILCPMessages.MessageType t = ILCPMessages.MessageType.BatchClaims;
        checkBodyLength(message, t, BATCH_CLAIMS_LENGTH);
        c.blockNumber = uint64(uintWord(message, 0, 64, t));
        c.blockHash = bytes32(word(message, 1));
        c.leafCount = uint32(uintWord(message, 2, 32, t));
        c.root = bytes32(word(message, 3));
    }
}
