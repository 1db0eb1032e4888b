//! A devnet beacon chain for a real execution chain (anvil): our own validators (BLS keys from a
//! seed), our own genesis validators root and fork versions, the minimal preset, and beacon blocks
//! whose execution payloads are anvil's blocks. Its sync committee really signs, its states really
//! commit to the finalized checkpoint and the sync committees, its bodies really commit to the
//! payloads: the light-client data it emits passes the enclave's unchanged verification (BLS
//! signatures, SSZ branches, execution branches, the payload → block-hash check).
//!
//! Why: the bundled real light-client data and the bundled receipts are of different blocks, so
//! the loop "a contract emits a log → the enclave proves it against a light-client-finalized
//! header → a bridge acts" cannot run on recorded mainnet data. On a local devnet it can, the way
//! client teams test.
//!
//! Use: [`Devnet::new`], then for each execution block to finalize, [`Devnet::finalize`] with the
//! block and its child (the child's beacon block is the attested block whose state finalizes the
//! first). The [`DevnetRound`] holds Beacon-API JSON for `InitClient` (first round) and
//! `UpdateClient`.
//!
//! What is modelled and what is not (see docs/notes/devnet.md): the state fields the light client
//! proves (finalized checkpoint, current and next sync committee) and those that define the chain
//! (genesis time and validators root, slot, fork, latest block header, validator registry,
//! balances, participation, justification, latest execution payload header) carry the devnet's
//! values; every other field holds its spec default ([`defaults`]), so a state root is the
//! `hash_tree_root` of a real minimal `BeaconState`. Bodies carry a real RANDAO reveal, a real
//! sync aggregate over the parent block and the payload; no operations. There is no fork choice
//! or attestation processing behind this chain: finality is declared, two epochs after the
//! checkpoint, as full participation would give it; history vectors keep their defaults.

pub mod anvil;
pub mod beacon_api;
pub mod defaults;
pub mod fixture;
pub mod json;
pub mod keys;
pub mod payload;
pub mod relayer_source;
pub mod ssz;
pub mod synthetic;

use alloy_primitives::B256;
use keys::Validators;
use lcp_enclave::light_client::LightClientError;
use lcp_enclave::light_client::bridge::BridgePolicy;
use lcp_enclave::light_client::config::{ChainSpec, Fork, ForkEntry, Minimal, Preset, PresetName};
use lcp_enclave::light_client::containers::{BeaconBlockHeader, ExecutionPayloadHeaderDeneb};
use lcp_enclave::service::protocol::ClaimItem;
use lcp_enclave::spv::{BlockReceipts, SpvError};
use lcp_enclave::state_id::network_config_hash;
use payload::{ExecutionBlock, empty_execution_requests_root};
use serde_json::{Value, json};
use ssz::{FieldRoots, merkleize, u64_chunk, u64_list_root};
use tree_hash::TreeHash;

