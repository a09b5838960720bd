//! What the engine finds in a model: validation findings ([`validate`]) and STRIDE threats
//! ([`stride`]), kept up to date edit by edit by [`Analysis`].
//!
//! ## Incremental recomputation
//!
//! Every result is computed for one *owner* and depends on a small, known neighbourhood:
//!
//! | result | owner | reads |
//! |---|---|---|
//! | element findings, element threats | an entity, process, store or boundary | the element, its flows, their ends' zones, its children, its layout (boundaries) |
//! | flow findings, flow and interaction threats | a data flow | the flow, its two ends, their zones (the boundaries around them, with names) |
//! | duplicate-name finding | a (diagram, name) group | the group's members |
//! | attack-tree findings | a tree | the tree and its nodes |
//!
//! [`Analysis::update`] takes the [`Patch`] an operation (or an undo) produced, updates its
//! indexes, and recomputes exactly the owners whose neighbourhood the patch touched: the
//! changed elements (and boundaries whose layout changed); the old and new ends of changed
//! flows; the old and new parents of changed elements; the flows at changed elements; and,
//! for elements whose zone, kind or existence changed (every descendant of a changed
//! boundary among them), the other ends of their flows, whose crossings changed.
//! Everything else is kept. A property test (`tests/analysis_incremental.rs`) checks that the result always
//! equals a full run.
//!
//! Threat texts (title, description, why) are not stored: they are rendered when a
//! [`ThreatView`] is asked for, from the current model, so a rename never needs a
//! recomputation of what it does not change.

pub mod overview;
pub mod stride;
pub mod validate;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::document::{Document, Record, RecordKind};
use crate::model::*;
use crate::patch::Patch;

pub use overview::{Annotation, Overview};
pub use stride::{Generated, RuleInfo, RulePackError, RuleSet, ThreatView};
pub use validate::{DismissedFinding, Finding, FindingSeverity, Validation};

/// The namespace of finding ids (UUID v5).
const FINDING_NAMESPACE: Uuid = Uuid::from_u128(0x7d3a_52c1_95e4_4f0b_a6c2_6672_696e_6431);

/// The id of a finding, and of the [`Dismissal`] that dismisses it: UUID v5 of the code and
/// the sorted element ids. Stable across edits for as long as the finding is about the
/// same elements.
pub fn finding_id(code: &str, element_ids: &[Id]) -> Id {
    let mut ids = element_ids.to_vec();
    ids.sort();
    ids.dedup();
    let mut name = Vec::with_capacity(code.len() + 1 + 16 * ids.len());
    name.extend_from_slice(code.as_bytes());
    name.push(0);
    for id in &ids {
        name.extend_from_slice(id.as_bytes());
    }
    Uuid::new_v5(&FINDING_NAMESPACE, &name)
}

/// A group of elements whose names clash: same diagram, same name ignoring case and
/// surrounding spaces.
pub(crate) type NameKey = (Id, String);

pub(crate) fn name_key(e: &Element) -> Option<NameKey> {
    if e.kind() == ElementKind::DataFlow {
        return None; // many flows share a name ("HTTPS request"); that is fine
    }
    let name = e.name.trim();
    (!name.is_empty()).then(|| (e.diagram, name.to_lowercase()))
}

/// From this many elements on, a full run uses two threads.
const PARALLEL_FROM: usize = 2048;

/// A set of ids kept as a sorted vector: most sets here hold a handful of ids, and a
/// vector is far cheaper to build than a tree.
pub(crate) type IdSet = Vec<Id>;

fn set_insert(set: &mut IdSet, id: Id) {
    if let Err(at) = set.binary_search(&id) {
        set.insert(at, id);
    }
}

fn set_remove(set: &mut IdSet, id: &Id) {
    if let Ok(at) = set.binary_search(id) {
        set.remove(at);
    }
}

/// The flows at one element, sorted by flow id, each with which way data goes there.
pub(crate) type Links = Vec<(Id, Link)>;

