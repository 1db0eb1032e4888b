// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {CborDecode, CborCursor, CborItem} from "./CborDecode.sol";

/// @notice A byte string inside the document: `start` and `len` locate its content in the calldata buffer.
struct DocSlice {
    uint256 start;
    uint256 len;
}

/// @notice The parsed (not yet verified) shape of a Nitro attestation document. Every `DocSlice` points
///         into the document bytes, so nothing large is copied.
struct NitroDocumentParts {
    /// The payload byte string's whole CBOR encoding (head + content): it goes into Sig_structure as is.
    uint256 payloadHeadStart;
    uint256 payloadEnd;
    /// The COSE signature, r ‖ s (96 bytes).
    DocSlice signature;
    DocSlice moduleId;
    uint64 timestampMs;
    /// PCR values by index; `pcrMask` bit i is set when PCR i is present.
    DocSlice[32] pcrs;
    uint256 pcrMask;
    DocSlice certificate;
    DocSlice[] cabundle;
    /// Optional fields: `len` 0 when absent or null (`present` tells which).
    DocSlice publicKey;
    DocSlice userData;
    DocSlice nonce;
    bool hasPublicKey;
    bool hasUserData;
    bool hasNonce;
}

/// @title NitroDocument
/// @notice Parses an AWS Nitro attestation document: a COSE_Sign1 (RFC 9052 §4.2) whose payload is the
///         AttestationDocument CBOR map of the AWS NSM API ("attestation document specification",
///         aws-nitro-enclaves-nsm-api `docs/attestation_process.md`, §"Syntactical validation").
///         It checks shape and sizes only: no signature, chain, time or PCR policy (the verifier does those).
///         - COSE_Sign1: optional tag 18; a 4-element array; protected header exactly `A1 01 38 22` ({1: -35},
///           ES384); unprotected header an empty map; payload a byte string; signature 96 bytes.
///         - Payload map (definite or indefinite): the nine AWS keys only, each at most once; unknown keys are
///           rejected (STRICTER: AWS defines the map exactly, and an unparsed signed field is a field nobody
///           checks); `public_key`, `user_data`, `nonce` optional and may be `null`.
///         - Depth: the reader never recurses. The deepest structure is COSE array → payload map → pcrs map
///           or cabundle array, i.e. `MAX_CBOR_DEPTH` = 2 containers inside the payload; each container is
///           opened by name at a known place, so deeper nesting is rejected as a type error where it appears.
library NitroDocument {
    using CborDecode for bytes;

    // ------------------------------------------------------------------ errors

    /// @notice The COSE_Sign1 envelope is not the one AWS produces; `what` names the part.
    error NitroBadCose(bytes32 what);
    /// @notice A payload field has the wrong type or size; `field` names it.
    error NitroBadField(bytes32 field);
    /// @notice A mandatory payload field is missing.
    error NitroMissingField(bytes32 field);
    /// @notice A payload key appears twice.
    error NitroDuplicateField(bytes32 field);
    /// @notice A payload key that the AWS specification does not define (keccak256 of the key text).
    error NitroUnknownField(bytes32 keyHash);
    /// @notice A PCR index ≥ 32, a repeated index, or a value not 32/48/64 bytes.
    error NitroBadPcr(uint256 index);

    // ------------------------------------------------------------------ limits (AWS syntactical validation)

    /// COSE_Sign1 tag (RFC 9052 §2), encoded as the single byte 0xD2.
    uint8 internal constant COSE_SIGN1_TAG = 0xD2;
    /// Protected header {1: -35}: alg = ES384.
    bytes32 internal constant PROTECTED_ES384 = keccak256(hex"a1013822");
    uint256 internal constant SIGNATURE_BYTES = 96;
    uint256 internal constant MAX_CBOR_DEPTH = 2;
    /// PCR indices are 0..31; a document has 1..32 of them.
    uint256 internal constant MAX_PCRS = 32;
    /// certificate and cabundle entries: `bytes .size (1..1024)`.
    uint256 internal constant MAX_CERT_BYTES = 1024;
    /// cabundle: at least 1 (AWS); at most 8 (STRICTER: AWS chains have 4; 8 bounds gas and storage walks).
    uint256 internal constant MAX_CABUNDLE = 8;
    /// public_key 1..1024, user_data 0..512, nonce 0..512 bytes.
    uint256 internal constant MAX_PUBLIC_KEY_BYTES = 1024;
    uint256 internal constant MAX_USER_DATA_BYTES = 512;
    uint256 internal constant MAX_NONCE_BYTES = 512;
    /// module_id is a non-empty text string; 256 bounds it (STRICTER: AWS gives no bound, real ids have 39
    /// characters; the Rust reference uses the same bound).
    uint256 internal constant MAX_MODULE_ID_BYTES = 256;
    /// Whole document (STRICTER, as the Rust reference): a maximal AWS document (5 certificates of 1,024 bytes,
    /// 32 PCRs of 64 bytes, 1,024 + 512 + 512 bytes of optionals) stays well below 16 KiB.
    uint256 internal constant MAX_DOCUMENT_BYTES = 16 * 1024;

    // Field bits for the duplicate and presence checks.
    uint256 private constant F_MODULE_ID = 1 << 0;
    uint256 private constant F_DIGEST = 1 << 1;
    uint256 private constant F_TIMESTAMP = 1 << 2;
    uint256 private constant F_PCRS = 1 << 3;
    uint256 private constant F_CERTIFICATE = 1 << 4;
    uint256 private constant F_CABUNDLE = 1 << 5;
    uint256 private constant F_PUBLIC_KEY = 1 << 6;
    uint256 private constant F_USER_DATA = 1 << 7;
    uint256 private constant F_NONCE = 1 << 8;
    uint256 private constant F_MANDATORY = F_MODULE_ID | F_DIGEST | F_TIMESTAMP | F_PCRS | F_CERTIFICATE | F_CABUNDLE;

    // keccak256 of each key's text.
    bytes32 private constant K_MODULE_ID = keccak256("module_id");
    bytes32 private constant K_DIGEST = keccak256("digest");
    bytes32 private constant K_TIMESTAMP = keccak256("timestamp");
    bytes32 private constant K_PCRS = keccak256("pcrs");
    bytes32 private constant K_CERTIFICATE = keccak256("certificate");
    bytes32 private constant K_CABUNDLE = keccak256("cabundle");
    bytes32 private constant K_PUBLIC_KEY = keccak256("public_key");
    bytes32 private constant K_USER_DATA = keccak256("user_data");
    bytes32 private constant K_NONCE = keccak256("nonce");
    bytes32 private constant SHA384_TEXT = keccak256("SHA384");

    // ------------------------------------------------------------------ COSE_Sign1

    /// @notice Parses the COSE_Sign1 envelope and its payload. Reverts on any deviation.
    function parse(bytes calldata doc) internal pure returns (NitroDocumentParts memory parts) {
        if (doc.length > MAX_DOCUMENT_BYTES) revert NitroBadCose("size");
        CborCursor memory c = CborDecode.cursor(doc);
        if (doc.length > 0 && uint8(doc[0]) == COSE_SIGN1_TAG) c.pos = 1;

        CborItem memory array = doc.readItem(c);
        if (array.majorType != CborDecode.MAJOR_ARRAY || array.indefinite || array.len != 4) {
            revert NitroBadCose("COSE_Sign1");
        }
        CborItem memory protectedHeader = _coseBytes(doc, c, "protected");
        if (protectedHeader.len != 4 || doc.contentHash(protectedHeader) != PROTECTED_ES384) {
            revert NitroBadCose("protected");
        }
        CborItem memory unprotectedHeader = doc.readItem(c);
        if (unprotectedHeader.majorType != CborDecode.MAJOR_MAP) revert NitroBadCose("unprotected");
        if (unprotectedHeader.indefinite ? !doc.consumeBreak(c) : unprotectedHeader.len != 0) {
            revert NitroBadCose("unprotected");
        }
        uint256 payloadHead = c.pos;
        CborItem memory payload = _coseBytes(doc, c, "payload");
        CborItem memory signature = _coseBytes(doc, c, "signature");
        if (signature.len != SIGNATURE_BYTES) revert NitroBadCose("signature");
        if (c.pos != doc.length) revert CborDecode.CborTrailingBytes(c.pos, doc.length);

        parts.payloadHeadStart = payloadHead;
        parts.payloadEnd = payload.start + payload.len;
        parts.signature = DocSlice(signature.start, signature.len);
        _parsePayload(doc, CborDecode.subCursor(payload), parts);
    }

    function _coseBytes(bytes calldata doc, CborCursor memory c, bytes32 what) private pure returns (CborItem memory) {
        CborItem memory item = doc.readItem(c);
        if (item.majorType != CborDecode.MAJOR_BYTES) revert NitroBadCose(what);
        return item;
    }

    // ------------------------------------------------------------------ payload

    function _parsePayload(bytes calldata doc, CborCursor memory c, NitroDocumentParts memory parts) private pure {
        CborItem memory map = doc.readItem(c);
        if (map.majorType != CborDecode.MAJOR_MAP) revert NitroBadField("payload");
        uint256 seen = 0;
        for (uint256 i = 0; doc.hasNext(c, map, i); ++i) {
            CborItem memory key = doc.readItem(c);
            if (key.majorType != CborDecode.MAJOR_TEXT) revert NitroBadField("payload.key");
            uint256 bit = _keyBit(doc.contentHash(key));
            if (seen & bit != 0) revert NitroDuplicateField(_fieldName(bit));
            seen |= bit;
            if (bit == F_MODULE_ID) {
                CborItem memory v = _expect(doc, c, CborDecode.MAJOR_TEXT, "module_id");
                if (v.len == 0 || v.len > MAX_MODULE_ID_BYTES) revert NitroBadField("module_id");
                parts.moduleId = DocSlice(v.start, v.len);
            } else if (bit == F_DIGEST) {
                CborItem memory v = _expect(doc, c, CborDecode.MAJOR_TEXT, "digest");
                if (doc.contentHash(v) != SHA384_TEXT) revert NitroBadField("digest");
            } else if (bit == F_TIMESTAMP) {
                CborItem memory v = _expect(doc, c, CborDecode.MAJOR_UINT, "timestamp");
                if (v.len == 0) revert NitroBadField("timestamp");
                // casting to 'uint64' is safe because CBOR arguments are at most 8 bytes.
                // forge-lint: disable-next-line(unsafe-typecast)
                parts.timestampMs = uint64(v.len);
            } else if (bit == F_PCRS) {
                _parsePcrs(doc, c, parts);
            } else if (bit == F_CERTIFICATE) {
                parts.certificate = _certificate(doc, c, "certificate");
            } else if (bit == F_CABUNDLE) {
                _parseCabundle(doc, c, parts);
            } else if (bit == F_PUBLIC_KEY) {
                (parts.hasPublicKey, parts.publicKey) = _optionalBytes(doc, c, MAX_PUBLIC_KEY_BYTES, "public_key");
                if (parts.hasPublicKey && parts.publicKey.len == 0) revert NitroBadField("public_key");
            } else if (bit == F_USER_DATA) {
                (parts.hasUserData, parts.userData) = _optionalBytes(doc, c, MAX_USER_DATA_BYTES, "user_data");
            } else {
                (parts.hasNonce, parts.nonce) = _optionalBytes(doc, c, MAX_NONCE_BYTES, "nonce");
            }
        }
        if (seen & F_MANDATORY != F_MANDATORY) revert NitroMissingField(_fieldName(F_MANDATORY & ~seen));
        CborDecode.requireEnd(c);
    }

    function _parsePcrs(bytes calldata doc, CborCursor memory c, NitroDocumentParts memory parts) private pure {
        CborItem memory map = doc.readItem(c);
        if (map.majorType != CborDecode.MAJOR_MAP) revert NitroBadField("pcrs");
        uint256 count = 0;
        for (; doc.hasNext(c, map, count); ++count) {
            if (count == MAX_PCRS) revert NitroBadField("pcrs");
            CborItem memory index = doc.readItem(c);
            if (index.majorType != CborDecode.MAJOR_UINT) revert NitroBadField("pcrs.index");
            if (index.len >= MAX_PCRS) revert NitroBadPcr(index.len);
            uint256 bit = uint256(1) << index.len;
            if (parts.pcrMask & bit != 0) revert NitroBadPcr(index.len);
            parts.pcrMask |= bit;
            CborItem memory value = doc.readItem(c);
            if (value.majorType != CborDecode.MAJOR_BYTES || (value.len != 32 && value.len != 48 && value.len != 64)) {
                revert NitroBadPcr(index.len);
            }
            parts.pcrs[index.len] = DocSlice(value.start, value.len);
        }
        if (count == 0) revert NitroBadField("pcrs");
    }

    function _parseCabundle(bytes calldata doc, CborCursor memory c, NitroDocumentParts memory parts) private pure {
        CborItem memory array = doc.readItem(c);
        if (array.majorType != CborDecode.MAJOR_ARRAY) revert NitroBadField("cabundle");
        DocSlice[] memory certs = new DocSlice[](MAX_CABUNDLE);
        uint256 n = 0;
        for (; doc.hasNext(c, array, n); ++n) {
            if (n == MAX_CABUNDLE) revert NitroBadField("cabundle");
            certs[n] = _certificate(doc, c, "cabundle");
        }
        if (n == 0) revert NitroBadField("cabundle");
        // Shrink the array to the number of entries read.
        DocSlice[] memory exact = new DocSlice[](n);
        for (uint256 i = 0; i < n; ++i) {
            exact[i] = certs[i];
        }
        parts.cabundle = exact;
    }

    function _certificate(bytes calldata doc, CborCursor memory c, bytes32 field)
        private
        pure
        returns (DocSlice memory)
    {
        CborItem memory v = _expect(doc, c, CborDecode.MAJOR_BYTES, field);
        if (v.len == 0 || v.len > MAX_CERT_BYTES) revert NitroBadField(field);
        return DocSlice(v.start, v.len);
    }

    function _optionalBytes(bytes calldata doc, CborCursor memory c, uint256 maxLen, bytes32 field)
        private
        pure
        returns (bool present, DocSlice memory slice)
    {
        if (doc.consumeNull(c)) return (false, slice);
        CborItem memory v = _expect(doc, c, CborDecode.MAJOR_BYTES, field);
        if (v.len > maxLen) revert NitroBadField(field);
        return (true, DocSlice(v.start, v.len));
    }

    function _expect(bytes calldata doc, CborCursor memory c, uint8 major, bytes32 field)
        private
        pure
        returns (CborItem memory v)
    {
        v = doc.readItem(c);
        if (v.majorType != major) revert NitroBadField(field);
    }

    /// The field bit of a key (keccak256 of its text); unknown keys are rejected.
    function _keyBit(bytes32 k) private pure returns (uint256) {
        if (k == K_MODULE_ID) return F_MODULE_ID;
        if (k == K_DIGEST) return F_DIGEST;
        if (k == K_TIMESTAMP) return F_TIMESTAMP;
        if (k == K_PCRS) return F_PCRS;
        if (k == K_CERTIFICATE) return F_CERTIFICATE;
        if (k == K_CABUNDLE) return F_CABUNDLE;
        if (k == K_PUBLIC_KEY) return F_PUBLIC_KEY;
        if (k == K_USER_DATA) return F_USER_DATA;
        if (k == K_NONCE) return F_NONCE;
        revert NitroUnknownField(k);
    }

    /// The name of the lowest field bit set in `bits`, for error messages.
    function _fieldName(uint256 bits) private pure returns (bytes32) {
        if (bits & F_MODULE_ID != 0) return "module_id";
        if (bits & F_DIGEST != 0) return "digest";
        if (bits & F_TIMESTAMP != 0) return "timestamp";
        if (bits & F_PCRS != 0) return "pcrs";
        if (bits & F_CERTIFICATE != 0) return "certificate";
        if (bits & F_CABUNDLE != 0) return "cabundle";
        if (bits & F_PUBLIC_KEY != 0) return "public_key";
        if (bits & F_USER_DATA != 0) return "user_data";
        return "nonce";
    }
}
