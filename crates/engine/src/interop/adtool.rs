//! ADTool XML attack-defence trees (ADTool 2), read and written.
//!
//! In ADTool a node's children of the same role refine it (AND, OR, or sequential AND);
//! a child marked `switchRole="yes"` belongs to the other side and counters it. Leaf values
//! come from `<parameter category="basic">` in domains; the domains that match Rampart's
//! attributes are MinCost (cost), ProbSucc (probability), MinTimePar and MinTimeSeq (time)
//! and MinSkill (skill).
//!
//! Two rules follow ADTool's own analysis and attack-defence tree semantics: imported
//! countermeasures count as implemented, and attacker steps with the same label are one
//! shared step (Kordy and Wideł 2018), so they import as one node used by several parents.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::path::Path;

use roxmltree::Node;
use uuid::Uuid;

use super::{malformed, Imported, Warnings};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::model::*;

const NAMESPACE: Uuid = Uuid::from_u128(0x2b7c_41d0_8e3a_4f61_9a57_c0de_ad70_01aa);
/// Deeper nesting than this is refused rather than risk the stack.
const MAX_DEPTH: usize = 400;
const FORMAT: &str = "ADTool XML";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Attr {
    Cost,
    Probability,
    Time,
    Skill,
}

impl Attr {
    fn from_class(class: &str) -> Option<Attr> {
        match class.rsplit('.').next().unwrap_or(class) {
            "MinCost" => Some(Attr::Cost),
            "ProbSucc" => Some(Attr::Probability),
            "MinTimePar" | "MinTimeSeq" => Some(Attr::Time),
            "MinSkill" => Some(Attr::Skill),
            _ => None,
        }
    }

    /// The domain Rampart writes for the attribute.
    fn class(self) -> &'static str {
        match self {
            Attr::Cost => "MinCost",
            Attr::Probability => "ProbSucc",
            Attr::Time => "MinTimeSeq",
            Attr::Skill => "MinSkill",
        }
    }
}

/// Does the text look like an ADTool tree? (Its root element is `<adtree>`.)
pub fn detect(text: &str) -> bool {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let body = if body.starts_with("<?xml") { body.split_once("?>").map_or("", |(_, rest)| rest.trim_start()) } else { body };
    body.starts_with("<adtree")
}

