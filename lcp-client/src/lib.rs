//! Host side of LCP-Nitro: the relayer library and the `lcp` command-line tool.
//!
//! Everything here is untrusted transport: data from beacon and execution nodes is handed to the
//! enclave, which verifies it; results are checked again with the reference verifier.

pub mod chain;
pub mod claims;
pub mod cli;
pub mod enclave;
pub mod relayer;
pub mod sources;
