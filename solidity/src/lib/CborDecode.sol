// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @notice A position inside a CBOR buffer held in calldata. The reader advances `pos`; `end` is the
///         exclusive bound of the enclosing item, so no read ever looks past the bytes it was given.
struct CborCursor {
    uint256 pos;
    uint256 end;
}

/// @notice A decoded CBOR data item head (RFC 8949 §3). For byte and text strings, `start`/`len` locate the
///         content in the buffer (a typed pointer, nothing is copied); for maps and arrays `len` is the
///         entry count (`indefinite` = true means "until break", and `len` is 0); for unsigned integers
///         `len` is the value; for simple values it is the simple value number.
struct CborItem {
    uint8 majorType;
    bool indefinite;
    uint256 start;
    uint256 len;
}

/// @title CborDecode
/// @notice A bounded, schema-driven CBOR (RFC 8949) reader over calldata. It reads one head at a time and
///         never recurses: callers walk the structure they expect and reject anything else, so there is no
///         "skip an arbitrary item" path for an attacker to nest deeply. Accepted forms are exactly those an
///         AWS Nitro attestation document uses:
///         - unsigned integers, negative integers (heads only), byte strings, text strings, arrays, maps,
///           tags (head only), the simple values `null` and "break";
///         - definite-length and indefinite-length arrays and maps (newer AWS documents use `0xBF ... 0xFF`);
///         STRICTER than RFC 8949 generic decoding:
///         - every head must use the shortest argument encoding (RFC 8949 §4.2.1 "preferred serialization");
///           AWS's encoder (serde_cbor) emits it, and rejecting other forms keeps one document = one encoding;
///         - indefinite-length (chunked) byte and text strings are rejected: no AWS field uses them, and
///           accepting them would make the signed bytes and the parsed value differ in shape;
///         - floats, other simple values and reserved additional-information values 28..30 are rejected.
///         Lengths are checked against the cursor end before anything is read, so every failure is one of the
///         errors below, never a panic or an out-of-bounds read.
library CborDecode {
    // ------------------------------------------------------------------ errors

    /// @notice The buffer ended before a head or its content: `need` bytes from `pos`, only up to `end`.
    error CborTruncated(uint256 pos, uint256 need, uint256 end);
    /// @notice Additional information 28..30 (reserved) or an unsupported form (chunked string, float).
    error CborUnsupported(uint256 pos, uint8 initialByte);
    /// @notice A head used a longer argument encoding than needed (not preferred serialization).
    error CborNonMinimal(uint256 pos);
    /// @notice A head of a different major type was found.
    error CborUnexpectedType(uint256 pos, uint8 expected, uint8 got);
    /// @notice Bytes remained after the top-level item.
    error CborTrailingBytes(uint256 pos, uint256 end);

    // ------------------------------------------------------------------ constants

    uint8 internal constant MAJOR_UINT = 0;
    uint8 internal constant MAJOR_NINT = 1;
    uint8 internal constant MAJOR_BYTES = 2;
    uint8 internal constant MAJOR_TEXT = 3;
    uint8 internal constant MAJOR_ARRAY = 4;
    uint8 internal constant MAJOR_MAP = 5;
    uint8 internal constant MAJOR_TAG = 6;
    uint8 internal constant MAJOR_SIMPLE = 7;

    /// Simple value 22 (`0xF6`), RFC 8949 §3.3.
    uint8 internal constant SIMPLE_NULL = 22;
    /// The "break" stop code `0xFF` that ends an indefinite-length item, RFC 8949 §3.2.1.
    uint8 internal constant BREAK = 0xFF;

    // ------------------------------------------------------------------ cursor

    /// @notice A cursor over the whole of `data`.
    function cursor(bytes calldata data) internal pure returns (CborCursor memory) {
        return CborCursor({pos: 0, end: data.length});
    }

    /// @notice A cursor over `[start, start + len)`, e.g. a byte string holding nested CBOR.
    function subCursor(CborItem memory item) internal pure returns (CborCursor memory) {
        return CborCursor({pos: item.start, end: item.start + item.len});
    }

    /// @notice Reverts unless the cursor consumed everything up to its end.
    function requireEnd(CborCursor memory c) internal pure {
        if (c.pos != c.end) revert CborTrailingBytes(c.pos, c.end);
    }

    // ------------------------------------------------------------------ heads

    /// @notice Reads one head (and, for strings, skips over its content) and advances the cursor.
    /// @dev Does not accept the break code: use `atBreak` first inside indefinite containers.
    function readItem(bytes calldata data, CborCursor memory c) internal pure returns (CborItem memory item) {
        uint256 pos = c.pos;
        if (pos >= c.end) revert CborTruncated(pos, 1, c.end);
        uint8 ib = uint8(data[pos]);
        uint8 major = ib >> 5;
        uint8 info = ib & 0x1f;
        pos += 1;
        item.majorType = major;

        if (info == 31) {
            // Indefinite length: only arrays and maps (chunked strings are rejected, see library notes).
            if (major != MAJOR_ARRAY && major != MAJOR_MAP) revert CborUnsupported(c.pos, ib);
            item.indefinite = true;
            item.start = pos;
            c.pos = pos;
            return item;
        }
        if (info >= 28) revert CborUnsupported(c.pos, ib);

        uint256 arg;
        if (info < 24) {
            arg = info;
        } else {
            // 24 -> 1, 25 -> 2, 26 -> 4, 27 -> 8 argument bytes.
            // forge-lint: disable-next-line(incorrect-shift)
            uint256 n = uint256(1) << (info - 24);
            if (c.end - pos < n) revert CborTruncated(pos, n, c.end);
            for (uint256 i = 0; i < n; ++i) {
                arg = (arg << 8) | uint8(data[pos + i]);
            }
            pos += n;
            // Preferred serialization: the value must not fit a shorter form (RFC 8949 §4.2.1).
            uint256 minimum = info == 24 ? 24 : (uint256(1) << (8 * (n >> 1)));
            if (arg < minimum) revert CborNonMinimal(c.pos);
        }

        if (major == MAJOR_SIMPLE) {
            // Only simple values encoded in the initial byte are accepted (null, false, true, undefined);
            // 0xF8 (one-byte simple) and floats 0xF9..0xFB are not used by AWS documents.
            if (info >= 24) revert CborUnsupported(c.pos, ib);
        }

        item.start = pos;
        item.len = arg;
        if (major == MAJOR_BYTES || major == MAJOR_TEXT) {
            if (c.end - pos < arg) revert CborTruncated(pos, arg, c.end);
            pos += arg;
        }
        c.pos = pos;
    }

    /// @notice True when the next byte is the break code (end of an indefinite container). Consumes it.
    function consumeBreak(bytes calldata data, CborCursor memory c) internal pure returns (bool) {
        if (c.pos >= c.end) revert CborTruncated(c.pos, 1, c.end);
        if (uint8(data[c.pos]) == BREAK) {
            c.pos += 1;
            return true;
        }
        return false;
    }

    /// @notice True when the next byte is `null` (`0xF6`). Consumes it.
    function consumeNull(bytes calldata data, CborCursor memory c) internal pure returns (bool) {
        if (c.pos >= c.end) revert CborTruncated(c.pos, 1, c.end);
        if (uint8(data[c.pos]) == 0xF6) {
            c.pos += 1;
            return true;
        }
        return false;
    }

    /// @notice Reads an item and requires its major type.
    function readType(bytes calldata data, CborCursor memory c, uint8 major) internal pure returns (CborItem memory) {
        uint256 pos = c.pos;
        CborItem memory item = readItem(data, c);
        if (item.majorType != major) revert CborUnexpectedType(pos, major, item.majorType);
        return item;
    }

    /// @notice Reads a byte string; the returned item points at its content.
    function readBytes(bytes calldata data, CborCursor memory c) internal pure returns (CborItem memory) {
        return readType(data, c, MAJOR_BYTES);
    }

    /// @notice Reads a text string; the returned item points at its content (UTF-8 is not validated).
    function readText(bytes calldata data, CborCursor memory c) internal pure returns (CborItem memory) {
        return readType(data, c, MAJOR_TEXT);
    }

    /// @notice Reads an unsigned integer (up to 64 bits).
    function readUint(bytes calldata data, CborCursor memory c) internal pure returns (uint256) {
        return readType(data, c, MAJOR_UINT).len;
    }

    /// @notice Reads an array head (definite or indefinite).
    function readArray(bytes calldata data, CborCursor memory c) internal pure returns (CborItem memory) {
        return readType(data, c, MAJOR_ARRAY);
    }

    /// @notice Reads a map head (definite or indefinite).
    function readMap(bytes calldata data, CborCursor memory c) internal pure returns (CborItem memory) {
        return readType(data, c, MAJOR_MAP);
    }

    /// @notice True while a container opened by `head` has entries left; `index` counts entries read so
    ///         far. For an indefinite container this consumes the break code when it is reached.
    function hasNext(bytes calldata data, CborCursor memory c, CborItem memory head, uint256 index)
        internal
        pure
        returns (bool)
    {
        if (head.indefinite) return !consumeBreak(data, c);
        return index < head.len;
    }

    /// @notice keccak256 of an item's content (strings), for comparing keys without copying.
    function contentHash(bytes calldata data, CborItem memory item) internal pure returns (bytes32) {
        return keccak256(data[item.start:item.start + item.len]);
    }
}
