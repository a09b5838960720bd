//! Validation: every DFD and attack-tree rule of PRODUCT.md section 3, each with a case that
//! raises it and one that does not; dismissals; finding ids and order.

mod analysis_support;

use analysis_support::*;
use rampart_engine::analysis::{finding_id, FindingSeverity};
use rampart_engine::*;

/// User -> API -> DB -> API: nothing to find.
fn clean() -> (M, Id, Id, Id) {
    let mut m = M::new();
    let user = m.entity("User", None);
    let api = m.process("API", None);
    let db = m.store("DB", None);
    m.flow("Request", user, api);
    m.flow("Write", api, db);
    m.flow("Read", db, api);
    (m, user, api, db)
}

#[test]
fn a_well_formed_diagram_has_no_findings() {
    let (m, ..) = clean();
    let v = m.validation();
    assert!(v.findings.is_empty(), "{:#?}", v.findings);
    assert!(!v.has_errors());
}

#[test]
fn dfd001_flow_with_a_missing_end() {
    let (mut m, _, api, _) = clean();
    let no_source = m.flow_with("Orphan", None, Some(api), |_| {});
    let gone = m.flow_with("Dangling", Some(api), Some(id(9999)), |_| {});
    let b = m.boundary("Zone", None);
    let at_boundary = m.flow_with("To a box", Some(api), Some(b), |_| {});
    let v = m.validation();
    for f in [no_source, gone, at_boundary] {
        assert!(has(&v, "DFD001", f), "{f}: {:#?}", v.findings);
    }
    let msg = &v.findings.iter().find(|f| f.element_ids == [no_source]).unwrap().message;
    assert!(msg.contains("“Orphan”") && msg.contains("has no source"), "{msg}");
    let msg = &v.findings.iter().find(|f| f.element_ids == [gone]).unwrap().message;
    assert!(msg.contains("no longer exists"), "{msg}");
    let msg = &v.findings.iter().find(|f| f.element_ids == [at_boundary]).unwrap().message;
    assert!(msg.contains("trust boundary “Zone”"), "{msg}");
    assert!(v.findings.iter().filter(|f| f.code == "DFD001").all(|f| f.severity == FindingSeverity::Error));
    // Negative: the clean model's flows.
    assert!(!has_code(&clean().0.validation(), "DFD001"));
}

#[test]
fn dfd002_flow_between_two_external_entities() {
    let (mut m, user, ..) = clean();
    let bank = m.entity("Bank", None);
    let f = m.flow("Settlement", user, bank);
    let v = m.validation();
    let finding = v.findings.iter().find(|x| x.code == "DFD002").expect("DFD002");
    assert_eq!(finding.element_ids, vec![f, user, bank]);
    assert_eq!(finding.severity, FindingSeverity::Error);
    assert!(finding.message.contains("“Settlement”") && finding.message.contains("“User”") && finding.message.contains("“Bank”"));
    assert!(v.has_errors());
    // Negative: entity to process.
    assert!(!has_code(&clean().0.validation(), "DFD002"));
}

#[test]
fn dfd003_flow_between_an_external_entity_and_a_data_store_either_way() {
    for reverse in [false, true] {
        let (mut m, user, _, db) = clean();
        let f = if reverse { m.flow("Export", db, user) } else { m.flow("Upload", user, db) };
        let v = m.validation();
        assert!(has(&v, "DFD003", f), "{:#?}", v.findings);
        assert!(v.findings.iter().find(|x| x.code == "DFD003").unwrap().message.contains("through a process"));
    }
    assert!(!has_code(&clean().0.validation(), "DFD003"));
}

#[test]
fn dfd004_flow_between_two_data_stores() {
    let (mut m, _, api, db) = clean();
    let replica = m.store("Replica", None);
    m.flow("Read replica", replica, api);
    let f = m.flow("Replicate", db, replica);
    let v = m.validation();
    assert!(has(&v, "DFD004", f));
    assert_eq!(v.findings.iter().filter(|x| x.code == "DFD004").count(), 1);
    assert!(!has_code(&clean().0.validation(), "DFD004"));
}

