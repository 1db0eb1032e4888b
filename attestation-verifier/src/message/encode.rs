//! Message header and body encoding: `header(32) ‖ abi.encode(body)`, and the signing digest.
//!
//! The header layout (see `ILCPMessages.sol`) as one big-endian word:
//! `version << 248 | type << 240 | 0 (16 reserved bits) | chainId << 160 | uint160(client)`.

use alloy_primitives::{Address, B256, keccak256};
use alloy_sol_types::SolValue;

use super::Error;
use super::layout::{
    AccountClaim, BatchClaims, MessageType, ReceiptLogClaim, StorageClaim, TransactionClaim,
    UpdateState,
};

/// The only message version this crate (and `LCPClient`) speaks; header byte 0.
pub const VERSION: u8 = 1;

/// Length of the header.
pub const HEADER_LEN: usize = 32;

/// Most topics an EVM log has (LOG0..LOG4, Yellow Paper §H.2).
pub const MAX_TOPICS: usize = 4;

/// Upper bound of a message: 2 MiB of log data plus headroom for the header and the claim's fixed
/// words. Source: a LOG opcode charges 8 gas per data byte, so under the EIP-7825 cap of 16,777,216
/// gas per transaction no log carries more than 2,097,152 data bytes.
pub const MAX_MESSAGE_LEN: usize = 2_097_152 + 4096;

/// Where a message may be used: the destination chain and the `LCPClient` deployment on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Domain {
    /// `block.chainid` of the destination chain.
    pub chain_id: u64,
    /// Address of the `LCPClient` contract.
    pub client: Address,
}

/// The decoded 32-byte header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Header byte 0.
    pub version: u8,
    /// Header byte 1.
    pub message_type: MessageType,
    /// Destination chain and client.
    pub domain: Domain,
}

impl Header {
    /// The header bytes.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let prefix = [self.version, u8::from(self.message_type), 0, 0];
        let chain_id = self.domain.chain_id.to_be_bytes();
        let mut out = [0u8; HEADER_LEN];
        let bytes = prefix
            .iter()
            .chain(chain_id.iter())
            .chain(self.domain.client.as_slice().iter());
        for (dst, src) in out.iter_mut().zip(bytes) {
            *dst = *src;
        }
        out
    }

    /// Parses and checks a header against the version this crate speaks and the expected domain.
    ///
    /// # Errors
    /// [`Error::TooShort`], [`Error::UnsupportedVersion`], [`Error::UnknownMessageType`],
    /// [`Error::NonZeroReserved`], [`Error::WrongChainId`], [`Error::WrongClient`].
    pub fn decode(message: &[u8], expected: Domain) -> Result<Header, Error> {
        let header: &[u8; HEADER_LEN] = message
            .get(..HEADER_LEN)
            .and_then(|h| h.try_into().ok())
            .ok_or(Error::TooShort { len: message.len() })?;
        let [
            version,
            type_byte,
            r0,
            r1,
            c0,
            c1,
            c2,
            c3,
            c4,
            c5,
            c6,
            c7,
            client @ ..,
        ] = *header;
        if version != VERSION {
            return Err(Error::UnsupportedVersion {
                got: version,
                expected: VERSION,
            });
        }
        let message_type = match MessageType::try_from(type_byte) {
            Ok(t) if t != MessageType::None => t,
            _ => return Err(Error::UnknownMessageType { got: type_byte }),
        };
        let reserved = u16::from_be_bytes([r0, r1]);
        if reserved != 0 {
            return Err(Error::NonZeroReserved { got: reserved });
        }
        let chain_id = u64::from_be_bytes([c0, c1, c2, c3, c4, c5, c6, c7]);
        if chain_id != expected.chain_id {
            return Err(Error::WrongChainId {
                got: chain_id,
                expected: expected.chain_id,
            });
        }
        let client = Address::from(client);
        if client != expected.client {
            return Err(Error::WrongClient {
                got: client,
                expected: expected.client,
            });
        }
        Ok(Header {
            version,
            message_type,
            domain: expected,
        })
    }
}

