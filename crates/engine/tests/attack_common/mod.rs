//! Building attack trees in tests, and an independent brute-force oracle: every subset of
//! the attack steps, the model's own semantics evaluated directly on the nodes (not through
//! the engine's compiled formula), minimal sets kept.

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};

use rampart_engine::model::*;
use rampart_engine::Document;
use uuid::Uuid;

pub struct Builder {
    pub doc: Document,
    pub tree: Id,
    next: u128,
}

impl Builder {
    pub fn new() -> Builder {
        let mut doc = Document::default();
        let tree = Uuid::from_u128(0xABCD_0000);
        doc.attack_trees.insert(tree, AttackTree { id: tree, name: "test tree".into(), description: String::new(), root: Uuid::nil() });
        Builder { doc, tree, next: 1 }
    }

    fn id(&mut self) -> Id {
        self.next += 1;
        // Ids that do not sort in creation order, so order bugs show.
        Uuid::from_u128(self.next.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835))
    }

    pub fn step(&mut self, label: &str, cost: Option<f64>, probability: Option<f64>, time: Option<f64>, skill: Option<u8>) -> Id {
        let id = self.id();
        let attributes = Attributes { cost, probability, time, skill, detectability: None };
        self.doc.attack_nodes.insert(id, AttackNode { id, tree: self.tree, label: label.into(), attributes, ..Default::default() });
        id
    }

    /// A step with every attribute.
    pub fn leaf(&mut self, label: &str, cost: f64, probability: f64, time: f64, skill: u8) -> Id {
        self.step(label, Some(cost), Some(probability), Some(time), Some(skill))
    }

    pub fn gate(&mut self, label: &str, gate: Gate, children: &[Id]) -> Id {
        let id = self.id();
        self.doc.attack_nodes.insert(
            id,
            AttackNode { id, tree: self.tree, label: label.into(), gate, children: children.to_vec(), ..Default::default() },
        );
        id
    }

    pub fn defence(&mut self, label: &str, implemented: bool) -> Id {
        let id = self.id();
        self.doc.attack_nodes.insert(
            id,
            AttackNode { id, tree: self.tree, label: label.into(), role: Role::Defense, implemented, ..Default::default() },
        );
        id
    }

    pub fn defence_gate(&mut self, label: &str, gate: Gate, implemented: bool, children: &[Id]) -> Id {
        let id = self.defence(label, implemented);
        let node = self.doc.attack_nodes.get_mut(&id).unwrap();
        node.gate = gate;
        node.children = children.to_vec();
        id
    }

    /// `by` counters `node` (a defence against an attack, or a counter-attack against a defence).
    pub fn counter(&mut self, node: Id, by: Id) {
        self.doc.attack_nodes.get_mut(&node).unwrap().countermeasures.push(by);
    }

    pub fn root(&mut self, id: Id) -> &mut Self {
        self.doc.attack_trees.get_mut(&self.tree).unwrap().root = id;
        self
    }

    pub fn label(&self, id: Id) -> String {
        self.doc.attack_nodes[&id].label.clone()
    }
}

/// The oracle's view of one goal.
pub struct Brute {
    /// Attack steps below the goal (children and countermeasures followed), by id.
    pub steps: Vec<Id>,
    /// Minimal scenarios, as sets of step ids.
    pub minimal: Vec<BTreeSet<Id>>,
    /// Exact probability the goal is reached, steps independent.
    pub probability: f64,
}

fn is_step(n: &AttackNode) -> bool {
    n.children.is_empty() || n.gate == Gate::Leaf
}

/// Does the attacker get past `id` doing exactly `done`? The model's semantics, directly.
pub fn passes(doc: &Document, id: Id, done: &BTreeSet<Id>, memo: &mut HashMap<Id, bool>) -> bool {
    if let Some(&v) = memo.get(&id) {
        return v;
    }
    let n = &doc.attack_nodes[&id];
    let v = match n.role {
        Role::Attack => {
            let refine = if is_step(n) {
                done.contains(&id)
            } else {
                let kids: Vec<bool> = n.children.iter().map(|c| passes(doc, *c, done, memo)).collect();
                match n.gate {
                    Gate::Or => kids.iter().any(|&k| k),
                    _ => kids.iter().all(|&k| k),
                }
            };
            // Every defence against it must fall.
            refine && n.countermeasures.iter().all(|c| passes(doc, *c, done, memo))
        }
        Role::Defense => {
            if !n.implemented {
                true
            } else {
                let in_place = if is_step(n) {
                    true
                } else {
                    let falls: Vec<bool> = n.children.iter().map(|c| passes(doc, *c, done, memo)).collect();
                    match n.gate {
                        Gate::Or => !falls.iter().all(|&k| k),
                        _ => !falls.iter().any(|&k| k),
                    }
                };
                !in_place || n.countermeasures.iter().any(|c| passes(doc, *c, done, memo))
            }
        }
    };
    memo.insert(id, v);
    v
}

