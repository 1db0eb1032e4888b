// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Asn1Decode, Asn1Node} from "./Asn1Decode.sol";

/// @notice What the chain checks need from one certificate. Offsets point into the calldata buffer the
///         certificate was parsed from; `publicKey` and `signature` are copied (they go to P-384).
struct X509Certificate {
    /// The whole TBSCertificate TLV: the signed bytes, and (keccak256) the cache key.
    uint256 tbsStart;
    uint256 tbsEnd;
    /// serialNumber magnitude: the INTEGER content without a leading 0x00 sign byte (as the Rust reference keys it).
    uint256 serialStart;
    uint256 serialEnd;
    /// issuer and subject Name TLVs (raw bytes, compared byte for byte).
    uint256 issuerStart;
    uint256 issuerEnd;
    uint256 subjectStart;
    uint256 subjectEnd;
    /// Validity, Unix seconds.
    uint64 notBefore;
    uint64 notAfter;
    /// Uncompressed secp384r1 point, x ‖ y (96 bytes).
    bytes publicKey;
    /// basicConstraints.
    bool hasBasicConstraints;
    bool basicConstraintsCritical;
    bool isCA;
    bool hasPathLen;
    uint256 pathLen;
    /// keyUsage.
    bool hasKeyUsage;
    bool keyCertSign;
    bool digitalSignature;
    /// ECDSA signature over the TBS bytes, r ‖ s (48 bytes each, left-padded).
    bytes signature;
}

