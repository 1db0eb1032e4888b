//! Helpers shared by the cross-crate tests: where the repository's fixtures are.

use std::path::PathBuf;

/// The repository's `fixtures/` directory (tests never read `../shared`).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("fixtures")
}

/// A path inside `fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    fixtures_dir().join(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_in_the_repository() {
        assert!(
            fixture("nitro/root.der").is_file(),
            "fixtures/nitro/root.der is missing"
        );
    }
}
