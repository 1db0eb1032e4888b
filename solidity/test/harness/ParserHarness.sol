// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {CborDecode, CborCursor, CborItem} from "../../src/lib/CborDecode.sol";
import {Asn1Decode, Asn1Node} from "../../src/lib/Asn1Decode.sol";
import {X509, X509Certificate} from "../../src/lib/X509.sol";
import {NitroDocument, NitroDocumentParts, DocSlice} from "../../src/lib/NitroDocument.sol";

/// @notice Exposes the internal parsing libraries to tests (calldata in, plain values out).
contract ParserHarness {
    using CborDecode for bytes;

    /// Reads one CBOR head at `pos`.
    function cborReadItem(bytes calldata data, uint256 pos)
        external
        pure
        returns (uint8 majorType, bool indefinite, uint256 start, uint256 len, uint256 nextPos)
    {
        CborCursor memory c = CborCursor(pos, data.length);
        CborItem memory item = data.readItem(c);
        return (item.majorType, item.indefinite, item.start, item.len, c.pos);
    }

    /// Reads one DER TLV at `pos` bounded by the whole buffer.
    function derReadNode(bytes calldata data, uint256 pos)
        external
        pure
        returns (uint8 tag, uint256 start, uint256 end)
    {
        Asn1Node memory n = Asn1Decode.readNode(data, pos, data.length);
        return (n.tag, n.start, n.end);
    }

    function derReadUint(bytes calldata data) external pure returns (uint256) {
        Asn1Node memory n = Asn1Decode.readNode(data, 0, data.length);
        if (n.end != data.length) revert Asn1Decode.DerTrailingBytes(n.end, data.length);
        return Asn1Decode.readUint(data, n);
    }

    function derReadTime(bytes calldata data) external pure returns (uint64) {
        Asn1Node memory n = Asn1Decode.readNode(data, 0, data.length);
        return X509.readTime(data, n);
    }

    function parseCert(bytes calldata cert) external pure returns (X509Certificate memory c) {
        return X509.parse(cert, 0, cert.length);
    }

    /// Certificate fields as bytes (the offsets resolved), for assertions.
    function certFields(bytes calldata cert)
        external
        pure
        returns (bytes memory tbs, bytes memory serial, bytes memory issuer, bytes memory subject)
    {
        X509Certificate memory c = X509.parse(cert, 0, cert.length);
        return (
            cert[c.tbsStart:c.tbsEnd],
            cert[c.serialStart:c.serialEnd],
            cert[c.issuerStart:c.issuerEnd],
            cert[c.subjectStart:c.subjectEnd]
        );
    }

    /// The parsed document with slices resolved to bytes.
    struct DocView {
        bytes payloadWithHead;
        bytes signature;
        bytes moduleId;
        uint64 timestampMs;
        uint256 pcrMask;
        bytes[32] pcrs;
        bytes certificate;
        bytes[] cabundle;
        bool hasPublicKey;
        bool hasUserData;
        bool hasNonce;
        bytes publicKey;
        bytes userData;
        bytes nonce;
    }

    function parseDocument(bytes calldata doc) external pure returns (DocView memory v) {
        NitroDocumentParts memory p = NitroDocument.parse(doc);
        v.payloadWithHead = doc[p.payloadHeadStart:p.payloadEnd];
        v.signature = _b(doc, p.signature);
        v.moduleId = _b(doc, p.moduleId);
        v.timestampMs = p.timestampMs;
        v.pcrMask = p.pcrMask;
        for (uint256 i = 0; i < 32; ++i) {
            v.pcrs[i] = _b(doc, p.pcrs[i]);
        }
        v.certificate = _b(doc, p.certificate);
        v.cabundle = new bytes[](p.cabundle.length);
        for (uint256 i = 0; i < p.cabundle.length; ++i) {
            v.cabundle[i] = _b(doc, p.cabundle[i]);
        }
        (v.hasPublicKey, v.hasUserData, v.hasNonce) = (p.hasPublicKey, p.hasUserData, p.hasNonce);
        v.publicKey = _b(doc, p.publicKey);
        v.userData = _b(doc, p.userData);
        v.nonce = _b(doc, p.nonce);
    }

    /// Parses the document only (cheaper return, for fuzzing).
    function parseDocumentOnly(bytes calldata doc) external pure returns (uint64) {
        return NitroDocument.parse(doc).timestampMs;
    }

    function _b(bytes calldata doc, DocSlice memory s) private pure returns (bytes memory) {
        return doc[s.start:s.start + s.len];
    }
}
