//! Errors of the destination-chain side, with contract reverts decoded to their custom error.

use super::bindings::{ExampleBridge, LCPClient, NitroAttestationVerifier};
use alloy_primitives::{Address, B256, Bytes, hex};
use alloy_sol_types::{SolInterface, SolValue};
use std::fmt;
use std::time::Duration;

/// `Error(string)`: `bytes4(keccak256("Error(string)"))`.
const ERROR_STRING_SELECTOR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
/// `Panic(uint256)`: `bytes4(keccak256("Panic(uint256)"))`.
const PANIC_SELECTOR: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];

/// The revert data of a failed call, with the custom error it encodes when one of our contracts'
/// ABIs knows its selector. Reverts of `NitroAttestationVerifier` reach the caller of `LCPClient`
/// unchanged (Solidity re-throws the callee's data), so all ABIs are consulted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revert {
    /// The raw revert data (empty: out of gas, `revert()`, or a failed `require` without reason).
    pub data: Bytes,
    /// The error's name (`StateDiscontinuity`, `Error`, `Panic`), if its selector is known.
    pub name: Option<&'static str>,
    /// Which contract's ABI declares it.
    pub declared_by: Option<&'static str>,
    /// The decoded error, formatted with its arguments, if it decodes.
    pub decoded: Option<String>,
}

impl Revert {
    /// Decodes `data` against the ABIs of `LCPClient`, `NitroAttestationVerifier` and `ExampleBridge`.
    pub fn decode(data: Bytes) -> Revert {
        let selector: Option<[u8; 4]> = data.get(..4).and_then(|s| s.try_into().ok());
        let mut revert = Revert {
            data: data.clone(),
            name: None,
            declared_by: None,
            decoded: None,
        };
        let Some(selector) = selector else {
            return revert;
        };
        if selector == ERROR_STRING_SELECTOR {
            revert.name = Some("Error");
            revert.decoded = data
                .get(4..)
                .and_then(|rest| String::abi_decode(rest).ok())
                .map(|reason| format!("Error({reason:?})"));
        } else if selector == PANIC_SELECTOR {
            revert.name = Some("Panic");
            revert.decoded = data
                .get(4..)
                .and_then(|rest| alloy_primitives::U256::abi_decode(rest).ok())
                .map(|code| format!("Panic({code:#x})"));
        } else if let Some(name) = LCPClient::LCPClientErrors::name_by_selector(selector) {
            revert.name = Some(name);
            revert.declared_by = Some("LCPClient");
            revert.decoded = LCPClient::LCPClientErrors::abi_decode(&data)
                .ok()
                .map(|e| format!("{e:?}"));
        } else if let Some(name) =
            NitroAttestationVerifier::NitroAttestationVerifierErrors::name_by_selector(selector)
        {
            revert.name = Some(name);
            revert.declared_by = Some("NitroAttestationVerifier");
            revert.decoded =
                NitroAttestationVerifier::NitroAttestationVerifierErrors::abi_decode(&data)
                    .ok()
                    .map(|e| format!("{e:?}"));
        } else if let Some(name) = ExampleBridge::ExampleBridgeErrors::name_by_selector(selector) {
            revert.name = Some(name);
            revert.declared_by = Some("ExampleBridge");
            revert.decoded = ExampleBridge::ExampleBridgeErrors::abi_decode(&data)
                .ok()
                .map(|e| format!("{e:?}"));
        }
        revert
    }

    /// The revert as `LCPClient`'s typed error, if it is one.
    pub fn lcp_client_error(&self) -> Option<LCPClient::LCPClientErrors> {
        LCPClient::LCPClientErrors::abi_decode(&self.data).ok()
    }

    /// The revert as `NitroAttestationVerifier`'s typed error, if it is one.
    pub fn verifier_error(
        &self,
    ) -> Option<NitroAttestationVerifier::NitroAttestationVerifierErrors> {
        NitroAttestationVerifier::NitroAttestationVerifierErrors::abi_decode(&self.data).ok()
    }
}

impl fmt::Display for Revert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.decoded, self.name, self.declared_by) {
            (Some(decoded), _, Some(contract)) => write!(f, "{contract}.{decoded}"),
            (Some(decoded), _, None) => f.write_str(decoded),
            (None, Some(name), _) => {
                write!(f, "{name} (undecodable data 0x{})", hex::encode(&self.data))
            }
            (None, None, _) if self.data.is_empty() => {
                f.write_str("no revert data (out of gas or a bare revert)")
            }
            (None, None, _) => write!(f, "unknown error 0x{}", hex::encode(&self.data)),
        }
    }
}

