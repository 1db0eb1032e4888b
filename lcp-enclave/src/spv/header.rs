//! Execution block headers: the RLP header of every fork, its hash recomputed from the fields, and
//! the link between a header and the light client's verified execution payload header.
//!
//! A header is trusted only through its hash: the light client verifies (inside the beacon block)
//! the payload's `block_hash`, and `keccak256(rlp(header))` equal to it proves every header field,
//! in particular the transactions root, which the payload header does not carry as an MPT root.

use super::{
    error::SpvError,
    json::Obj,
    rlp::Fields,
    trie::{MAX_WITHDRAWALS_PER_BLOCK, OrderedTrie},
};
use crate::spv::error::TrieKind;
use alloy_primitives::{Address, B64, B256, Bloom, Bytes, U256, keccak256};
use alloy_rlp::{Encodable, Header};
use serde_json::Value;

/// `MAX_EXTRA_DATA_BYTES = 2**5` (consensus-specs bellatrix/beacon-chain.md; yellow paper eq. 57).
pub const MAX_EXTRA_DATA_BYTES: usize = 32;

/// The largest RLP header of the forks known here: list header 3, seven hashes at 33, beneficiary
/// 21, bloom 259, difficulty and base fee at 33, extra data 33, nonce 9, six `u64` at 9.
pub const MAX_HEADER_BYTES: usize = 3 + 7 * 33 + 21 + 259 + 2 * 33 + 33 + 9 + 6 * 9;

/// An execution block header with every field of every fork up to Prague/Osaka. Fields introduced
/// by a fork are `Some` from that fork on; they are present as a prefix of the fork order
/// (London base fee, Shanghai withdrawals root, Cancun blob gas and parent beacon root, Prague
/// requests hash), since RLP cannot encode a later field without the earlier ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionHeader {
    /// Hash of the parent block.
    pub parent_hash: B256,
    /// Hash of the ommers list (the empty list's hash since the merge).
    pub ommers_hash: B256,
    /// The fee recipient (`miner` in JSON-RPC).
    pub beneficiary: Address,
    /// Root of the state trie after the block.
    pub state_root: B256,
    /// Root of the transactions trie.
    pub transactions_root: B256,
    /// Root of the receipts trie.
    pub receipts_root: B256,
    /// Bloom filter of the block's logs.
    pub logs_bloom: Bloom,
    /// Proof-of-work difficulty (zero since the merge).
    pub difficulty: U256,
    /// Block number.
    pub number: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Unix timestamp, seconds.
    pub timestamp: u64,
    /// Extra data, at most [`MAX_EXTRA_DATA_BYTES`].
    pub extra_data: Bytes,
    /// Mix hash (`prev_randao` since the merge).
    pub mix_hash: B256,
    /// Proof-of-work nonce (zero since the merge).
    pub nonce: B64,
    /// EIP-1559 base fee (London).
    pub base_fee_per_gas: Option<U256>,
    /// EIP-4895 withdrawals root (Shanghai).
    pub withdrawals_root: Option<B256>,
    /// EIP-4844 blob gas used (Cancun).
    pub blob_gas_used: Option<u64>,
    /// EIP-4844 excess blob gas (Cancun).
    pub excess_blob_gas: Option<u64>,
    /// EIP-4788 parent beacon block root (Cancun).
    pub parent_beacon_block_root: Option<B256>,
    /// EIP-7685 requests hash (Prague).
    pub requests_hash: Option<B256>,
}

/// Names of the fork fields, in fork order.
const FORK_FIELDS: [&str; 6] = [
    "baseFeePerGas",
    "withdrawalsRoot",
    "blobGasUsed",
    "excessBlobGas",
    "parentBeaconBlockRoot",
    "requestsHash",
];

impl ExecutionHeader {
    fn fork_field_presence(&self) -> [bool; 6] {
        [
            self.base_fee_per_gas.is_some(),
            self.withdrawals_root.is_some(),
            self.blob_gas_used.is_some(),
            self.excess_blob_gas.is_some(),
            self.parent_beacon_block_root.is_some(),
            self.requests_hash.is_some(),
        ]
    }

