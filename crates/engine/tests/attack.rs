//! Attack-tree analysis against hand-computed values (PRODUCT.md section 3).

mod attack_common;

use std::path::Path;

use attack_common::Builder;
use rampart_engine::attack::{self, AnalysisOptions, AttackerProfile, ImplementedOverride, NodeAnalysis, TreeAnalysis};
use rampart_engine::model::*;

fn run(b: &Builder) -> TreeAnalysis {
    attack::analyze(&b.doc, b.tree, &AnalysisOptions::default()).unwrap()
}

fn node(a: &TreeAnalysis, id: Id) -> &NodeAnalysis {
    a.nodes.iter().find(|n| n.id == id).unwrap()
}

#[track_caller]
fn close(actual: Option<f64>, expected: Option<f64>) {
    match (actual, expected) {
        (Some(a), Some(e)) => assert!((a - e).abs() <= 1e-12 * e.abs().max(1.0), "got {a}, want {e}"),
        (a, e) => assert_eq!(a, e),
    }
}

/// Two steps under each gate: a (cost 10, p 0.5, 2 h, skill 2) and b (cost 30, p 0.2, 5 h, skill 4).
#[test]
fn each_gate_and_attribute_against_hand_computed_values() {
    struct Row {
        gate: Gate,
        cost: f64,
        max_probability: f64,
        probability: f64,
        time: f64,
        skill: u8,
    }
    let table = [
        // OR: the cheapest child, the likeliest child, 1-(1-.5)(1-.2) = .6, the fastest, the least skilled.
        Row { gate: Gate::Or, cost: 10.0, max_probability: 0.5, probability: 0.6, time: 2.0, skill: 2 },
        // AND: both, in parallel: sum, product, product, max, max.
        Row { gate: Gate::And, cost: 40.0, max_probability: 0.1, probability: 0.1, time: 5.0, skill: 4 },
        // SAND: both, in order: time adds up.
        Row { gate: Gate::Sand, cost: 40.0, max_probability: 0.1, probability: 0.1, time: 7.0, skill: 4 },
    ];
    for row in table {
        let mut b = Builder::new();
        let a = b.leaf("a", 10.0, 0.5, 2.0, 2);
        let s = b.leaf("b", 30.0, 0.2, 5.0, 4);
        let g = b.gate("goal", row.gate, &[a, s]);
        b.root(g);
        let r = run(&b);
        let root = &r.root;
        assert_eq!(root.id, g);
        close(root.min_cost, Some(row.cost));
        close(root.max_probability, Some(row.max_probability));
        close(root.probability, Some(row.probability));
        close(root.min_time, Some(row.time));
        assert_eq!(root.min_skill, Some(row.skill), "{:?}", row.gate);
        assert!(root.reachable);
        // Leaves carry their own values.
        let la = node(&r, a);
        assert_eq!((la.min_cost, la.max_probability, la.probability, la.min_time, la.min_skill), (Some(10.0), Some(0.5), Some(0.5), Some(2.0), Some(2)));
    }
}

