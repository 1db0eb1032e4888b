//! The real Nitro Security Module, through `/dev/nsm` (AWS `aws-nitro-enclaves-nsm-api`).
//!
//! Only works inside a Nitro enclave; elsewhere [`NitroNsm::open`] fails with
//! [`NsmError::DeviceUnavailable`]. The driver's descriptor is opened once and closed on drop.

use super::{AttestationRequest, DeviceError, Nsm, NsmError};
use aws_nitro_enclaves_nsm_api::api::{ErrorCode, Request, Response};
use aws_nitro_enclaves_nsm_api::driver;
use serde_bytes::ByteBuf;

/// A handle on `/dev/nsm`.
#[derive(Debug)]
pub struct NitroNsm {
    fd: i32,
}

impl NitroNsm {
    /// Opens the NSM device.
    ///
    /// # Errors
    /// [`NsmError::DeviceUnavailable`] outside a Nitro enclave.
    pub fn open() -> Result<NitroNsm, NsmError> {
        let fd = driver::nsm_init();
        if fd < 0 {
            return Err(NsmError::DeviceUnavailable);
        }
        Ok(NitroNsm { fd })
    }

    fn request(&self, request: Request) -> Result<Response, NsmError> {
        match driver::nsm_process_request(self.fd, request) {
            Response::Error(code) => Err(NsmError::Device(device_error(&code))),
            response => Ok(response),
        }
    }
}

impl Drop for NitroNsm {
    fn drop(&mut self) {
        driver::nsm_exit(self.fd);
    }
}

fn device_error(code: &ErrorCode) -> DeviceError {
    match code {
        ErrorCode::InvalidArgument => DeviceError::InvalidArgument,
        ErrorCode::InvalidIndex => DeviceError::InvalidIndex,
        ErrorCode::InvalidResponse => DeviceError::InvalidResponse,
        ErrorCode::ReadOnlyIndex => DeviceError::ReadOnlyIndex,
        ErrorCode::InvalidOperation => DeviceError::InvalidOperation,
        ErrorCode::BufferTooSmall => DeviceError::BufferTooSmall,
        ErrorCode::InputTooLarge => DeviceError::InputTooLarge,
        // `Success` inside an `Error` response is itself a protocol violation.
        ErrorCode::Success | ErrorCode::InternalError => DeviceError::InternalError,
    }
}

impl Nsm for NitroNsm {
    fn attestation_document(&self, request: &AttestationRequest<'_>) -> Result<Vec<u8>, NsmError> {
        request.check_sizes()?;
        let to_buf = |bytes: Option<&[u8]>| bytes.map(|b| ByteBuf::from(b.to_vec()));
        let response = self.request(Request::Attestation {
            user_data: to_buf(request.user_data),
            nonce: to_buf(request.nonce),
            public_key: to_buf(request.public_key),
        })?;
        match response {
            Response::Attestation { document } => Ok(document),
            _ => Err(NsmError::UnexpectedResponse),
        }
    }

    fn random_bytes(&self, len: usize) -> Result<Vec<u8>, NsmError> {
        // The NSM returns up to 256 bytes per GetRandom; ask until there are enough.
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            match self.request(Request::GetRandom)? {
                Response::GetRandom { random } if !random.is_empty() => {
                    let take = len.saturating_sub(out.len()).min(random.len());
                    out.extend_from_slice(random.get(..take).unwrap_or_default());
                }
                _ => return Err(NsmError::UnexpectedResponse),
            }
        }
        Ok(out)
    }
}
