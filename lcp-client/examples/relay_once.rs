//! One relay step with the production stack a `relayer.toml` describes: beacon nodes over HTTP,
//! the enclave over TCP/vsock (or in-process), the destination chain over JSON-RPC.
//!
//! ```text
//! LCP_RELAYER_KEY=0x… cargo run -p lcp-client --example relay_once -- relayer.toml
//! ```

use lcp_client::cli::relay::connect;
use lcp_client::cli::relay_config::RelayerConfig;
use lcp_client::relayer::Updated;
use std::path::PathBuf;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "relayer.toml".to_owned()),
    );
    let config = RelayerConfig::load(&path)?;
    let mut relayer = connect(&config).await?;

    // The chain is the source of truth: this registers the enclave key if the chain lacks it,
    // initialises an empty client, or restores the state (cache checked against the chain, or
    // rebuilt from the trusted root).
    println!("resumed: {:?}", relayer.resume().await?);

    // Follow finality once: period updates and the finality update in ONE signed UpdateState.
    match relayer.update_to_latest().await? {
        Updated::UpToDate(f) => {
            println!("up to date at block {} ({})", f.block_number, f.block_hash)
        }
        Updated::Advanced {
            from,
            to,
            periods,
            submitted,
            ..
        } => println!(
            "block {} → {} over {periods} periods; updateState gas {:?}",
            from.block_number,
            to.block_number,
            submitted.iter().map(|s| s.gas_used).collect::<Vec<_>>()
        ),
    }
    Ok(())
}
