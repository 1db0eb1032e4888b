//! The wire protocol between host and enclave: frames, requests, responses (DESIGN.md §3).
//!
//! # Frames
//! The same frames on vsock and TCP:
//!
//! ```text
//! byte 0      protocol version (PROTOCOL_VERSION = 1)
//! byte 1      kind: 1 request, 2 response, 3 error
//! bytes 2..4  reserved, zero
//! bytes 4..8  payload length, u32 big-endian, at most MAX_FRAME_LEN
//! bytes 8..   payload: one JSON value (a Request, a Response or an ErrorBody)
//! ```
//!
//! A frame with another version, an unknown kind, non-zero reserved bytes, a length above the limit
//! or a payload that is not exactly one request is answered with an error frame and the connection
//! is closed; other connections are not affected. A request that parses but fails verification is
//! answered with an error frame and the connection stays open.
//!
//! # Payload encoding
//! JSON with 0x-hex byte strings. Measured on this machine (docs/notes/enclave-service.md), parsing is a
//! small share of a request's cost (the store's hash tree root, the proofs and the signature
//! dominate), the hosts already speak JSON to beacon and execution nodes (Beacon-API objects are
//! embedded as-is), and serde's derived decoders reject unknown and duplicate fields. Bounds: the
//! frame limit caps every string and array; `serde_json` caps nesting at 128; counts of updates and
//! claims have their own limits below.

use alloy_primitives::{Address, B256, Bytes};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The protocol version this enclave speaks (frame byte 0).
pub const PROTOCOL_VERSION: u8 = 1;
/// Frame header length.
pub const FRAME_HEADER_LEN: usize = 8;
/// Largest frame payload: 8 MiB.
///
/// Why this number: the largest legitimate request is an `UpdateClient` with
/// [`MAX_UPDATES_PER_REQUEST`] period updates (each at most `MAX_LC_OBJECT_BYTES` = 64 KiB of SSZ,
/// 128 KiB as hex) plus the client state (two sync committees and a pending update, < 128 KiB of
/// SSZ): about 4.3 MiB. Claim requests are smaller per item (an account proof is ≤ 65 nodes of
/// ≤ 532 bytes). 8 MiB leaves headroom for JSON overhead while bounding memory: with
/// [`MAX_CONNECTIONS`] connections each buffering one frame, at most 1 GiB is held in frames,
/// within the enclave memory `docs/deploy-nitro.md` allocates. A receipt larger than ~4 MiB (possible
/// only near the EIP-7934 8 MiB block cap) does not fit; such a claim needs a larger limit.
pub const MAX_FRAME_LEN: usize = 8 * 1024 * 1024;
/// Connections served at once; further connections wait in the accept queue.
pub const MAX_CONNECTIONS: usize = 128;
/// Period and finality updates in one `UpdateClient` (the finality update not counted).
pub const MAX_UPDATES_PER_REQUEST: usize = 32;
/// Claim items in one `Verify` request.
pub const MAX_CLAIM_ITEMS: usize = 4096;
/// Claims one `Verify` request may produce (one storage item yields one claim per slot): the batch
/// tree's own limit, `attestation_verifier::message::merkle::MAX_BATCH_LEAVES`.
pub const MAX_CLAIMS: usize = 65_536;

/// What a frame carries (frame byte 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// Host → enclave.
    Request,
    /// Enclave → host, success.
    Response,
    /// Enclave → host, failure ([`ErrorBody`]).
    Error,
}

impl FrameKind {
    /// The wire byte.
    pub const fn byte(self) -> u8 {
        match self {
            FrameKind::Request => 1,
            FrameKind::Response => 2,
            FrameKind::Error => 3,
        }
    }

    /// Parses the wire byte.
    pub const fn from_byte(byte: u8) -> Option<FrameKind> {
        match byte {
            1 => Some(FrameKind::Request),
            2 => Some(FrameKind::Response),
            3 => Some(FrameKind::Error),
            _ => None,
        }
    }
}

/// Why a frame was refused. The connection that sent it is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Byte 0 is not [`PROTOCOL_VERSION`].
    #[error("protocol version {got}, this enclave speaks {expected}")]
    UnsupportedVersion {
        /// Received.
        got: u8,
        /// Spoken.
        expected: u8,
    },
    /// Byte 1 is not a known kind, or not the kind expected here.
    #[error("frame kind {got} not expected here")]
    UnexpectedKind {
        /// Received.
        got: u8,
    },
    /// Bytes 2..4 are not zero.
    #[error("reserved frame bytes are {got:#06x}, must be zero")]
    NonZeroReserved {
        /// The two bytes, big-endian.
        got: u16,
    },
    /// The declared payload exceeds [`MAX_FRAME_LEN`].
    #[error("frame of {len} bytes exceeds the {max}-byte limit")]
    TooLarge {
        /// Declared length.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// The connection ended inside a frame.
    #[error("connection closed inside a frame after {got} of {expected} bytes")]
    Truncated {
        /// Bytes received.
        got: usize,
        /// Bytes announced.
        expected: usize,
    },
    /// No complete frame arrived within the read timeout.
    #[error("no complete frame within {seconds} s")]
    Timeout {
        /// The timeout.
        seconds: u64,
    },
    /// The frame was still incomplete after this many seconds when every connection slot was
    /// needed: the connection was closed to serve another (`server`, "Slow and silent peers").
    #[error("frame incomplete after {seconds} s while its connection slot was needed")]
    Evicted {
        /// `SLOW_FRAME_EVICTABLE_AFTER`.
        seconds: u64,
    },
}