/// A message body: one of the structs of `ILCPMessages.sol`, tagged with its header type.
pub trait Body:
    SolValue + From<<<Self as SolValue>::SolType as alloy_sol_types::SolType>::RustType>
{
    /// Header byte 1 for this body.
    const TYPE: MessageType;

    /// Checks the body imposes beyond its ABI shape.
    ///
    /// # Errors
    /// A variant naming the violated bound.
    fn check_bounds(&self) -> Result<(), Error> {
        Ok(())
    }
}

impl Body for UpdateState {
    const TYPE: MessageType = MessageType::UpdateState;
}

impl Body for ReceiptLogClaim {
    const TYPE: MessageType = MessageType::ReceiptLogClaim;

    fn check_bounds(&self) -> Result<(), Error> {
        if self.topics.len() > MAX_TOPICS {
            return Err(Error::TooManyTopics {
                got: self.topics.len(),
                max: MAX_TOPICS,
            });
        }
        Ok(())
    }
}

impl Body for StorageClaim {
    const TYPE: MessageType = MessageType::StorageClaim;
}

impl Body for AccountClaim {
    const TYPE: MessageType = MessageType::AccountClaim;
}

impl Body for BatchClaims {
    const TYPE: MessageType = MessageType::BatchClaims;
}

impl Body for TransactionClaim {
    const TYPE: MessageType = MessageType::TransactionClaim;
}

/// `header ‖ abi.encode(body)` for `domain`: the bytes the enclave signs.
pub fn encode_message<B: Body>(domain: Domain, body: &B) -> Vec<u8> {
    let header = Header {
        version: VERSION,
        message_type: B::TYPE,
        domain,
    };
    let mut out = header.encode().to_vec();
    out.extend_from_slice(&body.abi_encode());
    out
}

/// Decodes a message of type `B` for `domain`, strictly: the header must match, the body must be the
/// canonical ABI encoding of a `B` (re-encoding gives the same bytes) and respect its bounds.
///
/// # Errors
/// [`Error::TooLong`], the header errors of [`Header::decode`], [`Error::WrongMessageType`],
/// [`Error::MalformedBody`], [`Error::NonCanonicalBody`], [`Error::TooManyTopics`].
pub fn decode_message<B: Body>(domain: Domain, message: &[u8]) -> Result<B, Error> {
    if message.len() > MAX_MESSAGE_LEN {
        return Err(Error::TooLong {
            len: message.len(),
            max: MAX_MESSAGE_LEN,
        });
    }
    let header = Header::decode(message, domain)?;
    let type_byte = u8::from(B::TYPE);
    if header.message_type != B::TYPE {
        return Err(Error::WrongMessageType {
            got: u8::from(header.message_type),
            expected: type_byte,
        });
    }
    let body = message
        .get(HEADER_LEN..)
        .ok_or(Error::TooShort { len: message.len() })?;
    let decoded = B::abi_decode_validate(body).map_err(|_| Error::MalformedBody {
        message_type: type_byte,
    })?;
    if decoded.abi_encode() != body {
        return Err(Error::NonCanonicalBody {
            message_type: type_byte,
        });
    }
    decoded.check_bounds()?;
    Ok(decoded)
}

/// Any message, decoded by its header type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// [`MessageType::UpdateState`].
    UpdateState(UpdateState),
    /// [`MessageType::ReceiptLogClaim`].
    ReceiptLogClaim(ReceiptLogClaim),
    /// [`MessageType::StorageClaim`].
    StorageClaim(StorageClaim),
    /// [`MessageType::AccountClaim`].
    AccountClaim(AccountClaim),
    /// [`MessageType::BatchClaims`].
    BatchClaims(BatchClaims),
    /// [`MessageType::TransactionClaim`].
    TransactionClaim(TransactionClaim),
}

