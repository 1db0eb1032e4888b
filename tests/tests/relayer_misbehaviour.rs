//! The relayer's misbehaviour watch on devnet data: a sync committee that signs two histories.
//!
//! Two devnet beacon chains with the same validators share their first round (the trusted
//! checkpoint and the first finalized block), then finalize two different execution blocks at the
//! same slot. Two "endpoints" serve the two finality updates. The relayer sees the disagreement,
//! has the enclave verify both (both carry valid committee signatures, so both are signed), and
//! submits the pair to the chain (the Rust reference of `LCPClient`), which freezes. With
//! agreeing endpoints nothing is submitted; with a forged second update the enclave refuses it and
//! the endpoint is reported.

#![cfg(test)]
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::SolValue;
use attestation_verifier::message::encode::Domain;
use attestation_verifier::nitro::{PcrPolicy, TrustAnchor};
use lcp_client::enclave::SimulatedEnclave;
use lcp_client::relayer::ports::{Fetched, LightClientSource, PortError};
use lcp_client::relayer::reference_chain::{ReferenceChain, ReferencePolicy};
use lcp_client::relayer::{
    ChainBackend, PeriodLength, Relayer, RelayerError, RelayerOptions, Resumed, Updated,
};
use lcp_enclave::light_client::config::Fork;
use lcp_enclave::service::protocol::LcObject;
use lcp_tests::devnet::synthetic::{SyntheticChain, SyntheticLog};
use lcp_tests::devnet::{Devnet, DevnetRound};
use serde_json::Value;
use std::sync::Mutex;

const SEED: [u8; 32] = [0x5e; 32];
const OPERATOR: Address = Address::repeat_byte(0x0e);
const DOMAIN: Domain = Domain {
    chain_id: 31_337,
    client: Address::repeat_byte(0xc1),
};

fn log(n: u8) -> SyntheticLog {
    SyntheticLog {
        address: Address::repeat_byte(0x10),
        topics: vec![keccak256("Locked(address,uint256,uint256,address)")],
        data: Bytes::from((U256::from(n),).abi_encode()),
    }
}

/// Round 1 (shared) and round 2 of a devnet whose second finalized block carries `fork_log`.
fn history(fork_log: u8) -> (Devnet, DevnetRound, DevnetRound) {
    let mut devnet = Devnet::new(SEED, Fork::Electra).unwrap();
    let mut chain = SyntheticChain::new(Fork::Electra);
    let f1 = chain.next_block(&[log(1)]).unwrap();
    let a1 = chain.next_block(&[]).unwrap();
    let first = devnet
        .finalize(
            &f1.execution_block().unwrap(),
            &a1.execution_block().unwrap(),
        )
        .unwrap();
    let f2 = chain.next_block(&[log(fork_log)]).unwrap();
    let a2 = chain.next_block(&[]).unwrap();
    let second = devnet
        .finalize(
            &f2.execution_block().unwrap(),
            &a2.execution_block().unwrap(),
        )
        .unwrap();
    (devnet, first, second)
}

/// Devnet objects as a light-client source: the shared first round on the main path, and one
/// second-round finality update per "endpoint" for the misbehaviour watch.
struct DevnetSource {
    first: DevnetRound,
    endpoints: Vec<(String, Value)>,
    rejected: Mutex<Vec<String>>,
}

impl LightClientSource for DevnetSource {
    async fn bootstrap(&self, _root: B256) -> Result<Fetched<LcObject>, PortError> {
        Ok(Fetched {
            value: LcObject::Json(self.first.bootstrap.clone().unwrap()),
            endpoint: "devnet".into(),
        })
    }
    async fn updates(&self, _start: u64, _count: u64) -> Result<Fetched<Vec<LcObject>>, PortError> {
        Ok(Fetched {
            value: self
                .first
                .updates
                .iter()
                .cloned()
                .map(LcObject::Json)
                .collect(),
            endpoint: "devnet".into(),
        })
    }
    async fn finality_update(&self) -> Result<Fetched<LcObject>, PortError> {
        Ok(Fetched {
            value: LcObject::Json(self.first.finality_update.clone()),
            endpoint: "devnet".into(),
        })
    }
    async fn finality_update_each(&self) -> Vec<Result<Fetched<LcObject>, PortError>> {
        self.endpoints
            .iter()
            .map(|(endpoint, value)| {
                Ok(Fetched {
                    value: LcObject::Json(value.clone()),
                    endpoint: endpoint.clone(),
                })
            })
            .collect()
    }
    async fn block(&self, block_id: &str) -> Result<Fetched<Value>, PortError> {
        Err(format!("no beacon block {block_id} on this source").into())
    }
    fn report_rejected(&self, endpoint: &str, _reason: &str) {
        self.rejected.lock().unwrap().push(endpoint.to_owned());
    }
}

