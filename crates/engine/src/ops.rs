//! Operations: the only way a document changes.
//!
//! An operation writes into a [`Draft`] (an overlay on the document), the draft's touched
//! records are checked for integrity, and the result becomes a [`Patch`]. Nothing here
//! writes an inverse by hand: undo is the reversed patch.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::document::{Document, Record, RecordKey, RecordKind};
use crate::error::{Error, Result};
use crate::model::*;
use crate::patch::{Change, Patch};

/// A change a user asked for.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
#[ts(export)]
pub enum Operation {
    /// Add or replace whole records: add an element with its layout, edit an element's
    /// fields or properties, resize (a layout record), edit a threat, a mitigation, an
    /// attack-tree node. Several records make one undo step.
    Put { records: Vec<Record> },
    /// Delete records, with what hangs on them: a deleted element takes its flows and
    /// layout along, a deleted boundary hands its contents to its own parent, a deleted
    /// diagram or tree takes its elements or nodes.
    Delete { keys: Vec<RecordKey> },
    /// Rename any named record (in-place rename on the canvas).
    Rename { key: RecordKey, name: String },
    /// Move shapes by a delta; a moved trust boundary carries what it contains.
    Translate { ids: Vec<Id>, dx: f64, dy: f64 },
    /// Put elements into a trust boundary, or out of all boundaries with `parent: null`.
    Reparent { ids: Vec<Id>, parent: Option<Id> },
}

impl Operation {
    /// Apply to `doc`, which changes only if the operation is valid. Returns the patch.
    pub fn apply(&self, doc: &mut Document) -> Result<Patch> {
        let patch = self.plan(doc)?;
        patch.apply_to(doc);
        Ok(patch)
    }

    /// The patch this operation would make, without changing `doc`.
    pub fn plan(&self, doc: &Document) -> Result<Patch> {
        let mut draft = Draft::new(doc);
        match self {
            Operation::Put { records } => {
                for record in records {
                    draft.put(record.clone());
                }
            }
            Operation::Delete { keys } => delete(&mut draft, keys)?,
            Operation::Rename { key, name } => rename(&mut draft, key, name)?,
            Operation::Translate { ids, dx, dy } => translate(&mut draft, ids, *dx, *dy)?,
            Operation::Reparent { ids, parent } => {
                for id in ids {
                    let mut element = draft.element(id).ok_or_else(|| missing("element", id))?;
                    element.parent = *parent;
                    draft.put(Record::Element(element));
                }
            }
        }
        let patch = draft.into_patch();
        for change in &patch.changes {
            if let Some(record) = &change.after {
                check(doc, &patch, record, change.before.as_ref())?;
            }
        }
        Ok(patch)
    }

    /// A short description for the undo and redo menu items, e.g. "Add process “API”".
    pub fn label(&self, doc: &Document) -> String {
        match self {
            Operation::Put { records } => {
                let added: Vec<&Record> = records
                    .iter()
                    .filter(|r| r.kind() != RecordKind::Layout && !doc.contains(&r.key()))
                    .collect();
                if records.iter().all(|r| r.kind() == RecordKind::Layout) {
                    "Move or resize".to_string()
                } else if let [one] = added.as_slice() {
                    format!("Add {}", describe(one))
                } else if !added.is_empty() {
                    format!("Add {} items", added.len())
                } else if let [one] = records.as_slice() {
                    format!("Edit {}", describe(one))
                } else {
                    format!("Edit {} items", records.len())
                }
            }
            Operation::Delete { keys } => match keys.as_slice() {
                [one] => match doc.get(one) {
                    Some(r) => format!("Delete {}", describe(&r)),
                    None => "Delete".to_string(),
                },
                many => format!("Delete {} items", many.len()),
            },
            Operation::Rename { name, .. } => format!("Rename to “{}”", short(name)),
            Operation::Translate { ids, .. } => match ids.len() {
                1 => "Move element".to_string(),
                n => format!("Move {n} elements"),
            },
            Operation::Reparent { parent, .. } => match parent.and_then(|p| doc.elements.get(&p)) {
                Some(b) => format!("Move into “{}”", short(&b.name)),
                None => "Move out of boundary".to_string(),
            },
        }
    }
}

