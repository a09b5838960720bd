//! Threagile import: faithfulness on every Threagile fixture (counts per kind, names and
//! containment computed here from the YAML itself, includes resolved here independently),
//! a small model written here that exercises each mapping and each warning, include safety,
//! and a bounded mutation fuzz test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use rampart_engine::interop;
use rampart_engine::model::*;
use rampart_engine::Document;
use serde_norway::Value;

const FIXTURES: &str = "../../../shared/fixtures/threagile";

fn fixture_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    if dir.exists() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent (it lives in ../shared beside the repository)", dir.display());
        None
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    out.sort();
}

/// The model as Threagile reads it: the file, merge keys applied, includes merged in by key
/// (this test's own, simpler reading: mappings merge key by key, the first value wins).
fn read_model(path: &Path) -> serde_norway::Mapping {
    let text = std::fs::read_to_string(path).unwrap();
    let mut value: Value = serde_norway::from_str(&text).unwrap_or(Value::Null);
    value.apply_merge().unwrap();
    let mut model = match value {
        Value::Mapping(m) => m,
        _ => serde_norway::Mapping::new(),
    };
    let includes: Vec<String> = model.get("includes").and_then(Value::as_sequence).into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
    for include in includes {
        let part = read_model(&path.parent().unwrap().join(include));
        merge(&mut model, part);
    }
    model
}

fn merge(into: &mut serde_norway::Mapping, from: serde_norway::Mapping) {
    for (k, v) in from {
        if let Some(existing) = into.get_mut(&k) {
            match (existing, v) {
                (Value::Mapping(a), Value::Mapping(b)) => merge(a, b),
                (existing, v) if existing.is_null() => *existing = v,
                _ => {}
            }
        } else {
            into.insert(k, v);
        }
    }
}

fn section<'a>(model: &'a serde_norway::Mapping, key: &str) -> Vec<(String, &'a Value)> {
    match model.get(key) {
        Some(Value::Mapping(m)) => m.iter().filter(|(_, v)| v.is_mapping()).map(|(k, v)| (k.as_str().unwrap_or("").to_string(), v)).collect(),
        Some(Value::Sequence(s)) => s.iter().filter(|v| v.is_mapping()).map(|v| (v.get("title").and_then(Value::as_str).unwrap_or("").to_string(), v)).collect(),
        _ => Vec::new(),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn ids_in(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_sequence).into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect()
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
    diagrams: usize,
    names: Vec<String>,
}

fn count_source(model: &serde_norway::Mapping) -> Counts {
    let mut c = Counts { diagrams: 1, ..Default::default() };
    for (title, asset) in section(model, "technical_assets") {
        match str_of(asset, "type").unwrap_or("") {
            // A missing type is Threagile's default type (its parsed form omits it).
            "external-entity" | "" => c.external_entities += 1,
            "datastore" => c.stores += 1,
            _ => c.processes += 1,
        }
        c.names.push(str_of(asset, "title").map(String::from).unwrap_or(title));
        c.flows += match asset.get("communication_links") {
            Some(Value::Mapping(m)) => m.len(),
            Some(Value::Sequence(s)) => s.len(),
            _ => 0,
        };
    }
    for (title, boundary) in section(model, "trust_boundaries") {
        c.boundaries += 1;
        c.names.push(str_of(boundary, "title").map(String::from).unwrap_or(title));
    }
    c.assets = section(model, "data_assets").len();
    for key in ["individual_risk_categories", "custom_risk_categories"] {
        for (_, category) in section(model, key) {
            c.threats += category.get("risks_identified").and_then(Value::as_mapping).map_or(0, |m| m.len());
        }
    }
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
        diagrams: doc.diagrams.len(),
        names,
    }
}

/// Every shape has a layout, and every box encloses what it contains.
fn assert_layout_encloses(doc: &Document, context: &str) {
    for e in doc.elements.values().filter(|e| e.kind() != ElementKind::DataFlow) {
        let l = doc.layouts.get(&e.id).unwrap_or_else(|| panic!("{context}: {} has no layout", e.name));
        if let Some(parent) = e.parent {
            let p = &doc.layouts[&parent];
            assert!(
                l.x >= p.x && l.y >= p.y && l.x + l.width <= p.x + p.width && l.y + l.height <= p.y + p.height,
                "{context}: {} is not inside the box of {}",
                e.name,
                doc.elements[&parent].name
            );
        }
    }
}

