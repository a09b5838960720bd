//! The `rampart` command line, run as a user or a CI script runs it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn rampart() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("rampart")
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webshop.rampart.json")
}

/// What `info` must report, counted from the example's JSON text directly (not through
/// the engine): elements by their `kind`, and the other sections by length.
/// `assert_eq!` for two texts that shows only the lines that differ.
#[track_caller]
fn assert_same_text(actual: &str, expected: &str) {
    if actual != expected {
        let diff: Vec<String> = actual
            .lines()
            .zip(expected.lines())
            .enumerate()
            .filter(|(_, (a, e))| a != e)
            .take(10)
            .map(|(i, (a, e))| format!("line {}: got {a:?}, want {e:?}", i + 1))
            .collect();
        panic!("texts differ ({} vs {} lines):\n{}", actual.lines().count(), expected.lines().count(), diff.join("\n"));
    }
}

fn expected_counts(model_json: &Path) -> (String, serde_json::Map<String, Value>) {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(model_json).unwrap()).unwrap();
    let elements = v["elements"].as_array().unwrap();
    let kind = |k: &str| elements.iter().filter(|e| e["properties"]["kind"] == k).count();
    let len = |section: &str| v[section].as_array().map_or(0, |a| a.len());
    let mut counts = serde_json::Map::new();
    for k in ["external_entity", "process", "data_store", "data_flow", "trust_boundary"] {
        counts.insert(k.into(), kind(k).into());
    }
    counts.insert("diagram".into(), len("diagrams").into());
    counts.insert("threat".into(), len("threats").into());
    counts.insert("mitigation".into(), len("mitigations").into());
    counts.insert("attack_tree".into(), len("attack_trees").into());
    (v["metadata"]["name"].as_str().unwrap().to_string(), counts)
}

#[test]
fn convert_json_to_rampart_and_back_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("webshop.rampart");
    let back = dir.path().join("webshop.rampart.json");
    rampart().arg("convert").arg(example()).arg("-o").arg(&db).assert().success();
    assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"));
    rampart().arg("convert").arg(&db).arg("-o").arg(&back).assert().success();
    assert_same_text(&std::fs::read_to_string(&back).unwrap(), &std::fs::read_to_string(example()).unwrap());
}

#[test]
fn convert_never_overwrites_an_existing_rampart_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("webshop.rampart");
    rampart().arg("convert").arg(example()).arg("-o").arg(&db).assert().success();
    let before = std::fs::read(&db).unwrap();
    let out = rampart().arg("convert").arg(example()).arg("-o").arg(&db).assert().code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("webshop.rampart") && stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

/// Coordinates from a drag are arbitrary doubles; converting must not nudge them.
#[test]
fn regression_convert_changed_coordinates_in_the_last_digit() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example())
        .unwrap()
        .replacen("\"x\": 20.0,", "\"x\": 1.1714285714285715,", 1)
        .replacen("\"y\": 60.0,", "\"y\": 1.0715660391465826e-75,", 1);
    assert!(text.contains("1.1714285714285715") && text.contains("1.0715660391465826e-75"));
    let json = dir.path().join("in.rampart.json");
    std::fs::write(&json, &text).unwrap();
    let db = dir.path().join("m.rampart");
    let back = dir.path().join("back.rampart.json");
    rampart().arg("convert").arg(&json).arg("-o").arg(&db).assert().success();
    rampart().arg("convert").arg(&db).arg("-o").arg(&back).assert().success();
    assert_same_text(&std::fs::read_to_string(&back).unwrap(), &text);
}

#[test]
fn info_prints_the_name_and_every_count() {
    let (name, counts) = expected_counts(&example());
    let out = rampart().arg("info").arg(example()).assert().success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(name.as_str()));
    let rows: std::collections::HashMap<String, u64> = lines
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            Some((parts.next()?.to_string(), parts.next()?.parse().ok()?))
        })
        .collect();
    for (key, n) in &counts {
        assert_eq!(rows.get(key).copied(), n.as_u64(), "the {key} row of:\n{out}");
    }
}

#[test]
fn info_json_has_the_documented_keys_and_counts() {
    let (name, counts) = expected_counts(&example());
    assert!(counts.values().all(|n| n.as_u64().unwrap() > 0), "the example has something of every kind: {counts:?}");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("webshop.rampart");
    rampart().arg("convert").arg(example()).arg("-o").arg(&db).assert().success();
    for model in [example(), db] {
        let out = rampart().arg("info").arg(&model).args(["--format", "json"]).assert().success().get_output().stdout.clone();
        let v: Value = serde_json::from_slice(&out).expect("info --format json prints JSON");
        assert_eq!(v["name"], Value::String(name.clone()));
        let got = v["counts"].as_object().expect("a \"counts\" object");
        for (key, n) in &counts {
            assert_eq!(got.get(key), Some(n), "counts.{key} of {}", model.display());
        }
    }
}

#[test]
fn unreadable_input_exits_2_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a model\n").unwrap();
    let truncated = dir.path().join("cut.rampart");
    {
        let db = dir.path().join("whole.rampart");
        rampart().arg("convert").arg(example()).arg("-o").arg(&db).assert().success();
        let bytes = std::fs::read(&db).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    }
    let broken_json = dir.path().join("broken.rampart.json");
    let whole = std::fs::read_to_string(example()).unwrap();
    std::fs::write(&broken_json, &whole[..whole.len() / 3]).unwrap();
    let missing = dir.path().join("missing.rampart");

    for input in [&text, &truncated, &broken_json, &missing] {
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        let out_path = dir.path().join(format!("{name}.out.rampart.json"));
        let commands: [Vec<&std::ffi::OsStr>; 3] = [
            vec!["info".as_ref(), input.as_os_str()],
            vec!["info".as_ref(), input.as_os_str(), "--format".as_ref(), "json".as_ref()],
            vec!["convert".as_ref(), input.as_os_str(), "-o".as_ref(), out_path.as_os_str()],
        ];
        for args in commands {
            let out = rampart().args(&args).assert().code(2).get_output().clone();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(&name), "{args:?}: the message names the file: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
        }
        assert!(!out_path.exists(), "convert wrote output for unreadable {name}");
    }
}
