//! The destination chain: deploy the contracts, register enclave keys, relay signed messages to
//! `LCPClient`, read its state back.
//!
//! Everything here is transport: `LCPClient` checks every signature, the state continuity and the
//! attestation itself. What this module adds is operational care: each transaction is simulated
//! first (a revert comes back as a typed [`Revert`] naming the contract's custom error, and no gas
//! is burnt on it), sent with an explicit nonce, and its receipt awaited; a transaction that
//! vanishes is re-sent once with the same nonce. A restarted relayer reads [`ChainState`] from the
//! contract instead of trusting local files.
//!
//! ```text
//! let (chain, deployment) = LcpChain::deploy(rpc, owner_key, &DeployConfig { .. }).await?;
//! // start the enclave for chain.domain(); Info → attestation document
//! chain.register_enclave_key(&document).await?;        // sender = the attested operator
//! chain.initialize(&init_update).await?;                 // SignedMessage from InitClient
//! chain.update_state(&update).await?;                    // SignedMessage from UpdateClient
//! let claim = chain.verify_transaction(&signed).await?;  // eth_call: the proven claim
//! let state = chain.state().await?;                      // what the contract holds
//! ```

pub mod anvil;
pub mod bindings;
mod deploy;
pub mod error;
mod signed;
mod tx;

pub use deploy::{BridgeSetup, DeployConfig, DeployedTx, Deployment};
pub use error::{AnvilFailure, ChainError, Revert};
pub use signed::Signed;
pub use tx::TxOutcome;

use alloy_network::EthereumWallet;
use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::BlockId;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolValue};
use attestation_verifier::message::{
    AccountClaim, BatchClaims, Domain, MessageType, ReceiptLogClaim, StorageClaim, TransactionClaim,
};
use bindings::lcp_client::ILCPMessages;
use bindings::{ExampleBridge, LCPClient};
use lcp_enclave::service::protocol::BatchLeaf;
use std::time::Duration;

/// EIP-7825: the most gas one transaction may use (Osaka). Registration is sent with exactly this.
pub const TX_GAS_CAP: u64 = 16_777_216;

/// Default wait for a receipt before re-sending once.
pub const DEFAULT_RECEIPT_TIMEOUT: Duration = Duration::from_secs(60);

/// One enclave key as `LCPClient` stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRecord {
    /// The key's address.
    pub key: Address,
    /// The operator that registered it.
    pub operator: Address,
    /// Valid strictly before this time (seconds).
    pub expiry: u64,
    /// Revoked for good.
    pub revoked: bool,
}

impl KeyRecord {
    /// Whether the client accepts signatures of this key at chain time `now`.
    pub fn is_live(&self, now: u64) -> bool {
        !self.revoked && now < self.expiry
    }
}

/// `LCPClient`'s state, read at one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainState {
    /// The block the state was read at.
    pub at_block: u64,
    /// That block's timestamp (the contract's clock for key expiry).
    pub at_timestamp: u64,
    /// The enclave light client's current state id (zero before `initialize`).
    pub state_id: B256,
    /// Highest stored execution block number (zero before `initialize`).
    pub latest_block_number: u64,
    /// Its stored hash (zero before `initialize`).
    pub latest_block_hash: B256,
    /// Its timestamp.
    pub latest_timestamp: u64,
    /// Frozen after misbehaviour: verifies and updates nothing.
    pub frozen: bool,
    /// Distinct operators that must sign.
    pub threshold: u8,
    /// The trusted beacon block root the init message must name.
    pub trusted_root: B256,
    /// The network-config hash enclaves must attest.
    pub network_config_hash: B256,
    /// The owner (allowlists, threshold, revocation).
    pub owner: Address,
    /// Key lifetime at registration, seconds.
    pub key_ttl: u64,
    /// Maximum attestation age at registration, seconds.
    pub max_attestation_age: u64,
    /// The listed enclave keys (some may be expired or revoked).
    pub keys: Vec<KeyRecord>,
}

