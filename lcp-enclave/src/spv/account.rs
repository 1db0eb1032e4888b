//! Account and storage proofs (EIP-1186 `eth_getProof`): inclusion and exclusion against a state
//! root, with every field the response claims required to be exactly what the proofs prove.
//!
//! The state trie maps `keccak256(address)` to `rlp([nonce, balance, storageRoot, codeHash])`; an
//! account's storage trie maps `keccak256(slot)` to `rlp(value)` and never stores zero (yellow
//! paper §4.1). An absent account is proven by a path that ends in an empty branch slot or a
//! diverging leaf/extension; its fields are the empty account's, and all its slots are zero.

use super::{
    claim::{AccountClaim, StorageClaim, Verified},
    error::{JsonProblem, SpvError, TrieKey, TrieKind},
    header::ExecutionHeaderFacts,
    json::{Obj, element_bytes},
    rlp::Fields,
    trie::{MAX_BRANCH_NODE_BYTES, MAX_SECURE_PROOF_NODES, proven_value},
};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_trie::{EMPTY_ROOT_HASH, KECCAK_EMPTY};
use serde_json::Value;

/// The most storage proofs one response may carry. There is no protocol limit (the node serves
/// whatever keys were asked); each proof is at most 65 nodes of 532 bytes (about 34 KiB), so 1024
/// proofs stay within the 64 MiB input limit of the host.
pub const MAX_STORAGE_PROOFS: usize = 1024;

/// The account fields stored in the state trie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountState {
    /// Transaction count (or contract creation count).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Root of the account's storage trie.
    pub storage_root: B256,
    /// `keccak256` of the account's code.
    pub code_hash: B256,
}

impl AccountState {
    /// The fields of an account that does not exist.
    pub const EMPTY: Self = Self {
        nonce: 0,
        balance: U256::ZERO,
        storage_root: EMPTY_ROOT_HASH,
        code_hash: KECCAK_EMPTY,
    };

    /// Decodes a state-trie value.
    ///
    /// # Errors
    /// Malformed RLP, a field of the wrong length, trailing fields.
    pub fn decode_rlp(bytes: &[u8]) -> Result<Self, SpvError> {
        let mut fields = Fields::of_list(bytes, "account")?;
        let state = Self {
            nonce: fields.next()?,
            balance: fields.next()?,
            storage_root: fields.next()?,
            code_hash: fields.next()?,
        };
        fields.finish()?;
        Ok(state)
    }

    /// The fields as 32-byte words, named as in JSON-RPC, for error reporting.
    fn words(&self) -> [(&'static str, B256); 4] {
        [
            ("nonce", B256::from(U256::from(self.nonce))),
            ("balance", B256::from(self.balance)),
            ("storageHash", self.storage_root),
            ("codeHash", self.code_hash),
        ]
    }
}

/// One storage proof of an `eth_getProof` response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageProof {
    /// The slot (before hashing).
    pub slot: B256,
    /// The value the response claims.
    pub value: U256,
    /// The proof nodes, storage root first.
    pub nodes: Vec<Bytes>,
}

/// An `eth_getProof` response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountProof {
    /// The account.
    pub address: Address,
    /// The account fields the response claims.
    pub claimed: AccountState,
    /// The state-trie proof, state root first.
    pub account_proof: Vec<Bytes>,
    /// The storage proofs.
    pub storage: Vec<StorageProof>,
}

impl AccountProof {
    /// Reads an `eth_getProof` result.
    ///
    /// # Errors
    /// A field is missing or malformed; too many proofs or nodes.
    pub fn from_rpc_json(value: &Value) -> Result<Self, SpvError> {
        let obj = Obj::new(value, "eth_getProof", None)?;
        let account_proof = proof_nodes(&obj, "accountProof")?;
        let storage_values = obj.array("storageProof", MAX_STORAGE_PROOFS)?;
        let mut storage = Vec::with_capacity(storage_values.len());
        for (index, item) in storage_values.iter().enumerate() {
            let entry = Obj::new(item, "storageProof", Some(index))?;
            storage.push(StorageProof {
                slot: storage_key(&entry)?,
                value: entry.quantity_u256("value")?,
                nodes: proof_nodes(&entry, "proof")?,
            });
        }
        Ok(Self {
            address: obj.address("address")?,
            claimed: AccountState {
                nonce: obj.quantity_u64("nonce")?,
                balance: obj.quantity_u256("balance")?,
                storage_root: obj.b256("storageHash")?,
                code_hash: obj.b256("codeHash")?,
            },
            account_proof,
            storage,
        })
    }
}

