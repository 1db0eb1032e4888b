//! `lcp verify-attestation DOC [--root CERT] [--at TIME] [--pcr N=HEX]… [--allow-debug]
//! [--max-age SECS] [--json]` (DESIGN.md §6): verifies an AWS Nitro attestation document with the
//! Rust reference verifier. This is the one place that reads the clock (when `--at` is absent).

use crate::cli::input::read_bytes;
use crate::cli::output::{Report, finish, hex0x};
use anyhow::{Context, bail};
use attestation_verifier::nitro::{
    self, PcrPolicy, TrustAnchor, VerificationOptions, VerifiedDocument,
};
use attestation_verifier::time::UnixSeconds;
use base64::Engine;
use clap::Args;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `lcp verify-attestation`.
#[derive(Debug, Args)]
pub struct VerifyAttestationArgs {
    /// The attestation document (COSE_Sign1): raw CBOR, hex or base64.
    pub doc: PathBuf,
    /// Trust anchor certificate, PEM or DER (default: the built-in AWS Nitro Enclaves Root-G1).
    #[arg(long, value_name = "CERT")]
    pub root: Option<PathBuf>,
    /// Verification time: RFC 3339 (`2022-10-13T09:00:00Z`) or unix seconds (default: now).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub at: Option<UnixSeconds>,
    /// Expected PCR value, `N=HEX` (repeatable), e.g. `--pcr 0=0x…`.
    #[arg(long = "pcr", value_name = "N=HEX", value_parser = parse_pcr)]
    pub pcrs: Vec<(u8, Vec<u8>)>,
    /// Accept a debug-mode enclave (PCR0 all zeros).
    #[arg(long)]
    pub allow_debug: bool,
    /// Maximum document age in seconds at the verification time.
    #[arg(long, value_name = "SECS", default_value_t = nitro::policy::DEFAULT_MAX_AGE_SECS)]
    pub max_age: u64,
    /// Print one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command and returns its exit code.
pub fn run(args: &VerifyAttestationArgs) -> ExitCode {
    finish(verify(args), args.json)
}

/// Verifies the document named by `args` and builds the report.
///
/// # Errors
/// Unreadable input, a bad trust anchor, or a document that fails verification.
pub fn verify(args: &VerifyAttestationArgs) -> anyhow::Result<Report> {
    let document = read_bytes(&args.doc)?;
    let mut options = VerificationOptions::new(match args.at {
        Some(at) => at,
        None => now()?,
    });
    if let Some(root) = &args.root {
        options.trust_anchor = TrustAnchor::from_der(read_certificate(root)?)
            .with_context(|| format!("{}: not a usable trust anchor", root.display()))?;
    }
    options.max_age_secs = args.max_age;
    let mut policy = PcrPolicy {
        allow_debug: args.allow_debug,
        ..PcrPolicy::default()
    };
    for (index, value) in &args.pcrs {
        policy = policy.expect_pcr(*index, value.clone());
    }
    options.pcr_policy = policy;
    let verified = nitro::verify(&document, &options).context("attestation document is invalid")?;
    Ok(report(&verified))
}

/// The report of a verified document: the JSON fields of DESIGN.md §6 and the same as text.
pub fn report(doc: &VerifiedDocument) -> Report {
    let mut report = Report::default();
    let pcrs: Map<String, Value> = doc
        .pcrs()
        .iter()
        .map(|p| (p.index.to_string(), Value::String(hex0x(&p.value))))
        .collect();
    let optional = |b: Option<&[u8]>| b.map_or(Value::Null, |b| Value::String(hex0x(b)));
    let leaf = doc.leaf();
    report
        .field("module_id", doc.module_id())
        .field("timestamp_ms", doc.timestamp().0)
        .field("digest", doc.digest())
        .field("pcrs", Value::Object(pcrs))
        .field("public_key", optional(doc.public_key()))
        .field("user_data", optional(doc.user_data()))
        .field("nonce", optional(doc.nonce()))
        .field("debug_mode", doc.debug_mode())
        .field(
            "leaf",
            json!({
                "subject": leaf.subject(),
                "not_before": leaf.not_before().0,
                "not_after": leaf.not_after().0,
            }),
        )
        .field("cabundle_len", doc.cabundle_len());
    report
        .line("valid: true")
        .line(format!("module_id: {}", doc.module_id()))
        .line(format!(
            "timestamp: {} ({})",
            doc.timestamp().0,
            rfc3339(doc.timestamp().to_seconds())
        ))
        .line(format!("digest: {}", doc.digest()));
    for pcr in doc.pcrs() {
        report.line(format!("pcr{}: {}", pcr.index, hex0x(&pcr.value)));
    }
    let show = |b: Option<&[u8]>| b.map_or_else(|| "none".to_owned(), hex0x);
    report
        .line(format!("public_key: {}", show(doc.public_key())))
        .line(format!("user_data: {}", show(doc.user_data())))
        .line(format!("nonce: {}", show(doc.nonce())))
        .line(format!("debug_mode: {}", doc.debug_mode()))
        .line(format!("leaf subject: {}", leaf.subject()))
        .line(format!(
            "leaf validity: {} .. {}",
            rfc3339(leaf.not_before()),
            rfc3339(leaf.not_after())
        ))
        .line(format!("cabundle_len: {}", doc.cabundle_len()));
    report
}

fn now() -> anyhow::Result<UnixSeconds> {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("system clock is before 1970")?;
    Ok(UnixSeconds(since.as_secs()))
}

fn rfc3339(at: UnixSeconds) -> String {
    i64::try_from(at.0)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.0.to_string())
}

