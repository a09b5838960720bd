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
        Formula::with_capacity(2, 0, 0)
    }

    /// An empty formula (the constants only) with room for `nodes` nodes, `edges` edges and
    /// `steps` steps.
    fn with_capacity(nodes: usize, edges: usize, steps: usize) -> Formula {
        let mut f = Formula {
            kind: Vec::with_capacity(nodes),
            start: Vec::with_capacity(nodes + 1),
            edges: Vec::with_capacity(edges),
            step_of: Vec::with_capacity(nodes),
            steps: Vec::with_capacity(steps),
        };
        f.kind.extend([Kind::True, Kind::False]);
        f.start.extend([0, 0, 0]);
        f.step_of.extend([NONE, NONE]);
        f
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

/// A tree compiled for one defender configuration.
pub(crate) struct Compiled {
    pub formula: Formula,
    /// The tree's nodes, with their formula nodes in `table.fnode`.
    pub table: Table,
    /// The root's index in the table.
    pub root_index: u32,
    pub root: u32,
    pub root_id: Id,
    pub warnings: Vec<String>,
}

impl Compiled {
    /// Every node of the tree by table index: the root first, then the others by id. Nodes
    /// the root does not reach are analysed as goals of their own.
    pub fn order(&self) -> impl Iterator<Item = u32> + '_ {
        let root = self.root_index;
        std::iter::once(root).chain((0..self.table.len() as u32).filter(move |&i| i != root))
    }

    /// The formula node of a model node of the tree.
    pub fn fnode_of(&self, id: &Id) -> Option<u32> {
        self.table.find(id).and_then(|i| self.table.fnode.get(i as usize).copied()).filter(|&f| f != UNSEEN)
    }
}

/// From this many nodes on (in the document, or in a formula) a second thread takes part
/// where the work splits cleanly; below it a thread costs more than it saves.
pub(crate) const PARALLEL: usize = 50_000;

/// `a` and `b`, on two threads when `parallel`, else one after the other.
pub(crate) fn join<A: Send, B: Send>(parallel: bool, a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let b = s.spawn(b);
        let a = a();
        (a, b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    })
}

/// Writes once to every page of `v`'s spare capacity, so that the page faults of first
/// writes to fresh memory (a good part of the time on large trees) are taken on this thread
/// instead of the one that later fills `v`. Nothing is pushed.
pub(crate) fn touch<T: Clone>(v: &mut Vec<T>, filler: T) {
    let per_page = (4096 / std::mem::size_of::<T>().max(1)).max(1);
    for slot in v.spare_capacity_mut().iter_mut().step_by(per_page) {
        slot.write(filler.clone());
    }
}

const UNSEEN: u32 = u32::MAX;
const UNRESOLVED: u32 = u32::MAX;
const ABSENT: u32 = u32::MAX - 1;

/// What the compiler needs of one model node, in 20 bytes (the model's node is hundreds of
/// bytes away behind a pointer): Kahn's pass reads these in random order, so the smaller
/// they are, the more of them stay in the cache.
#[derive(Clone, Copy, Debug)]
struct Shape {
    /// The node's links (children, then countermeasures) are `links[start..start + n_links]`.
    start: u32,
    n_links: u32,
    n_children: u32,
    /// A step's values (cost, probability, time, skill) are `values[values]`; `NONE` for
    /// nodes that are not steps.
    values: u32,
    role: Role,
    gate: Gate,
    implemented: bool,
}

impl Shape {
    fn of(node: &AttackNode, overrides: &HashMap<Id, bool>, start: u32, values: &mut Vec<[f64; 4]>) -> Shape {
        let n_children = node.children.len() as u32;
        let is_step = node.role == Role::Attack && (n_children == 0 || node.gate == Gate::Leaf);
        let index = if is_step {
            values.push(step_values(node));
            values.len() as u32 - 1
        } else {
            NONE
        };
        let implemented = if overrides.is_empty() { node.implemented } else { overrides.get(&node.id).copied().unwrap_or(node.implemented) };
        Shape {
            start,
            n_links: (node.children.len() + node.countermeasures.len()) as u32,
            n_children,
            values: index,
            role: node.role,
            gate: node.gate,
            implemented,
        }
    }

    /// The same node with its links and values stored further on.
    fn moved(self, links: u32, values: u32) -> Shape {
        Shape { start: self.start + links, values: if self.values == NONE { NONE } else { self.values + values }, ..self }
    }

    fn is_leaf(&self) -> bool {
        self.n_children == 0 || self.gate == Gate::Leaf
    }
}