impl Message {
    /// Decodes whichever message type the header names.
    ///
    /// # Errors
    /// As [`decode_message`].
    pub fn decode(domain: Domain, message: &[u8]) -> Result<Message, Error> {
        let header = Header::decode(message, domain)?;
        Ok(match header.message_type {
            MessageType::UpdateState => Message::UpdateState(decode_message(domain, message)?),
            MessageType::ReceiptLogClaim => {
                Message::ReceiptLogClaim(decode_message(domain, message)?)
            }
            MessageType::StorageClaim => Message::StorageClaim(decode_message(domain, message)?),
            MessageType::AccountClaim => Message::AccountClaim(decode_message(domain, message)?),
            MessageType::BatchClaims => Message::BatchClaims(decode_message(domain, message)?),
            MessageType::TransactionClaim => {
                Message::TransactionClaim(decode_message(domain, message)?)
            }
            MessageType::None | MessageType::__Invalid => {
                return Err(Error::UnknownMessageType {
                    got: message.get(1).copied().unwrap_or_default(),
                });
            }
        })
    }

    /// The message bytes for `domain`.
    pub fn encode(&self, domain: Domain) -> Vec<u8> {
        match self {
            Message::UpdateState(b) => encode_message(domain, b),
            Message::ReceiptLogClaim(b) => encode_message(domain, b),
            Message::StorageClaim(b) => encode_message(domain, b),
            Message::AccountClaim(b) => encode_message(domain, b),
            Message::BatchClaims(b) => encode_message(domain, b),
            Message::TransactionClaim(b) => encode_message(domain, b),
        }
    }
}