#[test]
fn every_threagile_fixture_imports_with_its_counts_names_and_containment() {
    let Some(dir) = fixture_dir() else { return };
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    let mut checked = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if !interop::threagile::detect(&text) {
            continue;
        }
        let imported = interop::import(text.as_bytes(), &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(imported.format, "Threagile YAML");
        let model = read_model(&path);
        let expected = count_source(&model);
        let doc = &imported.document;
        assert_eq!(count_imported(doc), expected, "{}", path.display());

        // Containment: each asset inside the innermost boundary that lists it, and nesting.
        let by_name = |n: &str| doc.elements.values().find(|e| e.name == n && e.kind() != ElementKind::DataFlow);
        let name_of_id: BTreeMap<String, String> = section(&model, "technical_assets")
            .into_iter()
            .chain(section(&model, "trust_boundaries"))
            .map(|(title, v)| (str_of(v, "id").unwrap_or(&title).to_string(), str_of(v, "title").map(String::from).unwrap_or(title)))
            .collect();
        for (title, boundary) in section(&model, "trust_boundaries") {
            let name = str_of(boundary, "title").map(String::from).unwrap_or(title);
            let b = by_name(&name).unwrap();
            for inside in ids_in(boundary, "technical_assets_inside").iter().chain(&ids_in(boundary, "trust_boundaries_nested")) {
                // A part file may list assets defined in another part: nothing to contain.
                let Some(child_name) = name_of_id.get(inside) else { continue };
                let child = by_name(child_name).unwrap_or_else(|| panic!("{inside} missing"));
                assert_eq!(child.parent, Some(b.id), "{}: {} should be inside {}", path.display(), child.name, name);
            }
        }
        assert_layout_encloses(doc, &path.display().to_string());
        checked.push(path.strip_prefix(&dir).unwrap().display().to_string());
    }
    for must in ["demo/example/threagile.yaml", "demo/stub/threagile.yaml", "test/all.yaml", "test/main.yaml"] {
        assert!(checked.iter().any(|c| c == must), "{must} was not checked; checked: {checked:?}");
    }
}

#[test]
fn the_split_model_imports_like_the_single_file_one() {
    let Some(dir) = fixture_dir() else { return };
    let all = interop::threagile::import_path(&dir.join("test/all.yaml")).unwrap();
    let main = interop::threagile::import_path(&dir.join("test/main.yaml")).unwrap();
    let (a, m) = (count_imported(&all.document), count_imported(&main.document));
    assert_eq!((a.external_entities, a.processes, a.stores, a.flows, a.boundaries, a.assets, a.threats), (m.external_entities, m.processes, m.stores, m.flows, m.boundaries, m.assets, m.threats));
    assert_eq!((m.external_entities, m.processes, m.stores, m.flows, m.boundaries, m.assets), (4, 7, 3, 20, 5, 12));
    assert!(!main.warnings.iter().any(|w| w.contains("include")), "{:#?}", main.warnings);
}

