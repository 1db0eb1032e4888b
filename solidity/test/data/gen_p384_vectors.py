#!/usr/bin/env python3
"""Generates p384_vectors.json (stdout): ECDSA P-384 / SHA-384 test cases for solidity/test/P384.t.sol, with the
P384.verifyWithHint hint of each case (`hint_for`), hint-tampering cases and the library's constant tables; and
p384_trace_vectors.json (written beside this script): the P384.verifyWithTrace slopes (`trace_for`) of the valid
nitro_* and edge_* cases. `hint_for` and `trace_for` are the reference for an off-chain (Rust) hint generator.

Sources of truth:
- Every case marked valid is checked here with `cryptography` (OpenSSL) before it is written; every case marked
  invalid is checked to be rejected by it too, except malformed inputs OpenSSL cannot even take (lengths, r or s
  out of range, keys off the curve), whose invalidity is by definition (SEC 1 v2 §4.1.4 step 1, §3.2.2).
- `nitro_*` cases are the real AWS signatures inside ../../../fixtures/nitro/*.cbor: each certificate signature
  (TBSCertificate by the issuer's key, cabundle[i] by cabundle[i-1], the leaf by the last bundle entry, the root
  self-signed) and the COSE_Sign1 signature over its Sig_structure (RFC 9052 §4.4) by the leaf key.
- Edge cases in the style of Project Wycheproof's ecdsa_secp384r1_sha384 tests, built with the plain-Python
  curve arithmetic below (public-key recovery Q = r^-1(sR - eG) makes valid signatures with chosen R):
  x(R) >= n (the r + n < p branch), u1·G = u2·Q (doubling inside the ladder), u1·G = -u2·Q (infinity),
  e ≡ 0 (mod n), e >= n, high-S and low-S forms of each random signature.
Deterministic (seeded): rerun to reproduce byte for byte.

Usage: python3 gen_p384_vectors.py > p384_vectors.json   (needs `cryptography` and `cbor2` from PyPI)
"""
import hashlib
import json
import os
import random

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature, encode_dss_signature

P = 2**384 - 2**128 - 2**96 + 2**32 - 1
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973
B = 0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF
G = (
    0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
    0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F,
)
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "..", "fixtures", "nitro")
rng = random.Random(0x384)


