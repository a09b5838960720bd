//! The two exact methods against each other on DAGs too big for brute force: the decision
//! diagram (every node at once) and branch and bound (one goal at a time); and the budgets.

use std::collections::HashMap;

use uuid::Uuid;

use super::bottom_up;
use super::exact;
use super::formula;
use super::solver::{Solver, SubDag};
use crate::document::Document;
use crate::model::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A random DAG: `leaves` steps, gates over random earlier nodes, `shared`% extra parents.
fn random_dag(seed: u64, leaves: usize, shared: u64) -> (Document, Id) {
    let mut rng = Rng(seed | 1);
    let mut doc = Document::default();
    let tree = Uuid::from_u128(1);
    let mut next = 10u128;
    let mut id = || {
        next += 1;
        Uuid::from_u128(next)
    };
    let mut pool = Vec::new();
    let mut all = Vec::new();
    for i in 0..leaves {
        let n = id();
        let p = [1.0, 0.5, 0.25, 0.125][rng.below(4) as usize];
        let attributes = Attributes { cost: Some(rng.below(50) as f64), probability: Some(p), time: Some(1.0), skill: Some(1), detectability: None };
        doc.attack_nodes.insert(n, AttackNode { id: n, tree, label: format!("s{i}"), attributes, ..Default::default() });
        pool.push(n);
        all.push(n);
    }
    while pool.len() > 1 {
        let arity = 2 + rng.below(3) as usize;
        let mut kids = Vec::new();
        for _ in 0..arity.min(pool.len()) {
            let i = rng.below(pool.len() as u64) as usize;
            kids.push(pool.swap_remove(i));
        }
        while rng.below(100) < shared {
            let extra = all[rng.below(all.len() as u64) as usize];
            if !kids.contains(&extra) {
                kids.push(extra);
            }
        }
        let gate = [Gate::And, Gate::Or, Gate::Or, Gate::Sand][rng.below(4) as usize];
        let n = id();
        doc.attack_nodes.insert(n, AttackNode { id: n, tree, label: "g".into(), gate, children: kids, ..Default::default() });
        pool.push(n);
        all.push(n);
    }
    doc.attack_trees.insert(tree, AttackTree { id: tree, name: "t".into(), description: String::new(), root: pool[0] });
    (doc, tree)
}

fn weights(f: &formula::Formula) -> (Vec<f64>, Vec<f64>) {
    (f.steps.iter().map(|s| s.cost).collect(), f.steps.iter().map(|s| if s.probability > 0.0 { -s.probability.ln() } else { f64::INFINITY }).collect())
}

#[test]
fn decision_diagram_and_branch_and_bound_agree_on_every_node() {
    let mut compared = 0;
    for seed in 0..60u64 {
        let (doc, tree) = random_dag(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), 20 + (seed as usize % 40), 35);
        let c = formula::compile(&doc, tree, &HashMap::new()).unwrap();
        let f = &c.formula;
        let values = bottom_up::values(f);
        let sharing = bottom_up::sharing(f);
        let Some(core) = exact::core_values(f, &values, &sharing, &[c.root], exact::MAX_BDD_NODES) else { panic!("diagram too big") };
        let (costs, logs) = weights(f);
        for (&v, &bdd_cost) in &core.cost {
            let sub = SubDag::new(f, v);
            let mut solver = Solver::new(&sub, &costs);
            let best = solver.solve(&[]).unwrap();
            assert!(!solver.inexact);
            assert_eq!(best.weight, bdd_cost, "seed {seed}, node {v}");
            // Bottom-up is an upper bound, never below the exact value.
            assert!(values.cost(v as usize) >= bdd_cost);
            let mut likely = Solver::new(&sub, &logs);
            let p = likely.solve(&[]).map_or(0.0, |s| s.locals.iter().map(|&x| f.steps[sub.step[x as usize] as usize].probability).product::<f64>());
            assert_eq!(p, core.max_probability[&v], "seed {seed}, node {v}");
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} shared nodes compared");
}

#[test]
fn a_diagram_over_budget_falls_back_to_branch_and_bound() {
    let (doc, tree) = random_dag(77, 40, 40);
    let c = formula::compile(&doc, tree, &HashMap::new()).unwrap();
    let f = &c.formula;
    let values = bottom_up::values(f);
    let sharing = bottom_up::sharing(f);
    assert!(sharing.core[c.root as usize]);
    assert!(exact::core_values(f, &values, &sharing, &[c.root], 4).is_none());
    let full = exact::core_values(f, &values, &sharing, &[c.root], exact::MAX_BDD_NODES).unwrap();
    let mut warnings = Vec::new();
    let mut exact_flag = true;
    let fallback = super::core_values_with_limit(f, &values, &sharing, c.root, 4, &mut warnings, &mut exact_flag);
    assert!(!exact_flag && !warnings.is_empty());
    for (v, cost) in &full.cost {
        assert_eq!(fallback.cost.get(*v as usize), Some(cost));
        assert_eq!(fallback.max_probability.get(*v as usize), full.max_probability.get(v));
    }
}

#[test]
fn a_search_over_budget_returns_a_real_scenario_and_says_so() {
    let (doc, tree) = random_dag(5, 60, 60);
    let c = formula::compile(&doc, tree, &HashMap::new()).unwrap();
    let f = &c.formula;
    let sub = SubDag::new(f, c.root);
    assert!(sub.has_shared);
    let (costs, _) = weights(f);
    let mut exact_solver = Solver::new(&sub, &costs);
    let best = exact_solver.solve(&[]).unwrap();
    let mut solver = Solver::new(&sub, &costs);
    solver.max_states = 1;
    let found = solver.solve(&[]).unwrap();
    let steps: Vec<u32> = found.locals.iter().map(|&x| sub.step[x as usize]).collect();
    assert!(super::scenarios::achieves(f, c.root, &steps));
    assert!(found.weight >= best.weight);
    if found.weight > best.weight {
        assert!(solver.inexact);
    }
}

/// The same document with every id moved by a bijection that spreads them over the whole id
/// space, so that a tree's nodes fall in both halves of a larger document.
fn scatter(doc: &Document) -> Document {
    let map = |id: &Id| Uuid::from_u128(id.as_u128().wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835));
    let mut out = Document::default();
    for t in doc.attack_trees.values() {
        out.attack_trees.insert(t.id, AttackTree { root: map(&t.root), ..t.clone() });
    }
    for n in doc.attack_nodes.values() {
        let children = n.children.iter().map(map).collect();
        let countermeasures = n.countermeasures.iter().map(map).collect();
        let node = AttackNode { id: map(&n.id), children, countermeasures, ..n.clone() };
        out.attack_nodes.insert(node.id, node);
    }
    out
}

#[test]
fn a_large_document_read_by_two_threads_gives_the_same_analysis() {
    for seed in 1..4u64 {
        let (small, tree) = random_dag(seed, 300, 30);
        let small = scatter(&small);
        // Enough nodes of another tree for the two-thread path.
        let mut big = small.clone();
        let mut rng = Rng(seed * 7919);
        for _ in 0..formula::PARALLEL {
            let id = Uuid::from_u128((rng.next() as u128) << 64 | rng.next() as u128);
            big.attack_nodes.insert(id, AttackNode { id, tree: Uuid::from_u128(2), ..Default::default() });
        }
        let options = super::AnalysisOptions::default();
        let (a, b) = (super::analyze(&small, tree, &options).unwrap(), super::analyze(&big, tree, &options).unwrap());
        assert!(a.shared_steps > 0, "seed {seed}: a DAG");
        assert_eq!(a, b, "seed {seed}");
    }
}
