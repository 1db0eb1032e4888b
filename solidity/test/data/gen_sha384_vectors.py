#!/usr/bin/env python3
"""Generates sha384_vectors.json: SHA-384 digests from Python's hashlib (the reference) for messages of the
padding-boundary lengths and for pseudo-random lengths. Deterministic (fixed seed): rerun to reproduce.

Usage: python3 gen_sha384_vectors.py > sha384_vectors.json
"""
import hashlib
import json
import random

rng = random.Random(384)
# Lengths around the FIPS 180-4 padding boundaries (one block holds up to 111 message bytes) and block multiples.
lengths = [0, 1, 3, 55, 56, 63, 64, 110, 111, 112, 113, 119, 120, 127, 128, 129, 239, 240, 255, 256, 257, 1000]
lengths += sorted(rng.randrange(0, 2048) for _ in range(10))
vectors = []
for n in lengths:
    msg = bytes(rng.randrange(256) for _ in range(n))
    vectors.append({"message": "0x" + msg.hex(), "digest": "0x" + hashlib.sha384(msg).hexdigest()})
print(
    json.dumps(
        {"source": "Python hashlib.sha384, gen_sha384_vectors.py, seed 384", "count": len(vectors), "vectors": vectors},
        indent=1,
    )
)
