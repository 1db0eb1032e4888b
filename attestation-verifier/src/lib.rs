//! Reference verifier for everything the destination-chain contracts check.
//!
//! Two areas: AWS Nitro attestation documents (CBOR, COSE_Sign1, X.509 chain, PCR policy,
//! freshness; [`nitro`]) and LCP messages (encoding, signature, continuity). The crate is pure:
//! verification time, trust anchor and policy are parameters, never read from the environment,
//! so the Rust reference and the Solidity contracts can be run on the same inputs and compared.

pub mod error;
pub mod message;
pub mod nitro;
pub mod time;
