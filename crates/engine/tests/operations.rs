//! Operations on the in-memory document: what each one changes, what it carries along, and
//! what it refuses (leaving the document exactly as it was).

mod common;

use common::*;
use rampart_engine::*;

fn apply(doc: &mut Document, op: Operation) -> Patch {
    op.apply(doc).unwrap_or_else(|e| panic!("{op:?} failed: {e}"))
}

/// Applies `op`, expects a refusal, and checks the document did not change.
fn refused(doc: &Document, op: Operation) -> String {
    let mut copy = doc.clone();
    let err = op.apply(&mut copy).expect_err(&format!("{op:?} should be refused"));
    assert!(matches!(err, Error::InvalidOperation(_)), "{op:?}: unexpected error kind {err:?}");
    assert_eq!(&copy, doc, "a refused {op:?} changed the document");
    err.to_string()
}

// ---------------------------------------------------------------- put

#[test]
fn put_adds_an_element_with_its_layout_in_one_step() {
    let mut doc = sample();
    let new = process(id(0x99), s::diagram(), "Cache", Some(s::inner()));
    let patch = apply(&mut doc, put(vec![Record::Element(new.clone()), Record::Layout(layout(new.id, 1.0, 2.0, 3.0, 4.0))]));
    assert_eq!(doc.elements[&new.id], new);
    assert_eq!(doc.layouts[&new.id].x, 1.0);
    assert_eq!(patch.changes.len(), 2);
    assert!(patch.changes.iter().all(|c| c.before.is_none() && c.after.is_some()));
}

#[test]
fn put_edits_typed_properties_and_leaves_other_records_alone() {
    let mut doc = sample();
    let before = doc.clone();
    let mut api = doc.elements[&s::api()].clone();
    api.properties = ElementProperties::Process(ProcessProperties {
        privilege: Some(Privilege::Admin),
        internet_facing: Some(true),
        ..Default::default()
    });
    let patch = apply(&mut doc, put(vec![Record::Element(api.clone())]));
    assert_eq!(doc.elements[&s::api()], api);
    assert_eq!(patch.changes.len(), 1);
    let mut expected = before;
    expected.elements.insert(api.id, api);
    assert_eq!(doc, expected);
}

#[test]
fn put_of_an_unchanged_record_is_an_empty_patch() {
    let mut doc = sample();
    let same = doc.elements[&s::api()].clone();
    let patch = apply(&mut doc, put(vec![Record::Element(same)]));
    assert!(patch.is_empty());
}

#[test]
fn put_is_all_or_nothing() {
    let doc = sample();
    let good = process(id(0x99), s::diagram(), "Fine", None);
    let bad = flow(id(0x9A), s::diagram(), "to a boundary", s::user(), s::outer());
    refused(&doc, put(vec![Record::Element(good), Record::Element(bad)]));
}

// ---------------------------------------------------------------- rename

#[test]
fn rename_changes_only_the_name() {
    let mut doc = sample();
    let before = doc.elements[&s::api()].clone();
    apply(&mut doc, Operation::Rename { key: el(s::api()), name: "Orders API".into() });
    let after = &doc.elements[&s::api()];
    assert_eq!(after.name, "Orders API");
    assert_eq!(Element { name: before.name.clone(), ..after.clone() }, before);
}

