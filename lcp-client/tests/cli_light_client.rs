//! `lcp light-client verify` on real mainnet data: exit codes and JSON fields (DESIGN.md §6).

#![cfg(test)]
// Test code: an overflow here is a failed test (debug builds panic), not a crashed enclave.
#![allow(clippy::arithmetic_side_effects, clippy::as_conversions)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const TRUSTED_ROOT: &str = "0x5afc212a7924789b2bc86acad3ab3a6ffb1f6e97253ea50bee7f4f51422c9275";

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/mainnet/lightclient/capella_p862-867")
        .join(name)
}

fn lcp(extra: &[&str], updates: &PathBuf) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lcp"))
        .args([
            "light-client",
            "verify",
            "--network",
            "mainnet",
            "--trusted-root",
            TRUSTED_ROOT,
        ])
        .arg("--bootstrap")
        .arg(data("bootstrap.json"))
        .arg("--updates")
        .arg(updates)
        .args(["--current-slot", "7109440", "--json"])
        .args(extra)
        .output()
        .unwrap();
    let stdout: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn verifies_real_capella_data() {
    let finality = data("finality.json");
    let optimistic = data("optimistic.json");
    let (code, json, _) = lcp(
        &[
            "--finality",
            finality.to_str().unwrap(),
            "--optimistic",
            optimistic.to_str().unwrap(),
        ],
        &data("updates.json"),
    );
    assert_eq!(code, 0);
    assert_eq!(json["valid"], true);
    assert_eq!(json["finalized"]["slot"], 7_109_344);
    assert_eq!(
        json["finalized"]["execution"]["block_hash"],
        "0xbc8499537876e5406c7a65e25f99063f1cd85a17014a3aa5ade38271b1fbf64f"
    );
    assert_eq!(json["finalized"]["execution"]["block_number"], 17_923_026);
    assert_eq!(
        json["finalized"]["execution"]["receipts_root"],
        "0xa71c4101ece61ca0fc624efdb54dc382be561a8c047a19cf5f10e530378e0b9c"
    );
    assert_eq!(json["optimistic"]["slot"], 7_109_431);
    assert_eq!(json["sync_committee_period"], 867);
    assert_eq!(json["applied"], 8);
    assert_eq!(json["skipped"], Value::Array(vec![]));
}

#[test]
fn stale_update_is_skipped_not_fatal() {
    // The same six updates twice: the second pass is stale.
    let (code, json, _) = lcp(
        &["--updates", data("updates.json").to_str().unwrap()],
        &data("updates.json"),
    );
    assert_eq!(code, 0);
    // Second pass: five are stale; the last one's attested header (7104190) is still newer than
    // the finalized header (7104096), so the spec processes it again (valid, nothing finalized).
    assert_eq!(json["applied"], 7);
    assert_eq!(json["skipped"].as_array().unwrap().len(), 5);
    assert_eq!(json["finalized"]["slot"], 7_104_096);
}

#[test]
fn tampered_update_fails_with_exit_1() {
    let mut updates: Value =
        serde_json::from_str(&std::fs::read_to_string(data("updates.json")).unwrap()).unwrap();
    let other = updates[2]["data"]["sync_aggregate"]["sync_committee_signature"].clone();
    updates[1]["data"]["sync_aggregate"]["sync_committee_signature"] = other;
    let path =
        std::env::temp_dir().join(format!("lcp-tampered-updates-{}.json", std::process::id()));
    std::fs::write(&path, updates.to_string()).unwrap();
    let (code, json, stderr) = lcp(&[], &path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 1);
    assert_eq!(json["valid"], false);
    let error = json["error"].as_str().unwrap();
    assert!(
        error.contains("sync committee signature invalid at signature slot 7070143"),
        "{error}"
    );
    assert!(stderr.starts_with("error: "));
}

