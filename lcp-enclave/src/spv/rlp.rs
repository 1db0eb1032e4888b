//! Bounded RLP reading for SPV structures: one canonical item spanning the whole input, fields read
//! in order, and nothing left over. alloy-rlp already rejects non-canonical lengths, single bytes
//! wrapped in a string header and integers with leading zeros; this module adds the "whole input"
//! and "no extra fields" rules and names the structure in every error.

use super::error::SpvError;
use alloy_primitives::{Address, Bytes};
use alloy_rlp::{Decodable, Header};

/// Returns the payload of the RLP list that is exactly `bytes`.
///
/// # Errors
/// `bytes` is not one canonical RLP list, or bytes follow it.
pub(crate) fn whole_list<'a>(bytes: &'a [u8], what: &'static str) -> Result<&'a [u8], SpvError> {
    let mut buf = bytes;
    let header = Header::decode(&mut buf).map_err(|source| SpvError::rlp(what, source))?;
    if !header.list {
        return Err(SpvError::rlp(what, alloy_rlp::Error::UnexpectedString));
    }
    let (payload, rest) = buf
        .split_at_checked(header.payload_length)
        .ok_or_else(|| SpvError::rlp(what, alloy_rlp::Error::InputTooShort))?;
    if !rest.is_empty() {
        return Err(SpvError::TrailingBytes {
            what,
            count: rest.len(),
        });
    }
    Ok(payload)
}

/// Reads the fields of one RLP list payload in order.
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    buf: &'a [u8],
    what: &'static str,
    index: Option<usize>,
}

impl<'a> Fields<'a> {
    /// Starts reading the list that is exactly `bytes`.
    pub(crate) fn of_list(bytes: &'a [u8], what: &'static str) -> Result<Self, SpvError> {
        Ok(Self {
            buf: whole_list(bytes, what)?,
            what,
            index: None,
        })
    }

    /// Starts reading a list payload already split off its header.
    pub(crate) fn of_payload(payload: &'a [u8], what: &'static str, index: Option<usize>) -> Self {
        Self {
            buf: payload,
            what,
            index,
        }
    }

    fn error(&self, source: alloy_rlp::Error) -> SpvError {
        SpvError::Rlp {
            what: self.what,
            index: self.index,
            source,
        }
    }

    /// Decodes the next field.
    pub(crate) fn next<T: Decodable>(&mut self) -> Result<T, SpvError> {
        T::decode(&mut self.buf).map_err(|source| self.error(source))
    }

    /// Decodes the next field as a byte string.
    pub(crate) fn bytes(&mut self) -> Result<Bytes, SpvError> {
        self.next::<Bytes>()
    }

    /// Decodes the next field as a contract-creation-aware `to`: empty string or 20 bytes.
    pub(crate) fn optional_address(&mut self) -> Result<Option<Address>, SpvError> {
        let bytes = Header::decode_bytes(&mut self.buf, false).map_err(|e| self.error(e))?;
        match bytes.len() {
            0 => Ok(None),
            20 => Ok(Some(Address::from_slice(bytes))),
            _ => Err(self.error(alloy_rlp::Error::UnexpectedLength)),
        }
    }

    /// Returns the payload of the next field, which must be a list.
    pub(crate) fn list_payload(&mut self) -> Result<&'a [u8], SpvError> {
        let header = Header::decode(&mut self.buf).map_err(|e| self.error(e))?;
        if !header.list {
            return Err(self.error(alloy_rlp::Error::UnexpectedString));
        }
        let (payload, rest) = self
            .buf
            .split_at_checked(header.payload_length)
            .ok_or_else(|| self.error(alloy_rlp::Error::InputTooShort))?;
        self.buf = rest;
        Ok(payload)
    }

    /// Whether every field has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Requires that every field has been read.
    pub(crate) fn finish(self) -> Result<(), SpvError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(self.error(alloy_rlp::Error::ListLengthMismatch {
                expected: 0,
                got: self.buf.len(),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;

    #[test]
    fn whole_list_rejects_trailing_and_strings() {
        assert_eq!(whole_list(&[0xc1, 0x01], "t"), Ok(&[0x01][..]));
        assert_eq!(
            whole_list(&[0xc1, 0x01, 0x00], "t"),
            Err(SpvError::TrailingBytes {
                what: "t",
                count: 1
            })
        );
        assert_eq!(
            whole_list(&[0x81, 0x80], "t"),
            Err(SpvError::rlp("t", alloy_rlp::Error::UnexpectedString))
        );
        assert_eq!(
            whole_list(&[0xc2, 0x01], "t"),
            Err(SpvError::rlp("t", alloy_rlp::Error::InputTooShort))
        );
    }

    #[test]
    fn integers_must_be_canonical() {
        // 0x82 0x00 0x01: the integer 1 with a leading zero byte.
        let mut fields = Fields::of_payload(&[0x82, 0x00, 0x01], "t", None);
        assert!(matches!(fields.next::<u64>(), Err(SpvError::Rlp { .. })));
        let mut fields = Fields::of_payload(&[0x82, 0x00, 0x01], "t", None);
        assert!(matches!(fields.next::<U256>(), Err(SpvError::Rlp { .. })));
        // 0x81 0x05: a single byte below 0x80 wrapped in a string header.
        let mut fields = Fields::of_payload(&[0x81, 0x05], "t", None);
        assert!(matches!(fields.next::<u64>(), Err(SpvError::Rlp { .. })));
    }
}
