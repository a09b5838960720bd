//! STRIDE threat generation from a rule library (PRODUCT.md section 3).
//!
//! The rules are data: `crates/engine/rules/stride.json` is built in, and users add their
//! own packs in the same format ([`RuleSet::add_pack`]). A rule says which element kinds it
//! applies to, when it fires (a small declarative condition language, below), which
//! element the threat is against, its STRIDE category, title and description templates,
//! default likelihood and impact, adjustments by properties, suggested mitigations, and
//! CWE/CAPEC references.
//!
//! ## Rule pack format
//!
//! ```json
//! { "pack": "my-rules", "version": "1", "description": "…",
//!   "rules": [ {
//!     "id": "MY-001",                      // unique over all loaded packs
//!     "category": "Information disclosure", // one of the six STRIDE names
//!     "applies_to": "data_flow",           // or a list: external_entity, process, data_store, data_flow, trust_boundary
//!     "threat_on": "element",              // data_flow rules only: "source" or "target" puts the threat on that end
//!     "when": { "all": [ { "crosses_boundary": true },
//!                        { "property": "encrypted_in_transit", "is_not": true } ] },
//!     "title": "{element} crosses {boundary} unencrypted",
//!     "description": "…",
//!     "likelihood": 4, "impact": 3,        // 1..5
//!     "adjust": [ { "when": { "property": "over_public_network", "is": true },
//!                   "likelihood": 1, "because": "it travels over a public network" } ],
//!     "mitigations": ["Encrypt the flow (TLS 1.2 or later)"],
//!     "references": ["CWE-319", "CAPEC-157"] } ] }
//! ```
//!
//! Conditions (an absent `when` always fires):
//! - `{"all": [C, …]}`, `{"any": [C, …]}`, `{"not": C}`
//! - `{"property": NAME, "is": V}`, `"is_not": V`, `"in": [V, …]`, `"at_least": LEVEL`: V is
//!   `true`, `false`, `null` (not stated) or a text (privilege, data_classification,
//!   protocol; case-insensitive). `at_least` orders privilege (user < service < admin <
//!   root) and data_classification (public < internal < confidential < secret). A property
//!   the element's kind does not have never matches, with `is` or `is_not`: so
//!   `"is_not": true` means "stated false, or not stated".
//! - `{"kind": K}` or `{"kind": [K, …]}`: the element's kind.
//! - `{"in_boundary": B}`: the element lies in a trust boundary.
//! - `{"receives_crossing_flow": B}`: some flow into the element crosses a trust boundary.
//! - `{"has_tag": T}`: the element carries the tag (case-insensitive).
//! - data_flow rules only: `{"crosses_boundary": B}` (its ends lie in different sets of
//!   boundaries), `{"enters_boundary": B}` (the target lies in a boundary the source does
//!   not), `{"leaves_boundary": B}` (the other way round; a bidirectional flow that crosses
//!   both enters and leaves), and `{"source": C}`, `{"target": C}`, `{"either_end": C}`,
//!   which test C on an end of the flow.
//!
//! Template placeholders, each rendered with its quotes: `{element}` (the element or flow
//! the rule ran on), `{kind}`, `{threatened}` (the element the threat is against),
//! `{boundary}` (for a flow, the boundaries it crosses; otherwise the innermost boundary
//! around the element), and for data_flow rules `{source}`, `{target}`, `{protocol}`.
//!
//! ## Identity, order, edits
//!
//! A generated threat's id is UUID v5 (namespace [`THREAT_NAMESPACE`]) of the rule id, a
//! zero byte, the id of the element or flow the rule ran on, and, when the threat is on an
//! end of that flow, that end's id. The register lists generated threats by the id of the
//! element or flow they were generated for, then in rule order (built-in pack first, then
//! added packs in the order they were added). Elements marked out of scope get no threats.
//!
//! Generated threats are derived, never stored. What a user writes on one is a stored
//! [`Threat`] record with the same id and origin `generated` ([`ThreatView::to_record`]);
//! the register shows the generated threat overlaid with that record's user fields
//! (status, likelihood, impact, detectability, decision, rationale, owner, due date,
//! reviewer, review date, notes, mitigations). A stored generated record whose threat is no
//! longer generated (element deleted or out of scope, rule gone or no longer firing) is
//! shown as stale, with the reason, and kept.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

use super::validate::join_and;
use super::{describe, quoted, Ctx, FlowInfo};
use crate::model::*;
use crate::risk::{self, Severity};

/// The built-in rule library, shipped with the engine.
pub const BUILTIN_RULES: &str = include_str!("../../rules/stride.json");

/// The namespace of generated threat ids (UUID v5).
pub const THREAT_NAMESPACE: Uuid = Uuid::from_u128(0x2b8e_41d6_0c5f_4e27_9d3a_7374_7269_6465);

/// The id of the threat a rule generates for an element or flow (`subject`), against
/// `target` (the subject itself, or an end of the flow).
pub fn threat_id(rule_id: &str, subject: Id, target: Id) -> Id {
    let mut name = Vec::with_capacity(rule_id.len() + 33);
    name.extend_from_slice(rule_id.as_bytes());
    name.push(0);
    name.extend_from_slice(subject.as_bytes());
    if target != subject {
        name.extend_from_slice(target.as_bytes());
    }
    Uuid::new_v5(&THREAT_NAMESPACE, &name)
}

/// A STRIDE category as a user reads it (and as JSON writes it).
pub fn category_label(c: StrideCategory) -> &'static str {
    match c {
        StrideCategory::Spoofing => "Spoofing",
        StrideCategory::Tampering => "Tampering",
        StrideCategory::Repudiation => "Repudiation",
        StrideCategory::InformationDisclosure => "Information disclosure",
        StrideCategory::DenialOfService => "Denial of service",
        StrideCategory::ElevationOfPrivilege => "Elevation of privilege",
    }
}

const CATEGORIES: [StrideCategory; 6] = [
    StrideCategory::Spoofing,
    StrideCategory::Tampering,
    StrideCategory::Repudiation,
    StrideCategory::InformationDisclosure,
    StrideCategory::DenialOfService,
    StrideCategory::ElevationOfPrivilege,
];

/// A rule pack that cannot be loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule pack “{pack}”: {message}")]
pub struct RulePackError {
    /// The pack's name, or "?" when the text says none.
    pub pack: String,
    pub message: String,
}

/// Which element a rule's threat is against.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ThreatOn {
    /// The element or flow the rule ran on.
    #[default]
    Element,
    /// The source of the flow.
    Source,
    /// The target of the flow.
    Target,
}