def add(p1, p2):
    """Affine addition; None is the point at infinity."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if (y1 + y2) % P == 0:
            return None
        lam = (3 * x1 * x1 - 3) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return (x3, (lam * (x1 - x3) - y1) % P)


def mul(k, pt):
    acc = None
    for bit in bin(k % N)[2:] if k % N else "":
        acc = add(acc, acc)
        if bit == "1":
            acc = add(acc, pt)
    return acc


def neg(pt):
    return (pt[0], (-pt[1]) % P)


def b48(v):
    return v.to_bytes(48, "big")


def hx(b):
    return "0x" + b.hex()


def openssl_verify(digest, r, s, q):
    """cryptography/OpenSSL verdict on a prehashed SHA-384 digest."""
    try:
        key = ec.EllipticCurvePublicNumbers(q[0], q[1], ec.SECP384R1()).public_key()
    except ValueError:
        return False
    try:
        key.verify(encode_dss_signature(r, s), digest, ec.ECDSA(Prehashed(hashes.SHA384())))
        return True
    except InvalidSignature:
        return False


def half_gcd(u):
    """(z, v) with z·u ≡ v (mod n): extended Euclid on (n, u), stopped at the first remainder below 2^192."""
    r0, r1, t0, t1 = N, u, 0, 1
    while r1 >= 1 << 192:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        t0, t1 = t1, t0 - q * t1
    return t1, r1


def hint_for(e, r, s, q):
    """The P384.verifyWithHint hint (161 bytes): w, y(R), flags, |z|, |v|. Zero bytes when s is out of range."""
    if not (0 < s < N and 0 < r < N) or q is None or q == (0, 0):
        return bytes(161)
    w = pow(s, -1, N)
    u1, u2 = e * w % N, r * w % N
    big_r = add(mul(u1, G), mul(u2, q))
    y, flag = (0, 0) if big_r is None else (big_r[1], 1 if big_r[0] == r + N else 0)
    z, v = half_gcd(u2)
    assert (z * u2 - v) % N == 0 and 0 < abs(z) < 1 << 196 and abs(v) < 1 << 196
    flags = flag | (2 if z < 0 else 0) | (4 if v < 0 else 0)
    return b48(w) + b48(y) + bytes([flags]) + abs(z).to_bytes(32, "big") + abs(v).to_bytes(32, "big")


def wnaf(v, w):
    """Width-w NAF digits, least significant first (the recoding of P384._wnaf)."""
    digits = []
    while v:
        if v & 1:
            d = v & ((1 << w) - 1)
            if d >= 1 << (w - 1):
                d -= 1 << w
            v -= d
        else:
            d = 0
        digits.append(d)
        v >>= 1
    return digits


def trace_for(e, r, s, q, hint):
    """Slopes for P384.verifyWithTrace: first the tables (for Q, then R: 2P, then 3P..15P), then the affine ladder
    of verifyWithHint's four terms, one 48-byte slope per step except the first addition (a copy) and the final one
    (which must reach O)."""
    w = int.from_bytes(hint[0:48], "big")
    y_r = int.from_bytes(hint[48:96], "big")
    flags = hint[96]
    z = int.from_bytes(hint[97:129], "big")
    v = int.from_bytes(hint[129:161], "big")
    x_r = r + N if flags & 1 else r
    big_r = (x_r, y_r)
    z_neg, v_neg = bool(flags & 2), bool(flags & 4)
    u1 = e * w % N
    t = z * u1 % N
    if z_neg:
        t = (N - t) % N
    terms = [
        (G, wnaf(t & ((1 << 192) - 1), 6), False),
        (mul(1 << 192, G), wnaf(t >> 192, 6), False),
        (q, wnaf(v, 5), v_neg),
        (big_r, wnaf(z, 5), not z_neg),
    ]
    tables = []
    for pt, dg, _ in terms:
        odd = {1: pt}
        two = add(pt, pt)
        for j in range(3, 32, 2):
            odd[j] = add(odd[j - 2], two)
        tables.append(odd)
    # Table slopes first: for Q, then R, the doubling to 2P and the additions (2j+1)P = (2j-1)P + 2P, j = 1..7.
    slopes = b""
    for base in (q, big_r):
        x, y = base
        slopes += b48((3 * x * x - 3) * pow(2 * y, -1, P) % P)
        two = add(base, base)
        acc = base
        for _ in range(7):
            slopes += b48((two[1] - acc[1]) * pow(two[0] - acc[0], -1, P) % P)
            acc = add(acc, two)
    length = max(len(dg) for _, dg, _ in terms)
    final = min((i for _, dg, _ in terms for i, d in enumerate(dg) if d), default=None)
    final_k = max(k for k, (_, dg, _) in enumerate(terms) if final < len(dg) and dg[final])
    acc = None
    for i in reversed(range(length)):
        if acc is not None:
            x, y = acc
            lam = (3 * x * x - 3) * pow(2 * y, -1, P) % P
            slopes += b48(lam)
            acc = add(acc, acc)
        for k, (pt, dg, negate) in enumerate(terms):
            d = dg[i] if i < len(dg) else 0
            if not d:
                continue
            if negate:
                d = -d
            tp = tables[k][abs(d)]
            if d < 0:
                tp = neg(tp)
            if acc is None:
                acc = tp
            elif (i, k) == (final, final_k):
                assert add(acc, tp) is None, "the hinted sum must be O"
                return slopes
            else:
                (x, y), (x2, y2) = acc, tp
                assert x != x2, "intermediate O or doubling: no affine trace"
                slopes += b48((y2 - y) * pow(x2 - x, -1, P) % P)
                acc = add(acc, tp)
    raise AssertionError("no final addition")


cases = []


def case(name, digest, r, s, q, valid, check=True, sig=None, pub=None):
    if check:
        got = openssl_verify(digest, r, s, q)
        assert got == valid, (name, got, valid)
    on_curve = q[0] < P and q[1] < P and (q[1] ** 2 - q[0] ** 3 + 3 * q[0] - B) % P == 0
    hint = hint_for(int.from_bytes(digest, "big"), r, s, q if on_curve else None)
    cases.append(
        {
            "name": name,
            "digest": hx(digest),
            "signature": hx(sig if sig is not None else b48(r) + b48(s)),
            "key": hx(pub if pub is not None else b48(q[0]) + b48(q[1])),
            "hint": hx(hint),
            "valid": valid,
        }
    )


def sign(d, e, k):
    r = mul(k, G)[0] % N
    s = pow(k, -1, N) * (e + r * d) % N
    return r, s


# --- random keys and messages, each signature in its low-S and high-S form ---------------------------------
for i in range(8):
    d = rng.randrange(1, N)  # seeded key for reproducibility; OpenSSL checks the result
    q = mul(d, G)
    msg = rng.randbytes(rng.randrange(0, 300))
    digest = hashlib.sha384(msg).digest()
    r, s = sign(d, int.from_bytes(digest, "big"), rng.randrange(1, N))
    low, high = min(s, N - s), max(s, N - s)
    case(f"random_{i}_low_s", digest, r, low, q, True)
    case(f"random_{i}_high_s", digest, r, high, q, True)
    # Same signature, one bit of the digest flipped / r or s changed / another key: invalid.
    bad = bytearray(digest)
    bad[rng.randrange(48)] ^= 1 << rng.randrange(8)
    case(f"random_{i}_wrong_digest", bytes(bad), r, s, q, False)
    case(f"random_{i}_wrong_r", digest, (r + 1) % N or 1, s, q, False)
    case(f"random_{i}_wrong_s", digest, r, (s + 1) % N or 1, q, False)
    case(f"random_{i}_wrong_key", digest, r, s, mul(d + 1, G), False)

# --- real AWS signatures from the Nitro fixtures ---------------------------------------------------------------
def pub_xy(cert):
    nums = cert.public_key().public_numbers()
    return (nums.x, nums.y)


for fname in sorted(os.listdir(FIXTURES)):
    if not fname.endswith(".cbor"):
        continue
    tag = fname.split("_")[0]
    raw = open(os.path.join(FIXTURES, fname), "rb").read()
    cose = cbor2.loads(raw)
    if isinstance(cose, cbor2.CBORTag):
        cose = cose.value
    protected, _unprotected, payload, signature = cose
    doc = cbor2.loads(payload)
    certs = [x509.load_der_x509_certificate(c) for c in doc["cabundle"]] + [
        x509.load_der_x509_certificate(doc["certificate"])
    ]
    for idx, cert in enumerate(certs):
        issuer = certs[idx - 1] if idx > 0 else cert  # the root is self-signed
        assert isinstance(cert.signature_hash_algorithm, hashes.SHA384)
        r, s = decode_dss_signature(cert.signature)
        digest = hashlib.sha384(cert.tbs_certificate_bytes).digest()
        name = f"nitro_{tag}_cert{idx}" + ("_leaf" if idx == len(certs) - 1 else "")
        case(name, digest, r, s, pub_xy(issuer), True)
    sig_structure = cbor2.dumps(["Signature1", protected, b"", payload])
    digest = hashlib.sha384(sig_structure).digest()
    r, s = int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
    case(f"nitro_{tag}_cose", digest, r, s, pub_xy(certs[-1]), True)
    case(f"nitro_{tag}_cose_wrong_key", digest, r, s, pub_xy(certs[-2]), False)

# --- edge cases --------------------------------------------------------------------------------------------------
d = rng.randrange(1, N)
q = mul(d, G)
digest = hashlib.sha384(b"edge cases").digest()
e = int.from_bytes(digest, "big")
r, s = sign(d, e, rng.randrange(1, N))
case("edge_base_valid", digest, r, s, q, True)
for name, rr, ss in [
    ("edge_r_zero", 0, s),
    ("edge_s_zero", r, 0),
    ("edge_r_eq_n", N, s),
    ("edge_s_eq_n", r, N),
    ("edge_r_plus_n", r + N, s),  # r + n < 2^384 here only if r < 2^384 - n; checked below
    ("edge_s_plus_n", r, s + N),
    ("edge_r_max", 2**384 - 1, s),
    ("edge_s_max", r, 2**384 - 1),
]:
    if rr >= 2**384 or ss >= 2**384:
        continue
    case(name, digest, rr, ss, q, False, check=False)
case("edge_key_infinity", digest, r, s, (0, 0), False, check=False)
case("edge_key_off_curve", digest, r, s, (q[0], (q[1] + 1) % P), False, check=False)
case("edge_key_x_plus_p", digest, r, s, (q[0] + P, q[1]), False, check=False) if q[0] + P < 2**384 else None
case("edge_key_y_plus_p", digest, r, s, (q[0], q[1] + P), False, check=False) if q[1] + P < 2**384 else None
case("edge_key_y_neg", digest, r, s, neg(q), False)
sig = b48(r) + b48(s)
pub = b48(q[0]) + b48(q[1])
case("edge_len_digest_47", digest[:47], r, s, q, False, check=False)
case("edge_len_digest_32", digest[:32], r, s, q, False, check=False)
case("edge_len_sig_95", digest, r, s, q, False, check=False, sig=sig[:95])
case("edge_len_sig_97", digest, r, s, q, False, check=False, sig=sig + b"\x00")
case("edge_len_key_97", digest, r, s, q, False, check=False, pub=b"\x04" + pub)
case("edge_len_key_95", digest, r, s, q, False, check=False, pub=pub[:95])

# e ≡ 0 (mod n): digest bytes = n, so u1 = 0 and R = u2·Q.
e0 = N
r0, s0 = sign(d, e0, rng.randrange(1, N))
case("edge_e_eq_n", b48(e0), r0, s0, q, True)
case("edge_e_zero", b48(0), *sign(d, 0, rng.randrange(1, N)), q, True)
# e >= n: e = n + 5 signs like e = 5.
e5 = N + 5
r5, s5 = sign(d, 5, rng.randrange(1, N))
case("edge_e_above_n", b48(e5), r5, s5, q, True)
case("edge_e_above_n_mismatch", b48(e5), *sign(d, 6, rng.randrange(1, N)), q, False)
case("edge_e_max", b48(2**384 - 1), *sign(d, (2**384 - 1) % N, rng.randrange(1, N)), q, True)


# x(R) >= n: r = x(R) - n < p - n. A signature for a chosen R exists for the recovered key Q = r^-1(sR - eG).
def point_with_x(x):
    rhs = (x**3 - 3 * x + B) % P
    y = pow(rhs, (P + 1) // 4, P)
    return (x, y) if y * y % P == rhs else None


found = 0
x = N + 1
while found < 2:
    pt = point_with_x(x)
    if pt is not None:
        rr = x - N
        ss = rng.randrange(1, N)
        ee = int.from_bytes(hashlib.sha384(b"x >= n %d" % found).digest(), "big")
        qq = mul(pow(rr, -1, N), add(mul(ss, pt), neg(mul(ee, G))))
        dg = b48(ee)
        case(f"edge_x_ge_n_{found}", dg, rr, ss, qq, True)
        # (r, n - s) is the signature for -R, same x, same recovered key.
        case(f"edge_x_ge_n_{found}_high_s", dg, rr, N - ss, qq, True)
        case(f"edge_x_ge_n_{found}_wrong_s", dg, rr, (ss + 1) % N, qq, False)
        found += 1
    x += 1 + rng.randrange(1 << 20)

# u1 = u2 = 1 with Q = G: the ladder adds G to G (doubling inside the mixed addition), R = 2G.
r2 = mul(2, G)[0] % N
case("edge_doubling_q_eq_g", b48(r2), r2, r2, G, True)
case("edge_doubling_q_eq_g_wrong", b48(r2), r2, r2, mul(3, G), False)
# u1 = u2 = 1 with Q = -G: G + (-G) = infinity, which is never a valid R.
case("edge_infinity_q_eq_minus_g", b48(r2), r2, r2, neg(G), False)
# u1·G and u2·Q equal in a general position: Q = G, e = r, any s (u1 = u2): R = 2·u1·G.
kk = rng.randrange(1, N)
rk = mul(kk, G)[0] % N
sk = pow(kk, -1, N) * (rk + rk * 1) % N
case("edge_u1_eq_u2_q_eq_g", b48(rk), rk, sk, G, True)
# Smallest and largest private keys.
for name, dd in [("edge_key_d1", 1), ("edge_key_d_n_minus_1", N - 1), ("edge_key_d2", 2)]:
    qd = mul(dd, G)
    case(name, digest, *sign(dd, e, rng.randrange(1, N)), qd, True)
# Small u2: r tiny is impossible to choose, but u1 = 0 with u2 = 1 is: e = 0, s = r, R = Q.
qq = mul(rng.randrange(1, N), G)
case("edge_u1_zero_u2_one", b48(0), qq[0] % N, qq[0] % N, qq, True)

# Tampered hints for a valid signature: each must make verifyWithHint false (verify itself stays true).
d = rng.randrange(1, N)
q = mul(d, G)
digest = hashlib.sha384(b"hint tampering").digest()
e = int.from_bytes(digest, "big")
r, s = sign(d, e, rng.randrange(1, N))
good = hint_for(e, r, s, q)
hint_cases = [{"name": "hint_valid", "hint": good, "valid": True}]


def tamper(name, b):
    hint_cases.append({"name": name, "hint": bytes(b), "valid": False})


h = bytearray(good)
h[47] ^= 1
tamper("hint_wrong_w", h)
yr = int.from_bytes(good[48:96], "big")
tamper("hint_negated_r", good[:48] + b48(P - yr) + good[96:])
tamper("hint_flag_r_plus_n", good[:96] + bytes([good[96] ^ 1]) + good[97:])
tamper("hint_flag_z_sign", good[:96] + bytes([good[96] ^ 2]) + good[97:])
tamper("hint_flag_v_sign", good[:96] + bytes([good[96] ^ 4]) + good[97:])
tamper("hint_flag_unknown_bit", good[:96] + bytes([good[96] | 8]) + good[97:])
tamper("hint_z_zero", good[:97] + bytes(32) + good[129:])
h = bytearray(good)
h[128] ^= 1
tamper("hint_z_off_by_one", h)
h = bytearray(good)
h[160] ^= 1
tamper("hint_v_off_by_one", h)
zz = int.from_bytes(good[97:129], "big")
vv = int.from_bytes(good[129:161], "big")
# (2z, 2v) satisfies the relation too and stays short: a different valid hint, accepted.
hint_cases.append(
    {"name": "hint_scaled_z_v", "hint": good[:97] + (2 * zz).to_bytes(32, "big") + (2 * vv).to_bytes(32, "big"), "valid": True}
)
tamper("hint_z_too_long", good[:97] + (zz + (1 << 196)).to_bytes(32, "big") + good[129:])
tamper("hint_short", good[:160])
tamper("hint_long", good + b"\x00")
hint_cases = [
    dict(c, digest=hx(digest), signature=hx(b48(r) + b48(s)), key=hx(b48(q[0]) + b48(q[1])), hint=hx(c["hint"]))
    for c in hint_cases
]

g_table = []
acc = G
g2 = add(G, G)
for _ in range(16):
    g_table.append(hx(b48(acc[0]) + b48(acc[1])))
    acc = add(acc, g2)

# Trace vectors (slopes for verifyWithTrace) for the real Nitro signatures and the special cases; written to
# p384_trace_vectors.json beside this script (the slopes make them large).
trace_cases = []
for c in cases:
    if not c["valid"] or not (c["name"].startswith("nitro_") or c["name"].startswith("edge_")):
        continue
    dg = bytes.fromhex(c["digest"][2:])
    sg = bytes.fromhex(c["signature"][2:])
    ky = bytes.fromhex(c["key"][2:])
    hn = bytes.fromhex(c["hint"][2:])
    qq = (int.from_bytes(ky[:48], "big"), int.from_bytes(ky[48:], "big"))
    try:
        sl = trace_for(
            int.from_bytes(dg, "big"), int.from_bytes(sg[:48], "big"), int.from_bytes(sg[48:], "big"), qq, hn
        )
    except AssertionError:
        # The ladder meets a doubling or O before the end (edge_doubling_*): no affine trace exists; verify and
        # verifyWithHint cover these cases.
        continue
    trace_cases.append(dict(c, slopes=hx(sl)))
with open(os.path.join(HERE, "p384_trace_vectors.json"), "w") as out:
    json.dump(
        {
            "source": "gen_p384_vectors.py (trace_for): slopes of the verifyWithTrace ladder for the valid nitro_* "
            + "and edge_* cases of p384_vectors.json",
            "count": len(trace_cases),
            "cases": trace_cases,
        },
        out,
        indent=1,
    )
    out.write("\n")

g192 = mul(1 << 192, G)
g192_table = []
acc = g192
g192_2 = add(g192, g192)
for _ in range(16):
    g192_table.append(hx(b48(acc[0]) + b48(acc[1])))
    acc = add(acc, g192_2)

print(
    json.dumps(
        {
            "source": "gen_p384_vectors.py: random (seeded) and Wycheproof-style edge cases checked with cryptography "
            + "(OpenSSL); nitro_* are the real AWS signatures in fixtures/nitro/*.cbor",
            "g_table": "0x" + "".join(t[2:] for t in g_table),
            "g192_table": "0x" + "".join(t[2:] for t in g192_table),
            "hint_count": len(hint_cases),
            "hint_cases": hint_cases,
            "count": len(cases),
            "cases": cases,
        },
        indent=1,
    )
)