/// A parsed frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// Frame kind.
    pub kind: FrameKind,
    /// Payload length (≤ [`MAX_FRAME_LEN`]).
    pub len: usize,
}

impl FrameHeader {
    /// Parses and checks a header.
    ///
    /// # Errors
    /// [`FrameError::UnsupportedVersion`], [`FrameError::UnexpectedKind`],
    /// [`FrameError::NonZeroReserved`], [`FrameError::TooLarge`].
    pub fn parse(bytes: [u8; FRAME_HEADER_LEN]) -> Result<FrameHeader, FrameError> {
        let [version, kind, r0, r1, l0, l1, l2, l3] = bytes;
        if version != PROTOCOL_VERSION {
            return Err(FrameError::UnsupportedVersion {
                got: version,
                expected: PROTOCOL_VERSION,
            });
        }
        let kind = FrameKind::from_byte(kind).ok_or(FrameError::UnexpectedKind { got: kind })?;
        let reserved = u16::from_be_bytes([r0, r1]);
        if reserved != 0 {
            return Err(FrameError::NonZeroReserved { got: reserved });
        }
        let declared = u32::from_be_bytes([l0, l1, l2, l3]);
        let len = usize::try_from(declared)
            .ok()
            .filter(|len| *len <= MAX_FRAME_LEN)
            .ok_or(FrameError::TooLarge {
                len: u64::from(declared),
                max: MAX_FRAME_LEN,
            })?;
        Ok(FrameHeader { kind, len })
    }

    /// The header bytes.
    pub fn encode(&self) -> [u8; FRAME_HEADER_LEN] {
        // `len` ≤ MAX_FRAME_LEN < 2^32 by construction through `frame`.
        let len = u32::try_from(self.len).unwrap_or(u32::MAX).to_be_bytes();
        let [l0, l1, l2, l3] = len;
        [PROTOCOL_VERSION, self.kind.byte(), 0, 0, l0, l1, l2, l3]
    }
}

/// `header ‖ payload` for a payload within the limit.
///
/// # Errors
/// [`FrameError::TooLarge`].
pub fn frame(kind: FrameKind, payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    if payload.len() > MAX_FRAME_LEN {
        return Err(FrameError::TooLarge {
            len: u64::try_from(payload.len()).unwrap_or(u64::MAX),
            max: MAX_FRAME_LEN,
        });
    }
    let header = FrameHeader {
        kind,
        len: payload.len(),
    };
    let mut out = Vec::with_capacity(payload.len().saturating_add(FRAME_HEADER_LEN));
    out.extend_from_slice(&header.encode());
    out.extend_from_slice(payload);
    Ok(out)
}

/// A light-client object as the host received it from a beacon node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LcObject {
    /// Beacon-API JSON (`{version, data}`, a bare object, or for updates the `/updates` array).
    Json(Value),
    /// SSZ of the named fork's container (no fork-digest prefix).
    Ssz {
        /// Fork name (`capella`, `deneb`, …).
        fork: String,
        /// The SSZ bytes.
        bytes: Bytes,
    },
}

/// The light-client state the host keeps for the enclave between requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientState {
    /// The network configuration the store belongs to.
    pub network_config_hash: B256,
    /// Canonical SSZ of the store (`LightClientStore::to_ssz`; byte 0 is the fork index).
    pub store: Bytes,
}

/// One thing to prove in a `Verify` request, against the state's finalized execution block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ClaimItem {
    /// An `eth_getProof` response: one storage claim per listed slot.
    Storage {
        /// The response (`result` object, or the JSON-RPC envelope).
        proof: Value,
    },
    /// An `eth_getProof` response: the account claim.
    Account {
        /// The response.
        proof: Value,
    },
    /// A receipt with its proof; claims log `log_index` of it.
    ReceiptLog {
        /// Transaction index (trie key).
        transaction_index: u64,
        /// EIP-2718 receipt bytes.
        receipt: Bytes,
        /// Proof nodes, root first.
        proof: Vec<Bytes>,
        /// Index of the log within the receipt.
        log_index: u64,
    },
    /// A raw transaction with its proof against the block's MPT transactions root, reached through
    /// the RLP execution header (whose recomputed hash must be the verified block hash).
    Transaction {
        /// RLP of the execution block header.
        header_rlp: Bytes,
        /// Transaction index.
        transaction_index: u64,
        /// EIP-2718 transaction bytes.
        transaction: Bytes,
        /// Proof nodes, root first.
        proof: Vec<Bytes>,
    },
}

