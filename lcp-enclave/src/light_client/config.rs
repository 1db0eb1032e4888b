//! Presets, forks and networks as data.
//!
//! A fork is a row in an ordered table ([`ForkSchedule`]); everything fork-dependent (container
//! layout, generalized indices) is looked up from [`Fork`] with exhaustive `match`es, so adding a
//! fork means adding a variant and the compiler lists every place that must learn about it.
//!
//! Sources: consensus-specs `presets/{mainnet,minimal}/altair.yaml`, `configs/mainnet.yaml`, and the
//! network table of `fixtures/README.md` (mainnet, sepolia, hoodi).

use super::error::LightClientError;
use alloy_primitives::B256;
use ssz_types::typenum::{U32, U512, Unsigned};

/// A consensus fork, in activation order. Phase 0 has no light-client data; it is listed because
/// the fork table starts at genesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fork {
    /// Genesis fork (no sync committees).
    Phase0,
    /// Sync committees and the light-client protocol.
    Altair,
    /// The Merge (light-client data unchanged).
    Bellatrix,
    /// Execution payload header in light-client headers.
    Capella,
    /// Blob gas fields in the execution payload header.
    Deneb,
    /// New `BeaconState` layout: deeper finality / sync-committee branches.
    Electra,
    /// Same light-client data as Electra.
    Fulu,
    /// ePBS: the header carries the execution block hash only (in development upstream).
    Gloas,
}

impl Fork {
    /// Every fork, oldest first.
    pub const ALL: [Fork; 8] = [
        Fork::Phase0,
        Fork::Altair,
        Fork::Bellatrix,
        Fork::Capella,
        Fork::Deneb,
        Fork::Electra,
        Fork::Fulu,
        Fork::Gloas,
    ];

    /// Position in activation order (phase 0 = 0): the fork's tag in the store's canonical encoding.
    pub fn index(self) -> u8 {
        match self {
            Fork::Phase0 => 0,
            Fork::Altair => 1,
            Fork::Bellatrix => 2,
            Fork::Capella => 3,
            Fork::Deneb => 4,
            Fork::Electra => 5,
            Fork::Fulu => 6,
            Fork::Gloas => 7,
        }
    }

    /// Lower-case spec name (`"capella"`), as used by the Beacon API `version` field.
    pub fn name(self) -> &'static str {
        match self {
            Fork::Phase0 => "phase0",
            Fork::Altair => "altair",
            Fork::Bellatrix => "bellatrix",
            Fork::Capella => "capella",
            Fork::Deneb => "deneb",
            Fork::Electra => "electra",
            Fork::Fulu => "fulu",
            Fork::Gloas => "gloas",
        }
    }

    /// Parses a spec fork name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Fork> {
        Fork::ALL
            .into_iter()
            .find(|fork| fork.name().eq_ignore_ascii_case(name))
    }

    /// The config key prefix (`CAPELLA` in `CAPELLA_FORK_VERSION`); `GENESIS` for phase 0.
    fn config_prefix(self) -> &'static str {
        match self {
            Fork::Phase0 => "GENESIS",
            Fork::Altair => "ALTAIR",
            Fork::Bellatrix => "BELLATRIX",
            Fork::Capella => "CAPELLA",
            Fork::Deneb => "DENEB",
            Fork::Electra => "ELECTRA",
            Fork::Fulu => "FULU",
            Fork::Gloas => "GLOAS",
        }
    }

    /// The light-client container layout this fork uses.
    pub fn layout(self) -> LcLayout {
        match self {
            Fork::Phase0 | Fork::Altair | Fork::Bellatrix => LcLayout::Altair,
            Fork::Capella => LcLayout::Capella,
            Fork::Deneb => LcLayout::Deneb,
            Fork::Electra | Fork::Fulu => LcLayout::Electra,
            Fork::Gloas => LcLayout::Gloas,
        }
    }
}

