#!/usr/bin/env bash
# Writes (or with --check, verifies) solidity/artifacts/*.json, the ABI + creation bytecode that lcp-client
# deploys from, from forge's output. Run after `forge build` in solidity/. See export-artifacts.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/export-artifacts.mjs "$@"
