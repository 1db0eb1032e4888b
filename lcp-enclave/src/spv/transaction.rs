//! Transactions of every type from their raw EIP-2718 bytes, and their inclusion in a block's
//! transactions trie.
//!
//! The trie value of a transaction is its EIP-2718 encoding: the RLP list itself for legacy
//! transactions, `type ‖ rlp(fields)` for typed ones. Each type's field list is decoded and checked
//! (count, canonical integers, address lengths, type-specific rules) so that bytes that are not a
//! transaction are rejected before they are proven or claimed.

use super::{
    claim::{TransactionClaim, Verified},
    error::{SpvError, TrieKey, TrieKind},
    header::{ExecutionHeaderFacts, SealedExecutionHeader},
    rlp::Fields,
    trie::{MAX_ITEM_BYTES, OrderedTrie, index_key, verify_inclusion},
};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

/// EIP-2718 transaction types of Ethereum mainnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TxType {
    /// Untyped RLP list (with or without EIP-155 replay protection).
    Legacy,
    /// EIP-2930 access-list transaction, type 1.
    Eip2930,
    /// EIP-1559 dynamic-fee transaction, type 2.
    Eip1559,
    /// EIP-4844 blob transaction, type 3.
    Eip4844,
    /// EIP-7702 set-code transaction, type 4.
    Eip7702,
}

impl TxType {
    /// The EIP-2718 type number (0 for legacy).
    pub const fn number(self) -> u8 {
        match self {
            Self::Legacy => 0,
            Self::Eip2930 => 1,
            Self::Eip1559 => 2,
            Self::Eip4844 => 3,
            Self::Eip7702 => 4,
        }
    }

    /// The type of a number, for receipts and transactions alike.
    ///
    /// # Errors
    /// [`SpvError::UnknownType`] for any other number.
    pub const fn from_number(ty: u8, what: &'static str) -> Result<Self, SpvError> {
        match ty {
            0 => Ok(Self::Legacy),
            1 => Ok(Self::Eip2930),
            2 => Ok(Self::Eip1559),
            3 => Ok(Self::Eip4844),
            4 => Ok(Self::Eip7702),
            _ => Err(SpvError::UnknownType { what, ty }),
        }
    }
}

/// The facts of a decoded transaction that claims and callers use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    /// The type.
    pub tx_type: TxType,
    /// The chain id (`None` for a legacy transaction without EIP-155).
    pub chain_id: Option<u64>,
    /// The sender's nonce.
    pub nonce: u64,
    /// The recipient, `None` for contract creation.
    pub to: Option<Address>,
    /// Wei transferred.
    pub value: U256,
    /// Call data or init code.
    pub input: Bytes,
    /// `keccak256` of the EIP-2718 encoding.
    pub hash: B256,
}

/// What `from_number` rejects for transactions.
const WHAT: &str = "transaction";

impl Transaction {
    /// Decodes raw EIP-2718 transaction bytes (as a block, `eth_getRawTransaction` or an execution
    /// payload carries them).
    ///
    /// # Errors
    /// Larger than [`MAX_ITEM_BYTES`], an unknown type, malformed fields or trailing bytes.
    pub fn decode(raw: &[u8]) -> Result<Self, SpvError> {
        if raw.len() > MAX_ITEM_BYTES {
            return Err(SpvError::TooLarge {
                what: WHAT,
                size: raw.len(),
                max: MAX_ITEM_BYTES,
            });
        }
        let (&first, body) = raw.split_first().ok_or(SpvError::Rlp {
            what: WHAT,
            index: None,
            source: alloy_rlp::Error::InputTooShort,
        })?;
        let hash = keccak256(raw);
        // EIP-2718: a first byte in [0xc0, 0xfe] starts a legacy RLP list; [0, 0x7f] is a type.
        if first >= 0xc0 {
            return decode_legacy(raw, hash);
        }
        let tx_type = TxType::from_number(first, WHAT)?;
        match tx_type {
            TxType::Legacy => Err(SpvError::UnknownType { what: WHAT, ty: 0 }),
            TxType::Eip2930 | TxType::Eip1559 | TxType::Eip4844 | TxType::Eip7702 => {
                decode_typed(tx_type, body, hash)
            }
        }
    }
}

