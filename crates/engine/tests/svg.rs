//! The SVG drawing of a diagram: valid XML with every shape and label, and model text that
//! stays text however hostile it is.

use rampart_engine::model::*;
use rampart_engine::render::svg;
use rampart_engine::{Document, Operation, Record};

fn element(doc: &Document, name: &str, properties: ElementProperties, parent: Option<Id>) -> Element {
    Element { id: new_id(), diagram: *doc.diagrams.keys().next().unwrap(), name: name.into(), parent, properties, ..Default::default() }
}

/// A model with one of each kind, placed, two flows (one bidirectional, one with a bend).
fn model(names: [&str; 5]) -> (Document, Id) {
    let mut doc = Document::new_model("Drawing");
    let zone = element(&doc, names[4], ElementProperties::TrustBoundary(BoundaryProperties {}), None);
    let user = element(&doc, names[0], ElementProperties::ExternalEntity(Default::default()), None);
    let api = element(&doc, names[1], ElementProperties::Process(Default::default()), Some(zone.id));
    let db = element(&doc, names[2], ElementProperties::DataStore(Default::default()), Some(zone.id));
    let flow = |name: &str, s: &Element, t: &Element, bidirectional| {
        element(&doc, name, ElementProperties::DataFlow(FlowProperties { source: Some(s.id), target: Some(t.id), bidirectional, ..Default::default() }), None)
    };
    let f1 = flow(names[3], &user, &api, false);
    let f2 = flow("Query", &api, &db, true);
    let layout = |e: &Element, x, y, w, h| Record::Layout(Layout { id: e.id, x, y, width: w, height: h, points: vec![] });
    let records = vec![
        Record::Element(zone.clone()), layout(&zone, 200.0, 0.0, 400.0, 300.0),
        Record::Element(user.clone()), layout(&user, 0.0, 100.0, 120.0, 60.0),
        Record::Element(api.clone()), layout(&api, 260.0, 80.0, 100.0, 100.0),
        Record::Element(db.clone()), layout(&db, 420.0, 200.0, 140.0, 60.0),
        Record::Element(f1.clone()),
        Record::Element(f2.clone()), Record::Layout(Layout { id: f2.id, points: vec![Point { x: 480.0, y: 130.0 }], ..Default::default() }),
    ];
    Operation::Put { records }.apply(&mut doc).unwrap();
    let diagram = *doc.diagrams.keys().next().unwrap();
    (doc, diagram)
}

fn texts(xml: &roxmltree::Document) -> Vec<String> {
    xml.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").replace(['\u{2068}', '\u{2069}'], "").trim().to_string()).collect()
}

#[test]
fn every_shape_and_label_is_drawn() {
    let (doc, diagram) = model(["Customer", "API", "Orders", "Place order", "Internal"]);
    let out = svg::diagram(&doc, diagram).unwrap();
    let xml = roxmltree::Document::parse(&out).expect("well-formed SVG");
    let labels = texts(&xml);
    for name in ["Customer", "API", "Orders", "Place order", "Internal", "Query", "Main diagram"] {
        assert!(labels.iter().any(|l| l == name), "{name} missing from {labels:?}");
    }
    assert_eq!(xml.descendants().filter(|n| n.has_tag_name("circle")).count(), 1, "the square process is a circle");
    let dashed = xml.descendants().filter(|n| n.attribute("stroke-dasharray").is_some()).count();
    assert_eq!(dashed, 1, "one dashed trust boundary");
    let paths: Vec<_> = xml.descendants().filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some()).collect();
    assert_eq!(paths.len(), 2, "two flows with arrowheads");
    assert_eq!(paths.iter().filter(|p| p.attribute("marker-start").is_some()).count(), 1, "the bidirectional flow has two heads");
    assert!(paths.iter().any(|p| p.attribute("d").unwrap().matches('L').count() == 2), "the bent flow passes its bend point");
}

#[test]
fn hostile_names_stay_text_in_the_drawing() {
    let script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let control = "Bell\u{7}and\u{1b}[31mescape";
    let bidi = "\u{202e}gnp.exe";
    let huge = "A".repeat(100_000);
    let (doc, diagram) = model([script, control, bidi, &huge, "\"'&"]);
    let out = svg::diagram(&doc, diagram).unwrap();
    let xml = roxmltree::Document::parse(&out).expect("hostile text must not break the SVG");
    assert!(xml.descendants().all(|n| !n.has_tag_name("script") && !n.has_tag_name("img")), "no markup from a name became an element");
    assert!(xml.descendants().all(|n| n.attributes().all(|a| !a.name().starts_with("on"))), "no event handler attributes");
    let labels = texts(&xml).join(" ");
    assert!(labels.contains("<script>"), "the markup is shown as text: {labels}");
    assert!(labels.contains("Bell") && !labels.contains('\u{7}') && !labels.contains('\u{1b}'), "control characters are dropped");
    assert!(out.contains("\u{2068}\u{202e}gnp.exe\u{2069}"), "a bidi override is isolated inside its label");
    assert!(out.len() < 20_000, "a 100 KB name is cut, not drawn in full ({} bytes)", out.len());
    assert!(labels.contains('…'));
}

#[test]
fn an_unknown_diagram_is_an_error_not_a_panic() {
    let (doc, _) = model(["a", "b", "c", "d", "e"]);
    assert!(svg::diagram(&doc, new_id()).is_err());
}

#[test]
fn an_empty_diagram_still_draws() {
    let doc = Document::new_model("Empty");
    let out = svg::diagram(&doc, *doc.diagrams.keys().next().unwrap()).unwrap();
    roxmltree::Document::parse(&out).unwrap();
}