impl core::fmt::Display for Fork {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The distinct light-client SSZ layouts. Forks that share containers share a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LcLayout {
    /// Altair/Bellatrix: header = beacon header only; branches of the Altair `BeaconState`.
    Altair,
    /// Capella: header with a Capella execution payload header and its branch.
    Capella,
    /// Deneb: header with a Deneb execution payload header (blob gas fields).
    Deneb,
    /// Electra/Fulu: Deneb header, branches of the Electra `BeaconState` (one level deeper).
    Electra,
    /// Gloas: header with `execution_block_hash`; branches of the Gloas `BeaconState`.
    Gloas,
}

impl LcLayout {
    /// The newest fork using this layout's containers: the fork an upgrade to this layout targets.
    pub fn representative_fork(self) -> Fork {
        match self {
            LcLayout::Altair => Fork::Altair,
            LcLayout::Capella => Fork::Capella,
            LcLayout::Deneb => Fork::Deneb,
            LcLayout::Electra => Fork::Electra,
            LcLayout::Gloas => Fork::Gloas,
        }
    }

    /// Generalized index of `finalized_checkpoint.root` in the `BeaconState` of this layout
    /// (`FINALIZED_ROOT_GINDEX*`); the finality branch length is its floor-log2.
    pub fn finalized_root_gindex(self) -> u64 {
        match self {
            LcLayout::Altair | LcLayout::Capella | LcLayout::Deneb => FINALIZED_ROOT_GINDEX,
            LcLayout::Electra => FINALIZED_ROOT_GINDEX_ELECTRA,
            LcLayout::Gloas => FINALIZED_ROOT_GINDEX_GLOAS,
        }
    }

    /// `CURRENT_SYNC_COMMITTEE_GINDEX*` of this layout.
    pub fn current_sync_committee_gindex(self) -> u64 {
        match self {
            LcLayout::Altair | LcLayout::Capella | LcLayout::Deneb => CURRENT_SYNC_COMMITTEE_GINDEX,
            LcLayout::Electra => CURRENT_SYNC_COMMITTEE_GINDEX_ELECTRA,
            LcLayout::Gloas => CURRENT_SYNC_COMMITTEE_GINDEX_GLOAS,
        }
    }

    /// `NEXT_SYNC_COMMITTEE_GINDEX*` of this layout.
    pub fn next_sync_committee_gindex(self) -> u64 {
        match self {
            LcLayout::Altair | LcLayout::Capella | LcLayout::Deneb => NEXT_SYNC_COMMITTEE_GINDEX,
            LcLayout::Electra => NEXT_SYNC_COMMITTEE_GINDEX_ELECTRA,
            LcLayout::Gloas => NEXT_SYNC_COMMITTEE_GINDEX_GLOAS,
        }
    }

