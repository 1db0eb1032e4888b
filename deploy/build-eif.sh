#!/usr/bin/env bash
# Builds the enclave image file (EIF) and prints the measurement to allowlist in LCPClient.
#
#   deploy/build-eif.sh --operator 0xOPERATOR --chain-id 1 --client-address 0xLCPCLIENT \
#                       [--network mainnet] [--port 5000] [--out lcp-enclave.eif]
#
# Needs: docker, nitro-cli (aws-nitro-enclaves-cli), jq, and `cast` (Foundry) for keccak256.
# Run from anywhere; paths are relative to the repository root.
set -euo pipefail

network=mainnet port=5000 out=lcp-enclave.eif operator="" chain_id="" client=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --operator) operator="$2"; shift 2 ;;
    --chain-id) chain_id="$2"; shift 2 ;;
    --client-address) client="$2"; shift 2 ;;
    --network) network="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$operator" && -n "$chain_id" && -n "$client" ]] || {
  echo "usage: $0 --operator 0x.. --chain-id N --client-address 0x.. [--network NAME] [--port N] [--out FILE]" >&2
  exit 2
}
[[ "$operator" =~ ^0x[0-9a-fA-F]{40}$ && "$client" =~ ^0x[0-9a-fA-F]{40}$ ]] || { echo "addresses must be 0x + 40 hex digits" >&2; exit 2; }
[[ "$chain_id" =~ ^[1-9][0-9]*$ && "$port" =~ ^[0-9]+$ ]] || { echo "chain id and port must be decimal" >&2; exit 2; }
case "$network" in mainnet|sepolia|hoodi) ;; *) echo "network must be mainnet, sepolia or hoodi" >&2; exit 2 ;; esac

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# Guard: the enclave's dependency tree must not contain aws-lc (or any TLS stack).
if cargo tree --locked -p lcp-enclave --features nitro -e normal --prefix none | grep -Eq '^(aws-lc|openssl|ring) '; then
  echo "aws-lc/openssl/ring in the enclave dependency tree: refusing to build" >&2
  exit 1
fi

# Bake the arguments into the measured CMD.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e "s/@VSOCK_PORT@/$port/" -e "s/@NETWORK@/$network/" -e "s/@OPERATOR@/$operator/" \
    -e "s/@CHAIN_ID@/$chain_id/" -e "s/@CLIENT_ADDRESS@/$client/" deploy/Dockerfile > "$work/Dockerfile"

tag="lcp-enclave:$(git rev-parse --short=12 HEAD 2>/dev/null || echo local)"
if grep -q '@[A-Z_]*@' "$work/Dockerfile"; then echo "unsubstituted placeholder in Dockerfile" >&2; exit 1; fi
docker build -f "$work/Dockerfile" -t "$tag" .

nitro-cli build-enclave --docker-uri "$tag" --output-file "$out" | tee "$out.measurements.json"

pcr0="$(jq -r '.Measurements.PCR0' "$out.measurements.json")"
pcr1="$(jq -r '.Measurements.PCR1' "$out.measurements.json")"
pcr2="$(jq -r '.Measurements.PCR2' "$out.measurements.json")"
for p in "$pcr0" "$pcr1" "$pcr2"; do
  [[ "$p" =~ ^[0-9a-f]{96}$ ]] || { echo "unexpected PCR value: $p" >&2; exit 1; }
done
measurement="$(cast keccak "0x${pcr0}${pcr1}${pcr2}")"
cat <<REPORT

EIF:          $out
PCR0 (image): $pcr0
PCR1 (kernel):$pcr1
PCR2 (app):   $pcr2
measurement = keccak256(pcr0 ‖ pcr1 ‖ pcr2) = $measurement

Allowlist it (LCPClient owner):
  cast send <LCPClient> 'setMeasurement(bytes32,bool)' $measurement true
REPORT
