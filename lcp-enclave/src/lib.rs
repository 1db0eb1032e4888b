//! The LCP trusted code base: everything that runs inside the Nitro enclave.
//!
//! Dependencies point inward: the service and NSM layers use the light client and SPV
//! verification, never the other way round; the verification modules do no I/O and read no clock.

pub mod enclave_key;
pub mod light_client;
pub mod nsm;
pub mod service;
pub mod spv;
pub mod state_id;
