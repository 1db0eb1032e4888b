//! Decoding untrusted light-client data: SSZ (raw for a given fork, or prefixed with a 4-byte fork
//! digest) and Beacon-API JSON (`{version, data}`, a bare object, or the `/updates` array).
//!
//! SSZ lengths are bounded by the types (fixed vectors, `extra_data` ≤ 32 bytes); on top of that
//! an input is refused above [`MAX_LC_OBJECT_BYTES`] before decoding starts.

use super::config::{ChainSpec, Fork, LcLayout, Preset};
use super::containers::{
    BeaconBlockHeader, ExecutionPayloadHeaderCapella, ExecutionPayloadHeaderDeneb, HeaderAltair,
    HeaderCapella, HeaderDeneb, HeaderGloas, LcExecution, LightClientBootstrap,
    LightClientFinalityUpdate, LightClientHeader, LightClientOptimisticUpdate, LightClientUpdate,
    SyncAggregate, SyncCommittee, WireBootstrap, WireFinalityUpdate, WireOptimisticUpdate,
    WireUpdate, with_layout,
};
use super::error::{LightClientError, Object};
use super::header::{fork_at_slot, known_fork_digests};
use alloy_primitives::{Address, B256, FixedBytes, U256};
use serde_json::Value;
use ssz::Decode;
use ssz_types::typenum::{U5, U6, U7, U9, U11};
use ssz_types::{BitVector, FixedVector, VariableList};

/// Upper bound on one SSZ light-client object: the largest (a mainnet `LightClientUpdate`: a
/// 512-key committee of 24,624 bytes, two headers of under 1 KiB, branches, aggregate) is under
/// 32 KiB; 64 KiB leaves room for presets with the same committee size.
pub const MAX_LC_OBJECT_BYTES: usize = 64 * 1024;
/// Upper bound on the number of updates in one `/updates` response (`MAX_REQUEST_LIGHT_CLIENT_UPDATES`).
pub const MAX_REQUEST_LIGHT_CLIENT_UPDATES: usize = 128;

fn ssz_err(object: Object, layout: LcLayout) -> impl Fn(ssz::DecodeError) -> LightClientError {
    move |e| LightClientError::Ssz {
        object,
        fork: layout.representative_fork(),
        reason: e.into(),
    }
}

fn bound(object: Object, bytes: &[u8]) -> Result<(), LightClientError> {
    if bytes.len() > MAX_LC_OBJECT_BYTES {
        return Err(LightClientError::TooLarge {
            object,
            len: bytes.len(),
            max: MAX_LC_OBJECT_BYTES,
        });
    }
    Ok(())
}

/// Checks a fork has light-client data.
fn layout_of(object: Object, fork: Fork) -> Result<LcLayout, LightClientError> {
    if fork == Fork::Phase0 {
        return Err(LightClientError::UnsupportedFork { object, fork });
    }
    Ok(fork.layout())
}

/// Decodes a `LightClientBootstrap` of `fork`.
///
/// # Errors
/// Size bound, phase 0, or an SSZ error.
pub fn decode_bootstrap<P: Preset>(
    fork: Fork,
    bytes: &[u8],
) -> Result<LightClientBootstrap<P>, LightClientError> {
    bound(Object::Bootstrap, bytes)?;
    let layout = layout_of(Object::Bootstrap, fork)?;
    with_layout!(layout, |H, N, F| {
        WireBootstrap::<P, H, N>::from_ssz_bytes(bytes)
            .map(|w| w.into_unified(layout))
            .map_err(ssz_err(Object::Bootstrap, layout))
    })
}

/// Decodes a `LightClientUpdate` of `fork`.
///
/// # Errors
/// Size bound, phase 0, or an SSZ error.
pub fn decode_update<P: Preset>(
    fork: Fork,
    bytes: &[u8],
) -> Result<LightClientUpdate<P>, LightClientError> {
    bound(Object::Update, bytes)?;
    let layout = layout_of(Object::Update, fork)?;
    with_layout!(layout, |H, N, F| {
        WireUpdate::<P, H, N, F>::from_ssz_bytes(bytes)
            .map(|w| w.into_unified(layout))
            .map_err(ssz_err(Object::Update, layout))
    })
}

