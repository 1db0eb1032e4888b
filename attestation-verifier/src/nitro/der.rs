//! A strict DER (X.690 §10) reader: definite, minimal lengths only, single-byte tags, every
//! element fully consumed. Length-scoped sub-readers keep each parse inside its parent's bytes.

use crate::error::DerError;

/// Largest element length accepted. AWS limits each certificate to 1024 bytes (attestation
/// document specification, `cert = bytes .size (1..1024)`); 4 KiB bounds any element of one.
pub const MAX_ELEMENT_LEN: usize = 4096;

/// Universal tags used in certificates.
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// IA5String.
    pub const IA5_STRING: u8 = 0x16;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET (constructed).
    pub const SET: u8 = 0x31;
    /// `[0]` EXPLICIT, constructed context-specific.
    pub const CONTEXT_0: u8 = 0xa0;
    /// `[3]` EXPLICIT, constructed context-specific.
    pub const CONTEXT_3: u8 = 0xa3;
}

/// One TLV: its tag, its content and the whole encoding (tag, length and content).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element<'a> {
    /// The single identifier octet.
    pub tag: u8,
    /// Content octets.
    pub content: &'a [u8],
    /// Tag, length and content: what signatures and name comparisons cover.
    pub raw: &'a [u8],
    /// Offset of the tag within the outermost input.
    pub offset: usize,
}

/// Reads consecutive elements from a slice. `base` is the slice's offset in the outermost input so
/// errors point at absolute positions.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input.
    pub fn new(input: &'a [u8]) -> Self {
        Reader {
            input,
            pos: 0,
            base: 0,
        }
    }

    /// A reader over the content of `element`.
    pub fn inside(element: &Element<'a>) -> Self {
        let header = element.raw.len().saturating_sub(element.content.len());
        Reader {
            input: element.content,
            pos: 0,
            base: element.offset.saturating_add(header),
        }
    }

    fn at(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// The tag of the next element, if any.
    pub fn peek_tag(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// Fails unless every byte was consumed.
    ///
    /// # Errors
    /// [`DerError::TrailingBytes`].
    pub fn finish(&self) -> Result<(), DerError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DerError::TrailingBytes { offset: self.at() })
        }
    }

    /// Reads the next element, whatever its tag.
    ///
    /// # Errors
    /// Truncation, a multi-byte tag, an indefinite or non-minimal length, or a length over the limit.
    pub fn any(&mut self) -> Result<Element<'a>, DerError> {
        let start = self.pos;
        let offset = self.at();
        let end_err = DerError::UnexpectedEnd { offset };
        let tag = *self.input.get(start).ok_or(end_err.clone())?;
        if tag & 0x1f == 0x1f {
            return Err(DerError::HighTagNumber { offset });
        }
        let first = *self
            .input
            .get(start.saturating_add(1))
            .ok_or(end_err.clone())?;
        let (len, header) = match first {
            0x00..=0x7f => (usize::from(first), 2usize),
            0x80 => return Err(DerError::IndefiniteLength { offset }),
            0x81 => {
                let b = *self
                    .input
                    .get(start.saturating_add(2))
                    .ok_or(end_err.clone())?;
                if b < 0x80 {
                    return Err(DerError::NonMinimalLength { offset });
                }
                (usize::from(b), 3)
            }
            0x82 => {
                let hi = *self
                    .input
                    .get(start.saturating_add(2))
                    .ok_or(end_err.clone())?;
                let lo = *self
                    .input
                    .get(start.saturating_add(3))
                    .ok_or(end_err.clone())?;
                if hi == 0 {
                    return Err(DerError::NonMinimalLength { offset });
                }
                (usize::from(u16::from_be_bytes([hi, lo])), 4)
            }
            _ => {
                return Err(DerError::LengthTooLarge {
                    offset,
                    max: MAX_ELEMENT_LEN,
                });
            }
        };
        if len > MAX_ELEMENT_LEN {
            return Err(DerError::LengthTooLarge {
                offset,
                max: MAX_ELEMENT_LEN,
            });
        }
        let content_start = start.checked_add(header).ok_or(end_err.clone())?;
        let end = content_start.checked_add(len).ok_or(end_err.clone())?;
        let raw = self.input.get(start..end).ok_or(end_err.clone())?;
        let content = self.input.get(content_start..end).ok_or(end_err)?;
        self.pos = end;
        Ok(Element {
            tag,
            content,
            raw,
            offset,
        })
    }

    /// Reads the next element and checks its tag.
    ///
    /// # Errors
    /// As [`Reader::any`], or [`DerError::UnexpectedTag`].
    pub fn expect(&mut self, expected: u8) -> Result<Element<'a>, DerError> {
        let offset = self.at();
        let element = self.any()?;
        if element.tag != expected {
            return Err(DerError::UnexpectedTag {
                offset,
                expected,
                got: element.tag,
            });
        }
        Ok(element)
    }

    /// Reads an element with tag `expected` if it is next, else nothing.
    ///
    /// # Errors
    /// As [`Reader::any`].
    pub fn optional(&mut self, expected: u8) -> Result<Option<Element<'a>>, DerError> {
        if self.peek_tag() == Some(expected) {
            self.any().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Checks an INTEGER's content is minimal and non-negative and returns its magnitude without the
/// sign-padding zero byte.
///
/// # Errors
/// Empty, non-minimal or negative encodings.
pub fn unsigned_integer<'a>(element: &Element<'a>) -> Result<&'a [u8], DerError> {
    let offset = element.offset;
    match element.content {
        [] => Err(DerError::InvalidInteger { offset }),
        [0x00, next, ..] if *next < 0x80 => Err(DerError::InvalidInteger { offset }),
        [0xff, next, ..] if *next >= 0x80 => Err(DerError::InvalidInteger { offset }),
        [first, ..] if *first >= 0x80 => Err(DerError::NegativeInteger { offset }),
        [0x00, rest @ ..] if !rest.is_empty() => Ok(rest),
        all => Ok(all),
    }
}

