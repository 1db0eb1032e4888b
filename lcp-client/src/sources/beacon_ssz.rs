//! The SSZ framing of Beacon-API light-client answers.
//!
//! `GET /eth/v1/beacon/light_client/updates` with `Accept: application/octet-stream` answers a
//! sequence of `response_chunk_len (u64 little-endian) ‖ response_chunk`, where
//! `response_chunk = context (4-byte ForkDigest) ‖ SSZ payload` and `response_chunk_len` counts
//! both (beacon-APIs `apis/beacon/light_client/updates.yaml`). The digest selects the fork of
//! the payload, so decoding needs the network's fork schedule. Single objects (bootstrap,
//! finality, optimistic) name their fork in the `Eth-Consensus-Version` header instead.
//!
//! This module only splits the frames: the payload is handed to the enclave as
//! [`LcObject::Ssz`], which decodes and verifies it.

use super::error::SszProblem;
use lcp_enclave::light_client::config::{ChainSpec, Fork};
use lcp_enclave::light_client::decode::MAX_LC_OBJECT_BYTES;
use lcp_enclave::light_client::header::known_fork_digests;
use lcp_enclave::service::protocol::LcObject;

/// Length of the `ForkDigest` context.
pub const CONTEXT_LEN: usize = 4;
/// Length of `response_chunk_len`.
pub const CHUNK_LEN_LEN: usize = 8;
/// Largest `response_chunk`: the context plus the enclave's object limit
/// ([`MAX_LC_OBJECT_BYTES`]; a larger payload would be refused by the enclave anyway).
pub const MAX_CHUNK_LEN: usize = CONTEXT_LEN + MAX_LC_OBJECT_BYTES;

/// Splits an updates answer into `(fork, payload)` objects, at most `max_items`.
///
/// # Errors
/// [`SplitError::Frame`] ([`SszProblem::Truncated`], [`SszProblem::ChunkLength`],
/// [`SszProblem::UnknownForkDigest`]); [`SplitError::TooMany`].
pub fn split_update_chunks(
    spec: &ChainSpec,
    body: &[u8],
    max_items: usize,
) -> Result<Vec<LcObject>, SplitError> {
    let digests = known_fork_digests(spec);
    let mut objects = Vec::new();
    let mut rest = body;
    let mut offset: usize = 0;
    while !rest.is_empty() {
        let index = objects.len();
        if index >= max_items {
            return Err(SplitError::TooMany { max: max_items });
        }
        let (len_bytes, after_len) =
            rest.split_first_chunk::<CHUNK_LEN_LEN>()
                .ok_or(SszProblem::Truncated {
                    offset,
                    needed: u64::try_from(CHUNK_LEN_LEN.saturating_sub(rest.len()))
                        .unwrap_or(u64::MAX),
                })?;
        let declared = u64::from_le_bytes(*len_bytes);
        let len = usize::try_from(declared)
            .ok()
            .filter(|len| (CONTEXT_LEN..=MAX_CHUNK_LEN).contains(len))
            .ok_or(SszProblem::ChunkLength {
                index,
                len: declared,
                max: MAX_CHUNK_LEN,
            })?;
        offset = offset.saturating_add(CHUNK_LEN_LEN);
        if after_len.len() < len {
            return Err(SszProblem::Truncated {
                offset,
                needed: u64::try_from(len.saturating_sub(after_len.len())).unwrap_or(u64::MAX),
            }
            .into());
        }
        let (chunk, next) = after_len.split_at(len);
        let (digest, payload) =
            chunk
                .split_first_chunk::<CONTEXT_LEN>()
                .ok_or(SszProblem::ChunkLength {
                    index,
                    len: declared,
                    max: MAX_CHUNK_LEN,
                })?;
        let fork = fork_of_digest(&digests, digest).ok_or(SszProblem::UnknownForkDigest {
            index,
            digest: *digest,
        })?;
        objects.push(LcObject::Ssz {
            fork: fork.name().to_owned(),
            bytes: payload.to_vec().into(),
        });
        offset = offset.saturating_add(len);
        rest = next;
    }
    Ok(objects)
}

fn fork_of_digest(digests: &[([u8; 4], Fork)], digest: &[u8; 4]) -> Option<Fork> {
    digests
        .iter()
        .find(|(known, _)| known == digest)
        .map(|(_, fork)| *fork)
}

