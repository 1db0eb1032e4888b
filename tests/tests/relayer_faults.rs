//! The relayer under a backlog and under faults (issue 8), with no network: the bundled mainnet
//! light-client data (periods 862–867, finalizing block 17923026) or the devnet generator, the
//! in-process or TCP-served enclave (simulated NSM), and the Rust reference of `LCPClient` as the
//! chain.
//!
//! - backlog: 500 transaction claims of block 17923026 requested concurrently from 50 tasks, half
//!   as single claims, half as batches; every signed claim is verified by an independent reference
//!   client and matched to exactly one request.
//! - relayer killed: the relayer's work (resume, update, prove, submit) is dropped at seeded random
//!   points; a new relayer resumes from the chain's state and completes; re-submitting an already
//!   applied `updateState` is refused without changing the chain.
//! - enclave killed: the TCP-served enclave is killed at seeded random points of an update or a
//!   proof and restarted (new key, same pinned PKI); the relayer registers the new key before
//!   submitting anything it signed, and every request completes exactly once.
//! - key expiry: a key that expires mid-run is renewed by the next step, after which the claim the
//!   chain refused is accepted.
//! - destination chain: a dropped `updateState` is sent again by the next step; one applied but
//!   reported failed is found on the chain and not sent again.
//! - backlog of periods: 40 devnet periods caught up in two `UpdateClient` batches, in continuity;
//!   stale sources then change nothing.
//!
//! Throughput figures are printed to stderr, never asserted (RELIABILITY.md records them).

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, b256};
use alloy_sol_types::SolValue;
use attestation_verifier::message::client::Client;
use attestation_verifier::message::encode::{Domain, decode_message, signing_digest};
use attestation_verifier::message::verify::{RegisteredKey, recover_signer};
use attestation_verifier::message::{MessageType, TransactionClaim, UpdateState};
use attestation_verifier::nitro::{PcrPolicy, TrustAnchor};
use attestation_verifier::time::UnixSeconds;
use lcp_client::enclave::{
    Attested, ConnectionOptions, EnclaveAddr, EnclaveConnection, SimulatedEnclave,
};
use lcp_client::relayer::ports::PortError;
use lcp_client::relayer::recorded::RecordedSource;
use lcp_client::relayer::reference_chain::{ReferenceChain, ReferenceChainError, ReferencePolicy};
use lcp_client::relayer::{
    ChainBackend, ChainView, KeyView, PeriodLength, Relayer, RelayerError, RelayerOptions, Resumed,
    Submitted, Updated,
};
use lcp_enclave::light_client::config::ChainSpec;
use lcp_enclave::service::protocol::SignedMessage;
use lcp_enclave::service::server::{ListenAddr, Listener, serve};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TRUSTED_ROOT: B256 =
    b256!("5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
const OPERATOR: Address = Address::repeat_byte(0x0e);
const DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};
/// The block the bundled data finalizes (fixtures/README.md) and its transaction count.
const FINALIZED_BLOCK: u64 = 17_923_026;
const FINALIZED_SLOT: u64 = 7_109_344;
const TRANSACTIONS: u64 = 167;
/// The simulated PKI / PCR seed shared by every restart of the TCP enclave.
const SIM_SEED: [u8; 32] = [0x3c; 32];

fn capella() -> PathBuf {
    lcp_tests::fixture("mainnet/lightclient/capella_p862-867")
}

fn now() -> UnixSeconds {
    UnixSeconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
}

/// splitmix64: a seeded, dependency-free RNG (the fault points are reproducible from the seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn policy_for(simulated: &SimulatedEnclave, key_ttl: u64) -> ReferencePolicy {
    let mut pcr_policy = PcrPolicy::default();
    for (index, value) in simulated.pcrs.iter().filter(|(i, _)| *i <= 2) {
        pcr_policy = pcr_policy.expect_pcr(u8::try_from(*index).unwrap(), value.clone());
    }
    ReferencePolicy {
        trust_anchor: TrustAnchor::from_der(simulated.root_der.clone()).unwrap(),
        pcr_policy,
        network_config_hash: simulated.network_config_hash(),
        operators: vec![OPERATOR],
        key_ttl,
    }
}

/// What reached the chain, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Call {
    Register,
    Initialize(SignedMessage),
    UpdateState(SignedMessage),
    Claim(SignedMessage),
}

