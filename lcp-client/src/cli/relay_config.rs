//! `relayer.toml`: what `lcp relay` and `lcp prove` connect to (commented example:
//! `lcp-client/relayer.example.toml`). Unknown keys are refused, so a typo is an error, not a
//! silently ignored setting. The signer key is never read from the file itself unless
//! `allow_inline_signer_key = true`: it comes from an environment variable or a key file.

use crate::enclave::EnclaveAddr;
use crate::sources::SourceOptions;
use crate::sources::options::parse_duration;
use alloy_primitives::{Address, B256};
use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Deserializer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The whole file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayerConfig {
    /// `mainnet`, `sepolia` or `hoodi`.
    pub network: String,
    /// The weak-subjectivity checkpoint the `LCPClient` was deployed with.
    pub trusted_root: B256,
    /// Beacon nodes.
    pub beacon: Endpoints,
    /// Execution nodes (claims: receipts, proofs).
    #[serde(default)]
    pub execution: Option<Endpoints>,
    /// The enclave.
    pub enclave: EnclaveSection,
    /// The destination chain.
    pub chain: ChainSection,
    /// The state cache.
    #[serde(default)]
    pub state: StateSection,
    /// The loop.
    #[serde(default)]
    pub polling: PollingSection,
}

/// A list of endpoints with their retry options.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    /// Tried in order; one whose data the enclave refuses is demoted.
    pub urls: Vec<url::Url>,
    /// Timeouts, retries, back-off, demotion period.
    #[serde(default)]
    pub options: SourceOptions,
}

/// `[enclave]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnclaveSection {
    /// `tcp:HOST:PORT`, `vsock:CID:PORT` or `in-process`.
    #[serde(deserialize_with = "enclave_addr")]
    pub address: EnclaveAddr,
    /// `in-process` only: the simulated NSM's seed (hex, 32 bytes), so that restarts keep the
    /// identity the chain allows.
    #[serde(default)]
    pub sim_seed: Option<String>,
}

/// `[chain]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSection {
    /// JSON-RPC URL of the destination chain.
    pub rpc_url: String,
    /// The `LCPClient` contract.
    pub client_address: Address,
    /// Name of the environment variable holding the signer's private key (hex).
    #[serde(default)]
    pub signer_key_env: Option<String>,
    /// File holding the signer's private key (hex).
    #[serde(default)]
    pub signer_key_file: Option<PathBuf>,
    /// The key itself: refused unless `allow_inline_signer_key` (tests, throwaway devnets).
    #[serde(default)]
    pub signer_key: Option<B256>,
    /// Accept `signer_key`.
    #[serde(default)]
    pub allow_inline_signer_key: bool,
}

/// `[state]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSection {
    /// The state cache file (only a cache: verified against the chain on start).
    #[serde(default)]
    pub cache: Option<PathBuf>,
}

/// `[polling]`.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PollingSection {
    /// Pause between steps.
    #[serde(deserialize_with = "duration")]
    pub interval: Duration,
    /// First pause after a failed step.
    #[serde(deserialize_with = "duration")]
    pub error_backoff: Duration,
    /// Register the key again this long before it expires.
    #[serde(deserialize_with = "duration")]
    pub renew_before: Duration,
    /// Compare every beacon endpoint's finality; submit misbehaviour evidence.
    pub watch_misbehaviour: bool,
    /// Endpoints to try when the enclave refuses data.
    pub rejection_attempts: u32,
}

impl Default for PollingSection {
    fn default() -> Self {
        PollingSection {
            interval: Duration::from_secs(12),
            error_backoff: Duration::from_secs(1),
            renew_before: Duration::from_secs(3600),
            watch_misbehaviour: true,
            rejection_attempts: 3,
        }
    }
}

fn enclave_addr<'de, D: Deserializer<'de>>(d: D) -> Result<EnclaveAddr, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    parse_duration(&text).map_err(serde::de::Error::custom)
}

