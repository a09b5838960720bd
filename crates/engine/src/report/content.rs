//! What the report says, section by section, as typesetting-neutral blocks. Every piece of
//! model text is made inert and capped here (see `text`), so the PDF and the Markdown
//! writers never see a control character or a megabyte string.

use std::collections::{BTreeMap, HashSet};

use crate::analysis::stride::category_label;
use crate::analysis::{Analysis, FindingSeverity, ThreatView, Validation};
use crate::attack::{self, AnalysisOptions, Scenario, TreeAnalysis};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::model::*;
use crate::risk::Severity;

use super::register::{decision_label, ranked, score_label, status_label};
use super::text::{inert, inert_paragraphs, today};
use super::{ReportOptions, Section};

/// Longest name shown (element, threat title, asset), in characters.
const NAME_MAX: usize = 300;
/// Longest description or free text shown in one place.
const TEXT_MAX: usize = 2_000;
/// Most lines of an attack-tree outline; a larger tree is summarised after that.
const OUTLINE_MAX: usize = 400;
/// How many risks the executive summary names.
const TOP_RISKS: usize = 5;

/// How a run of text is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Normal,
    Bold,
    /// Secondary detail, smaller and grey.
    Muted,
}

/// A table cell: lines (each wrapped to the column), and an optional severity tint.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub lines: Vec<(String, Style)>,
    pub severity: Option<Severity>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { lines: vec![(text.into(), Style::Normal)], severity: None }
    }

    pub fn with(mut self, text: impl Into<String>, style: Style) -> Cell {
        let text = text.into();
        if !text.is_empty() {
            self.lines.push((text, style));
        }
        self
    }

    fn severity(severity: Severity, detail: String) -> Cell {
        Cell { lines: vec![(severity.label().to_string(), Style::Bold), (detail, Style::Muted)], severity: Some(severity) }
    }
}

#[derive(Clone, Debug)]
pub struct Table {
    /// Column titles and their share of the width.
    pub columns: Vec<(&'static str, f32)>,
    pub rows: Vec<Vec<Cell>>,
}

/// One line of an attack-tree outline.
#[derive(Clone, Debug)]
pub struct OutlineLine {
    pub depth: usize,
    pub label: String,
    /// Gate, values or role, e.g. "AND" or "cost 500 EUR, probability 0.3".
    pub detail: String,
    /// Part of the cheapest scenario.
    pub marked: bool,
}

#[derive(Clone, Debug)]
pub enum Block {
    Subheading(String),
    Paragraph(String),
    /// A short note in small grey type (captions, legends).
    Note(String),
    Bullets(Vec<String>),
    /// Label: value pairs.
    Facts(Vec<(String, String)>),
    Table(Table),
    /// A diagram or an attack tree, drawn from the model.
    Drawing { figure: Figure, caption: String },
}

/// What a drawing shows.
#[derive(Clone, Debug)]
pub enum Figure {
    Diagram(Id),
    /// An attack tree, with its outline: the text form (Markdown), and the PDF's fallback when
    /// the drawing must shrink too far to be read.
    AttackTree { tree: Id, outline: Vec<OutlineLine> },
}

pub struct Report<'a> {
    pub doc: &'a Document,
    /// The model's name, inert.
    pub title: String,
    pub date: String,
    /// Cover facts: version, date, owner, reviewers.
    pub cover: Vec<(String, String)>,
    pub summary: Vec<String>,
    pub sections: Vec<(Section, Vec<Block>)>,
}

/// The analyses the sections draw on, computed once.
struct Facts<'a> {
    doc: &'a Document,
    threats: Vec<ThreatView>,
    validation: Validation,
    trees: Vec<(&'a AttackTree, std::result::Result<TreeAnalysis, String>)>,
    currency: String,
}