// ---------------------------------------------------------------------------------------
// Properties the conditions read.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prop {
    IsHuman,
    Authenticated,
    Privilege,
    AuthenticatesCallers,
    AuthorizesCallers,
    ValidatesInput,
    LogsSecurityEvents,
    InternetFacing,
    HandlesSecrets,
    StoresCredentials,
    StoresPii,
    StoresPaymentData,
    EncryptedAtRest,
    IsAuditLog,
    BackedUp,
    AccessControlled,
    Protocol,
    Bidirectional,
    EncryptedInTransit,
    IntegrityProtected,
    OverPublicNetwork,
    DataClassification,
    CarriesCredentials,
}

const PRIVILEGES: [&str; 4] = ["user", "service", "admin", "root"];
const CLASSIFICATIONS: [&str; 4] = ["public", "internal", "confidential", "secret"];

/// A property's value on one element.
#[derive(Clone, Copy, Debug)]
enum PVal<'a> {
    Unset,
    Bool(bool),
    Text(&'a str),
    /// An ordered value: its name and rank.
    Level(&'static str, u8),
}

impl std::fmt::Display for PVal<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PVal::Unset => f.write_str("not stated"),
            PVal::Bool(b) => write!(f, "{b}"),
            PVal::Text(t) => write!(f, "“{t}”"),
            PVal::Level(name, _) => f.write_str(name),
        }
    }
}

impl Prop {
    const ALL: [Prop; 23] = [
        Prop::IsHuman,
        Prop::Authenticated,
        Prop::Privilege,
        Prop::AuthenticatesCallers,
        Prop::AuthorizesCallers,
        Prop::ValidatesInput,
        Prop::LogsSecurityEvents,
        Prop::InternetFacing,
        Prop::HandlesSecrets,
        Prop::StoresCredentials,
        Prop::StoresPii,
        Prop::StoresPaymentData,
        Prop::EncryptedAtRest,
        Prop::IsAuditLog,
        Prop::BackedUp,
        Prop::AccessControlled,
        Prop::Protocol,
        Prop::Bidirectional,
        Prop::EncryptedInTransit,
        Prop::IntegrityProtected,
        Prop::OverPublicNetwork,
        Prop::DataClassification,
        Prop::CarriesCredentials,
    ];

    fn name(self) -> &'static str {
        match self {
            Prop::IsHuman => "is_human",
            Prop::Authenticated => "authenticated",
            Prop::Privilege => "privilege",
            Prop::AuthenticatesCallers => "authenticates_callers",
            Prop::AuthorizesCallers => "authorizes_callers",
            Prop::ValidatesInput => "validates_input",
            Prop::LogsSecurityEvents => "logs_security_events",
            Prop::InternetFacing => "internet_facing",
            Prop::HandlesSecrets => "handles_secrets",
            Prop::StoresCredentials => "stores_credentials",
            Prop::StoresPii => "stores_pii",
            Prop::StoresPaymentData => "stores_payment_data",
            Prop::EncryptedAtRest => "encrypted_at_rest",
            Prop::IsAuditLog => "is_audit_log",
            Prop::BackedUp => "backed_up",
            Prop::AccessControlled => "access_controlled",
            Prop::Protocol => "protocol",
            Prop::Bidirectional => "bidirectional",
            Prop::EncryptedInTransit => "encrypted_in_transit",
            Prop::IntegrityProtected => "integrity_protected",
            Prop::OverPublicNetwork => "over_public_network",
            Prop::DataClassification => "data_classification",
            Prop::CarriesCredentials => "carries_credentials",
        }
    }

    fn parse(name: &str) -> Option<Prop> {
        Prop::ALL.into_iter().find(|p| p.name() == name)
    }

    fn has(self, kind: ElementKind) -> bool {
        use ElementKind::*;
        use Prop::*;
        match self {
            IsHuman => kind == ExternalEntity,
            Authenticated => matches!(kind, ExternalEntity | DataFlow),
            Privilege | AuthenticatesCallers | AuthorizesCallers | ValidatesInput | LogsSecurityEvents | InternetFacing | HandlesSecrets => {
                kind == Process
            }
            StoresCredentials | StoresPii | StoresPaymentData | EncryptedAtRest | IsAuditLog | BackedUp | AccessControlled => kind == DataStore,
            Protocol | Bidirectional | EncryptedInTransit | IntegrityProtected | OverPublicNetwork | DataClassification | CarriesCredentials => {
                kind == DataFlow
            }
        }
    }

    /// The ordered values, for `at_least`.
    fn levels(self) -> Option<&'static [&'static str; 4]> {
        match self {
            Prop::Privilege => Some(&PRIVILEGES),
            Prop::DataClassification => Some(&CLASSIFICATIONS),
            _ => None,
        }
    }

    fn is_bool(self) -> bool {
        !matches!(self, Prop::Privilege | Prop::DataClassification | Prop::Protocol)
    }

    /// The value on an element; `None` when its kind has no such property.
    fn read(self, properties: &ElementProperties) -> Option<PVal<'_>> {
        fn b(v: Option<bool>) -> PVal<'static> {
            v.map_or(PVal::Unset, PVal::Bool)
        }
        use ElementProperties as P;
        Some(match (self, properties) {
            (Prop::IsHuman, P::ExternalEntity(p)) => b(p.is_human),
            (Prop::Authenticated, P::ExternalEntity(p)) => b(p.authenticated),
            (Prop::Privilege, P::Process(p)) => match p.privilege {
                None => PVal::Unset,
                Some(v) => {
                    let rank = match v {
                        Privilege::User => 0,
                        Privilege::Service => 1,
                        Privilege::Admin => 2,
                        Privilege::Root => 3,
                    };
                    PVal::Level(PRIVILEGES[rank], rank as u8)
                }
            },
            (Prop::AuthenticatesCallers, P::Process(p)) => b(p.authenticates_callers),
            (Prop::AuthorizesCallers, P::Process(p)) => b(p.authorizes_callers),
            (Prop::ValidatesInput, P::Process(p)) => b(p.validates_input),
            (Prop::LogsSecurityEvents, P::Process(p)) => b(p.logs_security_events),
            (Prop::InternetFacing, P::Process(p)) => b(p.internet_facing),
            (Prop::HandlesSecrets, P::Process(p)) => b(p.handles_secrets),
            (Prop::StoresCredentials, P::DataStore(p)) => b(p.stores_credentials),
            (Prop::StoresPii, P::DataStore(p)) => b(p.stores_pii),
            (Prop::StoresPaymentData, P::DataStore(p)) => b(p.stores_payment_data),
            (Prop::EncryptedAtRest, P::DataStore(p)) => b(p.encrypted_at_rest),
            (Prop::IsAuditLog, P::DataStore(p)) => b(p.is_audit_log),
            (Prop::BackedUp, P::DataStore(p)) => b(p.backed_up),
            (Prop::AccessControlled, P::DataStore(p)) => b(p.access_controlled),
            (Prop::Protocol, P::DataFlow(p)) => match p.protocol.trim() {
                "" => PVal::Unset,
                t => PVal::Text(t),
            },
            (Prop::Bidirectional, P::DataFlow(p)) => PVal::Bool(p.bidirectional),
            (Prop::EncryptedInTransit, P::DataFlow(p)) => b(p.encrypted_in_transit),
            (Prop::Authenticated, P::DataFlow(p)) => b(p.authenticated),
            (Prop::IntegrityProtected, P::DataFlow(p)) => b(p.integrity_protected),
            (Prop::OverPublicNetwork, P::DataFlow(p)) => b(p.over_public_network),
            (Prop::DataClassification, P::DataFlow(p)) => match p.data_classification {
                None => PVal::Unset,
                Some(c) => {
                    let rank = match c {
                        Classification::Public => 0,
                        Classification::Internal => 1,
                        Classification::Confidential => 2,
                        Classification::Secret => 3,
                    };
                    PVal::Level(CLASSIFICATIONS[rank], rank as u8)
                }
            },
            (Prop::CarriesCredentials, P::DataFlow(p)) => b(p.carries_credentials),
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Conditions.

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Unset,
    Bool(bool),
    /// Lower case.
    Text(String),
}

#[derive(Clone, Debug)]
enum Test {
    Is(Val),
    IsNot(Val),
    In(Vec<Val>),
    AtLeast(u8),
}

#[derive(Clone, Debug)]
enum Cond {
    Always,
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Property(Prop, Test),
    Kind(Vec<ElementKind>),
    Crosses(bool),
    Enters(bool),
    Leaves(bool),
    InBoundary(bool),
    ReceivesCrossing(bool),
    HasTag(String),
    Source(Box<Cond>),
    Target(Box<Cond>),
    EitherEnd(Box<Cond>),
}

fn matches(value: PVal, wanted: &Val) -> bool {
    match (value, wanted) {
        (PVal::Unset, Val::Unset) => true,
        (PVal::Bool(a), Val::Bool(b)) => a == *b,
        (PVal::Text(t), Val::Text(w)) => t.eq_ignore_ascii_case(w) || (!t.is_ascii() && t.to_lowercase() == *w),
        (PVal::Level(name, _), Val::Text(w)) => name == w,
        _ => false,
    }
}

/// What a condition is evaluated on: an element, and when it is a flow, its ends.
struct Subject<'s, 'a> {
    el: &'a Element,
    flow: Option<&'s FlowInfo<'a>>,
    ctx: Ctx<'a>,
    /// The other ends of the flows into `el` that cross a boundary, found once.
    crossing_inputs: std::cell::OnceCell<Vec<&'a Element>>,
}

impl<'s, 'a> Subject<'s, 'a> {
    fn new(el: &'a Element, flow: Option<&'s FlowInfo<'a>>, ctx: Ctx<'a>) -> Self {
        Subject { el, flow, ctx, crossing_inputs: std::cell::OnceCell::new() }
    }

    fn end(&self, which: ThreatOn) -> Option<&'a Element> {
        let flow = self.flow?;
        match which {
            ThreatOn::Source => flow.source,
            ThreatOn::Target => flow.target,
            ThreatOn::Element => Some(flow.flow),
        }
    }

    fn boundary_names(&self, ids: &[Id]) -> String {
        let names: Vec<String> = ids.iter().filter_map(|b| self.ctx.element(b)).map(quoted).collect();
        join_and(&names)
    }

    /// The flows into this element that cross a boundary: their other ends.
    fn crossing_inputs(&self) -> &[&'a Element] {
        self.crossing_inputs.get_or_init(|| {
            let ctx = self.ctx;
            let zone = ctx.zone(self.el);
            let differs = |other: &[Id]| other.len() != zone.len() || other.iter().any(|b| !zone.contains(b));
            ctx.links(&self.el.id)
                .filter(|(_, link)| link.receives)
                .filter_map(|(_, link)| link.other.and_then(|o| ctx.element(&o)))
                .filter(|other| super::is_node(other.kind()) && differs(ctx.zone(other)))
                .collect()
        })
    }
}

