//! The off-chain halves of `P384.verifyWithHint` and `P384.verifyWithTrace`
//! (`solidity/src/lib/P384.sol`): a port of `hint_for` / `trace_for` in
//! `solidity/test/data/gen_p384_vectors.py`, byte for byte.
//!
//! The hint lets the contract skip the inversion of `s` and recovery of `R`, and split the
//! 384-bit scalar `u2` into two ~192-bit halves (`z·u2 ≡ v`, half-extended Euclid); the trace then
//! hands over every affine slope of the contract's interleaved wNAF ladder so the contract only
//! checks `λ·(x2 − x1) = y2 − y1` instead of inverting. A wrong proof can only make verification
//! fail, so nothing here is security-critical, but it must match the contract's step order exactly.
//!
//! Big-integer arithmetic is `ruint` (re-exported by `alloy-primitives`); the two full scalar
//! multiplications of the hint use RustCrypto's `p384`.

use super::ProofError;
use alloy_primitives::hex;
use alloy_primitives::ruint::Uint;
use p384::elliptic_curve::ff::PrimeField;
use p384::elliptic_curve::ops::LinearCombination;
use p384::elliptic_curve::sec1::ToSec1Point;
use p384::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};

type U384 = Uint<384, 6>;

/// Length of a `P384.verifyWithHint` hint: `w ‖ y(R) ‖ flags ‖ |z| ‖ |v|` (48 + 48 + 1 + 32 + 32).
pub const HINT_LEN: usize = 161;

/// Length of one slope of the trace.
pub const SLOPE_LEN: usize = 48;

/// The field prime p of P-384.
const P: U384 = U384::from_be_bytes(hex!(
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff"
));

/// The group order n of P-384.
const N: U384 = U384::from_be_bytes(hex!(
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973"
));

/// `2^192`: where the half-extended Euclid stops and where the contract splits `t`.
const HALF: U384 = U384::from_limbs([0, 0, 0, 1, 0, 0]);

/// Largest magnitude of `z` and `v` the contract accepts (`< 2^196`).
const Z_V_BOUND: U384 = U384::from_limbs([0, 0, 0, 16, 0, 0]);

/// wNAF width of the two generator terms (the contract's precomputed `G` and `2^192·G` tables
/// hold 16 odd multiples) and of the `Q` and `R` terms (8 odd multiples built per call).
const W_G: u32 = 6;
const W_QR: u32 = 5;

/// An affine point; `None` where used stands for the point at infinity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pt {
    x: U384,
    y: U384,
}

fn fadd(a: U384, b: U384) -> U384 {
    a.add_mod(b, P)
}

fn fsub(a: U384, b: U384) -> U384 {
    // b < p, so p − b ∈ (0, p]; add_mod reduces the sum.
    a.add_mod(P.wrapping_sub(b), P)
}

fn fmul(a: U384, b: U384) -> U384 {
    a.mul_mod(b, P)
}

fn finv(a: U384) -> Result<U384, ProofError> {
    a.inv_mod(P).ok_or(ProofError::NotInvertible)
}

fn small(v: u64) -> U384 {
    U384::from(v)
}

/// Slope of the tangent at `p`: `(3x² − 3) / 2y`.
fn double_slope(p: Pt) -> Result<U384, ProofError> {
    let num = fsub(fmul(small(3), fmul(p.x, p.x)), small(3));
    Ok(fmul(num, finv(fadd(p.y, p.y))?))
}

/// Slope of the chord through `a` and `b` (`x(a) ≠ x(b)`).
fn chord_slope(a: Pt, b: Pt) -> Result<U384, ProofError> {
    Ok(fmul(fsub(b.y, a.y), finv(fsub(b.x, a.x))?))
}

/// The point `a + b` given the slope λ of the line through them (or the tangent).
fn apply(lambda: U384, a: Pt, b: Pt) -> Pt {
    let x = fsub(fsub(fmul(lambda, lambda), a.x), b.x);
    let y = fsub(fmul(lambda, fsub(a.x, x)), a.y);
    Pt { x, y }
}