#[test]
fn dfd005_miracle_and_dfd006_black_hole() {
    let (mut m, _, _, db) = clean();
    let miracle = m.process("Generator", None);
    m.flow("Generated", miracle, db);
    let hole = m.process("Sink", None);
    m.flow("Swallowed", db, hole);
    let v = m.validation();
    assert!(has(&v, "DFD005", miracle), "{:#?}", v.findings);
    assert!(has(&v, "DFD006", hole), "{:#?}", v.findings);
    assert!(!has(&v, "DFD005", hole) && !has(&v, "DFD006", miracle));
    let msg = &v.findings.iter().find(|f| f.code == "DFD005").unwrap().message;
    assert!(msg.contains("Process “Generator”") && msg.contains("miracle"), "{msg}");
    // A bidirectional flow is an input and an output of both ends.
    let mut m = M::new();
    let a = m.process("A", None);
    let s = m.store("S", None);
    m.flow_with("Sync", Some(a), Some(s), |f| f.bidirectional = true);
    let v = m.validation();
    assert!(!has_code(&v, "DFD005") && !has_code(&v, "DFD006") && !has_code(&v, "DFD007") && !has_code(&v, "DFD008"), "{:#?}", v.findings);
}

#[test]
fn dfd007_store_never_written_and_dfd008_never_read() {
    let (mut m, _, api, _) = clean();
    let config = m.store("Config", None);
    m.flow("Load config", config, api);
    let archive = m.store("Archive", None);
    m.flow("Archive", api, archive);
    let audit = m.store("Audit", None);
    m.store_props(audit).is_audit_log = Some(true);
    m.flow("Log", api, audit);
    let v = m.validation();
    assert!(has(&v, "DFD007", config) && !has(&v, "DFD008", config));
    assert!(has(&v, "DFD008", archive) && !has(&v, "DFD007", archive));
    let severity = |e: Id| v.findings.iter().find(|f| f.code == "DFD008" && f.element_ids == [e]).unwrap().severity;
    assert_eq!(severity(archive), FindingSeverity::Warning);
    assert_eq!(severity(audit), FindingSeverity::Info, "an audit log that nobody reads is worth knowing, not wrong");
    assert!(!has_code(&clean().0.validation(), "DFD007") && !has_code(&clean().0.validation(), "DFD008"));
}

#[test]
fn dfd009_element_with_no_flows() {
    let (mut m, ..) = clean();
    let lonely = [m.entity("Auditor", None), m.process("Cron", None), m.store("Cache", None)];
    let v = m.validation();
    for e in lonely {
        assert!(has(&v, "DFD009", e), "{:#?}", v.findings);
    }
    // Not also a miracle or black hole.
    assert!(!has(&v, "DFD005", lonely[1]) && !has(&v, "DFD006", lonely[1]));
    assert!(!has_code(&clean().0.validation(), "DFD009"));
}

#[test]
fn dfd010_unnamed_element() {
    let (mut m, user, api, _) = clean();
    let unnamed = m.process("  ", None);
    m.flow("In", user, unnamed);
    m.flow("Out", unnamed, api);
    let unnamed_flow = m.flow("", user, api);
    let v = m.validation();
    let f = v.findings.iter().find(|f| f.code == "DFD010" && f.element_ids == [unnamed]).expect("unnamed process");
    assert_eq!(f.severity, FindingSeverity::Warning);
    assert!(f.message.starts_with("A process has no name"), "{}", f.message);
    let f = v.findings.iter().find(|f| f.code == "DFD010" && f.element_ids == [unnamed_flow]).expect("unnamed flow");
    assert_eq!(f.severity, FindingSeverity::Info);
    assert!(f.message.contains("from “User” to “API”"), "{}", f.message);
    assert!(!has_code(&clean().0.validation(), "DFD010"));
}

#[test]
fn dfd011_duplicate_names_in_a_diagram() {
    let (mut m, user, api, _) = clean();
    let twin = m.process(" api ", None);
    m.flow("In", user, twin);
    m.flow("Out", twin, api);
    // Flows may share names, and other diagrams are other name spaces.
    m.flow("Request", user, twin);
    let other = id(2);
    m.doc.diagrams.insert(other, Diagram { id: other, name: "Other".into() });
    let elsewhere = m.fresh();
    m.doc.elements.insert(
        elsewhere,
        Element { id: elsewhere, diagram: other, name: "API".into(), properties: ElementProperties::Process(Default::default()), ..Default::default() },
    );
    let v = m.validation();
    let dups: Vec<_> = v.findings.iter().filter(|f| f.code == "DFD011").collect();
    assert_eq!(dups.len(), 1, "{dups:#?}");
    let mut expected = vec![api, twin];
    expected.sort();
    assert_eq!(dups[0].element_ids, expected);
    assert!(dups[0].message.contains("process “API”") && dups[0].message.contains("process “api”"), "{}", dups[0].message);
    assert!(!has_code(&clean().0.validation(), "DFD011"));
}