/// Who points at whom: kept up to date from patches, so that a change finds its
/// neighbourhood without a scan.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Index {
    /// Flows by each end they name (whether or not that element exists), with which way
    /// data goes at that end, so that counting a node's inputs reads no flow.
    pub flows_at: HashMap<Id, Links>,
    /// Elements by the parent they name.
    pub children: HashMap<Id, IdSet>,
    /// Named non-flow elements by name group.
    pub names: HashMap<NameKey, IdSet>,
    /// Attack-tree nodes by the tree they name.
    pub tree_nodes: HashMap<Id, IdSet>,
    /// For each trust boundary: itself and the boundaries around it, innermost first. An
    /// element's zone is its parent's entry, so zones cost no walk and no allocation.
    pub zones: HashMap<Id, Vec<Id>>,
}

impl Index {
    fn build(doc: &Document) -> Index {
        if doc.elements.len() < PARALLEL_FROM {
            let mut index = Index::default();
            for e in doc.elements.values() {
                index.add_element(e);
            }
            for n in doc.attack_nodes.values() {
                set_insert(index.tree_nodes.entry(n.tree).or_default(), n.id);
            }
            index.rebuild_zones(doc);
            return index;
        }
        // The flow links on one thread, the rest on this one: independent maps.
        let (flows_at, mut index) = std::thread::scope(|s| {
            let flows = s.spawn(|| {
                let mut index = Index::default();
                for e in doc.elements.values().filter(|e| e.flow().is_some()) {
                    index.add_links(e);
                }
                index.flows_at
            });
            let mut index = Index::default();
            for e in doc.elements.values() {
                index.add_place(e);
            }
            for n in doc.attack_nodes.values() {
                set_insert(index.tree_nodes.entry(n.tree).or_default(), n.id);
            }
            index.rebuild_zones(doc);
            let flows_at = flows.join().unwrap_or_else(|_| {
                let mut again = Index::default();
                for e in doc.elements.values() {
                    again.add_links(e);
                }
                again.flows_at
            });
            (flows_at, index)
        });
        index.flows_at = flows_at;
        index
    }

    fn rebuild_zones(&mut self, doc: &Document) {
        self.zones.clear();
        for b in doc.elements.values().filter(|e| e.kind() == ElementKind::TrustBoundary) {
            let mut zone = vec![b.id];
            let mut parent = b.parent;
            // A cycle in a damaged file ends the walk.
            while let Some(p) = parent.filter(|p| !zone.contains(p)) {
                match doc.elements.get(&p) {
                    Some(outer) if outer.kind() == ElementKind::TrustBoundary => {
                        zone.push(p);
                        parent = outer.parent;
                    }
                    _ => break,
                }
            }
            self.zones.insert(b.id, zone);
        }
    }

    fn add_element(&mut self, e: &Element) {
        self.add_links(e);
        self.add_place(e);
    }

    /// A flow's two ends.
    fn add_links(&mut self, e: &Element) {
        let Some(f) = e.flow() else { return };
        let links = [
            (f.source, Link { other: f.target, gives: true, receives: f.bidirectional }),
            (f.target, Link { other: f.source, gives: f.bidirectional, receives: true }),
        ];
        for (end, link) in links {
            let Some(end) = end else { continue };
            let list = self.flows_at.entry(end).or_default();
            match list.binary_search_by(|(id, _)| id.cmp(&e.id)) {
                // A flow from an element to itself (a damaged file).
                Ok(at) => {
                    list[at].1.gives = true;
                    list[at].1.receives = true;
                }
                Err(at) => list.insert(at, (e.id, link)),
            }
        }
    }

    /// An element's parent and name group.
    fn add_place(&mut self, e: &Element) {
        if let Some(p) = e.parent {
            set_insert(self.children.entry(p).or_default(), e.id);
        }
        if let Some(key) = name_key(e) {
            set_insert(self.names.entry(key).or_default(), e.id);
        }
    }

