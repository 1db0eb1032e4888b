#!/usr/bin/env bash
# Measures the golden registration (fixtures/golden/registration/, from tests/tests/golden_registration.rs) as REAL
# transactions on anvil (Osaka rules, EIP-7825 per-transaction cap enforced, every tx sent with gas = 16,777,216),
# calldata included, against the REAL NitroAttestationVerifier and LCPClient:
#   A) split: verifyCACert for root, regional, zonal, instance (4 txs), then registerEnclaveKey (new leaf + COSE);
#   B) cold, ONE tx: registerEnclaveKeyWithProofs with the traces of test/data/registration_proofs.json on a fresh
#      verifier + client.
# Prints gasUsed per transaction. Needs python3; starts its own anvil on PORT (default 18646) and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source ../scripts/env.sh
PORT=${PORT:-18646}
RPC="http://127.0.0.1:$PORT"
PK=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 # anvil's first dev account
FROM=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
FIX=../fixtures/golden/registration/registration.json
field() { python3 -c "import json,sys; v=json.load(open('$FIX'))$1; print(v)"; }
T=$(field '["verification_time"]')
OPERATOR=$(field '["operator"]')
TX_JSON=$(mktemp)
anvil --host 127.0.0.1 --port "$PORT" --hardfork osaka --enable-tx-gas-limit --timestamp $((T - 1000)) \
  --gas-limit 60000000 >/dev/null 2>&1 &
ANVIL=$!
trap 'kill $ANVIL; rm -f "$TX_JSON"' EXIT
for _ in $(seq 50); do cast chain-id --rpc-url "$RPC" >/dev/null 2>&1 && break; sleep 0.2; done
NEXT=$((T - 900))
tick() { NEXT=$((NEXT + ${1:-1})); cast rpc --rpc-url "$RPC" evm_setNextBlockTimestamp "$NEXT" >/dev/null; }
last_gas() {
  local tx
  tx=$(cast rpc --rpc-url "$RPC" eth_getBlockByNumber latest false | python3 -c 'import json,sys; print(json.load(sys.stdin)["transactions"][0])')
  cast receipt --rpc-url "$RPC" "$tx" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print("status", int(r["status"],16), "gasUsed", int(r["gasUsed"],16))'
}
send() { tick; cast send --rpc-url "$RPC" --private-key "$PK" --gas-limit 16777216 "$@" >/dev/null; }
deploy() { # deploys verifier + client, allowlists measurement and operator; sets VERIFIER, CLIENT
  tick
  VERIFIER=$(forge create src/NitroAttestationVerifier.sol:NitroAttestationVerifier --rpc-url "$RPC" --private-key "$PK" \
    --broadcast --constructor-args "$(field '["root_sha256"]')" "$FROM" | awk '/Deployed to:/ {print $3}')
  echo "  deploy verifier: $(last_gas)"
  tick
  CLIENT=$(forge create src/LCPClient.sol:LCPClient --rpc-url "$RPC" --private-key "$PK" --broadcast --constructor-args \
    "$VERIFIER" "$(field '["network_config_hash"]')" "$(field '["trusted_root"]')" 1 \
    "$(field '["key_ttl_secs"]')" "$(field '["max_attestation_age_secs"]')" | awk '/Deployed to:/ {print $3}')
  echo "  deploy LCPClient: $(last_gas)"
  send "$CLIENT" "setMeasurement(bytes32,bool)" "$(field '["measurement"]')" true
  send "$CLIENT" "setOperator(address,bool)" "$OPERATOR" true
}
cast rpc --rpc-url "$RPC" anvil_impersonateAccount "$OPERATOR" >/dev/null
cast rpc --rpc-url "$RPC" anvil_setBalance "$OPERATOR" 0x56bc75e2d63100000 >/dev/null

echo "A) split registration"
deploy
PARENT=0x0000000000000000000000000000000000000000000000000000000000000000
for i in 0 1 2 3; do
  CERT=$(field "[\"cabundle\"][$i]")
  NEXT_PARENT=$(cast call --rpc-url "$RPC" "$VERIFIER" "verifyCACert(bytes,bytes32)(bytes32)" "$CERT" "$PARENT")
  send "$VERIFIER" "verifyCACert(bytes,bytes32)" "$CERT" "$PARENT"
  echo "  verifyCACert cabundle[$i] ($(( (${#CERT} - 2) / 2 )) B): $(last_gas)"
  PARENT=$NEXT_PARENT
done
DOC=$(field '["document"]')
NEXT=$((T + 5)); tick 0
cast send --rpc-url "$RPC" --from "$OPERATOR" --unlocked --gas-limit 16777216 "$CLIENT" "registerEnclaveKey(bytes)" "$DOC" >/dev/null
echo "  registerEnclaveKey (new leaf, $(( (${#DOC} - 2) / 2 )) B document): $(last_gas)"

echo "B) cold registration in ONE transaction with traces"
deploy
SEL=$(cast sig "registerEnclaveKeyWithProofs(bytes,bytes[])")
python3 - "$SEL" "$CLIENT" "$OPERATOR" >"$TX_JSON" <<'PY'
import json, sys
sel, to, sender = bytes.fromhex(sys.argv[1][2:]), sys.argv[2], sys.argv[3]
doc = bytes.fromhex(json.load(open("../fixtures/golden/registration/registration.json"))["document"][2:])
proofs = [bytes.fromhex(x[2:]) for x in json.load(open("test/data/registration_proofs.json"))["traces"]]
u = lambda n: n.to_bytes(32, "big")
enc = lambda b: u(len(b)) + b + b"\0" * ((-len(b)) % 32)
elems = [enc(p) for p in proofs]
offsets, off = [], 32 * len(elems)
for e in elems:
    offsets.append(u(off))
    off += len(e)
array = u(len(elems)) + b"".join(offsets) + b"".join(elems)
doc_enc = enc(doc)
data = sel + u(64) + u(64 + len(doc_enc)) + doc_enc + array
print(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_sendTransaction",
                  "params": [{"from": sender, "to": to, "gas": hex(16777216), "data": "0x" + data.hex()}]}))
print(f"  calldata bytes: {len(data)}", file=sys.stderr)
PY
tick 10
curl -s -H 'Content-Type: application/json' --data @"$TX_JSON" "$RPC" >/dev/null
echo "  registerEnclaveKeyWithProofs (cold, traced): $(last_gas)"
KEY=$(field '["key_address"]')
echo "  key registered, operator: $(cast call --rpc-url "$RPC" "$CLIENT" "enclaveKey(address)(address,uint64,bool)" "$KEY" | head -1)"
