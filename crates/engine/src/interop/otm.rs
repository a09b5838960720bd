//! Open Threat Model (OTM, <https://github.com/iriusrisk/OpenThreatModel>), JSON or YAML:
//! import, and export of a Rampart model as OTM 0.2.0.
//!
//! Import, what maps where:
//! - `project` → metadata (name, description → summary, owner with `ownerContact` in angle
//!   brackets).
//! - `representations` of type `diagram` → diagrams; an element goes to the diagram of its
//!   first diagram representation, whose `position` is relative to the element's parent
//!   (trust zone or component), as StartLeft and IriusRisk write them. Elements without a
//!   position get a generated grid layout (all of them if the diagram has no positions).
//! - `trustZones` → trust boundaries, nested by `parent`; the zone `type` → technology.
//! - `components` → external entities, processes or data stores by their `type`, with the
//!   rule of [`component_kind`]; a component nested in another component goes into the
//!   nearest enclosing trust zone (Rampart nests elements only in boundaries).
//! - `dataflows` → data flows (`bidirectional`, `tags`); the data classification is the
//!   highest of the assets the flow carries.
//! - `assets` → assets, confidentiality 0-100 → Public (<25) / Internal (<50) /
//!   Confidential (<75) / Secret.
//! - `threats` (definitions) and their instances on components and dataflows → one Rampart
//!   threat per instance, on that element; a definition without instances becomes a threat
//!   without target. Likelihood and impact 0-100 → 1-5 (by fifths); the first STRIDE
//!   category; CWEs → references; the instance `state` → status.
//! - `mitigations` → mitigations, linked to threats by the instances' `mitigations`, whose
//!   `state` gives the mitigation's status.
//!
//! Export writes everything OTM carries natively, and what it does not (element properties,
//! owners, threat decisions, layout polylines, …) as `rampart:*` attributes, which the
//! import reads back: importing an export gives the same model, attack trees aside (OTM has
//! none). OTM requires a few numbers Rampart does not have (trust rating, asset integrity
//! and availability, risk reduction); the export writes 50 for them and marks its objects,
//! so that reading them back does not report those placeholders as losses. Components that
//! lie in no boundary are given a parent zone marked `rampart:synthetic`, as OTM requires a
//! parent; the import drops that zone again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::threagile::{ancestors, grid_layout, parse_yaml, MAX_NESTING};
use super::{malformed, Imported, Warnings};
use crate::document::Document;
use crate::error::Result;
use crate::model::*;

/// The namespace of ids derived from OTM ids that are not UUIDs.
const NAMESPACE: Uuid = Uuid::from_u128(0x51d2_a0e7_6c3b_4f19_9e84_2b6f_d7c0_3a58);

const FORMAT: &str = "Open Threat Model";
/// The OTM version the exporter writes.
pub const OTM_VERSION: &str = "0.2.0";
/// Attributes written by Rampart start with this.
const PREFIX: &str = "rampart:";
/// The id of the zone that holds components lying in no boundary, in exports.
const NO_ZONE: &str = "rampart-no-trust-boundary";
/// OTM requires these numbers; Rampart has no value for them.
const PLACEHOLDER: f64 = 50.0;

const NODE_W: f64 = 100.0;
const NODE_H: f64 = 60.0;
const ZONE_W: f64 = 300.0;
const ZONE_H: f64 = 200.0;

fn derived_id(parts: &[&str]) -> Id {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes())
}

/// Is this JSON an OTM document?
pub fn detect(json: &Value) -> bool {
    json.get("otmVersion").is_some()
}

/// Is this text an OTM document in YAML?
pub fn detect_yaml(text: &str) -> bool {
    text.lines().any(|l| l.strip_prefix("otmVersion").is_some_and(|rest| rest.trim_start().starts_with(':')))
}

/// Import an OTM document written in YAML.
pub fn import_yaml(text: &str, path: &Path) -> Result<Imported> {
    let json = parse_yaml(text).map_err(|e| malformed(path, FORMAT, e))?;
    if !detect(&json) {
        return Err(malformed(path, FORMAT, "there is no “otmVersion” at the top level"));
    }
    import(&json, path)
}

const STORE_WORDS: [&str; 35] = [
    "database", "db", "storage", "store", "datastore", "bucket", "s3", "sql", "mysql", "postgres", "postgresql", "mariadb", "mongo", "mongodb",
    "dynamodb", "cosmosdb", "redis", "cache", "memcached", "elasticsearch", "blob", "file", "files", "filesystem", "disk", "volume", "vault",
    "keyvault", "queue", "table", "warehouse", "datalake", "nosql", "rds", "repository",
];
const ENTITY_WORDS: [&str; 14] = ["external", "user", "users", "client", "browser", "actor", "person", "human", "customer", "partner", "third", "mobile", "android", "ios"];

/// The kind of DFD element an OTM component `type` names. The type is lower-cased and split
/// into words at every character that is not a letter or digit; then it is
/// 1. a data store if a word is a storage word (database, db, storage, store, bucket, s3,
///    sql, cache, queue, file, vault, … see `STORE_WORDS`) or contains "database",
///    "storage" or "datastore";
/// 2. else an external entity if a word is a word for an outside party (external, user,
///    client, browser, actor, person, human, customer, partner, third, mobile, android,
///    ios);
/// 3. else a process.
///
/// So "database", "CD-MICROSOFT-AZURE-DB-POSTGRESQL" and "s3" are data stores,
/// "web-client" and "android-device-client" external entities, "web-service" a process.
pub fn component_kind(otm_type: &str) -> ElementKind {
    let lower = otm_type.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.iter().any(|w| STORE_WORDS.contains(w) || w.contains("database") || w.contains("storage") || w.contains("datastore")) {
        ElementKind::DataStore
    } else if words.iter().any(|w| ENTITY_WORDS.contains(w)) {
        ElementKind::ExternalEntity
    } else {
        ElementKind::Process
    }
}

// ---------------------------------------------------------------------------------------
// Reading values

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// A text field as written (names and descriptions keep their spaces).
fn raw<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn id_text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|n| n.is_finite())
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
}

fn attributes(v: &Value) -> Option<&Map<String, Value>> {
    v.get("attributes").and_then(Value::as_object)
}

/// A `rampart:*` attribute.
fn ours<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    attributes(v)?.get(&format!("{PREFIX}{key}"))?.as_str()
}

/// Attributes that did not come from Rampart.
fn foreign_attributes(v: &Value) -> usize {
    attributes(v).map_or(0, |a| a.iter().filter(|(k, v)| !k.starts_with(PREFIX) && !v.is_null()).count())
}

