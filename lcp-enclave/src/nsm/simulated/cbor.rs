//! A minimal CBOR writer (RFC 8949) for attestation documents, able to write what a strict
//! decoder must reject: duplicate map keys, indefinite-length maps, tags, trailing bytes.
//!
//! Heads are always the shortest form (RFC 8949 §4.2.1), as AWS's NSM writes them.

/// A CBOR data item as the simulated NSM builds it. Maps are entry lists so that duplicates and
/// any key order can be expressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Major type 0.
    Unsigned(u64),
    /// Major type 1: the value is `-1 - n`, `n` stored.
    Negative(u64),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3.
    Text(String),
    /// Major type 4, definite length.
    Array(Vec<Value>),
    /// Major type 5; `indefinite` writes `BF … FF` instead of a length head.
    Map {
        /// Entries in the order written (duplicates allowed on purpose).
        entries: Vec<(Value, Value)>,
        /// Indefinite-length encoding.
        indefinite: bool,
    },
    /// Major type 6.
    Tag(u64, Box<Value>),
    /// Simple value 22.
    Null,
    /// A text string whose length head is written in the 4-byte form whatever the length:
    /// valid CBOR, but not the shortest form RFC 8949 §4.2.1 requires of deterministic encoding.
    TextLongHead(String),
}

impl Value {
    /// A definite-length map.
    pub fn map(entries: Vec<(Value, Value)>) -> Value {
        Value::Map {
            entries,
            indefinite: false,
        }
    }

    /// A text key or value.
    pub fn text(text: &str) -> Value {
        Value::Text(text.to_owned())
    }

    /// The encoding of this item.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::Unsigned(n) => head(out, 0, *n),
            Value::Negative(n) => head(out, 1, *n),
            Value::Bytes(bytes) => {
                head(out, 2, len_u64(bytes.len()));
                out.extend_from_slice(bytes);
            }
            Value::Text(text) => {
                head(out, 3, len_u64(text.len()));
                out.extend_from_slice(text.as_bytes());
            }
            Value::TextLongHead(text) => {
                out.push((3 << 5) | 26);
                out.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_be_bytes());
                out.extend_from_slice(text.as_bytes());
            }
            Value::Array(items) => {
                head(out, 4, len_u64(items.len()));
                for item in items {
                    item.write(out);
                }
            }
            Value::Map {
                entries,
                indefinite,
            } => {
                if *indefinite {
                    out.push(0xBF);
                } else {
                    head(out, 5, len_u64(entries.len()));
                }
                for (key, value) in entries {
                    key.write(out);
                    value.write(out);
                }
                if *indefinite {
                    out.push(0xFF);
                }
            }
            Value::Tag(tag, inner) => {
                head(out, 6, *tag);
                inner.write(out);
            }
            Value::Null => out.push(0xF6),
        }
    }
}

/// `usize` to `u64`: lossless on every platform Rust supports (pointer width ≤ 64).
fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// Writes a major-type head with the shortest argument encoding.
fn head(out: &mut Vec<u8>, major: u8, argument: u64) {
    let major = major << 5;
    if let Ok(small) = u8::try_from(argument) {
        if small < 24 {
            out.push(major | small);
        } else {
            out.push(major | 24);
            out.push(small);
        }
    } else if let Ok(value) = u16::try_from(argument) {
        out.push(major | 25);
        out.extend_from_slice(&value.to_be_bytes());
    } else if let Ok(value) = u32::try_from(argument) {
        out.push(major | 26);
        out.extend_from_slice(&value.to_be_bytes());
    } else {
        out.push(major | 27);
        out.extend_from_slice(&argument.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_shortest() {
        assert_eq!(Value::Unsigned(23).encode(), vec![0x17]);
        assert_eq!(Value::Unsigned(24).encode(), vec![0x18, 24]);
        assert_eq!(Value::Unsigned(1_708_930_921_439).encode()[0], 0x1B);
        assert_eq!(Value::Negative(34).encode(), vec![0x38, 0x22]); // -35, ES384
        assert_eq!(Value::Bytes(vec![0; 96]).encode()[..2], [0x58, 0x60]);
        assert_eq!(
            Value::Bytes(vec![0; 4374]).encode()[..3],
            [0x59, 0x11, 0x16]
        );
    }

    #[test]
    fn protected_header_matches_aws() {
        let header = Value::map(vec![(Value::Unsigned(1), Value::Negative(34))]);
        assert_eq!(header.encode(), vec![0xA1, 0x01, 0x38, 0x22]);
    }

    #[test]
    fn indefinite_maps_and_tags() {
        let map = Value::Map {
            entries: vec![(Value::text("a"), Value::Null)],
            indefinite: true,
        };
        assert_eq!(map.encode(), vec![0xBF, 0x61, b'a', 0xF6, 0xFF]);
        assert_eq!(
            Value::Tag(18, Box::new(Value::Array(vec![]))).encode(),
            vec![0xD2, 0x80]
        );
    }
}