/// A step's cost, probability, time and skill, `NaN` when unknown or invalid.
fn step_values(node: &AttackNode) -> [f64; 4] {
    let a = &node.attributes;
    let nonneg = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(f64::NAN);
    [nonneg(a.cost), a.probability.filter(|p| (0.0..=1.0).contains(p)).unwrap_or(f64::NAN), nonneg(a.time), a.skill.map_or(f64::NAN, f64::from)]
}

/// A link: its target's id (high and low halves: 24 bytes in all, where a `u128` would
/// make it 32), its source node (see [`Part::source`]) and its slot in the links.
type Target = (u64, u64, u32, u32);

/// The tree's nodes among some of the document's, as one thread reads them.
struct Part {
    ids: Vec<u128>,
    shapes: Vec<Shape>,
    values: Vec<[f64; 4]>,
    /// Links so far, numbered from 0 within the part.
    n_links: u32,
    /// Every link, sorted by target once read (then by source).
    targets: Vec<Target>,
    /// Read from the end of the document's map: the part's nodes come in decreasing order.
    backwards: bool,
}

impl Part {
    /// The nodes of `tree` among `nodes`, with room reserved for `capacity` nodes and
    /// `links` links (reserved memory a part does not use is never touched).
    fn read<'d>(
        nodes: impl Iterator<Item = &'d AttackNode>,
        backwards: bool,
        tree: Id,
        overrides: &HashMap<Id, bool>,
        capacity: usize,
        links: usize,
    ) -> Part {
        let mut part = Part {
            ids: Vec::with_capacity(capacity),
            shapes: Vec::with_capacity(capacity),
            values: Vec::with_capacity(capacity),
            n_links: 0,
            targets: Vec::with_capacity(links),
            backwards,
        };
        let mut batch: Vec<&AttackNode> = Vec::with_capacity(READ_BATCH);
        for node in nodes.filter(|n| n.tree == tree) {
            batch.push(node);
            if batch.len() == READ_BATCH {
                part.push(&batch, overrides);
                batch.clear();
            }
        }
        part.push(&batch, overrides);
        part.targets.sort_unstable();
        part
    }

    /// A few nodes in two passes: the records first, then the links, which are behind one
    /// more pointer each (the misses of a pass overlap; node after node they would not).
    fn push(&mut self, nodes: &[&AttackNode], overrides: &HashMap<Id, bool>) {
        for node in nodes {
            self.ids.push(node.id.as_u128());
            let start = self.shapes.last().map_or(0, |s| s.start + s.n_links);
            self.shapes.push(Shape::of(node, overrides, start, &mut self.values));
        }
        let first = self.ids.len() - nodes.len();
        for (k, node) in nodes.iter().enumerate() {
            // Sorted ascending, the sources of a target come in the table's order.
            let source = if self.backwards { !((first + k) as u32) } else { (first + k) as u32 };
            for id in node.children.iter().chain(&node.countermeasures) {
                let id = id.as_u128();
                self.targets.push(((id >> 64) as u64, id as u64, source, self.n_links));
                self.n_links += 1;
            }
        }
    }

    /// The table index of a link's source, given where the part's nodes start in the table.
    fn source(&self, stored: u32, offset: u32) -> u32 {
        if self.backwards {
            offset + self.ids.len() as u32 - 1 - !stored
        } else {
            offset + stored
        }
    }

    /// Resolve the part's links by merging their targets, sorted by id, with the nodes,
    /// sorted by id; `offset` is where the part's nodes start in the table. The links arrive
    /// by target, so the parents of every node come out in compressed form on the way.
    /// `None` when some link is left unresolved (a link to another tree, or to nothing).
    fn merge(&self, offset: u32, ids: &[u128], links: &mut [u32]) -> Option<ParentList> {
        let mut list = ParentList { start: Vec::with_capacity(ids.len() + 1), parents: Vec::with_capacity(self.targets.len()) };
        list.start.push(0);
        let mut p = 0usize;
        for &(high, low, source, slot) in &self.targets {
            let id = (high as u128) << 64 | low as u128;
            while p < ids.len() && ids[p] < id {
                p += 1;
                list.start.push(list.parents.len() as u32);
            }
            match links.get_mut(slot as usize) {
                Some(link) if p < ids.len() && ids[p] == id => *link = p as u32,
                _ => return None,
            }
            list.parents.push(self.source(source, offset));
        }
        list.start.resize(ids.len() + 1, list.parents.len() as u32);
        Some(list)
    }
}

