//! AWS Threat Composer workspaces (`*.tc.json`, schema 1), read as untyped JSON.
//!
//! What maps where:
//! - `applicationInfo` → the model's name and summary; the `architecture` and `dataflow`
//!   descriptions are appended to the summary under their own headings.
//! - threats → threats without a target (Threat Composer has no diagram elements): the
//!   statement is the description and, shortened at a word, the title; the threat grammar
//!   (source, prerequisites, action, impact, goals, assets) follows in the description;
//!   STRIDE from the `STRIDE` metadata (the first letter; further ones in the notes);
//!   `Priority` High / Medium / Low → likelihood and impact of that severity; status
//!   threatIdentified / threatResolved / threatResolvedNotUseful → Open / Mitigated / Not
//!   applicable; tags and comments → notes.
//! - mitigations → mitigations; status mitigationIdentified / mitigationInProgress /
//!   mitigationResolved / mitigationResolvedWillNotAction → Proposed / Proposed /
//!   Implemented / Proposed (the second and last with a warning); `mitigationLinks` → the
//!   threats' linked mitigations.
//! - assumptions → the model's assumptions (with their comments); `assumptionLinks` → a
//!   line in the linked threat's notes or mitigation's description.
//!
//! Threat and mitigation packs (`"type": "threat-pack"` / `"mitigation-pack"`) read the same
//! way, their `name` and `description` naming the model.
//!
//! Threat Composer has no data-flow diagram: the import has one empty diagram to draw on,
//! and says so when the workspace carried an architecture or data-flow picture.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use uuid::Uuid;

use super::{malformed, Imported, Warnings};
use crate::document::Document;
use crate::error::Result;
use crate::model::*;
use crate::risk::Severity;

/// The namespace of ids derived from Threat Composer ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x9c41_7e0b_2f6d_4a35_b8e2_5d17_c03a_6f94);

const FORMAT: &str = "Threat Composer";

/// Titles longer than this are shortened at a word (the full statement is the description).
const TITLE_CHARS: usize = 120;

fn derived_id(parts: &[&str]) -> Id {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes())
}

const SECTIONS: [&str; 5] = ["threats", "mitigations", "assumptions", "mitigationLinks", "assumptionLinks"];

/// Is this JSON a Threat Composer workspace? It has a numeric `schema` and at least one of
/// the workspace's sections.
pub fn detect(json: &Value) -> bool {
    json.get("schema").is_some_and(Value::is_number)
        && (SECTIONS.iter().any(|k| json.get(k).is_some()) || json.get("applicationInfo").is_some() || json.get("architecture").is_some())
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

/// Threat Composer's metadata: a list of `{key, value}`, the value a string or a list.
fn metadata(item: &Value) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for entry in item.get("metadata").and_then(Value::as_array).into_iter().flatten() {
        let Some(key) = text(entry, "key") else { continue };
        let values = strings(entry, "value");
        if !values.is_empty() {
            out.push((key.to_string(), values));
        }
    }
    out
}

fn stride(letter: &str) -> Option<StrideCategory> {
    Some(match letter.trim().to_ascii_uppercase().as_str() {
        "S" | "SPOOFING" => StrideCategory::Spoofing,
        "T" | "TAMPERING" => StrideCategory::Tampering,
        "R" | "REPUDIATION" => StrideCategory::Repudiation,
        "I" | "INFORMATION DISCLOSURE" => StrideCategory::InformationDisclosure,
        "D" | "DENIAL OF SERVICE" => StrideCategory::DenialOfService,
        "E" | "ELEVATION OF PRIVILEGE" => StrideCategory::ElevationOfPrivilege,
        _ => return None,
    })
}

fn category_label(c: StrideCategory) -> &'static str {
    match c {
        StrideCategory::Spoofing => "Spoofing",
        StrideCategory::Tampering => "Tampering",
        StrideCategory::Repudiation => "Repudiation",
        StrideCategory::InformationDisclosure => "Information disclosure",
        StrideCategory::DenialOfService => "Denial of service",
        StrideCategory::ElevationOfPrivilege => "Elevation of privilege",
    }
}

