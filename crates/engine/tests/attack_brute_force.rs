//! The fast algorithms against an independent brute-force enumerator of scenarios, on random
//! small trees and DAGs, with and without countermeasures.
//!
//! Costs are whole numbers and probabilities powers of two, so sums and products are exact
//! and ties are real ties: results must match exactly (the probability of success, a sum of
//! many terms, to 1e-9).

mod attack_common;

use std::collections::BTreeSet;

use attack_common::*;
use proptest::prelude::*;
use rampart_engine::attack::{self, AnalysisOptions, AttackerProfile};
use rampart_engine::model::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const PROBABILITIES: [f64; 6] = [1.0, 0.5, 0.25, 0.125, 0.0625, 0.0];

/// A random tree (or DAG, with `share`%) of at most `max_steps` attack steps, with
/// countermeasures (`defend`%) that may be implemented, refined and countered.
fn random_tree(seed: u64, share: u64, defend: u64, max_steps: usize) -> Builder {
    let mut rng = Rng(seed | 1);
    let mut b = Builder::new();
    let mut steps = 0usize;
    let new_step = |b: &mut Builder, rng: &mut Rng, steps: &mut usize, name: &str| {
        *steps += 1;
        let p = PROBABILITIES[rng.below(6) as usize];
        b.leaf(&format!("{name}{steps}"), rng.below(20) as f64, p, rng.below(8) as f64, 1 + rng.below(5) as u8)
    };
    let n_leaves = 2 + rng.below((max_steps as u64).saturating_sub(3).max(1)) as usize;
    let mut pool: Vec<Id> = (0..n_leaves).map(|_| new_step(&mut b, &mut rng, &mut steps, "s")).collect();
    let mut all: Vec<Id> = pool.clone();
    while pool.len() > 1 {
        let arity = 2 + rng.below(2) as usize;
        let mut kids = Vec::new();
        for _ in 0..arity.min(pool.len()) {
            let i = rng.below(pool.len() as u64) as usize;
            kids.push(pool.swap_remove(i));
        }
        // Sharing: an existing node (never an ancestor: every node made so far is below or
        // beside the new one) becomes one more child.
        if rng.chance(share) {
            let extra = all[rng.below(all.len() as u64) as usize];
            if !kids.contains(&extra) {
                kids.push(extra);
            }
        }
        let gate = [Gate::And, Gate::Or, Gate::Or, Gate::Sand][rng.below(4) as usize];
        let g = b.gate("g", gate, &kids);
        all.push(g);
        pool.push(g);
    }
    let root = pool[0];
    // Countermeasures on random attack nodes.
    let attack_nodes: Vec<Id> = all.clone();
    for &node in &attack_nodes {
        if !rng.chance(defend) || steps >= max_steps {
            continue;
        }
        let implemented = rng.chance(75);
        let d = if rng.chance(25) {
            let d1 = b.defence("d", rng.chance(80));
            let d2 = b.defence("d", rng.chance(80));
            let gate = [Gate::And, Gate::Or][rng.below(2) as usize];
            let g = b.defence_gate("dg", gate, implemented, &[d1, d2]);
            if rng.chance(60) && steps < max_steps {
                let c = new_step(&mut b, &mut rng, &mut steps, "c");
                b.counter(d1, c);
            }
            g
        } else {
            b.defence("d", implemented)
        };
        b.counter(node, d);
        if rng.chance(70) && steps < max_steps {
            // A counter-attack: a new step, or (in a DAG) an existing one.
            // An existing step only if it has no countermeasures yet: then the edge just
            // added cannot close a cycle (its target leads nowhere).
            let free: Vec<Id> =
                all[..n_leaves].iter().copied().filter(|c| b.doc.attack_nodes[c].countermeasures.is_empty()).collect();
            let c = if rng.chance(share) && !free.is_empty() {
                free[rng.below(free.len() as u64) as usize]
            } else {
                new_step(&mut b, &mut rng, &mut steps, "c")
            };
            b.counter(d, c);
            if rng.chance(20) {
                let d2 = b.defence("dd", rng.chance(70));
                b.counter(c, d2);
            }
        }
    }
    b.root(root);
    b
}

fn set_of(steps: &[Id]) -> BTreeSet<Id> {
    steps.iter().copied().collect()
}