    /// Generalized index the execution branch proves, in `BeaconBlockBody`; `None` before Capella.
    pub fn execution_gindex(self) -> Option<u64> {
        match self {
            LcLayout::Altair => None,
            LcLayout::Capella | LcLayout::Deneb | LcLayout::Electra => {
                Some(EXECUTION_PAYLOAD_GINDEX)
            }
            LcLayout::Gloas => Some(EXECUTION_BLOCK_HASH_GINDEX_GLOAS),
        }
    }
}

/// `get_generalized_index(altair.BeaconState, 'finalized_checkpoint', 'root')`.
pub const FINALIZED_ROOT_GINDEX: u64 = 105;
/// `get_generalized_index(altair.BeaconState, 'current_sync_committee')`.
pub const CURRENT_SYNC_COMMITTEE_GINDEX: u64 = 54;
/// `get_generalized_index(altair.BeaconState, 'next_sync_committee')`.
pub const NEXT_SYNC_COMMITTEE_GINDEX: u64 = 55;
/// Electra `BeaconState` (more than 32 fields: one level deeper).
pub const FINALIZED_ROOT_GINDEX_ELECTRA: u64 = 169;
/// Electra `current_sync_committee`.
pub const CURRENT_SYNC_COMMITTEE_GINDEX_ELECTRA: u64 = 86;
/// Electra `next_sync_committee`.
pub const NEXT_SYNC_COMMITTEE_GINDEX_ELECTRA: u64 = 87;
/// Gloas `BeaconState` finalized root (gloas light-client sync protocol).
pub const FINALIZED_ROOT_GINDEX_GLOAS: u64 = 735;
/// Gloas `current_sync_committee`.
pub const CURRENT_SYNC_COMMITTEE_GINDEX_GLOAS: u64 = 2945;
/// Gloas `next_sync_committee`.
pub const NEXT_SYNC_COMMITTEE_GINDEX_GLOAS: u64 = 2946;
/// `get_generalized_index(capella.BeaconBlockBody, 'execution_payload')`.
pub const EXECUTION_PAYLOAD_GINDEX: u64 = 25;
/// `get_generalized_index(capella.BeaconBlockBody, 'execution_payload', 'block_hash')`.
pub const EXECUTION_BLOCK_HASH_GINDEX: u64 = 412;
/// `get_generalized_index(deneb.BeaconBlockBody, 'execution_payload', 'block_hash')`.
pub const EXECUTION_BLOCK_HASH_GINDEX_DENEB: u64 = 812;
/// `get_generalized_index(gloas.BeaconBlockBody, 'signed_execution_payload_bid', 'message', 'parent_block_hash')`.
pub const EXECUTION_BLOCK_HASH_GINDEX_GLOAS: u64 = 2856;
/// `get_generalized_index(capella.ExecutionPayloadHeader, 'block_hash')` (16 fields: depth 4).
pub const BLOCK_HASH_GINDEX_CAPELLA: u64 = 28;
/// `get_generalized_index(deneb.ExecutionPayloadHeader, 'block_hash')` (17 fields: depth 5).
pub const BLOCK_HASH_GINDEX_DENEB: u64 = 44;

/// `DOMAIN_SYNC_COMMITTEE` (altair beacon-chain spec).
pub const DOMAIN_SYNC_COMMITTEE: [u8; 4] = [0x07, 0x00, 0x00, 0x00];
/// `MIN_SYNC_COMMITTEE_PARTICIPANTS` (altair sync protocol, same in both presets).
pub const MIN_SYNC_COMMITTEE_PARTICIPANTS: u64 = 1;
/// `GENESIS_SLOT`.
pub const GENESIS_SLOT: u64 = 0;
/// The far-future epoch: a fork at this epoch is not scheduled.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;

/// A consensus preset: the compile-time sizes the SSZ types depend on, plus the period constants.
pub trait Preset: Clone + core::fmt::Debug + PartialEq + Eq + Send + Sync + 'static {
    /// `SYNC_COMMITTEE_SIZE` as a type-level number (fixes the SSZ vector lengths).
    type SyncCommitteeSize: Unsigned + Clone + core::fmt::Debug + PartialEq + Eq + Send + Sync;
    /// Preset name (`PRESET_BASE`).
    const NAME: &'static str;
    /// `SLOTS_PER_EPOCH`.
    const SLOTS_PER_EPOCH: u64;
    /// `EPOCHS_PER_SYNC_COMMITTEE_PERIOD`.
    const EPOCHS_PER_SYNC_COMMITTEE_PERIOD: u64;
    /// `UPDATE_TIMEOUT` = `SLOTS_PER_EPOCH * EPOCHS_PER_SYNC_COMMITTEE_PERIOD`.
    const UPDATE_TIMEOUT: u64;

    /// `SYNC_COMMITTEE_SIZE`.
    fn sync_committee_size() -> usize {
        Self::SyncCommitteeSize::to_usize()
    }
}

/// The mainnet preset (`presets/mainnet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mainnet;

impl Preset for Mainnet {
    type SyncCommitteeSize = U512;
    const NAME: &'static str = "mainnet";
    const SLOTS_PER_EPOCH: u64 = 32;
    const EPOCHS_PER_SYNC_COMMITTEE_PERIOD: u64 = 256;
    const UPDATE_TIMEOUT: u64 = 8192;
}

/// The minimal preset (`presets/minimal`), used by the reference tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Minimal;

impl Preset for Minimal {
    type SyncCommitteeSize = U32;
    const NAME: &'static str = "minimal";
    const SLOTS_PER_EPOCH: u64 = 8;
    const EPOCHS_PER_SYNC_COMMITTEE_PERIOD: u64 = 8;
    const UPDATE_TIMEOUT: u64 = 64;
}

/// A runtime choice of preset, for code that dispatches to the generic functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetName {
    /// [`Mainnet`].
    Mainnet,
    /// [`Minimal`].
    Minimal,
}

/// One scheduled fork: its version and activation epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForkEntry {
    /// The fork.
    pub fork: Fork,
    /// `<FORK>_FORK_VERSION`.
    pub version: [u8; 4],
    /// `<FORK>_FORK_EPOCH` ([`FAR_FUTURE_EPOCH`] when not scheduled).
    pub epoch: u64,
}

