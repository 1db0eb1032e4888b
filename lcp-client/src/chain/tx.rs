//! Sending one transaction with care: simulate, fix the nonce, send, await the receipt, re-send
//! once with the same nonce if it vanished.

use super::TX_GAS_CAP;
use super::error::ChainError;
use alloy_network::{ReceiptResponse, TransactionBuilder};
use alloy_primitives::{Address, B256};
use alloy_provider::{DynProvider, Provider};
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use std::time::{Duration, Instant};

/// How often the receipt is polled (anvil mines at once; a real chain's blocks take seconds).
const RECEIPT_POLL: Duration = Duration::from_millis(100);

/// A mined, successful transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// Transaction hash.
    pub tx_hash: B256,
    /// Gas used (calldata and intrinsic cost included).
    pub gas_used: u64,
    /// Block it was mined in.
    pub block_number: u64,
    /// Contract created by it, for deployments.
    pub contract_address: Option<Address>,
}

fn rpc(call: &'static str) -> impl Fn(alloy_transport::TransportError) -> ChainError {
    move |source| ChainError::from_transport(call, source)
}

/// Sends `request` from `sender`: simulates it (a revert is returned decoded, nothing is sent),
/// estimates gas unless `gas` is given (an estimate above [`TX_GAS_CAP`] is refused), fixes the
/// nonce, sends, and waits up to `timeout` for the receipt. If none arrives and the node no longer
/// knows the transaction, the same request (same nonce) is sent once more.
///
/// # Errors
/// [`ChainError::Reverted`] from the simulation, [`ChainError::GasCap`],
/// [`ChainError::RevertedOnChain`], [`ChainError::ReceiptTimeout`], [`ChainError::Rpc`].
pub(crate) async fn send(
    provider: &DynProvider,
    sender: Address,
    call: &'static str,
    request: TransactionRequest,
    gas: Option<u64>,
    timeout: Duration,
) -> Result<TxOutcome, ChainError> {
    let request = request.with_from(sender);
    let gas = match gas {
        Some(gas) => {
            provider
                .call(request.clone().with_gas_limit(gas))
                .await
                .map_err(rpc(call))?;
            gas
        }
        None => {
            let estimate = provider
                .estimate_gas(request.clone())
                .await
                .map_err(rpc(call))?;
            if estimate > TX_GAS_CAP {
                return Err(ChainError::GasCap {
                    call,
                    needed: estimate,
                    cap: TX_GAS_CAP,
                });
            }
            estimate
        }
    };
    let nonce = provider
        .get_transaction_count(sender)
        .pending()
        .await
        .map_err(rpc("eth_getTransactionCount"))?;
    let request = request.with_gas_limit(gas).with_nonce(nonce);

    let mut tx_hash = submit(provider, call, request.clone()).await?;
    if let Some(receipt) = wait(provider, tx_hash, timeout).await? {
        return outcome(call, &receipt);
    }
    // No receipt in time. Still pending: give it a second wait. Gone (dropped from the pool):
    // re-send with the same nonce, so at most one of the two can ever be mined.
    let known = provider
        .get_transaction_by_hash(tx_hash)
        .await
        .map_err(rpc("eth_getTransactionByHash"))?
        .is_some();
    if !known {
        tx_hash = submit(provider, call, request).await?;
    }
    match wait(provider, tx_hash, timeout).await? {
        Some(receipt) => outcome(call, &receipt),
        None => Err(ChainError::ReceiptTimeout {
            call,
            tx_hash,
            nonce,
            timeout,
        }),
    }
}

async fn submit(
    provider: &DynProvider,
    call: &'static str,
    request: TransactionRequest,
) -> Result<B256, ChainError> {
    let pending = provider
        .send_transaction(request)
        .await
        .map_err(rpc(call))?;
    Ok(*pending.tx_hash())
}

async fn wait(
    provider: &DynProvider,
    tx_hash: B256,
    timeout: Duration,
) -> Result<Option<TransactionReceipt>, ChainError> {
    let start = Instant::now();
    loop {
        let receipt = provider
            .get_transaction_receipt(tx_hash)
            .await
            .map_err(rpc("eth_getTransactionReceipt"))?;
        if receipt.is_some() {
            return Ok(receipt);
        }
        if start.elapsed() >= timeout {
            return Ok(None);
        }
        tokio::time::sleep(RECEIPT_POLL).await;
    }
}

fn outcome(call: &'static str, receipt: &TransactionReceipt) -> Result<TxOutcome, ChainError> {
    let block_number = receipt.block_number().unwrap_or_default();
    let gas_used = receipt.gas_used();
    let tx_hash = receipt.transaction_hash();
    if !receipt.status() {
        return Err(ChainError::RevertedOnChain {
            call,
            tx_hash,
            block_number,
            gas_used,
        });
    }
    Ok(TxOutcome {
        tx_hash,
        gas_used,
        block_number,
        contract_address: receipt.contract_address(),
    })
}
