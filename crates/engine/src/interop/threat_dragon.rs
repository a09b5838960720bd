//! OWASP Threat Dragon models, v1 (JointJS cells) and v2 (X6 cells), read as untyped JSON
//! because real files vary (misspelled shapes, missing fields, free-text values).
//!
//! Ids are derived from Threat Dragon's own (UUID v5), so importing a file twice gives the
//! same model. Whatever has no Rampart equivalent is listed in the warnings.

use std::collections::BTreeMap;

use serde_json::Value;
use uuid::Uuid;

use super::{Imported, Warnings};
use crate::document::Document;
use crate::model::*;
use crate::risk::Severity;

/// The namespace of ids derived from Threat Dragon ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x6f0e_2d3c_95a1_4b7e_8c1d_7a52_1e0f_d7a9);

fn derived_id(parts: &[&str]) -> Id {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes())
}

/// Is this JSON a Threat Dragon model? Returns its major version.
pub fn detect(json: &Value) -> Option<u8> {
    let detail = json.get("detail")?;
    json.get("summary")?;
    let diagrams = detail.get("diagrams")?.as_array()?;
    let version = json.get("version").and_then(Value::as_str);
    let v1 = diagrams.iter().any(|d| d.get("diagramJson").is_some())
        || version.is_some_and(|v| v.starts_with('1'))
        || (version.is_none() && diagrams.iter().all(|d| d.get("cells").is_none()));
    Some(if v1 { 1 } else { 2 })
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn number(v: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_f64().filter(|n| n.is_finite())
}

fn flag(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

fn point(v: Option<&Value>) -> Option<Point> {
    let v = v?;
    Some(Point { x: number(v, &["x"])?, y: number(v, &["y"])? })
}

/// A cell's role, from v2's `shape` or v1's `type`.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Actor,
    Process,
    Store,
    Flow,
    BoundaryBox,
    BoundaryLine,
    Text,
    Unknown,
}

fn shape_of(cell: &Value) -> (Shape, String) {
    let name = cell.get("shape").or_else(|| cell.get("type")).and_then(Value::as_str).unwrap_or("").to_string();
    let shape = match name.as_str() {
        "actor" | "tm.Actor" => Shape::Actor,
        "process" | "tm.Process" => Shape::Process,
        "store" | "tm.Store" => Shape::Store,
        "flow" | "tm.Flow" => Shape::Flow,
        "trust-boundary-box" => Shape::BoundaryBox,
        // "trust-broundary-curve" is a misspelling found in real Threat Dragon files.
        "trust-boundary-curve" | "trust-broundary-curve" | "tm.Boundary" => Shape::BoundaryLine,
        "td-text-block" | "tm.Text" => Shape::Text,
        _ => Shape::Unknown,
    };
    (shape, name)
}

pub fn import(json: &Value, version: u8) -> Imported {
    let mut doc = Document::default();
    let mut warnings = Warnings::default();
    let summary = json.get("summary").unwrap_or(&Value::Null);
    doc.metadata.name = text(summary, &["title"]).unwrap_or("Imported Threat Dragon model").to_string();
    doc.metadata.owner = text(summary, &["owner"]).unwrap_or("").to_string();
    doc.metadata.summary = text(summary, &["description"]).unwrap_or("").to_string();
    doc.metadata.version = text(json, &["version"]).map(|v| format!("Threat Dragon {v}")).unwrap_or_default();
    doc.metadata.currency = "EUR".to_string();
    let detail = json.get("detail").unwrap_or(&Value::Null);
    if let Some(reviewer) = text(detail, &["reviewer"]).filter(|r| !r.is_empty()) {
        doc.metadata.reviewers.push(reviewer.to_string());
    }
    for c in detail.get("contributors").and_then(Value::as_array).into_iter().flatten() {
        if let Some(name) = c.get("name").and_then(Value::as_str).or(c.as_str()) {
            doc.metadata.reviewers.push(name.to_string());
        }
    }

    let diagrams = detail.get("diagrams").and_then(Value::as_array).cloned().unwrap_or_default();
    for (index, diagram) in diagrams.iter().enumerate() {
        let key = format!("diagram-{index}");
        let diagram_id = derived_id(&[&key]);
        let title = text(diagram, &["title"]).or(text(diagram, &["name"])).map(str::trim).filter(|t| !t.is_empty());
        doc.diagrams.insert(diagram_id, Diagram { id: diagram_id, name: title.map(String::from).unwrap_or(format!("Diagram {}", index + 1)) });
        let cells = if version == 1 { diagram.pointer("/diagramJson/cells") } else { diagram.get("cells") };
        let cells = cells.and_then(Value::as_array).cloned().unwrap_or_default();
        import_cells(&mut doc, &mut warnings, diagram_id, &key, &cells);
    }
    Imported { document: doc, format: if version == 1 { "Threat Dragon v1" } else { "Threat Dragon v2" }, warnings: warnings.into_list() }
}

fn import_cells(doc: &mut Document, warnings: &mut Warnings, diagram: Id, key: &str, cells: &[Value]) {
    let mut ids: BTreeMap<String, Id> = BTreeMap::new();
    let mut boxes: Vec<(Id, Layout)> = Vec::new();
    let cell_id = |cell: &Value, n: usize| cell.get("id").and_then(|v| v.as_str().map(String::from).or(Some(v.to_string()))).unwrap_or(format!("cell-{n}"));

    // Shapes first, so that flows can find their ends.
    for (n, cell) in cells.iter().enumerate() {
        let (shape, shape_name) = shape_of(cell);
        let td_id = cell_id(cell, n);
        let data = cell.get("data").unwrap_or(cell);
        let name = cell_name(cell, data);
        let properties = match shape {
            Shape::Actor => {
                if flag(data, "providesAuthentication") == Some(true) {
                    warnings.add("the Threat Dragon property “provides authentication” has no Rampart equivalent");
                }
                ElementProperties::ExternalEntity(EntityProperties::default())
            }
            Shape::Process => {
                for (prop, label) in [("isWebApplication", "is a web application"), ("handlesCardPayment", "handles card payment"), ("handlesGoodsOrServices", "handles goods or services")] {
                    if flag(data, prop) == Some(true) {
                        warnings.add(&format!("the Threat Dragon property “{label}” has no Rampart equivalent"));
                    }
                }
                if text(data, &["privilegeLevel"]).is_some_and(|p| !p.trim().is_empty()) {
                    warnings.add("Threat Dragon's free-text privilege level was not mapped (Rampart uses user / service / admin / root)");
                }
                ElementProperties::Process(ProcessProperties::default())
            }
            Shape::Store => {
                for (prop, label) in [("isSigned", "is signed"), ("storesInventory", "stores inventory")] {
                    if flag(data, prop) == Some(true) {
                        warnings.add(&format!("the Threat Dragon property “{label}” has no Rampart equivalent"));
                    }
                }
                ElementProperties::DataStore(StoreProperties {
                    is_audit_log: flag(data, "isALog"),
                    stores_credentials: flag(data, "storesCredentials"),
                    encrypted_at_rest: flag(data, "isEncrypted"),
                    ..Default::default()
                })
            }
            Shape::BoundaryBox | Shape::BoundaryLine => ElementProperties::TrustBoundary(BoundaryProperties {}),
            Shape::Flow => continue,
            Shape::Text => {
                warnings.add(&format!("text block “{}” was not imported (Rampart diagrams have no free text)", name.trim()));
                continue;
            }
            Shape::Unknown => {
                warnings.add(&format!("a cell of unknown shape “{shape_name}” was not imported"));
                continue;
            }
        };
        let id = derived_id(&[key, &td_id]);
        ids.insert(td_id, id);
        let mut element = common(cell, data, id, diagram, name);
        element.properties = properties;
        let layout = if shape == Shape::BoundaryLine {
            line_layout(id, cell)
        } else {
            Layout {
                id,
                x: number(cell, &["position", "x"]).unwrap_or(0.0),
                y: number(cell, &["position", "y"]).unwrap_or(0.0),
                width: number(cell, &["size", "width"]).unwrap_or(100.0).max(0.0),
                height: number(cell, &["size", "height"]).unwrap_or(60.0).max(0.0),
                points: Vec::new(),
            }
        };
        if shape == Shape::BoundaryBox {
            boxes.push((id, layout.clone()));
        }
        import_threats(doc, warnings, data, id, key);
        doc.elements.insert(id, element);
        doc.layouts.insert(id, layout);
    }

    // Containment: the smallest boundary box around an element's centre.
    let placed: Vec<Layout> = doc
        .layouts
        .values()
        .filter(|l| doc.elements.get(&l.id).is_some_and(|e| e.diagram == diagram))
        .cloned()
        .collect();
    for layout in placed {
        let (cx, cy) = (layout.x + layout.width / 2.0, layout.y + layout.height / 2.0);
        let area = layout.width * layout.height;
        let parent = boxes
            .iter()
            .filter(|(b, l)| *b != layout.id && l.width * l.height > area && cx >= l.x && cx <= l.x + l.width && cy >= l.y && cy <= l.y + l.height)
            .min_by(|(_, a), (_, b)| (a.width * a.height).total_cmp(&(b.width * b.height)))
            .map(|(b, _)| *b);
        if let Some(element) = doc.elements.get_mut(&layout.id) {
            element.parent = parent;
        }
    }

    for (n, cell) in cells.iter().enumerate() {
        if shape_of(cell).0 != Shape::Flow {
            continue;
        }
        let td_id = cell_id(cell, n);
        let data = cell.get("data").unwrap_or(cell);
        let name = cell_name(cell, data);
        let id = derived_id(&[key, &td_id]);
        let end = |side: &str| -> Option<Id> {
            let end = cell.get(side)?;
            let target = end.get("cell").or_else(|| end.get("id"))?.as_str()?;
            ids.get(target).copied()
        };
        let (source, target) = (end("source"), end("target"));
        if source.is_none() || target.is_none() {
            warnings.add(&format!("flow “{}” has a loose end in Threat Dragon; it was imported with the end missing", name.trim()));
        }
        let mut element = common(cell, data, id, diagram, name);
        element.properties = ElementProperties::DataFlow(FlowProperties {
            source,
            target,
            bidirectional: flag(data, "isBidirectional").unwrap_or(false),
            protocol: text(data, &["protocol"]).unwrap_or("").to_string(),
            encrypted_in_transit: flag(data, "isEncrypted"),
            over_public_network: flag(data, "isPublicNetwork"),
            ..Default::default()
        });
        let points: Vec<Point> = cell.get("vertices").and_then(Value::as_array).into_iter().flatten().filter_map(|p| point(Some(p))).collect();
        if !points.is_empty() {
            doc.layouts.insert(id, Layout { id, points, ..Default::default() });
        }
        import_threats(doc, warnings, data, id, key);
        doc.elements.insert(id, element);
    }
}

fn cell_name(cell: &Value, data: &Value) -> String {
    let label = cell.pointer("/labels/0/attrs/text/text").or_else(|| cell.pointer("/labels/0/attrs/label/text"));
    text(data, &["name"])
        .filter(|n| !n.trim().is_empty())
        .or_else(|| text(cell, &["attrs", "text", "text"]))
        .or_else(|| text(cell, &["attrs", "label", "text"]))
        .or_else(|| label.and_then(Value::as_str))
        .unwrap_or("")
        .to_string()
}

fn common(_cell: &Value, data: &Value, id: Id, diagram: Id, name: String) -> Element {
    Element {
        id,
        diagram,
        name,
        description: text(data, &["description"]).unwrap_or("").to_string(),
        out_of_scope: flag(data, "outOfScope").unwrap_or(false),
        out_of_scope_reason: text(data, &["reasonOutOfScope"]).unwrap_or("").to_string(),
        ..Default::default()
    }
}

/// A boundary drawn as a line: its course kept as points, its box the bounding box.
fn line_layout(id: Id, cell: &Value) -> Layout {
    let mut points: Vec<Point> = Vec::new();
    points.extend(point(cell.get("source")));
    points.extend(cell.get("vertices").and_then(Value::as_array).into_iter().flatten().filter_map(|p| point(Some(p))));
    points.extend(point(cell.get("target")));
    let (min_x, max_x) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.x), hi.max(p.x)));
    let (min_y, max_y) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.y), hi.max(p.y)));
    if points.is_empty() {
        return Layout { id, ..Default::default() };
    }
    Layout { id, x: min_x, y: min_y, width: max_x - min_x, height: max_y - min_y, points }
}

