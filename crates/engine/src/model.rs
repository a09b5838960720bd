//! The document's record types (PRODUCT.md section 2).
//!
//! Every record has an id. Properties that the threat rules read are typed and optional
//! (`None` means "not stated"), so that a rule can tell "unencrypted" from "unknown".
//! Structs read with `#[serde(default)]` so that a file missing an optional field still opens.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

/// Every record is identified by a UUID (v7 for new records, so ids sort by creation time
/// and canonical JSON keeps new records at the end of each list).
pub type Id = Uuid;

/// A new, time-ordered id.
pub fn new_id() -> Id {
    Uuid::now_v7()
}

/// What the model is about and who stands behind it. One per document.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct Metadata {
    pub name: String,
    pub summary: String,
    pub scope_in: String,
    pub scope_out: String,
    pub assumptions: Vec<String>,
    pub owner: String,
    pub reviewers: Vec<String>,
    pub version: String,
    /// ISO 4217 code used to show attack costs, e.g. "EUR".
    pub currency: String,
}

/// Sensitivity of data, used by assets and data flows.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Classification {
    Public,
    Internal,
    Confidential,
    Secret,
}

/// Something that must be protected.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct Asset {
    pub id: Id,
    pub name: String,
    pub description: String,
    pub classification: Option<Classification>,
}

/// A data-flow diagram. Its elements point to it by id.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct Diagram {
    pub id: Id,
    pub name: String,
}

/// One DFD element: an external entity, process, data store, data flow or trust boundary.
/// The kind and the kind's own properties live in [`ElementProperties`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(default)]
#[ts(export)]
pub struct Element {
    pub id: Id,
    pub diagram: Id,
    pub name: String,
    pub description: String,
    pub technology: String,
    pub owner: String,
    pub tags: Vec<String>,
    pub out_of_scope: bool,
    pub out_of_scope_reason: String,
    /// The innermost trust boundary that contains this element. Always `None` for flows:
    /// a flow's zone follows from its ends.
    pub parent: Option<Id>,
    pub properties: ElementProperties,
}

impl Default for Element {
    fn default() -> Self {
        Element {
            id: Uuid::nil(),
            diagram: Uuid::nil(),
            name: String::new(),
            description: String::new(),
            technology: String::new(),
            owner: String::new(),
            tags: Vec::new(),
            out_of_scope: false,
            out_of_scope_reason: String::new(),
            parent: None,
            properties: ElementProperties::Process(ProcessProperties::default()),
        }
    }
}

impl Element {
    pub fn kind(&self) -> ElementKind {
        self.properties.kind()
    }

    /// The ends of a data flow; `None` for other kinds.
    pub fn flow(&self) -> Option<&FlowProperties> {
        match &self.properties {
            ElementProperties::DataFlow(f) => Some(f),
            _ => None,
        }
    }
}

/// The kinds of DFD element, without their properties.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ElementKind {
    ExternalEntity,
    Process,
    DataStore,
    DataFlow,
    TrustBoundary,
}

impl ElementKind {
    pub const ALL: [ElementKind; 5] = [
        ElementKind::ExternalEntity,
        ElementKind::Process,
        ElementKind::DataStore,
        ElementKind::DataFlow,
        ElementKind::TrustBoundary,
    ];

    /// The name a user reads, e.g. in history labels.
    pub fn label(self) -> &'static str {
        match self {
            ElementKind::ExternalEntity => "external entity",
            ElementKind::Process => "process",
            ElementKind::DataStore => "data store",
            ElementKind::DataFlow => "data flow",
            ElementKind::TrustBoundary => "trust boundary",
        }
    }

    /// The key used in JSON outputs (`info --format json`).
    pub fn key(self) -> &'static str {
        match self {
            ElementKind::ExternalEntity => "external_entity",
            ElementKind::Process => "process",
            ElementKind::DataStore => "data_store",
            ElementKind::DataFlow => "data_flow",
            ElementKind::TrustBoundary => "trust_boundary",
        }
    }
}

