//! The devnet's validators: BLS keys derived from the seed, the genesis validator registry (whose
//! root is the genesis validators root), one sync committee per period, and sync-committee
//! signatures.
//!
//! Spec: consensus-specs `phase0/beacon-chain.md` (`Validator`, `compute_domain`,
//! `compute_signing_root`), `altair/beacon-chain.md` (`SyncCommittee`, `DOMAIN_SYNC_COMMITTEE`).
//! Ciphersuite `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`, min-pk.

use super::DevnetError;
use super::ssz::{byte_vector_root, composite_list_root, hash_pair, merkleize, u64_chunk};
use alloy_primitives::{B256, FixedBytes};
use blst::min_pk::{AggregatePublicKey, AggregateSignature, PublicKey, SecretKey, Signature};
use lcp_enclave::light_client::config::{Minimal, Preset};
use lcp_enclave::light_client::containers::{SyncAggregate, SyncCommittee};
use sha2::{Digest, Sha256};
use ssz_types::{BitVector, FixedVector};

/// Validators in the genesis registry: twice the minimal `SYNC_COMMITTEE_SIZE`, so that each
/// period's committee is a different subset and a committee mix-up cannot verify by accident.
pub const VALIDATOR_COUNT: usize = 64;
/// `VALIDATOR_REGISTRY_LIMIT` (phase0 preset, both presets).
pub const VALIDATOR_REGISTRY_LIMIT: usize = 1 << 40;
/// `MAX_EFFECTIVE_BALANCE` in gwei (phase0 preset).
pub const MAX_EFFECTIVE_BALANCE: u64 = 32_000_000_000;
/// `FAR_FUTURE_EPOCH`.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;
/// `DOMAIN_RANDAO`.
pub const DOMAIN_RANDAO: [u8; 4] = [2, 0, 0, 0];
/// `DOMAIN_SYNC_COMMITTEE`.
pub const DOMAIN_SYNC_COMMITTEE: [u8; 4] = [7, 0, 0, 0];
/// The BLS ciphersuite tag of Ethereum consensus signatures.
pub const BLS_DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// The devnet's validator keys.
pub struct Validators {
    seed: [u8; 32],
    secret_keys: Vec<SecretKey>,
    public_keys: Vec<FixedBytes<48>>,
}

impl core::fmt::Debug for Validators {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Validators")
            .field("count", &self.public_keys.len())
            .finish_non_exhaustive()
    }
}

fn tagged_hash(tag: &[u8], seed: &[u8; 32], counters: &[u64]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(tag);
    hasher.update(seed);
    for counter in counters {
        hasher.update(counter.to_le_bytes());
    }
    hasher.finalize().into()
}

impl Validators {
    /// Derives [`VALIDATOR_COUNT`] keys from `seed` (`KeyGen` over a SHA-256 of seed and index).
    ///
    /// # Errors
    /// [`DevnetError::Bls`] if blst refuses the key material (it cannot for 32-byte input).
    pub fn derive(seed: [u8; 32]) -> Result<Self, DevnetError> {
        let mut secret_keys = Vec::with_capacity(VALIDATOR_COUNT);
        let mut public_keys = Vec::with_capacity(VALIDATOR_COUNT);
        for index in 0..VALIDATOR_COUNT {
            let counter = u64::try_from(index).map_err(|_| DevnetError::Bls { what: "index" })?;
            let ikm = tagged_hash(b"lcp-devnet validator", &seed, &[counter]);
            let secret =
                SecretKey::key_gen(&ikm, &[]).map_err(|_| DevnetError::Bls { what: "key_gen" })?;
            public_keys.push(FixedBytes::from(secret.sk_to_pk().compress()));
            secret_keys.push(secret);
        }
        Ok(Self {
            seed,
            secret_keys,
            public_keys,
        })
    }

    /// The compressed public keys, by validator index.
    pub fn public_keys(&self) -> &[FixedBytes<48>] {
        &self.public_keys
    }

    /// `hash_tree_root(state.validators)` of the genesis registry: every validator active from
    /// epoch 0 with the maximum effective balance and a BLS withdrawal credential.
    ///
    /// # Errors
    /// Merkleization errors (none for this fixed size).
    pub fn registry_root(&self) -> Result<B256, DevnetError> {
        let roots = self
            .public_keys
            .iter()
            .map(validator_root)
            .collect::<Result<Vec<_>, _>>()?;
        composite_list_root(&roots, VALIDATOR_REGISTRY_LIMIT)
    }

    /// The validator indices of the sync committee of `period`, in committee order: a
    /// seed-and-period keyed Fisher–Yates draw of distinct validators (the spec samples by
    /// effective balance with `compute_shuffled_index`; any committee the state commits to is as
    /// good for the light client, which only checks the commitment and the signatures).
    pub fn committee_indices(&self, period: u64) -> Vec<usize> {
        let size = Minimal::sync_committee_size();
        let mut pool: Vec<usize> = (0..self.public_keys.len()).collect();
        let mut chosen = Vec::with_capacity(size);
        for position in 0..size {
            let remaining = pool.len();
            if remaining == 0 {
                break;
            }
            let counter = u64::try_from(position).unwrap_or(u64::MAX);
            let draw = tagged_hash(b"lcp-devnet committee", &self.seed, &[period, counter]);
            let mut word = [0u8; 8];
            word.copy_from_slice(draw.get(..8).unwrap_or(&[0; 8]));
            let pick = usize::try_from(u64::from_le_bytes(word))
                .unwrap_or(0)
                .checked_rem(remaining)
                .unwrap_or(0);
            chosen.push(pool.swap_remove(pick));
        }
        chosen
    }