/// Nodes read per batch (see [`Part::push`]).
const READ_BATCH: usize = 64;

/// The tree's nodes in compact arrays, indexed by node: the tree's own nodes sorted by id,
/// then the nodes of other trees its links reach. The document is read in one sequential
/// pass (a 1,000,000-node tree is mostly cache misses otherwise), on large trees in two
/// halves on two threads, one from each end of the document's map. Links are resolved by
/// sorting them by id and merging with the nodes, which the document keeps sorted by id.
pub(crate) struct Table {
    ids: Vec<u128>,
    /// The first `sorted` entries are the tree's own nodes, sorted by id.
    sorted: usize,
    extra: HashMap<Id, u32>,
    shapes: Vec<Shape>,
    values: Vec<[f64; 4]>,
    /// Node indices, or `ABSENT`; see [`Shape::start`].
    links: Vec<u32>,
    /// Per node, its formula node once compiled (`UNSEEN` before).
    pub fnode: Vec<u32>,
}

impl Table {
    /// The table, and the parents of its nodes when every link was to a node of the tree.
    fn new(doc: &Document, tree: Id, overrides: &HashMap<Id, bool>) -> (Table, Option<Parents>) {
        let all = &doc.attack_nodes;
        let parallel = all.len() >= PARALLEL;
        let half = all.len() / 2;
        let links = half + half / 4;
        let (mut front, back) = join(
            parallel,
            || Part::read(all.values().take(half), false, tree, overrides, all.len(), links),
            || Part::read(all.values().rev().take(all.len() - half), true, tree, overrides, all.len() - half, links),
        );
        // The back half was read from the end.
        let (links_before, values_before) = (front.n_links, front.values.len() as u32);
        front.ids.extend(back.ids.iter().rev());
        front.shapes.extend(back.shapes.iter().rev().map(|s| s.moved(links_before, values_before)));
        front.values.extend_from_slice(&back.values);
        let mut links = vec![UNRESOLVED; (front.n_links + back.n_links) as usize];
        let (front_links, back_links) = links.split_at_mut(front.n_links as usize);
        let ids = &front.ids[..];
        let offset = front.shapes.len() as u32 - back.shapes.len() as u32;
        let (a, b) = join(parallel, || front.merge(0, ids, front_links), || back.merge(offset, ids, back_links));
        let mut t = Table {
            sorted: front.ids.len(),
            ids: front.ids,
            extra: HashMap::new(),
            shapes: front.shapes,
            values: front.values,
            links,
            fnode: Vec::new(),
        };
        match (a, b) {
            (Some(a), Some(b)) => (t, Some(Parents { lists: vec![a, b], missing: 0 })),
            _ => {
                t.resolve_from(doc, 0, overrides);
                (t, None)
            }
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Links not resolved yet, of the nodes from `first` on: to nodes of other trees, which
    /// are added (and resolved in turn as the loop reaches them), or to nothing.
    fn resolve_from(&mut self, doc: &Document, first: usize, overrides: &HashMap<Id, bool>) {
        let mut node = first;
        while node < self.len() {
            let (start, n_links) = (self.shapes[node].start as usize, self.shapes[node].n_links as usize);
            if self.links[start..start + n_links].contains(&UNRESOLVED) {
                if let Some(model) = doc.attack_nodes.get(&self.id(node as u32)) {
                    for (e, id) in model.children.iter().chain(&model.countermeasures).enumerate().take(n_links) {
                        if self.links[start + e] == UNRESOLVED {
                            self.links[start + e] = self.lookup_extra(doc, id, overrides).unwrap_or(ABSENT);
                        }
                    }
                }
            }
            node += 1;
        }
    }

    /// A node that is not one of the tree's own (a link across trees), added on first use.
    fn lookup_extra(&mut self, doc: &Document, id: &Id, overrides: &HashMap<Id, bool>) -> Option<u32> {
        if let Some(i) = self.find(id) {
            return Some(i);
        }
        let node = doc.attack_nodes.get(id)?;
        let index = self.len() as u32;
        self.ids.push(node.id.as_u128());
        let start = self.links.len() as u32;
        let shape = Shape::of(node, overrides, start, &mut self.values);
        self.links.resize(self.links.len() + shape.n_links as usize, UNRESOLVED);
        self.shapes.push(shape);
        self.extra.insert(*id, index);
        Some(index)
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
        match self.shapes.get(i as usize) {
            Some(s) => self.links.get(s.start as usize..(s.start + s.n_links) as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    pub fn id(&self, i: u32) -> Id {
        Uuid::from_u128(self.ids.get(i as usize).copied().unwrap_or(0))
    }

    pub fn role(&self, i: u32) -> Role {
        self.shapes.get(i as usize).map_or(Role::Attack, |s| s.role)
    }
}

/// Parents of every node in compressed form: node `i`'s are
/// `parents[start[i]..start[i + 1]]`, in increasing order.
struct ParentList {
    start: Vec<u32>,
    parents: Vec<u32>,
}

impl ParentList {
    fn of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&a), Some(&b)) => self.parents.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// The links between the table's nodes from the other end: a node's parents are its parents
/// in each list, one list after the other.
struct Parents {
    lists: Vec<ParentList>,
    /// Links to missing nodes.
    missing: usize,
}

impl Parents {
    /// The parents by counting and filling, for a table whose links were not all resolved
    /// by the merge.
    fn of(t: &Table) -> Parents {
        let n = t.len();
        let mut start = vec![0u32; n + 1];
        let mut missing = 0usize;
        for &target in &t.links {
            match start.get_mut(target as usize + 1) {
                Some(count) => *count += 1,
                None => missing += 1,
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut parents = vec![0u32; start[n] as usize];
        for i in 0..n as u32 {
            for &target in t.links(i) {
                if let Some(slot) = fill.get_mut(target as usize) {
                    parents[*slot as usize] = i;
                    *slot += 1;
                }
            }
        }
        Parents { lists: vec![ParentList { start, parents }], missing }
    }

    /// Per node, its links to compile before it.
    fn waiting(&self, t: &Table) -> Vec<u32> {
        let n = t.len() as u32;
        if self.missing == 0 {
            return t.shapes.iter().map(|s| s.n_links).collect();
        }
        (0..n).map(|i| t.links(i).iter().filter(|&&c| c < n).count() as u32).collect()
    }
}

/// Compile one tree. `implemented` overrides the `implemented` flag of defence nodes (the
/// what-if toggles); the document is not changed.
///
/// Nodes are compiled children first in the order of Kahn's topological sort (a node is
/// ready once all its links are), which never chases one cache miss after another the way a
/// depth-first walk over a large model would; ready nodes are taken a batch at a time (see
/// [`Batch`]). Errors: no such tree, a missing root, a cycle.
/// Links to missing nodes are skipped with a warning. No recursion.
pub(crate) fn compile(doc: &Document, tree: Id, implemented: &HashMap<Id, bool>) -> Result<Compiled> {
    let tree = doc.attack_trees.get(&tree).ok_or_else(|| Error::InvalidOperation(format!("no attack tree with id {tree}")))?;
    let (mut t, parents) = Table::new(doc, tree.id, implemented);
    let before = t.len();
    let root_index = t
        .lookup_extra(doc, &tree.root, implemented)
        .ok_or_else(|| Error::InvalidOperation(format!("the attack tree “{}” has no root goal (its root node is missing)", tree.name)))?;
    // A root from another tree brings links of its own.
    t.resolve_from(doc, before, implemented);
    let n = t.len();
    t.fnode = vec![UNSEEN; n];

    let parents = match parents {
        Some(p) if n == before => p,
        _ => Parents::of(&t),
    };
    let mut waiting = parents.waiting(&t);
    let mut queue: Vec<u32> = Vec::with_capacity(n);
    queue.extend((0..n as u32).filter(|&i| waiting[i as usize] == 0));
    // Each model node makes at most two formula nodes (its refinement, and the gate with
    // its countermeasures); reserved up front, the formula's arrays are never copied.
    let mut formula = Formula::with_capacity(2 * n + 2, t.links.len() + n, t.values.len());
    let mut kids: Vec<u32> = Vec::new();
    let mut counters: Vec<u32> = Vec::new();
    let mut batch = Batch::default();
    let mut head = 0usize;
    while head < queue.len() {
        let end = (head + BATCH).min(queue.len());
        batch.fetch(&t, &parents, &queue[head..end]);
        head = end;
        let mut links = batch.links.iter();
        for (&i, shape) in batch.nodes.iter().zip(&batch.shapes) {
            kids.clear();
            counters.clear();
            for (e, &child) in links.by_ref().take(shape.n_links as usize).enumerate() {
                if child == UNSEEN {
                    continue;
                }
                if (e as u32) < shape.n_children {
                    kids.push(child);
                } else {
                    counters.push(child);
                }
            }
            t.fnode[i as usize] = node_formula(&mut formula, &t, i, shape, &kids, &mut counters);
        }
        for &p in &batch.parents {
            let left = &mut waiting[p as usize];
            *left -= 1;
            if *left == 0 {
                queue.push(p);
            }
        }
    }
    if queue.len() < n {
        let at = on_cycle(&t, &waiting);
        let label = doc.attack_nodes.get(&t.id(at)).map(|m| one_line(&m.label)).unwrap_or_default();
        return Err(Error::InvalidOperation(format!(
            "the attack tree “{}” has a cycle through “{label}”; only trees and DAGs can be analysed",
            tree.name
        )));
    }

    let mut warnings = Vec::new();
    if parents.missing > 0 {
        warnings.push(format!("{} link(s) to missing nodes were left out of the analysis", parents.missing));
    }
    let leaf_with_children = t.shapes.iter().filter(|s| s.gate == Gate::Leaf && s.n_children > 0).count();
    if leaf_with_children > 0 {
        warnings.push(format!(
            "{leaf_with_children} node(s) are marked as steps (leaves) but have children; they were analysed as steps"
        ));
    }
    let root = t.fnode[root_index as usize];
    Ok(Compiled { formula, table: t, root_index, root, root_id: tree.root, warnings })
}

/// Ready nodes compiled per batch.
const BATCH: usize = 256;

/// What compiling a batch of ready nodes reads, fetched in one pass per kind of record: the
/// nodes come in no particular order, and fetched one node at a time each cache miss would
/// wait for the one before; in a pass over the batch they overlap. Every node of the batch
/// is ready, so its links' formula nodes are known before the batch is compiled.
#[derive(Default)]
struct Batch {
    nodes: Vec<u32>,
    shapes: Vec<Shape>,
    /// The formula nodes of the nodes' links, node after node (`UNSEEN` for a missing node).
    links: Vec<u32>,
    /// The nodes' parents, node after node: released once the batch is compiled.
    parents: Vec<u32>,
}

impl Batch {
    fn fetch(&mut self, t: &Table, parents: &Parents, nodes: &[u32]) {
        self.nodes.clear();
        self.nodes.extend_from_slice(nodes);
        self.shapes.clear();
        self.shapes.extend(nodes.iter().map(|&i| t.shapes[i as usize]));
        self.links.clear();
        for s in &self.shapes {
            self.links.extend_from_slice(&t.links[s.start as usize..(s.start + s.n_links) as usize]);
        }
        for link in &mut self.links {
            *link = t.fnode.get(*link as usize).copied().unwrap_or(UNSEEN);
        }
        self.parents.clear();
        for &i in nodes {
            for list in &parents.lists {
                self.parents.extend_from_slice(list.of(i));
            }
        }
    }
}

/// The formula node of model node `i`, given its children's (`kids`) and its
/// countermeasures' (`counters`) formula nodes.
fn node_formula(formula: &mut Formula, t: &Table, i: u32, shape: &Shape, kids: &[u32], counters: &mut Vec<u32>) -> u32 {
    match shape.role {
        Role::Attack => {
            let refine = if shape.is_leaf() {
                let [cost, probability, time, skill] = t.values.get(shape.values as usize).copied().unwrap_or([f64::NAN; 4]);
                formula.step(Step { node: t.id(i), fnode: 0, cost, probability, time, skill })
            } else if kids.is_empty() {
                FALSE
            } else {
                match shape.gate {
                    Gate::Or => formula.or(kids),
                    Gate::Sand => formula.and(Kind::Sand, kids),
                    _ => formula.and(Kind::And, kids),
                }
            };
            if counters.is_empty() {
                refine
            } else {
                counters.insert(0, refine);
                formula.and(Kind::And, counters)
            }
        }
        Role::Defense if !shape.implemented => TRUE,
        Role::Defense => {
            let falls = if shape.is_leaf() {
                FALSE
            } else if kids.is_empty() {
                TRUE
            } else {
                match shape.gate {
                    Gate::Or => formula.and(Kind::And, kids),
                    _ => formula.or(kids),
                }
            };
            counters.insert(0, falls);
            formula.or(counters)
        }
    }
}

/// A node on a cycle, among the nodes Kahn's sort could not finish: walk unfinished links
/// until a node repeats.
fn on_cycle(t: &Table, waiting: &[u32]) -> u32 {
    let mut seen = HashSet::new();
    let Some(mut at) = (0..waiting.len() as u32).find(|&i| waiting[i as usize] > 0) else { return 0 };
    while seen.insert(at) {
        let next = t.links(at).iter().copied().find(|&c| waiting.get(c as usize).is_some_and(|&p| p > 0));
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
