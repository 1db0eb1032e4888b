//! Fuzz target for the enclave service's frame and request decoding
//! (`lcp_enclave::service::protocol`), the first parser every untrusted byte on vsock meets.
//!
//! Oracle: never panics; a header that parses re-encodes to the same 8 bytes; a payload that
//! decodes as a `Request` survives a serialise/decode round trip unchanged.
#![no_main]

use lcp_enclave::service::protocol::{FRAME_HEADER_LEN, FrameHeader, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((head, payload)) = data.split_first_chunk::<FRAME_HEADER_LEN>() {
        if let Ok(header) = FrameHeader::parse(*head) {
            assert_eq!(&header.encode(), head, "header did not round-trip");
        }
        if let Ok(request) = serde_json::from_slice::<Request>(payload) {
            let again = serde_json::to_vec(&request).expect("a decoded request serialises");
            let decoded: Request = serde_json::from_slice(&again).expect("and decodes again");
            assert_eq!(decoded, request, "request did not round-trip");
        }
    }
});
