//! Incremental analysis equals a full run: after any sequence of operations (and undos, and
//! damaged states a file could hold), `Analysis::update` with each patch leaves exactly the
//! results `Analysis::new` computes from scratch.

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::sync::Arc;

use proptest::prelude::*;
use rampart_engine::analysis::{Analysis, RuleSet};
use rampart_engine::*;
use synthetic::{uid, Rng};

fn rules() -> Arc<RuleSet> {
    Arc::new(RuleSet::builtin().expect("the built-in rules load"))
}

fn start(seed: u64) -> Document {
    let mut doc = synthetic::model(40, 70, seed);
    // An attack tree too.
    let tree = uid(900_000);
    let root = uid(900_001);
    doc.attack_trees.insert(tree, AttackTree { id: tree, name: "Goal".into(), root, ..Default::default() });
    let leaves: Vec<Id> = (2..6).map(|n| uid(900_000 + n)).collect();
    doc.attack_nodes.insert(root, AttackNode { id: root, tree, label: "Root".into(), gate: Gate::Or, children: leaves.clone(), ..Default::default() });
    for (i, l) in leaves.iter().enumerate() {
        doc.attack_nodes.insert(
            *l,
            AttackNode {
                id: *l,
                tree,
                label: format!("Step {i}"),
                attributes: Attributes { cost: Some(10.0 * i as f64), probability: Some(0.5), time: Some(1.0), skill: Some(2), detectability: None },
                ..Default::default()
            },
        );
    }
    doc
}

fn pick<T>(items: &[T], n: u64) -> Option<&T> {
    (!items.is_empty()).then(|| &items[(n % items.len() as u64) as usize])
}

fn ids_of(doc: &Document, f: impl Fn(&Element) -> bool) -> Vec<Id> {
    doc.elements.values().filter(|e| f(e)).map(|e| e.id).collect()
}

/// One of the three shape kinds, picked by `kind`, with random properties.
fn random_properties(kind: u64, rng: &mut Rng) -> ElementProperties {
    let kind = [ElementKind::ExternalEntity, ElementKind::Process, ElementKind::DataStore][(kind % 3) as usize];
    synthetic::random_properties(kind, rng)
}

/// Turn (kind, a, b, c) into a patch against the current document: mostly operations as
/// the editor makes them, sometimes an undo, sometimes a raw change a damaged file could
/// hold. `None` when the operation does not apply.
fn step(doc: &Document, last: &Option<Patch>, (kind, a, b, c): (u8, u64, u64, u64)) -> Option<Patch> {
    let mut rng = Rng::new(a ^ b.rotate_left(17) ^ c.rotate_left(33));
    let diagram = uid(synthetic::DIAGRAM);
    let boundaries = ids_of(doc, |e| e.kind() == ElementKind::TrustBoundary);
    let nodes = ids_of(doc, |e| matches!(e.kind(), ElementKind::ExternalEntity | ElementKind::Process | ElementKind::DataStore));
    let flows = ids_of(doc, |e| e.kind() == ElementKind::DataFlow);
    let all: Vec<Id> = doc.elements.keys().copied().collect();
    let new_id = uid(1_000_000 + (a % 1_000_000));
    let op = match kind {
        0 => {
            let parent = if b % 3 == 0 { None } else { pick(&boundaries, c).copied() };
            let e = Element { id: new_id, diagram, name: format!("New {}", a % 7), parent, properties: random_properties(b, &mut rng), ..Default::default() };
            Operation::Put { records: vec![Record::Element(e)] }
        }
        1 => {
            let parent = if b % 2 == 0 { None } else { pick(&boundaries, c).copied() };
            let e = Element { id: new_id, diagram, name: format!("Zone {}", a % 5), parent, properties: ElementProperties::TrustBoundary(BoundaryProperties::default()), ..Default::default() };
            Operation::Put { records: vec![Record::Element(e)] }
        }
        2 => {
            let (s, t) = (*pick(&nodes, b)?, *pick(&nodes, c)?);
            let props = FlowProperties {
                source: Some(s),
                target: Some(t),
                bidirectional: rng.chance(20),
                encrypted_in_transit: rng.tri(),
                authenticated: rng.tri(),
                over_public_network: rng.tri(),
                data_classification: [None, Some(Classification::Secret)][rng.below(2)],
                carries_credentials: rng.tri(),
                ..Default::default()
            };
            let e = Element { id: new_id, diagram, name: if rng.chance(20) { String::new() } else { "Flow".into() }, properties: ElementProperties::DataFlow(props), ..Default::default() };
            Operation::Put { records: vec![Record::Element(e)] }
        }
        3 => Operation::Delete { keys: vec![RecordKey::new(RecordKind::Element, *pick(&all, b)?)] },
        4 => {
            let names = ["", "Dup", " dup", "Other", "Element 3", "Zone 1"];
            Operation::Rename { key: RecordKey::new(RecordKind::Element, *pick(&all, b)?), name: names[(c % names.len() as u64) as usize].to_string() }
        }
        5 => {
            let mut e = doc.elements.get(pick(&all, b)?)?.clone();
            match &mut e.properties {
                ElementProperties::DataFlow(f) => {
                    f.encrypted_in_transit = rng.tri();
                    f.authenticated = rng.tri();
                    f.integrity_protected = rng.tri();
                    f.bidirectional = rng.chance(50);
                }
                ElementProperties::TrustBoundary(_) => e.out_of_scope = !e.out_of_scope,
                other => {
                    // Same kind, new properties (a kind change needs an element without flows).
                    let kind = match other {
                        ElementProperties::ExternalEntity(_) => 0,
                        ElementProperties::Process(_) => 1,
                        _ => 2,
                    };
                    *other = random_properties(if rng.chance(10) { c } else { kind }, &mut rng);
                }
            }
            if rng.chance(15) {
                e.out_of_scope = !e.out_of_scope;
            }
            Operation::Put { records: vec![Record::Element(e)] }
        }
        6 => {
            let target = if c % 4 == 0 { None } else { pick(&boundaries, c).copied() };
            let movable: Vec<Id> = all.iter().copied().filter(|id| !flows.contains(id)).collect();
            Operation::Reparent { ids: vec![*pick(&movable, b)?], parent: target }
        }
        7 => return last.as_ref().map(Patch::reversed),
        8 => {
            // Edit the attack tree: a leaf's values, or the root's children.
            let nodes: Vec<&AttackNode> = doc.attack_nodes.values().collect();
            let mut n = (*pick(&nodes, b)?).clone();
            if n.gate == Gate::Leaf {
                n.attributes.probability = [Some(0.3), None, Some(0.9)][rng.below(3)];
                n.attributes.skill = [Some(2), None][rng.below(2)];
                n.label = ["Step", "", "Phish"][rng.below(3)].to_string();
            } else {
                n.children.truncate(rng.below(n.children.len() + 1));
                if n.children.is_empty() && rng.chance(50) {
                    n.gate = Gate::And;
                }
            }
            Operation::Put { records: vec![Record::AttackNode(n)] }
        }
        9 => {
            // A boundary drawn as a line, or as a box again.
            let bid = *pick(&boundaries, b)?;
            let points = if c % 2 == 0 { vec![Point { x: 0.0, y: 0.0 }, Point { x: 10.0, y: 10.0 }] } else { vec![] };
            Operation::Put { records: vec![Record::Layout(Layout { id: bid, width: 100.0, height: 100.0, points, ..Default::default() })] }
        }
        10 => {
            // Reconnect a flow.
            let mut e = doc.elements.get(pick(&flows, b)?)?.clone();
            if let ElementProperties::DataFlow(f) = &mut e.properties {
                if c % 2 == 0 {
                    f.source = pick(&nodes, c).copied();
                } else {
                    f.target = pick(&nodes, c).copied();
                }
            }
            Operation::Put { records: vec![Record::Element(e)] }
        }
        11 => {
            // What a user writes on a threat, or a dismissal: no effect on derived results.
            let t = Threat { id: uid(2_000_000 + a % 50), title: "Manual".into(), target: pick(&all, b).copied(), ..Default::default() };
            Operation::Put { records: vec![Record::Threat(t)] }
        }
        _ => {
            // Damage: a raw removal without cascades (dangling flow ends and parents).
            let id = *pick(&all, b)?;
            let key = RecordKey::new(RecordKind::Element, id);
            return Some(Patch { changes: vec![Change { key, before: doc.get(&key), after: None }] });
        }
    };
    op.plan(doc).ok()
}

