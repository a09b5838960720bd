//! Counts per kind: what `rampart info` prints and the start screen shows.

use serde::Serialize;
use ts_rs::TS;

use crate::document::Document;
use crate::model::ElementKind;

/// Record counts, keyed as PRODUCT.md section 4 fixes for `info --format json`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct Counts {
    pub external_entity: usize,
    pub process: usize,
    pub data_store: usize,
    pub data_flow: usize,
    pub trust_boundary: usize,
    pub diagram: usize,
    pub threat: usize,
    pub mitigation: usize,
    pub attack_tree: usize,
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct Info {
    pub name: String,
    pub counts: Counts,
}

impl Info {
    pub fn of(doc: &Document) -> Info {
        Info {
            name: doc.metadata.name.clone(),
            counts: Counts {
                external_entity: doc.count(ElementKind::ExternalEntity),
                process: doc.count(ElementKind::Process),
                data_store: doc.count(ElementKind::DataStore),
                data_flow: doc.count(ElementKind::DataFlow),
                trust_boundary: doc.count(ElementKind::TrustBoundary),
                diagram: doc.diagrams.len(),
                threat: doc.threats.len(),
                mitigation: doc.mitigations.len(),
                attack_tree: doc.attack_trees.len(),
            },
        }
    }

    /// The counts as (label, number) rows, in the order `info` prints them.
    pub fn rows(&self) -> [(&'static str, usize); 9] {
        let c = &self.counts;
        [
            (ElementKind::ExternalEntity.key(), c.external_entity),
            (ElementKind::Process.key(), c.process),
            (ElementKind::DataStore.key(), c.data_store),
            (ElementKind::DataFlow.key(), c.data_flow),
            (ElementKind::TrustBoundary.key(), c.trust_boundary),
            ("diagram", c.diagram),
            ("threat", c.threat),
            ("mitigation", c.mitigation),
            ("attack_tree", c.attack_tree),
        ]
    }
}