/// Refuse, before the XML parser sees it, what would make it slow: nesting far deeper than
/// any tree (the parser's namespace handling is cubic in depth) and namespace declarations,
/// which ADTool never writes. A linear scan; it over-counts in comments, which is harmless.
fn precheck(text: &str, path: &Path) -> Result<()> {
    if text.matches("xmlns").take(65).count() > 64 {
        return Err(malformed(path, FORMAT, "too many XML namespace declarations for an ADTool tree"));
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (b, bytes.get(i + 1)) {
            (b'<', Some(b'/')) => depth = depth.saturating_sub(1),
            (b'<', Some(b'?' | b'!')) => {}
            (b'<', _) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (b'/', Some(b'>')) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > 2 * MAX_DEPTH + 8 {
        return Err(malformed(path, FORMAT, format!("the tree is nested deeper than {MAX_DEPTH} levels")));
    }
    Ok(())
}

pub fn import(text: &str, path: &Path) -> Result<Imported> {
    precheck(text, path)?;
    let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 2_000_000, ..Default::default() };
    let xml = roxmltree::Document::parse_with_options(text, options).map_err(|e| malformed(path, FORMAT, e))?;
    let root = xml.root_element();
    if root.tag_name().name() != "adtree" {
        return Err(super::unrecognised(path));
    }
    let mut domains = HashMap::new();
    let mut warnings = Warnings::default();
    for domain in root.children().filter(|n| n.has_tag_name("domain")) {
        let id = domain.attribute("id").unwrap_or("").to_string();
        let class = domain.children().find(|c| c.has_tag_name("class")).and_then(|c| c.text()).unwrap_or("").trim().to_string();
        domains.insert(id, class);
    }
    let top = root.children().find(|n| n.has_tag_name("node")).ok_or_else(|| malformed(path, FORMAT, "the tree has no root node"))?;
    for other in root.children().filter(|n| n.is_element() && !n.has_tag_name("node") && !n.has_tag_name("domain")) {
        warnings.add(&format!("the <{}> element is not part of the tree and was ignored", other.tag_name().name()));
    }

    let tree_id = Uuid::new_v5(&NAMESPACE, b"tree");
    let mut builder = Builder { doc: Document::default(), tree_id, domains, warnings, shared: HashMap::new(), path };
    let role = if top.attribute("switchRole") == Some("yes") { Role::Defense } else { Role::Attack };
    let root_id = builder.node(top, role, "0", 0)?;
    let name = builder.doc.attack_nodes.get(&root_id).map(|n| one_line(&n.label)).unwrap_or_default();
    let mut doc = builder.doc;
    doc.metadata.name = name.clone();
    doc.metadata.currency = "EUR".to_string();
    doc.attack_trees.insert(tree_id, AttackTree { id: tree_id, name, description: String::new(), root: root_id });
    Ok(Imported { document: doc, format: FORMAT, warnings: builder.warnings.into_list() })
}

fn one_line(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Builder<'p> {
    doc: Document,
    tree_id: Id,
    /// Domain id -> ADTool class name.
    domains: HashMap<String, String>,
    warnings: Warnings,
    /// Attack leaves by label: the shared steps.
    shared: HashMap<String, Id>,
    path: &'p Path,
}

impl Builder<'_> {
    fn attribute_of(&mut self, domain_id: &str) -> Option<Attr> {
        // A domain the file does not declare is told by its id ("ProbSucc1").
        let class = self.domains.get(domain_id).cloned().unwrap_or_else(|| domain_id.trim_end_matches(|c: char| c.is_ascii_digit()).to_string());
        let attr = Attr::from_class(&class);
        if attr.is_none() {
            let short = class.rsplit('.').next().unwrap_or(&class).to_string();
            self.warnings.add(&format!("values of the ADTool domain “{short}” have no Rampart attribute and were not imported"));
        }
        attr
    }

    fn node(&mut self, xml: Node, role: Role, position: &str, depth: usize) -> Result<Id> {
        if depth > MAX_DEPTH {
            return Err(malformed(self.path, FORMAT, format!("the tree is nested deeper than {MAX_DEPTH} levels")));
        }
        let label = xml.children().find(|c| c.has_tag_name("label")).and_then(|c| c.text()).unwrap_or("").trim().to_string();
        let description = xml.children().filter(|c| c.has_tag_name("comment")).filter_map(|c| c.text()).map(str::trim).collect::<Vec<_>>().join("\n");
        let (refining, countering): (Vec<Node>, Vec<Node>) =
            xml.children().filter(|c| c.has_tag_name("node")).partition(|c| c.attribute("switchRole") != Some("yes"));
        let gate = match (refining.is_empty(), xml.attribute("refinement")) {
            (true, _) => Gate::Leaf,
            (false, Some("conjunctive")) => Gate::And,
            (false, Some("sequential")) => Gate::Sand,
            (false, Some("disjunctive")) => Gate::Or,
            (false, other) => {
                self.warnings.add(&format!("refinement “{}” is unknown; such nodes were read as OR", other.unwrap_or("")));
                Gate::Or
            }
        };

        let mut attributes = Attributes::default();
        for parameter in xml.children().filter(|c| c.has_tag_name("parameter")) {
            if parameter.attribute("category").unwrap_or("basic") != "basic" {
                self.warnings.add("values ADTool computed (derived or default) were not imported: Rampart computes its own");
                continue;
            }
            if gate != Gate::Leaf {
                self.warnings.add("values set on refined nodes were not imported: only steps (leaves) carry values");
                continue;
            }
            let Some(attr) = self.attribute_of(parameter.attribute("domainId").unwrap_or("")) else { continue };
            let raw = parameter.text().unwrap_or("").trim();
            match (attr, raw.parse::<f64>()) {
                (Attr::Cost, Ok(v)) if v.is_finite() && v >= 0.0 => attributes.cost = Some(v),
                (Attr::Time, Ok(v)) if v.is_finite() && v >= 0.0 => attributes.time = Some(v),
                (Attr::Probability, Ok(v)) if (0.0..=1.0).contains(&v) => attributes.probability = Some(v),
                (Attr::Skill, Ok(v)) if (1.0..=5.0).contains(&v) && v.fract() == 0.0 => attributes.skill = Some(v as u8),
                _ => self.warnings.add(&format!("a {attr:?} value “{raw}” is out of range or not a number and was not imported")),
            }
        }
        for other in xml.children().filter(|c| c.is_element() && !["node", "label", "comment", "parameter"].contains(&c.tag_name().name())) {
            self.warnings.add(&format!("the <{}> element was ignored", other.tag_name().name()));
        }

        let shareable = role == Role::Attack && gate == Gate::Leaf && countering.is_empty();
        if shareable {
            if let Some(id) = self.shared.get(&label).copied() {
                if self.doc.attack_nodes.get(&id).is_some_and(|n| n.attributes != attributes) {
                    self.warnings.add("steps with the same label but different values are one shared step; the first one's values were kept");
                }
                return Ok(id);
            }
        }
        let id = Uuid::new_v5(&NAMESPACE, position.as_bytes());
        if shareable {
            self.shared.insert(label.clone(), id);
        }
        let mut children = Vec::new();
        for (i, child) in refining.into_iter().enumerate() {
            let child_id = self.node(child, role, &format!("{position}/{i}"), depth + 1)?;
            if !children.contains(&child_id) {
                children.push(child_id);
            }
        }
        let other_side = if role == Role::Attack { Role::Defense } else { Role::Attack };
        let mut countermeasures = Vec::new();
        for (i, child) in countering.into_iter().enumerate() {
            countermeasures.push(self.node(child, other_side, &format!("{position}/c{i}"), depth + 1)?);
        }
        self.doc.attack_nodes.insert(
            id,
            AttackNode {
                id,
                tree: self.tree_id,
                label,
                description,
                role,
                gate,
                children,
                countermeasures,
                attributes,
                implemented: role == Role::Defense,
                ..Default::default()
            },
        );
        Ok(id)
    }
}

