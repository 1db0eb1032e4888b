//! `lcp spv …` run as a process on real fixtures: valid inputs exit 0 with the DESIGN.md §6 JSON,
//! tampered inputs exit 1 with `{"valid": false, "error": …}`, bad arguments exit 2.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BLOCK: &str = "mainnet/execution/block_21925176";
const STATE_ROOT: &str = "0x7b3d5a01f69b7d2ea7479fd7ae35f4bac2700ab6d6d7b4807a7fedf53ced710e";
const RECEIPTS_ROOT: &str = "0xf883e1a2fb8df9d1d988dec80f13c8aca724590ac357e45e30e0d48b1fbd64ee";

/// Helpers (a test module, so that they may unwrap like the tests).
#[cfg(test)]
mod support {
    use super::*;

    pub(crate) fn fixture(path: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures")
            .join(path)
    }

    /// Writes a changed copy of a fixture into a per-process temporary file.
    pub(crate) fn tampered(path: &str, name: &str, change: impl Fn(&mut Value)) -> PathBuf {
        let mut value: Value =
            serde_json::from_slice(&std::fs::read(fixture(path)).unwrap()).unwrap();
        change(&mut value);
        let out =
            std::env::temp_dir().join(format!("lcp-cli-spv-{}-{name}.json", std::process::id()));
        std::fs::write(&out, serde_json::to_vec(&value).unwrap()).unwrap();
        out
    }

    /// Runs `lcp` and returns the exit code and the parsed JSON of stdout (when `--json` was given).
    pub(crate) fn lcp(args: &[&str]) -> (i32, Option<Value>, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_lcp"))
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let json = serde_json::from_str(stdout.trim()).ok();
        let stderr = String::from_utf8(output.stderr).unwrap();
        (output.status.code().unwrap(), json, stderr)
    }

    pub(crate) fn path_str(path: &Path) -> &str {
        path.to_str().unwrap()
    }
}
use support::{fixture, lcp, path_str, tampered};

#[test]
fn proof_valid() {
    let proof = fixture(&format!("{BLOCK}/proof.json"));
    let (code, json, _) = lcp(&[
        "spv",
        "proof",
        "--state-root",
        STATE_ROOT,
        "--proof",
        path_str(&proof),
        "--json",
    ]);
    assert_eq!(code, 0);
    let json = json.unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(
        json["address"],
        "0x00000000219ab540356cbb839cbe05303d7705fa"
    );
    assert_eq!(json["exists"], true);
    assert_eq!(json["nonce"], 1);
    assert_eq!(json["balance"], "0x2fb161afe600a5b2605040");
    assert_eq!(
        json["storage_root"],
        "0xfcbb4b77e533e75ac831006ef975191deda38a7b8f50887a8ad263c38e6e4461"
    );
    assert_eq!(
        json["code_hash"],
        "0x6c029a231254fadb724d63be769f75eedd66362df034a3e663252b49d062a666"
    );
    assert_eq!(
        json["storage"][0]["key"],
        "0x0000000000000000000000000000000000000000000000000000000000000001"
    );
    assert_eq!(
        json["storage"][0]["value"],
        "0x2394e3bc4086a9625ae88307145a40ff4a4bf2c9a6755435bff86b22d6175d5f"
    );
    let miner = fixture(&format!("{BLOCK}/block_miner_proof.json"));
    let (code, _, _) = lcp(&[
        "spv",
        "proof",
        "--state-root",
        STATE_ROOT,
        "--proof",
        path_str(&miner),
    ]);
    assert_eq!(code, 0);
}

#[test]
fn proof_tampered() {
    let forged = tampered(&format!("{BLOCK}/proof.json"), "balance", |v| {
        v["balance"] = Value::String("0x2fb161afe600a5b2605041".into());
    });
    let (code, json, stderr) = lcp(&[
        "spv",
        "proof",
        "--state-root",
        STATE_ROOT,
        "--proof",
        path_str(&forged),
        "--json",
    ]);
    assert_eq!(code, 1);
    let json = json.unwrap();
    assert_eq!(json["valid"], false);
    assert!(
        json["error"].as_str().unwrap().contains("balance"),
        "{json}"
    );
    assert!(stderr.starts_with("error: "));
    let forged = tampered(&format!("{BLOCK}/proof.json"), "storage", |v| {
        v["storageProof"][0]["value"] = Value::String("0x1".into());
    });
    let (code, _, _) = lcp(&[
        "spv",
        "proof",
        "--state-root",
        STATE_ROOT,
        "--proof",
        path_str(&forged),
    ]);
    assert_eq!(code, 1);
    let forged = tampered(&format!("{BLOCK}/proof.json"), "node", |v| {
        let node = v["accountProof"][2].as_str().unwrap().to_owned();
        v["accountProof"][2] = Value::String(node.replacen("a0", "a1", 1));
    });
    let (code, _, _) = lcp(&[
        "spv",
        "proof",
        "--state-root",
        STATE_ROOT,
        "--proof",
        path_str(&forged),
    ]);
    assert_eq!(code, 1);
    // Another state root.
    let proof = fixture(&format!("{BLOCK}/proof.json"));
    let other = "0x7b3d5a01f69b7d2ea7479fd7ae35f4bac2700ab6d6d7b4807a7fedf53ced710f";
    let (code, _, _) = lcp(&[
        "spv",
        "proof",
        "--state-root",
        other,
        "--proof",
        path_str(&proof),
    ]);
    assert_eq!(code, 1);
}