/// `--at`: unix seconds, or an RFC 3339 date-time (converted to UTC).
///
/// # Errors
/// Neither form, or a time before 1970.
pub fn parse_time(text: &str) -> Result<UnixSeconds, String> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(UnixSeconds(seconds));
    }
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("`{text}` is neither unix seconds nor RFC 3339: {e}"))?;
    u64::try_from(parsed.unix_timestamp())
        .map(UnixSeconds)
        .map_err(|_| format!("`{text}` is before 1970"))
}

/// `--pcr N=HEX`: an index below 32 and a 32-, 48- or 64-byte value.
///
/// # Errors
/// Malformed text, an index of 32 or more, a value of another length.
pub fn parse_pcr(text: &str) -> Result<(u8, Vec<u8>), String> {
    let (index, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not N=HEX"))?;
    let index: u8 = index
        .trim()
        .parse()
        .map_err(|_| format!("PCR index `{index}` is not a number"))?;
    if index >= 32 {
        return Err(format!("PCR index {index} is not below 32"));
    }
    let digits = value.trim();
    let digits = digits.strip_prefix("0x").unwrap_or(digits);
    let value = hex::decode(digits).map_err(|e| format!("PCR{index} value is not hex: {e}"))?;
    if !matches!(value.len(), 32 | 48 | 64) {
        return Err(format!(
            "PCR{index} value is {} bytes, expected 32, 48 or 64",
            value.len()
        ));
    }
    Ok((index, value))
}

/// Reads a certificate file: PEM (`-----BEGIN CERTIFICATE-----`) or DER (raw, hex or base64).
///
/// # Errors
/// Unreadable file, or a PEM block that is not base64.
pub fn read_certificate(path: &Path) -> anyhow::Result<Vec<u8>> {
    let content = read_bytes(path)?;
    let Some(pem) = core::str::from_utf8(&content)
        .ok()
        .filter(|t| t.contains("-----BEGIN CERTIFICATE-----"))
    else {
        return Ok(content);
    };
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END CERTIFICATE-----"))
        .flat_map(|l| l.chars().filter(|c| !c.is_ascii_whitespace()))
        .collect();
    if body.is_empty() {
        bail!("{}: empty PEM certificate", path.display());
    }
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .with_context(|| format!("{}: PEM body is not base64", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_forms() {
        assert_eq!(parse_time("1665651482"), Ok(UnixSeconds(1_665_651_482)));
        assert_eq!(
            parse_time("2022-10-13T08:58:02Z"),
            Ok(UnixSeconds(1_665_651_482))
        );
        assert_eq!(
            parse_time("2022-10-13T10:58:02+02:00"),
            Ok(UnixSeconds(1_665_651_482))
        );
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("1969-12-31T23:59:59Z").is_err());
    }

    #[test]
    fn pcr_forms() {
        let hex48 = "ab".repeat(48);
        assert_eq!(parse_pcr(&format!("0=0x{hex48}")), Ok((0, vec![0xab; 48])));
        assert_eq!(parse_pcr(&format!("8={hex48}")), Ok((8, vec![0xab; 48])));
        assert!(parse_pcr(&format!("32={hex48}")).is_err());
        assert!(parse_pcr("0=abcd").is_err());
        assert!(parse_pcr("0").is_err());
    }
}