/// Evaluate; with `facts`, also say which facts the answer rests on (the actual values of
/// what the condition reads).
fn eval(cond: &Cond, s: &Subject, mut facts: Option<&mut Vec<String>>) -> bool {
    // Facts are formatted only when asked for: generation evaluates without them.
    let mut say = |text: &dyn Fn() -> String| {
        if let Some(f) = facts.as_deref_mut() {
            let text = text();
            if !f.contains(&text) {
                f.push(text);
            }
        }
    };
    match cond {
        Cond::Always => {
            say(&|| format!("applies to every {}", s.el.kind().label()));
            true
        }
        Cond::All(items) => {
            let mut collected = facts.as_ref().map(|_| Vec::new());
            for c in items {
                if !eval(c, s, collected.as_mut()) {
                    return false;
                }
            }
            if let (Some(f), Some(c)) = (facts, collected) {
                for t in c {
                    if !f.contains(&t) {
                        f.push(t);
                    }
                }
            }
            true
        }
        Cond::Any(items) => {
            for c in items {
                let mut collected = facts.as_ref().map(|_| Vec::new());
                if eval(c, s, collected.as_mut()) {
                    if let (Some(f), Some(c)) = (facts, collected) {
                        for t in c {
                            if !f.contains(&t) {
                                f.push(t);
                            }
                        }
                    }
                    return true;
                }
            }
            false
        }
        Cond::Not(inner) => !eval(inner, s, facts),
        Cond::Property(prop, test) => {
            let Some(value) = prop.read(&s.el.properties) else { return false };
            say(&|| format!("{}: {} = {}", describe(s.el), prop.name(), value));
            match test {
                Test::Is(v) => matches(value, v),
                Test::IsNot(v) => !matches(value, v),
                Test::In(vs) => vs.iter().any(|v| matches(value, v)),
                Test::AtLeast(rank) => matches!(value, PVal::Level(_, r) if r >= *rank),
            }
        }
        Cond::Kind(kinds) => {
            say(&|| format!("{} is a {}", quoted(s.el), s.el.kind().label()));
            kinds.contains(&s.el.kind())
        }
        Cond::Crosses(want) | Cond::Enters(want) | Cond::Leaves(want) => {
            let Some(flow) = s.flow else { return false };
            let actual = match cond {
                Cond::Crosses(_) => flow.crosses(),
                Cond::Enters(_) => flow.enters(),
                _ => flow.leaves(),
            };
            say(&|| {
                let crossed = flow.crossed();
                if crossed.is_empty() {
                    format!("{} crosses no trust boundary", describe(s.el))
                } else {
                    let verb = match (cond, flow.props.bidirectional) {
                        (Cond::Enters(_), false) if actual => "enters",
                        (Cond::Leaves(_), false) if actual => "leaves",
                        _ => "crosses",
                    };
                    format!("{} {verb} trust boundary {}", describe(s.el), s.boundary_names(&crossed))
                }
            });
            actual == *want
        }
        Cond::InBoundary(want) => {
            let parent = s.el.parent.and_then(|p| s.ctx.element(&p)).filter(|b| b.kind() == ElementKind::TrustBoundary);
            match parent {
                Some(b) => say(&|| format!("{} lies in trust boundary {}", quoted(s.el), quoted(b))),
                None => say(&|| format!("{} lies in no trust boundary", quoted(s.el))),
            }
            parent.is_some() == *want
        }
        Cond::ReceivesCrossing(want) => {
            let from = s.crossing_inputs();
            say(&|| {
                if from.is_empty() {
                    format!("{} receives no data across a trust boundary", quoted(s.el))
                } else {
                    let names: Vec<String> = from.iter().map(|e| quoted(e)).collect();
                    format!("{} receives data across a trust boundary from {}", quoted(s.el), join_and(&names))
                }
            });
            from.is_empty() != *want
        }
        Cond::HasTag(tag) => {
            let has = s.el.tags.iter().any(|t| t.trim().to_lowercase() == *tag);
            say(&|| format!("{} is{} tagged “{tag}”", quoted(s.el), if has { "" } else { " not" }));
            has
        }
        Cond::Source(inner) | Cond::Target(inner) => {
            let which = if matches!(cond, Cond::Source(_)) { ThreatOn::Source } else { ThreatOn::Target };
            let Some(end) = s.end(which) else { return false };
            eval(inner, &Subject::new(end, None, s.ctx), facts)
        }
        Cond::EitherEnd(inner) => {
            for which in [ThreatOn::Source, ThreatOn::Target] {
                if let Some(end) = s.end(which) {
                    let mut collected = facts.as_ref().map(|_| Vec::new());
                    if eval(inner, &Subject::new(end, None, s.ctx), collected.as_mut()) {
                        if let (Some(f), Some(c)) = (facts, collected) {
                            for t in c {
                                if !f.contains(&t) {
                                    f.push(t);
                                }
                            }
                        }
                        return true;
                    }
                }
            }
            false
        }
    }
}