/// Decodes a `LightClientFinalityUpdate` of `fork`.
///
/// # Errors
/// Size bound, phase 0, or an SSZ error.
pub fn decode_finality_update<P: Preset>(
    fork: Fork,
    bytes: &[u8],
) -> Result<LightClientFinalityUpdate<P>, LightClientError> {
    bound(Object::FinalityUpdate, bytes)?;
    let layout = layout_of(Object::FinalityUpdate, fork)?;
    with_layout!(layout, |H, N, F| {
        WireFinalityUpdate::<P, H, F>::from_ssz_bytes(bytes)
            .map(|w| w.into_unified(layout))
            .map_err(ssz_err(Object::FinalityUpdate, layout))
    })
}

/// Decodes a `LightClientOptimisticUpdate` of `fork`.
///
/// # Errors
/// Size bound, phase 0, or an SSZ error.
pub fn decode_optimistic_update<P: Preset>(
    fork: Fork,
    bytes: &[u8],
) -> Result<LightClientOptimisticUpdate<P>, LightClientError> {
    bound(Object::OptimisticUpdate, bytes)?;
    let layout = layout_of(Object::OptimisticUpdate, fork)?;
    with_layout!(layout, |H, N, F| {
        WireOptimisticUpdate::<P, H>::from_ssz_bytes(bytes)
            .map(|w| w.into_unified(layout))
            .map_err(ssz_err(Object::OptimisticUpdate, layout))
    })
}

/// Splits a fork-digest prefix off `bytes` and names the fork it stands for on `spec`.
///
/// # Errors
/// [`LightClientError::UnknownForkDigest`], or input shorter than 4 bytes (as an SSZ length error).
pub fn split_fork_digest<'a>(
    spec: &ChainSpec,
    object: Object,
    bytes: &'a [u8],
) -> Result<(Fork, &'a [u8]), LightClientError> {
    let (digest, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or(LightClientError::Ssz {
            object,
            fork: Fork::Phase0,
            reason: super::error::SszReason::InvalidByteLength {
                len: bytes.len(),
                expected: 4,
            },
        })?;
    let fork = known_fork_digests(spec)
        .into_iter()
        .find(|(d, _)| d == digest)
        .map(|(_, f)| f)
        .ok_or(LightClientError::UnknownForkDigest { digest: *digest })?;
    Ok((fork, rest))
}

// ---------------------------------------------------------------------------------------------
// Beacon-API JSON
// ---------------------------------------------------------------------------------------------

/// A JSON object with an optional fork name (`{version, data}`) or a bare object.
fn unwrap_versioned(value: &Value) -> (Option<&str>, &Value) {
    match (
        value.get("version").and_then(Value::as_str),
        value.get("data"),
    ) {
        (Some(version), Some(data)) => (Some(version), data),
        (None, Some(data))
            if value.get("attested_header").is_none() && value.get("header").is_none() =>
        {
            (None, data)
        }
        _ => (None, value),
    }
}

struct J<'a> {
    object: Object,
    value: &'a Value,
}

