//! Validation: what is wrong with a diagram or an attack tree (PRODUCT.md section 3).
//!
//! Every finding has a stable code, a severity, the ids of the elements (or attack-tree
//! nodes) it is about, the first being the one to select, and a message that names them.
//! Codes never change meaning; new rules get new codes.
//!
//! | code | severity | finding |
//! |---|---|---|
//! | DFD001 | error | a data flow with a missing end (none drawn, deleted, or not an entity, process or store) |
//! | DFD002 | error | a data flow between two external entities |
//! | DFD003 | error | a data flow between an external entity and a data store (either way) |
//! | DFD004 | error | a data flow between two data stores |
//! | DFD005 | warning | a process with outputs but no inputs ("miracle") |
//! | DFD006 | warning | a process with inputs but no outputs ("black hole") |
//! | DFD007 | warning | a data store that is read but never written |
//! | DFD008 | warning | a data store that is written but never read (info for an audit log) |
//! | DFD009 | warning | an external entity, process or data store with no flows |
//! | DFD010 | warning | an unnamed element (info for an unnamed data flow) |
//! | DFD011 | warning | two or more elements of one diagram with the same name (ignoring case) |
//! | DFD012 | warning | a trust boundary drawn as a box that contains nothing |
//! | DFD013 | warning | a flow that crosses a trust boundary unencrypted (info when not stated) |
//! | DFD014 | warning | a flow that crosses a trust boundary unauthenticated (info when not stated) |
//! | DFD015 | info | a trust boundary drawn as a line: which flows cross it cannot be told |
//! | AT001 | error | an AND, OR or SAND gate with no children |
//! | AT002 | error | steps that form a cycle |
//! | AT003 | error | a probability outside 0..1 |
//! | AT004 | error | a negative (or infinite) cost or time |
//! | AT005 | warning | an attack leaf without cost, probability, time or skill (the analyses that need it give no value) |
//! | AT006 | error | a reference to a step that is not in the tree (a child, a countermeasure, the goal) |
//! | AT007 | error | a skill or detectability outside 1..5 |
//!
//! A bidirectional flow counts as an input and an output of both its ends.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{describe, finding_id, is_node, quoted, Ctx, FlowInfo};
use crate::model::*;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingSeverity {
    /// The diagram is wrong: `rampart validate` exits with 1.
    Error,
    /// Probably wrong, or missing something the threats need.
    Warning,
    /// Worth knowing.
    Info,
}

impl FindingSeverity {
    pub fn label(self) -> &'static str {
        match self {
            FindingSeverity::Error => "error",
            FindingSeverity::Warning => "warning",
            FindingSeverity::Info => "info",
        }
    }
}

/// One validation finding.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Finding {
    /// `finding_id(code, element_ids)`: the id a [`Dismissal`] of this finding has.
    pub id: Id,
    /// Stable code, e.g. "DFD013" (see the module documentation for the list).
    pub code: String,
    pub severity: FindingSeverity,
    /// The elements or attack-tree nodes the finding is about; the first is the one to
    /// select and centre.
    pub element_ids: Vec<Id>,
    pub message: String,
    /// The diagram the elements are on (DFD findings).
    pub diagram: Option<Id>,
    /// The attack tree the nodes belong to (attack-tree findings).
    pub tree: Option<Id>,
}

/// A finding the user dismissed, with the dismissal (its reason, who, when).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct DismissedFinding {
    pub finding: Finding,
    pub dismissal: Dismissal,
}

/// The result of validating a model. `findings` leaves out dismissed findings, which are
/// listed in `dismissed`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, TS)]
#[ts(export)]
pub struct Validation {
    pub findings: Vec<Finding>,
    pub dismissed: Vec<DismissedFinding>,
}

impl Validation {
    /// How many open findings have this severity.
    pub fn count(&self, severity: FindingSeverity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(FindingSeverity::Error) > 0
    }
}

/// A finding as the analysis keeps it: what and where. DFD findings are worded when they
/// are read ([`render`]), from the model as it is then, so that keeping them costs little
/// and a rename never has to recompute them; attack-tree findings carry their message.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Raw {
    pub code: &'static str,
    pub severity: FindingSeverity,
    pub ids: Vec<Id>,
    pub diagram: Option<Id>,
    pub tree: Option<Id>,
    pub message: Option<String>,
}

