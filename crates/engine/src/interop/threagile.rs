//! Threagile YAML models (<https://threagile.io>), read as untyped YAML because real models
//! vary (older and newer field names, YAML merge keys `<<:`, files split over `includes:`).
//!
//! What maps where:
//! - technical assets → external entities, processes or data stores by their `type`;
//!   `out_of_scope` and its justification, `technology`/`technologies`, `owner`, `tags`;
//!   `used_as_client_by_human` → an external entity's "is human"; `internet` → a process's
//!   "internet facing"; a data store's `encryption` (anything but `none`) → "encrypted at rest".
//! - communication links → data flows from their asset to `target`: `protocol`; encrypted in
//!   transit when the protocol is an encrypted one or the link runs through a `vpn`;
//!   `authentication` other than `none` → authenticated (`credentials` and `two-factor` also
//!   → carries credentials); over a public network when either end is on the `internet`
//!   (not when both ends say they are not); bidirectional when data assets come back
//!   (`data_assets_received`); the data classification is the highest of the data assets
//!   the link carries.
//! - trust boundaries → trust boundaries; `technical_assets_inside` and
//!   `trust_boundaries_nested` give each element its innermost boundary.
//! - data assets → assets; confidentiality public / internal / restricted / confidential /
//!   strictly-confidential → Public / Internal / Confidential / Confidential / Secret.
//! - individually identified risks (`individual_risk_categories`, or the newer
//!   `custom_risk_categories`) → threats on their most relevant element, with the
//!   category's STRIDE, CWE and mitigation; `risk_tracking` entries that match them (with
//!   Threagile's `*` wildcards) set status, decision, reviewer and date.
//! - `security_requirements` → mitigations (controls), not yet linked to threats.
//! - title, author, contributors, date and the overview texts → metadata.
//!
//! Everything else (CIA ratings, machine, size, shared runtimes, questions, abuse cases,
//! risk tracking for the risks Threagile itself generates, diagram tweaks, …) is listed in
//! the warnings. Threagile has no coordinates, so the diagram gets a generated grid layout
//! in which every trust boundary's box encloses its contents.
//!
//! Includes are read relative to the including file, as Threagile does, and only inside the
//! main model's folder: absolute paths and paths leading out of that folder are refused, a
//! file that includes itself (directly or not) is not read again, and the depth and number
//! of include files are bounded. YAML aliases are bounded too (see [`parse_yaml`]).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{malformed, unrecognised, Imported, Warnings};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::model::*;
use crate::risk::Severity;

/// The namespace of ids derived from Threagile ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x3b9e_51c4_7d20_4f8a_a6e3_0c5d_92f1_48b7);

const FORMAT: &str = "Threagile";

const MAX_INCLUDE_DEPTH: usize = 16;
const MAX_INCLUDE_FILES: usize = 256;
const MAX_INCLUDE_BYTES: u64 = 32 * 1024 * 1024;
/// YAML nodes one file may expand to (aliases included): a bound on memory and time.
const MAX_YAML_NODES: usize = 500_000;
/// Trust boundaries nest at most this deep; deeper nesting is refused with a warning.
pub(super) const MAX_NESTING: usize = 64;

fn derived_id(parts: &[&str]) -> Id {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes())
}

/// Top-level keys only a Threagile model has.
const MARKERS: [&str; 8] = [
    "threagile_version",
    "technical_assets",
    "data_assets",
    "trust_boundaries",
    "shared_runtimes",
    "individual_risk_categories",
    "custom_risk_categories",
    "risk_tracking",
];

/// Is this text a Threagile model (or a part of one)? Looks for Threagile's own top-level
/// keys, so that a damaged model is still recognised and reported as damaged.
pub fn detect(text: &str) -> bool {
    text.lines().any(|line| MARKERS.iter().any(|k| line.strip_prefix(k).is_some_and(|rest| rest.trim_start().starts_with(':'))))
}

/// Import a Threagile model read from `path`, resolving its includes from disk.
pub fn import_path(path: &Path) -> Result<Imported> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| unrecognised(path))?.trim_start_matches('\u{feff}');
    if !detect(text) {
        return Err(unrecognised(path));
    }
    import(text, path)
}

/// Import a Threagile model from its text. `path` names it in errors and is where its
/// `includes:` are resolved from (the folder of `path`); includes that cannot be read are
/// reported in the warnings.
pub fn import(text: &str, path: &Path) -> Result<Imported> {
    let mut warnings = Warnings::default();
    let model = match parse_yaml(text).map_err(|e| malformed(path, FORMAT, e))? {
        Value::Object(map) => map,
        _ => return Err(malformed(path, FORMAT, "the top level is not a mapping of keys to values")),
    };
    let model = resolve_includes(model, path, &mut warnings)?;
    let document = build(&model, &mut warnings);
    Ok(Imported { document, format: "Threagile YAML", warnings: warnings.into_list() })
}

// ---------------------------------------------------------------------------------------
// YAML

/// Parse YAML into a JSON value, applying merge keys (`<<:`). Mapping keys that are not
/// strings are written as text. The number of nodes, aliases expanded, is bounded, so a
/// small file cannot expand into gigabytes ("billion laughs"); duplicate keys are an error.
pub(super) fn parse_yaml(text: &str) -> std::result::Result<Value, String> {
    let budget = Cell::new(MAX_YAML_NODES);
    let de = serde_norway::Deserializer::from_str(text);
    let mut value = Node { budget: &budget }.deserialize(de).map_err(|e| e.to_string())?;
    apply_merge(&mut value)?;
    Ok(value)
}

/// A YAML node read as JSON, counting against a budget.
#[derive(Clone, Copy)]
struct Node<'b> {
    budget: &'b Cell<usize>,
}