fn made_by_rampart(v: &Value) -> bool {
    attributes(v).is_some_and(|a| a.keys().any(|k| k.starts_with(PREFIX)))
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

/// Rampart ids for OTM ids: an OTM id that is a UUID is kept (so that an exported model
/// comes back with its ids), any other is turned into one; every id is used once.
#[derive(Default)]
struct Ids {
    used: BTreeSet<Id>,
    by: BTreeMap<(&'static str, String), Id>,
}

impl Ids {
    fn assign(&mut self, kind: &'static str, otm: &str, warnings: &mut Warnings) -> Id {
        let mut id = Uuid::parse_str(otm).ok().filter(|u| !u.is_nil()).unwrap_or_else(|| derived_id(&[kind, otm]));
        let mut n = 0u64;
        while self.used.contains(&id) {
            n += 1;
            id = derived_id(&[kind, otm, &n.to_string()]);
        }
        self.used.insert(id);
        match self.by.entry((kind, otm.to_string())) {
            std::collections::btree_map::Entry::Occupied(_) => warnings.add(&format!("the OTM id “{otm}” is used by more than one {kind}; references go to the first")),
            std::collections::btree_map::Entry::Vacant(slot) => _ = slot.insert(id),
        }
        id
    }

    fn get(&self, kind: &'static str, otm: &str) -> Option<Id> {
        self.by.get(&(kind, otm.to_string())).copied()
    }
}

/// Where an element is drawn: its diagram, and its position (relative to its parent) and
/// size when the source gives them.
#[derive(Clone, Copy)]
struct Placement {
    diagram: Id,
    position: Option<(f64, f64)>,
    size: Option<(f64, f64)>,
}

/// What an element's `parent` names.
#[derive(Clone)]
enum ParentRef {
    Zone(String),
    Component(String),
}

fn parent_ref(v: &Value) -> Option<ParentRef> {
    let p = v.get("parent")?;
    id_text(p, "trustZone").map(ParentRef::Zone).or_else(|| id_text(p, "component").map(ParentRef::Component))
}

struct Reader {
    doc: Document,
    ids: Ids,
    diagrams: BTreeMap<String, Id>,
    other_representations: BTreeSet<String>,
    primary: Id,
    synthetic_zones: BTreeSet<String>,
    parents: BTreeMap<Id, ParentRef>,
    placements: BTreeMap<Id, Placement>,
    order: Vec<Id>,
    instances: Vec<Instance>,
}

/// A threat instance on an element.
struct Instance {
    threat: String,
    target: Id,
    target_otm: String,
    state: String,
    mitigations: Vec<(String, String)>,
}

pub fn import(json: &Value, path: &Path) -> Result<Imported> {
    let mut w = Warnings::default();
    if !json.is_object() {
        return Err(malformed(path, FORMAT, "the top level is not an object"));
    }
    let Some(project) = json.get("project").filter(|p| p.is_object()) else {
        return Err(malformed(path, FORMAT, "it has no “project” object"));
    };
    let representations = section(json, "representations", path, &mut w)?;
    let assets = section(json, "assets", path, &mut w)?;
    let zones = section(json, "trustZones", path, &mut w)?;
    let components = section(json, "components", path, &mut w)?;
    let dataflows = section(json, "dataflows", path, &mut w)?;
    let threats = section(json, "threats", path, &mut w)?;
    let mitigations = section(json, "mitigations", path, &mut w)?;

    let mut r = Reader {
        doc: Document::default(),
        ids: Ids::default(),
        diagrams: BTreeMap::new(),
        other_representations: BTreeSet::new(),
        primary: Uuid::nil(),
        synthetic_zones: BTreeSet::new(),
        parents: BTreeMap::new(),
        placements: BTreeMap::new(),
        order: Vec::new(),
        instances: Vec::new(),
    };
    read_project(&mut r.doc.metadata, project, &mut w);
    read_representations(&mut r, &representations, &mut w);
    let classifications = read_assets(&mut r, &assets, &mut w);
    read_zones(&mut r, &zones, &mut w);
    read_components(&mut r, &components, &mut w);
    resolve_parents(&mut r, &mut w);
    read_dataflows(&mut r, &dataflows, &classifications, &mut w);
    let mitigation_states = read_threats(&mut r, &threats, &mitigations, &mut w);
    read_mitigations(&mut r, &mitigations, mitigation_states, &mut w);
    place(&mut r, &mut w);
    Ok(Imported { document: r.doc, format: "Open Threat Model", warnings: w.into_list() })
}

fn read_project(meta: &mut Metadata, project: &Value, w: &mut Warnings) {
    meta.name = project.get("name").and_then(Value::as_str).unwrap_or("Imported OTM model").to_string();
    meta.summary = raw(project, "description").to_string();
    meta.owner = match text(project, "ownerContact") {
        Some(c) if raw(project, "owner").trim().is_empty() => c.to_string(),
        Some(c) => format!("{} <{c}>", raw(project, "owner").trim()),
        None => raw(project, "owner").to_string(),
    };
    meta.currency = ours(project, "currency").unwrap_or("EUR").to_string();
    meta.version = ours(project, "version").unwrap_or("").to_string();
    meta.scope_in = ours(project, "scope_in").unwrap_or("").to_string();
    meta.scope_out = ours(project, "scope_out").unwrap_or("").to_string();
    meta.assumptions = ours(project, "assumptions").and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
    meta.reviewers = ours(project, "reviewers").and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
    if !strings(project, "tags").is_empty() {
        w.add("the project's tags were not imported (Rampart models have no tags)");
    }
    for _ in 0..foreign_attributes(project) {
        w.add("a project attribute was not imported (Rampart has no place for free-form attributes)");
    }
}

fn read_representations(r: &mut Reader, representations: &[&Value], w: &mut Warnings) {
    for (n, rep) in representations.iter().enumerate() {
        let rid = id_text(rep, "id").unwrap_or(format!("representation-{n}"));
        let kind = text(rep, "type").unwrap_or("");
        if kind.eq_ignore_ascii_case("diagram") {
            let id = r.ids.assign("diagram", &rid, w);
            let name = text(rep, "name").map(String::from).unwrap_or(format!("Diagram {}", r.diagrams.len() + 1));
            r.doc.diagrams.insert(id, Diagram { id, name });
            r.diagrams.entry(rid).or_insert(id);
            if r.primary.is_nil() {
                r.primary = id;
            }
        } else {
            w.add(&format!("OTM representations of type “{kind}” were not imported (Rampart keeps diagrams only)"));
            r.other_representations.insert(rid);
        }
    }
    if r.primary.is_nil() {
        let id = r.ids.assign("diagram", "rampart-main-diagram", w);
        r.doc.diagrams.insert(id, Diagram { id, name: "Main diagram".to_string() });
        r.primary = id;
    }
}

/// The diagram an element is drawn on, and where, from its representations.
fn placement(r: &Reader, v: &Value, w: &mut Warnings) -> Placement {
    let mut found: Option<Placement> = None;
    let mut fallback: Option<Placement> = None;
    for rep in v.get("representations").and_then(Value::as_array).into_iter().flatten() {
        let Some(rid) = id_text(rep, "representation") else { continue };
        let position = rep.get("position").and_then(|p| Some((number(p, "x")?, number(p, "y")?)));
        let size = rep.get("size").and_then(|s| Some((number(s, "width")?.max(0.0), number(s, "height")?.max(0.0))));
        if let Some(&diagram) = r.diagrams.get(&rid) {
            match found {
                None => found = Some(Placement { diagram, position, size }),
                Some(f) if f.diagram != diagram => w.add("an element drawn on several OTM diagrams is kept on the first one only"),
                Some(_) => {}
            }
        } else if r.other_representations.contains(&rid) {
            w.add("an element's non-diagram representation (code, …) was not imported");
        } else if fallback.is_none() {
            fallback = Some(Placement { diagram: r.primary, position, size });
        }
    }
    match (found, fallback) {
        (Some(f), _) => f,
        (None, Some(f)) => {
            w.add("an element refers to a representation that is not declared; it was placed on the first diagram");
            f
        }
        (None, None) => Placement { diagram: r.primary, position: None, size: None },
    }
}

fn read_assets(r: &mut Reader, assets: &[&Value], w: &mut Warnings) -> BTreeMap<String, Option<Classification>> {
    let mut by_otm = BTreeMap::new();
    for (n, a) in assets.iter().enumerate() {
        let otm = id_text(a, "id").unwrap_or(format!("asset-{n}"));
        let id = r.ids.assign("asset", &otm, w);
        let risk = a.get("risk").unwrap_or(&Value::Null);
        let classification = match ours(a, "classification") {
            Some("none") => None,
            Some(c) => serde_json::from_value(Value::String(c.to_string())).ok(),
            None => number(risk, "confidentiality").map(|c| match c {
                c if c < 25.0 => Classification::Public,
                c if c < 50.0 => Classification::Internal,
                c if c < 75.0 => Classification::Confidential,
                _ => Classification::Secret,
            }),
        };
        if !made_by_rampart(a) && (risk.get("integrity").is_some() || risk.get("availability").is_some()) {
            w.add("assets' integrity and availability ratings have no Rampart equivalent; they were not imported");
        }
        let mut description = raw(a, "description").to_string();
        if let Some(comment) = text(risk, "comment").or_else(|| text(risk, "riskComments")) {
            description = format!("{description}\n\nRisk: {comment}").trim().to_string();
        }
        for _ in 0..foreign_attributes(a) {
            w.add("an asset attribute was not imported (Rampart has no place for free-form attributes)");
        }
        r.doc.assets.insert(id, Asset { id, name: raw(a, "name").to_string(), description, classification });
        by_otm.entry(otm).or_insert(classification);
    }
    by_otm
}

fn default_properties(kind: ElementKind) -> ElementProperties {
    match kind {
        ElementKind::ExternalEntity => ElementProperties::ExternalEntity(EntityProperties::default()),
        ElementKind::Process => ElementProperties::Process(ProcessProperties::default()),
        ElementKind::DataStore => ElementProperties::DataStore(StoreProperties::default()),
        ElementKind::DataFlow => ElementProperties::DataFlow(FlowProperties::default()),
        ElementKind::TrustBoundary => ElementProperties::TrustBoundary(BoundaryProperties {}),
    }
}

/// Properties not carried by OTM's own fields.
const NOT_PROPERTIES: [&str; 4] = ["kind", "source", "target", "bidirectional"];

/// An element's kind-specific properties, from its `rampart:*` attributes.
fn properties(kind: ElementKind, v: &Value, w: &mut Warnings) -> ElementProperties {
    let default = default_properties(kind);
    let Ok(Value::Object(mut fields)) = serde_json::to_value(&default) else { return default };
    let mut any = false;
    for (key, value) in attributes(v).into_iter().flatten() {
        let Some(name) = key.strip_prefix(PREFIX) else { continue };
        let (Some(slot), Some(text)) = (fields.get(name), value.as_str()) else { continue };
        if NOT_PROPERTIES.contains(&name) {
            continue;
        }
        let parsed = match (slot, text) {
            (Value::String(_), t) => Value::String(t.to_string()),
            (_, "true") => Value::Bool(true),
            (_, "false") => Value::Bool(false),
            (_, t) => Value::String(t.to_string()),
        };
        fields.insert(name.to_string(), parsed);
        any = true;
    }
    if !any {
        return default;
    }
    serde_json::from_value(Value::Object(fields)).unwrap_or_else(|_| {
        w.add("some rampart:* attributes hold values Rampart does not know; those elements keep default properties");
        default
    })
}

/// The fields every element has, from OTM's own fields and `rampart:*` attributes.
fn element(v: &Value, id: Id, diagram: Id, properties: ElementProperties, technology: &str) -> Element {
    Element {
        id,
        diagram,
        name: raw(v, "name").to_string(),
        description: raw(v, "description").to_string(),
        technology: ours(v, "technology").unwrap_or(technology).to_string(),
        owner: ours(v, "owner").unwrap_or("").to_string(),
        tags: strings(v, "tags"),
        out_of_scope: ours(v, "out_of_scope") == Some("true"),
        out_of_scope_reason: ours(v, "out_of_scope_reason").unwrap_or("").to_string(),
        parent: None,
        properties,
    }
}

fn points(v: &Value) -> Vec<Point> {
    ours(v, "points").and_then(|p| serde_json::from_str::<Vec<Point>>(p).ok()).unwrap_or_default().into_iter().filter(|p| p.x.is_finite() && p.y.is_finite()).collect()
}

fn instances_of(r: &mut Reader, v: &Value, target: Id, target_otm: &str) {
    for t in v.get("threats").and_then(Value::as_array).into_iter().flatten() {
        let Some(threat) = id_text(t, "threat") else { continue };
        let mitigations = t
            .get("mitigations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| Some((id_text(m, "mitigation")?, text(m, "state").unwrap_or("").to_string())))
            .collect();
        r.instances.push(Instance { threat, target, target_otm: target_otm.to_string(), state: text(t, "state").unwrap_or("").to_string(), mitigations });
    }
}

fn read_zones(r: &mut Reader, zones: &[&Value], w: &mut Warnings) {
    for (n, z) in zones.iter().enumerate() {
        let otm = id_text(z, "id").unwrap_or(format!("zone-{n}"));
        if ours(z, "synthetic") == Some("true") {
            r.synthetic_zones.insert(otm);
            continue;
        }
        let id = r.ids.assign("trust zone", &otm, w);
        let place = placement(r, z, w);
        if !made_by_rampart(z) && z.pointer("/risk/trustRating").is_some() {
            w.add("OTM trust ratings have no Rampart equivalent; they were not imported");
        }
        for _ in 0..foreign_attributes(z) {
            w.add("a trust zone attribute was not imported (Rampart has no place for free-form attributes)");
        }
        let e = element(z, id, place.diagram, ElementProperties::TrustBoundary(BoundaryProperties {}), raw(z, "type"));
        instances_of(r, z, id, &otm);
        let line = points(z);
        if !line.is_empty() {
            r.doc.layouts.insert(id, Layout { id, points: line, ..Default::default() });
        }
        if let Some(p) = parent_ref(z) {
            r.parents.insert(id, p);
        }
        r.placements.insert(id, place);
        r.doc.elements.insert(id, e);
        r.order.push(id);
    }
}

fn read_components(r: &mut Reader, components: &[&Value], w: &mut Warnings) {
    for (n, c) in components.iter().enumerate() {
        let otm = id_text(c, "id").unwrap_or(format!("component-{n}"));
        let id = r.ids.assign("component", &otm, w);
        let otm_type = raw(c, "type");
        let kind = ours(c, "kind")
            .and_then(|k| ElementKind::ALL.into_iter().find(|e| e.key() == k))
            .filter(|k| !matches!(k, ElementKind::DataFlow | ElementKind::TrustBoundary))
            .unwrap_or_else(|| component_kind(otm_type));
        let place = placement(r, c, w);
        let props = properties(kind, c, w);
        let e = element(c, id, place.diagram, props, otm_type);
        let assets = c.get("assets").unwrap_or(&Value::Null);
        if !strings(assets, "processed").is_empty() || !strings(assets, "stored").is_empty() {
            w.add("the assets a component processes or stores are not listed on Rampart elements; they were not imported");
        }
        for _ in 0..foreign_attributes(c) {
            w.add("a component attribute was not imported (Rampart has no place for free-form attributes)");
        }
        instances_of(r, c, id, &otm);
        match parent_ref(c) {
            Some(p) => _ = r.parents.insert(id, p),
            None => w.add("a component without a parent was placed outside any trust boundary"),
        }
        r.placements.insert(id, place);
        r.doc.elements.insert(id, e);
        r.order.push(id);
    }
}

/// The trust zone a parent reference leads to, through components' parents.
fn zone_of(r: &Reader, start: &ParentRef, w: &mut Warnings) -> Option<Id> {
    let mut at = start.clone();
    for _ in 0..MAX_NESTING {
        match at {
            ParentRef::Zone(z) => {
                if r.synthetic_zones.contains(&z) {
                    return None;
                }
                let found = r.ids.get("trust zone", &z);
                if found.is_none() {
                    w.add(&format!("parent trust zone “{z}” is not defined; such elements were placed outside any trust boundary"));
                }
                return found;
            }
            ParentRef::Component(c) => {
                let Some(id) = r.ids.get("component", &c) else {
                    w.add(&format!("parent component “{c}” is not defined; such elements were placed outside any trust boundary"));
                    return None;
                };
                at = r.parents.get(&id)?.clone();
            }
        }
    }
    None
}

fn resolve_parents(r: &mut Reader, w: &mut Warnings) {
    let parents: Vec<(Id, ParentRef)> = r.parents.iter().map(|(k, v)| (*k, v.clone())).collect();
    for (id, p) in parents {
        let is_zone = r.doc.elements.get(&id).is_some_and(|e| e.kind() == ElementKind::TrustBoundary);
        if matches!(p, ParentRef::Component(_)) {
            w.add(&format!("an OTM {} nested in a component was placed in that component's trust zone (Rampart nests elements only in trust boundaries)", if is_zone { "trust zone" } else { "component" }));
        }
        let Some(zone) = zone_of(r, &p, w) else { continue };
        if is_zone {
            if zone == id || ancestors(&r.doc, zone).contains(&id) {
                w.add("a trust zone would contain itself; that nesting was ignored");
                continue;
            }
            if ancestors(&r.doc, zone).len() + 1 >= MAX_NESTING {
                w.add(&format!("trust zones nest deeper than {MAX_NESTING}; deeper nesting was ignored"));
                continue;
            }
        }
        if let Some(e) = r.doc.elements.get_mut(&id) {
            e.parent = Some(zone);
        }
    }
}

fn read_dataflows(r: &mut Reader, flows: &[&Value], classifications: &BTreeMap<String, Option<Classification>>, w: &mut Warnings) {
    for (n, f) in flows.iter().enumerate() {
        let otm = id_text(f, "id").unwrap_or(format!("dataflow-{n}"));
        let id = r.ids.assign("dataflow", &otm, w);
        let end = |key: &str| id_text(f, key).and_then(|e| r.ids.get("component", &e));
        let (source, target) = (end("source"), end("destination"));
        if source.is_none() || target.is_none() {
            w.add("a dataflow whose source or destination is not a component was imported with that end missing");
        }
        let diagram_of = |e: Option<Id>| e.and_then(|e| r.doc.elements.get(&e)).map(|e| e.diagram);
        let diagram = ours(f, "diagram").and_then(|d| r.diagrams.get(d).copied()).or(diagram_of(source)).or(diagram_of(target)).unwrap_or(r.primary);
        let mut props = match properties(ElementKind::DataFlow, f, w) {
            ElementProperties::DataFlow(p) => p,
            _ => FlowProperties::default(),
        };
        props.source = source;
        props.target = target;
        props.bidirectional = f.get("bidirectional").and_then(Value::as_bool).unwrap_or(false);
        let carried = strings(f, "assets");
        if !carried.is_empty() {
            w.add("the assets each dataflow carries are not listed on Rampart flows; each flow has their highest classification instead");
            if props.data_classification.is_none() {
                props.data_classification = carried.iter().filter_map(|a| classifications.get(a).copied().flatten()).max();
            }
        }
        for _ in 0..foreign_attributes(f) {
            w.add("a dataflow attribute was not imported (Rampart has no place for free-form attributes)");
        }
        let e = element(f, id, diagram, ElementProperties::DataFlow(props), "");
        let line = points(f);
        if !line.is_empty() {
            r.doc.layouts.insert(id, Layout { id, points: line, ..Default::default() });
        }
        instances_of(r, f, id, &otm);
        r.doc.elements.insert(id, e);
    }
}

fn category(name: &str) -> Option<StrideCategory> {
    Some(match name.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
        "s" | "spoofing" => StrideCategory::Spoofing,
        "t" | "tampering" => StrideCategory::Tampering,
        "r" | "repudiation" => StrideCategory::Repudiation,
        "i" | "informationdisclosure" => StrideCategory::InformationDisclosure,
        "d" | "denialofservice" => StrideCategory::DenialOfService,
        "e" | "elevationofprivilege" | "elevationofprivileges" => StrideCategory::ElevationOfPrivilege,
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

/// OTM's 0-100 likelihood or impact on Rampart's 1-5 (by fifths: 1-20 → 1, … 81-100 → 5).
fn from_percent(v: f64) -> u8 {
    (v / 20.0).ceil().clamp(1.0, 5.0) as u8
}

fn to_percent(v: u8) -> f64 {
    f64::from(v.clamp(1, 5)) * 20.0
}

fn threat_status(state: &str, w: &mut Warnings) -> ThreatStatus {
    match state.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
        "" | "exposed" | "expose" | "open" | "new" | "identified" | "autogenerated" => ThreatStatus::Open,
        "mitigated" | "mitigate" | "implemented" => ThreatStatus::Mitigated,
        "accepted" | "accept" => ThreatStatus::Accepted,
        "transferred" | "transfer" => ThreatStatus::Transferred,
        "notapplicable" | "na" => ThreatStatus::NotApplicable,
        "partlymitigated" | "partlymitigate" | "partiallymitigated" => {
            w.add("Rampart has no “partly mitigated” threat status; such threats were imported as Open");
            ThreatStatus::Open
        }
        _ => {
            w.add(&format!("threat state “{state}” is unknown; such threats were imported as Open"));
            ThreatStatus::Open
        }
    }
}

fn status_name(s: ThreatStatus) -> &'static str {
    match s {
        ThreatStatus::Open => "exposed",
        ThreatStatus::Mitigated => "mitigated",
        ThreatStatus::Accepted => "accepted",
        ThreatStatus::Transferred => "transferred",
        ThreatStatus::NotApplicable => "not-applicable",
    }
}

fn mitigation_status(state: &str, w: &mut Warnings) -> MitigationStatus {
    match state.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
        "implemented" => MitigationStatus::Implemented,
        "verified" => MitigationStatus::Verified,
        "" | "required" | "recommended" | "proposed" => MitigationStatus::Proposed,
        "rejected" | "notapplicable" => {
            w.add("Rampart has no “rejected” or “not applicable” status for mitigations; such mitigations were imported as Proposed");
            MitigationStatus::Proposed
        }
        _ => {
            w.add(&format!("mitigation state “{state}” is unknown; such mitigations were imported as Proposed"));
            MitigationStatus::Proposed
        }
    }
}

fn mitigation_state_name(s: MitigationStatus) -> &'static str {
    match s {
        MitigationStatus::Proposed => "proposed",
        MitigationStatus::Implemented => "implemented",
        MitigationStatus::Verified => "verified",
    }
}

fn rank(s: MitigationStatus) -> u8 {
    match s {
        MitigationStatus::Proposed => 0,
        MitigationStatus::Implemented => 1,
        MitigationStatus::Verified => 2,
    }
}

/// A threat from an OTM threat definition (target, status and mitigations come from the
/// instance).
fn threat_from(def: &Value, id: Id, w: &mut Warnings) -> Threat {
    let mut notes = Vec::new();
    let names = strings(def, "categories");
    let cats: Vec<StrideCategory> = names.iter().filter_map(|c| category(c)).collect();
    if cats.len() < names.len() {
        let unknown: Vec<&str> = names.iter().filter(|c| category(c).is_none()).map(String::as_str).collect();
        w.add(&format!("threat categories that are not STRIDE were ignored: {}", unknown.join(", ")));
    }
    let category = cats.first().copied().unwrap_or_else(|| {
        w.add("threats without a STRIDE category were filed under Tampering");
        StrideCategory::Tampering
    });
    if cats.len() > 1 {
        w.add("threats with several STRIDE categories keep the first; the others are in the threat's notes");
        notes.push(format!("Also STRIDE: {}", cats.iter().skip(1).map(|c| category_label(*c)).collect::<Vec<_>>().join(", ")));
    }
    let risk = def.get("risk").unwrap_or(&Value::Null);
    let mut score = |key: &str| {
        number(risk, key).map(from_percent).unwrap_or_else(|| {
            w.add(&format!("threats without a {key} were given a medium {key} (3)"));
            3
        })
    };
    let (likelihood, impact) = (score("likelihood"), score("impact"));
    for (key, label) in [("likelihoodComment", "Likelihood"), ("impactComment", "Impact")] {
        if let Some(comment) = text(risk, key) {
            notes.push(format!("{label}: {comment}"));
        }
    }
    let tags = strings(def, "tags");
    if !tags.is_empty() {
        notes.push(format!("Tags: {}", tags.join(", ")));
    }
    for _ in 0..foreign_attributes(def) {
        w.add("a threat attribute was not imported (Rampart has no place for free-form attributes)");
    }
    let from_text = |key: &str| -> Option<String> { ours(def, key).map(String::from) };
    Threat {
        id,
        title: raw(def, "name").to_string(),
        category,
        target: None,
        rule_id: from_text("rule_id"),
        description: raw(def, "description").to_string(),
        status: ThreatStatus::Open,
        likelihood,
        impact,
        detectability: ours(def, "detectability").and_then(|d| d.parse().ok()),
        mitigations: Vec::new(),
        owner: from_text("owner").unwrap_or_default(),
        due_date: from_text("due_date"),
        decision: enum_of(def, "decision"),
        rationale: from_text("rationale").unwrap_or_default(),
        reviewer: from_text("reviewer").unwrap_or_default(),
        review_date: from_text("review_date"),
        references: ours(def, "references").and_then(|r| serde_json::from_str(r).ok()).unwrap_or_else(|| strings(def, "cwes")),
        origin: enum_of(def, "origin").unwrap_or(Origin::Manual),
        notes: from_text("notes").unwrap_or_else(|| notes.join("\n")),
    }
}

/// A unit enum from its serde name in a `rampart:*` attribute.
fn enum_of<T: serde::de::DeserializeOwned>(v: &Value, key: &str) -> Option<T> {
    ours(v, key).and_then(|s| serde_json::from_value(Value::String(s.to_string())).ok())
}

/// Threats, one per instance; returns the state each mitigation was given on them.
fn read_threats(r: &mut Reader, threats: &[&Value], mitigations: &[&Value], w: &mut Warnings) -> BTreeMap<Id, Vec<MitigationStatus>> {
    // Mitigations get their ids first, so that instances can link them.
    for (n, m) in mitigations.iter().enumerate() {
        let otm = id_text(m, "id").unwrap_or(format!("mitigation-{n}"));
        r.ids.assign("mitigation", &otm, w);
    }
    let mut defs: BTreeMap<String, &Value> = BTreeMap::new();
    let mut def_order = Vec::new();
    for (n, t) in threats.iter().enumerate() {
        let otm = id_text(t, "id").unwrap_or(format!("threat-{n}"));
        if defs.contains_key(&otm) {
            w.add(&format!("the OTM id “{otm}” is used by more than one threat; the first was kept"));
            continue;
        }
        defs.insert(otm.clone(), t);
        def_order.push(otm);
    }
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for i in &r.instances {
        *uses.entry(i.threat.as_str()).or_default() += 1;
    }
    let uses: BTreeMap<String, usize> = uses.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let mut states: BTreeMap<Id, Vec<MitigationStatus>> = BTreeMap::new();
    let instances = std::mem::take(&mut r.instances);
    for inst in &instances {
        let Some(def) = defs.get(&inst.threat) else {
            w.add("a threat instance refers to a threat that is not defined; it was not imported");
            continue;
        };
        let key = if uses.get(&inst.threat) == Some(&1) { inst.threat.clone() } else { format!("{}@{}", inst.threat, inst.target_otm) };
        let id = r.ids.assign("threat", &key, w);
        let mut threat = threat_from(def, id, w);
        threat.target = Some(inst.target);
        threat.status = threat_status(&inst.state, w);
        let mut linked = BTreeSet::new();
        for (m, state) in &inst.mitigations {
            let Some(mid) = r.ids.get("mitigation", m) else {
                w.add("a threat instance refers to a mitigation that is not defined; that link was not imported");
                continue;
            };
            if linked.insert(mid) {
                threat.mitigations.push(mid);
            }
            let status = mitigation_status(state, w);
            states.entry(mid).or_default().push(status);
        }
        r.doc.threats.insert(id, threat);
    }
    for otm in def_order {
        if uses.contains_key(&otm) {
            continue;
        }
        let Some(def) = defs.get(&otm) else { continue };
        let id = r.ids.assign("threat", &otm, w);
        let mut threat = threat_from(def, id, w);
        threat.target = ours(def, "target").and_then(|t| r.ids.get("trust zone", t).or_else(|| r.ids.get("component", t)).or_else(|| r.ids.get("dataflow", t)));
        threat.status = ours(def, "status").and_then(|s| serde_json::from_value(Value::String(s.to_string())).ok()).unwrap_or(ThreatStatus::Open);
        let linked: Vec<String> = ours(def, "mitigations").and_then(|m| serde_json::from_str(m).ok()).unwrap_or_default();
        threat.mitigations = linked.iter().filter_map(|m| r.ids.get("mitigation", m)).collect();
        r.doc.threats.insert(id, threat);
    }
    states
}

fn read_mitigations(r: &mut Reader, mitigations: &[&Value], states: BTreeMap<Id, Vec<MitigationStatus>>, w: &mut Warnings) {
    let mut seen = BTreeSet::new();
    for (n, m) in mitigations.iter().enumerate() {
        let otm = id_text(m, "id").unwrap_or(format!("mitigation-{n}"));
        let Some(id) = r.ids.get("mitigation", &otm) else { continue };
        if !seen.insert(id) {
            continue;
        }
        let status = match ours(m, "status").and_then(|s| serde_json::from_value(Value::String(s.to_string())).ok()) {
            Some(s) => s,
            None => {
                let given = states.get(&id).cloned().unwrap_or_default();
                let best = given.iter().copied().max_by_key(|s| rank(*s)).unwrap_or(MitigationStatus::Proposed);
                if given.iter().any(|s| *s != best) {
                    w.add("a mitigation has different states on different threats in OTM; Rampart keeps one status per mitigation (the most advanced)");
                }
                best
            }
        };
        if !made_by_rampart(m) && m.get("riskReduction").is_some() {
            w.add("OTM risk reductions have no Rampart equivalent; they were not imported");
        }
        for _ in 0..foreign_attributes(m) {
            w.add("a mitigation attribute was not imported (Rampart has no place for free-form attributes)");
        }
        r.doc.mitigations.insert(id, Mitigation { id, name: raw(m, "name").to_string(), description: raw(m, "description").to_string(), status });
    }
}

/// Layouts: absolute positions from relative ones, generated ones where the source has none.
fn place(r: &mut Reader, w: &mut Warnings) {
    // The element each position is relative to: the OTM parent, zone or component.
    let mut relative_to: BTreeMap<Id, Id> = BTreeMap::new();
    for (id, p) in &r.parents {
        let parent = match p {
            ParentRef::Zone(z) => r.ids.get("trust zone", z),
            ParentRef::Component(c) => r.ids.get("component", c),
        };
        if let Some(parent) = parent {
            relative_to.insert(*id, parent);
        }
    }
    let absolute = |id: Id| -> Option<(f64, f64)> {
        let place = r.placements.get(&id)?;
        let (mut x, mut y) = place.position?;
        let mut at = relative_to.get(&id);
        let mut steps = 0;
        while let Some(p) = at {
            steps += 1;
            if steps > MAX_NESTING {
                break;
            }
            match r.placements.get(p) {
                Some(Placement { diagram, position: Some((px, py)), .. }) if *diagram == place.diagram => {
                    x += px;
                    y += py;
                }
                _ => break,
            }
            at = relative_to.get(p);
        }
        Some((x, y))
    };
    let mut layouts: BTreeMap<Id, Layout> = BTreeMap::new();
    for (id, place) in &r.placements {
        let Some((x, y)) = absolute(*id) else { continue };
        let is_zone = r.doc.elements.get(id).is_some_and(|e| e.kind() == ElementKind::TrustBoundary);
        let (dw, dh) = if is_zone { (ZONE_W, ZONE_H) } else { (NODE_W, NODE_H) };
        let (width, height) = place.size.unwrap_or((dw, dh));
        let points = r.doc.layouts.get(id).map(|l| l.points.clone()).unwrap_or_default();
        layouts.insert(*id, Layout { id: *id, x, y, width, height, points });
    }

    // The shapes of each diagram, in source order.
    let mut shapes_of: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    for id in &r.order {
        if let Some(e) = r.doc.elements.get(id) {
            shapes_of.entry(e.diagram).or_default().push(*id);
        }
    }
    let mut unplaced = 0;
    for (diagram, shapes) in shapes_of {
        if !shapes.iter().any(|id| layouts.contains_key(id)) {
            for mut layout in grid_layout(&r.doc, diagram, &shapes) {
                layout.points = r.doc.layouts.get(&layout.id).map(|l| l.points.clone()).unwrap_or_default();
                layouts.insert(layout.id, layout);
            }
            continue;
        }
        // Some positions: an unplaced zone encloses its placed contents (inner zones first,
        // so that outer ones enclose them too); the rest go in a row below the drawing.
        let missing: BTreeSet<Id> = shapes.iter().copied().filter(|id| !layouts.contains_key(id)).collect();
        let mut boxes: BTreeMap<Id, (f64, f64, f64, f64)> = BTreeMap::new();
        let grow = |boxes: &mut BTreeMap<Id, (f64, f64, f64, f64)>, zone: Id, b: (f64, f64, f64, f64)| {
            let e = boxes.entry(zone).or_insert(b);
            *e = (e.0.min(b.0), e.1.min(b.1), e.2.max(b.2), e.3.max(b.3));
        };
        for id in &shapes {
            if let Some(l) = layouts.get(id) {
                let b = (l.x, l.y, l.x + l.width, l.y + l.height);
                for a in ancestors(&r.doc, *id).into_iter().filter(|a| missing.contains(a)) {
                    grow(&mut boxes, a, b);
                }
            }
        }
        let mut zones: Vec<(usize, Id)> = boxes.keys().map(|z| (ancestors(&r.doc, *z).len(), *z)).collect();
        zones.sort_by(|a, b| b.0.cmp(&a.0));
        for (_, zone) in zones {
            let Some(&(x0, y0, x1, y1)) = boxes.get(&zone) else { continue };
            let padded = (x0 - 30.0, y0 - 50.0, x1 + 30.0, y1 + 30.0);
            let points = r.doc.layouts.get(&zone).map(|l| l.points.clone()).unwrap_or_default();
            layouts.insert(zone, Layout { id: zone, x: padded.0, y: padded.1, width: padded.2 - padded.0, height: padded.3 - padded.1, points });
            for a in ancestors(&r.doc, zone).into_iter().filter(|a| missing.contains(a)) {
                grow(&mut boxes, a, padded);
            }
        }
        let bottom = shapes.iter().filter_map(|id| layouts.get(id)).fold(0.0f64, |b, l| b.max(l.y + l.height));
        let mut x = 40.0;
        let rest: Vec<Id> = shapes.iter().copied().filter(|id| !layouts.contains_key(id)).collect();
        for id in &rest {
            let points = r.doc.layouts.get(id).map(|l| l.points.clone()).unwrap_or_default();
            layouts.insert(*id, Layout { id: *id, x, y: bottom + 60.0, width: NODE_W, height: NODE_H, points });
            x += NODE_W + 40.0;
            unplaced += 1;
        }
    }
    for _ in 0..unplaced {
        w.add("an element without a position in its OTM diagram was placed below the drawing");
    }
    for (id, layout) in layouts {
        r.doc.layouts.insert(id, layout);
    }
}

// ---------------------------------------------------------------------------------------
// Export

/// Write a model as OTM (valid against the OTM 0.2.0 JSON schema).
pub fn export(doc: &Document) -> Value {
    export_with_warnings(doc).0
}

/// Write a model as OTM, with what OTM could not carry.
pub fn export_with_warnings(doc: &Document) -> (Value, Vec<String>) {
    let mut w = Warnings::default();
    let is_boundary = |id: &Id| doc.elements.get(id).is_some_and(|e| e.kind() == ElementKind::TrustBoundary);
    let absolute = |id: &Id| doc.layouts.get(id).map(|l| (l.x, l.y));

    // Threats by target; threats on a boundary or on nothing go without an instance.
    let mut instances: BTreeMap<Id, Vec<&Threat>> = BTreeMap::new();
    let mut threat_defs = Vec::new();
    for t in doc.threats.values() {
        let target = t.target.and_then(|id| doc.elements.get(&id));
        if t.target.is_some() && target.is_none() {
            w.add("threats whose target is not in the model were written without one");
        }
        let instanced = target.filter(|e| e.kind() != ElementKind::TrustBoundary);
        let mut attrs = Map::new();
        let mut put = |k: &str, v: String| _ = attrs.insert(format!("{PREFIX}{k}"), Value::String(v));
        match instanced {
            Some(e) => instances.entry(e.id).or_default().push(t),
            None => {
                if let Some(e) = target {
                    put("target", e.id.to_string());
                }
                put("status", enum_text(&t.status));
                if !t.mitigations.is_empty() {
                    put("mitigations", serde_json::to_string(&t.mitigations.iter().map(Id::to_string).collect::<Vec<_>>()).unwrap_or_default());
                }
            }
        }
        if let Some(rule) = &t.rule_id {
            put("rule_id", rule.clone());
        }
        if let Some(d) = t.detectability {
            put("detectability", d.to_string());
        }
        for (k, v) in [("owner", &t.owner), ("rationale", &t.rationale), ("reviewer", &t.reviewer), ("notes", &t.notes)] {
            if !v.is_empty() {
                put(k, v.clone());
            }
        }
        for (k, v) in [("due_date", &t.due_date), ("review_date", &t.review_date)] {
            if let Some(v) = v {
                put(k, v.clone());
            }
        }
        if let Some(d) = &t.decision {
            put("decision", enum_text(d));
        }
        if t.origin != Origin::Manual {
            put("origin", enum_text(&t.origin));
        }
        let cwes: Vec<&String> = t.references.iter().filter(|r| r.to_ascii_uppercase().starts_with("CWE-")).collect();
        if cwes.len() != t.references.len() {
            put("references", serde_json::to_string(&t.references).unwrap_or_default());
        }
        threat_defs.push(json!({
            "id": t.id.to_string(),
            "name": t.title,
            "description": t.description,
            "categories": [category_label(t.category)],
            "cwes": cwes,
            "risk": {"likelihood": to_percent(t.likelihood), "impact": to_percent(t.impact)},
            "attributes": attrs,
        }));
    }
    let instance_json = |id: &Id| -> Vec<Value> {
        instances
            .get(id)
            .into_iter()
            .flatten()
            .map(|t| {
                let mitigations: Vec<Value> = t
                    .mitigations
                    .iter()
                    .map(|m| json!({"mitigation": m.to_string(), "state": mitigation_state_name(doc.mitigations.get(m).map_or(MitigationStatus::Proposed, |m| m.status))}))
                    .collect();
                json!({"threat": t.id.to_string(), "state": status_name(t.status), "mitigations": mitigations})
            })
            .collect()
    };

    // Element fields OTM does not have.
    let common = |e: &Element| -> Map<String, Value> {
        let mut attrs = Map::new();
        let mut put = |k: &str, v: String| _ = attrs.insert(format!("{PREFIX}{k}"), Value::String(v));
        put("kind", e.kind().key().to_string());
        if !e.owner.is_empty() {
            put("owner", e.owner.clone());
        }
        if e.out_of_scope {
            put("out_of_scope", "true".to_string());
        }
        if !e.out_of_scope_reason.is_empty() {
            put("out_of_scope_reason", e.out_of_scope_reason.clone());
        }
        if let Some(l) = doc.layouts.get(&e.id).filter(|l| !l.points.is_empty()) {
            put("points", serde_json::to_string(&l.points).unwrap_or_default());
        }
        if let Ok(Value::Object(fields)) = serde_json::to_value(&e.properties) {
            for (k, v) in fields {
                if NOT_PROPERTIES.contains(&k.as_str()) {
                    continue;
                }
                match v {
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    Value::String(s) => put(&k, s),
                    other => put(&k, other.to_string()),
                }
            }
        }
        attrs
    };
    let representation = |e: &Element| -> Value {
        let mut rep = json!({"representation": e.diagram.to_string(), "id": format!("{}-shape", e.id)});
        if let (Some(layout), Some((x, y))) = (doc.layouts.get(&e.id), absolute(&e.id)) {
            let (px, py) = e.parent.filter(|p| doc.elements.get(p).is_some_and(|pe| pe.diagram == e.diagram)).and_then(|p| absolute(&p)).unwrap_or((0.0, 0.0));
            rep["position"] = json!({"x": x - px, "y": y - py});
            rep["size"] = json!({"width": layout.width, "height": layout.height});
        }
        rep
    };

    let mut zones = Vec::new();
    let mut components = Vec::new();
    let mut flows = Vec::new();
    let mut needs_no_zone = false;
    for e in doc.elements.values() {
        let parent = e.parent.filter(is_boundary);
        if e.parent.is_some() && parent.is_none() {
            w.add("an element whose parent is not a trust boundary was written outside any boundary");
        }
        let mut attrs = common(e);
        match &e.properties {
            ElementProperties::TrustBoundary(_) => {
                let mut zone = json!({
                    "id": e.id.to_string(),
                    "name": e.name,
                    "description": e.description,
                    "risk": {"trustRating": PLACEHOLDER},
                    "representations": [representation(e)],
                    "attributes": attrs,
                });
                if !e.technology.is_empty() {
                    zone["type"] = json!(e.technology);
                }
                if !e.tags.is_empty() {
                    zone["tags"] = json!(e.tags);
                }
                if let Some(p) = parent {
                    zone["parent"] = json!({"trustZone": p.to_string()});
                }
                zones.push(zone);
            }
            ElementProperties::DataFlow(f) => {
                attrs.insert(format!("{PREFIX}diagram"), Value::String(e.diagram.to_string()));
                let end = |id: Option<Id>| id.map(|i| i.to_string()).unwrap_or_default();
                flows.push(json!({
                    "id": e.id.to_string(),
                    "name": e.name,
                    "description": e.description,
                    "bidirectional": f.bidirectional,
                    "source": end(f.source),
                    "destination": end(f.target),
                    "tags": e.tags,
                    "threats": instance_json(&e.id),
                    "attributes": attrs,
                }));
            }
            _ => {
                let otm_type = if e.technology.is_empty() {
                    attrs.insert(format!("{PREFIX}technology"), Value::String(String::new()));
                    match e.kind() {
                        ElementKind::ExternalEntity => "external-entity",
                        ElementKind::DataStore => "data-store",
                        _ => "process",
                    }
                    .to_string()
                } else {
                    e.technology.clone()
                };
                let zone = match parent {
                    Some(p) => p.to_string(),
                    None => {
                        needs_no_zone = true;
                        NO_ZONE.to_string()
                    }
                };
                components.push(json!({
                    "id": e.id.to_string(),
                    "name": e.name,
                    "description": e.description,
                    "type": otm_type,
                    "parent": {"trustZone": zone},
                    "representations": [representation(e)],
                    "tags": e.tags,
                    "threats": instance_json(&e.id),
                    "attributes": attrs,
                }));
            }
        }
    }
    if needs_no_zone {
        zones.push(json!({
            "id": NO_ZONE,
            "name": "Outside any trust boundary",
            "description": "Holds the components that lie in no trust boundary (OTM requires a parent).",
            "risk": {"trustRating": PLACEHOLDER},
            "attributes": {format!("{PREFIX}synthetic"): "true"},
        }));
    }

    let representations: Vec<Value> = doc
        .diagrams
        .values()
        .map(|d| {
            let (mut width, mut height) = (1000.0f64, 1000.0f64);
            for e in doc.elements.values().filter(|e| e.diagram == d.id) {
                if let Some(l) = doc.layouts.get(&e.id) {
                    width = width.max(l.x + l.width + 40.0);
                    height = height.max(l.y + l.height + 40.0);
                    for p in &l.points {
                        width = width.max(p.x + 40.0);
                        height = height.max(p.y + 40.0);
                    }
                }
            }
            json!({"name": d.name, "id": d.id.to_string(), "type": "diagram", "size": {"width": width, "height": height}})
        })
        .collect();
    let assets: Vec<Value> = doc
        .assets
        .values()
        .map(|a| {
            let confidentiality = match a.classification {
                Some(Classification::Public) => 0.0,
                Some(Classification::Internal) => 30.0,
                Some(Classification::Confidential) => 60.0,
                Some(Classification::Secret) => 90.0,
                None => PLACEHOLDER,
            };
            let classification = a.classification.as_ref().map(enum_text).unwrap_or("none".to_string());
            json!({
                "id": a.id.to_string(),
                "name": a.name,
                "description": a.description,
                "risk": {"confidentiality": confidentiality, "integrity": PLACEHOLDER, "availability": PLACEHOLDER},
                "attributes": {format!("{PREFIX}classification"): classification},
            })
        })
        .collect();
    let mitigations: Vec<Value> = doc
        .mitigations
        .values()
        .map(|m| {
            json!({
                "id": m.id.to_string(),
                "name": m.name,
                "description": m.description,
                "riskReduction": PLACEHOLDER,
                "attributes": {format!("{PREFIX}status"): enum_text(&m.status)},
            })
        })
        .collect();

    let meta = &doc.metadata;
    let mut project_attrs = Map::new();
    project_attrs.insert(format!("{PREFIX}currency"), Value::String(meta.currency.clone()));
    for (k, v) in [("scope_in", &meta.scope_in), ("scope_out", &meta.scope_out), ("version", &meta.version)] {
        if !v.is_empty() {
            project_attrs.insert(format!("{PREFIX}{k}"), Value::String(v.clone()));
        }
    }
    for (k, v) in [("assumptions", &meta.assumptions), ("reviewers", &meta.reviewers)] {
        if !v.is_empty() {
            project_attrs.insert(format!("{PREFIX}{k}"), Value::String(serde_json::to_string(v).unwrap_or_default()));
        }
    }
    let slug: String = meta.name.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    let mut project = json!({
        "name": meta.name,
        "id": if slug.is_empty() { "rampart-model".to_string() } else { slug },
        "description": meta.summary,
        "attributes": project_attrs,
    });
    if !meta.owner.is_empty() {
        project["owner"] = json!(meta.owner);
    }

    if !doc.attack_trees.is_empty() {
        w.add(&format!("OTM has no attack trees; the model's {} attack trees were not written", doc.attack_trees.len()));
    }
    let otm = json!({
        "otmVersion": OTM_VERSION,
        "project": project,
        "representations": representations,
        "assets": assets,
        "trustZones": zones,
        "components": components,
        "dataflows": flows,
        "threats": threat_defs,
        "mitigations": mitigations,
    });
    (otm, w.into_list())
}

/// A unit enum's serde name (e.g. "Not applicable", "confidential").
fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}
