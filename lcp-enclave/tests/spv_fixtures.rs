//! SPV verification on real chain data: mainnet block 21925176 (header, 202 receipts, account and
//! storage proofs), Sepolia payloads with eth_getProof responses, and Capella beacon blocks whose
//! execution payloads must rebuild their block hashes. Negative cases alter real proofs and claims
//! and expect the specific error.

#![cfg(test)]

use alloy_primitives::{Address, B256, Bytes, U256, address, b256, keccak256};
use alloy_trie::{EMPTY_ROOT_HASH, KECCAK_EMPTY, Nibbles, proof::verify_proof};
use lcp_enclave::spv::{
    AccountProof, BlockReceipts, ClaimField, ExecutionHeaderFacts, ReceiptLogClaim, ReceiptProof,
    SealedExecutionHeader, SpvError, TrieKey, TrieKind, TxType, payload, receipt::Outcome,
    transaction::transactions_trie, trie, verify_account_proof, verify_receipt_log_claim,
    verify_receipt_proof, verify_transaction_proof,
};
use serde_json::Value;

fn fixture(path: &str) -> Value {
    let full = format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    let value: Value = serde_json::from_str(&text).unwrap();
    // JSON-RPC envelopes are removed as the CLI does.
    match value.get("result") {
        Some(result) if value.get("jsonrpc").is_some() => result.clone(),
        _ => value,
    }
}

const MAINNET: &str = "mainnet/execution/block_21925176";
const BLOCK_HASH: B256 =
    b256!("0x92dabfa3f61ff1c349d12f5fd0dd4c99760a0a41b77dee8f0a80f83efdcb307a");
const STATE_ROOT: B256 =
    b256!("0x7b3d5a01f69b7d2ea7479fd7ae35f4bac2700ab6d6d7b4807a7fedf53ced710e");
const RECEIPTS_ROOT: B256 =
    b256!("0xf883e1a2fb8df9d1d988dec80f13c8aca724590ac357e45e30e0d48b1fbd64ee");

fn mainnet_header() -> SealedExecutionHeader {
    SealedExecutionHeader::from_rpc_json(&fixture(&format!("{MAINNET}/block.json"))).unwrap()
}

fn mainnet_facts() -> ExecutionHeaderFacts {
    mainnet_header().facts()
}

fn mainnet_receipts() -> BlockReceipts {
    BlockReceipts::from_rpc_json(&fixture(&format!("{MAINNET}/receipts.json"))).unwrap()
}

#[test]
fn mainnet_block_hash_is_recomputed() {
    let header = mainnet_header();
    assert_eq!(header.hash(), BLOCK_HASH);
    assert_eq!(header.header().number, 21_925_176);
    assert_eq!(header.header().state_root, STATE_ROOT);
    // Cancun: blob gas fields and the parent beacon root, no requests hash.
    assert!(header.header().parent_beacon_block_root.is_some());
    assert!(header.header().requests_hash.is_none());
    // The RLP route gives the same hash.
    let encoded = header.header().encode_rlp().unwrap();
    assert_eq!(SealedExecutionHeader::decode_rlp(&encoded).unwrap(), header);
}

#[test]
fn mainnet_header_with_a_changed_field_is_rejected() {
    let mut block = fixture(&format!("{MAINNET}/block.json"));
    block["gasUsed"] = Value::String("0xf8e2f1".into());
    assert!(matches!(
        SealedExecutionHeader::from_rpc_json(&block),
        Err(SpvError::BlockHashMismatch {
            number: 21_925_176,
            claimed: BLOCK_HASH,
            ..
        })
    ));
    let mut block = fixture(&format!("{MAINNET}/block.json"));
    block["withdrawals"][3]["amount"] = Value::String("0x1".into());
    assert!(matches!(
        SealedExecutionHeader::from_rpc_json(&block),
        Err(SpvError::RootMismatch {
            trie: TrieKind::Withdrawals,
            count: 16,
            ..
        })
    ));
}

#[test]
fn mainnet_header_links_to_light_client_facts() {
    let header = mainnet_header();
    let facts = header.facts();
    header.check_against(&facts).unwrap();
    let mut other = facts;
    other.block_hash = B256::repeat_byte(1);
    assert_eq!(
        header.check_against(&other),
        Err(SpvError::HeaderFieldMismatch {
            field: "block_hash",
            expected: B256::repeat_byte(1),
            got: BLOCK_HASH
        })
    );
    let mut other = facts;
    other.block_number = 1;
    assert_eq!(
        header.check_against(&other),
        Err(SpvError::BlockNumberMismatch {
            expected: 1,
            got: 21_925_176
        })
    );
}