/// The bits of a BIT STRING that has no unused bits (keys and signatures).
///
/// # Errors
/// [`DerError::InvalidBitString`] when empty or with unused bits.
pub fn octet_aligned_bits<'a>(element: &Element<'a>) -> Result<&'a [u8], DerError> {
    match element.content {
        [0x00, rest @ ..] => Ok(rest),
        _ => Err(DerError::InvalidBitString {
            offset: element.offset,
        }),
    }
}

/// A DER BOOLEAN (`0x00` or `0xff` only).
///
/// # Errors
/// [`DerError::InvalidBoolean`].
pub fn boolean(element: &Element<'_>) -> Result<bool, DerError> {
    match element.content {
        [0x00] => Ok(false),
        [0xff] => Ok(true),
        _ => Err(DerError::InvalidBoolean {
            offset: element.offset,
        }),
    }
}

/// Seconds since the Unix epoch of a UTCTime (`YYMMDDHHMMSSZ`, RFC 5280 §4.1.2.5.1: years 50–99
/// are 19xx) or GeneralizedTime (`YYYYMMDDHHMMSSZ`, no fraction, §4.1.2.5.2).
///
/// # Errors
/// Another tag, another format, or an impossible date.
pub fn time(element: &Element<'_>) -> Result<u64, DerError> {
    let offset = element.offset;
    let bad = DerError::InvalidTime { offset };
    let digits = |s: &[u8]| -> Result<u64, DerError> {
        s.iter().try_fold(0u64, |acc, b| {
            if b.is_ascii_digit() {
                acc.checked_mul(10)
                    .and_then(|a| a.checked_add(u64::from(b.wrapping_sub(b'0'))))
                    .ok_or(bad.clone())
            } else {
                Err(bad.clone())
            }
        })
    };
    let (year, rest) = match (element.tag, element.content) {
        (tag::UTC_TIME, [y @ .., _, _, _, _, _, _, _, _, _, _, b'Z']) if y.len() == 2 => {
            let yy = digits(y)?;
            let year = if yy >= 50 {
                1900u64.saturating_add(yy)
            } else {
                2000u64.saturating_add(yy)
            };
            (year, element.content.get(2..12).ok_or(bad.clone())?)
        }
        (tag::GENERALIZED_TIME, [y @ .., _, _, _, _, _, _, _, _, _, _, b'Z']) if y.len() == 4 => {
            (digits(y)?, element.content.get(4..14).ok_or(bad.clone())?)
        }
        _ => return Err(bad),
    };
    let field = |range: core::ops::Range<usize>| digits(rest.get(range).unwrap_or_default());
    let (month, day, hour, minute, second) = (
        field(0..2)?,
        field(2..4)?,
        field(4..6)?,
        field(6..8)?,
        field(8..10)?,
    );
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad),
    };
    if year < 1970 || day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return Err(bad);
    }
    let days = days_from_civil(year, month, day).ok_or(bad.clone())?;
    days.checked_mul(86_400)
        .and_then(|s| s.checked_add(hour.checked_mul(3600)?))
        .and_then(|s| s.checked_add(minute.checked_mul(60)?))
        .and_then(|s| s.checked_add(second))
        .ok_or(bad)
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date on or after it (H. Hinnant's
/// `days_from_civil`, restricted to non-negative years so every step is unsigned).
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y / 400;
    let yoe = y.checked_sub(era.checked_mul(400)?)?;
    let mp = if month > 2 {
        month.checked_sub(3)?
    } else {
        month.checked_add(9)?
    };
    let doy = mp.checked_mul(153)?.checked_add(2)? / 5;
    let doy = doy.checked_add(day)?.checked_sub(1)?;
    let doe = yoe
        .checked_mul(365)?
        .checked_add(yoe / 4)?
        .checked_sub(yoe / 100)?
        .checked_add(doy)?;
    era.checked_mul(146_097)?
        .checked_add(doe)?
        .checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(bytes: &[u8]) -> Element<'_> {
        let mut reader = Reader::new(bytes);
        let e = reader.any().unwrap();
        reader.finish().unwrap();
        e
    }

    #[test]
    fn lengths_must_be_minimal_and_definite() {
        assert_eq!(
            Reader::new(&[0x04, 0x80]).any(),
            Err(DerError::IndefiniteLength { offset: 0 })
        );
        assert_eq!(
            Reader::new(&[0x04, 0x81, 0x05, 0, 0, 0, 0, 0]).any(),
            Err(DerError::NonMinimalLength { offset: 0 })
        );
        assert_eq!(
            Reader::new(&[0x04, 0x82, 0x00, 0x90]).any(),
            Err(DerError::NonMinimalLength { offset: 0 })
        );
        assert_eq!(
            Reader::new(&[0x04, 0x83, 1, 0, 0]).any(),
            Err(DerError::LengthTooLarge {
                offset: 0,
                max: MAX_ELEMENT_LEN
            })
        );
        assert_eq!(
            Reader::new(&[0x04, 0x82, 0x20, 0x00]).any(),
            Err(DerError::LengthTooLarge {
                offset: 0,
                max: MAX_ELEMENT_LEN
            })
        );
        assert_eq!(
            Reader::new(&[0x04, 0x03, 1]).any(),
            Err(DerError::UnexpectedEnd { offset: 0 })
        );
        assert_eq!(
            Reader::new(&[0x1f, 0x01, 0x00]).any(),
            Err(DerError::HighTagNumber { offset: 0 })
        );
        let long: Vec<u8> = [0x04, 0x81, 0x80]
            .iter()
            .copied()
            .chain(std::iter::repeat_n(7, 128))
            .collect();
        assert_eq!(element(&long).content.len(), 128);
    }

    #[test]
    fn sub_reader_offsets_and_trailing() {
        let seq = [0x30, 0x05, 0x02, 0x01, 0x07, 0x05, 0x00];
        let outer = element(&seq);
        let mut inner = Reader::inside(&outer);
        assert_eq!(inner.expect(tag::INTEGER).unwrap().offset, 2);
        assert_eq!(inner.finish(), Err(DerError::TrailingBytes { offset: 5 }));
        assert_eq!(
            inner.expect(tag::INTEGER),
            Err(DerError::UnexpectedTag {
                offset: 5,
                expected: 2,
                got: 5
            })
        );
    }

    #[test]
    fn integers() {
        assert_eq!(
            unsigned_integer(&element(&[0x02, 0x01, 0x05])),
            Ok(&[0x05][..])
        );
        assert_eq!(
            unsigned_integer(&element(&[0x02, 0x02, 0x00, 0x80])),
            Ok(&[0x80][..])
        );
        assert_eq!(
            unsigned_integer(&element(&[0x02, 0x02, 0x00, 0x05])),
            Err(DerError::InvalidInteger { offset: 0 })
        );
        assert_eq!(
            unsigned_integer(&element(&[0x02, 0x01, 0x80])),
            Err(DerError::NegativeInteger { offset: 0 })
        );
        assert_eq!(
            unsigned_integer(&element(&[0x02, 0x00])),
            Err(DerError::InvalidInteger { offset: 0 })
        );
    }

    #[test]
    fn booleans_and_bits() {
        assert_eq!(boolean(&element(&[0x01, 0x01, 0xff])), Ok(true));
        assert_eq!(
            boolean(&element(&[0x01, 0x01, 0x01])),
            Err(DerError::InvalidBoolean { offset: 0 })
        );
        assert_eq!(
            octet_aligned_bits(&element(&[0x03, 0x02, 0x00, 0xaa])),
            Ok(&[0xaa][..])
        );
        assert_eq!(
            octet_aligned_bits(&element(&[0x03, 0x02, 0x01, 0xaa])),
            Err(DerError::InvalidBitString { offset: 0 })
        );
    }

    #[test]
    fn times() {
        let utc = element(b"\x17\x0d191028184804Z");
        assert_eq!(time(&utc), Ok(1_572_288_484));
        let gen_ = element(b"\x18\x0f20491028194804Z");
        assert_eq!(time(&gen_), Ok(2_519_063_284));
        let y1999 = element(b"\x17\x0d991231235959Z");
        assert_eq!(time(&y1999), Ok(946_684_799));
        let leap = element(b"\x17\x0d240229000000Z");
        assert_eq!(time(&leap), Ok(1_709_164_800));
        for bad in [
            &b"\x17\x0d230229000000Z"[..],
            b"\x17\x0d191328184804Z",
            b"\x17\x0d191028246004Z",
            b"\x17\x0d19102818480+Z",
            b"\x17\x0b1910281848Z",
            b"\x18\x0d191028184804Z",
            b"\x17\x0d191028184804X",
        ] {
            assert_eq!(
                time(&element(bad)),
                Err(DerError::InvalidTime { offset: 0 }),
                "{bad:?}"
            );
        }
    }
}