/// Affine addition with every case (as `add` in the Python reference).
fn add(a: Option<Pt>, b: Option<Pt>) -> Result<Option<Pt>, ProofError> {
    let (a, b) = match (a, b) {
        (None, other) | (other, None) => return Ok(other),
        (Some(a), Some(b)) => (a, b),
    };
    if a.x == b.x {
        if fadd(a.y, b.y).is_zero() {
            return Ok(None);
        }
        return Ok(Some(apply(double_slope(a)?, a, a)));
    }
    Ok(Some(apply(chord_slope(a, b)?, a, b)))
}

fn neg(p: Pt) -> Pt {
    Pt {
        x: p.x,
        y: fsub(U384::ZERO, p.y),
    }
}

fn b48(v: U384) -> [u8; 48] {
    v.to_be_bytes::<48>()
}

fn from_be(bytes: &[u8]) -> Result<U384, ProofError> {
    U384::try_from_be_slice(bytes).ok_or(ProofError::Internal("integer wider than 384 bits"))
}

/// An affine point of the `p384` crate as coordinates; `None` for the identity.
fn coordinates(point: &AffinePoint) -> Result<Option<Pt>, ProofError> {
    let sec1 = point.to_sec1_point(false);
    let bytes = sec1.as_bytes();
    if bytes.len() == 1 {
        return Ok(None);
    }
    let x = bytes.get(1..49).ok_or(ProofError::Internal("SEC1 point"))?;
    let y = bytes
        .get(49..97)
        .ok_or(ProofError::Internal("SEC1 point"))?;
    Ok(Some(Pt {
        x: from_be(x)?,
        y: from_be(y)?,
    }))
}

fn scalar(v: U384) -> Result<Scalar, ProofError> {
    Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(b48(v))))
        .ok_or(ProofError::Internal("scalar not below n"))
}

/// `2^192·G`, the base of the contract's second generator table.
fn g192() -> Result<Pt, ProofError> {
    let point = ProjectivePoint::lincomb_vartime(&[(ProjectivePoint::GENERATOR, scalar(HALF)?)])
        .to_affine();
    coordinates(&point)?.ok_or(ProofError::Internal("2^192·G is the identity"))
}

fn generator() -> Result<Pt, ProofError> {
    coordinates(&AffinePoint::GENERATOR)?.ok_or(ProofError::Internal("G is the identity"))
}

/// The decoded hint.
#[derive(Clone, Copy, Debug)]
struct Hint {
    w: U384,
    y_r: U384,
    flags: u8,
    z: U384,
    v: U384,
}

/// `hints.flags` bits, as `P384.sol` reads them.
const FLAG_R_PLUS_N: u8 = 1;
const FLAG_Z_NEG: u8 = 2;
const FLAG_V_NEG: u8 = 4;

impl Hint {
    fn to_bytes(self) -> Result<[u8; HINT_LEN], ProofError> {
        let mut out = [0u8; HINT_LEN];
        let z = b48(self.z);
        let v = b48(self.v);
        // |z|, |v| < 2^196 < 2^256: their top 16 bytes are zero.
        let (z_hi, z_lo) = z.split_at(16);
        let (v_hi, v_lo) = v.split_at(16);
        if z_hi.iter().chain(v_hi).any(|b| *b != 0) {
            return Err(ProofError::Internal("z or v wider than 256 bits"));
        }
        let parts: [&[u8]; 5] = [&b48(self.w), &b48(self.y_r), &[self.flags], z_lo, v_lo];
        let mut at = 0usize;
        for part in parts {
            let end = at
                .checked_add(part.len())
                .ok_or(ProofError::Internal("hint layout"))?;
            out.get_mut(at..end)
                .ok_or(ProofError::Internal("hint layout"))?
                .copy_from_slice(part);
            at = end;
        }
        Ok(out)
    }
}

/// `half_gcd` of the reference: extended Euclid on `(n, u)` stopped at the first remainder below
/// `2^192`; returns `(|z|, z < 0, v)` with `z·u ≡ v (mod n)`. The Bézout coefficients alternate in
/// sign, so only magnitudes are carried: `|t_{i+1}| = |t_{i−1}| + q·|t_i|`.
fn half_gcd(u: U384) -> Result<(U384, bool, U384), ProofError> {
    let (mut r0, mut r1) = (N, u);
    let (mut t0, mut t1) = (U384::ZERO, U384::from(1u64));
    let mut t1_negative = false;
    while r1 >= HALF {
        let (q, rem) = r0.div_rem(r1);
        let next = q
            .checked_mul(t1)
            .and_then(|qt| qt.checked_add(t0))
            .ok_or(ProofError::Internal("Euclid coefficient overflow"))?;
        (r0, r1) = (r1, rem);
        (t0, t1) = (t1, next);
        t1_negative = !t1_negative;
    }
    Ok((t1, t1_negative, r1))
}