#[test]
fn mainnet_receipts_root_is_rebuilt_from_202_receipts() {
    let receipts = mainnet_receipts();
    assert_eq!(receipts.receipts().len(), 202);
    receipts.check_root(RECEIPTS_ROOT, None).unwrap();
    // alloy-trie agrees on the root of our encodings.
    assert_eq!(
        alloy_trie::root::ordered_trie_root_encoded(receipts.encoded()),
        RECEIPTS_ROOT
    );
    let types: std::collections::HashSet<TxType> =
        receipts.receipts().iter().map(|r| r.tx_type).collect();
    assert!(types.contains(&TxType::Legacy) && types.contains(&TxType::Eip1559));
    let failed = receipts
        .receipts()
        .iter()
        .filter(|r| r.outcome == Outcome::Status(false))
        .count();
    assert_eq!(failed, 3);
}

#[test]
fn mainnet_receipts_with_a_changed_log_do_not_rebuild_the_root() {
    let mut json = fixture(&format!("{MAINNET}/receipts.json"));
    json[0]["logs"][0]["data"] = Value::String(format!("0x{}", "00".repeat(31) + "01"));
    let receipts = BlockReceipts::from_rpc_json(&json).unwrap();
    assert!(matches!(
        receipts.check_root(RECEIPTS_ROOT, None),
        Err(SpvError::RootMismatch {
            trie: TrieKind::Receipts,
            count: 202,
            expected: RECEIPTS_ROOT,
            ..
        })
    ));
    let mut json = fixture(&format!("{MAINNET}/receipts.json"));
    json[5]["transactionIndex"] = Value::String("0x6".into());
    assert_eq!(
        BlockReceipts::from_rpc_json(&json),
        Err(SpvError::PositionMismatch {
            what: "receipt",
            position: 5,
            claimed: 6
        })
    );
}

/// Receipts of both types present in the block, at both ends and around the 0x7f/0x80 key switch.
const PROVEN_RECEIPTS: [u64; 7] = [0, 1, 20, 24, 127, 128, 201];

