//! The operations of the enclave (DESIGN.md §3): `Info`, `InitClient`, `UpdateClient`, `Verify`.
//!
//! The [`Enclave`] holds only what it was started with (key, NSM, network, destination domain);
//! every light-client state arrives in the request and leaves in the response. A request either
//! succeeds completely (and is signed) or fails with nothing signed.
//!
//! Time: the enclave has no trusted clock (DESIGN.md §1), so updates are validated with
//! `current_slot = u64::MAX`, which makes the spec's "not from the future" check vacuous. The
//! signatures themselves prove what the sync committee signed; the destination chain judges time.

use super::claims::SignableClaim;
use super::error::ServiceError;
use super::protocol::{
    BatchLeaf, ClaimItem, ClientState, LcObject, MAX_CLAIM_ITEMS, MAX_CLAIMS,
    MAX_UPDATES_PER_REQUEST, Request, Response, SignedMessage,
};
use crate::enclave_key::EnclaveKey;
use crate::light_client::bls::KeyCache;
use crate::light_client::bridge::{
    BridgePolicy, Outcome, process_bridge_finality_update, process_bridge_update,
};
use crate::light_client::config::{ChainSpec, Fork, Mainnet, Minimal, Preset, PresetName};
use crate::light_client::containers::{LcExecution, LightClientBootstrap, LightClientUpdate};
use crate::light_client::decode::{
    bootstrap_from_json, decode_bootstrap, decode_finality_update, decode_update,
    finality_update_from_json, updates_from_json,
};
use crate::light_client::sync::{LightClientStore, initialize_light_client_store};
use crate::nsm::Nsm;
use crate::spv::{
    AccountProof, ExecutionHeaderFacts, ReceiptProof, SealedExecutionHeader, verify_account_proof,
    verify_receipt_proof, verify_transaction_proof,
};
use crate::state_id::{network_config_hash, state_id};
use alloy_primitives::{Address, B256, Bytes};
use attestation_verifier::message::encode::{Body, Domain, encode_message, signing_digest};
use attestation_verifier::message::merkle;
use attestation_verifier::message::{BatchClaims, UpdateState};
use serde_json::Value;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;

/// The slot the enclave validates updates at: it has no clock (see the module doc).
pub const ENCLAVE_CURRENT_SLOT: u64 = u64::MAX;

/// States whose id the enclave remembers (see [`Enclave`]'s `state_ids`).
pub const STATE_ID_CACHE_ENTRIES: usize = 64;

/// The code version reported by `Info`.
pub const CODE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the enclave is started with.
pub struct EnclaveConfig {
    /// The network it follows.
    pub spec: ChainSpec,
    /// The bridge policy (participation threshold).
    pub policy: BridgePolicy,
    /// The operator bound into the attestation.
    pub operator: Address,
    /// The destination chain and `LCPClient` signed into every message.
    pub domain: Domain,
}

/// A running enclave: its key and configuration. No light-client state lives here.
pub struct Enclave {
    key: EnclaveKey,
    nsm: Box<dyn Nsm>,
    config: EnclaveConfig,
    network_config_hash: B256,
    /// Memo of `state_id` by the exact store bytes: hashing two sync committees dominates a
    /// claim request, and relayers send the same state many times. The id is a pure function of
    /// the bytes (and the fixed network config), so a hit returns exactly what recomputing would;
    /// the bytes are still decoded on every request. Bounded; cleared when full.
    ///
    /// Keyed by a keyed SipHash of the bytes computed OUTSIDE the lock (hashing ~50 KB of store
    /// under the mutex serialised every handler thread); an entry counts only if its bytes are
    /// equal to the request's, so a hash collision is a miss, never a wrong id.
    state_ids: Mutex<HashMap<u64, (Bytes, B256)>>,
    /// The memo's hash key, random per process.
    state_id_hasher: RandomState,
}

impl core::fmt::Debug for Enclave {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Enclave")
            .field("key", &self.key)
            .field("network", &self.config.spec.name)
            .field("network_config_hash", &self.network_config_hash)
            .finish_non_exhaustive()
    }
}

