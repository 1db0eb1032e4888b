#!/usr/bin/env python3
"""Generates nitro_hints.json: off-chain proofs for every signature of the three real AWS documents in
../../../fixtures/nitro/ (each certificate's signature by its issuer, and the COSE_Sign1 signature by the leaf),
for the hinted entry points of NitroAttestationVerifier / CertManager:
- `certs[i]` / `cose`: the 161-byte `P384.verifyWithHint` hint;
- `certs_trace[i]` / `cose_trace`: the hint followed by the `P384.verifyWithTrace` slopes.
`certs[0]` is empty: the root is pinned by hash, not signature-checked.

A relayer computes these off chain; the contract checks them and a wrong one can only make verification fail.
The layout and computation are sol-crypto's (`hint_for`, `trace_for` in gen_p384_vectors.py, imported here).

Usage: python3 gen_nitro_hints.py > nitro_hints.json   (needs `cryptography` and `cbor2`)
"""
import contextlib
import hashlib
import io
import json
import os
import sys

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
with contextlib.redirect_stdout(io.StringIO()):  # the vector generator prints its JSON when imported
    import gen_p384_vectors as p384  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "..", "..", "fixtures", "nitro")
DOCS = {
    "evervault": "evervault_2022-10-13_i-020b6af9.cbor",
    "marlin": "marlin-NitroProver_2024-02-26_i-0df237f0.cbor",
    "automata": "automata_2024-08-16_i-07fd4cc4.cbor",
}


def point(cert):
    raw = cert.public_key().public_numbers()
    return (raw.x, raw.y)


def proofs(message, r, s, q):
    e = int.from_bytes(hashlib.sha384(message).digest(), "big")
    hint = p384.hint_for(e, r, s, q)
    trace = p384.trace_for(e, r, s, q, hint)
    return "0x" + hint.hex(), "0x" + (hint + trace).hex()


def main():
    out = {"generator": "solidity/test/data/gen_nitro_hints.py"}
    for name, file in DOCS.items():
        doc = cbor2.loads(open(os.path.join(FIXTURES, file), "rb").read())
        if isinstance(doc, cbor2.CBORTag):
            doc = doc.value
        protected, _, payload_bytes, signature = doc
        payload = cbor2.loads(payload_bytes)
        ders = payload["cabundle"] + [payload["certificate"]]
        certs = [x509.load_der_x509_certificate(d) for d in ders]
        hints, traces = ["0x"], ["0x"]
        for i in range(1, len(certs)):
            r, s = decode_dss_signature(certs[i].signature)
            h, t = proofs(certs[i].tbs_certificate_bytes, r, s, point(certs[i - 1]))
            hints.append(h)
            traces.append(t)
        sig_structure = cbor2.dumps(["Signature1", protected, b"", payload_bytes])
        r, s = int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
        h, t = proofs(sig_structure, r, s, point(certs[-1]))
        out[name] = {"certs": hints, "cose": h, "certs_trace": traces, "cose_trace": t}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