/// @title X509
/// @notice Parses an X.509 v3 certificate (RFC 5280 §4.1) as AWS Nitro issues them, strictly:
///         DER only (see Asn1Decode), version v3, serial ≤ 20 bytes (RFC 5280 §4.1.2.2), signature algorithm
///         ecdsa-with-SHA384 without parameters (RFC 5758 §3.2) in both the TBS and the outer certificate,
///         subjectPublicKeyInfo = id-ecPublicKey + secp384r1 with an uncompressed point (RFC 5480 §2),
///         UTCTime for years through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), no unique IDs,
///         extensions present, no duplicate extension, unknown critical extensions rejected (RFC 5280 §4.2).
/// @dev It does NOT check: the signature (P-384 is the caller's job), the validity window against a time,
///      the chain rules (CA flags, pathLen, issuer = parent subject) or that the point is on the curve: the
///      caller applies them with the context (index in the chain, parent, verification time).
library X509 {
    using Asn1Decode for bytes;

    // ------------------------------------------------------------------ errors

    /// @notice A field had a structure or value this profile does not accept. `field` names it.
    error X509BadField(bytes32 field);
    /// @notice A critical extension that this profile does not understand (RFC 5280 §4.2).
    error X509UnknownCriticalExtension(bytes32 oidHash);
    /// @notice The same extension appears twice (RFC 5280 §4.2).
    error X509DuplicateExtension(bytes32 oidHash);
    /// @notice A time string was malformed or outside the range its type may encode.
    error X509BadTime(uint256 pos);

    // ------------------------------------------------------------------ constants

    /// AlgorithmIdentifier { ecdsa-with-SHA384 (1.2.840.10045.4.3.3) } with absent parameters, DER.
    bytes internal constant ALG_ECDSA_SHA384 = hex"300a06082a8648ce3d040303";
    /// SubjectPublicKeyInfo prefix: SEQUENCE(120) { SEQUENCE { id-ecPublicKey (1.2.840.10045.2.1),
    /// secp384r1 (1.3.132.0.34) }, BIT STRING(98) { 0 unused bits, 0x04 (uncompressed) } }; x ‖ y follows.
    bytes internal constant SPKI_P384_PREFIX = hex"3076301006072a8648ce3d020106052b8104002203620004";
    /// version [0] EXPLICIT INTEGER 2 (v3).
    bytes internal constant VERSION_V3 = hex"a003020102";

    /// OID content of id-ce-basicConstraints (2.5.29.19).
    bytes32 internal constant OID_BASIC_CONSTRAINTS = keccak256(hex"551d13");
    /// OID content of id-ce-keyUsage (2.5.29.15).
    bytes32 internal constant OID_KEY_USAGE = keccak256(hex"551d0f");

    /// Maximum number of extensions in one certificate. AWS certificates carry at most 5 (basicConstraints,
    /// keyUsage, subject and authority key identifiers, CRL distribution points); 16 leaves room while
    /// bounding the duplicate check.
    uint256 internal constant MAX_EXTENSIONS = 16;
    /// RFC 5280 §4.1.2.2: serial numbers are at most 20 octets.
    uint256 internal constant MAX_SERIAL_BYTES = 20;
    /// P-384 scalars are 48 bytes.
    uint256 internal constant SCALAR_BYTES = 48;

    /// keyUsage bits (RFC 5280 §4.2.1.3), as masks on the first content byte.
    uint8 internal constant KU_DIGITAL_SIGNATURE = 0x80;
    uint8 internal constant KU_KEY_CERT_SIGN = 0x04;

    // ------------------------------------------------------------------ parsing

    /// @notice Parses a whole DER certificate `data[start:end]`; no trailing bytes allowed.
    function parse(bytes calldata data, uint256 start, uint256 end) internal pure returns (X509Certificate memory c) {
        Asn1Node memory cert = data.readTag(start, end, Asn1Decode.TAG_SEQUENCE);
        if (cert.end != end) revert Asn1Decode.DerTrailingBytes(cert.end, end);

        Asn1Node memory tbs = data.readTag(cert.start, cert.end, Asn1Decode.TAG_SEQUENCE);
        c.tbsStart = tbs.header;
        c.tbsEnd = tbs.end;
        _parseTbs(data, tbs, c);

        Asn1Node memory alg = data.next(tbs, cert);
        _requireBytes(data, alg, ALG_ECDSA_SHA384, "signatureAlgorithm");
        Asn1Node memory sigValue = data.next(alg, cert);
        Asn1Decode.requireLast(sigValue, cert);
        c.signature = _parseSignature(data, sigValue);
    }

    /// @notice Locates the TBSCertificate of a certificate without parsing the rest (the cache lookup path).
    function tbsBounds(bytes calldata data, uint256 start, uint256 end)
        internal
        pure
        returns (uint256 tbsStart, uint256 tbsEnd)
    {
        Asn1Node memory cert = data.readTag(start, end, Asn1Decode.TAG_SEQUENCE);
        if (cert.end != end) revert Asn1Decode.DerTrailingBytes(cert.end, end);
        Asn1Node memory tbs = data.readTag(cert.start, cert.end, Asn1Decode.TAG_SEQUENCE);
        return (tbs.header, tbs.end);
    }

    function _parseTbs(bytes calldata data, Asn1Node memory tbs, X509Certificate memory c) private pure {
        Asn1Node memory issuer = _parseSerialAndIssuer(data, tbs, c);
        Asn1Node memory validity = _parseValidity(data, issuer, tbs, c);
        Asn1Node memory spki = _parseSubjectAndKey(data, validity, tbs, c);
        // issuerUniqueID [1] and subjectUniqueID [2] are not used by AWS and rejected; extensions [3] required.
        Asn1Node memory exts = data.next(spki, tbs);
        if (exts.tag != 0xa3) revert X509BadField("extensions");
        Asn1Decode.requireLast(exts, tbs);
        _parseExtensions(data, exts, c);
    }

    /// version, serialNumber, signature, issuer; returns the issuer node.
    function _parseSerialAndIssuer(bytes calldata data, Asn1Node memory tbs, X509Certificate memory c)
        private
        pure
        returns (Asn1Node memory issuer)
    {
        Asn1Node memory version = data.firstChild(tbs);
        _requireBytes(data, version, VERSION_V3, "version");

        Asn1Node memory serial = data.next(version, tbs);
        uint256 serialValue = data.checkUnsignedInteger(serial, MAX_SERIAL_BYTES);
        if (serialValue == serial.end) revert X509BadField("serialNumber");
        c.serialStart = serialValue; // the magnitude: a DER sign byte 0x00 is not part of the number
        c.serialEnd = serial.end;

        Asn1Node memory sigAlg = data.next(serial, tbs);
        _requireBytes(data, sigAlg, ALG_ECDSA_SHA384, "signature");

        issuer = data.next(sigAlg, tbs);
        if (issuer.tag != Asn1Decode.TAG_SEQUENCE) revert X509BadField("issuer");
        c.issuerStart = issuer.header;
        c.issuerEnd = issuer.end;
    }

    function _parseValidity(bytes calldata data, Asn1Node memory issuer, Asn1Node memory tbs, X509Certificate memory c)
        private
        pure
        returns (Asn1Node memory validity)
    {
        validity = data.next(issuer, tbs);
        if (validity.tag != Asn1Decode.TAG_SEQUENCE) revert X509BadField("validity");
        Asn1Node memory notBefore = data.firstChild(validity);
        Asn1Node memory notAfter = data.next(notBefore, validity);
        Asn1Decode.requireLast(notAfter, validity);
        c.notBefore = readTime(data, notBefore);
        c.notAfter = readTime(data, notAfter);
    }

    function _parseSubjectAndKey(
        bytes calldata data,
        Asn1Node memory validity,
        Asn1Node memory tbs,
        X509Certificate memory c
    ) private pure returns (Asn1Node memory spki) {
        Asn1Node memory subject = data.next(validity, tbs);
        if (subject.tag != Asn1Decode.TAG_SEQUENCE) revert X509BadField("subject");
        c.subjectStart = subject.header;
        c.subjectEnd = subject.end;

        spki = data.next(subject, tbs);
        uint256 prefixLen = SPKI_P384_PREFIX.length;
        if (spki.end - spki.header != prefixLen + 96) revert X509BadField("subjectPublicKeyInfo");
        if (keccak256(data[spki.header:spki.header + prefixLen]) != keccak256(SPKI_P384_PREFIX)) {
            revert X509BadField("subjectPublicKeyInfo");
        }
        c.publicKey = data[spki.header + prefixLen:spki.end];
    }

    function _parseExtensions(bytes calldata data, Asn1Node memory wrapper, X509Certificate memory c) private pure {
        Asn1Node memory list = data.firstChild(wrapper);
        if (list.tag != Asn1Decode.TAG_SEQUENCE) revert X509BadField("extensions");
        Asn1Decode.requireLast(list, wrapper);
        if (list.start == list.end) revert X509BadField("extensions"); // SIZE (1..MAX)

        bytes32[] memory seen = new bytes32[](MAX_EXTENSIONS);
        uint256 count = 0;
        uint256 pos = list.start;
        while (pos < list.end) {
            Asn1Node memory ext = data.readTag(pos, list.end, Asn1Decode.TAG_SEQUENCE);
            pos = ext.end;
            if (count == MAX_EXTENSIONS) revert X509BadField("extensions");

            Asn1Node memory oid = data.readTag(ext.start, ext.end, Asn1Decode.TAG_OID);
            bytes32 oidHash = data.hashContent(oid);
            for (uint256 i = 0; i < count; ++i) {
                if (seen[i] == oidHash) revert X509DuplicateExtension(oidHash);
            }
            seen[count] = oidHash;
            count += 1;

            Asn1Node memory value = data.next(oid, ext);
            bool critical = false;
            if (value.tag == Asn1Decode.TAG_BOOLEAN) {
                critical = data.readBoolean(value);
                // DER: a DEFAULT FALSE value is omitted, never encoded (X.690 §11.5).
                if (!critical) revert X509BadField("extension.critical");
                value = data.next(value, ext);
            }
            if (value.tag != Asn1Decode.TAG_OCTET_STRING) revert X509BadField("extension.extnValue");
            Asn1Decode.requireLast(value, ext);

            if (oidHash == OID_BASIC_CONSTRAINTS) {
                c.hasBasicConstraints = true;
                c.basicConstraintsCritical = critical;
                _parseBasicConstraints(data, value, c);
            } else if (oidHash == OID_KEY_USAGE) {
                c.hasKeyUsage = true;
                _parseKeyUsage(data, value, c);
            } else if (critical) {
                revert X509UnknownCriticalExtension(oidHash);
            }
        }
    }

    /// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }
    function _parseBasicConstraints(bytes calldata data, Asn1Node memory octets, X509Certificate memory c)
        private
        pure
    {
        Asn1Node memory seq = data.readTag(octets.start, octets.end, Asn1Decode.TAG_SEQUENCE);
        if (seq.end != octets.end) revert X509BadField("basicConstraints");
        if (seq.start == seq.end) return; // cA FALSE, no pathLen
        Asn1Node memory field = data.firstChild(seq);
        if (field.tag == Asn1Decode.TAG_BOOLEAN) {
            // DER omits the DEFAULT FALSE, so an encoded cA must be TRUE.
            if (!data.readBoolean(field)) revert X509BadField("basicConstraints.cA");
            c.isCA = true;
            if (field.end == seq.end) return;
            field = data.next(field, seq);
        }
        // RFC 5280 §4.2.1.9: pathLenConstraint only when cA is asserted.
        if (!c.isCA) revert X509BadField("basicConstraints.pathLen");
        uint256 s = data.checkUnsignedInteger(field, 1); // 0..255 is plenty for a pathLen
        c.hasPathLen = true;
        c.pathLen = s == field.end ? 0 : uint8(data[s]);
        Asn1Decode.requireLast(field, seq);
    }

    /// KeyUsage ::= BIT STRING, a named bit list in DER form (trailing zero bits removed, X.690 §11.2.2).
    function _parseKeyUsage(bytes calldata data, Asn1Node memory octets, X509Certificate memory c) private pure {
        Asn1Node memory bits = data.readTag(octets.start, octets.end, Asn1Decode.TAG_BIT_STRING);
        if (bits.end != octets.end) revert X509BadField("keyUsage");
        uint256 len = bits.end - bits.start;
        // keyUsage has 9 named bits: 1 or 2 content bytes after the unused-bits count.
        if (len < 2 || len > 3) revert X509BadField("keyUsage");
        uint8 unused = uint8(data[bits.start]);
        if (unused > 7) revert X509BadField("keyUsage");
        uint8 last = uint8(data[bits.end - 1]);
        // The unused bits are zero and the lowest used bit is set (no trailing zero bits).
        if (last & ((uint8(1) << unused) - 1) != 0 || (last >> unused) & 1 == 0) revert X509BadField("keyUsage");
        uint8 first = uint8(data[bits.start + 1]);
        c.digitalSignature = first & KU_DIGITAL_SIGNATURE != 0;
        c.keyCertSign = first & KU_KEY_CERT_SIGN != 0;
    }

    /// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } inside a BIT STRING (RFC 5758 §3.2), to r ‖ s.
    function _parseSignature(bytes calldata data, Asn1Node memory bitString) private pure returns (bytes memory sig) {
        uint256 start = data.bitStringBytesStart(bitString);
        Asn1Node memory seq = data.readTag(start, bitString.end, Asn1Decode.TAG_SEQUENCE);
        if (seq.end != bitString.end) revert X509BadField("signatureValue");
        Asn1Node memory r = data.firstChild(seq);
        Asn1Node memory s = data.next(r, seq);
        Asn1Decode.requireLast(s, seq);
        sig = new bytes(2 * SCALAR_BYTES);
        _copyScalar(data, r, sig, 0);
        _copyScalar(data, s, sig, SCALAR_BYTES);
    }

    function _copyScalar(bytes calldata data, Asn1Node memory integer, bytes memory out, uint256 offset) private pure {
        uint256 v = data.checkUnsignedInteger(integer, SCALAR_BYTES);
        uint256 len = integer.end - v;
        bool nonZero = false;
        for (uint256 i = 0; i < len; ++i) {
            bytes1 b = data[v + i];
            if (b != 0) nonZero = true;
            out[offset + SCALAR_BYTES - len + i] = b;
        }
        if (!nonZero) revert X509BadField("signatureValue");
    }

    function _requireBytes(bytes calldata data, Asn1Node memory node, bytes memory expected, bytes32 field)
        private
        pure
    {
        if (node.end - node.header != expected.length || keccak256(data[node.header:node.end]) != keccak256(expected)) {
            revert X509BadField(field);
        }
    }

    // ------------------------------------------------------------------ time

    /// @notice A UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`, years from
    ///         2050 as RFC 5280 §4.1.2.5 requires) to Unix seconds. Years before 1970 are rejected.
    function readTime(bytes calldata data, Asn1Node memory node) internal pure returns (uint64) {
        uint256 p = node.start;
        uint256 len = node.end - node.start;
        uint256 year;
        if (node.tag == Asn1Decode.TAG_UTC_TIME) {
            if (len != 13) revert X509BadTime(node.header);
            year = _digits(data, p, 2);
            year += year >= 50 ? 1900 : 2000;
            p += 2;
        } else if (node.tag == Asn1Decode.TAG_GENERALIZED_TIME) {
            if (len != 15) revert X509BadTime(node.header);
            year = _digits(data, p, 4);
            if (year < 2050) revert X509BadTime(node.header);
            p += 4;
        } else {
            revert X509BadTime(node.header);
        }
        if (year < 1970) revert X509BadTime(node.header);
        uint256 month = _digits(data, p, 2);
        uint256 day = _digits(data, p + 2, 2);
        uint256 hour = _digits(data, p + 4, 2);
        uint256 minute = _digits(data, p + 6, 2);
        uint256 second = _digits(data, p + 8, 2);
        if (data[p + 10] != "Z") revert X509BadTime(node.header);
        if (month < 1 || month > 12 || day < 1 || day > _daysInMonth(year, month)) revert X509BadTime(node.header);
        if (hour > 23 || minute > 59 || second > 59) revert X509BadTime(node.header);
        // casting to 'uint64' is safe because year <= 9999 bounds the value below 2^39.
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint64(_daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second);
    }

    function _digits(bytes calldata data, uint256 p, uint256 n) private pure returns (uint256 v) {
        for (uint256 i = 0; i < n; ++i) {
            uint8 ch = uint8(data[p + i]);
            if (ch < 0x30 || ch > 0x39) revert X509BadTime(p + i);
            v = v * 10 + (ch - 0x30);
        }
    }

    function _daysInMonth(uint256 year, uint256 month) private pure returns (uint256) {
        if (month == 2) {
            bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        if (month == 4 || month == 6 || month == 9 || month == 11) return 30;
        return 31;
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date, year >= 1970 (H. Hinnant's days_from_civil,
    /// restated for unsigned arithmetic: eras start on March 1st of years divisible by 400).
    function _daysFromCivil(uint256 year, uint256 month, uint256 day) private pure returns (uint256) {
        uint256 y = month <= 2 ? year - 1 : year;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400; // [0, 399]
        uint256 mp = month > 2 ? month - 3 : month + 9; // March = 0
        uint256 doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
        return era * 146097 + doe - 719468;
    }
}