    fn remove_element(&mut self, e: &Element) {
        fn take<K: std::hash::Hash + Eq>(map: &mut HashMap<K, IdSet>, key: K, id: &Id) {
            if let Some(set) = map.get_mut(&key) {
                set_remove(set, id);
                if set.is_empty() {
                    map.remove(&key);
                }
            }
        }
        if let Some(f) = e.flow() {
            for end in [f.source, f.target].into_iter().flatten() {
                if let Some(links) = self.flows_at.get_mut(&end) {
                    links.retain(|(id, _)| *id != e.id);
                    if links.is_empty() {
                        self.flows_at.remove(&end);
                    }
                }
            }
        }
        if let Some(p) = e.parent {
            take(&mut self.children, p, &e.id);
        }
        if let Some(key) = name_key(e) {
            take(&mut self.names, key, &e.id);
        }
    }

    fn remove_node(&mut self, n: &AttackNode) {
        if let Some(set) = self.tree_nodes.get_mut(&n.tree) {
            set_remove(set, &n.id);
            if set.is_empty() {
                self.tree_nodes.remove(&n.tree);
            }
        }
    }
}

/// One end of a flow, seen from that end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    /// The element at the flow's other end.
    pub other: Option<Id>,
    /// Data leaves this end along the flow.
    pub gives: bool,
    /// Data arrives at this end along the flow.
    pub receives: bool,
}

/// The boundaries around an element, innermost first.
pub(crate) type Zone<'a> = &'a [Id];

/// Read access to the model and its index, shared by validation and STRIDE.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub doc: &'a Document,
    pub index: &'a Index,
    /// Elements by id, hashed: a full run looks elements up tens of thousands of times,
    /// and a hash lookup is several times cheaper than the ordered map's.
    pub lookup: Option<&'a HashMap<Id, &'a Element>>,
}

/// A data flow with its ends and their zones resolved.
pub(crate) struct FlowInfo<'a> {
    pub flow: &'a Element,
    pub props: &'a FlowProperties,
    pub source: Option<&'a Element>,
    pub target: Option<&'a Element>,
    pub source_zone: Zone<'a>,
    pub target_zone: Zone<'a>,
}

impl<'a> FlowInfo<'a> {
    /// Both ends exist and are entities, processes or stores.
    pub fn ends_valid(&self) -> bool {
        [self.source, self.target].iter().all(|e| e.is_some_and(|e| is_node(e.kind())))
    }

    /// The boundaries the flow crosses: those around its source only (innermost first),
    /// then those around its target only (outermost first). Empty when an end is missing.
    pub fn crossed(&self) -> Vec<Id> {
        if !self.ends_valid() {
            return Vec::new();
        }
        let mut out: Vec<Id> = self.source_zone.iter().filter(|b| !self.target_zone.contains(b)).copied().collect();
        out.extend(self.target_zone.iter().rev().filter(|b| !self.source_zone.contains(b)));
        out
    }

    /// Its two ends lie in different sets of boundaries.
    pub fn crosses(&self) -> bool {
        self.enters() || self.leaves()
    }

    /// The data enters a boundary: the target lies in a boundary the source does not (or,
    /// for a bidirectional flow, either way round).
    pub fn enters(&self) -> bool {
        if !self.ends_valid() {
            return false;
        }
        let into_target = self.target_zone.iter().any(|b| !self.source_zone.contains(b));
        into_target || (self.props.bidirectional && self.source_zone.iter().any(|b| !self.target_zone.contains(b)))
    }

    /// The data leaves a boundary: the source lies in a boundary the target does not (or,
    /// for a bidirectional flow, either way round).
    pub fn leaves(&self) -> bool {
        if !self.ends_valid() {
            return false;
        }
        let out_of_source = self.source_zone.iter().any(|b| !self.target_zone.contains(b));
        out_of_source || (self.props.bidirectional && self.target_zone.iter().any(|b| !self.source_zone.contains(b)))
    }
}