impl Enclave {
    /// Generates the enclave key from `nsm`'s randomness and keeps it in memory only.
    ///
    /// # Errors
    /// The NSM fails.
    pub fn start(nsm: Box<dyn Nsm>, config: EnclaveConfig) -> Result<Enclave, ServiceError> {
        let key = EnclaveKey::generate(nsm.as_ref())?;
        let network_config_hash = network_config_hash(&config.spec, &config.policy);
        Ok(Enclave {
            key,
            nsm,
            config,
            network_config_hash,
            state_ids: Mutex::new(HashMap::new()),
            state_id_hasher: RandomState::new(),
        })
    }

    /// The enclave key's address.
    pub fn key_address(&self) -> Address {
        self.key.address()
    }

    /// The network configuration hash bound into the attestation and every `state_id`.
    pub fn network_config_hash(&self) -> B256 {
        self.network_config_hash
    }

    /// Serves one request.
    ///
    /// # Errors
    /// Any [`ServiceError`]; nothing is signed then.
    pub fn handle(&self, request: Request) -> Result<Response, ServiceError> {
        match self.config.spec.preset {
            PresetName::Mainnet => self.handle_with::<Mainnet>(request),
            PresetName::Minimal => self.handle_with::<Minimal>(request),
        }
    }

    fn handle_with<P: Preset>(&self, request: Request) -> Result<Response, ServiceError> {
        match request {
            Request::Info { nonce } => self.info(nonce.as_ref().map(|n| n.as_ref())),
            Request::InitClient {
                network_config_hash,
                trusted_block_root,
                bootstrap,
            } => self.init_client::<P>(network_config_hash, trusted_block_root, &bootstrap),
            Request::UpdateClient {
                state_id,
                client_state,
                updates,
                finality_update,
            } => {
                self.update_client::<P>(state_id, &client_state, &updates, finality_update.as_ref())
            }
            Request::Verify {
                state_id,
                client_state,
                block_hash,
                claims,
                batch,
            } => self.verify::<P>(state_id, &client_state, block_hash, &claims, batch),
        }
    }

    fn info(&self, nonce: Option<&[u8]>) -> Result<Response, ServiceError> {
        let attestation = self.key.attest(
            self.nsm.as_ref(),
            self.config.operator,
            self.network_config_hash,
            nonce,
        )?;
        Ok(Response::Info {
            enclave_key: self.key.address(),
            attestation: Bytes::from(attestation),
            code_version: CODE_VERSION.to_owned(),
            network: self.config.spec.name.clone(),
            network_config_hash: self.network_config_hash,
            operator: self.config.operator,
            chain_id: self.config.domain.chain_id,
            client_address: self.config.domain.client,
        })
    }

    fn sign<B: Body>(&self, body: &B) -> SignedMessage {
        let message = encode_message(self.config.domain, body);
        let signature = self.key.sign_digest(&signing_digest(&message));
        SignedMessage {
            message: Bytes::from(message),
            signature: Bytes::copy_from_slice(&signature),
        }
    }

    fn check_network(&self, got: B256) -> Result<(), ServiceError> {
        if got != self.network_config_hash {
            return Err(ServiceError::NetworkConfigMismatch {
                got,
                expected: self.network_config_hash,
            });
        }
        Ok(())
    }

    /// Decodes a host-held state and requires its recomputed id to be `named`.
    fn open_state<P: Preset>(
        &self,
        named: B256,
        state: &ClientState,
    ) -> Result<LightClientStore<P>, ServiceError> {
        self.check_network(state.network_config_hash)?;
        let index = state.store.first().copied();
        let fork = index
            .and_then(|i| Fork::ALL.iter().copied().find(|f| f.index() == i))
            .ok_or(ServiceError::UnknownStoreFork { index })?;
        let store = LightClientStore::<P>::from_ssz(fork, &state.store)
            .map_err(ServiceError::ClientState)?;
        let memo_key = self.state_id_hasher.hash_one(&state.store);
        let remembered = self
            .state_ids
            .lock()
            .ok()
            .and_then(|memo| memo.get(&memo_key).cloned());
        let computed = match remembered {
            // `Bytes` clones share the buffer: the comparison runs outside the lock.
            Some((bytes, id)) if bytes == state.store => id,
            Some(_) | None => {
                let id = self.state_id(&store)?;
                if let Ok(mut memo) = self.state_ids.lock() {
                    if memo.len() >= STATE_ID_CACHE_ENTRIES {
                        memo.clear();
                    }
                    memo.insert(memo_key, (state.store.clone(), id));
                }
                id
            }
        };
        if computed != named {
            return Err(ServiceError::StateIdMismatch { named, computed });
        }
        Ok(store)
    }

