//! The `lcp` command line. Exit codes and output follow DESIGN.md §6: 0 valid, 1 invalid input or
//! failed verification, 2 usage error (clap's own exit code for bad arguments).

pub mod attestation;
pub mod chain;
pub mod demo;
mod demo_chain;
mod demo_enclave;
pub mod enclave;
pub mod input;
pub mod light_client;
pub mod output;
pub mod proofs;
pub mod prove;
pub mod relay;
pub mod relay_config;
pub mod runtime;
pub mod spv;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// LCP-Nitro: an Ethereum light-client proxy in an AWS Nitro enclave.
#[derive(Debug, Parser)]
#[command(name = "lcp", version, about)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Every `lcp` subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify an AWS Nitro attestation document (COSE_Sign1) against the pinned root.
    VerifyAttestation(attestation::VerifyAttestationArgs),
    /// Print the off-chain P-384 proofs (`bytes[] hints`) for `verifyAttestationWithHints`.
    AttestationProofs(proofs::AttestationProofsArgs),
    /// The whole story on bundled real data, no network: real AWS documents, an in-process enclave
    /// (simulated NSM) that syncs the real light client and signs a real transaction claim, checked by
    /// the reference verifier, then (when anvil is found) the same messages verified on chain.
    Demo(demo::DemoArgs),
    /// Destination chain: deploy the contracts, register an enclave key, read LCPClient's state.
    #[command(subcommand)]
    Chain(chain::ChainCommand),
    /// SPV checks of execution-layer RPC responses (proofs, receipts, headers).
    #[command(subcommand)]
    Spv(spv::SpvCommand),
    /// Ethereum light client: verify bootstraps and updates.
    #[command(subcommand)]
    LightClient(light_client::LightClientCommand),
    /// Run the relayer daemon: follow finality, keep the enclave key registered.
    Relay(relay::RelayArgs),
    /// One-shot attested proofs against the chain's state (`--submit` sends them).
    #[command(subcommand)]
    Prove(prove::ProveCommand),
    /// Talk to an enclave: `lcp enclave info`.
    #[command(subcommand)]
    Enclave(enclave::EnclaveCommand),
}

/// Parses the command line, runs the command and maps its outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::VerifyAttestation(args) => attestation::run(&args),
        Command::AttestationProofs(args) => proofs::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Chain(command) => chain::run(command),
        Command::Spv(command) => spv::run(command),
        Command::Enclave(command) => enclave::run(command),
        Command::Relay(args) => relay::run(&args),
        Command::Prove(command) => prove::run(&command),
        Command::LightClient(command) => {
            let json = match &command {
                light_client::LightClientCommand::Verify(args) => args.json,
            };
            output::finish(light_client::run(&command), json)
        }
    }
}
