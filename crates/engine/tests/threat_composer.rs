//! Threat Composer import: faithfulness on every workspace and pack in the fixtures (counts,
//! links, STRIDE, status and names computed here from the JSON itself), a small workspace
//! written here that exercises each mapping and each warning, and a bounded fuzz test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use rampart_engine::interop;
use rampart_engine::model::*;
use serde_json::{json, Value};

const FIXTURES: &str = "../../../shared/fixtures/threat-composer";

fn fixture_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    if !dir.exists() {
        eprintln!("SKIPPED: {} is absent (it lives in ../shared beside the repository)", dir.display());
        return None;
    }
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    Some(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") && !path.to_string_lossy().contains("schemas") {
            out.push(path);
        }
    }
}

fn stride_of(letter: &str) -> StrideCategory {
    match letter {
        "S" => StrideCategory::Spoofing,
        "T" => StrideCategory::Tampering,
        "R" => StrideCategory::Repudiation,
        "I" => StrideCategory::InformationDisclosure,
        "D" => StrideCategory::DenialOfService,
        "E" => StrideCategory::ElevationOfPrivilege,
        other => panic!("not STRIDE: {other}"),
    }
}

/// What the source says, counted independently of the importer.
#[derive(Debug, PartialEq, Default)]
struct Counts {
    threats: usize,
    mitigations: usize,
    assumptions: usize,
    links: usize,
    categories: BTreeMap<String, usize>,
    statuses: BTreeMap<String, usize>,
    mitigation_statuses: BTreeMap<String, usize>,
}

fn count_source(json: &Value) -> Counts {
    let list = |k: &str| json[k].as_array().cloned().unwrap_or_default();
    let (threats, mitigations) = (list("threats"), list("mitigations"));
    let threat_ids: BTreeSet<&str> = threats.iter().filter_map(|t| t["id"].as_str()).collect();
    let mitigation_ids: BTreeSet<&str> = mitigations.iter().filter_map(|m| m["id"].as_str()).collect();
    let links: BTreeSet<(String, String)> = list("mitigationLinks")
        .iter()
        .filter(|l| threat_ids.contains(l["linkedId"].as_str().unwrap_or("")) && mitigation_ids.contains(l["mitigationId"].as_str().unwrap_or("")))
        .map(|l| (l["mitigationId"].to_string(), l["linkedId"].to_string()))
        .collect();
    let mut c = Counts { threats: threats.len(), mitigations: mitigations.len(), assumptions: list("assumptions").len(), links: links.len(), ..Default::default() };
    for t in &threats {
        let first = t["metadata"].as_array().into_iter().flatten().find(|m| m["key"] == "STRIDE").and_then(|m| m["value"][0].as_str());
        let category = first.map(stride_of).unwrap_or(StrideCategory::Tampering);
        *c.categories.entry(format!("{category:?}")).or_default() += 1;
        let status = match t["status"].as_str().unwrap_or("threatIdentified") {
            "threatResolved" => ThreatStatus::Mitigated,
            "threatResolvedNotUseful" => ThreatStatus::NotApplicable,
            _ => ThreatStatus::Open,
        };
        *c.statuses.entry(format!("{status:?}")).or_default() += 1;
    }
    for m in &mitigations {
        let status = if m["status"] == "mitigationResolved" { MitigationStatus::Implemented } else { MitigationStatus::Proposed };
        *c.mitigation_statuses.entry(format!("{status:?}")).or_default() += 1;
    }
    c
}

fn count_imported(doc: &rampart_engine::Document) -> Counts {
    let mut c = Counts {
        threats: doc.threats.len(),
        mitigations: doc.mitigations.len(),
        assumptions: doc.metadata.assumptions.len(),
        links: doc.threats.values().map(|t| t.mitigations.len()).sum(),
        ..Default::default()
    };
    for t in doc.threats.values() {
        *c.categories.entry(format!("{:?}", t.category)).or_default() += 1;
        *c.statuses.entry(format!("{:?}", t.status)).or_default() += 1;
    }
    for m in doc.mitigations.values() {
        *c.mitigation_statuses.entry(format!("{:?}", m.status)).or_default() += 1;
    }
    c
}

