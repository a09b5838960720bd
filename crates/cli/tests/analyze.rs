//! `rampart analyze`, run as a script runs it: the JSON validates against
//! `schemas/analyze.schema.json` and carries the keys PRODUCT.md section 4 lists.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rampart_engine::model::*;
use rampart_engine::{files, Document};
use serde_json::Value;

fn rampart() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("rampart")
}

fn schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/analyze.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[track_caller]
fn assert_valid(json: &Value) {
    let errors: Vec<String> = schema().iter_errors(json).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "the output does not validate:\n{}", errors.join("\n"));
}

fn analyze_json(args: &[&str]) -> Value {
    let out = rampart().arg("analyze").args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&json);
    json
}

fn node(doc: &mut Document, tree: Id, label: &str, gate: Gate, children: Vec<Id>, cost: Option<f64>, probability: Option<f64>) -> Id {
    let id = new_id();
    let attributes = Attributes { cost, probability, time: Some(1.0), skill: Some(2), detectability: None };
    doc.attack_nodes.insert(id, AttackNode { id, tree, label: label.into(), gate, children, attributes, ..Default::default() });
    id
}

/// A warehouse break-in where one step is shared (a DAG), plus a second tree whose goal a
/// countermeasure blocks.
fn model(dir: &Path) -> PathBuf {
    let mut doc = Document::new_model("Warehouse");
    let tree = new_id();
    let guard = node(&mut doc, tree, "bribe the guard", Gate::Leaf, vec![], Some(100.0), Some(0.5));
    let lock = node(&mut doc, tree, "pick the lock", Gate::Leaf, vec![], Some(60.0), Some(0.5));
    let fence = node(&mut doc, tree, "cut the fence", Gate::Leaf, vec![], Some(60.0), Some(0.5));
    let door = node(&mut doc, tree, "through the door", Gate::Or, vec![guard, lock], None, None);
    let gate = node(&mut doc, tree, "past the gate", Gate::Or, vec![guard, fence], None, None);
    let goal = node(&mut doc, tree, "into the warehouse", Gate::And, vec![door, gate], None, None);
    doc.attack_trees.insert(tree, AttackTree { id: tree, name: "Break-in".into(), description: String::new(), root: goal });

    let blocked = new_id();
    let step = node(&mut doc, blocked, "walk in", Gate::Leaf, vec![], Some(1.0), Some(1.0));
    let d = new_id();
    doc.attack_nodes.insert(d, AttackNode { id: d, tree: blocked, label: "locked door".into(), role: Role::Defense, implemented: true, ..Default::default() });
    doc.attack_nodes.get_mut(&step).unwrap().countermeasures.push(d);
    doc.attack_trees.insert(blocked, AttackTree { id: blocked, name: "Blocked".into(), description: String::new(), root: step });
    let path = dir.join("warehouse.rampart.json");
    files::save(&doc, &path).unwrap();
    path
}

#[test]
fn json_output_validates_and_is_exact_on_a_dag() {
    let dir = tempfile::tempdir().unwrap();
    let path = model(dir.path());
    let json = analyze_json(&[path.to_str().unwrap(), "--top", "3"]);
    let trees = json["trees"].as_array().unwrap();
    assert_eq!(trees.len(), 2);
    let t = &trees[1];
    assert_eq!(t["name"], "Break-in");
    // Shared step paid once: 100, not 60 + 60.
    assert_eq!(t["root"]["min_cost"], 100.0);
    assert_eq!(t["root"]["reachable"], true);
    assert_eq!(t["root"]["label"], "into the warehouse");
    assert_eq!(t["cheapest_scenario"], serde_json::json!(["bribe the guard"]));
    assert_eq!(t["nodes"].as_array().unwrap().len(), 6);
    assert_eq!(t["nodes"][0]["id"], t["root"]["id"]);
    let top: Vec<f64> = t["top"].as_array().unwrap().iter().map(|s| s["cost"].as_f64().unwrap()).collect();
    assert_eq!(top, vec![100.0, 120.0]);
    assert_eq!(t["pareto"].as_array().unwrap().len(), 1);
    assert!((t["root"]["probability"].as_f64().unwrap() - 0.625).abs() < 1e-12);
    for key in ["id", "label", "min_cost", "max_probability", "probability", "min_time", "min_skill", "reachable"] {
        assert!(t["root"].get(key).is_some(), "{key}");
    }
    // The blocked goal: cost null, reachable false, no scenario.
    let b = &trees[0];
    assert_eq!(b["name"], "Blocked");
    assert_eq!(b["root"]["min_cost"], Value::Null);
    assert_eq!(b["root"]["reachable"], false);
    assert_eq!(b["cheapest_scenario"], serde_json::json!([]));
}