/// Parses `r ‖ s` and `x ‖ y`, rejecting what the reference gives an all-zero hint for.
/// The checked inputs: `r`, `s`, and `Q` both as coordinates and as a `p384` point.
struct Inputs {
    r: U384,
    s: U384,
    q: Pt,
    q_point: AffinePoint,
}

fn inputs(signature: &[u8; 96], public_key: &[u8; 96]) -> Result<Inputs, ProofError> {
    let (r, s) = signature.split_at(48);
    let (r, s) = (from_be(r)?, from_be(s)?);
    if r.is_zero() || r >= N {
        return Err(ProofError::RNotInRange);
    }
    if s.is_zero() || s >= N {
        return Err(ProofError::SNotInRange);
    }
    let mut sec1 = [0u8; 97];
    sec1[0] = 0x04;
    sec1.get_mut(1..)
        .ok_or(ProofError::Internal("key layout"))?
        .copy_from_slice(public_key);
    let point =
        p384::PublicKey::from_sec1_bytes(&sec1).map_err(|_| ProofError::InvalidPublicKey)?;
    let q = coordinates(point.as_affine())?.ok_or(ProofError::InvalidPublicKey)?;
    Ok(Inputs {
        r,
        s,
        q,
        q_point: *point.as_affine(),
    })
}

fn compute_hint(e: U384, inputs: &Inputs) -> Result<Hint, ProofError> {
    let Inputs { r, s, q_point, .. } = *inputs;
    let w = s.inv_mod(N).ok_or(ProofError::NotInvertible)?;
    let u1 = e.reduce_mod(N).mul_mod(w, N);
    let u2 = r.mul_mod(w, N);
    // Public inputs only: the variable-time combination is fine.
    let big_r = ProjectivePoint::lincomb_vartime(&[
        (ProjectivePoint::GENERATOR, scalar(u1)?),
        (ProjectivePoint::from(q_point), scalar(u2)?),
    ])
    .to_affine();
    let (y_r, r_plus_n) = match coordinates(&big_r)? {
        None => (U384::ZERO, false),
        Some(point) => (point.y, point.x >= N && point.x.wrapping_sub(N) == r),
    };
    let (z, z_negative, v) = half_gcd(u2)?;
    if z.is_zero() || z >= Z_V_BOUND || v >= Z_V_BOUND {
        return Err(ProofError::Internal(
            "half-GCD outside the contract's bounds",
        ));
    }
    let mut flags = 0u8;
    if r_plus_n {
        flags |= FLAG_R_PLUS_N;
    }
    if z_negative {
        flags |= FLAG_Z_NEG;
    }
    Ok(Hint {
        w,
        y_r,
        flags,
        z,
        v,
    })
}

/// The `P384.verifyWithHint` hint for a SHA-384 `digest`, a raw `r ‖ s` signature and a raw
/// `x ‖ y` public key: `w = s⁻¹`, `y(R)`, flags (bit 0: `x(R) = r + n`; bit 1: `z < 0`; bit 2:
/// `v < 0`), `|z|`, `|v|`. Like the reference, a hint is produced for any in-range signature, valid
/// or not (an invalid one then simply fails on chain).
///
/// # Errors
/// [`ProofError::RNotInRange`] / [`ProofError::SNotInRange`] for `r` or `s` outside `[1, n)`,
/// [`ProofError::InvalidPublicKey`] for a key that is not a point of the curve (the reference
/// emits 161 zero bytes for all three; the contract rejects such inputs before reading a hint).
pub fn hint(
    digest: &[u8; 48],
    signature: &[u8; 96],
    public_key: &[u8; 96],
) -> Result<[u8; HINT_LEN], ProofError> {
    compute_hint(from_be(digest)?, &inputs(signature, public_key)?)?.to_bytes()
}

