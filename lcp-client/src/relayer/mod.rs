//! The relayer: keeps the destination chain's `LCPClient` following Ethereum finality through an
//! enclave, and proves claims against the state it holds.
//!
//! # Library use
//! ```text
//! let mut relayer = Relayer::new(enclave, beacon, chain, options);
//! relayer.resume().await?;                 // chain state → local state (initialises if empty)
//! relayer.update_to_latest().await?;       // finality → ONE signed UpdateState → updateState
//! let proof = relayer.prove_transactions(&[0, 1], false).await?;
//! relayer.submit(&proof).await?;           // verify* on chain
//! ```
//! `lcp relay` runs [`Relayer::step`] in a loop ([`daemon`]).
//!
//! # What the relayer trusts
//! Nothing it fetches: the enclave verifies every object, the chain verifies every signature. The
//! relayer only decides what to ask for, and reacts to refusals: data the enclave refuses is
//! reported against the endpoint that served it ([`ports::LightClientSource::report_rejected`]),
//! which the source demotes, and fetched again from another endpoint.
//!
//! # State
//! The chain holds only the state id; the state itself (the store) lives with the relayer. After a
//! crash [`Relayer::resume`] accepts the cache file only if its id is the chain's, and otherwise
//! rebuilds the state deterministically: bootstrap from the trusted root, then every update the
//! sources serve, one at a time, until the id equals the chain's.

pub mod adapters;
pub mod cache;
pub mod daemon;
pub mod error;
pub mod plan;
pub mod ports;
pub mod recorded;
pub mod reference_chain;

pub use cache::LocalState;
pub use error::RelayerError;
pub use plan::{Finalized, PeriodLength};
pub use ports::{ChainBackend, ChainView, Fetched, KeyView, LightClientSource, Submitted};

use crate::claims::ClaimBuildError;
use crate::enclave::{Attested, ClientUpdate, EnclaveConnection, EnclaveError, EnclaveInfo};
use alloy_primitives::{Address, B256};
use attestation_verifier::message::UpdateState;
use attestation_verifier::message::encode::{Domain, decode_message};
use lcp_enclave::service::protocol::{ClaimItem, LcObject, SignedMessage};
use std::path::PathBuf;

/// The enclave's refusal code for an `UpdateClient` that would leave the state unchanged
/// (`ServiceError::NothingToApply`): nothing is signed, and nothing needs to be.
pub const NOTHING_TO_APPLY: &str = "nothing_to_apply";

/// How the relayer behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelayerOptions {
    /// The weak-subjectivity checkpoint the chain's `LCPClient` was deployed with.
    pub trusted_root: B256,
    /// Slots per sync-committee period of the followed network.
    pub period_length: PeriodLength,
    /// Where to cache the state (`None`: no cache, resume always rebuilds).
    pub cache_path: Option<PathBuf>,
    /// Register the key again (fresh attestation, later expiry) when it expires within this many
    /// seconds of the chain's clock.
    pub renew_before_secs: u64,
    /// Endpoints to try when the enclave refuses what one served.
    pub rejection_attempts: u32,
    /// Draw a progress bar for syncs of more than one request (stderr, terminals only).
    pub progress: bool,
}

impl RelayerOptions {
    /// Defaults for `trusted_root` on mainnet: no cache, renew an hour before expiry (keys live
    /// one day to 30 days, `LCPClient.keyTtl`; a registration costs ~16M gas), three
    /// endpoints tried, progress bar on.
    pub fn new(trusted_root: B256) -> Self {
        RelayerOptions {
            trusted_root,
            period_length: PeriodLength::MAINNET,
            cache_path: None,
            renew_before_secs: 60 * 60,
            rejection_attempts: 3,
            progress: true,
        }
    }
}

/// How [`Relayer::resume`] obtained its state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resumed {
    /// The chain was empty: the client was initialised from the trusted root.
    Initialised(Submitted),
    /// The state in memory already matched the chain.
    InMemory,
    /// The cache file matched the chain.
    Cache,
    /// Rebuilt from the trusted root in this many enclave requests.
    Rebuilt {
        /// Requests made.
        requests: u32,
    },
}