fn category(kind: &str) -> Option<StrideCategory> {
    Some(match kind.trim().to_ascii_lowercase().as_str() {
        "spoofing" => StrideCategory::Spoofing,
        "tampering" | "integrity" => StrideCategory::Tampering,
        "repudiation" => StrideCategory::Repudiation,
        "information disclosure" | "confidentiality" => StrideCategory::InformationDisclosure,
        "denial of service" | "availability" => StrideCategory::DenialOfService,
        "elevation of privilege" => StrideCategory::ElevationOfPrivilege,
        _ => return None,
    })
}

const PLACEHOLDER_MITIGATION: &str = "Provide mitigation or prevention for this threat";

fn import_threats(doc: &mut Document, warnings: &mut Warnings, data: &Value, target: Id, key: &str) {
    for (n, threat) in data.get("threats").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let td_id = threat.get("id").and_then(Value::as_str).map(String::from).unwrap_or(format!("{target}-threat-{n}"));
        let id = derived_id(&[key, "threat", &td_id]);
        let title = text(threat, &["title"]).unwrap_or("").to_string();
        let kind = text(threat, &["type"]).unwrap_or("");
        let category = category(kind).unwrap_or_else(|| {
            warnings.add(&format!("threat type “{kind}” is not a STRIDE category; such threats were filed under Tampering"));
            StrideCategory::Tampering
        });
        let status = match text(threat, &["status"]).unwrap_or("Open").replace(' ', "").to_ascii_lowercase().as_str() {
            "mitigated" => ThreatStatus::Mitigated,
            "notapplicable" => ThreatStatus::NotApplicable,
            "open" => ThreatStatus::Open,
            other => {
                warnings.add(&format!("threat status “{other}” is unknown; such threats were imported as Open"));
                ThreatStatus::Open
            }
        };
        let severity = text(threat, &["severity"]).unwrap_or("");
        let (likelihood, impact) = Severity::parse(severity).map(Severity::typical_scores).unwrap_or_else(|| {
            warnings.add(&format!("threat severity “{severity}” is unknown; such threats were scored Medium"));
            (3, 3)
        });
        let mut notes = Vec::new();
        if let Some(score) = threat.get("score").map(|s| s.as_str().map(String::from).unwrap_or(s.to_string())).filter(|s| !s.is_empty() && s != "null") {
            notes.push(format!("Threat Dragon score: {score}"));
        }
        let mut mitigations = Vec::new();
        if let Some(text) = text(threat, &["mitigation"]).map(str::trim).filter(|m| !m.is_empty() && *m != PLACEHOLDER_MITIGATION) {
            let mitigation_id = derived_id(&[key, "mitigation", &td_id]);
            let status = if status == ThreatStatus::Mitigated { MitigationStatus::Implemented } else { MitigationStatus::Proposed };
            let name = text.lines().next().unwrap_or(text).chars().take(80).collect();
            doc.mitigations.insert(mitigation_id, Mitigation { id: mitigation_id, name, description: text.to_string(), status });
            mitigations.push(mitigation_id);
        }
        doc.threats.insert(
            id,
            Threat {
                id,
                title,
                category,
                target: Some(target),
                rule_id: text(threat, &["ruleId"]).map(String::from),
                description: self::text(threat, &["description"]).unwrap_or("").to_string(),
                status,
                likelihood,
                impact,
                mitigations,
                origin: Origin::Manual,
                notes: notes.join("\n"),
                ..Default::default()
            },
        );
    }
}

