//! A local anvil for devnet tests: spawn the pinned npm binary, talk JSON-RPC over plain HTTP/1.1
//! (a minimal blocking client on `std::net`: the test crate has no HTTP client, and a few
//! `Connection: close` POSTs to loopback need none), stop it on drop.

use super::payload::ExecutionBlock;
use super::{Devnet, DevnetRound};
use alloy_primitives::{B256, Bytes};
use anyhow::{Context, anyhow, bail};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Largest JSON-RPC response read (a block with full transactions is far below).
const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// Receipt polls after a send (50 ms apart: 10 s).
const RECEIPT_POLLS: u32 = 200;

/// The anvil binary `scripts/install-toolchain.sh` installs.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../solidity/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
}

/// The forge binary `scripts/install-toolchain.sh` installs.
pub fn forge_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../solidity/node_modules/@foundry-rs/forge-linux-amd64/bin/forge")
}

/// A running anvil; killed on drop.
#[derive(Debug)]
pub struct Anvil {
    child: Child,
    port: u16,
}

impl Anvil {
    /// Starts anvil on a free loopback port with `hardfork` (`cancun` for a Deneb devnet, `prague`
    /// for Electra) and automining.
    ///
    /// # Errors
    /// The binary is missing or anvil does not report its port.
    pub fn spawn(hardfork: &str) -> anyhow::Result<Anvil> {
        Anvil::spawn_with(hardfork, &[])
    }

    /// [`Anvil::spawn`] with more anvil flags (`--chain-id N` for a second chain beside the
    /// first, `--enable-tx-gas-limit` for the EIP-7825 cap on a destination chain).
    ///
    /// # Errors
    /// As [`Anvil::spawn`].
    pub fn spawn_with(hardfork: &str, extra: &[&str]) -> anyhow::Result<Anvil> {
        let mut child = Command::new(binary())
            .args(["--host", "127.0.0.1", "--port", "0", "--hardfork", hardfork])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("spawning {}", binary().display()))?;
        let stdout = child.stdout.take().context("anvil stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let Some(line) = lines.next() else {
                let _ = child.kill();
                bail!("anvil exited before listening");
            };
            let line = line?;
            if let Some(address) = line.strip_prefix("Listening on ") {
                let port = address
                    .trim()
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse::<u16>().ok())
                    .context("anvil port")?;
                break port;
            }
        };
        // Keep draining stdout so anvil never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Anvil { child, port })
    }

    /// The HTTP endpoint.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// One JSON-RPC call; the `result`, or an error with the node's message.
    ///
    /// # Errors
    /// Transport errors, a JSON-RPC error object, a malformed response.
    pub fn rpc(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        let body = serde_json::to_vec(&json!({
            "jsonrpc": "2.0", "id": 1, "method": method, "params": params,
        }))?;
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )?;
        stream.write_all(&body)?;
        let mut response = Vec::new();
        stream.take(MAX_RESPONSE_BYTES).read_to_end(&mut response)?;
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .context("HTTP response without header end")?;
        let (head, rest) = response.split_at(split);
        let payload = rest.get(4..).unwrap_or_default();
        let head = String::from_utf8_lossy(head).to_ascii_lowercase();
        if !head.starts_with("http/1.1 200") {
            bail!("{method}: HTTP {}", head.lines().next().unwrap_or_default());
        }
        let payload = if head.contains("transfer-encoding: chunked") {
            dechunk(payload)?
        } else {
            payload.to_vec()
        };
        let value: Value = serde_json::from_slice(&payload)?;
        if let Some(error) = value.get("error") {
            bail!("{method}: {error}");
        }
        value
            .get("result")
            .cloned()
            .ok_or_else(|| anyhow!("{method}: no result"))
    }

    /// `eth_getBlockByNumber(number, true)` and the block's raw transactions.
    ///
    /// # Errors
    /// RPC errors; a malformed transaction list.
    pub fn block_with_raw_transactions(&self, number: u64) -> anyhow::Result<(Value, Vec<Bytes>)> {
        let block = self.rpc(
            "eth_getBlockByNumber",
            json!([format!("{number:#x}"), true]),
        )?;
        let mut raw = Vec::new();
        for tx in block
            .get("transactions")
            .and_then(Value::as_array)
            .context("transactions")?
        {
            let hash: B256 = tx
                .get("hash")
                .and_then(Value::as_str)
                .context("transaction hash")?
                .parse()?;
            let bytes = self.rpc("eth_getRawTransactionByHash", json!([hash]))?;
            let text = bytes.as_str().context("raw transaction")?;
            raw.push(Bytes::from(hex::decode(
                text.strip_prefix("0x").unwrap_or(text),
            )?));
        }
        Ok((block, raw))
    }

    /// Block `number` as the devnet imports it (header hash, transactions checked).
    ///
    /// # Errors
    /// RPC errors; see [`ExecutionBlock::from_rpc`].
    pub fn execution_block(&self, number: u64) -> anyhow::Result<ExecutionBlock> {
        let (block, raw) = self.block_with_raw_transactions(number)?;
        Ok(ExecutionBlock::from_rpc(&block, raw)?)
    }

    /// Finalizes block `number` on `devnet`: mines a child if `number` is the head, then
    /// [`Devnet::finalize`]s the block with its child as the attested block.
    ///
    /// # Errors
    /// RPC errors; see [`Devnet::finalize`].
    pub fn finalize(&self, devnet: &mut Devnet, number: u64) -> anyhow::Result<DevnetRound> {
        let head = self.rpc("eth_blockNumber", json!([]))?;
        let head = u64::from_str_radix(
            head.as_str()
                .context("eth_blockNumber")?
                .trim_start_matches("0x"),
            16,
        )?;
        if head <= number {
            self.rpc("evm_mine", json!([]))?;
        }
        let finalized = self.execution_block(number)?;
        let attested = self.execution_block(number.checked_add(1).context("block number")?)?;
        Ok(devnet.finalize(&finalized, &attested)?)
    }

    /// `eth_getBlockReceipts(number)`.
    ///
    /// # Errors
    /// RPC errors.
    pub fn block_receipts(&self, number: u64) -> anyhow::Result<Value> {
        self.rpc("eth_getBlockReceipts", json!([format!("{number:#x}")]))
    }

    /// Sends a transaction from an unlocked dev account and returns its receipt (anvil automines).
    ///
    /// # Errors
    /// RPC errors; the transaction reverted.
    pub fn send_transaction(&self, tx: Value) -> anyhow::Result<Value> {
        let hash = self.rpc("eth_sendTransaction", json!([tx]))?;
        // Automining is asynchronous: the receipt appears shortly after the hash.
        let mut receipt = Value::Null;
        for _ in 0..RECEIPT_POLLS {
            receipt = self.rpc("eth_getTransactionReceipt", json!([hash]))?;
            if !receipt.is_null() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if receipt.get("status").and_then(Value::as_str) != Some("0x1") {
            bail!("transaction {hash} failed: {receipt}");
        }
        Ok(receipt)
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decodes an HTTP/1.1 chunked body.
fn dechunk(mut body: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .context("chunk size line")?;
        let (size_line, rest) = body.split_at(line_end);
        let size_text = std::str::from_utf8(size_line)?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)?;
        let rest = rest.get(2..).context("chunk")?;
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(rest.get(..size).context("chunk data")?);
        body = rest
            .get(size.checked_add(2).context("chunk size")?..)
            .context("chunk end")?;
    }
}
