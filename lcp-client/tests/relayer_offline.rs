//! The relayer library with no network: the in-process enclave (simulated NSM), the bundled real
//! mainnet light-client data as a recorded source, and the Rust reference of `LCPClient` as the
//! chain. Initialise, six periods in ONE update, a real transaction of the finalized block proven
//! and accepted, resume from the cache, rebuild without it, a foreign cache refused.

#![cfg(test)]

use alloy_primitives::{Address, B256, b256};
use attestation_verifier::message::encode::Domain;
use attestation_verifier::nitro::{PcrPolicy, TrustAnchor};
use lcp_client::enclave::{Attested, SimulatedEnclave};
use lcp_client::relayer::recorded::RecordedSource;
use lcp_client::relayer::reference_chain::{ReferenceChain, ReferencePolicy};
use lcp_client::relayer::{
    ChainBackend, PeriodLength, Relayer, RelayerError, RelayerOptions, Resumed, Updated,
};
use lcp_enclave::light_client::config::ChainSpec;
use std::path::PathBuf;

const TRUSTED_ROOT: B256 =
    b256!("5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
const OPERATOR: Address = Address::repeat_byte(0x0e);
const DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};
/// The block the bundled data finalizes (fixtures/README.md).
const FINALIZED_BLOCK: u64 = 17_923_026;
const FINALIZED_SLOT: u64 = 7_109_344;

fn capella() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/mainnet/lightclient/capella_p862-867")
}

fn chain_for(simulated: &SimulatedEnclave) -> ReferenceChain {
    let mut pcr_policy = PcrPolicy::default();
    for (index, value) in simulated.pcrs.iter().filter(|(i, _)| *i <= 2) {
        pcr_policy = pcr_policy.expect_pcr(u8::try_from(*index).unwrap(), value.clone());
    }
    ReferenceChain::new(
        DOMAIN,
        TRUSTED_ROOT,
        ReferencePolicy {
            trust_anchor: TrustAnchor::from_der(simulated.root_der.clone()).unwrap(),
            pcr_policy,
            network_config_hash: simulated.network_config_hash(),
            operators: vec![OPERATOR],
            key_ttl: 3_600,
        },
    )
}