#[test]
fn receipts_valid() {
    let receipts = fixture(&format!("{BLOCK}/receipts.json"));
    let (code, json, _) = lcp(&[
        "spv",
        "receipts",
        "--receipts-root",
        RECEIPTS_ROOT,
        "--receipts",
        path_str(&receipts),
        "--json",
    ]);
    assert_eq!(code, 0);
    let json = json.unwrap();
    assert_eq!(
        (json["valid"].clone(), json["count"].clone()),
        (Value::Bool(true), Value::from(202))
    );
    assert_eq!(json["root"], RECEIPTS_ROOT);
    assert!(json.get("receipt").is_none());
    let (code, json, _) = lcp(&[
        "spv",
        "receipts",
        "--receipts-root",
        RECEIPTS_ROOT,
        "--receipts",
        path_str(&receipts),
        "--index",
        "20",
        "--json",
    ]);
    assert_eq!(code, 0);
    let receipt = &json.unwrap()["receipt"];
    assert_eq!(receipt["type"], 0);
    assert_eq!(receipt["status"], 1);
    assert_eq!(receipt["cumulative_gas_used"], 4_177_830);
    assert_eq!(receipt["logs"].as_array().unwrap().len(), 5);
    assert_eq!(
        receipt["logs"][0]["address"],
        "0x66b0fa76a0f54a04ffb7bf1bed1e1b009af9c908"
    );
    assert_eq!(
        receipt["logs"][0]["data"],
        "0x000000000000000000000000000000000000000000000cdd6d3e20cf8aa40000"
    );
}

#[test]
fn receipts_tampered() {
    let forged = tampered(&format!("{BLOCK}/receipts.json"), "receipts", |v| {
        v[7]["cumulativeGasUsed"] = Value::String("0x1".into());
    });
    let (code, json, _) = lcp(&[
        "spv",
        "receipts",
        "--receipts-root",
        RECEIPTS_ROOT,
        "--receipts",
        path_str(&forged),
        "--json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(json.unwrap()["valid"], false);
    let receipts = fixture(&format!("{BLOCK}/receipts.json"));
    let (code, _, _) = lcp(&[
        "spv",
        "receipts",
        "--receipts-root",
        RECEIPTS_ROOT,
        "--receipts",
        path_str(&receipts),
        "--index",
        "202",
    ]);
    assert_eq!(code, 1);
}

#[test]
fn header_valid_and_tampered() {
    let block = fixture(&format!("{BLOCK}/block.json"));
    let (code, json, _) = lcp(&["spv", "header", "--block", path_str(&block), "--json"]);
    assert_eq!(code, 0);
    let json = json.unwrap();
    assert_eq!(json["number"], 21_925_176);
    assert_eq!(
        json["hash"],
        "0x92dabfa3f61ff1c349d12f5fd0dd4c99760a0a41b77dee8f0a80f83efdcb307a"
    );
    assert_eq!(json["valid"], true);
    let forged = tampered(&format!("{BLOCK}/block.json"), "block", |v| {
        v["stateRoot"] = Value::String(format!("0x{}", "11".repeat(32)));
    });
    let (code, json, _) = lcp(&["spv", "header", "--block", path_str(&forged), "--json"]);
    assert_eq!(code, 1);
    assert!(
        json.unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("hashes to")
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = lcp(&["spv", "proof", "--state-root", "0x12", "--proof", "x"]);
    assert_eq!(code, 2);
    let (code, _, _) = lcp(&["spv", "receipts", "--receipts-root", RECEIPTS_ROOT]);
    assert_eq!(code, 2);
}