/// What [`Relayer::update_to_latest`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Updated {
    /// The sources' finality is not newer than the chain's state.
    UpToDate(Finalized),
    /// The chain moved to a newer finalized block.
    Advanced {
        /// Before.
        from: Finalized,
        /// After.
        to: Finalized,
        /// Period updates sent to the enclave.
        periods: u64,
        /// Updates the enclave applied / reported stale.
        applied: u32,
        /// Updates that were valid but changed nothing.
        stale: u32,
        /// The `updateState` transactions (one per ≤ 32 periods).
        submitted: Vec<Submitted>,
    },
}

/// A key registration the relayer made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    /// The key.
    pub key: Address,
    /// Why it was registered.
    pub reason: RegistrationReason,
    /// The transaction.
    pub submitted: Submitted,
}

/// Why a key was registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationReason {
    /// The chain did not know the key (first start, or the enclave restarted with a new key).
    Unknown,
    /// The key expires within `renew_before_secs`.
    Renewal,
}

/// The relayer over an enclave, a light-client source and a chain.
pub struct Relayer<S, C> {
    enclave: EnclaveConnection,
    source: S,
    chain: C,
    options: RelayerOptions,
    state: Option<LocalState>,
    /// Connection epoch at which the key was last found registered, with its expiry.
    key_checked: Option<(u64, Address, u64)>,
    domain: Option<Domain>,
}

impl<S, C> core::fmt::Debug for Relayer<S, C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Relayer")
            .field("enclave", &self.enclave)
            .field("state_id", &self.state.as_ref().map(|s| s.state_id))
            .finish_non_exhaustive()
    }
}

impl<S: LightClientSource, C: ChainBackend> Relayer<S, C> {
    /// A relayer with no state yet ([`Relayer::resume`] next).
    pub fn new(enclave: EnclaveConnection, source: S, chain: C, options: RelayerOptions) -> Self {
        Relayer {
            enclave,
            source,
            chain,
            options,
            state: None,
            key_checked: None,
            domain: None,
        }
    }

    /// The enclave connection.
    pub fn enclave(&self) -> &EnclaveConnection {
        &self.enclave
    }

    /// The light-client source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// The chain backend.
    pub fn chain(&self) -> &C {
        &self.chain
    }

    /// The current state (after [`Relayer::resume`]).
    pub fn state(&self) -> Option<&LocalState> {
        self.state.as_ref()
    }

    /// Drops the in-memory state, as a crash would (the next [`Relayer::resume`] goes to the cache
    /// or rebuilds).
    pub fn forget_state(&mut self) {
        self.state = None;
    }

    async fn view(&self) -> Result<ChainView, RelayerError> {
        self.chain
            .view()
            .await
            .map_err(|source| RelayerError::Chain {
                what: "state",
                source,
            })
    }

    /// `Info`, remembering the domain the enclave signs for.
    async fn info(&mut self) -> Result<EnclaveInfo, RelayerError> {
        let info = self.enclave.info(None).await?;
        self.domain = Some(Domain {
            chain_id: info.chain_id,
            client: info.client_address,
        });
        Ok(info)
    }

    fn decode_update(&self, signed: &SignedMessage) -> Result<UpdateState, RelayerError> {
        let domain = self.domain.ok_or(RelayerError::NotInitialised)?;
        Ok(decode_message::<UpdateState>(domain, &signed.message)?)
    }

