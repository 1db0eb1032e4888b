//! One way to finish a command: a human report or one JSON object on stdout, `error: <reason>` on
//! stderr, and the exit codes of DESIGN.md §6.

use serde_json::{Map, Value};
use std::process::ExitCode;

/// Exit code for a valid input / successful command.
pub const EXIT_VALID: u8 = 0;
/// Exit code for invalid input or failed verification.
pub const EXIT_INVALID: u8 = 1;

/// What a successful command reports: a JSON object (without `valid`, which is added here) and the
/// same facts as readable text.
#[derive(Debug, Default)]
pub struct Report {
    /// Fields of the `--json` object, in insertion order of the caller.
    pub json: Map<String, Value>,
    /// Lines printed without `--json`.
    pub text: String,
}

impl Report {
    /// Adds a JSON field.
    pub fn field(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        self.json.insert(key.to_owned(), value.into());
        self
    }

    /// Adds a line of human-readable text.
    pub fn line(&mut self, line: impl AsRef<str>) -> &mut Self {
        self.text.push_str(line.as_ref());
        self.text.push('\n');
        self
    }
}

/// Prints the outcome of a command and returns its exit code.
///
/// On failure `--json` still prints one object, `{"valid": false, "error": "..."}`, so machines never
/// have to parse stderr; the reason is always on stderr too.
pub fn finish(outcome: anyhow::Result<Report>, json: bool) -> ExitCode {
    match outcome {
        Ok(report) => {
            if json {
                let mut object = Map::new();
                object.insert("valid".to_owned(), Value::Bool(true));
                object.extend(report.json);
                println!("{}", Value::Object(object));
            } else {
                print!("{}", report.text);
            }
            ExitCode::from(EXIT_VALID)
        }
        Err(err) => {
            let reason = format!("{err:#}");
            if json {
                println!("{}", failure_json(&reason));
            }
            eprintln!("error: {reason}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// The `--json` object of a failed command.
pub fn failure_json(reason: &str) -> Value {
    let mut object = Map::new();
    object.insert("valid".to_owned(), Value::Bool(false));
    object.insert("error".to_owned(), Value::String(reason.to_owned()));
    Value::Object(object)
}

/// Bytes as DESIGN.md §6 prints them: `0x`-prefixed lowercase hex.
pub fn hex0x(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_prefixed_lowercase() {
        assert_eq!(hex0x([0xAB, 0x01]), "0xab01");
        assert_eq!(hex0x([]), "0x");
    }

    #[test]
    fn failure_object_shape() {
        assert_eq!(
            failure_json("bad").to_string(),
            r#"{"error":"bad","valid":false}"#
        );
    }
}