    fn state_id<P: Preset>(&self, store: &LightClientStore<P>) -> Result<B256, ServiceError> {
        state_id(self.network_config_hash, store).map_err(ServiceError::StoreEncoding)
    }

    fn client_state<P: Preset>(
        &self,
        store: &LightClientStore<P>,
    ) -> Result<ClientState, ServiceError> {
        Ok(ClientState {
            network_config_hash: self.network_config_hash,
            store: Bytes::from(store.to_ssz().map_err(ServiceError::StoreEncoding)?),
        })
    }

    fn fork_named(name: &str, what: &'static str) -> Result<Fork, ServiceError> {
        Fork::from_name(name).ok_or(ServiceError::UnknownForkName { what })
    }

    fn bootstrap<P: Preset>(
        &self,
        object: &LcObject,
    ) -> Result<(LightClientBootstrap<P>, Fork), ServiceError> {
        let spec = &self.config.spec;
        match object {
            LcObject::Json(value) => {
                let bootstrap =
                    bootstrap_from_json::<P>(spec, value).map_err(ServiceError::Bootstrap)?;
                let fork = match value.get("version").and_then(Value::as_str) {
                    Some(name) => Self::fork_named(name, "bootstrap")?,
                    None => spec.fork_at_epoch(
                        bootstrap
                            .header
                            .beacon
                            .slot
                            .checked_div(P::SLOTS_PER_EPOCH)
                            .unwrap_or(0),
                    ),
                };
                Ok((bootstrap, fork))
            }
            LcObject::Ssz { fork, bytes } => {
                let fork = Self::fork_named(fork, "bootstrap")?;
                let bootstrap =
                    decode_bootstrap::<P>(fork, bytes).map_err(ServiceError::Bootstrap)?;
                Ok((bootstrap, fork))
            }
        }
    }

    fn updates<P: Preset>(
        &self,
        objects: &[LcObject],
    ) -> Result<Vec<LightClientUpdate<P>>, ServiceError> {
        let spec = &self.config.spec;
        let mut out = Vec::new();
        for object in objects {
            let index = out.len();
            let decoded = match object {
                LcObject::Json(value) => updates_from_json::<P>(spec, value),
                LcObject::Ssz { fork, bytes } => {
                    let fork = Self::fork_named(fork, "update")?;
                    decode_update::<P>(fork, bytes).map(|u| vec![u])
                }
            }
            .map_err(|source| ServiceError::Update { index, source })?;
            out.extend(decoded);
            if out.len() > MAX_UPDATES_PER_REQUEST {
                return Err(ServiceError::TooMany {
                    what: "updates",
                    got: out.len(),
                    max: MAX_UPDATES_PER_REQUEST,
                });
            }
        }
        Ok(out)
    }

    /// The signed `UpdateState` for a transition to `store`.
    fn update_state<P: Preset>(
        &self,
        prev_state_id: B256,
        store: &LightClientStore<P>,
    ) -> Result<(B256, SignedMessage), ServiceError> {
        let post_state_id = self.state_id(store)?;
        let header = &store.finalized_header;
        let facts = execution_facts(store)?;
        let body = UpdateState {
            prevStateId: prev_state_id,
            postStateId: post_state_id,
            finalizedSlot: header.beacon.slot,
            finalizedBeaconRoot: header.beacon_root(),
            blockNumber: facts.block_number,
            blockHash: facts.block_hash,
            stateRoot: facts.state_root,
            receiptsRoot: facts.receipts_root,
            timestamp: facts.timestamp,
        };
        Ok((post_state_id, self.sign(&body)))
    }

    fn init_client<P: Preset>(
        &self,
        network_config_hash: B256,
        trusted_block_root: B256,
        bootstrap: &LcObject,
    ) -> Result<Response, ServiceError> {
        self.check_network(network_config_hash)?;
        let (bootstrap, fork) = self.bootstrap::<P>(bootstrap)?;
        let store =
            initialize_light_client_store(&self.config.spec, trusted_block_root, bootstrap, fork)
                .map_err(ServiceError::Bootstrap)?;
        let (state_id, update) = self.update_state(B256::ZERO, &store)?;
        Ok(Response::ClientUpdated {
            client_state: self.client_state(&store)?,
            state_id,
            update,
            applied: 0,
            stale: 0,
        })
    }

