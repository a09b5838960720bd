//! The threat register as a list: its ranking and its plain-text forms (CSV, a Markdown
//! table), shared by `rampart threats`, the exports and the report so that all of them rank
//! and label threats the same way.

use crate::analysis::stride::category_label;
use crate::analysis::ThreatView;
use crate::model::{Decision, Origin, ThreatStatus};

use super::markdown::escape;

/// Highest risk first (severity, then rpn or score), then register order.
pub fn ranked(threats: &[ThreatView]) -> Vec<&ThreatView> {
    let mut list: Vec<&ThreatView> = threats.iter().collect();
    list.sort_by(|a, b| {
        let key = |t: &ThreatView| (t.severity, t.rpn.unwrap_or(t.score * 3));
        key(b).cmp(&key(a))
    });
    list
}

pub fn status_label(status: ThreatStatus) -> &'static str {
    match status {
        ThreatStatus::Open => "Open",
        ThreatStatus::Mitigated => "Mitigated",
        ThreatStatus::Accepted => "Accepted",
        ThreatStatus::Transferred => "Transferred",
        ThreatStatus::NotApplicable => "Not applicable",
    }
}

pub fn decision_label(decision: Decision) -> &'static str {
    match decision {
        Decision::FixNow => "Fix now",
        Decision::Mitigate => "Mitigate",
        Decision::Defer => "Defer",
        Decision::Accept => "Accept",
    }
}

/// The score as shown: `12`, or `12 (RPN 48)` when detectability is set.
pub fn score_label(t: &ThreatView) -> String {
    match t.rpn {
        Some(rpn) => format!("{} (RPN {rpn})", t.score),
        None => t.score.to_string(),
    }
}

/// RFC 4180 CSV, one threat a row, in register order. A cell that a spreadsheet would take
/// for a formula (starting with = + - @) gets a leading apostrophe.
pub fn csv(threats: &[ThreatView]) -> String {
    fn cell(text: &str) -> String {
        let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    }
    let mut out = String::from(
        "id,category,target_id,target_name,target_kind,title,rule_id,likelihood,impact,detectability,score,rpn,severity,status,decision,owner,due_date,stale,origin,why,references\r\n",
    );
    for t in threats {
        let row = [
            t.id.to_string(),
            category_label(t.category).to_string(),
            t.target_id.map(|i| i.to_string()).unwrap_or_default(),
            t.target_name.clone(),
            t.target_kind.map(|k| k.key()).unwrap_or("").to_string(),
            t.title.clone(),
            t.rule_id.clone().unwrap_or_default(),
            t.likelihood.to_string(),
            t.impact.to_string(),
            t.detectability.map(|d| d.to_string()).unwrap_or_default(),
            t.score.to_string(),
            t.rpn.map(|d| d.to_string()).unwrap_or_default(),
            t.severity.label().to_string(),
            status_label(t.status).to_string(),
            t.decision.map(decision_label).unwrap_or("").to_string(),
            t.owner.clone(),
            t.due_date.clone().unwrap_or_default(),
            t.stale.to_string(),
            if t.origin == Origin::Generated { "generated" } else { "manual" }.to_string(),
            t.why.clone(),
            t.references.join(" "),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// A Markdown table ranked by risk. Text is escaped so that a name cannot break the table
/// or inject markup.
pub fn markdown_table(threats: &[ThreatView]) -> String {
    let mut out = String::from("| Severity | Score | Category | Target | Threat | Status | Decision | Rule |\n|---|---|---|---|---|---|---|---|\n");
    for t in ranked(threats) {
        let title = if t.stale { format!("{} (stale)", t.title) } else { t.title.clone() };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            t.severity.label(),
            score_label(t),
            category_label(t.category),
            escape(&t.target_name),
            escape(&title),
            status_label(t.status),
            t.decision.map(decision_label).unwrap_or(""),
            escape(t.rule_id.as_deref().unwrap_or("manual")),
        ));
    }
    out
}
