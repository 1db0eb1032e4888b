//! Bounded property tests run with every `cargo test`: arbitrary bytes given to the proof, receipt,
//! transaction, header and account decoders are errors, never panics; real proofs with one byte
//! changed are rejected; canonical decoders round-trip.

#![cfg(test)]

use alloy_primitives::{B256, Bytes, keccak256};
use lcp_enclave::spv::{
    AccountProof, AccountState, BlockReceipts, ExecutionHeader, Receipt, TrieKey, TrieKind,
    transaction::Transaction, trie, verify_account_proof, verify_receipt_proof,
};
use proptest::prelude::*;
use std::sync::OnceLock;

fn fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../fixtures/mainnet/execution/block_21925176/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The block's receipts, parsed once for all cases.
fn receipts() -> &'static BlockReceipts {
    static RECEIPTS: OnceLock<BlockReceipts> = OnceLock::new();
    RECEIPTS.get_or_init(|| BlockReceipts::from_rpc_json(&fixture("receipts.json")).unwrap())
}

/// The deposit contract's eth_getProof response, parsed once.
fn account_proof() -> &'static AccountProof {
    static PROOF: OnceLock<AccountProof> = OnceLock::new();
    PROOF.get_or_init(|| AccountProof::from_rpc_json(&fixture("proof.json")).unwrap())
}

const STATE_ROOT: B256 =
    alloy_primitives::b256!("0x7b3d5a01f69b7d2ea7479fd7ae35f4bac2700ab6d6d7b4807a7fedf53ced710e");
const RECEIPTS_ROOT: B256 =
    alloy_primitives::b256!("0xf883e1a2fb8df9d1d988dec80f13c8aca724590ac357e45e30e0d48b1fbd64ee");

/// Byte strings biased towards RLP: a list or string header followed by arbitrary content.
fn rlp_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (
            0xc0u8..=0xff,
            proptest::collection::vec(any::<u8>(), 0..600)
        )
            .prop_map(|(h, mut rest)| {
                rest.insert(0, h);
                rest
            }),
        (
            0u8..=4,
            0xc0u8..=0xff,
            proptest::collection::vec(any::<u8>(), 0..300)
        )
            .prop_map(|(ty, h, mut rest)| {
                rest.insert(0, h);
                rest.insert(0, ty);
                rest
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoders_never_panic(bytes in rlp_like()) {
        if let Ok(receipt) = Receipt::decode_2718(&bytes) {
            prop_assert_eq!(receipt.encode_2718(), bytes.clone());
        }
        let _ = Transaction::decode(&bytes);
        if let Ok(header) = ExecutionHeader::decode_rlp(&bytes) {
            prop_assert_eq!(header.encode_rlp().unwrap(), bytes.clone());
        }
        let _ = AccountState::decode_rlp(&bytes);
    }

    #[test]
    fn arbitrary_nodes_never_panic(node in rlp_like(), key in proptest::collection::vec(any::<u8>(), 0..40)) {
        // The root is the node's hash, so the node decoder runs on arbitrary bytes.
        let root = keccak256(&node);
        let nodes = [Bytes::from(node)];
        for trie_kind in [TrieKind::State, TrieKind::Receipts] {
            let _ = trie::proven_value(trie_kind, TrieKey::Index(0), root, &key, &nodes);
        }
    }

    #[test]
    fn real_account_proof_with_one_byte_changed_is_rejected(
        node in 0usize..8, position in any::<prop::sample::Index>(), flip in 1u8..=255
    ) {
        let mut response = account_proof().clone();
        let mut bytes = response.account_proof[node].to_vec();
        let at = position.index(bytes.len());
        bytes[at] ^= flip;
        response.account_proof[node] = bytes.into();
        prop_assert!(verify_account_proof(STATE_ROOT, &response).is_err());
    }

    #[test]
    fn real_receipt_proof_with_one_byte_changed_is_rejected(
        index in 0u64..202, part in 0usize..4, position in any::<prop::sample::Index>(), flip in 1u8..=255
    ) {
        let mut proof = receipts().check_root(RECEIPTS_ROOT, Some(index)).unwrap().unwrap();
        prop_assert!(verify_receipt_proof(RECEIPTS_ROOT, &proof).is_ok());
        if part < proof.nodes.len() {
            let mut bytes = proof.nodes[part].to_vec();
            let at = position.index(bytes.len());
            bytes[at] ^= flip;
            proof.nodes[part] = bytes.into();
        } else {
            let mut bytes = proof.receipt.to_vec();
            let at = position.index(bytes.len());
            bytes[at] ^= flip;
            proof.receipt = bytes.into();
        }
        prop_assert!(verify_receipt_proof(RECEIPTS_ROOT, &proof).is_err());
    }
}