#[test]
fn the_example_model_maps_properties_risks_and_tracking() {
    let Some(dir) = fixture_dir() else { return };
    let imported = interop::threagile::import_path(&dir.join("demo/example/threagile.yaml")).unwrap();
    let doc = &imported.document;
    assert_eq!(doc.metadata.name, "Some Example Application");
    assert_eq!(doc.metadata.owner, "John Doe");
    let by_name = |n: &str| doc.elements.values().find(|e| e.name == n).unwrap_or_else(|| panic!("{n} missing"));
    let customer = by_name("Customer Web Client");
    assert!(customer.out_of_scope);
    assert_eq!(customer.out_of_scope_reason, "Owned and managed by end-user customer");
    assert_eq!(customer.properties, ElementProperties::ExternalEntity(EntityProperties { is_human: Some(true), authenticated: None }));
    match &by_name("Customer Contract Database").properties {
        ElementProperties::DataStore(s) => assert_eq!(s.encrypted_at_rest, Some(true)),
        other => panic!("{other:?}"),
    }
    let traffic = by_name("Customer Traffic").flow().unwrap().clone();
    assert_eq!((traffic.source, traffic.target), (Some(customer.id), Some(by_name("Load Balancer").id)));
    assert_eq!(traffic.protocol, "https");
    assert_eq!((traffic.encrypted_in_transit, traffic.authenticated, traffic.over_public_network), (Some(true), Some(true), Some(true)));
    assert!(traffic.bidirectional);
    assert_eq!(traffic.data_classification, Some(Classification::Secret), "customer accounts are strictly confidential");
    let nfs = by_name("NFS Filesystem Access").flow().unwrap().clone();
    assert_eq!((nfs.encrypted_in_transit, nfs.authenticated), (Some(false), Some(false)));
    let erp = by_name("ERP Internal Access").flow().unwrap().clone();
    assert_eq!(erp.encrypted_in_transit, Some(true), "vpn: true");
    // The two individual risks, on their elements, with the category's mitigation.
    let risk = doc.threats.values().find(|t| t.title == "Example Individual Risk at Database").unwrap();
    assert_eq!(risk.target, Some(by_name("Customer Contract Database").id));
    assert_eq!(risk.category, StrideCategory::Repudiation);
    assert_eq!(risk.references, vec!["CWE-693".to_string()]);
    assert_eq!((risk.likelihood, risk.impact), (4, 5), "stated critical outranks likely × medium: the higher is kept");
    assert!(risk.notes.contains("Threagile severity: critical") && risk.notes.contains("likelihood: likely, impact: medium"));
    assert_eq!(doc.mitigations[&risk.mitigations[0]].description, "Some text describing the mitigation...");
    let warnings = imported.warnings.join("\n");
    for loss in ["shared runtime “WebApp and Backoffice Virtualization”", "risk tracking for a risk that Threagile's own rules generate was not imported (Rampart generates its own threats) (6 times)", "question", "abuse case", "machine (14)", "“restricted”"] {
        assert!(warnings.contains(loss), "missing warning {loss:?} in:\n{warnings}");
    }
}

/// A small model written for this test: merge keys, nesting, every kind, links that
/// exercise each property, an unknown type and target, a risk with tracking.
const SMALL: &str = r#"
threagile_version: 1.0.0
title: Shop
date: 2024-05-01
author:
  name: Ana
  homepage: example.com
contributors:
  - name: Ben
management_summary_comment: Summary text
business_overview:
  description: Business text
  images:
    - pic.png: A picture
business_criticality: critical
questions:
  Who patches?: ""
abuse_cases:
  Fraud: As a fraudster I want to...
security_requirements:
  Input Validation: Validate all input
tags_available: [web]
data_assets:
  Secrets: &base
    id: secrets
    description: Keys
    confidentiality: strictly-confidential
    integrity: critical
  Catalogue:
    <<: *base
    id: catalogue
    description: Products
    confidentiality: public
  Orders:
    id: orders
    confidentiality: restricted
technical_assets:
  Shopper:
    id: shopper
    type: external-entity
    used_as_client_by_human: true
    internet: true
    out_of_scope: true
    justification_out_of_scope: Customer's device
    machine: physical
    communication_links:
      Browse:
        target: web
        protocol: https
        authentication: session-id
        data_assets_sent: [catalogue]
        data_assets_received: [catalogue, secrets]
        ip_filtered: true
  Web Shop:
    id: web
    type: process
    technology: web-server
    tags: [web]
    internet: false
    owner: Team A
    communication_links:
      Store Order:
        target: db
        protocol: jdbc
        authentication: credentials
        data_assets_sent: [orders]
      Ship:
        target: nowhere
        protocol: smtp
        vpn: true
      Log locally:
        target: db
        protocol: local-file-access
  Order DB:
    id: db
    type: datastore
    internet: false
    encryption: transparent
  Oddity:
    id: odd
    type: gizmo
trust_boundaries:
  Cloud:
    id: cloud
    type: network-cloud-provider
    technical_assets_inside: [web]
    trust_boundaries_nested: [data-zone, ghost]
  Data Zone:
    id: data-zone
    technical_assets_inside: [db, phantom]
shared_runtimes:
  Kubernetes:
    id: k8s
    technical_assets_running: [web]
individual_risk_categories:
  Weak Ordering:
    id: weak-ordering
    description: Orders can be forged
    impact: Money lost
    mitigation: Sign orders
    stride: tampering
    cwe: 345
    risks_identified:
      <b>Forged order</b> at <b>Web Shop</b>:
        severity: high
        exploitation_likelihood: likely
        exploitation_impact: high
        most_relevant_technical_asset: web
      Unscored at DB:
        most_relevant_technical_asset: db
  Empty Category:
    id: empty
    stride: spoofing
