//! The SVG drawing of one attack tree, top-down: the goal at the top; each gate drawn under
//! its node (AND flat-topped and round-bottomed and filled, OR pointed and open, SAND an AND
//! with an arrow along its children in their order); countermeasures as cut-corner boxes on
//! dashed links, shaded when in place and dashed when not; the engine's values under each
//! label; the cheapest scenario in a heavy outline. The SVG and PNG exports of a tree and
//! the PDF report use this one drawing.
//!
//! The layout is the app's (ui/src/trees/layout.ts): a tidy tree, each parent centred over
//! its children, countermeasures after the children, a step shared by several parents placed
//! under the first that reaches it and linked from the others. Stored layout records are used
//! instead when every node has one. The whole tree is drawn: a subtree collapsed in the editor
//! is still part of the model a reader is shown. Model text only ever lands in text nodes,
//! as in `svg`.

use std::collections::{HashMap, HashSet};

use svg::node::element::{Group, Line, Path, Polygon};

use super::svg::{canvas, inert_text, rounded_rect, text_lines, wrap, CHAR_WIDTH, FONT_SIZE, INK};
use crate::attack::{self, AnalysisOptions, NodeAnalysis, TreeAnalysis};
use crate::document::Document;
use crate::error::{Error, Result};
use crate::model::*;
use crate::report::content::num;

const NODE_W: f64 = 190.0;
const NODE_H: f64 = 88.0;
const GAP_X: f64 = 24.0;
const GAP_Y: f64 = 76.0;
/// The gate glyph's centre, below its node.
const GATE_DROP: f64 = 16.0;
/// Room under a gate node for its glyph and the SAND order arrow.
const GATE_ROOM: f64 = 46.0;
const VALUE_SIZE: f64 = 10.0;
const CORNER: f64 = 12.0;
const MUTED: &str = "#52606d";
const DEFENSE: &str = "#1d6b3a";
/// The cheapest scenario: a heavy dark outline, which greyscale print keeps apart too.
const LIT: &str = "#0b3d91";
const LIT_WIDTH: f64 = 3.5;
const LEGEND_ROOM: f64 = 40.0;

#[derive(Clone, Copy, Debug)]
struct Placed {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Placed {
    fn centre_x(&self) -> f64 {
        self.x + self.width / 2.0
    }