impl Raw {
    fn dfd(code: &'static str, severity: FindingSeverity, ids: Vec<Id>, diagram: Id) -> Raw {
        Raw { code, severity, ids, diagram: Some(diagram), tree: None, message: None }
    }

    fn tree(code: &'static str, severity: FindingSeverity, ids: Vec<Id>, tree: Id, message: String) -> Raw {
        Raw { code, severity, ids, diagram: None, tree: Some(tree), message: Some(message) }
    }
}

/// The finding a user reads.
pub(crate) fn render(ctx: Ctx, raw: &Raw) -> Finding {
    Finding {
        id: finding_id(raw.code, &raw.ids),
        code: raw.code.to_string(),
        severity: raw.severity,
        element_ids: raw.ids.clone(),
        message: raw.message.clone().unwrap_or_else(|| dfd_message(ctx, raw)),
        diagram: raw.diagram,
        tree: raw.tree,
    }
}

/// Word the findings, sort them, and set the dismissed ones apart.
pub(crate) fn assemble<'a>(ctx: Ctx, all: impl Iterator<Item = &'a Raw>) -> Validation {
    let mut findings: Vec<Finding> = all.map(|r| render(ctx, r)).collect();
    findings.sort_by(|a, b| (a.severity, &a.code, &a.element_ids, &a.id).cmp(&(b.severity, &b.code, &b.element_ids, &b.id)));
    let mut out = Validation::default();
    for f in findings {
        match ctx.doc.dismissals.get(&f.id) {
            Some(d) => out.dismissed.push(DismissedFinding { finding: f, dismissal: d.clone() }),
            None => out.findings.push(f),
        }
    }
    out
}

use FindingSeverity::{Error, Info, Warning};

