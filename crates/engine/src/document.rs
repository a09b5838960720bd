//! The document as a set of keyed records, and the generic get/put/remove on it that
//! patches, the store and canonical JSON all go through.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::model::*;

/// The kinds of record a document holds. The order is the order of sections in files.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RecordKind {
    Metadata,
    Asset,
    Diagram,
    Element,
    Layout,
    Threat,
    Mitigation,
    AttackTree,
    AttackNode,
    /// A dismissed validation finding ([`Dismissal`]).
    Dismissal,
}

impl RecordKind {
    pub const ALL: [RecordKind; 10] = [
        RecordKind::Metadata,
        RecordKind::Asset,
        RecordKind::Diagram,
        RecordKind::Element,
        RecordKind::Layout,
        RecordKind::Threat,
        RecordKind::Mitigation,
        RecordKind::AttackTree,
        RecordKind::AttackNode,
        RecordKind::Dismissal,
    ];

    /// The name stored in the `.rampart` file's `records.kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Metadata => "metadata",
            RecordKind::Asset => "asset",
            RecordKind::Diagram => "diagram",
            RecordKind::Element => "element",
            RecordKind::Layout => "layout",
            RecordKind::Threat => "threat",
            RecordKind::Mitigation => "mitigation",
            RecordKind::AttackTree => "attack_tree",
            RecordKind::AttackNode => "attack_node",
            RecordKind::Dismissal => "dismissal",
        }
    }

    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Identifies one record. A layout shares its owner's id, so the kind is part of the key.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(export)]
pub struct RecordKey {
    pub kind: RecordKind,
    pub id: Id,
}

impl RecordKey {
    pub fn new(kind: RecordKind, id: Id) -> Self {
        RecordKey { kind, id }
    }
    pub fn metadata() -> Self {
        RecordKey::new(RecordKind::Metadata, Uuid::nil())
    }
}

/// One record of any kind: the unit that patches carry and the store writes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum Record {
    Metadata(Metadata),
    Asset(Asset),
    Diagram(Diagram),
    Element(Element),
    Layout(Layout),
    Threat(Threat),
    Mitigation(Mitigation),
    AttackTree(AttackTree),
    AttackNode(AttackNode),
    Dismissal(Dismissal),
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Metadata(_) => RecordKind::Metadata,
            Record::Asset(_) => RecordKind::Asset,
            Record::Diagram(_) => RecordKind::Diagram,
            Record::Element(_) => RecordKind::Element,
            Record::Layout(_) => RecordKind::Layout,
            Record::Threat(_) => RecordKind::Threat,
            Record::Mitigation(_) => RecordKind::Mitigation,
            Record::AttackTree(_) => RecordKind::AttackTree,
            Record::AttackNode(_) => RecordKind::AttackNode,
            Record::Dismissal(_) => RecordKind::Dismissal,
        }
    }

    pub fn id(&self) -> Id {
        match self {
            Record::Metadata(_) => Uuid::nil(),
            Record::Asset(r) => r.id,
            Record::Diagram(r) => r.id,
            Record::Element(r) => r.id,
            Record::Layout(r) => r.id,
            Record::Threat(r) => r.id,
            Record::Mitigation(r) => r.id,
            Record::AttackTree(r) => r.id,
            Record::AttackNode(r) => r.id,
            Record::Dismissal(r) => r.id,
        }
    }

    pub fn key(&self) -> RecordKey {
        RecordKey::new(self.kind(), self.id())
    }

    /// The record's body as JSON, without the kind tag (the store keeps the kind apart).
    pub fn body_json(&self) -> serde_json::Result<String> {
        match self {
            Record::Metadata(r) => serde_json::to_string(r),
            Record::Asset(r) => serde_json::to_string(r),
            Record::Diagram(r) => serde_json::to_string(r),
            Record::Element(r) => serde_json::to_string(r),
            Record::Layout(r) => serde_json::to_string(r),
            Record::Threat(r) => serde_json::to_string(r),
            Record::Mitigation(r) => serde_json::to_string(r),
            Record::AttackTree(r) => serde_json::to_string(r),
            Record::AttackNode(r) => serde_json::to_string(r),
            Record::Dismissal(r) => serde_json::to_string(r),
        }
    }

    /// The inverse of [`Record::body_json`].
    pub fn from_body_json(kind: RecordKind, body: &str) -> serde_json::Result<Record> {
        Ok(match kind {
            RecordKind::Metadata => Record::Metadata(serde_json::from_str(body)?),
            RecordKind::Asset => Record::Asset(serde_json::from_str(body)?),
            RecordKind::Diagram => Record::Diagram(serde_json::from_str(body)?),
            RecordKind::Element => Record::Element(serde_json::from_str(body)?),
            RecordKind::Layout => Record::Layout(serde_json::from_str(body)?),
            RecordKind::Threat => Record::Threat(serde_json::from_str(body)?),
            RecordKind::Mitigation => Record::Mitigation(serde_json::from_str(body)?),
            RecordKind::AttackTree => Record::AttackTree(serde_json::from_str(body)?),
            RecordKind::AttackNode => Record::AttackNode(serde_json::from_str(body)?),
            RecordKind::Dismissal => Record::Dismissal(serde_json::from_str(body)?),
        })
    }
}

