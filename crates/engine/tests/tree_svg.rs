//! The SVG drawing of an attack tree: what a reader sees (every label, each gate drawn its
//! own way, countermeasures apart, the cheapest scenario in a heavy outline, values under the
//! labels), the SVG and PNG exports, and hostile labels that stay text.

use rampart_engine::export::{export, ExportFormat, ExportRequest};
use rampart_engine::model::*;
use rampart_engine::render::tree_svg;
use rampart_engine::{Document, Operation, Record};

fn node(tree: Id, label: &str, gate: Gate, children: Vec<Id>, cost: Option<f64>) -> AttackNode {
    AttackNode { id: new_id(), tree, label: label.into(), gate, children, attributes: Attributes { cost, ..Default::default() }, ..Default::default() }
}

/// Goal (OR): "Bribe an admin" (900), "Exploit the API" (SAND: find a bug 100, then use it
/// 50), "Phish a clerk" (AND: mail 10, site 20) countered by "Mail filter" (not in place).
fn model(labels: [&str; 3]) -> (Document, Id) {
    let mut doc = Document::new_model("Trees");
    doc.metadata.currency = "EUR".into();
    let tree = new_id();
    let bribe = node(tree, labels[0], Gate::Leaf, vec![], Some(900.0));
    let find = node(tree, "Find a bug", Gate::Leaf, vec![], Some(100.0));
    let use_it = node(tree, labels[1], Gate::Leaf, vec![], Some(50.0));
    let exploit = node(tree, "Exploit the API", Gate::Sand, vec![find.id, use_it.id], None);
    let mail = node(tree, "Send a mail", Gate::Leaf, vec![], Some(10.0));
    let site = node(tree, "Fake a site", Gate::Leaf, vec![], Some(20.0));
    let filter = AttackNode { id: new_id(), tree, label: labels[2].into(), role: Role::Defense, implemented: false, ..Default::default() };
    let mut phish = node(tree, "Phish a clerk", Gate::And, vec![mail.id, site.id], None);
    phish.countermeasures = vec![filter.id];
    let root = node(tree, "Get the data", Gate::Or, vec![bribe.id, exploit.id, phish.id], None);
    let mut records = vec![Record::AttackTree(AttackTree { id: tree, name: "Data theft".into(), description: String::new(), root: root.id })];
    records.extend([root, bribe, find, use_it, exploit, mail, site, filter, phish].into_iter().map(Record::AttackNode));
    Operation::Put { records }.apply(&mut doc).unwrap();
    (doc, tree)
}

fn text_of(node: roxmltree::Node) -> String {
    node.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").replace(['\u{2068}', '\u{2069}'], "").trim().to_string()).collect::<Vec<_>>().join(" ")
}

/// The drawn nodes: (classes, the text inside).
fn nodes(xml: &roxmltree::Document) -> Vec<(String, String)> {
    xml.descendants().filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("node "))).map(|n| (n.attribute("class").unwrap().to_string(), text_of(n))).collect()
}

#[test]
fn the_cheapest_scenario_is_drawn_heavy_with_values_under_each_step() {
    let (doc, tree) = model(["Bribe an admin", "Use the bug", "Mail filter"]);
    let svg = tree_svg::attack_tree(&doc, tree).unwrap();
    let xml = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let drawn = nodes(&xml);
    assert_eq!(drawn.len(), 9, "every node once: {drawn:?}");

    // Phishing costs 30 (the filter is not in place): the goal, the AND and its two steps.
    let lit: Vec<&str> = drawn.iter().filter(|(c, _)| c.contains("cheapest")).map(|(_, t)| t.as_str()).collect();
    for label in ["Get the data", "Phish a clerk", "Send a mail", "Fake a site"] {
        assert!(lit.iter().any(|t| t.starts_with(label)), "{label} is on the cheapest path: {lit:?}");
    }
    for label in ["Bribe an admin", "Exploit the API", "Find a bug"] {
        assert!(!lit.iter().any(|t| t.starts_with(label)), "{label} is not on the cheapest path");
    }
    // The heavy outline is what the reader sees.
    let outline = |label: &str| {
        let group = xml.descendants().find(|n| n.attribute("class").is_some_and(|c| c.starts_with("node ")) && text_of(*n).starts_with(label)).unwrap();
        group.children().find(|c| c.is_element() && !c.has_tag_name("g")).and_then(|s| s.attribute("stroke-width")).unwrap().parse::<f64>().unwrap()
    };
    assert!(outline("Send a mail") > 2.0 * outline("Bribe an admin"));
    assert!(svg.contains("Heavy outline: the cheapest scenario (30 EUR)"));

    // Values under the labels: the goal's cheapest cost, a step's own cost.
    let text = |label: &str| drawn.iter().find(|(_, t)| t.starts_with(label)).map(|(_, t)| t.clone()).unwrap();
    assert!(text("Get the data").contains("30 EUR"), "{}", text("Get the data"));
    assert!(text("Bribe an admin").contains("900 EUR"));
    assert!(text("Exploit the API").contains("150 EUR"));
}

