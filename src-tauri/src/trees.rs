//! Commands over the attack trees of the open model: the values at every node, the
//! cheapest scenario, the k cheapest, the Pareto front, an attacker profile, and "what if"
//! a countermeasure were toggled. Each is one call into `rampart_engine::attack`; tree
//! edits are ordinary operations sent through `apply`.
//!
//! The commands are async so that Tauri runs them off the main thread: the exact search on
//! a large DAG must not freeze the window.

use rampart_engine::attack::{self, AnalysisOptions, CountermeasureEffect, ImplementedOverride, TreeUpdate, WhatIf};
use rampart_engine::Id;
use tauri::State;

use crate::{message, App, CmdResult};

/// Everything about one tree: values at every node, cheapest scenario and the nodes to
/// light up, the `top_k` cheapest, the Pareto front, and the profile's verdict. What-if
/// toggles in `options.overrides` are analysed without changing the model. `known` is the
/// revision of the last update the window applied: it is sent only the values that changed.
#[tauri::command]
pub async fn analyze_tree(state: State<'_, App>, tree: Id, options: AnalysisOptions, known: Option<u32>) -> CmdResult<TreeUpdate> {
    let analysis = state.with_editor(|editor| attack::analyze(editor.document(), tree, &options))?;
    Ok(state.tree_sent.lock().map_err(message)?.update(known, analysis))
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
