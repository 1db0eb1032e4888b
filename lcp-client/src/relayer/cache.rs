//! The local state cache: the last light-client state the relayer had the chain accept.
//!
//! Only a cache: the chain is the source of truth. On start the cached state is used only if its
//! id equals the id `LCPClient` holds; otherwise it is discarded and the state is rebuilt from the
//! trusted root (`Relayer::resume`). A corrupt or foreign file is therefore harmless.

use super::error::RelayerError;
use super::plan::Finalized;
use alloy_primitives::B256;
use lcp_enclave::service::protocol::{ClientState, SignedMessage};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Largest cache file read: a mainnet store is < 128 KiB of SSZ (two committees and a pending
/// update), 256 KiB as hex; 4 MiB leaves ample room and bounds what a stray file costs.
pub const MAX_CACHE_BYTES: u64 = 4 * 1024 * 1024;

/// A light-client state with the signed update that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalState {
    /// `state_id` of `client_state` (the signed `postStateId`).
    pub state_id: B256,
    /// The state the enclave returned.
    pub client_state: ClientState,
    /// The finalized execution block of the state.
    pub finalized: Finalized,
    /// The signed `UpdateState` that produced the state (misbehaviour evidence, re-submission).
    pub update: SignedMessage,
}

/// Reads the cache; `None` when absent, unreadable, too large or malformed (each logged): a bad
/// cache only costs a rebuild.
pub fn load(path: &Path) -> Option<LocalState> {
    let metadata = std::fs::metadata(path).ok()?;
    if metadata.len() > MAX_CACHE_BYTES {
        tracing::warn!(path = %path.display(), len = metadata.len(), "state cache too large; ignored");
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "state cache unreadable; ignored");
            return None;
        }
    };
    match serde_json::from_slice(&bytes) {
        Ok(state) => Some(state),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "state cache malformed; ignored");
            None
        }
    }
}

/// Writes the cache atomically (temporary file, then rename), so a crash mid-write leaves the
/// previous cache or the new one, never half of one.
///
/// # Errors
/// [`RelayerError::Cache`].
pub fn store(path: &Path, state: &LocalState) -> Result<(), RelayerError> {
    let cache_error = |source| RelayerError::Cache {
        path: path.to_path_buf(),
        source,
    };
    let bytes = serde_json::to_vec_pretty(state).map_err(|e| cache_error(e.into()))?;
    let mut tmp: PathBuf = path.to_path_buf();
    tmp.as_mut_os_string().push(".tmp");
    std::fs::write(&tmp, bytes).map_err(cache_error)?;
    std::fs::rename(&tmp, path).map_err(cache_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Bytes;

    #[test]
    fn round_trip_and_bad_files_are_ignored() {
        let dir = std::env::temp_dir().join(format!("lcp-cache-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        assert_eq!(load(&path), None);
        let state = LocalState {
            state_id: B256::repeat_byte(1),
            client_state: ClientState {
                network_config_hash: B256::repeat_byte(2),
                store: Bytes::from_static(&[3, 4]),
            },
            finalized: Finalized {
                slot: 5,
                block_number: 6,
                block_hash: B256::repeat_byte(7),
            },
            update: SignedMessage {
                message: Bytes::from_static(&[8]),
                signature: Bytes::from_static(&[9]),
            },
        };
        store(&path, &state).unwrap();
        assert_eq!(load(&path), Some(state));
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(load(&path), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
