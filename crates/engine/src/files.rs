//! Reading and writing models by path, whatever the form: the format is told by the
//! content when reading and by the name when writing.

use std::io::Read;
use std::path::Path;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::{canonical, store::Store};

/// The forms a Rampart model is stored in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `.rampart`: SQLite.
    Database,
    /// `.rampart.json`: canonical JSON.
    Json,
    /// Anything else: perhaps a format [`crate::interop`] can import.
    Foreign,
}

/// Which form a path asks for when writing.
pub fn form_for_output(path: &Path) -> Form {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        Form::Json
    } else {
        Form::Database
    }
}

/// Tell the form of an existing file by its first bytes.
pub fn detect(path: &Path) -> Result<Form> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = [0u8; 16];
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    let head = &head[..n];
    if head.starts_with(b"SQLite format 3") {
        return Ok(Form::Database);
    }
    let text_start = head.iter().find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
    if n == 0 {
        return Err(Error::NotAModel { path: path.to_path_buf(), reason: "the file is empty".into() });
    }
    if text_start == Some(&b'{') && is_rampart_json(path)? {
        return Ok(Form::Json);
    }
    Ok(Form::Foreign)
}

/// Does this JSON file say `"format": "rampart"`? Read lazily: only the top-level keys.
fn is_rampart_json(path: &Path) -> Result<bool> {
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<String>,
    }
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // A damaged canonical file (cut short, say) still starts the way canonical files do:
    // it is ours, and the canonical reader says what is wrong with it.
    let mut head = Vec::with_capacity(64);
    file.by_ref().take(64).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
    let head: String = String::from_utf8_lossy(&head).chars().filter(|c| !c.is_whitespace() && *c != '\u{feff}').collect();
    if head.starts_with(&format!("{{\"format\":\"{}\"", canonical::FORMAT)) {
        return Ok(true);
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let header: Option<Header> = serde_json::from_reader(std::io::BufReader::new(file)).ok();
    Ok(header.and_then(|h| h.format).as_deref() == Some(canonical::FORMAT))
}

/// Read a model from a `.rampart`, a `.rampart.json` or an importable file, without
/// changing it. Import warnings are dropped here; use [`import`] to see them.
pub fn load(path: &Path) -> Result<Document> {
    match detect(path)? {
        Form::Database => Store::read(path),
        Form::Json => canonical::read(path),
        Form::Foreign => import(path).map(|i| i.document),
    }
}

/// Import a foreign model file.
pub fn import(path: &Path) -> Result<crate::interop::Imported> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    crate::interop::import(&bytes, path)
}

/// Write a model in the form its name asks for. Refuses to overwrite a `.rampart`.
pub fn save(doc: &Document, path: &Path) -> Result<()> {
    match form_for_output(path) {
        Form::Json | Form::Foreign => canonical::write(doc, path),
        Form::Database => Store::create(path, doc).map(|_| ()),
    }
}

/// Open a model for editing. A `.rampart` opens in place. Anything else (canonical JSON, a
/// foreign model) is read, and a new `.rampart` is made for it in `models_dir`, since edits
/// are saved as they happen and only a database can do that; the original stays as it was.
/// Returns the editor and the import's warnings (empty for Rampart's own forms).
pub fn open_for_editing(path: &Path, models_dir: &Path) -> Result<(crate::Editor, Vec<String>)> {
    let (doc, warnings) = match detect(path)? {
        Form::Database => return Ok((crate::Editor::open(path)?, Vec::new())),
        Form::Json => (canonical::read(path)?, Vec::new()),
        Form::Foreign => {
            let imported = import(path)?;
            (imported.document, imported.warnings)
        }
    };
    let stem = path.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let stem = stem.split('.').next().filter(|s| !s.is_empty()).unwrap_or("Imported model");
    let target = free_path(&models_dir.join(format!("{stem}.rampart")));
    Ok((crate::Editor::create(&target, doc)?, warnings))
}

/// `path` if nothing is there, else `name 2.rampart`, `name 3.rampart`, ...
pub fn free_path(path: &Path) -> std::path::PathBuf {
    if !path.exists() {
        return path.to_path_buf();
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    let ext = path.extension().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    (2..)
        .map(|n| path.with_file_name(format!("{stem} {n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}
