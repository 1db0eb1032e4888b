//! A local anvil for tests and `lcp demo`: find the pinned npm binary, start it on a free port with
//! today's mainnet rules, stop it on drop.
//!
//! Rules: `--hardfork osaka` (EIP-7883 MODEXP pricing, so gas figures are mainnet's) and
//! `--enable-tx-gas-limit` (EIP-7825: a transaction above 16,777,216 gas is refused, so a passing
//! registration proves the cap holds). The block gas limit is raised so several capped transactions
//! fit in one block.

use super::error::{AnvilFailure, ChainError};
use alloy_primitives::{Address, B256, b256};
use alloy_signer_local::PrivateKeySigner;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Where `scripts/install-toolchain.sh` puts anvil, relative to the repository root.
const NPM_ANVIL: &str = "solidity/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
/// How long anvil may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// anvil's default chain id.
pub const ANVIL_CHAIN_ID: u64 = 31_337;
/// Block gas limit of the spawned anvil (several capped transactions per block).
pub const ANVIL_BLOCK_GAS_LIMIT: u64 = 60_000_000;

/// The private keys of anvil's first two dev accounts (mnemonic "test test … junk"): public test
/// keys, funded with 10,000 ETH on every anvil; never use them elsewhere.
pub const ANVIL_DEV_KEYS: [B256; 2] = [
    b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
    b256!("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
];

/// The signer of anvil dev account `index` (0 or 1).
pub fn dev_signer(index: usize) -> Option<PrivateKeySigner> {
    ANVIL_DEV_KEYS
        .get(index)
        .and_then(|key| PrivateKeySigner::from_bytes(key).ok())
}

/// Finds anvil: `$ANVIL`, then the npm install under the repository (this crate's checkout, then
/// the current directory and its parents), then `PATH`.
pub fn locate() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ANVIL").map(PathBuf::from) {
        return path.is_file().then_some(path);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(NPM_ANVIL);
    if repo.is_file() {
        return Some(repo);
    }
    if let Ok(cwd) = std::env::current_dir()
        && let Some(found) = cwd
            .ancestors()
            .map(|dir| dir.join(NPM_ANVIL))
            .find(|p| p.is_file())
    {
        return Some(found);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("anvil"))
            .find(|p| p.is_file())
    })
}

/// A running anvil, killed when dropped.
#[derive(Debug)]
pub struct Anvil {
    child: Child,
    address: String,
    path: PathBuf,
}

impl Anvil {
    /// Starts the anvil that [`locate`] finds.
    ///
    /// # Errors
    /// [`ChainError::AnvilNotFound`], [`ChainError::AnvilStart`].
    pub fn spawn() -> Result<Anvil, ChainError> {
        let path = locate().ok_or(ChainError::AnvilNotFound)?;
        Anvil::spawn_at(&path)
    }

    /// Starts anvil from `path` on a free loopback port.
    ///
    /// # Errors
    /// [`ChainError::AnvilStart`].
    pub fn spawn_at(path: &Path) -> Result<Anvil, ChainError> {
        Anvil::spawn_with(path, &[])
    }

    /// Starts anvil from `path` with `extra` arguments after the defaults (e.g. `--no-mining`).
    ///
    /// # Errors
    /// [`ChainError::AnvilStart`].
    pub fn spawn_with(path: &Path, extra: &[&str]) -> Result<Anvil, ChainError> {
        let failure = |reason| ChainError::AnvilStart {
            path: path.to_owned(),
            reason,
        };
        let mut child = Command::new(path)
            .args(["--host", "127.0.0.1", "--port", "0", "--hardfork", "osaka"])
            .arg("--enable-tx-gas-limit")
            .args(["--gas-limit", &ANVIL_BLOCK_GAS_LIMIT.to_string()])
            .args(["--chain-id", &ANVIL_CHAIN_ID.to_string()])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| failure(AnvilFailure::Spawn(e)))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failure(AnvilFailure::Exited));
        };
        // anvil logs every transaction: the pipe is drained for the process's whole life, or a
        // full pipe would block it.
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sender = Some(sender);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(address) = line.strip_prefix("Listening on ")
                    && let Some(sender) = sender.take()
                {
                    let _ = sender.send(address.trim().to_owned());
                }
            }
        });
        match receiver.recv_timeout(START_TIMEOUT) {
            Ok(address) => Ok(Anvil {
                child,
                address,
                path: path.to_owned(),
            }),
            Err(error) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(failure(match error {
                    mpsc::RecvTimeoutError::Timeout => AnvilFailure::NoAddress(START_TIMEOUT),
                    mpsc::RecvTimeoutError::Disconnected => AnvilFailure::Exited,
                }))
            }
        }
    }

    /// The HTTP endpoint, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The binary that runs.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Dev account 0's address (the deployer in tests and the demo).
    pub fn dev_address(index: usize) -> Option<Address> {
        dev_signer(index).map(|s| s.address())
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