/// A request (externally tagged: `{"info": {…}}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Key, attestation, versions.
    Info {
        /// Optional freshness nonce for the attestation document (≤ 512 bytes).
        #[serde(default)]
        nonce: Option<Bytes>,
    },
    /// Initialise a light client from a bootstrap.
    InitClient {
        /// Must equal the enclave's network configuration hash.
        network_config_hash: B256,
        /// The weak-subjectivity checkpoint block root.
        trusted_block_root: B256,
        /// `LightClientBootstrap`.
        bootstrap: LcObject,
    },
    /// Apply updates to a host-held state.
    UpdateClient {
        /// The state id the destination chain holds for `client_state`.
        state_id: B256,
        /// The state.
        client_state: ClientState,
        /// Period updates (`LightClientUpdate`), in order; a JSON array counts each element.
        #[serde(default)]
        updates: Vec<LcObject>,
        /// An optional `LightClientFinalityUpdate`, applied last.
        #[serde(default)]
        finality_update: Option<LcObject>,
    },
    /// Prove claims against the state's finalized execution block.
    Verify {
        /// The state id the destination chain holds for `client_state`.
        state_id: B256,
        /// The state.
        client_state: ClientState,
        /// The execution block the host means; must be the state's finalized block.
        block_hash: B256,
        /// What to prove.
        claims: Vec<ClaimItem>,
        /// One signature over the Merkle root of all claims instead of one per claim.
        #[serde(default)]
        batch: bool,
    },
}

/// A signed LCP message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedMessage {
    /// `header ‖ abi.encode(body)`.
    pub message: Bytes,
    /// `r ‖ s ‖ v` over `keccak256(message)`.
    pub signature: Bytes,
}

/// One claim of a batch with its inclusion proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchLeaf {
    /// `MessageType` of the claim.
    pub claim_type: u8,
    /// `abi.encode(claim)`.
    pub claim: Bytes,
    /// Leaf index.
    pub index: u64,
    /// Siblings from the leaf row up.
    pub proof: Vec<B256>,
}

/// A successful answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Response {
    /// Answer to `Info`.
    Info {
        /// Address of the enclave key.
        enclave_key: Address,
        /// The attestation document (COSE_Sign1).
        attestation: Bytes,
        /// `lcp-enclave` crate version.
        code_version: String,
        /// Network name (informational).
        network: String,
        /// Hash bound in `user_data`.
        network_config_hash: B256,
        /// Operator bound in `user_data`.
        operator: Address,
        /// Destination chain id signed into every message.
        chain_id: u64,
        /// Destination `LCPClient` signed into every message.
        client_address: Address,
    },
    /// Answer to `InitClient` and `UpdateClient`.
    ClientUpdated {
        /// The new state for the host to keep.
        client_state: ClientState,
        /// Its id (= the signed `postStateId`).
        state_id: B256,
        /// The signed `UpdateState`.
        update: SignedMessage,
        /// Updates applied.
        applied: u32,
        /// Updates that were valid but stale (changed nothing).
        stale: u32,
    },
    /// Answer to `Verify` without batching: one signed message per claim.
    Claims {
        /// In request order (a storage item contributes one per slot).
        messages: Vec<SignedMessage>,
    },
    /// Answer to `Verify` with batching.
    Batch {
        /// The signed `BatchClaims`.
        batch: SignedMessage,
        /// The claims, in request order.
        leaves: Vec<BatchLeaf>,
    },
}

/// Payload of an error frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// Stable snake_case name of the error variant.
    pub code: String,
    /// Human-readable reason.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_rejections() {
        let header = FrameHeader {
            kind: FrameKind::Request,
            len: 1234,
        };
        assert_eq!(FrameHeader::parse(header.encode()), Ok(header));
        assert_eq!(
            FrameHeader::parse(*b"GET / HT"),
            Err(FrameError::UnsupportedVersion {
                got: b'G',
                expected: 1
            })
        );
        assert_eq!(
            FrameHeader::parse([1, 9, 0, 0, 0, 0, 0, 0]),
            Err(FrameError::UnexpectedKind { got: 9 })
        );
        assert_eq!(
            FrameHeader::parse([1, 1, 0, 1, 0, 0, 0, 0]),
            Err(FrameError::NonZeroReserved { got: 1 })
        );
        assert_eq!(
            FrameHeader::parse([1, 1, 0, 0, 0, 0x80, 0, 1]),
            Err(FrameError::TooLarge {
                len: 0x0080_0001,
                max: MAX_FRAME_LEN
            })
        );
        assert!(FrameHeader::parse([1, 1, 0, 0, 0, 0x80, 0, 0]).is_ok());
    }

    #[test]
    fn requests_refuse_unknown_and_duplicate_fields() {
        let ok: Request = serde_json::from_str(r#"{"info":{}}"#).unwrap();
        assert_eq!(ok, Request::Info { nonce: None });
        assert!(serde_json::from_str::<Request>(r#"{"info":{"extra":1}}"#).is_err());
        assert!(
            serde_json::from_str::<Request>(r#"{"info":{"nonce":"0x01","nonce":"0x02"}}"#).is_err()
        );
        assert!(serde_json::from_str::<Request>(r#"{"info":{}} trailing"#).is_err());
        assert!(serde_json::from_str::<Request>(r#"{"sign_anything":{}}"#).is_err());
    }
}