/// A whole threat model in memory. Maps are ordered by id, which keeps every listing and
/// every file deterministic.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[ts(export)]
pub struct Document {
    pub metadata: Metadata,
    pub assets: BTreeMap<Id, Asset>,
    pub diagrams: BTreeMap<Id, Diagram>,
    pub elements: BTreeMap<Id, Element>,
    pub layouts: BTreeMap<Id, Layout>,
    pub threats: BTreeMap<Id, Threat>,
    pub mitigations: BTreeMap<Id, Mitigation>,
    pub attack_trees: BTreeMap<Id, AttackTree>,
    pub attack_nodes: BTreeMap<Id, AttackNode>,
    /// Dismissed validation findings, by finding id.
    #[serde(default)]
    pub dismissals: BTreeMap<Id, Dismissal>,
}

impl Document {
    /// A new model with one empty diagram, ready to draw on.
    pub fn new_model(name: &str) -> Document {
        let mut doc = Document::default();
        doc.metadata.name = name.to_string();
        doc.metadata.version = "0.1".to_string();
        doc.metadata.currency = "EUR".to_string();
        let diagram = Diagram { id: new_id(), name: "Main diagram".to_string() };
        doc.diagrams.insert(diagram.id, diagram);
        doc
    }

    pub fn get(&self, key: &RecordKey) -> Option<Record> {
        let id = &key.id;
        match key.kind {
            RecordKind::Metadata => key.id.is_nil().then(|| Record::Metadata(self.metadata.clone())),
            RecordKind::Asset => self.assets.get(id).cloned().map(Record::Asset),
            RecordKind::Diagram => self.diagrams.get(id).cloned().map(Record::Diagram),
            RecordKind::Element => self.elements.get(id).cloned().map(Record::Element),
            RecordKind::Layout => self.layouts.get(id).cloned().map(Record::Layout),
            RecordKind::Threat => self.threats.get(id).cloned().map(Record::Threat),
            RecordKind::Mitigation => self.mitigations.get(id).cloned().map(Record::Mitigation),
            RecordKind::AttackTree => self.attack_trees.get(id).cloned().map(Record::AttackTree),
            RecordKind::AttackNode => self.attack_nodes.get(id).cloned().map(Record::AttackNode),
            RecordKind::Dismissal => self.dismissals.get(id).cloned().map(Record::Dismissal),
        }
    }

    pub fn contains(&self, key: &RecordKey) -> bool {
        let id = &key.id;
        match key.kind {
            RecordKind::Metadata => key.id.is_nil(),
            RecordKind::Asset => self.assets.contains_key(id),
            RecordKind::Diagram => self.diagrams.contains_key(id),
            RecordKind::Element => self.elements.contains_key(id),
            RecordKind::Layout => self.layouts.contains_key(id),
            RecordKind::Threat => self.threats.contains_key(id),
            RecordKind::Mitigation => self.mitigations.contains_key(id),
            RecordKind::AttackTree => self.attack_trees.contains_key(id),
            RecordKind::AttackNode => self.attack_nodes.contains_key(id),
            RecordKind::Dismissal => self.dismissals.contains_key(id),
        }
    }

    /// Insert or replace a record.
    pub fn put(&mut self, record: Record) {
        match record {
            Record::Metadata(r) => self.metadata = r,
            Record::Asset(r) => _ = self.assets.insert(r.id, r),
            Record::Diagram(r) => _ = self.diagrams.insert(r.id, r),
            Record::Element(r) => _ = self.elements.insert(r.id, r),
            Record::Layout(r) => _ = self.layouts.insert(r.id, r),
            Record::Threat(r) => _ = self.threats.insert(r.id, r),
            Record::Mitigation(r) => _ = self.mitigations.insert(r.id, r),
            Record::AttackTree(r) => _ = self.attack_trees.insert(r.id, r),
            Record::AttackNode(r) => _ = self.attack_nodes.insert(r.id, r),
            Record::Dismissal(r) => _ = self.dismissals.insert(r.id, r),
        }
    }

    /// Remove a record. The metadata record cannot be removed; removing it resets it.
    pub fn remove(&mut self, key: &RecordKey) {
        let id = &key.id;
        match key.kind {
            RecordKind::Metadata => self.metadata = Metadata::default(),
            RecordKind::Asset => _ = self.assets.remove(id),
            RecordKind::Diagram => _ = self.diagrams.remove(id),
            RecordKind::Element => _ = self.elements.remove(id),
            RecordKind::Layout => _ = self.layouts.remove(id),
            RecordKind::Threat => _ = self.threats.remove(id),
            RecordKind::Mitigation => _ = self.mitigations.remove(id),
            RecordKind::AttackTree => _ = self.attack_trees.remove(id),
            RecordKind::AttackNode => _ = self.attack_nodes.remove(id),
            RecordKind::Dismissal => _ = self.dismissals.remove(id),
        }
    }

    /// Every record, metadata first, then by kind and id: the order files are written in.
    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        std::iter::once(Record::Metadata(self.metadata.clone()))
            .chain(self.assets.values().cloned().map(Record::Asset))
            .chain(self.diagrams.values().cloned().map(Record::Diagram))
            .chain(self.elements.values().cloned().map(Record::Element))
            .chain(self.layouts.values().cloned().map(Record::Layout))
            .chain(self.threats.values().cloned().map(Record::Threat))
            .chain(self.mitigations.values().cloned().map(Record::Mitigation))
            .chain(self.attack_trees.values().cloned().map(Record::AttackTree))
            .chain(self.attack_nodes.values().cloned().map(Record::AttackNode))
            .chain(self.dismissals.values().cloned().map(Record::Dismissal))
    }

    /// The number of DFD elements of one kind, over all diagrams.
    pub fn count(&self, kind: ElementKind) -> usize {
        self.elements.values().filter(|e| e.kind() == kind).count()
    }
}
