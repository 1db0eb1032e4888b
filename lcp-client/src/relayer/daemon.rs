//! The daemon loop of `lcp relay`: one [`Relayer::step`] per poll interval, errors logged and
//! retried with back-off (an enclave being restarted, a node down), a frozen client ends it.

use super::error::RelayerError;
use super::ports::{ChainBackend, LightClientSource};
use super::{Relayer, Updated};
use std::future::Future;
use std::time::Duration;

/// How the loop runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaemonOptions {
    /// Pause between steps when up to date.
    pub poll_interval: Duration,
    /// First pause after a failed step (doubling up to `poll_interval · 8`).
    pub error_backoff: Duration,
    /// Run one successful step, then return (`lcp relay --once`).
    pub once: bool,
    /// Failed steps in a row before giving up (`None`: never give up).
    pub max_consecutive_errors: Option<u32>,
    /// Compare every endpoint's finality after each step and submit misbehaviour evidence.
    pub watch_misbehaviour: bool,
}

impl Default for DaemonOptions {
    fn default() -> Self {
        DaemonOptions {
            poll_interval: Duration::from_secs(12),
            error_backoff: Duration::from_secs(1),
            once: false,
            max_consecutive_errors: None,
            watch_misbehaviour: true,
        }
    }
}

/// What the loop did before it returned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DaemonReport {
    /// Steps that completed.
    pub steps: u64,
    /// Steps that advanced the chain.
    pub advanced: u64,
    /// Steps that failed (and were retried).
    pub errors: u64,
    /// The last outcome.
    pub last: Option<Updated>,
}

/// Runs the relayer until `shutdown` completes, `once` is done, the client freezes, or
/// `max_consecutive_errors` is reached.
///
/// # Errors
/// [`RelayerError::Frozen`], or the last error when the error budget is spent (or with `once`).
pub async fn run<S: LightClientSource, C: ChainBackend>(
    relayer: &mut Relayer<S, C>,
    options: DaemonOptions,
    shutdown: impl Future<Output = ()>,
) -> Result<DaemonReport, RelayerError> {
    let mut report = DaemonReport::default();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut consecutive = 0u32;
    let mut backoff = options.error_backoff;
    loop {
        let pause = match relayer.step().await {
            Ok(updated) => {
                consecutive = 0;
                backoff = options.error_backoff;
                report.steps = report.steps.saturating_add(1);
                match &updated {
                    Updated::UpToDate(f) => {
                        tracing::debug!(slot = f.slot, block = f.block_number, "up to date");
                    }
                    Updated::Advanced {
                        from,
                        to,
                        periods,
                        submitted,
                        ..
                    } => {
                        report.advanced = report.advanced.saturating_add(1);
                        let gas = submitted
                            .iter()
                            .map(|s| s.gas_used)
                            .fold(0u64, u64::saturating_add);
                        tracing::info!(
                            from_slot = from.slot,
                            to_slot = to.slot,
                            block = to.block_number,
                            block_hash = %to.block_hash,
                            periods,
                            transactions = submitted.len(),
                            gas,
                            "advanced"
                        );
                    }
                }
                report.last = Some(updated);
                if options.watch_misbehaviour {
                    match relayer.watch_misbehaviour().await {
                        Ok(Some(submitted)) => {
                            tracing::error!(tx = %submitted.tx_hash, "misbehaviour submitted; the client is frozen");
                            return Err(RelayerError::Frozen);
                        }
                        Ok(None) => {}
                        Err(error) => tracing::warn!(%error, "misbehaviour watch failed"),
                    }
                }
                if options.once {
                    return Ok(report);
                }
                options.poll_interval
            }
            Err(RelayerError::Frozen) => return Err(RelayerError::Frozen),
            Err(error) => {
                report.errors = report.errors.saturating_add(1);
                consecutive = consecutive.saturating_add(1);
                let spent = options
                    .max_consecutive_errors
                    .is_some_and(|max| consecutive >= max);
                if options.once || spent {
                    return Err(error);
                }
                tracing::warn!(%error, retry_in = ?backoff, "relay step failed; retrying");
                let pause = backoff;
                backoff = backoff
                    .saturating_mul(2)
                    .min(options.poll_interval.saturating_mul(8));
                pause
            }
        };
        tokio::select! {
            () = &mut shutdown => return Ok(report),
            () = tokio::time::sleep(pause) => {}
        }
    }
}