/// Write one attack tree as ADTool XML. A step shared by several branches is written under
/// each (ADTool trees are trees; the shared label brings it back together on import).
/// Countermeasures not implemented are left out, since ADTool counts every countermeasure
/// as in place.
pub fn export(doc: &Document, tree: Id) -> Result<(String, Vec<String>)> {
    let tree = doc.attack_trees.get(&tree).ok_or_else(|| Error::invalid(format!("no attack tree with id {tree}")))?;
    let mut warnings = Warnings::default();
    let mut used: BTreeMap<&'static str, ()> = BTreeMap::new();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adtree>\n");
    write_node(doc, tree.root, None, 1, &mut out, &mut used, &mut warnings)?;
    for class in used.keys() {
        let _ = writeln!(out, "  <domain id=\"{class}1\">\n    <class>lu.uni.adtool.domains.adtpredefined.{class}</class>\n    <tool>ADTool2</tool>\n  </domain>");
    }
    out.push_str("</adtree>\n");
    if doc.attack_nodes.values().any(|n| n.tree == tree.id && (n.attributes.detectability.is_some() || !n.links.is_empty() || n.mitigation.is_some())) {
        warnings.add("detectability, links to the diagram and linked mitigations have no ADTool equivalent and were left out");
    }
    Ok((out, warnings.into_list()))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 cannot carry most control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn write_node(
    doc: &Document,
    id: Id,
    parent_role: Option<Role>,
    depth: usize,
    out: &mut String,
    used: &mut BTreeMap<&'static str, ()>,
    warnings: &mut Warnings,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid(format!("the attack tree is nested deeper than {MAX_DEPTH} levels")));
    }
    let Some(node) = doc.attack_nodes.get(&id) else {
        warnings.add("links to missing steps were left out");
        return Ok(());
    };
    let pad = "  ".repeat(depth);
    let refinement = match node.gate {
        Gate::And => "conjunctive",
        Gate::Sand => "sequential",
        Gate::Or | Gate::Leaf => "disjunctive",
    };
    let switch = if parent_role.is_some_and(|r| r != node.role) { " switchRole=\"yes\"" } else { "" };
    let _ = writeln!(out, "{pad}<node refinement=\"{refinement}\"{switch}>\n{pad}  <label>{}</label>", escape(&node.label));
    if !node.description.is_empty() {
        let _ = writeln!(out, "{pad}  <comment>{}</comment>", escape(&node.description));
    }
    if node.gate == Gate::Leaf {
        let a = &node.attributes;
        for (attr, value) in [(Attr::Cost, a.cost), (Attr::Probability, a.probability), (Attr::Time, a.time), (Attr::Skill, a.skill.map(f64::from))] {
            if let Some(v) = value {
                used.insert(attr.class(), ());
                let _ = writeln!(out, "{pad}  <parameter domainId=\"{}1\" category=\"basic\">{v}</parameter>", attr.class());
            }
        }
    }
    for child in &node.children {
        write_node(doc, *child, Some(node.role), depth + 1, out, used, warnings)?;
    }
    for counter in &node.countermeasures {
        let implemented = doc.attack_nodes.get(counter).is_none_or(|c| c.role == Role::Attack || c.implemented);
        if implemented {
            write_node(doc, *counter, Some(node.role), depth + 1, out, used, warnings)?;
        } else {
            warnings.add("countermeasures not implemented were left out: ADTool counts every countermeasure as in place");
        }
    }
    let _ = writeln!(out, "{pad}</node>");
    Ok(())
}