#[test]
fn rename_works_on_every_named_kind() {
    let mut doc = sample();
    let cases = [
        (RecordKey::metadata(), "Shop"),
        (key(RecordKind::Asset, s::asset()), "Card data"),
        (key(RecordKind::Diagram, s::diagram()), "Context"),
        (el(s::db()), "Orders DB"),
        (key(RecordKind::Threat, s::threat()), "Card data sniffed"),
        (key(RecordKind::Mitigation, s::mitigation()), "TLS 1.3"),
        (key(RecordKind::AttackTree, s::tree()), "Steal cards"),
        (key(RecordKind::AttackNode, s::leaf_a()), "Phish admin"),
    ];
    for (k, name) in cases {
        apply(&mut doc, Operation::Rename { key: k, name: name.into() });
    }
    assert_eq!(doc.metadata.name, "Shop");
    assert_eq!(doc.assets[&s::asset()].name, "Card data");
    assert_eq!(doc.diagrams[&s::diagram()].name, "Context");
    assert_eq!(doc.elements[&s::db()].name, "Orders DB");
    assert_eq!(doc.threats[&s::threat()].title, "Card data sniffed");
    assert_eq!(doc.mitigations[&s::mitigation()].name, "TLS 1.3");
    assert_eq!(doc.attack_trees[&s::tree()].name, "Steal cards");
    assert_eq!(doc.attack_nodes[&s::leaf_a()].label, "Phish admin");
}

#[test]
fn rename_of_a_layout_or_a_missing_record_is_refused() {
    let doc = sample();
    refused(&doc, Operation::Rename { key: key(RecordKind::Layout, s::api()), name: "x".into() });
    let msg = refused(&doc, Operation::Rename { key: el(id(0xDEAD)), name: "x".into() });
    assert!(msg.contains(&id(0xDEAD).to_string()), "the refusal names the missing id: {msg}");
}

// ---------------------------------------------------------------- translate

#[test]
fn translate_moves_a_shape_and_keeps_its_size() {
    let mut doc = sample();
    let before = layout_of(&doc, s::user());
    apply(&mut doc, Operation::Translate { ids: vec![s::user()], dx: 15.0, dy: -5.0 });
    let after = layout_of(&doc, s::user());
    assert_eq!((after.x, after.y), (before.x + 15.0, before.y - 5.0));
    assert_eq!((after.width, after.height), (before.width, before.height));
}

#[test]
fn translate_boundary_carries_its_contents_at_any_depth() {
    let mut doc = sample();
    let before = doc.clone();
    let patch = apply(&mut doc, Operation::Translate { ids: vec![s::outer()], dx: 10.0, dy: 20.0 });
    for moved in [s::outer(), s::inner(), s::api(), s::db()] {
        let (b, a) = (layout_of(&before, moved), layout_of(&doc, moved));
        assert_eq!((a.x, a.y), (b.x + 10.0, b.y + 20.0), "{} should move with its boundary", doc.elements[&moved].name);
    }
    for still in [s::user(), s::worker(), s::other_proc()] {
        assert_eq!(layout_of(&doc, still), layout_of(&before, still));
    }
    // Only layouts change: a move never touches what a reviewer reads for meaning.
    assert!(patch.changes.iter().all(|c| c.key.kind == RecordKind::Layout));
    assert_eq!(doc.elements, before.elements);
}

/// Regression: moving a boundary left the bend points of the flows inside it behind, so
/// the flows went back to where the boundary had been.
#[test]
fn translate_boundary_carries_the_bends_of_flows_inside_it_and_only_those() {
    let mut doc = sample();
    let bends = |id: Id| Layout { points: vec![Point { x: 400.0, y: 150.0 }, Point { x: 450.0, y: 200.0 }], ..layout(id, 0.0, 0.0, 0.0, 0.0) };
    // api -> db is inside the data centre; user -> api crosses into it from outside.
    apply(&mut doc, put(vec![Record::Layout(bends(s::f_api_db())), Record::Layout(bends(s::f_user_api()))]));
    let before = doc.clone();
    apply(&mut doc, Operation::Translate { ids: vec![s::outer()], dx: 10.0, dy: 20.0 });
    let inside = &doc.layouts[&s::f_api_db()].points;
    assert_eq!(inside, &vec![Point { x: 410.0, y: 170.0 }, Point { x: 460.0, y: 220.0 }], "the inner flow's bends move with the boundary");
    assert_eq!(doc.layouts[&s::f_user_api()], before.layouts[&s::f_user_api()], "a flow with one end outside keeps its bends");
}