/// The findings owned by one element: about the element itself, or, for a flow, about its
/// ends and the boundaries it crosses.
pub(crate) fn element_findings(ctx: Ctx, e: &Element, info: Option<&FlowInfo>) -> Vec<Raw> {
    let mut out = Vec::new();
    let kind = e.kind();
    if e.name.trim().is_empty() {
        let severity = if kind == ElementKind::DataFlow { Info } else { Warning };
        out.push(Raw::dfd("DFD010", severity, vec![e.id], e.diagram));
    }
    match kind {
        ElementKind::DataFlow => {
            if let Some(info) = info {
                flow_findings(ctx, e, info, &mut out);
            }
        }
        ElementKind::TrustBoundary => {
            if ctx.is_line_boundary(&e.id) {
                out.push(Raw::dfd("DFD015", Info, vec![e.id], e.diagram));
            } else if ctx.children(&e.id).next().is_none() {
                out.push(Raw::dfd("DFD012", Warning, vec![e.id], e.diagram));
            }
        }
        _ => node_findings(ctx, e, &mut out),
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn node_findings(ctx: Ctx, e: &Element, out: &mut Vec<Raw>) {
    let (mut inputs, mut outputs) = (0usize, 0usize);
    for (_, link) in ctx.links(&e.id) {
        inputs += usize::from(link.receives);
        outputs += usize::from(link.gives);
    }
    let mut push = |code: &'static str, severity| out.push(Raw::dfd(code, severity, vec![e.id], e.diagram));
    if inputs == 0 && outputs == 0 {
        push("DFD009", Warning);
        return;
    }
    match e.kind() {
        ElementKind::Process if inputs == 0 => push("DFD005", Warning),
        ElementKind::Process if outputs == 0 => push("DFD006", Warning),
        ElementKind::DataStore if inputs == 0 => push("DFD007", Warning),
        ElementKind::DataStore if outputs == 0 => push("DFD008", if is_audit_log(e) { Info } else { Warning }),
        _ => {}
    }
}

fn is_audit_log(e: &Element) -> bool {
    matches!(&e.properties, ElementProperties::DataStore(s) if s.is_audit_log == Some(true))
}

/// What is wrong with a flow's ends, if anything.
fn end_problems(e: &Element, info: &FlowInfo) -> Vec<String> {
    let mut problems = Vec::new();
    for (end, id, element) in [("source", info.props.source, info.source), ("target", info.props.target, info.target)] {
        match (id, element) {
            (None, _) => problems.push(format!("has no {end}")),
            (Some(_), None) => problems.push(format!("has a {end} that no longer exists")),
            (Some(_), Some(x)) if !is_node(x.kind()) => problems.push(format!("has {} as its {end}", describe(x))),
            (Some(_), Some(x)) if x.diagram != e.diagram => problems.push(format!("has a {end} on another diagram ({})", describe(x))),
            _ => {}
        }
    }
    problems
}

fn ends_ok(e: &Element, info: &FlowInfo) -> bool {
    [info.source, info.target].iter().all(|x| x.is_some_and(|x| is_node(x.kind()) && x.diagram == e.diagram))
}

fn flow_findings(ctx: Ctx, e: &Element, info: &FlowInfo, out: &mut Vec<Raw>) {
    if !ends_ok(e, info) {
        out.push(Raw::dfd("DFD001", Error, vec![e.id], e.diagram));
        return;
    }
    let (Some(source), Some(target)) = (info.source, info.target) else { return };
    use ElementKind::{DataStore, ExternalEntity};
    let structural = match (source.kind(), target.kind()) {
        (ExternalEntity, ExternalEntity) => Some("DFD002"),
        (ExternalEntity, DataStore) | (DataStore, ExternalEntity) => Some("DFD003"),
        (DataStore, DataStore) => Some("DFD004"),
        _ => None,
    };
    if let Some(code) = structural {
        out.push(Raw::dfd(code, Error, vec![e.id, source.id, target.id], e.diagram));
    }
    // Crossing a trust boundary unprotected.
    if !info.crosses() {
        return;
    }
    let unprotected = [("DFD013", info.props.encrypted_in_transit), ("DFD014", info.props.authenticated)];
    if unprotected.iter().all(|(_, v)| *v == Some(true)) {
        return;
    }
    let mut ids = vec![e.id];
    ids.extend(info.crossed());
    for (code, value) in unprotected {
        match value {
            Some(true) => {}
            Some(false) => out.push(Raw::dfd(code, Warning, ids.clone(), e.diagram)),
            None => out.push(Raw::dfd(code, Info, ids.clone(), e.diagram)),
        }
    }
    let _ = ctx;
}

/// The words of a DFD finding, from the model as it is.
fn dfd_message(ctx: Ctx, raw: &Raw) -> String {
    let Some(e) = raw.ids.first().and_then(|id| ctx.element(id)) else {
        return format!("{}: the element it concerns no longer exists.", raw.code);
    };
    let who = capitalised(&describe(e));
    let info = ctx.flow_info(e);
    let route = || match &info {
        Some(i) => format!(
            "from {} to {}",
            i.source.map(quoted).unwrap_or_else(|| "a missing element".into()),
            i.target.map(quoted).unwrap_or_else(|| "a missing element".into())
        ),
        None => String::new(),
    };
    let between = || match &info {
        Some(FlowInfo { source: Some(s), target: Some(t), .. }) => format!("{} and {}", describe(s), describe(t)),
        _ => "its ends".to_string(),
    };
    match raw.code {
        "DFD001" => {
            let problems = info.as_ref().map(|i| end_problems(e, i)).unwrap_or_default();
            format!("{who} {}: a flow must connect two external entities, processes or data stores.", join_and(&problems))
        }
        "DFD002" => format!(
            "{who} connects two external entities, {}: what outsiders exchange is outside the system; route it through a process or remove it.",
            between()
        ),
        "DFD003" => format!("{who} connects {} directly: data must pass through a process that reads or writes the store.", between()),
        "DFD004" => format!("{who} connects two data stores, {}: data must pass through a process that copies it.", between()),
        "DFD005" => format!("{who} sends data but receives none (a \"miracle\"): add the flow its output comes from."),
        "DFD006" => format!("{who} receives data but sends none (a \"black hole\"): add the flow its results go to."),
        "DFD007" => format!("{who} is read but never written: add the flow that writes its data."),
        "DFD008" if is_audit_log(e) => {
            format!("{who} is written but never read: nobody reviews this audit log; add the process that reads it (monitoring, review).")
        }
        "DFD008" => format!("{who} is written but never read: add the flow that reads it, or ask whether the data is needed at all."),
        "DFD009" => format!("{who} has no data flows: connect it to what it exchanges data with, or delete it."),
        "DFD010" if e.kind() == ElementKind::DataFlow => match &info {
            Some(FlowInfo { source: Some(_), target: Some(_), .. }) => format!("A data flow {} has no name: name the data it carries.", route()),
            _ => "A data flow has no name: name the data it carries.".to_string(),
        },
        "DFD010" => {
            let label = e.kind().label();
            let article = if label.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
            format!("{article} {label} has no name: name it so that its threats and findings can be told apart.")
        }
        "DFD011" => {
            const SHOWN: usize = 5;
            let members: Vec<&Element> = raw.ids.iter().filter_map(|id| ctx.element(id)).collect();
            let mut listed: Vec<String> = members.iter().take(SHOWN).map(|m| describe(m)).collect();
            if members.len() > SHOWN {
                listed.push(format!("{} more", members.len() - SHOWN));
            }
            format!(
                "{} elements of one diagram share a name: {}. Give each its own name so that findings, threats and the report can tell them apart.",
                members.len(),
                join_and(&listed)
            )
        }
        "DFD012" => format!("{who} contains nothing: put the elements it protects inside it, or delete it."),
        "DFD013" | "DFD014" => {
            let names: Vec<String> = raw.ids[1..].iter().filter_map(|b| ctx.element(b)).map(quoted).collect();
            let boundaries = format!("trust {} {}", if names.len() == 1 { "boundary" } else { "boundaries" }, join_and(&names));
            let (what, fix) = if raw.code == "DFD013" {
                ("encrypted", "encrypt it (TLS, say) and mark it encrypted in transit")
            } else {
                ("authenticated", "authenticate the sender and mark it authenticated")
            };
            if raw.severity == Info {
                format!("{who} {} crosses {boundaries} and does not say whether it is {what}: {fix}, or mark it not {what}.", route())
            } else {
                format!("{who} {} crosses {boundaries} and is not {what}: {fix}.", route())
            }
        }
        "DFD015" => format!(
            "{who} is drawn as a line, so Rampart cannot tell which flows cross it and generates no boundary threats for it: draw it as a box around what it protects."
        ),
        other => format!("{other}: {who}."),
    }
}

/// "“A”", "“A” and “B”", "“A”, “B” and “C”".
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The duplicate-name finding of one name group, when it has two members or more.
pub(crate) fn name_group_finding(ctx: Ctx, ids: &[Id]) -> Option<Raw> {
    let members: Vec<&Element> = ids.iter().filter_map(|id| ctx.element(id)).collect();
    let first = members.first()?;
    (members.len() >= 2).then(|| Raw::dfd("DFD011", Warning, members.iter().map(|e| e.id).collect(), first.diagram))
}

/// The findings of one attack tree (its id may also be one that only nodes name).
pub(crate) fn tree_findings(ctx: Ctx, tree_id: &Id) -> Vec<Raw> {
    let doc = ctx.doc;
    let nodes: BTreeMap<Id, &AttackNode> = ctx
        .index
        .tree_nodes
        .get(tree_id)
        .into_iter()
        .flatten()
        .filter_map(|id| doc.attack_nodes.get(id))
        .filter(|n| n.tree == *tree_id)
        .map(|n| (n.id, n))
        .collect();
    let mut out = Vec::new();
    let tree = doc.attack_trees.get(tree_id);
    let tree_name = match tree {
        Some(t) if !t.name.trim().is_empty() => format!("attack tree “{}”", t.name.trim()),
        Some(_) => "an unnamed attack tree".to_string(),
        None => "an attack tree that no longer exists".to_string(),
    };
    let label = |n: &AttackNode| {
        let l = n.label.trim();
        if l.is_empty() {
            "an unlabelled step".to_string()
        } else {
            format!("step “{l}”")
        }
    };
    let mut push = |code: &'static str, severity, ids: Vec<Id>, message: String| out.push(Raw::tree(code, severity, ids, *tree_id, message));
    match tree {
        Some(t) if !nodes.contains_key(&t.root) => push(
            "AT006",
            Error,
            vec![t.id],
            format!("The goal of {tree_name} is missing: the tree cannot be analysed."),
        ),
        None if !nodes.is_empty() => push(
            "AT006",
            Error,
            nodes.keys().copied().collect(),
            format!("{} steps belong to {tree_name}.", nodes.len()),
        ),
        _ => {}
    }
    for n in nodes.values() {
        let who = label(n);
        let gate = match n.gate {
            Gate::And => Some("AND"),
            Gate::Or => Some("OR"),
            Gate::Sand => Some("SAND"),
            Gate::Leaf => None,
        };
        if let Some(gate) = gate.filter(|_| n.children.is_empty()) {
            push(
                "AT001",
                Error,
                vec![n.id],
                format!("In {tree_name}, {who} is an {gate} gate with no steps under it: add its steps or make it a leaf."),
            );
        }
        let missing: BTreeSet<Id> = n.children.iter().chain(&n.countermeasures).filter(|c| !nodes.contains_key(c)).copied().collect();
        if !missing.is_empty() {
            push(
                "AT006",
                Error,
                vec![n.id],
                format!(
                    "In {tree_name}, {who} refers to {} that {} not in this tree.",
                    if missing.len() == 1 { "a step".to_string() } else { format!("{} steps", missing.len()) },
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            );
        }
        let a = &n.attributes;
        if let Some(p) = a.probability.filter(|p| !(0.0..=1.0).contains(p)) {
            push("AT003", Error, vec![n.id], format!("In {tree_name}, {who} has probability {p}: a probability lies between 0 and 1."));
        }
        let bad_cost = a.cost.filter(|c| !c.is_finite() || *c < 0.0);
        let bad_time = a.time.filter(|t| !t.is_finite() || *t < 0.0);
        if bad_cost.is_some() || bad_time.is_some() {
            let what: Vec<String> = [bad_cost.map(|c| format!("cost {c}")), bad_time.map(|t| format!("time {t} h"))].into_iter().flatten().collect();
            push(
                "AT004",
                Error,
                vec![n.id],
                format!("In {tree_name}, {who} has {}: cost and time cannot be negative.", join_and(&what)),
            );
        }
        let out_of_range = |v: Option<u8>| v.filter(|v| !(1..=5).contains(v));
        let bad: Vec<String> = [("skill", out_of_range(a.skill)), ("detectability", out_of_range(a.detectability))]
            .into_iter()
            .filter_map(|(name, v)| v.map(|v| format!("{name} {v}")))
            .collect();
        if !bad.is_empty() {
            push("AT007", Error, vec![n.id], format!("In {tree_name}, {who} has {}: these range from 1 to 5.", join_and(&bad)));
        }
        if n.gate == Gate::Leaf && n.role == Role::Attack {
            let lacking: Vec<String> = [("cost", a.cost.is_none()), ("probability", a.probability.is_none()), ("time", a.time.is_none()), ("skill", a.skill.is_none())]
                .into_iter()
                .filter(|(_, missing)| *missing)
                .map(|(name, _)| name.to_string())
                .collect();
            if !lacking.is_empty() {
                push(
                    "AT005",
                    Warning,
                    vec![n.id],
                    format!(
                        "In {tree_name}, {who} has no {}: the analyses that need {} give no value for the paths through it.",
                        join_and(&lacking).replace(" and ", " or "),
                        if lacking.len() == 1 { "it" } else { "them" }
                    ),
                );
            }
        }
    }
    for cycle in cycles(&nodes) {
        let names: Vec<String> = cycle.iter().filter_map(|id| nodes.get(id)).map(|n| label(n)).collect();
        push(
            "AT002",
            Error,
            cycle,
            format!("In {tree_name}, {} form a cycle: a step cannot be part of its own way to the goal.", join_and(&names)),
        );
    }
    out
}

/// The cycles of a tree (its strongly connected components with a loop), each sorted, in
/// order. Iterative Tarjan, so a deep tree cannot overflow the stack.
fn cycles(nodes: &BTreeMap<Id, &AttackNode>) -> Vec<Vec<Id>> {
    let ids: Vec<Id> = nodes.keys().copied().collect();
    let at: HashMap<Id, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let edges: Vec<Vec<usize>> = ids
        .iter()
        .map(|id| nodes.get(id).map(|n| n.children.iter().chain(&n.countermeasures).filter_map(|c| at.get(c).copied()).collect()).unwrap_or_default())
        .collect();
    let n = ids.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0usize;
    let mut out = Vec::new();
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut i)) = call.last_mut() {
            if let Some(&w) = edges[v].get(*i) {
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(ids[w]);
                        if w == v {
                            break;
                        }
                    }
                    let looped = component.len() > 1 || edges[v].contains(&v);
                    if looped {
                        component.sort();
                        out.push(component);
                    }
                }
            }
        }
    }
    out.sort();
    out
}