risk_tracking:
  weak-ordering@*:
    status: accepted
    justification: Low volume
    date: 2024-06-01
    checked_by: Cy
    ticket: T-1
  missing-hardening@*:
    status: mitigated
diagram_tweak_nodesep: 2
"#;

#[test]
fn a_small_threagile_model_maps_each_field_and_reports_each_loss() {
    let imported = interop::import(SMALL.as_bytes(), Path::new("shop.yaml")).unwrap();
    let doc = &imported.document;
    let m = &doc.metadata;
    assert_eq!((m.name.as_str(), m.owner.as_str(), m.version.as_str()), ("Shop", "Ana", "2024-05-01"));
    assert_eq!(m.reviewers, vec!["Ben".to_string()]);
    assert!(m.summary.contains("Summary text") && m.summary.contains("Business text") && m.summary.contains("Business criticality: critical"));

    let asset = |n: &str| doc.assets.values().find(|a| a.name == n).unwrap_or_else(|| panic!("{n} missing"));
    assert_eq!(asset("Secrets").classification, Some(Classification::Secret));
    assert_eq!(asset("Catalogue").classification, Some(Classification::Public));
    assert_eq!(asset("Catalogue").description, "Products");
    assert_eq!(asset("Orders").classification, Some(Classification::Confidential));

    let by_name = |n: &str| doc.elements.values().find(|e| e.name == n).unwrap_or_else(|| panic!("{n} missing"));
    let (shopper, web, db, odd) = (by_name("Shopper"), by_name("Web Shop"), by_name("Order DB"), by_name("Oddity"));
    assert_eq!(shopper.kind(), ElementKind::ExternalEntity);
    assert!(shopper.out_of_scope);
    assert_eq!(odd.kind(), ElementKind::Process, "unknown types become processes");
    assert_eq!((web.technology.as_str(), web.owner.as_str(), web.tags.clone()), ("web-server", "Team A", vec!["web".to_string()]));
    assert_eq!(web.properties, ElementProperties::Process(ProcessProperties { internet_facing: Some(false), ..Default::default() }));
    assert_eq!(db.properties, ElementProperties::DataStore(StoreProperties { encrypted_at_rest: Some(true), ..Default::default() }));
    let (cloud, zone) = (by_name("Cloud"), by_name("Data Zone"));
    assert_eq!((web.parent, db.parent, zone.parent, shopper.parent), (Some(cloud.id), Some(zone.id), Some(cloud.id), None));
    assert_layout_encloses(doc, "small");

    let browse = by_name("Browse").flow().unwrap().clone();
    assert_eq!((browse.source, browse.target), (Some(shopper.id), Some(web.id)));
    assert_eq!(
        (browse.encrypted_in_transit, browse.authenticated, browse.carries_credentials, browse.over_public_network, browse.bidirectional, browse.data_classification),
        (Some(true), Some(true), None, Some(true), true, Some(Classification::Secret))
    );
    let store = by_name("Store Order").flow().unwrap().clone();
    assert_eq!(
        (store.encrypted_in_transit, store.carries_credentials, store.over_public_network, store.bidirectional, store.data_classification),
        (Some(false), Some(true), Some(false), false, Some(Classification::Confidential))
    );
    let ship = by_name("Ship").flow().unwrap().clone();
    assert_eq!((ship.target, ship.encrypted_in_transit), (None, Some(true)), "unknown target; vpn means encrypted");
    let local = by_name("Log locally").flow().unwrap().clone();
    assert_eq!((local.encrypted_in_transit, local.over_public_network), (None, Some(false)));

    let forged = doc.threats.values().find(|t| t.title == "Forged order at Web Shop").unwrap();
    assert_eq!((forged.target, forged.category, forged.likelihood, forged.impact), (Some(web.id), StrideCategory::Tampering, 3, 4));
    assert_eq!((forged.status, forged.decision, forged.reviewer.as_str(), forged.review_date.as_deref()), (ThreatStatus::Accepted, Some(Decision::Accept), "Cy", Some("2024-06-01")));
    assert!(forged.notes.contains("Ticket: T-1"));
    assert_eq!(forged.references, vec!["CWE-345".to_string()]);
    assert!(forged.description.contains("Orders can be forged") && forged.description.contains("Money lost"));
    let sign = doc.mitigations.values().find(|m| m.description == "Sign orders").unwrap();
    assert_eq!(forged.mitigations, vec![sign.id]);
    let unscored = doc.threats.values().find(|t| t.title == "Unscored at DB").unwrap();
    assert_eq!((unscored.target, unscored.likelihood, unscored.impact), (Some(db.id), 3, 3));
    assert!(doc.mitigations.values().any(|m| m.name == "Input Validation" && m.description == "Validate all input"));

    let warnings = imported.warnings.join("\n");
    for loss in [
        "“restricted” confidentiality",
        "technical asset type “gizmo” is unknown",
        "link “Ship” goes to “nowhere”",
        "trust boundary “ghost” is nested but not defined",
        "contains “phantom”, which is not a technical asset",
        "shared runtime “Kubernetes”",
        "question was not imported",
        "abuse case was not imported",
        "diagram tweaks",
        "list of available tags",
        "images of the Threagile business overview",
        "risk category “Empty Category” identifies no risk",
        "no known likelihood, impact or severity",
        "risk tracking for a risk that Threagile's own rules generate",
        "communication-link fields with no Rampart equivalent were not imported: ip_filtered (1)",
        "technical-asset fields with no Rampart equivalent were not imported: machine (1)",
        "data-asset fields with no Rampart equivalent were not imported: integrity (2)",
        "author fields with no Rampart equivalent were not imported: homepage (1)",
        "data assets each link carries",
    ] {
        assert!(warnings.contains(loss), "missing warning {loss:?} in:\n{warnings}");
    }
    // Every warning appears once.
    let set: BTreeSet<&String> = imported.warnings.iter().collect();
    assert_eq!(set.len(), imported.warnings.len());
}

