//! Property tests over random models and random editing sessions.
//!
//! - Any model survives `.rampart.json` -> `.rampart` -> `.rampart.json` unchanged: equal
//!   documents and equal bytes.
//! - Any sequence of operations can be undone back to the start and redone to the end,
//!   exactly; an operation that is refused leaves the document as it was.

mod common;

use common::assert_doc_eq;
use proptest::prelude::*;
use rampart_engine::*;
use uuid::Uuid;

// ---------------------------------------------------------------- random models

/// Text as users (and importers) produce it: mostly plain, sometimes anything at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[A-Za-z0-9 ._-]{0,16}", 1 => any::<String>(), 1 => Just(String::new())]
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-4000i32..4000).prop_map(|v| v as f64 / 4.0),
        -1e4f64..1e4,
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
    ]
}

fn size() -> impl Strategy<Value = f64> {
    finite().prop_map(f64::abs)
}

fn opt_bool() -> impl Strategy<Value = Option<bool>> {
    proptest::option::of(any::<bool>())
}

fn score() -> impl Strategy<Value = u8> {
    1u8..=5
}

fn pick<T: Clone>(items: &[T], n: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[n % items.len()].clone())
}

/// Derives distinct, unordered ids from a per-case seed, so that the order records are
/// made in has nothing to do with their order in files.
struct Ids(u64);
impl Ids {
    fn next(&mut self) -> Id {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Uuid::from_u128((u128::from(z) << 64) | u128::from(self.0) | 0x7000_8000_0000_0000)
    }
}

#[derive(Debug, Clone)]
struct ShapeSpec {
    kind: u8,
    diagram: usize,
    parent: Option<usize>,
    name: String,
    description: String,
    tags: Vec<String>,
    flags: [Option<bool>; 7],
    privilege: Option<u8>,
    out_of_scope: bool,
    layout: Option<(f64, f64, f64, f64)>,
}

fn shape_spec() -> impl Strategy<Value = ShapeSpec> {
    (
        (0u8..4, any::<usize>(), proptest::option::of(any::<usize>()), text(), text()),
        (prop::collection::vec(text(), 0..3), prop::array::uniform7(opt_bool()), proptest::option::of(0u8..4), any::<bool>()),
        proptest::option::of((finite(), finite(), size(), size())),
    )
        .prop_map(|((kind, diagram, parent, name, description), (tags, flags, privilege, out_of_scope), layout)| ShapeSpec {
            kind,
            diagram,
            parent,
            name,
            description,
            tags,
            flags,
            privilege,
            out_of_scope,
            layout,
        })
}

#[derive(Debug, Clone)]
struct FlowSpec {
    source: usize,
    target: usize,
    name: String,
    protocol: String,
    flags: [Option<bool>; 6],
    classification: Option<u8>,
    bidirectional: bool,
}

fn flow_spec() -> impl Strategy<Value = FlowSpec> {
    (any::<usize>(), any::<usize>(), text(), text(), prop::array::uniform6(opt_bool()), proptest::option::of(0u8..4), any::<bool>())
        .prop_map(|(source, target, name, protocol, flags, classification, bidirectional)| FlowSpec {
            source,
            target,
            name,
            protocol,
            flags,
            classification,
            bidirectional,
        })
}

#[derive(Debug, Clone)]
struct ThreatSpec {
    title: String,
    category: u8,
    target: Option<usize>,
    status: u8,
    likelihood: u8,
    impact: u8,
    detectability: Option<u8>,
    mitigations: Vec<usize>,
    decision: Option<u8>,
    strings: [String; 4],
    dates: (Option<String>, Option<String>),
    references: Vec<String>,
    generated: bool,
}

