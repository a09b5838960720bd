//! Open Threat Model: import faithfulness on every OTM fixture (counts per kind, names and
//! containment computed here from the source), a small OTM written here that exercises
//! each mapping and each warning (in JSON and in YAML), an export that validates against
//! the OTM schema and reads back to the same model, and a bounded fuzz test.

mod fixtures;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use rampart_engine::interop::{self, otm};
use rampart_engine::model::*;
use rampart_engine::Document;
use serde_json::{json, Value};
use uuid::Uuid;

const FIXTURE_DIRS: [&str; 2] = ["../../../shared/fixtures/mtmt-startleft", "../../../shared/fixtures/threat-dragon"];
const SCHEMA: &str = "../../../shared/fixtures/threat-dragon/td.vue/src/assets/schema/open-threat-model.schema.json";



fn schema_validator() -> Option<jsonschema::Validator> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA);
    if !path.exists() {
        eprintln!("SKIPPED schema validation: {} is absent", path.display());
        return None;
    }
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    Some(jsonschema::validator_for(&schema).unwrap())
}

fn assert_valid(validator: &jsonschema::Validator, otm: &Value, context: &str) {
    let errors: Vec<String> = validator.iter_errors(otm).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{context}: the export does not validate:\n{}", errors.join("\n"));
}

fn list<'a>(json: &'a Value, key: &str) -> Vec<&'a Value> {
    json[key].as_array().into_iter().flatten().filter(|v| v.is_object()).collect()
}

#[derive(Debug, Default, PartialEq)]
struct Counts {
    external_entities: usize,
    processes: usize,
    stores: usize,
    flows: usize,
    boundaries: usize,
    assets: usize,
    threats: usize,
    mitigations: usize,
    diagrams: usize,
    names: Vec<String>,
}

/// Counted from the OTM itself; the kinds with the documented rule [`otm::component_kind`].
fn count_source(json: &Value) -> Counts {
    let mut c = Counts::default();
    let zones: Vec<&Value> = list(json, "trustZones").into_iter().filter(|z| z["attributes"]["rampart:synthetic"] != "true").collect();
    c.boundaries = zones.len();
    c.names.extend(zones.iter().map(|z| z["name"].as_str().unwrap_or("").to_string()));
    let components = list(json, "components");
    for comp in &components {
        match otm::component_kind(comp["type"].as_str().unwrap_or("")) {
            ElementKind::ExternalEntity => c.external_entities += 1,
            ElementKind::DataStore => c.stores += 1,
            _ => c.processes += 1,
        }
        c.names.push(comp["name"].as_str().unwrap_or("").to_string());
    }
    let flows = list(json, "dataflows");
    c.flows = flows.len();
    c.assets = list(json, "assets").len();
    let defined: BTreeSet<&str> = list(json, "threats").iter().filter_map(|t| t["id"].as_str()).collect();
    let mut used = BTreeSet::new();
    for holder in zones.iter().chain(&components).chain(&flows) {
        for instance in holder["threats"].as_array().into_iter().flatten() {
            if let Some(t) = instance["threat"].as_str().filter(|t| defined.contains(t)) {
                c.threats += 1;
                used.insert(t);
            }
        }
    }
    c.threats += defined.len() - used.len();
    c.mitigations = list(json, "mitigations").iter().filter_map(|m| m["id"].as_str()).collect::<BTreeSet<_>>().len();
    c.diagrams = list(json, "representations").iter().filter(|r| r["type"] == "diagram").count().max(1);
    c.names.sort();
    c
}

fn count_imported(doc: &Document) -> Counts {
    let mut names: Vec<String> = doc.elements.values().filter(|e| e.kind() != ElementKind::DataFlow).map(|e| e.name.clone()).collect();
    names.sort();
    Counts {
        external_entities: doc.count(ElementKind::ExternalEntity),
        processes: doc.count(ElementKind::Process),
        stores: doc.count(ElementKind::DataStore),
        flows: doc.count(ElementKind::DataFlow),
        boundaries: doc.count(ElementKind::TrustBoundary),
        assets: doc.assets.len(),
        threats: doc.threats.len(),
        mitigations: doc.mitigations.len(),
        diagrams: doc.diagrams.len(),
        names,
    }
}