#[test]
fn importing_the_same_threagile_model_twice_gives_the_same_ids() {
    let a = interop::import(SMALL.as_bytes(), Path::new("a.yaml")).unwrap().document;
    let b = interop::import(SMALL.as_bytes(), Path::new("a.yaml")).unwrap().document;
    assert_eq!(rampart_engine::canonical::to_string(&a).unwrap(), rampart_engine::canonical::to_string(&b).unwrap());
}

#[test]
fn includes_are_resolved_inside_the_model_folder_only_and_never_loop() {
    let root = tempfile::tempdir().unwrap();
    let models = root.path().join("models");
    std::fs::create_dir_all(models.join("parts")).unwrap();
    std::fs::write(root.path().join("outside.yaml"), "data_assets:\n  Stolen:\n    id: stolen\n").unwrap();
    std::fs::write(
        models.join("main.yaml"),
        "threagile_version: 1.0.0\ntitle: Split\nincludes:\n  - parts/assets.yaml\n  - ../outside.yaml\n  - /etc/hostname\n  - main.yaml\n  - missing.yaml\n",
    )
    .unwrap();
    // A part that includes its sibling (relative to itself) and, in a loop, the main file.
    std::fs::write(models.join("parts/assets.yaml"), "includes:\n  - more.yaml\n  - ../main.yaml\ntechnical_assets:\n  App:\n    id: app\n    type: process\n").unwrap();
    std::fs::write(models.join("parts/more.yaml"), "includes:\n  - assets.yaml\ntechnical_assets:\n  Store:\n    id: store\n    type: datastore\ntitle: Other title\n").unwrap();

    let main = models.join("main.yaml");
    let imported = interop::import(&std::fs::read(&main).unwrap(), &main).unwrap();
    let doc = &imported.document;
    assert_eq!(doc.metadata.name, "Split", "the first title is kept");
    assert_eq!((doc.count(ElementKind::Process), doc.count(ElementKind::DataStore)), (1, 1));
    assert!(doc.assets.is_empty(), "nothing is read from outside the model's folder");
    let warnings = imported.warnings.join("\n");
    for expected in [
        "include “../outside.yaml” was refused",
        "include “/etc/hostname” was refused",
        "include “main.yaml” is already being read",
        "include “../main.yaml” is already being read",
        "include “assets.yaml” is already being read",
        "include “missing.yaml” could not be read",
        "gives “title” another value",
    ] {
        assert!(warnings.contains(expected), "missing warning {expected:?} in:\n{warnings}");
    }
    // The same through the path entry point.
    assert_eq!(interop::threagile::import_path(&main).unwrap().document, imported.document);
}