pub fn steps_below(doc: &Document, goal: Id) -> Vec<Id> {
    let mut out = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![goal];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let n = &doc.attack_nodes[&id];
        if n.role == Role::Attack && is_step(n) {
            out.insert(id);
        }
        if !is_step(n) {
            stack.extend(n.children.iter().copied());
        }
        stack.extend(n.countermeasures.iter().copied());
    }
    out.into_iter().collect()
}

pub fn brute(doc: &Document, goal: Id) -> Brute {
    let steps = steps_below(doc, goal);
    assert!(steps.len() <= 16, "too many steps for brute force");
    let n = steps.len();
    let mut satisfying = vec![false; 1 << n];
    let mut probability = 0.0;
    for mask in 0..(1usize << n) {
        let done: BTreeSet<Id> = (0..n).filter(|i| mask >> i & 1 == 1).map(|i| steps[i]).collect();
        let ok = passes(doc, goal, &done, &mut HashMap::new());
        satisfying[mask] = ok;
        if ok {
            let mut p = 1.0;
            for (i, s) in steps.iter().enumerate() {
                let q = doc.attack_nodes[s].attributes.probability.unwrap_or(f64::NAN);
                p *= if mask >> i & 1 == 1 { q } else { 1.0 - q };
            }
            probability += p;
        }
    }
    let mut minimal = Vec::new();
    for mask in 0..(1usize << n) {
        if satisfying[mask] && (0..n).all(|i| mask >> i & 1 == 0 || !satisfying[mask & !(1 << i)]) {
            minimal.push((0..n).filter(|i| mask >> i & 1 == 1).map(|i| steps[i]).collect());
        }
    }
    Brute { steps, minimal, probability }
}

pub fn cost(doc: &Document, set: &BTreeSet<Id>) -> f64 {
    set.iter().map(|s| doc.attack_nodes[s].attributes.cost.unwrap()).sum()
}

pub fn prob(doc: &Document, set: &BTreeSet<Id>) -> f64 {
    set.iter().map(|s| doc.attack_nodes[s].attributes.probability.unwrap()).product()
}

pub fn skill(doc: &Document, set: &BTreeSet<Id>) -> u8 {
    set.iter().map(|s| doc.attack_nodes[s].attributes.skill.unwrap()).max().unwrap_or(0)
}

/// Time to get past `id` doing `done` (None: not achieved): OR the fastest achieved child,
/// AND the slowest, SAND the sum; countermeasures defeated in parallel.
pub fn time(doc: &Document, id: Id, done: &BTreeSet<Id>) -> Option<f64> {
    let n = &doc.attack_nodes[&id];
    match n.role {
        Role::Attack => {
            let refine = if is_step(n) {
                done.contains(&id).then(|| n.attributes.time.unwrap())
            } else {
                let kids: Vec<Option<f64>> = n.children.iter().map(|c| time(doc, *c, done)).collect();
                match n.gate {
                    Gate::Or => kids.into_iter().flatten().reduce(f64::min),
                    Gate::Sand => kids.into_iter().sum::<Option<f64>>(),
                    _ => kids.into_iter().try_fold(0.0, |a: f64, k| k.map(|k| a.max(k))),
                }
            }?;
            n.countermeasures.iter().try_fold(refine, |a, c| time(doc, *c, done).map(|t| a.max(t)))
        }
        Role::Defense => {
            if !n.implemented {
                return Some(0.0);
            }
            let falls: Option<f64> = if is_step(n) {
                None
            } else {
                let kids: Vec<Option<f64>> = n.children.iter().map(|c| time(doc, *c, done)).collect();
                match n.gate {
                    Gate::Or => kids.into_iter().try_fold(0.0, |a: f64, k| k.map(|k| a.max(k))),
                    _ => kids.into_iter().flatten().reduce(f64::min),
                }
            };
            let countered = n.countermeasures.iter().filter_map(|c| time(doc, *c, done)).reduce(f64::min);
            match (falls, countered) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
    }
}

/// Non-dominated (cost, probability) points, by increasing cost.
pub fn pareto_points(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut front: Vec<(f64, f64)> = Vec::new();
    for &(c, p) in points {
        let dominated = points.iter().any(|&(c2, p2)| c2 <= c && p2 >= p && (c2 < c || p2 > p));
        if !dominated && !front.contains(&(c, p)) {
            front.push((c, p));
        }
    }
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    front
}