/// A title from a long statement: cut at a word, with an ellipsis.
fn short_title(statement: &str) -> String {
    if statement.chars().count() <= TITLE_CHARS {
        return statement.to_string();
    }
    let cut: String = statement.chars().take(TITLE_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > TITLE_CHARS / 2 => &cut[..at],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ' ']))
}

/// The items of a top-level list: a list (or null) is fine, anything else is damage.
fn section<'a>(json: &'a Value, key: &str, path: &Path, warnings: &mut Warnings) -> Result<Vec<&'a Value>> {
    match json.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            let (objects, others): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|v| v.is_object());
            for _ in others {
                warnings.add(&format!("an entry of “{key}” that is not an object was skipped"));
            }
            Ok(objects)
        }
        Some(_) => Err(malformed(path, FORMAT, format!("“{key}” is not a list"))),
    }
}

pub fn import(json: &Value, path: &Path) -> Result<Imported> {
    let mut warnings = Warnings::default();
    if !json.is_object() {
        return Err(malformed(path, FORMAT, "the top level is not an object"));
    }
    if let Some(version) = json.get("schema").and_then(Value::as_f64).filter(|v| *v > 1.0) {
        warnings.add(&format!("the workspace uses Threat Composer schema {version}; Rampart reads schema 1, so newer fields may be missing"));
    }
    let threats = section(json, "threats", path, &mut warnings)?;
    let mitigations = section(json, "mitigations", path, &mut warnings)?;
    let assumptions = section(json, "assumptions", path, &mut warnings)?;
    let mitigation_links = section(json, "mitigationLinks", path, &mut warnings)?;
    let assumption_links = section(json, "assumptionLinks", path, &mut warnings)?;

    let mut doc = Document::default();
    let app = json.get("applicationInfo").unwrap_or(&Value::Null);
    // A threat or mitigation pack names itself at the top level.
    let pack = text(json, "type").is_some_and(|t| t.ends_with("-pack"));
    let (name, description) = if pack { (text(json, "name"), text(json, "description")) } else { (text(app, "name"), text(app, "description")) };
    doc.metadata.name = name.unwrap_or("Imported Threat Composer workspace").to_string();
    doc.metadata.currency = "EUR".to_string();
    let mut summary: Vec<String> = description.map(String::from).into_iter().collect();
    for (key, heading) in [("architecture", "Architecture"), ("dataflow", "Data flow")] {
        let part = json.get(key).unwrap_or(&Value::Null);
        if let Some(description) = text(part, "description") {
            summary.push(format!("### {heading}\n\n{description}"));
        }
        if text(part, "image").is_some() {
            warnings.add(&format!("the {} picture was not imported: Threat Composer has no diagram Rampart can read, so draw the data-flow diagram in Rampart", heading.to_lowercase()));
        }
    }
    doc.metadata.summary = summary.join("\n\n");
    let diagram = derived_id(&["diagram"]);
    doc.diagrams.insert(diagram, Diagram { id: diagram, name: "Main diagram".to_string() });
    if json.get("brainstorm").is_some_and(|b| b.as_object().is_some_and(|o| o.values().any(|v| v.as_array().is_some_and(|a| !a.is_empty())))) {
        warnings.add("the brainstorm notes were not imported (Rampart has no place for them)");
    }

    // Assumptions, by id, for the links.
    let mut assumption_text: BTreeMap<String, String> = BTreeMap::new();
    for (n, a) in assumptions.iter().enumerate() {
        let Some(content) = text(a, "content") else {
            warnings.add("an assumption without text was skipped");
            continue;
        };
        let mut line = content.to_string();
        for (key, values) in metadata(a) {
            line.push_str(&format!(" ({}: {})", key.trim_start_matches("custom:"), values.join(", ")));
        }
        let tags = strings(a, "tags");
        if !tags.is_empty() {
            line.push_str(&format!(" [tags: {}]", tags.join(", ")));
        }
        doc.metadata.assumptions.push(line);
        let id = text(a, "id").map(String::from).unwrap_or(format!("assumption-{n}"));
        assumption_text.insert(id, content.to_string());
    }

    // Mitigations.
    let mut mitigation_ids: BTreeMap<String, Id> = BTreeMap::new();
    for (n, m) in mitigations.iter().enumerate() {
        let tc_id = text(m, "id").map(String::from).unwrap_or(format!("mitigation-{n}"));
        let id = derived_id(&["mitigation", &tc_id]);
        let content = text(m, "content").unwrap_or("");
        let status = match text(m, "status").unwrap_or("mitigationIdentified") {
            "mitigationIdentified" => MitigationStatus::Proposed,
            "mitigationResolved" => MitigationStatus::Implemented,
            "mitigationInProgress" => {
                warnings.add("Rampart has no “in progress” status for mitigations; such mitigations were imported as Proposed");
                MitigationStatus::Proposed
            }
            "mitigationResolvedWillNotAction" => {
                warnings.add("Rampart has no “will not action” status for mitigations; such mitigations were imported as Proposed (see their description)");
                MitigationStatus::Proposed
            }
            other => {
                warnings.add(&format!("mitigation status “{other}” is unknown; such mitigations were imported as Proposed"));
                MitigationStatus::Proposed
            }
        };
        let mut description = vec![content.to_string()];
        if text(m, "status") == Some("mitigationResolvedWillNotAction") {
            description.push("Threat Composer status: resolved, will not action.".to_string());
        }
        for (key, values) in metadata(m) {
            description.push(format!("{}: {}", key.trim_start_matches("custom:"), values.join(", ")));
        }
        let tags = strings(m, "tags");
        if !tags.is_empty() {
            description.push(format!("Tags: {}", tags.join(", ")));
        }
        let name = content.lines().next().unwrap_or("").chars().take(80).collect();
        doc.mitigations.insert(id, Mitigation { id, name, description: description.join("\n\n").trim().to_string(), status });
        mitigation_ids.entry(tc_id).or_insert(id);
    }

    // Threats.
    let mut threat_ids: BTreeMap<String, Id> = BTreeMap::new();
    for (n, t) in threats.iter().enumerate() {
        let tc_id = text(t, "id").map(String::from).unwrap_or(format!("threat-{n}"));
        let id = derived_id(&["threat", &tc_id]);
        let statement = text(t, "statement").map(String::from).unwrap_or_else(|| {
            // No statement: compose one from the grammar, as Threat Composer shows it.
            let parts: Vec<&str> = ["threatSource", "prerequisites", "threatAction", "threatImpact"].iter().filter_map(|k| text(t, k)).collect();
            parts.join(" ")
        });
        let mut notes = Vec::new();
        let mut category = None;
        let mut severity = None;
        for (key, values) in metadata(t) {
            match key.as_str() {
                "STRIDE" => {
                    let cats: Vec<StrideCategory> = values.iter().filter_map(|v| stride(v)).collect();
                    if cats.len() < values.len() {
                        warnings.add("a threat's STRIDE metadata holds something other than S, T, R, I, D or E; it was ignored");
                    }
                    if let Some(first) = cats.first() {
                        category = Some(*first);
                    }
                    if cats.len() > 1 {
                        warnings.add("threats with several STRIDE categories keep the first; the others are in the threat's notes");
                        let others: Vec<&str> = cats.iter().skip(1).map(|c| category_label(*c)).collect();
                        notes.push(format!("Also STRIDE: {}", others.join(", ")));
                    }
                }
                "Priority" => match values.first().and_then(|p| Severity::parse(p)) {
                    Some(s) => severity = Some(s),
                    None => warnings.add(&format!("threat priority “{}” is unknown; such threats were scored Medium", values.join(", "))),
                },
                "Comments" => notes.push(format!("Comments: {}", values.join(", "))),
                other => notes.push(format!("{}: {}", other.trim_start_matches("custom:"), values.join(", "))),
            }
        }
        let category = category.unwrap_or_else(|| {
            warnings.add("threats without a STRIDE category were filed under Tampering");
            StrideCategory::Tampering
        });
        let (likelihood, impact) = match severity {
            Some(s) => s.typical_scores(),
            None => {
                if !metadata(t).iter().any(|(k, _)| k == "Priority") {
                    warnings.add("threats without a priority were scored Medium");
                }
                Severity::Medium.typical_scores()
            }
        };
        let status = match text(t, "status").unwrap_or("threatIdentified") {
            "threatIdentified" => ThreatStatus::Open,
            "threatResolved" => ThreatStatus::Mitigated,
            "threatResolvedNotUseful" => ThreatStatus::NotApplicable,
            other => {
                warnings.add(&format!("threat status “{other}” is unknown; such threats were imported as Open"));
                ThreatStatus::Open
            }
        };
        let tags = strings(t, "tags");
        if !tags.is_empty() {
            notes.push(format!("Tags: {}", tags.join(", ")));
        }
        if let Some(number) = t.get("numericId").and_then(Value::as_i64) {
            notes.push(format!("Threat Composer id: T-{number:03}"));
        }
        let mut description = vec![statement.clone()];
        for (key, label) in [("threatSource", "Threat source"), ("prerequisites", "Prerequisites"), ("threatAction", "Threat action"), ("threatImpact", "Threat impact")] {
            if let Some(value) = text(t, key) {
                description.push(format!("{label}: {value}"));
            }
        }
        for (key, label) in [("impactedGoal", "Impacted goal"), ("impactedAssets", "Impacted assets")] {
            let values = strings(t, key);
            if !values.is_empty() {
                description.push(format!("{label}: {}", values.join(", ")));
            }
        }
        if let Some(template) = text(t, "customTemplate") {
            description.push(format!("Statement template: {template}"));
        }
        let threat = Threat {
            id,
            title: short_title(&statement),
            category,
            target: None,
            description: description.join("\n\n"),
            status,
            likelihood,
            impact,
            notes: notes.join("\n"),
            origin: Origin::Manual,
            ..Default::default()
        };
        doc.threats.insert(id, threat);
        threat_ids.entry(tc_id).or_insert(id);
    }

    // Links.
    let mut linked_pairs = std::collections::BTreeSet::new();
    for link in &mitigation_links {
        let (Some(m), Some(linked)) = (text(link, "mitigationId"), text(link, "linkedId")) else {
            warnings.add("a mitigation link without both ids was skipped");
            continue;
        };
        let (Some(&mitigation), Some(&threat)) = (mitigation_ids.get(m), threat_ids.get(linked)) else {
            warnings.add("a mitigation link to a threat or mitigation that is not in the workspace was not imported");
            continue;
        };
        if let Some(t) = doc.threats.get_mut(&threat) {
            if linked_pairs.insert((threat, mitigation)) {
                t.mitigations.push(mitigation);
            }
        }
    }
    let mut assumed = std::collections::BTreeSet::new();
    for link in &assumption_links {
        let (Some(a), Some(linked)) = (text(link, "assumptionId"), text(link, "linkedId")) else {
            warnings.add("an assumption link without both ids was skipped");
            continue;
        };
        let Some(assumption) = assumption_text.get(a) else {
            warnings.add("an assumption link to an assumption that is not in the workspace was not imported");
            continue;
        };
        if !assumed.insert((a, linked)) {
            continue;
        }
        let line = format!("Assumption: {assumption}");
        let target_threat = threat_ids.get(linked).and_then(|id| doc.threats.get_mut(id));
        if let Some(t) = target_threat {
            if !t.notes.is_empty() {
                t.notes.push('\n');
            }
            t.notes.push_str(&line);
            continue;
        }
        match mitigation_ids.get(linked).and_then(|id| doc.mitigations.get_mut(id)) {
            Some(m) => {
                if !m.description.is_empty() {
                    m.description.push_str("\n\n");
                }
                m.description.push_str(&line);
            }
            None => warnings.add("an assumption link to a threat or mitigation that is not in the workspace was not imported"),
        }
    }

    Ok(Imported { document: doc, format: "Threat Composer", warnings: warnings.into_list() })
}
