//! The Rust reference of `LCPClient` (`attestation_verifier::message::client::Client`) as a
//! [`ChainBackend`]: the same rules as the contract, in memory. For dry runs (`lcp demo` without
//! anvil, the examples) and for checking what a chain would accept without sending transactions.
//!
//! Registration runs the contract's checks: the attestation verified by the reference verifier
//! (trust anchor, PCR allowlist, freshness), `user_data` binding the attested key, the network
//! config and an allowed operator; expiry = min(leaf `not_after`, now + TTL).

use super::ports::{ChainBackend, ChainView, KeyView, PortError, Submitted};
use alloy_primitives::{Address, B256};
use attestation_verifier::error::NitroError;
use attestation_verifier::message::binding::UserData;
use attestation_verifier::message::client::Client;
use attestation_verifier::message::encode::{Domain, Message};
use attestation_verifier::message::verify::{KeyRegistry, RegisteredKey};
use attestation_verifier::nitro::{self, PcrPolicy, TrustAnchor, VerificationOptions};
use attestation_verifier::time::UnixSeconds;
use lcp_enclave::enclave_key::address_of;
use lcp_enclave::service::protocol::SignedMessage;
use std::sync::Mutex;

/// Why the reference chain refused a call (the contract would revert).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceChainError {
    /// The attestation does not verify.
    #[error("attestation: {0}")]
    Attestation(#[from] NitroError),
    /// A message or binding rule failed.
    #[error("{0}")]
    Message(#[from] attestation_verifier::message::Error),
    /// The document has no public key or `user_data`, or the key is malformed.
    #[error("attestation lacks {0}")]
    Missing(&'static str),
    /// `user_data` binds another key than the attested one.
    #[error("user_data binds {bound}, the document attests {attested}")]
    KeyMismatch {
        /// In `user_data`.
        bound: Address,
        /// `public_key`'s address.
        attested: Address,
    },
    /// The network config hash is not the client's.
    #[error("network config {got}, the client expects {expected}")]
    NetworkConfig {
        /// Bound.
        got: B256,
        /// The client's.
        expected: B256,
    },
    /// The operator is not allowed.
    #[error("operator {0} not allowed")]
    Operator(Address),
    /// The claim type has no single-claim entry point.
    #[error("message type has no verify entry point")]
    NotAClaim,
    /// The model's lock was poisoned by a panic elsewhere.
    #[error("reference chain lock poisoned")]
    Poisoned,
}

/// The registration policy of the modelled deployment.
#[derive(Clone, Debug)]
pub struct ReferencePolicy {
    /// The root the documents must chain to.
    pub trust_anchor: TrustAnchor,
    /// The PCR allowlist.
    pub pcr_policy: PcrPolicy,
    /// The network config hash the client was deployed with.
    pub network_config_hash: B256,
    /// Allowed operators.
    pub operators: Vec<Address>,
    /// Key lifetime from registration, seconds.
    pub key_ttl: u64,
}

/// The in-memory `LCPClient`.
#[derive(Debug)]
pub struct ReferenceChain {
    client: Mutex<Client>,
    domain: Domain,
    policy: ReferencePolicy,
}

fn now() -> UnixSeconds {
    UnixSeconds(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    )
}

impl ReferenceChain {
    /// A fresh client for `domain` trusting `trusted_root`, threshold 1.
    pub fn new(domain: Domain, trusted_root: B256, policy: ReferencePolicy) -> Self {
        ReferenceChain {
            client: Mutex::new(Client::new(domain, trusted_root, 1)),
            domain,
            policy,
        }
    }

    fn with_client<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, ReferenceChainError>,
    ) -> Result<T, PortError> {
        let mut client = self
            .client
            .lock()
            .map_err(|_| ReferenceChainError::Poisoned)?;
        Ok(f(&mut client)?)
    }

    /// The modelled block hash of `block_number`, if stored.
    pub fn block_hash(&self, block_number: u64) -> Option<B256> {
        self.client.lock().ok()?.block_hash(block_number)
    }

    fn register(&self, document: &[u8]) -> Result<(), ReferenceChainError> {
        let now = now();
        let mut options = VerificationOptions::new(now);
        options.trust_anchor = self.policy.trust_anchor.clone();
        options.pcr_policy = self.policy.pcr_policy.clone();
        let verified = nitro::verify(document, &options)?;
        let public_key = verified
            .public_key()
            .ok_or(ReferenceChainError::Missing("public_key"))?;
        let attested = address_of(public_key)
            .map_err(|_| ReferenceChainError::Missing("a valid public_key"))?;
        let binding = UserData::parse(
            verified
                .user_data()
                .ok_or(ReferenceChainError::Missing("user_data"))?,
        )?;
        if binding.enclave_key != attested {
            return Err(ReferenceChainError::KeyMismatch {
                bound: binding.enclave_key,
                attested,
            });
        }
        if binding.network_config_hash != self.policy.network_config_hash {
            return Err(ReferenceChainError::NetworkConfig {
                got: binding.network_config_hash,
                expected: self.policy.network_config_hash,
            });
        }
        if !self.policy.operators.contains(&binding.operator) {
            return Err(ReferenceChainError::Operator(binding.operator));
        }
        let expiry = verified
            .leaf()
            .not_after()
            .0
            .min(now.0.saturating_add(self.policy.key_ttl));
        let mut client = self
            .client
            .lock()
            .map_err(|_| ReferenceChainError::Poisoned)?;
        client.register_key(
            attested,
            RegisteredKey {
                operator: binding.operator,
                expiry: UnixSeconds(expiry),
            },
        );
        Ok(())
    }
}

const NOT_SENT: Submitted = Submitted {
    tx_hash: B256::ZERO,
    gas_used: 0,
};

impl ChainBackend for ReferenceChain {
    async fn view(&self) -> Result<ChainView, PortError> {
        self.with_client(|c| {
            Ok(ChainView {
                state_id: c.state_id(),
                frozen: c.is_frozen(),
                now: now().0,
            })
        })
    }

    async fn key(&self, key: Address) -> Result<Option<KeyView>, PortError> {
        self.with_client(|c| {
            Ok(c.enclave_key(key).map(|k| KeyView {
                operator: k.operator,
                expiry: k.expiry.0,
                revoked: false,
            }))
        })
    }

    async fn register_enclave_key(&self, attestation: &[u8]) -> Result<Submitted, PortError> {
        self.register(attestation)?;
        Ok(NOT_SENT)
    }

    async fn initialize(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        self.with_client(|c| {
            c.initialize(&update.message, &update.signature, now())?;
            Ok(NOT_SENT)
        })
    }

    async fn update_state(&self, update: &SignedMessage) -> Result<Submitted, PortError> {
        self.with_client(|c| {
            c.update_state(&update.message, &update.signature, now())?;
            Ok(NOT_SENT)
        })
    }

    async fn submit_misbehaviour(
        &self,
        a: &SignedMessage,
        b: &SignedMessage,
    ) -> Result<Submitted, PortError> {
        self.with_client(|c| {
            c.submit_misbehaviour(&a.message, &a.signature, &b.message, &b.signature, now())?;
            Ok(NOT_SENT)
        })
    }

    async fn submit_claim(&self, claim: &SignedMessage) -> Result<Submitted, PortError> {
        let domain = self.domain;
        self.with_client(|c| {
            let (m, s, t) = (&claim.message, &claim.signature, now());
            match Message::decode(domain, m)? {
                Message::ReceiptLogClaim(_) => c.verify_receipt_log(m, s, t).map(drop)?,
                Message::StorageClaim(_) => c.verify_storage(m, s, t).map(drop)?,
                Message::AccountClaim(_) => c.verify_account(m, s, t).map(drop)?,
                Message::TransactionClaim(_) => c.verify_transaction(m, s, t).map(drop)?,
                Message::UpdateState(_) | Message::BatchClaims(_) => {
                    return Err(ReferenceChainError::NotAClaim);
                }
            }
            Ok(NOT_SENT)
        })
    }
}