#[test]
fn translate_inner_boundary_leaves_its_outer_boundary_in_place() {
    let mut doc = sample();
    let before = doc.clone();
    apply(&mut doc, Operation::Translate { ids: vec![s::inner()], dx: 5.0, dy: 5.0 });
    assert_eq!(layout_of(&doc, s::api()).x, layout_of(&before, s::api()).x + 5.0);
    assert_eq!(layout_of(&doc, s::outer()), layout_of(&before, s::outer()));
    assert_eq!(layout_of(&doc, s::db()), layout_of(&before, s::db()));
}

#[test]
fn translate_of_a_boundary_and_its_content_together_moves_the_content_once() {
    let mut doc = sample();
    let before = layout_of(&doc, s::api());
    apply(&mut doc, Operation::Translate { ids: vec![s::outer(), s::inner(), s::api()], dx: 7.0, dy: 0.0 });
    assert_eq!(layout_of(&doc, s::api()).x, before.x + 7.0);
}

#[test]
fn translate_by_a_non_finite_distance_is_refused() {
    let doc = sample();
    refused(&doc, Operation::Translate { ids: vec![s::api()], dx: f64::NAN, dy: 0.0 });
    refused(&doc, Operation::Translate { ids: vec![s::api()], dx: 0.0, dy: f64::INFINITY });
}

// ---------------------------------------------------------------- reparent

#[test]
fn reparent_into_a_boundary_and_out_of_all_boundaries() {
    let mut doc = sample();
    apply(&mut doc, Operation::Reparent { ids: vec![s::worker()], parent: Some(s::inner()) });
    assert_eq!(parent_of(&doc, s::worker()), Some(s::inner()));
    apply(&mut doc, Operation::Reparent { ids: vec![s::worker(), s::api()], parent: None });
    assert_eq!(parent_of(&doc, s::worker()), None);
    assert_eq!(parent_of(&doc, s::api()), None);
}

#[test]
fn reparent_a_boundary_into_its_own_descendant_is_refused() {
    let doc = sample();
    let msg = refused(&doc, Operation::Reparent { ids: vec![s::outer()], parent: Some(s::inner()) });
    assert!(msg.contains("contain itself") || msg.contains("cycle"), "{msg}");
    refused(&doc, Operation::Reparent { ids: vec![s::outer()], parent: Some(s::outer()) });
}

#[test]
fn reparent_into_something_that_is_not_a_boundary_is_refused() {
    let doc = sample();
    let msg = refused(&doc, Operation::Reparent { ids: vec![s::worker()], parent: Some(s::api()) });
    assert!(msg.contains("trust boundary"), "{msg}");
    refused(&doc, Operation::Reparent { ids: vec![s::worker()], parent: Some(s::f_api_db()) });
    refused(&doc, Operation::Reparent { ids: vec![s::worker()], parent: Some(id(0xDEAD)) });
}

#[test]
fn reparent_of_a_flow_or_across_diagrams_is_refused() {
    let mut doc = sample();
    refused(&doc, Operation::Reparent { ids: vec![s::f_api_db()], parent: Some(s::outer()) });
    refused(&doc, Operation::Reparent { ids: vec![s::other_proc()], parent: Some(s::outer()) });
    refused(&doc, Operation::Reparent { ids: vec![id(0xDEAD)], parent: None });
    // A batch with one bad id changes nothing.
    refused(&doc, Operation::Reparent { ids: vec![s::worker(), s::f_api_db()], parent: Some(s::outer()) });
    assert_eq!(parent_of(&doc, s::worker()), None);
    apply(&mut doc, Operation::Reparent { ids: vec![s::worker()], parent: Some(s::outer()) });
}

// ---------------------------------------------------------------- delete