/// The name of the trust zone an OTM element lies in: its parent zone, or the zone of the
/// component it is nested in.
fn expected_zone(json: &Value, element: &Value) -> Option<String> {
    let zones: BTreeMap<&str, &str> = list(json, "trustZones").iter().filter(|z| z["attributes"]["rampart:synthetic"] != "true").filter_map(|z| Some((z["id"].as_str()?, z["name"].as_str()?))).collect();
    let components: BTreeMap<&str, &Value> = list(json, "components").into_iter().filter_map(|c| Some((c["id"].as_str()?, c))).collect();
    let mut at = element;
    for _ in 0..10 {
        let parent = &at["parent"];
        if let Some(z) = parent["trustZone"].as_str() {
            return zones.get(z).map(|n| n.to_string());
        }
        at = components.get(parent["component"].as_str()?)?;
    }
    None
}

#[test]
fn every_otm_fixture_imports_with_its_counts_names_containment_and_exports_validly() {
    let Some(files) = fixtures::fixture_files(&FIXTURE_DIRS, &["otm", "json"]) else { return };
    let validator = schema_validator();
    let mut checked = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(json) = serde_json::from_slice::<Value>(&bytes) else { continue };
        if !otm::detect(&json) {
            continue;
        }
        let imported = interop::import(&bytes, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(imported.format, "Open Threat Model");
        let doc = &imported.document;
        assert_eq!(count_imported(doc), count_source(&json), "{}", path.display());
        assert_eq!(doc.metadata.name, json["project"]["name"].as_str().unwrap());

        let name_of = |id: Option<Uuid>| id.and_then(|i| doc.elements.get(&i)).map(|e| e.name.clone());
        for element in list(&json, "components").into_iter().chain(list(&json, "trustZones")) {
            let name = element["name"].as_str().unwrap();
            let imported_element = doc.elements.values().find(|e| e.name == name && e.kind() != ElementKind::DataFlow).unwrap();
            assert_eq!(name_of(imported_element.parent), expected_zone(&json, element), "{}: parent of {name}", path.display());
        }
        // Flows keep their ends.
        for flow in list(&json, "dataflows") {
            let f = doc.elements.values().find(|e| e.name == flow["name"].as_str().unwrap() && e.kind() == ElementKind::DataFlow).unwrap().flow().unwrap();
            let end = |key: &str| list(&json, "components").iter().find(|c| c["id"] == flow[key]).map(|c| c["name"].as_str().unwrap().to_string());
            assert_eq!((name_of(f.source), name_of(f.target)), (end("source"), end("destination")), "{}", path.display());
        }
        for e in doc.elements.values().filter(|e| e.kind() != ElementKind::DataFlow) {
            assert!(doc.layouts.contains_key(&e.id), "{}: {} has no layout", path.display(), e.name);
        }
        // StartLeft writes positions relative to the parent: read so, children lie inside.
        if path.extension().is_some_and(|e| e == "otm") {
            for e in doc.elements.values().filter(|e| e.parent.is_some() && e.kind() != ElementKind::DataFlow) {
                let (l, p) = (&doc.layouts[&e.id], &doc.layouts[&e.parent.unwrap()]);
                assert!(l.x >= p.x && l.y >= p.y && l.x + l.width <= p.x + p.width && l.y + l.height <= p.y + p.height, "{}: {} outside its zone", path.display(), e.name);
            }
        }
        if let Some(v) = &validator {
            assert_valid(v, &otm::export(doc), &path.display().to_string());
        }
        checked.push(path);
    }
    assert!(checked.len() >= 6, "only {} OTM fixtures were recognised: {checked:?}", checked.len());
}

