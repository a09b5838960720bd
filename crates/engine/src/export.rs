//! Every export the app and the CLI offer, behind one function, so that both give the same
//! bytes for the same request.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::analysis::Analysis;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::interop::{adtool, otm, threat_dragon};
use crate::model::Id;
use crate::report::ReportOptions;

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
    /// One diagram, or the attack tree `tree` when it is given, as an SVG drawing.
    Svg,
    /// The same drawing as a PNG picture (rasterised).
    Png,
    /// The threat-model document as PDF.
    Pdf,
    /// The threat-model document as Markdown.
    Markdown,
    /// The threat register as CSV.
    Csv,
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
            ExportFormat::Png => "png",
            ExportFormat::Pdf => "pdf",
            ExportFormat::Markdown => "md",
            ExportFormat::Csv => "csv",
        }
    }
}

/// What to export; `diagram` and `tree` pick one for the formats that draw or write one
/// (the first by id when not given); SVG and PNG draw the attack tree `tree` when it is
/// given, else a diagram; `report` holds the options of the PDF and Markdown report (every
/// section on A4 when not given).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub diagram: Option<Id>,
    pub tree: Option<Id>,
    #[serde(default)]
    #[ts(optional)]
    pub report: Option<ReportOptions>,
}

/// The exported file's bytes and what the format could not carry.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub warnings: Vec<String>,
}

impl Exported {
    fn text(text: String, warnings: Vec<String>) -> Exported {
        Exported { bytes: text.into_bytes(), warnings }
    }
}

/// Pixels per SVG unit in a PNG export: twice the drawing's size, sharp on a projector.
const PNG_SCALE: f32 = 2.0;
/// The largest PNG side in pixels; a larger drawing is scaled down to it.
const PNG_MAX_SIDE: f32 = 8192.0;

pub fn export(doc: &Document, request: &ExportRequest) -> Result<Exported> {
    export_cancellable(doc, request, &|| false)
}

/// `export`, for the app: a PDF asks `cancelled` between its sections and stops with
/// `Error::Cancelled` once it says yes.
pub fn export_cancellable(doc: &Document, request: &ExportRequest, cancelled: &dyn Fn() -> bool) -> Result<Exported> {
    let first_diagram = || request.diagram.or_else(|| doc.diagrams.keys().next().copied()).ok_or_else(|| Error::invalid("the model has no diagram"));
    let drawing = || match request.tree {
        Some(tree) => crate::render::tree_svg::attack_tree(doc, tree),
        None => crate::render::svg::diagram(doc, first_diagram()?),
    };
    let report = request.report.clone().unwrap_or_default();
    Ok(match request.format {
        ExportFormat::RampartJson => Exported::text(crate::canonical::to_string(doc)?, Vec::new()),
        ExportFormat::ThreatDragon => {
            let out = threat_dragon::export(doc);
            let mut text = serde_json::to_string_pretty(&out.json)?;
            text.push('\n');
            Exported::text(text, out.warnings)
        }
        ExportFormat::Otm => {
            let (json, warnings) = otm::export_with_warnings(doc);
            let mut text = serde_json::to_string_pretty(&json)?;
            text.push('\n');
            Exported::text(text, warnings)
        }
        ExportFormat::Adtool => {
            let tree = request.tree.or_else(|| doc.attack_trees.keys().next().copied()).ok_or_else(|| Error::invalid("the model has no attack tree"))?;
            let (text, warnings) = adtool::export(doc, tree)?;
            Exported::text(text, warnings)
        }
        ExportFormat::Svg => Exported::text(drawing()?, Vec::new()),
        ExportFormat::Png => Exported { bytes: png(&drawing()?)?, warnings: Vec::new() },
        ExportFormat::Pdf => Exported { bytes: crate::report::pdf_cancellable(doc, &report, cancelled)?, warnings: Vec::new() },
        ExportFormat::Markdown => Exported::text(crate::report::markdown(doc, &report)?, Vec::new()),
        ExportFormat::Csv => {
            let analysis = Analysis::with_builtin_rules(doc).map_err(|e| Error::invalid(format!("the built-in threat rules: {e}")))?;
            Exported::text(crate::report::register::csv(&analysis.threats(doc)), Vec::new())
        }
    })
}

/// Rasterise an SVG drawing (resvg), white background, with the report's own font so that
/// the picture does not depend on the fonts installed.
fn png(svg: &str) -> Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options::default();
    options.fontdb_mut().load_font_data(crate::report::REGULAR_TTF.to_vec());
    options.fontdb_mut().load_font_data(crate::report::BOLD_TTF.to_vec());
    // resvg falls back to any loaded face that has a character; a CJK font only when needed.
    if let Some(font) = crate::report::fallback_font().filter(|_| crate::report::needs_fallback(svg)) {
        options.fontdb_mut().load_font_data(font.to_vec());
    }
    options.font_family = "DejaVu Sans".into();
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| Error::invalid(format!("the drawing could not be read: {e}")))?;
    let size = tree.size();
    let scale = PNG_SCALE.min(PNG_MAX_SIDE / size.width().max(size.height()).max(1.0));
    let (w, h) = ((size.width() * scale).ceil().max(1.0) as u32, (size.height() * scale).ceil().max(1.0) as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| Error::invalid("the drawing is too large for a picture"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| Error::invalid(format!("the picture could not be encoded: {e}")))
}

/// Where an export went, and what the format could not carry.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Saved {
    pub path: String,
    pub warnings: Vec<String>,
}