/// The Threat Dragon version the exporter writes.
const EXPORT_VERSION: &str = "2.2.0";

/// A model written in a foreign format, and what that format could not carry.
pub struct Exported {
    pub json: Value,
    pub warnings: Vec<String>,
}

fn status_name(status: ThreatStatus, warnings: &mut Warnings) -> &'static str {
    match status {
        ThreatStatus::Open => "Open",
        ThreatStatus::Mitigated => "Mitigated",
        ThreatStatus::NotApplicable => "NotApplicable",
        ThreatStatus::Accepted | ThreatStatus::Transferred => {
            warnings.add("Threat Dragon has no Accepted or Transferred status; such threats were written as Open");
            "Open"
        }
    }
}

fn category_name(category: StrideCategory) -> &'static str {
    match category {
        StrideCategory::Spoofing => "Spoofing",
        StrideCategory::Tampering => "Tampering",
        StrideCategory::Repudiation => "Repudiation",
        StrideCategory::InformationDisclosure => "Information disclosure",
        StrideCategory::DenialOfService => "Denial of service",
        StrideCategory::ElevationOfPrivilege => "Elevation of privilege",
    }
}

/// Threat Dragon's flags are yes/no; an unknown stays unwritten rather than becoming a "no".
fn set_known(data: &mut Value, key: &str, value: Option<bool>) {
    if let Some(v) = value {
        data[key] = v.into();
    }
}

