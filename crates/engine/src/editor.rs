//! An open model: the document in memory and its `.rampart` file, kept in step.
//!
//! Every change goes: operation -> patch -> committed to the file -> applied in memory. The
//! in-memory document never holds a change the file does not.

use std::path::Path;
use std::sync::Arc;

use crate::analysis::{Analysis, RuleSet};
use crate::attack::TreeUpdate;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::ops::Operation;
use crate::patch::Patch;
use crate::store::HistoryState;
use crate::store::Store;

pub struct Editor {
    doc: Document,
    store: Store,
    /// Findings and threats, computed on first request and then kept up to date with
    /// every patch, so that a view asking after an edit pays for the edit only.
    analysis: Option<Analysis>,
}

impl Editor {
    /// Create a new `.rampart` file holding `doc`.
    pub fn create(path: &Path, doc: Document) -> Result<Editor> {
        let store = Store::create(path, &doc)?;
        Ok(Editor { doc, store, analysis: None })
    }

    pub fn open(path: &Path) -> Result<Editor> {
        let (store, doc) = Store::open(path)?;
        Ok(Editor { doc, store, analysis: None })
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Apply an operation and persist it. Returns once the change is durable. Operations
    /// sharing a `coalesce` key back to back make one undo step.
    pub fn apply(&mut self, op: &Operation, coalesce: Option<&str>) -> Result<Patch> {
        let patch = op.plan(&self.doc)?;
        if patch.is_empty() {
            return Ok(patch);
        }
        self.store.commit(&patch, &op.label(&self.doc), coalesce)?;
        self.take(&patch);
        Ok(patch)
    }

    /// Undo the latest step; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<Patch>> {
        self.check_history_matches(true)?;
        let patch = self.store.undo()?;
        if let Some(p) = &patch {
            self.take(p);
        }
        Ok(patch)
    }

    pub fn redo(&mut self) -> Result<Option<Patch>> {
        self.check_history_matches(false)?;
        let patch = self.store.redo()?;
        if let Some(p) = &patch {
            self.take(p);
        }
        Ok(patch)
    }

    /// Apply a committed patch in memory, and to the analysis if one is kept.
    fn take(&mut self, patch: &Patch) {
        patch.apply_to(&mut self.doc);
        if let Some(analysis) = &mut self.analysis {
            analysis.update(&self.doc, patch);
        }
    }

    /// The analysis of the model under `rules`: a full run the first time (or when the
    /// rules changed), the kept results afterwards.
    pub fn analysis(&mut self, rules: &Arc<RuleSet>) -> &Analysis {
        self.analysed(rules).1
    }

    /// The document with its analysis under `rules`, for reading both at once.
    pub fn analysed(&mut self, rules: &Arc<RuleSet>) -> (&Document, &Analysis) {
        let doc = &self.doc;
        let analysis = self.analysis.get_or_insert_with(|| Analysis::new(doc, rules.clone()));
        if !Arc::ptr_eq(analysis.rules(), rules) {
            analysis.set_rules(doc, rules.clone());
        }
        (doc, analysis)
    }

    /// History entries were made against the file's state; refuse to replay one that no
    /// longer fits (a file edited by hand, say) rather than damage the model.
    fn check_history_matches(&self, undo: bool) -> Result<()> {
        let Some(next) = self.store.peek(undo)? else { return Ok(()) };
        let next = if undo { next.reversed() } else { next };
        for change in &next.changes {
            if self.doc.get(&change.key) != change.before {
                return Err(Error::invalid(format!(
                    "the history no longer matches the model at {} {}; nothing was changed",
                    change.key.kind.as_str(),
                    change.key.id
                )));
            }
        }
        Ok(())
    }

    pub fn history(&self) -> Result<HistoryState> {
        self.store.history()
    }

    /// Save a copy under a new name and continue working in the copy. A `.json` name
    /// writes canonical JSON and keeps working in the current file.
    pub fn save_as(&mut self, path: &Path) -> Result<()> {
        if crate::files::form_for_output(path) == crate::files::Form::Json {
            return crate::canonical::write(&self.doc, path);
        }
        self.store.save_as(path)?;
        let analysis = self.analysis.take();
        *self = Editor::open(path)?;
        self.analysis = analysis; // the same document: the results still hold
        Ok(())
    }

    pub fn integrity_check(&self) -> Result<String> {
        self.store.integrity_check()
    }
}

/// What the app shows after opening a model: where it lives, what it holds, what undo says.
#[derive(serde::Serialize, Clone, Debug, ts_rs::TS)]
#[ts(export)]
pub struct Snapshot {
    pub path: String,
    pub document: Document,
    pub history: HistoryState,
}

/// What the app shows after opening a model from another tool: the model, and what could
/// not be carried over.
#[derive(serde::Serialize, Clone, Debug, ts_rs::TS)]
#[ts(export)]
pub struct Opened {
    pub snapshot: Snapshot,
    /// The source file, when the model was imported or converted.
    pub source: Option<String>,
    pub warnings: Vec<String>,
}

/// What the app receives after an operation, an undo or a redo.
#[derive(serde::Serialize, Clone, Debug, ts_rs::TS)]
#[ts(export)]
pub struct Applied {
    pub patch: Patch,
    pub history: HistoryState,
    /// The analysis of the attack tree the window shows, when it asked for it with the
    /// edit: one round trip instead of two after each edit of a tree.
    pub tree: Option<TreeUpdate>,
}

impl Editor {
    pub fn snapshot(&self) -> Result<Snapshot> {
        Ok(Snapshot {
            path: self.path().to_string_lossy().to_string(),
            document: self.doc.clone(),
            history: self.history()?,
        })
    }

    pub fn applied(&self, patch: Patch) -> Result<Applied> {
        Ok(Applied { patch, history: self.history()?, tree: None })
    }
}
