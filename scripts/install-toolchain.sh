#!/usr/bin/env bash
# Installs what the tests need beyond Rust: Foundry (forge, anvil, cast) and solc, pinned in
# solidity/package-lock.json, from the npm registry into solidity/node_modules. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../solidity"
if [ ! -x node_modules/@foundry-rs/forge-linux-amd64/bin/forge ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` refuses this lockfile (npm omits the other platforms' optional binaries); `npm install`
  # still installs exactly the locked versions.
  npm install --no-audit --no-fund --loglevel=error
fi
node_modules/@foundry-rs/forge-linux-amd64/bin/forge --version | head -1
bin/solc --version | tail -1