// ---------------------------------------------------------------------------------------
// Templates.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Var {
    Element,
    Kind,
    Threatened,
    Boundary,
    Source,
    Target,
    Protocol,
}

#[derive(Clone, Debug)]
enum Seg {
    Text(String),
    Var(Var),
}

#[derive(Clone, Debug)]
struct Template {
    text: String,
    segs: Vec<Seg>,
}

impl Template {
    fn compile(text: &str, flow_rule: bool) -> Result<Template, String> {
        let mut segs = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segs.push(Seg::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| format!("“{{” without a closing “}}” in “{text}”"))?;
            let name = &after[..close];
            let var = match name {
                "element" => Var::Element,
                "kind" => Var::Kind,
                "threatened" => Var::Threatened,
                "boundary" => Var::Boundary,
                "source" => Var::Source,
                "target" => Var::Target,
                "protocol" => Var::Protocol,
                _ => {
                    return Err(format!(
                        "unknown placeholder {{{name}}} in “{text}”; known: {{element}}, {{kind}}, {{threatened}}, {{boundary}}, and for data_flow rules {{source}}, {{target}}, {{protocol}}"
                    ))
                }
            };
            if matches!(var, Var::Source | Var::Target | Var::Protocol) && !flow_rule {
                return Err(format!("{{{name}}} is only for rules that apply to data_flow alone, in “{text}”"));
            }
            segs.push(Seg::Var(var));
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return Err(format!("“}}” without an opening “{{” in “{text}”"));
        }
        if !rest.is_empty() {
            segs.push(Seg::Text(rest.to_string()));
        }
        Ok(Template { text: text.to_string(), segs })
    }

    fn render(&self, s: &Subject, threatened: &Element) -> String {
        let mut out = String::with_capacity(self.text.len() + 32);
        for seg in &self.segs {
            match seg {
                Seg::Text(t) => out.push_str(t),
                Seg::Var(v) => out.push_str(&match v {
                    Var::Element => quoted(s.el),
                    Var::Kind => s.el.kind().label().to_string(),
                    Var::Threatened => quoted(threatened),
                    Var::Boundary => {
                        let ids = match s.flow {
                            Some(flow) => flow.crossed(),
                            None => s.ctx.zone(s.el).iter().take(1).copied().collect(),
                        };
                        if ids.is_empty() {
                            "no trust boundary".to_string()
                        } else {
                            s.boundary_names(&ids)
                        }
                    }
                    Var::Source | Var::Target => {
                        let which = if *v == Var::Source { ThreatOn::Source } else { ThreatOn::Target };
                        s.end(which).map(quoted).unwrap_or_else(|| "a missing element".to_string())
                    }
                    Var::Protocol => match s.el.flow().map(|f| f.protocol.trim()) {
                        Some(p) if !p.is_empty() => p.to_string(),
                        _ => "an unnamed protocol".to_string(),
                    },
                }),
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Rules and rule sets.

#[derive(Clone, Debug)]
struct Adjust {
    when: Cond,
    likelihood: i8,
    impact: i8,
    because: String,
}

/// One compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    /// The pack it came from.
    pub pack: String,
    pub category: StrideCategory,
    pub applies_to: Vec<ElementKind>,
    pub threat_on: ThreatOn,
    when: Cond,
    /// The condition as written, for display.
    when_json: Option<Value>,
    title: Template,
    description: Template,
    pub likelihood: u8,
    pub impact: u8,
    adjust: Vec<Adjust>,
    pub mitigations: Vec<String>,
    pub references: Vec<String>,
}

/// A rule as the rule library view shows it.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct RuleInfo {
    pub id: String,
    pub pack: String,
    pub category: StrideCategory,
    pub applies_to: Vec<ElementKind>,
    pub threat_on: ThreatOn,
    /// The condition as written in the pack (JSON), or "always".
    pub condition: String,
    pub title: String,
    pub description: String,
    pub likelihood: u8,
    pub impact: u8,
    /// "likelihood +1 when …" lines.
    pub adjustments: Vec<String>,
    pub mitigations: Vec<String>,
    pub references: Vec<String>,
}

/// A loaded pack.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct RulePackInfo {
    pub pack: String,
    pub version: String,
    pub description: String,
    pub rules: usize,
}

/// The rules threats are generated from: the built-in pack and any added ones.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Rule indexes by the element kind they apply to.
    by_kind: [Vec<u32>; 5],
    packs: Vec<RulePackInfo>,
}

fn kind_index(kind: ElementKind) -> usize {
    match kind {
        ElementKind::ExternalEntity => 0,
        ElementKind::Process => 1,
        ElementKind::DataStore => 2,
        ElementKind::DataFlow => 3,
        ElementKind::TrustBoundary => 4,
    }
}