/// Every check on one random model.
fn check(b: &Builder, k: usize) -> Result<(), TestCaseError> {
    let options = AnalysisOptions { top_k: k as u32, pareto: true, profile: None, overrides: Vec::new() };
    let r = match attack::analyze(&b.doc, b.tree, &options) {
        Ok(r) => r,
        Err(e) => return Err(TestCaseError::fail(format!("analysis failed: {e}"))),
    };
    prop_assert!(r.exact, "warnings: {:?}", r.warnings);
    let doc = &b.doc;
    // Every node as a goal.
    for n in &r.nodes {
        let o = brute(doc, n.id);
        prop_assert_eq!(n.reachable, !o.minimal.is_empty(), "reachable at {}", doc.attack_nodes[&n.id].label);
        let min_cost = o.minimal.iter().map(|s| cost(doc, s)).reduce(f64::min);
        prop_assert_eq!(n.min_cost, min_cost, "min cost at {}", doc.attack_nodes[&n.id].label);
        let max_p = o.minimal.iter().map(|s| prob(doc, s)).reduce(f64::max);
        prop_assert_eq!(n.max_probability, max_p, "max probability at {}", doc.attack_nodes[&n.id].label);
        let p = n.probability.unwrap_or(f64::NAN);
        prop_assert!((p - o.probability).abs() < 1e-9, "probability at {}: {} vs {}", doc.attack_nodes[&n.id].label, p, o.probability);
        let min_skill = o.minimal.iter().map(|s| skill(doc, s)).min();
        prop_assert_eq!(n.min_skill, min_skill, "skill at {}", doc.attack_nodes[&n.id].label);
        // Time is defined on the structure (a shared step in two sequences counts in each):
        // the fastest way with every step available.
        let all: BTreeSet<Id> = o.steps.iter().copied().collect();
        let min_time = if o.minimal.is_empty() { None } else { time(doc, n.id, &all) };
        prop_assert_eq!(n.min_time, min_time, "time at {}", doc.attack_nodes[&n.id].label);
    }
    // Scenarios of the root.
    let o = brute(doc, r.root.id);
    let mut costs: Vec<f64> = o.minimal.iter().map(|s| cost(doc, s)).collect();
    costs.sort_by(f64::total_cmp);
    let top_costs: Vec<f64> = r.top.iter().map(|s| s.cost.unwrap()).collect();
    prop_assert_eq!(&top_costs[..], &costs[..k.min(costs.len())], "k cheapest");
    let mut distinct = BTreeSet::new();
    for s in &r.top {
        let set = set_of(&s.steps);
        prop_assert!(o.minimal.contains(&set), "a listed scenario is not a minimal scenario: {:?}", s.labels);
        prop_assert_eq!(s.cost, Some(cost(doc, &set)));
        prop_assert!(distinct.insert(set), "a scenario is listed twice");
    }
    match &r.cheapest {
        Some(c) => {
            prop_assert!(o.minimal.contains(&set_of(&c.steps)));
            prop_assert_eq!(c.cost, costs.first().copied());
        }
        None => prop_assert!(o.minimal.is_empty()),
    }
    let points: Vec<(f64, f64)> = o.minimal.iter().map(|s| (cost(doc, s), prob(doc, s))).collect();
    let front = pareto_points(&points);
    let got: Vec<(f64, f64)> = r.pareto.iter().map(|s| (s.cost.unwrap(), s.probability.unwrap())).collect();
    prop_assert_eq!(got, front, "Pareto front");
    for s in &r.pareto {
        prop_assert!(o.minimal.contains(&set_of(&s.steps)));
    }
    Ok(())
}

fn check_profile(b: &Builder, profile: AttackerProfile) -> Result<(), TestCaseError> {
    let options = AnalysisOptions { top_k: 3, pareto: false, profile: Some(profile), overrides: Vec::new() };
    let r = attack::analyze(&b.doc, b.tree, &options).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let p = r.profile.clone().unwrap();
    let doc = &b.doc;
    let fits = |s: &BTreeSet<Id>| {
        profile.budget.is_none_or(|x| cost(doc, s) <= x)
            && profile.skill.is_none_or(|x| skill(doc, s) <= x)
            && profile.time.is_none_or(|x| time(doc, r.root.id, s).is_some_and(|t| t <= x))
    };
    let o = brute(doc, r.root.id);
    let fitting: Vec<&BTreeSet<Id>> = o.minimal.iter().filter(|s| fits(s)).collect();
    prop_assert!(p.complete);
    prop_assert_eq!(p.reachable, !fitting.is_empty(), "profile {:?}", profile);
    if p.reachable {
        prop_assert!(r.root.within_profile == Some(true), "the root must not be greyed out when reachable");
    }
    let mut costs: Vec<f64> = fitting.iter().map(|s| cost(doc, s)).collect();
    costs.sort_by(f64::total_cmp);
    let got: Vec<f64> = p.scenarios.iter().map(|s| s.cost.unwrap()).collect();
    prop_assert_eq!(&got[..], &costs[..3.min(costs.len())]);
    for s in &p.scenarios {
        let set = set_of(&s.steps);
        prop_assert!(fitting.contains(&&set), "a listed scenario does not fit");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_trees(seed in any::<u64>(), k in 1usize..6) {
        check(&random_tree(seed, 0, 0, 12), k)?;
    }

    #[test]
    fn random_dags(seed in any::<u64>(), k in 1usize..6) {
        check(&random_tree(seed, 45, 0, 12), k)?;
    }

    #[test]
    fn random_trees_with_countermeasures(seed in any::<u64>(), k in 1usize..6) {
        check(&random_tree(seed, 0, 35, 12), k)?;
    }

    #[test]
    fn random_dags_with_countermeasures(seed in any::<u64>(), k in 1usize..6) {
        check(&random_tree(seed, 40, 35, 12), k)?;
    }

    #[test]
    fn attacker_profiles(seed in any::<u64>(), budget in proptest::option::of(0u32..40), skill in proptest::option::of(1u8..6), time in proptest::option::of(0u32..20), share in 0u64..2) {
        let profile = AttackerProfile { budget: budget.map(f64::from), skill, time: time.map(f64::from) };
        check_profile(&random_tree(seed, share * 40, 30, 11), profile)?;
    }
}
