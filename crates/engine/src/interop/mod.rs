//! Foreign formats. Each module turns a foreign file into a [`Document`] plus the list of
//! everything it could not carry over; nothing is dropped without a warning. The format is
//! told by the content, never by the file name.

pub mod adtool;
pub mod otm;
pub mod threagile;
pub mod threat_composer;
pub mod threat_dragon;
pub mod tm7;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::document::Document;
use crate::error::{Error, Result};

/// An imported model and what the import could not map.
#[derive(Serialize, Clone, Debug, TS)]
#[ts(export)]
pub struct Imported {
    pub document: Document,
    /// The format that was recognised, e.g. "Threat Dragon v2".
    pub format: &'static str,
    /// Each mapping loss once, with how often it happened.
    pub warnings: Vec<String>,
}

/// Mapping losses, counted, so that a loss repeated on 200 elements is one line.
#[derive(Default)]
pub(crate) struct Warnings(BTreeMap<String, usize>);

impl Warnings {
    pub(crate) fn add(&mut self, message: &str) {
        *self.0.entry(message.to_string()).or_default() += 1;
    }

    pub(crate) fn into_list(self) -> Vec<String> {
        self.0.into_iter().map(|(m, n)| if n == 1 { m } else { format!("{m} ({n} times)") }).collect()
    }
}

/// Import a foreign model from its bytes. `path` names it in errors, and is where a
/// Threagile model's `includes:` are read from (its folder, never above it).
///
/// Each format's `detect` looks at the content only. To add a format: a module with
/// `detect` and `import`, and one line in the matching list below.
pub fn import(bytes: &[u8], path: &Path) -> Result<Imported> {
    let text = std::str::from_utf8(bytes).ok().map(|t| t.trim_start_matches('\u{feff}'));
    if let Some(json) = text.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()) {
        // JSON formats.
        if let Some(version) = threat_dragon::detect(&json) {
            return Ok(threat_dragon::import(&json, version));
        }
        if otm::detect(&json) {
            return otm::import(&json, path);
        }
        if threat_composer::detect(&json) {
            return threat_composer::import(&json, path);
        }
    }
    // Formats that are not JSON (XML, YAML).
    if tm7::detect(bytes) {
        return tm7::import(bytes, path);
    }
    if let Some(text) = text.filter(|t| threagile::detect(t)) {
        // Threagile's `includes:` are read from the folder of `path`.
        return threagile::import(text, path);
    }
    if let Some(text) = text.filter(|t| otm::detect_yaml(t)) {
        return otm::import_yaml(text, path);
    }
    if let Some(text) = text.filter(|t| adtool::detect(t)) {
        return adtool::import(text, path);
    }
    Err(unrecognised(path))
}

/// The error for content no importer recognises.
pub(crate) fn unrecognised(path: &Path) -> Error {
    Error::NotAModel { path: path.to_path_buf(), reason: format!("nor a format Rampart imports: it reads {SUPPORTED}") }
}

/// A malformed file in a recognised format.
pub(crate) fn malformed(path: &Path, format: &str, reason: impl std::fmt::Display) -> Error {
    Error::InvalidJson { path: path.to_path_buf(), reason: format!("a damaged {format} file: {reason}") }
}

/// What `import` recognises, for error messages.
const SUPPORTED: &str = "Threat Dragon v1 and v2 JSON, ADTool XML, Microsoft Threat Modeling Tool .tm7, Threagile YAML, Threat Composer .tc.json, Open Threat Model (OTM) JSON or YAML";

