//! The Rampart desktop app: the window, native dialogs, and commands that call the engine.
//! No logic lives here: each command is a few lines over `rampart_engine`.
//!
//! The webview never names a file: paths come from native dialogs, from the recent-files
//! list, or from the command line that started the app.

mod analysis;
mod trees;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rampart_engine::attack::{self, TreeUpdate, TreeView};
use rampart_engine::analysis::RuleSet;
use rampart_engine::recent::{RecentFile, RecentFiles};
use rampart_engine::export::{export_cancellable, ExportRequest, Saved};
use rampart_engine::{files, Applied, Document, Editor, Opened, Operation, Snapshot};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

/// The open model, if any, the recent-files list, and the STRIDE rules in use (the
/// built-in pack plus any the user loaded this session).
struct App {
    editor: Mutex<Option<Editor>>,
    recent: RecentFiles,
    rules: Mutex<Arc<RuleSet>>,
    /// Counts the user's "Cancel" clicks: an export started before the latest one stops
    /// between sections and writes nothing.
    export_cancels: Arc<AtomicU64>,
    /// The attack-tree values the window holds, so that it is sent only what changes.
    tree_sent: Mutex<attack::Sent>,
}

type CmdResult<T> = Result<T, String>;

fn message(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl App {
    /// Make `editor` the open model and tell the window and the recent list.
    fn install(&self, app: &AppHandle, editor: Editor) -> CmdResult<Snapshot> {
        let snapshot = editor.snapshot().map_err(message)?;
        let name = display_name(&editor);
        // A failure to record a recent file must not stop the user from working.
        let _ = self.recent.touch(editor.path(), &name);
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.set_title(&format!("{name} — Rampart"));
        }
        *self.editor.lock().map_err(message)? = Some(editor);
        Ok(snapshot)
    }

    /// The update of the tree `view` shows, from the values last sent to the window.
    fn tree_update(&self, editor: &Editor, view: &TreeView) -> rampart_engine::Result<TreeUpdate> {
        // After a panic mid-update the record may not match what was sent: start afresh,
        // which only makes the next update a full one.
        let mut sent = self.tree_sent.lock().unwrap_or_else(|poisoned| {
            let mut sent = poisoned.into_inner();
            *sent = attack::Sent::default();
            sent
        });
        sent.view(editor.document(), view)
    }

    /// `applied` with the analysis of the tree the window shows. The edit stands whatever
    /// the analysis says: a tree that cannot be analysed (deleted, a cycle) is left out,
    /// and the window asks for it on its own to show why.
    fn with_tree(&self, editor: &Editor, applied: Applied, view: Option<&TreeView>) -> Applied {
        let tree = view.and_then(|v| self.tree_update(editor, v).ok());
        Applied { tree, ..applied }
    }

    fn with_editor<T>(&self, f: impl FnOnce(&mut Editor) -> rampart_engine::Result<T>) -> CmdResult<T> {
        let mut guard = self.editor.lock().map_err(message)?;
        let editor = guard.as_mut().ok_or("no model is open")?;
        f(editor).map_err(message)
    }
}

fn display_name(editor: &Editor) -> String {
    let name = &editor.document().metadata.name;
    if name.trim().is_empty() {
        editor.path().file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default()
    } else {
        name.clone()
    }
}

