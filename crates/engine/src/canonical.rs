//! `*.rampart.json`: the canonical text form of a model, for Git and exchange.
//!
//! Canonical means: the same model always gives the same bytes. Keys come in declaration
//! order, every list is sorted by id (ids are time-ordered, so new records land at the end),
//! and the layout is its own section at the end, so a moved shape never shows up as a
//! change to the lines that carry meaning.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::model::*;

/// The canonical format's name, written in every file.
pub const FORMAT: &str = "rampart";
/// The newest canonical format version this engine reads. Version 2 added the
/// `dismissals` section; a model without dismissals is still written as version 1, so its
/// bytes do not change and older versions of Rampart still read it, while one with
/// dismissals tells an older version that it was made by a newer one.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    format_version: u32,
    metadata: &'a Metadata,
    assets: Vec<&'a Asset>,
    diagrams: Vec<&'a Diagram>,
    elements: Vec<&'a Element>,
    threats: Vec<&'a Threat>,
    mitigations: Vec<&'a Mitigation>,
    attack_trees: Vec<&'a AttackTree>,
    attack_nodes: Vec<&'a AttackNode>,
    /// Written only when there are some, so models without dismissals keep their bytes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dismissals: Vec<&'a Dismissal>,
    layout: Vec<&'a Layout>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    format_version: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    #[allow(dead_code)] // checked through `Header`
    format: String,
    #[allow(dead_code)]
    format_version: u32,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    assets: Vec<Asset>,
    #[serde(default)]
    diagrams: Vec<Diagram>,
    #[serde(default)]
    elements: Vec<Element>,
    #[serde(default)]
    threats: Vec<Threat>,
    #[serde(default)]
    mitigations: Vec<Mitigation>,
    #[serde(default)]
    attack_trees: Vec<AttackTree>,
    #[serde(default)]
    attack_nodes: Vec<AttackNode>,
    #[serde(default)]
    dismissals: Vec<Dismissal>,
    #[serde(default)]
    layout: Vec<Layout>,
}

/// The canonical JSON text of a document, ending in a newline.
pub fn to_string(doc: &Document) -> Result<String> {
    let file = FileOut {
        format: FORMAT,
        format_version: if doc.dismissals.is_empty() { 1 } else { 2 },
        metadata: &doc.metadata,
        assets: doc.assets.values().collect(),
        diagrams: doc.diagrams.values().collect(),
        elements: doc.elements.values().collect(),
        threats: doc.threats.values().collect(),
        mitigations: doc.mitigations.values().collect(),
        attack_trees: doc.attack_trees.values().collect(),
        attack_nodes: doc.attack_nodes.values().collect(),
        dismissals: doc.dismissals.values().collect(),
        layout: doc.layouts.values().collect(),
    };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    Ok(text)
}

/// Parse canonical JSON. `path` only names the source in errors.
pub fn from_str(text: &str, path: &Path) -> Result<Document> {
    let invalid = |reason: String| Error::InvalidJson { path: path.to_path_buf(), reason };
    let header: Header = serde_json::from_str(text).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(Error::NotAModel {
            path: path.to_path_buf(),
            reason: "a JSON file without \"format\": \"rampart\"".to_string(),
        });
    }
    let version = header.format_version.ok_or_else(|| invalid("the \"format_version\" field is missing".into()))?;
    if version > FORMAT_VERSION {
        return Err(Error::NewerFormat { path: path.to_path_buf(), found: version, supported: FORMAT_VERSION });
    }
    let file: FileIn = serde_json::from_str(text).map_err(|e| invalid(format!("not a valid Rampart model: {e}")))?;

    fn index<T>(section: &str, items: Vec<T>, id: impl Fn(&T) -> Id, path: &Path) -> Result<BTreeMap<Id, T>> {
        let mut map = BTreeMap::new();
        for item in items {
            let key = id(&item);
            if map.insert(key, item).is_some() {
                return Err(Error::InvalidJson {
                    path: path.to_path_buf(),
                    reason: format!("the id {key} appears twice in \"{section}\""),
                });
            }
        }
        Ok(map)
    }
    Ok(Document {
        metadata: file.metadata,
        assets: index("assets", file.assets, |r| r.id, path)?,
        diagrams: index("diagrams", file.diagrams, |r| r.id, path)?,
        elements: index("elements", file.elements, |r| r.id, path)?,
        layouts: index("layout", file.layout, |r| r.id, path)?,
        threats: index("threats", file.threats, |r| r.id, path)?,
        mitigations: index("mitigations", file.mitigations, |r| r.id, path)?,
        attack_trees: index("attack_trees", file.attack_trees, |r| r.id, path)?,
        attack_nodes: index("attack_nodes", file.attack_nodes, |r| r.id, path)?,
        dismissals: index("dismissals", file.dismissals, |r| r.id, path)?,
    })
}

/// Read a `.rampart.json` file.
pub fn read(path: &Path) -> Result<Document> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    from_str(&text, path)
}

/// Write a `.rampart.json` file through a temporary file, flushed to disk before it replaces
/// the old one, so that neither a crash nor a power loss leaves a half-written file.
pub fn write(doc: &Document, path: &Path) -> Result<()> {
    use std::io::Write;
    let text = to_string(doc)?;
    let tmp = path.with_extension("json.tmp");
    let mut file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