/// Everything that can go wrong talking to the destination chain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// The RPC endpoint could not be reached or answered with an error that is not a revert.
    #[error("{call}: RPC error: {source}")]
    Rpc {
        /// The contract call or RPC method.
        call: &'static str,
        /// The transport error.
        #[source]
        source: alloy_transport::TransportError,
    },
    /// The call (or its simulation before sending) reverted.
    #[error("{call} reverted: {revert}")]
    Reverted {
        /// The contract call.
        call: &'static str,
        /// The decoded revert.
        revert: Revert,
    },
    /// The transaction was mined but reverted (its simulation had passed: the state changed between).
    #[error(
        "{call}: transaction {tx_hash} reverted on chain in block {block_number} (gas used {gas_used})"
    )]
    RevertedOnChain {
        /// The contract call.
        call: &'static str,
        /// Transaction hash.
        tx_hash: B256,
        /// Block it was mined in.
        block_number: u64,
        /// Gas it used.
        gas_used: u64,
    },
    /// No receipt within the timeout, also after re-sending with the same nonce once.
    #[error(
        "{call}: no receipt for {tx_hash} within {timeout:?} (re-sent once with nonce {nonce})"
    )]
    ReceiptTimeout {
        /// The contract call.
        call: &'static str,
        /// The last transaction hash sent.
        tx_hash: B256,
        /// Its nonce.
        nonce: u64,
        /// The wait per attempt.
        timeout: Duration,
    },
    /// Waiting for the receipt failed for another reason than a timeout.
    #[error("{call}: waiting for the receipt failed: {source}")]
    Pending {
        /// The contract call.
        call: &'static str,
        /// The error.
        #[source]
        source: alloy_provider::PendingTransactionError,
    },
    /// A call's return data does not decode as the ABI says.
    #[error("{call}: return data does not decode: {source}")]
    Decode {
        /// The contract call.
        call: &'static str,
        /// The decoding error.
        #[source]
        source: alloy_sol_types::Error,
    },
    /// The contract layer failed otherwise (ABI encoding or decoding of the call, empty return data).
    #[error("{call}: {source}")]
    Contract {
        /// The contract call.
        call: &'static str,
        /// The error.
        #[source]
        source: Box<alloy_contract::Error>,
    },
    /// The message is not a single claim (`submit_claim`).
    #[error("message type {message_type:?} is not a single claim")]
    NotAClaim {
        /// Byte 1 of the message header, if present.
        message_type: Option<u8>,
    },
    /// No contract code at the address given as `LCPClient`.
    #[error("no contract deployed at {address}")]
    NoContract {
        /// The address.
        address: Address,
    },
    /// A deployment receipt names no contract address.
    #[error("deploying {contract}: the receipt of {tx_hash} has no contract address")]
    NoContractAddress {
        /// The contract.
        contract: &'static str,
        /// Transaction hash.
        tx_hash: B256,
    },
    /// A transaction would need more gas than the EIP-7825 per-transaction cap.
    #[error("{call}: needs {needed} gas, above the EIP-7825 cap of {cap}")]
    GasCap {
        /// The contract call.
        call: &'static str,
        /// Gas estimated or used.
        needed: u64,
        /// The cap.
        cap: u64,
    },
    /// The P-384 proofs of an attestation document could not be computed (the document does not
    /// parse, or a signature in it is invalid).
    #[error("attestation proofs: {0}")]
    AttestationProofs(#[source] attestation_verifier::nitro::proofs::ProofError),
    /// Signatures to combine belong to different messages.
    #[error("signatures to combine are over different messages (entry {index})")]
    DifferentMessages {
        /// The first entry whose message differs from entry 0.
        index: usize,
    },
    /// A signature does not recover to an address (malformed, high-s, bad v).
    #[error("signature {index} does not recover: {source}")]
    BadSignature {
        /// Its position.
        index: usize,
        /// Why.
        #[source]
        source: attestation_verifier::message::Error,
    },
    /// Two signatures of one combined message are by the same key.
    #[error("two signatures by the same key {signer}")]
    DuplicateSigner {
        /// The key.
        signer: Address,
    },
    /// Nothing to combine or to verify.
    #[error("{what}: empty")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// A batch leaf is not of the claim type the called function verifies.
    #[error("batch leaf {index} has claim type {got}, expected {expected}")]
    LeafType {
        /// Leaf position in the request.
        index: usize,
        /// Its type.
        got: u8,
        /// The type the function verifies.
        expected: u8,
    },
    /// The anvil binary was not found.
    #[error(
        "anvil not found: set ANVIL, run `bash scripts/install-toolchain.sh`, or put anvil on PATH"
    )]
    AnvilNotFound,
    /// Starting anvil or reading its port failed.
    #[error("anvil at {path}: {reason}")]
    AnvilStart {
        /// The binary.
        path: std::path::PathBuf,
        /// What failed.
        reason: AnvilFailure,
    },
}

