// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @notice A DER TLV located in a calldata buffer (a typed pointer: nothing is copied).
///         `header` is where the tag byte sits, `start`/`end` bound the content, so the whole TLV is
///         `data[header:end]` and the content is `data[start:end]`.
struct Asn1Node {
    uint8 tag;
    uint256 header;
    uint256 start;
    uint256 end;
}

/// @title Asn1Decode
/// @notice Strict DER (ITU-T X.690 §10) reader over calldata, for X.509 certificates.
///         - single-byte tags only (tag numbers < 31): every X.509 field AWS uses has one;
///         - definite lengths in minimal form: short form below 128, long form without leading zero bytes
///           and only when needed (X.690 §10.1); the indefinite form `0x80` is rejected;
///         - at most `MAX_LENGTH_BYTES` length octets, so no length exceeds 65,535: AWS limits a certificate to
///           1,024 bytes (attestation document spec, `cose.certificate = bytes .size (1..1024)`);
///         - every child must lie inside its parent, and callers call `requireEnd` so nothing trails.
///         Every failure is one of the errors below, never a panic.
library Asn1Decode {
    // ------------------------------------------------------------------ errors

    /// @notice The buffer ended before a TLV header or its content.
    error DerTruncated(uint256 pos);
    /// @notice A length was not in minimal DER form, was indefinite, or was too long.
    error DerBadLength(uint256 pos);
    /// @notice A multi-byte (high) tag number was used.
    error DerBadTag(uint256 pos, uint8 tag);
    /// @notice A different tag was expected.
    error DerUnexpectedTag(uint256 pos, uint8 expected, uint8 got);
    /// @notice Bytes remained inside a constructed value (or after the top-level value).
    error DerTrailingBytes(uint256 pos, uint256 end);
    /// @notice An INTEGER was empty, negative, not minimal, or longer than allowed.
    error DerBadInteger(uint256 pos);
    /// @notice A BOOLEAN was not exactly one byte 0x00 or 0xFF (X.690 §11.1).
    error DerBadBoolean(uint256 pos);
    /// @notice A BIT STRING was empty or had unused bits where none are allowed.
    error DerBadBitString(uint256 pos);

    // ------------------------------------------------------------------ constants

    uint8 internal constant TAG_BOOLEAN = 0x01;
    uint8 internal constant TAG_INTEGER = 0x02;
    uint8 internal constant TAG_BIT_STRING = 0x03;
    uint8 internal constant TAG_OCTET_STRING = 0x04;
    uint8 internal constant TAG_OID = 0x06;
    uint8 internal constant TAG_UTC_TIME = 0x17;
    uint8 internal constant TAG_GENERALIZED_TIME = 0x18;
    uint8 internal constant TAG_SEQUENCE = 0x30;
    uint8 internal constant TAG_SET = 0x31;

    /// Long-form lengths of at most 2 bytes (< 65,536): see the library notes for the source.
    uint256 internal constant MAX_LENGTH_BYTES = 2;

    // ------------------------------------------------------------------ reading

    /// @notice Reads the TLV starting at `pos`, which must end at or before `limit`.
    function readNode(bytes calldata data, uint256 pos, uint256 limit) internal pure returns (Asn1Node memory node) {
        if (limit > data.length) limit = data.length;
        if (pos >= limit || limit - pos < 2) revert DerTruncated(pos);
        uint8 tag = uint8(data[pos]);
        if (tag & 0x1f == 0x1f) revert DerBadTag(pos, tag);
        uint256 p = pos + 1;
        uint256 first = uint8(data[p]);
        p += 1;
        uint256 len;
        if (first < 0x80) {
            len = first;
        } else {
            uint256 n = first & 0x7f;
            // 0x80 is the BER indefinite form; DER forbids it (X.690 §10.1).
            if (n == 0 || n > MAX_LENGTH_BYTES) revert DerBadLength(pos);
            if (limit - p < n) revert DerTruncated(pos);
            for (uint256 i = 0; i < n; ++i) {
                len = (len << 8) | uint8(data[p + i]);
            }
            p += n;
            // Minimal: the long form only for lengths >= 128, and no leading zero octet.
            if (len < 0x80 || (n == 2 && len < 0x100)) revert DerBadLength(pos);
        }
        if (limit - p < len) revert DerTruncated(pos);
        node.tag = tag;
        node.header = pos;
        node.start = p;
        node.end = p + len;
    }

    /// @notice Reads the TLV at `pos` and requires its tag.
    function readTag(bytes calldata data, uint256 pos, uint256 limit, uint8 tag)
        internal
        pure
        returns (Asn1Node memory node)
    {
        node = readNode(data, pos, limit);
        if (node.tag != tag) revert DerUnexpectedTag(pos, tag, node.tag);
    }

    /// @notice The first child of a constructed node.
    function firstChild(bytes calldata data, Asn1Node memory parent) internal pure returns (Asn1Node memory) {
        return readNode(data, parent.start, parent.end);
    }

    /// @notice The sibling after `node`, inside `parent`.
    function next(bytes calldata data, Asn1Node memory node, Asn1Node memory parent)
        internal
        pure
        returns (Asn1Node memory)
    {
        return readNode(data, node.end, parent.end);
    }

    /// @notice True when `node` is the last child of `parent`.
    function isLast(Asn1Node memory node, Asn1Node memory parent) internal pure returns (bool) {
        return node.end == parent.end;
    }

    /// @notice Reverts unless `node` is the last child of `parent`.
    function requireLast(Asn1Node memory node, Asn1Node memory parent) internal pure {
        if (node.end != parent.end) revert DerTrailingBytes(node.end, parent.end);
    }

    // ------------------------------------------------------------------ primitive values

    /// @notice keccak256 of the whole TLV (tag, length, content).
    function hashTlv(bytes calldata data, Asn1Node memory node) internal pure returns (bytes32) {
        return keccak256(data[node.header:node.end]);
    }

    /// @notice keccak256 of the content.
    function hashContent(bytes calldata data, Asn1Node memory node) internal pure returns (bytes32) {
        return keccak256(data[node.start:node.end]);
    }

    /// @notice A DER BOOLEAN value.
    function readBoolean(bytes calldata data, Asn1Node memory node) internal pure returns (bool) {
        if (node.tag != TAG_BOOLEAN) revert DerUnexpectedTag(node.header, TAG_BOOLEAN, node.tag);
        if (node.end - node.start != 1) revert DerBadBoolean(node.header);
        uint8 v = uint8(data[node.start]);
        if (v == 0xff) return true;
        if (v == 0x00) return false;
        revert DerBadBoolean(node.header);
    }

    /// @notice Checks a non-negative DER INTEGER of at most `maxBytes` value bytes (a leading 0x00 sign byte
    ///         is not counted) and returns where its value bytes start (after the sign byte, if any).
    function checkUnsignedInteger(bytes calldata data, Asn1Node memory node, uint256 maxBytes)
        internal
        pure
        returns (uint256 valueStart)
    {
        if (node.tag != TAG_INTEGER) revert DerUnexpectedTag(node.header, TAG_INTEGER, node.tag);
        uint256 len = node.end - node.start;
        if (len == 0) revert DerBadInteger(node.header);
        uint8 b0 = uint8(data[node.start]);
        if (b0 & 0x80 != 0) revert DerBadInteger(node.header); // negative
        valueStart = node.start;
        if (len > 1 && b0 == 0) {
            // A leading zero is allowed only to clear the sign bit of the next byte (X.690 §8.3.2).
            if (uint8(data[node.start + 1]) & 0x80 == 0) revert DerBadInteger(node.header);
            valueStart += 1;
        }
        if (node.end - valueStart > maxBytes) revert DerBadInteger(node.header);
    }

    /// @notice A non-negative DER INTEGER that fits in 32 bytes.
    function readUint(bytes calldata data, Asn1Node memory node) internal pure returns (uint256 v) {
        uint256 s = checkUnsignedInteger(data, node, 32);
        for (uint256 i = s; i < node.end; ++i) {
            v = (v << 8) | uint8(data[i]);
        }
    }

    /// @notice The content of a BIT STRING that must have no unused bits; returns where the bits start.
    function bitStringBytesStart(bytes calldata data, Asn1Node memory node) internal pure returns (uint256) {
        if (node.tag != TAG_BIT_STRING) revert DerUnexpectedTag(node.header, TAG_BIT_STRING, node.tag);
        if (node.end == node.start || uint8(data[node.start]) != 0) revert DerBadBitString(node.header);
        return node.start + 1;
    }
}