fn parse_kind(name: &str) -> Option<ElementKind> {
    ElementKind::ALL.into_iter().find(|k| k.key() == name)
}

const KIND_NAMES: &str = "external_entity, process, data_store, data_flow, trust_boundary";
const NODE_KINDS: [ElementKind; 3] = [ElementKind::ExternalEntity, ElementKind::Process, ElementKind::DataStore];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    description: String,
    rules: Vec<RuleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    category: String,
    applies_to: Value,
    #[serde(default)]
    threat_on: Option<String>,
    #[serde(default)]
    when: Option<Value>,
    title: String,
    description: String,
    likelihood: i64,
    impact: i64,
    #[serde(default)]
    adjust: Vec<AdjustFile>,
    #[serde(default)]
    mitigations: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdjustFile {
    when: Value,
    #[serde(default)]
    likelihood: i64,
    #[serde(default)]
    impact: i64,
    because: String,
}

fn compile_value(prop: Prop, v: &Value, path: &str) -> Result<Val, String> {
    match v {
        Value::Null => Ok(Val::Unset),
        Value::Bool(b) if prop.is_bool() => Ok(Val::Bool(*b)),
        Value::String(t) if !prop.is_bool() => {
            let t = t.trim().to_lowercase();
            match prop.levels() {
                Some(levels) if !levels.contains(&t.as_str()) => {
                    Err(format!("{path}: {} is one of {} (or null), not “{t}”", prop.name(), levels.join(", ")))
                }
                _ => Ok(Val::Text(t)),
            }
        }
        _ if prop.is_bool() => Err(format!("{path}: {} is true, false or null (not stated), not {v}", prop.name())),
        _ => Err(format!("{path}: {} is compared with a text or null, not {v}", prop.name())),
    }
}