impl<'a> Report<'a> {
    /// The sections' blocks; `cancelled` is asked before each section.
    pub fn build(doc: &'a Document, options: &ReportOptions, cancelled: &dyn Fn() -> bool) -> Result<Report<'a>> {
        let analysis = Analysis::with_builtin_rules(doc).map_err(|e| Error::invalid(format!("the built-in threat rules: {e}")))?;
        let mut trees: Vec<&AttackTree> = doc.attack_trees.values().collect();
        trees.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let tree_options = AnalysisOptions { top_k: 5, pareto: false, profile: None, overrides: Vec::new() };
        let facts = Facts {
            doc,
            threats: analysis.threats(doc),
            validation: analysis.validation(doc),
            trees: trees.into_iter().map(|t| (t, attack::analyze(doc, t.id, &tree_options).map_err(|e| e.to_string()))).collect(),
            currency: inert(&doc.metadata.currency, 12),
        };
        let meta = &doc.metadata;
        let title = match inert(&meta.name, NAME_MAX) {
            name if name.is_empty() => "Untitled model".to_string(),
            name => name,
        };
        let date = options.date.as_deref().map(|d| inert(d, 40)).unwrap_or_else(today);
        let or_dash = |s: String| if s.is_empty() { "—".to_string() } else { s };
        let cover = vec![
            ("Version".to_string(), or_dash(inert(&meta.version, 80))),
            ("Date".to_string(), date.clone()),
            ("Owner".to_string(), or_dash(inert(&meta.owner, NAME_MAX))),
            ("Reviewers".to_string(), or_dash(list(&meta.reviewers))),
        ];
        let mut sections = Vec::new();
        for section in options.sections() {
            if cancelled() {
                return Err(Error::Cancelled);
            }
            sections.push((section, facts.section(section)));
        }
        Ok(Report { doc, title, date, cover, summary: inert_paragraphs(&meta.summary, TEXT_MAX), sections })
    }
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| inert(s, NAME_MAX)).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
}

fn paragraphs(text: &str, otherwise: &str) -> Vec<Block> {
    let lines = inert_paragraphs(text, TEXT_MAX);
    if lines.is_empty() {
        vec![Block::Paragraph(otherwise.to_string())]
    } else {
        lines.into_iter().map(Block::Paragraph).collect()
    }
}

fn quoted(name: &str) -> String {
    match inert(name, NAME_MAX) {
        n if n.is_empty() => "(unnamed)".to_string(),
        n => format!("“{n}”"),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Plain words for a likelihood and an impact on the 1-5 scales.
fn likelihood_words(l: u8) -> &'static str {
    ["rare", "unlikely", "possible", "likely", "almost certain"][usize::from(l.clamp(1, 5) - 1)]
}

fn impact_words(i: u8) -> &'static str {
    ["negligible", "minor", "moderate", "major", "severe"][usize::from(i.clamp(1, 5) - 1)]
}