fn decode_legacy(raw: &[u8], hash: B256) -> Result<Transaction, SpvError> {
    let what = "legacy transaction";
    let mut fields = Fields::of_list(raw, what)?;
    let nonce = fields.next::<u64>()?;
    let _gas_price = fields.next::<U256>()?;
    let _gas_limit = fields.next::<u64>()?;
    let to = fields.optional_address()?;
    let value = fields.next::<U256>()?;
    let input = fields.bytes()?;
    let v = fields.next::<u64>()?;
    let _r = fields.next::<U256>()?;
    let _s = fields.next::<U256>()?;
    fields.finish()?;
    // Yellow paper appendix F: v ∈ {27, 28}; EIP-155: v = chain_id * 2 + 35 + y_parity.
    let chain_id = match v {
        27 | 28 => None,
        35.. => Some(v.saturating_sub(35) / 2),
        _ => return Err(SpvError::InvalidField { what, field: "v" }),
    };
    Ok(Transaction {
        tx_type: TxType::Legacy,
        chain_id,
        nonce,
        to,
        value,
        input,
        hash,
    })
}

fn decode_typed(tx_type: TxType, body: &[u8], hash: B256) -> Result<Transaction, SpvError> {
    let what = match tx_type {
        TxType::Legacy => "legacy transaction",
        TxType::Eip2930 => "EIP-2930 transaction",
        TxType::Eip1559 => "EIP-1559 transaction",
        TxType::Eip4844 => "EIP-4844 transaction",
        TxType::Eip7702 => "EIP-7702 transaction",
    };
    let mut fields = Fields::of_list(body, what)?;
    let chain_id = fields.next::<u64>()?;
    let nonce = fields.next::<u64>()?;
    match tx_type {
        TxType::Eip2930 => {
            let _gas_price = fields.next::<U256>()?;
        }
        TxType::Legacy | TxType::Eip1559 | TxType::Eip4844 | TxType::Eip7702 => {
            let _max_priority_fee_per_gas = fields.next::<U256>()?;
            let _max_fee_per_gas = fields.next::<U256>()?;
        }
    }
    let _gas_limit = fields.next::<u64>()?;
    let to = fields.optional_address()?;
    let value = fields.next::<U256>()?;
    let input = fields.bytes()?;
    check_access_list(fields.list_payload()?, what)?;
    match tx_type {
        TxType::Eip4844 => {
            let _max_fee_per_blob_gas = fields.next::<U256>()?;
            // EIP-4844: at least one blob, each versioned hash 32 bytes.
            let hashes = fields.list_payload()?;
            let mut hash_fields = Fields::of_payload(hashes, what, None);
            if hash_fields.is_empty() {
                return Err(SpvError::InvalidField {
                    what,
                    field: "blob_versioned_hashes",
                });
            }
            while !hash_fields.is_empty() {
                let _hash = hash_fields.next::<B256>()?;
            }
        }
        TxType::Eip7702 => check_authorization_list(fields.list_payload()?, what)?,
        TxType::Legacy | TxType::Eip2930 | TxType::Eip1559 => {}
    }
    let y_parity = fields.next::<u64>()?;
    let _r = fields.next::<U256>()?;
    let _s = fields.next::<U256>()?;
    fields.finish()?;
    if y_parity > 1 {
        return Err(SpvError::InvalidField {
            what,
            field: "y_parity",
        });
    }
    // EIP-4844 and EIP-7702 transactions cannot create contracts: `to` is a 20-byte address.
    if matches!(tx_type, TxType::Eip4844 | TxType::Eip7702) && to.is_none() {
        return Err(SpvError::InvalidField { what, field: "to" });
    }
    Ok(Transaction {
        tx_type,
        chain_id: Some(chain_id),
        nonce,
        to,
        value,
        input,
        hash,
    })
}

/// EIP-2930 access list: `[[address, [storage_key, …]], …]`.
fn check_access_list(payload: &[u8], what: &'static str) -> Result<(), SpvError> {
    let mut entries = Fields::of_payload(payload, what, None);
    while !entries.is_empty() {
        let mut entry = Fields::of_payload(entries.list_payload()?, what, None);
        let _address = entry.next::<Address>()?;
        let mut keys = Fields::of_payload(entry.list_payload()?, what, None);
        while !keys.is_empty() {
            let _key = keys.next::<B256>()?;
        }
        entry.finish()?;
    }
    Ok(())
}