#[test]
fn deleted_element_takes_its_flows_and_layout() {
    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![el(s::api())] });
    assert!(!doc.elements.contains_key(&s::api()));
    assert!(!doc.layouts.contains_key(&s::api()));
    assert!(!doc.elements.contains_key(&s::f_user_api()), "the flow into the deleted process goes");
    assert!(!doc.elements.contains_key(&s::f_api_db()), "the flow out of the deleted process goes");
    assert!(doc.elements.contains_key(&s::f_worker_db()), "an unrelated flow stays");
    assert!(doc.elements.contains_key(&s::user()) && doc.elements.contains_key(&s::db()));
}

#[test]
fn deleted_flow_leaves_its_ends() {
    let mut doc = sample();
    let before = doc.clone();
    apply(&mut doc, Operation::Delete { keys: vec![el(s::f_api_db())] });
    let mut expected = before;
    expected.elements.remove(&s::f_api_db());
    assert_eq!(doc, expected);
}

#[test]
fn deleted_boundary_hands_its_contents_to_its_parent() {
    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![el(s::inner())] });
    assert!(!doc.elements.contains_key(&s::inner()));
    assert!(!doc.layouts.contains_key(&s::inner()));
    assert_eq!(parent_of(&doc, s::api()), Some(s::outer()));
    assert!(doc.layouts.contains_key(&s::api()), "the contents keep their shapes");
    assert!(doc.elements.contains_key(&s::f_user_api()), "flows of the contents stay");

    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![el(s::outer())] });
    assert_eq!(parent_of(&doc, s::inner()), None);
    assert_eq!(parent_of(&doc, s::db()), None);
    assert_eq!(parent_of(&doc, s::api()), Some(s::inner()));
}

#[test]
fn deleting_nested_boundaries_together_lifts_contents_to_the_top() {
    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![el(s::inner()), el(s::outer())] });
    assert_eq!(parent_of(&doc, s::api()), None);
    assert_eq!(parent_of(&doc, s::db()), None);
}

#[test]
fn deleted_diagram_takes_its_elements_flows_and_layouts() {
    let mut doc = sample();
    let before = doc.clone();
    apply(&mut doc, Operation::Delete { keys: vec![key(RecordKind::Diagram, s::diagram())] });
    assert!(!doc.diagrams.contains_key(&s::diagram()));
    assert!(doc.elements.values().all(|e| e.diagram != s::diagram()));
    for e in before.elements.values().filter(|e| e.diagram == s::diagram()) {
        assert!(!doc.layouts.contains_key(&e.id), "layout of {} should go", e.name);
    }
    assert_eq!(doc.elements[&s::other_proc()], before.elements[&s::other_proc()]);
    assert!(doc.layouts.contains_key(&s::other_proc()));
    assert_eq!(doc.attack_nodes, before.attack_nodes);
}

#[test]
fn deleted_attack_node_prunes_steps_no_longer_under_the_goal() {
    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![key(RecordKind::AttackNode, s::and_gate())] });
    assert!(!doc.attack_nodes.contains_key(&s::and_gate()));
    assert!(!doc.attack_nodes.contains_key(&s::leaf_a()), "a step only under the deleted gate goes");
    assert!(!doc.layouts.contains_key(&s::leaf_a()), "with its layout");
    assert!(doc.attack_nodes.contains_key(&s::shared()), "a shared step still under the goal stays");
    assert_eq!(doc.attack_nodes[&s::root()].children, vec![s::shared(), s::leaf_b()]);
}

#[test]
fn deleted_attack_step_takes_its_countermeasure() {
    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![key(RecordKind::AttackNode, s::leaf_b())] });
    assert!(!doc.attack_nodes.contains_key(&s::defence()));
    assert!(!doc.layouts.contains_key(&s::defence()));
}

#[test]
fn deleted_countermeasure_is_unlinked_from_its_step() {
    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![key(RecordKind::AttackNode, s::defence())] });
    assert!(doc.attack_nodes[&s::leaf_b()].countermeasures.is_empty());
}

