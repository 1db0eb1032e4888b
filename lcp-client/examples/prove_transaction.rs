//! Proves a real mainnet transaction with the relayer library, no network: an in-process enclave
//! (simulated NSM), the bundled light-client data as the source, and the Rust reference of
//! `LCPClient` as the chain.
//!
//! ```text
//! cargo run -p lcp-client --example prove_transaction [-- TX_INDEX]
//! ```

use alloy_primitives::{Address, b256};
use attestation_verifier::message::encode::{Domain, Message};
use attestation_verifier::nitro::{PcrPolicy, TrustAnchor};
use lcp_client::enclave::{Attested, SimulatedEnclave};
use lcp_client::relayer::recorded::RecordedSource;
use lcp_client::relayer::reference_chain::{ReferenceChain, ReferencePolicy};
use lcp_client::relayer::{PeriodLength, Relayer, RelayerOptions, Updated};
use lcp_enclave::light_client::config::ChainSpec;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let index: u64 = std::env::args().nth(1).map_or(Ok(0), |a| a.parse())?;
    // The checkpoint of the bundled Capella data (fixtures/README.md).
    let trusted_root = b256!("5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275");
    let operator = Address::repeat_byte(0x0e);
    let domain = Domain {
        chain_id: 31_337,
        client: Address::repeat_byte(0xc1),
    };

    // 1. An enclave in this process, and a chain model that trusts its simulated root and PCRs.
    let enclave = SimulatedEnclave::start(ChainSpec::mainnet(), operator, domain, None)?;
    let mut pcr_policy = PcrPolicy::default();
    for (i, value) in enclave.pcrs.iter().filter(|(i, _)| *i <= 2) {
        pcr_policy = pcr_policy.expect_pcr(u8::try_from(*i)?, value.clone());
    }
    let chain = ReferenceChain::new(
        domain,
        trusted_root,
        ReferencePolicy {
            trust_anchor: TrustAnchor::from_der(enclave.root_der.clone())?,
            pcr_policy,
            network_config_hash: enclave.network_config_hash(),
            operators: vec![operator],
            key_ttl: 86_400,
        },
    );
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/mainnet/lightclient/capella_p862-867"
    );
    let source = RecordedSource::new(data, PeriodLength::MAINNET);

    // 2. The relayer: register the key, initialise, follow finality.
    let mut relayer = Relayer::new(
        enclave.connection(),
        source,
        chain,
        RelayerOptions::new(trusted_root),
    );
    println!("resume: {:?}", relayer.resume().await?);
    if let Updated::Advanced { to, periods, .. } = relayer.update_to_latest().await? {
        println!(
            "finalized block {} ({}) after {periods} periods in one update",
            to.block_number, to.block_hash
        );
    }

    // 3. Prove transaction `index` of the finalized block and have the chain model accept it.
    let attested = relayer.prove_transactions(&[index], false).await?;
    relayer.submit(&attested).await?;
    if let Attested::Claims(messages) = &attested {
        for signed in messages {
            if let Message::TransactionClaim(claim) = Message::decode(domain, &signed.message)? {
                println!(
                    "transaction {} of block {}: hash {}, accepted by the LCPClient model",
                    claim.txIndex, claim.blockNumber, claim.txHash
                );
            }
        }
    }
    Ok(())
}
