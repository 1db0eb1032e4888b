//! The Ethereum sync-committee light client (consensus-specs light-client sync protocol, Altair
//! through Fulu, and Gloas as specified upstream at v1.7.0-beta). Pure: no I/O, no clock; the
//! network, the current slot and the policy are parameters.
//!
//! - [`config`] — presets, forks, networks (data).
//! - [`containers`] — SSZ containers per fork and the unified forms the protocol works on.
//! - [`header`], [`merkle`], [`bls`] — spec helpers.
//! - [`sync`] — `LightClientStore` and the spec's processing functions.
//! - [`upgrade`] — `upgrade_lc_*`.
//! - [`store_codec`] — canonical SSZ and `hash_tree_root` of the store (for `state_id`).
//! - [`decode`] — SSZ and Beacon-API JSON decoding.
//! - [`bridge`] — the stricter bridge policy on top of the spec store.

pub mod bls;
pub mod bridge;
pub mod config;
pub mod containers;
pub mod decode;
pub mod error;
pub mod header;
pub mod merkle;
pub mod store_codec;
pub mod sync;
pub mod upgrade;

pub use error::LightClientError;
