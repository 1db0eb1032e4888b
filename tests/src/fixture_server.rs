//! A recorded-data HTTP server: the bundled real mainnet data on the standard Beacon-API paths
//! and as JSON-RPC, with faults a test switches on at run time.
//!
//! Why: the data-source layer (timeouts, retries, fallback, demotion, bounded parsing) and the
//! relayer must be tested against real answers and against misbehaving nodes, without network.
//! The server binds `127.0.0.1:0` (loopback only) and speaks HTTP/1.1 through hyper.
//!
//! Served data (all from `fixtures/mainnet/`):
//! - Beacon API, Capella periods 862–867 (`lightclient/capella_p862-867/`):
//!   `GET /eth/v1/beacon/light_client/bootstrap/{root}` (only the bundled checkpoint root),
//!   `GET /eth/v1/beacon/light_client/updates?start_period=&count=` (JSON, or SSZ chunks with
//!   fork digests for `Accept: application/octet-stream`), `…/finality_update`,
//!   `…/optimistic_update`, `GET /eth/v2/beacon/blocks/{slot|root|head|finalized}` for the three
//!   bundled blocks (roots computed from the light-client headers), `GET /eth/v1/beacon/genesis`.
//! - JSON-RPC (`POST` on any path), block 21,925,176 (`execution/block_21925176/`): `eth_chainId`,
//!   `eth_blockNumber`,
//!   `eth_getBlockByNumber` (hash-only transactions: that is what was recorded; a full-transaction
//!   request is answered with an error rather than invented data), `eth_getBlockReceipts`,
//!   `eth_getProof` (the two recorded accounts, with the recorded slots), and
//!   `eth_getTransactionReceipt` (any of the block's 202 transactions).
//!
//! Faults ([`Faults`]) apply to every later request until changed.

use crate::fixture;
use alloy_primitives::B256;
use anyhow::{Context, anyhow};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{ACCEPT, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use lcp_client::sources::beacon_ssz::encode_update_chunks;
use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet};
use lcp_enclave::light_client::decode::update_from_json;
use lcp_enclave::light_client::header::known_fork_digests;
use lcp_enclave::light_client::merkle::hash_pair;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The bundled Capella checkpoint root (bootstrap slot 7,069,376).
pub const CAPELLA_TRUSTED_ROOT: &str =
    "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";
/// The bundled light-client data's directory.
pub const CAPELLA_DIR: &str = "mainnet/lightclient/capella_p862-867";
/// The bundled execution data's directory.
pub const EXECUTION_DIR: &str = "mainnet/execution/block_21925176";
/// The recorded execution block.
pub const EXECUTION_BLOCK: u64 = 21_925_176;
/// The finalized beacon block of the bundled light-client data.
pub const FINALIZED_SLOT: u64 = 7_109_344;
/// Mainnet slots per sync-committee period (32 × 256).
const SLOTS_PER_PERIOD: u64 = 8192;
/// Largest JSON-RPC request body the server reads.
const MAX_REQUEST_BODY: usize = 1024 * 1024;
/// Sepolia's chain id, served under [`Faults::other_network`].
pub const SEPOLIA_CHAIN_ID: u64 = 11_155_111;

/// Misbehaviour switched on at run time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Flip a byte of the sync-committee signature of the update at this position of
    /// `updates.json` (0 = period 862), in JSON and SSZ answers.
    pub tamper_update: Option<usize>,
    /// Flip the last byte (inside the signature) of this transaction of every served beacon block.
    pub tamper_block_transaction: Option<usize>,
    /// Flip the last byte of this `accountProof` node in `eth_getProof` answers.
    pub tamper_proof_node: Option<usize>,
    /// Sleep this long before answering.
    pub stall: Option<Duration>,
    /// Answer every request with this HTTP status (and a JSON error body).
    pub status: Option<u16>,
    /// Answer only the first this-many requests with [`Faults::status`] (then recover).
    pub status_times: Option<u64>,
    /// Add `Retry-After: <seconds>` to [`Faults::status`] answers.
    pub retry_after: Option<u64>,
    /// Serve another network: chain id 11155111 over JSON-RPC, Sepolia's genesis validators root
    /// at `/eth/v1/beacon/genesis`, Sepolia fork digests in SSZ updates.
    pub other_network: bool,
    /// Prefix SSZ updates with Sepolia's fork digests while reporting mainnet's genesis (a node
    /// misconfigured about forks).
    pub foreign_fork_digest: bool,
}

