//! Commands over the attack trees of the open model: the values at every node, the
//! cheapest scenario, the k cheapest, the Pareto front, an attacker profile, and "what if"
//! a countermeasure were toggled. Each is one call into `rampart_engine::attack`; tree
//! edits are ordinary operations sent through `apply`.
//!
//! The commands are async so that Tauri runs them off the main thread: the exact search on
//! a large DAG must not freeze the window.

use rampart_engine::attack::{self, AnalysisOptions, CountermeasureEffect, ImplementedOverride, TreeUpdate, TreeView, WhatIf};
use rampart_engine::Id;
use tauri::State;

use crate::{App, CmdResult};

/// Everything about one tree: values at every node, cheapest scenario and the nodes to
/// light up, the `top_k` cheapest, the Pareto front, and the profile's verdict. What-if
/// toggles in the view's options are analysed without changing the model. The window is
/// sent only the node values that changed since the revision it holds.
#[tauri::command]
pub async fn analyze_tree(state: State<'_, App>, view: TreeView) -> CmdResult<TreeUpdate> {
    state.with_editor(|editor| state.tree_update(editor, &view))
}

/// For every countermeasure of the tree: the cheapest way in if it were toggled.
#[tauri::command]
pub async fn countermeasure_effects(state: State<'_, App>, tree: Id, options: AnalysisOptions) -> CmdResult<Vec<CountermeasureEffect>> {
    state.with_editor(|editor| attack::countermeasure_effects(editor.document(), tree, &options))
}

/// The cheapest way in before and after `toggles` (on top of the options' own overrides).
#[tauri::command]
pub async fn what_if(state: State<'_, App>, tree: Id, options: AnalysisOptions, toggles: Vec<ImplementedOverride>) -> CmdResult<WhatIf> {
    state.with_editor(|editor| attack::what_if(editor.document(), tree, &options, &toggles))
}