#[test]
fn nested_gates_and_every_node_reported() {
    // goal = OR(AND(a, b), SAND(c, OR(d, e)))
    let mut b = Builder::new();
    let a = b.leaf("a", 5.0, 0.9, 1.0, 1);
    let bb = b.leaf("b", 7.0, 0.5, 3.0, 3);
    let c = b.leaf("c", 2.0, 0.4, 4.0, 2);
    let d = b.leaf("d", 8.0, 0.5, 2.0, 5);
    let e = b.leaf("e", 1.0, 0.1, 6.0, 1);
    let and = b.gate("and", Gate::And, &[a, bb]);
    let or = b.gate("d or e", Gate::Or, &[d, e]);
    let sand = b.gate("sand", Gate::Sand, &[c, or]);
    let goal = b.gate("goal", Gate::Or, &[and, sand]);
    b.root(goal);
    let r = run(&b);
    assert_eq!(r.nodes.len(), 9);
    assert_eq!(r.nodes[0].id, goal);
    // and: 12, .45, .45, 3 h, 3. or: 1, .5, 1-.5*.9=.55, 2 h, 1. sand: 3, .2, .4*.55=.22, 4+2=6 h, 2.
    close(node(&r, and).min_cost, Some(12.0));
    close(node(&r, or).probability, Some(0.55));
    close(node(&r, sand).min_cost, Some(3.0));
    close(node(&r, sand).max_probability, Some(0.2));
    close(node(&r, sand).probability, Some(0.22));
    close(node(&r, sand).min_time, Some(6.0));
    assert_eq!(node(&r, sand).min_skill, Some(2));
    // goal: min(12, 3) = 3; max(.45, .2) = .45; 1-(1-.45)(1-.22) = .571; min(3, 6) = 3; min(3, 2) = 2.
    close(r.root.min_cost, Some(3.0));
    close(r.root.max_probability, Some(0.45));
    close(r.root.probability, Some(1.0 - 0.55 * 0.78));
    close(r.root.min_time, Some(3.0));
    assert_eq!(r.root.min_skill, Some(2));
    // Cheapest: c then e.
    let cheapest = r.cheapest.clone().unwrap();
    assert_eq!(cheapest.labels, vec!["c", "e"]);
    assert_eq!(cheapest.cost, Some(3.0));
    assert_eq!(cheapest.time, Some(10.0), "SAND(c, e): 4 + 6");
    for id in [goal, sand, c, or, e] {
        assert!(r.cheapest_nodes.contains(&id));
    }
    assert!(!r.cheapest_nodes.contains(&and) && !r.cheapest_nodes.contains(&d));
    // Scenarios: {c,e}=3, {c,d}=10, {a,b}=12.
    let costs: Vec<Option<f64>> = r.top.iter().map(|s| s.cost).collect();
    assert_eq!(costs, vec![Some(3.0), Some(10.0), Some(12.0)]);
    // Pareto: (3, .04), (10, .2), (12, .45).
    let front: Vec<(f64, f64)> = r.pareto.iter().map(|s| (s.cost.unwrap(), s.probability.unwrap())).collect();
    assert_eq!(front.len(), 3);
    assert_eq!(front[0].0, 3.0);
    assert!((front[0].1 - 0.04).abs() < 1e-12 && (front[1].1 - 0.2).abs() < 1e-12 && (front[2].1 - 0.45).abs() < 1e-12);
    assert!(r.exact);
    assert_eq!(r.shared_steps, 0);
}

/// A DAG where summing bottom-up is wrong: the shared step is paid once.
///
/// goal = AND(OR(shared 100, a 60), OR(shared, b 60)). Bottom-up: 60 + 60 = 120. Scenarios:
/// {shared} = 100, {a, b} = 120, so the exact minimum is 100.
#[test]
fn shared_step_is_paid_once_where_naive_bottom_up_double_counts() {
    let mut b = Builder::new();
    let shared = b.leaf("bribe the guard", 100.0, 0.5, 1.0, 2);
    let a = b.leaf("pick the lock", 60.0, 0.5, 1.0, 3);
    let c = b.leaf("cut the fence", 60.0, 0.5, 1.0, 1);
    let door = b.gate("through the door", Gate::Or, &[shared, a]);
    let gate = b.gate("past the gate", Gate::Or, &[shared, c]);
    let goal = b.gate("into the warehouse", Gate::And, &[door, gate]);
    b.root(goal);
    let r = run(&b);
    let naive = 60.0 + 60.0;
    assert_eq!(r.root.min_cost, Some(100.0), "the naive bottom-up sum would say {naive}");
    assert_eq!(r.shared_steps, 1);
    assert_eq!(r.cheapest.as_ref().unwrap().labels, vec!["bribe the guard"]);
    // Most likely: {shared} = .5 beats {a, c} = .25 (bottom-up would say .5 * .5).
    close(r.root.max_probability, Some(0.5));
    // Exact probability: P(shared or (a and c)) = .5 + .5 * .25 = .625 (bottom-up: .75 * .75).
    close(r.root.probability, Some(0.625));
    // The two cheapest: {shared}, then {a, c}.
    let costs: Vec<Option<f64>> = r.top.iter().map(|s| s.cost).collect();
    assert_eq!(costs, vec![Some(100.0), Some(120.0)]);
    // Pareto: {shared} is cheaper and likelier than {a, c}.
    assert_eq!(r.pareto.len(), 1);
}

