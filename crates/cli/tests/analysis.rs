//! `rampart validate`, `rampart threats` and `rampart check`, run as a CI script runs them:
//! exit codes, the JSON keys PRODUCT.md section 4 promises, output valid against the JSON
//! Schemas in `schemas/`, and the same threats as the engine gives the app.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assert_cmd::Command;
use rampart_engine::analysis::{Analysis, RuleSet};
use rampart_engine::*;
use serde_json::Value;

fn rampart() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("rampart")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn uid(n: u64) -> Id {
    Id::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000u128 | n as u128)
}

/// A small model: Customer (outside) -> Shop (inside "DC") <-> Orders (inside).
fn model() -> Document {
    let mut doc = Document::default();
    doc.metadata.name = "CLI test".into();
    let d = uid(1);
    doc.diagrams.insert(d, Diagram { id: d, name: "Main".into() });
    let mut put = |id: Id, name: &str, parent: Option<Id>, properties: ElementProperties| {
        doc.elements.insert(id, Element { id, diagram: d, name: name.into(), parent, properties, ..Default::default() });
    };
    put(uid(10), "DC", None, ElementProperties::TrustBoundary(Default::default()));
    put(uid(11), "Customer", None, ElementProperties::ExternalEntity(Default::default()));
    put(uid(12), "Shop", Some(uid(10)), ElementProperties::Process(ProcessProperties { internet_facing: Some(true), ..Default::default() }));
    put(uid(13), "Orders", Some(uid(10)), ElementProperties::DataStore(StoreProperties { stores_pii: Some(true), ..Default::default() }));
    let flow = |s: u64, t: u64| ElementProperties::DataFlow(FlowProperties { source: Some(uid(s)), target: Some(uid(t)), ..Default::default() });
    put(uid(20), "Order, \"quoted\" | piped", None, flow(11, 12));
    put(uid(21), "Save", None, flow(12, 13));
    put(uid(22), "Load", None, flow(13, 12));
    doc
}

fn write(dir: &Path, name: &str, doc: &Document) -> PathBuf {
    let path = dir.join(name);
    rampart_engine::files::save(doc, &path).unwrap();
    path
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)))
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = repo().join("schemas").join(name);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, value: &Value) {
    let errors: Vec<String> = validator.iter_errors(value).take(10).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "output does not match its schema:\n{}", errors.join("\n"));
}

#[test]
fn validate_exits_0_on_a_clean_model_and_prints_the_documented_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "m.rampart.json", &model());
    let out = rampart().args(["validate", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_valid(&schema("validate.schema.json"), &v);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "crossing flows are reported (info)");
    for f in findings {
        for key in ["code", "severity", "element_ids", "message"] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
        assert_ne!(f["severity"], "error");
    }
}

#[test]
fn validate_exits_1_on_an_error_finding_and_2_on_unreadable_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = model();
    // Customer -> Orders directly: data must pass through a process (DFD003, an error).
    doc.elements.insert(
        uid(30),
        Element {
            id: uid(30),
            diagram: uid(1),
            name: "Peek".into(),
            properties: ElementProperties::DataFlow(FlowProperties { source: Some(uid(11)), target: Some(uid(13)), ..Default::default() }),
            ..Default::default()
        },
    );
    let path = write(dir.path(), "bad.rampart", &doc);
    let out = rampart().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error") && text.contains("DFD003") && text.contains("“Peek”"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 error"));
    let out = rampart().args(["validate", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_valid(&schema("validate.schema.json"), &v);
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["code"] == "DFD003" && f["severity"] == "error"));

    // Dismissed, it no longer fails, and is listed apart.
    let finding = Analysis::new(&doc, Arc::new(RuleSet::empty())).validation(&doc).findings.into_iter().find(|f| f.code == "DFD003").unwrap();
    let d = Dismissal::new(&finding.code, &finding.element_ids, "The export job is drawn in another diagram");
    doc.dismissals.insert(d.id, d);
    let path = write(dir.path(), "dismissed.rampart.json", &doc);
    let out = rampart().args(["validate", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_valid(&schema("validate.schema.json"), &v);
    assert_eq!(v["dismissed"][0]["dismissal"]["reason"], "The export job is drawn in another diagram");

    // Unreadable input.
    let garbage = dir.path().join("garbage.rampart");
    std::fs::write(&garbage, b"not a model at all").unwrap();
    for path in [garbage, dir.path().join("missing.rampart")] {
        let out = rampart().arg("validate").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("rampart: "));
    }
}