#[test]
fn damaged_threagile_files_are_refused_with_the_file_named() {
    for (name, text) in [
        ("broken.yaml", "threagile_version: 1.0.0\ntechnical_assets: [unclosed\n"),
        ("mixed.yaml", "threagile_version: 1.0.0\n- technical_assets\n"),
        ("dupe.yaml", "threagile_version: 1.0.0\ntitle: a\ntitle: b\n"),
        ("merge.yaml", "threagile_version: 1.0.0\ndata_assets:\n  A:\n    <<: 5\n"),
    ] {
        let err = interop::import(text.as_bytes(), Path::new(name)).unwrap_err().to_string();
        assert!(err.contains(name) && err.contains("Threagile"), "{err}");
    }
}

#[test]
fn yaml_alias_bombs_are_refused_quickly() {
    // Each level repeats the one before ten times: 10^9 nodes if expanded.
    let mut text = String::from("threagile_version: 1.0.0\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut previous = "a";
    for name in names {
        text.push_str(&format!("{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"));
        previous = name;
    }
    // A wide anchor repeated many times: few aliases, many nodes.
    let wide: Vec<String> = (0..5000).map(|n| format!("v{n}")).collect();
    let mut wide_text = format!("threagile_version: 1.0.0\nw: &w [{}]\n", wide.join(", "));
    wide_text.push_str(&format!("x: &x [{}]\n", vec!["*w"; 500].join(", ")));
    wide_text.push_str(&format!("y: [{}]\n", vec!["*x"; 500].join(", ")));
    for text in [text, wide_text] {
        let start = Instant::now();
        let result = interop::import(text.as_bytes(), Path::new("bomb.yaml"));
        assert!(result.is_err(), "an alias bomb must be refused");
        assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    }
}

const FUZZ_SEED: &str = r#"threagile_version: 1.0.0
title: Fuzz
data_assets:
  D: &d
    id: d
    confidentiality: confidential
  E:
    <<: *d
    id: e
technical_assets:
  A:
    id: a
    type: external-entity
    communication_links:
      L:
        target: b
        protocol: https
        data_assets_sent: [d]
  B:
    id: b
    type: datastore
trust_boundaries:
  T:
    id: t
    technical_assets_inside: [b]
    trust_boundaries_nested: [u]
  U:
    id: u
    trust_boundaries_nested: [t]
individual_risk_categories:
  C:
    id: c
    stride: spoofing
    risks_identified:
      R:
        most_relevant_technical_asset: a
risk_tracking:
  c@*:
    status: mitigated
"#;

fn check_no_panic(bytes: &[u8]) {
    let start = Instant::now();
    let result = interop::import(bytes, Path::new("fuzz.yaml"));
    if let Ok(imported) = &result {
        // Whatever was imported is a consistent model.
        for e in imported.document.elements.values() {
            assert!(imported.document.diagrams.contains_key(&e.diagram));
        }
    }
    assert!(start.elapsed() < Duration::from_secs(5), "an import took {:?}", start.elapsed());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_threagile_models_never_panic(flips in proptest::collection::vec((0usize..FUZZ_SEED.len(), any::<u8>()), 1..8), cut in 0usize..=FUZZ_SEED.len()) {
        let mut bytes = FUZZ_SEED.as_bytes().to_vec();
        for (at, byte) in flips {
            bytes[at] = byte;
        }
        check_no_panic(&bytes);
        check_no_panic(&FUZZ_SEED.as_bytes()[..cut]);
    }

    #[test]
    fn random_bytes_after_a_threagile_header_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = b"threagile_version: 1.0.0\n".to_vec();
        bytes.extend(tail);
        check_no_panic(&bytes);
    }

    #[test]
    fn shuffled_threagile_lines_never_panic(order in Just((0..FUZZ_SEED.lines().count()).collect::<Vec<_>>()).prop_shuffle()) {
        let lines: Vec<&str> = FUZZ_SEED.lines().collect();
        let text: Vec<&str> = order.iter().map(|n| lines[*n]).collect();
        check_no_panic(text.join("\n").as_bytes());
    }
}