#[test]
fn every_threat_composer_fixture_imports_with_its_counts_links_and_texts() {
    let Some(files) = fixture_files() else { return };
    let mut checked = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let json: Value = serde_json::from_slice(&bytes).unwrap();
        if !interop::threat_composer::detect(&json) {
            continue;
        }
        let imported = interop::import(&bytes, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(imported.format, "Threat Composer");
        let doc = &imported.document;
        assert_eq!(count_imported(doc), count_source(&json), "{}", path.display());
        let name = json["applicationInfo"]["name"].as_str().or(json["name"].as_str()).unwrap().trim();
        assert_eq!(doc.metadata.name, name);
        // Every statement survives, whole, as a description; every mitigation's text too.
        let descriptions: BTreeSet<&str> = doc.threats.values().map(|t| t.description.as_str()).collect();
        for t in json["threats"].as_array().into_iter().flatten() {
            let statement = t["statement"].as_str().unwrap().trim();
            assert!(descriptions.iter().any(|d| d.starts_with(statement)), "{}: statement lost: {statement}", path.display());
        }
        for m in json["mitigations"].as_array().into_iter().flatten() {
            let content = m["content"].as_str().unwrap().trim();
            assert!(doc.mitigations.values().any(|x| x.description.starts_with(content)), "{}: mitigation lost: {content}", path.display());
        }
        for a in json["assumptions"].as_array().into_iter().flatten() {
            let content = a["content"].as_str().unwrap().trim();
            assert!(doc.metadata.assumptions.iter().any(|x| x.starts_with(content)), "{}: assumption lost", path.display());
        }
        let has_image = ["architecture", "dataflow"].iter().any(|k| json[k]["image"].as_str().is_some_and(|i| !i.is_empty()));
        assert_eq!(imported.warnings.iter().any(|w| w.contains("picture was not imported")), has_image, "{}", path.display());
        assert_eq!(doc.diagrams.len(), 1);
        checked.push(path);
    }
    assert!(checked.len() >= 7, "only {} Threat Composer files were recognised: {checked:?}", checked.len());
}