/// The `P384.verifyWithTrace` proof: the [`hint`] followed by one 48-byte slope per step of the
/// contract's ladder (see [`slopes`]).
///
/// # Errors
/// Those of [`hint`], and [`ProofError::RAtInfinity`], [`ProofError::LadderDegenerate`] or
/// [`ProofError::NotOnChainValid`] where the reference has no trace.
pub fn trace(
    digest: &[u8; 48],
    signature: &[u8; 96],
    public_key: &[u8; 96],
) -> Result<Vec<u8>, ProofError> {
    let checked = inputs(signature, public_key)?;
    let e = from_be(digest)?;
    let hint = compute_hint(e, &checked)?;
    let mut out = hint.to_bytes()?.to_vec();
    out.extend_from_slice(&slopes(e, checked.r, checked.q, &hint)?);
    Ok(out)
}

/// Width-`w` NAF digits of `v`, least significant first (the recoding of `P384._wnaf`).
fn wnaf(value: U384, width: u32) -> Result<Vec<i8>, ProofError> {
    // Inputs are below 2^197, so v (at most value + 2^width) never nears 2^384.
    let mut v = value;
    let window = 1u64
        .checked_shl(width)
        .ok_or(ProofError::Internal("wNAF width"))?;
    let half = window
        .checked_shr(1)
        .ok_or(ProofError::Internal("wNAF width"))?;
    let mut digits = Vec::with_capacity(200);
    while !v.is_zero() {
        let low = v.as_limbs().first().copied().unwrap_or_default();
        let digit: i8 = if low & 1 == 1 {
            let d = low & window.wrapping_sub(1);
            if d >= half {
                let magnitude = window.wrapping_sub(d);
                v = v
                    .checked_add(U384::from(magnitude))
                    .ok_or(ProofError::Internal("wNAF overflow"))?;
                i8::try_from(magnitude)
                    .map_err(|_| ProofError::Internal("wNAF digit"))?
                    .wrapping_neg()
            } else {
                v = v.wrapping_sub(U384::from(d));
                i8::try_from(d).map_err(|_| ProofError::Internal("wNAF digit"))?
            }
        } else {
            0
        };
        digits.push(digit);
        v = v.wrapping_shr(1);
    }
    Ok(digits)
}

/// Odd multiples `1P, 3P, …, 31P` (index `j` holds `(2j+1)P`).
fn odd_multiples(p: Pt) -> Result<Vec<Pt>, ProofError> {
    let two = add(Some(p), Some(p))?;
    let mut table = vec![p];
    let mut acc = Some(p);
    for _ in 0..15 {
        acc = add(acc, two)?;
        table.push(acc.ok_or(ProofError::Internal("table entry at infinity"))?);
    }
    Ok(table)
}

/// One term of the interleaved ladder: a base's odd-multiple table, its digits, and whether the
/// term enters negated.
struct Term {
    table: Vec<Pt>,
    digits: Vec<i8>,
    negate: bool,
}