    /// Makes sure the chain holds the enclave's current key with more than `renew_before_secs`
    /// left: registers it when unknown (first start, enclave restart) and re-registers it with a
    /// fresh attestation before it expires. Cheap when nothing changed (no enclave request unless
    /// the connection was re-established or the expiry is near).
    ///
    /// # Errors
    /// Enclave or chain failures.
    pub async fn ensure_key(&mut self) -> Result<Option<Registered>, RelayerError> {
        let view = self.view().await?;
        if view.frozen {
            return Err(RelayerError::Frozen);
        }
        let renew_before = self.options.renew_before_secs;
        let renew_at = move |expiry: u64| expiry.saturating_sub(renew_before);
        if let Some((epoch, _, expiry)) = self.key_checked
            && epoch == self.enclave.epoch()
            && view.now < renew_at(expiry)
        {
            return Ok(None);
        }
        let info = self.info().await?;
        if info.key_changed {
            tracing::warn!(key = %info.enclave_key, "the enclave restarted with a new key");
        }
        let key = info.enclave_key;
        let held = self
            .chain
            .key(key)
            .await
            .map_err(|source| RelayerError::Chain {
                what: "enclaveKey",
                source,
            })?;
        let reason = match held {
            Some(k) if !k.revoked && view.now < renew_at(k.expiry) => {
                self.key_checked = Some((self.enclave.epoch(), key, k.expiry));
                return Ok(None);
            }
            Some(k) if !k.revoked => RegistrationReason::Renewal,
            _ => RegistrationReason::Unknown,
        };
        tracing::info!(%key, ?reason, "registering the enclave key");
        let submitted = match self.chain.register_enclave_key(&info.attestation).await {
            Ok(submitted) => submitted,
            // The chain's clock is behind the attestation (a fresh leaf certificate, a document
            // from "the future" by the chain's time): wait once, then register a fresh document.
            Err(error) => match self.chain.clock_skew_delay(&error) {
                Some(delay) => {
                    tracing::warn!(%error, ?delay, "the chain's clock is behind the attestation; retrying");
                    tokio::time::sleep(delay).await;
                    let fresh = self.info().await?;
                    self.chain
                        .register_enclave_key(&fresh.attestation)
                        .await
                        .map_err(|source| RelayerError::Chain {
                            what: "registerEnclaveKey",
                            source,
                        })?
                }
                None => {
                    return Err(RelayerError::Chain {
                        what: "registerEnclaveKey",
                        source: error,
                    });
                }
            },
        };
        let expiry = self
            .chain
            .key(key)
            .await
            .map_err(|source| RelayerError::Chain {
                what: "enclaveKey",
                source,
            })?
            .map(|k| k.expiry)
            .unwrap_or(0);
        // Epoch after the Info call: a reconnect since then is caught by the next check.
        self.key_checked = Some((self.enclave.epoch(), key, expiry));
        tracing::info!(%key, expiry, gas = submitted.gas_used, "enclave key registered");
        Ok(Some(Registered {
            key,
            reason,
            submitted,
        }))
    }

    /// The key check again if the connection was re-established since it last ran (the enclave
    /// that signed may be a restarted one whose key the chain does not know yet).
    async fn recheck_key(&mut self) -> Result<(), RelayerError> {
        let stale = self
            .key_checked
            .is_none_or(|(epoch, _, _)| epoch != self.enclave.epoch());
        if stale {
            self.ensure_key().await?;
        }
        Ok(())
    }

    /// Brings the local state in line with the chain: initialises an empty client, accepts the
    /// in-memory or cached state only if its id is the chain's, and otherwise rebuilds it.
    ///
    /// # Errors
    /// [`RelayerError::Frozen`], [`RelayerError::ChainStateUnreachable`], enclave, source and
    /// chain failures.
    pub async fn resume(&mut self) -> Result<Resumed, RelayerError> {
        self.ensure_key().await?;
        let view = self.view().await?;
        if view.state_id.is_zero() {
            let submitted = self.initialise().await?;
            return Ok(Resumed::Initialised(submitted));
        }
        if self
            .state
            .as_ref()
            .is_some_and(|s| s.state_id == view.state_id)
        {
            return Ok(Resumed::InMemory);
        }
        let cached = self.options.cache_path.as_deref().and_then(cache::load);
        let cached_id = cached.as_ref().map(|c| c.state_id);
        if let Some(cached) = cached.filter(|c| c.state_id == view.state_id) {
            tracing::info!(state_id = %cached.state_id, "resumed from the state cache");
            self.state = Some(cached);
            return Ok(Resumed::Cache);
        }
        if let Some(id) = cached_id {
            tracing::warn!(cache = %id, chain = %view.state_id, "state cache is not the chain's state; rebuilding");
        }
        self.rebuild(view.state_id, cached_id).await
    }