/// One `BLOB_SCHEDULE` entry (Fulu fork digests mix it in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobScheduleEntry {
    /// `EPOCH`.
    pub epoch: u64,
    /// `MAX_BLOBS_PER_BLOCK`.
    pub max_blobs_per_block: u64,
}

/// Everything network-specific the light client needs: a validated, ordered fork table, the
/// genesis validators root, the blob schedule (for fork digests) and the slot duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSpec {
    /// Network name (informational).
    pub name: String,
    /// Which preset this network uses.
    pub preset: PresetName,
    forks: Vec<ForkEntry>,
    /// `genesis_validators_root`.
    pub genesis_validators_root: B256,
    /// `BLOB_SCHEDULE`, any order.
    pub blob_schedule: Vec<BlobScheduleEntry>,
    /// `MAX_BLOBS_PER_BLOCK_ELECTRA`, the blob parameters before the first schedule entry.
    pub max_blobs_per_block_electra: u64,
    /// `SLOT_DURATION_MS` (mainnet 12000).
    pub slot_duration_ms: u64,
    /// Genesis time (unix seconds), when known: lets a caller with a clock compute the current
    /// slot. The core never reads a clock; it takes `current_slot` as a parameter.
    pub genesis_time: Option<u64>,
}

impl ChainSpec {
    /// Builds a spec from a fork table. Forks must start at phase 0, be in order, without
    /// duplicates, and have non-decreasing epochs; forks absent from the table are unscheduled.
    ///
    /// # Errors
    /// [`LightClientError::InvalidForkSchedule`] naming the offending fork.
    pub fn new(
        name: impl Into<String>,
        preset: PresetName,
        forks: Vec<ForkEntry>,
        genesis_validators_root: B256,
    ) -> Result<Self, LightClientError> {
        let mut previous: Option<ForkEntry> = None;
        for entry in &forks {
            match previous {
                None if entry.fork != Fork::Phase0 || entry.epoch != 0 => {
                    return Err(LightClientError::InvalidForkSchedule { fork: entry.fork });
                }
                Some(prev) if prev.fork >= entry.fork || prev.epoch > entry.epoch => {
                    return Err(LightClientError::InvalidForkSchedule { fork: entry.fork });
                }
                _ => {}
            }
            previous = Some(*entry);
        }
        if forks.is_empty() {
            return Err(LightClientError::InvalidForkSchedule { fork: Fork::Phase0 });
        }
        Ok(Self {
            name: name.into(),
            preset,
            forks,
            genesis_validators_root,
            blob_schedule: Vec::new(),
            max_blobs_per_block_electra: 9,
            slot_duration_ms: 12_000,
            genesis_time: None,
        })
    }

    /// The fork table, oldest first.
    pub fn forks(&self) -> &[ForkEntry] {
        &self.forks
    }

    /// The table entry of `fork`, if it is in the table.
    pub fn entry(&self, fork: Fork) -> Option<&ForkEntry> {
        self.forks.iter().find(|e| e.fork == fork)
    }

    /// `<FORK>_FORK_EPOCH`, [`FAR_FUTURE_EPOCH`] for forks not in the table.
    pub fn fork_epoch(&self, fork: Fork) -> u64 {
        self.entry(fork).map_or(FAR_FUTURE_EPOCH, |e| e.epoch)
    }

    /// The fork active at `epoch` (the newest entry whose epoch is ≤ `epoch`).
    pub fn fork_at_epoch(&self, epoch: u64) -> Fork {
        self.forks
            .iter()
            .rev()
            .find(|e| e.epoch <= epoch)
            .map_or(Fork::Phase0, |e| e.fork)
    }

    /// `compute_fork_version(epoch)`.
    pub fn fork_version_at_epoch(&self, epoch: u64) -> [u8; 4] {
        self.forks
            .iter()
            .rev()
            .find(|e| e.epoch <= epoch)
            .map_or([0; 4], |e| e.version)
    }

    /// The fork whose version is `version`.
    pub fn fork_of_version(&self, version: [u8; 4]) -> Option<Fork> {
        self.forks
            .iter()
            .find(|e| e.version == version)
            .map(|e| e.fork)
    }