/// The data set a server answers from: the bundled mainnet recording ([`Data::load`]) or one a
/// test builds (a devnet's light-client objects, `crate::devnet::beacon_api`).
#[derive(Clone, Debug)]
pub struct Data {
    /// The network: `/eth/v1/beacon/genesis` answers from it.
    pub spec: ChainSpec,
    /// The `Eth-Consensus-Version` of every light-client answer.
    pub fork: &'static str,
    /// Whether SSZ answers can be made (only for the mainnet recording: they are encoded with the
    /// mainnet preset); otherwise `Accept: application/octet-stream` gets JSON.
    pub ssz: bool,
    /// The block root `/bootstrap/{root}` answers for.
    pub trusted_root: B256,
    /// The bootstrap of `trusted_root`.
    pub bootstrap: Value,
    /// `(sync-committee period of the attested header, update)`.
    pub updates: Vec<(u64, Value)>,
    /// The latest finality update.
    pub finality: Value,
    /// The latest optimistic update (`null`: answered 404).
    pub optimistic: Value,
    /// `(slot, root, block)`.
    pub blocks: Vec<(u64, B256, Value)>,
    /// The slots `head` and `finalized` name in `/eth/v2/beacon/blocks/`.
    pub head_slot: u64,
    /// See `head_slot`.
    pub finalized_slot: u64,
    /// The one JSON-RPC block (`null`: none).
    pub exec_block: Value,
    /// Its `eth_getBlockReceipts` answer.
    pub receipts: Value,
    /// `eth_getProof` answers.
    pub proofs: Vec<Value>,
}

impl Data {
    /// The bundled mainnet recording (see the module doc).
    ///
    /// # Errors
    /// Fixtures missing or malformed.
    pub fn load() -> anyhow::Result<Data> {
        let read = |relative: String| -> anyhow::Result<Value> {
            let text = std::fs::read_to_string(fixture(&relative))
                .with_context(|| format!("reading {relative}"))?;
            serde_json::from_str(&text).with_context(|| format!("parsing {relative}"))
        };
        let updates = match read(format!("{CAPELLA_DIR}/updates.json"))? {
            Value::Array(items) => items
                .into_iter()
                .map(|update| {
                    let slot = decimal(at(&update, "/data/attested_header/beacon/slot")?)?;
                    Ok((slot.checked_div(SLOTS_PER_PERIOD).unwrap_or(0), update))
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
            _ => return Err(anyhow!("updates.json is not an array")),
        };
        let finality = read(format!("{CAPELLA_DIR}/finality.json"))?;
        let optimistic = read(format!("{CAPELLA_DIR}/optimistic.json"))?;
        // Block roots from the light-client headers of the same blocks.
        let headers = [
            at(&finality, "/data/finalized_header/beacon")?,
            at(&finality, "/data/attested_header/beacon")?,
            at(&optimistic, "/data/attested_header/beacon")?,
        ];
        let mut roots = HashMap::new();
        for header in headers {
            roots.insert(decimal(at(header, "/slot")?)?, header_root(header)?);
        }
        let mut blocks = Vec::new();
        for slot in [7_109_344u64, 7_109_430, 7_109_431] {
            let block = read(format!("{CAPELLA_DIR}/beacon_blocks/{slot}.json"))?;
            let root = *roots
                .get(&slot)
                .ok_or_else(|| anyhow!("no header for slot {slot}"))?;
            blocks.push((slot, root, block));
        }
        Ok(Data {
            spec: ChainSpec::mainnet(),
            fork: "capella",
            ssz: true,
            trusted_root: b256(&json!(CAPELLA_TRUSTED_ROOT))?,
            head_slot: 7_109_431,
            finalized_slot: FINALIZED_SLOT,
            bootstrap: read(format!("{CAPELLA_DIR}/bootstrap.json"))?,
            updates,
            finality,
            optimistic,
            blocks,
            exec_block: read(format!("{EXECUTION_DIR}/block.json"))?,
            receipts: read(format!("{EXECUTION_DIR}/receipts.json"))?,
            proofs: vec![
                read(format!("{EXECUTION_DIR}/proof.json"))?,
                read(format!("{EXECUTION_DIR}/block_miner_proof.json"))?,
            ],
        })
    }
}

/// The value at a JSON pointer.
fn at<'a>(value: &'a Value, pointer: &str) -> anyhow::Result<&'a Value> {
    value
        .pointer(pointer)
        .ok_or_else(|| anyhow!("{pointer} missing"))
}