#[test]
fn countermeasures_block_unless_countered() {
    // goal = OR(a 10, b 50); a defence against a.
    let build = |implemented: bool, counter: Option<f64>| {
        let mut b = Builder::new();
        let a = b.leaf("a", 10.0, 0.5, 1.0, 1);
        let s = b.leaf("b", 50.0, 0.5, 1.0, 1);
        let goal = b.gate("goal", Gate::Or, &[a, s]);
        let d = b.defence("camera", implemented);
        b.counter(a, d);
        if let Some(c) = counter {
            let k = b.leaf("spray the camera", c, 0.5, 1.0, 1);
            b.counter(d, k);
        }
        b.root(goal);
        (b, a, d)
    };
    // Not implemented: blocks nothing.
    let (b, a, d) = build(false, None);
    let r = run(&b);
    assert_eq!(r.root.min_cost, Some(10.0));
    assert_eq!(node(&r, d).min_cost, Some(0.0), "a defence not in place costs nothing to get past");
    // Implemented, no counter-attack: a is blocked, b remains.
    let (b, a2, _) = build(true, None);
    let r = run(&b);
    assert_eq!(r.root.min_cost, Some(50.0));
    assert!(!node(&r, a2).reachable);
    assert_eq!(node(&r, a2).min_cost, None);
    // Implemented with a counter-attack of 5: a + counter = 15.
    let (b, a3, d3) = build(true, Some(5.0));
    let r = run(&b);
    assert_eq!(r.root.min_cost, Some(15.0));
    assert_eq!(node(&r, a3).min_cost, Some(15.0));
    assert_eq!(node(&r, d3).min_cost, Some(5.0));
    assert_eq!(r.cheapest.as_ref().unwrap().labels, vec!["a", "spray the camera"]);
    close(node(&r, a3).probability, Some(0.25));
    assert!(r.cheapest_nodes.contains(&d3));
    // Not implemented, with a counter-attack: still blocks nothing, the counter is not needed.
    let (b, _, _) = build(false, Some(5.0));
    assert_eq!(run(&b).root.min_cost, Some(10.0));
    // Implemented with an expensive counter-attack: b is cheaper.
    let (b, _, _) = build(true, Some(100.0));
    assert_eq!(run(&b).root.min_cost, Some(50.0));
    let _ = a;
}