/// Errors of the devnet generator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DevnetError {
    /// The devnet runs Deneb or Electra only.
    #[error("the devnet supports deneb and electra, not {fork}")]
    UnsupportedFork {
        /// The fork asked for.
        fork: Fork,
    },
    /// More chunks than an SSZ limit.
    #[error("{count} chunks exceed the SSZ limit of {limit}")]
    TooManyChunks {
        /// Chunks given.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A container has no such field.
    #[error("field {index} of a container with {fields} fields")]
    FieldIndex {
        /// The index asked for.
        index: usize,
        /// The container's field count.
        fields: usize,
    },
    /// blst refused an operation.
    #[error("BLS operation failed: {what}")]
    Bls {
        /// Which operation.
        what: &'static str,
    },
    /// An execution block failed an SPV check (its hash, withdrawals, transactions).
    #[error("execution block: {0}")]
    Spv(Box<SpvError>),
    /// A field of the block JSON is missing or malformed.
    #[error("block JSON field {field} missing or malformed")]
    BlockJson {
        /// The field.
        field: &'static str,
    },
    /// The block lists a different number of transactions than the raw ones given.
    #[error("block lists {listed} transactions, {raw} raw transactions given")]
    TransactionCount {
        /// Listed in the block.
        listed: usize,
        /// Given raw.
        raw: usize,
    },
    /// A raw transaction does not hash to the block's transaction hash at its index.
    #[error("raw transaction {index} does not hash to the block's transaction {index}")]
    TransactionMismatch {
        /// The index.
        index: usize,
    },
    /// The raw transactions do not rebuild the header's transactions root.
    #[error("raw transactions rebuild {computed}, the header has {expected}")]
    TransactionsRoot {
        /// The header's root.
        expected: B256,
        /// The rebuilt root.
        computed: B256,
    },
    /// The execution block lacks (or has) a field of the devnet's fork (Deneb ↔ Cancun, Electra ↔
    /// Prague): anvil runs another hardfork.
    #[error("execution block does not match {fork}: field {field}")]
    HardforkMismatch {
        /// The devnet's fork.
        fork: Fork,
        /// The offending header field.
        field: &'static str,
    },
    /// The block has execution requests; the devnet's beacon bodies carry none.
    #[error("execution block requests hash {got} is not that of no requests ({empty})")]
    ExecutionRequests {
        /// The block's requests hash.
        got: B256,
        /// The hash of no requests.
        empty: B256,
    },
    /// The attested block is not the child of the finalized one.
    #[error("attested block's parent {parent_hash} is not the finalized block {finalized}")]
    NotChild {
        /// The attested block's parent hash.
        parent_hash: B256,
        /// The finalized block's hash.
        finalized: B256,
    },
    /// Execution blocks must be imported in increasing number.
    #[error("execution block {number} is not after the last imported block {last}")]
    NotNewer {
        /// The block's number.
        number: u64,
        /// The last imported number.
        last: u64,
    },
    /// Slot arithmetic overflowed.
    #[error("slot arithmetic overflowed")]
    SlotOverflow,
    /// Participation out of range.
    #[error("{participants} participants for a committee of {committee}")]
    Participation {
        /// Asked for.
        participants: usize,
        /// Committee size.
        committee: usize,
    },
    /// The next round would finalize a block more than one sync-committee period after the last
    /// finalized one: a light client cannot follow (its next committee is only known one period
    /// ahead). Finalize an intermediate block first.
    #[error(
        "next finalized slot {slot} is in period {period}, more than one after the last finalized period {last_period}"
    )]
    PeriodGap {
        /// The slot the finalized block would get.
        slot: u64,
        /// Its period.
        period: u64,
        /// The period of the last finalized block.
        last_period: u64,
    },
    /// No block with this root.
    #[error("no devnet block with root {root}")]
    UnknownBlock {
        /// The root.
        root: B256,
    },
    /// The enclave's chain-spec constructor refused the fork table.
    #[error("chain spec: {0}")]
    Spec(LightClientError),
}

impl DevnetError {
    fn spv(error: SpvError) -> Self {
        DevnetError::Spv(Box::new(error))
    }
}

/// The enclave's `ReceiptLog` claim item for log `log_index` of receipt `tx_index`, built from an
/// `eth_getBlockReceipts` response: the receipts trie is rebuilt and must have `receipts_root`.
///
/// # Errors
/// [`DevnetError::Spv`]: a malformed receipt, a root mismatch, an index out of range.
pub fn receipt_log_item(
    receipts: &Value,
    receipts_root: B256,
    tx_index: u64,
    log_index: u64,
) -> Result<ClaimItem, DevnetError> {
    let receipts = match receipts.get("result") {
        Some(result) if receipts.get("jsonrpc").is_some() => result,
        _ => receipts,
    };
    let proof = BlockReceipts::from_rpc_json(receipts)
        .map_err(DevnetError::spv)?
        .check_root(receipts_root, Some(tx_index))
        .map_err(DevnetError::spv)?
        .ok_or(DevnetError::BlockJson { field: "receipts" })?;
    Ok(ClaimItem::ReceiptLog {
        transaction_index: proof.transaction_index,
        receipt: proof.receipt,
        proof: proof.nodes,
        log_index,
    })
}

/// The devnet's fork version of `fork`: the fork's position, then "LCP".
pub fn fork_version(fork: Fork) -> [u8; 4] {
    [fork.index(), 0x4c, 0x43, 0x50]
}

