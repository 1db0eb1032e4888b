//! Fuzzes the light-client SSZ decoders (every fork layout, both presets, fork-digest prefixes).
//! The first byte picks the fork and object; the rest is the SSZ input. A decoded update must
//! re-encode to exactly the input (SSZ is canonical: anything else is a decoder bug).

#![no_main]

use lcp_enclave::light_client::config::{ChainSpec, Fork, Mainnet, Minimal, Preset};
use lcp_enclave::light_client::decode::{
    decode_bootstrap, decode_finality_update, decode_optimistic_update, decode_update,
    split_fork_digest,
};
use lcp_enclave::light_client::error::Object;
use libfuzzer_sys::fuzz_target;

fn run<P: Preset>(fork: Fork, object: u8, bytes: &[u8]) {
    match object % 4 {
        0 => {
            if let Ok(update) = decode_update::<P>(fork, bytes) {
                assert_eq!(update.to_ssz().as_deref(), Some(bytes));
            }
        }
        1 => {
            let _ = decode_bootstrap::<P>(fork, bytes);
        }
        2 => {
            let _ = decode_finality_update::<P>(fork, bytes);
        }
        _ => {
            let _ = decode_optimistic_update::<P>(fork, bytes);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let fork = Fork::ALL[usize::from(selector >> 4) % Fork::ALL.len()];
    if selector & 0x08 == 0 {
        run::<Mainnet>(fork, selector, bytes);
    } else {
        run::<Minimal>(fork, selector, bytes);
    }
    if let Ok((fork, body)) = split_fork_digest(&ChainSpec::mainnet(), Object::Update, bytes) {
        run::<Mainnet>(fork, 0, body);
    }
});