fn threat_spec() -> impl Strategy<Value = ThreatSpec> {
    (
        (text(), 0u8..6, proptest::option::of(any::<usize>()), 0u8..5, score(), score(), proptest::option::of(score())),
        (prop::collection::vec(any::<usize>(), 0..3), proptest::option::of(0u8..4), prop::array::uniform4(text())),
        (proptest::option::of("20[0-9]{2}-[01][0-9]-[0-3][0-9]"), proptest::option::of(text()), prop::collection::vec(text(), 0..3), any::<bool>()),
    )
        .prop_map(
            |((title, category, target, status, likelihood, impact, detectability), (mitigations, decision, strings), (due, review, references, generated))| {
                ThreatSpec {
                    title,
                    category,
                    target,
                    status,
                    likelihood,
                    impact,
                    detectability,
                    mitigations,
                    decision,
                    strings,
                    dates: (due, review),
                    references,
                    generated,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct NodeSpec {
    label: String,
    gate: u8,
    defence: bool,
    children: Vec<usize>,
    countermeasures: Vec<usize>,
    cost: Option<f64>,
    probability: Option<f64>,
    time: Option<f64>,
    skill: Option<u8>,
    detectability: Option<u8>,
    implemented: bool,
    mitigation: Option<usize>,
    links: Vec<usize>,
    collapsed: bool,
    layout: Option<(f64, f64)>,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        (text(), 0u8..4, any::<bool>(), prop::collection::vec(any::<usize>(), 0..4), prop::collection::vec(any::<usize>(), 0..2)),
        (proptest::option::of(size()), proptest::option::of(0.0f64..=1.0), proptest::option::of(size()), proptest::option::of(score()), proptest::option::of(score())),
        (any::<bool>(), proptest::option::of(any::<usize>()), prop::collection::vec(any::<usize>(), 0..2), any::<bool>(), proptest::option::of((finite(), finite()))),
    )
        .prop_map(
            |((label, gate, defence, children, countermeasures), (cost, probability, time, skill, detectability), (implemented, mitigation, links, collapsed, layout))| {
                NodeSpec {
                    label,
                    gate,
                    defence,
                    children,
                    countermeasures,
                    cost,
                    probability,
                    time,
                    skill,
                    detectability,
                    implemented,
                    mitigation,
                    links,
                    collapsed,
                    layout,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct ModelSpec {
    seed: u64,
    metadata: [String; 7],
    assumptions: Vec<String>,
    diagrams: Vec<String>,
    assets: Vec<(String, String, Option<u8>)>,
    shapes: Vec<ShapeSpec>,
    flows: Vec<FlowSpec>,
    mitigations: Vec<(String, String, u8)>,
    threats: Vec<ThreatSpec>,
    trees: Vec<(String, String, Vec<NodeSpec>)>,
}

fn model_spec() -> impl Strategy<Value = ModelSpec> {
    (
        (any::<u64>(), prop::array::uniform7(text()), prop::collection::vec(text(), 0..3), prop::collection::vec(text(), 1..4)),
        (prop::collection::vec((text(), text(), proptest::option::of(0u8..4)), 0..3), prop::collection::vec(shape_spec(), 0..14), prop::collection::vec(flow_spec(), 0..10)),
        (
            prop::collection::vec((text(), text(), 0u8..3), 0..4),
            prop::collection::vec(threat_spec(), 0..5),
            prop::collection::vec((text(), text(), prop::collection::vec(node_spec(), 1..8)), 0..3),
        ),
    )
        .prop_map(|((seed, metadata, assumptions, diagrams), (assets, shapes, flows), (mitigations, threats, trees))| ModelSpec {
            seed,
            metadata,
            assumptions,
            diagrams,
            assets,
            shapes,
            flows,
            mitigations,
            threats,
            trees,
        })
}

const CLASSES: [Classification; 4] = [Classification::Public, Classification::Internal, Classification::Confidential, Classification::Secret];

/// A valid model from a spec: references resolve, boundaries nest without cycles, flows
/// join two different non-boundary elements of one diagram, trees are DAGs.
fn build(spec: &ModelSpec) -> Document {
    let mut ids = Ids(spec.seed);
    let mut doc = Document::default();
    let [name, summary, scope_in, scope_out, owner, version, currency] = spec.metadata.clone();
    doc.metadata = Metadata {
        name,
        summary,
        scope_in,
        scope_out,
        assumptions: spec.assumptions.clone(),
        owner,
        reviewers: spec.assumptions.iter().rev().cloned().collect(),
        version,
        currency,
    };
    let diagrams: Vec<Id> = spec
        .diagrams
        .iter()
        .map(|name| {
            let d = Diagram { id: ids.next(), name: name.clone() };
            let id = d.id;
            doc.diagrams.insert(id, d);
            id
        })
        .collect();
    for (name, description, class) in &spec.assets {
        let a = Asset { id: ids.next(), name: name.clone(), description: description.clone(), classification: class.map(|c| CLASSES[c as usize]) };
        doc.assets.insert(a.id, a);
    }
    // Shapes; a parent is an earlier boundary of the same diagram.
    let mut shapes: Vec<(Id, Id, bool)> = Vec::new(); // (id, diagram, is boundary)
    for s in &spec.shapes {
        let diagram = diagrams[s.diagram % diagrams.len()];
        let boundaries: Vec<Id> = shapes.iter().filter(|(_, d, b)| *d == diagram && *b).map(|(id, _, _)| *id).collect();
        let parent = s.parent.and_then(|p| pick(&boundaries, p));
        let f = s.flags;
        let properties = match s.kind {
            0 => ElementProperties::ExternalEntity(EntityProperties { is_human: f[0], authenticated: f[1] }),
            1 => ElementProperties::Process(ProcessProperties {
                privilege: s.privilege.map(|p| [Privilege::User, Privilege::Service, Privilege::Admin, Privilege::Root][p as usize]),
                authenticates_callers: f[0],
                authorizes_callers: f[1],
                validates_input: f[2],
                logs_security_events: f[3],
                internet_facing: f[4],
                handles_secrets: f[5],
            }),
            2 => ElementProperties::DataStore(StoreProperties {
                stores_credentials: f[0],
                stores_pii: f[1],
                stores_payment_data: f[2],
                encrypted_at_rest: f[3],
                is_audit_log: f[4],
                backed_up: f[5],
                access_controlled: f[6],
            }),
            _ => ElementProperties::TrustBoundary(BoundaryProperties::default()),
        };
        let e = Element {
            id: ids.next(),
            diagram,
            name: s.name.clone(),
            description: s.description.clone(),
            technology: s.name.chars().rev().collect(),
            owner: s.description.chars().take(3).collect(),
            tags: s.tags.clone(),
            out_of_scope: s.out_of_scope,
            out_of_scope_reason: if s.out_of_scope { s.description.clone() } else { String::new() },
            parent,
            properties,
        };
        if let Some((x, y, w, h)) = s.layout {
            doc.layouts.insert(e.id, Layout { id: e.id, x, y, width: w, height: h, ..Default::default() });
        }
        shapes.push((e.id, diagram, s.kind == 3));
        doc.elements.insert(e.id, e);
    }
    let ends: Vec<(Id, Id)> = shapes.iter().filter(|(_, _, b)| !b).map(|(id, d, _)| (*id, *d)).collect();
    for f in &spec.flows {
        let Some((source, diagram)) = pick(&ends, f.source) else { break };
        let targets: Vec<Id> = ends.iter().filter(|(id, d)| *d == diagram && *id != source).map(|(id, _)| *id).collect();
        let Some(target) = pick(&targets, f.target) else { continue };
        let e = Element {
            id: ids.next(),
            diagram,
            name: f.name.clone(),
            properties: ElementProperties::DataFlow(FlowProperties {
                source: Some(source),
                target: Some(target),
                bidirectional: f.bidirectional,
                protocol: f.protocol.clone(),
                encrypted_in_transit: f.flags[0],
                authenticated: f.flags[1],
                integrity_protected: f.flags[2],
                over_public_network: f.flags[3],
                data_classification: f.classification.map(|c| CLASSES[c as usize]),
                carries_credentials: f.flags[5],
            }),
            ..Default::default()
        };
        doc.elements.insert(e.id, e);
    }
    let mitigations: Vec<Id> = spec
        .mitigations
        .iter()
        .map(|(name, description, status)| {
            let m = Mitigation {
                id: ids.next(),
                name: name.clone(),
                description: description.clone(),
                status: [MitigationStatus::Proposed, MitigationStatus::Implemented, MitigationStatus::Verified][*status as usize],
            };
            let id = m.id;
            doc.mitigations.insert(id, m);
            id
        })
        .collect();
    let element_ids: Vec<Id> = doc.elements.keys().copied().collect();
    for t in &spec.threats {
        use StrideCategory::*;
        let mut linked: Vec<Id> = t.mitigations.iter().filter_map(|m| pick(&mitigations, *m)).collect();
        linked.dedup();
        let [description, owner, rationale, notes] = t.strings.clone();
        let threat = Threat {
            id: ids.next(),
            title: t.title.clone(),
            category: [Spoofing, Tampering, Repudiation, InformationDisclosure, DenialOfService, ElevationOfPrivilege][t.category as usize],
            target: t.target.and_then(|i| pick(&element_ids, i)),
            rule_id: t.generated.then(|| format!("RULE-{}", t.category)),
            description,
            status: [ThreatStatus::Open, ThreatStatus::Mitigated, ThreatStatus::Accepted, ThreatStatus::Transferred, ThreatStatus::NotApplicable][t.status as usize],
            likelihood: t.likelihood,
            impact: t.impact,
            detectability: t.detectability,
            mitigations: linked,
            owner,
            due_date: t.dates.0.clone(),
            decision: t.decision.map(|d| [Decision::FixNow, Decision::Mitigate, Decision::Defer, Decision::Accept][d as usize]),
            rationale,
            reviewer: t.title.chars().rev().collect(),
            review_date: t.dates.1.clone(),
            references: t.references.clone(),
            origin: if t.generated { Origin::Generated } else { Origin::Manual },
            notes,
        };
        doc.threats.insert(threat.id, threat);
    }
    for (name, description, nodes) in &spec.trees {
        let tree = ids.next();
        let node_ids: Vec<Id> = nodes.iter().map(|_| ids.next()).collect();
        for (i, n) in nodes.iter().enumerate() {
            // Children and countermeasures come later in the list: a DAG, possibly shared.
            let later = &node_ids[i + 1..];
            // A countermeasure is the other side's move: a defence against an attack step,
            // a counter-attack against a defence.
            let defence = |j: usize| nodes[j].defence && j > 0;
            let mut children: Vec<Id> = n.children.iter().filter_map(|c| pick(later, *c)).collect();
            children.dedup();
            let other_side: Vec<Id> = (i + 1..nodes.len()).filter(|&j| defence(j) != defence(i)).map(|j| node_ids[j]).collect();
            let mut countermeasures: Vec<Id> = n.countermeasures.iter().filter_map(|c| pick(&other_side, *c)).collect();
            countermeasures.dedup();
            let node = AttackNode {
                id: node_ids[i],
                tree,
                label: n.label.clone(),
                description: n.label.chars().rev().collect(),
                role: if i > 0 && n.defence { Role::Defense } else { Role::Attack },
                gate: if children.is_empty() { Gate::Leaf } else { [Gate::Leaf, Gate::And, Gate::Or, Gate::Sand][n.gate as usize] },
                children,
                countermeasures,
                attributes: Attributes { cost: n.cost, probability: n.probability, time: n.time, skill: n.skill, detectability: n.detectability },
                implemented: n.implemented,
                mitigation: n.mitigation.and_then(|m| pick(&mitigations, m)),
                links: n.links.iter().filter_map(|l| pick(&element_ids, *l)).collect(),
                collapsed: n.collapsed,
            };
            if let Some((x, y)) = n.layout {
                doc.layouts.insert(node.id, Layout { id: node.id, x, y, width: 120.0, height: 48.0, ..Default::default() });
            }
            doc.attack_nodes.insert(node.id, node);
        }
        doc.attack_trees.insert(tree, AttackTree { id: tree, name: name.clone(), description: description.clone(), root: node_ids[0] });
    }
    doc
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// The generator makes valid models (so the operation properties below start from
    /// something real): every record passes the integrity checks.
    #[test]
    fn generated_models_are_valid(spec in model_spec()) {
        let doc = build(&spec);
        let mut rebuilt = Document { metadata: doc.metadata.clone(), ..Default::default() };
        let records: Vec<Record> = doc.records().filter(|r| r.kind() != RecordKind::Metadata).collect();
        let result = Operation::Put { records }.apply(&mut rebuilt);
        prop_assert!(result.is_ok(), "{:?}", result.err());
        prop_assert_eq!(rebuilt, doc);
    }

    #[test]
    fn any_model_round_trips_json_to_database_to_json(spec in model_spec()) {
        let doc = build(&spec);
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("m.rampart.json");
        let db = dir.path().join("m.rampart");
        let back = dir.path().join("back.rampart.json");
        files::save(&doc, &json).unwrap();
        let from_json = files::load(&json).unwrap();
        prop_assert!(from_json == doc, "JSON lost something");
        files::save(&from_json, &db).unwrap();
        let from_db = files::load(&db).unwrap();
        prop_assert!(from_db == doc, "the database lost something");
        files::save(&from_db, &back).unwrap();
        prop_assert_eq!(std::fs::read_to_string(&json).unwrap(), std::fs::read_to_string(&back).unwrap());
    }
}

// ---------------------------------------------------------------- random sessions

#[derive(Debug, Clone)]
enum OpSpec {
    Rename(usize, String),
    Translate(Vec<usize>, f64, f64),
    Reparent(Vec<usize>, Option<usize>),
    Delete(Vec<usize>),
    AddShape(usize, u8, Option<usize>, (f64, f64, f64, f64)),
    AddFlow(usize, usize),
    EditThreat(usize, u8, Option<usize>),
    EditNode(usize, Option<f64>, Vec<usize>),
    Resize(usize, f64, f64),
}

fn op_spec() -> impl Strategy<Value = OpSpec> {
    let idx = any::<usize>;
    prop_oneof![
        (idx(), text()).prop_map(|(i, n)| OpSpec::Rename(i, n)),
        (prop::collection::vec(idx(), 1..4), finite(), finite()).prop_map(|(ids, dx, dy)| OpSpec::Translate(ids, dx, dy)),
        (prop::collection::vec(idx(), 1..3), proptest::option::of(idx())).prop_map(|(ids, p)| OpSpec::Reparent(ids, p)),
        prop::collection::vec(idx(), 1..3).prop_map(OpSpec::Delete),
        (idx(), 0u8..4, proptest::option::of(idx()), (finite(), finite(), size(), size())).prop_map(|(d, k, p, l)| OpSpec::AddShape(d, k, p, l)),
        (idx(), idx()).prop_map(|(s, t)| OpSpec::AddFlow(s, t)),
        (idx(), 0u8..8, proptest::option::of(idx())).prop_map(|(t, l, m)| OpSpec::EditThreat(t, l, m)),
        (idx(), proptest::option::of(-1.0f64..2.0), prop::collection::vec(idx(), 0..3)).prop_map(|(n, p, c)| OpSpec::EditNode(n, p, c)),
        (idx(), -10.0f64..500.0, -10.0f64..500.0).prop_map(|(i, w, h)| OpSpec::Resize(i, w, h)),
    ]
}

/// Turns a spec into an operation against the current document. Many are valid; some are
/// deliberately not (a cycle, a likelihood of 0, a negative size, deleting a goal).
fn resolve(spec: &OpSpec, doc: &Document, fresh: &mut Ids) -> Operation {
    let keys: Vec<RecordKey> = doc.records().map(|r| r.key()).collect();
    let elements: Vec<Id> = doc.elements.keys().copied().collect();
    let shapes: Vec<Id> = doc.elements.values().filter(|e| e.kind() != ElementKind::DataFlow).map(|e| e.id).collect();
    let nodes: Vec<Id> = doc.attack_nodes.keys().copied().collect();
    match spec {
        OpSpec::Rename(i, name) => Operation::Rename { key: pick(&keys, *i).unwrap(), name: name.clone() },
        OpSpec::Translate(ids, dx, dy) => {
            Operation::Translate { ids: ids.iter().filter_map(|i| pick(&shapes, *i)).collect(), dx: *dx, dy: *dy }
        }
        OpSpec::Reparent(ids, parent) => Operation::Reparent {
            ids: ids.iter().filter_map(|i| pick(&elements, *i)).collect(),
            parent: parent.and_then(|p| pick(&elements, p)),
        },
        OpSpec::Delete(picks) => {
            let deletable: Vec<RecordKey> = keys.iter().filter(|k| k.kind != RecordKind::Metadata).copied().collect();
            let keys: Vec<RecordKey> = picks.iter().filter_map(|i| pick(&deletable, *i)).collect();
            if keys.is_empty() {
                Operation::Delete { keys: vec![RecordKey::metadata()] } // refused
            } else {
                Operation::Delete { keys }
            }
        }
        OpSpec::AddShape(d, kind, parent, (x, y, w, h)) => {
            let diagrams: Vec<Id> = doc.diagrams.keys().copied().collect();
            let Some(diagram) = pick(&diagrams, *d) else { return Operation::Put { records: vec![] } };
            let properties = match kind {
                0 => ElementProperties::ExternalEntity(EntityProperties::default()),
                1 => ElementProperties::Process(ProcessProperties::default()),
                2 => ElementProperties::DataStore(StoreProperties::default()),
                _ => ElementProperties::TrustBoundary(BoundaryProperties::default()),
            };
            let id = fresh.next();
            let e = Element { id, diagram, name: "new".into(), parent: parent.and_then(|p| pick(&elements, p)), properties, ..Default::default() };
            Operation::Put {
                records: vec![Record::Element(e), Record::Layout(Layout { id, x: *x, y: *y, width: *w, height: *h, ..Default::default() })],
            }
        }
        OpSpec::AddFlow(s, t) => {
            let (Some(source), Some(target)) = (pick(&elements, *s), pick(&elements, *t)) else {
                return Operation::Put { records: vec![] };
            };
            let diagram = doc.elements[&source].diagram;
            let flow = Element {
                id: fresh.next(),
                diagram,
                name: "flow".into(),
                properties: ElementProperties::DataFlow(FlowProperties { source: Some(source), target: Some(target), ..Default::default() }),
                ..Default::default()
            };
            Operation::Put { records: vec![Record::Element(flow)] }
        }
        OpSpec::EditThreat(t, likelihood, m) => {
            let threats: Vec<&Threat> = doc.threats.values().collect();
            let Some(threat) = pick(&threats, *t) else { return Operation::Put { records: vec![] } };
            let mut threat = threat.clone();
            threat.likelihood = *likelihood; // 0, 6 and 7 are refused
            let mitigations: Vec<Id> = doc.mitigations.keys().copied().collect();
            if let Some(m) = m.and_then(|m| pick(&mitigations, m)) {
                if !threat.mitigations.contains(&m) {
                    threat.mitigations.push(m);
                }
            }
            Operation::Put { records: vec![Record::Threat(threat)] }
        }
        OpSpec::EditNode(n, probability, children) => {
            let Some(id) = pick(&nodes, *n) else { return Operation::Put { records: vec![] } };
            let mut node = doc.attack_nodes[&id].clone();
            node.attributes.probability = *probability; // outside 0..1 is refused
            for c in children {
                let c = pick(&nodes, *c).unwrap();
                if !node.children.contains(&c) {
                    node.children.push(c); // may make a cycle or cross trees: refused
                }
            }
            if !node.children.is_empty() && node.gate == Gate::Leaf {
                node.gate = Gate::Or;
            }
            Operation::Put { records: vec![Record::AttackNode(node)] }
        }
        OpSpec::Resize(i, w, h) => {
            let laid_out: Vec<&Layout> = doc.layouts.values().collect();
            let Some(l) = pick(&laid_out, *i) else { return Operation::Put { records: vec![] } };
            Operation::Put { records: vec![Record::Layout(Layout { width: *w, height: *h, ..l.clone() })] }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// In memory: each step's reversed patch restores the state before it, a refused
    /// operation changes nothing, and undoing everything returns to the start.
    #[test]
    fn undo_all_returns_to_the_start_and_redo_all_to_the_end(spec in model_spec(), ops in prop::collection::vec(op_spec(), 1..25)) {
        let initial = build(&spec);
        let mut doc = initial.clone();
        let mut fresh = Ids(spec.seed ^ 0xFFFF);
        let mut patches = Vec::new();
        for op in &ops {
            let op = resolve(op, &doc, &mut fresh);
            let before = doc.clone();
            match op.apply(&mut doc) {
                Ok(patch) => {
                    let mut undone = doc.clone();
                    patch.reversed().apply_to(&mut undone);
                    prop_assert!(undone == before, "undo of {:?} is not exact", op);
                    patches.push(patch);
                }
                Err(e) => {
                    prop_assert!(matches!(e, Error::InvalidOperation(_)), "{:?}", e);
                    prop_assert!(doc == before, "refused {:?} changed the document", op);
                }
            }
        }
        let last = doc.clone();
        for patch in patches.iter().rev() {
            patch.reversed().apply_to(&mut doc);
        }
        prop_assert!(doc == initial, "undoing everything did not return to the start");
        for patch in &patches {
            patch.apply_to(&mut doc);
        }
        prop_assert!(doc == last, "redoing everything did not return to the end");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    /// Through the editor and the file: the same, with the history read back from disk
    /// after closing and reopening.
    #[test]
    fn editor_session_undoes_and_redoes_from_disk(spec in model_spec(), ops in prop::collection::vec(op_spec(), 1..12)) {
        let initial = build(&spec);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.rampart");
        let mut editor = Editor::create(&path, initial.clone()).unwrap();
        let mut fresh = Ids(spec.seed ^ 0xFFFF);
        for (i, op) in ops.iter().enumerate() {
            let op = resolve(op, editor.document(), &mut fresh);
            let before = editor.document().clone();
            let coalesce = (i % 3 == 0).then_some("burst");
            if editor.apply(&op, coalesce).is_err() {
                prop_assert!(editor.document() == &before, "refused {:?} changed the document", op);
            }
        }
        let last = editor.document().clone();
        drop(editor);
        let mut editor = Editor::open(&path).unwrap();
        prop_assert!(editor.document() == &last, "reopening changed the document");
        while editor.undo().unwrap().is_some() {}
        assert_doc_eq(editor.document(), &initial, "undo all");
        assert_doc_eq(&files::load(&path).unwrap(), &initial, "undo all, on disk");
        drop(editor);
        let mut editor = Editor::open(&path).unwrap();
        while editor.redo().unwrap().is_some() {}
        assert_doc_eq(editor.document(), &last, "redo all");
        assert_doc_eq(&files::load(&path).unwrap(), &last, "redo all, on disk");
        prop_assert_eq!(editor.integrity_check().unwrap(), "ok");
    }
}
