//! A strict, bounded CBOR (RFC 8949) reader for exactly what Nitro documents use.
//!
//! Accepted: unsigned and negative integers, definite-length byte and text strings, arrays and maps
//! (definite or indefinite length: newer NSM versions write `0xBF … 0xFF` maps), tags (the caller
//! decides where a tag may stand), `false`, `true` and `null`. Rejected: indefinite-length (chunked)
//! strings, floats, other simple values, reserved additional-information values, duplicate map keys,
//! nesting deeper than [`MAX_DEPTH`], trailing bytes after the top-level item.
//!
//! Chunked strings are REJECTED (as [`CborError::IndefiniteNotAllowed`] with major type 2 or 3): no
//! AWS field uses them, DESIGN.md §5.1 requires indefinite maps only, and the Solidity decoder slices
//! certificates and PCRs out of calldata, which needs contiguous strings. Same rule on both sides.
//!
//! Non-canonical heads (an integer or length encoded in more bytes than needed, e.g. `0x18 0x05`
//! for 5) are REJECTED. AWS's NSM encodes with serde_cbor, which always emits the shortest head,
//! and a second encoding of the same value is what a signature-malleability or parser-differential
//! attack needs. The Solidity decoder applies the same rule so both verifiers agree byte for byte.
//! Map key order is not checked: AWS writes the payload keys in struct order, not canonical order.

use crate::error::CborError;
use std::borrow::Cow;

/// Deepest nesting accepted. A Nitro document nests two levels inside the payload map (the `pcrs`
/// map and the `cabundle` array) and the COSE envelope is one array; 8 leaves room without
/// letting hostile input recurse without bound (base/nitro-validator bounds its decoder the same way).
pub const MAX_DEPTH: usize = 8;

/// Most items one array or map may hold. The largest collection in a document is `pcrs` (at most
/// 32 entries per the AWS attestation specification); 64 bounds work on hostile input.
pub const MAX_ITEMS: usize = 64;

/// A decoded CBOR item. Strings borrow from the input (they are never chunked); `Cow` lets
/// callers build owned values too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// Major type 0.
    Unsigned(u64),
    /// Major type 1: the value is `-1 - n`; `n` is stored.
    Negative(u64),
    /// Major type 2.
    Bytes(Cow<'a, [u8]>),
    /// Major type 3 (valid UTF-8).
    Text(Cow<'a, str>),
    /// Major type 4.
    Array(Vec<Value<'a>>),
    /// Major type 5, in input order, keys unique.
    Map(Vec<(Value<'a>, Value<'a>)>),
    /// Major type 6: tag number and tagged item.
    Tag(u64, Box<Value<'a>>),
    /// Simple values 20 and 21.
    Bool(bool),
    /// Simple value 22.
    Null,
}

impl Value<'_> {
    /// A short name of the item's type, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Unsigned(_) => "unsigned integer",
            Value::Negative(_) => "negative integer",
            Value::Bytes(_) => "byte string",
            Value::Text(_) => "text string",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Tag(..) => "tag",
            Value::Bool(_) => "bool",
            Value::Null => "null",
        }
    }
}

/// Decodes exactly one item spanning all of `input`.
///
/// # Errors
/// Any malformed or unsupported encoding, a limit exceeded, duplicate map keys or trailing bytes.
pub fn decode(input: &[u8]) -> Result<Value<'_>, CborError> {
    let mut reader = Reader { input, pos: 0 };
    let value = reader.item(0)?;
    if reader.pos != input.len() {
        return Err(CborError::TrailingBytes { offset: reader.pos });
    }
    Ok(value)
}

/// An item head: major type and argument, or `None` for indefinite length.
struct Head {
    major: u8,
    info: u8,
    argument: Option<u64>,
    offset: usize,
}

struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, CborError> {
        let byte = *self
            .input
            .get(self.pos)
            .ok_or(CborError::UnexpectedEnd { offset: self.pos })?;
        self.pos = self
            .pos
            .checked_add(1)
            .ok_or(CborError::UnexpectedEnd { offset: self.pos })?;
        Ok(byte)
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], CborError> {
        let offset = self.pos;
        let len = usize::try_from(len).map_err(|_| CborError::UnexpectedEnd { offset })?;
        let end = offset
            .checked_add(len)
            .ok_or(CborError::UnexpectedEnd { offset })?;
        let slice = self
            .input
            .get(offset..end)
            .ok_or(CborError::UnexpectedEnd { offset })?;
        self.pos = end;
        Ok(slice)
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn head(&mut self) -> Result<Head, CborError> {
        let offset = self.pos;
        let initial = self.byte()?;
        let major = initial >> 5;
        let info = initial & 0x1f;
        let argument = match info {
            0..=23 => Some(u64::from(info)),
            24 => Some(self.uint_bytes(1, 23, major, offset)?),
            25 => Some(self.uint_bytes(2, 0xff, major, offset)?),
            26 => Some(self.uint_bytes(4, 0xffff, major, offset)?),
            27 => Some(self.uint_bytes(8, 0xffff_ffff, major, offset)?),
            31 => None,
            _ => return Err(CborError::ReservedAdditionalInfo { offset, info }),
        };
        Ok(Head {
            major,
            info,
            argument,
            offset,
        })
    }

    /// Big-endian integer of `len` bytes that must exceed `shorter_max` (else a shorter head fits).
    /// Major type 7 (simple values and floats) is exempt: its argument is not an integer, and it is
    /// rejected later unless it is false/true/null.
    fn uint_bytes(
        &mut self,
        len: u64,
        shorter_max: u64,
        major: u8,
        offset: usize,
    ) -> Result<u64, CborError> {
        let bytes = self.take(len)?;
        let mut be = [0u8; 8];
        let start = 8usize.saturating_sub(bytes.len());
        be.get_mut(start..)
            .ok_or(CborError::UnexpectedEnd { offset })?
            .copy_from_slice(bytes);
        let value = u64::from_be_bytes(be);
        if major != 7 && value <= shorter_max {
            return Err(CborError::NonCanonicalHead { offset });
        }
        Ok(value)
    }

    fn item(&mut self, depth: usize) -> Result<Value<'a>, CborError> {
        let head = self.head()?;
        let offset = head.offset;
        if depth >= MAX_DEPTH {
            return Err(CborError::DepthExceeded {
                offset,
                max: MAX_DEPTH,
            });
        }
        match (head.major, head.argument) {
            (0, Some(n)) => Ok(Value::Unsigned(n)),
            (1, Some(n)) => Ok(Value::Negative(n)),
            (2, Some(len)) => Ok(Value::Bytes(Cow::Borrowed(self.take(len)?))),
            (3, Some(len)) => {
                let bytes = self.take(len)?;
                let text =
                    core::str::from_utf8(bytes).map_err(|_| CborError::InvalidUtf8 { offset })?;
                Ok(Value::Text(Cow::Borrowed(text)))
            }
            (4, count) => {
                let mut items = Vec::new();
                self.collection(count, offset, depth, |reader, depth| {
                    items.push(reader.item(depth)?);
                    Ok(())
                })?;
                Ok(Value::Array(items))
            }
            (5, count) => {
                let mut entries: Vec<(Value<'a>, Value<'a>)> = Vec::new();
                self.collection(count, offset, depth, |reader, depth| {
                    let key_offset = reader.pos;
                    let key = reader.item(depth)?;
                    if entries.iter().any(|(existing, _)| *existing == key) {
                        return Err(CborError::DuplicateKey { offset: key_offset });
                    }
                    let value = reader.item(depth)?;
                    entries.push((key, value));
                    Ok(())
                })?;
                Ok(Value::Map(entries))
            }
            (6, Some(tag)) => {
                let inner = self.item(depth.checked_add(1).ok_or(CborError::DepthExceeded {
                    offset,
                    max: MAX_DEPTH,
                })?)?;
                Ok(Value::Tag(tag, Box::new(inner)))
            }
            (7, Some(_)) => match head.info {
                20 => Ok(Value::Bool(false)),
                21 => Ok(Value::Bool(true)),
                22 => Ok(Value::Null),
                _ => Err(CborError::UnsupportedSimple {
                    offset,
                    info: head.info,
                }),
            },
            (7, None) => Err(CborError::UnexpectedBreak { offset }),
            (major, _) => Err(CborError::IndefiniteNotAllowed { offset, major }),
        }
    }

    /// Reads the elements of an array or map: `count` of them, or until a break when indefinite.
    fn collection(
        &mut self,
        count: Option<u64>,
        offset: usize,
        depth: usize,
        mut element: impl FnMut(&mut Self, usize) -> Result<(), CborError>,
    ) -> Result<(), CborError> {
        let inner = depth.checked_add(1).ok_or(CborError::DepthExceeded {
            offset,
            max: MAX_DEPTH,
        })?;
        match count {
            Some(count) => {
                let count = usize::try_from(count).map_err(|_| CborError::TooManyItems {
                    offset,
                    max: MAX_ITEMS,
                })?;
                if count > MAX_ITEMS {
                    return Err(CborError::TooManyItems {
                        offset,
                        max: MAX_ITEMS,
                    });
                }
                for _ in 0..count {
                    element(self, inner)?;
                }
            }
            None => {
                let mut seen = 0usize;
                loop {
                    if self.peek() == Some(0xff) {
                        self.pos = self
                            .pos
                            .checked_add(1)
                            .ok_or(CborError::UnexpectedEnd { offset })?;
                        break;
                    }
                    if seen >= MAX_ITEMS {
                        return Err(CborError::TooManyItems {
                            offset,
                            max: MAX_ITEMS,
                        });
                    }
                    element(self, inner)?;
                    seen = seen.checked_add(1).ok_or(CborError::TooManyItems {
                        offset,
                        max: MAX_ITEMS,
                    })?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(v: &[u8]) -> Value<'_> {
        Value::Bytes(Cow::Borrowed(v))
    }

    #[test]
    fn integers_and_heads() {
        assert_eq!(decode(&[0x05]), Ok(Value::Unsigned(5)));
        assert_eq!(decode(&[0x18, 0x18]), Ok(Value::Unsigned(24)));
        assert_eq!(decode(&[0x19, 0x01, 0x00]), Ok(Value::Unsigned(256)));
        assert_eq!(decode(&[0x38, 0x22]), Ok(Value::Negative(34)));
        assert_eq!(
            decode(&[0x1b, 0, 0, 0, 1, 0, 0, 0, 0]),
            Ok(Value::Unsigned(1 << 32))
        );
    }

    #[test]
    fn non_canonical_heads_rejected() {
        assert_eq!(
            decode(&[0x18, 0x05]),
            Err(CborError::NonCanonicalHead { offset: 0 })
        );
        assert_eq!(
            decode(&[0x19, 0x00, 0xff]),
            Err(CborError::NonCanonicalHead { offset: 0 })
        );
        assert_eq!(
            decode(&[0x1a, 0, 0, 0xff, 0xff]),
            Err(CborError::NonCanonicalHead { offset: 0 })
        );
        assert_eq!(
            decode(&[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
            Err(CborError::NonCanonicalHead { offset: 0 })
        );
        // A length head too.
        assert_eq!(
            decode(&[0x58, 0x01, 0xaa]),
            Err(CborError::NonCanonicalHead { offset: 0 })
        );
    }

    #[test]
    fn reserved_and_simple_values() {
        assert_eq!(
            decode(&[0x1c]),
            Err(CborError::ReservedAdditionalInfo {
                offset: 0,
                info: 28
            })
        );
        assert_eq!(decode(&[0xf6]), Ok(Value::Null));
        assert_eq!(decode(&[0xf5]), Ok(Value::Bool(true)));
        assert_eq!(
            decode(&[0xf7]),
            Err(CborError::UnsupportedSimple {
                offset: 0,
                info: 23
            })
        );
        assert_eq!(
            decode(&[0xfb, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(CborError::UnsupportedSimple {
                offset: 0,
                info: 27
            })
        );
        assert_eq!(
            decode(&[0xff]),
            Err(CborError::UnexpectedBreak { offset: 0 })
        );
        assert_eq!(
            decode(&[0x1f]),
            Err(CborError::IndefiniteNotAllowed {
                offset: 0,
                major: 0
            })
        );
        assert_eq!(
            decode(&[0xdf]),
            Err(CborError::IndefiniteNotAllowed {
                offset: 0,
                major: 6
            })
        );
    }

    #[test]
    fn strings_definite_only() {
        assert_eq!(decode(&[0x42, 1, 2]), Ok(bytes(&[1, 2])));
        assert_eq!(
            decode(&[0x62, b'a', b'b']),
            Ok(Value::Text(Cow::Borrowed("ab")))
        );
        // Chunked strings are rejected even when well formed.
        assert_eq!(
            decode(&[0x5f, 0x41, 1, 0x42, 2, 3, 0xff]),
            Err(CborError::IndefiniteNotAllowed {
                offset: 0,
                major: 2
            })
        );
        assert_eq!(
            decode(&[0x7f, 0x61, b'a', 0xff]),
            Err(CborError::IndefiniteNotAllowed {
                offset: 0,
                major: 3
            })
        );
        assert_eq!(
            decode(&[0x62, 0xff, 0xfe]),
            Err(CborError::InvalidUtf8 { offset: 0 })
        );
        assert_eq!(
            decode(&[0x43, 1, 2]),
            Err(CborError::UnexpectedEnd { offset: 1 })
        );
    }

    #[test]
    fn maps_and_arrays() {
        let definite = decode(&[0xa2, 0x01, 0x02, 0x03, 0x80]).unwrap();
        let indefinite = decode(&[0xbf, 0x01, 0x02, 0x03, 0x9f, 0xff, 0xff]).unwrap();
        assert_eq!(definite, indefinite);
        assert_eq!(
            decode(&[0xa2, 0x01, 0x02, 0x01, 0x03]),
            Err(CborError::DuplicateKey { offset: 3 })
        );
        assert_eq!(
            decode(&[0xbf, 0x01, 0xff]),
            Err(CborError::UnexpectedBreak { offset: 2 })
        );
        assert_eq!(
            decode(&[0x9f, 0x01]),
            Err(CborError::UnexpectedEnd { offset: 2 })
        );
    }

    #[test]
    fn limits_and_trailing() {
        assert_eq!(
            decode(&[0x01, 0x02]),
            Err(CborError::TrailingBytes { offset: 1 })
        );
        let deep = [0x81u8; MAX_DEPTH + 1];
        assert_eq!(
            decode(&deep),
            Err(CborError::DepthExceeded {
                offset: MAX_DEPTH,
                max: MAX_DEPTH
            })
        );
        assert_eq!(
            decode(&[0x98, 65]),
            Err(CborError::TooManyItems {
                offset: 0,
                max: MAX_ITEMS
            })
        );
        let mut long = vec![0x9f];
        long.extend(std::iter::repeat_n(0x00, MAX_ITEMS + 1));
        long.push(0xff);
        assert_eq!(
            decode(&long),
            Err(CborError::TooManyItems {
                offset: 0,
                max: MAX_ITEMS
            })
        );
        // A length beyond the input never allocates.
        assert_eq!(
            decode(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            Err(CborError::UnexpectedEnd { offset: 9 })
        );
    }

    #[test]
    fn tags() {
        assert_eq!(
            decode(&[0xd2, 0x01]),
            Ok(Value::Tag(18, Box::new(Value::Unsigned(1))))
        );
    }
}