/// Reads a proof array: at most [`MAX_SECURE_PROOF_NODES`] hex nodes of at most
/// [`MAX_BRANCH_NODE_BYTES`] each.
fn proof_nodes(obj: &Obj<'_>, field: &'static str) -> Result<Vec<Bytes>, SpvError> {
    obj.array(field, MAX_SECURE_PROOF_NODES)?
        .iter()
        .enumerate()
        .map(|(index, node)| element_bytes(node, field, index, MAX_BRANCH_NODE_BYTES))
        .collect()
}

/// A storage key as clients echo it: `0x` and 1 to 64 hex digits (geth returns the key as it was
/// requested, so `0x1` and the 32-byte form both occur), left-padded to 32 bytes.
fn storage_key(entry: &Obj<'_>) -> Result<B256, SpvError> {
    let Some(Value::String(text)) = entry.get("key") else {
        return Err(entry.error("key", JsonProblem::Missing));
    };
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| entry.error("key", JsonProblem::NotHex))?;
    if digits.is_empty() || digits.len() > 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(entry.error("key", JsonProblem::NotHex));
    }
    U256::from_str_radix(digits, 16)
        .map(B256::from)
        .map_err(|_| entry.error("key", JsonProblem::Overflow))
}

/// An account (present or absent) and storage values proven against a state root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenAccount {
    state_root: B256,
    address: Address,
    account: Option<AccountState>,
    storage: Vec<(B256, U256)>,
}

impl ProvenAccount {
    /// The state root the proofs were checked against.
    pub const fn state_root(&self) -> B256 {
        self.state_root
    }

    /// The account.
    pub const fn address(&self) -> Address {
        self.address
    }

    /// Whether the account exists in the state trie.
    pub const fn exists(&self) -> bool {
        self.account.is_some()
    }

    /// The account fields ([`AccountState::EMPTY`] for an absent account).
    pub fn state(&self) -> AccountState {
        self.account.unwrap_or(AccountState::EMPTY)
    }

    /// The proven storage values, in response order.
    pub fn storage(&self) -> &[(B256, U256)] {
        &self.storage
    }

    /// The claims about the light client's verified block.
    ///
    /// # Errors
    /// The proofs were checked against another state root.
    pub fn claims(
        &self,
        facts: &ExecutionHeaderFacts,
    ) -> Result<(Verified<AccountClaim>, Vec<Verified<StorageClaim>>), SpvError> {
        if facts.state_root != self.state_root {
            return Err(SpvError::AnchorMismatch {
                field: "state_root",
                proven: self.state_root,
                verified: facts.state_root,
            });
        }
        let state = self.state();
        let account = Verified::new(AccountClaim {
            block_number: facts.block_number,
            block_hash: facts.block_hash,
            state_root: self.state_root,
            address: self.address,
            exists: self.exists(),
            nonce: state.nonce,
            balance: state.balance,
            storage_root: state.storage_root,
            code_hash: state.code_hash,
        });
        let storage = self
            .storage
            .iter()
            .map(|&(slot, value)| {
                Verified::new(StorageClaim {
                    block_number: facts.block_number,
                    block_hash: facts.block_hash,
                    state_root: self.state_root,
                    address: self.address,
                    slot,
                    value,
                })
            })
            .collect();
        Ok((account, storage))
    }
}

/// Verifies an `eth_getProof` response against `state_root`: the account proof (inclusion or
/// exclusion), every storage proof against the proven storage root, and that each claimed field
/// and value is exactly the proven one.
///
/// # Errors
/// A proof is invalid, a claimed field or value differs from the proven one, a slot is listed
/// twice, or the storage trie holds a zero.
pub fn verify_account_proof(
    state_root: B256,
    response: &AccountProof,
) -> Result<ProvenAccount, SpvError> {
    let address = response.address;
    let hashed_address = keccak256(address);
    let proven = proven_value(
        TrieKind::State,
        TrieKey::Account(address),
        state_root,
        hashed_address.as_slice(),
        &response.account_proof,
    )?;
    let account = proven
        .map(|value| AccountState::decode_rlp(&value))
        .transpose()?;
    check_claimed_account(address, &response.claimed, account.as_ref())?;
    let storage_root = account.map_or(EMPTY_ROOT_HASH, |state| state.storage_root);
    let mut storage: Vec<(B256, U256)> = Vec::with_capacity(response.storage.len());
    for entry in &response.storage {
        let slot = entry.slot;
        if storage.iter().any(|(seen, _)| *seen == slot) {
            return Err(SpvError::DuplicateSlot { address, slot });
        }
        let value = proven_slot_value(address, storage_root, entry)?;
        if value != entry.value {
            return Err(SpvError::StorageValueMismatch {
                address,
                slot,
                claimed: entry.value,
                proven: value,
            });
        }
        storage.push((slot, value));
    }
    Ok(ProvenAccount {
        state_root,
        address,
        account,
        storage,
    })
}