/// A number without needless decimals: 500, 0.25, 1.5.
pub(crate) fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Facts<'_> {
    fn section(&self, section: Section) -> Vec<Block> {
        match section {
            Section::Summary => self.summary(),
            Section::Scope => self.scope(),
            Section::Assets => self.assets(),
            Section::Diagrams => self.diagrams(),
            Section::Elements => self.elements(),
            Section::Threats => self.register(),
            Section::AttackTrees => self.attack_trees(),
            Section::AcceptedRisks => self.accepted(),
            Section::Findings => self.findings(),
        }
    }

    fn money(&self, v: Option<f64>) -> String {
        match v {
            None => "unknown".to_string(),
            Some(v) if self.currency.is_empty() => num(v),
            Some(v) => format!("{} {}", num(v), self.currency),
        }
    }

    fn element_name(&self, id: Option<Id>) -> String {
        id.and_then(|id| self.doc.elements.get(&id)).map(|e| quoted(&e.name)).unwrap_or_else(|| "(missing)".to_string())
    }

    fn summary(&self) -> Vec<Block> {
        let doc = self.doc;
        let mut blocks = Vec::new();
        let count = |k: ElementKind| doc.elements.values().filter(|e| e.kind() == k).count();
        let nodes = doc.elements.len() - count(ElementKind::DataFlow) - count(ElementKind::TrustBoundary);
        let generated = self.threats.iter().filter(|t| t.origin == Origin::Generated).count();
        blocks.push(Block::Paragraph(format!(
            "This document describes the threat model of {}: {} with {} and {} across {}, {} ({} found by the STRIDE rules, {} written by hand), {} and {}.",
            quoted(&doc.metadata.name),
            plural(doc.diagrams.len(), "data-flow diagram", "data-flow diagrams"),
            plural(nodes, "element", "elements"),
            plural(count(ElementKind::DataFlow), "data flow", "data flows"),
            plural(count(ElementKind::TrustBoundary), "trust boundary", "trust boundaries"),
            plural(self.threats.len(), "threat", "threats"),
            generated,
            self.threats.len() - generated,
            plural(doc.mitigations.len(), "mitigation", "mitigations"),
            plural(doc.attack_trees.len(), "attack tree", "attack trees"),
        )));

        let urgent: Vec<&ThreatView> = self.threats.iter().filter(|t| t.needs_decision() && t.severity >= Severity::High).collect();
        blocks.push(Block::Paragraph(if urgent.is_empty() {
            "Every open threat rated High or Critical has a decision.".to_string()
        } else {
            format!("{} rated High or Critical {} no decision yet.", plural(urgent.len(), "open threat", "open threats"), if urgent.len() == 1 { "has" } else { "have" })
        }));

        blocks.push(Block::Subheading("Threats by severity and status".into()));
        let statuses = [ThreatStatus::Open, ThreatStatus::Mitigated, ThreatStatus::Accepted, ThreatStatus::Transferred, ThreatStatus::NotApplicable];
        let live: Vec<&ThreatView> = self.threats.iter().filter(|t| !t.stale).collect();
        let mut rows = Vec::new();
        for severity in [Severity::Critical, Severity::High, Severity::Medium, Severity::Low] {
            let of: Vec<&&ThreatView> = live.iter().filter(|t| t.severity == severity).collect();
            let mut row = vec![Cell { lines: vec![(severity.label().to_string(), Style::Bold)], severity: Some(severity) }];
            row.extend(statuses.iter().map(|s| Cell::text(of.iter().filter(|t| t.status == *s).count().to_string())));
            row.push(Cell { lines: vec![(of.len().to_string(), Style::Bold)], severity: None });
            rows.push(row);
        }
        let mut total = vec![Cell { lines: vec![("Total".to_string(), Style::Bold)], severity: None }];
        total.extend(statuses.iter().map(|s| Cell { lines: vec![(live.iter().filter(|t| t.status == *s).count().to_string(), Style::Bold)], severity: None }));
        total.push(Cell { lines: vec![(live.len().to_string(), Style::Bold)], severity: None });
        rows.push(total);
        blocks.push(Block::Table(Table {
            columns: vec![("Severity", 1.3), ("Open", 1.0), ("Mitigated", 1.0), ("Accepted", 1.0), ("Transferred", 1.0), ("Not applicable", 1.0), ("Total", 0.8)],
            rows,
        }));
        let stale = self.threats.len() - live.len();
        if stale > 0 {
            blocks.push(Block::Note(format!("{} not counted: the element or rule behind them is gone.", plural(stale, "stale threat is", "stale threats are"))));
        }

        blocks.push(Block::Subheading("Top risks".into()));
        let open: Vec<&ThreatView> = ranked(&self.threats).into_iter().filter(|t| !t.stale && t.status == ThreatStatus::Open).take(TOP_RISKS).collect();
        if open.is_empty() {
            blocks.push(Block::Paragraph("No threat is open.".into()));
        } else {
            blocks.push(Block::Bullets(open.iter().map(|t| self.plain_words(t)).collect()));
        }

        if !self.trees.is_empty() {
            blocks.push(Block::Subheading("Attack goals".into()));
            let lines = self
                .trees
                .iter()
                .map(|(tree, analysis)| match analysis {
                    Ok(a) => match &a.cheapest {
                        Some(s) => format!(
                            "The cheapest way to {} costs the attacker {} in {}: {}.",
                            goal(&tree.name),
                            self.money(s.cost),
                            plural(s.steps.len(), "step", "steps"),
                            steps(s)
                        ),
                        None if !a.root.reachable => format!("{}: the attacker cannot reach this goal with the countermeasures in place.", quoted(&tree.name)),
                        None => format!("{}: the cost of the cheapest attack is unknown (a step has no cost).", quoted(&tree.name)),
                    },
                    Err(e) => format!("{}: could not be analysed ({}).", quoted(&tree.name), inert(e, 300)),
                })
                .collect();
            blocks.push(Block::Bullets(lines));
        }

        let v = &self.validation;
        blocks.push(Block::Paragraph(match v.findings.len() {
            0 => "Validation found nothing to fix in the diagrams and attack trees.".to_string(),
            n => format!(
                "Validation leaves {} open ({}, {}); see “{}”.",
                plural(n, "finding", "findings"),
                plural(v.count(FindingSeverity::Error), "error", "errors"),
                plural(v.count(FindingSeverity::Warning), "warning", "warnings"),
                Section::Findings.title()
            ),
        }));
        blocks
    }

    /// One risk in a sentence a stakeholder can read.
    fn plain_words(&self, t: &ThreatView) -> String {
        // The target, unless the title already names it.
        let named = t.target_name.trim().is_empty() || t.title.contains(t.target_name.trim());
        let target = if named { String::new() } else { format!(" (on {})", quoted(&t.target_name)) };
        let decision = match t.decision {
            Some(d) => {
                let owner = if t.owner.trim().is_empty() { String::new() } else { format!(", owner {}", inert(&t.owner, NAME_MAX)) };
                let due = t.due_date.as_deref().map(|d| format!(", due {}", inert(d, 40))).unwrap_or_default();
                format!("Decision: {}{owner}{due}.", decision_label(d))
            }
            None => "No decision has been recorded yet.".to_string(),
        };
        format!(
            "{}: {}{target}. It is {} and its impact would be {} ({} risk, score {}). {decision}",
            t.severity.label(),
            inert(&t.title, NAME_MAX),
            likelihood_words(t.likelihood),
            impact_words(t.impact),
            t.severity.label().to_lowercase(),
            score_label(t),
        )
    }

    fn scope(&self) -> Vec<Block> {
        let meta = &self.doc.metadata;
        let mut blocks = vec![Block::Subheading("In scope".into())];
        blocks.extend(paragraphs(&meta.scope_in, "Not stated."));
        blocks.push(Block::Subheading("Out of scope".into()));
        blocks.extend(paragraphs(&meta.scope_out, "Not stated."));
        let mut out: Vec<&Element> = self.doc.elements.values().filter(|e| e.out_of_scope).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        if !out.is_empty() {
            blocks.push(Block::Table(Table {
                columns: vec![("Element left out", 2.0), ("Kind", 1.0), ("Why", 3.0)],
                rows: out
                    .iter()
                    .map(|e| vec![Cell::text(inert(&e.name, NAME_MAX)), Cell::text(e.kind().label()), Cell::text(inert(&e.out_of_scope_reason, TEXT_MAX))])
                    .collect(),
            }));
        }
        blocks.push(Block::Subheading("Assumptions".into()));
        let assumptions: Vec<String> = meta.assumptions.iter().map(|a| inert(a, TEXT_MAX)).filter(|a| !a.is_empty()).collect();
        if assumptions.is_empty() {
            blocks.push(Block::Paragraph("None recorded.".into()));
        } else {
            blocks.push(Block::Bullets(assumptions));
        }
        blocks
    }

    fn assets(&self) -> Vec<Block> {
        let mut assets: Vec<&Asset> = self.doc.assets.values().collect();
        assets.sort_by(|a, b| b.classification.cmp(&a.classification).then(a.name.cmp(&b.name)));
        if assets.is_empty() {
            return vec![Block::Paragraph("No assets are recorded in the model.".into())];
        }
        vec![
            Block::Paragraph("What must be protected, most sensitive first.".into()),
            Block::Table(Table {
                columns: vec![("Asset", 2.0), ("Classification", 1.2), ("Description", 4.0)],
                rows: assets
                    .iter()
                    .map(|a| {
                        let class = a.classification.map(classification_label).unwrap_or("not classified");
                        vec![Cell { lines: vec![(inert(&a.name, NAME_MAX), Style::Bold)], severity: None }, Cell::text(class), Cell::text(inert(&a.description, TEXT_MAX))]
                    })
                    .collect(),
            }),
        ]
    }

    fn sorted_diagrams(&self) -> Vec<&Diagram> {
        let mut diagrams: Vec<&Diagram> = self.doc.diagrams.values().collect();
        diagrams.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        diagrams
    }

    fn diagrams(&self) -> Vec<Block> {
        let diagrams = self.sorted_diagrams();
        if diagrams.is_empty() {
            return vec![Block::Paragraph("The model has no diagram.".into())];
        }
        let mut blocks = vec![Block::Note(
            "Legend: rectangles are external entities, rounded shapes processes, open-sided boxes data stores, arrows data flows, and dashed outlines trust boundaries.".into(),
        )];
        for (i, d) in diagrams.iter().enumerate() {
            let on = |k: ElementKind| self.doc.elements.values().filter(|e| e.diagram == d.id && e.kind() == k).count();
            blocks.push(Block::Subheading(inert(&d.name, NAME_MAX)));
            blocks.push(Block::Drawing {
                figure: Figure::Diagram(d.id),
                caption: format!(
                    "Figure {}. {}: {}, {}, {}, {}, {}.",
                    i + 1,
                    quoted(&d.name),
                    plural(on(ElementKind::ExternalEntity), "external entity", "external entities"),
                    plural(on(ElementKind::Process), "process", "processes"),
                    plural(on(ElementKind::DataStore), "data store", "data stores"),
                    plural(on(ElementKind::DataFlow), "data flow", "data flows"),
                    plural(on(ElementKind::TrustBoundary), "trust boundary", "trust boundaries"),
                ),
            });
        }
        blocks
    }

    fn elements(&self) -> Vec<Block> {
        let diagrams = self.sorted_diagrams();
        if diagrams.is_empty() {
            return vec![Block::Paragraph("The model has no diagram.".into())];
        }
        let mut blocks = vec![Block::Paragraph("Every element with the properties stated on it; a property not listed was not stated. The zone is the innermost trust boundary around the element.".into())];
        for d in diagrams {
            let mut elements: Vec<&Element> = self.doc.elements.values().filter(|e| e.diagram == d.id).collect();
            elements.sort_by(|a, b| kind_order(a.kind()).cmp(&kind_order(b.kind())).then(a.name.cmp(&b.name)).then(a.id.cmp(&b.id)));
            blocks.push(Block::Subheading(inert(&d.name, NAME_MAX)));
            if elements.is_empty() {
                blocks.push(Block::Paragraph("This diagram is empty.".into()));
                continue;
            }
            let rows = elements
                .iter()
                .map(|e| {
                    let zone = e.parent.and_then(|p| self.doc.elements.get(&p)).map(|b| inert(&b.name, NAME_MAX)).unwrap_or_default();
                    let mut name = Cell { lines: vec![(inert(&e.name, NAME_MAX), Style::Bold)], severity: None };
                    if e.out_of_scope {
                        name = name.with("out of scope", Style::Muted);
                    }
                    let mut notes = Cell::default();
                    for (label, value) in [("", &e.description), ("Technology: ", &e.technology), ("Owner: ", &e.owner)] {
                        let value = inert(value, TEXT_MAX);
                        if !value.is_empty() {
                            notes = notes.with(format!("{label}{value}"), if label.is_empty() { Style::Normal } else { Style::Muted });
                        }
                    }
                    if !e.tags.is_empty() {
                        notes = notes.with(format!("Tags: {}", list(&e.tags)), Style::Muted);
                    }
                    vec![name, Cell::text(e.kind().label()), Cell::text(zone), Cell::text(self.properties(e).join(" · ")), notes]
                })
                .collect();
            blocks.push(Block::Table(Table { columns: vec![("Element", 2.0), ("Kind", 1.0), ("Zone", 1.2), ("Properties", 3.6), ("Notes", 2.8)], rows }));
        }
        blocks
    }

    /// The stated properties of an element, one "name: value" each, read from its typed
    /// properties so that a property added to the model shows up here without a change.
    fn properties(&self, e: &Element) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(f) = e.flow() {
            out.push(format!("{} → {}", self.element_name(f.source), self.element_name(f.target)));
            if f.bidirectional {
                out.push("both ways".into());
            }
        }
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&e.properties) {
            for (key, value) in map {
                if matches!(key.as_str(), "kind" | "source" | "target" | "bidirectional") {
                    continue;
                }
                let value = match value {
                    serde_json::Value::Bool(true) => "yes".to_string(),
                    serde_json::Value::Bool(false) => "no".to_string(),
                    serde_json::Value::String(s) if !s.trim().is_empty() => inert(&s, 120).replace('_', " "),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                out.push(format!("{}: {value}", key.replace('_', " ")));
            }
        }
        out
    }

    fn mitigation_cell(&self, t: &ThreatView) -> Cell {
        let mut cell = Cell::default();
        for id in &t.mitigations {
            if let Some(m) = self.doc.mitigations.get(id) {
                cell = cell.with(format!("{} ({})", inert(&m.name, NAME_MAX), mitigation_status(m.status)), Style::Normal);
            }
        }
        if cell.lines.is_empty() {
            for s in t.suggested_mitigations.iter().take(3) {
                cell = cell.with(format!("Suggested: {}", inert(s, NAME_MAX)), Style::Muted);
            }
        }
        cell
    }

    fn register(&self) -> Vec<Block> {
        let mut blocks = vec![Block::Paragraph(
            "Threats ranked by risk. Score = likelihood × impact, each 1 to 5: Low 1–4, Medium 5–9, High 10–15, Critical 16–25. Where a detectability is set, the risk priority number (RPN = likelihood × impact × detectability) sets the severity instead.".into(),
        )];
        if self.threats.is_empty() {
            blocks.push(Block::Paragraph("The model has no threats.".into()));
            return blocks;
        }
        let rows = ranked(&self.threats)
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let target = if t.target_name.trim().is_empty() { String::new() } else { format!(" · {} ({})", inert(&t.target_name, NAME_MAX), t.target_kind.map(|k| k.label()).unwrap_or("element")) };
                let mut threat = Cell { lines: vec![(inert(&t.title, NAME_MAX), Style::Bold)], severity: None }
                    .with(format!("{}{target}", category_label(t.category)), Style::Muted)
                    .with(inert(&t.description, TEXT_MAX), Style::Normal);
                if t.stale {
                    threat = threat.with(format!("Stale: {}", inert(t.stale_reason.as_deref().unwrap_or("its element or rule is gone"), 300)), Style::Muted);
                }
                if !t.references.is_empty() {
                    threat = threat.with(list(&t.references), Style::Muted);
                }
                let mut status = Cell { lines: vec![(status_label(t.status).to_string(), Style::Bold)], severity: None };
                if let Some(d) = t.decision {
                    status = status.with(decision_label(d), Style::Normal);
                }
                if !t.reviewer.trim().is_empty() || t.review_date.is_some() {
                    let by = [inert(&t.reviewer, NAME_MAX), t.review_date.as_deref().map(|d| inert(d, 40)).unwrap_or_default()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
                    status = status.with(format!("Reviewed: {by}"), Style::Muted);
                }
                let mut owner = Cell::text(inert(&t.owner, NAME_MAX));
                if let Some(due) = &t.due_date {
                    owner = owner.with(format!("Due {}", inert(due, 40)), Style::Muted);
                }
                vec![
                    Cell::text((i + 1).to_string()),
                    Cell::severity(t.severity, format!("{} ({}×{})", score_label(t), t.likelihood, t.impact)),
                    threat,
                    status,
                    owner,
                    self.mitigation_cell(t),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table { columns: vec![("#", 0.55), ("Risk", 1.15), ("Threat", 4.0), ("Status", 1.2), ("Owner", 1.15), ("Mitigations", 2.6)], rows }));
        blocks
    }

    fn attack_trees(&self) -> Vec<Block> {
        if self.trees.is_empty() {
            return vec![Block::Paragraph("The model has no attack trees.".into())];
        }
        let mut blocks = vec![Block::Paragraph(
            "Each tree breaks an attacker's goal into steps: OR, the attacker picks one branch; AND, all branches in any order; SAND, all branches in order. Countermeasures hang under the step they counter. The cheapest scenario is drawn with a heavy outline and bold labels (marked ▶ in lists).".into(),
        )];
        for (tree, analysis) in &self.trees {
            blocks.push(Block::Subheading(inert(&tree.name, NAME_MAX)));
            blocks.extend(inert_paragraphs(&tree.description, TEXT_MAX).into_iter().map(Block::Paragraph));
            let a = match analysis {
                Ok(a) => a,
                Err(e) => {
                    blocks.push(Block::Paragraph(format!("This tree could not be analysed: {}.", inert(e, 300))));
                    continue;
                }
            };
            let probability = |p: Option<f64>| p.map(num).unwrap_or_else(|| "unknown".into());
            blocks.push(Block::Facts(vec![
                ("Goal reachable".into(), if a.root.reachable { "yes".into() } else { "no, with the countermeasures in place".into() }),
                ("Cheapest attack".into(), self.money(a.root.min_cost)),
                ("Most likely scenario".into(), probability(a.root.max_probability)),
                ("Fastest (hours)".into(), a.root.min_time.map(num).unwrap_or_else(|| "unknown".into())),
                ("Least skill (1–5)".into(), a.root.min_skill.map(|s| s.to_string()).unwrap_or_else(|| "unknown".into())),
            ]));
            if let Some(s) = &a.cheapest {
                blocks.push(Block::Paragraph(format!("Cheapest scenario ({}): {}.", self.money(s.cost), steps(s))));
            }
            if !a.top.is_empty() {
                blocks.push(Block::Table(Table {
                    columns: vec![("#", 0.4), ("Scenario (steps)", 5.0), ("Cost", 1.3), ("Probability", 1.1), ("Hours", 0.9), ("Skill", 0.7)],
                    rows: a
                        .top
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            vec![
                                Cell::text((i + 1).to_string()),
                                Cell { lines: vec![(steps(s), if i == 0 { Style::Bold } else { Style::Normal })], severity: None },
                                Cell::text(self.money(s.cost)),
                                Cell::text(probability(s.probability)),
                                Cell::text(s.time.map(num).unwrap_or_else(|| "—".into())),
                                Cell::text(s.skill.map(|v| v.to_string()).unwrap_or_else(|| "—".into())),
                            ]
                        })
                        .collect(),
                }));
            }
            // The drawing after the figures: a wide tree takes a landscape page of its own.
            blocks.push(Block::Drawing { figure: Figure::AttackTree { tree: tree.id, outline: self.outline(tree, a) }, caption: self.tree_caption(tree) });
            for w in a.warnings.iter().take(5) {
                blocks.push(Block::Note(inert(w, 300)));
            }
        }
        blocks
    }

    /// What a tree's drawing holds, in words.
    fn tree_caption(&self, tree: &AttackTree) -> String {
        let nodes: Vec<&AttackNode> = self.doc.attack_nodes.values().filter(|n| n.tree == tree.id).collect();
        let defenses: Vec<&&AttackNode> = nodes.iter().filter(|n| n.role == Role::Defense).collect();
        let in_place = defenses.iter().filter(|n| n.implemented).count();
        format!(
            "{}: {} and {} ({} in place). Under each step: the cost of the cheapest way past it, its probability, hours and skill.",
            quoted(&tree.name),
            plural(nodes.len() - defenses.len(), "attack step or gate", "attack steps and gates"),
            plural(defenses.len(), "countermeasure", "countermeasures"),
            in_place,
        )
    }

    /// The tree as an indented outline, root first, children in order, countermeasures
    /// under the node they counter. A node shared by several parents appears under each;
    /// a cycle (which validation reports) is cut.
    fn outline(&self, tree: &AttackTree, a: &TreeAnalysis) -> Vec<OutlineLine> {
        let marked: HashSet<Id> = a.cheapest_nodes.iter().copied().collect();
        let values: BTreeMap<Id, &attack::NodeAnalysis> = a.nodes.iter().map(|n| (n.id, n)).collect();
        let mut lines = Vec::new();
        let mut stack: Vec<(Id, usize, bool, Vec<Id>)> = vec![(tree.root, 0, false, Vec::new())];
        let mut total = 0usize;
        while let Some((id, depth, counter, path)) = stack.pop() {
            let Some(node) = self.doc.attack_nodes.get(&id) else { continue };
            total += 1;
            if lines.len() >= OUTLINE_MAX {
                continue;
            }
            let gate = match (node.children.is_empty(), node.gate) {
                (true, _) | (false, Gate::Leaf) => None,
                (false, Gate::And) => Some("AND"),
                (false, Gate::Or) => Some("OR"),
                (false, Gate::Sand) => Some("SAND, in order"),
            };
            let mut detail = Vec::new();
            if counter || node.role == Role::Defense {
                detail.push(if node.role == Role::Defense { if node.implemented { "countermeasure, in place" } else { "countermeasure, not in place" } } else { "counter-attack" }.to_string());
            }
            if let Some(g) = gate {
                detail.push(g.to_string());
            } else {
                let at = &node.attributes;
                if let Some(c) = at.cost {
                    detail.push(format!("cost {}", self.money(Some(c))));
                }
                if let Some(p) = at.probability {
                    detail.push(format!("probability {}", num(p)));
                }
                if let Some(t) = at.time {
                    detail.push(format!("{} h", num(t)));
                }
                if let Some(s) = at.skill {
                    detail.push(format!("skill {s}"));
                }
            }
            if depth == 0 {
                if let Some(v) = values.get(&id) {
                    detail.push(format!("cheapest {}", self.money(v.min_cost)));
                }
            }
            lines.push(OutlineLine { depth, label: inert(&node.label, NAME_MAX), detail: detail.join(", "), marked: marked.contains(&id) });
            if path.contains(&id) || depth > 60 {
                continue;
            }
            let mut below = path.clone();
            below.push(id);
            // Pushed in reverse so that they pop in order.
            for c in node.countermeasures.iter().rev() {
                stack.push((*c, depth + 1, true, below.clone()));
            }
            for c in node.children.iter().rev() {
                stack.push((*c, depth + 1, counter, below.clone()));
            }
        }
        if total > lines.len() {
            lines.push(OutlineLine { depth: 0, label: format!("… and {} more nodes", total - lines.len()), detail: String::new(), marked: false });
        }
        lines
    }

    fn accepted(&self) -> Vec<Block> {
        let accepted: Vec<&ThreatView> =
            ranked(&self.threats).into_iter().filter(|t| !t.stale && (t.status == ThreatStatus::Accepted || t.decision == Some(Decision::Accept))).collect();
        if accepted.is_empty() {
            return vec![Block::Paragraph("No risk has been accepted.".into())];
        }
        vec![
            Block::Paragraph(format!("{} accepted, with the reasons given.", plural(accepted.len(), "risk is", "risks are"))),
            Block::Table(Table {
                columns: vec![("Threat", 3.0), ("Risk", 1.2), ("Rationale", 3.6), ("Decided by", 1.6)],
                rows: accepted
                    .iter()
                    .map(|t| {
                        let rationale = match inert(&t.rationale, TEXT_MAX) {
                            r if r.is_empty() => Cell::default().with("No rationale recorded.", Style::Muted),
                            r => Cell::text(r),
                        };
                        let mut by = Cell::text(inert(if t.reviewer.trim().is_empty() { &t.owner } else { &t.reviewer }, NAME_MAX));
                        if let Some(date) = t.review_date.as_ref().or(t.due_date.as_ref()) {
                            by = by.with(inert(date, 40), Style::Muted);
                        }
                        vec![
                            Cell { lines: vec![(inert(&t.title, NAME_MAX), Style::Bold)], severity: None }.with(inert(&t.target_name, NAME_MAX), Style::Muted),
                            Cell::severity(t.severity, score_label(t)),
                            rationale,
                            by,
                        ]
                    })
                    .collect(),
            }),
        ]
    }

    fn findings(&self) -> Vec<Block> {
        let v = &self.validation;
        let mut blocks = Vec::new();
        if v.findings.is_empty() {
            blocks.push(Block::Paragraph("No validation finding is open.".into()));
        } else {
            let mut findings: Vec<_> = v.findings.iter().collect();
            findings.sort_by(|a, b| a.severity.cmp(&b.severity).then(a.code.cmp(&b.code)));
            let place = |f: &crate::analysis::Finding| {
                f.diagram.and_then(|d| self.doc.diagrams.get(&d)).map(|d| inert(&d.name, NAME_MAX)).or_else(|| f.tree.and_then(|t| self.doc.attack_trees.get(&t)).map(|t| inert(&t.name, NAME_MAX))).unwrap_or_default()
            };
            blocks.push(Block::Table(Table {
                columns: vec![("Severity", 1.0), ("Code", 0.9), ("Finding", 5.0), ("Where", 1.8)],
                rows: findings
                    .iter()
                    .map(|f| {
                        let label = match f.severity {
                            FindingSeverity::Error => "Error",
                            FindingSeverity::Warning => "Warning",
                            FindingSeverity::Info => "Info",
                        };
                        vec![Cell { lines: vec![(label.into(), Style::Bold)], severity: None }, Cell::text(inert(&f.code, 20)), Cell::text(inert(&f.message, TEXT_MAX)), Cell::text(place(f))]
                    })
                    .collect(),
            }));
        }
        if !v.dismissed.is_empty() {
            blocks.push(Block::Note(format!("{} set aside with a reason and not listed.", plural(v.dismissed.len(), "finding was", "findings were"))));
        }
        blocks
    }
}

fn goal(name: &str) -> String {
    match inert(name, NAME_MAX) {
        n if n.is_empty() => "reach the goal".into(),
        n => format!("reach {}", quoted(&n)),
    }
}

fn steps(s: &Scenario) -> String {
    s.labels.iter().map(|l| inert(l, 120)).collect::<Vec<_>>().join(" → ")
}

fn kind_order(k: ElementKind) -> u8 {
    match k {
        ElementKind::ExternalEntity => 0,
        ElementKind::Process => 1,
        ElementKind::DataStore => 2,
        ElementKind::DataFlow => 3,
        ElementKind::TrustBoundary => 4,
    }
}

fn classification_label(c: Classification) -> &'static str {
    match c {
        Classification::Public => "Public",
        Classification::Internal => "Internal",
        Classification::Confidential => "Confidential",
        Classification::Secret => "Secret",
    }
}

fn mitigation_status(s: MitigationStatus) -> &'static str {
    match s {
        MitigationStatus::Proposed => "proposed",
        MitigationStatus::Implemented => "implemented",
        MitigationStatus::Verified => "verified",
    }
}
