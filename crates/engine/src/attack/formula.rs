//! From an attack-defence tree to a monotone formula over the attacker's steps.
//!
//! The defender's side is fixed for one analysis (which controls are in place, after the
//! what-if overrides), so what is left is a choice for the attacker only: which attack steps
//! to carry out. Every node of the model becomes a node of a formula over those steps that
//! says "the attacker gets past this node":
//!
//! - an attack node succeeds when its refinement succeeds (a leaf: the step is carried out;
//!   AND, SAND, OR over its children) **and** every countermeasure against it is defeated;
//! - a defence node is defeated when it is not implemented, or when its own refinement is not
//!   in place (a leaf defence is in place; an AND defence falls when any child falls; an OR
//!   defence when all its children fall), **or** when one of the counter-attacks against it
//!   succeeds.
//!
//! The result only uses AND, SAND, OR, the steps and the constants true and false, so it is
//! monotone: doing more never hurts the attacker. Constants are folded away (an AND with an
//! impossible child is impossible, ...), so every node of the formula other than the
//! constant `FALSE` is achievable. Nodes are numbered children first, so a pass in index
//! order is bottom-up. A step (or a subformula) used by several parents is one node: the
//! formula is a DAG exactly where the model is.

use std::collections::{HashMap, HashSet};

use crate::document::Document;
use crate::error::{Error, Result};
use uuid::Uuid;

use crate::model::{AttackNode, Gate, Id, Role};

/// The formula node that is always true (nothing to do).
pub(crate) const TRUE: u32 = 0;
/// The formula node that is never true (impossible).
pub(crate) const FALSE: u32 = 1;
/// "None" for `u32` indices.
pub(crate) const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    True,
    False,
    Step,
    And,
    Sand,
    Or,
}

/// One attack step's values, `NaN` when unknown or invalid.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub node: Id,
    /// The formula node of the step.
    pub fnode: u32,
    pub cost: f64,
    pub probability: f64,
    pub time: f64,
    pub skill: f64,
}

/// A monotone formula as a DAG in compressed form: node `i`'s children are
/// `edges[start[i]..start[i + 1]]`, all with smaller indices than `i`.
pub(crate) struct Formula {
    pub kind: Vec<Kind>,
    pub start: Vec<u32>,
    pub edges: Vec<u32>,
    /// The step index of a `Step` node, `NONE` for others.
    pub step_of: Vec<u32>,
    pub steps: Vec<Step>,
}

