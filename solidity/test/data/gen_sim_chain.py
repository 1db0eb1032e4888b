#!/usr/bin/env python3
"""Generates sim_chain.json: a simulated Nitro-style PKI (P-384, ecdsa-with-SHA384) and attestation documents
signed under it, for the Solidity tests of rules the three real AWS documents cannot exercise (path length,
basicConstraints criticality, key usages, GeneralizedTime, high-S, other curves/hashes, indefinite-length maps
in a signed payload).

Deterministic keys (fixed private scalars); ECDSA signatures are randomized, so re-running changes signature
bytes but not what any test checks. Run: python3 gen_sim_chain.py > sim_chain.json (needs `cryptography`, `cbor2`).
"""
import datetime as dt
import json

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID

N384 = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973
UTC = dt.timezone.utc


def key(i, curve=ec.SECP384R1()):
    return ec.derive_private_key(0x1000 + i, curve)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ku(digital_signature=False, key_cert_sign=False, key_encipherment=False):
    return x509.KeyUsage(digital_signature, False, key_encipherment, False, False, key_cert_sign, key_cert_sign,
                         False, False)


def cert(subject, issuer, subject_key, issuer_key, not_before, not_after, serial, ca, path_len=None,
         bc_critical=True, usage=None, usage_critical=True, hash_alg=hashes.SHA384()):
    b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
         .public_key(subject_key.public_key()).serial_number(serial)
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=bc_critical))
    if usage is not None:
        b = b.add_extension(usage, critical=usage_critical)
    return b.sign(issuer_key, hash_alg)


def der(c):
    return c.public_bytes(serialization.Encoding.DER)


def der_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def with_high_s(c):
    """Re-encodes the certificate with s replaced by n - s (the other valid signature) if s is low."""
    r, s = decode_dss_signature(c.signature)
    if s > N384 // 2:
        return der(c), False
    raw = der(c)
    tbs = c.tbs_certificate_bytes
    alg = bytes.fromhex("300a06082a8648ce3d040303")
    sig = encode_dss_signature(r, N384 - s)
    body = tbs + alg + tlv(0x03, b"\x00" + sig)
    out = tlv(0x30, body)
    assert out != raw
    return out, True


def xy(k):
    return k.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)[1:]


def text(s):
    return cbor2.dumps(s)


def cose_sign(payload, leaf_key, tagged=False):
    protected = bytes.fromhex("a1013822")
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    der_sig = leaf_key.sign(sig_structure, ec.ECDSA(hashes.SHA384()))
    r, s = decode_dss_signature(der_sig)
    sig = r.to_bytes(48, "big") + s.to_bytes(48, "big")
    doc = cbor2.dumps([protected, {}, payload, sig])
    return (b"\xd2" + doc) if tagged else doc


def payload_entries(leaf_der, cabundle, ts_ms, pcr0, public_key, user_data, nonce):
    pcrs = {0: pcr0, 1: bytes([1]) * 48, 2: bytes([2]) * 48, 8: bytes([8]) * 48}
    return [
        ("module_id", "i-sim-enc0123"),
        ("digest", "SHA384"),
        ("timestamp", ts_ms),
        ("pcrs", pcrs),
        ("certificate", leaf_der),
        ("cabundle", cabundle),
        ("public_key", public_key),
        ("user_data", user_data),
        ("nonce", nonce),
    ]


def encode_map(entries, indefinite):
    if not indefinite:
        return cbor2.dumps(dict(entries))
    out = b"\xbf"
    for k, v in entries:
        if k == "pcrs":
            inner = b"\xbf" + b"".join(cbor2.dumps(i) + cbor2.dumps(p) for i, p in v.items()) + b"\xff"
            out += cbor2.dumps(k) + inner
        else:
            out += cbor2.dumps(k) + cbor2.dumps(v)
    return out + b"\xff"