/// Compile a condition for a rule on elements of `kinds`.
fn compile_cond(v: &Value, kinds: &[ElementKind], path: &str) -> Result<Cond, String> {
    let flow_only = kinds == [ElementKind::DataFlow];
    let map = match v {
        Value::Bool(true) => return Ok(Cond::Always),
        Value::Object(map) => map,
        _ => return Err(format!("{path}: a condition is an object such as {{\"property\": \"encrypted_in_transit\", \"is\": false}}, not {v}")),
    };
    let flag = |key: &str, v: &Value| -> Result<bool, String> { v.as_bool().ok_or_else(|| format!("{path}.{key}: true or false, not {v}")) };
    let needs_flow = |key: &str| -> Result<(), String> {
        if flow_only {
            Ok(())
        } else {
            Err(format!("{path}: “{key}” is for rules that apply to data_flow alone (this one applies to {})", kind_list(kinds)))
        }
    };
    if let Some(name) = map.get("property") {
        let name = name.as_str().ok_or_else(|| format!("{path}.property: a property name, not {name}"))?;
        let prop = Prop::parse(name).ok_or_else(|| format!("{path}: unknown property “{name}”; known for {}: {}", kind_list(kinds), known_props(kinds)))?;
        if !kinds.iter().any(|k| prop.has(*k)) {
            return Err(format!("{path}: {} has no property “{name}”; it has: {}", kind_list(kinds), known_props(kinds)));
        }
        let tests: Vec<&String> = map.keys().filter(|k| *k != "property").collect();
        let [key] = tests.as_slice() else {
            return Err(format!("{path}: a property condition has exactly one of is, is_not, in, at_least (found {})", tests.len()));
        };
        let value = &map[key.as_str()];
        let at = format!("{path}.{key}");
        let test = match key.as_str() {
            "is" => Test::Is(compile_value(prop, value, &at)?),
            "is_not" => Test::IsNot(compile_value(prop, value, &at)?),
            "in" => {
                let items = value.as_array().filter(|a| !a.is_empty()).ok_or_else(|| format!("{at}: a non-empty list of values"))?;
                Test::In(items.iter().map(|v| compile_value(prop, v, &at)).collect::<Result<_, _>>()?)
            }
            "at_least" => {
                let levels = prop.levels().ok_or_else(|| format!("{at}: only privilege and data_classification are ordered"))?;
                let t = value.as_str().map(|t| t.trim().to_lowercase()).unwrap_or_default();
                let rank = levels.iter().position(|l| *l == t).ok_or_else(|| format!("{at}: one of {}, not {value}", levels.join(", ")))?;
                Test::AtLeast(rank as u8)
            }
            other => return Err(format!("{path}: unknown key “{other}” in a property condition; use is, is_not, in or at_least")),
        };
        return Ok(Cond::Property(prop, test));
    }
    let keys: Vec<&String> = map.keys().collect();
    let [key] = keys.as_slice() else {
        return Err(format!(
            "{path}: a condition has one key (all, any, not, property, kind, in_boundary, receives_crossing_flow, has_tag, crosses_boundary, enters_boundary, leaves_boundary, source, target, either_end), found {}",
            if keys.is_empty() { "none".to_string() } else { keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ") }
        ));
    };
    let value = &map[key.as_str()];
    let at = format!("{path}.{key}");
    Ok(match key.as_str() {
        "all" | "any" => {
            let items = value.as_array().filter(|a| !a.is_empty()).ok_or_else(|| format!("{at}: a non-empty list of conditions"))?;
            let compiled = items.iter().enumerate().map(|(i, c)| compile_cond(c, kinds, &format!("{at}[{i}]"))).collect::<Result<Vec<_>, _>>()?;
            if key.as_str() == "all" {
                Cond::All(compiled)
            } else {
                Cond::Any(compiled)
            }
        }
        "not" => Cond::Not(Box::new(compile_cond(value, kinds, &at)?)),
        "kind" => {
            let names: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            let kinds = names
                .iter()
                .map(|n| n.as_str().and_then(parse_kind).ok_or_else(|| format!("{at}: one of {KIND_NAMES}, not {n}")))
                .collect::<Result<Vec<_>, _>>()?;
            if kinds.is_empty() {
                return Err(format!("{at}: at least one kind"));
            }
            Cond::Kind(kinds)
        }
        "in_boundary" => Cond::InBoundary(flag(key, value)?),
        "receives_crossing_flow" => {
            if !kinds.iter().any(|k| NODE_KINDS.contains(k)) {
                return Err(format!("{at}: only external entities, processes and data stores receive flows"));
            }
            Cond::ReceivesCrossing(flag(key, value)?)
        }
        "has_tag" => Cond::HasTag(value.as_str().map(|t| t.trim().to_lowercase()).ok_or_else(|| format!("{at}: a tag, not {value}"))?),
        "crosses_boundary" | "enters_boundary" | "leaves_boundary" => {
            needs_flow(key)?;
            let want = flag(key, value)?;
            match key.as_str() {
                "crosses_boundary" => Cond::Crosses(want),
                "enters_boundary" => Cond::Enters(want),
                _ => Cond::Leaves(want),
            }
        }
        "source" | "target" | "either_end" => {
            needs_flow(key)?;
            let inner = Box::new(compile_cond(value, &NODE_KINDS, &at)?);
            match key.as_str() {
                "source" => Cond::Source(inner),
                "target" => Cond::Target(inner),
                _ => Cond::EitherEnd(inner),
            }
        }
        other => return Err(format!("{path}: unknown condition “{other}”")),
    })
}

fn kind_list(kinds: &[ElementKind]) -> String {
    kinds.iter().map(|k| k.key()).collect::<Vec<_>>().join(" or ")
}

fn known_props(kinds: &[ElementKind]) -> String {
    let names: Vec<&str> = Prop::ALL.iter().filter(|p| kinds.iter().any(|k| p.has(*k))).map(|p| p.name()).collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn is_reference(r: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match r.split_once('-') {
        Some(("CWE" | "CAPEC", n)) => digits(n),
        _ => false,
    }
}

impl RuleSet {
    /// No rules at all.
    pub fn empty() -> RuleSet {
        RuleSet::default()
    }

    /// The built-in rule library.
    pub fn builtin() -> Result<RuleSet, RulePackError> {
        let mut set = RuleSet::empty();
        set.add_pack(BUILTIN_RULES)?;
        Ok(set)
    }

    /// Add a rule pack (JSON text in the format of the module documentation). Either the
    /// whole pack is added or, on an error, nothing.
    pub fn add_pack(&mut self, json: &str) -> Result<(), RulePackError> {
        let pack_name = serde_json::from_str::<Value>(json)
            .ok()
            .and_then(|v| v.get("pack").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| "?".to_string());
        let fail = |message: String| RulePackError { pack: pack_name.clone(), message };
        let file: PackFile = serde_json::from_str(json).map_err(|e| fail(format!("not a valid rule pack: {e}")))?;
        if file.pack.trim().is_empty() {
            return Err(fail("the pack needs a name (\"pack\")".into()));
        }
        if self.packs.iter().any(|p| p.pack == file.pack) {
            return Err(fail("a pack with this name is already loaded".into()));
        }
        if file.rules.is_empty() {
            return Err(fail("the pack has no rules".into()));
        }
        let mut seen: HashMap<String, usize> = self.rules.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        let mut compiled = Vec::with_capacity(file.rules.len());
        for (n, r) in file.rules.into_iter().enumerate() {
            let at = if r.id.trim().is_empty() { format!("rule #{}", n + 1) } else { format!("rule “{}” (#{})", r.id, n + 1) };
            let rule = compile_rule(r, &file.pack, &mut seen, self.rules.len() + n).map_err(|m| fail(format!("{at}: {m}")))?;
            compiled.push(rule);
        }
        let count = compiled.len();
        for rule in compiled {
            let index = self.rules.len() as u32;
            for k in &rule.applies_to {
                self.by_kind[kind_index(*k)].push(index);
            }
            self.rules.push(rule);
        }
        self.packs.push(RulePackInfo { pack: file.pack, version: file.version, description: file.description, rules: count });
        Ok(())
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn packs(&self) -> &[RulePackInfo] {
        &self.packs
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every rule, for the rule library view.
    pub fn info(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                pack: r.pack.clone(),
                category: r.category,
                applies_to: r.applies_to.clone(),
                threat_on: r.threat_on,
                condition: r.when_json.as_ref().map_or_else(|| "always".to_string(), |v| v.to_string()),
                title: r.title.text.clone(),
                description: r.description.text.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                adjustments: r.adjust.iter().map(adjust_label).collect(),
                mitigations: r.mitigations.clone(),
                references: r.references.clone(),
            })
            .collect()
    }

    /// The threats the rules generate for one element or flow, in rule order.
    pub(crate) fn generate(&self, ctx: Ctx, e: &Element, info: Option<&FlowInfo>) -> Vec<Generated> {
        let indexes = &self.by_kind[kind_index(e.kind())];
        if indexes.is_empty() || e.out_of_scope {
            return Vec::new();
        }
        let s = Subject::new(e, info, ctx);
        let mut out = Vec::new();
        for &i in indexes {
            let Some(rule) = self.rules.get(i as usize) else { continue };
            if !eval(&rule.when, &s, None) {
                continue;
            }
            let target = match rule.threat_on {
                ThreatOn::Element => Some(e),
                end => s.end(end).filter(|t| super::is_node(t.kind())),
            };
            let Some(target) = target else { continue };
            if target.out_of_scope {
                continue;
            }
            let (likelihood, impact) = rule.scores(&s, None);
            out.push(Generated { rule: i, subject: e.id, target: target.id, likelihood, impact });
        }
        out
    }

    /// A generated threat as the register shows it, overlaid with the stored record of
    /// what a user wrote on it.
    pub(crate) fn view(&self, ctx: Ctx, g: &Generated, id: Id, stored: Option<&Threat>) -> ThreatView {
        let subject = ctx.element(&g.subject);
        let target = ctx.element(&g.target);
        let (Some(rule), Some(subject), Some(target)) = (self.rules.get(g.rule as usize), subject, target) else {
            // Cannot happen while the analysis is up to date with the document.
            let mut v = stored.map(|t| self.stored_view(ctx, t)).unwrap_or_else(|| ThreatView::unknown(id));
            v.stale = false;
            return v;
        };
        let info = if subject.kind() == ElementKind::DataFlow { ctx.flow_info(subject) } else { None };
        let s = Subject::new(subject, info.as_ref(), ctx);
        let mut facts = Vec::new();
        eval(&rule.when, &s, Some(&mut facts));
        let (likelihood, impact) = rule.scores(&s, Some(&mut facts));
        let mut why = format!("Rule {} ({}, {} threat) fired for {}", rule.id, rule.pack, category_label(rule.category), describe(subject));
        if let Some(info) = &info {
            why.push_str(&format!(
                " from {} to {}",
                info.source.map(quoted).unwrap_or_else(|| "a missing element".into()),
                info.target.map(quoted).unwrap_or_else(|| "a missing element".into())
            ));
        }
        if target.id != subject.id {
            why.push_str(&format!(", against its {} {}", if rule.threat_on == ThreatOn::Source { "source" } else { "target" }, describe(target)));
        }
        why.push_str(": ");
        why.push_str(&facts.join("; "));
        why.push('.');
        let mut view = ThreatView {
            id,
            category: rule.category,
            target_id: Some(target.id),
            target_name: target.name.clone(),
            target_kind: Some(target.kind()),
            flow_id: (subject.kind() == ElementKind::DataFlow).then_some(subject.id),
            diagram: Some(target.diagram),
            title: rule.title.render(&s, target),
            description: rule.description.render(&s, target),
            rule_id: Some(rule.id.clone()),
            why,
            facts,
            likelihood,
            impact,
            detectability: None,
            score: 0,
            rpn: None,
            severity: Severity::Low,
            status: ThreatStatus::Open,
            stale: false,
            stale_reason: None,
            origin: Origin::Generated,
            edited: false,
            decision: None,
            rationale: String::new(),
            owner: String::new(),
            due_date: None,
            reviewer: String::new(),
            review_date: None,
            notes: String::new(),
            mitigations: Vec::new(),
            suggested_mitigations: rule.mitigations.clone(),
            references: rule.references.clone(),
        };
        if let Some(t) = stored {
            view.edited = true;
            view.status = t.status;
            view.likelihood = t.likelihood;
            view.impact = t.impact;
            view.detectability = t.detectability;
            view.decision = t.decision;
            view.rationale = t.rationale.clone();
            view.owner = t.owner.clone();
            view.due_date = t.due_date.clone();
            view.reviewer = t.reviewer.clone();
            view.review_date = t.review_date.clone();
            view.notes = t.notes.clone();
            view.mitigations = t.mitigations.clone();
        }
        view.derive_risk();
        view
    }

    /// A stored threat that is not generated: a manual one, or a stale generated one.
    pub(crate) fn stored_view(&self, ctx: Ctx, t: &Threat) -> ThreatView {
        let target = t.target.and_then(|id| ctx.element(&id));
        let rule = t.rule_id.as_deref().and_then(|r| self.rule(r));
        let stale_reason = match (t.origin, target) {
            (_, None) if t.target.is_some() => Some("its element was deleted".to_string()),
            (Origin::Manual, _) => None,
            (Origin::Generated, None) => Some("it has no element".to_string()),
            (Origin::Generated, Some(e)) => Some(match (&t.rule_id, rule) {
                (None, _) => "it names no rule".to_string(),
                (Some(r), None) => format!("rule {r} is not among the loaded rule packs"),
                (Some(r), Some(_)) if e.out_of_scope => format!("{} is out of scope, so rule {r} no longer applies", describe(e)),
                (Some(r), Some(_)) => format!("rule {r} no longer applies to {}", describe(e)),
            }),
        };
        let why = match (t.origin, &stale_reason) {
            (Origin::Manual, None) => "Added by hand.".to_string(),
            (Origin::Manual, Some(reason)) => format!("Added by hand; stale: {reason}."),
            (Origin::Generated, reason) => format!(
                "Generated by rule {}; stale: {}. It is kept with what was written on it: set it to Not applicable or delete it.",
                t.rule_id.as_deref().unwrap_or("?"),
                reason.as_deref().unwrap_or("it is no longer generated")
            ),
        };
        let mut view = ThreatView {
            id: t.id,
            category: t.category,
            target_id: t.target,
            target_name: target.map(|e| e.name.clone()).unwrap_or_default(),
            target_kind: target.map(Element::kind),
            flow_id: target.filter(|e| e.kind() == ElementKind::DataFlow).map(|e| e.id),
            diagram: target.map(|e| e.diagram),
            title: t.title.clone(),
            description: t.description.clone(),
            rule_id: t.rule_id.clone(),
            why,
            facts: Vec::new(),
            likelihood: t.likelihood,
            impact: t.impact,
            detectability: t.detectability,
            score: 0,
            rpn: None,
            severity: Severity::Low,
            status: t.status,
            stale: stale_reason.is_some(),
            stale_reason,
            origin: t.origin,
            edited: true,
            decision: t.decision,
            rationale: t.rationale.clone(),
            owner: t.owner.clone(),
            due_date: t.due_date.clone(),
            reviewer: t.reviewer.clone(),
            review_date: t.review_date.clone(),
            notes: t.notes.clone(),
            mitigations: t.mitigations.clone(),
            suggested_mitigations: rule.map(|r| r.mitigations.clone()).unwrap_or_default(),
            references: t.references.clone(),
        };
        view.derive_risk();
        view
    }
}

fn adjust_label(a: &Adjust) -> String {
    let mut parts = Vec::new();
    if a.likelihood != 0 {
        parts.push(format!("likelihood {:+}", a.likelihood));
    }
    if a.impact != 0 {
        parts.push(format!("impact {:+}", a.impact));
    }
    format!("{}: {}", parts.join(", "), a.because)
}

fn compile_rule(r: RuleFile, pack: &str, seen: &mut HashMap<String, usize>, index: usize) -> Result<Rule, String> {
    let id = r.id.trim().to_string();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c)) {
        return Err("the id is letters, digits and - _ . : only, and not empty".into());
    }
    if let Some(other) = seen.insert(id.clone(), index) {
        return Err(format!("the id is already used by rule #{}", other + 1));
    }
    let category = CATEGORIES
        .into_iter()
        .find(|c| category_label(*c) == r.category)
        .ok_or_else(|| format!("category is one of {}, not “{}”", CATEGORIES.map(category_label).join(", "), r.category))?;
    let names: Vec<&Value> = match &r.applies_to {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut applies_to = Vec::new();
    for n in names {
        let kind = n.as_str().and_then(parse_kind).ok_or_else(|| format!("applies_to: one of {KIND_NAMES}, not {n}"))?;
        if !applies_to.contains(&kind) {
            applies_to.push(kind);
        }
    }
    if applies_to.is_empty() {
        return Err("applies_to names no element kind".into());
    }
    let flow_rule = applies_to == [ElementKind::DataFlow];
    let threat_on = match r.threat_on.as_deref() {
        None | Some("element") => ThreatOn::Element,
        Some("source") if flow_rule => ThreatOn::Source,
        Some("target") if flow_rule => ThreatOn::Target,
        Some("source" | "target") => return Err("threat_on source or target is for rules that apply to data_flow alone".into()),
        Some(other) => return Err(format!("threat_on is element, source or target, not “{other}”")),
    };
    let when = match &r.when {
        None => Cond::Always,
        Some(v) => compile_cond(v, &applies_to, "when")?,
    };
    let score = |what: &str, v: i64| -> Result<u8, String> {
        u8::try_from(v).ok().filter(|v| (1..=5).contains(v)).ok_or_else(|| format!("{what} is 1 to 5, not {v}"))
    };
    let likelihood = score("likelihood", r.likelihood)?;
    let impact = score("impact", r.impact)?;
    let mut adjust = Vec::new();
    for (i, a) in r.adjust.iter().enumerate() {
        let at = format!("adjust[{i}]");
        let delta = |what: &str, v: i64| -> Result<i8, String> {
            i8::try_from(v).ok().filter(|v| (-4..=4).contains(v)).ok_or_else(|| format!("{at}.{what} is -4 to 4, not {v}"))
        };
        let (l, im) = (delta("likelihood", a.likelihood)?, delta("impact", a.impact)?);
        if l == 0 && im == 0 {
            return Err(format!("{at} changes neither likelihood nor impact"));
        }
        if a.because.trim().is_empty() {
            return Err(format!("{at}.because: say why the score changes"));
        }
        adjust.push(Adjust { when: compile_cond(&a.when, &applies_to, &format!("{at}.when"))?, likelihood: l, impact: im, because: a.because.trim().to_string() });
    }
    if r.title.trim().is_empty() {
        return Err("the title is empty".into());
    }
    let title = Template::compile(&r.title, flow_rule).map_err(|e| format!("title: {e}"))?;
    let description = Template::compile(&r.description, flow_rule).map_err(|e| format!("description: {e}"))?;
    if r.mitigations.iter().any(|m| m.trim().is_empty()) {
        return Err("a mitigation is empty".into());
    }
    if let Some(bad) = r.references.iter().find(|x| !is_reference(x)) {
        return Err(format!("reference “{bad}” is not of the form CWE-123 or CAPEC-123"));
    }
    Ok(Rule {
        id,
        pack: pack.to_string(),
        category,
        applies_to,
        threat_on,
        when,
        when_json: r.when,
        title,
        description,
        likelihood,
        impact,
        adjust,
        mitigations: r.mitigations,
        references: r.references,
    })
}

impl Rule {
    /// Likelihood and impact after the adjustments that apply (each kept within 1..5);
    /// with `facts`, each applied adjustment is added to them.
    fn scores(&self, s: &Subject, mut facts: Option<&mut Vec<String>>) -> (u8, u8) {
        let (mut l, mut i) = (i32::from(self.likelihood), i32::from(self.impact));
        for a in &self.adjust {
            if eval(&a.when, s, None) {
                l += i32::from(a.likelihood);
                i += i32::from(a.impact);
                if let Some(f) = facts.as_deref_mut() {
                    f.push(adjust_label(a));
                }
            }
        }
        (l.clamp(1, 5) as u8, i.clamp(1, 5) as u8)
    }

    pub fn is_always(&self) -> bool {
        matches!(self.when, Cond::Always)
    }
}

/// A threat a rule generates: compact, so that a large model's threats are cheap to keep;
/// its id and texts are computed on demand ([`Generated::id`], [`ThreatView`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The rule's index in its [`RuleSet`].
    pub rule: u32,
    /// The element or flow the rule ran on.
    pub subject: Id,
    /// The element or flow the threat is against.
    pub target: Id,
    /// After adjustments.
    pub likelihood: u8,
    pub impact: u8,
}