    /// The blob parameters (`epoch`, `max_blobs_per_block`) in force at `epoch` (fulu `get_blob_parameters`).
    pub fn blob_parameters(&self, epoch: u64) -> BlobScheduleEntry {
        let mut schedule = self.blob_schedule.clone();
        schedule.sort_by_key(|e| core::cmp::Reverse(e.epoch));
        schedule
            .into_iter()
            .find(|e| epoch >= e.epoch)
            .unwrap_or(BlobScheduleEntry {
                epoch: self.fork_epoch(Fork::Electra),
                max_blobs_per_block: self.max_blobs_per_block_electra,
            })
    }

    /// Parses a consensus `config.yaml` (the flat `KEY: value` format of consensus-specs `configs/`).
    /// Reads `PRESET_BASE`, `<FORK>_FORK_VERSION`/`_EPOCH`, `BLOB_SCHEDULE`,
    /// `MAX_BLOBS_PER_BLOCK_ELECTRA`, `SLOT_DURATION_MS` (or `SECONDS_PER_SLOT`), and
    /// `GENESIS_VALIDATORS_ROOT` when present; other keys are ignored. A fork without both keys is
    /// not scheduled, and neither is any later fork.
    ///
    /// # Errors
    /// [`LightClientError::Config`] naming the key that is missing or malformed.
    pub fn from_config_yaml(
        text: &str,
        genesis_validators_root: Option<B256>,
    ) -> Result<Self, LightClientError> {
        let map = parse_flat_yaml(text)?;
        let get = |key: &'static str| map.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let preset = match get("PRESET_BASE").map(unquote) {
            Some("mainnet") => PresetName::Mainnet,
            Some("minimal") => PresetName::Minimal,
            _ => return Err(LightClientError::Config { key: "PRESET_BASE" }),
        };
        let mut forks = Vec::new();
        for fork in Fork::ALL {
            let version_key = fork_key(fork, "_FORK_VERSION");
            let epoch_key = fork_key(fork, "_FORK_EPOCH");
            let version = match map.iter().find(|(k, _)| *k == version_key) {
                Some((_, v)) => parse_version(unquote(v)).ok_or(LightClientError::Config {
                    key: static_key(fork, true),
                })?,
                None => break,
            };
            let epoch = if fork == Fork::Phase0 {
                0
            } else {
                match map.iter().find(|(k, _)| *k == epoch_key) {
                    Some((_, v)) => {
                        unquote(v)
                            .parse::<u64>()
                            .map_err(|_| LightClientError::Config {
                                key: static_key(fork, false),
                            })?
                    }
                    None => break,
                }
            };
            forks.push(ForkEntry {
                fork,
                version,
                epoch,
            });
        }
        let root = match (genesis_validators_root, get("GENESIS_VALIDATORS_ROOT")) {
            (Some(root), _) => root,
            (None, Some(text)) => {
                unquote(text)
                    .parse::<B256>()
                    .map_err(|_| LightClientError::Config {
                        key: "GENESIS_VALIDATORS_ROOT",
                    })?
            }
            (None, None) => {
                return Err(LightClientError::Config {
                    key: "GENESIS_VALIDATORS_ROOT",
                });
            }
        };
        let name = get("CONFIG_NAME").map_or("custom", unquote).to_owned();
        let mut spec = ChainSpec::new(name, preset, forks, root)?;
        if let Some(v) = get("MAX_BLOBS_PER_BLOCK_ELECTRA") {
            spec.max_blobs_per_block_electra =
                unquote(v).parse().map_err(|_| LightClientError::Config {
                    key: "MAX_BLOBS_PER_BLOCK_ELECTRA",
                })?;
        }
        if let Some(v) = get("SLOT_DURATION_MS") {
            spec.slot_duration_ms = unquote(v).parse().map_err(|_| LightClientError::Config {
                key: "SLOT_DURATION_MS",
            })?;
        } else if let Some(v) = get("SECONDS_PER_SLOT") {
            let seconds: u64 = unquote(v).parse().map_err(|_| LightClientError::Config {
                key: "SECONDS_PER_SLOT",
            })?;
            spec.slot_duration_ms = seconds.checked_mul(1000).ok_or(LightClientError::Config {
                key: "SECONDS_PER_SLOT",
            })?;
        }
        spec.blob_schedule = parse_blob_schedule(text)?;
        if let Some(v) = get("GENESIS_TIME") {
            spec.genesis_time = Some(unquote(v).parse().map_err(|_| LightClientError::Config {
                key: "GENESIS_TIME",
            })?);
        }
        Ok(spec)
    }

    /// A built-in network by name: `mainnet`, `sepolia`, `hoodi`.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "mainnet" => Some(Self::mainnet()),
            "sepolia" => Some(Self::sepolia()),
            "hoodi" => Some(Self::hoodi()),
            _ => None,
        }
    }

    /// Ethereum mainnet (`configs/mainnet.yaml`; BPO blob schedule of Fulu).
    pub fn mainnet() -> Self {
        builtin(
            "mainnet",
            [
                ([0x00, 0, 0, 0], 0),
                ([0x01, 0, 0, 0], 74_240),
                ([0x02, 0, 0, 0], 144_896),
                ([0x03, 0, 0, 0], 194_048),
                ([0x04, 0, 0, 0], 269_568),
                ([0x05, 0, 0, 0], 364_032),
                ([0x06, 0, 0, 0], 411_392),
            ],
            "4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
            &[(412_672, 15), (419_072, 21)],
            1_606_824_023,
        )
    }

    /// Sepolia testnet.
    pub fn sepolia() -> Self {
        builtin(
            "sepolia",
            [
                ([0x90, 0, 0, 0x69], 0),
                ([0x90, 0, 0, 0x70], 50),
                ([0x90, 0, 0, 0x71], 100),
                ([0x90, 0, 0, 0x72], 56_832),
                ([0x90, 0, 0, 0x73], 132_608),
                ([0x90, 0, 0, 0x74], 222_464),
                ([0x90, 0, 0, 0x75], 272_640),
            ],
            "d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
            &[(274_176, 15), (275_200, 21)],
            1_655_733_600,
        )
    }

    /// Hoodi testnet.
    pub fn hoodi() -> Self {
        builtin(
            "hoodi",
            [
                ([0x10, 0, 0x09, 0x10], 0),
                ([0x20, 0, 0x09, 0x10], 0),
                ([0x30, 0, 0x09, 0x10], 0),
                ([0x40, 0, 0x09, 0x10], 0),
                ([0x50, 0, 0x09, 0x10], 0),
                ([0x60, 0, 0x09, 0x10], 2_048),
                ([0x70, 0, 0x09, 0x10], 50_688),
            ],
            "212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f",
            &[(52_480, 15), (54_016, 21)],
            1_742_213_400,
        )
    }
}