/// The digest the enclave signs: `keccak256(message)`, header included.
pub fn signing_digest(message: &[u8]) -> B256 {
    keccak256(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{U256, address, b256};

    const DOMAIN: Domain = Domain {
        chain_id: 31337,
        client: address!("00000000000000000000000000000000000000c1"),
    };

    fn storage() -> StorageClaim {
        StorageClaim {
            blockNumber: 7,
            blockHash: b256!("1111111111111111111111111111111111111111111111111111111111111111"),
            account: address!("2222222222222222222222222222222222222222"),
            slot: B256::with_last_byte(3),
            value: B256::from(U256::from(42u64)),
        }
    }

    fn receipt() -> ReceiptLogClaim {
        ReceiptLogClaim {
            blockNumber: 9,
            blockHash: B256::repeat_byte(0xab),
            txIndex: 2,
            logIndex: 1,
            emitter: address!("3333333333333333333333333333333333333333"),
            topics: vec![B256::repeat_byte(1), B256::repeat_byte(2)],
            data: vec![0xde, 0xad].into(),
        }
    }

    #[test]
    fn header_layout_is_the_documented_word() {
        let msg = encode_message(DOMAIN, &storage());
        assert_eq!(
            hex::encode(&msg[..32]),
            "010300000000000000007a6900000000000000000000000000000000000000c1"
        );
        assert_eq!(msg.len(), 32 + 5 * 32);
    }

    #[test]
    fn round_trip_every_type() {
        let batch = BatchClaims {
            blockNumber: 1,
            blockHash: B256::repeat_byte(9),
            leafCount: 3,
            root: B256::ZERO,
        };
        let messages = [
            Message::StorageClaim(storage()),
            Message::ReceiptLogClaim(receipt()),
            Message::BatchClaims(batch),
            Message::UpdateState(UpdateState::default()),
            Message::AccountClaim(AccountClaim::default()),
        ];
        for m in messages {
            assert_eq!(Message::decode(DOMAIN, &m.encode(DOMAIN)).unwrap(), m);
        }
    }

    #[test]
    fn header_errors_name_the_field() {
        let msg = encode_message(DOMAIN, &storage());
        let mut m = msg.clone();
        m[0] = 2;
        assert_eq!(
            Header::decode(&m, DOMAIN),
            Err(Error::UnsupportedVersion {
                got: 2,
                expected: 1
            })
        );
        let mut m = msg.clone();
        m[1] = 7;
        assert_eq!(
            Header::decode(&m, DOMAIN),
            Err(Error::UnknownMessageType { got: 7 })
        );
        m[1] = 0;
        assert_eq!(
            Header::decode(&m, DOMAIN),
            Err(Error::UnknownMessageType { got: 0 })
        );
        let mut m = msg.clone();
        m[3] = 1;
        assert_eq!(
            Header::decode(&m, DOMAIN),
            Err(Error::NonZeroReserved { got: 1 })
        );
        let other_chain = Domain {
            chain_id: 1,
            ..DOMAIN
        };
        assert_eq!(
            Header::decode(&msg, other_chain),
            Err(Error::WrongChainId {
                got: 31337,
                expected: 1
            })
        );
        let other_client = Domain {
            client: Address::ZERO,
            ..DOMAIN
        };
        assert_eq!(
            Header::decode(&msg, other_client),
            Err(Error::WrongClient {
                got: DOMAIN.client,
                expected: Address::ZERO
            })
        );
        assert_eq!(
            Header::decode(&msg[..31], DOMAIN),
            Err(Error::TooShort { len: 31 })
        );
        assert_eq!(
            decode_message::<UpdateState>(DOMAIN, &msg),
            Err(Error::WrongMessageType {
                got: 3,
                expected: 1
            })
        );
    }

    #[test]
    fn body_must_be_canonical() {
        let mut msg = encode_message(DOMAIN, &storage());
        msg.push(0);
        assert_eq!(
            decode_message::<StorageClaim>(DOMAIN, &msg),
            Err(Error::NonCanonicalBody { message_type: 3 })
        );
        let msg = encode_message(DOMAIN, &storage());
        assert_eq!(
            decode_message::<StorageClaim>(DOMAIN, &msg[..msg.len() - 1]),
            Err(Error::MalformedBody { message_type: 3 })
        );
        // Dirty high bytes in the uint64 block number.
        let mut msg = encode_message(DOMAIN, &storage());
        msg[32] = 1;
        assert_eq!(
            decode_message::<StorageClaim>(DOMAIN, &msg),
            Err(Error::MalformedBody { message_type: 3 })
        );
    }

    #[test]
    fn receipt_topics_are_bounded() {
        let mut claim = receipt();
        claim.topics = vec![B256::ZERO; 5];
        let msg = encode_message(DOMAIN, &claim);
        assert_eq!(
            decode_message::<ReceiptLogClaim>(DOMAIN, &msg),
            Err(Error::TooManyTopics {
                got: 5,
                max: MAX_TOPICS
            })
        );
    }

    #[test]
    fn oversized_message_is_rejected_before_parsing() {
        let msg = vec![0u8; MAX_MESSAGE_LEN + 1];
        assert_eq!(
            decode_message::<ReceiptLogClaim>(DOMAIN, &msg),
            Err(Error::TooLong {
                len: MAX_MESSAGE_LEN + 1,
                max: MAX_MESSAGE_LEN
            })
        );
    }

    proptest::proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            // Accepted bytes are canonical: one value, one encoding.
            if let Ok(m) = Message::decode(DOMAIN, &bytes) {
                proptest::prop_assert_eq!(m.encode(DOMAIN), bytes);
            }
        }

        #[test]
        fn mutated_receipt_claims_are_rejected_or_canonical(
            edits in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..4)
        ) {
            // Mutate body bytes of a valid message (offsets, lengths, padding, values): whatever still
            // decodes must re-encode to exactly the mutated bytes.
            let mut bytes = encode_message(DOMAIN, &receipt());
            let body_len = bytes.len().checked_sub(HEADER_LEN).unwrap();
            for (position, value) in edits {
                bytes[HEADER_LEN.checked_add(position.checked_rem(body_len).unwrap()).unwrap()] = value;
            }
            if let Ok(m) = Message::decode(DOMAIN, &bytes) {
                proptest::prop_assert_eq!(m.encode(DOMAIN), bytes);
            }
        }

        #[test]
        fn any_storage_claim_round_trips(n in proptest::prelude::any::<u64>(), v in proptest::prelude::any::<[u8; 32]>()) {
            let claim = StorageClaim { blockNumber: n, value: B256::from(v), ..storage() };
            let msg = encode_message(DOMAIN, &claim);
            proptest::prop_assert_eq!(decode_message::<StorageClaim>(DOMAIN, &msg).unwrap(), claim);
        }
    }
}