#[test]
fn malformed_threat_composer_files_are_refused_with_the_file_named() {
    for (name, text) in [("threats.tc.json", r#"{"schema": 1, "threats": {"a": 1}}"#), ("links.tc.json", r#"{"schema": 1, "applicationInfo": {}, "mitigationLinks": "x"}"#)] {
        let err = interop::import(text.as_bytes(), Path::new(name)).unwrap_err().to_string();
        assert!(err.contains(name) && err.contains("Threat Composer"), "{err}");
    }
}

const T1: &str = "11111111-1111-4111-8111-111111111111";
const T2: &str = "22222222-2222-4222-8222-222222222222";
const T3: &str = "33333333-3333-4333-8333-333333333333";
const M1: &str = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const M2: &str = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const M3: &str = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
const A1: &str = "dddddddd-dddd-4ddd-8ddd-dddddddddddd";

/// A small workspace written for this test.
fn small() -> Value {
    let long = "A threat actor with access to the network can intercept the traffic between the browser and the API, which leads to the disclosure of session tokens, resulting in reduced confidentiality of user accounts";
    json!({
        "schema": 1,
        "applicationInfo": {"name": "Shop ", "description": "The shop."},
        "architecture": {"description": "Three tiers.", "image": "data:image/png;base64,AAAA"},
        "dataflow": {"description": "Browser to API.", "image": ""},
        "assumptions": [
            {"id": A1, "numericId": 1, "content": "TLS terminates at the load balancer", "metadata": [{"key": "Comments", "value": "per ops"}], "tags": ["infra"]},
            {"id": "x", "numericId": 2, "content": ""}
        ],
        "mitigations": [
            {"id": M1, "numericId": 1, "content": "Use HSTS", "status": "mitigationResolved", "metadata": [{"key": "Comments", "value": "done in v2"}]},
            {"id": M2, "numericId": 2, "content": "Pin certificates", "status": "mitigationInProgress"},
            {"id": M3, "numericId": 3, "content": "Rewrite in Rust", "status": "mitigationResolvedWillNotAction", "tags": ["someday"]}
        ],
        "threats": [
            {"id": T1, "numericId": 1, "statement": long, "threatSource": "threat actor", "prerequisites": "with access to the network",
             "threatAction": "intercept the traffic", "threatImpact": "the disclosure of session tokens", "impactedGoal": ["confidentiality"],
             "impactedAssets": ["user accounts"], "status": "threatResolved", "tags": ["network"],
             "metadata": [{"key": "STRIDE", "value": ["I", "S"]}, {"key": "Priority", "value": "High"}, {"key": "Comments", "value": "seen in pentest"}, {"key": "custom:team", "value": "web"}]},
            {"id": T2, "numericId": 2, "statement": "A user can deny placing an order", "status": "threatResolvedNotUseful",
             "metadata": [{"key": "STRIDE", "value": ["R"]}, {"key": "Priority", "value": "Urgent"}]},
            {"id": T3, "numericId": 3, "threatSource": "An insider", "threatAction": "can tamper with prices", "status": "threatWhatever"}
        ],
        "mitigationLinks": [
            {"mitigationId": M1, "linkedId": T1}, {"mitigationId": M2, "linkedId": T1}, {"mitigationId": M1, "linkedId": T1},
            {"mitigationId": M3, "linkedId": "99999999-9999-4999-8999-999999999999"}, {"mitigationId": M1}
        ],
        "assumptionLinks": [
            {"type": "Threat", "assumptionId": A1, "linkedId": T1}, {"type": "Mitigation", "assumptionId": A1, "linkedId": M2},
            {"type": "Threat", "assumptionId": A1, "linkedId": T1},
            {"type": "Threat", "assumptionId": "nope", "linkedId": T1}
        ],
        "brainstorm": {"assumptions": [{"id": "b", "content": "idea", "createdAt": "2024-01-01T00:00:00Z"}]}
    })
}

#[test]
fn a_small_workspace_maps_each_field_and_reports_each_loss() {
    let imported = interop::import(small().to_string().as_bytes(), Path::new("shop.tc.json")).unwrap();
    let doc = &imported.document;
    assert_eq!(doc.metadata.name, "Shop");
    assert!(doc.metadata.summary.contains("The shop.") && doc.metadata.summary.contains("### Architecture\n\nThree tiers.") && doc.metadata.summary.contains("### Data flow\n\nBrowser to API."));
    assert_eq!(doc.metadata.assumptions, vec!["TLS terminates at the load balancer (Comments: per ops) [tags: infra]".to_string()]);

    let by_status = |s: &str| doc.mitigations.values().find(|m| m.name == s).unwrap_or_else(|| panic!("{s} missing"));
    let (hsts, pin, rust) = (by_status("Use HSTS"), by_status("Pin certificates"), by_status("Rewrite in Rust"));
    assert_eq!((hsts.status, pin.status, rust.status), (MitigationStatus::Implemented, MitigationStatus::Proposed, MitigationStatus::Proposed));
    assert!(hsts.description.contains("Comments: done in v2"));
    assert!(pin.description.contains("Assumption: TLS terminates at the load balancer"));
    assert!(rust.description.contains("will not action") && rust.description.contains("Tags: someday"));

    let t1 = doc.threats.values().find(|t| t.description.starts_with("A threat actor with access")).unwrap();
    assert!(t1.title.ends_with('…') && t1.title.chars().count() <= 121, "{}", t1.title);
    assert_eq!((t1.category, t1.status, t1.likelihood, t1.impact), (StrideCategory::InformationDisclosure, ThreatStatus::Mitigated, 3, 4));
    assert_eq!(t1.mitigations, vec![hsts.id, pin.id], "links in order, duplicates once");
    assert_eq!(t1.target, None);
    for part in ["Threat source: threat actor", "Prerequisites: with access to the network", "Impacted goal: confidentiality", "Impacted assets: user accounts"] {
        assert!(t1.description.contains(part), "{part}");
    }
    assert_eq!(t1.notes.matches("Assumption:").count(), 1, "a repeated link is noted once");
    for note in ["Also STRIDE: Spoofing", "Comments: seen in pentest", "team: web", "Tags: network", "Threat Composer id: T-001", "Assumption: TLS terminates"] {
        assert!(t1.notes.contains(note), "{note} not in {}", t1.notes);
    }
    let t2 = doc.threats.values().find(|t| t.title == "A user can deny placing an order").unwrap();
    assert_eq!((t2.category, t2.status, t2.likelihood * t2.impact), (StrideCategory::Repudiation, ThreatStatus::NotApplicable, 9));
    let t3 = doc.threats.values().find(|t| t.title == "An insider can tamper with prices").unwrap();
    assert_eq!((t3.category, t3.status), (StrideCategory::Tampering, ThreatStatus::Open));

    let warnings = imported.warnings.join("\n");
    for loss in [
        "the architecture picture was not imported",
        "several STRIDE categories",
        "threat priority “Urgent” is unknown",
        "threats without a STRIDE category were filed under Tampering",
        "threats without a priority were scored Medium",
        "threat status “threatWhatever” is unknown",
        "no “in progress” status",
        "no “will not action” status",
        "a mitigation link to a threat or mitigation that is not in the workspace",
        "a mitigation link without both ids",
        "an assumption link to an assumption that is not in the workspace",
        "an assumption without text was skipped",
        "brainstorm",
    ] {
        assert!(warnings.contains(loss), "missing warning {loss:?} in:\n{warnings}");
    }
    assert!(!warnings.contains("data flow picture"), "an empty image is no picture");
}

#[test]
fn importing_the_same_workspace_twice_gives_the_same_ids() {
    let text = small().to_string();
    let a = interop::import(text.as_bytes(), Path::new("a.tc.json")).unwrap().document;
    let b = interop::import(text.as_bytes(), Path::new("a.tc.json")).unwrap().document;
    assert_eq!(rampart_engine::canonical::to_string(&a).unwrap(), rampart_engine::canonical::to_string(&b).unwrap());
}

fn check(bytes: &[u8]) {
    let start = Instant::now();
    let _ = interop::import(bytes, Path::new("fuzz.tc.json"));
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// Any JSON value, small.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 ]{0,12}".prop_map(Value::from),
        Just(Value::from(T1)),
        Just(Value::from("STRIDE")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from), proptest::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect()))]
    })
}

/// Replace the value at the `n`-th node (in a walk of the tree) by `with`.
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
    fn damaged_workspaces_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
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
    fn wrong_typed_values_never_panic(at in 0usize..120, with in any_json()) {
        let mut json = small();
        let mut n = at;
        replace_nth(&mut json, &mut n, &with);
        // Keep it a workspace, so that the importer (not the dispatch) sees it.
        if let Value::Object(map) = &mut json { map.insert("schema".into(), Value::from(1)); }
        let start = Instant::now();
        let _ = interop::threat_composer::import(&json, Path::new("typed.tc.json"));
        prop_assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }
}