fn decimal(value: &Value) -> anyhow::Result<u64> {
    value
        .as_str()
        .ok_or_else(|| anyhow!("not a string: {value}"))?
        .parse()
        .context("not a decimal")
}

fn b256(value: &Value) -> anyhow::Result<B256> {
    value
        .as_str()
        .ok_or_else(|| anyhow!("not a string: {value}"))?
        .parse()
        .context("not a 32-byte hex")
}

/// `hash_tree_root(BeaconBlockHeader)`: five fields, padded to eight chunks.
fn header_root(header: &Value) -> anyhow::Result<B256> {
    let uint = |field: &str| -> anyhow::Result<B256> {
        let mut chunk = [0u8; 32];
        for (dst, src) in chunk
            .iter_mut()
            .zip(decimal(at(header, &format!("/{field}"))?)?.to_le_bytes())
        {
            *dst = src;
        }
        Ok(B256::from(chunk))
    };
    let mut level = vec![
        uint("slot")?,
        uint("proposer_index")?,
        b256(at(header, "/parent_root")?)?,
        b256(at(header, "/state_root")?)?,
        b256(at(header, "/body_root")?)?,
        B256::ZERO,
        B256::ZERO,
        B256::ZERO,
    ];
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => hash_pair(left, right),
                [left] => hash_pair(left, &B256::ZERO),
                _ => B256::ZERO,
            })
            .collect();
    }
    level.first().copied().ok_or_else(|| anyhow!("empty tree"))
}

/// Flips the lowest bit of the last byte of a `0x`-hex string (length and hex-ness kept).
fn flip_last_hex_byte(value: &mut Value) {
    if let Some(text) = value.as_str() {
        let mut chars: Vec<char> = text.chars().collect();
        if let Some(last) = chars.last_mut() {
            let digit = last.to_digit(16).unwrap_or(0) ^ 1;
            *last = char::from_digit(digit, 16).unwrap_or('0');
        }
        *value = Value::String(chars.into_iter().collect());
    }
}

/// Flips a byte in the middle of a `0x`-hex string.
fn flip_middle_hex_byte(value: &mut Value) {
    if let Some(text) = value.as_str() {
        let mut chars: Vec<char> = text.chars().collect();
        let middle = chars.len().checked_div(2).unwrap_or(0);
        if let Some(c) = chars.get_mut(middle) {
            let digit = c.to_digit(16).unwrap_or(0) ^ 0x8;
            *c = char::from_digit(digit, 16).unwrap_or('0');
        }
        *value = Value::String(chars.into_iter().collect());
    }
}

struct State {
    data: Mutex<Arc<Data>>,
    faults: Mutex<Faults>,
    log: Mutex<Vec<String>>,
}

