//! The threat-model document (PRODUCT.md section 5), as PDF and as Markdown.
//!
//! The sections are written once, as a list of [`content::Block`]s (headings, paragraphs,
//! tables, drawings, outlines), from the model and the engine's analyses; `pdf` typesets
//! the blocks onto pages and `markdown` writes them as text. So the two forms always hold
//! the same sections with the same words. `register` ranks the threats and writes them as
//! CSV for the CLI and the exports.

pub(crate) mod content;
pub(crate) mod markdown;
mod pdf;
pub mod register;
mod text;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::document::Document;
use crate::error::Result;

/// DejaVu Sans (free licence, crates/engine/fonts/LICENSE), compiled in so that a report looks
/// the same on every machine; only the glyphs used are embedded.
pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// System fonts tried, in order, for the characters DejaVu Sans lacks (CJK above all). None
/// is shipped or required: without one, such characters print as DejaVu's missing-glyph box
/// (the text stays searchable). Whichever is used is embedded as a subset like DejaVu.
const FALLBACK_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
];

/// The first fallback font on this machine, read once (it is large; most reports never ask).
pub(crate) fn fallback_font() -> Option<&'static [u8]> {
    static FONT: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    FONT.get_or_init(|| FALLBACK_FONTS.iter().find_map(|path| std::fs::read(path).ok())).as_deref()
}

/// Does `text` hold a character DejaVu Sans lacks, so that the fallback font is wanted?
pub(crate) fn needs_fallback(text: &str) -> bool {
    static DEJAVU: std::sync::OnceLock<Option<printpdf::ParsedFont>> = std::sync::OnceLock::new();
    let Some(font) = DEJAVU.get_or_init(|| printpdf::ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())).as_ref() else { return false };
    text.chars().any(|c| !c.is_control() && !c.is_whitespace() && font.lookup_glyph_index(c as u32).is_none_or(|g| g == 0))
}

/// Paper size of the PDF.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Width and height in points (1/72 inch).
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// The sections a report may hold, in document order. The cover and the contents are
/// always there.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Section {
    Summary,
    Scope,
    Assets,
    Diagrams,
    Elements,
    Threats,
    AttackTrees,
    AcceptedRisks,
    Findings,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Summary,
        Section::Scope,
        Section::Assets,
        Section::Diagrams,
        Section::Elements,
        Section::Threats,
        Section::AttackTrees,
        Section::AcceptedRisks,
        Section::Findings,
    ];

    /// The heading printed in the document.
    pub fn title(self) -> &'static str {
        match self {
            Section::Summary => "Executive summary",
            Section::Scope => "Scope and assumptions",
            Section::Assets => "Assets",
            Section::Diagrams => "Data-flow diagrams",
            Section::Elements => "Element inventory",
            Section::Threats => "Threat register",
            Section::AttackTrees => "Attack trees",
            Section::AcceptedRisks => "Accepted risks",
            Section::Findings => "Open validation findings",
        }
    }

    /// The name on the command line (`--sections summary,threats`).
    pub fn key(self) -> &'static str {
        match self {
            Section::Summary => "summary",
            Section::Scope => "scope",
            Section::Assets => "assets",
            Section::Diagrams => "diagrams",
            Section::Elements => "elements",
            Section::Threats => "threats",
            Section::AttackTrees => "attack_trees",
            Section::AcceptedRisks => "accepted_risks",
            Section::Findings => "findings",
        }
    }

    pub fn parse(text: &str) -> Option<Section> {
        let text = text.trim().replace('-', "_").to_ascii_lowercase();
        Section::ALL.into_iter().find(|s| s.key() == text)
    }
}

/// What to put in a report. An empty `sections` means every section.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct ReportOptions {
    pub paper: Paper,
    pub sections: Vec<Section>,
    /// The date printed on the cover (ISO 8601); today when not given. Set it for a
    /// reproducible document.
    #[ts(optional)]
    pub date: Option<String>,
}

impl ReportOptions {
    /// The chosen sections in document order, each once.
    pub fn sections(&self) -> Vec<Section> {
        Section::ALL.into_iter().filter(|s| self.sections.is_empty() || self.sections.contains(s)).collect()
    }
}

/// The report as a PDF file.
pub fn pdf(doc: &Document, options: &ReportOptions) -> Result<Vec<u8>> {
    pdf_cancellable(doc, options, &|| false)
}

/// The report as a PDF file, asking `cancelled` between sections whether the user has given
/// up; if so the work stops with `Error::Cancelled` and no bytes.
pub fn pdf_cancellable(doc: &Document, options: &ReportOptions, cancelled: &dyn Fn() -> bool) -> Result<Vec<u8>> {
    let report = content::Report::build(doc, options, cancelled)?;
    pdf::render(&report, options.paper, cancelled)
}

/// The report as Markdown, for wikis and pull requests.
pub fn markdown(doc: &Document, options: &ReportOptions) -> Result<String> {
    let report = content::Report::build(doc, options, &|| false)?;
    Ok(markdown::render(&report))
}