/// Builds a built-in mainnet-preset network (phase 0 through Fulu) from constant data.
fn builtin(
    name: &str,
    table: [([u8; 4], u64); 7],
    root_hex: &str,
    blobs: &[(u64, u64)],
    genesis_time: u64,
) -> ChainSpec {
    let forks = Fork::ALL
        .into_iter()
        .zip(table)
        .map(|(fork, (version, epoch))| ForkEntry {
            fork,
            version,
            epoch,
        })
        .collect();
    let mut root = [0u8; 32];
    // The constants above are valid hex of the right length; a failure leaves a zero root, which
    // the unit tests would catch.
    let _ = hex::decode_to_slice(root_hex, &mut root);
    ChainSpec {
        name: name.to_owned(),
        preset: PresetName::Mainnet,
        forks,
        genesis_validators_root: B256::from(root),
        blob_schedule: blobs
            .iter()
            .map(|&(epoch, max_blobs_per_block)| BlobScheduleEntry {
                epoch,
                max_blobs_per_block,
            })
            .collect(),
        max_blobs_per_block_electra: 9,
        slot_duration_ms: 12_000,
        genesis_time: Some(genesis_time),
    }
}

impl ChainSpec {
    /// The `minimal` network: minimal preset, every fork through Fulu active from genesis with the
    /// minimal config's fork versions (`0x0N000001`), as the reference tests' single-fork cases run.
    pub fn minimal(genesis_validators_root: B256) -> Self {
        let forks = Fork::ALL
            .into_iter()
            .filter(|f| *f <= Fork::Fulu)
            .zip(0u8..)
            .map(|(fork, n)| ForkEntry {
                fork,
                version: [n, 0, 0, 1],
                epoch: 0,
            })
            .collect();
        ChainSpec {
            name: "minimal".to_owned(),
            preset: PresetName::Minimal,
            forks,
            genesis_validators_root,
            blob_schedule: Vec::new(),
            max_blobs_per_block_electra: 9,
            slot_duration_ms: 6_000,
            genesis_time: None,
        }
    }

