//! Helpers shared by the engine's integration tests: fixed ids, record builders, a small
//! but complete sample model, and file hashing.

#![allow(dead_code)]

use std::path::Path;

use rampart_engine::*;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A fixed, uuid-v7-looking id: `01900000-0000-7000-8000-0000000000NN`.
pub fn id(n: u64) -> Id {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000u128 | n as u128)
}

pub fn element(id: Id, diagram: Id, name: &str, parent: Option<Id>, properties: ElementProperties) -> Element {
    Element { id, diagram, name: name.to_string(), parent, properties, ..Default::default() }
}

pub fn process(id: Id, diagram: Id, name: &str, parent: Option<Id>) -> Element {
    element(id, diagram, name, parent, ElementProperties::Process(ProcessProperties::default()))
}

pub fn store(id: Id, diagram: Id, name: &str, parent: Option<Id>) -> Element {
    element(id, diagram, name, parent, ElementProperties::DataStore(StoreProperties::default()))
}

pub fn entity(id: Id, diagram: Id, name: &str, parent: Option<Id>) -> Element {
    element(id, diagram, name, parent, ElementProperties::ExternalEntity(EntityProperties::default()))
}

pub fn boundary(id: Id, diagram: Id, name: &str, parent: Option<Id>) -> Element {
    element(id, diagram, name, parent, ElementProperties::TrustBoundary(BoundaryProperties::default()))
}

pub fn flow(id: Id, diagram: Id, name: &str, source: Id, target: Id) -> Element {
    element(
        id,
        diagram,
        name,
        None,
        ElementProperties::DataFlow(FlowProperties { source: Some(source), target: Some(target), ..Default::default() }),
    )
}

pub fn layout(id: Id, x: f64, y: f64, width: f64, height: f64) -> Layout {
    Layout { id, x, y, width, height, ..Default::default() }
}

pub fn node(id: Id, tree: Id, label: &str, gate: Gate, children: &[Id]) -> AttackNode {
    AttackNode { id, tree, label: label.to_string(), gate, children: children.to_vec(), ..Default::default() }
}

pub fn put(records: Vec<Record>) -> Operation {
    Operation::Put { records }
}

pub fn key(kind: RecordKind, id: Id) -> RecordKey {
    RecordKey::new(kind, id)
}

pub fn el(id: Id) -> RecordKey {
    RecordKey::new(RecordKind::Element, id)
}

/// The ids of the sample model.
pub mod s {
    use super::id;
    use rampart_engine::Id;
    pub fn diagram() -> Id { id(0x01) }
    pub fn other_diagram() -> Id { id(0x02) }
    pub fn outer() -> Id { id(0x10) } // boundary "Data centre"
    pub fn inner() -> Id { id(0x11) } // boundary "App zone", inside outer
    pub fn user() -> Id { id(0x20) } // external entity, top level
    pub fn api() -> Id { id(0x21) } // process, inside inner
    pub fn db() -> Id { id(0x22) } // data store, inside outer
    pub fn worker() -> Id { id(0x23) } // process, top level
    pub fn f_user_api() -> Id { id(0x30) }
    pub fn f_api_db() -> Id { id(0x31) }
    pub fn f_worker_db() -> Id { id(0x32) }
    pub fn other_proc() -> Id { id(0x40) } // process on the other diagram
    pub fn asset() -> Id { id(0x50) }
    pub fn threat() -> Id { id(0x60) }
    pub fn threat2() -> Id { id(0x61) }
    pub fn mitigation() -> Id { id(0x70) }
    pub fn mitigation2() -> Id { id(0x71) }
    pub fn tree() -> Id { id(0x80) }
    pub fn root() -> Id { id(0x81) } // OR
    pub fn and_gate() -> Id { id(0x82) } // AND of leaf_a and shared
    pub fn leaf_a() -> Id { id(0x83) }
    pub fn shared() -> Id { id(0x84) } // child of both root and and_gate
    pub fn leaf_b() -> Id { id(0x85) } // child of root only
    pub fn defence() -> Id { id(0x86) } // countermeasure on leaf_b
}