impl Formula {
    fn new() -> Formula {
        Formula {
            kind: vec![Kind::True, Kind::False],
            start: vec![0, 0, 0],
            edges: Vec::new(),
            step_of: vec![NONE, NONE],
            steps: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.kind.len()
    }

    #[inline]
    pub fn children(&self, v: u32) -> &[u32] {
        let v = v as usize;
        match (self.start.get(v), self.start.get(v + 1)) {
            (Some(&a), Some(&b)) => self.edges.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn push(&mut self, kind: Kind, children: &[u32], step: u32) -> u32 {
        let id = self.kind.len() as u32;
        self.kind.push(kind);
        self.edges.extend_from_slice(children);
        self.start.push(self.edges.len() as u32);
        self.step_of.push(step);
        id
    }

    fn step(&mut self, mut step: Step) -> u32 {
        step.fnode = self.kind.len() as u32;
        let index = self.steps.len() as u32;
        self.steps.push(step);
        self.push(Kind::Step, &[], index)
    }

    /// An AND (or SAND) of `items`, folded: true children dropped, false absorbs, repeated
    /// children of an AND once (a SAND keeps them, see [`Formula::gate`]), one child stands
    /// for itself.
    fn and(&mut self, kind: Kind, items: &[u32]) -> u32 {
        if items.contains(&FALSE) {
            return FALSE;
        }
        self.gate(kind, items, TRUE)
    }

    fn or(&mut self, items: &[u32]) -> u32 {
        if items.contains(&TRUE) {
            return TRUE;
        }
        self.gate(Kind::Or, items, FALSE)
    }

    /// A gate over `items` without `neutral`, and, unless it is a SAND, without repeats.
    ///
    /// A SAND keeps a repeated child (`SAND(x, y, x)`, typically after folding: a branch
    /// whose alternatives were blocked by countermeasures becomes the one step left, which
    /// the sequence also needs on its own). For the scenario the repeat changes nothing (a
    /// step is done and paid once), but time is defined on the structure: each stage of a
    /// sequence takes its own time and a step in two stages counts in each, so dropping the
    /// repeat took its time out of the sum, and a countermeasure could make the attack
    /// *faster*. AND (max) and OR (min) do not change with a repeat. A repeated child counts
    /// two parents (`bottom_up::sharing`), so cost and probability above it are computed
    /// exactly, each step once.
    fn gate(&mut self, kind: Kind, items: &[u32], neutral: u32) -> u32 {
        let at = self.edges.len();
        let dedupe = kind != Kind::Sand;
        for &c in items {
            if c == neutral {
                continue;
            }
            let kept = &self.edges[at..];
            let repeated = dedupe && kept.len() <= 16 && kept.contains(&c);
            if !repeated {
                self.edges.push(c);
            }
        }
        if dedupe && self.edges.len() - at > 16 {
            // Many children: repeats by sorting a copy.
            let mut seen: HashSet<u32> = HashSet::with_capacity(self.edges.len() - at);
            let kept: Vec<u32> = self.edges[at..].iter().copied().filter(|c| seen.insert(*c)).collect();
            self.edges.truncate(at);
            self.edges.extend_from_slice(&kept);
        }
        match self.edges.len() - at {
            0 => neutral,
            1 => {
                let only = self.edges[at];
                self.edges.truncate(at);
                only
            }
            _ => {
                let id = self.kind.len() as u32;
                self.kind.push(kind);
                self.start.push(self.edges.len() as u32);
                self.step_of.push(NONE);
                id
            }
        }
    }

    /// Parents of every node (compressed, like the children).
    pub fn parents(&self) -> (Vec<u32>, Vec<u32>) {
        let n = self.len();
        let mut count = vec![0u32; n + 1];
        for &c in &self.edges {
            count[c as usize + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let mut fill = count.clone();
        let mut parents = vec![0u32; self.edges.len()];
        for v in 0..n as u32 {
            for &c in self.children(v) {
                let slot = &mut fill[c as usize];
                parents[*slot as usize] = v;
                *slot += 1;
            }
        }
        (count, parents)
    }

    /// The same formula with some steps made impossible, folded again. Returns the new
    /// formula and, for each old node, its new node.
    pub fn restrict(&self, forbidden: &[bool]) -> (Formula, Vec<u32>) {
        let mut out = Formula::new();
        let mut map = vec![FALSE; self.len()];
        map[TRUE as usize] = TRUE;
        let mut buf = Vec::new();
        for v in 2..self.len() as u32 {
            let new = match self.kind[v as usize] {
                Kind::True => TRUE,
                Kind::False => FALSE,
                Kind::Step => {
                    let s = self.step_of[v as usize];
                    if forbidden.get(s as usize).copied().unwrap_or(false) {
                        FALSE
                    } else {
                        let mut step = self.steps[s as usize].clone();
                        step.fnode = out.len() as u32;
                        let index = out.steps.len() as u32;
                        out.steps.push(step);
                        out.push(Kind::Step, &[], index)
                    }
                }
                kind => {
                    buf.clear();
                    buf.extend(self.children(v).iter().map(|&c| map[c as usize]));
                    if kind == Kind::Or {
                        out.or(&buf)
                    } else {
                        out.and(kind, &buf)
                    }
                }
            };
            map[v as usize] = new;
        }
        (out, map)
    }
}

/// A model node and the formula node that says "the attacker gets past it".
#[derive(Clone, Debug)]
pub(crate) struct CompiledNode {
    /// Index into [`Compiled::table`].
    pub index: u32,
    pub fnode: u32,
}

/// A tree compiled for one defender configuration.
pub(crate) struct Compiled<'d> {
    pub formula: Formula,
    /// Every node of the tree: the root first, then the others by id. Nodes the root does
    /// not reach are analysed as goals of their own.
    pub nodes: Vec<CompiledNode>,
    pub table: Table<'d>,
    pub root: u32,
    pub root_id: Id,
    pub warnings: Vec<String>,
}

impl Compiled<'_> {
    /// The formula node of a model node of the tree.
    pub fn fnode_of(&self, id: &Id) -> Option<u32> {
        self.table.find(id).and_then(|i| self.table.info.get(i as usize)).map(|n| n.fnode).filter(|&f| f < ON_STACK)
    }
}

const UNSEEN: u32 = u32::MAX;
const ON_STACK: u32 = u32::MAX - 1;
const UNRESOLVED: u32 = u32::MAX;
const ABSENT: u32 = u32::MAX - 1;

/// The tree's nodes in compact arrays, read from the document in one sequential pass (a
/// 1,000,000-node tree is mostly cache misses otherwise). Links are resolved by sorting
/// them by id and merging with the nodes, which the document keeps sorted by id.
pub(crate) struct Table<'d> {
    doc: &'d Document,
    pub refs: Vec<&'d AttackNode>,
    ids: Vec<u128>,
    /// The first `sorted` entries are the tree's own nodes, sorted by id.
    sorted: usize,
    extra: HashMap<Id, u32>,
    /// Per node, what the depth-first pass reads, in one record.
    pub info: Vec<Info>,
    /// Node `i`'s links (children, then countermeasures) are
    /// `links[info[i].start..info[i].start + info[i].n_links]`: node indices, or `ABSENT`.
    links: Vec<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct Info {
    attributes: [f64; 4],
    start: u32,
    n_links: u32,
    n_children: u32,
    /// The formula node once built (or `UNSEEN`, `ON_STACK`).
    pub fnode: u32,
    pub role: Role,
    gate: Gate,
    implemented: bool,
}

impl<'d> Table<'d> {
    fn new(doc: &'d Document, tree: Id, overrides: &HashMap<Id, bool>) -> Table<'d> {
        let mut t = Table {
            doc,
            refs: Vec::new(),
            ids: Vec::new(),
            sorted: 0,
            extra: HashMap::new(),
            info: Vec::new(),
            links: Vec::new(),
        };
        let size = doc.attack_nodes.len();
        t.refs.reserve(size);
        t.ids.reserve(size);
        t.info.reserve(size);
        t.links.reserve(size);
        let mut pending: Vec<(u128, u32)> = Vec::with_capacity(size);
        for node in doc.attack_nodes.values().filter(|n| n.tree == tree) {
            for id in node.children.iter().chain(node.countermeasures.iter()) {
                let slot = pending.len() as u32;
                pending.push((id.as_u128(), slot));
            }
            t.push(node, overrides);
        }
        t.sorted = t.refs.len();
        // Resolve links by sort and merge.
        pending.sort_unstable_by_key(|&(id, _)| id);
        let mut p = 0usize;
        let mut unresolved = false;
        for &(id, slot) in &pending {
            while p < t.sorted && t.ids[p] < id {
                p += 1;
            }
            if p < t.sorted && t.ids[p] == id {
                t.links[slot as usize] = p as u32;
            } else {
                unresolved = true;
            }
        }
        if unresolved {
            t.resolve_from(0, overrides);
        }
        t
    }

    /// Links not resolved yet (to nodes of other trees, which are added; or to nothing).
    /// Nodes are visited in order, so each link is found from its node.
    fn resolve_from(&mut self, from: usize, overrides: &HashMap<Id, bool>) {
        let mut node = self.info.partition_point(|n| (n.start as usize) + (n.n_links as usize) <= from);
        while node < self.info.len() {
            let (start, n_links) = (self.info[node].start as usize, self.info[node].n_links as usize);
            let model = self.refs[node];
            for (e, id) in model.children.iter().chain(model.countermeasures.iter()).enumerate().take(n_links) {
                let slot = start + e;
                if slot >= from && self.links.get(slot) == Some(&UNRESOLVED) {
                    let resolved = self.lookup_extra(id, overrides).unwrap_or(ABSENT);
                    self.links[slot] = resolved;
                }
            }
            node += 1;
        }
    }

    fn push(&mut self, node: &'d AttackNode, overrides: &HashMap<Id, bool>) -> u32 {
        let index = self.refs.len() as u32;
        self.refs.push(node);
        self.ids.push(node.id.as_u128());
        let on = if overrides.is_empty() { node.implemented } else { overrides.get(&node.id).copied().unwrap_or(node.implemented) };
        let a = &node.attributes;
        let nonneg = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(f64::NAN);
        let start = self.links.len() as u32;
        self.links.resize(self.links.len() + node.children.len() + node.countermeasures.len(), UNRESOLVED);
        self.info.push(Info {
            attributes: [
                nonneg(a.cost),
                a.probability.filter(|p| (0.0..=1.0).contains(p)).unwrap_or(f64::NAN),
                nonneg(a.time),
                a.skill.map_or(f64::NAN, f64::from),
            ],
            start,
            n_links: self.links.len() as u32 - start,
            n_children: node.children.len() as u32,
            fnode: UNSEEN,
            role: node.role,
            gate: node.gate,
            implemented: on,
        });
        index
    }

    /// A node that is not one of the tree's own (a link across trees), added on first use.
    fn lookup_extra(&mut self, id: &Id, overrides: &HashMap<Id, bool>) -> Option<u32> {
        if let Some(i) = self.find(id) {
            return Some(i);
        }
        let node = self.doc.attack_nodes.get(id)?;
        let i = self.push(node, overrides);
        self.extra.insert(*id, i);
        // Its own links resolve through `find` (or become extras in turn) as the caller's
        // loop reaches them.
        Some(i)
    }

    /// A node's index, if it is in the table.
    pub fn find(&self, id: &Id) -> Option<u32> {
        let key = id.as_u128();
        if let Ok(i) = self.ids[..self.sorted].binary_search(&key) {
            return Some(i as u32);
        }
        self.extra.get(id).copied()
    }

    pub fn links(&self, i: u32) -> &[u32] {
        match self.info.get(i as usize) {
            Some(n) => self.links.get(n.start as usize..(n.start + n.n_links) as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    pub fn id(&self, i: u32) -> Id {
        Uuid::from_u128(self.ids.get(i as usize).copied().unwrap_or(0))
    }
}

/// Compile one tree. `implemented` overrides the `implemented` flag of defence nodes (the
/// what-if toggles); the document is not changed.
///
/// Nodes are compiled children first in the order of Kahn's topological sort (a node is
/// ready once all its links are), which never chases one cache miss after another the way a
/// depth-first walk over a large model would. Errors: no such tree, a missing root, a cycle.
/// Links to missing nodes are skipped with a warning. No recursion.
pub(crate) fn compile<'d>(doc: &'d Document, tree: Id, implemented: &HashMap<Id, bool>) -> Result<Compiled<'d>> {
    let tree = doc.attack_trees.get(&tree).ok_or_else(|| Error::InvalidOperation(format!("no attack tree with id {tree}")))?;
    let mut t = Table::new(doc, tree.id, implemented);
    let before = t.links.len();
    let root_index = t
        .lookup_extra(&tree.root, implemented)
        .ok_or_else(|| Error::InvalidOperation(format!("the attack tree “{}” has no root goal (its root node is missing)", tree.name)))?;
    // A root from another tree brings links of its own.
    t.resolve_from(before, implemented);
    let n = t.info.len();

    // Links still to compile per node, and parents (by link) in compressed form.
    let mut pending = vec![0u32; n];
    let mut parent_start = vec![0u32; n + 1];
    let mut missing = 0usize;
    for (i, info) in t.info.iter().enumerate() {
        for &target in &t.links[info.start as usize..(info.start + info.n_links) as usize] {
            if (target as usize) < n {
                pending[i] += 1;
                parent_start[target as usize + 1] += 1;
            } else {
                missing += 1;
            }
        }
    }
    for i in 0..n {
        parent_start[i + 1] += parent_start[i];
    }
    let mut fill = parent_start.clone();
    let mut parents = vec![0u32; parent_start[n] as usize];
    for (i, info) in t.info.iter().enumerate() {
        for &target in &t.links[info.start as usize..(info.start + info.n_links) as usize] {
            if (target as usize) < n {
                let slot = &mut fill[target as usize];
                parents[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
    }
    let mut queue: Vec<u32> = (0..n as u32).filter(|&i| pending[i as usize] == 0).collect();
    let mut formula = Formula::new();
    let mut leaf_with_children = 0usize;
    let mut kids: Vec<u32> = Vec::new();
    let mut counters: Vec<u32> = Vec::new();
    let mut head = 0usize;
    while head < queue.len() {
        let i = queue[head];
        head += 1;
        let info = &t.info[i as usize];
        kids.clear();
        counters.clear();
        for (e, &target) in t.links[info.start as usize..(info.start + info.n_links) as usize].iter().enumerate() {
            let Some(child) = t.info.get(target as usize) else { continue };
            if (e as u32) < info.n_children {
                kids.push(child.fnode);
            } else {
                counters.push(child.fnode);
            }
        }
        let n_children = info.n_children;
        let is_leaf = n_children == 0 || info.gate == Gate::Leaf;
        if info.gate == Gate::Leaf && n_children > 0 {
            leaf_with_children += 1;
        }
        let fnode = match info.role {
            Role::Attack => {
                let refine = if is_leaf {
                    let [cost, probability, time, skill] = info.attributes;
                    formula.step(Step { node: t.id(i), fnode: 0, cost, probability, time, skill })
                } else if kids.is_empty() {
                    FALSE
                } else {
                    match info.gate {
                        Gate::Or => formula.or(&kids),
                        Gate::Sand => formula.and(Kind::Sand, &kids),
                        _ => formula.and(Kind::And, &kids),
                    }
                };
                if counters.is_empty() {
                    refine
                } else {
                    counters.insert(0, refine);
                    formula.and(Kind::And, &counters)
                }
            }
            Role::Defense if !info.implemented => TRUE,
            Role::Defense => {
                let falls = if is_leaf {
                    FALSE
                } else if kids.is_empty() {
                    TRUE
                } else {
                    match info.gate {
                        Gate::Or => formula.and(Kind::And, &kids),
                        _ => formula.or(&kids),
                    }
                };
                counters.insert(0, falls);
                formula.or(&counters)
            }
        };
        t.info[i as usize].fnode = fnode;
        for &p in &parents[parent_start[i as usize] as usize..parent_start[i as usize + 1] as usize] {
            let left = &mut pending[p as usize];
            *left -= 1;
            if *left == 0 {
                queue.push(p);
            }
        }
    }
    if queue.len() < n {
        return Err(Error::InvalidOperation(format!(
            "the attack tree “{}” has a cycle through “{}”; only trees and DAGs can be analysed",
            tree.name,
            one_line(&t.refs[on_cycle(&t, &pending) as usize].label)
        )));
    }

    let mut warnings = Vec::new();
    if missing > 0 {
        warnings.push(format!("{missing} link(s) to missing nodes were left out of the analysis"));
    }
    if leaf_with_children > 0 {
        warnings.push(format!(
            "{leaf_with_children} node(s) are marked as steps (leaves) but have children; they were analysed as steps"
        ));
    }
    let root = t.info[root_index as usize].fnode;
    // The root first, then the others in the table's order (by id).
    let mut nodes: Vec<CompiledNode> = Vec::with_capacity(n);
    nodes.push(CompiledNode { index: root_index, fnode: root });
    nodes.extend(
        t.info.iter().enumerate().filter(|&(i, _)| i as u32 != root_index).map(|(i, info)| CompiledNode { index: i as u32, fnode: info.fnode }),
    );
    Ok(Compiled { formula, nodes, table: t, root, root_id: tree.root, warnings })
}

/// A node on a cycle, among the nodes Kahn's sort could not finish: walk unfinished links
/// until a node repeats.
fn on_cycle(t: &Table, pending: &[u32]) -> u32 {
    let mut seen = HashSet::new();
    let Some(mut at) = (0..pending.len() as u32).find(|&i| pending[i as usize] > 0) else { return 0 };
    while seen.insert(at) {
        let next = t.links(at).iter().copied().find(|&c| pending.get(c as usize).is_some_and(|&p| p > 0));
        match next {
            Some(c) => at = c,
            None => break,
        }
    }
    at
}

/// A label on one line (ADTool labels often hold line breaks).
pub fn one_line(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}