#[test]
fn dfd012_empty_trust_boundary_and_dfd015_boundary_drawn_as_a_line() {
    let (mut m, _, api, _) = clean();
    let empty = m.boundary("Nothing here", None);
    let full = m.boundary("Cluster", None);
    m.el(api).parent = Some(full);
    let line = m.boundary("Perimeter", None);
    m.doc.layouts.insert(
        line,
        Layout { id: line, points: vec![Point { x: 0.0, y: 0.0 }, Point { x: 0.0, y: 100.0 }], ..Default::default() },
    );
    let v = m.validation();
    assert!(has(&v, "DFD012", empty));
    assert!(!has(&v, "DFD012", full), "a boundary with contents is fine");
    assert!(has(&v, "DFD015", line) && !has(&v, "DFD012", line), "{:#?}", v.findings);
    assert!(v.findings.iter().find(|f| f.code == "DFD012").unwrap().message.contains("“Nothing here”"));
}

/// User outside; API and DB inside "Data centre".
fn zoned() -> (M, Id, Id, Id) {
    let (mut m, user, api, db) = clean();
    let dc = m.boundary("Data centre", None);
    m.el(api).parent = Some(dc);
    m.el(db).parent = Some(dc);
    (m, user, api, dc)
}

#[test]
fn dfd013_and_dfd014_flow_crossing_a_boundary_unencrypted_or_unauthenticated() {
    let (m, user, api, dc) = zoned();
    let crossing = *m.doc.elements.values().find(|e| e.name == "Request").map(|e| &e.id).unwrap();
    let inside = *m.doc.elements.values().find(|e| e.name == "Write").map(|e| &e.id).unwrap();
    let v = m.validation();
    // Not stated: info.
    for code in ["DFD013", "DFD014"] {
        let f = v.findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("{code}: {:#?}", v.findings));
        assert_eq!(f.element_ids, vec![crossing, dc]);
        assert_eq!(f.severity, FindingSeverity::Info);
        assert!(f.message.contains("from “User” to “API”") && f.message.contains("“Data centre”"), "{}", f.message);
        assert!(!f.element_ids.contains(&inside));
    }
    // Stated false: warning.
    let mut m2 = zoned().0;
    m2.flow_props(crossing).encrypted_in_transit = Some(false);
    m2.flow_props(crossing).authenticated = Some(false);
    let v = m2.validation();
    assert!(v.findings.iter().filter(|f| f.code == "DFD013" || f.code == "DFD014").all(|f| f.severity == FindingSeverity::Warning));
    assert!(v.findings.iter().find(|f| f.code == "DFD013").unwrap().message.contains("is not encrypted"));
    // Stated true: nothing.
    let mut m3 = zoned().0;
    m3.flow_props(crossing).encrypted_in_transit = Some(true);
    m3.flow_props(crossing).authenticated = Some(true);
    let v = m3.validation();
    assert!(!has_code(&v, "DFD013") && !has_code(&v, "DFD014"), "{:#?}", v.findings);
    // Not crossing: nothing, whatever the properties.
    let v = clean().0.validation();
    assert!(!has_code(&v, "DFD013") && !has_code(&v, "DFD014"));
    let _ = (user, api);
}

#[test]
fn crossing_is_about_sets_of_boundaries_not_depth() {
    // Both ends inside the same nested boundaries: no crossing; siblings: crossing.
    let mut m = M::new();
    let outer = m.boundary("Outer", None);
    let left = m.boundary("Left", Some(outer));
    let right = m.boundary("Right", Some(outer));
    let a = m.process("A", Some(left));
    let b = m.process("B", Some(left));
    let c = m.process("C", Some(right));
    let same = m.flow("Same zone", a, b);
    let across = m.flow("Across", b, c);
    m.flow("Back", c, a);
    let v = m.validation();
    assert!(!has(&v, "DFD013", same));
    let f = v.findings.iter().find(|f| f.code == "DFD013" && f.element_ids[0] == across).unwrap();
    assert_eq!(f.element_ids, vec![across, left, right], "leaves Left, enters Right; Outer is around both");
}

fn tree_model() -> (M, Id, Id, Id, Id) {
    let mut m = M::new();
    let tree = id(500);
    let root = id(501);
    let a = id(502);
    let b = id(503);
    let full = Attributes { cost: Some(100.0), probability: Some(0.5), time: Some(2.0), skill: Some(2), detectability: None };
    m.doc.attack_trees.insert(tree, AttackTree { id: tree, name: "Steal data".into(), root, ..Default::default() });
    for (nid, label, gate, children) in [(root, "Get the data", Gate::Or, vec![a, b]), (a, "Phish", Gate::Leaf, vec![]), (b, "Bribe", Gate::Leaf, vec![])] {
        m.doc.attack_nodes.insert(
            nid,
            AttackNode { id: nid, tree, label: label.into(), gate, children, attributes: if gate == Gate::Leaf { full.clone() } else { Attributes::default() }, ..Default::default() },
        );
    }
    (m, tree, root, a, b)
}

