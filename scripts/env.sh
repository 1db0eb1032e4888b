# Source this file to put the pinned Foundry binaries on PATH: `source scripts/env.sh`.
_lcp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for _tool in forge anvil cast; do
  PATH="$_lcp_root/solidity/node_modules/@foundry-rs/$_tool-linux-amd64/bin:$PATH"
done
export PATH
unset _lcp_root _tool