    /// The `SyncCommittee` of `period`, with its real aggregate public key.
    ///
    /// # Errors
    /// [`DevnetError::Bls`] if aggregation fails.
    pub fn committee(&self, period: u64) -> Result<SyncCommittee<Minimal>, DevnetError> {
        let indices = self.committee_indices(period);
        let keys: Vec<FixedBytes<48>> = indices
            .iter()
            .filter_map(|i| self.public_keys.get(*i).copied())
            .collect();
        let points: Vec<PublicKey> = indices
            .iter()
            .filter_map(|i| self.secret_keys.get(*i).map(SecretKey::sk_to_pk))
            .collect();
        let refs: Vec<&PublicKey> = points.iter().collect();
        let aggregate = AggregatePublicKey::aggregate(&refs, false)
            .map_err(|_| DevnetError::Bls {
                what: "aggregate public key",
            })?
            .to_public_key();
        Ok(SyncCommittee {
            pubkeys: FixedVector::new(keys).map_err(|_| DevnetError::Bls {
                what: "committee size",
            })?,
            aggregate_pubkey: FixedBytes::from(aggregate.compress()),
        })
    }

    /// The signature of validator `index` over `signing_root` (a RANDAO reveal, say).
    ///
    /// # Errors
    /// [`DevnetError::Bls`] for an unknown validator.
    pub fn sign_one(&self, index: usize, signing_root: B256) -> Result<[u8; 96], DevnetError> {
        let key = self
            .secret_keys
            .get(index)
            .ok_or(DevnetError::Bls { what: "validator" })?;
        Ok(key.sign(signing_root.as_slice(), BLS_DST, &[]).compress())
    }

    /// A `SyncAggregate` of the committee of `period` over `signing_root`, signed by the members
    /// whose `participation` bit is set (real signatures, aggregated).
    ///
    /// # Errors
    /// [`DevnetError::Bls`] if nobody participates or aggregation fails.
    pub fn sign(
        &self,
        period: u64,
        signing_root: B256,
        participation: &[bool],
    ) -> Result<SyncAggregate<Minimal>, DevnetError> {
        let indices = self.committee_indices(period);
        let mut bits = BitVector::new();
        let mut signatures: Vec<Signature> = Vec::new();
        for (position, (validator, participates)) in indices.iter().zip(participation).enumerate() {
            if !*participates {
                continue;
            }
            bits.set(position, true)
                .map_err(|_| DevnetError::Bls { what: "bit" })?;
            let key = self
                .secret_keys
                .get(*validator)
                .ok_or(DevnetError::Bls { what: "member" })?;
            signatures.push(key.sign(signing_root.as_slice(), BLS_DST, &[]));
        }
        let refs: Vec<&Signature> = signatures.iter().collect();
        let aggregate = AggregateSignature::aggregate(&refs, true)
            .map_err(|_| DevnetError::Bls {
                what: "aggregate signature",
            })?
            .to_signature();
        Ok(SyncAggregate {
            sync_committee_bits: bits,
            sync_committee_signature: FixedBytes::from(aggregate.compress()),
        })
    }
}

/// `hash_tree_root(Validator)` of a genesis validator with `pubkey`.
fn validator_root(pubkey: &FixedBytes<48>) -> Result<B256, DevnetError> {
    // BLS_WITHDRAWAL_PREFIX (0x00) ‖ hash(pubkey)[1:].
    let mut credentials: [u8; 32] = Sha256::digest(pubkey.as_slice()).into();
    if let Some(prefix) = credentials.first_mut() {
        *prefix = 0;
    }
    merkleize(
        &[
            byte_vector_root(pubkey.as_slice())?,
            B256::from(credentials),
            u64_chunk(MAX_EFFECTIVE_BALANCE),
            u64_chunk(0), // slashed = False
            u64_chunk(0), // activation_eligibility_epoch
            u64_chunk(0), // activation_epoch
            u64_chunk(FAR_FUTURE_EPOCH),
            u64_chunk(FAR_FUTURE_EPOCH),
        ],
        None,
    )
}

/// `compute_domain(domain_type, fork_version, genesis_validators_root)`.
pub fn compute_domain(domain_type: [u8; 4], fork_version: [u8; 4], gvr: B256) -> B256 {
    let mut version = [0u8; 32];
    version
        .iter_mut()
        .zip(fork_version)
        .for_each(|(out, byte)| *out = byte);
    let fork_data_root = hash_pair(&B256::from(version), &gvr);
    let mut domain = [0u8; 32];
    domain
        .iter_mut()
        .zip(domain_type.iter().chain(fork_data_root.iter().take(28)))
        .for_each(|(out, byte)| *out = *byte);
    B256::from(domain)
}

/// `compute_signing_root(object_root, domain)` = `hash_tree_root(SigningData)`.
pub fn compute_signing_root(object_root: B256, domain: B256) -> B256 {
    hash_pair(&object_root, &domain)
}