    fn update_client<P: Preset>(
        &self,
        named: B256,
        client_state: &ClientState,
        updates: &[LcObject],
        finality_update: Option<&LcObject>,
    ) -> Result<Response, ServiceError> {
        let mut store = self.open_state::<P>(named, client_state)?;
        let updates = self.updates::<P>(updates)?;
        if updates.is_empty() && finality_update.is_none() {
            return Err(ServiceError::Empty { what: "updates" });
        }
        let spec = &self.config.spec;
        let policy = &self.config.policy;
        let mut keys = KeyCache::new();
        let (mut applied, mut stale) = (0u32, 0u32);
        let mut count = |outcome| match outcome {
            Outcome::Applied => applied = applied.saturating_add(1),
            Outcome::Stale => stale = stale.saturating_add(1),
        };
        for (index, update) in updates.into_iter().enumerate() {
            let outcome = process_bridge_update(
                &mut store,
                update,
                ENCLAVE_CURRENT_SLOT,
                spec,
                policy,
                &mut keys,
            )
            .map_err(|source| ServiceError::Update { index, source })?;
            count(outcome);
        }
        if let Some(object) = finality_update {
            let update = match object {
                LcObject::Json(value) => finality_update_from_json::<P>(spec, value),
                LcObject::Ssz { fork, bytes } => {
                    decode_finality_update::<P>(Self::fork_named(fork, "finality update")?, bytes)
                }
            }
            .map_err(ServiceError::FinalityUpdate)?;
            let outcome = process_bridge_finality_update(
                &mut store,
                update,
                ENCLAVE_CURRENT_SLOT,
                spec,
                policy,
                &mut keys,
            )
            .map_err(ServiceError::FinalityUpdate)?;
            count(outcome);
        }
        // The state id covers every store field, so an unchanged id means nothing changed (all
        // stale, or an "applied" update that re-set a best valid update the store already held).
        // Signing `UpdateState{prev == post}` would hand the host a no-op the contract refuses
        // (`NoStateChange`) and that could be replayed forever.
        if self.state_id(&store)? == named {
            return Err(ServiceError::NothingToApply {
                updates: applied.saturating_add(stale),
                stale,
            });
        }
        let (state_id, update) = self.update_state(named, &store)?;
        Ok(Response::ClientUpdated {
            client_state: self.client_state(&store)?,
            state_id,
            update,
            applied,
            stale,
        })
    }

    fn verify<P: Preset>(
        &self,
        named: B256,
        client_state: &ClientState,
        block_hash: B256,
        items: &[ClaimItem],
        batch: bool,
    ) -> Result<Response, ServiceError> {
        if items.is_empty() {
            return Err(ServiceError::Empty { what: "claims" });
        }
        if items.len() > MAX_CLAIM_ITEMS {
            return Err(ServiceError::TooMany {
                what: "claims",
                got: items.len(),
                max: MAX_CLAIM_ITEMS,
            });
        }
        let store = self.open_state::<P>(named, client_state)?;
        let facts = execution_facts(&store)?;
        // STRICTER than "any header": only the finalized execution block of this state. Older
        // blocks would need a proof through historical_summaries, which this enclave does not do.
        if block_hash != facts.block_hash {
            return Err(ServiceError::HeaderNotHeld {
                requested: block_hash,
                held: facts.block_hash,
            });
        }
        let mut claims = Vec::new();
        for (index, item) in items.iter().enumerate() {
            prove(index, item, &facts, &mut claims)?;
            if claims.len() > MAX_CLAIMS {
                return Err(ServiceError::TooMany {
                    what: "proven claims",
                    got: claims.len(),
                    max: MAX_CLAIMS,
                });
            }
        }
        if batch {
            self.batch(&facts, &claims)
        } else {
            let messages = claims
                .iter()
                .map(|claim| {
                    let message = claim.message(self.config.domain);
                    let signature = self.key.sign_digest(&signing_digest(&message));
                    SignedMessage {
                        message: Bytes::from(message),
                        signature: Bytes::copy_from_slice(&signature),
                    }
                })
                .collect();
            Ok(Response::Claims { messages })
        }
    }

