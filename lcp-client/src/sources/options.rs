//! How patient a source is: per-request timeout, retries with exponential backoff, demotion.
//!
//! These are the `[sources]` settings of `relayer.toml`. Durations are written as an integer
//! number of milliseconds or as a string with a unit: `"250ms"`, `"10s"`, `"5m"`, `"1h"`.

use super::error::SourceError;
use serde::{Deserialize, Deserializer};
use std::time::Duration;

/// Timeouts, retries and demotion of one source (beacon or execution).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SourceOptions {
    /// Limit on one HTTP request (connect, send, whole body). Default 10 s: a light-client update
    /// or a full block is at most a few MiB, which a healthy node serves well within that.
    #[serde(deserialize_with = "duration")]
    pub timeout: Duration,
    /// Attempts per endpoint before falling back to the next one (≥ 1). Default 3.
    pub max_attempts: u32,
    /// Delay before the first retry; each further retry doubles it. Default 200 ms.
    #[serde(deserialize_with = "duration")]
    pub backoff_base: Duration,
    /// Cap of the retry delay. Default 5 s.
    #[serde(deserialize_with = "duration")]
    pub backoff_max: Duration,
    /// How long an endpoint stays behind the healthy ones after a failure or a rejection by the
    /// enclave. Default 5 min: long enough not to hammer a broken node, short enough that a
    /// restarted node is back in rotation soon.
    #[serde(deserialize_with = "duration")]
    pub demotion: Duration,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            timeout: Duration::from_secs(10),
            max_attempts: 3,
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_secs(5),
            demotion: Duration::from_secs(300),
        }
    }
}

impl SourceOptions {
    /// Checks the options make sense together.
    ///
    /// # Errors
    /// [`SourceError::InvalidOption`]: zero timeout, zero attempts, or a backoff cap below its base.
    pub fn validate(&self) -> Result<(), SourceError> {
        if self.timeout.is_zero() {
            return Err(SourceError::InvalidOption {
                option: "timeout",
                value: format!("{:?}", self.timeout),
                rule: "must be positive",
            });
        }
        if self.max_attempts == 0 {
            return Err(SourceError::InvalidOption {
                option: "max_attempts",
                value: self.max_attempts.to_string(),
                rule: "must be at least 1",
            });
        }
        if self.backoff_max < self.backoff_base {
            return Err(SourceError::InvalidOption {
                option: "backoff_max",
                value: format!("{:?}", self.backoff_max),
                rule: "must be at least backoff_base",
            });
        }
        Ok(())
    }
}

/// Longest accepted duration string; anything longer is not a duration.
const MAX_DURATION_TEXT: usize = 32;

/// Why a duration setting does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// Longer than [`MAX_DURATION_TEXT`] characters.
    #[error("duration text longer than {MAX_DURATION_TEXT} characters")]
    TooLong,
    /// Not `<digits><unit>`.
    #[error("expected <integer><ms|s|m|h>, e.g. \"250ms\" or \"10s\"")]
    Syntax,
    /// Overflows.
    #[error("duration out of range")]
    Overflow,
}

/// Parses `"250ms"`, `"10s"`, `"5m"`, `"1h"` (an integer and a unit, no spaces).
///
/// # Errors
/// [`DurationError`].
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    if text.len() > MAX_DURATION_TEXT {
        return Err(DurationError::TooLong);
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or(DurationError::Syntax)?;
    let (digits, unit) = text.split_at(split);
    if digits.is_empty() {
        return Err(DurationError::Syntax);
    }
    let value: u64 = digits.parse().map_err(|_| DurationError::Overflow)?;
    let millis_per_unit: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(DurationError::Syntax),
    };
    value
        .checked_mul(millis_per_unit)
        .map(Duration::from_millis)
        .ok_or(DurationError::Overflow)
}

/// A duration as integer milliseconds or a string with a unit.
fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Millis(u64),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Millis(ms) => Ok(Duration::from_millis(ms)),
        Raw::Text(text) => parse_duration(&text).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units_and_refuse_the_rest() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("10"), Err(DurationError::Syntax));
        assert_eq!(parse_duration("s"), Err(DurationError::Syntax));
        assert_eq!(parse_duration("1.5s"), Err(DurationError::Syntax));
        assert_eq!(parse_duration("10 s"), Err(DurationError::Syntax));
        assert_eq!(parse_duration("-1s"), Err(DurationError::Syntax));
        assert_eq!(
            parse_duration("99999999999999999999ms"),
            Err(DurationError::Overflow)
        );
        assert_eq!(
            parse_duration("18446744073709551615h"),
            Err(DurationError::Overflow)
        );
        assert_eq!(parse_duration(&"1".repeat(40)), Err(DurationError::TooLong));
    }

    #[test]
    fn options_deserialize_with_defaults_and_refuse_unknown_fields() {
        let options: SourceOptions =
            serde_json::from_str(r#"{"timeout": "2s", "max_attempts": 5, "demotion": 60000}"#)
                .unwrap();
        assert_eq!(
            options,
            SourceOptions {
                timeout: Duration::from_secs(2),
                max_attempts: 5,
                demotion: Duration::from_secs(60),
                ..SourceOptions::default()
            }
        );
        assert!(serde_json::from_str::<SourceOptions>(r#"{"timeuot": "2s"}"#).is_err());
        assert!(serde_json::from_str::<SourceOptions>(r#"{"timeout": "2 s"}"#).is_err());
        assert_eq!(
            serde_json::from_str::<SourceOptions>("{}").unwrap(),
            SourceOptions::default()
        );
    }

    #[test]
    fn validation_names_the_option() {
        assert!(SourceOptions::default().validate().is_ok());
        let zero_attempts = SourceOptions {
            max_attempts: 0,
            ..SourceOptions::default()
        };
        assert!(matches!(
            zero_attempts.validate(),
            Err(SourceError::InvalidOption {
                option: "max_attempts",
                ..
            })
        ));
        let zero_timeout = SourceOptions {
            timeout: Duration::ZERO,
            ..SourceOptions::default()
        };
        assert!(matches!(
            zero_timeout.validate(),
            Err(SourceError::InvalidOption {
                option: "timeout",
                ..
            })
        ));
        let inverted = SourceOptions {
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(1),
            ..SourceOptions::default()
        };
        assert!(matches!(
            inverted.validate(),
            Err(SourceError::InvalidOption {
                option: "backoff_max",
                ..
            })
        ));
    }
}
