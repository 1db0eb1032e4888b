//! Reading command inputs as DESIGN.md §6 allows: bytes as raw binary, hex text or base64 text
//! (auto-detected), and JSON with or without the JSON-RPC wrapper.

use anyhow::{Context, bail};
use base64::Engine;
use serde_json::Value;
use std::path::Path;

/// Upper bound on any input file: the largest thing we read (a `/updates` array or a block's
/// receipts) is a few MiB; refusing more keeps a mistaken path from exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// How the bytes of a file were written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteEncoding {
    /// The file is the bytes themselves.
    Raw,
    /// Hex text, with or without `0x`, surrounding whitespace ignored.
    Hex,
    /// Standard or URL-safe base64, padded or not, whitespace ignored.
    Base64,
}

/// Reads a file whose content is bytes, decoding hex or base64 text when the file is such text.
///
/// # Errors
/// The file cannot be read, is larger than [`MAX_INPUT_BYTES`], or is empty.
pub fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    let content = read_file(path)?;
    let (bytes, _) = decode_bytes(&content);
    if bytes.is_empty() {
        bail!("{}: file is empty", path.display());
    }
    Ok(bytes)
}

/// Decodes file content that is raw bytes, hex text or base64 text, and says which it was.
///
/// Hex is tried before base64 because every hex string is also valid base64; raw binary that happens
/// to be pure hex or base64 text is not something our formats (CBOR, SSZ, DER) produce in practice.
pub fn decode_bytes(content: &[u8]) -> (Vec<u8>, ByteEncoding) {
    let Ok(text) = core::str::from_utf8(content) else {
        return (content.to_vec(), ByteEncoding::Raw);
    };
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return (content.to_vec(), ByteEncoding::Raw);
    }
    let digits = compact
        .strip_prefix("0x")
        .or_else(|| compact.strip_prefix("0X"))
        .unwrap_or(&compact);
    if let Ok(bytes) = hex::decode(digits) {
        return (bytes, ByteEncoding::Hex);
    }
    for engine in [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ] {
        if let Ok(bytes) = engine.decode(&compact) {
            return (bytes, ByteEncoding::Base64);
        }
    }
    (content.to_vec(), ByteEncoding::Raw)
}

/// Reads a JSON file and removes a JSON-RPC envelope (`{"jsonrpc", "id", "result"}`) if present.
///
/// # Errors
/// The file cannot be read or is not JSON, or it is a JSON-RPC error response.
pub fn read_json(path: &Path) -> anyhow::Result<Value> {
    let content = read_file(path)?;
    let value: Value = serde_json::from_slice(&content)
        .with_context(|| format!("{}: not valid JSON", path.display()))?;
    unwrap_json_rpc(value).with_context(|| path.display().to_string())
}

/// Returns the `result` of a JSON-RPC response, or the value itself when it is not one.
///
/// # Errors
/// The value is a JSON-RPC error response, or a JSON-RPC response without `result`.
pub fn unwrap_json_rpc(value: Value) -> anyhow::Result<Value> {
    let Value::Object(mut object) = value else {
        return Ok(value);
    };
    if !object.contains_key("jsonrpc") {
        return Ok(Value::Object(object));
    }
    if let Some(error) = object.get("error") {
        bail!("JSON-RPC error response: {error}");
    }
    object
        .remove("result")
        .context("JSON-RPC response has no `result`")
}

fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if metadata.len() > MAX_INPUT_BYTES {
        bail!(
            "{}: {} bytes is more than the {} byte input limit",
            path.display(),
            metadata.len(),
            MAX_INPUT_BYTES
        );
    }
    std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn raw_binary_is_kept() {
        let cbor = [0x84, 0x44, 0xa1, 0x01, 0x38, 0x22];
        assert_eq!(decode_bytes(&cbor), (cbor.to_vec(), ByteEncoding::Raw));
    }

    #[test]
    fn hex_with_prefix_and_newline() {
        assert_eq!(
            decode_bytes(b"0xA1b2\n"),
            (vec![0xa1, 0xb2], ByteEncoding::Hex)
        );
        assert_eq!(decode_bytes(b"a1b2"), (vec![0xa1, 0xb2], ByteEncoding::Hex));
    }

    #[test]
    fn base64_padded_and_wrapped() {
        // "hello?" in base64, split over two lines as PEM-like tools do.
        assert_eq!(
            decode_bytes(b"aGVs\nbG8/\n"),
            (b"hello?".to_vec(), ByteEncoding::Base64)
        );
        assert_eq!(
            decode_bytes(b"aGk="),
            (b"hi".to_vec(), ByteEncoding::Base64)
        );
    }

    #[test]
    fn json_rpc_envelope_removed() {
        let wrapped = json!({"jsonrpc": "2.0", "id": 1, "result": {"a": 1}});
        assert_eq!(unwrap_json_rpc(wrapped).ok(), Some(json!({"a": 1})));
        let bare = json!({"a": 1});
        assert_eq!(unwrap_json_rpc(bare.clone()).ok(), Some(bare));
        let failed = json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32000}});
        assert!(unwrap_json_rpc(failed).is_err());
    }
}
