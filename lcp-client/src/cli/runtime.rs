//! The async runtime of the networked commands (`lcp enclave`, `lcp relay`, `lcp prove`).

/// Runs `future` on a fresh multi-threaded runtime (two workers: the host's work is I/O; the
/// CPU-heavy verification happens in the enclave).
///
/// # Errors
/// The runtime fails to start, or the future's error.
pub fn block_on<T>(future: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| anyhow::anyhow!("starting the async runtime: {e}"))?;
    runtime.block_on(future)
}