#[test]
fn gates_and_countermeasures_are_drawn_apart() {
    let (doc, tree) = model(["Bribe an admin", "Use the bug", "Mail filter"]);
    let xml_text = tree_svg::attack_tree(&doc, tree).unwrap();
    let xml = roxmltree::Document::parse(&xml_text).unwrap();
    let gates: Vec<&str> = xml.descendants().filter_map(|n| n.attribute("class")).filter(|c| c.starts_with("gate ")).collect();
    assert_eq!(gates.len(), 3);
    for kind in ["gate-or", "gate-and", "gate-sand"] {
        assert!(gates.iter().any(|c| c.ends_with(kind)), "{kind} in {gates:?}");
    }
    // OR is open, AND filled; only SAND carries an order arrow.
    let gate = |kind: &str| xml.descendants().find(|n| n.attribute("class").is_some_and(|c| c.ends_with(kind))).unwrap();
    let glyph_fill = |kind: &str| gate(kind).children().filter(|c| c.has_tag_name("path")).next().unwrap().attribute("fill").unwrap().to_string();
    assert_eq!(glyph_fill("gate-or"), "#ffffff");
    assert_ne!(glyph_fill("gate-and"), "#ffffff");
    let arrows = |kind: &str| gate(kind).descendants().filter(|n| n.attribute("marker-end").is_some()).count();
    assert_eq!((arrows("gate-sand"), arrows("gate-and"), arrows("gate-or")), (1, 0, 0));

    // The countermeasure: another shape, dashed while not in place, solid once it is.
    let shape = |doc: &Document| {
        let text = tree_svg::attack_tree(doc, tree).unwrap();
        let xml = roxmltree::Document::parse(&text).unwrap();
        let group = xml.descendants().find(|n| n.attribute("class").is_some_and(|c| c.starts_with("node defense"))).unwrap();
        let polygon = group.children().find(|c| c.has_tag_name("polygon")).expect("a countermeasure is a polygon, not a box");
        (polygon.attribute("stroke-dasharray").is_some(), text_of(group))
    };
    let (dashed, text) = shape(&doc);
    assert!(dashed && text.contains("not in place"), "{text}");
    let mut in_place = doc.clone();
    for n in in_place.attack_nodes.values_mut().filter(|n| n.role == Role::Defense) {
        n.implemented = true;
    }
    let (dashed, text) = shape(&in_place);
    assert!(!dashed && text.contains("in place"), "{text}");
    // With the filter in place phishing is blocked; the cheapest is now the exploit (150).
    assert!(tree_svg::attack_tree(&in_place, tree).unwrap().contains("(150 EUR)"));
}

#[test]
fn hostile_labels_stay_text() {
    let huge = "B".repeat(100 * 1024);
    let (mut doc, tree) = model(["<script>alert(1)</script>", "\"><svg onload=alert(1)>", &huge]);
    doc.attack_trees.values_mut().for_each(|t| t.name = "\u{202e}gnp.exe\u{202c} <b>&amp;".into());
    doc.metadata.currency = "<i>€".into();
    let svg = tree_svg::attack_tree(&doc, tree).unwrap();
    let xml = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(!xml.descendants().any(|n| matches!(n.tag_name().name(), "script" | "b" | "i" | "foreignObject") || (n.has_tag_name("svg") && n.parent().is_some_and(|p| p.is_element()))));
    assert!(!xml.descendants().any(|n| n.attributes().any(|a| a.name().starts_with("on"))), "no event handler attribute");
    let text = text_of(xml.root());
    assert!(text.contains("<script>alert(1)</script>") && text.contains("\"><svg onload=alert(1)>"), "markup shows as text");
    assert!(svg.len() < 64 * 1024, "a 100 KB label is cut: {} bytes", svg.len());
    assert!(svg.contains("\u{2068}\u{202e}gnp.exe\u{202c} &lt;b&gt;&amp;amp;\u{2069}"), "a direction override stays inside its label's isolate");
}

#[test]
fn svg_and_png_exports_of_a_tree() {
    let (doc, tree) = model(["Bribe an admin", "Use the bug", "Mail filter"]);
    let svg = export(&doc, &ExportRequest { format: ExportFormat::Svg, diagram: None, tree: Some(tree), report: None }).unwrap();
    let svg = String::from_utf8(svg.bytes).unwrap();
    let xml = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(xml.descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text()), Some("Data theft"), "the tree, not the diagram");
    let png = export(&doc, &ExportRequest { format: ExportFormat::Png, diagram: None, tree: Some(tree), report: None }).unwrap();
    assert_eq!(&png.bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png.bytes[16..20].try_into().unwrap());
    assert!(width > 1000, "drawn at twice the drawing's size: {width}");
    // Without a tree the same formats still draw the diagram.
    let svg = export(&doc, &ExportRequest { format: ExportFormat::Svg, diagram: None, tree: None, report: None }).unwrap();
    assert!(String::from_utf8(svg.bytes).unwrap().contains("Main diagram"));
    assert!(tree_svg::attack_tree(&doc, new_id()).is_err(), "an unknown tree is an error, not a panic");
}

#[test]
fn stored_layout_records_place_the_nodes() {
    let (mut doc, tree) = model(["Bribe an admin", "Use the bug", "Mail filter"]);
    let ids: Vec<Id> = doc.attack_nodes.keys().copied().collect();
    for (i, id) in ids.iter().enumerate() {
        doc.layouts.insert(*id, Layout { id: *id, x: 1000.0 + 250.0 * i as f64, y: 500.0, width: 200.0, height: 90.0, points: vec![] });
    }
    let svg = tree_svg::attack_tree(&doc, tree).unwrap();
    let xml = roxmltree::Document::parse(&svg).unwrap();
    let xs: Vec<f64> = xml.descendants().filter(|n| n.has_tag_name("rect") && n.attribute("rx") == Some("8")).filter_map(|n| n.attribute("x")?.parse().ok()).collect();
    assert!(!xs.is_empty() && xs.iter().all(|x| *x >= 1000.0), "boxes at the stored places: {xs:?}");
}