impl Node<'_> {
    fn spend<E: serde::de::Error>(&self) -> std::result::Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom("the YAML expands to too many nodes (aliases repeated too often?)")),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        self.spend()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(self)? {
            let key = match key {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let value = map.next_value_seed(self)?;
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("the key “{key}” appears twice in one mapping")));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
    /// A tagged node (`!tag value`): the tag is dropped, the value kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> std::result::Result<Value, A::Error> {
        let (_tag, variant): (String, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}

/// YAML merge keys: `<<: *anchor` (or a list of anchors) adds the keys a mapping lacks.
fn apply_merge(value: &mut Value) -> std::result::Result<(), String> {
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                match map.remove("<<") {
                    Some(Value::Object(merge)) => {
                        for (k, v) in merge {
                            map.entry(k).or_insert(v);
                        }
                    }
                    Some(Value::Array(list)) => {
                        for item in list {
                            let Value::Object(merge) = item else { return Err("a merge key (<<) lists something other than mappings".into()) };
                            for (k, v) in merge {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                    None => {}
                    Some(_) => return Err("a merge key (<<) is followed by something other than a mapping".into()),
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Includes

struct Includes {
    /// The main model's folder, canonical; `None` when it does not exist on disk.
    root: Option<PathBuf>,
    /// The files being read, outermost first: an include of one of them is a cycle.
    stack: Vec<PathBuf>,
    files: usize,
}

fn resolve_includes(mut model: Map<String, Value>, path: &Path, warnings: &mut Warnings) -> Result<Map<String, Value>> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let root = folder.canonicalize().ok();
    let mut includes = Includes { root: root.clone(), stack: path.canonicalize().ok().into_iter().collect(), files: 0 };
    let dir = root.unwrap_or(folder);
    include_into(&mut model, &dir, &mut includes, 0, warnings)?;
    Ok(model)
}

fn include_into(model: &mut Map<String, Value>, dir: &Path, inc: &mut Includes, depth: usize, warnings: &mut Warnings) -> Result<()> {
    let names: Vec<String> = match model.remove("includes") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) => items.iter().filter_map(scalar).collect(),
        Some(other) => scalar(&other).into_iter().collect(),
    };
    for name in names {
        let Some(file) = include_path(dir, &name, inc, warnings) else { continue };
        if inc.stack.contains(&file) {
            warnings.add(&format!("include “{name}” is already being read (an include cycle); it was not read again"));
            continue;
        }
        if depth >= MAX_INCLUDE_DEPTH || inc.files >= MAX_INCLUDE_FILES {
            warnings.add(&format!("include “{name}” was not read: includes nest deeper than {MAX_INCLUDE_DEPTH} or number more than {MAX_INCLUDE_FILES}"));
            continue;
        }
        inc.files += 1;
        let text = match read_include(&file) {
            Ok(text) => text,
            Err(reason) => {
                warnings.add(&format!("include “{name}” could not be read ({reason}); its content is missing"));
                continue;
            }
        };
        let mut included = match parse_yaml(&text).map_err(|e| malformed(&file, FORMAT, e))? {
            Value::Object(map) => map,
            Value::Null => continue,
            _ => {
                warnings.add(&format!("include “{name}” is not a mapping of keys to values; it was skipped"));
                continue;
            }
        };
        inc.stack.push(file.clone());
        let sub_dir = file.parent().map(Path::to_path_buf).unwrap_or_else(|| dir.to_path_buf());
        include_into(&mut included, &sub_dir, inc, depth + 1, warnings)?;
        inc.stack.pop();
        for (key, value) in included {
            let slot = model.entry(key.clone()).or_insert(Value::Null);
            merge(slot, value, &key, &name, warnings);
        }
    }
    Ok(())
}

/// Where an include lives, if it may be read: relative, and inside the model's folder.
fn include_path(dir: &Path, name: &str, inc: &Includes, warnings: &mut Warnings) -> Option<PathBuf> {
    let relative = Path::new(name);
    if name.trim().is_empty() {
        return None;
    }
    if relative.is_absolute() || relative.components().any(|c| matches!(c, Component::Prefix(_) | Component::RootDir)) {
        warnings.add(&format!("include “{name}” was refused: an include must be a path relative to the model"));
        return None;
    }
    let Some(root) = &inc.root else {
        warnings.add(&format!("include “{name}” could not be read: the model's folder is unknown"));
        return None;
    };
    let file = match dir.join(relative).canonicalize() {
        Ok(file) => file,
        Err(e) => {
            warnings.add(&format!("include “{name}” could not be read ({e}); its content is missing"));
            return None;
        }
    };
    if !file.starts_with(root) {
        warnings.add(&format!("include “{name}” was refused: it leads out of the model's folder"));
        return None;
    }
    Some(file)
}

fn read_include(file: &Path) -> std::result::Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_INCLUDE_BYTES {
        return Err(format!("larger than {} MB", MAX_INCLUDE_BYTES / (1024 * 1024)));
    }
    let bytes = std::fs::read(file).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

/// Merge an included value into the model, as Threagile does: mappings key by key, lists
/// as a union, a value stated twice only if both agree (otherwise the first is kept).
fn merge(into: &mut Value, from: Value, at: &str, file: &str, warnings: &mut Warnings) {
    if from.is_null() {
        return;
    }
    if into.is_null() {
        *into = from;
        return;
    }
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                let path = format!("{at}.{k}");
                merge(a.entry(k).or_insert(Value::Null), v, &path, file, warnings);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            // A union; very long lists are appended as they are, to stay linear.
            let dedupe = a.len().saturating_mul(b.len()) <= 1_000_000;
            for item in b {
                if !dedupe || !a.contains(&item) {
                    a.push(item);
                }
            }
        }
        (a, b) => {
            if *a != b {
                warnings.add(&format!("include “{file}” gives “{at}” another value; the first one was kept"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading values

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn field(obj: &Value, key: &str) -> Option<String> {
    obj.get(key).and_then(scalar)
}

fn flag(obj: &Value, key: &str) -> Option<bool> {
    match obj.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn list(obj: &Value, key: &str) -> Vec<String> {
    match obj.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(scalar).collect(),
        Some(v) => scalar(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// The entries of a Threagile section: a mapping of title to object, or (in Threagile's
/// parsed form) a list of objects with a `title`. Entries that are not objects are counted.
fn entries<'a>(v: Option<&'a Value>, section: &str, warnings: &mut Warnings) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    let mut skipped = 0;
    match v {
        Some(Value::Object(map)) => {
            for (k, v) in map {
                if v.is_object() {
                    out.push((k.clone(), v));
                } else {
                    skipped += 1;
                }
            }
        }
        Some(Value::Array(items)) => {
            for (n, v) in items.iter().enumerate() {
                if v.is_object() {
                    let title = field(v, "title").or_else(|| field(v, "name")).or_else(|| field(v, "id")).unwrap_or(format!("#{}", n + 1));
                    out.push((title, v));
                } else {
                    skipped += 1;
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => skipped += 1,
    }
    for _ in 0..skipped {
        warnings.add(&format!("a Threagile {section} entry that is not a mapping was skipped"));
    }
    out
}

fn meaningful(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.trim().is_empty() && s.trim() != "none",
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

/// Fields that carry something Rampart has no place for, counted per section and reported
/// as one warning per section.
#[derive(Default)]
struct Unmapped(BTreeMap<&'static str, BTreeMap<String, usize>>);

impl Unmapped {
    fn note(&mut self, section: &'static str, obj: &Value, mapped: &[&str]) {
        let Some(map) = obj.as_object() else { return };
        for (k, v) in map {
            if !mapped.contains(&k.as_str()) && meaningful(v) {
                *self.0.entry(section).or_default().entry(k.clone()).or_default() += 1;
            }
        }
    }

    fn report(self, warnings: &mut Warnings) {
        for (section, fields) in self.0 {
            let list: Vec<String> = fields.iter().map(|(f, n)| format!("{f} ({n})")).collect();
            warnings.add(&format!("Threagile {section} fields with no Rampart equivalent were not imported: {}", list.join(", ")));
        }
    }
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------
// Mapping

fn confidentiality(level: &str, warnings: &mut Warnings) -> Option<Classification> {
    Some(match level.trim().to_ascii_lowercase().as_str() {
        "public" => Classification::Public,
        "internal" => Classification::Internal,
        "restricted" => {
            warnings.add("Threagile's “restricted” confidentiality has no Rampart level of its own; it was read as Confidential");
            Classification::Confidential
        }
        "confidential" => Classification::Confidential,
        "strictly-confidential" => Classification::Secret,
        "" => return None,
        other => {
            warnings.add(&format!("confidentiality “{other}” is unknown; such data assets have no classification"));
            return None;
        }
    })
}

const ENCRYPTED_PROTOCOLS: [&str; 21] = [
    "https",
    "wss",
    "reverse-proxy-web-protocol-encrypted",
    "jdbc-encrypted",
    "odbc-encrypted",
    "sql-access-protocol-encrypted",
    "nosql-access-protocol-encrypted",
    "binary-encrypted",
    "text-encrypted",
    "ssh",
    "ssh-tunnel",
    "smtp-encrypted",
    "pop3-encrypted",
    "imap-encrypted",
    "ftps",
    "sftp",
    "scp",
    "ldaps",
    "iiop-encrypted",
    "jrmp-encrypted",
    "smb-encrypted",
];

/// Protocols that never leave the machine: "in transit" does not apply.
const LOCAL_PROTOCOLS: [&str; 4] = ["in-process-library-call", "inter-process-communication", "local-file-access", "container-spawning"];

fn stride(text: &str) -> Option<StrideCategory> {
    Some(match text.trim().to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
        "spoofing" => StrideCategory::Spoofing,
        "tampering" => StrideCategory::Tampering,
        "repudiation" => StrideCategory::Repudiation,
        "information-disclosure" => StrideCategory::InformationDisclosure,
        "denial-of-service" => StrideCategory::DenialOfService,
        "elevation-of-privilege" => StrideCategory::ElevationOfPrivilege,
        _ => return None,
    })
}

fn likelihood(text: &str) -> Option<u8> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "unlikely" => 2,
        "likely" => 3,
        "very-likely" => 4,
        "frequent" => 5,
        _ => return None,
    })
}

fn impact(text: &str) -> Option<u8> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        "very-high" => 5,
        _ => return None,
    })
}

fn severity(text: &str) -> Option<Severity> {
    match text.trim().to_ascii_lowercase().as_str() {
        "elevated" => Some(Severity::High),
        other => Severity::parse(other),
    }
}

/// Risk-tracking ids, matched against the ids of risks: parts split by `@`, `*` for any one
/// part. Exact ids are looked up; patterns are scanned, within a bound on the work.
struct Tracking {
    exact: BTreeMap<String, usize>,
    patterns: Vec<(Vec<String>, usize)>,
    budget: usize,
}

impl Tracking {
    fn new(ids: &[(String, &Value)]) -> Tracking {
        let mut exact = BTreeMap::new();
        let mut patterns = Vec::new();
        for (n, (id, _)) in ids.iter().enumerate() {
            if id.contains('*') {
                patterns.push((id.split('@').map(String::from).collect(), n));
            } else {
                exact.entry(id.clone()).or_insert(n);
            }
        }
        Tracking { exact, patterns, budget: 10_000_000 }
    }

    /// The first entry for a risk id: an exact one, else the first pattern that matches.
    fn find(&mut self, id: &str, warnings: &mut Warnings) -> Option<usize> {
        if let Some(n) = self.exact.get(id) {
            return Some(*n);
        }
        let parts: Vec<&str> = id.split('@').collect();
        for (pattern, n) in &self.patterns {
            if self.budget == 0 {
                warnings.add("risk tracking has too many wildcard entries to match them all; some were not applied");
                return None;
            }
            self.budget = self.budget.saturating_sub(pattern.len().max(1));
            if pattern.len() == parts.len() && pattern.iter().zip(&parts).all(|(p, i)| p == "*" || p == i) {
                return Some(*n);
            }
        }
        None
    }
}

/// The model being built and the ids of what it holds, by Threagile id.
struct Builder {
    doc: Document,
    diagram: Id,
    assets: BTreeMap<String, (Id, Option<Classification>)>,
    elements: BTreeMap<String, Id>,
    internet: BTreeMap<Id, Option<bool>>,
    links: BTreeMap<String, Id>,
    boundaries: BTreeMap<String, Id>,
    order: Vec<Id>,
    unmapped: Unmapped,
}

const TOP_LEVEL: [&str; 24] = [
    "threagile_version",
    "includes",
    "title",
    "date",
    "author",
    "contributors",
    "management_summary_comment",
    "business_criticality",
    "application_description",
    "business_overview",
    "technical_overview",
    "questions",
    "abuse_cases",
    "security_requirements",
    "tags_available",
    "data_assets",
    "technical_assets",
    "trust_boundaries",
    "shared_runtimes",
    "individual_risk_categories",
    "custom_risk_categories",
    "risk_tracking",
    // Threagile's parsed form repeats the links at the top level.
    "communication_links",
    "built_in_risk_categories",
];

fn build(model: &Map<String, Value>, warnings: &mut Warnings) -> Document {
    let root = Value::Object(model.clone());
    let diagram = derived_id(&["diagram"]);
    let mut b = Builder {
        doc: Document::default(),
        diagram,
        assets: BTreeMap::new(),
        elements: BTreeMap::new(),
        internet: BTreeMap::new(),
        links: BTreeMap::new(),
        boundaries: BTreeMap::new(),
        order: Vec::new(),
        unmapped: Unmapped::default(),
    };
    metadata(&mut b, &root, warnings);
    b.doc.diagrams.insert(diagram, Diagram { id: diagram, name: "Data-flow diagram".to_string() });
    data_assets(&mut b, &root, warnings);
    technical_assets(&mut b, &root, warnings);
    trust_boundaries(&mut b, &root, warnings);
    communication_links(&mut b, &root, warnings);
    risks(&mut b, &root, warnings);
    security_requirements(&mut b, &root, warnings);

    for (key, value) in model {
        let diagram_tweak = key.starts_with("diagram_tweak");
        if diagram_tweak && meaningful(value) {
            warnings.add("Threagile's diagram tweaks were not imported (Rampart lays the diagram out itself)");
        } else if !diagram_tweak && !TOP_LEVEL.contains(&key.as_str()) && meaningful(value) {
            if key == "generated_risks_by_category" {
                warnings.add("the risks Threagile generated were not imported (Rampart generates its own threats)");
            } else {
                *b.unmapped.0.entry("model").or_default().entry(key.clone()).or_default() += 1;
            }
        }
    }
    for (name, section) in [("questions", "question"), ("abuse_cases", "abuse case")] {
        let n = root.get(name).and_then(Value::as_object).map_or(0, |m| m.len());
        for _ in 0..n {
            warnings.add(&format!("a Threagile {section} was not imported (Rampart has no place for it)"));
        }
    }
    for (title, runtime) in entries(root.get("shared_runtimes"), "shared runtime", warnings) {
        let name = field(runtime, "title").unwrap_or(title);
        warnings.add(&format!("shared runtime “{name}” was not imported (Rampart has no shared-runtime element)"));
    }
    if root.get("tags_available").is_some_and(meaningful) {
        warnings.add("Threagile's list of available tags was not imported (the tags on elements were)");
    }

    let order = std::mem::take(&mut b.order);
    for layout in grid_layout(&b.doc, diagram, &order) {
        b.doc.layouts.insert(layout.id, layout);
    }
    let Builder { doc, unmapped, .. } = b;
    unmapped.report(warnings);
    doc
}

fn metadata(b: &mut Builder, root: &Value, warnings: &mut Warnings) {
    let meta = &mut b.doc.metadata;
    meta.name = field(root, "title").unwrap_or("Imported Threagile model".to_string());
    meta.version = field(root, "date").unwrap_or_default();
    meta.currency = "EUR".to_string();
    if let Some(author) = root.get("author") {
        meta.owner = field(author, "name").or_else(|| scalar(author)).unwrap_or_default();
        b.unmapped.note("author", author, &["name"]);
    }
    for c in root.get("contributors").and_then(Value::as_array).into_iter().flatten() {
        if let Some(name) = field(c, "name").or_else(|| scalar(c)) {
            meta.reviewers.push(name);
        }
    }
    let mut summary = Vec::new();
    if let Some(text) = field(root, "management_summary_comment") {
        summary.push(text);
    }
    for (key, heading) in [("application_description", "Application"), ("business_overview", "Business overview"), ("technical_overview", "Technical overview")] {
        let Some(overview) = root.get(key) else { continue };
        if let Some(text) = field(overview, "description").or_else(|| scalar(overview)) {
            summary.push(format!("### {heading}\n\n{text}"));
        }
        if overview.get("images").is_some_and(meaningful) {
            warnings.add(&format!("the images of the Threagile {} were not imported", heading.to_lowercase()));
        }
    }
    if let Some(criticality) = field(root, "business_criticality") {
        summary.push(format!("Business criticality: {criticality}"));
    }
    meta.summary = summary.join("\n\n");
}

fn data_assets(b: &mut Builder, root: &Value, warnings: &mut Warnings) {
    for (title, asset) in entries(root.get("data_assets"), "data asset", warnings) {
        let tid = field(asset, "id").unwrap_or(title.clone());
        let name = field(asset, "title").unwrap_or(title);
        let mut id = derived_id(&["data-asset", &tid]);
        if b.assets.contains_key(&tid) {
            warnings.add(&format!("data asset id “{tid}” is used twice; links refer to the first"));
            id = derived_id(&["data-asset", &tid, &name]);
        }
        let classification = confidentiality(&field(asset, "confidentiality").unwrap_or_default(), warnings);
        b.unmapped.note("data-asset", asset, &["id", "title", "description", "confidentiality"]);
        b.doc.assets.insert(id, Asset { id, name, description: field(asset, "description").unwrap_or_default(), classification });
        b.assets.entry(tid).or_insert((id, classification));
    }
}

fn technical_assets(b: &mut Builder, root: &Value, warnings: &mut Warnings) {
    for (title, asset) in entries(root.get("technical_assets"), "technical asset", warnings) {
        let tid = field(asset, "id").unwrap_or(title.clone());
        let name = field(asset, "title").unwrap_or(title);
        let mut id = derived_id(&["technical-asset", &tid]);
        if b.elements.contains_key(&tid) {
            warnings.add(&format!("technical asset id “{tid}” is used twice; links refer to the first"));
            id = derived_id(&["technical-asset", &tid, &name]);
        }
        let kind = field(asset, "type").unwrap_or_default().to_ascii_lowercase();
        let mut mapped = vec!["id", "title", "description", "type", "out_of_scope", "justification_out_of_scope", "technology", "technologies", "tags", "owner", "communication_links", "internet"];
        if kind.is_empty() {
            warnings.add("technical assets without a type were imported as external entities (Threagile's default type)");
        }
        let properties = match kind.as_str() {
            "external-entity" | "" => {
                mapped.push("used_as_client_by_human");
                ElementProperties::ExternalEntity(EntityProperties { is_human: flag(asset, "used_as_client_by_human"), authenticated: None })
            }
            "datastore" | "data-store" => {
                mapped.push("encryption");
                let encrypted = field(asset, "encryption").map(|e| e != "none");
                ElementProperties::DataStore(StoreProperties { encrypted_at_rest: encrypted, ..Default::default() })
            }
            other => {
                if other != "process" {
                    warnings.add(&format!("technical asset type “{other}” is unknown; such assets were imported as processes"));
                }
                ElementProperties::Process(ProcessProperties { internet_facing: flag(asset, "internet"), ..Default::default() })
            }
        };
        b.unmapped.note("technical-asset", asset, &mapped);
        let technology = match asset.get("technologies") {
            Some(Value::Array(items)) => items.iter().filter_map(|t| scalar(t).or_else(|| field(t, "name"))).collect::<Vec<_>>().join(", "),
            _ => String::new(),
        };
        let technology = if technology.is_empty() { field(asset, "technology").unwrap_or_default() } else { technology };
        let element = Element {
            id,
            diagram: b.diagram,
            name,
            description: field(asset, "description").unwrap_or_default(),
            technology,
            owner: field(asset, "owner").unwrap_or_default(),
            tags: list(asset, "tags"),
            out_of_scope: flag(asset, "out_of_scope").unwrap_or(false),
            out_of_scope_reason: field(asset, "justification_out_of_scope").unwrap_or_default(),
            parent: None,
            properties,
        };
        b.internet.insert(id, flag(asset, "internet"));
        b.doc.elements.insert(id, element);
        b.order.push(id);
        b.elements.entry(tid).or_insert(id);
    }
}

fn trust_boundaries(b: &mut Builder, root: &Value, warnings: &mut Warnings) {
    let boundaries = entries(root.get("trust_boundaries"), "trust boundary", warnings);
    let mut ids = Vec::new();
    for (title, boundary) in &boundaries {
        let tid = field(boundary, "id").unwrap_or(title.clone());
        let name = field(boundary, "title").unwrap_or(title.clone());
        let mut id = derived_id(&["trust-boundary", &tid]);
        if b.boundaries.contains_key(&tid) {
            warnings.add(&format!("trust boundary id “{tid}” is used twice; nesting refers to the first"));
            id = derived_id(&["trust-boundary", &tid, &name]);
        }
        b.unmapped.note("trust-boundary", boundary, &["id", "title", "description", "type", "tags", "technical_assets_inside", "trust_boundaries_nested"]);
        let element = Element {
            id,
            diagram: b.diagram,
            name,
            description: field(boundary, "description").unwrap_or_default(),
            technology: field(boundary, "type").unwrap_or_default(),
            tags: list(boundary, "tags"),
            properties: ElementProperties::TrustBoundary(BoundaryProperties {}),
            ..Default::default()
        };
        b.doc.elements.insert(id, element);
        b.boundaries.entry(tid).or_insert(id);
        ids.push(id);
    }
    // Boundaries first in the layout order: their boxes come before loose assets.
    let mut order = ids.clone();
    order.append(&mut b.order);
    b.order = order;

    // Nesting of boundaries.
    for ((_, boundary), id) in boundaries.iter().zip(&ids) {
        for nested in list(boundary, "trust_boundaries_nested") {
            let Some(&child) = b.boundaries.get(&nested) else {
                warnings.add(&format!("trust boundary “{nested}” is nested but not defined; the nesting was ignored"));
                continue;
            };
            let has_parent = b.doc.elements.get(&child).and_then(|e| e.parent).is_some();
            if has_parent {
                warnings.add(&format!("trust boundary “{nested}” is nested in several boundaries; the first was kept"));
            } else if child == *id || ancestors(&b.doc, *id).contains(&child) {
                warnings.add(&format!("trust boundary “{nested}” would contain itself; that nesting was ignored"));
            } else if ancestors(&b.doc, *id).len() + 1 >= MAX_NESTING {
                warnings.add(&format!("trust boundaries nest deeper than {MAX_NESTING}; deeper nesting was ignored"));
            } else if let Some(e) = b.doc.elements.get_mut(&child) {
                e.parent = Some(*id);
            }
        }
    }
    // Technical assets inside: the innermost boundary that lists an asset is its parent.
    let mut candidates: BTreeMap<Id, Vec<Id>> = BTreeMap::new();
    for ((_, boundary), id) in boundaries.iter().zip(&ids) {
        for inside in list(boundary, "technical_assets_inside") {
            match b.elements.get(&inside) {
                Some(asset) => candidates.entry(*asset).or_default().push(*id),
                None => warnings.add(&format!("trust boundary contains “{inside}”, which is not a technical asset; it was ignored")),
            }
        }
    }
    for (asset, boundaries) in candidates {
        let Some(innermost) = boundaries.iter().copied().max_by_key(|bd| ancestors(&b.doc, *bd).len()) else { continue };
        let chain = ancestors(&b.doc, innermost);
        if boundaries.iter().any(|bd| *bd != innermost && !chain.contains(bd)) {
            warnings.add("a technical asset is inside several unrelated trust boundaries; the innermost listed was kept");
        }
        if let Some(e) = b.doc.elements.get_mut(&asset) {
            e.parent = Some(innermost);
        }
    }
}

/// The boundaries around an element, innermost first (bounded, so a cycle cannot hang).
pub(super) fn ancestors(doc: &Document, id: Id) -> Vec<Id> {
    let mut out = Vec::new();
    let mut at = doc.elements.get(&id).and_then(|e| e.parent);
    while let Some(p) = at {
        if out.contains(&p) || p == id || out.len() > MAX_NESTING {
            break;
        }
        out.push(p);
        at = doc.elements.get(&p).and_then(|e| e.parent);
    }
    out
}

fn communication_links(b: &mut Builder, root: &Value, warnings: &mut Warnings) {
    // Entries that are not mappings were reported with the technical assets already.
    for (title, asset) in entries(root.get("technical_assets"), "technical asset", &mut Warnings::default()) {
        let source_tid = field(asset, "id").unwrap_or(title.clone());
        let Some(&source) = b.elements.get(&source_tid) else { continue };
        for (link_title, link) in entries(asset.get("communication_links"), "communication link", warnings) {
            let name = field(link, "title").unwrap_or(link_title.clone());
            let link_tid = field(link, "id").unwrap_or_else(|| format!("{source_tid}>{}", name.to_lowercase().replace(' ', "-")));
            let id = derived_id(&["link", &source_tid, &link_title]);
            let target_tid = field(link, "target").or_else(|| field(link, "target_id")).unwrap_or_default();
            let target = b.elements.get(&target_tid).copied();
            if target.is_none() {
                warnings.add(&format!("link “{name}” goes to “{target_tid}”, which is not a technical asset; it was imported with its target missing"));
            }
            let protocol = field(link, "protocol").unwrap_or_default();
            let proto = protocol.to_ascii_lowercase();
            let local = LOCAL_PROTOCOLS.contains(&proto.as_str());
            let encrypted = if ENCRYPTED_PROTOCOLS.contains(&proto.as_str()) || flag(link, "vpn") == Some(true) {
                Some(true)
            } else if local || proto.is_empty() || proto == "unknown-protocol" {
                None
            } else {
                Some(false)
            };
            let authentication = field(link, "authentication").unwrap_or_default().to_ascii_lowercase();
            let authenticated = match authentication.as_str() {
                "" => None,
                "none" => Some(false),
                _ => Some(true),
            };
            let carries_credentials = matches!(authentication.as_str(), "credentials" | "two-factor").then_some(true);
            let ends = [b.internet.get(&source).copied().flatten(), target.and_then(|t| b.internet.get(&t).copied().flatten())];
            let over_public_network = if local {
                Some(false)
            } else if ends.contains(&Some(true)) {
                Some(true)
            } else if ends.iter().all(|e| *e == Some(false)) {
                Some(false)
            } else {
                None
            };
            let (sent, received) = (list(link, "data_assets_sent"), list(link, "data_assets_received"));
            let mut classification = None;
            for data in sent.iter().chain(&received) {
                match b.assets.get(data) {
                    Some((_, c)) => classification = classification.max(*c),
                    None => warnings.add(&format!("link “{name}” carries “{data}”, which is not a data asset; it was ignored")),
                }
            }
            if !sent.is_empty() || !received.is_empty() {
                warnings.add("the data assets each link carries are not listed on Rampart flows; each flow has their highest classification instead");
            }
            b.unmapped.note(
                "communication-link",
                link,
                &["id", "title", "target", "target_id", "source_id", "description", "protocol", "authentication", "tags", "vpn", "data_assets_sent", "data_assets_received"],
            );
            let element = Element {
                id,
                diagram: b.diagram,
                name,
                description: field(link, "description").unwrap_or_default(),
                tags: list(link, "tags"),
                properties: ElementProperties::DataFlow(FlowProperties {
                    source: Some(source),
                    target,
                    bidirectional: !received.is_empty(),
                    protocol,
                    encrypted_in_transit: encrypted,
                    authenticated,
                    integrity_protected: None,
                    over_public_network,
                    data_classification: classification,
                    carries_credentials,
                }),
                ..Default::default()
            };
            b.doc.elements.insert(id, element);
            b.links.entry(link_tid).or_insert(id);
        }
    }
}

fn risks(b: &mut Builder, root: &Value, warnings: &mut Warnings) {
    let mut categories = entries(root.get("individual_risk_categories"), "risk category", warnings);
    categories.extend(entries(root.get("custom_risk_categories"), "risk category", warnings));
    let tracking = entries(root.get("risk_tracking"), "risk tracking", warnings);
    let mut tracking_used = vec![false; tracking.len()];
    let mut tracking_index = Tracking::new(&tracking);

    for (key, category) in categories {
        let cat_id = field(category, "id").unwrap_or(key.clone());
        let cat_title = field(category, "title").unwrap_or(key);
        let risks = entries(category.get("risks_identified"), "identified risk", warnings);
        b.unmapped.note("risk-category", category, &["id", "title", "description", "impact", "mitigation", "action", "stride", "cwe", "risks_identified"]);
        if risks.is_empty() {
            warnings.add(&format!("risk category “{cat_title}” identifies no risk; it was not imported"));
            continue;
        }
        let stride_text = field(category, "stride").unwrap_or_default();
        let category_kind = stride(&stride_text).unwrap_or_else(|| {
            warnings.add(&format!("risk category STRIDE “{stride_text}” is unknown; such risks were filed under Tampering"));
            StrideCategory::Tampering
        });
        let mitigation = field(category, "mitigation").map(|text| {
            let id = derived_id(&["mitigation", &cat_id]);
            let name = field(category, "action").unwrap_or_else(|| text.lines().next().unwrap_or(&text).chars().take(80).collect());
            b.doc.mitigations.insert(id, Mitigation { id, name, description: text, status: MitigationStatus::Proposed });
            id
        });
        let references: Vec<String> = field(category, "cwe").map(|c| if c.to_ascii_uppercase().starts_with("CWE") { c } else { format!("CWE-{c}") }).into_iter().collect();
        let mut description = field(category, "description").unwrap_or_default();
        if let Some(impact) = field(category, "impact") {
            description = format!("{description}\n\nImpact: {impact}").trim().to_string();
        }

        for (risk_title, risk) in risks {
            b.unmapped.note(
                "risk",
                risk,
                &[
                    "severity",
                    "exploitation_likelihood",
                    "exploitation_impact",
                    "most_relevant_data_asset",
                    "most_relevant_technical_asset",
                    "most_relevant_communication_link",
                    "most_relevant_trust_boundary",
                    "most_relevant_shared_runtime",
                    "title",
                    "category",
                    "synthetic_id",
                ],
            );
            let relevant = |k: &str| field(risk, &format!("most_relevant_{k}")).unwrap_or_default();
            let parts = [relevant("data_asset"), relevant("technical_asset"), relevant("communication_link"), relevant("trust_boundary"), relevant("shared_runtime")];
            let synthetic = std::iter::once(cat_id.clone()).chain(parts.iter().filter(|p| !p.is_empty()).cloned()).collect::<Vec<_>>().join("@");
            let target = b.elements.get(&parts[1]).or_else(|| b.links.get(&parts[2])).or_else(|| b.boundaries.get(&parts[3])).copied();
            if target.is_none() && parts.iter().skip(1).any(|p| !p.is_empty()) {
                warnings.add("an identified risk names an element that is not in the model; it was imported without a target");
            }
            let mut notes = vec![format!("Threagile risk category: {cat_title} ({cat_id})")];
            if !parts[0].is_empty() {
                notes.push(format!("Concerns data asset: {}", parts[0]));
            }
            if !parts[4].is_empty() {
                notes.push(format!("Concerns shared runtime: {}", parts[4]));
            }
            // Likelihood and impact from Threagile's exploitation likelihood and impact; when the
            // stated severity is higher than their product gives, the severity wins, so that
            // no risk is imported lower than Threagile reports it.
            let stated = field(risk, "severity").unwrap_or_default();
            let (l_text, i_text) = (field(risk, "exploitation_likelihood").unwrap_or_default(), field(risk, "exploitation_impact").unwrap_or_default());
            let from_exploitation = likelihood(&l_text).zip(impact(&i_text));
            let stated_severity = severity(&stated);
            if !stated.is_empty() {
                notes.push(format!("Threagile severity: {stated}"));
            }
            if from_exploitation.is_some() {
                notes.push(format!("Threagile exploitation likelihood: {l_text}, impact: {i_text}"));
            }
            let (likelihood, impact) = match (from_exploitation, stated_severity) {
                (Some((l, i)), Some(s)) => {
                    let derived = Severity::of_score(u32::from(l) * u32::from(i));
                    if derived != s {
                        warnings.add("an identified risk's stated severity differs from its exploitation likelihood × impact; the higher of the two was kept (both are in the threat's notes)");
                    }
                    if s > derived { s.typical_scores() } else { (l, i) }
                }
                (Some(scores), None) => scores,
                (None, Some(s)) => s.typical_scores(),
                (None, None) => {
                    warnings.add("an identified risk states no known likelihood, impact or severity; such risks were scored Medium");
                    (3, 3)
                }
            };
            let mut threat = Threat {
                id: derived_id(&["risk", &synthetic, &risk_title]),
                title: strip_tags(&risk_title),
                category: category_kind,
                target,
                description: description.clone(),
                likelihood,
                impact,
                mitigations: mitigation.into_iter().collect(),
                references: references.clone(),
                origin: Origin::Manual,
                ..Default::default()
            };
            if let Some((n, entry)) = tracking_index.find(&synthetic, warnings).and_then(|n| Some((n, tracking.get(n)?.1))) {
                if let Some(used) = tracking_used.get_mut(n) {
                    *used = true;
                }
                let status = field(entry, "status").unwrap_or_default().to_ascii_lowercase();
                (threat.status, threat.decision) = match status.as_str() {
                    "" | "unchecked" | "in-discussion" => (ThreatStatus::Open, None),
                    "accepted" => (ThreatStatus::Accepted, Some(Decision::Accept)),
                    "in-progress" => (ThreatStatus::Open, Some(Decision::Mitigate)),
                    "mitigated" => (ThreatStatus::Mitigated, Some(Decision::Mitigate)),
                    "false-positive" => (ThreatStatus::NotApplicable, None),
                    other => {
                        warnings.add(&format!("risk tracking status “{other}” is unknown; such threats were imported as Open"));
                        (ThreatStatus::Open, None)
                    }
                };
                threat.rationale = field(entry, "justification").unwrap_or_default();
                threat.reviewer = field(entry, "checked_by").unwrap_or_default();
                threat.review_date = field(entry, "date");
                if let Some(ticket) = field(entry, "ticket") {
                    notes.push(format!("Ticket: {ticket}"));
                }
            }
            threat.notes = notes.join("\n");
            b.doc.threats.insert(threat.id, threat);
        }
    }
    for used in tracking_used {
        if !used {
            warnings.add("risk tracking for a risk that Threagile's own rules generate was not imported (Rampart generates its own threats)");
        }
    }
}

fn security_requirements(b: &mut Builder, root: &Value, warnings: &mut Warnings) {
    match root.get("security_requirements") {
        Some(Value::Object(map)) => {
            for (name, text) in map {
                let id = derived_id(&["security-requirement", name]);
                let description = scalar(text).unwrap_or_default();
                b.doc.mitigations.insert(id, Mitigation { id, name: name.clone(), description, status: MitigationStatus::Proposed });
            }
        }
        Some(v) if meaningful(v) => warnings.add("Threagile's security requirements are not a mapping of names to texts; they were not imported"),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Generated layout

const NODE_W: f64 = 140.0;
const NODE_H: f64 = 70.0;
const GAP: f64 = 40.0;
const PAD: f64 = 30.0;
const PAD_TOP: f64 = 50.0;
const EMPTY_W: f64 = 200.0;
const EMPTY_H: f64 = 120.0;
const ORIGIN: f64 = 40.0;

/// A grid layout for one diagram's shapes (flows are left to the canvas): trust boundaries
/// are boxes that enclose their contents, which are laid out in rows inside them. `order`
/// is the preferred order of shapes; the others follow by id. Nesting deeper than
/// [`MAX_NESTING`] or in a cycle is laid out as top level.
pub(super) fn grid_layout(doc: &Document, diagram: Id, order: &[Id]) -> Vec<Layout> {
    let mut nodes: Vec<Id> = Vec::new();
    let mut seen = BTreeSet::new();
    for id in order.iter().chain(doc.elements.keys()) {
        let shape = doc.elements.get(id).is_some_and(|e| e.diagram == diagram && e.kind() != ElementKind::DataFlow);
        if shape && seen.insert(*id) {
            nodes.push(*id);
        }
    }
    let is_box = |id: &Id| doc.elements.get(id).is_some_and(|e| e.kind() == ElementKind::TrustBoundary) && seen.contains(id);
    // The parent each node is drawn in, and its depth; a chain that does not end at the top
    // within the bound (a cycle, or too deep) puts the node at the top level.
    let mut parent: BTreeMap<Id, Option<Id>> = BTreeMap::new();
    let mut depth: BTreeMap<Id, usize> = BTreeMap::new();
    for id in &nodes {
        let mut chain = Vec::new();
        let mut at = doc.elements.get(id).and_then(|e| e.parent).filter(is_box);
        let mut ok = true;
        while let Some(p) = at {
            if chain.contains(&p) || p == *id || chain.len() >= MAX_NESTING {
                ok = false;
                break;
            }
            chain.push(p);
            at = doc.elements.get(&p).and_then(|e| e.parent).filter(is_box);
        }
        let direct = if ok { chain.first().copied() } else { None };
        parent.insert(*id, direct);
        depth.insert(*id, if ok { chain.len() } else { 0 });
    }
    // A node's parent must itself be drawn inside the tree: if the parent was put at the
    // top level because of a cycle, the depths still hold as computed for acyclic chains.
    let mut children: BTreeMap<Option<Id>, Vec<Id>> = BTreeMap::new();
    for id in &nodes {
        children.entry(parent.get(id).copied().flatten()).or_default().push(*id);
    }

    // Sizes, innermost first.
    let mut by_depth = nodes.clone();
    by_depth.sort_by_key(|id| std::cmp::Reverse(depth.get(id).copied().unwrap_or(0)));
    let mut size: BTreeMap<Id, (f64, f64)> = BTreeMap::new();
    for id in &by_depth {
        let s = if is_box(id) {
            match children.get(&Some(*id)) {
                Some(kids) if !kids.is_empty() => {
                    let (_, w, h) = arrange(kids, &size);
                    ((w + 2.0 * PAD).max(EMPTY_W), (h + PAD_TOP + PAD).max(EMPTY_H))
                }
                _ => (EMPTY_W, EMPTY_H),
            }
        } else {
            (NODE_W, NODE_H)
        };
        size.insert(*id, s);
    }

    // Positions, outermost first.
    let mut out: BTreeMap<Id, Layout> = BTreeMap::new();
    let top = children.get(&None).cloned().unwrap_or_default();
    let mut queue: Vec<(Vec<Id>, f64, f64)> = vec![(top, ORIGIN, ORIGIN)];
    while let Some((kids, x0, y0)) = queue.pop() {
        let (places, _, _) = arrange(&kids, &size);
        for (id, dx, dy) in places {
            let (w, h) = size.get(&id).copied().unwrap_or((NODE_W, NODE_H));
            let (x, y) = (x0 + dx, y0 + dy);
            out.insert(id, Layout { id, x, y, width: w, height: h, points: Vec::new() });
            if let Some(inner) = children.get(&Some(id)) {
                queue.push((inner.clone(), x + PAD, y + PAD_TOP));
            }
        }
    }
    out.into_values().collect()
}

/// Rows of shapes, about as many columns as rows: each shape's offset and the total size.
fn arrange(kids: &[Id], size: &BTreeMap<Id, (f64, f64)>) -> (Vec<(Id, f64, f64)>, f64, f64) {
    let cols = ((kids.len() as f64).sqrt().ceil() as usize).max(1);
    let mut out = Vec::with_capacity(kids.len());
    let (mut y, mut width) = (0.0f64, 0.0f64);
    for row in kids.chunks(cols) {
        let (mut x, mut row_h) = (0.0f64, 0.0f64);
        for id in row {
            let (w, h) = size.get(id).copied().unwrap_or((NODE_W, NODE_H));
            out.push((*id, x, y));
            x += w + GAP;
            row_h = row_h.max(h);
        }
        width = width.max(x - GAP);
        y += row_h + GAP;
    }
    (out, width.max(0.0), (y - GAP).max(0.0))
}