#[test]
fn defence_refinements_and_nested_counters() {
    // An AND defence (lock and alarm) falls when either falls; an OR defence when both do.
    for (gate, expected) in [(Gate::And, 13.0), (Gate::Or, 10.0 + 3.0 + 7.0)] {
        let mut b = Builder::new();
        let a = b.leaf("enter", 10.0, 1.0, 1.0, 1);
        let lock = b.defence("lock", true);
        let alarm = b.defence("alarm", true);
        let pick = b.leaf("pick lock", 3.0, 1.0, 1.0, 1);
        let cut = b.leaf("cut alarm wire", 7.0, 1.0, 1.0, 1);
        b.counter(lock, pick);
        b.counter(alarm, cut);
        let d = b.defence_gate("physical security", gate, true, &[lock, alarm]);
        b.counter(a, d);
        b.root(a);
        assert_eq!(run(&b).root.min_cost, Some(expected), "{gate:?}");
    }
    // A counter-attack that is itself countered: the guard stops the bribe.
    let mut b = Builder::new();
    let a = b.leaf("enter", 10.0, 1.0, 1.0, 1);
    let d = b.defence("guard", true);
    let bribe = b.leaf("bribe guard", 5.0, 1.0, 1.0, 1);
    let audit = b.defence("audit of guards", true);
    b.counter(a, d);
    b.counter(d, bribe);
    b.counter(bribe, audit);
    b.root(a);
    let r = run(&b);
    assert!(!r.root.reachable);
    assert_eq!(r.root.min_cost, None);
    assert_eq!(r.root.probability, Some(0.0));
    assert!(r.cheapest.is_none() && r.top.is_empty() && r.pareto.is_empty());
    // The same with the audit toggled off as a what-if.
    let options = AnalysisOptions { overrides: vec![ImplementedOverride { node: audit, implemented: false }], ..Default::default() };
    let r = attack::analyze(&b.doc, b.tree, &options).unwrap();
    assert_eq!(r.root.min_cost, Some(15.0));
    assert!(!b.doc.attack_nodes[&audit].implemented.eq(&false), "the document is not changed");
}

/// Regression (brute-force seed 6867411722139446910): a countermeasure that leaves an OR
/// with one alternative, a step the sequence also needs on its own, made the sequence faster.
/// goal = SAND(OR(a 3 h, shared 7 h), b 6 h, shared), with a camera (maybe countered by
/// "spray" at `spray` h) against a. Time is structural, a step in two stages of a sequence
/// counts in each: the OR takes the fastest way past it, then b, then shared again. Folding
/// the blocked OR to `shared` made `SAND(shared, b, shared)`, whose repeat was dropped:
/// 7 + 6 = 13 h, faster than the 16 h without the camera. Cost pays `shared` once either way.
#[test]
fn time_with_a_countermeasure_on_a_shared_step_sequence_counts_each_stage() {
    struct Row {
        gate: Gate,
        /// The camera against a: implemented, and a counter-attack's time.
        camera: Option<(bool, Option<f64>)>,
        time: f64,
        /// The cheapest scenario {b, shared}: the structure with only those steps done.
        scenario_time: f64,
        cost: f64,
    }
    let table = [
        // No camera: min(3, 7) + 6 + 7.
        Row { gate: Gate::Sand, camera: None, time: 16.0, scenario_time: 20.0, cost: 29.0 },
        // Camera not in place: the same.
        Row { gate: Gate::Sand, camera: Some((false, None)), time: 16.0, scenario_time: 20.0, cost: 29.0 },
        // Camera in place: a is blocked, the OR takes shared: 7 + 6 + 7 (13 before the fix).
        Row { gate: Gate::Sand, camera: Some((true, None)), time: 20.0, scenario_time: 20.0, cost: 29.0 },
        // Sprayed in 1 h, in parallel with a: max(3, 1) = 3, so 3 + 6 + 7.
        Row { gate: Gate::Sand, camera: Some((true, Some(1.0))), time: 16.0, scenario_time: 20.0, cost: 29.0 },
        // Spraying takes 9 h: past a in 9, shared is faster: 7 + 6 + 7.
        Row { gate: Gate::Sand, camera: Some((true, Some(9.0))), time: 20.0, scenario_time: 20.0, cost: 29.0 },
        // AND: in parallel, a repeat changes nothing: max(7, 6, 7).
        Row { gate: Gate::And, camera: Some((true, None)), time: 7.0, scenario_time: 7.0, cost: 29.0 },
        Row { gate: Gate::And, camera: None, time: 7.0, scenario_time: 7.0, cost: 29.0 },
    ];
    for (i, row) in table.iter().enumerate() {
        let mut b = Builder::new();
        let a = b.leaf("a", 12.0, 0.5, 3.0, 1);
        let shared = b.leaf("shared", 10.0, 0.5, 7.0, 1);
        let s = b.leaf("b", 19.0, 0.5, 6.0, 1);
        let either = b.gate("either", Gate::Or, &[a, shared]);
        let goal = b.gate("goal", row.gate, &[either, s, shared]);
        if let Some((implemented, spray)) = row.camera {
            let d = b.defence("camera", implemented);
            b.counter(a, d);
            if let Some(t) = spray {
                let k = b.leaf("spray", 100.0, 0.5, t, 1);
                b.counter(d, k);
            }
        }
        b.root(goal);
        let r = run(&b);
        assert!(r.exact, "row {i}: {:?}", r.warnings);
        assert_eq!(r.root.min_time, Some(row.time), "row {i}: time at the goal");
        assert_eq!(r.root.min_cost, Some(row.cost), "row {i}: shared is paid once");
        let cheapest = r.cheapest.as_ref().unwrap();
        let mut labels = cheapest.labels.clone();
        labels.sort();
        assert_eq!(labels, vec!["b", "shared"], "row {i}");
        assert_eq!(cheapest.time, Some(row.scenario_time), "row {i}: the cheapest scenario's time");
        assert_eq!(cheapest.cost, Some(row.cost), "row {i}");
        // A profile with the scenario's time reaches the goal; an hour less than the fastest
        // way does not.
        for (hours, reachable) in [(row.scenario_time, true), (row.time - 1.0, false)] {
            let profile = AttackerProfile { budget: None, skill: None, time: Some(hours) };
            let options = AnalysisOptions { profile: Some(profile), ..Default::default() };
            let p = attack::analyze(&b.doc, b.tree, &options).unwrap().profile.unwrap();
            assert_eq!(p.reachable, reachable, "row {i}: within {hours} h");
        }
    }
}

