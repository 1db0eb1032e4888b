#!/usr/bin/env bash
# The one test command (README): installs what the tests need, then runs every check and test,
# Rust and Solidity. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-toolchain.sh
source scripts/env.sh

echo "== Solidity: format, build, test"
(cd solidity && forge fmt --check && forge build --sizes && forge test)
# lcp-client deploys from the checked-in ABI + bytecode: they must be exactly what forge just built.
bash scripts/export-artifacts.sh --check

echo "== Rust: format, lint, test"
cargo fmt --all --check
# The fuzz crate is outside the workspace (nightly); its shared bodies compile in the replay test.
rustfmt --edition 2024 --check fuzz/src/lib.rs fuzz/fuzz_targets/*.rs
cargo clippy --workspace --all-targets --locked -- -D warnings
# The real /dev/nsm backend: no Nitro hardware here, but it must compile and lint clean.
cargo clippy -p lcp-enclave --features nitro --all-targets --locked -- -D warnings
# The vsock transport of the host's enclave connection (exercised on Nitro only).
cargo clippy -p lcp-client --features vsock --all-targets --locked -- -D warnings
cargo test --workspace --locked