    /// The slot at unix time `now` (seconds), if the genesis time is known and `now` is after it.
    pub fn slot_at_time(&self, now: u64) -> Option<u64> {
        let since = now.checked_sub(self.genesis_time?)?;
        since.checked_mul(1000)?.checked_div(self.slot_duration_ms)
    }
}

fn fork_key(fork: Fork, suffix: &str) -> String {
    let mut key = fork.config_prefix().to_owned();
    key.push_str(suffix);
    key
}

/// The `&'static` key name for an error about a fork's version (`true`) or epoch key.
fn static_key(fork: Fork, version: bool) -> &'static str {
    match (fork, version) {
        (Fork::Phase0, true) => "GENESIS_FORK_VERSION",
        (Fork::Phase0, false) => "GENESIS_FORK_EPOCH",
        (Fork::Altair, true) => "ALTAIR_FORK_VERSION",
        (Fork::Altair, false) => "ALTAIR_FORK_EPOCH",
        (Fork::Bellatrix, true) => "BELLATRIX_FORK_VERSION",
        (Fork::Bellatrix, false) => "BELLATRIX_FORK_EPOCH",
        (Fork::Capella, true) => "CAPELLA_FORK_VERSION",
        (Fork::Capella, false) => "CAPELLA_FORK_EPOCH",
        (Fork::Deneb, true) => "DENEB_FORK_VERSION",
        (Fork::Deneb, false) => "DENEB_FORK_EPOCH",
        (Fork::Electra, true) => "ELECTRA_FORK_VERSION",
        (Fork::Electra, false) => "ELECTRA_FORK_EPOCH",
        (Fork::Fulu, true) => "FULU_FORK_VERSION",
        (Fork::Fulu, false) => "FULU_FORK_EPOCH",
        (Fork::Gloas, true) => "GLOAS_FORK_VERSION",
        (Fork::Gloas, false) => "GLOAS_FORK_EPOCH",
    }
}

/// Upper bound on a config file's lines: upstream configs have about 200.
const MAX_CONFIG_LINES: usize = 10_000;

/// Top-level `KEY: value` pairs of a flat YAML file (comments and nested lines skipped).
fn parse_flat_yaml(text: &str) -> Result<Vec<(String, String)>, LightClientError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if n >= MAX_CONFIG_LINES {
            return Err(LightClientError::Config {
                key: "<too many lines>",
            });
        }
        let line = line.split('#').next().unwrap_or("");
        if line.starts_with([' ', '\t', '-']) || line.trim().is_empty() {
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            let key = key.trim().to_owned();
            if out.iter().any(|(k, _): &(String, String)| *k == key) {
                return Err(LightClientError::Config {
                    key: "<duplicate key>",
                });
            }
            out.push((key, value.trim().to_owned()));
        }
    }
    Ok(out)
}

