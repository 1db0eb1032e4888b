//! Transaction claims of a finalized block from its beacon block: the execution payload gives the
//! header (whose hash the enclave recomputes and compares with the light client's block hash) and
//! the transactions, from which the transactions trie and each proof are built.

use alloy_primitives::Bytes;
use lcp_enclave::service::protocol::ClaimItem;
use lcp_enclave::spv::SpvError;
use lcp_enclave::spv::payload::payload_of_beacon_block;
use lcp_enclave::spv::transaction::transactions_trie;
use serde_json::Value;

/// Why claims could not be built from a beacon block.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionClaimError {
    /// The block, its payload or its header does not decode, or its hash does not recompute.
    #[error("beacon block: {0}")]
    Block(#[source] Box<SpvError>),
    /// The block has fewer transactions.
    #[error("transaction index {index} out of range: the block has {count}")]
    IndexOutOfRange {
        /// Requested.
        index: u64,
        /// Transactions in the block.
        count: usize,
    },
    /// The trie yielded no proof (never for an index in range).
    #[error("no proof for transaction {index}")]
    NoProof {
        /// Requested.
        index: u64,
    },
}

impl From<SpvError> for TransactionClaimError {
    fn from(error: SpvError) -> Self {
        TransactionClaimError::Block(Box::new(error))
    }
}

/// One `ClaimItem::Transaction` per index of the beacon block `block` (Beacon-API JSON).
///
/// # Errors
/// [`TransactionClaimError`].
pub fn transaction_claims(
    block: &Value,
    indices: &[u64],
) -> Result<Vec<ClaimItem>, TransactionClaimError> {
    let (payload, _) = payload_of_beacon_block(block)?;
    let sealed = payload.verify_block_hash(None, None)?;
    let header_rlp = Bytes::from(sealed.header().encode_rlp()?);
    let count = payload.transactions.len();
    indices
        .iter()
        .map(|&index| {
            let transaction = usize::try_from(index)
                .ok()
                .and_then(|i| payload.transactions.get(i))
                .ok_or(TransactionClaimError::IndexOutOfRange { index, count })?;
            let trie = transactions_trie(&payload.transactions, Some(index))?;
            let proof = trie
                .proof()
                .ok_or(TransactionClaimError::NoProof { index })?
                .to_vec();
            Ok(ClaimItem::Transaction {
                header_rlp: header_rlp.clone(),
                transaction_index: index,
                transaction: transaction.clone(),
                proof,
            })
        })
        .collect()
}