impl<'a> J<'a> {
    fn field(&self, name: &'static str) -> Result<J<'a>, LightClientError> {
        let value = self.value.get(name).ok_or(LightClientError::Json {
            object: self.object,
            field: name,
        })?;
        Ok(J {
            object: self.object,
            value,
        })
    }
    fn err(&self, field: &'static str) -> LightClientError {
        LightClientError::Json {
            object: self.object,
            field,
        }
    }
    fn u64(&self, name: &'static str) -> Result<u64, LightClientError> {
        let v = self.field(name)?;
        match v.value {
            Value::String(s) => s.parse().map_err(|_| self.err(name)),
            Value::Number(n) => n.as_u64().ok_or(self.err(name)),
            _ => Err(self.err(name)),
        }
    }
    fn bytes(&self, name: &'static str, max: usize) -> Result<Vec<u8>, LightClientError> {
        let s = self.field(name)?.value.as_str().ok_or(self.err(name))?;
        let hex_text = s.strip_prefix("0x").ok_or(self.err(name))?;
        if hex_text.len() > max.saturating_mul(2) {
            return Err(self.err(name));
        }
        hex::decode(hex_text).map_err(|_| self.err(name))
    }
    fn fixed<const N: usize>(&self, name: &'static str) -> Result<FixedBytes<N>, LightClientError> {
        let b = self.bytes(name, N)?;
        if b.len() != N {
            return Err(self.err(name));
        }
        Ok(FixedBytes::from_slice(&b))
    }
    fn b256(&self, name: &'static str) -> Result<B256, LightClientError> {
        self.fixed::<32>(name)
    }
    fn b256_list(&self, name: &'static str, len: usize) -> Result<Vec<B256>, LightClientError> {
        let arr = self.field(name)?.value.as_array().ok_or(self.err(name))?;
        if arr.len() != len {
            return Err(self.err(name));
        }
        arr.iter()
            .map(|v| {
                let s = v
                    .as_str()
                    .and_then(|s| s.strip_prefix("0x"))
                    .ok_or(self.err(name))?;
                let mut out = [0u8; 32];
                hex::decode_to_slice(s, &mut out).map_err(|_| self.err(name))?;
                Ok(B256::from(out))
            })
            .collect()
    }
}

fn beacon_header(j: &J<'_>) -> Result<BeaconBlockHeader, LightClientError> {
    Ok(BeaconBlockHeader {
        slot: j.u64("slot")?,
        proposer_index: j.u64("proposer_index")?,
        parent_root: j.b256("parent_root")?,
        state_root: j.b256("state_root")?,
        body_root: j.b256("body_root")?,
    })
}

fn execution_capella(j: &J<'_>) -> Result<ExecutionPayloadHeaderCapella, LightClientError> {
    let extra = j.bytes("extra_data", 32)?;
    let fee: FixedBytes<20> = j.fixed("fee_recipient")?;
    let base_fee = j
        .field("base_fee_per_gas")?
        .value
        .as_str()
        .ok_or(j.err("base_fee_per_gas"))?;
    Ok(ExecutionPayloadHeaderCapella {
        parent_hash: j.b256("parent_hash")?,
        fee_recipient: Address::from(fee),
        state_root: j.b256("state_root")?,
        receipts_root: j.b256("receipts_root")?,
        logs_bloom: j.fixed("logs_bloom")?,
        prev_randao: j.b256("prev_randao")?,
        block_number: j.u64("block_number")?,
        gas_limit: j.u64("gas_limit")?,
        gas_used: j.u64("gas_used")?,
        timestamp: j.u64("timestamp")?,
        extra_data: VariableList::new(extra).map_err(|_| j.err("extra_data"))?,
        base_fee_per_gas: U256::from_str_radix(base_fee, 10)
            .map_err(|_| j.err("base_fee_per_gas"))?,
        block_hash: j.b256("block_hash")?,
        transactions_root: j.b256("transactions_root")?,
        withdrawals_root: j.b256("withdrawals_root")?,
    })
}

fn header(j: &J<'_>, layout: LcLayout) -> Result<LightClientHeader, LightClientError> {
    let beacon = beacon_header(&j.field("beacon")?)?;
    let branch_len = super::containers::branch_len(layout.execution_gindex());
    let execution = match layout {
        LcLayout::Altair => {
            return Ok(LightClientHeader {
                beacon,
                execution: LcExecution::None,
                execution_branch: Vec::new(),
            });
        }
        LcLayout::Capella => LcExecution::Capella(execution_capella(&j.field("execution")?)?),
        LcLayout::Deneb | LcLayout::Electra => {
            let e = j.field("execution")?;
            let c = execution_capella(&e)?;
            let mut d: ExecutionPayloadHeaderDeneb = c.to_deneb();
            d.blob_gas_used = e.u64("blob_gas_used")?;
            d.excess_blob_gas = e.u64("excess_blob_gas")?;
            LcExecution::Deneb(d)
        }
        LcLayout::Gloas => LcExecution::Gloas(j.b256("execution_block_hash")?),
    };
    Ok(LightClientHeader {
        beacon,
        execution,
        execution_branch: j.b256_list("execution_branch", branch_len)?,
    })
}

fn sync_committee<P: Preset>(j: &J<'_>) -> Result<SyncCommittee<P>, LightClientError> {
    let arr = j
        .field("pubkeys")?
        .value
        .as_array()
        .ok_or(j.err("pubkeys"))?;
    if arr.len() != P::sync_committee_size() {
        return Err(j.err("pubkeys"));
    }
    let mut keys = Vec::with_capacity(arr.len());
    for v in arr {
        let s = v
            .as_str()
            .and_then(|s| s.strip_prefix("0x"))
            .ok_or(j.err("pubkeys"))?;
        let mut out = [0u8; 48];
        hex::decode_to_slice(s, &mut out).map_err(|_| j.err("pubkeys"))?;
        keys.push(FixedBytes::from(out));
    }
    Ok(SyncCommittee {
        pubkeys: FixedVector::new(keys).map_err(|_| j.err("pubkeys"))?,
        aggregate_pubkey: j.fixed("aggregate_pubkey")?,
    })
}

fn sync_aggregate<P: Preset>(j: &J<'_>) -> Result<SyncAggregate<P>, LightClientError> {
    let bits = j.bytes("sync_committee_bits", P::sync_committee_size().div_ceil(8))?;
    Ok(SyncAggregate {
        sync_committee_bits: BitVector::from_ssz_bytes(&bits)
            .map_err(|_| j.err("sync_committee_bits"))?,
        sync_committee_signature: j.fixed("sync_committee_signature")?,
    })
}

/// The fork of a JSON object: its `version`, else the fork of `slot` on `spec`.
fn json_fork<P: Preset>(
    spec: &ChainSpec,
    version: Option<&str>,
    slot: u64,
) -> Result<Fork, LightClientError> {
    match version {
        Some(name) => Fork::from_name(name).ok_or(LightClientError::UnknownForkName),
        None => Ok(fork_at_slot::<P>(spec, slot)),
    }
}

fn header_slot(j: &J<'_>, name: &'static str) -> Result<u64, LightClientError> {
    j.field(name)?.field("beacon")?.u64("slot")
}

/// A Beacon-API bootstrap (`{version, data}` or bare).
///
/// # Errors
/// [`LightClientError::Json`] naming the field.
pub fn bootstrap_from_json<P: Preset>(
    spec: &ChainSpec,
    value: &Value,
) -> Result<LightClientBootstrap<P>, LightClientError> {
    let (version, data) = unwrap_versioned(value);
    let j = J {
        object: Object::Bootstrap,
        value: data,
    };
    let fork = json_fork::<P>(spec, version, header_slot(&j, "header")?)?;
    let layout = layout_of(Object::Bootstrap, fork)?;
    let branch_len = super::containers::branch_len(Some(layout.current_sync_committee_gindex()));
    Ok(LightClientBootstrap {
        layout,
        header: header(&j.field("header")?, layout)?,
        current_sync_committee: sync_committee(&j.field("current_sync_committee")?)?,
        current_sync_committee_branch: j.b256_list("current_sync_committee_branch", branch_len)?,
    })
}

/// A Beacon-API update (`{version, data}` or bare).
///
/// # Errors
/// [`LightClientError::Json`] naming the field.
pub fn update_from_json<P: Preset>(
    spec: &ChainSpec,
    value: &Value,
) -> Result<LightClientUpdate<P>, LightClientError> {
    let (version, data) = unwrap_versioned(value);
    let j = J {
        object: Object::Update,
        value: data,
    };
    let fork = json_fork::<P>(spec, version, header_slot(&j, "attested_header")?)?;
    let layout = layout_of(Object::Update, fork)?;
    Ok(LightClientUpdate {
        layout,
        attested_header: header(&j.field("attested_header")?, layout)?,
        next_sync_committee: sync_committee(&j.field("next_sync_committee")?)?,
        next_sync_committee_branch: j.b256_list(
            "next_sync_committee_branch",
            LightClientUpdate::<P>::next_sync_committee_branch_len(layout),
        )?,
        finalized_header: header(&j.field("finalized_header")?, layout)?,
        finality_branch: j.b256_list(
            "finality_branch",
            LightClientUpdate::<P>::finality_branch_len(layout),
        )?,
        sync_aggregate: sync_aggregate(&j.field("sync_aggregate")?)?,
        signature_slot: j.u64("signature_slot")?,
    })
}

/// The `/eth/v1/beacon/light_client/updates` response (an array of `{version, data}`), or a single update.
///
/// # Errors
/// [`LightClientError::Json`] naming the field, or more than [`MAX_REQUEST_LIGHT_CLIENT_UPDATES`].
pub fn updates_from_json<P: Preset>(
    spec: &ChainSpec,
    value: &Value,
) -> Result<Vec<LightClientUpdate<P>>, LightClientError> {
    let list = match value {
        Value::Array(items) => items.as_slice(),
        other => return Ok(vec![update_from_json(spec, other)?]),
    };
    if list.len() > MAX_REQUEST_LIGHT_CLIENT_UPDATES {
        return Err(LightClientError::Json {
            object: Object::Update,
            field: "<array too long>",
        });
    }
    list.iter().map(|v| update_from_json(spec, v)).collect()
}

/// A Beacon-API finality update.
///
/// # Errors
/// [`LightClientError::Json`] naming the field.
pub fn finality_update_from_json<P: Preset>(
    spec: &ChainSpec,
    value: &Value,
) -> Result<LightClientFinalityUpdate<P>, LightClientError> {
    let (version, data) = unwrap_versioned(value);
    let j = J {
        object: Object::FinalityUpdate,
        value: data,
    };
    let fork = json_fork::<P>(spec, version, header_slot(&j, "attested_header")?)?;
    let layout = layout_of(Object::FinalityUpdate, fork)?;
    Ok(LightClientFinalityUpdate {
        layout,
        attested_header: header(&j.field("attested_header")?, layout)?,
        finalized_header: header(&j.field("finalized_header")?, layout)?,
        finality_branch: j.b256_list(
            "finality_branch",
            LightClientUpdate::<P>::finality_branch_len(layout),
        )?,
        sync_aggregate: sync_aggregate(&j.field("sync_aggregate")?)?,
        signature_slot: j.u64("signature_slot")?,
    })
}

/// A Beacon-API optimistic update.
///
/// # Errors
/// [`LightClientError::Json`] naming the field.
pub fn optimistic_update_from_json<P: Preset>(
    spec: &ChainSpec,
    value: &Value,
) -> Result<LightClientOptimisticUpdate<P>, LightClientError> {
    let (version, data) = unwrap_versioned(value);
    let j = J {
        object: Object::OptimisticUpdate,
        value: data,
    };
    let fork = json_fork::<P>(spec, version, header_slot(&j, "attested_header")?)?;
    let layout = layout_of(Object::OptimisticUpdate, fork)?;
    Ok(LightClientOptimisticUpdate {
        layout,
        attested_header: header(&j.field("attested_header")?, layout)?,
        sync_aggregate: sync_aggregate(&j.field("sync_aggregate")?)?,
        signature_slot: j.u64("signature_slot")?,
    })
}
