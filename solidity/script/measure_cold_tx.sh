#!/usr/bin/env bash
# Measures, as REAL transactions on anvil (Osaka rules, EIP-7825 per-transaction cap enforced), the deployment of
# NitroAttestationVerifier and the verification of the fully cold evervault document (root + 3 CAs + leaf + COSE) in
# ONE transaction with traces (test/data/nitro_hints.json), sent with gas = 16,777,216. Prints both gasUsed values.
# Calldata costs are included here, unlike in forge test gas. Needs python3; run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
source ../scripts/env.sh
PORT=${PORT:-18645}
RPC="http://127.0.0.1:$PORT"
PK=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # anvil's first dev account
FROM=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
ROOT=0x641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b
TX_JSON=$(mktemp)
# Genesis before the document (2022-10-13 08:58:02 UTC); blocks are then timestamped explicitly.
anvil --host 127.0.0.1 --port "$PORT" --hardfork osaka --enable-tx-gas-limit --timestamp 1665651000 \
  --gas-limit 60000000 >/dev/null 2>&1 &
ANVIL=$!
trap 'kill $ANVIL; rm -f "$TX_JSON"' EXIT
for _ in $(seq 50); do cast chain-id --rpc-url "$RPC" >/dev/null 2>&1 && break; sleep 0.2; done

cast rpc --rpc-url "$RPC" evm_setNextBlockTimestamp 1665651100 >/dev/null
ADDR=$(forge create src/NitroAttestationVerifier.sol:NitroAttestationVerifier --rpc-url "$RPC" --private-key "$PK" \
  --broadcast --constructor-args "$ROOT" "$FROM" | awk '/Deployed to:/ {print $3}')
DEPLOY_TX=$(cast rpc --rpc-url "$RPC" eth_getBlockByNumber latest false | python3 -c 'import json,sys; print(json.load(sys.stdin)["transactions"][0])')
echo "deploy gasUsed: $(cast receipt --rpc-url "$RPC" "$DEPLOY_TX" gasUsed)"

SEL=$(cast sig "verifyAttestationWithHints(bytes,uint256,bool,bytes[])")
python3 - "$SEL" "$ADDR" "$FROM" >"$TX_JSON" <<'PY'
import json, sys
sel, to, sender = bytes.fromhex(sys.argv[1][2:]), sys.argv[2], sys.argv[3]
proofs_json = json.load(open("test/data/nitro_hints.json"))["evervault"]
doc = open("../fixtures/nitro/evervault_2022-10-13_i-020b6af9.cbor", "rb").read()
proofs = [b""] + [bytes.fromhex(x[2:]) for x in proofs_json["certs_trace"][1:]] + [bytes.fromhex(proofs_json["cose_trace"][2:])]
u = lambda n: n.to_bytes(32, "big")
enc = lambda b: u(len(b)) + b + b"\0" * ((-len(b)) % 32)
elems = [enc(p) for p in proofs]
offsets, off = [], 32 * len(elems)
for e in elems:
    offsets.append(u(off))
    off += len(e)
array = u(len(elems)) + b"".join(offsets) + b"".join(elems)
doc_enc = enc(doc)
data = sel + u(128) + u(600) + u(0) + u(128 + len(doc_enc)) + doc_enc + array
print(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_sendTransaction",
                  "params": [{"from": sender, "to": to, "gas": hex(16777216), "data": "0x" + data.hex()}]}))
print(f"calldata bytes: {len(data)}", file=sys.stderr)
PY
cast rpc --rpc-url "$RPC" evm_setNextBlockTimestamp 1665651490 >/dev/null
TX=$(curl -s -H 'Content-Type: application/json' --data @"$TX_JSON" "$RPC" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])')
cast receipt --rpc-url "$RPC" "$TX" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("cold document, one tx, traced: status", int(r["status"], 16), "gasUsed", int(r["gasUsed"], 16),
      "CertCached events", len(r["logs"]))'