#[test]
fn one_tree_by_name_with_an_attacker_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = model(dir.path());
    let json = analyze_json(&[path.to_str().unwrap(), "--tree", "Break-in", "--budget", "110", "--skill", "3", "--time", "5"]);
    let trees = json["trees"].as_array().unwrap();
    assert_eq!(trees.len(), 1);
    let p = &trees[0]["profile"];
    assert_eq!(p["reachable"], true);
    assert_eq!(p["budget"], 110.0);
    assert_eq!(p["scenarios"][0]["steps"], serde_json::json!(["bribe the guard"]));
    assert_eq!(trees[0]["root"]["within_profile"], true);
    // Too poor: out of reach.
    let json = analyze_json(&[path.to_str().unwrap(), "--tree", "Break-in", "--budget", "99"]);
    assert_eq!(json["trees"][0]["profile"]["reachable"], false);
    // No such tree: exit 2.
    rampart().args(["analyze", path.to_str().unwrap(), "--tree", "Nope"]).assert().code(2);
    rampart().args(["analyze", path.to_str().unwrap(), "--skill", "9"]).assert().code(2);
}

#[test]
fn text_output_lists_the_cheapest_scenario_and_every_node() {
    let dir = tempfile::tempdir().unwrap();
    let path = model(dir.path());
    let out = rampart().args(["analyze", path.to_str().unwrap(), "--tree", "Break-in"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Attack tree “Break-in” (6 nodes, 1 shared step)"), "{text}");
    assert!(text.contains("Cheapest scenario (100 EUR): bribe the guard"), "{text}");
    for label in ["into the warehouse", "through the door", "past the gate", "pick the lock", "cut the fence"] {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
}

/// An ADTool file straight from disk (the fixtures live outside the repository).
#[test]
fn adtool_xml_file_directly() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/attack-trees/at-decorator/physical-attack-ATM-with-attributes.xml");
    if !path.exists() {
        eprintln!("skipped: the ATM fixture {} is absent", path.display());
        return;
    }
    let json = analyze_json(&[path.to_str().unwrap()]);
    let t = &json["trees"][0];
    // SOURCES.md of the fixtures: the AND root has a child with probability 0.0.
    assert_eq!(t["root"]["probability"], 0.0);
    assert_eq!(t["root"]["min_cost"], Value::Null, "the tree has no costs");
    assert_eq!(t["nodes"].as_array().unwrap().len(), 28);
}

/// Regression: `rampart analyze … | head` panicked ("failed printing to stdout") when the
/// reader closed the pipe before the output was all written.
#[test]
fn a_reader_that_stops_early_is_not_a_crash() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    // A tree of 3,000 leaves: far more output than a pipe buffer holds.
    let mut doc = Document::new_model("Wide");
    let tree = new_id();
    let leaves: Vec<Id> = (0..3000).map(|i| node(&mut doc, tree, &format!("step number {i}"), Gate::Leaf, vec![], Some(i as f64), Some(0.5))).collect();
    let goal = node(&mut doc, tree, "goal", Gate::Or, leaves, None, None);
    doc.attack_trees.insert(tree, AttackTree { id: tree, name: "Wide".into(), description: String::new(), root: goal });
    let path = dir.path().join("wide.rampart.json");
    files::save(&doc, &path).unwrap();

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rampart"))
        .args(["analyze", path.to_str().unwrap(), "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
}