#[test]
fn threats_json_has_the_documented_keys_matches_its_schema_and_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let doc = model();
    let path = write(dir.path(), "m.rampart", &doc);
    let out = rampart().args(["threats", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_valid(&schema("threats.schema.json"), &v);
    let threats = v["threats"].as_array().unwrap();
    let keys = [
        "id", "category", "target_id", "target_name", "target_kind", "title", "rule_id", "why", "likelihood", "impact", "score", "severity", "status", "stale", "origin",
    ];
    for t in threats {
        for key in keys {
            assert!(t.get(key).is_some(), "{key} missing in {t}");
        }
    }
    let categories: std::collections::BTreeSet<&str> = threats.iter().map(|t| t["category"].as_str().unwrap()).collect();
    assert_eq!(categories.len(), 6, "{categories:?}");
    // The app's engine gives the same register, in the same order.
    let engine = Analysis::new(&doc, Arc::new(RuleSet::builtin().unwrap())).threats(&doc);
    assert_eq!(serde_json::to_value(&engine).unwrap(), v["threats"]);
    // Deterministic.
    let again = rampart().args(["threats", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn threats_as_csv_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let doc = model();
    let path = write(dir.path(), "m.rampart.json", &doc);
    let count = Analysis::new(&doc, Arc::new(RuleSet::builtin().unwrap())).threats(&doc).len();

    let out = rampart().args(["threats", "--format", "csv"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    assert!(lines.next().unwrap().starts_with("id,category,target_id,target_name,target_kind,title,rule_id,likelihood,impact"));
    // Quoted fields may hold commas but no line breaks here: one line per threat.
    assert_eq!(lines.count(), count);
    assert!(csv.contains("\"Order, \"\"quoted\"\" | piped\""), "a name with a comma and quotes is quoted");

    let out = rampart().args(["threats", "--format", "md"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("| Severity | Score | Category | Target | Threat | Status | Decision | Rule |\n|---|"));
    assert_eq!(md.lines().count(), count + 2);
    assert!(md.contains("Order, \"quoted\" \\| piped"), "a pipe cannot break the table");
    for line in md.lines().skip(2) {
        let unescaped = line.char_indices().filter(|(i, c)| *c == '|' && !line[..*i].ends_with('\\')).count();
        assert_eq!(unescaped, 9, "eight cells in {line}");
    }

    let out = rampart().arg("threats").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{count} threats")));
}

#[test]
fn check_fails_while_an_open_threat_at_or_above_the_level_has_no_decision() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = model();
    let path = write(dir.path(), "m.rampart.json", &doc);
    let out = rampart().args(["check", "--fail-on", "high"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(listed > 0);
    let critical = rampart().args(["check", "--fail-on", "critical"]).arg(&path).output().unwrap();
    let low = rampart().args(["check", "--fail-on", "low"]).arg(&path).output().unwrap();
    assert!(String::from_utf8_lossy(&critical.stdout).lines().count() <= listed);
    assert!(String::from_utf8_lossy(&low.stdout).lines().count() > listed);

    // Decide every high and critical threat: high passes, medium still fails.
    let views = Analysis::new(&doc, Arc::new(RuleSet::builtin().unwrap())).threats(&doc);
    for v in views.iter().filter(|v| v.severity >= rampart_engine::risk::Severity::High) {
        let mut r = v.to_record();
        r.decision = Some(Decision::Mitigate);
        r.owner = "Team".into();
        doc.threats.insert(r.id, r);
    }
    let path = write(dir.path(), "decided.rampart.json", &doc);
    let out = rampart().args(["check", "--fail-on", "high"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ok: no open threat of severity High or above"));
    let out = rampart().args(["check", "--fail-on", "medium"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));

    // A closed threat needs no decision either.
    let views = Analysis::new(&doc, Arc::new(RuleSet::builtin().unwrap())).threats(&doc);
    for v in views.iter().filter(|v| v.needs_decision()) {
        let mut r = v.to_record();
        r.status = ThreatStatus::NotApplicable;
        doc.threats.insert(r.id, r);
    }
    let path = write(dir.path(), "closed.rampart.json", &doc);
    let out = rampart().args(["check", "--fail-on", "low"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));

    // Unreadable input and a bad rule pack: 2.
    let out = rampart().args(["check", "--fail-on", "high"]).arg(dir.path().join("missing.rampart.json")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let pack = dir.path().join("pack.json");
    std::fs::write(&pack, r#"{"pack": "x", "rules": [{"id": "X-1", "category": "Spoofing", "applies_to": "process", "title": "{nope}", "description": "", "likelihood": 3, "impact": 3}]}"#).unwrap();
    let out = rampart().args(["check", "--fail-on", "high", "--rules"]).arg(&pack).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rule pack “x”") && stderr.contains("unknown placeholder {nope}"), "{stderr}");
}

#[test]
fn extra_rule_packs_add_threats() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "m.rampart.json", &model());
    let pack = dir.path().join("pack.json");
    std::fs::write(
        &pack,
        r#"{"pack": "house", "rules": [{"id": "HOUSE-1", "category": "Repudiation", "applies_to": "data_store",
            "when": {"property": "stores_pii", "is": true}, "title": "Nobody can say who read {element}",
            "description": "Reads of personal data are not logged.", "likelihood": 3, "impact": 3,
            "mitigations": ["Log reads of personal data"], "references": ["CWE-778"]}]}"#,
    )
    .unwrap();
    let out = rampart().args(["threats", "--format", "json", "--rules"]).arg(&pack).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_valid(&schema("threats.schema.json"), &v);
    let t = v["threats"].as_array().unwrap().iter().find(|t| t["rule_id"] == "HOUSE-1").expect("the pack's threat");
    assert_eq!(t["title"], "Nobody can say who read “Orders”");
}

#[test]
fn the_example_and_an_imported_threat_dragon_model_go_through_all_three_commands() {
    let example = repo().join("examples/webshop.rampart.json");
    let dragon = repo().join("../shared/fixtures/threat-dragon/ThreatDragonModels/v2-threat-model.json");
    for path in [example, dragon] {
        if !path.exists() {
            eprintln!("SKIPPED: {} is absent", path.display());
            continue;
        }
        let out = rampart().args(["validate", "--format", "json"]).arg(&path).output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
        assert_valid(&schema("validate.schema.json"), &json_of(&out));
        let out = rampart().args(["threats", "--format", "json"]).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let v = json_of(&out);
        assert_valid(&schema("threats.schema.json"), &v);
        assert!(!v["threats"].as_array().unwrap().is_empty());
        let out = rampart().args(["check", "--fail-on", "critical"]).arg(&path).output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)));
    }
}
