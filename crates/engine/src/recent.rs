//! The recent-files list the start screen shows: a small JSON file in the app's config
//! folder, newest first. It is a convenience, not a document: an unreadable list is
//! started afresh rather than blocking the app.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// How many files the list keeps.
pub const LIMIT: usize = 12;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct RecentFile {
    pub path: String,
    pub name: String,
    /// Seconds since the Unix epoch.
    pub opened_at: u64,
}

pub struct RecentFiles {
    file: PathBuf,
}

impl RecentFiles {
    pub fn new(file: PathBuf) -> Self {
        RecentFiles { file }
    }

    /// The list, newest first; files that no longer exist are left out.
    pub fn list(&self) -> Vec<RecentFile> {
        let Ok(text) = std::fs::read_to_string(&self.file) else { return Vec::new() };
        let entries: Vec<RecentFile> = serde_json::from_str(&text).unwrap_or_default();
        entries.into_iter().filter(|e| Path::new(&e.path).exists()).collect()
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.list().iter().any(|e| Path::new(&e.path) == path)
    }

    /// Put `path` at the top of the list.
    pub fn touch(&self, path: &Path, name: &str) -> Result<()> {
        let path_text = path.to_string_lossy().to_string();
        let mut entries = self.list();
        entries.retain(|e| e.path != path_text);
        let opened_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        entries.insert(0, RecentFile { path: path_text, name: name.to_string(), opened_at });
        entries.truncate(LIMIT);
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let text = serde_json::to_string_pretty(&entries)?;
        std::fs::write(&self.file, text).map_err(|e| Error::io(&self.file, e))
    }
}