#[test]
fn what_if_reports_the_new_cheapest_cost() {
    let mut b = Builder::new();
    let a = b.leaf("phish", 10.0, 0.5, 1.0, 1);
    let s = b.leaf("break in", 80.0, 0.5, 1.0, 1);
    let goal = b.gate("steal data", Gate::Or, &[a, s]);
    let mfa = b.defence("MFA", false);
    b.counter(a, mfa);
    b.root(goal);
    let toggles = [ImplementedOverride { node: mfa, implemented: true }];
    let w = attack::what_if(&b.doc, b.tree, &AnalysisOptions::default(), &toggles).unwrap();
    assert_eq!((w.before_cost, w.after_cost), (Some(10.0), Some(80.0)));
    assert!(w.before_reachable && w.after_reachable);
    assert_eq!(w.after_cheapest.unwrap().labels, vec!["break in"]);
    let effects = attack::countermeasure_effects(&b.doc, b.tree, &AnalysisOptions::default()).unwrap();
    assert_eq!(effects.len(), 1);
    assert_eq!((effects[0].node, effects[0].implemented, effects[0].cost_if_toggled), (mfa, false, Some(80.0)));
}

#[test]
fn missing_values_are_none_where_they_matter() {
    let mut b = Builder::new();
    let a = b.step("a", Some(10.0), None, Some(1.0), None);
    let s = b.step("b", None, Some(0.5), Some(2.0), Some(3));
    let and = b.gate("and", Gate::And, &[a, s]);
    b.root(and);
    let r = run(&b);
    assert!(r.root.reachable);
    assert_eq!((r.root.min_cost, r.root.max_probability, r.root.probability, r.root.min_skill), (None, None, None, None));
    assert_eq!(r.root.min_time, Some(2.0));
    assert!(r.cheapest.is_none() && r.top.is_empty());
    assert!(!r.warnings.is_empty());
    // A blocked branch's missing value does not matter.
    let mut b = Builder::new();
    let a = b.step("a", None, None, None, None);
    let s = b.leaf("b", 4.0, 0.5, 1.0, 1);
    let d = b.defence("d", true);
    b.counter(a, d);
    let or = b.gate("or", Gate::Or, &[a, s]);
    b.root(or);
    assert_eq!(run(&b).root.min_cost, Some(4.0));
}