/// The properties the rules read, typed per element kind.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ElementProperties {
    ExternalEntity(EntityProperties),
    Process(ProcessProperties),
    DataStore(StoreProperties),
    DataFlow(FlowProperties),
    TrustBoundary(BoundaryProperties),
}

impl ElementProperties {
    pub fn kind(&self) -> ElementKind {
        match self {
            ElementProperties::ExternalEntity(_) => ElementKind::ExternalEntity,
            ElementProperties::Process(_) => ElementKind::Process,
            ElementProperties::DataStore(_) => ElementKind::DataStore,
            ElementProperties::DataFlow(_) => ElementKind::DataFlow,
            ElementProperties::TrustBoundary(_) => ElementKind::TrustBoundary,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct EntityProperties {
    pub is_human: Option<bool>,
    pub authenticated: Option<bool>,
}

/// The privilege a process runs with.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Privilege {
    User,
    Service,
    Admin,
    Root,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct ProcessProperties {
    pub privilege: Option<Privilege>,
    pub authenticates_callers: Option<bool>,
    pub authorizes_callers: Option<bool>,
    pub validates_input: Option<bool>,
    pub logs_security_events: Option<bool>,
    pub internet_facing: Option<bool>,
    pub handles_secrets: Option<bool>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct StoreProperties {
    pub stores_credentials: Option<bool>,
    pub stores_pii: Option<bool>,
    pub stores_payment_data: Option<bool>,
    pub encrypted_at_rest: Option<bool>,
    pub is_audit_log: Option<bool>,
    pub backed_up: Option<bool>,
    pub access_controlled: Option<bool>,
}

/// A directed data flow, `source` to `target`. An end may be missing in an imported or
/// half-drawn model; validation reports it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct FlowProperties {
    pub source: Option<Id>,
    pub target: Option<Id>,
    pub bidirectional: bool,
    pub protocol: String,
    pub encrypted_in_transit: Option<bool>,
    pub authenticated: Option<bool>,
    pub integrity_protected: Option<bool>,
    pub over_public_network: Option<bool>,
    pub data_classification: Option<Classification>,
    pub carries_credentials: Option<bool>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct BoundaryProperties {}

/// Where a shape sits on its canvas (absolute coordinates). Kept apart from the element so
/// that moving a shape never touches the record a reviewer reads for meaning.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct Layout {
    /// The element or attack-tree node this layout belongs to.
    pub id: Id,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// A polyline, in absolute coordinates: the bend points of a flow, or the course of a
    /// trust boundary drawn as a line (as Threat Dragon and Microsoft's tool draw them)
    /// rather than as a region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<Point>>", optional)]
    pub points: Vec<Point>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default, TS)]
#[ts(export)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(export)]
pub enum StrideCategory {
    Spoofing,
    Tampering,
    Repudiation,
    #[serde(rename = "Information disclosure")]
    InformationDisclosure,
    #[serde(rename = "Denial of service")]
    DenialOfService,
    #[serde(rename = "Elevation of privilege")]
    ElevationOfPrivilege,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[ts(export)]
pub enum ThreatStatus {
    #[default]
    Open,
    Mitigated,
    Accepted,
    Transferred,
    #[serde(rename = "Not applicable")]
    NotApplicable,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub enum Decision {
    #[serde(rename = "Fix now")]
    FixNow,
    Mitigate,
    Defer,
    Accept,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Origin {
    Generated,
    #[default]
    Manual,
}

/// A threat against an element or flow. Score and severity are derived, never stored.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(default)]
#[ts(export)]
pub struct Threat {
    pub id: Id,
    pub title: String,
    pub category: StrideCategory,
    /// The element or flow under threat.
    pub target: Option<Id>,
    pub rule_id: Option<String>,
    pub description: String,
    pub status: ThreatStatus,
    /// 1..=5
    pub likelihood: u8,
    /// 1..=5
    pub impact: u8,
    /// 1..=5, scored inversely (5 = hardest to detect).
    pub detectability: Option<u8>,
    pub mitigations: Vec<Id>,
    pub owner: String,
    /// ISO 8601 date, e.g. "2026-12-31".
    pub due_date: Option<String>,
    pub decision: Option<Decision>,
    pub rationale: String,
    pub reviewer: String,
    pub review_date: Option<String>,
    /// CWE and CAPEC references, e.g. "CWE-319".
    pub references: Vec<String>,
    pub origin: Origin,
    pub notes: String,
}

impl Default for Threat {
    fn default() -> Self {
        Threat {
            id: Uuid::nil(),
            title: String::new(),
            category: StrideCategory::Tampering,
            target: None,
            rule_id: None,
            description: String::new(),
            status: ThreatStatus::Open,
            likelihood: 3,
            impact: 3,
            detectability: None,
            mitigations: Vec::new(),
            owner: String::new(),
            due_date: None,
            decision: None,
            rationale: String::new(),
            reviewer: String::new(),
            review_date: None,
            references: Vec::new(),
            origin: Origin::Manual,
            notes: String::new(),
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[ts(export)]
pub enum MitigationStatus {
    #[default]
    Proposed,
    Implemented,
    Verified,
}

/// A reusable control; threats and countermeasures link to it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct Mitigation {
    pub id: Id,
    pub name: String,
    pub description: String,
    pub status: MitigationStatus,
}

/// An attack tree: a named root goal. Its nodes point to it by id.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct AttackTree {
    pub id: Id,
    pub name: String,
    pub description: String,
    pub root: Id,
}

/// How a node combines its children. A leaf is an attack step (or a basic countermeasure).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Gate {
    #[default]
    Leaf,
    /// All children, any order.
    And,
    /// Any one child.
    Or,
    /// All children, in order.
    Sand,
}

/// Attack nodes are the attacker's; defence nodes are countermeasures.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    #[default]
    Attack,
    Defense,
}

/// A leaf's values. `None` means unknown: analyses that need it say so.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct Attributes {
    /// Money, in the model's currency.
    pub cost: Option<f64>,
    /// 0..=1
    pub probability: Option<f64>,
    /// Hours.
    pub time: Option<f64>,
    /// 1..=5
    pub skill: Option<u8>,
    /// 1..=5
    pub detectability: Option<u8>,
}

/// A node of an attack tree. Children are ordered (the order matters for SAND). A child may
/// be shared by several parents: the tree is then a DAG.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct AttackNode {
    pub id: Id,
    pub tree: Id,
    pub label: String,
    pub description: String,
    pub role: Role,
    pub gate: Gate,
    pub children: Vec<Id>,
    /// Nodes of the other side that counter this one: defences against an attack step,
    /// counter-attacks against a defence.
    pub countermeasures: Vec<Id>,
    pub attributes: Attributes,
    /// For a defence node: is the control in place?
    pub implemented: bool,
    /// For a defence node: the mitigation it stands for.
    pub mitigation: Option<Id>,
    /// DFD elements, flows or threats this step concerns.
    pub links: Vec<Id>,
    pub collapsed: bool,
}

/// A validation finding the user has looked at and set aside, with the reason why. Kept in
/// the model so that the decision travels with it.
///
/// A finding is identified by its code and the elements it names, so the record's id is
/// derived from those ([`crate::analysis::finding_id`]): the same finding, found again after
/// any number of edits, is still dismissed; a finding about other elements is not.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct Dismissal {
    /// `finding_id(code, element_ids)`.
    pub id: Id,
    /// The finding's code, e.g. "DFD013".
    pub code: String,
    /// The elements (or attack-tree nodes) the finding names, sorted.
    pub element_ids: Vec<Id>,
    /// Why the finding does not need fixing.
    pub reason: String,
    /// Who dismissed it.
    pub by: String,
    /// ISO 8601 date, e.g. "2026-12-31".
    pub date: Option<String>,
}

impl Dismissal {
    /// A dismissal of the finding with this code about these elements.
    pub fn new(code: &str, element_ids: &[Id], reason: &str) -> Dismissal {
        let mut ids = element_ids.to_vec();
        ids.sort();
        ids.dedup();
        Dismissal {
            id: crate::analysis::finding_id(code, &ids),
            code: code.to_string(),
            element_ids: ids,
            reason: reason.to_string(),
            by: String::new(),
            date: None,
        }
    }
}