#[test]
fn deleting_the_goal_of_a_tree_is_refused() {
    let doc = sample();
    let msg = refused(&doc, Operation::Delete { keys: vec![key(RecordKind::AttackNode, s::root())] });
    assert!(msg.contains("Goal"), "the refusal names the goal: {msg}");
}

#[test]
fn deleted_tree_takes_all_its_nodes_and_their_layouts() {
    let mut doc = sample();
    let before = doc.clone();
    apply(&mut doc, Operation::Delete { keys: vec![key(RecordKind::AttackTree, s::tree())] });
    assert!(doc.attack_trees.is_empty());
    assert!(doc.attack_nodes.is_empty());
    for n in before.attack_nodes.keys() {
        assert!(!doc.layouts.contains_key(n));
    }
}

#[test]
fn deleted_mitigation_is_unlinked_from_threats_and_countermeasures() {
    let mut doc = sample();
    apply(&mut doc, Operation::Delete { keys: vec![key(RecordKind::Mitigation, s::mitigation())] });
    assert!(!doc.mitigations.contains_key(&s::mitigation()));
    assert_eq!(doc.threats[&s::threat()].mitigations, vec![s::mitigation2()]);
    assert_eq!(doc.threats[&s::threat2()].mitigations, vec![s::mitigation2()]);
    assert_eq!(doc.attack_nodes[&s::defence()].mitigation, None);
}

#[test]
fn delete_of_the_model_details_or_a_missing_record_is_refused() {
    let doc = sample();
    refused(&doc, Operation::Delete { keys: vec![RecordKey::metadata()] });
    let msg = refused(&doc, Operation::Delete { keys: vec![el(s::api()), el(id(0xDEAD))] });
    assert!(msg.contains(&id(0xDEAD).to_string()), "{msg}");
}

// ---------------------------------------------------------------- integrity refusals

#[test]
fn flows_to_boundaries_flows_and_themselves_are_refused() {
    let doc = sample();
    let d = s::diagram();
    for (what, bad) in [
        ("to a boundary", flow(id(0x99), d, "x", s::user(), s::outer())),
        ("from a boundary", flow(id(0x99), d, "x", s::inner(), s::api())),
        ("to a flow", flow(id(0x99), d, "x", s::user(), s::f_api_db())),
        ("to itself", flow(id(0x99), d, "x", s::api(), s::api())),
        ("to a missing element", flow(id(0x99), d, "x", s::api(), id(0xDEAD))),
        ("to another diagram", flow(id(0x99), d, "x", s::api(), s::other_proc())),
    ] {
        let mut copy = doc.clone();
        assert!(put(vec![Record::Element(bad)]).apply(&mut copy).is_err(), "a flow {what} was accepted");
        assert_eq!(copy, doc, "a refused flow {what} changed the document");
    }
    // Editing an existing flow to loop on itself is refused too.
    let mut looped = doc.elements[&s::f_api_db()].clone();
    if let ElementProperties::DataFlow(f) = &mut looped.properties {
        f.target = Some(s::api());
    }
    refused(&doc, put(vec![Record::Element(looped)]));
}

