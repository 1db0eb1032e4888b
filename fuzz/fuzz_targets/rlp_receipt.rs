//! Receipts and receipt-trie nodes from untrusted bytes: decoding never panics, and whatever
//! decodes re-encodes to exactly the input (the decoder accepts only the canonical encoding).
//! The same bytes as the single node of a proof exercise the trie node decoder.

#![no_main]

use alloy_primitives::keccak256;
use lcp_enclave::spv::{Receipt, TrieKey, TrieKind, trie};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(receipt) = Receipt::decode_2718(data) {
        assert_eq!(receipt.encode_2718(), data, "non-canonical receipt accepted");
    }
    let node = alloy_primitives::Bytes::copy_from_slice(data);
    let root = keccak256(data);
    for index in [0u64, 1, 0x7f, 0x80, 0x1234] {
        let _ = trie::proven_value(
            TrieKind::Receipts,
            TrieKey::Index(index),
            root,
            &trie::index_key(index),
            core::slice::from_ref(&node),
        );
    }
});