/// A small OTM written for this test.
fn small() -> Value {
    json!({
        "otmVersion": "0.2.0",
        "project": {"name": "Shop", "id": "shop", "description": "Checkout", "owner": "Ana", "ownerContact": "ana@example.com",
                    "tags": ["retail"], "attributes": {"cmdb": "42"}},
        "representations": [
            {"name": "Architecture", "id": "arch", "type": "diagram", "size": {"width": 1000, "height": 800}},
            {"name": "Sketch", "id": "sketch", "type": "diagram"},
            {"name": "Code", "id": "code", "type": "code"}
        ],
        "assets": [
            {"id": "cards", "name": "Card data", "description": "PANs", "risk": {"confidentiality": 100, "integrity": 80, "availability": 20, "comment": "PCI"}},
            {"id": "catalogue", "name": "Catalogue", "risk": {"confidentiality": 10, "integrity": 50, "availability": 50}}
        ],
        "trustZones": [
            {"id": "internet", "name": "Internet", "type": "internet", "risk": {"trustRating": 10},
             "representations": [{"representation": "arch", "id": "i", "position": {"x": 600, "y": 0}, "size": {"width": 300, "height": 300}}]},
            {"id": "dc", "name": "Data centre", "risk": {"trustRating": 80},
             "representations": [{"representation": "arch", "id": "d", "position": {"x": 0, "y": 0}, "size": {"width": 500, "height": 500}}]},
            {"id": "db-zone", "name": "DB zone", "parent": {"trustZone": "dc"}, "risk": {"trustRating": 90},
             "representations": [{"representation": "arch", "id": "z", "position": {"x": 200, "y": 200}, "size": {"width": 250, "height": 250}}]},
            {"id": "annex", "name": "Annex", "risk": {"trustRating": 50}},
            {"id": "loop-a", "name": "Loop A", "parent": {"trustZone": "loop-b"}, "risk": {"trustRating": 1}},
            {"id": "loop-b", "name": "Loop B", "parent": {"trustZone": "loop-a"}, "risk": {"trustRating": 1}}
        ],
        "components": [
            {"id": "browser", "name": "Browser", "type": "web-client", "parent": {"trustZone": "internet"}, "tags": ["edge", null],
             "representations": [{"representation": "arch", "id": "b", "position": {"x": 50, "y": 50}, "size": {"width": 100, "height": 60}}],
             "threats": [{"threat": "spoof", "state": "exposed"}]},
            {"id": "api", "name": "API", "type": "web-service", "description": "REST", "parent": {"trustZone": "dc"},
             "representations": [{"representation": "code", "id": "c", "file": "api.java"}, {"representation": "arch", "id": "a", "position": {"x": 20, "y": 20}, "size": {"width": 120, "height": 70}},
                                 {"representation": "sketch", "id": "s", "position": {"x": 1, "y": 1}}],
             "assets": {"processed": ["cards"], "stored": null},
             "attributes": {"Out Of Scope": "false"},
             "threats": [{"threat": "spoof", "state": "mitigated", "mitigations": [{"mitigation": "mtls", "state": "implemented"}]},
                         {"threat": "multi", "state": "PARTLY_MITIGATED", "mitigations": [{"mitigation": "mtls", "state": "required"}, {"mitigation": "ghost-m", "state": "required"}]},
                         {"threat": "ghost", "state": "exposed"}]},
            {"id": "db", "name": "Orders DB", "type": "CD-MICROSOFT-AZURE-DB-POSTGRESQL", "parent": {"trustZone": "db-zone"},
             "representations": [{"representation": "arch", "id": "o", "position": {"x": 30, "y": 40}, "size": {"width": 100, "height": 60}}],
             "threats": [{"threat": "odd", "state": "weird-state", "mitigations": [{"mitigation": "rotate", "state": "rejected"}]}]},
            {"id": "worker", "name": "Worker", "type": "lambda", "parent": {"component": "api"},
             "representations": [{"representation": "undeclared", "id": "w", "position": {"x": 5, "y": 5}}]},
            {"id": "stray", "name": "Stray", "type": "s3", "parent": {"trustZone": "nowhere"}},
            {"id": "orphan", "name": "Orphan", "type": "user"},
            {"id": "printer", "name": "Printer", "type": "printer", "parent": {"trustZone": "annex"},
             "representations": [{"representation": "arch", "id": "p", "position": {"x": 700, "y": 600}, "size": {"width": 80, "height": 40}}]}
        ],
        "dataflows": [
            {"id": "f1", "name": "Checkout", "source": "browser", "destination": "api", "bidirectional": true, "tags": ["pci"], "assets": ["cards", "catalogue"]},
            {"id": "f2", "name": "Store", "source": "api", "destination": "db", "threats": [{"threat": "tamper", "state": "accepted"}]},
            {"id": "f3", "name": "Dangling", "source": "api", "destination": "internet"}
        ],
        "threats": [
            {"id": "spoof", "name": "Spoofed client", "categories": ["Spoofing"], "cwes": ["CWE-290"], "risk": {"likelihood": 50, "impact": 100, "likelihoodComment": "common"}},
            {"id": "multi", "name": "Two kinds", "categories": ["Tampering", "Information Disclosure", "LINDDUN"], "risk": {"likelihood": null, "impact": 20}, "tags": ["x"]},
            {"id": "tamper", "name": "Tampered order", "categories": ["Elevation of Privileges"], "risk": {"likelihood": 81, "impact": 0}},
            {"id": "odd", "name": "Odd one", "risk": {"likelihood": 1, "impact": 1}, "attributes": {"source": "tool"}},
            {"id": "unused", "name": "Not instantiated", "categories": ["Repudiation"], "risk": {"likelihood": 40, "impact": 60}}
        ],
        "mitigations": [
            {"id": "mtls", "name": "Mutual TLS", "description": "Client certificates", "riskReduction": 80},
            {"id": "rotate", "name": "Rotate keys", "riskReduction": 20}
        ]
    })
}