impl ChainState {
    /// Whether `initialize` has run.
    pub fn is_initialized(&self) -> bool {
        !self.state_id.is_zero()
    }

    /// The keys accepted at the read block.
    pub fn live_keys(&self) -> impl Iterator<Item = &KeyRecord> {
        self.keys.iter().filter(|k| k.is_live(self.at_timestamp))
    }
}

/// A registered enclave key and the registration transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Registration {
    /// The key `LCPClient` registered.
    pub key: Address,
    /// The transaction.
    pub outcome: TxOutcome,
}

/// A connection to one `LCPClient` through one signer.
#[derive(Clone, Debug)]
pub struct LcpChain {
    provider: DynProvider,
    sender: Address,
    client: Address,
    chain_id: u64,
    receipt_timeout: Duration,
}

/// Connects a provider that signs with `signer` (nonce, gas and chain id filled by alloy).
pub(crate) async fn signing_provider(
    rpc_url: &str,
    signer: PrivateKeySigner,
) -> Result<(DynProvider, Address, u64), ChainError> {
    let sender = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect(rpc_url)
        .await
        .map_err(|source| ChainError::Rpc {
            call: "connect",
            source,
        })?
        .erased();
    let chain_id = provider
        .get_chain_id()
        .await
        .map_err(|source| ChainError::Rpc {
            call: "eth_chainId",
            source,
        })?;
    Ok((provider, sender, chain_id))
}