#[test]
fn a_complete_attack_tree_has_no_findings() {
    let (m, ..) = tree_model();
    assert!(m.validation().findings.is_empty(), "{:#?}", m.validation().findings);
}

#[test]
fn at001_gate_with_no_children() {
    let (mut m, tree, root, a, _) = tree_model();
    let node = m.doc.attack_nodes.get_mut(&a).unwrap();
    node.gate = Gate::And;
    let v = m.validation();
    let f = v.findings.iter().find(|f| f.code == "AT001").expect("AT001");
    assert_eq!((f.element_ids.clone(), f.tree, f.severity), (vec![a], Some(tree), FindingSeverity::Error));
    assert!(f.message.contains("step “Phish”") && f.message.contains("attack tree “Steal data”") && f.message.contains("AND"));
    assert!(!has(&v, "AT001", root), "a gate with children is fine");
}

#[test]
fn at002_cycle() {
    let (mut m, _, root, a, b) = tree_model();
    m.doc.attack_nodes.get_mut(&a).unwrap().gate = Gate::Or;
    m.doc.attack_nodes.get_mut(&a).unwrap().children = vec![b];
    m.doc.attack_nodes.get_mut(&b).unwrap().gate = Gate::Or;
    m.doc.attack_nodes.get_mut(&b).unwrap().children = vec![a];
    let v = m.validation();
    let cycles: Vec<_> = v.findings.iter().filter(|f| f.code == "AT002").collect();
    assert_eq!(cycles.len(), 1);
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(cycles[0].element_ids, expected);
    assert!(!cycles[0].element_ids.contains(&root));
    // A shared step (DAG) is no cycle.
    let (mut m, _, _, a, b) = tree_model();
    m.doc.attack_nodes.get_mut(&a).unwrap().gate = Gate::And;
    m.doc.attack_nodes.get_mut(&a).unwrap().children = vec![b];
    assert!(!has_code(&m.validation(), "AT002"));
}

#[test]
fn at003_probability_outside_0_1_and_at004_negative_cost_or_time_and_at007_scales() {
    let (mut m, _, _, a, b) = tree_model();
    m.doc.attack_nodes.get_mut(&a).unwrap().attributes.probability = Some(1.5);
    m.doc.attack_nodes.get_mut(&a).unwrap().attributes.skill = Some(9);
    m.doc.attack_nodes.get_mut(&b).unwrap().attributes.cost = Some(-5.0);
    m.doc.attack_nodes.get_mut(&b).unwrap().attributes.time = Some(f64::INFINITY);
    let v = m.validation();
    assert!(has(&v, "AT003", a) && !has(&v, "AT003", b));
    assert!(v.findings.iter().find(|f| f.code == "AT003").unwrap().message.contains("1.5"));
    assert!(has(&v, "AT004", b) && !has(&v, "AT004", a));
    let msg = &v.findings.iter().find(|f| f.code == "AT004").unwrap().message;
    assert!(msg.contains("cost -5") && msg.contains("time inf"), "{msg}");
    assert!(has(&v, "AT007", a) && !has(&v, "AT007", b));
    assert!(!has_code(&tree_model().0.validation(), "AT003"));
}

#[test]
fn at005_leaf_missing_an_attribute() {
    let (mut m, _, _, a, b) = tree_model();
    m.doc.attack_nodes.get_mut(&a).unwrap().attributes.skill = None;
    m.doc.attack_nodes.get_mut(&a).unwrap().attributes.time = None;
    // A countermeasure leaf needs none.
    let defence = id(510);
    m.doc.attack_nodes.insert(defence, AttackNode { id: defence, tree: id(500), label: "Training".into(), role: Role::Defense, ..Default::default() });
    m.doc.attack_nodes.get_mut(&b).unwrap().countermeasures = vec![defence];
    let v = m.validation();
    let f = v.findings.iter().find(|f| f.code == "AT005").expect("AT005");
    assert_eq!(f.element_ids, vec![a]);
    assert_eq!(f.severity, FindingSeverity::Warning);
    assert!(f.message.contains("no time or skill"), "{}", f.message);
    assert!(!has(&v, "AT005", b) && !has(&v, "AT005", defence));
}