    /// Checks that the fork fields present form a prefix of the fork order and that extra data
    /// is within its limit.
    ///
    /// # Errors
    /// [`SpvError::ForkFieldGap`] naming the first field present after an absent one;
    /// [`SpvError::TooLarge`] for extra data.
    pub fn check_well_formed(&self) -> Result<(), SpvError> {
        if self.extra_data.len() > MAX_EXTRA_DATA_BYTES {
            return Err(SpvError::TooLarge {
                what: "extraData",
                size: self.extra_data.len(),
                max: MAX_EXTRA_DATA_BYTES,
            });
        }
        let present = self.fork_field_presence();
        let mut missing: Option<&'static str> = None;
        for (is_present, name) in present.iter().zip(FORK_FIELDS) {
            match (is_present, missing) {
                (true, Some(missing)) => {
                    return Err(SpvError::ForkFieldGap {
                        field: name,
                        missing,
                    });
                }
                (false, None) => missing = Some(name),
                _ => {}
            }
        }
        Ok(())
    }

    /// The fields in RLP order, each encoded.
    fn encode_fields(&self, out: &mut Vec<u8>) {
        self.parent_hash.encode(out);
        self.ommers_hash.encode(out);
        self.beneficiary.encode(out);
        self.state_root.encode(out);
        self.transactions_root.encode(out);
        self.receipts_root.encode(out);
        self.logs_bloom.encode(out);
        self.difficulty.encode(out);
        self.number.encode(out);
        self.gas_limit.encode(out);
        self.gas_used.encode(out);
        self.timestamp.encode(out);
        self.extra_data.encode(out);
        self.mix_hash.encode(out);
        self.nonce.encode(out);
        // check_well_formed guarantees the present fields are a prefix.
        if let Some(base_fee) = &self.base_fee_per_gas {
            base_fee.encode(out);
        }
        if let Some(root) = &self.withdrawals_root {
            root.encode(out);
        }
        if let Some(gas) = &self.blob_gas_used {
            gas.encode(out);
        }
        if let Some(gas) = &self.excess_blob_gas {
            gas.encode(out);
        }
        if let Some(root) = &self.parent_beacon_block_root {
            root.encode(out);
        }
        if let Some(hash) = &self.requests_hash {
            hash.encode(out);
        }
    }

    /// The RLP encoding of the header (yellow paper eq. 33 with the fields of EIP-1559, -4895,
    /// -4844, -4788 and -7685 appended).
    ///
    /// # Errors
    /// The header is not well formed ([`Self::check_well_formed`]).
    pub fn encode_rlp(&self) -> Result<Vec<u8>, SpvError> {
        self.check_well_formed()?;
        let mut payload = Vec::with_capacity(MAX_HEADER_BYTES);
        self.encode_fields(&mut payload);
        let mut out = Vec::with_capacity(payload.len().saturating_add(3));
        Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut out);
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Decodes an RLP header of any fork up to Prague/Osaka.
    ///
    /// # Errors
    /// Larger than [`MAX_HEADER_BYTES`], malformed or non-canonical RLP, unknown trailing fields.
    pub fn decode_rlp(bytes: &[u8]) -> Result<Self, SpvError> {
        if bytes.len() > MAX_HEADER_BYTES {
            return Err(SpvError::TooLarge {
                what: "header",
                size: bytes.len(),
                max: MAX_HEADER_BYTES,
            });
        }
        let mut fields = Fields::of_list(bytes, "header")?;
        let mut header = Self {
            parent_hash: fields.next()?,
            ommers_hash: fields.next()?,
            beneficiary: fields.next()?,
            state_root: fields.next()?,
            transactions_root: fields.next()?,
            receipts_root: fields.next()?,
            logs_bloom: fields.next()?,
            difficulty: fields.next()?,
            number: fields.next()?,
            gas_limit: fields.next()?,
            gas_used: fields.next()?,
            timestamp: fields.next()?,
            extra_data: fields.bytes()?,
            mix_hash: fields.next()?,
            nonce: fields.next()?,
            base_fee_per_gas: None,
            withdrawals_root: None,
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
        };
        if !fields.is_empty() {
            header.base_fee_per_gas = Some(fields.next()?);
        }
        if !fields.is_empty() {
            header.withdrawals_root = Some(fields.next()?);
        }
        if !fields.is_empty() {
            header.blob_gas_used = Some(fields.next()?);
        }
        if !fields.is_empty() {
            header.excess_blob_gas = Some(fields.next()?);
        }
        if !fields.is_empty() {
            header.parent_beacon_block_root = Some(fields.next()?);
        }
        if !fields.is_empty() {
            header.requests_hash = Some(fields.next()?);
        }
        fields.finish()?;
        header.check_well_formed()?;
        Ok(header)
    }

