//! Pure planning: which periods to fetch, what a finality update claims before the enclave has
//! verified it, and whether two signed updates conflict. Nothing here is trusted: the enclave
//! verifies every object; these values only decide what to ask for.

use super::error::RelayerError;
use alloy_primitives::B256;
use attestation_verifier::message::UpdateState;
use lcp_enclave::service::protocol::{LcObject, MAX_UPDATES_PER_REQUEST};
use serde_json::Value;

/// `SLOTS_PER_EPOCH · EPOCHS_PER_SYNC_COMMITTEE_PERIOD` on mainnet presets (32 · 256); the
/// minimal preset uses 8 · 8. (consensus-specs `presets/*/altair.yaml`, `phase0.yaml`.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodLength(pub u64);

impl PeriodLength {
    /// Mainnet preset: 8192 slots.
    pub const MAINNET: PeriodLength = PeriodLength(8192);
    /// Minimal preset: 64 slots.
    pub const MINIMAL: PeriodLength = PeriodLength(64);

    /// The sync-committee period of `slot`.
    pub fn period(self, slot: u64) -> u64 {
        slot.checked_div(self.0).unwrap_or(0)
    }
}

/// The unverified facts of a Beacon-API light-client object the relayer plans with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectFacts {
    /// `finalized_header.beacon.slot` (finality update) or `header.beacon.slot` (bootstrap).
    pub slot: u64,
    /// `attested_header.beacon.slot` when present.
    pub attested_slot: Option<u64>,
}

fn data(value: &Value) -> &Value {
    value.get("data").unwrap_or(value)
}

fn slot_at(value: &Value, path: &[&str]) -> Option<u64> {
    let mut at = data(value);
    for key in path {
        at = at.get(key)?;
    }
    match at {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// The finalized slot a finality update claims.
///
/// # Errors
/// [`RelayerError::MalformedObject`] for SSZ objects (plan with JSON) or a missing slot.
pub fn finality_facts(object: &LcObject) -> Result<ObjectFacts, RelayerError> {
    let LcObject::Json(value) = object else {
        return Err(RelayerError::MalformedObject {
            what: "finality update",
            field: "JSON object (SSZ is not planned with)",
        });
    };
    let slot = slot_at(value, &["finalized_header", "beacon", "slot"]).ok_or(
        RelayerError::MalformedObject {
            what: "finality update",
            field: "finalized_header.beacon.slot",
        },
    )?;
    Ok(ObjectFacts {
        slot,
        attested_slot: slot_at(value, &["attested_header", "beacon", "slot"]),
    })
}

/// The finalized header of a finality update as served (beacon header, execution header and
/// branch), for comparing endpoints: two endpoints agree iff these are equal.
pub fn finalized_header_of(object: &LcObject) -> Option<&Value> {
    match object {
        LcObject::Json(value) => data(value).get("finalized_header"),
        LcObject::Ssz { .. } => None,
    }
}

/// One `UpdateClient` request's worth of periods: `start` and `count` of the
/// `/light_client/updates` query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodBatch {
    /// First period.
    pub start: u64,
    /// Number of periods (1..=MAX_UPDATES_PER_REQUEST).
    pub count: u64,
}

/// The period updates needed to move a store finalized in `store_period` to a finality update
/// finalized in `target_period`, split into batches the enclave accepts in one request.
///
/// The update of the store's own period is included: it carries the next sync committee, which a
/// store fresh from a bootstrap does not know yet (a stale update is reported as such, not
/// refused). When `target_period` ≤ `store_period`, the finality update alone suffices.
pub fn period_batches(store_period: u64, target_period: u64) -> Vec<PeriodBatch> {
    let max = u64::try_from(MAX_UPDATES_PER_REQUEST).unwrap_or(u64::MAX);
    let mut out = Vec::new();
    if target_period <= store_period {
        return out;
    }
    let mut start = store_period;
    while start <= target_period {
        let remaining = target_period.saturating_sub(start).saturating_add(1);
        let count = remaining.min(max);
        out.push(PeriodBatch { start, count });
        start = start.saturating_add(count);
    }
    out
}

/// Whether two signed updates cannot both be true (the rule of `LCPClient.submitMisbehaviour`):
/// the same finalized slot with different finalized headers, or the same execution block number
/// with different hashes.
pub fn conflicting(a: &UpdateState, b: &UpdateState) -> bool {
    let header = |u: &UpdateState| {
        (
            u.finalizedBeaconRoot,
            u.blockNumber,
            u.blockHash,
            u.stateRoot,
            u.receiptsRoot,
            u.timestamp,
        )
    };
    let same_slot = a.finalizedSlot == b.finalizedSlot && header(a) != header(b);
    let same_block = a.blockNumber == b.blockNumber && a.blockHash != b.blockHash;
    same_slot || same_block
}

/// What the relayer keeps of a signed update: the finalized execution block it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finalized {
    /// Beacon slot.
    pub slot: u64,
    /// Execution block number.
    pub block_number: u64,
    /// Execution block hash.
    pub block_hash: B256,
}

