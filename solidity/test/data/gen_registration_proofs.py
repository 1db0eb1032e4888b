#!/usr/bin/env python3
"""Generates registration_proofs.json: off-chain P-384 proofs (hint followed by the ladder's slopes, the
`P384.verifyWithTrace` layout) for every signature of the golden registration document
(../../../fixtures/golden/registration/registration.json, written by tests/tests/golden_registration.rs), in the
order `verifyAttestationWithHints` / `LCPClient.registerEnclaveKeyWithProofs` take them: entry 0 empty (the root is
pinned by hash), one per certificate after it (cabundle[1..], then the leaf), then the COSE signature.

The computation is gen_nitro_hints.py's (`proofs`, sol-crypto's `hint_for`/`trace_for`); a relayer would compute
the same off chain. A wrong proof can only make verification fail.

Usage: python3 gen_registration_proofs.py > registration_proofs.json   (needs `cryptography` and `cbor2`)
"""
import hashlib
import json
import os

import cbor2
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from gen_nitro_hints import point, proofs

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "..", "fixtures", "golden", "registration", "registration.json")


def main():
    registration = json.load(open(FIXTURE))
    doc = cbor2.loads(bytes.fromhex(registration["document"][2:]))
    if isinstance(doc, cbor2.CBORTag):
        doc = doc.value
    protected, _, payload_bytes, signature = doc
    payload = cbor2.loads(payload_bytes)
    ders = payload["cabundle"] + [payload["certificate"]]
    certs = [x509.load_der_x509_certificate(d) for d in ders]
    traces = ["0x"]
    for i in range(1, len(certs)):
        r, s = decode_dss_signature(certs[i].signature)
        traces.append(proofs(certs[i].tbs_certificate_bytes, r, s, point(certs[i - 1]))[1])
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload_bytes])
    r, s = int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
    traces.append(proofs(sig_structure, r, s, point(certs[-1]))[1])
    out = {
        "generator": "solidity/test/data/gen_registration_proofs.py",
        "document_sha256": "0x" + hashlib.sha256(bytes.fromhex(registration["document"][2:])).hexdigest(),
        "traces": traces,
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
