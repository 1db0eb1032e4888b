//! Fuzz target for the LCP message decoder (`attestation_verifier::message`).
//!
//! Oracle: decoding never panics, and any accepted message is canonical: re-encoding the decoded value
//! gives back exactly the input bytes (so one value has one encoding, the property signatures rely on).
//! Seeds: `fuzz/seeds/lcp_message/` = the golden messages of `fixtures/golden/messages/`.
#![no_main]

use attestation_verifier::message::{Domain, Message};
use libfuzzer_sys::fuzz_target;

/// The golden domain, so the seeds pass the header check and the fuzzer explores the bodies.
const DOMAIN: Domain = Domain {
    chain_id: 31337,
    client: alloy_primitives::address!("1c9e00000000000000000000000000000000c11e"),
};

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = Message::decode(DOMAIN, data) {
        assert_eq!(message.encode(DOMAIN), data, "accepted a non-canonical encoding");
    }
});
