//! Patches: the records an operation touched, before and after.
//!
//! Undo is not written per operation: it applies the reversed patch. Coalescing a typing
//! burst into one undo step is [`Patch::then`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::document::{Document, Record, RecordKey};

/// One record's change. `before == None` is a creation, `after == None` a deletion.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Change {
    pub key: RecordKey,
    pub before: Option<Record>,
    pub after: Option<Record>,
}

/// The changes of one operation (or of one undo step), in key order.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[ts(export)]
pub struct Patch {
    pub changes: Vec<Change>,
}

impl Patch {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The patch that undoes this one.
    pub fn reversed(&self) -> Patch {
        Patch {
            changes: self
                .changes
                .iter()
                .map(|c| Change { key: c.key, before: c.after.clone(), after: c.before.clone() })
                .collect(),
        }
    }

    /// Apply to a document. The caller guarantees the patch was made against this state.
    pub fn apply_to(&self, doc: &mut Document) {
        for change in &self.changes {
            match &change.after {
                Some(record) => doc.put(record.clone()),
                None => doc.remove(&change.key),
            }
        }
    }

    /// This patch followed by `next`, as one patch: each record keeps its first `before`
    /// and its last `after`; records that end as they began drop out.
    pub fn then(&self, next: &Patch) -> Patch {
        let mut merged: std::collections::BTreeMap<RecordKey, Change> =
            self.changes.iter().map(|c| (c.key, c.clone())).collect();
        for c in &next.changes {
            merged
                .entry(c.key)
                .and_modify(|m| m.after = c.after.clone())
                .or_insert_with(|| c.clone());
        }
        Patch { changes: merged.into_values().filter(|c| c.before != c.after).collect() }
    }
}