    fn batch(
        &self,
        facts: &ExecutionHeaderFacts,
        claims: &[SignableClaim],
    ) -> Result<Response, ServiceError> {
        let leaves: Vec<B256> = claims.iter().map(SignableClaim::leaf_hash).collect();
        let root = merkle::root(&leaves)?;
        let proofs = merkle::proofs(&leaves)?;
        let leaf_count = u32::try_from(leaves.len()).map_err(|_| ServiceError::TooMany {
            what: "proven claims",
            got: leaves.len(),
            max: MAX_CLAIMS,
        })?;
        let batch = self.sign(&BatchClaims {
            blockNumber: facts.block_number,
            blockHash: facts.block_hash,
            leafCount: leaf_count,
            root,
        });
        let leaves = claims
            .iter()
            .zip(proofs)
            .zip(0u64..)
            .map(|((claim, proof), index)| BatchLeaf {
                claim_type: u8::from(claim.message_type()),
                claim: claim.abi_encode(),
                index,
                proof,
            })
            .collect();
        Ok(Response::Batch { batch, leaves })
    }
}

/// The finalized execution block of `store`, as SPV's anchor.
fn execution_facts<P: Preset>(
    store: &LightClientStore<P>,
) -> Result<ExecutionHeaderFacts, ServiceError> {
    let facts =
        |block_number, block_hash, state_root, receipts_root, timestamp| ExecutionHeaderFacts {
            block_number,
            block_hash,
            state_root,
            receipts_root,
            timestamp,
        };
    match &store.finalized_header.execution {
        LcExecution::Capella(e) => Ok(facts(
            e.block_number,
            e.block_hash,
            e.state_root,
            e.receipts_root,
            e.timestamp,
        )),
        LcExecution::Deneb(e) => Ok(facts(
            e.block_number,
            e.block_hash,
            e.state_root,
            e.receipts_root,
            e.timestamp,
        )),
        LcExecution::None | LcExecution::Gloas(_) => {
            Err(ServiceError::NoExecutionHeader { fork: store.fork })
        }
    }
}

/// The `result` of a JSON-RPC envelope, or the value itself.
fn rpc_result(value: &Value) -> &Value {
    match value.get("result") {
        Some(result) if value.get("jsonrpc").is_some() => result,
        _ => value,
    }
}

/// Verifies one claim item against `facts`, appending what it proves.
fn prove(
    index: usize,
    item: &ClaimItem,
    facts: &ExecutionHeaderFacts,
    out: &mut Vec<SignableClaim>,
) -> Result<(), ServiceError> {
    let spv = |source| ServiceError::Claim {
        index,
        source: Box::new(source),
    };
    match item {
        ClaimItem::Storage { proof } | ClaimItem::Account { proof } => {
            let response = AccountProof::from_rpc_json(rpc_result(proof)).map_err(spv)?;
            let proven = verify_account_proof(facts.state_root, &response).map_err(spv)?;
            let (account, storage) = proven.claims(facts).map_err(spv)?;
            if matches!(item, ClaimItem::Account { .. }) {
                out.push(SignableClaim::account(account));
            } else {
                if storage.is_empty() {
                    return Err(ServiceError::Empty {
                        what: "storageProof",
                    });
                }
                out.extend(storage.into_iter().map(SignableClaim::storage));
            }
        }
        ClaimItem::ReceiptLog {
            transaction_index,
            receipt,
            proof,
            log_index,
        } => {
            let proof = ReceiptProof {
                transaction_index: *transaction_index,
                receipt: receipt.clone(),
                nodes: proof.clone(),
            };
            let proven = verify_receipt_proof(facts.receipts_root, &proof).map_err(spv)?;
            let claim = proven.log_claim(facts, *log_index).map_err(spv)?;
            out.push(SignableClaim::receipt_log(index, claim)?);
        }
        ClaimItem::Transaction {
            header_rlp,
            transaction_index,
            transaction,
            proof,
        } => {
            let header = SealedExecutionHeader::decode_rlp(header_rlp).map_err(spv)?;
            // The anchor first: a header that is not the state's finalized block is refused as
            // such, whatever the proof (cheaper, and the error names the block, not a trie node).
            header.check_against(facts).map_err(spv)?;
            let proven = verify_transaction_proof(
                header.header().transactions_root,
                *transaction_index,
                transaction,
                proof,
            )
            .map_err(spv)?;
            let claim = proven.claim(&header, facts).map_err(spv)?;
            out.push(SignableClaim::transaction(index, claim)?);
        }
    }
    Ok(())
}