    fn bottom(&self) -> f64 {
        self.y + self.height
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LinkKind {
    Child,
    Countermeasure,
}

struct Link {
    from: Id,
    to: Id,
    kind: LinkKind,
    /// False for the extra links of a shared step (and of a cycle), drawn from its other parents.
    primary: bool,
}

struct TreeLayout {
    nodes: HashMap<Id, Placed>,
    /// Depth first from the root: the drawing order.
    order: Vec<Id>,
    links: Vec<Link>,
}

fn is_gate(node: &AttackNode) -> bool {
    !node.children.is_empty() && node.gate != Gate::Leaf
}

fn layout(doc: &Document, root: Id) -> TreeLayout {
    // The spanning tree: each node under the first parent that reaches it, depth first.
    let mut kids: HashMap<Id, Vec<Id>> = HashMap::new();
    let mut depth: HashMap<Id, usize> = HashMap::from([(root, 0)]);
    let mut order = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        let Some(node) = doc.attack_nodes.get(&id) else { continue };
        order.push(id);
        let below = depth.get(&id).copied().unwrap_or(0) + 1;
        let mut own = Vec::new();
        for c in node.children.iter().chain(&node.countermeasures) {
            if !depth.contains_key(c) && doc.attack_nodes.contains_key(c) {
                depth.insert(*c, below);
                own.push(*c);
            }
        }
        stack.extend(own.iter().rev());
        kids.insert(id, own);
    }

    // Subtree widths children first, then x from the left with each parent centred.
    let span = |own: &[Id], width: &HashMap<Id, f64>| own.iter().map(|c| width.get(c).copied().unwrap_or(NODE_W)).sum::<f64>() + GAP_X * own.len().saturating_sub(1) as f64;
    let own_of = |id: &Id| kids.get(id).map(Vec::as_slice).unwrap_or(&[]);
    let mut width: HashMap<Id, f64> = HashMap::new();
    for id in order.iter().rev() {
        width.insert(*id, span(own_of(id), &width).max(NODE_W));
    }
    let mut computed = HashMap::new();
    let mut left = HashMap::from([(root, 0.0)]);
    for id in &order {
        let x0 = left.get(id).copied().unwrap_or(0.0);
        let w = width.get(id).copied().unwrap_or(NODE_W);
        let y = depth.get(id).copied().unwrap_or(0) as f64 * (NODE_H + GAP_Y);
        computed.insert(*id, Placed { x: x0 + (w - NODE_W) / 2.0, y, width: NODE_W, height: NODE_H });
        let own = own_of(id);
        let mut x = x0 + (w - span(own, &width)) / 2.0;
        for c in own {
            left.insert(*c, x);
            x += width.get(c).copied().unwrap_or(NODE_W) + GAP_X;
        }
    }
    // Stored layout records win when every node has a usable one.
    let stored: Option<HashMap<Id, Placed>> = order
        .iter()
        .map(|id| {
            doc.layouts
                .get(id)
                .filter(|l| [l.x, l.y, l.width, l.height].iter().all(|v| v.is_finite()) && l.width > 0.0 && l.height > 0.0)
                .map(|l| (*id, Placed { x: l.x, y: l.y, width: l.width, height: l.height }))
        })
        .collect();
    let nodes = stored.unwrap_or(computed);

    let mut links = Vec::new();
    for id in &order {
        let Some(node) = doc.attack_nodes.get(id) else { continue };
        let primary: HashSet<&Id> = own_of(id).iter().collect();
        for (list, kind) in [(&node.children, LinkKind::Child), (&node.countermeasures, LinkKind::Countermeasure)] {
            for c in list.iter().filter(|c| nodes.contains_key(c)) {
                links.push(Link { from: *id, to: *c, kind, primary: primary.contains(c) });
            }
        }
    }
    TreeLayout { nodes, order, links }
}

/// The gate's glyph, centred on (0, 0), about 24 × 20 (the app's shapes).
fn gate_path(gate: Gate) -> &'static str {
    if gate == Gate::Or {
        "M -12 -9 Q 0 -3 12 -9 Q 10 3 0 11 Q -10 3 -12 -9 Z"
    } else {
        "M -12 -9 L 12 -9 L 12 1 A 12 10 0 0 1 -12 1 Z"
    }
}

fn gate_word(gate: Gate) -> &'static str {
    match gate {
        Gate::And => "AND",
        Gate::Or => "OR",
        Gate::Sand => "SAND",
        Gate::Leaf => "",
    }
}

/// What is known of a node, as short parts ("500 EUR", "30%", "6 h", "skill 2").
fn value_parts(node: &AttackNode, value: Option<&NodeAnalysis>, currency: &str) -> Vec<String> {
    if node.role == Role::Defense {
        return vec![if node.implemented { "✓ in place".into() } else { "not in place".into() }];
    }
    let Some(v) = value else { return Vec::new() };
    if !v.reachable {
        return vec!["blocked by a countermeasure".into()];
    }
    let mut parts = Vec::new();
    if let Some(c) = v.min_cost {
        parts.push(if currency.is_empty() { format!("cost {}", num(c)) } else { format!("{} {currency}", num(c)) });
    }
    if let Some(p) = v.max_probability {
        parts.push(format!("{}%", num(p * 100.0)));
    }
    if let Some(t) = v.min_time {
        parts.push(format!("{} h", num(t)));
    }
    if let Some(s) = v.min_skill {
        parts.push(format!("skill {s}"));
    }
    if parts.is_empty() {
        parts.push(if is_gate(node) { "values unknown".into() } else { "no cost set".into() });
    }
    parts
}

/// Parts joined with " · " into at most two lines of `per_line` characters.
fn pack(parts: &[String], per_line: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(last) if last.chars().count() + 3 + part.chars().count() <= per_line => {
                last.push_str(" · ");
                last.push_str(part);
            }
            _ => lines.push(inert_text(part, per_line)),
        }
    }
    lines.truncate(2);
    lines
}

fn legend(analysis: Option<&TreeAnalysis>, currency: &str) -> Vec<String> {
    let cheapest = match analysis {
        None => "The tree could not be analysed, so no values are shown.".to_string(),
        Some(a) if !a.root.reachable => "The goal cannot be reached with the countermeasures in place.".to_string(),
        Some(a) => match a.cheapest.as_ref().and_then(|s| s.cost) {
            Some(cost) => format!("Heavy outline: the cheapest scenario ({}).", if currency.is_empty() { num(cost) } else { format!("{} {currency}", num(cost)) }),
            None => "No cheapest scenario: some steps lack a cost.".to_string(),
        },
    };
    vec![cheapest, "AND: every branch. OR: one branch. SAND: every branch, in the arrow's order. Cut-corner boxes: countermeasures, shaded when in place, dashed when not.".into()]
}