impl Generated {
    /// Its deterministic id ([`threat_id`]).
    pub fn id(&self, rules: &RuleSet) -> Id {
        let rule = rules.rules.get(self.rule as usize).map_or("", |r| r.id.as_str());
        threat_id(rule, self.subject, self.target)
    }

    /// The rule that generated it.
    pub fn rule_in<'r>(&self, rules: &'r RuleSet) -> Option<&'r Rule> {
        rules.rules.get(self.rule as usize)
    }
}

/// A threat as the register (and `rampart threats`) shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct ThreatView {
    pub id: Id,
    pub category: StrideCategory,
    /// The element or flow under threat.
    pub target_id: Option<Id>,
    pub target_name: String,
    pub target_kind: Option<ElementKind>,
    /// The flow the threat was generated for (the target itself, or the flow whose end it is).
    pub flow_id: Option<Id>,
    pub diagram: Option<Id>,
    pub title: String,
    pub description: String,
    pub rule_id: Option<String>,
    /// Why the threat exists: the rule that fired and the facts that made it fire.
    pub why: String,
    /// The same facts, one per line.
    pub facts: Vec<String>,
    pub likelihood: u8,
    pub impact: u8,
    pub detectability: Option<u8>,
    /// likelihood x impact.
    pub score: u32,
    /// likelihood x impact x detectability, when detectability is set.
    pub rpn: Option<u32>,
    pub severity: Severity,
    pub status: ThreatStatus,
    /// A stored threat whose element was deleted, or a generated one no longer generated.
    pub stale: bool,
    pub stale_reason: Option<String>,
    pub origin: Origin,
    /// A stored record holds what a user wrote on this threat.
    pub edited: bool,
    pub decision: Option<Decision>,
    pub rationale: String,
    pub owner: String,
    pub due_date: Option<String>,
    pub reviewer: String,
    pub review_date: Option<String>,
    pub notes: String,
    /// Linked mitigation records.
    pub mitigations: Vec<Id>,
    /// What the rule suggests doing.
    pub suggested_mitigations: Vec<String>,
    /// CWE and CAPEC references.
    pub references: Vec<String>,
}