/// Why anvil did not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnvilFailure {
    /// The process could not be spawned.
    #[error("spawn failed: {0}")]
    Spawn(#[source] std::io::Error),
    /// It did not print its listening address in time.
    #[error("no `Listening on` line within {0:?}")]
    NoAddress(Duration),
    /// It exited before listening.
    #[error("exited before listening")]
    Exited,
}

impl ChainError {
    /// Maps an `alloy_contract` error of `call`: reverts are decoded, everything else is kept.
    pub(crate) fn from_contract(call: &'static str, error: alloy_contract::Error) -> ChainError {
        if let Some(data) = error.as_revert_data() {
            return ChainError::Reverted {
                call,
                revert: Revert::decode(data),
            };
        }
        match error {
            alloy_contract::Error::TransportError(source) => Self::from_transport(call, source),
            alloy_contract::Error::PendingTransactionError(source) => {
                ChainError::Pending { call, source }
            }
            other => ChainError::Contract {
                call,
                source: Box::new(other),
            },
        }
    }

    /// Maps a transport error of `call`; an error response carrying revert data is a revert.
    pub(crate) fn from_transport(
        call: &'static str,
        source: alloy_transport::TransportError,
    ) -> ChainError {
        match source.as_error_resp().and_then(|e| e.as_revert_data()) {
            Some(data) => ChainError::Reverted {
                call,
                revert: Revert::decode(data),
            },
            None => ChainError::Rpc { call, source },
        }
    }

    /// The decoded revert, if this is one.
    pub fn revert(&self) -> Option<&Revert> {
        match self {
            ChainError::Reverted { revert, .. } => Some(revert),
            _ => None,
        }
    }

    /// The name of the custom error this revert carries (`StateDiscontinuity`…), if any.
    pub fn revert_name(&self) -> Option<&'static str> {
        self.revert().and_then(|r| r.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolError;

    #[test]
    fn decodes_client_and_verifier_errors_by_name() {
        let error = LCPClient::StateDiscontinuity {
            got: B256::repeat_byte(1),
            expected: B256::ZERO,
        };
        let revert = Revert::decode(Bytes::from(error.abi_encode()));
        assert_eq!(revert.name, Some("StateDiscontinuity"));
        assert_eq!(revert.declared_by, Some("LCPClient"));
        assert!(matches!(
            revert.lcp_client_error(),
            Some(LCPClient::LCPClientErrors::StateDiscontinuity(e)) if e.got == B256::repeat_byte(1)
        ));
        assert!(
            revert
                .to_string()
                .starts_with("LCPClient.StateDiscontinuity(")
        );

        let unknown = Revert::decode(Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(unknown.name, None);
        assert_eq!(unknown.to_string(), "unknown error 0xdeadbeef");
        let empty = Revert::decode(Bytes::new());
        assert_eq!(empty.name, None);
    }

    #[test]
    fn decodes_error_string_and_panic() {
        let mut data = ERROR_STRING_SELECTOR.to_vec();
        data.extend("boom".to_owned().abi_encode());
        let revert = Revert::decode(Bytes::from(data));
        assert_eq!(revert.name, Some("Error"));
        assert_eq!(revert.to_string(), "Error(\"boom\")");
        let mut data = PANIC_SELECTOR.to_vec();
        data.extend(alloy_primitives::U256::from(0x11).abi_encode());
        assert_eq!(Revert::decode(Bytes::from(data)).to_string(), "Panic(0x11)");
    }
}