def main():
    t0 = dt.datetime(2024, 1, 1, tzinfo=UTC)
    t1 = dt.datetime(2025, 1, 1, tzinfo=UTC)
    leaf_nb = dt.datetime(2024, 6, 1, 0, 0, 0, tzinfo=UTC)
    leaf_na = dt.datetime(2024, 6, 1, 3, 0, 0, tzinfo=UTC)
    doc_time = dt.datetime(2024, 6, 1, 1, 0, 0, tzinfo=UTC)

    root_k, ca_k, ca2_k, leaf_k = key(0), key(1), key(2), key(3)
    root = cert("sim-root", "sim-root", root_k, root_k, dt.datetime(2020, 1, 1, tzinfo=UTC),
                dt.datetime(2060, 1, 1, tzinfo=UTC), 1, True, usage=ku(key_cert_sign=True))
    ca = cert("sim-ca", "sim-root", ca_k, root_k, t0, t1, 2, True, path_len=0, usage=ku(key_cert_sign=True))
    leaf = cert("sim-leaf", "sim-ca", leaf_k, ca_k, leaf_nb, leaf_na, 3, False,
                usage=ku(digital_signature=True), usage_critical=False)

    certs = {
        "root": der(root),
        "ca": der(ca),
        "leaf": der(leaf),
        # A CA below the pathLen-0 CA.
        "ca_below_pathlen0": der(cert("sim-ca2", "sim-ca", ca2_k, ca_k, t0, t1, 4, True,
                                      usage=ku(key_cert_sign=True))),
        "ca_bc_not_critical": der(cert("sim-ca2", "sim-root", ca2_k, root_k, t0, t1, 5, True, bc_critical=False,
                                       usage=ku(key_cert_sign=True))),
        "ca_without_keycertsign": der(cert("sim-ca2", "sim-root", ca2_k, root_k, t0, t1, 6, True,
                                           usage=ku(digital_signature=True))),
        "ca_generalized_time": der(cert("sim-ca2", "sim-root", ca2_k, root_k, t0,
                                        dt.datetime(2055, 6, 1, tzinfo=UTC), 7, True, usage=ku(key_cert_sign=True))),
        "leaf_is_ca": der(cert("sim-leaf", "sim-ca", leaf_k, ca_k, leaf_nb, leaf_na, 8, True,
                               usage=ku(digital_signature=True, key_cert_sign=True))),
        "leaf_without_digitalsignature": der(cert("sim-leaf", "sim-ca", leaf_k, ca_k, leaf_nb, leaf_na, 9, False,
                                                  usage=ku(key_encipherment=True))),
        "leaf_p256": der(cert("sim-leaf", "sim-ca", key(4, ec.SECP256R1()), ca_k, leaf_nb, leaf_na, 10, False,
                              usage=ku(digital_signature=True))),
        "leaf_sha256": der(cert("sim-leaf", "sim-ca", leaf_k, ca_k, leaf_nb, leaf_na, 11, False,
                                usage=ku(digital_signature=True), hash_alg=hashes.SHA256())),
    }
    # A leaf whose signature has a high s (n - s): valid, and must be accepted.
    for attempt in range(64):
        c = cert("sim-leaf", "sim-ca", leaf_k, ca_k, leaf_nb, leaf_na, 13, False, usage=ku(digital_signature=True))
        hs, changed = with_high_s(c)
        _, s = decode_dss_signature(x509.load_der_x509_certificate(hs).signature)
        if s > N384 // 2:
            certs["leaf_high_s"] = hs
            break

    ts_ms = int(doc_time.timestamp() * 1000)
    cabundle = [der(root), der(ca)]
    docs = {}
    prod_pcr0 = bytes(range(48))
    entries = payload_entries(der(leaf), cabundle, ts_ms, prod_pcr0, b"\x04" + b"\x11" * 64, b"\x01" + b"\x22" * 72,
                              b"\x33" * 32)
    docs["definite"] = cose_sign(encode_map(entries, False), leaf_k)
    docs["indefinite"] = cose_sign(encode_map(entries, True), leaf_k)
    docs["tagged"] = cose_sign(encode_map(entries, False), leaf_k, tagged=True)
    nulls = payload_entries(der(leaf), cabundle, ts_ms, prod_pcr0, None, None, None)
    docs["nulls"] = cose_sign(encode_map(nulls, False), leaf_k)
    absent = [e for e in nulls if e[0] not in ("public_key", "user_data", "nonce")]
    docs["absent_optionals"] = cose_sign(encode_map(absent, False), leaf_k)
    # Signed by a key other than the leaf's.
    docs["wrong_signer"] = cose_sign(encode_map(entries, False), ca2_k)

    out = {
        "generator": "solidity/test/data/gen_sim_chain.py",
        "root_sha256": "0x" + __import__("hashlib").sha256(der(root)).hexdigest(),
        "doc_time": int(doc_time.timestamp()),
        "doc_timestamp_ms": ts_ms,
        "leaf_not_after": int(leaf_na.timestamp()),
        "ca_generalized_not_after": int(dt.datetime(2055, 6, 1, tzinfo=UTC).timestamp()),
        "leaf_public_key": "0x" + xy(leaf_k).hex(),
        "certs": {k: "0x" + v.hex() for k, v in certs.items()},
        "docs": {k: "0x" + v.hex() for k, v in docs.items()},
    }
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