    /// Reads the header fields of an `eth_getBlockByNumber`/`eth_getBlockByHash` result. The
    /// `hash` field is not read here: see [`SealedExecutionHeader::from_rpc_json`].
    ///
    /// # Errors
    /// A field is missing or malformed, or fork fields have a gap.
    pub fn from_rpc_json(block: &Value) -> Result<Self, SpvError> {
        let obj = Obj::new(block, "block", None)?;
        let header = Self {
            parent_hash: obj.b256("parentHash")?,
            ommers_hash: obj.b256("sha3Uncles")?,
            beneficiary: obj.address("miner")?,
            state_root: obj.b256("stateRoot")?,
            transactions_root: obj.b256("transactionsRoot")?,
            receipts_root: obj.b256("receiptsRoot")?,
            logs_bloom: obj.bloom("logsBloom")?,
            difficulty: obj.quantity_u256("difficulty")?,
            number: obj.quantity_u64("number")?,
            gas_limit: obj.quantity_u64("gasLimit")?,
            gas_used: obj.quantity_u64("gasUsed")?,
            timestamp: obj.quantity_u64("timestamp")?,
            extra_data: obj.bytes("extraData", MAX_EXTRA_DATA_BYTES)?,
            mix_hash: obj.b256("mixHash")?,
            nonce: B64::from(obj.fixed::<8>("nonce")?),
            base_fee_per_gas: obj.opt_quantity_u256("baseFeePerGas")?,
            withdrawals_root: obj.opt_b256("withdrawalsRoot")?,
            blob_gas_used: obj.opt_quantity_u64("blobGasUsed")?,
            excess_blob_gas: obj.opt_quantity_u64("excessBlobGas")?,
            parent_beacon_block_root: obj.opt_b256("parentBeaconBlockRoot")?,
            requests_hash: obj.opt_b256("requestsHash")?,
        };
        header.check_well_formed()?;
        Ok(header)
    }
}

/// A header together with the hash computed from its fields. The hash is never taken from input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedExecutionHeader {
    header: ExecutionHeader,
    hash: B256,
}

impl SealedExecutionHeader {
    /// Computes the block hash, `keccak256(rlp(header))`.
    ///
    /// # Errors
    /// The header is not well formed.
    pub fn seal(header: ExecutionHeader) -> Result<Self, SpvError> {
        let hash = keccak256(header.encode_rlp()?);
        Ok(Self { header, hash })
    }

    /// Decodes an RLP header and hashes the input bytes (which, being canonical, are the encoding).
    ///
    /// # Errors
    /// See [`ExecutionHeader::decode_rlp`].
    pub fn decode_rlp(bytes: &[u8]) -> Result<Self, SpvError> {
        let header = ExecutionHeader::decode_rlp(bytes)?;
        Ok(Self {
            header,
            hash: keccak256(bytes),
        })
    }

    /// Reads an `eth_getBlockBy*` result, recomputes the block hash from the fields and, when the
    /// response carries `hash` or `withdrawals`, requires them to agree with the recomputation.
    ///
    /// # Errors
    /// A field is malformed; the claimed hash differs ([`SpvError::BlockHashMismatch`]); the
    /// withdrawals do not rebuild the withdrawals root ([`SpvError::RootMismatch`]).
    pub fn from_rpc_json(block: &Value) -> Result<Self, SpvError> {
        let header = ExecutionHeader::from_rpc_json(block)?;
        let sealed = Self::seal(header)?;
        let obj = Obj::new(block, "block", None)?;
        if let Some(claimed) = obj.opt_b256("hash")?
            && claimed != sealed.hash
        {
            return Err(SpvError::BlockHashMismatch {
                number: sealed.header.number,
                claimed,
                computed: sealed.hash,
            });
        }
        if obj.get("withdrawals").is_some() {
            let items = obj.array("withdrawals", MAX_WITHDRAWALS_PER_BLOCK)?;
            let withdrawals = items
                .iter()
                .enumerate()
                .map(|(index, item)| Withdrawal::from_rpc_json(item, index))
                .collect::<Result<Vec<_>, _>>()?;
            let expected = sealed
                .header
                .withdrawals_root
                .ok_or(SpvError::ForkFieldGap {
                    field: "withdrawals",
                    missing: "withdrawalsRoot",
                })?;
            check_withdrawals_root(&withdrawals, expected)?;
        }
        Ok(sealed)
    }