#[test]
fn at006_reference_to_a_step_not_in_the_tree() {
    let (mut m, tree, root, a, _) = tree_model();
    m.doc.attack_nodes.get_mut(&root).unwrap().children.push(id(999));
    let v = m.validation();
    assert!(has(&v, "AT006", root) && !has(&v, "AT006", a));
    // A tree whose goal is gone.
    let (mut m, tree2, root2, ..) = tree_model();
    m.doc.attack_nodes.remove(&root2);
    assert!(has(&m.validation(), "AT006", tree2));
    let _ = tree;
}

#[test]
fn findings_have_stable_ids_and_a_stable_order() {
    let (mut m, user, ..) = clean();
    let bank = m.entity("Bank", None);
    m.flow("Settlement", user, bank);
    m.process("Cron", None);
    m.store("", None);
    let v = m.validation();
    for f in &v.findings {
        assert_eq!(f.id, finding_id(&f.code, &f.element_ids));
    }
    let order: Vec<(FindingSeverity, String)> = v.findings.iter().map(|f| (f.severity, f.code.clone())).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "errors first, then by code");
    assert_eq!(serde_json::to_string(&v).unwrap(), serde_json::to_string(&m.validation()).unwrap());
    // The id does not depend on the order the ids are given in.
    assert_eq!(finding_id("DFD011", &[user, bank]), finding_id("DFD011", &[bank, user]));
    assert_ne!(finding_id("DFD011", &[user, bank]), finding_id("DFD012", &[user, bank]));
}

#[test]
fn a_dismissed_finding_is_listed_apart_with_its_reason_and_survives_edits() {
    let (mut m, ..) = clean();
    let cron = m.process("Cron", None);
    let v = m.validation();
    let f = v.findings.iter().find(|f| f.code == "DFD009").unwrap().clone();
    let dismissal = Dismissal::new(&f.code, &f.element_ids, "Triggered by the scheduler, drawn in the ops diagram");
    assert_eq!(dismissal.id, f.id);

    // Through an operation, as the app does it.
    let op = Operation::Put { records: vec![Record::Dismissal(dismissal.clone())] };
    let patch = op.apply(&mut m.doc).expect("a dismissal is a record like any other");
    assert_eq!(patch.changes.len(), 1);
    let v = m.validation();
    assert!(!has(&v, "DFD009", cron));
    assert_eq!(v.dismissed.len(), 1);
    assert_eq!(v.dismissed[0].finding.id, f.id);
    assert_eq!(v.dismissed[0].dismissal.reason, "Triggered by the scheduler, drawn in the ops diagram");

    // Edits elsewhere, and a rename of the element itself, keep it dismissed.
    Operation::Rename { key: RecordKey::new(RecordKind::Element, cron), name: "Nightly job".into() }.apply(&mut m.doc).unwrap();
    m.process("Another", None);
    let v = m.validation();
    assert!(!has(&v, "DFD009", cron) && v.dismissed.len() == 1);

    // Undo (the reversed patch) brings it back.
    patch.reversed().apply_to(&mut m.doc);
    assert!(has(&m.validation(), "DFD009", cron));

    // It survives the file forms.
    patch.apply_to(&mut m.doc);
    let text = rampart_engine::canonical::to_string(&m.doc).unwrap();
    assert!(text.contains("\"dismissals\""));
    assert!(text.contains("\"format_version\": 2"), "a model with dismissals tells older versions it is newer");
    let back = rampart_engine::canonical::from_str(&text, std::path::Path::new("m.rampart.json")).unwrap();
    assert_eq!(back, m.doc);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.rampart");
    rampart_engine::files::save(&m.doc, &path).unwrap();
    assert_eq!(rampart_engine::files::load(&path).unwrap(), m.doc);
}

#[test]
fn a_dismissal_needs_a_reason_and_its_findings_id() {
    let (mut m, ..) = clean();
    let cron = m.process("Cron", None);
    let mut d = Dismissal::new("DFD009", &[cron], "  ");
    let err = Operation::Put { records: vec![Record::Dismissal(d.clone())] }.apply(&mut m.doc).unwrap_err();
    assert!(err.to_string().contains("reason"), "{err}");
    d.reason = "fine".into();
    d.id = id(77);
    let err = Operation::Put { records: vec![Record::Dismissal(d)] }.apply(&mut m.doc).unwrap_err();
    assert!(err.to_string().contains("Dismissal::new"), "{err}");
    assert!(m.doc.dismissals.is_empty());
}

#[test]
fn models_without_dismissals_keep_their_canonical_bytes() {
    let (m, ..) = clean();
    let text = rampart_engine::canonical::to_string(&m.doc).unwrap();
    assert!(!text.contains("dismissals"), "an empty section is not written");
}
