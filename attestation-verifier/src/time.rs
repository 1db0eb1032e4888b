//! Typed instants. Nitro documents carry milliseconds, X.509 and the EVM carry seconds; keeping the
//! two apart in the type system stops the classic factor-1000 freshness bug.

use core::fmt;

/// Seconds since the Unix epoch (X.509 validity, `block.timestamp`, verification time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixSeconds(pub u64);

/// Milliseconds since the Unix epoch (the Nitro document `timestamp` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixMillis(pub u64);

impl UnixMillis {
    /// Whole seconds, rounded down: the same truncation the contracts apply (`timestamp / 1000`).
    pub const fn to_seconds(self) -> UnixSeconds {
        UnixSeconds(self.0 / 1000)
    }
}

impl UnixSeconds {
    /// `self + secs`, saturating at `u64::MAX` so that a huge policy value can never wrap into the past.
    pub const fn saturating_add(self, secs: u64) -> UnixSeconds {
        UnixSeconds(self.0.saturating_add(secs))
    }

    /// `self - secs`, saturating at zero.
    pub const fn saturating_sub(self, secs: u64) -> UnixSeconds {
        UnixSeconds(self.0.saturating_sub(secs))
    }
}

impl fmt::Display for UnixSeconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.0)
    }
}

impl fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_truncate_to_seconds() {
        assert_eq!(
            UnixMillis(1_665_651_482_999).to_seconds(),
            UnixSeconds(1_665_651_482)
        );
    }

    #[test]
    fn saturating_bounds() {
        assert_eq!(
            UnixSeconds(u64::MAX).saturating_add(1),
            UnixSeconds(u64::MAX)
        );
        assert_eq!(UnixSeconds(5).saturating_sub(10), UnixSeconds(0));
    }
}