#[test]
fn records_that_break_integrity_are_refused_and_change_nothing() {
    let doc = sample();
    let d = s::diagram();
    let t = s::tree();
    let mut moved_diagram = doc.elements[&s::worker()].clone();
    moved_diagram.diagram = s::other_diagram();
    let mut kind_change = doc.elements[&s::api()].clone();
    kind_change.properties = ElementProperties::DataStore(StoreProperties::default());
    let mut bad_threat = doc.threats[&s::threat()].clone();
    bad_threat.likelihood = 6;
    let mut unlinked = doc.threats[&s::threat()].clone();
    unlinked.mitigations.push(id(0xDEAD));
    let mut cyclic = doc.attack_nodes[&s::leaf_a()].clone();
    cyclic.gate = Gate::Or;
    cyclic.children = vec![s::root()];
    let mut attack_as_defence = doc.attack_nodes[&s::leaf_a()].clone();
    attack_as_defence.countermeasures = vec![s::shared()];
    // Regression: a put that switched a countermeasure to the attacking side was accepted,
    // because only the changed node was checked, not the step it counters.
    let mut defence_turned = doc.attack_nodes[&s::defence()].clone();
    defence_turned.role = Role::Attack;
    let other_tree = id(0x90);
    let foreign_root = AttackTree { id: other_tree, name: "Borrowed".into(), root: s::leaf_a(), ..Default::default() };
    let leaf_with = |a: Attributes| AttackNode { attributes: a, ..node(id(0x9B), t, "odd", Gate::Leaf, &[]) };

    let cases: Vec<(&str, Operation)> = vec![
        ("element in a missing diagram", put(vec![Record::Element(process(id(0x99), id(0xDEAD), "x", None))])),
        ("element moved to another diagram", put(vec![Record::Element(moved_diagram)])),
        ("kind change of an element with flows", put(vec![Record::Element(kind_change)])),
        ("layout with negative width", put(vec![Record::Layout(layout(s::api(), 0.0, 0.0, -1.0, 10.0))])),
        ("layout with infinite x", put(vec![Record::Layout(layout(s::api(), f64::INFINITY, 0.0, 1.0, 1.0))])),
        ("layout of nothing", put(vec![Record::Layout(layout(id(0xDEAD), 0.0, 0.0, 1.0, 1.0))])),
        ("likelihood 6", put(vec![Record::Threat(bad_threat)])),
        ("link to a missing mitigation", put(vec![Record::Threat(unlinked)])),
        ("attack-tree cycle", put(vec![Record::AttackNode(cyclic)])),
        ("attack step as countermeasure", put(vec![Record::AttackNode(attack_as_defence)])),
        ("countermeasure switched to the attacking side", put(vec![Record::AttackNode(defence_turned)])),
        ("tree whose goal is another tree's", put(vec![Record::AttackTree(foreign_root)])),
        ("probability 1.5", put(vec![Record::AttackNode(leaf_with(Attributes { probability: Some(1.5), ..Default::default() }))])),
        ("negative cost", put(vec![Record::AttackNode(leaf_with(Attributes { cost: Some(-1.0), ..Default::default() }))])),
        ("negative time", put(vec![Record::AttackNode(leaf_with(Attributes { time: Some(-0.5), ..Default::default() }))])),
        ("skill 0", put(vec![Record::AttackNode(leaf_with(Attributes { skill: Some(0), ..Default::default() }))])),
        ("node of a missing tree", put(vec![Record::AttackNode(node(id(0x9C), id(0xDEAD), "x", Gate::Leaf, &[]))])),
        ("child in no tree", put(vec![Record::AttackNode(node(id(0x9D), t, "x", Gate::Or, &[id(0xDEAD)]))])),
        ("boundary inside a process", put(vec![Record::Element(boundary(id(0x9E), d, "x", Some(s::api())))])),
    ];
    for (what, op) in cases {
        let mut copy = doc.clone();
        let result = op.apply(&mut copy);
        assert!(matches!(result, Err(Error::InvalidOperation(_))), "{what}: expected a refusal, got {result:?}");
        assert_eq!(copy, doc, "{what}: a refused operation changed the document");
    }
}

#[test]
fn plan_never_changes_the_document() {
    let doc = sample();
    let copy = doc.clone();
    let patch = Operation::Delete { keys: vec![el(s::outer())] }.plan(&doc).unwrap();
    assert!(!patch.is_empty());
    assert_eq!(doc, copy);
    let mut applied = doc.clone();
    patch.apply_to(&mut applied);
    let mut direct = doc.clone();
    Operation::Delete { keys: vec![el(s::outer())] }.apply(&mut direct).unwrap();
    assert_eq!(applied, direct);
}