/// A small model that exercises every kind of record: two diagrams, nested boundaries,
/// flows, layouts for every shape, threats linked to mitigations, and an attack tree that
/// is a DAG with a countermeasure.
pub fn sample() -> Document {
    let d = s::diagram();
    let mut doc = Document::default();
    doc.metadata.name = "Sample".into();
    doc.metadata.currency = "EUR".into();
    let mut records = vec![
        Record::Diagram(Diagram { id: d, name: "Main".into() }),
        Record::Diagram(Diagram { id: s::other_diagram(), name: "Other".into() }),
        Record::Element(boundary(s::outer(), d, "Data centre", None)),
        Record::Element(boundary(s::inner(), d, "App zone", Some(s::outer()))),
        Record::Element(entity(s::user(), d, "User", None)),
        Record::Element(process(s::api(), d, "API", Some(s::inner()))),
        Record::Element(store(s::db(), d, "DB", Some(s::outer()))),
        Record::Element(process(s::worker(), d, "Worker", None)),
        Record::Element(flow(s::f_user_api(), d, "request", s::user(), s::api())),
        Record::Element(flow(s::f_api_db(), d, "query", s::api(), s::db())),
        Record::Element(flow(s::f_worker_db(), d, "batch", s::worker(), s::db())),
        Record::Element(process(s::other_proc(), s::other_diagram(), "Elsewhere", None)),
        Record::Layout(layout(s::outer(), 200.0, 0.0, 600.0, 400.0)),
        Record::Layout(layout(s::inner(), 220.0, 20.0, 300.0, 200.0)),
        Record::Layout(layout(s::user(), 0.0, 50.0, 120.0, 60.0)),
        Record::Layout(layout(s::api(), 260.0, 60.0, 120.0, 60.0)),
        Record::Layout(layout(s::db(), 600.0, 260.0, 120.0, 60.0)),
        Record::Layout(layout(s::worker(), 900.0, 260.0, 120.0, 60.0)),
        Record::Layout(layout(s::other_proc(), 10.0, 10.0, 120.0, 60.0)),
        Record::Asset(Asset { id: s::asset(), name: "Orders".into(), ..Default::default() }),
        Record::Mitigation(Mitigation { id: s::mitigation(), name: "TLS".into(), ..Default::default() }),
        Record::Mitigation(Mitigation { id: s::mitigation2(), name: "WAF".into(), ..Default::default() }),
        Record::Threat(Threat {
            id: s::threat(),
            title: "Sniffing".into(),
            category: StrideCategory::InformationDisclosure,
            target: Some(s::f_user_api()),
            mitigations: vec![s::mitigation(), s::mitigation2()],
            ..Default::default()
        }),
        Record::Threat(Threat {
            id: s::threat2(),
            title: "Injection".into(),
            target: Some(s::api()),
            mitigations: vec![s::mitigation2()],
            ..Default::default()
        }),
    ];
    let t = s::tree();
    let leaf = |id: Id, label: &str, cost: f64| AttackNode {
        attributes: Attributes { cost: Some(cost), probability: Some(0.5), time: Some(1.0), skill: Some(2), detectability: None },
        ..node(id, t, label, Gate::Leaf, &[])
    };
    records.extend([
        Record::AttackNode(node(s::root(), t, "Goal", Gate::Or, &[s::and_gate(), s::shared(), s::leaf_b()])),
        Record::AttackNode(node(s::and_gate(), t, "Both", Gate::And, &[s::leaf_a(), s::shared()])),
        Record::AttackNode(leaf(s::leaf_a(), "Step A", 10.0)),
        Record::AttackNode(leaf(s::shared(), "Shared step", 20.0)),
        Record::AttackNode(AttackNode { countermeasures: vec![s::defence()], ..leaf(s::leaf_b(), "Step B", 30.0) }),
        Record::AttackNode(AttackNode {
            role: Role::Defense,
            implemented: true,
            mitigation: Some(s::mitigation()),
            ..node(s::defence(), t, "Guard", Gate::Leaf, &[])
        }),
        Record::AttackTree(AttackTree { id: t, name: "Steal data".into(), root: s::root(), ..Default::default() }),
        Record::Layout(layout(s::root(), 0.0, 0.0, 100.0, 40.0)),
        Record::Layout(layout(s::and_gate(), 0.0, 80.0, 100.0, 40.0)),
        Record::Layout(layout(s::leaf_a(), 0.0, 160.0, 100.0, 40.0)),
        Record::Layout(layout(s::shared(), 120.0, 160.0, 100.0, 40.0)),
        Record::Layout(layout(s::leaf_b(), 240.0, 80.0, 100.0, 40.0)),
        Record::Layout(layout(s::defence(), 240.0, 160.0, 100.0, 40.0)),
    ]);
    // Built through the engine's own integrity checks, so the sample is a valid model.
    put(records).apply(&mut doc).expect("the sample model is valid");
    doc
}

pub fn sha256(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// The names in a directory, sorted: to check that nothing was created beside a file.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    names
}

/// A temporary directory and an editor on a new `.rampart` in it holding `doc`.
pub fn editor_with(doc: Document) -> (tempfile::TempDir, std::path::PathBuf, Editor) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.rampart");
    let editor = Editor::create(&path, doc).unwrap();
    (dir, path, editor)
}

pub fn layout_of(doc: &Document, id: Id) -> Layout {
    doc.layouts.get(&id).cloned().unwrap_or_else(|| panic!("no layout for {id}"))
}

pub fn parent_of(doc: &Document, id: Id) -> Option<Id> {
    doc.elements[&id].parent
}

/// `assert_eq!` for documents, but a failure shows the canonical-JSON lines that differ
/// rather than two pages of `Debug` output.
#[track_caller]
pub fn assert_doc_eq(actual: &Document, expected: &Document, what: &str) {
    if actual == expected {
        return;
    }
    let a = canonical::to_string(actual).unwrap();
    let e = canonical::to_string(expected).unwrap();
    let mut diff = String::new();
    for line in e.lines().filter(|l| !a.lines().any(|x| x == *l)).take(15) {
        diff += &format!("- {line}\n");
    }
    for line in a.lines().filter(|l| !e.lines().any(|x| x == *l)).take(15) {
        diff += &format!("+ {line}\n");
    }
    if diff.is_empty() {
        diff = format!("(same canonical text)\nactual: {actual:?}\nexpected: {expected:?}");
    }
    panic!("{what}: the documents differ (- expected, + actual):\n{diff}");
}