/// Parses the `BLOB_SCHEDULE:` block (`- EPOCH: n` / `MAX_BLOBS_PER_BLOCK: m` items, or `[]`).
fn parse_blob_schedule(text: &str) -> Result<Vec<BlobScheduleEntry>, LightClientError> {
    const KEY: &str = "BLOB_SCHEDULE";
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("BLOB_SCHEDULE:"));
    let Some(first) = lines.next() else {
        return Ok(Vec::new());
    };
    if first
        .split('#')
        .next()
        .unwrap_or("")
        .trim_end()
        .ends_with("[]")
    {
        return Ok(Vec::new());
    }
    let mut entries = Vec::new();
    let mut epoch: Option<u64> = None;
    let mut max: Option<u64> = None;
    for line in lines {
        let content = line.split('#').next().unwrap_or("");
        if content.trim().is_empty() {
            continue;
        }
        if !content.starts_with([' ', '-']) {
            break;
        }
        let item = content.trim().trim_start_matches('-').trim();
        if content.trim_start().starts_with('-')
            && let (Some(e), Some(m)) = (epoch.take(), max.take())
        {
            {
                entries.push(BlobScheduleEntry {
                    epoch: e,
                    max_blobs_per_block: m,
                });
            }
        }
        let (k, v) = item
            .split_once(':')
            .ok_or(LightClientError::Config { key: KEY })?;
        let v: u64 = unquote(v.trim())
            .parse()
            .map_err(|_| LightClientError::Config { key: KEY })?;
        match k.trim() {
            "EPOCH" => epoch = Some(v),
            "MAX_BLOBS_PER_BLOCK" => max = Some(v),
            _ => return Err(LightClientError::Config { key: KEY }),
        }
    }
    match (epoch, max) {
        (Some(e), Some(m)) => entries.push(BlobScheduleEntry {
            epoch: e,
            max_blobs_per_block: m,
        }),
        (None, None) => {}
        _ => return Err(LightClientError::Config { key: KEY }),
    }
    Ok(entries)
}

fn unquote(v: &str) -> &str {
    v.trim().trim_matches(|c| c == '\'' || c == '"')
}

fn parse_version(v: &str) -> Option<[u8; 4]> {
    let hex_text = v.strip_prefix("0x")?;
    let mut out = [0u8; 4];
    hex::decode_to_slice(hex_text, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_networks_are_valid_tables() {
        for spec in [
            ChainSpec::mainnet(),
            ChainSpec::sepolia(),
            ChainSpec::hoodi(),
        ] {
            assert!(
                ChainSpec::new(
                    spec.name.clone(),
                    spec.preset,
                    spec.forks.clone(),
                    spec.genesis_validators_root
                )
                .is_ok()
            );
            assert_ne!(spec.genesis_validators_root, B256::ZERO);
        }
        assert_eq!(ChainSpec::mainnet().fork_at_epoch(194_048), Fork::Capella);
        assert_eq!(ChainSpec::mainnet().fork_at_epoch(194_047), Fork::Bellatrix);
        assert_eq!(ChainSpec::hoodi().fork_at_epoch(0), Fork::Deneb);
    }

    #[test]
    fn config_yaml_with_blob_schedule() {
        let text = "PRESET_BASE: 'mainnet'\nGENESIS_FORK_VERSION: 0x00000000\nALTAIR_FORK_VERSION: 0x01000000\nALTAIR_FORK_EPOCH: 5\nBELLATRIX_FORK_VERSION: 0x02000000\n# no epoch: unscheduled\nBLOB_SCHEDULE:\n  - EPOCH: 412672 # bpo1\n    MAX_BLOBS_PER_BLOCK: 15\n  - EPOCH: 419072\n    MAX_BLOBS_PER_BLOCK: 21\nGENESIS_VALIDATORS_ROOT: 0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95\n";
        let spec = ChainSpec::from_config_yaml(text, None).unwrap();
        assert_eq!(spec.forks().len(), 2);
        assert_eq!(spec.blob_schedule.len(), 2);
        assert_eq!(spec.blob_parameters(419_073).max_blobs_per_block, 21);
        assert_eq!(
            spec.genesis_validators_root,
            ChainSpec::mainnet().genesis_validators_root
        );
        assert!(matches!(
            ChainSpec::from_config_yaml(
                "PRESET_BASE: mainnet\nGENESIS_FORK_VERSION: 0x00000000\n",
                None
            ),
            Err(LightClientError::Config {
                key: "GENESIS_VALIDATORS_ROOT"
            })
        ));
    }

    #[test]
    fn out_of_order_table_is_rejected() {
        let forks = vec![
            ForkEntry {
                fork: Fork::Phase0,
                version: [0; 4],
                epoch: 0,
            },
            ForkEntry {
                fork: Fork::Altair,
                version: [1, 0, 0, 0],
                epoch: 10,
            },
            ForkEntry {
                fork: Fork::Bellatrix,
                version: [2, 0, 0, 0],
                epoch: 9,
            },
        ];
        assert!(matches!(
            ChainSpec::new("x", PresetName::Mainnet, forks, B256::ZERO),
            Err(LightClientError::InvalidForkSchedule {
                fork: Fork::Bellatrix
            })
        ));
    }
}