/// The SVG drawing of one attack tree, with the engine's values and its cheapest scenario.
pub fn attack_tree(doc: &Document, tree: Id) -> Result<String> {
    let t = doc.attack_trees.get(&tree).ok_or_else(|| Error::invalid(format!("no attack tree with id {tree}")))?;
    let options = AnalysisOptions { top_k: 0, pareto: false, profile: None, overrides: Vec::new() };
    // A tree the engine cannot analyse (a cycle, say) is still drawn, without values.
    let analysis = attack::analyze(doc, tree, &options).ok();
    let values: HashMap<Id, &NodeAnalysis> = analysis.iter().flat_map(|a| &a.nodes).map(|n| (n.id, n)).collect();
    let lit: HashSet<Id> = analysis.iter().flat_map(|a| a.cheapest_nodes.iter().copied()).collect();
    let currency = inert_text(&doc.metadata.currency, 12);
    let layout = layout(doc, t.root);
    let node = |id: &Id| doc.attack_nodes.get(id);

    // The extent: every node, the room under each gate, and the legend's width.
    let mut extent = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (id, p) in &layout.nodes {
        let under = if node(id).is_some_and(is_gate) { GATE_ROOM } else { 0.0 };
        extent = (extent.0.min(p.x), extent.1.min(p.y), extent.2.max(p.x + p.width), extent.3.max(p.bottom() + under));
    }
    if extent.0 > extent.2 {
        extent = (0.0, 0.0, NODE_W, NODE_H);
    }
    let value_char = CHAR_WIDTH * VALUE_SIZE / FONT_SIZE;
    let legend = legend(analysis.as_ref(), &currency);
    let legend_width = legend.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64 * value_char;
    let legend_top = extent.3 + 22.0;
    extent.2 = extent.2.max(extent.0 + legend_width);
    extent.3 += LEGEND_ROOM;
    let mut svg = canvas(&t.name, extent);

    // Links under everything else.
    for link in &layout.links {
        let (Some(from), Some(to)) = (layout.nodes.get(&link.from), layout.nodes.get(&link.to)) else { continue };
        let gated = link.kind == LinkKind::Child && node(&link.from).is_some_and(is_gate);
        let (x1, y1) = (from.centre_x(), if gated { from.bottom() + GATE_DROP + 10.0 } else { from.bottom() });
        let (x2, y2) = (to.centre_x(), to.y);
        let mid = (y1 + y2) / 2.0;
        let mut path = Path::new().set("d", format!("M {x1} {y1} C {x1} {mid}, {x2} {mid}, {x2} {y2}")).set("fill", "none");
        path = if lit.contains(&link.from) && lit.contains(&link.to) {
            path.set("stroke", LIT).set("stroke-width", LIT_WIDTH - 1.0)
        } else if link.kind == LinkKind::Countermeasure {
            path.set("stroke", DEFENSE).set("stroke-width", 1.3).set("stroke-dasharray", "5 4")
        } else if !link.primary {
            path.set("stroke", MUTED).set("stroke-width", 1.1).set("stroke-dasharray", "2 4")
        } else {
            path.set("stroke", INK).set("stroke-width", 1.3)
        };
        svg = svg.add(path);
    }

    // Gates under their nodes.
    for id in &layout.order {
        let (Some(n), Some(p)) = (node(id), layout.nodes.get(id)) else { continue };
        if !is_gate(n) {
            continue;
        }
        let (cx, gy) = (p.centre_x(), p.bottom() + GATE_DROP);
        let on = lit.contains(id);
        let ink = if on { LIT } else { INK };
        let fill = if n.gate == Gate::Or { "#ffffff" } else { ink };
        let mut gate = Group::new()
            .set("class", format!("gate gate-{}", gate_word(n.gate).to_ascii_lowercase()))
            .add(Line::new().set("x1", cx).set("y1", p.bottom()).set("x2", cx).set("y2", gy - 9.0).set("stroke", ink).set("stroke-width", if on { LIT_WIDTH - 1.0 } else { 1.3 }))
            .add(Path::new().set("d", gate_path(n.gate)).set("transform", format!("translate({cx} {gy})")).set("fill", fill).set("stroke", ink).set("stroke-width", 1.6))
            .add(text_lines(&[gate_word(n.gate).to_string()], cx + 18.0, gy, "start", "bold", VALUE_SIZE, MUTED));
        let kids: Vec<&Placed> = n.children.iter().filter_map(|c| layout.nodes.get(c)).collect();
        if let (Gate::Sand, Some(first), Some(last)) = (n.gate, kids.first(), kids.last()) {
            if kids.len() > 1 {
                let y = gy + 26.0;
                gate = gate.add(
                    Line::new().set("x1", first.centre_x() - 20.0).set("y1", y).set("x2", last.centre_x() + 20.0).set("y2", y).set("stroke", INK).set("stroke-width", 1.2).set("marker-end", "url(#arrow)"),
                );
            }
        }
        svg = svg.add(gate);
    }

    // The nodes: attack steps as rounded boxes, countermeasures as cut-corner boxes.
    for id in &layout.order {
        let (Some(n), Some(p)) = (node(id), layout.nodes.get(id)) else { continue };
        let on = lit.contains(id);
        let defense = n.role == Role::Defense;
        let stroke = if on { LIT } else if defense { DEFENSE } else { INK };
        let stroke_width = if on { LIT_WIDTH } else { 1.4 };
        let class = format!("node {}{}", if defense { "defense" } else { "attack" }, if on { " cheapest" } else { "" });
        let mut group = Group::new().set("class", class);
        group = if defense {
            let (x, y, w, h, c) = (p.x, p.y, p.width, p.height, CORNER.min(p.width / 4.0).min(p.height / 4.0));
            let points = format!("{},{y} {},{y} {},{} {},{} {},{} {},{} {x},{} {x},{}", x + c, x + w - c, x + w, y + c, x + w, y + h - c, x + w - c, y + h, x + c, y + h, y + h - c, y + c);
            let mut shape = Polygon::new().set("points", points).set("fill", if n.implemented { "#dcefe2" } else { "#ffffff" }).set("stroke", stroke).set("stroke-width", stroke_width);
            if !n.implemented {
                shape = shape.set("stroke-dasharray", "6 4");
            }
            // A small shield, the app's mark of a countermeasure.
            let shield = Path::new()
                .set("d", "M 5.5 0.5 L 10.5 2.5 L 10.5 6 Q 10.5 10.5 5.5 12.5 Q 0.5 10.5 0.5 6 L 0.5 2.5 Z")
                .set("transform", format!("translate({} {})", x + 8.0, y + 7.0))
                .set("fill", if n.implemented { DEFENSE } else { "none" })
                .set("stroke", DEFENSE)
                .set("stroke-width", 1.2);
            group.add(shape).add(shield)
        } else {
            group.add(
                rounded_rect(p.x, p.y, p.width, p.height, 8.0)
                    .set("fill", if is_gate(n) { "#eef2f7" } else { "#ffffff" })
                    .set("stroke", stroke)
                    .set("stroke-width", stroke_width),
            )
        };
        let per_line = (((p.width - 12.0) / value_char).floor() as usize).max(8);
        let values = pack(&value_parts(n, values.get(id).copied(), &currency), per_line);
        let values_height = values.len() as f64 * VALUE_SIZE * 1.2;
        let mut lines = wrap(&n.label, (p.width - 20.0).max(48.0));
        if lines.is_empty() {
            lines.push("(unnamed)".into());
        }
        let label_centre = p.y + (p.height - values_height - 6.0) / 2.0 + 2.0;
        group = group.add(text_lines(&lines, p.centre_x(), label_centre, "middle", if on { "bold" } else { "normal" }, FONT_SIZE, INK));
        if !values.is_empty() {
            let centre = p.bottom() - 8.0 - values_height / 2.0;
            group = group.add(text_lines(&values, p.centre_x(), centre, "middle", "normal", VALUE_SIZE, if defense { DEFENSE } else { MUTED }));
        }
        svg = svg.add(group);
    }

    svg = svg.add(text_lines(&legend, extent.0, legend_top + VALUE_SIZE * 0.6, "start", "normal", VALUE_SIZE, MUTED));
    Ok(svg.to_string())
}