pub(crate) fn is_node(kind: ElementKind) -> bool {
    matches!(kind, ElementKind::ExternalEntity | ElementKind::Process | ElementKind::DataStore)
}

impl<'a> Ctx<'a> {
    pub fn new(doc: &'a Document, index: &'a Index) -> Self {
        Ctx { doc, index, lookup: None }
    }

    pub fn element(&self, id: &Id) -> Option<&'a Element> {
        match self.lookup {
            Some(map) => map.get(id).copied(),
            None => self.doc.elements.get(id),
        }
    }

    /// The trust boundaries around an element, innermost first (a cycle in a damaged file
    /// ends the walk).
    pub fn zone(&self, e: &Element) -> Zone<'a> {
        match e.parent.and_then(|p| self.index.zones.get(&p)) {
            Some(zone) => zone,
            None => &[],
        }
    }

    pub fn flow_info(&self, flow: &'a Element) -> Option<FlowInfo<'a>> {
        let props = flow.flow()?;
        let source = props.source.and_then(|id| self.element(&id));
        let target = props.target.and_then(|id| self.element(&id));
        Some(FlowInfo {
            flow,
            props,
            source,
            target,
            source_zone: source.map_or(&[], |e| self.zone(e)),
            target_zone: target.map_or(&[], |e| self.zone(e)),
        })
    }

    /// The flows that name this element as an end, in flow id order, with which way data
    /// goes at this end.
    pub fn links(&self, id: &Id) -> impl Iterator<Item = &'a (Id, Link)> + 'a {
        self.index.flows_at.get(id).into_iter().flatten()
    }

    /// The existing elements whose parent is this one.
    pub fn children(&self, id: &Id) -> impl Iterator<Item = &'a Element> + '_ {
        let doc = self.doc;
        self.index.children.get(id).into_iter().flatten().filter_map(move |c| doc.elements.get(c))
    }

    /// A boundary drawn as a line (as Threat Dragon and Microsoft's tool draw them): it
    /// contains nothing, so flows across it cannot be told.
    pub fn is_line_boundary(&self, id: &Id) -> bool {
        self.doc.layouts.get(id).is_some_and(|l| l.points.len() >= 2)
    }
}

/// How an element is named in messages: `process “API”`, or `an unnamed process`.
pub(crate) fn describe(e: &Element) -> String {
    let name = e.name.trim();
    if name.is_empty() {
        format!("an unnamed {}", e.kind().label())
    } else {
        format!("{} “{}”", e.kind().label(), name)
    }
}

/// An element's name in quotes, or `an unnamed process`.
pub(crate) fn quoted(e: &Element) -> String {
    let name = e.name.trim();
    if name.is_empty() {
        format!("an unnamed {}", e.kind().label())
    } else {
        format!("“{name}”")
    }
}

/// What changed in the derived results after [`Analysis::update`]: enough for a view to
/// refresh only what it shows of them.
#[derive(Serialize, Clone, Debug, Default, PartialEq, TS)]
#[ts(export)]
pub struct AnalysisDelta {
    /// Generated threats that appeared.
    pub threats_added: Vec<Id>,
    /// Generated threats that no longer apply (a stored record for one becomes stale).
    pub threats_removed: Vec<Id>,
    /// Generated threats that stay but whose target or scores changed.
    pub threats_changed: Vec<Id>,
    /// Whether the list of findings changed.
    pub findings_changed: bool,
    /// How many owners (elements, flows, name groups, trees) were recomputed.
    pub recomputed: usize,
}

/// Validation and STRIDE results for one model, updated patch by patch.
#[derive(Clone, Debug)]
pub struct Analysis {
    rules: Arc<RuleSet>,
    index: Index,
    element_findings: BTreeMap<Id, Vec<validate::Raw>>,
    name_findings: BTreeMap<NameKey, validate::Raw>,
    tree_findings: BTreeMap<Id, Vec<validate::Raw>>,
    generated: BTreeMap<Id, Vec<Generated>>,
    /// How many threats `generated` holds.
    generated_count: usize,
}

