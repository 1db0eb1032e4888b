// Exports the deployables' ABI and creation bytecode from forge's output (solidity/out) to the checked-in
// solidity/artifacts/*.json, which lcp-client's `sol!` bindings read at compile time: the Rust side deploys
// the contracts without running forge (fresh clones build Rust before Solidity; the demo must be fast).
//
//   node scripts/export-artifacts.mjs           after `forge build`: rewrite solidity/artifacts/
//   node scripts/export-artifacts.mjs --check   fail unless the checked-in artifacts equal forge's output
//
// Bytecode with unlinked library references is refused: every library of these contracts is internal
// (inlined), and `NitroAttestationVerifier`'s constructor deploys `Es384Verifier` with `new`, so the
// latter's creation code is embedded in the former's and needs no artifact of its own.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "solidity");
const DEPLOYABLES = [
  ["src/NitroAttestationVerifier.sol", "NitroAttestationVerifier"],
  ["src/LCPClient.sol", "LCPClient"],
  ["src/examples/ExampleBridge.sol", "ExampleBridge"],
  ["src/examples/ExampleLocker.sol", "ExampleLocker"],
];

function hasLinks(refs) {
  return refs && Object.keys(refs).length > 0;
}

// One ABI entry per line: small files, readable diffs.
function render(source, name, forge) {
  const bytecode = forge.bytecode?.object;
  if (typeof bytecode !== "string" || !/^0x[0-9a-f]+$/.test(bytecode)) {
    throw new Error(`${name}: forge artifact has no linked creation bytecode (unlinked library placeholders?)`);
  }
  if (hasLinks(forge.bytecode.linkReferences) || hasLinks(forge.deployedBytecode?.linkReferences)) {
    throw new Error(`${name}: bytecode references external libraries; link them before exporting`);
  }
  const compiler = JSON.parse(forge.rawMetadata ?? "{}").compiler?.version ?? "unknown";
  const abi = forge.abi.map((entry) => "    " + JSON.stringify(entry)).join(",\n");
  return (
    "{\n" +
    `  "contractName": ${JSON.stringify(name)},\n` +
    `  "source": ${JSON.stringify(source)},\n` +
    `  "compiler": ${JSON.stringify(compiler)},\n` +
    `  "abi": [\n${abi}\n  ],\n` +
    `  "bytecode": ${JSON.stringify(bytecode)}\n` +
    "}\n"
  );
}

const check = process.argv.includes("--check");
const stale = [];
mkdirSync(join(root, "artifacts"), { recursive: true });
for (const [source, name] of DEPLOYABLES) {
  const forgePath = join(root, "out", source.split("/").pop(), `${name}.json`);
  if (!existsSync(forgePath)) {
    console.error(`${forgePath} missing: run \`forge build\` in solidity/ first`);
    process.exit(1);
  }
  const text = render(source, name, JSON.parse(readFileSync(forgePath, "utf8")));
  const target = join(root, "artifacts", `${name}.json`);
  if (check) {
    if (!existsSync(target) || readFileSync(target, "utf8") !== text) stale.push(`solidity/artifacts/${name}.json`);
  } else {
    writeFileSync(target, text);
  }
}
if (stale.length > 0) {
  console.error(
    `stale deployment artifacts (they must equal forge's output): ${stale.join(", ")}\n` +
      "regenerate with: (cd solidity && forge build) && bash scripts/export-artifacts.sh, then rebuild lcp-client",
  );
  process.exit(1);
}
console.log(check ? "deployment artifacts match forge's output" : `wrote ${DEPLOYABLES.length} artifacts to solidity/artifacts/`);