/// `abi.encode` in one layout, `abi.decode` in another of the same shape: the bindings' claim
/// structs to `attestation_verifier::message`'s.
pub(crate) fn convert<A, B>(call: &'static str, value: &A) -> Result<B, ChainError>
where
    A: SolValue,
    B: SolValue + From<<B::SolType as alloy_sol_types::SolType>::RustType>,
{
    B::abi_decode(&value.abi_encode()).map_err(|source| ChainError::Decode { call, source })
}

impl LcpChain {
    /// Connects to the `LCPClient` at `client` through `rpc_url`, sending as `signer`.
    ///
    /// # Errors
    /// [`ChainError::Rpc`] when the endpoint does not answer; [`ChainError::NoContract`] when
    /// nothing is deployed at `client`.
    pub async fn connect(
        rpc_url: &str,
        signer: PrivateKeySigner,
        client: Address,
    ) -> Result<LcpChain, ChainError> {
        let (provider, sender, chain_id) = signing_provider(rpc_url, signer).await?;
        let code = provider
            .get_code_at(client)
            .await
            .map_err(|source| ChainError::Rpc {
                call: "eth_getCode",
                source,
            })?;
        if code.is_empty() {
            return Err(ChainError::NoContract { address: client });
        }
        Ok(LcpChain {
            provider,
            sender,
            client,
            chain_id,
            receipt_timeout: DEFAULT_RECEIPT_TIMEOUT,
        })
    }

    /// Deploys the contracts (see [`DeployConfig`]) and connects to the new `LCPClient`.
    ///
    /// # Errors
    /// Any [`ChainError`] of a deployment or configuration transaction.
    pub async fn deploy(
        rpc_url: &str,
        signer: PrivateKeySigner,
        config: &DeployConfig,
    ) -> Result<(LcpChain, Deployment), ChainError> {
        let (provider, sender, chain_id) = signing_provider(rpc_url, signer).await?;
        let deployment =
            deploy::deploy(&provider, sender, chain_id, DEFAULT_RECEIPT_TIMEOUT, config).await?;
        let chain = LcpChain {
            provider,
            sender,
            client: deployment.client,
            chain_id,
            receipt_timeout: DEFAULT_RECEIPT_TIMEOUT,
        };
        Ok((chain, deployment))
    }

    /// Sets how long to wait for a receipt before re-sending once.
    pub fn with_receipt_timeout(mut self, timeout: Duration) -> LcpChain {
        self.receipt_timeout = timeout;
        self
    }

    /// The domain the enclave must sign for: this chain's id and this client's address.
    pub fn domain(&self) -> Domain {
        Domain {
            chain_id: self.chain_id,
            client: self.client,
        }
    }

    /// The sending account (the operator, for registrations).
    pub fn sender(&self) -> Address {
        self.sender
    }

    /// The `LCPClient` address.
    pub fn client_address(&self) -> Address {
        self.client
    }

    /// The underlying provider.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    fn client(&self) -> LCPClient::LCPClientInstance<DynProvider> {
        LCPClient::new(self.client, self.provider.clone())
    }

    async fn send(
        &self,
        call: &'static str,
        request: alloy_rpc_types_eth::TransactionRequest,
        gas: Option<u64>,
    ) -> Result<TxOutcome, ChainError> {
        tx::send(
            &self.provider,
            self.sender,
            call,
            request,
            gas,
            self.receipt_timeout,
        )
        .await
    }

    // ----------------------------------------------------------------- registration

    /// Registers the enclave key bound by `document` in ONE transaction,
    /// `registerEnclaveKeyWithProofs(document, proofs)`, with the off-chain P-384 proofs computed
    /// here (`attestation_verifier::nitro::proofs`). Sent with gas = [`TX_GAS_CAP`]: a cold
    /// registration measured ~15.8M gas, so it must fit the EIP-7825 cap with no estimate margin.
    /// The sender must be the operator named in the document's `user_data`.
    ///
    /// # Errors
    /// [`ChainError::AttestationProofs`] for a document without proofs; a revert (e.g.
    /// `MeasurementNotAllowed`, `NotOperator`, a verifier error) as [`ChainError::Reverted`].
    pub async fn register_enclave_key(&self, document: &[u8]) -> Result<Registration, ChainError> {
        const CALL: &str = "LCPClient.registerEnclaveKeyWithProofs";
        let proofs: Vec<Bytes> = attestation_verifier::nitro::proofs::document_proofs(document)
            .map_err(ChainError::AttestationProofs)?
            .into_iter()
            .map(Bytes::from)
            .collect();
        let instance = self.client();
        let builder = instance
            .registerEnclaveKeyWithProofs(Bytes::copy_from_slice(document), proofs)
            .from(self.sender)
            .gas(TX_GAS_CAP);
        let key = builder
            .call()
            .await
            .map_err(|e| ChainError::from_contract(CALL, e))?;
        let outcome = self
            .send(CALL, builder.into_transaction_request(), Some(TX_GAS_CAP))
            .await?;
        Ok(Registration { key, outcome })
    }

    // ----------------------------------------------------------------- state

    /// `initialize(message, signatures)`: the first `UpdateState` (prevStateId = 0).
    ///
    /// # Errors
    /// A revert (`AlreadyInitialized`, `TrustedRootMismatch`, signature errors) or transport error.
    pub async fn initialize(&self, signed: impl Into<Signed>) -> Result<TxOutcome, ChainError> {
        let s = signed.into();
        let request = self
            .client()
            .initialize(s.message, s.signatures)
            .into_transaction_request();
        self.send("LCPClient.initialize", request, None).await
    }

    /// `updateState(message, signatures)`.
    ///
    /// # Errors
    /// A revert (`StateDiscontinuity`, signature errors, `ClientFrozen`) or transport error.
    pub async fn update_state(&self, signed: impl Into<Signed>) -> Result<TxOutcome, ChainError> {
        let s = signed.into();
        let request = self
            .client()
            .updateState(s.message, s.signatures)
            .into_transaction_request();
        self.send("LCPClient.updateState", request, None).await
    }

    /// `submitMisbehaviour`: two threshold-signed `UpdateState`s that conflict freeze the client.
    ///
    /// # Errors
    /// A revert (`NoConflict`, signature errors) or transport error.
    pub async fn submit_misbehaviour(
        &self,
        a: impl Into<Signed>,
        b: impl Into<Signed>,
    ) -> Result<TxOutcome, ChainError> {
        let (a, b) = (a.into(), b.into());
        let request = self
            .client()
            .submitMisbehaviour(a.message, a.signatures, b.message, b.signatures)
            .into_transaction_request();
        self.send("LCPClient.submitMisbehaviour", request, None)
            .await
    }

    // ----------------------------------------------------------------- claims (eth_call)

    /// `verifyTransaction` as an `eth_call`: the proven claim, as the contract returns it.
    ///
    /// # Errors
    /// A revert (`UnknownBlock`, signature errors…) or transport error.
    pub async fn verify_transaction(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<TransactionClaim, ChainError> {
        self.claim_call::<LCPClient::verifyTransactionCall, _>(
            "LCPClient.verifyTransaction",
            signed.into(),
        )
        .await
    }

    /// `verifyReceiptLog` as an `eth_call`.
    ///
    /// # Errors
    /// As [`Self::verify_transaction`].
    pub async fn verify_receipt_log(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<ReceiptLogClaim, ChainError> {
        self.claim_call::<LCPClient::verifyReceiptLogCall, _>(
            "LCPClient.verifyReceiptLog",
            signed.into(),
        )
        .await
    }

    /// `verifyStorage` as an `eth_call`.
    ///
    /// # Errors
    /// As [`Self::verify_transaction`].
    pub async fn verify_storage(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<StorageClaim, ChainError> {
        self.claim_call::<LCPClient::verifyStorageCall, _>("LCPClient.verifyStorage", signed.into())
            .await
    }

    /// `verifyAccount` as an `eth_call`.
    ///
    /// # Errors
    /// As [`Self::verify_transaction`].
    pub async fn verify_account(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<AccountClaim, ChainError> {
        self.claim_call::<LCPClient::verifyAccountCall, _>("LCPClient.verifyAccount", signed.into())
            .await
    }

    /// One claim-verification function as an `eth_call`; the answer in the reference verifier's
    /// type, so it compares directly with `attestation_verifier::message`.
    async fn claim_call<C, T>(&self, name: &'static str, signed: Signed) -> Result<T, ChainError>
    where
        C: SolCall + From<(Bytes, Bytes)>,
        C::Return: SolValue,
        T: SolValue + From<<T::SolType as alloy_sol_types::SolType>::RustType>,
    {
        let call = C::from((signed.message, signed.signatures));
        let answer = self
            .client()
            .call_builder(&call)
            .call()
            .await
            .map_err(|e| ChainError::from_contract(name, e))?;
        convert(name, &answer)
    }

    /// One claim-verification function `(message, signatures)` sent as a transaction.
    async fn claim_tx<C>(&self, name: &'static str, signed: Signed) -> Result<TxOutcome, ChainError>
    where
        C: SolCall + From<(Bytes, Bytes)>,
    {
        let call = C::from((signed.message, signed.signatures));
        let request = self.client().call_builder(&call).into_transaction_request();
        self.send(name, request, None).await
    }

    // ----------------------------------------------------------------- claims (transactions)

    /// `verifyTransaction` sent as a transaction (what a bridge's call costs, calldata included).
    ///
    /// # Errors
    /// As [`Self::verify_transaction`].
    pub async fn verify_transaction_tx(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<TxOutcome, ChainError> {
        self.claim_tx::<LCPClient::verifyTransactionCall>(
            "LCPClient.verifyTransaction",
            signed.into(),
        )
        .await
    }

    /// `verifyReceiptLog` sent as a transaction.
    ///
    /// # Errors
    /// As [`Self::verify_transaction`].
    pub async fn verify_receipt_log_tx(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<TxOutcome, ChainError> {
        self.claim_tx::<LCPClient::verifyReceiptLogCall>(
            "LCPClient.verifyReceiptLog",
            signed.into(),
        )
        .await
    }

    /// `verifyStorage` sent as a transaction.
    ///
    /// # Errors
    /// As [`Self::verify_transaction`].
    pub async fn verify_storage_tx(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<TxOutcome, ChainError> {
        self.claim_tx::<LCPClient::verifyStorageCall>("LCPClient.verifyStorage", signed.into())
            .await
    }

    /// `verifyAccount` sent as a transaction.
    ///
    /// # Errors
    /// As [`Self::verify_transaction`].
    pub async fn verify_account_tx(
        &self,
        signed: impl Into<Signed>,
    ) -> Result<TxOutcome, ChainError> {
        self.claim_tx::<LCPClient::verifyAccountCall>("LCPClient.verifyAccount", signed.into())
            .await
    }

    /// Sends a signed single-claim message to its `verify*` entry point as a transaction, chosen by
    /// the message type in its header (byte 1): receipt log, storage, account or transaction.
    ///
    /// # Errors
    /// [`ChainError::NotAClaim`] for another message type; as [`Self::verify_transaction`].
    pub async fn submit_claim(&self, signed: impl Into<Signed>) -> Result<TxOutcome, ChainError> {
        let s = signed.into();
        let byte = s.message.get(1).copied();
        let kind = byte.and_then(|b| MessageType::try_from(b).ok());
        match kind {
            Some(MessageType::ReceiptLogClaim) => self.verify_receipt_log_tx(s).await,
            Some(MessageType::StorageClaim) => self.verify_storage_tx(s).await,
            Some(MessageType::AccountClaim) => self.verify_account_tx(s).await,
            Some(MessageType::TransactionClaim) => self.verify_transaction_tx(s).await,
            Some(
                MessageType::None
                | MessageType::UpdateState
                | MessageType::BatchClaims
                | MessageType::__Invalid,
            )
            | None => Err(ChainError::NotAClaim { message_type: byte }),
        }
    }

    // ----------------------------------------------------------------- batches

    /// `verifyStorageBatch` as an `eth_call` for the storage leaves of an enclave `Batch` answer
    /// (each leaf with its proof); returns the signed batch header.
    ///
    /// # Errors
    /// [`ChainError::LeafType`] for a leaf of another type; a revert or transport error.
    pub async fn verify_storage_batch(
        &self,
        batch: impl Into<Signed>,
        leaves: &[BatchLeaf],
    ) -> Result<BatchClaims, ChainError> {
        const CALL: &str = "LCPClient.verifyStorageBatch";
        let s = batch.into();
        let (claims, indices, proofs) =
            batch_arrays::<ILCPMessages::StorageClaim>(CALL, leaves, MessageType::StorageClaim)?;
        let header = self
            .client()
            .verifyStorageBatch(s.message, s.signatures, claims, indices, proofs)
            .call()
            .await
            .map_err(|e| ChainError::from_contract(CALL, e))?;
        convert(CALL, &header)
    }

    /// `verifyReceiptLogBatch` as an `eth_call` (see [`Self::verify_storage_batch`]).
    ///
    /// # Errors
    /// As [`Self::verify_storage_batch`].
    pub async fn verify_receipt_log_batch(
        &self,
        batch: impl Into<Signed>,
        leaves: &[BatchLeaf],
    ) -> Result<BatchClaims, ChainError> {
        const CALL: &str = "LCPClient.verifyReceiptLogBatch";
        let s = batch.into();
        let (claims, indices, proofs) = batch_arrays::<ILCPMessages::ReceiptLogClaim>(
            CALL,
            leaves,
            MessageType::ReceiptLogClaim,
        )?;
        let header = self
            .client()
            .verifyReceiptLogBatch(s.message, s.signatures, claims, indices, proofs)
            .call()
            .await
            .map_err(|e| ChainError::from_contract(CALL, e))?;
        convert(CALL, &header)
    }

    /// `verifyAccountBatch` as an `eth_call` (see [`Self::verify_storage_batch`]).
    ///
    /// # Errors
    /// As [`Self::verify_storage_batch`].
    pub async fn verify_account_batch(
        &self,
        batch: impl Into<Signed>,
        leaves: &[BatchLeaf],
    ) -> Result<BatchClaims, ChainError> {
        const CALL: &str = "LCPClient.verifyAccountBatch";
        let s = batch.into();
        let (claims, indices, proofs) =
            batch_arrays::<ILCPMessages::AccountClaim>(CALL, leaves, MessageType::AccountClaim)?;
        let header = self
            .client()
            .verifyAccountBatch(s.message, s.signatures, claims, indices, proofs)
            .call()
            .await
            .map_err(|e| ChainError::from_contract(CALL, e))?;
        convert(CALL, &header)
    }

    /// `verifyStorageBatchAll`: every leaf of the batch in leaf order, no proofs (the contract
    /// rebuilds the root).
    ///
    /// # Errors
    /// As [`Self::verify_storage_batch`].
    pub async fn verify_storage_batch_all(
        &self,
        batch: impl Into<Signed>,
        leaves: &[BatchLeaf],
    ) -> Result<BatchClaims, ChainError> {
        const CALL: &str = "LCPClient.verifyStorageBatchAll";
        let s = batch.into();
        let (claims, _, _) =
            batch_arrays::<ILCPMessages::StorageClaim>(CALL, leaves, MessageType::StorageClaim)?;
        let header = self
            .client()
            .verifyStorageBatchAll(s.message, s.signatures, claims)
            .call()
            .await
            .map_err(|e| ChainError::from_contract(CALL, e))?;
        convert(CALL, &header)
    }

    /// `verifyReceiptLogBatchAll` (see [`Self::verify_storage_batch_all`]).
    ///
    /// # Errors
    /// As [`Self::verify_storage_batch`].
    pub async fn verify_receipt_log_batch_all(
        &self,
        batch: impl Into<Signed>,
        leaves: &[BatchLeaf],
    ) -> Result<BatchClaims, ChainError> {
        const CALL: &str = "LCPClient.verifyReceiptLogBatchAll";
        let s = batch.into();
        let (claims, _, _) = batch_arrays::<ILCPMessages::ReceiptLogClaim>(
            CALL,
            leaves,
            MessageType::ReceiptLogClaim,
        )?;
        let header = self
            .client()
            .verifyReceiptLogBatchAll(s.message, s.signatures, claims)
            .call()
            .await
            .map_err(|e| ChainError::from_contract(CALL, e))?;
        convert(CALL, &header)
    }

    // ----------------------------------------------------------------- reads

    /// Reads the client's whole state at the latest block (all calls pinned to that block).
    ///
    /// # Errors
    /// Transport errors.
    pub async fn state(&self) -> Result<ChainState, ChainError> {
        let head = self
            .provider
            .get_block_number()
            .await
            .map_err(|source| ChainError::Rpc {
                call: "eth_blockNumber",
                source,
            })?;
        let block = BlockId::number(head);
        let at_timestamp = self
            .provider
            .get_block(block)
            .await
            .map_err(|source| ChainError::Rpc {
                call: "eth_getBlockByNumber",
                source,
            })?
            .map(|b| b.header.timestamp)
            .unwrap_or_default();
        let state_id = self
            .read_at(block, "LCPClient.stateId", LCPClient::stateIdCall {})
            .await?;
        let config = self
            .read_at(block, "LCPClient.config", LCPClient::configCall {})
            .await?;
        let latest_block_hash = self
            .read_at(
                block,
                "LCPClient.blockHashOf",
                LCPClient::blockHashOfCall {
                    blockNumber: config.latestBlockNumber,
                },
            )
            .await?;
        let trusted_root = self
            .read_at(
                block,
                "LCPClient.trustedRoot",
                LCPClient::trustedRootCall {},
            )
            .await?;
        let network_config_hash = self
            .read_at(
                block,
                "LCPClient.networkConfigHash",
                LCPClient::networkConfigHashCall {},
            )
            .await?;
        let owner = self
            .read_at(block, "LCPClient.owner", LCPClient::ownerCall {})
            .await?;
        let key_ttl = self
            .read_at(block, "LCPClient.keyTtl", LCPClient::keyTtlCall {})
            .await?;
        let max_attestation_age = self
            .read_at(
                block,
                "LCPClient.maxAttestationAge",
                LCPClient::maxAttestationAgeCall {},
            )
            .await?;
        let listed = self
            .read_at(
                block,
                "LCPClient.enclaveKeys",
                LCPClient::enclaveKeysCall {},
            )
            .await?;
        let mut keys = Vec::with_capacity(listed.len());
        for key in listed {
            let record = self
                .read_at(
                    block,
                    "LCPClient.enclaveKey",
                    LCPClient::enclaveKeyCall { key },
                )
                .await?;
            keys.push(KeyRecord {
                key,
                operator: record.operator,
                expiry: record.expiry,
                revoked: record.revoked,
            });
        }
        Ok(ChainState {
            at_block: head,
            at_timestamp,
            state_id,
            latest_block_number: config.latestBlockNumber,
            latest_block_hash,
            latest_timestamp: config.latestTimestamp,
            frozen: config.frozen,
            threshold: config.threshold,
            trusted_root,
            network_config_hash,
            owner,
            key_ttl,
            max_attestation_age,
            keys,
        })
    }

    /// One `LCPClient` view function as an `eth_call` at `block` (so a whole state read is one
    /// consistent snapshot).
    async fn read_at<C: SolCall>(
        &self,
        block: BlockId,
        name: &'static str,
        call: C,
    ) -> Result<C::Return, ChainError> {
        self.client()
            .call_builder(&call)
            .block(block)
            .call()
            .await
            .map_err(|e| ChainError::from_contract(name, e))
    }

    /// The stored hash of execution block `number` (`None` when the client stored none).
    ///
    /// # Errors
    /// Transport errors.
    pub async fn block_hash(&self, number: u64) -> Result<Option<B256>, ChainError> {
        let hash = self
            .client()
            .blockHashOf(number)
            .call()
            .await
            .map_err(|e| ChainError::from_contract("LCPClient.blockHashOf", e))?;
        Ok((!hash.is_zero()).then_some(hash))
    }

    /// The registration record of `key` (operator zero: never registered).
    ///
    /// # Errors
    /// Transport errors.
    pub async fn enclave_key(&self, key: Address) -> Result<KeyRecord, ChainError> {
        let r = self
            .client()
            .enclaveKey(key)
            .call()
            .await
            .map_err(|e| ChainError::from_contract("LCPClient.enclaveKey", e))?;
        Ok(KeyRecord {
            key,
            operator: r.operator,
            expiry: r.expiry,
            revoked: r.revoked,
        })
    }

    // ----------------------------------------------------------------- administration (owner)

    /// `setMeasurement(measurement, allowed)` (owner only).
    ///
    /// # Errors
    /// A revert (`NotOwner`) or transport error.
    pub async fn set_measurement(
        &self,
        measurement: B256,
        allowed: bool,
    ) -> Result<TxOutcome, ChainError> {
        let request = self
            .client()
            .setMeasurement(measurement, allowed)
            .into_transaction_request();
        self.send("LCPClient.setMeasurement", request, None).await
    }

    /// `setOperator(operator, allowed)` (owner only).
    ///
    /// # Errors
    /// A revert (`NotOwner`, `ZeroAddress`) or transport error.
    pub async fn set_operator(
        &self,
        operator: Address,
        allowed: bool,
    ) -> Result<TxOutcome, ChainError> {
        let request = self
            .client()
            .setOperator(operator, allowed)
            .into_transaction_request();
        self.send("LCPClient.setOperator", request, None).await
    }

    /// `setThreshold(threshold)` (owner only).
    ///
    /// # Errors
    /// A revert (`NotOwner`, `InvalidThreshold`) or transport error.
    pub async fn set_threshold(&self, threshold: u8) -> Result<TxOutcome, ChainError> {
        let request = self
            .client()
            .setThreshold(threshold)
            .into_transaction_request();
        self.send("LCPClient.setThreshold", request, None).await
    }

    /// `revokeEnclaveKey(key)` (owner only).
    ///
    /// # Errors
    /// A revert (`NotOwner`) or transport error.
    pub async fn revoke_enclave_key(&self, key: Address) -> Result<TxOutcome, ChainError> {
        let request = self
            .client()
            .revokeEnclaveKey(key)
            .into_transaction_request();
        self.send("LCPClient.revokeEnclaveKey", request, None).await
    }

    // ----------------------------------------------------------------- example bridge

    /// `ExampleBridge.release(message, signatures)` at `bridge`: pays out the lock a signed
    /// `ReceiptLogClaim` proves. Returns the lock id (from the simulation) and the transaction.
    ///
    /// # Errors
    /// A revert (`WrongEmitter`, `AlreadyReleased`, the client's errors) or transport error.
    pub async fn bridge_release(
        &self,
        bridge: Address,
        signed: impl Into<Signed>,
    ) -> Result<(B256, TxOutcome), ChainError> {
        const CALL: &str = "ExampleBridge.release";
        let s = signed.into();
        let instance = ExampleBridge::new(bridge, self.provider.clone());
        let builder = instance.release(s.message, s.signatures).from(self.sender);
        let lock_id = builder
            .call()
            .await
            .map_err(|e| ChainError::from_contract(CALL, e))?;
        let outcome = self
            .send(CALL, builder.into_transaction_request(), None)
            .await?;
        Ok((lock_id, outcome))
    }

    /// The balance of `account` (wei), for bridge checks.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn balance(&self, account: Address) -> Result<U256, ChainError> {
        self.provider
            .get_balance(account)
            .await
            .map_err(|source| ChainError::Rpc {
                call: "eth_getBalance",
                source,
            })
    }
}

/// The `claims`, `indices` and concatenated `proofs` arguments of a `verify*Batch` call.
type BatchArrays<C> = (Vec<C>, Vec<U256>, Vec<B256>);

/// The `claims`, `indices` and concatenated `proofs` arrays of a `verify*Batch` call, from the
/// enclave's batch leaves of type `expected`.
fn batch_arrays<C>(
    call: &'static str,
    leaves: &[BatchLeaf],
    expected: MessageType,
) -> Result<BatchArrays<C>, ChainError>
where
    C: SolValue + From<<C::SolType as alloy_sol_types::SolType>::RustType>,
{
    if leaves.is_empty() {
        return Err(ChainError::Empty {
            what: "batch leaves",
        });
    }
    let mut claims = Vec::with_capacity(leaves.len());
    let mut indices = Vec::with_capacity(leaves.len());
    let mut proofs = Vec::new();
    for (index, leaf) in leaves.iter().enumerate() {
        if leaf.claim_type != u8::from(expected) {
            return Err(ChainError::LeafType {
                index,
                got: leaf.claim_type,
                expected: u8::from(expected),
            });
        }
        let claim = <C as SolValue>::abi_decode(&leaf.claim)
            .map_err(|source| ChainError::Decode { call, source })?;
        claims.push(claim);
        indices.push(U256::from(leaf.index));
        proofs.extend_from_slice(&leaf.proof);
    }
    Ok((claims, indices, proofs))
}
