//! Strict readers for the JSON the execution and beacon APIs return.
//!
//! Execution JSON-RPC (`eth_*`) writes quantities as `0x`-prefixed hex without leading zeros and
//! byte strings as `0x`-prefixed hex of exact length; the Beacon API writes integers as decimal
//! strings. Anything else is rejected with the object, index and field named, so a malformed
//! response never becomes a value.

use super::error::{JsonProblem, SpvError};
use alloy_primitives::{Address, B256, Bloom, Bytes, U256};
use serde_json::{Map, Value};

/// One JSON object being read, with the names used in errors.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    object: &'static str,
    index: Option<usize>,
}

impl<'a> Obj<'a> {
    /// Reads `value` as an object called `object` (element `index` of a list, if any).
    pub(crate) fn new(
        value: &'a Value,
        object: &'static str,
        index: Option<usize>,
    ) -> Result<Self, SpvError> {
        match value {
            Value::Object(map) => Ok(Self { map, object, index }),
            _ => Err(SpvError::Json {
                object,
                index,
                field: "",
                problem: JsonProblem::WrongType,
            }),
        }
    }

    /// The error for `field` of this object.
    pub(crate) fn error(&self, field: &'static str, problem: JsonProblem) -> SpvError {
        SpvError::Json {
            object: self.object,
            index: self.index,
            field,
            problem,
        }
    }

    /// The raw value of `field`, `None` when absent or `null`.
    pub(crate) fn get(&self, field: &'static str) -> Option<&'a Value> {
        self.map.get(field).filter(|value| !value.is_null())
    }

    fn str(&self, field: &'static str) -> Result<&'a str, SpvError> {
        self.opt_str(field)?
            .ok_or_else(|| self.error(field, JsonProblem::Missing))
    }

    fn opt_str(&self, field: &'static str) -> Result<Option<&'a str>, SpvError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(self.error(field, JsonProblem::WrongType)),
        }
    }

    /// A byte string of any length up to `max`.
    pub(crate) fn bytes(&self, field: &'static str, max: usize) -> Result<Bytes, SpvError> {
        let text = self.str(field)?;
        let bytes = hex_bytes(text).map_err(|problem| self.error(field, problem))?;
        if bytes.len() > max {
            return Err(self.error(
                field,
                JsonProblem::Length {
                    expected: max,
                    got: bytes.len(),
                },
            ));
        }
        Ok(Bytes::from(bytes))
    }

    /// A byte string of exactly `N` bytes.
    pub(crate) fn fixed<const N: usize>(&self, field: &'static str) -> Result<[u8; N], SpvError> {
        let text = self.str(field)?;
        fixed_hex::<N>(text).map_err(|problem| self.error(field, problem))
    }

    /// An optional byte string of exactly `N` bytes.
    pub(crate) fn opt_fixed<const N: usize>(
        &self,
        field: &'static str,
    ) -> Result<Option<[u8; N]>, SpvError> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(text) => fixed_hex::<N>(text)
                .map(Some)
                .map_err(|problem| self.error(field, problem)),
        }
    }

    /// A 32-byte hash.
    pub(crate) fn b256(&self, field: &'static str) -> Result<B256, SpvError> {
        self.fixed::<32>(field).map(B256::from)
    }

    /// An optional 32-byte hash.
    pub(crate) fn opt_b256(&self, field: &'static str) -> Result<Option<B256>, SpvError> {
        Ok(self.opt_fixed::<32>(field)?.map(B256::from))
    }

    /// A 20-byte address.
    pub(crate) fn address(&self, field: &'static str) -> Result<Address, SpvError> {
        self.fixed::<20>(field).map(Address::from)
    }

    /// A 256-byte logs bloom.
    pub(crate) fn bloom(&self, field: &'static str) -> Result<Bloom, SpvError> {
        self.fixed::<256>(field).map(Bloom::from)
    }

    /// A JSON-RPC quantity that fits `u64`.
    pub(crate) fn quantity_u64(&self, field: &'static str) -> Result<u64, SpvError> {
        let value = self.quantity_u256(field)?;
        u64::try_from(value).map_err(|_| self.error(field, JsonProblem::Overflow))
    }

    /// An optional JSON-RPC quantity that fits `u64`.
    pub(crate) fn opt_quantity_u64(&self, field: &'static str) -> Result<Option<u64>, SpvError> {
        match self.opt_quantity_u256(field)? {
            None => Ok(None),
            Some(value) => u64::try_from(value)
                .map(Some)
                .map_err(|_| self.error(field, JsonProblem::Overflow)),
        }
    }

    /// A JSON-RPC quantity up to 256 bits.
    pub(crate) fn quantity_u256(&self, field: &'static str) -> Result<U256, SpvError> {
        self.opt_quantity_u256(field)?
            .ok_or_else(|| self.error(field, JsonProblem::Missing))
    }

    /// An optional JSON-RPC quantity up to 256 bits.
    pub(crate) fn opt_quantity_u256(&self, field: &'static str) -> Result<Option<U256>, SpvError> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(text) => quantity(text)
                .map(Some)
                .map_err(|problem| self.error(field, problem)),
        }
    }

    /// A Beacon-API decimal integer that fits `u64`.
    pub(crate) fn decimal_u64(&self, field: &'static str) -> Result<u64, SpvError> {
        let value = self.decimal_u256(field)?;
        u64::try_from(value).map_err(|_| self.error(field, JsonProblem::Overflow))
    }

    /// A Beacon-API decimal integer up to 256 bits.
    pub(crate) fn decimal_u256(&self, field: &'static str) -> Result<U256, SpvError> {
        let text = self.str(field)?;
        decimal(text).map_err(|problem| self.error(field, problem))
    }

    /// An array of at most `max` elements.
    pub(crate) fn array(&self, field: &'static str, max: usize) -> Result<&'a [Value], SpvError> {
        match self.get(field) {
            None => Err(self.error(field, JsonProblem::Missing)),
            Some(Value::Array(items)) if items.len() <= max => Ok(items),
            Some(Value::Array(items)) => Err(self.error(
                field,
                JsonProblem::TooMany {
                    max,
                    got: items.len(),
                },
            )),
            Some(_) => Err(self.error(field, JsonProblem::WrongType)),
        }
    }
}