fn short(name: &str) -> String {
    const MAX: usize = 40;
    if name.chars().count() <= MAX {
        name.to_string()
    } else {
        let cut: String = name.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

fn describe(record: &Record) -> String {
    match record {
        Record::Element(e) => format!("{} “{}”", e.kind().label(), short(&e.name)),
        Record::Diagram(d) => format!("diagram “{}”", short(&d.name)),
        Record::Asset(a) => format!("asset “{}”", short(&a.name)),
        Record::Threat(t) => format!("threat “{}”", short(&t.title)),
        Record::Mitigation(m) => format!("mitigation “{}”", short(&m.name)),
        Record::AttackTree(t) => format!("attack tree “{}”", short(&t.name)),
        Record::AttackNode(n) => format!("step “{}”", short(&n.label)),
        Record::Metadata(_) => "model details".to_string(),
        Record::Layout(_) => "layout".to_string(),
        Record::Dismissal(d) => format!("dismissal of finding {}", short(&d.code)),
    }
}

fn missing(what: &str, id: &Id) -> Error {
    Error::invalid(format!("no {what} with id {id}"))
}

/// An overlay of pending changes on a document: reads see the operation's own writes.
struct Draft<'a> {
    doc: &'a Document,
    pending: BTreeMap<RecordKey, Option<Record>>,
}

impl<'a> Draft<'a> {
    fn new(doc: &'a Document) -> Self {
        Draft { doc, pending: BTreeMap::new() }
    }

    fn get(&self, key: &RecordKey) -> Option<Record> {
        match self.pending.get(key) {
            Some(pending) => pending.clone(),
            None => self.doc.get(key),
        }
    }

    fn put(&mut self, record: Record) {
        self.pending.insert(record.key(), Some(record));
    }

    fn remove(&mut self, key: RecordKey) {
        self.pending.insert(key, None);
    }

    fn element(&self, id: &Id) -> Option<Element> {
        match self.get(&RecordKey::new(RecordKind::Element, *id)) {
            Some(Record::Element(e)) => Some(e),
            _ => None,
        }
    }

    fn node(&self, id: &Id) -> Option<AttackNode> {
        match self.get(&RecordKey::new(RecordKind::AttackNode, *id)) {
            Some(Record::AttackNode(n)) => Some(n),
            _ => None,
        }
    }

    /// Every element's id and parent, the draft's writes included. Reads in place: copying
    /// every element of a large model made each move cost milliseconds.
    fn parents(&self) -> Vec<(Id, Option<Id>)> {
        let pending = |id: &Id| self.pending.get(&RecordKey::new(RecordKind::Element, *id));
        let current = self.doc.elements.values().filter_map(|e| match pending(&e.id) {
            None => Some((e.id, e.parent)),
            Some(Some(Record::Element(p))) => Some((p.id, p.parent)),
            Some(_) => None,
        });
        let pending_new = self.pending.iter().filter_map(|(k, v)| match v {
            Some(Record::Element(e)) if !self.doc.elements.contains_key(&k.id) => Some((e.id, e.parent)),
            _ => None,
        });
        current.chain(pending_new).collect()
    }

    /// The current version of every node of one tree.
    fn tree_nodes(&self, tree: &Id) -> Vec<AttackNode> {
        let pending_new = self.pending.iter().filter_map(|(k, v)| match v {
            Some(Record::AttackNode(n)) if !self.doc.attack_nodes.contains_key(&k.id) => Some(n.clone()),
            _ => None,
        });
        self.doc
            .attack_nodes
            .keys()
            .filter_map(|id| self.node(id))
            .chain(pending_new)
            .filter(|n| &n.tree == tree)
            .collect()
    }

    /// The changed records as a patch; writes that changed nothing drop out.
    fn into_patch(self) -> Patch {
        let doc = self.doc;
        Patch {
            changes: self
                .pending
                .into_iter()
                .map(|(key, after)| Change { key, before: doc.get(&key), after })
                .filter(|c| c.before != c.after)
                .collect(),
        }
    }
}

fn rename(draft: &mut Draft, key: &RecordKey, name: &str) -> Result<()> {
    let record = draft.get(key).ok_or_else(|| missing(key.kind.as_str(), &key.id))?;
    let name = name.to_string();
    let renamed = match record {
        Record::Metadata(mut r) => {
            r.name = name;
            Record::Metadata(r)
        }
        Record::Asset(mut r) => {
            r.name = name;
            Record::Asset(r)
        }
        Record::Diagram(mut r) => {
            r.name = name;
            Record::Diagram(r)
        }
        Record::Element(mut r) => {
            r.name = name;
            Record::Element(r)
        }
        Record::Threat(mut r) => {
            r.title = name;
            Record::Threat(r)
        }
        Record::Mitigation(mut r) => {
            r.name = name;
            Record::Mitigation(r)
        }
        Record::AttackTree(mut r) => {
            r.name = name;
            Record::AttackTree(r)
        }
        Record::AttackNode(mut r) => {
            r.label = name;
            Record::AttackNode(r)
        }
        Record::Layout(_) => return Err(Error::invalid("a layout has no name")),
        Record::Dismissal(_) => return Err(Error::invalid("a dismissal has no name")),
    };
    draft.put(renamed);
    Ok(())
}

fn translate(draft: &mut Draft, ids: &[Id], dx: f64, dy: f64) -> Result<()> {
    if !dx.is_finite() || !dy.is_finite() {
        return Err(Error::invalid("a move needs finite distances"));
    }
    let mut moving: BTreeSet<Id> = ids.iter().copied().collect();
    // A boundary carries its contents, at any depth.
    let mut children: HashMap<Id, Vec<Id>> = HashMap::new();
    for (id, parent) in draft.parents() {
        if let Some(p) = parent {
            children.entry(p).or_default().push(id);
        }
    }
    let mut stack: Vec<Id> = ids.to_vec();
    while let Some(id) = stack.pop() {
        for child in children.get(&id).into_iter().flatten() {
            if moving.insert(*child) {
                stack.push(*child);
            }
        }
    }
    // A flow between two moving shapes moves with them: its bend points keep their place.
    let carried: Vec<Id> = draft
        .doc
        .elements
        .values()
        .filter(|e| match &e.properties {
            ElementProperties::DataFlow(f) => [f.source, f.target].iter().all(|end| end.is_some_and(|id| moving.contains(&id))),
            _ => false,
        })
        .map(|e| e.id)
        .collect();
    moving.extend(carried);
    for id in moving {
        if let Some(Record::Layout(mut layout)) = draft.get(&RecordKey::new(RecordKind::Layout, id)) {
            layout.x += dx;
            layout.y += dy;
            for p in &mut layout.points {
                p.x += dx;
                p.y += dy;
            }
            draft.put(Record::Layout(layout));
        }
    }
    Ok(())
}

fn delete(draft: &mut Draft, keys: &[RecordKey]) -> Result<()> {
    let doc = draft.doc;
    let mut doomed: BTreeSet<RecordKey> = BTreeSet::new();
    for key in keys {
        if !doc.contains(key) {
            return Err(missing(key.kind.as_str(), &key.id));
        }
        doomed.insert(*key);
        match key.kind {
            RecordKind::Metadata => return Err(Error::invalid("the model's details cannot be deleted")),
            RecordKind::Diagram => doomed.extend(
                doc.elements
                    .values()
                    .filter(|e| e.diagram == key.id)
                    .map(|e| RecordKey::new(RecordKind::Element, e.id)),
            ),
            RecordKind::AttackTree => doomed.extend(
                doc.attack_nodes
                    .values()
                    .filter(|n| n.tree == key.id)
                    .map(|n| RecordKey::new(RecordKind::AttackNode, n.id)),
            ),
            _ => {}
        }
    }
    let gone = |kind: RecordKind, id: &Id, doomed: &BTreeSet<RecordKey>| doomed.contains(&RecordKey::new(kind, *id));

    // Flows lose their meaning with either end.
    for e in doc.elements.values() {
        if let Some(f) = e.flow() {
            let ends = [f.source, f.target];
            if ends.iter().flatten().any(|end| gone(RecordKind::Element, end, &doomed)) {
                doomed.insert(RecordKey::new(RecordKind::Element, e.id));
            }
        }
    }
    // A tree's root goes only with its tree.
    for tree in doc.attack_trees.values() {
        if gone(RecordKind::AttackNode, &tree.root, &doomed) && !gone(RecordKind::AttackTree, &tree.id, &doomed) {
            return Err(Error::invalid(format!(
                "“{}” is the goal of attack tree “{}”: delete the tree instead",
                short(&doc.attack_nodes.get(&tree.root).map(|n| n.label.clone()).unwrap_or_default()),
                short(&tree.name)
            )));
        }
    }

    let mut touched_trees = BTreeSet::new();
    for key in &doomed {
        draft.remove(*key);
        if matches!(key.kind, RecordKind::Element | RecordKind::AttackNode) {
            let layout = RecordKey::new(RecordKind::Layout, key.id);
            if doc.contains(&layout) {
                draft.remove(layout);
            }
        }
        if let Some(n) = doc.attack_nodes.get(&key.id).filter(|_| key.kind == RecordKind::AttackNode) {
            touched_trees.insert(n.tree);
        }
    }

    // What a deleted boundary contained moves up to the nearest surviving ancestor.
    for e in doc.elements.values() {
        if gone(RecordKind::Element, &e.id, &doomed) {
            continue;
        }
        let mut parent = e.parent;
        let mut steps = 0;
        while let Some(p) = parent.filter(|p| gone(RecordKind::Element, p, &doomed)) {
            parent = doc.elements.get(&p).and_then(|b| b.parent);
            steps += 1;
            if steps > doc.elements.len() {
                parent = None; // a cycle in a damaged file: lift to the top level
                break;
            }
        }
        if parent != e.parent {
            let mut moved = e.clone();
            moved.parent = parent;
            draft.put(Record::Element(moved));
        }
    }
    // Links to deleted mitigations and nodes go.
    for t in doc.threats.values() {
        if t.mitigations.iter().any(|m| gone(RecordKind::Mitigation, m, &doomed)) && !gone(RecordKind::Threat, &t.id, &doomed) {
            let mut t = t.clone();
            t.mitigations.retain(|m| !gone(RecordKind::Mitigation, m, &doomed));
            draft.put(Record::Threat(t));
        }
    }
    for n in doc.attack_nodes.values() {
        if gone(RecordKind::AttackNode, &n.id, &doomed) {
            continue;
        }
        let mut kept = n.clone();
        kept.children.retain(|c| !gone(RecordKind::AttackNode, c, &doomed));
        kept.countermeasures.retain(|c| !gone(RecordKind::AttackNode, c, &doomed));
        if kept.mitigation.is_some_and(|m| gone(RecordKind::Mitigation, &m, &doomed)) {
            kept.mitigation = None;
        }
        if &kept != n {
            draft.put(Record::AttackNode(kept));
        }
    }
    // Steps that no longer hang under their tree's goal go with the deleted node.
    for tree_id in touched_trees {
        let Some(tree) = doc.attack_trees.get(&tree_id) else { continue };
        let nodes: HashMap<Id, AttackNode> = draft.tree_nodes(&tree_id).into_iter().map(|n| (n.id, n)).collect();
        let mut reachable = BTreeSet::new();
        let mut stack = vec![tree.root];
        while let Some(id) = stack.pop() {
            if reachable.insert(id) {
                if let Some(n) = nodes.get(&id) {
                    stack.extend(n.children.iter().chain(&n.countermeasures));
                }
            }
        }
        for id in nodes.keys().filter(|id| !reachable.contains(id)) {
            draft.remove(RecordKey::new(RecordKind::AttackNode, *id));
            let layout = RecordKey::new(RecordKind::Layout, *id);
            if doc.contains(&layout) {
                draft.remove(layout);
            }
        }
    }
    Ok(())
}

/// The state a record is checked against: the document with the patch applied, read lazily.
fn after<'a>(doc: &'a Document, patch: &'a Patch, key: RecordKey) -> Option<Record> {
    match patch.changes.binary_search_by(|c| c.key.cmp(&key)) {
        Ok(i) => patch.changes[i].after.clone(),
        Err(_) => doc.get(&key),
    }
}