#[test]
fn wrong_trusted_root_fails() {
    let out = Command::new(env!("CARGO_BIN_EXE_lcp"))
        .args([
            "light-client",
            "verify",
            "--network",
            "mainnet",
            "--json",
            "--current-slot",
            "7109440",
        ])
        .args([
            "--trusted-root",
            "0x1111111111111111111111111111111111111111111111111111111111111111",
        ])
        .arg("--bootstrap")
        .arg(data("bootstrap.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("does not match the trusted block root")
    );
}

#[test]
fn usage_error_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_lcp"))
        .args(["light-client", "verify", "--network", "mainnet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Deneb SSZ with fork-digest prefixes, given as hex text files (portal-spec-tests values).
#[test]
fn verifies_deneb_ssz_hex_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/mainnet/lightclient/deneb_p1250-1251_portal");
    // `content_value: "0x…\` continued lines; `content_key` = 0x10 ‖ block root for the bootstrap.
    let field = |file: &str, key: &str| -> String {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let start = text.find(&format!("{key}:")).unwrap() + key.len() + 1;
        let rest = &text[start..];
        let open = rest.find('"').unwrap() + 1;
        let close = rest[open..].find('"').unwrap() + open;
        rest[open..close].replace(['\\', '\n', ' '], "")
    };
    let tmp = std::env::temp_dir().join(format!("lcp-deneb-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let write = |name: &str, hex_text: &str| {
        let path = tmp.join(name);
        std::fs::write(&path, hex_text).unwrap();
        path
    };
    let bootstrap = write("bootstrap.hex", &field("bootstrap.yaml", "content_value"));
    let root = format!("0x{}", &field("bootstrap.yaml", "content_key")[4..]);
    // updates.yaml holds an SSZ List[ByteList]: two offsets, then two fork-digest-prefixed updates.
    let list =
        hex::decode(field("updates.yaml", "content_value").trim_start_matches("0x")).unwrap();
    let first = u32::from_le_bytes(list[0..4].try_into().unwrap()) as usize;
    let second = u32::from_le_bytes(list[4..8].try_into().unwrap()) as usize;
    let u0 = write("u0.hex", &hex::encode(&list[first..second]));
    let u1 = write("u1.hex", &hex::encode(&list[second..]));
    let finality = write(
        "finality.hex",
        &field("finality_update.yaml", "content_value"),
    );
    let optimistic = write(
        "optimistic.hex",
        &field("optimistic_update.yaml", "content_value"),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_lcp"))
        .args([
            "light-client",
            "verify",
            "--network",
            "mainnet",
            "--json",
            "--current-slot",
            "10300000",
        ])
        .args(["--trusted-root", &root])
        .arg("--bootstrap")
        .arg(&bootstrap)
        .arg("--updates")
        .arg(&u0)
        .arg("--updates")
        .arg(&u1)
        .arg("--finality")
        .arg(&finality)
        .arg("--optimistic")
        .arg(&optimistic)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json}");
    assert_eq!(json["fork"], "deneb");
    assert_eq!(json["applied"], 4);
    assert!(json["finalized"]["slot"].as_u64().unwrap() > 10_248_000);
    assert!(
        json["finalized"]["execution"]["block_number"]
            .as_u64()
            .unwrap()
            > 0
    );
}

/// A consensus `config.yaml` network (`--config` + `--genesis-validators-root`), with the
/// reference-test data of minimal/deneb `light_client_sync` as fork-digest-prefixed SSZ files.
#[test]
fn verifies_with_config_yaml_and_minimal_preset() {
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../fixtures/consensus-spec-tests/tests/minimal/deneb/light_client/sync/pyspec_tests/light_client_sync",
    );
    let digest = hex::decode("0cbce901").unwrap();
    let tmp = std::env::temp_dir().join(format!("lcp-minimal-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let write = |src: &str, dst: &str| {
        let raw = snap::raw::Decoder::new()
            .decompress_vec(&std::fs::read(case.join(src)).unwrap())
            .unwrap();
        let path = tmp.join(dst);
        std::fs::write(&path, [digest.as_slice(), raw.as_slice()].concat()).unwrap();
        path
    };
    let bootstrap = write("bootstrap.ssz_snappy", "bootstrap.ssz");
    let update = write(
        "update_0x4cae64396e22e4b9fad7553cc692f21a39d1fcd4bb20026518115d0987379e73_sf.ssz_snappy",
        "update.ssz",
    );
    let run = |current_slot: &str| {
        Command::new(env!("CARGO_BIN_EXE_lcp"))
            .args([
                "light-client",
                "verify",
                "--json",
                "--current-slot",
                current_slot,
            ])
            .arg("--config")
            .arg(case.join("config.yaml"))
            .args([
                "--genesis-validators-root",
                "0x0a08c27fe4ece2483f9e581f78c66379a06f96e9c24cd1390594ff939b26f95b",
            ])
            .args([
                "--trusted-root",
                "0x17ca91327f132919742d51e9ed3727171144f9f88e01b58c4c2997de918aad5c",
            ])
            .arg("--bootstrap")
            .arg(&bootstrap)
            .arg("--updates")
            .arg(&update)
            .output()
            .unwrap()
    };
    let ok = run("41");
    let early = run("40");
    let missing_root = Command::new(env!("CARGO_BIN_EXE_lcp"))
        .args(["light-client", "verify", "--json", "--current-slot", "41"])
        .arg("--config")
        .arg(case.join("config.yaml"))
        .args([
            "--trusted-root",
            "0x17ca91327f132919742d51e9ed3727171144f9f88e01b58c4c2997de918aad5c",
        ])
        .arg("--bootstrap")
        .arg(&bootstrap)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&tmp);

    let json: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(ok.status.code(), Some(0), "{json}");
    assert_eq!(json["fork"], "deneb");
    assert_eq!(json["applied"], 1);
    // The reference test's checks after this step.
    assert_eq!(json["finalized"]["slot"], 24);
    assert_eq!(
        json["finalized"]["beacon_root"],
        "0xea8b562bd3bc6b9868b97e305ccddbfca5023cc4e87b9643d75acfbd5fc6740b"
    );
    assert_eq!(json["optimistic"]["slot"], 40);

    // Signed at slot 41: not valid when the current slot is 40.
    assert_eq!(early.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&early.stdout).unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("slot order violated: current 40"),
        "{json}"
    );

    assert_eq!(missing_root.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&missing_root.stdout).unwrap();
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("GENESIS_VALIDATORS_ROOT"),
        "{json}"
    );
}