/// Equal results (the rule sets are not compared).
impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
            && self.element_findings == other.element_findings
            && self.name_findings == other.name_findings
            && self.tree_findings == other.tree_findings
            && self.generated == other.generated
            && self.generated_count == other.generated_count
    }
}

impl Analysis {
    /// A full run over the model.
    pub fn new(doc: &Document, rules: Arc<RuleSet>) -> Analysis {
        let hashed = || doc.elements.iter().map(|(id, e)| (*id, e)).collect::<HashMap<Id, &Element>>();
        let (index, lookup) = if doc.elements.len() < PARALLEL_FROM {
            (Index::build(doc), hashed())
        } else {
            std::thread::scope(|s| {
                let lookup = s.spawn(hashed);
                let index = Index::build(doc);
                (index, lookup.join().unwrap_or_else(|_| hashed()))
            })
        };
        let mut analysis = Analysis {
            rules,
            index,
            element_findings: BTreeMap::new(),
            name_findings: BTreeMap::new(),
            tree_findings: BTreeMap::new(),
            generated: BTreeMap::new(),
            generated_count: 0,
        };
        let ctx = Ctx { doc, index: &analysis.index, lookup: Some(&lookup) };
        let elements: Vec<&Element> = doc.elements.values().collect();
        // Two halves on two threads: the owners are independent.
        let half = elements.len() / 2;
        let (first, second) = elements.split_at(half);
        let rules = &analysis.rules;
        let work = |part: &[&Element]| {
            let mut findings = Vec::new();
            let mut generated = Vec::new();
            for e in part {
                let (f, g) = compute(ctx, rules, e);
                if !f.is_empty() {
                    findings.push((e.id, f));
                }
                if !g.is_empty() {
                    generated.push((e.id, g));
                }
            }
            (findings, generated)
        };
        let ((f1, g1), (f2, g2)) = if elements.len() >= PARALLEL_FROM {
            std::thread::scope(|s| {
                let handle = s.spawn(|| work(second));
                let one = work(first);
                let two = handle.join().unwrap_or_else(|_| work(second));
                (one, two)
            })
        } else {
            (work(first), work(second))
        };
        let element_findings: BTreeMap<Id, Vec<validate::Raw>> = f1.into_iter().chain(f2).collect();
        let generated: BTreeMap<Id, Vec<Generated>> = g1.into_iter().chain(g2).collect();
        let generated_count = generated.values().map(Vec::len).sum();
        let name_findings = analysis
            .index
            .names
            .iter()
            .filter_map(|(key, ids)| validate::name_group_finding(ctx, ids).map(|f| (key.clone(), f)))
            .collect();
        let trees: BTreeSet<Id> = doc.attack_trees.keys().chain(analysis.index.tree_nodes.keys()).copied().collect();
        let tree_findings = trees
            .into_iter()
            .filter_map(|t| {
                let f = validate::tree_findings(ctx, &t);
                (!f.is_empty()).then_some((t, f))
            })
            .collect();
        analysis.element_findings = element_findings;
        analysis.generated = generated;
        analysis.generated_count = generated_count;
        analysis.name_findings = name_findings;
        analysis.tree_findings = tree_findings;
        analysis
    }

    /// A full run with the built-in rules only.
    pub fn with_builtin_rules(doc: &Document) -> Result<Analysis, RulePackError> {
        Ok(Analysis::new(doc, Arc::new(RuleSet::builtin()?)))
    }

    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Change the rule packs (a full run of STRIDE).
    pub fn set_rules(&mut self, doc: &Document, rules: Arc<RuleSet>) {
        *self = Analysis::new(doc, rules);
    }