impl From<&UpdateState> for Finalized {
    fn from(u: &UpdateState) -> Self {
        Finalized {
            slot: u.finalizedSlot,
            block_number: u.blockNumber,
            block_hash: u.blockHash,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batches_cover_every_period_once_within_the_request_limit() {
        assert_eq!(period_batches(867, 867), vec![]);
        assert_eq!(period_batches(868, 867), vec![]);
        assert_eq!(
            period_batches(862, 867),
            vec![PeriodBatch {
                start: 862,
                count: 6
            }]
        );
        let long = period_batches(100, 170);
        assert_eq!(
            long,
            vec![
                PeriodBatch {
                    start: 100,
                    count: 32
                },
                PeriodBatch {
                    start: 132,
                    count: 32
                },
                PeriodBatch {
                    start: 164,
                    count: 7
                },
            ]
        );
    }

    #[test]
    fn periods_of_the_bundled_capella_slots() {
        // Bootstrap slot 7061504 (period 862) and finalized slot 7109344 (period 867).
        assert_eq!(PeriodLength::MAINNET.period(7_061_504), 862);
        assert_eq!(PeriodLength::MAINNET.period(7_109_344), 867);
        assert_eq!(PeriodLength(0).period(5), 0);
    }

    #[test]
    fn finality_facts_read_both_envelopes_and_refuse_ssz() {
        let bare = json!({"finalized_header": {"beacon": {"slot": "7109344"}},
                          "attested_header": {"beacon": {"slot": "7109431"}}});
        let wrapped = json!({"version": "capella", "data": bare.clone()});
        for value in [bare, wrapped] {
            assert_eq!(
                finality_facts(&LcObject::Json(value)).unwrap(),
                ObjectFacts {
                    slot: 7_109_344,
                    attested_slot: Some(7_109_431)
                }
            );
        }
        assert!(matches!(
            finality_facts(&LcObject::Json(json!({"data": {}}))),
            Err(RelayerError::MalformedObject {
                field: "finalized_header.beacon.slot",
                ..
            })
        ));
        assert!(matches!(
            finality_facts(&LcObject::Ssz {
                fork: "capella".into(),
                bytes: Default::default()
            }),
            Err(RelayerError::MalformedObject { .. })
        ));
    }

    fn update(slot: u64, root: u8, number: u64, hash: u8) -> UpdateState {
        UpdateState {
            prevStateId: B256::ZERO,
            postStateId: B256::repeat_byte(9),
            finalizedSlot: slot,
            finalizedBeaconRoot: B256::repeat_byte(root),
            blockNumber: number,
            blockHash: B256::repeat_byte(hash),
            stateRoot: B256::ZERO,
            receiptsRoot: B256::ZERO,
            timestamp: 1,
        }
    }

    #[test]
    fn conflicts_follow_the_contract_rule() {
        let a = update(10, 1, 100, 1);
        assert!(!conflicting(&a, &a));
        assert!(
            conflicting(&a, &update(10, 2, 100, 1)),
            "same slot, other root"
        );
        assert!(
            conflicting(&a, &update(11, 2, 100, 2)),
            "same block, other hash"
        );
        assert!(
            !conflicting(&a, &update(11, 2, 101, 2)),
            "different everything"
        );
    }
}
