//! Recorded Beacon-API data in a directory, as a [`LightClientSource`]: the relayer on bundled data
//! with no network (`lcp demo`, the examples, offline replays).
//!
//! Layout (the one of `fixtures/mainnet/lightclient/*/`): `bootstrap.json`, `updates.json` (the
//! `/light_client/updates` array), `finality.json`, `beacon_blocks/<slot>.json`. Files hold the
//! Beacon-API responses verbatim; the enclave verifies them like any network data.

use super::plan::PeriodLength;
use super::ports::{Fetched, LightClientSource, PortError};
use alloy_primitives::B256;
use lcp_enclave::service::protocol::LcObject;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Largest recorded file read (a mainnet beacon block with all transactions is a few MiB).
pub const MAX_RECORDED_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why recorded data could not be served.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordedError {
    /// The file is missing or unreadable.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file exceeds [`MAX_RECORDED_FILE_BYTES`].
    #[error("{path}: {len} bytes exceeds the limit")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: u64,
    },
    /// The file is not JSON.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// `updates.json` is not an array.
    #[error("{path}: expected the /light_client/updates array")]
    NotAnArray {
        /// The file.
        path: PathBuf,
    },
    /// A block id other than a slot number.
    #[error("recorded blocks are named by slot, not {0:?}")]
    BlockId(String),
}

/// A directory of recorded responses.
#[derive(Debug)]
pub struct RecordedSource {
    dir: PathBuf,
    period_length: PeriodLength,
    rejected: Mutex<Vec<(String, String)>>,
}

impl RecordedSource {
    /// Serves `dir` (periods of `period_length` slots, for filtering updates).
    pub fn new(dir: impl Into<PathBuf>, period_length: PeriodLength) -> Self {
        RecordedSource {
            dir: dir.into(),
            period_length,
            rejected: Mutex::new(Vec::new()),
        }
    }

    /// The endpoint name of this source.
    pub fn endpoint(&self) -> String {
        format!("file:{}", self.dir.display())
    }

    /// Rejections reported so far (endpoint, reason).
    pub fn rejections(&self) -> Vec<(String, String)> {
        self.rejected.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn read(&self, relative: &str) -> Result<Value, RecordedError> {
        read_json(&self.dir.join(relative))
    }

    fn fetched<T>(&self, value: T) -> Fetched<T> {
        Fetched {
            value,
            endpoint: self.endpoint(),
        }
    }

    fn period_of_update(&self, update: &Value) -> Option<u64> {
        let slot = update
            .get("data")
            .unwrap_or(update)
            .get("attested_header")?
            .get("beacon")?
            .get("slot")?
            .as_str()?
            .parse()
            .ok()?;
        Some(self.period_length.period(slot))
    }
}

fn read_json(path: &Path) -> Result<Value, RecordedError> {
    let read_error = |source| RecordedError::Read {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read_error)?.len();
    if len > MAX_RECORDED_FILE_BYTES {
        return Err(RecordedError::TooLarge {
            path: path.to_path_buf(),
            len,
        });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    serde_json::from_slice(&bytes).map_err(|source| RecordedError::Json {
        path: path.to_path_buf(),
        source,
    })
}

impl LightClientSource for RecordedSource {
    async fn bootstrap(&self, _block_root: B256) -> Result<Fetched<LcObject>, PortError> {
        // The enclave checks the bootstrap against the trusted root itself.
        Ok(self.fetched(LcObject::Json(self.read("bootstrap.json")?)))
    }

    async fn updates(
        &self,
        start_period: u64,
        count: u64,
    ) -> Result<Fetched<Vec<LcObject>>, PortError> {
        let path = self.dir.join("updates.json");
        let Value::Array(items) = read_json(&path)? else {
            return Err(RecordedError::NotAnArray { path }.into());
        };
        let end = start_period.saturating_add(count);
        let selected = items
            .into_iter()
            .filter(|u| {
                self.period_of_update(u)
                    .is_some_and(|p| p >= start_period && p < end)
            })
            .map(LcObject::Json)
            .collect();
        Ok(self.fetched(selected))
    }

    async fn finality_update(&self) -> Result<Fetched<LcObject>, PortError> {
        Ok(self.fetched(LcObject::Json(self.read("finality.json")?)))
    }

    async fn finality_update_each(&self) -> Vec<Result<Fetched<LcObject>, PortError>> {
        vec![self.finality_update().await]
    }

    async fn block(&self, block_id: &str) -> Result<Fetched<Value>, PortError> {
        let slot: u64 = block_id
            .parse()
            .map_err(|_| RecordedError::BlockId(block_id.to_owned()))?;
        Ok(self.fetched(self.read(&format!("beacon_blocks/{slot}.json"))?))
    }

    fn report_rejected(&self, endpoint: &str, reason: &str) {
        if let Ok(mut rejected) = self.rejected.lock() {
            rejected.push((endpoint.to_owned(), reason.to_owned()));
        }
    }
}