    /// Bring the results up to date after `patch` was applied to `doc` (`doc` is the state
    /// after the patch). Recomputes only what the patch touches.
    pub fn update(&mut self, doc: &Document, patch: &Patch) -> AnalysisDelta {
        // Elements whose own record changed (or a boundary's layout).
        let mut changed: BTreeSet<Id> = BTreeSet::new();
        // Elements whose zone, kind or existence changed: the other ends of their flows
        // see a different crossing.
        let mut moved: BTreeSet<Id> = BTreeSet::new();
        // Elements to recompute for what they see of a change: old and new parents (their
        // contents), old and new flow ends (their flows).
        let mut affected: BTreeSet<Id> = BTreeSet::new();
        let mut boundaries: Vec<Id> = Vec::new(); // changed boundaries: their subtrees too
        let mut name_groups: BTreeSet<NameKey> = BTreeSet::new();
        let mut trees: BTreeSet<Id> = BTreeSet::new();

        for change in &patch.changes {
            match change.key.kind {
                RecordKind::Element => {
                    let id = change.key.id;
                    changed.insert(id);
                    let element = |r: &Option<Record>| match r {
                        Some(Record::Element(e)) => Some(e.clone()),
                        _ => None,
                    };
                    let (before, after) = (element(&change.before), element(&change.after));
                    let same_place = matches!((&before, &after), (Some(b), Some(a)) if b.parent == a.parent && b.kind() == a.kind());
                    if !same_place {
                        moved.insert(id);
                    }
                    for e in before.iter().chain(after.iter()) {
                        affected.extend(e.parent);
                        if let Some(f) = e.flow() {
                            affected.extend([f.source, f.target].into_iter().flatten());
                        }
                        if e.kind() == ElementKind::TrustBoundary {
                            boundaries.push(e.id);
                        }
                        if let Some(key) = name_key(e) {
                            name_groups.insert(key);
                        }
                    }
                    if let Some(e) = &before {
                        self.index.remove_element(e);
                    }
                    if let Some(e) = &after {
                        self.index.add_element(e);
                    }
                }
                // Only a boundary's layout matters (drawn as a line or as a box).
                RecordKind::Layout if doc.elements.get(&change.key.id).is_some_and(|e| e.kind() == ElementKind::TrustBoundary) => {
                    changed.insert(change.key.id);
                }
                RecordKind::AttackNode => {
                    for record in [&change.before, &change.after].into_iter().flatten() {
                        if let Record::AttackNode(n) = record {
                            trees.insert(n.tree);
                        }
                    }
                    if let Some(Record::AttackNode(n)) = &change.before {
                        self.index.remove_node(n);
                    }
                    if let Some(Record::AttackNode(n)) = &change.after {
                        set_insert(self.index.tree_nodes.entry(n.tree).or_default(), n.id);
                    }
                }
                RecordKind::AttackTree => {
                    trees.insert(change.key.id);
                }
                // Threat records and dismissals are overlaid when results are read.
                _ => {}
            }
        }

        // A changed boundary changes the zone of all it contains, at any depth.
        if !boundaries.is_empty() {
            self.index.rebuild_zones(doc);
        }
        let mut stack = boundaries;
        while let Some(b) = stack.pop() {
            if let Some(children) = self.index.children.get(&b) {
                for c in children {
                    if moved.insert(*c) {
                        stack.push(*c);
                    }
                }
            }
        }
        // The flows at changed or moved elements; for moved ones, the other ends too.
        let mut owners: BTreeSet<Id> = changed.iter().chain(&moved).chain(&affected).copied().collect();
        for id in changed.iter().chain(&moved) {
            let Some(links) = self.index.flows_at.get(id) else { continue };
            let moved_here = moved.contains(id);
            for (flow, link) in links.iter() {
                owners.insert(*flow);
                if moved_here {
                    owners.extend(link.other);
                }
            }
        }

        let mut delta = AnalysisDelta::default();
        let ctx = Ctx::new(doc, &self.index);
        for id in &owners {
            let (findings, generated) = match doc.elements.get(id) {
                Some(e) => compute(ctx, &self.rules, e),
                None => (Vec::new(), Vec::new()),
            };
            delta.recomputed += 1;
            let old_findings = if findings.is_empty() { self.element_findings.remove(id) } else { self.element_findings.insert(*id, findings.clone()) };
            if old_findings.unwrap_or_default() != findings {
                delta.findings_changed = true;
            }
            let old = if generated.is_empty() { self.generated.remove(id) } else { self.generated.insert(*id, generated.clone()) };
            let old = old.unwrap_or_default();
            if old != generated {
                self.generated_count = self.generated_count.saturating_sub(old.len()) + generated.len();
                let rules = &self.rules;
                let old_by_id: HashMap<Id, &Generated> = old.iter().map(|g| (g.id(rules), g)).collect();
                let new_by_id: HashMap<Id, &Generated> = generated.iter().map(|g| (g.id(rules), g)).collect();
                for (gid, g) in &new_by_id {
                    match old_by_id.get(gid) {
                        None => delta.threats_added.push(*gid),
                        Some(before) if before != g => delta.threats_changed.push(*gid),
                        Some(_) => {}
                    }
                }
                delta.threats_removed.extend(old_by_id.keys().filter(|gid| !new_by_id.contains_key(gid)));
            }
        }
        for key in name_groups {
            delta.recomputed += 1;
            let finding = self.index.names.get(&key).and_then(|ids| validate::name_group_finding(ctx, ids));
            let changed = match finding {
                Some(f) => self.name_findings.insert(key, f.clone()).as_ref() != Some(&f),
                None => self.name_findings.remove(&key).is_some(),
            };
            if changed {
                delta.findings_changed = true;
            }
        }
        for tree in trees {
            delta.recomputed += 1;
            let findings = validate::tree_findings(ctx, &tree);
            let old = if findings.is_empty() { self.tree_findings.remove(&tree) } else { self.tree_findings.insert(tree, findings.clone()) };
            if old.unwrap_or_default() != findings {
                delta.findings_changed = true;
            }
        }
        delta.threats_added.sort();
        delta.threats_removed.sort();
        delta.threats_changed.sort();
        delta
    }

