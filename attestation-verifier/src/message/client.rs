//! A reference model of `LCPClient`'s state machine: the same rules as the contract, in memory, so
//! differential tests can drive both with the same messages and compare outcomes. Time is an argument.
//!
//! Only the verification side is modelled (key registration is [`super::binding`] plus an insert):
//! initialise from the trusted root, continue the state chain, store finalized block hashes, freeze on
//! conflicting threshold-signed updates, verify claims against stored blocks.

use std::collections::{BTreeMap, HashMap};

use alloy_primitives::{Address, B256};

use super::Error;
use super::encode::{Domain, decode_message, signing_digest};
use super::layout::{
    AccountClaim, BatchClaims, ReceiptLogClaim, StorageClaim, TransactionClaim, UpdateState,
};
use super::merkle::{Claim, leaf_hash, verify_proof};
use super::verify::{KeyRegistry, RegisteredKey, check_continuity, verify_signatures};
use crate::time::UnixSeconds;

/// What `updateState` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// The state moved to `postStateId`.
    Applied,
    /// The update named a stored block number with another hash: the client froze, the state did not move.
    Frozen,
}

/// The client: deployment parameters, registered keys and state.
#[derive(Clone, Debug)]
pub struct Client {
    domain: Domain,
    trusted_root: B256,
    threshold: usize,
    keys: HashMap<Address, RegisteredKey>,
    state_id: B256,
    block_hashes: BTreeMap<u64, B256>,
    frozen: bool,
}

impl KeyRegistry for Client {
    fn enclave_key(&self, key: Address) -> Option<RegisteredKey> {
        self.keys.get(&key).copied()
    }
}

impl Client {
    /// A new, uninitialised client for `domain` trusting `trusted_root`, requiring `threshold` operators.
    pub fn new(domain: Domain, trusted_root: B256, threshold: usize) -> Client {
        Client {
            domain,
            trusted_root,
            threshold,
            keys: HashMap::new(),
            state_id: B256::ZERO,
            block_hashes: BTreeMap::new(),
            frozen: false,
        }
    }

    /// Registers (or refreshes) an enclave key whose attestation binding was checked.
    pub fn register_key(&mut self, key: Address, registration: RegisteredKey) {
        self.keys.insert(key, registration);
    }

    /// The current state id (zero before initialisation).
    pub fn state_id(&self) -> B256 {
        self.state_id
    }

    /// The stored hash of `block_number`.
    pub fn block_hash(&self, block_number: u64) -> Option<B256> {
        self.block_hashes.get(&block_number).copied()
    }