#[test]
fn attacker_profile() {
    // Scenarios: {cheap but hard} 10, skill 5; {mid} 40, skill 2, 10 h; {slow} 30, skill 1, SAND 20 h.
    let mut b = Builder::new();
    let hard = b.leaf("zero-day", 10.0, 0.5, 1.0, 5);
    let mid = b.leaf("phish", 40.0, 0.5, 10.0, 2);
    let s1 = b.leaf("recon", 15.0, 0.5, 10.0, 1);
    let s2 = b.leaf("guess password", 15.0, 0.5, 10.0, 1);
    let slow = b.gate("slow way", Gate::Sand, &[s1, s2]);
    let goal = b.gate("goal", Gate::Or, &[hard, mid, slow]);
    b.root(goal);
    let with = |p: AttackerProfile| attack::analyze(&b.doc, b.tree, &AnalysisOptions { profile: Some(p), ..Default::default() }).unwrap();
    // Skill 2, budget 35: only the slow way fits the money and skill.
    let r = with(AttackerProfile { budget: Some(35.0), skill: Some(2), time: None });
    let p = r.profile.clone().unwrap();
    assert!(p.reachable && p.complete);
    assert_eq!(p.scenarios.len(), 1);
    assert_eq!(p.scenarios[0].labels, vec!["recon", "guess password"]);
    assert_eq!(node(&r, hard).within_profile, Some(false));
    assert_eq!(node(&r, mid).within_profile, Some(false), "over budget");
    assert_eq!(node(&r, slow).within_profile, Some(true));
    // ... and 15 hours: the slow way takes 20 (SAND), phish is over budget: unreachable.
    let r = with(AttackerProfile { budget: Some(35.0), skill: Some(2), time: Some(15.0) });
    assert!(!r.profile.as_ref().unwrap().reachable);
    assert_eq!(r.root.within_profile, Some(false));
    // With budget 50: phish fits (40, 10 h).
    let r = with(AttackerProfile { budget: Some(50.0), skill: Some(2), time: Some(15.0) });
    let p = r.profile.unwrap();
    assert!(p.reachable);
    assert_eq!(p.scenarios[0].labels, vec!["phish"]);
    // No limits: reachable, cheapest first.
    let r = with(AttackerProfile::default());
    assert_eq!(r.profile.unwrap().scenarios[0].labels, vec!["zero-day"]);
}