/// Where new models go: `~/Documents/Rampart`, or the app's data folder without one.
fn models_dir(app: &AppHandle) -> CmdResult<PathBuf> {
    let base = app.path().document_dir().or_else(|_| app.path().app_data_dir()).map_err(message)?;
    let dir = base.join("Rampart");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

#[tauri::command]
fn recent_files(state: State<App>) -> Vec<RecentFile> {
    state.recent.list()
}

#[tauri::command]
fn current_model(state: State<App>) -> CmdResult<Option<Snapshot>> {
    let guard = state.editor.lock().map_err(message)?;
    guard.as_ref().map(|e| e.snapshot().map_err(message)).transpose()
}

/// A new model is a file from the first moment, so there is no "Save" to forget.
#[tauri::command]
fn new_model(app: AppHandle, state: State<App>) -> CmdResult<Snapshot> {
    let path = files::free_path(&models_dir(&app)?.join("Untitled model.rampart"));
    let editor = Editor::create(&path, Document::new_model("Untitled model")).map_err(message)?;
    state.install(&app, editor)
}

/// Open a `.rampart`, a `.rampart.json` or a model from another tool. The last two become a
/// new `.rampart` in the models folder; `Opened` lists what an import could not map.
#[tauri::command]
async fn open_model_dialog(app: AppHandle, state: State<'_, App>) -> CmdResult<Option<Opened>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Open or import a threat model")
        .add_filter("Threat models", &["rampart", "json", "tm7", "yaml", "yml", "xml"])
        .add_filter("All files", &["*"])
        .blocking_pick_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    open_path(&app, &state, &path).map(Some)
}

fn open_path(app: &AppHandle, state: &App, path: &Path) -> CmdResult<Opened> {
    let (editor, warnings) = files::open_for_editing(path, &models_dir(app)?).map_err(message)?;
    let converted = editor.path() != path;
    let snapshot = state.install(app, editor)?;
    Ok(Opened { snapshot, source: converted.then(|| path.to_string_lossy().to_string()), warnings })
}

/// Only files on the recent list can be opened this way.
#[tauri::command]
fn open_recent(app: AppHandle, state: State<App>, path: String) -> CmdResult<Snapshot> {
    let path = PathBuf::from(path);
    if !state.recent.contains(&path) {
        return Err(format!("{} is not on the recent-files list", path.display()));
    }
    let editor = Editor::open(&path).map_err(message)?;
    state.install(&app, editor)
}

#[tauri::command]
async fn save_as_dialog(app: AppHandle, state: State<'_, App>) -> CmdResult<Option<Snapshot>> {
    let current_name = {
        let guard = state.editor.lock().map_err(message)?;
        let editor = guard.as_ref().ok_or("no model is open")?;
        editor.path().file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default()
    };
    let picked = app
        .dialog()
        .file()
        .set_title("Save the model as")
        .set_file_name(current_name)
        .add_filter("Rampart model", &["rampart"])
        .add_filter("Rampart JSON (for Git)", &["json"])
        .blocking_save_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    let snapshot = state.with_editor(|editor| {
        editor.save_as(&path)?;
        editor.snapshot()
    })?;
    let _ = state.recent.touch(Path::new(&snapshot.path), &snapshot.document.metadata.name);
    Ok(Some(snapshot))
}

/// Export the open model through a native save dialog. Returns where it was written and
/// what the format could not carry; `None` if the user cancelled, in the dialog or with
/// `cancel_export` while the file was being made (then nothing is written). The file is made
/// after the dialog, from a copy of the document, on a blocking-task thread: a long PDF
/// neither holds the model nor stalls the window.
#[tauri::command]
async fn export_dialog(app: AppHandle, state: State<'_, App>, request: ExportRequest) -> CmdResult<Option<Saved>> {
    let cancels = Arc::clone(&state.export_cancels);
    let started = cancels.load(Ordering::SeqCst);
    let cancelled = move || cancels.load(Ordering::SeqCst) != started;
    let (doc, stem) = {
        let guard = state.editor.lock().map_err(message)?;
        let editor = guard.as_ref().ok_or("no model is open")?;
        let stem = editor.path().file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        (editor.document().clone(), stem)
    };
    let stem = stem.strip_suffix(".rampart").unwrap_or(&stem).to_string();
    let extension = request.format.extension();
    let picked = app
        .dialog()
        .file()
        .set_title("Export")
        .set_file_name(format!("{stem}.{extension}"))
        .add_filter(extension, &[extension.rsplit('.').next().unwrap_or(extension)])
        .blocking_save_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    let check = cancelled.clone();
    let exported = match tauri::async_runtime::spawn_blocking(move || export_cancellable(&doc, &request, &check)).await.map_err(message)? {
        Err(rampart_engine::Error::Cancelled) => return Ok(None),
        other => other.map_err(message)?,
    };
    // A cancel that came after the last section still wins: nothing is written.
    if cancelled() {
        return Ok(None);
    }
    std::fs::write(&path, exported.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(Saved { path: path.to_string_lossy().to_string(), warnings: exported.warnings }))
}

/// Stop the export under way, if any (the report dialog's Cancel); it writes nothing.
#[tauri::command]
async fn cancel_export(state: State<'_, App>) -> CmdResult<()> {
    state.export_cancels.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[tauri::command]
fn close_model(app: AppHandle, state: State<App>) -> CmdResult<()> {
    *state.editor.lock().map_err(message)? = None;
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.set_title("Rampart");
    }
    Ok(())
}

/// Apply one operation; returns after it is on disk.
#[tauri::command]
fn apply(state: State<App>, op: Operation, coalesce: Option<String>, view: Option<TreeView>) -> CmdResult<Applied> {
    state.with_editor(|editor| {
        let patch = editor.apply(&op, coalesce.as_deref())?;
        Ok(state.with_tree(editor, editor.applied(patch)?, view.as_ref()))
    })
}

#[tauri::command]
fn undo(state: State<App>, view: Option<TreeView>) -> CmdResult<Option<Applied>> {
    state.with_editor(|editor| Ok(editor.undo()?.map(|p| editor.applied(p)).transpose()?.map(|a| state.with_tree(editor, a, view.as_ref()))))
}

#[tauri::command]
fn redo(state: State<App>, view: Option<TreeView>) -> CmdResult<Option<Applied>> {
    state.with_editor(|editor| Ok(editor.redo()?.map(|p| editor.applied(p)).transpose()?.map(|a| state.with_tree(editor, a, view.as_ref()))))
}

fn main() {
    let context = tauri::generate_context!();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let recent_file = app.path().app_config_dir()?.join("recent.json");
            let rules = Arc::new(RuleSet::builtin()?);
            let state = App { editor: Mutex::new(None), recent: RecentFiles::new(recent_file), rules: Mutex::new(rules), export_cancels: Arc::default(), tree_sent: Mutex::default() };
            // `rampart-app MODEL` opens MODEL, as a file manager does on double-click.
            if let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) {
                if let Err(e) = open_path(app.handle(), &state, &path) {
                    eprintln!("rampart: {e}");
                }
            }
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            recent_files,
            current_model,
            new_model,
            open_model_dialog,
            open_recent,
            save_as_dialog,
            export_dialog,
            cancel_export,
            close_model,
            apply,
            undo,
            redo,
            analysis::analysis_overview,
            analysis::threat_register,
            analysis::threats_on,
            analysis::threat_rules,
            analysis::threat_record,
            analysis::load_rule_pack_dialog,
            trees::analyze_tree,
            trees::countermeasure_effects,
            trees::what_if
        ])
        .run(context);
    if let Err(e) = result {
        eprintln!("rampart: the app could not start: {e}");
        std::process::exit(1);
    }
}
