//! Every export the app and the CLI offer, behind one function, so that both give the same
//! bytes for the same request.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::interop::{adtool, otm, threat_dragon};
use crate::model::Id;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    /// Rampart's canonical JSON, for Git.
    RampartJson,
    /// OWASP Threat Dragon v2 JSON.
    ThreatDragon,
    /// Open Threat Model JSON (IriusRisk's interchange format).
    Otm,
    /// One attack tree as ADTool XML.
    Adtool,
    /// One diagram as an SVG drawing.
    Svg,
}

impl ExportFormat {
    /// The file name ending to offer in a save dialog.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::RampartJson => "rampart.json",
            ExportFormat::ThreatDragon => "td.json",
            ExportFormat::Otm => "otm.json",
            ExportFormat::Adtool => "xml",
            ExportFormat::Svg => "svg",
        }
    }
}

/// What to export; `diagram` and `tree` pick one for the formats that draw or write one
/// (the first by id when not given).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub diagram: Option<Id>,
    pub tree: Option<Id>,
}

/// The exported text and what the format could not carry.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Exported {
    pub text: String,
    pub warnings: Vec<String>,
}

pub fn export(doc: &Document, request: &ExportRequest) -> Result<Exported> {
    Ok(match request.format {
        ExportFormat::RampartJson => Exported { text: crate::canonical::to_string(doc)?, warnings: Vec::new() },
        ExportFormat::ThreatDragon => {
            let out = threat_dragon::export(doc);
            let mut text = serde_json::to_string_pretty(&out.json)?;
            text.push('\n');
            Exported { text, warnings: out.warnings }
        }
        ExportFormat::Otm => {
            let (json, warnings) = otm::export_with_warnings(doc);
            let mut text = serde_json::to_string_pretty(&json)?;
            text.push('\n');
            Exported { text, warnings }
        }
        ExportFormat::Adtool => {
            let tree = request.tree.or_else(|| doc.attack_trees.keys().next().copied()).ok_or_else(|| Error::invalid("the model has no attack tree"))?;
            let (text, warnings) = adtool::export(doc, tree)?;
            Exported { text, warnings }
        }
        ExportFormat::Svg => {
            let diagram = request.diagram.or_else(|| doc.diagrams.keys().next().copied()).ok_or_else(|| Error::invalid("the model has no diagram"))?;
            Exported { text: crate::render::svg::diagram(doc, diagram)?, warnings: Vec::new() }
        }
    })
}

/// Where an export went, and what the format could not carry.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Saved {
    pub path: String,
    pub warnings: Vec<String>,
}