/// A running fixture server; stops when dropped.
pub struct FixtureServer {
    url: url::Url,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl FixtureServer {
    /// Loads the bundled data and serves it on `127.0.0.1:<free port>` from the current tokio
    /// runtime.
    ///
    /// # Errors
    /// Fixtures missing or malformed; binding fails.
    pub async fn start() -> anyhow::Result<FixtureServer> {
        FixtureServer::serve(Data::load()?).await
    }

    /// Serves `data` on `127.0.0.1:<free port>` from the current tokio runtime.
    ///
    /// # Errors
    /// Binding fails.
    pub async fn serve(data: Data) -> anyhow::Result<FixtureServer> {
        let state = Arc::new(State {
            data: Mutex::new(Arc::new(data)),
            faults: Mutex::new(Faults::default()),
            log: Mutex::new(Vec::new()),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let accept_state = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = accept_state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let state = state.clone();
                        async move { Ok::<_, hyper::Error>(handle(&state, request).await) }
                    });
                    // A client that goes away mid-answer (a timeout) is not a server error.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        let url = url::Url::parse(&format!("http://{addr}/"))?;
        Ok(FixtureServer { url, state, task })
    }

    /// `http://127.0.0.1:<port>/`.
    pub fn url(&self) -> url::Url {
        self.url.clone()
    }

    /// Replaces the active faults.
    pub fn set_faults(&self, faults: Faults) {
        *self
            .state
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = faults;
    }

    /// Replaces the served data (a chain that moved on); later requests see the new set.
    pub fn set_data(&self, data: Data) {
        *self
            .state
            .data
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(data);
    }

    /// Requests served so far (`GET <path>` or `POST <method>`), in order.
    pub fn requests(&self) -> Vec<String> {
        self.state
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Answer = Response<Full<Bytes>>;

fn answer(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn json_answer(value: &Value) -> Answer {
    answer(
        StatusCode::OK,
        "application/json",
        serde_json::to_vec(value).unwrap_or_default(),
    )
}

fn error_answer(status: StatusCode, message: &str) -> Answer {
    let body = json!({"code": status.as_u16(), "message": message});
    answer(
        status,
        "application/json",
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

fn with_version(mut response: Answer, fork: &'static str) -> Answer {
    response
        .headers_mut()
        .insert("eth-consensus-version", HeaderValue::from_static(fork));
    response
}

async fn handle(state: &State, request: Request<Incoming>) -> Answer {
    let faults = state
        .faults
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let served = {
        let mut log = state.log.lock().unwrap_or_else(PoisonError::into_inner);
        log.push(format!("{} {}", request.method(), request.uri()));
        u64::try_from(log.len()).unwrap_or(u64::MAX)
    };
    if let Some(delay) = faults.stall {
        tokio::time::sleep(delay).await;
    }
    if let Some(status) = faults.status
        && faults.status_times.is_none_or(|times| served <= times)
    {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = error_answer(status, "injected fault");
        if let Some(seconds) = faults.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        return response;
    }
    let data = state
        .data
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    match *request.method() {
        Method::GET => beacon(&data, &faults, &request),
        Method::POST => json_rpc(&data, &faults, request).await,
        _ => error_answer(StatusCode::METHOD_NOT_ALLOWED, "GET or POST"),
    }
}

fn wants_ssz(request: &Request<Incoming>) -> bool {
    request
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/octet-stream"))
}

fn beacon(data: &Data, faults: &Faults, request: &Request<Incoming>) -> Answer {
    let path = request.uri().path();
    let lc = "/eth/v1/beacon/light_client/";
    if let Some(rest) = path.strip_prefix(lc) {
        return match rest {
            "finality_update" => with_version(json_answer(&data.finality), data.fork),
            "optimistic_update" if data.optimistic.is_null() => {
                error_answer(StatusCode::NOT_FOUND, "no optimistic update")
            }
            "optimistic_update" => with_version(json_answer(&data.optimistic), data.fork),
            "updates" => updates(data, faults, request),
            _ => match rest.strip_prefix("bootstrap/") {
                Some(root) if root.parse::<B256>().ok() == Some(data.trusted_root) => {
                    with_version(json_answer(&data.bootstrap), data.fork)
                }
                Some(_) => error_answer(StatusCode::NOT_FOUND, "no bootstrap for this root"),
                None => error_answer(StatusCode::NOT_FOUND, "unknown light-client path"),
            },
        };
    }
    if path == "/eth/v1/beacon/genesis" {
        let spec = if faults.other_network {
            ChainSpec::sepolia()
        } else {
            data.spec.clone()
        };
        return json_answer(&json!({"data": {
            "genesis_time": spec.genesis_time.unwrap_or(0).to_string(),
            "genesis_validators_root": spec.genesis_validators_root.to_string(),
            "genesis_fork_version": format!("0x{}", hex::encode(spec.fork_version_at_epoch(0))),
        }}));
    }
    if let Some(id) = path.strip_prefix("/eth/v2/beacon/blocks/") {
        let found = data.blocks.iter().find(|(slot, root, _)| match id {
            "head" => *slot == data.head_slot,
            "finalized" => *slot == data.finalized_slot,
            _ => id.parse::<u64>().ok() == Some(*slot) || id.parse::<B256>().ok() == Some(*root),
        });
        return match found {
            Some((_, _, block)) => {
                let mut block = block.clone();
                if let Some(index) = faults.tamper_block_transaction
                    && let Some(tx) = block.pointer_mut(&format!(
                        "/data/message/body/execution_payload/transactions/{index}"
                    ))
                {
                    flip_last_hex_byte(tx);
                }
                with_version(json_answer(&block), data.fork)
            }
            None => error_answer(StatusCode::NOT_FOUND, "block not recorded"),
        };
    }
    error_answer(StatusCode::NOT_FOUND, "unknown path")
}

/// `start_period` and `count` from the query; `None` if missing or not decimal.
fn period_range(request: &Request<Incoming>) -> Option<(u64, u64)> {
    let query = request.uri().query()?;
    let mut start = None;
    let mut count = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=')?;
        match key {
            "start_period" => start = Some(value.parse().ok()?),
            "count" => count = Some(value.parse().ok()?),
            _ => {}
        }
    }
    Some((start?, count?))
}

fn updates(data: &Data, faults: &Faults, request: &Request<Incoming>) -> Answer {
    let Some((start, count)) = period_range(request) else {
        return error_answer(StatusCode::BAD_REQUEST, "start_period and count required");
    };
    let end = start.saturating_add(count.min(128));
    let selected: Vec<Value> = data
        .updates
        .iter()
        .enumerate()
        .filter(|(_, (period, _))| (start..end).contains(period))
        .map(|(position, (_, update))| {
            let mut update = update.clone();
            if faults.tamper_update == Some(position)
                && let Some(signature) =
                    update.pointer_mut("/data/sync_aggregate/sync_committee_signature")
            {
                flip_middle_hex_byte(signature);
            }
            update
        })
        .collect();
    if !(data.ssz && wants_ssz(request)) {
        return json_answer(&Value::Array(selected));
    }
    let spec = if faults.other_network || faults.foreign_fork_digest {
        ChainSpec::sepolia()
    } else {
        ChainSpec::mainnet()
    };
    let Some(digest) = known_fork_digests(&spec)
        .into_iter()
        .find(|(_, fork)| *fork == Fork::Capella)
        .map(|(digest, _)| digest)
    else {
        return error_answer(StatusCode::INTERNAL_SERVER_ERROR, "no capella digest");
    };
    let mut payloads = Vec::new();
    for update in &selected {
        let encoded = update_from_json::<Mainnet>(&ChainSpec::mainnet(), update)
            .ok()
            .and_then(|update| update.to_ssz());
        match encoded {
            Some(bytes) => payloads.push(bytes),
            None => {
                return error_answer(StatusCode::INTERNAL_SERVER_ERROR, "cannot encode update");
            }
        }
    }
    let chunks: Vec<([u8; 4], &[u8])> = payloads.iter().map(|p| (digest, p.as_slice())).collect();
    answer(
        StatusCode::OK,
        "application/octet-stream",
        encode_update_chunks(&chunks),
    )
}

async fn json_rpc(data: &Data, faults: &Faults, request: Request<Incoming>) -> Answer {
    let body = match Limited::new(request.into_body(), MAX_REQUEST_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return error_answer(StatusCode::PAYLOAD_TOO_LARGE, "request too large"),
    };
    let Ok(parsed) = serde_json::from_slice::<Value>(&body) else {
        return json_answer(&json!({"jsonrpc": "2.0", "id": null,
            "error": {"code": -32700, "message": "parse error"}}));
    };
    match parsed {
        Value::Array(calls) => json_answer(&Value::Array(
            calls
                .iter()
                .map(|call| rpc_call(data, faults, call))
                .collect(),
        )),
        call => json_answer(&rpc_call(data, faults, &call)),
    }
}

fn rpc_call(data: &Data, faults: &Faults, call: &Value) -> Value {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let method = call.get("method").and_then(Value::as_str).unwrap_or("");
    let params = call.get("params").cloned().unwrap_or(Value::Array(vec![]));
    match rpc_result(data, faults, method, &params) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err((code, message)) => json!({"jsonrpc": "2.0", "id": id,
            "error": {"code": code, "message": message}}),
    }
}

/// Whether a block parameter names the recorded block.
fn is_recorded_block(param: Option<&Value>) -> bool {
    match param.and_then(Value::as_str) {
        Some("latest" | "finalized" | "safe") => true,
        Some(text) => {
            text.strip_prefix("0x")
                .and_then(|hex| u64::from_str_radix(hex, 16).ok())
                == Some(EXECUTION_BLOCK)
        }
        None => false,
    }
}

fn rpc_result(
    data: &Data,
    faults: &Faults,
    method: &str,
    params: &Value,
) -> Result<Value, (i64, &'static str)> {
    let param = |i: usize| params.get(i);
    match method {
        "eth_chainId" => Ok(json!(format!(
            "{:#x}",
            if faults.other_network {
                SEPOLIA_CHAIN_ID
            } else {
                1
            }
        ))),
        "eth_blockNumber" => Ok(json!(format!("{EXECUTION_BLOCK:#x}"))),
        "eth_getBlockByNumber" => {
            if !is_recorded_block(param(0)) {
                return Ok(Value::Null);
            }
            if param(1).and_then(Value::as_bool) == Some(true) {
                return Err((-32000, "full transactions were not recorded for this block"));
            }
            Ok(data.exec_block.clone())
        }
        "eth_getBlockReceipts" => Ok(if is_recorded_block(param(0)) {
            data.receipts.clone()
        } else {
            Value::Null
        }),
        "eth_getTransactionReceipt" => {
            let hash = param(0).and_then(Value::as_str).unwrap_or("");
            Ok(data
                .receipts
                .as_array()
                .and_then(|receipts| {
                    receipts.iter().find(|r| {
                        r.get("transactionHash")
                            .and_then(Value::as_str)
                            .is_some_and(|h| h.eq_ignore_ascii_case(hash))
                    })
                })
                .cloned()
                .unwrap_or(Value::Null))
        }
        "eth_getProof" => {
            if !is_recorded_block(param(2)) {
                return Err((-32000, "state not recorded for this block"));
            }
            let address = param(0).and_then(Value::as_str).unwrap_or("");
            let keys: Vec<B256> = param(1)
                .and_then(Value::as_array)
                .map(|keys| keys.iter().filter_map(|k| b256(k).ok()).collect())
                .unwrap_or_default();
            let proof = data
                .proofs
                .iter()
                .find(|p| {
                    p.get("address")
                        .and_then(Value::as_str)
                        .is_some_and(|a| a.eq_ignore_ascii_case(address))
                })
                .ok_or((-32000, "account not recorded"))?;
            let recorded: Vec<B256> = proof
                .get("storageProof")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|s| s.get("key").and_then(|k| b256(k).ok()))
                        .collect()
                })
                .unwrap_or_default();
            if keys != recorded {
                return Err((-32000, "these storage keys were not recorded"));
            }
            let mut proof = proof.clone();
            if let Some(index) = faults.tamper_proof_node
                && let Some(node) = proof.pointer_mut(&format!("/accountProof/{index}"))
            {
                flip_last_hex_byte(node);
            }
            Ok(proof)
        }
        _ => Err((-32601, "method not recorded")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_roots_link_the_recorded_blocks() {
        let data = Data::load().unwrap();
        // Roots computed from light-client headers match the chain's own links: block
        // 7109431's parent_root is block 7109430's root.
        let root_7109430 = data.blocks[1].1;
        let parent_of_7109431 = b256(&data.blocks[2].2["data"]["message"]["parent_root"]).unwrap();
        assert_eq!(root_7109430, parent_of_7109431);
        assert_eq!(
            data.updates.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            vec![862, 863, 864, 865, 866, 867]
        );
    }
}