/// Genesis time written into the states (the devnet has no wall-clock slot schedule: execution
/// timestamps come from anvil, slots from the generator).
pub const GENESIS_TIME: u64 = 0;
/// `SLOT_DURATION_MS` of the minimal config.
pub const SLOT_DURATION_MS: u64 = 6_000;
/// Epochs between a finalized checkpoint and the attested block whose state finalizes it (two,
/// as with full participation in Casper FFG).
pub const FINALITY_DELAY_EPOCHS: u64 = 2;
/// Default sync-committee participation: 28 of 32 (above the bridge's 2/3).
pub const DEFAULT_PARTICIPANTS: usize = 28;

/// `BeaconState` field positions (deneb/electra `beacon-chain.md`).
mod state_field {
    pub const GENESIS_TIME: usize = 0;
    pub const GENESIS_VALIDATORS_ROOT: usize = 1;
    pub const SLOT: usize = 2;
    pub const FORK: usize = 3;
    pub const LATEST_BLOCK_HEADER: usize = 4;
    pub const VALIDATORS: usize = 11;
    pub const BALANCES: usize = 12;
    pub const JUSTIFICATION_BITS: usize = 17;
    pub const PREVIOUS_JUSTIFIED_CHECKPOINT: usize = 18;
    pub const CURRENT_JUSTIFIED_CHECKPOINT: usize = 19;
    pub const FINALIZED_CHECKPOINT: usize = 20;
    pub const CURRENT_SYNC_COMMITTEE: usize = 22;
    pub const NEXT_SYNC_COMMITTEE: usize = 23;
    pub const LATEST_EXECUTION_PAYLOAD_HEADER: usize = 24;
}

/// `BeaconBlockBody` field positions (deneb/electra `beacon-chain.md`).
mod body_field {
    pub const RANDAO_REVEAL: usize = 0;
    pub const GRAFFITI: usize = 2;
    pub const SYNC_AGGREGATE: usize = 8;
    pub const EXECUTION_PAYLOAD: usize = 9;
    pub const EXECUTION_REQUESTS: usize = 12;
}

/// A `Checkpoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checkpoint {
    /// Epoch.
    pub epoch: u64,
    /// Block root.
    pub root: B256,
}

impl Checkpoint {
    fn tree_root(&self) -> Result<B256, DevnetError> {
        merkleize(&[u64_chunk(self.epoch), self.root], None)
    }
}

/// A beacon block of the devnet: its header, its execution payload header and branch, and the
/// field roots of its post-state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevnetBlock {
    /// The beacon block header.
    pub header: BeaconBlockHeader,
    /// Its execution payload header.
    pub execution: ExecutionPayloadHeaderDeneb,
    /// The branch of the execution payload in the body.
    pub execution_branch: Vec<B256>,
    /// The post-state's field roots.
    pub state: FieldRoots,
    /// The finalized checkpoint of the post-state.
    pub finalized: Checkpoint,
}

impl DevnetBlock {
    /// `hash_tree_root(header)`: the block root.
    pub fn root(&self) -> B256 {
        self.header.tree_hash_root()
    }
}

/// The finalized execution block of a round, as the enclave will report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalizedBlock {
    /// Beacon slot.
    pub slot: u64,
    /// Beacon block root.
    pub beacon_root: B256,
    /// Execution block number.
    pub block_number: u64,
    /// Execution block hash.
    pub block_hash: B256,
    /// Execution state root.
    pub state_root: B256,
    /// Execution receipts root.
    pub receipts_root: B256,
}

/// What a relayer feeds the enclave to finalize one execution block: Beacon-API JSON objects.
#[derive(Debug, Clone, PartialEq)]
pub struct DevnetRound {
    /// `LightClientBootstrap` of the finalized block, on the first round only (then `InitClient`
    /// with `trusted_root`).
    pub bootstrap: Option<Value>,
    /// The root the client is (to be) initialised with: the first round's finalized block root.
    pub trusted_root: B256,
    /// `LightClientUpdate`s (with the next sync committee and finality), in order.
    pub updates: Vec<Value>,
    /// `LightClientFinalityUpdate` of the same attested and finalized blocks.
    pub finality_update: Value,
    /// The finalized block.
    pub finalized: FinalizedBlock,
    /// The attested block's slot.
    pub attested_slot: u64,
    /// The slot the sync committee signed at.
    pub signature_slot: u64,
}