#[test]
fn mainnet_receipts_and_logs_are_proven() {
    let json = fixture(&format!("{MAINNET}/receipts.json"));
    let receipts = mainnet_receipts();
    let facts = mainnet_facts();
    let mut logs_checked = 0;
    for index in PROVEN_RECEIPTS {
        let proof = receipts
            .check_root(RECEIPTS_ROOT, Some(index))
            .unwrap()
            .unwrap();
        // alloy-trie accepts the same proof.
        verify_proof(
            RECEIPTS_ROOT,
            Nibbles::unpack(trie::index_key(index)),
            Some(proof.receipt.to_vec()),
            proof.nodes.iter(),
        )
        .unwrap();
        let proven = verify_receipt_proof(RECEIPTS_ROOT, &proof).unwrap();
        let position = usize::try_from(index).unwrap();
        assert_eq!(proven.receipt(), &receipts.receipts()[position]);
        let logs = json[position]["logs"].as_array().unwrap();
        assert_eq!(proven.receipt().logs.len(), logs.len());
        for (log_index, log) in logs.iter().enumerate() {
            let log_index = u64::try_from(log_index).unwrap();
            let verified = proven.log_claim(&facts, log_index).unwrap();
            let claim = verified.claim();
            assert_eq!(claim.block_hash, BLOCK_HASH);
            assert_eq!(claim.block_number, 21_925_176);
            assert_eq!(claim.transaction_index, index);
            assert_eq!(
                claim.emitter,
                log["address"].as_str().unwrap().parse::<Address>().unwrap()
            );
            let topics: Vec<B256> = log["topics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().parse().unwrap())
                .collect();
            assert_eq!(claim.topics, topics);
            assert_eq!(
                claim.data,
                log["data"].as_str().unwrap().parse::<Bytes>().unwrap()
            );
            // The same claim, requested, is verified field by field.
            let again = verify_receipt_log_claim(&facts, claim, &proof).unwrap();
            assert_eq!(again.claim(), claim);
            logs_checked += 1;
        }
    }
    assert!(logs_checked >= 8, "only {logs_checked} logs checked");
}

/// A change to a log claim.
type ClaimChange = Box<dyn Fn(&mut ReceiptLogClaim)>;
/// A change to an eth_getProof response.
type ResponseChange = Box<dyn Fn(&mut AccountProof)>;

fn deposit_log() -> (ExecutionHeaderFacts, ReceiptLogClaim, ReceiptProof) {
    // receipt.json is the receipt of a deposit-contract transaction in this block.
    let single = fixture(&format!("{MAINNET}/receipt.json"));
    let index = u64::from_str_radix(
        single["transactionIndex"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
        16,
    )
    .unwrap();
    let proof = mainnet_receipts()
        .check_root(RECEIPTS_ROOT, Some(index))
        .unwrap()
        .unwrap();
    let facts = mainnet_facts();
    let claim = verify_receipt_proof(RECEIPTS_ROOT, &proof)
        .unwrap()
        .log_claim(&facts, 0)
        .unwrap()
        .into_claim();
    assert_eq!(
        claim.emitter,
        address!("0x00000000219ab540356cbb839cbe05303d7705fa")
    );
    (facts, claim, proof)
}

#[test]
fn log_claim_with_any_bound_field_changed_is_rejected() {
    let (facts, claim, proof) = deposit_log();
    verify_receipt_log_claim(&facts, &claim, &proof).unwrap();
    let cases: Vec<(ClaimField, ClaimChange)> = vec![
        (
            ClaimField::BlockNumber,
            Box::new(|c| c.block_number = c.block_number.wrapping_add(1)),
        ),
        (
            ClaimField::BlockHash,
            Box::new(|c| c.block_hash = B256::repeat_byte(7)),
        ),
        (
            ClaimField::TransactionIndex,
            Box::new(|c| c.transaction_index = c.transaction_index.wrapping_add(1)),
        ),
        (ClaimField::LogIndex, Box::new(|c| c.log_index = 99)),
        (
            ClaimField::Emitter,
            Box::new(|c| c.emitter = Address::repeat_byte(1)),
        ),
        (
            ClaimField::Topics,
            Box::new(|c| c.topics[0] = B256::repeat_byte(2)),
        ),
        (ClaimField::Topics, Box::new(|c| c.topics.push(B256::ZERO))),
        (
            ClaimField::Data,
            Box::new(|c| c.data = Bytes::from_static(b"forged")),
        ),
    ];
    for (field, change) in cases {
        let mut forged = claim.clone();
        change(&mut forged);
        assert_eq!(
            verify_receipt_log_claim(&facts, &forged, &proof),
            Err(SpvError::ClaimMismatch { field }),
            "{field:?}"
        );
    }
    // A different log of the same receipt is a different claim, not the same one.
    let mut other_log = claim.clone();
    other_log.log_index = 1;
    assert!(verify_receipt_log_claim(&facts, &other_log, &proof).is_err());
    // A light client header with another receipts root rejects the proof.
    let mut other_facts = facts;
    other_facts.receipts_root = B256::repeat_byte(3);
    assert!(matches!(
        verify_receipt_log_claim(&other_facts, &claim, &proof),
        Err(SpvError::ProofHashMismatch { node: 0, .. })
    ));
}

#[test]
fn altered_receipt_proofs_are_rejected() {
    let (_, _, proof) = deposit_log();
    let key = TrieKey::Index(proof.transaction_index);
    let trie = TrieKind::Receipts;
    assert!(proof.nodes.len() >= 3);
    // One node altered: its parent's reference no longer matches.
    let mut altered = proof.clone();
    let mut node = altered.nodes[1].to_vec();
    node[10] ^= 1;
    altered.nodes[1] = node.into();
    assert!(matches!(
        verify_receipt_proof(RECEIPTS_ROOT, &altered),
        Err(SpvError::ProofHashMismatch {
            trie: TrieKind::Receipts,
            node: 1,
            ..
        })
    ));
    // Truncated.
    let mut truncated = proof.clone();
    truncated.nodes.pop();
    let count = truncated.nodes.len();
    assert_eq!(
        verify_receipt_proof(RECEIPTS_ROOT, &truncated),
        Err(SpvError::ProofTruncated { trie, key, count })
    );
    // Extended with a node after the leaf: the one-byte key rlp(39) has two nibbles, so no
    // valid proof has more than three nodes.
    assert_eq!(proof.transaction_index, 39);
    assert_eq!(proof.nodes.len(), 3);
    let mut extended = proof.clone();
    extended.nodes.push(proof.nodes[0].clone());
    assert_eq!(
        verify_receipt_proof(RECEIPTS_ROOT, &extended),
        Err(SpvError::ProofTooLong {
            trie,
            key,
            count: 4,
            max: 3
        })
    );
    // Within the node limit, a node after the end of the path is reported as such.
    let mut extended = proof.clone();
    extended.nodes.insert(0, proof.nodes[0].clone());
    extended.nodes.truncate(3);
    assert!(matches!(
        verify_receipt_proof(RECEIPTS_ROOT, &extended),
        Err(SpvError::ProofHashMismatch { node: 1, .. })
    ));
    // Another receipt's bytes under this proof.
    let mut other_value = proof.clone();
    other_value.receipt = mainnet_receipts().encoded()[3].clone().into();
    assert_eq!(
        verify_receipt_proof(RECEIPTS_ROOT, &other_value),
        Err(SpvError::ProofValueMismatch { trie, key })
    );
    // The proof presented for another index (a wrong key).
    let mut wrong_key = proof.clone();
    wrong_key.transaction_index = proof.transaction_index.wrapping_add(1);
    // rlp(40) = 0x28 leaves the path of 0x27 at the second branch.
    assert!(matches!(
        verify_receipt_proof(RECEIPTS_ROOT, &wrong_key),
        Err(SpvError::ProofHashMismatch { node: 2, .. })
    ));
    // An index beyond the block: its path ends in an empty slot, proving absence.
    let absent = ReceiptProof {
        transaction_index: 0x7fff,
        receipt: proof.receipt.clone(),
        nodes: proof.nodes[..1].to_vec(),
    };
    assert!(matches!(
        verify_receipt_proof(RECEIPTS_ROOT, &absent),
        Err(SpvError::ProofAbsent { .. }
            | SpvError::ProofHashMismatch { .. }
            | SpvError::ProofTruncated { .. })
    ));
}

#[test]
fn mainnet_account_and_storage_proofs() {
    let facts = mainnet_facts();
    let response = AccountProof::from_rpc_json(&fixture(&format!("{MAINNET}/proof.json"))).unwrap();
    let proven = verify_account_proof(STATE_ROOT, &response).unwrap();
    assert!(proven.exists());
    assert_eq!(proven.state().nonce, 1);
    assert_eq!(
        proven.storage(),
        &[(
            B256::from(U256::from(1)),
            U256::from_be_bytes(
                b256!("0x2394e3bc4086a9625ae88307145a40ff4a4bf2c9a6755435bff86b22d6175d5f").0
            )
        )]
    );
    let (account, storage) = proven.claims(&facts).unwrap();
    assert_eq!(account.claim().block_hash, BLOCK_HASH);
    assert_eq!(account.claim().address, response.address);
    assert_eq!(storage.len(), 1);
    // alloy-trie agrees on the account proof.
    let mut payload = Vec::new();
    alloy_rlp::Encodable::encode(&response.claimed.nonce, &mut payload);
    alloy_rlp::Encodable::encode(&response.claimed.balance, &mut payload);
    alloy_rlp::Encodable::encode(&response.claimed.storage_root, &mut payload);
    alloy_rlp::Encodable::encode(&response.claimed.code_hash, &mut payload);
    let mut encoded = Vec::new();
    alloy_rlp::Header {
        list: true,
        payload_length: payload.len(),
    }
    .encode(&mut encoded);
    encoded.extend_from_slice(&payload);
    verify_proof(
        STATE_ROOT,
        Nibbles::unpack(keccak256(response.address)),
        Some(encoded),
        response.account_proof.iter(),
    )
    .unwrap();

    let miner = AccountProof::from_rpc_json(&fixture(&format!("{MAINNET}/block_miner_proof.json")))
        .unwrap();
    let proven = verify_account_proof(STATE_ROOT, &miner).unwrap();
    assert!(proven.exists());
    assert_eq!(proven.address(), mainnet_header().header().beneficiary);
    assert_eq!(proven.state().code_hash, KECCAK_EMPTY);
    assert_eq!(proven.state().storage_root, EMPTY_ROOT_HASH);
    // A light-client header with another state root is refused.
    let mut other = facts;
    other.state_root = B256::repeat_byte(9);
    assert!(matches!(
        proven.claims(&other),
        Err(SpvError::AnchorMismatch {
            field: "state_root",
            ..
        })
    ));
}

#[test]
fn empty_storage_slots_are_proven_by_exclusion() {
    // The miner is an EOA: its storage trie is empty, so any slot is zero with an empty proof.
    let mut miner =
        AccountProof::from_rpc_json(&fixture(&format!("{MAINNET}/block_miner_proof.json")))
            .unwrap();
    miner.storage.push(lcp_enclave::spv::account::StorageProof {
        slot: B256::repeat_byte(0x42),
        value: U256::ZERO,
        nodes: vec![],
    });
    let proven = verify_account_proof(STATE_ROOT, &miner).unwrap();
    assert_eq!(proven.storage(), &[(B256::repeat_byte(0x42), U256::ZERO)]);
    miner.storage[0].value = U256::from(1);
    assert_eq!(
        verify_account_proof(STATE_ROOT, &miner),
        Err(SpvError::StorageValueMismatch {
            address: miner.address,
            slot: B256::repeat_byte(0x42),
            claimed: U256::from(1),
            proven: U256::ZERO
        })
    );

    // In the deposit contract's non-empty storage trie, a slot whose hashed path reaches an empty
    // branch slot within the real proof's nodes is absent: find one deterministically.
    let response = AccountProof::from_rpc_json(&fixture(&format!("{MAINNET}/proof.json"))).unwrap();
    let storage_root = response.claimed.storage_root;
    let nodes = &response.storage[0].nodes;
    let (slot, prefix) = (2u64..100_000)
        .find_map(|candidate| {
            let slot = B256::from(U256::from(candidate));
            let hashed = keccak256(slot);
            (1..=nodes.len()).find_map(|len| {
                let result = trie::proven_value(
                    TrieKind::Storage,
                    TrieKey::Storage {
                        address: response.address,
                        slot,
                    },
                    storage_root,
                    hashed.as_slice(),
                    &nodes[..len],
                );
                (result == Ok(None)).then_some((slot, len))
            })
        })
        .expect("an absent slot near the proven one");
    let mut exclusion = response.clone();
    exclusion.storage[0] = lcp_enclave::spv::account::StorageProof {
        slot,
        value: U256::ZERO,
        nodes: nodes[..prefix].to_vec(),
    };
    let proven = verify_account_proof(STATE_ROOT, &exclusion).unwrap();
    assert_eq!(proven.storage(), &[(slot, U256::ZERO)]);
    // alloy-trie agrees that the slot is absent.
    verify_proof(
        storage_root,
        Nibbles::unpack(keccak256(slot)),
        None,
        nodes[..prefix].iter(),
    )
    .unwrap();
}

#[test]
fn claimed_account_fields_must_be_the_proven_ones() {
    let response = AccountProof::from_rpc_json(&fixture(&format!("{MAINNET}/proof.json"))).unwrap();
    let proven = response.claimed;
    let cases: Vec<(&str, ResponseChange)> = vec![
        ("nonce", Box::new(|r| r.claimed.nonce = 2)),
        (
            "balance",
            Box::new(|r| r.claimed.balance = r.claimed.balance.wrapping_add(U256::from(1))),
        ),
        (
            "storageHash",
            Box::new(|r| r.claimed.storage_root = EMPTY_ROOT_HASH),
        ),
        ("codeHash", Box::new(|r| r.claimed.code_hash = KECCAK_EMPTY)),
    ];
    for (field, change) in cases {
        let mut forged = response.clone();
        change(&mut forged);
        match verify_account_proof(STATE_ROOT, &forged) {
            Err(SpvError::AccountFieldMismatch {
                field: got,
                address,
                ..
            }) => {
                assert_eq!((got, address), (field, response.address));
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    let mut forged = response.clone();
    forged.storage[0].value = U256::from(5);
    assert!(matches!(
        verify_account_proof(STATE_ROOT, &forged),
        Err(SpvError::StorageValueMismatch { claimed, .. }) if claimed == U256::from(5)
    ));
    let mut duplicated = response.clone();
    duplicated.storage.push(response.storage[0].clone());
    assert_eq!(
        verify_account_proof(STATE_ROOT, &duplicated),
        Err(SpvError::DuplicateSlot {
            address: response.address,
            slot: response.storage[0].slot
        })
    );
    assert_eq!(proven, response.claimed);
}

#[test]
fn altered_account_and_storage_proofs_are_rejected() {
    let response = AccountProof::from_rpc_json(&fixture(&format!("{MAINNET}/proof.json"))).unwrap();
    let address = response.address;
    let key = TrieKey::Account(address);
    let nodes = response.account_proof.len();
    for position in 0..nodes {
        let mut altered = response.clone();
        let mut node = altered.account_proof[position].to_vec();
        let last = node.len().wrapping_sub(1);
        node[last] ^= 0x01;
        altered.account_proof[position] = node.into();
        assert!(
            matches!(
                verify_account_proof(STATE_ROOT, &altered),
                Err(SpvError::ProofHashMismatch { trie: TrieKind::State, node, .. }) if node == position
            ),
            "node {position}"
        );
    }
    let mut truncated = response.clone();
    truncated.account_proof.pop();
    assert_eq!(
        verify_account_proof(STATE_ROOT, &truncated),
        Err(SpvError::ProofTruncated {
            trie: TrieKind::State,
            key,
            count: nodes.wrapping_sub(1)
        })
    );
    let mut extended = response.clone();
    extended
        .account_proof
        .push(response.account_proof[0].clone());
    assert_eq!(
        verify_account_proof(STATE_ROOT, &extended),
        Err(SpvError::ProofExtraNodes {
            trie: TrieKind::State,
            key,
            extra: 1
        })
    );
    // The deposit contract's proof presented for another address.
    let mut wrong_key = response.clone();
    wrong_key.address = address!("0x00000000219ab540356cbb839cbe05303d7705fb");
    assert!(matches!(
        verify_account_proof(STATE_ROOT, &wrong_key),
        Err(SpvError::ProofHashMismatch {
            trie: TrieKind::State,
            node: 1,
            ..
        })
    ));
    // Against another state root.
    assert!(matches!(
        verify_account_proof(B256::repeat_byte(1), &response),
        Err(SpvError::ProofHashMismatch { node: 0, .. })
    ));

    // Storage proof: altered, truncated, extended, wrong slot.
    let slot = response.storage[0].slot;
    let storage_key = TrieKey::Storage { address, slot };
    let mut altered = response.clone();
    let mut node = altered.storage[0].nodes[1].to_vec();
    node[5] ^= 0x80;
    altered.storage[0].nodes[1] = node.into();
    assert!(matches!(
        verify_account_proof(STATE_ROOT, &altered),
        Err(SpvError::ProofHashMismatch {
            trie: TrieKind::Storage,
            node: 1,
            ..
        })
    ));
    let mut truncated = response.clone();
    truncated.storage[0].nodes.pop();
    let count = truncated.storage[0].nodes.len();
    assert_eq!(
        verify_account_proof(STATE_ROOT, &truncated),
        Err(SpvError::ProofTruncated {
            trie: TrieKind::Storage,
            key: storage_key,
            count
        })
    );
    let mut extended = response.clone();
    extended.storage[0]
        .nodes
        .push(response.storage[0].nodes[0].clone());
    assert_eq!(
        verify_account_proof(STATE_ROOT, &extended),
        Err(SpvError::ProofExtraNodes {
            trie: TrieKind::Storage,
            key: storage_key,
            extra: 1
        })
    );
    let mut wrong_slot = response.clone();
    wrong_slot.storage[0].slot = B256::from(U256::from(3));
    assert!(matches!(
        verify_account_proof(STATE_ROOT, &wrong_slot),
        Err(SpvError::ProofHashMismatch {
            trie: TrieKind::Storage,
            ..
        } | SpvError::StorageValueMismatch { .. }
            | SpvError::ProofExtraNodes {
                trie: TrieKind::Storage,
                ..
            })
    ));
    // A malformed node that still hashes correctly cannot exist; a malformed root node is caught
    // by its hash first, and oversize nodes by the size limit.
    let mut oversize = response.clone();
    oversize.account_proof[0] = vec![0u8; 600].into();
    assert!(matches!(
        verify_account_proof(STATE_ROOT, &oversize),
        Err(SpvError::ProofNodeTooLarge {
            node: 0,
            size: 600,
            max: 532,
            ..
        })
    ));
}

const SEPOLIA: &str = "sepolia/execution/lodestar_prover";
const SEPOLIA_FILES: [&str; 6] = [
    "eth_getBalance_contract",
    "eth_getBalance_eoa",
    "eth_getBlock_with_contractCreation",
    "eth_getBlock_with_no_accessList",
    "eth_getCode",
    "eth_getTransactionCount",
];

#[test]
fn sepolia_payloads_rebuild_their_block_hashes_and_proofs_verify() {
    let mut proofs_checked = 0;
    for name in SEPOLIA_FILES {
        let file = fixture(&format!("{SEPOLIA}/{name}.json"));
        let payload =
            payload::ExecutionPayload::from_beacon_json(&file["beacon"]["executionPayload"])
                .unwrap();
        // Pre-Deneb payloads: no parent beacon root, no requests.
        let sealed = payload.verify_block_hash(None, None).unwrap();
        assert_eq!(sealed.hash(), payload.block_hash, "{name}");
        // The execution block from the RPC recomputes to the same hash, and its transactions root
        // is the one rebuilt from the payload's raw transactions.
        let block = SealedExecutionHeader::from_rpc_json(&file["execution"]["block"]).unwrap();
        assert_eq!(block, sealed, "{name}");
        let facts = sealed.facts();
        for request in file["dependentRequests"].as_array().unwrap() {
            let response = &request["response"]["result"];
            if response.get("accountProof").is_none() {
                continue;
            }
            let proof = AccountProof::from_rpc_json(response).unwrap();
            let proven = verify_account_proof(payload.state_root, &proof).unwrap();
            assert!(proven.exists(), "{name}");
            let (account, _) = proven.claims(&facts).unwrap();
            assert_eq!(account.claim().block_number, payload.block_number);
            proofs_checked += 1;
        }
    }
    assert_eq!(proofs_checked, 4);
}

#[test]
fn capella_beacon_blocks_rebuild_transactions_root_and_block_hash() {
    for slot in ["7109344", "7109430", "7109431"] {
        let block = fixture(&format!(
            "mainnet/lightclient/capella_p862-867/beacon_blocks/{slot}.json"
        ));
        let (payload, _parent_root) = payload::payload_of_beacon_block(&block).unwrap();
        assert!(payload.withdrawals.is_some());
        let sealed = payload.verify_block_hash(None, None).unwrap();
        let facts = sealed.facts();
        let count = u64::try_from(payload.transactions.len()).unwrap();
        let mut types = std::collections::HashSet::new();
        for index in [0, 1, count / 2, count.wrapping_sub(1)] {
            let trie = transactions_trie(&payload.transactions, Some(index)).unwrap();
            assert_eq!(trie.root(), sealed.header().transactions_root);
            let raw = &payload.transactions[usize::try_from(index).unwrap()];
            let proven =
                verify_transaction_proof(trie.root(), index, raw, trie.proof().unwrap()).unwrap();
            types.insert(proven.transaction().tx_type);
            let claim = proven.claim(&sealed, &facts).unwrap();
            assert_eq!(claim.claim().transaction_hash, keccak256(raw));
            assert_eq!(claim.claim().block_hash, payload.block_hash);
            // A tampered transaction is not in the trie.
            let mut tampered = raw.to_vec();
            let last = tampered.len().wrapping_sub(1);
            tampered[last] ^= 1;
            assert!(matches!(
                verify_transaction_proof(trie.root(), index, &tampered, trie.proof().unwrap()),
                Err(SpvError::ProofValueMismatch {
                    trie: TrieKind::Transactions,
                    ..
                } | SpvError::Rlp { .. })
            ));
        }
        assert!(!types.is_empty());
        // A payload with one transaction removed no longer hashes to its block hash.
        let mut short = payload.clone();
        short.transactions.pop();
        assert!(matches!(
            short.verify_block_hash(None, None),
            Err(SpvError::BlockHashMismatch { .. })
        ));
        // A parent beacon root cannot be added to a payload without blob gas fields.
        assert_eq!(
            payload.verify_block_hash(Some(B256::ZERO), None),
            Err(SpvError::ForkFieldGap {
                field: "parentBeaconBlockRoot",
                missing: "blobGasUsed"
            })
        );
    }
}

/// The execution facts a light client takes from a verified `LightClientHeader.execution`
/// (Beacon-API JSON, decimal integers).
fn facts_of_light_client_header(execution: &Value) -> ExecutionHeaderFacts {
    let number = |field: &str| execution[field].as_str().unwrap().parse::<u64>().unwrap();
    let hash = |field: &str| execution[field].as_str().unwrap().parse::<B256>().unwrap();
    ExecutionHeaderFacts {
        block_number: number("block_number"),
        block_hash: hash("block_hash"),
        state_root: hash("state_root"),
        receipts_root: hash("receipts_root"),
        timestamp: number("timestamp"),
    }
}

#[test]
fn light_client_headers_link_to_real_transactions() {
    let dir = "mainnet/lightclient/capella_p862-867";
    let finality = fixture(&format!("{dir}/finality.json"));
    let optimistic = fixture(&format!("{dir}/optimistic.json"));
    let headers = [
        (&finality["data"]["finalized_header"], "7109344"),
        (&finality["data"]["attested_header"], "7109430"),
        (&optimistic["data"]["attested_header"], "7109431"),
    ];
    for (light_client_header, slot) in headers {
        assert_eq!(light_client_header["beacon"]["slot"], slot);
        let execution = &light_client_header["execution"];
        let facts = facts_of_light_client_header(execution);
        let block = fixture(&format!("{dir}/beacon_blocks/{slot}.json"));
        let (payload, _) = payload::payload_of_beacon_block(&block).unwrap();
        let sealed = payload.verify_block_hash(None, None).unwrap();
        sealed.check_against(&facts).unwrap();
        // The light-client header's transactions_root is the SSZ root, not the MPT root.
        let ssz_root: B256 = execution["transactions_root"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_ne!(ssz_root, sealed.header().transactions_root);
        // A transaction proven against the MPT root becomes a claim about the verified block.
        let trie = transactions_trie(&payload.transactions, Some(3)).unwrap();
        let proven = verify_transaction_proof(
            sealed.header().transactions_root,
            3,
            &payload.transactions[3],
            trie.proof().unwrap(),
        )
        .unwrap();
        let claim = proven.claim(&sealed, &facts).unwrap();
        assert_eq!(claim.claim().block_number, facts.block_number);
        // Against another light-client header the same header is refused.
        let mut other = facts;
        other.state_root = B256::repeat_byte(5);
        assert_eq!(
            proven.claim(&sealed, &other),
            Err(SpvError::HeaderFieldMismatch {
                field: "state_root",
                expected: B256::repeat_byte(5),
                got: facts.state_root
            })
        );
    }
}

#[test]
fn malformed_rpc_json_names_the_field() {
    use lcp_enclave::spv::JsonProblem;
    let mut block = fixture(&format!("{MAINNET}/block.json"));
    block.as_object_mut().unwrap().remove("baseFeePerGas");
    assert_eq!(
        SealedExecutionHeader::from_rpc_json(&block),
        Err(SpvError::ForkFieldGap {
            field: "withdrawalsRoot",
            missing: "baseFeePerGas"
        })
    );
    let mut block = fixture(&format!("{MAINNET}/block.json"));
    block["number"] = Value::String("0x014e8d38".into());
    assert_eq!(
        SealedExecutionHeader::from_rpc_json(&block),
        Err(SpvError::Json {
            object: "block",
            index: None,
            field: "number",
            problem: JsonProblem::LeadingZero
        })
    );
    let mut block = fixture(&format!("{MAINNET}/block.json"));
    block["extraData"] = Value::String(format!("0x{}", "ab".repeat(33)));
    assert_eq!(
        SealedExecutionHeader::from_rpc_json(&block),
        Err(SpvError::Json {
            object: "block",
            index: None,
            field: "extraData",
            problem: JsonProblem::Length {
                expected: 32,
                got: 33
            }
        })
    );
    let mut receipts = fixture(&format!("{MAINNET}/receipts.json"));
    receipts[9]["status"] = Value::String("0x2".into());
    assert_eq!(
        BlockReceipts::from_rpc_json(&receipts),
        Err(SpvError::Json {
            object: "receipt",
            index: Some(9),
            field: "status",
            problem: JsonProblem::Invalid
        })
    );
    let mut receipts = fixture(&format!("{MAINNET}/receipts.json"));
    receipts[0]["logs"][0]["address"] = Value::String("0x1234".into());
    assert_eq!(
        BlockReceipts::from_rpc_json(&receipts),
        Err(SpvError::Json {
            object: "log",
            index: Some(0),
            field: "address",
            problem: JsonProblem::Length {
                expected: 20,
                got: 2
            }
        })
    );
    let mut proof = fixture(&format!("{MAINNET}/proof.json"));
    proof["accountProof"][1] = Value::String("0xzz".into());
    assert_eq!(
        AccountProof::from_rpc_json(&proof),
        Err(SpvError::Json {
            object: "accountProof",
            index: Some(1),
            field: "",
            problem: JsonProblem::NotHex
        })
    );
}