    /// Whether misbehaviour froze the client.
    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    fn verified_update(
        &self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<UpdateState, Error> {
        if self.frozen {
            return Err(Error::ClientFrozen);
        }
        let update: UpdateState = decode_message(self.domain, message)?;
        verify_signatures(
            signing_digest(message),
            signatures,
            self,
            self.threshold,
            now,
        )?;
        if update.postStateId.is_zero() {
            return Err(Error::ZeroPostState);
        }
        if update.blockHash.is_zero() {
            return Err(Error::ZeroBlockHash {
                block_number: update.blockNumber,
            });
        }
        Ok(update)
    }

    /// `LCPClient._apply`: a conflicting hash freezes first; an update that moves nothing is
    /// refused ([`Error::NoStateChange`]).
    fn apply(&mut self, update: &UpdateState) -> Result<UpdateOutcome, Error> {
        let stored = self.block_hashes.get(&update.blockNumber).copied();
        if stored.is_some_and(|stored| stored != update.blockHash) {
            self.frozen = true;
            return Ok(UpdateOutcome::Frozen);
        }
        if update.postStateId == update.prevStateId {
            return Err(Error::NoStateChange {
                state_id: update.postStateId,
            });
        }
        if stored.is_none() {
            self.block_hashes
                .insert(update.blockNumber, update.blockHash);
        }
        self.state_id = update.postStateId;
        Ok(UpdateOutcome::Applied)
    }

    /// `LCPClient.initialize`.
    ///
    /// # Errors
    /// [`Error::ClientFrozen`], [`Error::AlreadyInitialized`], message, signature and continuity errors.
    pub fn initialize(
        &mut self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<UpdateOutcome, Error> {
        if self.frozen {
            return Err(Error::ClientFrozen);
        }
        if !self.state_id.is_zero() {
            return Err(Error::AlreadyInitialized {
                state_id: self.state_id,
            });
        }
        let update = self.verified_update(message, signatures, now)?;
        check_continuity(B256::ZERO, self.trusted_root, &update)?;
        self.apply(&update)
    }

    /// `LCPClient.updateState`.
    ///
    /// # Errors
    /// [`Error::ClientFrozen`], [`Error::NotInitialized`], message, signature and continuity errors.
    pub fn update_state(
        &mut self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<UpdateOutcome, Error> {
        if self.frozen {
            return Err(Error::ClientFrozen);
        }
        if self.state_id.is_zero() {
            return Err(Error::NotInitialized);
        }
        let update = self.verified_update(message, signatures, now)?;
        check_continuity(self.state_id, self.trusted_root, &update)?;
        self.apply(&update)
    }

    /// `LCPClient.submitMisbehaviour`: freezes on two threshold-signed updates for the same slot with
    /// different finalized headers, or for the same block number with different hashes.
    ///
    /// # Errors
    /// [`Error::ClientFrozen`], message and signature errors, [`Error::NoConflict`].
    pub fn submit_misbehaviour(
        &mut self,
        message_a: &[u8],
        signatures_a: &[u8],
        message_b: &[u8],
        signatures_b: &[u8],
        now: UnixSeconds,
    ) -> Result<(), Error> {
        let a = self.verified_update(message_a, signatures_a, now)?;
        let b = self.verified_update(message_b, signatures_b, now)?;
        let header = |u: &UpdateState| {
            (
                u.finalizedBeaconRoot,
                u.blockNumber,
                u.blockHash,
                u.stateRoot,
                u.receiptsRoot,
                u.timestamp,
            )
        };
        let same_slot_conflict = a.finalizedSlot == b.finalizedSlot && header(&a) != header(&b);
        let same_block_conflict = a.blockNumber == b.blockNumber && a.blockHash != b.blockHash;
        if !same_slot_conflict && !same_block_conflict {
            return Err(Error::NoConflict {
                slot_a: a.finalizedSlot,
                slot_b: b.finalizedSlot,
            });
        }
        self.frozen = true;
        Ok(())
    }

    fn check_block(&self, block_number: u64, block_hash: B256) -> Result<(), Error> {
        match self.block_hashes.get(&block_number) {
            None => Err(Error::UnknownBlock { block_number }),
            Some(stored) if *stored != block_hash => Err(Error::BlockHashMismatch {
                block_number,
                got: block_hash,
                stored: *stored,
            }),
            Some(_) => Ok(()),
        }
    }

    fn verified_claim<C: Claim>(
        &self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<C, Error> {
        if self.frozen {
            return Err(Error::ClientFrozen);
        }
        let claim: C = decode_message(self.domain, message)?;
        verify_signatures(
            signing_digest(message),
            signatures,
            self,
            self.threshold,
            now,
        )?;
        let (number, hash) = claim.block();
        self.check_block(number, hash)?;
        Ok(claim)
    }

    /// `LCPClient.verifyReceiptLog`.
    ///
    /// # Errors
    /// [`Error::ClientFrozen`], message and signature errors, [`Error::UnknownBlock`], [`Error::BlockHashMismatch`].
    pub fn verify_receipt_log(
        &self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<ReceiptLogClaim, Error> {
        self.verified_claim(message, signatures, now)
    }

    /// `LCPClient.verifyStorage`.
    ///
    /// # Errors
    /// As [`Client::verify_receipt_log`].
    pub fn verify_storage(
        &self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<StorageClaim, Error> {
        self.verified_claim(message, signatures, now)
    }

    /// `LCPClient.verifyAccount`.
    ///
    /// # Errors
    /// As [`Client::verify_receipt_log`].
    pub fn verify_account(
        &self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<AccountClaim, Error> {
        self.verified_claim(message, signatures, now)
    }

    /// `LCPClient.verifyTransaction`.
    ///
    /// # Errors
    /// As [`Client::verify_receipt_log`].
    pub fn verify_transaction(
        &self,
        message: &[u8],
        signatures: &[u8],
        now: UnixSeconds,
    ) -> Result<TransactionClaim, Error> {
        self.verified_claim(message, signatures, now)
    }

    /// One claim of a signed batch, with its index and proof (`LCPClient.verify*Batch` per item).
    ///
    /// # Errors
    /// As [`Client::verify_receipt_log`], plus [`Error::ClaimBlockMismatch`] and the Merkle errors.
    pub fn verify_batch_claim<C: Claim>(
        &self,
        message: &[u8],
        signatures: &[u8],
        claim: &C,
        index: u64,
        proof: &[B256],
        now: UnixSeconds,
    ) -> Result<BatchClaims, Error> {
        if self.frozen {
            return Err(Error::ClientFrozen);
        }
        let batch: BatchClaims = decode_message(self.domain, message)?;
        verify_signatures(
            signing_digest(message),
            signatures,
            self,
            self.threshold,
            now,
        )?;
        self.check_block(batch.blockNumber, batch.blockHash)?;
        let (number, hash) = claim.block();
        if (number, hash) != (batch.blockNumber, batch.blockHash) {
            return Err(Error::ClaimBlockMismatch {
                got_number: number,
                got_hash: hash,
                expected_number: batch.blockNumber,
                expected_hash: batch.blockHash,
            });
        }
        verify_proof(
            batch.root,
            u64::from(batch.leafCount),
            index,
            leaf_hash(claim),
            proof,
        )?;
        Ok(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::encode::encode_message;
    use crate::message::merkle::{proof, root};
    use crate::message::sign::sign_digest;
    use crate::message::verify::key_address;
    use k256::ecdsa::SigningKey;

    const DOMAIN: Domain = Domain {
        chain_id: 1,
        client: Address::repeat_byte(0xc1),
    };
    const ROOT: B256 = B256::repeat_byte(0x77);
    const NOW: UnixSeconds = UnixSeconds(100);

    fn key() -> SigningKey {
        SigningKey::from_slice(&[3u8; 32]).unwrap()
    }

    fn client() -> Client {
        let mut c = Client::new(DOMAIN, ROOT, 1);
        c.register_key(
            key_address(key().verifying_key()),
            RegisteredKey {
                operator: Address::repeat_byte(1),
                expiry: UnixSeconds(1000),
            },
        );
        c
    }

    fn signed<B: crate::message::Body>(body: &B) -> (Vec<u8>, Vec<u8>) {
        let m = encode_message(DOMAIN, body);
        let s = sign_digest(&key(), signing_digest(&m)).unwrap().to_vec();
        (m, s)
    }

    fn update(prev: B256, post: u8, slot: u64, number: u64, hash: u8) -> UpdateState {
        UpdateState {
            prevStateId: prev,
            postStateId: B256::repeat_byte(post),
            finalizedSlot: slot,
            finalizedBeaconRoot: if prev.is_zero() {
                ROOT
            } else {
                B256::repeat_byte(0xbe)
            },
            blockNumber: number,
            blockHash: B256::repeat_byte(hash),
            ..Default::default()
        }
    }

    #[test]
    fn state_chain_claims_and_freeze() {
        let mut c = client();
        let (m, s) = signed(&update(B256::ZERO, 1, 10, 100, 0xa1));
        assert_eq!(c.update_state(&m, &s, NOW), Err(Error::NotInitialized));
        assert_eq!(c.initialize(&m, &s, NOW), Ok(UpdateOutcome::Applied));
        assert_eq!(
            c.initialize(&m, &s, NOW),
            Err(Error::AlreadyInitialized {
                state_id: B256::repeat_byte(1)
            })
        );

        let (m2, s2) = signed(&update(B256::repeat_byte(9), 2, 20, 200, 0xa2));
        assert_eq!(
            c.update_state(&m2, &s2, NOW),
            Err(Error::StateDiscontinuity {
                got: B256::repeat_byte(9),
                expected: B256::repeat_byte(1)
            })
        );
        let (m2, s2) = signed(&update(B256::repeat_byte(1), 2, 20, 200, 0xa2));
        assert_eq!(c.update_state(&m2, &s2, NOW), Ok(UpdateOutcome::Applied));
        assert_eq!(c.block_hash(200), Some(B256::repeat_byte(0xa2)));

        let claim = StorageClaim {
            blockNumber: 200,
            blockHash: B256::repeat_byte(0xa2),
            ..Default::default()
        };
        let (cm, cs) = signed(&claim);
        assert_eq!(c.verify_storage(&cm, &cs, NOW), Ok(claim.clone()));
        let wrong = StorageClaim {
            blockHash: B256::repeat_byte(0xff),
            ..claim.clone()
        };
        let (wm, ws) = signed(&wrong);
        assert_eq!(
            c.verify_storage(&wm, &ws, NOW),
            Err(Error::BlockHashMismatch {
                block_number: 200,
                got: B256::repeat_byte(0xff),
                stored: B256::repeat_byte(0xa2)
            })
        );

        let claims: Vec<StorageClaim> = (0u8..3)
            .map(|i| StorageClaim {
                slot: B256::repeat_byte(i),
                ..claim.clone()
            })
            .collect();
        let leaves: Vec<B256> = claims.iter().map(leaf_hash).collect();
        let batch = BatchClaims {
            blockNumber: 200,
            blockHash: B256::repeat_byte(0xa2),
            leafCount: 3,
            root: root(&leaves).unwrap(),
        };
        let (bm, bs) = signed(&batch);
        assert_eq!(
            c.verify_batch_claim(&bm, &bs, &claims[2], 2, &proof(&leaves, 2).unwrap(), NOW),
            Ok(batch)
        );

        // A conflicting hash for a stored block freezes; a frozen client does nothing.
        let (m3, s3) = signed(&update(B256::repeat_byte(2), 3, 20, 200, 0xee));
        assert_eq!(c.update_state(&m3, &s3, NOW), Ok(UpdateOutcome::Frozen));
        assert!(c.is_frozen());
        assert_eq!(c.state_id(), B256::repeat_byte(2));
        assert_eq!(c.verify_storage(&cm, &cs, NOW), Err(Error::ClientFrozen));
    }

    #[test]
    fn transaction_claims() {
        let mut c = client();
        let (m, s) = signed(&update(B256::ZERO, 1, 10, 100, 0xa1));
        assert_eq!(c.initialize(&m, &s, NOW), Ok(UpdateOutcome::Applied));
        let claim = TransactionClaim {
            blockNumber: 100,
            blockHash: B256::repeat_byte(0xa1),
            txIndex: 42,
            txHash: B256::repeat_byte(0x42),
            txType: 2,
        };
        let (tm, ts) = signed(&claim);
        assert_eq!(c.verify_transaction(&tm, &ts, NOW), Ok(claim.clone()));

        let unknown = TransactionClaim {
            blockNumber: 200,
            ..claim.clone()
        };
        let (um, us) = signed(&unknown);
        assert_eq!(
            c.verify_transaction(&um, &us, NOW),
            Err(Error::UnknownBlock { block_number: 200 })
        );
        let wrong = TransactionClaim {
            blockHash: B256::repeat_byte(0xff),
            ..claim.clone()
        };
        let (wm, ws) = signed(&wrong);
        assert_eq!(
            c.verify_transaction(&wm, &ws, NOW),
            Err(Error::BlockHashMismatch {
                block_number: 100,
                got: B256::repeat_byte(0xff),
                stored: B256::repeat_byte(0xa1)
            })
        );

        // A signature over another claim recovers to an address that is no registered key.
        let Err(Error::UnknownSigner { signer }) = c.verify_transaction(&tm, &ws, NOW) else {
            panic!("expected UnknownSigner");
        };
        assert_ne!(signer, key_address(key().verifying_key()));

        // A transaction claim is not an account claim, and the other way round.
        assert_eq!(
            c.verify_account(&tm, &ts, NOW),
            Err(Error::WrongMessageType {
                got: 6,
                expected: 4
            })
        );
        let account = AccountClaim {
            blockNumber: 100,
            blockHash: B256::repeat_byte(0xa1),
            ..Default::default()
        };
        let (am, sig) = signed(&account);
        assert_eq!(
            c.verify_transaction(&am, &sig, NOW),
            Err(Error::WrongMessageType {
                got: 4,
                expected: 6
            })
        );

        // A conflicting update freezes the client: no transaction claim is verified any more.
        let (m2, s2) = signed(&update(B256::repeat_byte(1), 2, 20, 100, 0xee));
        assert_eq!(c.update_state(&m2, &s2, NOW), Ok(UpdateOutcome::Frozen));
        assert_eq!(
            c.verify_transaction(&tm, &ts, NOW),
            Err(Error::ClientFrozen)
        );
    }

    #[test]
    fn an_update_that_moves_nothing_is_refused_unless_it_conflicts() {
        let mut c = client();
        let (m, s) = signed(&update(B256::ZERO, 1, 10, 100, 0xa1));
        assert_eq!(c.initialize(&m, &s, NOW), Ok(UpdateOutcome::Applied));
        let (same, ss) = signed(&update(B256::repeat_byte(1), 1, 10, 100, 0xa1));
        assert_eq!(
            c.update_state(&same, &ss, NOW),
            Err(Error::NoStateChange {
                state_id: B256::repeat_byte(1)
            })
        );
        assert_eq!(c.state_id(), B256::repeat_byte(1));
        assert!(!c.is_frozen());
        // The conflict test comes first: a no-op naming another hash for block 100 still freezes.
        let (conflict, sc) = signed(&update(B256::repeat_byte(1), 1, 10, 100, 0xa9));
        assert_eq!(
            c.update_state(&conflict, &sc, NOW),
            Ok(UpdateOutcome::Frozen)
        );
    }

    #[test]
    fn misbehaviour_needs_a_conflict() {
        let mut c = client();
        let (a, sa) = signed(&update(B256::repeat_byte(1), 2, 20, 200, 0xa2));
        let (same, ss) = signed(&update(B256::repeat_byte(5), 6, 20, 200, 0xa2));
        assert_eq!(
            c.submit_misbehaviour(&a, &sa, &same, &ss, NOW),
            Err(Error::NoConflict {
                slot_a: 20,
                slot_b: 20
            })
        );
        let (b, sb) = signed(&update(B256::repeat_byte(5), 6, 20, 200, 0xb2));
        assert_eq!(c.submit_misbehaviour(&a, &sa, &b, &sb, NOW), Ok(()));
        assert!(c.is_frozen());
        assert_eq!(
            c.submit_misbehaviour(&a, &sa, &b, &sb, NOW),
            Err(Error::ClientFrozen)
        );
    }

    #[test]
    fn init_must_name_the_trusted_root() {
        let mut c = client();
        let mut u = update(B256::ZERO, 1, 10, 100, 0xa1);
        u.finalizedBeaconRoot = B256::ZERO;
        let (m, s) = signed(&u);
        assert_eq!(
            c.initialize(&m, &s, NOW),
            Err(Error::TrustedRootMismatch {
                got: B256::ZERO,
                expected: ROOT
            })
        );
        assert_eq!(
            c.initialize(&m, &s, UnixSeconds(1000)),
            Err(Error::KeyExpired {
                signer: key_address(key().verifying_key()),
                expiry: UnixSeconds(1000),
                now: UnixSeconds(1000)
            })
        );
    }
}