async fn synced_relayer(
    devnet: &Devnet,
    first: &DevnetRound,
    endpoints: Vec<(String, Value)>,
) -> Relayer<DevnetSource, ReferenceChain> {
    let simulated = SimulatedEnclave::start(devnet.spec().clone(), OPERATOR, DOMAIN, None).unwrap();
    let mut pcr_policy = PcrPolicy::default();
    for (index, value) in simulated.pcrs.iter().filter(|(i, _)| *i <= 2) {
        pcr_policy = pcr_policy.expect_pcr(*index as u8, value.clone());
    }
    let chain = ReferenceChain::new(
        DOMAIN,
        first.trusted_root,
        ReferencePolicy {
            trust_anchor: TrustAnchor::from_der(simulated.root_der.clone()).unwrap(),
            pcr_policy,
            network_config_hash: simulated.network_config_hash(),
            operators: vec![OPERATOR],
            key_ttl: 86_400,
        },
    );
    let source = DevnetSource {
        first: first.clone(),
        endpoints,
        rejected: Mutex::new(Vec::new()),
    };
    let options = RelayerOptions {
        period_length: PeriodLength::MINIMAL,
        progress: false,
        ..RelayerOptions::new(first.trusted_root)
    };
    let mut relayer = Relayer::new(simulated.connection(), source, chain, options);
    assert!(matches!(
        relayer.resume().await.unwrap(),
        Resumed::Initialised(_)
    ));
    // The first round finalizes the checkpoint itself: nothing newer on the main path.
    let updated = relayer.update_to_latest().await.unwrap();
    assert!(
        matches!(updated, Updated::UpToDate(f) if f.slot == first.finalized.slot),
        "{updated:?}"
    );
    relayer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_signed_histories_freeze_the_client_and_agreement_does_not() {
    let (devnet, first, honest) = history(2);
    let (_, first_again, forked) = history(3);
    assert_eq!(first, first_again, "the shared round is deterministic");
    assert_eq!(honest.finalized.slot, forked.finalized.slot);
    assert_ne!(honest.finalized.block_hash, forked.finalized.block_hash);

    // Agreeing endpoints: nothing to do.
    let mut relayer = synced_relayer(
        &devnet,
        &first,
        vec![
            ("a".into(), honest.finality_update.clone()),
            ("b".into(), honest.finality_update.clone()),
        ],
    )
    .await;
    assert_eq!(relayer.watch_misbehaviour().await.unwrap(), None);
    assert!(!relayer.chain().view().await.unwrap().frozen);

    // Two histories, both signed by the committee: evidence submitted, the client freezes, and
    // the relayer stops.
    let mut relayer = synced_relayer(
        &devnet,
        &first,
        vec![
            ("a".into(), honest.finality_update.clone()),
            ("b".into(), forked.finality_update.clone()),
        ],
    )
    .await;
    assert!(relayer.watch_misbehaviour().await.unwrap().is_some());
    assert!(relayer.chain().view().await.unwrap().frozen);
    assert!(matches!(relayer.step().await, Err(RelayerError::Frozen)));
    assert!(relayer.source().rejected.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_disagreeing_update_is_refused_and_reported_not_submitted() {
    let (devnet, first, honest) = history(2);
    let mut forged = honest.finality_update.clone();
    // Another finalized execution block hash, same committee signature: the branch breaks.
    forged["data"]["finalized_header"]["execution"]["block_hash"] =
        Value::String(format!("{:#x}", B256::repeat_byte(0x77)));
    let mut relayer = synced_relayer(
        &devnet,
        &first,
        vec![
            ("a".into(), honest.finality_update.clone()),
            ("b".into(), forged),
        ],
    )
    .await;
    assert_eq!(relayer.watch_misbehaviour().await.unwrap(), None);
    assert!(!relayer.chain().view().await.unwrap().frozen);
    assert_eq!(
        *relayer.source().rejected.lock().unwrap(),
        vec!["b".to_owned()]
    );
}