fn check_range(what: &str, value: Option<u8>) -> Result<()> {
    match value {
        Some(v) if !(1..=5).contains(&v) => Err(Error::invalid(format!("{what} must be between 1 and 5, not {v}"))),
        _ => Ok(()),
    }
}

/// The integrity rules a record must keep after an operation. Validation findings (a
/// flow between two data stores, say) are not errors here: users may draw them.
fn check(doc: &Document, patch: &Patch, record: &Record, before: Option<&Record>) -> Result<()> {
    let element = |id: &Id| match after(doc, patch, RecordKey::new(RecordKind::Element, *id)) {
        Some(Record::Element(e)) => Some(e),
        _ => None,
    };
    let node = |id: &Id| match after(doc, patch, RecordKey::new(RecordKind::AttackNode, *id)) {
        Some(Record::AttackNode(n)) => Some(n),
        _ => None,
    };
    match record {
        Record::Metadata(_) | Record::Asset(_) | Record::Diagram(_) => {}
        Record::Element(e) => {
            if after(doc, patch, RecordKey::new(RecordKind::Diagram, e.diagram)).is_none() {
                return Err(missing("diagram", &e.diagram));
            }
            if let Some(Record::Element(old)) = before {
                if old.diagram != e.diagram {
                    return Err(Error::invalid("an element cannot change diagram; copy it instead"));
                }
                if old.kind() != e.kind() && doc.elements.values().any(|o| o.parent == Some(e.id) || o.flow().is_some_and(|f| f.source == Some(e.id) || f.target == Some(e.id))) {
                    return Err(Error::invalid("an element with flows or contents cannot change kind"));
                }
            }
            if let Some(f) = e.flow() {
                if e.parent.is_some() {
                    return Err(Error::invalid("a data flow is not placed in a boundary; its ends are"));
                }
                for end in [f.source, f.target].into_iter().flatten() {
                    let other = element(&end).ok_or_else(|| missing("element", &end))?;
                    if other.diagram != e.diagram {
                        return Err(Error::invalid("a flow must connect elements of its own diagram"));
                    }
                    if matches!(other.kind(), ElementKind::DataFlow | ElementKind::TrustBoundary) {
                        return Err(Error::invalid(format!("a flow cannot end at a {}", other.kind().label())));
                    }
                }
                if f.source.is_some() && f.source == f.target {
                    return Err(Error::invalid("a flow must connect two different elements"));
                }
            }
            let mut parent = e.parent;
            let mut depth = 0;
            while let Some(p) = parent {
                if p == e.id {
                    return Err(Error::invalid("a trust boundary cannot contain itself"));
                }
                let b = element(&p).ok_or_else(|| missing("trust boundary", &p))?;
                if b.kind() != ElementKind::TrustBoundary {
                    return Err(Error::invalid(format!("only a trust boundary can contain elements, not a {}", b.kind().label())));
                }
                if b.diagram != e.diagram {
                    return Err(Error::invalid("a boundary contains elements of its own diagram only"));
                }
                parent = b.parent;
                depth += 1;
                if depth > doc.elements.len() + patch.changes.len() {
                    return Err(Error::invalid("trust boundaries nest in a cycle"));
                }
            }
        }
        Record::Layout(l) => {
            let finite = [l.x, l.y, l.width, l.height].iter().chain(l.points.iter().flat_map(|p| [&p.x, &p.y])).all(|v| v.is_finite());
            if !finite || l.width < 0.0 || l.height < 0.0 {
                return Err(Error::invalid("a shape needs finite coordinates and a size of at least zero"));
            }
            let owner_is_shape = element(&l.id).is_some() || node(&l.id).is_some();
            if !owner_is_shape {
                return Err(missing("shape", &l.id));
            }
        }
        Record::Threat(t) => {
            check_range("likelihood", Some(t.likelihood))?;
            check_range("impact", Some(t.impact))?;
            check_range("detectability", t.detectability)?;
            for m in &t.mitigations {
                if after(doc, patch, RecordKey::new(RecordKind::Mitigation, *m)).is_none() {
                    return Err(missing("mitigation", m));
                }
            }
        }
        Record::Mitigation(_) => {}
        Record::Dismissal(d) => {
            if d.code.trim().is_empty() {
                return Err(Error::invalid("a dismissal names the code of the finding it dismisses"));
            }
            if d.reason.trim().is_empty() {
                return Err(Error::invalid("a dismissed finding needs a reason"));
            }
            if d.id != crate::analysis::finding_id(&d.code, &d.element_ids) {
                return Err(Error::invalid("a dismissal's id is its finding's id: make it with Dismissal::new"));
            }
        }
        Record::AttackTree(t) => {
            if node(&t.root).is_none_or(|n| n.tree != t.id) {
                return Err(Error::invalid(format!("attack tree “{}” needs a goal node of its own", short(&t.name))));
            }
        }
        Record::AttackNode(n) => {
            if after(doc, patch, RecordKey::new(RecordKind::AttackTree, n.tree)).is_none() {
                return Err(missing("attack tree", &n.tree));
            }
            let a = &n.attributes;
            if a.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
                return Err(Error::invalid("a probability lies between 0 and 1"));
            }
            if a.cost.is_some_and(|c| !c.is_finite() || c < 0.0) || a.time.is_some_and(|t| !t.is_finite() || t < 0.0) {
                return Err(Error::invalid("cost and time cannot be negative"));
            }
            check_range("skill", a.skill)?;
            check_range("detectability", a.detectability)?;
            if let Some(m) = n.mitigation {
                if after(doc, patch, RecordKey::new(RecordKind::Mitigation, m)).is_none() {
                    return Err(missing("mitigation", &m));
                }
            }
            for c in &n.children {
                if node(c).is_none_or(|c| c.tree != n.tree) {
                    return Err(missing("step in this tree", c));
                }
            }
            // A countermeasure is the other side's move: a defence against an attack, or a
            // counter-attack against a defence (attack-defence trees).
            for c in &n.countermeasures {
                if node(c).is_none_or(|c| c.tree != n.tree || c.role == n.role) {
                    return Err(Error::invalid("a countermeasure must be a node of the other side in the same tree"));
                }
            }
            // The nodes pointing at this one must still accept it when its side or tree changed.
            if let Some(Record::AttackNode(old)) = before {
                if old.role != n.role || old.tree != n.tree {
                    for id in doc.attack_nodes.keys() {
                        let Some(p) = node(id) else { continue };
                        if p.countermeasures.contains(&n.id) && (p.role == n.role || p.tree != n.tree) {
                            return Err(Error::invalid(format!("“{}” counters “{}”, so it must stay on the other side", short(&n.label), short(&p.label))));
                        }
                        if p.children.contains(&n.id) && p.tree != n.tree {
                            return Err(Error::invalid(format!("“{}” is a step of “{}” and cannot move to another tree", short(&n.label), short(&p.label))));
                        }
                    }
                }
            }
            // No cycle through this node.
            let mut stack: Vec<Id> = n.children.iter().chain(&n.countermeasures).copied().collect();
            let mut seen = BTreeSet::new();
            while let Some(id) = stack.pop() {
                if id == n.id {
                    return Err(Error::invalid("an attack step cannot be its own descendant"));
                }
                if seen.insert(id) {
                    if let Some(c) = node(&id) {
                        stack.extend(c.children.iter().chain(&c.countermeasures));
                    }
                }
            }
        }
    }
    Ok(())
}