/// EIP-7702 authorization list: non-empty `[[chain_id, address, nonce, y_parity, r, s], …]`.
fn check_authorization_list(payload: &[u8], what: &'static str) -> Result<(), SpvError> {
    let mut entries = Fields::of_payload(payload, what, None);
    if entries.is_empty() {
        return Err(SpvError::InvalidField {
            what,
            field: "authorization_list",
        });
    }
    while !entries.is_empty() {
        let mut tuple = Fields::of_payload(entries.list_payload()?, what, None);
        let _chain_id = tuple.next::<U256>()?;
        let _address = tuple.next::<Address>()?;
        let _nonce = tuple.next::<u64>()?;
        let y_parity = tuple.next::<u64>()?;
        let _r = tuple.next::<U256>()?;
        let _s = tuple.next::<U256>()?;
        tuple.finish()?;
        if y_parity > 1 {
            return Err(SpvError::InvalidField {
                what,
                field: "authorization y_parity",
            });
        }
    }
    Ok(())
}

/// A transaction proven to be at an index of a transactions trie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenTransaction {
    transactions_root: B256,
    index: u64,
    transaction: Transaction,
}

impl ProvenTransaction {
    /// The root the proof was checked against.
    pub const fn transactions_root(&self) -> B256 {
        self.transactions_root
    }

    /// The transaction's index in its block.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// The decoded transaction.
    pub const fn transaction(&self) -> &Transaction {
        &self.transaction
    }

    /// Turns the proof into a claim about the light client's verified block: `header` must be the
    /// verified block's header (its recomputed hash equal to `facts.block_hash`), and its
    /// transactions root the root this proof was checked against.
    ///
    /// # Errors
    /// The header is not the verified one, or its transactions root differs.
    pub fn claim(
        &self,
        header: &SealedExecutionHeader,
        facts: &ExecutionHeaderFacts,
    ) -> Result<Verified<TransactionClaim>, SpvError> {
        header.check_against(facts)?;
        let verified = header.header().transactions_root;
        if verified != self.transactions_root {
            return Err(SpvError::AnchorMismatch {
                field: "transactions_root",
                proven: self.transactions_root,
                verified,
            });
        }
        Ok(Verified::new(TransactionClaim {
            block_number: facts.block_number,
            block_hash: facts.block_hash,
            transaction_index: self.index,
            transaction_hash: self.transaction.hash,
            tx_type: self.transaction.tx_type,
        }))
    }
}

/// Verifies that `raw` (decoded as a transaction) is at `index` of the trie with root
/// `transactions_root`.
///
/// # Errors
/// `raw` is not a transaction; the proof is malformed or proves something else.
pub fn verify_transaction_proof(
    transactions_root: B256,
    index: u64,
    raw: &[u8],
    proof: &[Bytes],
) -> Result<ProvenTransaction, SpvError> {
    let transaction = Transaction::decode(raw)?;
    verify_inclusion(
        TrieKind::Transactions,
        TrieKey::Index(index),
        transactions_root,
        &index_key(index),
        raw,
        proof,
    )?;
    Ok(ProvenTransaction {
        transactions_root,
        index,
        transaction,
    })
}