impl ThreatView {
    fn unknown(id: Id) -> ThreatView {
        ThreatView {
            id,
            category: StrideCategory::Tampering,
            target_id: None,
            target_name: String::new(),
            target_kind: None,
            flow_id: None,
            diagram: None,
            title: String::new(),
            description: String::new(),
            rule_id: None,
            why: String::new(),
            facts: Vec::new(),
            likelihood: 3,
            impact: 3,
            detectability: None,
            score: 9,
            rpn: None,
            severity: Severity::Medium,
            status: ThreatStatus::Open,
            stale: false,
            stale_reason: None,
            origin: Origin::Generated,
            edited: false,
            decision: None,
            rationale: String::new(),
            owner: String::new(),
            due_date: None,
            reviewer: String::new(),
            review_date: None,
            notes: String::new(),
            mitigations: Vec::new(),
            suggested_mitigations: Vec::new(),
            references: Vec::new(),
        }
    }

    fn derive_risk(&mut self) {
        self.score = u32::from(self.likelihood) * u32::from(self.impact);
        self.rpn = risk::rpn_of(self.likelihood, self.impact, self.detectability);
        self.severity = risk::severity_of(self.likelihood, self.impact, self.detectability);
    }

    /// The record to store when a user edits this threat: every field of the view, with
    /// the same id and origin, so that the edit overlays the generated threat and, should
    /// the threat stop being generated, the record still says what it was.
    pub fn to_record(&self) -> Threat {
        Threat {
            id: self.id,
            title: self.title.clone(),
            category: self.category,
            target: self.target_id,
            rule_id: self.rule_id.clone(),
            description: self.description.clone(),
            status: self.status,
            likelihood: self.likelihood,
            impact: self.impact,
            detectability: self.detectability,
            mitigations: self.mitigations.clone(),
            owner: self.owner.clone(),
            due_date: self.due_date.clone(),
            decision: self.decision,
            rationale: self.rationale.clone(),
            reviewer: self.reviewer.clone(),
            review_date: self.review_date.clone(),
            references: self.references.clone(),
            origin: self.origin,
            notes: self.notes.clone(),
        }
    }

    /// Open, without a decision, and not stale: what `rampart check` fails on.
    pub fn needs_decision(&self) -> bool {
        !self.stale && self.status == ThreatStatus::Open && self.decision.is_none()
    }
}