/// Reads a string element of an array as a byte string of at most `max` bytes.
pub(crate) fn element_bytes(
    value: &Value,
    object: &'static str,
    index: usize,
    max: usize,
) -> Result<Bytes, SpvError> {
    let error = |problem| SpvError::Json {
        object,
        index: Some(index),
        field: "",
        problem,
    };
    let Value::String(text) = value else {
        return Err(error(JsonProblem::WrongType));
    };
    let bytes = hex_bytes(text).map_err(error)?;
    if bytes.len() > max {
        return Err(error(JsonProblem::Length {
            expected: max,
            got: bytes.len(),
        }));
    }
    Ok(Bytes::from(bytes))
}

/// Reads a string element of an array as exactly `N` bytes.
pub(crate) fn element_fixed<const N: usize>(
    value: &Value,
    object: &'static str,
    index: usize,
) -> Result<[u8; N], SpvError> {
    let error = |problem| SpvError::Json {
        object,
        index: Some(index),
        field: "",
        problem,
    };
    let Value::String(text) = value else {
        return Err(error(JsonProblem::WrongType));
    };
    fixed_hex::<N>(text).map_err(error)
}

/// Decodes `0x`-prefixed hex (lower or upper case) of any even length.
pub(crate) fn hex_bytes(text: &str) -> Result<Vec<u8>, JsonProblem> {
    let digits = text.strip_prefix("0x").ok_or(JsonProblem::NotHex)?;
    alloy_primitives::hex::decode(digits).map_err(|_| JsonProblem::NotHex)
}

/// Decodes `0x`-prefixed hex of exactly `N` bytes.
pub(crate) fn fixed_hex<const N: usize>(text: &str) -> Result<[u8; N], JsonProblem> {
    let bytes = hex_bytes(text)?;
    let got = bytes.len();
    <[u8; N]>::try_from(bytes).map_err(|_| JsonProblem::Length { expected: N, got })
}

/// Decodes a JSON-RPC quantity: `0x` then hex digits without leading zeros (`0x0` for zero).
pub(crate) fn quantity(text: &str) -> Result<U256, JsonProblem> {
    let digits = text.strip_prefix("0x").ok_or(JsonProblem::NotHex)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(JsonProblem::NotHex);
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(JsonProblem::LeadingZero);
    }
    if digits.len() > 64 {
        return Err(JsonProblem::Overflow);
    }
    U256::from_str_radix(digits, 16).map_err(|_| JsonProblem::Overflow)
}

/// Decodes a Beacon-API decimal integer string without leading zeros.
pub(crate) fn decimal(text: &str) -> Result<U256, JsonProblem> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(JsonProblem::NotDecimal);
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(JsonProblem::LeadingZero);
    }
    // 2^256 has 78 decimal digits.
    if text.len() > 78 {
        return Err(JsonProblem::Overflow);
    }
    U256::from_str_radix(text, 10).map_err(|_| JsonProblem::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_canonical() {
        assert_eq!(quantity("0x0"), Ok(U256::ZERO));
        assert_eq!(quantity("0x1f"), Ok(U256::from(31)));
        assert_eq!(quantity("0x01"), Err(JsonProblem::LeadingZero));
        assert_eq!(quantity("0x"), Err(JsonProblem::NotHex));
        assert_eq!(quantity("1f"), Err(JsonProblem::NotHex));
        assert_eq!(
            quantity(&format!("0x1{}", "0".repeat(64))),
            Err(JsonProblem::Overflow)
        );
    }

    #[test]
    fn decimals_are_canonical() {
        assert_eq!(decimal("17923026"), Ok(U256::from(17_923_026)));
        assert_eq!(decimal("007"), Err(JsonProblem::LeadingZero));
        assert_eq!(decimal("-1"), Err(JsonProblem::NotDecimal));
    }

    #[test]
    fn fixed_lengths() {
        assert_eq!(fixed_hex::<2>("0xabCD"), Ok([0xab, 0xcd]));
        assert_eq!(
            fixed_hex::<2>("0xab"),
            Err(JsonProblem::Length {
                expected: 2,
                got: 1
            })
        );
        assert_eq!(fixed_hex::<1>("0xabc"), Err(JsonProblem::NotHex));
    }
}