#[test]
fn a_small_otm_maps_each_field_and_reports_each_loss() {
    let imported = interop::import(small().to_string().as_bytes(), Path::new("shop.otm")).unwrap();
    let doc = &imported.document;
    assert_eq!((doc.metadata.name.as_str(), doc.metadata.summary.as_str(), doc.metadata.owner.as_str()), ("Shop", "Checkout", "Ana <ana@example.com>"));
    assert_eq!(doc.diagrams.values().map(|d| d.name.as_str()).collect::<BTreeSet<_>>(), BTreeSet::from(["Architecture", "Sketch"]));

    let asset = |n: &str| doc.assets.values().find(|a| a.name == n).unwrap();
    assert_eq!((asset("Card data").classification, asset("Catalogue").classification), (Some(Classification::Secret), Some(Classification::Public)));
    assert_eq!(asset("Card data").description, "PANs\n\nRisk: PCI");

    let by_name = |n: &str| doc.elements.values().find(|e| e.name == n).unwrap_or_else(|| panic!("{n} missing"));
    let (internet, dc, db_zone) = (by_name("Internet"), by_name("Data centre"), by_name("DB zone"));
    let (browser, api, db, worker, stray, orphan) = (by_name("Browser"), by_name("API"), by_name("Orders DB"), by_name("Worker"), by_name("Stray"), by_name("Orphan"));
    assert_eq!((browser.kind(), api.kind(), db.kind(), worker.kind(), stray.kind(), orphan.kind()), (ElementKind::ExternalEntity, ElementKind::Process, ElementKind::DataStore, ElementKind::Process, ElementKind::DataStore, ElementKind::ExternalEntity));
    assert_eq!((browser.parent, api.parent, db.parent, db_zone.parent, worker.parent, stray.parent, orphan.parent), (Some(internet.id), Some(dc.id), Some(db_zone.id), Some(dc.id), Some(dc.id), None, None));
    assert_eq!(internet.technology, "internet");
    assert_eq!(db.technology, "CD-MICROSOFT-AZURE-DB-POSTGRESQL");
    assert_eq!(browser.tags, vec!["edge".to_string()]);
    let (loop_a, loop_b) = (by_name("Loop A"), by_name("Loop B"));
    assert!(loop_a.parent.is_none() || loop_b.parent.is_none(), "a nesting cycle is broken");

    // Relative positions become absolute: DB zone at (0,0)+(200,200), the DB inside it.
    let at = |e: &Element| (doc.layouts[&e.id].x, doc.layouts[&e.id].y);
    assert_eq!((at(db_zone), at(db), at(api), at(browser)), ((200.0, 200.0), (230.0, 240.0), (20.0, 20.0), (650.0, 50.0)));
    assert_eq!(at(worker), (25.0, 25.0), "relative to the component it is nested in");
    for e in [stray, orphan, loop_a, loop_b] {
        assert!(doc.layouts.contains_key(&e.id), "{} gets a generated place", e.name);
    }
    // A zone without a position is drawn around its placed contents.
    let (annex, printer) = (&doc.layouts[&by_name("Annex").id], &doc.layouts[&by_name("Printer").id]);
    assert_eq!(by_name("Printer").parent, Some(by_name("Annex").id));
    assert!(annex.x < printer.x && annex.y < printer.y && annex.x + annex.width > printer.x + printer.width && annex.y + annex.height > printer.y + printer.height);
    assert!(doc.layouts[&stray.id].y > printer.y + printer.height, "unplaced shapes go below the drawing");
    let main = doc.diagrams.values().find(|d| d.name == "Architecture").unwrap();
    assert_eq!(api.diagram, main.id, "the first diagram representation wins");

    let checkout = by_name("Checkout").flow().unwrap().clone();
    assert_eq!((checkout.source, checkout.target, checkout.bidirectional, checkout.data_classification), (Some(browser.id), Some(api.id), true, Some(Classification::Secret)));
    assert_eq!(by_name("Checkout").tags, vec!["pci".to_string()]);
    assert_eq!(by_name("Dangling").flow().unwrap().target, None, "a trust zone is no flow end");

    let threats_named = |n: &str| doc.threats.values().filter(|t| t.title == n).collect::<Vec<_>>();
    let spoof = threats_named("Spoofed client");
    assert_eq!(spoof.len(), 2, "one threat per instance");
    let on_api = spoof.iter().find(|t| t.target == Some(api.id)).unwrap();
    let mtls = doc.mitigations.values().find(|m| m.name == "Mutual TLS").unwrap();
    assert_eq!((on_api.status, on_api.likelihood, on_api.impact, on_api.category), (ThreatStatus::Mitigated, 3, 5, StrideCategory::Spoofing));
    assert_eq!(on_api.mitigations, vec![mtls.id]);
    assert_eq!(on_api.references, vec!["CWE-290".to_string()]);
    assert!(on_api.notes.contains("Likelihood: common"));
    assert_eq!(spoof.iter().find(|t| t.target == Some(browser.id)).unwrap().status, ThreatStatus::Open);
    let multi = &threats_named("Two kinds")[0];
    assert_eq!((multi.category, multi.status, multi.likelihood, multi.impact), (StrideCategory::Tampering, ThreatStatus::Open, 3, 1));
    assert!(multi.notes.contains("Also STRIDE: Information disclosure") && multi.notes.contains("Tags: x"));
    let tamper = &threats_named("Tampered order")[0];
    assert_eq!((tamper.category, tamper.status, tamper.likelihood, tamper.impact, tamper.target), (StrideCategory::ElevationOfPrivilege, ThreatStatus::Accepted, 5, 1, Some(by_name("Store").id)));
    let unused = &threats_named("Not instantiated")[0];
    assert_eq!((unused.target, unused.category, unused.likelihood, unused.impact), (None, StrideCategory::Repudiation, 2, 3));
    assert!(threats_named("ghost").is_empty());
    assert_eq!(mtls.status, MitigationStatus::Implemented, "the most advanced state");
    assert_eq!(doc.mitigations.values().find(|m| m.name == "Rotate keys").unwrap().status, MitigationStatus::Proposed);

    let warnings = imported.warnings.join("\n");
    for loss in [
        "project's tags",
        "a project attribute was not imported",
        "representations of type “code”",
        "non-diagram representation",
        "drawn on several OTM diagrams",
        "refers to a representation that is not declared",
        "integrity and availability ratings",
        "trust ratings",
        "a trust zone would contain itself",
        "nested in a component",
        "parent trust zone “nowhere” is not defined",
        "a component without a parent",
        "without a position in its OTM diagram was placed below the drawing",
        "processes or stores",
        "a component attribute was not imported",
        "source or destination is not a component",
        "assets each dataflow carries",
        "threat categories that are not STRIDE were ignored: LINDDUN",
        "several STRIDE categories",
        "threats without a STRIDE category",
        "threats without a likelihood",
        "“partly mitigated”",
        "threat state “weird-state” is unknown",
        "“rejected”",
        "different states on different threats",
        "refers to a threat that is not defined",
        "refers to a mitigation that is not defined",
        "a threat attribute was not imported",
        "risk reductions",
    ] {
        assert!(warnings.contains(loss), "missing warning {loss:?} in:\n{warnings}");
    }
}