/// Decodes every raw transaction of a block (checking each is a transaction) and rebuilds the
/// transactions root, retaining the proof of `target` if given.
///
/// # Errors
/// A transaction is malformed, too many transactions, `target` out of range.
pub fn transactions_trie<T: AsRef<[u8]>>(
    raw_transactions: &[T],
    target: Option<u64>,
) -> Result<OrderedTrie, SpvError> {
    for (index, raw) in raw_transactions.iter().enumerate() {
        Transaction::decode(raw.as_ref()).map_err(|error| SpvError::InTransaction {
            index,
            source: Box::new(error),
        })?;
    }
    OrderedTrie::build(TrieKind::Transactions, raw_transactions, target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_rlp::{Encodable, Header};

    fn list(items: &[&dyn Encodable]) -> Vec<u8> {
        let mut payload = Vec::new();
        for item in items {
            item.encode(&mut payload);
        }
        let mut out = Vec::new();
        Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut out);
        out.extend_from_slice(&payload);
        out
    }

    /// An RLP item that is already encoded.
    struct Raw(Vec<u8>);
    impl Encodable for Raw {
        fn encode(&self, out: &mut dyn alloy_rlp::BufMut) {
            out.put_slice(&self.0);
        }
        fn length(&self) -> usize {
            self.0.len()
        }
    }

    fn access_list() -> Raw {
        let keys = list(&[&B256::repeat_byte(9)]);
        let entry = list(&[&Address::repeat_byte(8), &Raw(keys)]);
        Raw(list(&[&Raw(entry)]))
    }

    fn typed(ty: u8, fields: &[&dyn Encodable]) -> Vec<u8> {
        let mut out = vec![ty];
        out.extend(list(fields));
        out
    }

    pub(crate) fn samples() -> Vec<(TxType, Vec<u8>)> {
        let to = Address::repeat_byte(1);
        let one = U256::from(1);
        let data = Bytes::from_static(b"\x12\x34");
        let sig = U256::from(7);
        let legacy_155 = list(&[&0u64, &one, &21000u64, &to, &one, &data, &37u64, &sig, &sig]);
        let legacy = list(&[
            &0u64,
            &one,
            &21000u64,
            &Bytes::new(),
            &one,
            &data,
            &27u64,
            &sig,
            &sig,
        ]);
        let t1 = typed(
            1,
            &[
                &1u64,
                &0u64,
                &one,
                &21000u64,
                &to,
                &one,
                &data,
                &access_list(),
                &1u64,
                &sig,
                &sig,
            ],
        );
        let t2 = typed(
            2,
            &[
                &1u64,
                &0u64,
                &one,
                &one,
                &21000u64,
                &to,
                &one,
                &data,
                &access_list(),
                &0u64,
                &sig,
                &sig,
            ],
        );
        let blobs = Raw(list(&[&B256::repeat_byte(1)]));
        let t3 = typed(
            3,
            &[
                &1u64,
                &0u64,
                &one,
                &one,
                &21000u64,
                &to,
                &one,
                &data,
                &access_list(),
                &one,
                &blobs,
                &0u64,
                &sig,
                &sig,
            ],
        );
        let auth = Raw(list(&[&Raw(list(&[&one, &to, &0u64, &1u64, &sig, &sig]))]));
        let t4 = typed(
            4,
            &[
                &1u64,
                &0u64,
                &one,
                &one,
                &21000u64,
                &to,
                &one,
                &data,
                &access_list(),
                &auth,
                &0u64,
                &sig,
                &sig,
            ],
        );
        vec![
            (TxType::Legacy, legacy),
            (TxType::Legacy, legacy_155),
            (TxType::Eip2930, t1),
            (TxType::Eip1559, t2),
            (TxType::Eip4844, t3),
            (TxType::Eip7702, t4),
        ]
    }

    #[test]
    fn every_type_decodes_and_is_proven() {
        let samples = samples();
        let raws: Vec<&Vec<u8>> = samples.iter().map(|(_, raw)| raw).collect();
        for (index, (ty, raw)) in samples.iter().enumerate() {
            let tx = Transaction::decode(raw).unwrap();
            assert_eq!(tx.tx_type, *ty);
            assert_eq!(tx.hash, keccak256(raw));
            let index = u64::try_from(index).unwrap();
            let trie = transactions_trie(&raws, Some(index)).unwrap();
            let proven =
                verify_transaction_proof(trie.root(), index, raw, trie.proof().unwrap()).unwrap();
            assert_eq!(proven.transaction(), &tx);
        }
        let legacy = Transaction::decode(&samples[0].1).unwrap();
        assert_eq!((legacy.chain_id, legacy.to), (None, None));
        assert_eq!(
            Transaction::decode(&samples[1].1).unwrap().chain_id,
            Some(1)
        );
    }

    #[test]
    fn a_malformed_transaction_of_a_block_is_named() {
        let mut raws: Vec<Vec<u8>> = samples().into_iter().map(|(_, raw)| raw).collect();
        raws[4].push(0);
        assert!(matches!(
            transactions_trie(&raws, None),
            Err(SpvError::InTransaction { index: 4, source }) if matches!(*source, SpvError::TrailingBytes { .. })
        ));
    }

    #[test]
    fn malformed_transactions_are_rejected() {
        let samples = samples();
        assert_eq!(
            Transaction::decode(&[0x05, 0xc0]),
            Err(SpvError::UnknownType { what: WHAT, ty: 5 })
        );
        let mut trailing = samples[3].1.clone();
        trailing.push(0);
        assert!(matches!(
            Transaction::decode(&trailing),
            Err(SpvError::TrailingBytes { .. })
        ));
        // A legacy transaction with v = 30 has neither a pre-EIP-155 nor an EIP-155 value.
        let sig = U256::from(7);
        let bad_v = list(&[
            &0u64,
            &sig,
            &1u64,
            &Bytes::new(),
            &sig,
            &Bytes::new(),
            &30u64,
            &sig,
            &sig,
        ]);
        assert_eq!(
            Transaction::decode(&bad_v),
            Err(SpvError::InvalidField {
                what: "legacy transaction",
                field: "v"
            })
        );
        for (_, raw) in &samples {
            for cut in 1..raw.len() {
                assert!(Transaction::decode(&raw[..cut]).is_err());
            }
        }
    }
}
