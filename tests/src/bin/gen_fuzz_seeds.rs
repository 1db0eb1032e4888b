//! Writes the seeds of the fuzz targets that need computed inputs, from real fixtures:
//!
//! - `fuzz/seeds/enclave_request/`: request payloads for the fixed fuzz enclave
//!   (`lcp_fuzz::fuzz_enclave`): `Info`, `InitClient` with the real Capella bootstrap, an
//!   `UpdateClient` of the resulting state with the first real period update, and `Verify` (single
//!   and batch) of the real `eth_getProof` response of block 21925176
//!   against the built store of `lcp_tests::synthetic`.
//! - `fuzz/seeds/eth_rpc/`: the real `eth_getProof`, block JSON and the block's RLP header, each
//!   behind the selector byte `lcp_fuzz::eth_rpc` reads.
//!
//! - `fuzz/seeds/ssz_update/`: the first real Capella period update as SSZ.
//! - `fuzz/seeds/rlp_receipt/`: real receipts of block 21925176, one per type, and the largest.
//!
//! `cargo run -p lcp-tests --bin gen_fuzz_seeds`; then `cargo fuzz cmin` merges them into
//! `fuzz/corpus/` (RELIABILITY.md).

#[path = "../../../fuzz/src/lib.rs"]
#[allow(
    dead_code,
    reason = "the generator uses the enclave and the constants, not the entries"
)]
mod lcp_fuzz;

use alloy_primitives::Bytes;
use anyhow::Context;
use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet};
use lcp_enclave::light_client::decode::updates_from_json;
use lcp_enclave::service::protocol::{ClaimItem, ClientState, LcObject, Request, Response};
use lcp_enclave::spv::{BlockReceipts, SealedExecutionHeader};
use lcp_enclave::state_id::state_id;
use lcp_tests::{fixture, synthetic};
use serde_json::Value;
use std::path::{Path, PathBuf};

const CAPELLA: &str = "mainnet/lightclient/capella_p862-867";

fn json(relative: &str) -> anyhow::Result<Value> {
    let path = fixture(relative);
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

fn seeds_dir(target: &str) -> anyhow::Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fuzz")
        .join("seeds")
        .join(target);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(dir.join(name), bytes)?;
    println!("{}: {} bytes", dir.join(name).display(), bytes.len());
    Ok(())
}

fn write_request(dir: &Path, name: &str, request: &Request) -> anyhow::Result<()> {
    write(dir, name, &serde_json::to_vec(request)?)
}

fn enclave_requests() -> anyhow::Result<()> {
    let dir = seeds_dir("enclave_request")?;
    let enclave = lcp_fuzz::fuzz_enclave().map_err(|v| anyhow::anyhow!("{v}"))?;
    let network = enclave.network_config_hash();
    write_request(&dir, "info.json", &Request::Info { nonce: None })?;

    let bootstrap = json(&format!("{CAPELLA}/bootstrap.json"))?;
    let init = Request::InitClient {
        network_config_hash: network,
        trusted_block_root: "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275"
            .parse()?,
        bootstrap: LcObject::Json(bootstrap),
    };
    write_request(&dir, "init_client.json", &init)?;
    let Response::ClientUpdated {
        client_state,
        state_id: initial_id,
        ..
    } = enclave.handle(init)?
    else {
        anyhow::bail!("InitClient did not answer ClientUpdated");
    };
    let updates = json(&format!("{CAPELLA}/updates.json"))?;
    let first = match updates {
        Value::Array(items) => items.into_iter().next().context("no updates")?,
        other => other,
    };
    let update = Request::UpdateClient {
        state_id: initial_id,
        client_state,
        updates: vec![LcObject::Json(first)],
        // The real finality update is of period 867: it needs all six updates (400 KB), too big
        // a seed for useful mutation.
        finality_update: None,
    };
    // The seed must be a request the enclave accepts, or it explores only the rejection paths.
    enclave.handle(update.clone())?;
    write_request(&dir, "update_client.json", &update)?;

    let block = synthetic::block_21925176()?;
    let store = synthetic::store_at_block(&block)?;
    let client_state = ClientState {
        network_config_hash: network,
        store: Bytes::from(store.to_ssz()?),
    };
    let id = state_id(network, &store)?;
    for (name, batch) in [("verify_storage.json", false), ("verify_batch.json", true)] {
        let verify = Request::Verify {
            state_id: id,
            client_state: client_state.clone(),
            block_hash: synthetic::block_hash(&block)?,
            claims: vec![
                ClaimItem::Storage {
                    proof: synthetic::proof_21925176()?,
                },
                ClaimItem::Account {
                    proof: synthetic::proof_21925176()?,
                },
            ],
            batch,
        };
        enclave.handle(verify.clone())?;
        write_request(&dir, name, &verify)?;
    }
    Ok(())
}

fn eth_rpc() -> anyhow::Result<()> {
    let dir = seeds_dir("eth_rpc")?;
    let with_selector = |selector: u8, body: &[u8]| {
        let mut out = vec![selector];
        out.extend_from_slice(body);
        out
    };
    let proof = serde_json::to_vec(&synthetic::proof_21925176()?)?;
    write(&dir, "get_proof.bin", &with_selector(0, &proof))?;
    let block = synthetic::block_21925176()?;
    write(
        &dir,
        "block.bin",
        &with_selector(1, &serde_json::to_vec(&block)?),
    )?;
    let sealed = SealedExecutionHeader::from_rpc_json(&block)?;
    let rlp = sealed.header().encode_rlp()?;
    write(&dir, "header_rlp.bin", &with_selector(2, &rlp))?;
    Ok(())
}

fn ssz_update() -> anyhow::Result<()> {
    let dir = seeds_dir("ssz_update")?;
    let spec = ChainSpec::mainnet();
    let updates = updates_from_json::<Mainnet>(&spec, &json(&format!("{CAPELLA}/updates.json"))?)?;
    let first = updates.first().context("no updates")?;
    let ssz = first.to_ssz().context("update has no SSZ form")?;
    // Selector: fork index in the high nibble, preset bit 3 clear (mainnet), object 0 (update).
    let fork = Fork::ALL
        .iter()
        .position(|f| *f == Fork::Capella)
        .and_then(|i| u8::try_from(i).ok())
        .context("Capella")?;
    let mut seed = vec![fork << 4];
    seed.extend_from_slice(&ssz);
    write(&dir, "capella_update_p862.bin", &seed)
}

fn rlp_receipt() -> anyhow::Result<()> {
    let dir = seeds_dir("rlp_receipt")?;
    let receipts = json("mainnet/execution/block_21925176/receipts.json")?;
    let receipts = receipts.get("result").cloned().unwrap_or(receipts);
    let block = BlockReceipts::from_rpc_json(&receipts)?;
    // One receipt of each type present, and the largest.
    let mut seen = Vec::new();
    for (index, encoded) in block.encoded().iter().enumerate() {
        let kind = encoded.first().copied().filter(|b| *b < 0x7f).unwrap_or(0);
        if !seen.contains(&kind) {
            seen.push(kind);
            write(&dir, &format!("receipt_{index}_type{kind}.bin"), encoded)?;
        }
    }
    if let Some((index, largest)) = block
        .encoded()
        .iter()
        .enumerate()
        .max_by_key(|(_, e)| e.len())
    {
        write(&dir, &format!("receipt_{index}_largest.bin"), largest)?;
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    enclave_requests()?;
    eth_rpc()?;
    ssz_update()?;
    rlp_receipt()
}