/// The devnet beacon chain.
#[derive(Debug)]
pub struct Devnet {
    fork: Fork,
    spec: ChainSpec,
    validators: Validators,
    registry_root: B256,
    balances_root: B256,
    state_template: FieldRoots,
    body_template: FieldRoots,
    participants: usize,
    blocks: Vec<DevnetBlock>,
    finalized: Checkpoint,
    next_slot: u64,
    last_number: Option<u64>,
    trusted_root: Option<B256>,
    last_round_slot: Option<u64>,
}

fn slots_per_period() -> u64 {
    Minimal::SLOTS_PER_EPOCH.saturating_mul(Minimal::EPOCHS_PER_SYNC_COMMITTEE_PERIOD)
}

/// `compute_sync_committee_period_at_slot` (minimal preset).
pub fn period_at_slot(slot: u64) -> u64 {
    slot.checked_div(slots_per_period()).unwrap_or(0)
}

impl Devnet {
    /// A devnet of `fork` (Deneb or Electra, active from genesis) whose validator keys derive from
    /// `seed`.
    ///
    /// # Errors
    /// [`DevnetError::UnsupportedFork`]; BLS key derivation errors.
    pub fn new(seed: [u8; 32], fork: Fork) -> Result<Self, DevnetError> {
        if !matches!(fork, Fork::Deneb | Fork::Electra) {
            return Err(DevnetError::UnsupportedFork { fork });
        }
        let validators = Validators::derive(seed)?;
        let genesis_validators_root = validators.registry_root()?;
        let count = validators.public_keys().len();
        let balances_root = u64_list_root(
            &vec![keys::MAX_EFFECTIVE_BALANCE; count],
            keys::VALIDATOR_REGISTRY_LIMIT,
        )?;
        let forks = Fork::ALL
            .into_iter()
            .filter(|f| *f <= fork)
            .map(|f| ForkEntry {
                fork: f,
                version: fork_version(f),
                epoch: 0,
            })
            .collect();
        let mut spec = ChainSpec::new(
            format!("lcp-devnet-{}", fork.name()),
            PresetName::Minimal,
            forks,
            genesis_validators_root,
        )
        .map_err(DevnetError::Spec)?;
        spec.slot_duration_ms = SLOT_DURATION_MS;
        Ok(Self {
            fork,
            spec,
            validators,
            registry_root: genesis_validators_root,
            balances_root,
            state_template: defaults::state_template(fork)?,
            body_template: defaults::body_template(fork)?,
            participants: DEFAULT_PARTICIPANTS,
            blocks: Vec::new(),
            finalized: Checkpoint::default(),
            next_slot: Minimal::SLOTS_PER_EPOCH,
            last_number: None,
            trusted_root: None,
            last_round_slot: None,
        })
    }

    /// Sets how many of the 32 committee members sign from now on (1..=32).
    ///
    /// # Errors
    /// [`DevnetError::Participation`] outside 1..=32.
    pub fn set_participants(&mut self, participants: usize) -> Result<(), DevnetError> {
        let committee = Minimal::sync_committee_size();
        if participants == 0 || participants > committee {
            return Err(DevnetError::Participation {
                participants,
                committee,
            });
        }
        self.participants = participants;
        Ok(())
    }

    /// The devnet's fork.
    pub fn fork(&self) -> Fork {
        self.fork
    }