    /// The header.
    pub const fn header(&self) -> &ExecutionHeader {
        &self.header
    }

    /// The block hash computed from the header.
    pub const fn hash(&self) -> B256 {
        self.hash
    }

    /// The facts of this header in the light client's terms.
    pub const fn facts(&self) -> ExecutionHeaderFacts {
        ExecutionHeaderFacts {
            block_number: self.header.number,
            block_hash: self.hash,
            state_root: self.header.state_root,
            receipts_root: self.header.receipts_root,
            timestamp: self.header.timestamp,
        }
    }

    /// Requires this header to be the one the light client verified: same block hash (which
    /// implies every field), and, as a guard against a light client mapping bug, the same number,
    /// state root, receipts root and timestamp.
    ///
    /// # Errors
    /// [`SpvError::HeaderFieldMismatch`] or [`SpvError::BlockNumberMismatch`] naming the field.
    pub fn check_against(&self, facts: &ExecutionHeaderFacts) -> Result<(), SpvError> {
        let mine = self.facts();
        for (field, expected, got) in [
            ("block_hash", facts.block_hash, mine.block_hash),
            ("state_root", facts.state_root, mine.state_root),
            ("receipts_root", facts.receipts_root, mine.receipts_root),
        ] {
            if expected != got {
                return Err(SpvError::HeaderFieldMismatch {
                    field,
                    expected,
                    got,
                });
            }
        }
        if facts.block_number != mine.block_number {
            return Err(SpvError::BlockNumberMismatch {
                expected: facts.block_number,
                got: mine.block_number,
            });
        }
        if facts.timestamp != mine.timestamp {
            return Err(SpvError::HeaderFieldMismatch {
                field: "timestamp",
                expected: B256::from(U256::from(facts.timestamp)),
                got: B256::from(U256::from(mine.timestamp)),
            });
        }
        Ok(())
    }
}

/// What the light client knows about an execution block, taken from a verified beacon block's
/// `ExecutionPayloadHeader` (consensus-specs capella/beacon-chain.md and later): the anchors every
/// SPV proof is checked against.
///
/// The light client fills this from its verified store; SPV never builds it from untrusted input
/// except through [`SealedExecutionHeader::facts`], whose hash is recomputed. The payload header's
/// `transactions_root` is an SSZ root, not the MPT root: transaction proofs reach the MPT root
/// through a [`SealedExecutionHeader`] that [`SealedExecutionHeader::check_against`] these facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecutionHeaderFacts {
    /// `block_number`.
    pub block_number: u64,
    /// `block_hash`.
    pub block_hash: B256,
    /// `state_root`.
    pub state_root: B256,
    /// `receipts_root`.
    pub receipts_root: B256,
    /// `timestamp`.
    pub timestamp: u64,
}

/// An EIP-4895 withdrawal, as the execution layer encodes it in the withdrawals trie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Withdrawal {
    /// Monotonic withdrawal index.
    pub index: u64,
    /// The validator's index.
    pub validator_index: u64,
    /// Recipient.
    pub address: Address,
    /// Amount in gwei.
    pub amount: u64,
}

impl Withdrawal {
    /// `rlp([index, validator_index, address, amount])` (EIP-4895).
    pub fn encode_rlp(&self) -> Vec<u8> {
        let mut payload = Vec::with_capacity(48);
        self.index.encode(&mut payload);
        self.validator_index.encode(&mut payload);
        self.address.encode(&mut payload);
        self.amount.encode(&mut payload);
        let mut out = Vec::with_capacity(payload.len().saturating_add(1));
        Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut out);
        out.extend_from_slice(&payload);
        out
    }

    /// Reads a JSON-RPC withdrawal (`index`, `validatorIndex`, `address`, `amount` as quantities).
    ///
    /// # Errors
    /// A field is missing or malformed.
    pub fn from_rpc_json(value: &Value, position: usize) -> Result<Self, SpvError> {
        let obj = Obj::new(value, "withdrawal", Some(position))?;
        Ok(Self {
            index: obj.quantity_u64("index")?,
            validator_index: obj.quantity_u64("validatorIndex")?,
            address: obj.address("address")?,
            amount: obj.quantity_u64("amount")?,
        })
    }

    /// Reads a Beacon-API withdrawal (`index`, `validator_index`, `address`, `amount` as decimals).
    ///
    /// # Errors
    /// A field is missing or malformed.
    pub fn from_beacon_json(value: &Value, position: usize) -> Result<Self, SpvError> {
        let obj = Obj::new(value, "withdrawal", Some(position))?;
        Ok(Self {
            index: obj.decimal_u64("index")?,
            validator_index: obj.decimal_u64("validator_index")?,
            address: obj.address("address")?,
            amount: obj.decimal_u64("amount")?,
        })
    }
}