fn options(cache: Option<PathBuf>) -> RelayerOptions {
    RelayerOptions {
        cache_path: cache,
        progress: false,
        period_length: PeriodLength::MAINNET,
        ..RelayerOptions::new(TRUSTED_ROOT)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_prove_submit_resume_and_rebuild_on_bundled_data() {
    let dir = std::env::temp_dir().join(format!("lcp-relayer-offline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = dir.join("state.json");
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let mut relayer = Relayer::new(
        simulated.connection(),
        RecordedSource::new(capella(), PeriodLength::MAINNET),
        chain_for(&simulated),
        options(Some(cache.clone())),
    );

    // Empty chain: the key is registered, the client initialised from the trusted root.
    assert!(matches!(
        relayer.resume().await.unwrap(),
        Resumed::Initialised(_)
    ));
    assert_eq!(
        relayer.registered_key(),
        Some(simulated.enclave.key_address())
    );
    let init_id = relayer.state().unwrap().state_id;
    assert_eq!(relayer.chain().view().await.unwrap().state_id, init_id);

    // Six periods and the finality update: ONE UpdateClient, ONE updateState.
    let Updated::Advanced {
        to,
        periods,
        submitted,
        ..
    } = relayer.update_to_latest().await.unwrap()
    else {
        panic!("expected the chain to advance");
    };
    assert_eq!(periods, 6);
    assert_eq!(submitted.len(), 1);
    assert_eq!(to.slot, FINALIZED_SLOT);
    assert_eq!(to.block_number, FINALIZED_BLOCK);
    let synced_id = relayer.state().unwrap().state_id;
    assert_eq!(relayer.chain().view().await.unwrap().state_id, synced_id);
    assert_eq!(
        relayer.chain().block_hash(FINALIZED_BLOCK),
        Some(to.block_hash)
    );
    // Nothing newer: up to date, nothing submitted.
    assert_eq!(
        relayer.update_to_latest().await.unwrap(),
        Updated::UpToDate(to)
    );

    // A real transaction of the finalized block, proven and accepted by the chain model.
    let attested = relayer.prove_transactions(&[0, 5], false).await.unwrap();
    let Attested::Claims(messages) = &attested else {
        panic!("single claims requested");
    };
    assert_eq!(messages.len(), 2);
    assert_eq!(relayer.submit(&attested).await.unwrap().len(), 2);
    // Out of range: refused before the enclave, reported against the (only) endpoint.
    assert!(relayer.prove_transactions(&[100_000], false).await.is_err());

    // Crash: the in-memory state is gone; the cache matches the chain.
    relayer.forget_state();
    assert_eq!(relayer.resume().await.unwrap(), Resumed::Cache);
    assert_eq!(relayer.state().unwrap().state_id, synced_id);

    // Crash without a cache: rebuilt from the trusted root, one update at a time.
    relayer.forget_state();
    std::fs::remove_file(&cache).unwrap();
    assert!(matches!(
        relayer.resume().await.unwrap(),
        Resumed::Rebuilt { .. }
    ));
    assert_eq!(relayer.state().unwrap().state_id, synced_id);

    // A cache that is not the chain's state (here: the init state) is not trusted.
    let mut foreign = lcp_client::relayer::cache::load(&cache).unwrap();
    foreign.state_id = init_id;
    lcp_client::relayer::cache::store(&cache, &foreign).unwrap();
    relayer.forget_state();
    assert!(matches!(
        relayer.resume().await.unwrap(),
        Resumed::Rebuilt { .. }
    ));
    assert_eq!(relayer.state().unwrap().state_id, synced_id);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_state_the_sources_cannot_reach_is_reported() {
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    let chain = chain_for(&simulated);
    // Another relayer moved the chain to the synced state...
    let mut first = Relayer::new(
        simulated.connection(),
        RecordedSource::new(capella(), PeriodLength::MAINNET),
        chain,
        options(None),
    );
    first.resume().await.unwrap();
    first.update_to_latest().await.unwrap();
    let target = first.state().unwrap().state_id;
    // ...and this relayer's source serves only the bootstrap (no updates, no finality).
    let dir = std::env::temp_dir().join(format!("lcp-relayer-partial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(capella().join("bootstrap.json"), dir.join("bootstrap.json")).unwrap();
    std::fs::write(dir.join("updates.json"), "[]").unwrap();
    std::fs::copy(capella().join("finality.json"), dir.join("finality.json")).unwrap();
    let mut second = Relayer::new(
        simulated.connection(),
        RecordedSource::new(&dir, PeriodLength::MAINNET),
        ReferenceChainShare(first.chain()),
        options(None),
    );
    match second.resume().await {
        Err(RelayerError::ChainStateUnreachable { chain, rebuilt, .. }) => {
            assert_eq!(chain, target);
            assert!(!rebuilt.contains(&target));
        }
        other => panic!("expected ChainStateUnreachable, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A second relayer on the same in-memory chain.
struct ReferenceChainShare<'a>(&'a ReferenceChain);

impl ChainBackend for ReferenceChainShare<'_> {
    async fn view(
        &self,
    ) -> Result<lcp_client::relayer::ChainView, lcp_client::relayer::ports::PortError> {
        self.0.view().await
    }
    async fn key(
        &self,
        key: Address,
    ) -> Result<Option<lcp_client::relayer::KeyView>, lcp_client::relayer::ports::PortError> {
        self.0.key(key).await
    }
    async fn register_enclave_key(
        &self,
        attestation: &[u8],
    ) -> Result<lcp_client::relayer::Submitted, lcp_client::relayer::ports::PortError> {
        self.0.register_enclave_key(attestation).await
    }
    async fn initialize(
        &self,
        update: &lcp_enclave::service::protocol::SignedMessage,
    ) -> Result<lcp_client::relayer::Submitted, lcp_client::relayer::ports::PortError> {
        self.0.initialize(update).await
    }
    async fn update_state(
        &self,
        update: &lcp_enclave::service::protocol::SignedMessage,
    ) -> Result<lcp_client::relayer::Submitted, lcp_client::relayer::ports::PortError> {
        self.0.update_state(update).await
    }
    async fn submit_misbehaviour(
        &self,
        a: &lcp_enclave::service::protocol::SignedMessage,
        b: &lcp_enclave::service::protocol::SignedMessage,
    ) -> Result<lcp_client::relayer::Submitted, lcp_client::relayer::ports::PortError> {
        self.0.submit_misbehaviour(a, b).await
    }
    async fn submit_claim(
        &self,
        claim: &lcp_enclave::service::protocol::SignedMessage,
    ) -> Result<lcp_client::relayer::Submitted, lcp_client::relayer::ports::PortError> {
        self.0.submit_claim(claim).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_renewed_before_expiry_and_the_daemon_runs_one_step() {
    use lcp_client::relayer::RegistrationReason;
    use lcp_client::relayer::daemon::{self, DaemonOptions};
    let simulated = SimulatedEnclave::start(ChainSpec::mainnet(), OPERATOR, DOMAIN, None).unwrap();
    // Keys live one hour on this chain; the relayer renews a day ahead: every check renews.
    let mut relayer = Relayer::new(
        simulated.connection(),
        RecordedSource::new(capella(), PeriodLength::MAINNET),
        chain_for(&simulated),
        options(None),
    );
    let first = relayer.ensure_key().await.unwrap().unwrap();
    assert_eq!(first.reason, RegistrationReason::Unknown);
    assert_eq!(first.key, simulated.enclave.key_address());
    let second = relayer.ensure_key().await.unwrap().unwrap();
    assert_eq!(second.reason, RegistrationReason::Renewal);
    assert_eq!(second.key, first.key);

    // With a renewal window shorter than the key's life, nothing happens until it is due.
    let mut relayer = Relayer::new(
        simulated.connection(),
        RecordedSource::new(capella(), PeriodLength::MAINNET),
        chain_for(&simulated),
        RelayerOptions {
            renew_before_secs: 60,
            ..options(None)
        },
    );
    assert!(relayer.ensure_key().await.unwrap().is_some());
    assert_eq!(relayer.ensure_key().await.unwrap(), None);

    // The daemon: one step initialises and follows finality, then returns.
    let report = daemon::run(
        &mut relayer,
        DaemonOptions {
            once: true,
            ..DaemonOptions::default()
        },
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!((report.steps, report.advanced, report.errors), (1, 1, 0));
    assert!(matches!(
        report.last,
        Some(Updated::Advanced { periods: 6, .. })
    ));
}