    /// Initialises the chain's client from the trusted root (the chain must be empty).
    ///
    /// # Errors
    /// Enclave, source and chain failures.
    pub async fn initialise(&mut self) -> Result<Submitted, RelayerError> {
        let init = self.init_from_root().await?;
        self.recheck_key().await?;
        let submitted = self
            .chain
            .initialize(&init.update)
            .await
            .map_err(|source| RelayerError::Chain {
                what: "initialize",
                source,
            })?;
        tracing::info!(state_id = %init.state_id, gas = submitted.gas_used, "client initialised on chain");
        self.accept(init)?;
        Ok(submitted)
    }

    /// Bootstrap at the trusted root → `InitClient`, retrying other endpoints on refusal.
    async fn init_from_root(&mut self) -> Result<ClientUpdate, RelayerError> {
        if self.domain.is_none() {
            self.info().await?;
        }
        let network = self.info_network().await?;
        let root = self.options.trusted_root;
        let mut attempts = 0u32;
        loop {
            let bootstrap =
                self.source
                    .bootstrap(root)
                    .await
                    .map_err(|source| RelayerError::Source {
                        what: "bootstrap",
                        source,
                    })?;
            attempts = attempts.saturating_add(1);
            match self
                .enclave
                .init_client(network, root, bootstrap.value)
                .await
            {
                Ok(init) => return Ok(init),
                Err(error) if error.refusal_code() == Some("bootstrap") => {
                    self.reject(&bootstrap.endpoint, &error);
                    if attempts >= self.options.rejection_attempts {
                        return Err(RelayerError::AllSourcesRejected {
                            what: "bootstrap",
                            attempts,
                            last: error,
                        });
                    }
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    async fn info_network(&mut self) -> Result<B256, RelayerError> {
        Ok(self.info().await?.network_config_hash)
    }

    fn reject(&self, endpoint: &str, error: &EnclaveError) {
        tracing::warn!(endpoint, %error, "the enclave refused data; demoting the endpoint");
        self.source.report_rejected(endpoint, &error.to_string());
    }

    /// Keeps `update` as the current state (and in the cache).
    fn accept(&mut self, update: ClientUpdate) -> Result<Finalized, RelayerError> {
        let decoded = self.decode_update(&update.update)?;
        let state = LocalState {
            state_id: update.state_id,
            client_state: update.client_state,
            finalized: Finalized::from(&decoded),
            update: update.update,
        };
        if let Some(path) = &self.options.cache_path {
            cache::store(path, &state)?;
        }
        let finalized = state.finalized;
        self.state = Some(state);
        Ok(finalized)
    }

    /// Rebuilds the chain's state `target` from the trusted root: init, then each period update
    /// and the finality update one request at a time, comparing every intermediate id with the
    /// chain's. Nothing is submitted. Data the enclave refuses is reported against its endpoint
    /// and the rebuild starts over (the demoted endpoint is then tried last), up to
    /// `rejection_attempts` times.
    async fn rebuild(
        &mut self,
        target: B256,
        cache: Option<B256>,
    ) -> Result<Resumed, RelayerError> {
        tracing::info!(%target, "rebuilding the state from the trusted root");
        let mut attempts = 0u32;
        loop {
            attempts = attempts.saturating_add(1);
            match self.rebuild_once(target).await? {
                Ok(resumed) => return Ok(resumed),
                Err((rebuilt, refused)) => {
                    let retry = refused.is_some() && attempts < self.options.rejection_attempts;
                    if !retry {
                        return Err(RelayerError::ChainStateUnreachable {
                            chain: target,
                            cache,
                            rebuilt,
                        });
                    }
                }
            }
        }
    }

    /// One rebuild pass: `Ok(Ok(_))` reached the target; `Ok(Err((ids, refusal)))` did not (the
    /// ids produced, and the refused endpoint if data was refused).
    async fn rebuild_once(&mut self, target: B256) -> Result<RebuildPass, RelayerError> {
        let mut rebuilt = Vec::new();
        let mut current = self.init_from_root().await?;
        let mut requests = 1u32;
        rebuilt.push(current.state_id);
        if current.state_id == target {
            self.accept(current)?;
            return Ok(Ok(Resumed::Rebuilt { requests }));
        }
        let start = self.decode_update(&current.update)?.finalizedSlot;
        let finality = self.fetch_finality().await?;
        let target_slot = plan::finality_facts(&finality.value)?.slot;
        let period = |slot| self.options.period_length.period(slot);
        let batches = plan::period_batches(period(start), period(target_slot));
        let mut steps: Vec<(String, Vec<LcObject>, Option<LcObject>)> = Vec::new();
        for batch in batches {
            let fetched = self.fetch_updates(batch).await?;
            let endpoint = fetched.endpoint;
            steps.extend(
                fetched
                    .value
                    .into_iter()
                    .map(|u| (endpoint.clone(), vec![u], None)),
            );
        }
        steps.push((finality.endpoint, Vec::new(), Some(finality.value)));
        let progress = self.progress_bar(steps.len(), "rebuilding");
        for (endpoint, updates, finality_update) in steps {
            let next = match self
                .enclave
                .update_client(
                    current.state_id,
                    current.client_state.clone(),
                    updates,
                    finality_update,
                )
                .await
            {
                Ok(next) => next,
                // Refused data cannot lead to the chain's state (the chain only ever accepted
                // what an enclave signed): report it and start over.
                Err(error)
                    if matches!(error.refusal_code(), Some("update" | "finality_update")) =>
                {
                    progress.finish_and_clear();
                    self.reject(&endpoint, &error);
                    return Ok(Err((rebuilt, Some(endpoint))));
                }
                // A step that changes nothing (a stale update) is skipped: the enclave signs
                // nothing for it and the chain cannot hold such a state.
                Err(error) if error.refusal_code() == Some(NOTHING_TO_APPLY) => {
                    requests = requests.saturating_add(1);
                    progress.inc(1);
                    continue;
                }
                Err(error) => return Err(error.into()),
            };
            requests = requests.saturating_add(1);
            progress.inc(1);
            rebuilt.push(next.state_id);
            current = next;
            if current.state_id == target {
                progress.finish_and_clear();
                tracing::info!(%target, requests, "state rebuilt; it is the chain's");
                self.accept(current)?;
                return Ok(Ok(Resumed::Rebuilt { requests }));
            }
        }
        progress.finish_and_clear();
        Ok(Err((rebuilt, None)))
    }

    fn progress_bar(&self, len: usize, what: &'static str) -> indicatif::ProgressBar {
        use std::io::IsTerminal;
        let len = u64::try_from(len).unwrap_or(u64::MAX);
        if !self.options.progress || len < 2 || !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
        {
            bar.set_style(style);
        }
        bar.set_message(what);
        bar
    }

    async fn fetch_finality(&self) -> Result<Fetched<LcObject>, RelayerError> {
        self.source
            .finality_update()
            .await
            .map_err(|source| RelayerError::Source {
                what: "finality update",
                source,
            })
    }

    async fn fetch_updates(
        &self,
        batch: plan::PeriodBatch,
    ) -> Result<Fetched<Vec<LcObject>>, RelayerError> {
        self.source
            .updates(batch.start, batch.count)
            .await
            .map_err(|source| RelayerError::Source {
                what: "period updates",
                source,
            })
    }

    /// Follows finality: fetches the latest finality update and, when the period advanced, the
    /// period updates in between; has the enclave verify them all in ONE `UpdateClient` (one per
    /// 32 periods) and submits the ONE signed `UpdateState` with `updateState`.
    ///
    /// Data the enclave refuses is reported against its endpoint and fetched again (another
    /// endpoint serves it once the first is demoted), up to `rejection_attempts` times.
    ///
    /// # Errors
    /// [`RelayerError::NotInitialised`], [`RelayerError::AllSourcesRejected`], enclave, source and
    /// chain failures.
    pub async fn update_to_latest(&mut self) -> Result<Updated, RelayerError> {
        let from = self
            .state
            .as_ref()
            .map(|s| s.finalized)
            .ok_or(RelayerError::NotInitialised)?;
        let mut attempts = 0u32;
        loop {
            attempts = attempts.saturating_add(1);
            let finality = self.fetch_finality().await?;
            let facts = plan::finality_facts(&finality.value)?;
            if facts.slot <= from.slot {
                return Ok(Updated::UpToDate(from));
            }
            let period = |slot| self.options.period_length.period(slot);
            let batches = plan::period_batches(period(from.slot), period(facts.slot));
            let mut fetched = Vec::new();
            for batch in &batches {
                fetched.push(self.fetch_updates(*batch).await?);
            }
            match self.apply_and_submit(fetched, finality, from).await {
                Ok(updated) => return Ok(updated),
                Err(Failed(RelayerError::Enclave(error)))
                    if error.refusal_code() == Some(NOTHING_TO_APPLY) =>
                {
                    tracing::debug!(%error, "the sources' updates change nothing");
                    return Ok(Updated::UpToDate(from));
                }
                Err(Rejected { endpoint, error }) => {
                    self.reject(&endpoint, &error);
                    if attempts >= self.options.rejection_attempts {
                        return Err(RelayerError::AllSourcesRejected {
                            what: "light-client updates",
                            attempts,
                            last: error,
                        });
                    }
                }
                Err(Failed(error)) => return Err(error),
            }
        }
    }

    async fn apply_and_submit(
        &mut self,
        batches: Vec<Fetched<Vec<LcObject>>>,
        finality: Fetched<LcObject>,
        from: Finalized,
    ) -> Result<Updated, StepError> {
        let periods = batches
            .iter()
            .map(|b| u64::try_from(b.value.len()).unwrap_or(u64::MAX))
            .fold(0u64, u64::saturating_add);
        let count = batches.len().max(1);
        let progress = self.progress_bar(count, "syncing periods");
        let mut submitted = Vec::new();
        let (mut applied, mut stale) = (0u32, 0u32);
        let mut requests: Vec<(String, Vec<LcObject>, Option<Fetched<LcObject>>)> = batches
            .into_iter()
            .map(|b| (b.endpoint, b.value, None))
            .collect();
        match requests.last_mut() {
            Some(last) => last.2 = Some(finality),
            None => requests.push((String::new(), Vec::new(), Some(finality))),
        }
        let mut to = from;
        for (endpoint, updates, finality) in requests {
            let state = self
                .state
                .clone()
                .ok_or(Failed(RelayerError::NotInitialised))?;
            let (finality_endpoint, finality_object) = match finality {
                Some(f) => (f.endpoint, Some(f.value)),
                None => (String::new(), None),
            };
            let update = match self
                .enclave
                .update_client(state.state_id, state.client_state, updates, finality_object)
                .await
            {
                Ok(update) => update,
                Err(error) => {
                    progress.finish_and_clear();
                    return Err(match error.refusal_code() {
                        Some("update") => Rejected { endpoint, error },
                        Some("finality_update") => Rejected {
                            endpoint: finality_endpoint,
                            error,
                        },
                        _ => Failed(error.into()),
                    });
                }
            };
            applied = applied.saturating_add(update.applied);
            stale = stale.saturating_add(update.stale);
            self.recheck_key().await.map_err(Failed)?;
            let tx = self
                .chain
                .update_state(&update.update)
                .await
                .map_err(|source| {
                    Failed(RelayerError::Chain {
                        what: "updateState",
                        source,
                    })
                })?;
            tracing::info!(state_id = %update.state_id, gas = tx.gas_used, applied = update.applied, "updateState");
            submitted.push(tx);
            to = self.accept(update).map_err(Failed)?;
            progress.inc(1);
        }
        progress.finish_and_clear();
        Ok(Updated::Advanced {
            from,
            to,
            periods,
            applied,
            stale,
            submitted,
        })
    }

    /// Has the enclave prove `claims` against the state's finalized execution block.
    ///
    /// # Errors
    /// [`RelayerError::NotInitialised`]; enclave failures (a refused claim is
    /// [`EnclaveError::Refused`] with code `claim`).
    pub async fn prove(
        &mut self,
        claims: Vec<ClaimItem>,
        batch: bool,
    ) -> Result<Attested, RelayerError> {
        let state = self.state.clone().ok_or(RelayerError::NotInitialised)?;
        let attested = self
            .enclave
            .verify(
                state.state_id,
                state.client_state,
                state.finalized.block_hash,
                claims,
                batch,
            )
            .await?;
        self.recheck_key().await?;
        Ok(attested)
    }

    /// Proves transactions `indices` of the state's finalized block. The transactions and the
    /// header come from the finalized beacon block (its execution payload), fetched from the
    /// source; a block the enclave refuses is reported and fetched again.
    ///
    /// # Errors
    /// As [`Relayer::prove`]; [`RelayerError::AllSourcesRejected`].
    pub async fn prove_transactions(
        &mut self,
        indices: &[u64],
        batch: bool,
    ) -> Result<Attested, RelayerError> {
        let slot = self
            .state
            .as_ref()
            .map(|s| s.finalized.slot)
            .ok_or(RelayerError::NotInitialised)?;
        let mut attempts = 0u32;
        loop {
            attempts = attempts.saturating_add(1);
            let block = self
                .source
                .block(&slot.to_string())
                .await
                .map_err(|source| RelayerError::Source {
                    what: "beacon block",
                    source,
                })?;
            let mut claims = Vec::with_capacity(indices.len());
            let mut failure = None;
            for &index in indices {
                match crate::claims::transaction_item_from_beacon_block(&block.value, index) {
                    Ok(item) => claims.push(item),
                    Err(error) => {
                        failure = Some(Box::new(error));
                        break;
                    }
                }
            }
            if let Some(error) = failure {
                // An index past the block's transactions is the caller's mistake; anything else
                // (a block that does not decode or whose hash does not recompute) is the
                // endpoint's: report it and fetch again.
                if matches!(*error, ClaimBuildError::TransactionIndex { .. }) {
                    return Err(RelayerError::ClaimBuild(error));
                }
                self.source
                    .report_rejected(&block.endpoint, &error.to_string());
                tracing::warn!(endpoint = %block.endpoint, %error, "unusable beacon block; demoting the endpoint");
                if attempts >= self.options.rejection_attempts {
                    return Err(RelayerError::ClaimBuild(error));
                }
                continue;
            }
            match self.prove(claims, batch).await {
                Err(RelayerError::Enclave(error)) if error.refusal_code() == Some("claim") => {
                    self.reject(&block.endpoint, &error);
                    if attempts >= self.options.rejection_attempts {
                        return Err(RelayerError::AllSourcesRejected {
                            what: "transaction claims",
                            attempts,
                            last: error,
                        });
                    }
                }
                other => return other,
            }
        }
    }

    /// Submits attested single claims to the chain's `verify*` entry points, one transaction each.
    ///
    /// The key check runs first: a proof signed just before the key's expiry (or before an
    /// enclave restart) is submitted only once the chain holds a live registration of the key,
    /// instead of being refused with `KeyExpired` and waiting for the next daemon step.
    ///
    /// # Errors
    /// [`RelayerError::UnexpectedAttestation`] for a batch (submit its leaves with the chain's
    /// batch entry points); chain failures.
    pub async fn submit(&mut self, attested: &Attested) -> Result<Vec<Submitted>, RelayerError> {
        let Attested::Claims(messages) = attested else {
            return Err(RelayerError::UnexpectedAttestation {
                expected: "single claims",
                got: "a batch",
            });
        };
        self.ensure_key().await?;
        let mut out = Vec::new();
        for message in messages {
            out.push(self.chain.submit_claim(message).await.map_err(|source| {
                RelayerError::Chain {
                    what: "verify claim",
                    source,
                }
            })?);
        }
        Ok(out)
    }

    /// Watches for conflicting finality: when endpoints serve different finalized headers for the
    /// same slot, each is given to the enclave from the current state; data it refuses is reported
    /// against its endpoint, and if two conflicting updates are both signed (a sync committee
    /// signed two histories) the evidence is submitted with `submitMisbehaviour`, freezing the
    /// client.
    ///
    /// # Errors
    /// [`RelayerError::NotInitialised`], enclave and chain failures.
    pub async fn watch_misbehaviour(&mut self) -> Result<Option<Submitted>, RelayerError> {
        let state = self.state.clone().ok_or(RelayerError::NotInitialised)?;
        let fetched: Vec<Fetched<LcObject>> = self
            .source
            .finality_update_each()
            .await
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        let Some(first) = fetched.first() else {
            return Ok(None);
        };
        let first_header = plan::finalized_header_of(&first.value).cloned();
        if fetched
            .iter()
            .all(|f| plan::finalized_header_of(&f.value) == first_header.as_ref())
        {
            return Ok(None);
        }
        tracing::warn!(
            endpoints = fetched.len(),
            "endpoints disagree on the finalized header"
        );
        // The period updates up to the furthest claimed period (from the main source), so that
        // each finality update applies even when signed by the next committee.
        let furthest = fetched
            .iter()
            .filter_map(|f| plan::finality_facts(&f.value).ok())
            .map(|facts| facts.slot)
            .max()
            .unwrap_or(state.finalized.slot);
        let period = |slot| self.options.period_length.period(slot);
        let batches = plan::period_batches(period(state.finalized.slot), period(furthest));
        let updates = match batches.first() {
            Some(batch) => self.fetch_updates(*batch).await?.value,
            None => Vec::new(),
        };
        let mut signed: Vec<(SignedMessage, UpdateState)> = Vec::new();
        for f in fetched {
            match self
                .enclave
                .update_client(
                    state.state_id,
                    state.client_state.clone(),
                    updates.clone(),
                    Some(f.value),
                )
                .await
            {
                Ok(update) => {
                    let decoded = self.decode_update(&update.update)?;
                    signed.push((update.update, decoded));
                }
                Err(error) if error.refusal_code() == Some("finality_update") => {
                    self.reject(&f.endpoint, &error);
                }
                // This endpoint's finality is the state's own: nothing to compare.
                Err(error) if error.refusal_code() == Some(NOTHING_TO_APPLY) => {}
                Err(error) => return Err(error.into()),
            }
        }
        for (i, (message_a, a)) in signed.iter().enumerate() {
            for (message_b, b) in signed.iter().skip(i.saturating_add(1)) {
                if plan::conflicting(a, b) {
                    tracing::error!(
                        slot = a.finalizedSlot,
                        "conflicting signed finality: submitting misbehaviour"
                    );
                    self.recheck_key().await?;
                    let submitted = self
                        .chain
                        .submit_misbehaviour(message_a, message_b)
                        .await
                        .map_err(|source| RelayerError::Chain {
                            what: "submitMisbehaviour",
                            source,
                        })?;
                    return Ok(Some(submitted));
                }
            }
        }
        Ok(None)
    }

    /// One daemon step: key check (registration after a restart, renewal before expiry), resume
    /// if the chain moved away from the local state, follow finality.
    ///
    /// # Errors
    /// As the steps.
    pub async fn step(&mut self) -> Result<Updated, RelayerError> {
        self.ensure_key().await?;
        let view = self.view().await?;
        if view.frozen {
            return Err(RelayerError::Frozen);
        }
        if self
            .state
            .as_ref()
            .is_none_or(|s| s.state_id != view.state_id)
        {
            self.resume().await?;
        }
        self.update_to_latest().await
    }

    /// The address the enclave key currently registered by this relayer.
    pub fn registered_key(&self) -> Option<Address> {
        self.key_checked.map(|(_, key, _)| key)
    }
}

/// One rebuild pass: the target reached, or the ids produced and the endpoint refused (if any).
type RebuildPass = Result<Resumed, (Vec<B256>, Option<String>)>;

/// Why one update attempt failed: refused data (retry elsewhere) or anything else.
enum StepError {
    Rejected {
        endpoint: String,
        error: EnclaveError,
    },
    Failed(RelayerError),
}
use StepError::{Failed, Rejected};