/// The slopes of `trace_for`: first the table slopes for `Q` then `R` (the doubling to `2P`, then
/// the additions `(2j+1)P = (2j−1)P + 2P`, `j = 1..7`), then the ladder of the four terms
/// `t_lo·G + t_hi·2^192·G ± v·Q ∓ z·R` from the top digit down, one slope per doubling and per
/// addition except the first addition (a copy of a table entry) and the last one (which must reach
/// the point at infinity and is checked, not traced).
fn slopes(e: U384, r: U384, q: Pt, hint: &Hint) -> Result<Vec<u8>, ProofError> {
    let x_r = if hint.flags & FLAG_R_PLUS_N != 0 {
        r.checked_add(N).ok_or(ProofError::Internal("r + n"))?
    } else {
        r
    };
    if hint.y_r.is_zero() {
        return Err(ProofError::RAtInfinity);
    }
    let big_r = Pt {
        x: x_r,
        y: hint.y_r,
    };
    let z_negative = hint.flags & FLAG_Z_NEG != 0;
    let v_negative = hint.flags & FLAG_V_NEG != 0;
    let u1 = e.reduce_mod(N).mul_mod(hint.w, N);
    let mut t = hint.z.mul_mod(u1, N);
    if z_negative {
        t = N.wrapping_sub(t).reduce_mod(N);
    }
    let t_bytes = b48(t);
    let (t_hi, t_lo) = t_bytes.split_at(24);
    let terms = [
        (generator()?, wnaf(from_be(t_lo)?, W_G)?, false),
        (g192()?, wnaf(from_be(t_hi)?, W_G)?, false),
        (q, wnaf(hint.v, W_QR)?, v_negative),
        (big_r, wnaf(hint.z, W_QR)?, !z_negative),
    ];
    let terms = terms
        .into_iter()
        .map(|(base, digits, negate)| {
            Ok(Term {
                table: odd_multiples(base)?,
                digits,
                negate,
            })
        })
        .collect::<Result<Vec<Term>, ProofError>>()?;

    let mut out = Vec::with_capacity(SLOPE_LEN.saturating_mul(420));
    for base in [q, big_r] {
        out.extend_from_slice(&b48(double_slope(base)?));
        let two = apply(double_slope(base)?, base, base);
        let mut acc = base;
        for _ in 0..7 {
            let lambda = chord_slope(acc, two)?;
            out.extend_from_slice(&b48(lambda));
            acc = apply(lambda, acc, two);
        }
    }

    let length = terms.iter().map(|t| t.digits.len()).max().unwrap_or(0);
    // The lowest digit position holding a nonzero digit, and the last term with a digit there: the
    // contract's final addition.
    let final_i = terms
        .iter()
        .filter_map(|t| t.digits.iter().position(|d| *d != 0))
        .min()
        .ok_or(ProofError::Internal("all digits zero"))?;
    let final_k = terms
        .iter()
        .rposition(|t| t.digits.get(final_i).is_some_and(|d| *d != 0))
        .ok_or(ProofError::Internal("final term"))?;

    let mut acc: Option<Pt> = None;
    for i in (0..length).rev() {
        if let Some(a) = acc {
            let lambda = double_slope(a)?;
            out.extend_from_slice(&b48(lambda));
            acc = Some(apply(lambda, a, a));
        }
        for (k, term) in terms.iter().enumerate() {
            let d = term.digits.get(i).copied().unwrap_or(0);
            if d == 0 {
                continue;
            }
            let d = if term.negate { d.wrapping_neg() } else { d };
            let index = usize::from(d.unsigned_abs().wrapping_shr(1));
            let entry = *term
                .table
                .get(index)
                .ok_or(ProofError::Internal("digit beyond table"))?;
            let tp = if d < 0 { neg(entry) } else { entry };
            match acc {
                None => acc = Some(tp),
                Some(a) if (i, k) == (final_i, final_k) => {
                    return if add(Some(a), Some(tp))?.is_none() {
                        Ok(out)
                    } else {
                        Err(ProofError::NotOnChainValid)
                    };
                }
                Some(a) => {
                    if a.x == tp.x {
                        return Err(ProofError::LadderDegenerate { digit: i, term: k });
                    }
                    let lambda = chord_slope(a, tp)?;
                    out.extend_from_slice(&b48(lambda));
                    acc = Some(apply(lambda, a, tp));
                }
            }
        }
    }
    Err(ProofError::Internal("no final addition"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wnaf_matches_definition() {
        // 0b1011 = 11 with width 5: one digit 11; 31 with width 5 → -1 then +1 at 2^5.
        assert_eq!(wnaf(U384::from(11u64), 5).unwrap(), vec![11]);
        assert_eq!(wnaf(U384::from(31u64), 5).unwrap(), vec![-1, 0, 0, 0, 0, 1]);
        for v in [1u64, 2, 7, 1000, 123_456_789, u64::MAX] {
            let digits = wnaf(U384::from(v), 6).unwrap();
            let mut sum: i128 = 0;
            for (i, d) in digits.iter().enumerate() {
                sum = sum
                    .checked_add(
                        i128::from(*d)
                            .checked_shl(u32::try_from(i).unwrap())
                            .unwrap(),
                    )
                    .unwrap();
            }
            assert_eq!(sum, i128::from(v));
        }
    }

    #[test]
    fn half_gcd_relation() {
        let u = N.wrapping_sub(U384::from(12345u64));
        let (z, neg, v) = half_gcd(u).unwrap();
        let zu = z.mul_mod(u, N);
        let lhs = if neg {
            N.wrapping_sub(zu).reduce_mod(N)
        } else {
            zu
        };
        assert_eq!(lhs, v);
        assert!(v < HALF);
    }
}
