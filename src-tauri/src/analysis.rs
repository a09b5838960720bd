//! Commands over the open model's analysis: findings, badges, the threat register and the
//! STRIDE rule packs. The analysis is kept by the engine's `Editor` and follows every edit;
//! these commands only read it. Threat edits, manual threats and dismissals are ordinary
//! operations sent through `apply`.
//!
//! The commands are async so that Tauri runs them off the main thread: a full analysis of
//! a big model must not freeze the window.

use std::sync::Arc;

use rampart_engine::analysis::{Overview, RuleInfo, RuleSet, ThreatView};
use rampart_engine::{Id, Threat};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::{message, App, CmdResult};

impl App {
    fn rules(&self) -> CmdResult<Arc<RuleSet>> {
        Ok(self.rules.lock().map_err(message)?.clone())
    }
}

/// The open findings, the dismissed ones, and per element the counts its badges show.
#[tauri::command]
pub async fn analysis_overview(state: State<'_, App>) -> CmdResult<Overview> {
    let rules = state.rules()?;
    state.with_editor(|editor| {
        let (doc, analysis) = editor.analysed(&rules);
        Ok(analysis.overview(doc))
    })
}

/// Every threat: generated ones overlaid with what users wrote, then manual and stale ones.
#[tauri::command]
pub async fn threat_register(state: State<'_, App>) -> CmdResult<Vec<ThreatView>> {
    let rules = state.rules()?;
    state.with_editor(|editor| {
        let (doc, analysis) = editor.analysed(&rules);
        Ok(analysis.threats(doc))
    })
}

/// The threats against one element or flow, for its inspector.
#[tauri::command]
pub async fn threats_on(state: State<'_, App>, element: Id) -> CmdResult<Vec<ThreatView>> {
    let rules = state.rules()?;
    state.with_editor(|editor| {
        let (doc, analysis) = editor.analysed(&rules);
        Ok(analysis.threats_on(doc, &element))
    })
}

/// The record to store when the user edits a threat: every field of the threat as the
/// register shows it, so that the edit keeps what the rule generated.
#[tauri::command]
pub async fn threat_record(state: State<'_, App>, id: Id) -> CmdResult<Threat> {
    let rules = state.rules()?;
    state.with_editor(|editor| {
        let (doc, analysis) = editor.analysed(&rules);
        Ok(analysis.threat(doc, &id).map(|v| v.to_record()))
    })?
    .ok_or_else(|| format!("there is no threat {id} in this model"))
}

/// The STRIDE rules in use, built-in and loaded.
#[tauri::command]
pub async fn threat_rules(state: State<'_, App>) -> CmdResult<Vec<RuleInfo>> {
    Ok(state.rules()?.info())
}

/// Load an extra rule pack (JSON, the format of crates/engine/rules/stride.json) picked in
/// the native dialog. Returns how many rules are now in use; `None` if cancelled. A pack
/// with errors is refused whole, with the errors in the message.
#[tauri::command]
pub async fn load_rule_pack_dialog(app: AppHandle, state: State<'_, App>) -> CmdResult<Option<usize>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Load a STRIDE rule pack")
        .add_filter("Rule pack", &["json"])
        .blocking_pick_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rules = (*state.rules()?).clone();
    rules.add_pack(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let count = rules.len();
    *state.rules.lock().map_err(message)? = Arc::new(rules);
    Ok(Some(count))
}