/// Write a model as Threat Dragon v2 JSON (valid against Threat Dragon's v2 schema).
pub fn export(doc: &Document) -> Exported {
    let mut warnings = Warnings::default();
    let mut threats_by_target: BTreeMap<Id, Vec<&Threat>> = BTreeMap::new();
    for threat in doc.threats.values() {
        match threat.target.filter(|t| doc.elements.contains_key(t)) {
            Some(target) => threats_by_target.entry(target).or_default().push(threat),
            None => warnings.add("threats not attached to an element cannot be written to Threat Dragon and were left out"),
        }
    }
    let mut number = 0;
    let mut threat_json = |threats: Option<&Vec<&Threat>>, warnings: &mut Warnings| -> Vec<Value> {
        threats
            .into_iter()
            .flatten()
            .map(|t| {
                number += 1;
                let mitigation: Vec<&str> = t.mitigations.iter().filter_map(|m| doc.mitigations.get(m)).map(|m| if m.description.is_empty() { m.name.as_str() } else { m.description.as_str() }).collect();
                serde_json::json!({
                    "id": t.id.to_string(),
                    "title": t.title,
                    "status": status_name(t.status, warnings),
                    "severity": crate::risk::severity(t).label(),
                    "type": category_name(t.category),
                    "description": t.description,
                    "mitigation": mitigation.join("\n\n"),
                    "modelType": "STRIDE",
                    "new": false,
                    "number": number,
                    "score": "",
                })
            })
            .collect()
    };

    let mut diagrams = Vec::new();
    for (index, diagram) in doc.diagrams.values().enumerate() {
        let mut cells = Vec::new();
        for element in doc.elements.values().filter(|e| e.diagram == diagram.id) {
            let layout = doc.layouts.get(&element.id).cloned().unwrap_or(Layout { id: element.id, width: 100.0, height: 60.0, ..Default::default() });
            let threats = threat_json(threats_by_target.get(&element.id), &mut warnings);
            let has_open = threats.iter().any(|t| t["status"] == "Open");
            let mut data = serde_json::json!({
                "name": element.name,
                "description": element.description,
                "outOfScope": element.out_of_scope,
                "reasonOutOfScope": element.out_of_scope_reason,
                "hasOpenThreats": has_open,
                "threats": threats,
            });
            let (shape, td_type) = match &element.properties {
                ElementProperties::ExternalEntity(_) => ("actor", "tm.Actor"),
                ElementProperties::Process(_) => ("process", "tm.Process"),
                ElementProperties::DataStore(s) => {
                    set_known(&mut data, "isALog", s.is_audit_log);
                    set_known(&mut data, "storesCredentials", s.stores_credentials);
                    set_known(&mut data, "isEncrypted", s.encrypted_at_rest);
                    ("store", "tm.Store")
                }
                ElementProperties::TrustBoundary(_) if layout.points.len() >= 2 => ("trust-boundary-curve", "tm.Boundary"),
                ElementProperties::TrustBoundary(_) => ("trust-boundary-box", "tm.BoundaryBox"),
                ElementProperties::DataFlow(f) => {
                    data["protocol"] = f.protocol.clone().into();
                    set_known(&mut data, "isEncrypted", f.encrypted_in_transit);
                    set_known(&mut data, "isPublicNetwork", f.over_public_network);
                    data["isBidirectional"] = f.bidirectional.into();
                    ("flow", "tm.Flow")
                }
            };
            data["type"] = td_type.into();
            if element.kind() == ElementKind::TrustBoundary {
                data["isTrustBoundary"] = true.into();
                if let Some(map) = data.as_object_mut() {
                    map.remove("threats");
                    map.remove("outOfScope");
                    map.remove("reasonOutOfScope");
                }
            }
            let vertices = |points: &[Point]| -> Vec<Value> { points.iter().map(|p| serde_json::json!({"x": p.x, "y": p.y})).collect() };
            let mut cell = serde_json::json!({"id": element.id.to_string(), "shape": shape, "zIndex": if shape.starts_with("trust") { 0 } else { 10 }, "data": data});
            match shape {
                "flow" => {
                    let f = element.flow().cloned().unwrap_or_default();
                    let at = layout.points.first().copied().unwrap_or_default();
                    let end = |id: Option<Id>| match id.filter(|i| doc.elements.contains_key(i)) {
                        Some(id) => serde_json::json!({"cell": id.to_string()}),
                        None => serde_json::json!({"x": at.x, "y": at.y}),
                    };
                    cell["source"] = end(f.source);
                    cell["target"] = end(f.target);
                    cell["vertices"] = vertices(&layout.points).into();
                    cell["connector"] = "smooth".into();
                    let marker = serde_json::json!({"name": "block"});
                    cell["attrs"] = serde_json::json!({"line": {"stroke": "#333333", "strokeWidth": 1, "targetMarker": marker,
                        "sourceMarker": if f.bidirectional { marker.clone() } else { Value::String(String::new()) }, "strokeDasharray": ""}});
                    cell["labels"] = serde_json::json!([{"position": 0.5, "attrs": {"label": {"text": element.name}}}]);
                }
                "trust-boundary-curve" => {
                    let (first, last) = (layout.points[0], layout.points[layout.points.len() - 1]);
                    cell["source"] = serde_json::json!({"x": first.x, "y": first.y});
                    cell["target"] = serde_json::json!({"x": last.x, "y": last.y});
                    cell["vertices"] = vertices(&layout.points[1..layout.points.len() - 1]).into();
                    cell["connector"] = "smooth".into();
                    cell["attrs"] = serde_json::json!({"line": {"stroke": "#333333", "strokeWidth": 3, "targetMarker": "", "sourceMarker": "", "strokeDasharray": "10 5"}});
                    cell["labels"] = serde_json::json!([{"attrs": {"label": {"text": element.name}}}]);
                }
                _ => {
                    cell["position"] = serde_json::json!({"x": layout.x, "y": layout.y});
                    cell["size"] = serde_json::json!({"width": layout.width.max(10.0), "height": layout.height.max(10.0)});
                    let dash = if shape == "trust-boundary-box" { "10 5" } else { "" };
                    cell["attrs"] = serde_json::json!({"text": {"text": element.name}, "body": {"stroke": "#333333", "strokeWidth": 1, "strokeDasharray": dash}});
                }
            }
            if let Some(parent) = element.parent {
                let (cx, cy) = (layout.x + layout.width / 2.0, layout.y + layout.height / 2.0);
                let drawn_inside = doc.layouts.get(&parent).filter(|b| b.points.len() < 2).is_some_and(|b| cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height);
                if !drawn_inside {
                    warnings.add("Threat Dragon derives containment from the drawing; containment the drawing does not show was not carried");
                }
            }
            let has_props = match &element.properties {
                ElementProperties::ExternalEntity(p) => p.is_human.is_some() || p.authenticated.is_some(),
                ElementProperties::Process(p) => *p != ProcessProperties::default(),
                ElementProperties::DataStore(p) => p.stores_pii.is_some() || p.stores_payment_data.is_some() || p.backed_up.is_some() || p.access_controlled.is_some(),
                ElementProperties::DataFlow(p) => p.authenticated.is_some() || p.integrity_protected.is_some() || p.data_classification.is_some() || p.carries_credentials.is_some(),
                ElementProperties::TrustBoundary(_) => false,
            };
            if has_props {
                warnings.add("element properties Threat Dragon has no field for (privilege, authentication, classification, …) were left out");
            }
            if !element.technology.is_empty() || !element.owner.is_empty() || !element.tags.is_empty() {
                warnings.add("element technology, owner and tags have no Threat Dragon field and were left out");
            }
            cells.push(cell);
        }
        diagrams.push(serde_json::json!({
            "id": index,
            "title": diagram.name,
            "diagramType": "STRIDE",
            "placeholder": "New STRIDE diagram description",
            "thumbnail": "./public/content/images/thumbnail.stride.jpg",
            "version": EXPORT_VERSION,
            "cells": cells,
        }));
    }
    for (what, present) in [
        ("assets", !doc.assets.is_empty()),
        ("attack trees", !doc.attack_trees.is_empty()),
        ("scope and assumptions", !doc.metadata.scope_in.is_empty() || !doc.metadata.scope_out.is_empty() || !doc.metadata.assumptions.is_empty()),
        ("threat decisions, owners and dates", doc.threats.values().any(|t| t.decision.is_some() || !t.owner.is_empty() || t.due_date.is_some())),
    ] {
        if present {
            warnings.add(&format!("Threat Dragon has no place for {what}; they were left out"));
        }
    }
    let json = serde_json::json!({
        "version": EXPORT_VERSION,
        "summary": {"title": doc.metadata.name, "owner": doc.metadata.owner, "description": doc.metadata.summary, "id": 0},
        "detail": {
            "contributors": doc.metadata.reviewers.iter().map(|r| serde_json::json!({"name": r})).collect::<Vec<_>>(),
            "diagrams": diagrams,
            "diagramTop": doc.diagrams.len(),
            "reviewer": "",
            "threatTop": number,
        },
    });
    Exported { json, warnings: warnings.into_list() }
}
