fn main() {
    // Listing the commands makes each one a permission; capabilities/main.json grants them.
    // A command not listed here cannot be called from the webview at all.
    let commands = &[
        "recent_files", "current_model", "new_model", "open_model_dialog", "open_recent",
        "save_as_dialog", "export_dialog", "close_model", "apply", "undo", "redo",
        "analysis_overview", "threat_register", "threats_on", "threat_rules", "threat_record", "load_rule_pack_dialog",
        "analyze_tree", "countermeasure_effects", "what_if",
        "cancel_export",
    ];
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(error) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