    /// The anvil `--hardfork` whose headers this devnet's payloads have: `cancun` for Deneb,
    /// `prague` for Electra.
    pub fn anvil_hardfork(&self) -> &'static str {
        match self.fork {
            Fork::Electra => "prague",
            _ => "cancun",
        }
    }

    /// The chain spec the enclave must be started with.
    pub fn spec(&self) -> &ChainSpec {
        &self.spec
    }

    /// `genesis_validators_root`.
    pub fn genesis_validators_root(&self) -> B256 {
        self.spec.genesis_validators_root
    }

    /// The enclave's network-config hash for this devnet under `policy`.
    pub fn network_config_hash(&self, policy: &BridgePolicy) -> B256 {
        network_config_hash(&self.spec, policy)
    }

    /// The validators (keys, committees).
    pub fn validators(&self) -> &Validators {
        &self.validators
    }

    /// The blocks produced so far, by slot.
    pub fn blocks(&self) -> &[DevnetBlock] {
        &self.blocks
    }

    /// A consensus `config.yaml` for `lcp-enclave --config` / `lcp light-client verify --config`
    /// (with `GENESIS_VALIDATORS_ROOT`, which `ChainSpec::from_config_yaml` accepts).
    pub fn config_yaml(&self) -> String {
        let mut text = format!(
            "# LCP devnet ({fork}, minimal preset), generated by lcp-tests devnet.\n\
             CONFIG_NAME: '{name}'\nPRESET_BASE: 'minimal'\n",
            fork = self.fork,
            name = self.spec.name,
        );
        for entry in self.spec.forks() {
            let prefix = match entry.fork {
                Fork::Phase0 => "GENESIS",
                Fork::Altair => "ALTAIR",
                Fork::Bellatrix => "BELLATRIX",
                Fork::Capella => "CAPELLA",
                Fork::Deneb => "DENEB",
                Fork::Electra => "ELECTRA",
                Fork::Fulu => "FULU",
                Fork::Gloas => "GLOAS",
            };
            text.push_str(&format!(
                "{prefix}_FORK_VERSION: 0x{}\n",
                hex::encode(entry.version)
            ));
            if entry.fork != Fork::Phase0 {
                text.push_str(&format!("{prefix}_FORK_EPOCH: {}\n", entry.epoch));
            }
        }
        text.push_str(&format!(
            "SLOT_DURATION_MS: {SLOT_DURATION_MS}\nMAX_BLOBS_PER_BLOCK_ELECTRA: {}\n\
             BLOB_SCHEDULE: []\nGENESIS_VALIDATORS_ROOT: {}\n",
            self.spec.max_blobs_per_block_electra, self.spec.genesis_validators_root
        ));
        text
    }

    /// The post-state field roots of a block.
    fn state_fields(
        &self,
        slot: u64,
        latest_block_header: &BeaconBlockHeader,
        execution: &ExecutionPayloadHeaderDeneb,
        finalized: Checkpoint,
    ) -> Result<FieldRoots, DevnetError> {
        use state_field as f;
        let mut state = self.state_template.clone();
        let period = period_at_slot(slot);
        let previous = self
            .spec
            .forks()
            .iter()
            .rev()
            .nth(1)
            .map_or(fork_version(self.fork), |e| e.version);
        let version_chunk = |v: [u8; 4]| {
            let mut chunk = [0u8; 32];
            chunk.iter_mut().zip(v).for_each(|(out, byte)| *out = byte);
            B256::from(chunk)
        };
        let fork_root = merkleize(
            &[
                version_chunk(previous),
                version_chunk(fork_version(self.fork)),
                u64_chunk(0),
            ],
            None,
        )?;
        let checkpoint = finalized.tree_root()?;
        let mut justification = [0u8; 32];
        if let Some(bits) = justification.first_mut() {
            *bits = 0b1111;
        }
        state.set(f::GENESIS_TIME, u64_chunk(GENESIS_TIME))?;
        state.set(f::GENESIS_VALIDATORS_ROOT, self.registry_root)?;
        state.set(f::SLOT, u64_chunk(slot))?;
        state.set(f::FORK, fork_root)?;
        state.set(f::LATEST_BLOCK_HEADER, latest_block_header.tree_hash_root())?;
        state.set(f::VALIDATORS, self.registry_root)?;
        state.set(f::BALANCES, self.balances_root)?;
        state.set(f::JUSTIFICATION_BITS, B256::from(justification))?;
        state.set(f::PREVIOUS_JUSTIFIED_CHECKPOINT, checkpoint)?;
        state.set(f::CURRENT_JUSTIFIED_CHECKPOINT, checkpoint)?;
        state.set(f::FINALIZED_CHECKPOINT, checkpoint)?;
        state.set(
            f::CURRENT_SYNC_COMMITTEE,
            self.validators.committee(period)?.tree_hash_root(),
        )?;
        state.set(
            f::NEXT_SYNC_COMMITTEE,
            self.validators
                .committee(period.checked_add(1).ok_or(DevnetError::SlotOverflow)?)?
                .tree_hash_root(),
        )?;
        state.set(
            f::LATEST_EXECUTION_PAYLOAD_HEADER,
            execution.tree_hash_root(),
        )?;
        Ok(state)
    }

    /// Builds and appends the beacon block at `slot` carrying `block`'s payload, with `finalized`
    /// as its post-state's finalized checkpoint.
    fn produce(
        &mut self,
        execution: ExecutionPayloadHeaderDeneb,
        slot: u64,
        finalized: Checkpoint,
    ) -> Result<DevnetBlock, DevnetError> {
        let mut body = self.body_template.clone();
        let parent_root = self.blocks.last().map_or(B256::ZERO, DevnetBlock::root);
        let validators = self.validators.public_keys().len();
        let proposer = usize::try_from(slot)
            .map_err(|_| DevnetError::SlotOverflow)?
            .checked_rem(validators)
            .unwrap_or(0);
        let epoch = slot.checked_div(Minimal::SLOTS_PER_EPOCH).unwrap_or(0);
        let randao_domain = keys::compute_domain(
            keys::DOMAIN_RANDAO,
            self.spec.fork_version_at_epoch(epoch),
            self.spec.genesis_validators_root,
        );
        let reveal = self.validators.sign_one(
            proposer,
            keys::compute_signing_root(u64_chunk(epoch), randao_domain),
        )?;
        body.set(body_field::RANDAO_REVEAL, ssz::byte_vector_root(&reveal)?)?;
        // The block at `slot` carries the committee's signature of the head at `slot - 1`.
        let sync_aggregate = self.validators.sign(
            period_at_slot(slot),
            self.signing_root(slot, parent_root),
            &self.participation(slot),
        )?;
        body.set(body_field::SYNC_AGGREGATE, sync_aggregate.tree_hash_root())?;
        let mut graffiti = [0u8; 32];
        graffiti
            .iter_mut()
            .zip(b"lcp-devnet")
            .for_each(|(out, byte)| *out = *byte);
        body.set(body_field::GRAFFITI, B256::from(graffiti))?;
        body.set(body_field::EXECUTION_PAYLOAD, execution.tree_hash_root())?;
        if self.fork == Fork::Electra {
            body.set(
                body_field::EXECUTION_REQUESTS,
                empty_execution_requests_root()?,
            )?;
        }
        let mut header = BeaconBlockHeader {
            slot,
            proposer_index: u64::try_from(proposer).map_err(|_| DevnetError::SlotOverflow)?,
            parent_root,
            state_root: B256::ZERO,
            body_root: body.root()?,
        };
        // The state's `latest_block_header` has a zero state root (process_block_header).
        let state = self.state_fields(slot, &header, &execution, finalized)?;
        header.state_root = state.root()?;
        let produced = DevnetBlock {
            header,
            execution,
            execution_branch: body.branch(body_field::EXECUTION_PAYLOAD)?,
            state,
            finalized,
        };
        self.last_number = Some(produced.execution.block_number);
        self.blocks.push(produced.clone());
        self.next_slot = slot.checked_add(1).ok_or(DevnetError::SlotOverflow)?;
        Ok(produced)
    }

    /// Puts `block` into a beacon block at the next free slot (for execution blocks between the
    /// ones [`Devnet::finalize`] is given, so the beacon chain carries every execution block).
    ///
    /// # Errors
    /// See [`ExecutionBlock::payload_header`]; [`DevnetError::NotNewer`].
    pub fn import_execution_block(
        &mut self,
        block: &ExecutionBlock,
    ) -> Result<DevnetBlock, DevnetError> {
        let execution = self.check_new(block)?;
        let slot = self.next_slot;
        self.produce(execution, slot, self.finalized)
    }

    /// The payload header of `block` if it can go into the next beacon block: after the last
    /// imported execution block, with this fork's header fields.
    fn check_new(
        &self,
        block: &ExecutionBlock,
    ) -> Result<ExecutionPayloadHeaderDeneb, DevnetError> {
        if let Some(last) = self.last_number
            && block.number() <= last
        {
            return Err(DevnetError::NotNewer {
                number: block.number(),
                last,
            });
        }
        block.payload_header(self.fork)
    }

    /// The slot of the next finalized block: an epoch start at or after the next free slot, moved
    /// to the next period's start when the round (finalized slot + 2 epochs + 1) would straddle a
    /// period boundary, so that each round's objects are signed by one committee and consecutive
    /// rounds are at most one period apart.
    fn round_slot(&self) -> Result<u64, DevnetError> {
        let spe = Minimal::SLOTS_PER_EPOCH;
        let span = spe
            .checked_mul(FINALITY_DELAY_EPOCHS)
            .and_then(|s| s.checked_add(1))
            .ok_or(DevnetError::SlotOverflow)?;
        let slot = self
            .next_slot
            .checked_next_multiple_of(spe)
            .ok_or(DevnetError::SlotOverflow)?;
        let end = slot.checked_add(span).ok_or(DevnetError::SlotOverflow)?;
        let slot = if period_at_slot(slot) == period_at_slot(end) {
            slot
        } else {
            period_at_slot(slot)
                .checked_add(1)
                .and_then(|p| p.checked_mul(slots_per_period()))
                .ok_or(DevnetError::SlotOverflow)?
        };
        if let Some(last) = self.last_round_slot {
            let last_period = period_at_slot(last);
            let period = period_at_slot(slot);
            if period > last_period.saturating_add(1) {
                return Err(DevnetError::PeriodGap {
                    slot,
                    period,
                    last_period,
                });
            }
        }
        Ok(slot)
    }

    /// The participation bits of a signature at `slot`: `participants` members, the absent ones
    /// rotating with the slot.
    fn participation(&self, slot: u64) -> Vec<bool> {
        let size = Minimal::sync_committee_size();
        let shift = usize::try_from(slot)
            .unwrap_or(0)
            .checked_rem(size)
            .unwrap_or(0);
        (0..size)
            .map(|position| {
                position
                    .checked_add(shift)
                    .and_then(|p| p.checked_rem(size))
                    .is_some_and(|p| p < self.participants)
            })
            .collect()
    }

    /// The signing root of a sync-committee signature at `signature_slot` over `block_root`.
    fn signing_root(&self, signature_slot: u64, block_root: B256) -> B256 {
        let epoch = signature_slot
            .saturating_sub(1)
            .checked_div(Minimal::SLOTS_PER_EPOCH)
            .unwrap_or(0);
        let domain = keys::compute_domain(
            keys::DOMAIN_SYNC_COMMITTEE,
            self.spec.fork_version_at_epoch(epoch),
            self.spec.genesis_validators_root,
        );
        keys::compute_signing_root(block_root, domain)
    }

    fn lc_header(block: &DevnetBlock) -> Value {
        json::lc_header(&block.header, &block.execution, &block.execution_branch)
    }

    fn block(&self, root: B256) -> Result<&DevnetBlock, DevnetError> {
        self.blocks
            .iter()
            .find(|b| b.root() == root)
            .ok_or(DevnetError::UnknownBlock { root })
    }

    /// `LightClientBootstrap` of the block with `root` (what a beacon node serves at
    /// `/eth/v1/beacon/light_client/bootstrap/{root}`).
    ///
    /// # Errors
    /// [`DevnetError::UnknownBlock`].
    pub fn bootstrap(&self, root: B256) -> Result<Value, DevnetError> {
        let block = self.block(root)?;
        let committee = self
            .validators
            .committee(period_at_slot(block.header.slot))?;
        Ok(json::versioned(
            self.fork,
            json!({
                "header": Self::lc_header(block),
                "current_sync_committee": json::sync_committee(&committee),
                "current_sync_committee_branch":
                    json::branch(&block.state.branch(state_field::CURRENT_SYNC_COMMITTEE)?),
            }),
        ))
    }

    /// Finalizes `finalized` with `attested` (its child) as the attested block: puts `finalized`
    /// at an epoch-start slot, `attested` two epochs later with a state whose finalized checkpoint
    /// is `finalized`'s block, has the sync committee sign `attested` one slot later, and returns
    /// the light-client objects that prove it.
    ///
    /// # Errors
    /// [`DevnetError::NotChild`], [`DevnetError::NotNewer`], block-import errors, BLS errors.
    pub fn finalize(
        &mut self,
        finalized: &ExecutionBlock,
        attested: &ExecutionBlock,
    ) -> Result<DevnetRound, DevnetError> {
        if attested.header().parent_hash != finalized.hash() {
            return Err(DevnetError::NotChild {
                parent_hash: attested.header().parent_hash,
                finalized: finalized.hash(),
            });
        }
        // Every input check before any state changes: a refused round leaves the devnet as it was.
        let f_execution = self.check_new(finalized)?;
        let a_execution = attested.payload_header(self.fork)?;
        let finalized_slot = self.round_slot()?;
        let attested_slot = Minimal::SLOTS_PER_EPOCH
            .checked_mul(FINALITY_DELAY_EPOCHS)
            .and_then(|d| finalized_slot.checked_add(d))
            .ok_or(DevnetError::SlotOverflow)?;
        let signature_slot = attested_slot
            .checked_add(1)
            .ok_or(DevnetError::SlotOverflow)?;
        let f_block = self.produce(f_execution, finalized_slot, self.finalized)?;
        let checkpoint = Checkpoint {
            epoch: finalized_slot
                .checked_div(Minimal::SLOTS_PER_EPOCH)
                .unwrap_or(0),
            root: f_block.root(),
        };
        let a_block = self.produce(a_execution, attested_slot, checkpoint)?;
        self.finalized = checkpoint;
        self.last_round_slot = Some(finalized_slot);
        self.next_slot = signature_slot
            .checked_add(1)
            .ok_or(DevnetError::SlotOverflow)?;

        let aggregate = self.validators.sign(
            period_at_slot(signature_slot),
            self.signing_root(signature_slot, a_block.root()),
            &self.participation(signature_slot),
        )?;
        let mut finality_branch = vec![u64_chunk(checkpoint.epoch)];
        finality_branch.extend(a_block.state.branch(state_field::FINALIZED_CHECKPOINT)?);
        let next_committee = self.validators.committee(
            period_at_slot(attested_slot)
                .checked_add(1)
                .ok_or(DevnetError::SlotOverflow)?,
        )?;
        let update = json::versioned(
            self.fork,
            json!({
                "attested_header": Self::lc_header(&a_block),
                "next_sync_committee": json::sync_committee(&next_committee),
                "next_sync_committee_branch":
                    json::branch(&a_block.state.branch(state_field::NEXT_SYNC_COMMITTEE)?),
                "finalized_header": Self::lc_header(&f_block),
                "finality_branch": json::branch(&finality_branch),
                "sync_aggregate": json::sync_aggregate(&aggregate),
                "signature_slot": signature_slot.to_string(),
            }),
        );
        let finality_update = json::versioned(
            self.fork,
            json!({
                "attested_header": Self::lc_header(&a_block),
                "finalized_header": Self::lc_header(&f_block),
                "finality_branch": json::branch(&finality_branch),
                "sync_aggregate": json::sync_aggregate(&aggregate),
                "signature_slot": signature_slot.to_string(),
            }),
        );
        let bootstrap = match self.trusted_root {
            Some(_) => None,
            None => Some(self.bootstrap(checkpoint.root)?),
        };
        let trusted_root = *self.trusted_root.get_or_insert(checkpoint.root);
        Ok(DevnetRound {
            bootstrap,
            trusted_root,
            updates: vec![update],
            finality_update,
            finalized: FinalizedBlock {
                slot: finalized_slot,
                beacon_root: checkpoint.root,
                block_number: f_block.execution.block_number,
                block_hash: f_block.execution.block_hash,
                state_root: f_block.execution.state_root,
                receipts_root: f_block.execution.receipts_root,
            },
            attested_slot,
            signature_slot,
        })
    }
}