/// The withdrawals trie root of a list of withdrawals.
///
/// # Errors
/// More than [`MAX_WITHDRAWALS_PER_BLOCK`] withdrawals.
pub fn withdrawals_root(withdrawals: &[Withdrawal]) -> Result<B256, SpvError> {
    let encoded: Vec<Vec<u8>> = withdrawals.iter().map(Withdrawal::encode_rlp).collect();
    Ok(OrderedTrie::build(TrieKind::Withdrawals, &encoded, None)?.root())
}

fn check_withdrawals_root(withdrawals: &[Withdrawal], expected: B256) -> Result<(), SpvError> {
    let computed = withdrawals_root(withdrawals)?;
    if computed != expected {
        return Err(SpvError::RootMismatch {
            trie: TrieKind::Withdrawals,
            count: withdrawals.len(),
            expected,
            computed,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> ExecutionHeader {
        ExecutionHeader {
            parent_hash: B256::repeat_byte(1),
            ommers_hash: B256::repeat_byte(2),
            beneficiary: Address::repeat_byte(3),
            state_root: B256::repeat_byte(4),
            transactions_root: B256::repeat_byte(5),
            receipts_root: B256::repeat_byte(6),
            logs_bloom: Bloom::repeat_byte(7),
            difficulty: U256::from(8),
            number: 9,
            gas_limit: 10,
            gas_used: 11,
            timestamp: 12,
            extra_data: Bytes::from_static(b"x"),
            mix_hash: B256::repeat_byte(13),
            nonce: B64::repeat_byte(14),
            base_fee_per_gas: Some(U256::from(15)),
            withdrawals_root: None,
            blob_gas_used: None,
            excess_blob_gas: None,
            parent_beacon_block_root: None,
            requests_hash: None,
        }
    }

    #[test]
    fn every_fork_round_trips() {
        let mut header = london();
        header.base_fee_per_gas = None;
        let mut forks = vec![header.clone()];
        header.base_fee_per_gas = Some(U256::from(15));
        forks.push(header.clone());
        header.withdrawals_root = Some(B256::repeat_byte(16));
        forks.push(header.clone());
        header.blob_gas_used = Some(17);
        header.excess_blob_gas = Some(18);
        header.parent_beacon_block_root = Some(B256::repeat_byte(19));
        forks.push(header.clone());
        header.requests_hash = Some(B256::repeat_byte(20));
        forks.push(header);
        for header in forks {
            let encoded = header.encode_rlp().unwrap();
            assert!(encoded.len() <= MAX_HEADER_BYTES);
            assert_eq!(ExecutionHeader::decode_rlp(&encoded).unwrap(), header);
            let sealed = SealedExecutionHeader::decode_rlp(&encoded).unwrap();
            assert_eq!(sealed, SealedExecutionHeader::seal(header).unwrap());
        }
    }

    #[test]
    fn fork_field_gap_is_rejected() {
        let mut header = london();
        header.parent_beacon_block_root = Some(B256::ZERO);
        assert_eq!(
            header.encode_rlp(),
            Err(SpvError::ForkFieldGap {
                field: "parentBeaconBlockRoot",
                missing: "withdrawalsRoot"
            })
        );
    }

    #[test]
    fn trailing_field_is_rejected() {
        let mut header = london();
        header.withdrawals_root = Some(B256::ZERO);
        header.blob_gas_used = Some(0);
        header.excess_blob_gas = Some(0);
        header.parent_beacon_block_root = Some(B256::ZERO);
        header.requests_hash = Some(B256::ZERO);
        let mut payload = Vec::new();
        header.encode_fields(&mut payload);
        B256::ZERO.encode(&mut payload);
        let mut encoded = Vec::new();
        Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut encoded);
        encoded.extend_from_slice(&payload);
        assert!(matches!(
            ExecutionHeader::decode_rlp(&encoded),
            Err(SpvError::TooLarge { .. } | SpvError::Rlp { .. })
        ));
    }
}