/// One reference chain shared by every relayer of a test (a restarted relayer sees the chain the
/// previous one left), recording every call that the chain accepted.
#[derive(Clone)]
struct SharedChain {
    chain: Arc<ReferenceChain>,
    accepted: Arc<Mutex<Vec<Call>>>,
}

impl SharedChain {
    fn new(policy: ReferencePolicy) -> Self {
        Self::with_root(TRUSTED_ROOT, policy)
    }

    fn with_root(trusted_root: B256, policy: ReferencePolicy) -> Self {
        SharedChain {
            chain: Arc::new(ReferenceChain::new(DOMAIN, trusted_root, policy)),
            accepted: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn record(
        &self,
        result: Result<Submitted, PortError>,
        call: Call,
    ) -> Result<Submitted, PortError> {
        if result.is_ok() {
            self.accepted.lock().unwrap().push(call);
        }
        result
    }

    fn accepted(&self) -> Vec<Call> {
        self.accepted.lock().unwrap().clone()
    }

    fn updates(&self) -> Vec<UpdateState> {
        self.accepted()
            .into_iter()
            .filter_map(|c| match c {
                Call::Initialize(m) | Call::UpdateState(m) => {
                    Some(decode_message::<UpdateState>(DOMAIN, &m.message).unwrap())
                }
                _ => None,
            })
            .collect()
    }
}

impl ChainBackend for SharedChain {
    async fn view(&self) -> Result<ChainView, PortError> {
        self.chain.view().await
    }
    async fn key(&self, key: Address) -> Result<Option<KeyView>, PortError> {
        self.chain.key(key).await
    }
    async fn register_enclave_key(&self, attestation: &[u8]) -> Result<Submitted, PortError> {
        let result = self.chain.register_enclave_key(attestation).await;
        self.record(result, Call::Register)
    }
    async fn initialize(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        let result = self.chain.initialize(update).await;
        self.record(result, Call::Initialize(update.clone()))
    }
    async fn update_state(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        let result = self.chain.update_state(update).await;
        self.record(result, Call::UpdateState(update.clone()))
    }
    async fn submit_misbehaviour(
        &self,
        a: &SignedMessage,
        b: &SignedMessage,
    ) -> Result<Submitted, PortError> {
        self.chain.submit_misbehaviour(a, b).await
    }
    async fn submit_claim(&self, claim: &SignedMessage) -> Result<Submitted, PortError> {
        let result = self.chain.submit_claim(claim).await;
        self.record(result, Call::Claim(claim.clone()))
    }
}

fn options() -> RelayerOptions {
    RelayerOptions {
        progress: false,
        period_length: PeriodLength::MAINNET,
        ..RelayerOptions::new(TRUSTED_ROOT)
    }
}

fn devnet_options(trusted_root: B256, cache_path: Option<PathBuf>) -> RelayerOptions {
    RelayerOptions {
        period_length: PeriodLength::MINIMAL,
        progress: false,
        cache_path,
        ..RelayerOptions::new(trusted_root)
    }
}

fn source() -> RecordedSource {
    RecordedSource::new(capella(), PeriodLength::MAINNET)
}

fn signer_of(message: &SignedMessage) -> Address {
    let signature: [u8; 65] = message.signature.as_ref().try_into().unwrap();
    recover_signer(signing_digest(&message.message), &signature, 0).unwrap()
}

/// Continuity of what the chain accepted: each `updateState`'s `prevStateId` is the previous
/// message's `postStateId`, starting from the init message.
fn assert_continuity(updates: &[UpdateState]) {
    for pair in updates.windows(2) {
        assert_eq!(pair[1].prevStateId, pair[0].postStateId);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_concurrent_claims_are_each_answered_once_and_verify() {
    const TASKS: usize = 50;
    const REQUESTS_PER_TASK: usize = 2;
    const CLAIMS_PER_REQUEST: usize = 5;
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let chain = SharedChain::new(policy_for(&simulated, 86_400));
    let mut relayer = Relayer::new(simulated.connection(), source(), chain.clone(), options());
    relayer.resume().await.unwrap();
    assert!(matches!(
        relayer.update_to_latest().await.unwrap(),
        Updated::Advanced { periods: 6, .. }
    ));
    let state = relayer.state().unwrap().clone();
    assert_eq!(state.finalized.block_number, FINALIZED_BLOCK);

    // An independent reference client fed what the chain accepted: it checks every answer.
    let key = simulated.enclave.key_address();
    let mut model = Client::new(DOMAIN, TRUSTED_ROOT, 1);
    model.register_key(
        key,
        RegisteredKey {
            operator: OPERATOR,
            expiry: UnixSeconds(now().0 + 86_400),
        },
    );
    for call in chain.accepted() {
        match call {
            Call::Initialize(m) => model.initialize(&m.message, &m.signature, now()).map(drop),
            Call::UpdateState(m) => model
                .update_state(&m.message, &m.signature, now())
                .map(drop),
            _ => Ok(()),
        }
        .unwrap();
    }
    assert_eq!(model.state_id(), state.state_id);

    let block = lcp_tests::fixture(&format!(
        "mainnet/lightclient/capella_p862-867/beacon_blocks/{FINALIZED_SLOT}.json"
    ));
    let block: serde_json::Value = serde_json::from_slice(&std::fs::read(block).unwrap()).unwrap();
    let block = Arc::new(block);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (connection, state, block) = (simulated.connection(), state.clone(), block.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for request in 0..REQUESTS_PER_TASK {
                let first = (task * REQUESTS_PER_TASK + request) * CLAIMS_PER_REQUEST;
                let indices: Vec<u64> = (first..first + CLAIMS_PER_REQUEST)
                    .map(|i| i as u64 % TRANSACTIONS)
                    .collect();
                let claims = indices
                    .iter()
                    .map(|&i| {
                        lcp_client::claims::transaction_item_from_beacon_block(&block, i).unwrap()
                    })
                    .collect();
                let batch = (task + request) % 2 == 1;
                let attested = connection
                    .verify(
                        state.state_id,
                        state.client_state.clone(),
                        state.finalized.block_hash,
                        claims,
                        batch,
                    )
                    .await
                    .unwrap();
                answers.push((first, indices, attested));
            }
            answers
        }));
    }
    let mut answered: BTreeMap<usize, u64> = BTreeMap::new();
    let (mut singles, mut batched) = (0usize, 0usize);
    for task in tasks {
        for (first, indices, attested) in task.await.unwrap() {
            let claims: Vec<TransactionClaim> = match attested {
                Attested::Claims(messages) => {
                    singles += messages.len();
                    messages
                        .iter()
                        .map(|m| {
                            assert_eq!(signer_of(m), key);
                            model
                                .verify_transaction(&m.message, &m.signature, now())
                                .unwrap()
                        })
                        .collect()
                }
                Attested::Batch { batch, leaves } => {
                    batched += leaves.len();
                    assert_eq!(signer_of(&batch), key);
                    leaves
                        .iter()
                        .enumerate()
                        .map(|(i, leaf)| {
                            assert_eq!(leaf.index, i as u64);
                            assert_eq!(leaf.claim_type, u8::from(MessageType::TransactionClaim));
                            let claim = TransactionClaim::abi_decode(&leaf.claim).unwrap();
                            model
                                .verify_batch_claim(
                                    &batch.message,
                                    &batch.signature,
                                    &claim,
                                    leaf.index,
                                    &leaf.proof,
                                    now(),
                                )
                                .unwrap();
                            claim
                        })
                        .collect()
                }
            };
            assert_eq!(claims.len(), indices.len());
            for (offset, (claim, index)) in claims.iter().zip(&indices).enumerate() {
                assert_eq!(u64::from(claim.txIndex), *index);
                assert_eq!(claim.blockNumber, FINALIZED_BLOCK);
                assert_eq!(claim.blockHash, state.finalized.block_hash);
                assert_eq!(answered.insert(first + offset, *index), None, "duplicate");
            }
        }
    }
    let elapsed = started.elapsed();
    let total = TASKS * REQUESTS_PER_TASK * CLAIMS_PER_REQUEST;
    assert_eq!(answered.len(), total, "every claim answered exactly once");
    assert_eq!(singles + batched, total);
    assert!(singles > 0 && batched > 0);
    eprintln!(
        "relayer backlog: {total} transaction claims ({singles} single, {batched} batched) in \
         {} requests from {TASKS} tasks: {:.2} s, {:.0} claims/s",
        TASKS * REQUESTS_PER_TASK,
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
}

/// The reference chain's refusal as the message rule that failed.
fn refusal(error: &PortError) -> &attestation_verifier::message::Error {
    match error.downcast_ref::<ReferenceChainError>() {
        Some(ReferenceChainError::Message(rule)) => rule,
        other => panic!("expected a message rule refusal, got {other:?} ({error})"),
    }
}

/// Everything a relayer does from an empty chain to a submitted claim of transaction `index`.
async fn full_run<C: ChainBackend>(
    relayer: &mut Relayer<RecordedSource, C>,
    index: u64,
) -> Result<Vec<Submitted>, lcp_client::relayer::RelayerError> {
    relayer.resume().await?;
    relayer.update_to_latest().await?;
    let attested = relayer.prove_transactions(&[index], false).await?;
    relayer.submit(&attested).await
}

/// The synced state id of the bundled data (the same for every key: ids hash the light-client
/// state, not the signer).
async fn synced_state_id(simulated: &SimulatedEnclave) -> (B256, B256) {
    let chain = SharedChain::new(policy_for(simulated, 86_400));
    let mut relayer = Relayer::new(simulated.connection(), source(), chain.clone(), options());
    relayer.resume().await.unwrap();
    let init = relayer.state().unwrap().state_id;
    relayer.update_to_latest().await.unwrap();
    (init, relayer.state().unwrap().state_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relayer_dropped_at_random_points_is_replaced_and_nothing_is_applied_twice() {
    const ROUNDS: u64 = 12;
    let mut rng = Rng(0x00de_ad5e_ed01);
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let (init_id, synced_id) = synced_state_id(&simulated).await;
    // One uninterrupted run, to scale the random cut points to the work's length.
    let started = Instant::now();
    let prove_and_submit = {
        let chain = SharedChain::new(policy_for(&simulated, 86_400));
        let mut relayer = Relayer::new(simulated.connection(), source(), chain, options());
        relayer.resume().await.unwrap();
        relayer.update_to_latest().await.unwrap();
        let proving = Instant::now();
        full_run(&mut relayer, 0).await.unwrap();
        proving.elapsed().as_micros() as u64
    };
    let full = started.elapsed().as_micros() as u64;
    let dir = std::env::temp_dir().join(format!("lcp-relayer-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cut_phases = BTreeMap::new();
    for round in 0..ROUNDS {
        let cache = dir.join(format!("state-{round}.json"));
        let use_cache = rng.below(2) == 1;
        let chain = SharedChain::new(policy_for(&simulated, 86_400));
        let index = rng.below(TRANSACTIONS);
        let mut first = Relayer::new(
            simulated.connection(),
            source(),
            chain.clone(),
            RelayerOptions {
                cache_path: Some(cache.clone()),
                ..options()
            },
        );
        // Odd rounds: synced first, then killed while proving or submitting.
        let cut = if round % 2 == 1 {
            first.resume().await.unwrap();
            first.update_to_latest().await.unwrap();
            // (the calibration run read the block cold: a third of it spans the warm work)
            Duration::from_micros(rng.below(prove_and_submit / 3))
        } else {
            Duration::from_micros(rng.below(full))
        };
        let finished = tokio::time::timeout(cut, full_run(&mut first, index))
            .await
            .is_ok();
        drop(first);
        // Where the kill landed, by what the chain had accepted.
        let before = chain.accepted();
        let phase = match before.last() {
            _ if finished => "finished",
            None => "before registration",
            Some(Call::Register) => "after registration",
            Some(Call::Initialize(_)) => "after initialize",
            Some(Call::UpdateState(_)) => "after updateState",
            Some(Call::Claim(_)) => "after the claim",
        };
        *cut_phases.entry(phase).or_insert(0u32) += 1;

        // A new relayer (with or without the first one's cache) resumes from the chain.
        let mut second = Relayer::new(
            simulated.connection(),
            source(),
            chain.clone(),
            RelayerOptions {
                cache_path: use_cache.then_some(cache),
                ..options()
            },
        );
        let submitted = full_run(&mut second, index).await.unwrap();
        assert_eq!(submitted.len(), 1);
        assert_eq!(second.state().unwrap().state_id, synced_id);
        assert_eq!(chain.view().await.unwrap().state_id, synced_id);
        assert_eq!(
            chain.chain.block_hash(FINALIZED_BLOCK),
            Some(second.state().unwrap().finalized.block_hash)
        );

        // Exactly one initialize and one updateState reached the chain, in continuity.
        let updates = chain.updates();
        assert_eq!(updates.len(), 2, "round {round}: {phase}");
        assert_eq!(updates[0].postStateId, init_id);
        assert_eq!(updates[1].postStateId, synced_id);
        assert_continuity(&updates);

        // Double submission: the applied messages again are refused, the chain is unchanged.
        for call in chain.accepted() {
            match call {
                Call::Initialize(m) => assert!(matches!(
                    refusal(&chain.initialize(&m).await.unwrap_err()),
                    attestation_verifier::message::Error::AlreadyInitialized { state_id }
                        if *state_id == synced_id
                )),
                Call::UpdateState(m) => assert!(matches!(
                    refusal(&chain.update_state(&m).await.unwrap_err()),
                    attestation_verifier::message::Error::StateDiscontinuity { .. }
                )),
                _ => {}
            }
        }
        assert_eq!(chain.view().await.unwrap().state_id, synced_id);
        assert_eq!(chain.updates().len(), 2);
    }
    eprintln!("relayer killed: {ROUNDS} rounds, cut points {cut_phases:?}, full run {full} µs");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An enclave served over TCP on its own runtime; dropping it kills the enclave and every
/// connection, as a process exit would. Restarts keep the pinned PKI (`SIM_SEED`), not the key.
struct Served {
    runtime: tokio::runtime::Runtime,
    key: Address,
}

fn serve_on(addr: SocketAddr) -> (Served, SocketAddr, SimulatedEnclave) {
    let simulated =
        SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, Some(SIM_SEED)).unwrap();
    let key = simulated.enclave.key_address();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(Listener::bind(ListenAddr::Tcp(addr)))
        .unwrap();
    let addr = listener.local_tcp_addr().unwrap();
    runtime.spawn(serve(listener, simulated.enclave.clone()));
    (Served { runtime, key }, addr, simulated)
}

async fn start_served(addr: SocketAddr) -> (Served, SocketAddr, SimulatedEnclave) {
    tokio::task::spawn_blocking(move || serve_on(addr))
        .await
        .unwrap()
}

async fn kill(served: Served) {
    tokio::task::spawn_blocking(move || served.runtime.shutdown_background())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enclave_killed_at_random_points_is_replaced_and_every_request_completes_once() {
    const ROUNDS: u64 = 10;
    let mut rng = Rng(0x0e1c_1a7e_5eed);
    let (mut served, addr, simulated) = start_served("127.0.0.1:0".parse().unwrap()).await;
    let policy = policy_for(&simulated, 86_400);
    let (init_id, synced_id) = synced_state_id(&simulated).await;
    let connect = || {
        EnclaveConnection::remote(
            EnclaveAddr::Tcp(addr),
            ConnectionOptions {
                connect_attempts: 40,
                backoff: Duration::from_millis(50),
                max_backoff: Duration::from_millis(200),
                ..ConnectionOptions::default()
            },
        )
        .unwrap()
    };
    // One uninterrupted run over TCP scales the kill points.
    let started = Instant::now();
    {
        let mut relayer = Relayer::new(
            connect(),
            source(),
            SharedChain::new(policy.clone()),
            options(),
        );
        full_run(&mut relayer, 1).await.unwrap();
    }
    let full = started.elapsed().as_micros() as u64;
    let (mut restarts, mut failed_runs, mut new_keys_registered) = (0u32, 0u32, 0u32);
    for round in 0..ROUNDS {
        let chain = SharedChain::new(policy.clone());
        let index = rng.below(TRANSACTIONS);
        let kill_at = Duration::from_micros(rng.below(full));
        let restart_after = Duration::from_millis(rng.below(300));
        let mut relayer = Relayer::new(connect(), source(), chain.clone(), options());
        let work = tokio::spawn(async move {
            let result = full_run(&mut relayer, index).await;
            (relayer, result)
        });
        tokio::time::sleep(kill_at).await;
        let old_key = served.key;
        kill(served).await;
        tokio::time::sleep(restart_after).await;
        let (restarted, _, _) = start_served(addr).await;
        served = restarted;
        restarts += 1;
        assert_ne!(served.key, old_key);
        let (mut relayer, mut result) = work.await.unwrap();
        let mut attempts = 1;
        while let Err(error) = &result {
            eprintln!("round {round}: run failed ({error}); running again");
            failed_runs += 1;
            attempts += 1;
            assert!(attempts <= 3, "round {round}: {error}");
            result = full_run(&mut relayer, index).await;
        }
        assert_eq!(result.unwrap().len(), 1);
        // State: init then ONE updateState, in continuity, at the synced id.
        let updates = chain.updates();
        assert_eq!(updates.len(), 2, "round {round}");
        assert_eq!(updates[0].postStateId, init_id);
        assert_eq!(updates[1].postStateId, synced_id);
        assert_continuity(&updates);
        assert_eq!(chain.view().await.unwrap().state_id, synced_id);
        // The claim was accepted exactly once, for the requested transaction.
        let claims: Vec<TransactionClaim> = chain
            .accepted()
            .iter()
            .filter_map(|c| match c {
                Call::Claim(m) => {
                    Some(decode_message::<TransactionClaim>(DOMAIN, &m.message).unwrap())
                }
                _ => None,
            })
            .collect();
        assert_eq!(claims.len(), 1, "round {round}");
        assert_eq!(u64::from(claims[0].txIndex), index);
        // Nothing signed by a dead key after its replacement: signers only move forward (each
        // message is signed by the newest key seen so far), and the restarted key, if it signed
        // anything, was registered first.
        let registrations = chain
            .accepted()
            .iter()
            .filter(|c| matches!(c, Call::Register))
            .count();
        let mut signers: Vec<Address> = Vec::new();
        for call in chain.accepted() {
            let message = match call {
                Call::Initialize(m) | Call::UpdateState(m) | Call::Claim(m) => m,
                Call::Register => continue,
            };
            let signer = signer_of(&message);
            if signers.last() != Some(&signer) {
                assert!(
                    !signers.contains(&signer),
                    "round {round}: an old key signed again"
                );
                signers.push(signer);
            }
        }
        assert!(registrations >= signers.len());
        if signers.contains(&served.key) {
            new_keys_registered += 1;
            assert_eq!(relayer.registered_key(), Some(served.key));
        }
    }
    kill(served).await;
    eprintln!(
        "enclave killed: {ROUNDS} rounds, {restarts} restarts, {failed_runs} runs failed and were \
         run again, {new_keys_registered} rounds finished with the restarted key; full run {full} µs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_expires_mid_run_is_renewed_by_the_next_step() {
    // Long enough for the sync to finish under load before the key expires.
    const KEY_TTL: u64 = 6;
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let chain = SharedChain::new(policy_for(&simulated, KEY_TTL));
    let mut relayer = Relayer::new(
        simulated.connection(),
        source(),
        chain.clone(),
        RelayerOptions {
            renew_before_secs: 1,
            ..options()
        },
    );
    relayer.resume().await.unwrap();
    relayer.update_to_latest().await.unwrap();
    let key = simulated.enclave.key_address();
    let expiry = chain.key(key).await.unwrap().unwrap().expiry;
    let attested = relayer.prove_transactions(&[7], false).await.unwrap();
    // The key expires before the proof is submitted: the chain refuses it, by the expiry rule.
    while chain.view().await.unwrap().now < expiry {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let Attested::Claims(messages) = &attested else {
        panic!("single claims requested");
    };
    assert!(matches!(
        refusal(&chain.submit_claim(&messages[0]).await.unwrap_err()),
        attestation_verifier::message::Error::KeyExpired { signer, .. } if *signer == key
    ));
    // The relayer's own submit checks the key first: it registers the key again with a fresh
    // attestation, then the same signed claim is accepted.
    let registrations =
        |calls: &[Call]| calls.iter().filter(|c| matches!(c, Call::Register)).count();
    assert_eq!(registrations(&chain.accepted()), 1);
    assert_eq!(relayer.submit(&attested).await.unwrap().len(), 1);
    assert!(chain.key(key).await.unwrap().unwrap().expiry > expiry);
    assert_eq!(registrations(&chain.accepted()), 2);
    // Nothing more to renew, and the state did not move.
    assert!(relayer.ensure_key().await.unwrap().is_none());
    assert!(matches!(
        relayer.step().await.unwrap(),
        Updated::UpToDate(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_periods_behind_the_relayer_catches_up_in_several_batches() {
    use lcp_enclave::light_client::config::Fork;
    use lcp_enclave::service::protocol::MAX_UPDATES_PER_REQUEST;
    use lcp_tests::devnet::relayer_source::DevnetSource;
    use lcp_tests::devnet::synthetic::SyntheticChain;
    use lcp_tests::devnet::{Devnet, period_at_slot};
    const PERIODS: u64 = 40;
    let started = Instant::now();
    let mut devnet = Devnet::new([0x40; 32], Fork::Electra).unwrap();
    let mut blocks = SyntheticChain::new(Fork::Electra);
    let mut rounds = Vec::new();
    while rounds
        .last()
        .is_none_or(|r: &lcp_tests::devnet::DevnetRound| period_at_slot(r.finalized.slot) < PERIODS)
    {
        let finalized = blocks.next_block(&[]).unwrap();
        let attested = blocks.next_block(&[]).unwrap();
        rounds.push(
            devnet
                .finalize(
                    &finalized.execution_block().unwrap(),
                    &attested.execution_block().unwrap(),
                )
                .unwrap(),
        );
    }
    let generated = started.elapsed();
    let source = DevnetSource::new(&rounds).unwrap();
    assert_eq!(source.periods(), (0..=PERIODS).collect::<Vec<_>>());
    let last = rounds.last().unwrap().clone();
    let trusted_root = rounds[0].trusted_root;

    let dir = std::env::temp_dir().join(format!("lcp-relayer-backlog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = dir.join("state.json");
    let simulated = SimulatedEnclave::start(devnet.spec().clone(), OPERATOR, DOMAIN, None).unwrap();
    let chain = SharedChain::with_root(trusted_root, policy_for(&simulated, 86_400));
    let mut relayer = Relayer::new(
        simulated.connection(),
        source,
        chain.clone(),
        devnet_options(trusted_root, Some(cache.clone())),
    );
    relayer.resume().await.unwrap();
    let synced = Instant::now();
    let Updated::Advanced {
        to,
        periods,
        applied,
        stale,
        submitted,
        ..
    } = relayer.update_to_latest().await.unwrap()
    else {
        panic!("expected the chain to advance");
    };
    let sync_time = synced.elapsed();
    // 41 period updates (0..=40): one request of 32, one of 9, each followed by its updateState.
    assert_eq!(periods, PERIODS + 1);
    const { assert!(MAX_UPDATES_PER_REQUEST < 41) };
    assert_eq!(submitted.len(), 2);
    // Every object was used: 41 period updates and the finality update, none refused.
    assert_eq!((u64::from(applied), stale), (PERIODS + 2, 0));
    assert_eq!(to.slot, last.finalized.slot);
    assert_eq!(to.block_number, last.finalized.block_number);
    assert_eq!(to.block_hash, last.finalized.block_hash);
    // Continuity: init → batch 1 (ends at period 31's update) → batch 2 (ends at the finality).
    let updates = chain.updates();
    assert_eq!(updates.len(), 3);
    assert_continuity(&updates);
    let end_of_first_batch = rounds
        .iter()
        .rfind(|r| period_at_slot(r.attested_slot) == 31)
        .unwrap();
    assert_eq!(updates[1].finalizedSlot, end_of_first_batch.finalized.slot);
    assert_eq!(
        updates[1].blockNumber,
        end_of_first_batch.finalized.block_number
    );
    assert_eq!(updates[2].blockNumber, last.finalized.block_number);
    for update in &updates[1..] {
        assert_eq!(
            chain.chain.block_hash(update.blockNumber),
            Some(update.blockHash)
        );
    }
    assert_eq!(chain.view().await.unwrap().state_id, updates[2].postStateId);
    assert!(relayer.source().rejections().is_empty());
    assert!(matches!(
        relayer.update_to_latest().await.unwrap(),
        Updated::UpToDate(_)
    ));

    // Stale finality: sources that stopped ten periods ago. A relayer holding the chain's state
    // (from the cache) finds nothing newer and submits nothing; one without it cannot rebuild the
    // chain's state from them and says so; the chain is unchanged either way.
    let stale_rounds = &rounds[..rounds.len() - 20];
    let synced_id = chain.view().await.unwrap().state_id;
    let mut cached = Relayer::new(
        simulated.connection(),
        DevnetSource::new(stale_rounds).unwrap(),
        chain.clone(),
        devnet_options(trusted_root, Some(cache)),
    );
    assert_eq!(cached.resume().await.unwrap(), Resumed::Cache);
    assert_eq!(
        cached.update_to_latest().await.unwrap(),
        Updated::UpToDate(to)
    );
    let mut fresh = Relayer::new(
        simulated.connection(),
        DevnetSource::new(stale_rounds).unwrap(),
        chain.clone(),
        devnet_options(trusted_root, None),
    );
    assert!(matches!(
        fresh.resume().await,
        Err(RelayerError::ChainStateUnreachable { chain, .. }) if chain == synced_id
    ));
    assert_eq!(chain.view().await.unwrap().state_id, synced_id);
    assert_eq!(chain.updates().len(), 3);
    std::fs::remove_dir_all(&dir).unwrap();

    eprintln!(
        "relayer backlog: {} devnet rounds over {} periods generated in {:.2} s; sync of {periods} \
         period updates in {} requests: {:.2} s ({applied} applied, {stale} stale)",
        rounds.len(),
        PERIODS + 1,
        generated.as_secs_f64(),
        submitted.len(),
        sync_time.as_secs_f64(),
    );
}

/// A destination-chain failure injected into the next `updateState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
enum Injected {
    /// The transaction never made it into a block (dropped, or reverted before applying).
    #[error("transaction dropped")]
    Dropped,
    /// The transaction was mined and applied, but the relayer saw an error (lost receipt).
    #[error("receipt lost after the transaction was applied")]
    LostReceipt,
}

/// [`SharedChain`] with one injected `updateState` failure.
#[derive(Clone)]
struct FlakyChain {
    chain: SharedChain,
    next_update: Arc<Mutex<Option<Injected>>>,
}

impl ChainBackend for FlakyChain {
    async fn view(&self) -> Result<ChainView, PortError> {
        self.chain.view().await
    }
    async fn key(&self, key: Address) -> Result<Option<KeyView>, PortError> {
        self.chain.key(key).await
    }
    async fn register_enclave_key(&self, attestation: &[u8]) -> Result<Submitted, PortError> {
        self.chain.register_enclave_key(attestation).await
    }
    async fn initialize(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        self.chain.initialize(update).await
    }
    async fn update_state(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        let fault = self.next_update.lock().unwrap().take();
        match fault {
            Some(Injected::Dropped) => Err(Injected::Dropped.into()),
            Some(Injected::LostReceipt) => {
                self.chain.update_state(update).await?;
                Err(Injected::LostReceipt.into())
            }
            None => self.chain.update_state(update).await,
        }
    }
    async fn submit_misbehaviour(
        &self,
        a: &SignedMessage,
        b: &SignedMessage,
    ) -> Result<Submitted, PortError> {
        self.chain.submit_misbehaviour(a, b).await
    }
    async fn submit_claim(&self, claim: &SignedMessage) -> Result<Submitted, PortError> {
        self.chain.submit_claim(claim).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_or_unconfirmed_update_is_recovered_by_the_next_step_without_a_double_apply() {
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let (init_id, synced_id) = synced_state_id(&simulated).await;
    for fault in [Injected::Dropped, Injected::LostReceipt] {
        let chain = FlakyChain {
            chain: SharedChain::new(policy_for(&simulated, 86_400)),
            next_update: Arc::new(Mutex::new(None)),
        };
        let mut relayer = Relayer::new(simulated.connection(), source(), chain.clone(), options());
        relayer.resume().await.unwrap();
        *chain.next_update.lock().unwrap() = Some(fault);
        match relayer.update_to_latest().await {
            Err(RelayerError::Chain {
                what: "updateState",
                source,
            }) => assert_eq!(source.downcast_ref::<Injected>(), Some(&fault)),
            other => panic!("expected the injected {fault:?}, got {other:?}"),
        }
        // The relayer keeps the state it knows was applied.
        assert_eq!(relayer.state().unwrap().state_id, init_id);
        let expected_chain = match fault {
            Injected::Dropped => init_id,
            Injected::LostReceipt => synced_id,
        };
        assert_eq!(chain.view().await.unwrap().state_id, expected_chain);
        // The next step: a dropped update is sent again; an applied one is found on the chain
        // (state rebuilt to the chain's id) and not sent again.
        let step = relayer.step().await.unwrap();
        match fault {
            Injected::Dropped => assert!(matches!(step, Updated::Advanced { .. }), "{step:?}"),
            Injected::LostReceipt => assert!(matches!(step, Updated::UpToDate(_)), "{step:?}"),
        }
        assert_eq!(relayer.state().unwrap().state_id, synced_id);
        assert_eq!(chain.view().await.unwrap().state_id, synced_id);
        let updates = chain.chain.updates();
        assert_eq!(
            updates.len(),
            2,
            "{fault:?}: one initialize, one updateState"
        );
        assert_continuity(&updates);
    }
}