/// Encodes objects as an updates answer (the inverse of [`split_update_chunks`]; used by the
/// fixture server and tests). `objects` are `(fork digest, payload)` pairs.
pub fn encode_update_chunks(objects: &[([u8; 4], &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (digest, payload) in objects {
        let len = u64::try_from(CONTEXT_LEN.saturating_add(payload.len())).unwrap_or(u64::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(digest);
        out.extend_from_slice(payload);
    }
    out
}

/// Why an updates answer could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// A framing problem.
    Frame(SszProblem),
    /// More chunks than requested.
    TooMany {
        /// Allowed.
        max: usize,
    },
}

impl From<SszProblem> for SplitError {
    fn from(problem: SszProblem) -> Self {
        SplitError::Frame(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes: an error or objects, never a panic, never more than asked for.
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let spec = ChainSpec::mainnet();
            if let Ok(objects) = split_update_chunks(&spec, &body, 3) {
                prop_assert!(objects.len() <= 3);
            }
        }

        /// Encoding then splitting returns the payloads, each named by the digest's fork.
        #[test]
        fn framing_round_trips(payloads in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..300), 0..5)) {
            let spec = ChainSpec::mainnet();
            let digest = capella_digest(&spec);
            let framed: Vec<([u8; 4], &[u8])> =
                payloads.iter().map(|p| (digest, p.as_slice())).collect();
            let objects = split_update_chunks(&spec, &encode_update_chunks(&framed), 5).unwrap();
            prop_assert_eq!(objects.len(), payloads.len());
            for (object, payload) in objects.iter().zip(&payloads) {
                prop_assert_eq!(object, &LcObject::Ssz { fork: "capella".into(), bytes: payload.clone().into() });
            }
        }
    }

    fn capella_digest(spec: &ChainSpec) -> [u8; 4] {
        known_fork_digests(spec)
            .into_iter()
            .find(|(_, fork)| *fork == Fork::Capella)
            .unwrap()
            .0
    }

    #[test]
    fn chunks_round_trip_and_name_their_fork() {
        let spec = ChainSpec::mainnet();
        let digest = capella_digest(&spec);
        let body = encode_update_chunks(&[(digest, &[1, 2, 3]), (digest, &[])]);
        let objects = split_update_chunks(&spec, &body, 2).unwrap();
        assert_eq!(
            objects,
            vec![
                LcObject::Ssz {
                    fork: "capella".into(),
                    bytes: vec![1, 2, 3].into()
                },
                LcObject::Ssz {
                    fork: "capella".into(),
                    bytes: vec![].into()
                },
            ]
        );
        assert_eq!(split_update_chunks(&spec, &[], 2).unwrap(), vec![]);
    }

    #[test]
    fn framing_errors_are_typed() {
        let spec = ChainSpec::mainnet();
        let digest = capella_digest(&spec);
        let body = encode_update_chunks(&[(digest, &[1, 2, 3]), (digest, &[4])]);
        assert_eq!(
            split_update_chunks(&spec, &body, 1),
            Err(SplitError::TooMany { max: 1 })
        );
        // Cut inside the second chunk's payload.
        let cut = &body[..body.len() - 1];
        assert_eq!(
            split_update_chunks(&spec, cut, 2),
            Err(SplitError::Frame(SszProblem::Truncated {
                offset: 23,
                needed: 1
            }))
        );
        // Cut inside a length prefix.
        assert_eq!(
            split_update_chunks(&spec, &body[..3], 2),
            Err(SplitError::Frame(SszProblem::Truncated {
                offset: 0,
                needed: 5
            }))
        );
        // A length below the context, or above the limit.
        let mut short = body.clone();
        short[..8].copy_from_slice(&3u64.to_le_bytes());
        assert!(matches!(
            split_update_chunks(&spec, &short, 2),
            Err(SplitError::Frame(SszProblem::ChunkLength {
                index: 0,
                len: 3,
                ..
            }))
        ));
        let mut huge = body.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            split_update_chunks(&spec, &huge, 2),
            Err(SplitError::Frame(SszProblem::ChunkLength { index: 0, .. }))
        ));
        // Another network's digest.
        let foreign = encode_update_chunks(&[([0xde, 0xad, 0xbe, 0xef], &[1])]);
        assert_eq!(
            split_update_chunks(&spec, &foreign, 2),
            Err(SplitError::Frame(SszProblem::UnknownForkDigest {
                index: 0,
                digest: [0xde, 0xad, 0xbe, 0xef]
            }))
        );
    }
}