    /// Every finding, dismissed ones apart, in a stable order: errors first, then
    /// warnings, then infos; by code; by element ids.
    pub fn validation(&self, doc: &Document) -> Validation {
        let lookup = big_lookup(doc, self.element_findings.len());
        let ctx = Ctx { doc, index: &self.index, lookup: lookup.as_ref() };
        let all = self
            .element_findings
            .values()
            .flatten()
            .chain(self.name_findings.values())
            .chain(self.tree_findings.values().flatten());
        validate::assemble(ctx, all)
    }

    /// The generated threats (not yet overlaid with stored records), in order.
    pub fn generated(&self) -> impl Iterator<Item = &Generated> + '_ {
        self.generated.values().flatten()
    }

    /// How many threats the rules generate.
    pub fn generated_count(&self) -> usize {
        self.generated_count
    }

    /// The generated threat with this id, if the stored record `hint` (or a search of
    /// everything generated) finds it. A stored generated record names its rule and
    /// target, so finding it looks at that target's threats only.
    fn find_generated(&self, id: &Id, hint: Option<&Threat>) -> Option<&Generated> {
        match hint {
            Some(t) => {
                let (rule_id, target) = (t.rule_id.as_deref()?, t.target?);
                let mut owners = vec![target];
                if let Some(flows) = self.index.flows_at.get(&target) {
                    owners.extend(flows.iter().map(|(f, _)| *f));
                }
                owners
                    .iter()
                    .filter_map(|o| self.generated.get(o))
                    .flatten()
                    .filter(|g| g.target == target && g.rule_in(&self.rules).is_some_and(|r| r.id == rule_id))
                    .find(|g| g.id(&self.rules) == *id)
            }
            None => self.generated().find(|g| g.id(&self.rules) == *id),
        }
    }

    /// Is this stored threat the record of a threat the rules currently generate?
    pub fn is_generated(&self, threat: &Threat) -> bool {
        self.find_generated(&threat.id, Some(threat)).is_some()
    }

    /// The threat register: generated threats overlaid with what users wrote on them, in
    /// generation order (by owner element id, then rule order); then stored threats that
    /// are not generated (manual ones, and stale generated ones), by id.
    pub fn threats(&self, doc: &Document) -> Vec<ThreatView> {
        let lookup = big_lookup(doc, self.generated_count);
        let ctx = Ctx { doc, index: &self.index, lookup: lookup.as_ref() };
        let mut matched: BTreeSet<Id> = BTreeSet::new();
        let mut views: Vec<ThreatView> = self
            .generated()
            .map(|g| {
                let id = g.id(&self.rules);
                let stored = doc.threats.get(&id);
                if stored.is_some() {
                    matched.insert(id);
                }
                self.rules.view(ctx, g, id, stored)
            })
            .collect();
        views.extend(doc.threats.values().filter(|t| !matched.contains(&t.id)).map(|t| self.rules.stored_view(ctx, t)));
        views
    }

    /// One threat of the register, generated or stored.
    pub fn threat(&self, doc: &Document, id: &Id) -> Option<ThreatView> {
        let ctx = Ctx::new(doc, &self.index);
        let stored = doc.threats.get(id);
        match self.find_generated(id, stored) {
            Some(g) => Some(self.rules.view(ctx, g, *id, stored)),
            None => stored.map(|t| self.rules.stored_view(ctx, t)),
        }
    }

    /// The threats against one element or flow (for its inspector), in register order.
    pub fn threats_on(&self, doc: &Document, element: &Id) -> Vec<ThreatView> {
        let ctx = Ctx::new(doc, &self.index);
        let mut owners: BTreeSet<Id> = BTreeSet::from([*element]);
        if let Some(flows) = self.index.flows_at.get(element) {
            owners.extend(flows.iter().map(|(f, _)| *f));
        }
        let mut matched: BTreeSet<Id> = BTreeSet::new();
        let mut views: Vec<ThreatView> = owners
            .iter()
            .filter_map(|o| self.generated.get(o))
            .flatten()
            .filter(|g| g.target == *element)
            .map(|g| {
                let id = g.id(&self.rules);
                let stored = doc.threats.get(&id);
                if stored.is_some() {
                    matched.insert(id);
                }
                self.rules.view(ctx, g, id, stored)
            })
            .collect();
        views.extend(
            doc.threats
                .values()
                .filter(|t| t.target == Some(*element) && !matched.contains(&t.id))
                .map(|t| self.rules.stored_view(ctx, t)),
        );
        views
    }
}

/// A hashed element lookup, worth building when many results are to be read.
fn big_lookup(doc: &Document, results: usize) -> Option<HashMap<Id, &Element>> {
    (results > 2_000).then(|| doc.elements.iter().map(|(id, e)| (*id, e)).collect())
}

/// The findings and threats owned by one element (a flow's ends resolved once for both).
fn compute(ctx: Ctx, rules: &RuleSet, e: &Element) -> (Vec<validate::Raw>, Vec<Generated>) {
    let info = if e.kind() == ElementKind::DataFlow { ctx.flow_info(e) } else { None };
    (validate::element_findings(ctx, e, info.as_ref()), rules.generate(ctx, e, info.as_ref()))
}

/// Validate a model (a full run; the rules play no part in validation).
pub fn validate(doc: &Document) -> Validation {
    Analysis::new(doc, Arc::new(RuleSet::empty())).validation(doc)
}

/// The threat register of a model under the given rules (a full run).
pub fn threats(doc: &Document, rules: Arc<RuleSet>) -> Vec<ThreatView> {
    Analysis::new(doc, rules).threats(doc)
}