impl RelayerConfig {
    /// Reads and checks `path`.
    ///
    /// # Errors
    /// Unreadable, too large, malformed, or inconsistent settings.
    pub fn load(path: &Path) -> anyhow::Result<RelayerConfig> {
        let len = std::fs::metadata(path)
            .with_context(|| path.display().to_string())?
            .len();
        ensure!(
            len <= MAX_CONFIG_BYTES,
            "{}: larger than 1 MiB",
            path.display()
        );
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        RelayerConfig::parse(&text).with_context(|| path.display().to_string())
    }

    /// Parses and checks the TOML text.
    ///
    /// # Errors
    /// Malformed or inconsistent settings.
    pub fn parse(text: &str) -> anyhow::Result<RelayerConfig> {
        let config: RelayerConfig = toml::from_str(text)?;
        ensure!(!config.beacon.urls.is_empty(), "beacon.urls is empty");
        let signer_sources = [
            config.chain.signer_key_env.is_some(),
            config.chain.signer_key_file.is_some(),
            config.chain.signer_key.is_some(),
        ];
        ensure!(
            signer_sources.iter().filter(|s| **s).count() == 1,
            "set exactly one of chain.signer_key_env, chain.signer_key_file, chain.signer_key"
        );
        if config.chain.signer_key.is_some() && !config.chain.allow_inline_signer_key {
            bail!(
                "chain.signer_key is inline; keep keys out of config files (signer_key_env or signer_key_file), or set allow_inline_signer_key = true for a throwaway devnet key"
            );
        }
        if config.enclave.sim_seed.is_some() {
            ensure!(
                config.enclave.address == EnclaveAddr::InProcess,
                "enclave.sim_seed applies to address = \"in-process\" only"
            );
        }
        Ok(config)
    }

    /// The signer's private key from its configured source.
    ///
    /// # Errors
    /// The variable is unset, the file unreadable, or the key not 32 bytes of hex.
    pub fn signer_key(&self) -> anyhow::Result<B256> {
        if let Some(key) = self.chain.signer_key {
            return Ok(key);
        }
        let text = match (&self.chain.signer_key_env, &self.chain.signer_key_file) {
            (Some(var), _) => std::env::var(var)
                .with_context(|| format!("environment variable {var} (chain.signer_key_env)"))?,
            (None, Some(path)) => std::fs::read_to_string(path)
                .with_context(|| format!("{} (chain.signer_key_file)", path.display()))?,
            (None, None) => bail!("no signer key configured"),
        };
        text.trim()
            .parse()
            .context("the signer key is not 32 bytes of 0x-hex")
    }

    /// The simulated NSM seed of an in-process enclave.
    ///
    /// # Errors
    /// Not 32 bytes of hex.
    pub fn sim_seed(&self) -> anyhow::Result<Option<[u8; 32]>> {
        self.enclave
            .sim_seed
            .as_deref()
            .map(|s| super::enclave::parse_seed(s).map_err(anyhow::Error::msg))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../relayer.example.toml");

    #[test]
    fn the_commented_example_parses() {
        let config = RelayerConfig::parse(EXAMPLE).unwrap();
        assert_eq!(config.network, "mainnet");
        assert_eq!(config.beacon.urls.len(), 2);
        assert_eq!(
            config.chain.signer_key_env.as_deref(),
            Some("LCP_RELAYER_KEY")
        );
        assert_eq!(config.polling.interval, Duration::from_secs(12));
    }

    #[test]
    fn inline_keys_typos_and_two_key_sources_are_refused() {
        let inline = EXAMPLE.replace(
            "signer_key_env = \"LCP_RELAYER_KEY\"",
            &format!("signer_key = \"0x{}\"", "11".repeat(32)),
        );
        let error = RelayerConfig::parse(&inline).unwrap_err().to_string();
        assert!(error.contains("inline"), "{error}");
        let allowed = inline.replace("[chain]", "[chain]\nallow_inline_signer_key = true");
        assert!(RelayerConfig::parse(&allowed).is_ok());
        let typo = EXAMPLE.replace("[polling]", "[polling]\nintervall = \"1s\"");
        assert!(RelayerConfig::parse(&typo).is_err());
        let both = EXAMPLE.replace("[chain]", "[chain]\nsigner_key_file = \"/k\"");
        assert!(RelayerConfig::parse(&both).is_err());
    }
}