#[test]
fn cycles_missing_nodes_and_deep_trees_never_panic() {
    // A cycle is an error.
    let mut b = Builder::new();
    let a = b.leaf("a", 1.0, 1.0, 1.0, 1);
    let g1 = b.gate("g1", Gate::And, &[a]);
    let g2 = b.gate("g2", Gate::Or, &[g1]);
    b.doc.attack_nodes.get_mut(&g1).unwrap().children.push(g2);
    b.root(g2);
    let err = attack::analyze(&b.doc, b.tree, &AnalysisOptions::default()).unwrap_err();
    assert!(err.to_string().contains("cycle"), "{err}");
    // A self-countering node too.
    let mut b = Builder::new();
    let a = b.leaf("a", 1.0, 1.0, 1.0, 1);
    b.counter(a, a);
    b.root(a);
    assert!(attack::analyze(&b.doc, b.tree, &AnalysisOptions::default()).is_err());
    // A missing child is skipped with a warning; a missing root is an error.
    let mut b = Builder::new();
    let a = b.leaf("a", 1.0, 1.0, 1.0, 1);
    let g = b.gate("g", Gate::Or, &[a, uuid::Uuid::from_u128(424242)]);
    b.root(g);
    let r = run(&b);
    assert_eq!(r.root.min_cost, Some(1.0));
    assert!(r.warnings.iter().any(|w| w.contains("missing")));
    b.root(uuid::Uuid::from_u128(7));
    assert!(attack::analyze(&b.doc, b.tree, &AnalysisOptions::default()).is_err());
    assert!(attack::analyze(&b.doc, uuid::Uuid::from_u128(99), &AnalysisOptions::default()).is_err());
    // A chain 200,000 deep: no recursion to overflow.
    let mut b = Builder::new();
    let mut top = b.leaf("bottom", 1.0, 0.5, 1.0, 1);
    for i in 0..200_000 {
        let s = b.leaf(&format!("s{i}"), 1.0, 1.0, 1.0, 1);
        top = b.gate("and", if i % 2 == 0 { Gate::And } else { Gate::Sand }, &[top, s]);
    }
    b.root(top);
    let r = run(&b);
    assert_eq!(r.root.min_cost, Some(200_001.0));
    assert_eq!(r.top.len(), 1);
    // An empty gate (no children) is a step; a gate marked leaf with children too.
    let mut b = Builder::new();
    let g = b.gate("empty", Gate::And, &[]);
    b.root(g);
    let r = run(&b);
    assert!(r.root.reachable);
    assert_eq!(r.root.min_cost, None);
}

#[test]
fn nodes_the_root_does_not_reach_are_analysed_on_their_own() {
    let mut b = Builder::new();
    let a = b.leaf("a", 1.0, 1.0, 1.0, 1);
    let orphan = b.leaf("orphan", 7.0, 1.0, 1.0, 1);
    b.root(a);
    let r = run(&b);
    assert_eq!(r.nodes.len(), 2);
    assert_eq!(node(&r, orphan).min_cost, Some(7.0));
}

fn fixture(path: &str) -> Option<std::path::PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/attack-trees").join(path);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: fixture {} is absent", p.display());
        None
    }
}

/// at-decorator's ATM tree: the root is an AND whose child "Get into facility" has
/// probability 0.0, so the root's probability is 0.0 (SOURCES.md of the fixtures).
#[test]
fn atm_fixture_root_probability_is_zero() {
    let Some(path) = fixture("at-decorator/physical-attack-ATM-with-attributes.xml") else {
        eprintln!("skipped: the ATM fixture is absent (../shared/fixtures/attack-trees/at-decorator)");
        return;
    };
    let doc = rampart_engine::files::load(&path).unwrap();
    let tree = *doc.attack_trees.keys().next().unwrap();
    let r = attack::analyze(&doc, tree, &AnalysisOptions::default()).unwrap();
    assert_eq!(r.root.probability, Some(0.0));
    assert!(r.root.reachable);
    assert_eq!(r.root.max_probability, Some(0.0));
    assert_eq!(r.root.min_cost, None, "the tree has no costs");
    assert_eq!(r.nodes.len(), 28);
    let get_pin = r.nodes.iter().find(|n| doc.attack_nodes[&n.id].label == "Get PIN").unwrap();
    // OR of .1, .25, .75 and AND(.4, .9) = .36: 1 - .9 * .75 * .25 * .64.
    close(get_pin.probability, Some(1.0 - 0.9 * 0.75 * 0.25 * 0.64));
    close(get_pin.max_probability, Some(0.75));
}

/// Every ADTool fixture analyses without error, with the values consistent.
#[test]
fn adtool_fixtures_analyse() {
    let Some(dir) = fixture("adtool2") else { return };
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let doc = rampart_engine::files::load(&path).unwrap();
        for tree in doc.attack_trees.keys() {
            let r = attack::analyze(&doc, *tree, &AnalysisOptions::default()).unwrap();
            assert_eq!(r.nodes.len(), doc.attack_nodes.len(), "{}", path.display());
            count += 1;
        }
    }
    assert!(count >= 5);
}