/// Compares the claimed account fields with the proven ones. For an absent account clients differ
/// in how they write the hashes: the empty values or zero are both accepted.
fn check_claimed_account(
    address: Address,
    claimed: &AccountState,
    proven: Option<&AccountState>,
) -> Result<(), SpvError> {
    let reference = proven.copied().unwrap_or(AccountState::EMPTY);
    for ((field, claimed_word), (_, proven_word)) in
        claimed.words().into_iter().zip(reference.words())
    {
        let absent_zero_hash = proven.is_none()
            && matches!(field, "storageHash" | "codeHash")
            && claimed_word == B256::ZERO;
        if claimed_word != proven_word && !absent_zero_hash {
            return Err(SpvError::AccountFieldMismatch {
                address,
                field,
                claimed: claimed_word,
                proven: proven_word,
            });
        }
    }
    Ok(())
}

/// The value a storage proof proves (zero for an absent slot).
fn proven_slot_value(
    address: Address,
    storage_root: B256,
    entry: &StorageProof,
) -> Result<U256, SpvError> {
    let slot = entry.slot;
    let key = TrieKey::Storage { address, slot };
    let hashed_slot = keccak256(slot);
    let Some(encoded) = proven_value(
        TrieKind::Storage,
        key,
        storage_root,
        hashed_slot.as_slice(),
        &entry.nodes,
    )?
    else {
        return Ok(U256::ZERO);
    };
    let mut buf = encoded.as_slice();
    let value = <U256 as alloy_rlp::Decodable>::decode(&mut buf)
        .map_err(|source| SpvError::rlp("storage value", source))?;
    if !buf.is_empty() {
        return Err(SpvError::TrailingBytes {
            what: "storage value",
            count: buf.len(),
        });
    }
    if value.is_zero() {
        return Err(SpvError::ZeroStorageValue { address, slot });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_keys_are_padded() {
        let value = serde_json::json!({"key": "0x1"});
        let obj = Obj::new(&value, "storageProof", Some(0)).unwrap();
        assert_eq!(storage_key(&obj).unwrap(), B256::from(U256::from(1)));
        let value = serde_json::json!({"key": format!("0x{}", "0".repeat(65))});
        let obj = Obj::new(&value, "storageProof", Some(0)).unwrap();
        assert!(storage_key(&obj).is_err());
    }

    #[test]
    fn account_rlp_round_trip_and_trailing() {
        use alloy_rlp::Encodable;
        let mut payload = Vec::new();
        7u64.encode(&mut payload);
        U256::from(9).encode(&mut payload);
        EMPTY_ROOT_HASH.encode(&mut payload);
        KECCAK_EMPTY.encode(&mut payload);
        let mut encoded = Vec::new();
        alloy_rlp::Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut encoded);
        encoded.extend_from_slice(&payload);
        let state = AccountState::decode_rlp(&encoded).unwrap();
        assert_eq!((state.nonce, state.balance), (7, U256::from(9)));
        encoded.push(0x80);
        assert!(AccountState::decode_rlp(&encoded).is_err());
    }

    /// A generated state trie of 300 accounts (alloy-trie's HashBuilder, its proof retainer):
    /// proofs for present and absent addresses, checked by our walk and by alloy's `verify_proof`.
    fn state_trie(target: Address) -> (B256, Vec<Bytes>, Vec<(Address, AccountState)>) {
        use alloy_trie::{HashBuilder, Nibbles, proof::ProofRetainer};
        let mut accounts: Vec<(B256, Address, AccountState)> = (0u64..300)
            .map(|i| {
                let address = Address::from_slice(&keccak256(i.to_be_bytes())[..20]);
                let state = AccountState {
                    nonce: i.saturating_add(1),
                    balance: U256::from(i).saturating_mul(U256::from(1_000_000_007u64)),
                    storage_root: EMPTY_ROOT_HASH,
                    code_hash: KECCAK_EMPTY,
                };
                (keccak256(address), address, state)
            })
            .collect();
        accounts.sort_by_key(|(hashed, _, _)| *hashed);
        let target_key = Nibbles::unpack(keccak256(target));
        let mut builder =
            HashBuilder::default().with_proof_retainer(ProofRetainer::new(vec![target_key]));
        for (hashed, _, state) in &accounts {
            builder.add_leaf(Nibbles::unpack(hashed), &encode_account(state));
        }
        let root = builder.root();
        let proof = builder
            .take_proof_nodes()
            .matching_nodes_sorted(&target_key)
            .into_iter()
            .filter(|(path, node)| path.is_empty() || node.len() >= 32)
            .map(|(_, node)| node)
            .collect();
        (
            root,
            proof,
            accounts.into_iter().map(|(_, a, s)| (a, s)).collect(),
        )
    }

    fn encode_account(state: &AccountState) -> Vec<u8> {
        use alloy_rlp::Encodable;
        let mut payload = Vec::new();
        state.nonce.encode(&mut payload);
        state.balance.encode(&mut payload);
        state.storage_root.encode(&mut payload);
        state.code_hash.encode(&mut payload);
        let mut out = Vec::new();
        alloy_rlp::Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut out);
        out.extend_from_slice(&payload);
        out
    }

    #[test]
    fn absent_accounts_are_proven_by_exclusion() {
        use alloy_trie::{Nibbles, proof::verify_proof};
        for absent in [Address::ZERO, Address::repeat_byte(0xab)] {
            let (root, proof, _) = state_trie(absent);
            verify_proof(root, Nibbles::unpack(keccak256(absent)), None, proof.iter()).unwrap();
            for (storage_hash, code_hash) in
                [(EMPTY_ROOT_HASH, KECCAK_EMPTY), (B256::ZERO, B256::ZERO)]
            {
                let response = AccountProof {
                    address: absent,
                    claimed: AccountState {
                        storage_root: storage_hash,
                        code_hash,
                        ..AccountState::EMPTY
                    },
                    account_proof: proof.clone(),
                    storage: vec![StorageProof {
                        slot: B256::ZERO,
                        value: U256::ZERO,
                        nodes: vec![],
                    }],
                };
                let proven = verify_account_proof(root, &response).unwrap();
                assert!(!proven.exists());
                assert_eq!(proven.state(), AccountState::EMPTY);
                assert_eq!(proven.storage(), &[(B256::ZERO, U256::ZERO)]);
            }
            // Claiming a nonce for an absent account is refused.
            let response = AccountProof {
                address: absent,
                claimed: AccountState {
                    nonce: 1,
                    ..AccountState::EMPTY
                },
                account_proof: proof.clone(),
                storage: vec![],
            };
            assert_eq!(
                verify_account_proof(root, &response),
                Err(SpvError::AccountFieldMismatch {
                    address: absent,
                    field: "nonce",
                    claimed: B256::from(U256::from(1)),
                    proven: B256::ZERO
                })
            );
            // A non-zero slot of an absent account is refused.
            let response = AccountProof {
                address: absent,
                claimed: AccountState::EMPTY,
                account_proof: proof,
                storage: vec![StorageProof {
                    slot: B256::ZERO,
                    value: U256::from(1),
                    nodes: vec![],
                }],
            };
            assert!(matches!(
                verify_account_proof(root, &response),
                Err(SpvError::StorageValueMismatch { .. })
            ));
        }
    }

    #[test]
    fn present_generated_accounts_are_proven() {
        let (_, _, accounts) = state_trie(Address::ZERO);
        for (address, state) in accounts.iter().step_by(37) {
            let (root, proof, _) = state_trie(*address);
            let response = AccountProof {
                address: *address,
                claimed: *state,
                account_proof: proof,
                storage: vec![],
            };
            let proven = verify_account_proof(root, &response).unwrap();
            assert!(proven.exists());
            assert_eq!(proven.state(), *state);
            // An absent claim (all empty) for a present account is refused.
            let mut absent = response.clone();
            absent.claimed = AccountState::EMPTY;
            assert!(matches!(
                verify_account_proof(root, &absent),
                Err(SpvError::AccountFieldMismatch { .. })
            ));
        }
    }
}