#[test]
fn otm_in_yaml_imports_like_otm_in_json() {
    let json = small();
    let yaml = serde_norway::to_string(&json).unwrap();
    let from_yaml = interop::import(yaml.as_bytes(), Path::new("shop.otm.yaml")).unwrap();
    let from_json = interop::import(json.to_string().as_bytes(), Path::new("shop.otm")).unwrap();
    assert_eq!(from_yaml.format, "Open Threat Model");
    assert_eq!(from_yaml.document, from_json.document);
    assert_eq!(from_yaml.warnings, from_json.warnings);
}

#[test]
fn damaged_otm_files_are_refused_with_the_file_named() {
    for (name, text) in [
        ("no-project.otm", r#"{"otmVersion": "0.2.0"}"#),
        ("components.otm", r#"{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"}, "components": {"a": 1}}"#),
        ("broken.otm.yaml", "otmVersion: 0.2.0\nproject: [unclosed\n"),
    ] {
        let err = interop::import(text.as_bytes(), Path::new(name)).unwrap_err().to_string();
        assert!(err.contains(name) && err.contains("Open Threat Model"), "{err}");
    }
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

/// A model that uses everything OTM can carry (with Rampart's attributes): nested
/// boundaries, a line boundary, every kind with its properties, flows with bends, two
/// diagrams, threats on an element, a flow, a boundary and nothing, every threat field.
fn rich_model() -> Document {
    let metadata = Metadata {
        name: "Payments".into(),
        summary: "Card payments".into(),
        scope_in: "API".into(),
        scope_out: "Mobile app".into(),
        assumptions: vec!["TLS everywhere".into(), "Ops are trusted".into()],
        owner: "Ana <ana@example.com>".into(),
        reviewers: vec!["Ben".into(), "Cy".into()],
        version: "1.2".into(),
        currency: "USD".into(),
    };
    let mut doc = Document { metadata, ..Default::default() };
    for (n, name, class) in [(1, "Cards", Some(Classification::Secret)), (2, "Prices", None)] {
        doc.assets.insert(id(n), Asset { id: id(n), name: name.into(), description: format!("{name} data"), classification: class });
    }
    let (d1, d2) = (id(10), id(11));
    doc.diagrams.insert(d1, Diagram { id: d1, name: "Main".into() });
    doc.diagrams.insert(d2, Diagram { id: d2, name: "Batch".into() });
    let mut put = |e: Element, layout: Option<Layout>| {
        if let Some(l) = layout {
            doc.layouts.insert(e.id, l);
        }
        doc.elements.insert(e.id, e);
    };
    let el = |n: u128, diagram: Id, name: &str, parent: Option<Id>, properties: ElementProperties| Element { id: id(n), diagram, name: name.into(), parent, properties, ..Default::default() };
    let at = |n: u128, x: f64, y: f64, w: f64, h: f64| Some(Layout { id: id(n), x, y, width: w, height: h, points: vec![] });
    let boundary = || ElementProperties::TrustBoundary(BoundaryProperties {});
    put(Element { technology: "vpc".into(), tags: vec!["aws".into()], description: "Cloud".into(), ..el(20, d1, "Cloud", None, boundary()) }, at(20, 10.5, 20.25, 600.0, 400.0));
    put(el(21, d1, "App subnet", Some(id(20)), boundary()), at(21, 40.5, 80.75, 300.0, 200.0));
    put(el(22, d1, "Internet edge", None, boundary()), Some(Layout { id: id(22), x: 700.0, y: 0.0, width: 0.0, height: 500.0, points: vec![Point { x: 700.0, y: 0.0 }, Point { x: 700.0, y: 500.0 }] }));
    put(
        Element {
            owner: "Team A".into(),
            tags: vec!["core".into(), "pci".into()],
            out_of_scope: true,
            out_of_scope_reason: "Legacy".into(),
            description: "The API".into(),
            ..el(
                30,
                d1,
                " API ",
                Some(id(21)),
                ElementProperties::Process(ProcessProperties {
                    privilege: Some(Privilege::Admin),
                    authenticates_callers: Some(true),
                    authorizes_callers: Some(false),
                    validates_input: Some(true),
                    logs_security_events: None,
                    internet_facing: Some(true),
                    handles_secrets: Some(false),
                }),
            )
        },
        at(30, 60.5, 120.5, 120.0, 70.0),
    );
    put(
        Element {
            technology: "postgres".into(),
            ..el(
                31,
                d1,
                "Ledger",
                Some(id(20)),
                ElementProperties::DataStore(StoreProperties {
                    stores_credentials: Some(false),
                    stores_pii: Some(true),
                    stores_payment_data: Some(true),
                    encrypted_at_rest: Some(true),
                    is_audit_log: Some(false),
                    backed_up: None,
                    access_controlled: Some(true),
                }),
            )
        },
        at(31, 400.0, 300.0, 100.0, 60.0),
    );
    put(Element { technology: "browser".into(), ..el(32, d1, "Shopper", None, ElementProperties::ExternalEntity(EntityProperties { is_human: Some(true), authenticated: Some(false) })) }, at(32, 800.0, 100.0, 100.0, 60.0));
    let flow = |source: Option<Id>, target: Option<Id>, protocol: &str| FlowProperties { source, target, protocol: protocol.into(), ..Default::default() };
    put(
        el(
            40,
            d1,
            "Pay",
            None,
            ElementProperties::DataFlow(FlowProperties {
                bidirectional: true,
                encrypted_in_transit: Some(true),
                authenticated: Some(true),
                integrity_protected: Some(false),
                over_public_network: Some(true),
                data_classification: Some(Classification::Confidential),
                carries_credentials: Some(true),
                ..flow(Some(id(32)), Some(id(30)), "HTTPS")
            }),
        ),
        Some(Layout { id: id(40), points: vec![Point { x: 750.5, y: 130.0 }, Point { x: 300.25, y: 130.0 }], ..Default::default() }),
    );
    put(el(41, d1, "Write", None, ElementProperties::DataFlow(flow(Some(id(30)), Some(id(31)), "true"))), None);
    put(el(42, d1, "Loose", None, ElementProperties::DataFlow(flow(Some(id(30)), None, ""))), None);
    put(el(33, d2, "Batch job", None, ElementProperties::Process(ProcessProperties::default())), at(33, 100.0, 100.0, 120.0, 60.0));
    put(el(34, d2, "Scheduler", None, ElementProperties::ExternalEntity(EntityProperties::default())), at(34, 400.0, 100.0, 120.0, 60.0));
    put(el(43, d2, "Trigger", None, ElementProperties::DataFlow(flow(Some(id(34)), Some(id(33)), "cron"))), None);

    for (n, name, status) in [(50, "mTLS", MitigationStatus::Implemented), (51, "Audit", MitigationStatus::Verified), (52, "Insurance", MitigationStatus::Proposed)] {
        doc.mitigations.insert(id(n), Mitigation { id: id(n), name: name.into(), description: format!("{name} control"), status });
    }
    let threat = |n: u128, title: &str, target: Option<Id>| Threat { id: id(n), title: title.into(), target, description: format!("{title}!"), ..Default::default() };
    let full = Threat {
        category: StrideCategory::Spoofing,
        rule_id: Some("R-1".into()),
        status: ThreatStatus::Accepted,
        likelihood: 2,
        impact: 5,
        detectability: Some(4),
        mitigations: vec![id(51), id(50)],
        owner: "Dee".into(),
        due_date: Some("2026-12-31".into()),
        decision: Some(Decision::FixNow),
        rationale: "Because".into(),
        reviewer: "Eve".into(),
        review_date: Some("2026-06-01".into()),
        references: vec!["CAPEC-151".into(), "CWE-290".into()],
        origin: Origin::Generated,
        notes: "Seen before".into(),
        ..threat(60, "Spoofed caller", Some(id(30)))
    };
    doc.threats.insert(full.id, full);
    doc.threats.insert(id(61), Threat { status: ThreatStatus::Mitigated, mitigations: vec![id(50)], category: StrideCategory::InformationDisclosure, references: vec!["CWE-319".into()], ..threat(61, "Sniffed", Some(id(40))) });
    doc.threats.insert(id(62), Threat { status: ThreatStatus::Transferred, mitigations: vec![id(52)], category: StrideCategory::DenialOfService, ..threat(62, "Zone flooded", Some(id(20))) });
    doc.threats.insert(id(63), Threat { status: ThreatStatus::NotApplicable, likelihood: 1, impact: 1, category: StrideCategory::Repudiation, ..threat(63, "Floating", None) });
    doc.attack_trees.insert(id(70), AttackTree { id: id(70), name: "Steal cards".into(), description: String::new(), root: id(71) });
    doc.attack_nodes.insert(id(71), AttackNode { id: id(71), tree: id(70), label: "Steal".into(), ..Default::default() });
    doc
}

#[test]
fn the_otm_export_validates_and_reads_back_to_the_same_model() {
    let original = rich_model();
    let (exported, warnings) = otm::export_with_warnings(&original);
    assert!(warnings.iter().any(|w| w.contains("attack trees")), "{warnings:?}");
    if let Some(validator) = schema_validator() {
        assert_valid(&validator, &exported, "rich model");
    }
    // Through text, as a file would go.
    let text = serde_json::to_string_pretty(&exported).unwrap();
    let again = interop::import(text.as_bytes(), Path::new("rich.otm")).unwrap();
    let mut expected = original.clone();
    expected.attack_trees.clear();
    expected.attack_nodes.clear();
    assert_eq!(again.document.metadata, expected.metadata);
    assert_eq!(again.document.assets, expected.assets);
    assert_eq!(again.document.diagrams, expected.diagrams);
    for (id, e) in &expected.elements {
        assert_eq!(again.document.elements.get(id), Some(e), "element {}", e.name);
    }
    assert_eq!(again.document.elements, expected.elements);
    assert_eq!(again.document.layouts, expected.layouts);
    assert_eq!(again.document.threats, expected.threats);
    assert_eq!(again.document.mitigations, expected.mitigations);
    assert_eq!(again.document, expected);
    // Reading back its own placeholders is no loss.
    assert!(again.warnings.iter().all(|w| w.contains("source or destination")), "{:#?}", again.warnings);
    // And the export of the re-import is the same text.
    assert_eq!(otm::export(&again.document), exported);
}

#[test]
fn an_imported_otm_exports_and_reimports_with_the_same_counts() {
    let first = interop::import(small().to_string().as_bytes(), Path::new("shop.otm")).unwrap().document;
    let exported = otm::export(&first);
    if let Some(validator) = schema_validator() {
        assert_valid(&validator, &exported, "small");
    }
    let second = interop::import(exported.to_string().as_bytes(), Path::new("again.otm")).unwrap().document;
    assert_eq!(second, first);
}

#[test]
fn component_kinds_follow_the_documented_rule() {
    for (t, kind) in [
        ("database", ElementKind::DataStore),
        ("CD-MICROSOFT-AZURE-DB-POSTGRESQL", ElementKind::DataStore),
        ("s3", ElementKind::DataStore),
        ("azure-storage-account", ElementKind::DataStore),
        ("web-client", ElementKind::ExternalEntity),
        ("android-device-client", ElementKind::ExternalEntity),
        ("generic-user", ElementKind::ExternalEntity),
        ("web-service", ElementKind::Process),
        ("", ElementKind::Process),
    ] {
        assert_eq!(otm::component_kind(t), kind, "{t}");
    }
}

fn check(bytes: &[u8]) {
    let start = Instant::now();
    let _ = interop::import(bytes, Path::new("fuzz.otm"));
    assert!(start.elapsed() < Duration::from_secs(5));
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-z0-9-]{0,10}".prop_map(Value::from),
        Just(Value::from("api")),
        Just(Value::from("dc")),
        Just(json!({"trustZone": "dc"})),
        Just(json!({"component": "api"})),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from), proptest::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect()))]
    })
}

fn replace_nth(value: &mut Value, n: &mut usize, with: &Value) -> bool {
    if *n == 0 {
        *value = with.clone();
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| replace_nth(v, n, with)),
        Value::Object(map) => map.values_mut().any(|v| replace_nth(v, n, with)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn damaged_otm_never_panics(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
        let text = small().to_string();
        let mut bytes = text.as_bytes().to_vec();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        check(&bytes);
        check(&text.as_bytes()[..cut.index(text.len())]);
    }

    #[test]
    fn wrong_typed_otm_values_never_panic(at in 0usize..300, with in any_json()) {
        let mut json = small();
        let mut n = at;
        replace_nth(&mut json, &mut n, &with);
        if let Value::Object(map) = &mut json { map.insert("otmVersion".into(), Value::from("0.2.0")); }
        let start = Instant::now();
        if let Ok(imported) = otm::import(&json, Path::new("typed.otm")) {
            // Whatever was read exports validly enough to read again.
            let again = otm::export(&imported.document);
            prop_assert!(otm::import(&again, Path::new("again.otm")).is_ok());
        }
        prop_assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
        let mut yaml = b"otmVersion: 0.2.0\n".to_vec();
        yaml.extend(&bytes);
        check(&yaml);
    }
}