fn check_equal(incremental: &Analysis, doc: &Document, rules: &Arc<RuleSet>, context: &str, outputs: bool) -> Result<(), TestCaseError> {
    let full = Analysis::new(doc, rules.clone());
    prop_assert!(*incremental == full, "incremental != full after {context}");
    if !outputs {
        return Ok(());
    }
    let a = serde_json::to_string(&incremental.validation(doc)).unwrap();
    let b = serde_json::to_string(&full.validation(doc)).unwrap();
    prop_assert_eq!(a, b, "validation differs after {}", context);
    let a = serde_json::to_string(&incremental.threats(doc)).unwrap();
    let b = serde_json::to_string(&full.threats(doc)).unwrap();
    prop_assert_eq!(a, b, "threats differ after {}", context);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn incremental_equals_full_after_random_operations(
        seed in 0u64..1000,
        steps in prop::collection::vec((0u8..13, any::<u64>(), any::<u64>(), any::<u64>()), 1..30),
    ) {
        let rules = rules();
        let mut doc = start(seed);
        let mut analysis = Analysis::new(&doc, rules.clone());
        let mut last: Option<Patch> = None;
        for (i, s) in steps.iter().enumerate() {
            let Some(patch) = step(&doc, &last, *s) else { continue };
            // An undo must fit the document as it is (the editor checks the same).
            if patch.changes.iter().any(|c| doc.get(&c.key) != c.before) {
                continue;
            }
            patch.apply_to(&mut doc);
            analysis.update(&doc, &patch);
            check_equal(&analysis, &doc, &rules, &format!("step {i} {s:?}"), false)?;
            last = Some(patch);
        }
        // The register and the findings read the same, texts and all.
        check_equal(&analysis, &doc, &rules, "the last step", true)?;
    }
}

/// A single edit touches its neighbourhood, not the model.
#[test]
fn one_edit_recomputes_only_its_neighbourhood() {
    let rules = rules();
    let mut doc = synthetic::model(2_000, 4_000, 3);
    let mut analysis = Analysis::new(&doc, rules.clone());
    let flow = doc.elements.values().find(|e| e.flow().is_some()).unwrap().clone();
    let mut edited = flow.clone();
    if let ElementProperties::DataFlow(f) = &mut edited.properties {
        f.encrypted_in_transit = Some(f.encrypted_in_transit != Some(true));
    }
    let patch = Operation::Put { records: vec![Record::Element(edited)] }.apply(&mut doc).unwrap();
    let delta = analysis.update(&doc, &patch);
    assert!(delta.recomputed <= 10, "{delta:?}");
    assert!(analysis == Analysis::new(&doc, rules.clone()));
    // The delta names what changed.
    let undo = patch.reversed();
    undo.apply_to(&mut doc);
    let back = analysis.update(&doc, &undo);
    assert_eq!(back.threats_added, delta.threats_removed);
    assert_eq!(back.threats_removed, delta.threats_added);
    assert!(analysis == Analysis::new(&doc, rules));
}
