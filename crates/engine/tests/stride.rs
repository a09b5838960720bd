//! STRIDE generation: the rule library, the per-element chart and the per-interaction
//! threats (table-driven, per element kind and boundary situation), property effects,
//! determinism, edits that survive regeneration, stale threats, rule packs, and the real
//! models the importers read.

mod analysis_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use analysis_support::*;
use proptest::prelude::*;
use rampart_engine::analysis::stride::{threat_id, THREAT_NAMESPACE};
use rampart_engine::analysis::{Analysis, RuleSet, ThreatView};
use rampart_engine::risk::Severity;
use rampart_engine::*;

use StrideCategory::*;

fn cats(list: &[StrideCategory]) -> BTreeSet<StrideCategory> {
    list.iter().copied().collect()
}

/// Microsoft's STRIDE-per-element chart (PRODUCT.md section 3).
fn chart(kind: ElementKind, audit_log: bool) -> BTreeSet<StrideCategory> {
    match kind {
        ElementKind::ExternalEntity => cats(&[Spoofing, Repudiation]),
        ElementKind::Process => cats(&[Spoofing, Tampering, Repudiation, InformationDisclosure, DenialOfService, ElevationOfPrivilege]),
        ElementKind::DataStore if audit_log => cats(&[Tampering, Repudiation, InformationDisclosure, DenialOfService]),
        ElementKind::DataStore => cats(&[Tampering, InformationDisclosure, DenialOfService]),
        ElementKind::DataFlow => cats(&[Tampering, InformationDisclosure, DenialOfService]),
        ElementKind::TrustBoundary => cats(&[]),
    }
}

fn on(threats: &[ThreatView], element: Id) -> Vec<&ThreatView> {
    threats.iter().filter(|t| t.target_id == Some(element)).collect()
}

fn categories_on(threats: &[ThreatView], element: Id) -> BTreeSet<StrideCategory> {
    on(threats, element).iter().map(|t| t.category).collect()
}

fn find<'a>(threats: &'a [ThreatView], rule: &str, element: Id) -> Option<&'a ThreatView> {
    threats.iter().find(|t| t.rule_id.as_deref() == Some(rule) && t.target_id == Some(element))
}

#[test]
fn the_builtin_library_has_at_least_40_rules_covering_every_category_and_kind() {
    let rules = RuleSet::builtin().expect("the built-in rules load");
    assert!(rules.len() >= 40, "{} rules", rules.len());
    let mut per_category: BTreeMap<StrideCategory, usize> = BTreeMap::new();
    let mut per_kind: BTreeMap<ElementKind, usize> = BTreeMap::new();
    for r in rules.rules() {
        *per_category.entry(r.category).or_default() += 1;
        for k in &r.applies_to {
            *per_kind.entry(*k).or_default() += 1;
        }
        assert!(!r.references.is_empty(), "{} has no CWE/CAPEC reference", r.id);
        assert!(!r.mitigations.is_empty(), "{} suggests no mitigation", r.id);
        assert!((1..=5).contains(&r.likelihood) && (1..=5).contains(&r.impact));
    }
    assert_eq!(per_category.len(), 6, "{per_category:?}");
    for kind in [ElementKind::ExternalEntity, ElementKind::Process, ElementKind::DataStore, ElementKind::DataFlow] {
        assert!(per_kind.get(&kind).copied().unwrap_or(0) >= 5, "{kind:?}: {per_kind:?}");
    }
    let info = rules.info();
    assert_eq!(info.len(), rules.len());
    assert!(info.iter().any(|r| r.condition.contains("crosses_boundary")));
    assert_eq!(rules.packs()[0].pack, "rampart-stride");
}

/// Entity -> Process -> Store -> Process, with the given parents.
struct Trio {
    m: M,
    entity: Id,
    process: Id,
    store: Id,
    /// entity -> process
    f_in: Id,
    /// process -> store
    f_write: Id,
    /// store -> process
    f_read: Id,
}

fn trio(place: impl Fn(&mut M) -> [Option<Id>; 3]) -> Trio {
    let mut m = M::new();
    let [pe, pp, ps] = place(&mut m);
    let entity = m.entity("Customer", pe);
    let process = m.process("Shop", pp);
    let store = m.store("Orders", ps);
    let f_in = m.flow("Order", entity, process);
    let f_write = m.flow("Save", process, store);
    let f_read = m.flow("Load", store, process);
    Trio { m, entity, process, store, f_in, f_write, f_read }
}

#[test]
fn per_element_categories_follow_the_chart() {
    let mut t = trio(|_| [None; 3]);
    let audit = t.m.store("Audit trail", None);
    t.m.store_props(audit).is_audit_log = Some(true);
    t.m.flow("Log", t.process, audit);
    let boundary = t.m.boundary("Zone", None);
    let threats = t.m.threats();
    let table = [
        (t.entity, ElementKind::ExternalEntity, false),
        (t.process, ElementKind::Process, false),
        (t.store, ElementKind::DataStore, false),
        (audit, ElementKind::DataStore, true),
        (t.f_in, ElementKind::DataFlow, false),
        (t.f_write, ElementKind::DataFlow, false),
        (t.f_read, ElementKind::DataFlow, false),
        (boundary, ElementKind::TrustBoundary, false),
    ];
    for (element, kind, audit_log) in table {
        assert_eq!(categories_on(&threats, element), chart(kind, audit_log), "{kind:?} (audit log {audit_log})");
    }
    assert!(threats.iter().all(|t| !t.rule_id.as_deref().unwrap_or("").starts_with("IX-")), "no boundary, no interaction threats");
}

#[test]
fn per_interaction_threats_by_boundary_situation() {
    // (situation, placement [entity, process, store], expected (rule, on) pairs of the
    // interaction rules and the flow rules that need a crossing)
    type Place = fn(&mut M) -> [Option<Id>; 3];
    type Expected = fn(&Trio) -> Vec<(&'static str, Id)>;
    let situations: Vec<(&str, Place, Expected)> = vec![
        ("no boundary", |_| [None; 3], |_| vec![]),
        (
            "all three in one boundary",
            |m| {
                let b = m.boundary("DC", None);
                [Some(b); 3]
            },
            |_| vec![],
        ),
        (
            "entity outside, process and store inside",
            |m| {
                let b = m.boundary("DC", None);
                [None, Some(b), Some(b)]
            },
            |t| {
                vec![
                    ("IX-S-01", t.entity),
                    ("IX-S-02", t.process),
                    ("IX-R-01", t.process),
                    ("IX-D-01", t.process),
                    ("IX-E-01", t.process),
                    ("IX-E-02", t.process),
                    ("DF-T-02", t.f_in),
                    ("DF-I-02", t.f_in),
                ]
            },
        ),
        (
            "store alone in a boundary",
            |m| {
                let b = m.boundary("Vault", None);
                [None, None, Some(b)]
            },
            |t| {
                vec![
                    ("IX-S-01", t.process), // Save: process -> store, into the vault
                    ("IX-T-01", t.store),   // Save writes into the vault
                    ("IX-I-02", t.store),   // Save and Load: the store is read from outside (Load)
                    ("IX-S-02", t.process), // Load: the store's data goes to the process, unencrypted
                    ("IX-R-01", t.process), // Load reaches a process that does not log
                    ("DF-T-02", t.f_write),
                    ("DF-I-02", t.f_write),
                    ("DF-T-02", t.f_read),
                    ("DF-I-02", t.f_read),
                ]
            },
        ),
        (
            "nested: process in Outer, store in Inner inside Outer",
            |m| {
                let outer = m.boundary("Outer", None);
                let inner = m.boundary("Inner", Some(outer));
                [Some(outer), Some(outer), Some(inner)]
            },
            |t| {
                vec![
                    ("IX-S-01", t.process),
                    ("IX-T-01", t.store),
                    ("IX-I-02", t.store),
                    ("IX-S-02", t.process),
                    ("IX-R-01", t.process),
                    ("DF-T-02", t.f_write),
                    ("DF-I-02", t.f_write),
                    ("DF-T-02", t.f_read),
                    ("DF-I-02", t.f_read),
                ]
            },
        ),
        (
            "siblings: entity in Left, process and store in Right",
            |m| {
                let outer = m.boundary("Company", None);
                let left = m.boundary("Left", Some(outer));
                let right = m.boundary("Right", Some(outer));
                [Some(left), Some(right), Some(right)]
            },
            |t| {
                vec![
                    ("IX-S-01", t.entity),
                    ("IX-S-02", t.process),
                    ("IX-R-01", t.process),
                    ("IX-D-01", t.process),
                    ("IX-E-01", t.process),
                    ("IX-E-02", t.process),
                    ("DF-T-02", t.f_in),
                    ("DF-I-02", t.f_in),
                ]
            },
        ),
    ];
    for (name, place, expected) in situations {
        let t = trio(place);
        let threats = t.m.threats();
        let boundary_rules = |r: &str| r.starts_with("IX-") || r == "DF-T-02" || r == "DF-I-02";
        let actual: BTreeSet<(String, Id)> = threats
            .iter()
            .filter(|v| v.rule_id.as_deref().is_some_and(boundary_rules))
            .map(|v| (v.rule_id.clone().unwrap(), v.target_id.unwrap()))
            .collect();
        let expected: BTreeSet<(String, Id)> = expected(&t).into_iter().map(|(r, e)| (r.to_string(), e)).collect();
        assert_eq!(actual, expected, "{name}");
        // Whatever the situation, the categories on each element stay within the chart.
        for v in &threats {
            let kind = v.target_kind.unwrap();
            assert!(chart(kind, true).contains(&v.category), "{name}: {:?} on a {kind:?}", v.category);
        }
        // Interaction threats name the boundary they cross.
        for v in threats.iter().filter(|v| v.rule_id.as_deref().is_some_and(|r| r.starts_with("IX-"))) {
            assert!(v.why.contains("trust boundary “"), "{name}: {}", v.why);
        }
    }
}

#[test]
fn a_bidirectional_crossing_flow_both_enters_and_leaves() {
    let mut m = M::new();
    let b = m.boundary("DC", None);
    let p = m.process("Inside", Some(b));
    let e = m.entity("Partner", None);
    let f = m.flow_with("Sync", Some(p), Some(e), |f| {
        f.bidirectional = true;
        f.data_classification = Some(Classification::Confidential);
    });
    let threats = m.threats();
    assert!(find(&threats, "IX-I-01", f).is_some(), "confidential data leaves the boundary");
    // Drawn from the inside out, data still enters: the receiving rules look at the target
    // as drawn (the partner), which is no process.
    assert!(find(&threats, "IX-E-01", p).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Whatever the properties and boundaries, threats on an element stay within its row
    /// of the chart (data stores: repudiation only as audit logs).
    #[test]
    fn categories_never_leave_the_chart(seed in any::<u64>()) {
        let mut rng = seed;
        let mut next = move || { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; rng };
        let tri = move |n: u64| match n % 3 { 0 => None, 1 => Some(true), _ => Some(false) };
        let mut m = M::new();
        let outer = m.boundary("Outer", None);
        let inner = m.boundary("Inner", Some(outer));
        let zones = [None, Some(outer), Some(inner)];
        let mut nodes = Vec::new();
        for i in 0..6 {
            let parent = zones[(next() % 3) as usize];
            let e = match next() % 3 {
                0 => { let e = m.entity(&format!("E{i}"), parent); *m.entity_props(e) = EntityProperties { is_human: tri(next()), authenticated: tri(next()) }; e }
                1 => { let e = m.process(&format!("P{i}"), parent); let p = m.process_props(e); p.internet_facing = tri(next()); p.validates_input = tri(next()); p.authorizes_callers = tri(next()); p.logs_security_events = tri(next()); p.handles_secrets = tri(next()); p.privilege = [None, Some(Privilege::Root), Some(Privilege::User)][(next() % 3) as usize]; e }
                _ => { let e = m.store(&format!("S{i}"), parent); let s = m.store_props(e); s.is_audit_log = tri(next()); s.stores_credentials = tri(next()); s.encrypted_at_rest = tri(next()); s.backed_up = tri(next()); e }
            };
            nodes.push(e);
        }
        for i in 0..8 {
            let a = nodes[(next() % 6) as usize];
            let b = nodes[(next() % 6) as usize];
            if a != b {
                let (x, y, z, w) = (tri(next()), tri(next()), tri(next()), next() % 2 == 0);
                m.flow_with(&format!("F{i}"), Some(a), Some(b), |f| { f.encrypted_in_transit = x; f.authenticated = y; f.over_public_network = z; f.bidirectional = w; });
            }
        }
        let threats = m.threats();
        for v in &threats {
            let e = &m.doc.elements[&v.target_id.unwrap()];
            let audit = matches!(&e.properties, ElementProperties::DataStore(s) if s.is_audit_log == Some(true));
            prop_assert!(chart(e.kind(), audit).contains(&v.category), "{:?} on {:?} (audit {audit}) by {:?}", v.category, e.kind(), v.rule_id);
        }
    }
}

#[test]
fn properties_sharpen_scores_and_decide_conditional_threats() {
    let base = trio(|_| [None; 3]);
    let threats = base.m.threats();
    let l = |ts: &[ThreatView], r: &str, e: Id| find(ts, r, e).map(|t| (t.likelihood, t.impact));
    assert_eq!(l(&threats, "DF-I-01", base.f_in), Some((3, 3)));
    assert_eq!(l(&threats, "DS-I-01", base.store), Some((3, 3)));
    assert_eq!(l(&threats, "P-D-01", base.process), Some((3, 3)));
    assert!(find(&threats, "P-T-02", base.process).is_some(), "input validation not stated: injection");
    assert!(find(&threats, "DS-I-03", base.store).is_none());
    assert!(find(&threats, "P-R-01", base.process).is_some() && find(&threats, "P-R-02", base.process).is_none());

    let mut t = trio(|_| [None; 3]);
    t.m.flow_props(t.f_in).encrypted_in_transit = Some(true);
    t.m.store_props(t.store).stores_credentials = Some(true);
    t.m.process_props(t.process).internet_facing = Some(true);
    t.m.process_props(t.process).validates_input = Some(true);
    t.m.process_props(t.process).logs_security_events = Some(true);
    let threats = t.m.threats();
    assert_eq!(l(&threats, "DF-I-01", t.f_in), Some((1, 3)), "an encrypted flow lowers the likelihood of disclosure");
    assert_eq!(l(&threats, "DS-I-01", t.store), Some((3, 4)), "a store with credentials raises the impact");
    assert_eq!(l(&threats, "P-D-01", t.process), Some((4, 3)), "an internet-facing process raises the likelihood");
    assert!(find(&threats, "P-T-02", t.process).is_none(), "validated input: no injection threat");
    assert!(find(&threats, "DS-I-03", t.store).is_some(), "stored credentials are stolen and cracked");
    assert!(find(&threats, "P-R-01", t.process).is_none() && find(&threats, "P-R-02", t.process).is_some());

    // The adjustments are part of the why.
    let why = &find(&threats, "DF-I-01", t.f_in).unwrap().why;
    assert!(why.contains("likelihood -2: it is encrypted in transit"), "{why}");
    let why = &find(&threats, "DS-I-01", t.store).unwrap().why;
    assert!(why.contains("impact +1: it holds credentials"), "{why}");
}

#[test]
fn elements_out_of_scope_get_no_threats() {
    let mut t = trio(|_| [None; 3]);
    t.m.el(t.store).out_of_scope = true;
    let threats = t.m.threats();
    assert!(on(&threats, t.store).is_empty());
    assert!(!on(&threats, t.f_write).is_empty(), "the flow to it is still in scope");
}

#[test]
fn threats_name_their_elements_and_say_why() {
    let t = trio(|m| {
        let b = m.boundary("Data centre", None);
        [None, Some(b), Some(b)]
    });
    let threats = t.m.threats();
    let v = find(&threats, "DF-I-02", t.f_in).unwrap();
    assert_eq!(v.title, "“Order” carries data across “Data centre” unencrypted");
    assert_eq!(v.target_name, "Order");
    assert_eq!(v.target_kind, Some(ElementKind::DataFlow));
    assert!(v.why.starts_with("Rule DF-I-02 (rampart-stride, Information disclosure threat) fired for data flow “Order” from “Customer” to “Shop”"), "{}", v.why);
    assert!(v.why.contains("data flow “Order” crosses trust boundary “Data centre”"), "{}", v.why);
    assert!(v.why.contains("encrypted_in_transit = not stated"), "{}", v.why);
    assert!(v.references.contains(&"CWE-319".to_string()));
    assert!(!v.suggested_mitigations.is_empty());
    let v = find(&threats, "IX-E-01", t.process).unwrap();
    assert_eq!(v.title, "Input from “Customer” beyond “Data centre” gains the privileges of “Shop”");
    assert_eq!(v.flow_id, Some(t.f_in));
    assert!(v.why.contains("against its target process “Shop”"), "{}", v.why);
    let v = find(&threats, "P-S-01", t.process).unwrap();
    assert!(v.title.contains("“Shop”") && v.facts.iter().any(|f| f == "applies to every process"), "{v:?}");
}

#[test]
fn generation_is_deterministic_ids_order_and_bytes() {
    let build = || {
        trio(|m| {
            let b = m.boundary("DC", None);
            [None, Some(b), Some(b)]
        })
    };
    let a = build();
    let b = build();
    let ja = serde_json::to_string(&a.m.threats()).unwrap();
    let jb = serde_json::to_string(&b.m.threats()).unwrap();
    assert_eq!(ja, jb, "same model, same bytes");
    assert_eq!(ja, serde_json::to_string(&a.m.threats()).unwrap(), "generate twice, same bytes");
    // Ids are UUID v5 of the rule id and the element ids.
    let rules = rules();
    for v in a.m.threats() {
        let rule = v.rule_id.clone().unwrap();
        let subject = v.flow_id.unwrap_or(v.target_id.unwrap());
        assert_eq!(v.id, threat_id(&rule, subject, v.target_id.unwrap()));
        let mut name = rule.as_bytes().to_vec();
        name.push(0);
        name.extend_from_slice(subject.as_bytes());
        if subject != v.target_id.unwrap() {
            name.extend_from_slice(v.target_id.unwrap().as_bytes());
        }
        assert_eq!(v.id, uuid::Uuid::new_v5(&THREAT_NAMESPACE, &name));
        assert!(rules.rule(&rule).is_some());
    }
    let ids: BTreeSet<Id> = a.m.threats().iter().map(|t| t.id).collect();
    assert_eq!(ids.len(), a.m.threats().len(), "ids are unique");
}

#[test]
fn what_a_user_wrote_survives_regeneration() {
    let mut t = trio(|_| [None; 3]);
    let threats = t.m.threats();
    let view = find(&threats, "P-T-02", t.process).unwrap().clone();
    assert!(!view.edited && view.status == ThreatStatus::Open);
    let mut record = view.to_record();
    assert_eq!(record.origin, Origin::Generated);
    record.status = ThreatStatus::Mitigated;
    record.likelihood = 2;
    record.impact = 5;
    record.detectability = Some(4);
    record.decision = Some(Decision::Mitigate);
    record.rationale = "Schema validation at the gateway".into();
    record.owner = "Ana".into();
    record.due_date = Some("2026-12-31".into());
    record.reviewer = "Sam".into();
    record.review_date = Some("2026-06-30".into());
    record.notes = "See ticket 42".into();
    Operation::Put { records: vec![Record::Threat(record)] }.apply(&mut t.m.doc).unwrap();

    // An unrelated edit and a rename of the element: the texts follow the model, the user's
    // fields stay.
    Operation::Rename { key: RecordKey::new(RecordKind::Element, t.process), name: "Checkout".into() }.apply(&mut t.m.doc).unwrap();
    let threats = t.m.threats();
    let v = threats.iter().find(|v| v.id == view.id).unwrap();
    assert!(v.edited && !v.stale);
    assert_eq!(v.title, "Crafted input changes what “Checkout” does (injection)");
    assert_eq!((v.status, v.likelihood, v.impact, v.detectability), (ThreatStatus::Mitigated, 2, 5, Some(4)));
    assert_eq!((v.score, v.rpn, v.severity), (10, Some(40), Severity::High));
    assert_eq!(v.decision, Some(Decision::Mitigate));
    assert_eq!((v.owner.as_str(), v.reviewer.as_str(), v.notes.as_str()), ("Ana", "Sam", "See ticket 42"));
    assert_eq!((v.due_date.as_deref(), v.review_date.as_deref()), (Some("2026-12-31"), Some("2026-06-30")));
    assert_eq!(threats.iter().filter(|x| x.id == view.id).count(), 1, "the stored record is not listed twice");
}

#[test]
fn a_threat_whose_element_is_deleted_or_whose_rule_no_longer_applies_is_stale_not_dropped() {
    let mut t = trio(|_| [None; 3]);
    let threats = t.m.threats();
    let injection = find(&threats, "P-T-02", t.process).unwrap().clone();
    let flow_threat = find(&threats, "DF-I-01", t.f_write).unwrap().clone();
    let store_threat = find(&threats, "DS-I-01", t.store).unwrap().clone();
    let mut records = vec![];
    for v in [&injection, &flow_threat, &store_threat] {
        let mut r = v.to_record();
        r.notes = "reviewed".into();
        records.push(Record::Threat(r));
    }
    let manual = Threat { id: id(4242), title: "Insider copies the orders".into(), category: InformationDisclosure, target: Some(t.store), ..Default::default() };
    records.push(Record::Threat(manual.clone()));
    Operation::Put { records }.apply(&mut t.m.doc).unwrap();

    // The rule no longer applies: input validation is now stated.
    t.m.process_props(t.process).validates_input = Some(true);
    // The store is deleted (its flows with it).
    Operation::Delete { keys: vec![RecordKey::new(RecordKind::Element, t.store)] }.apply(&mut t.m.doc).unwrap();
    assert_eq!(t.m.doc.threats.len(), 4, "deleting elements keeps the threat records");

    let threats = t.m.threats();
    let get = |id: Id| threats.iter().find(|v| v.id == id).unwrap_or_else(|| panic!("{id} was dropped"));
    let v = get(injection.id);
    assert!(v.stale && v.edited && v.notes == "reviewed");
    assert!(v.stale_reason.as_deref().unwrap().contains("rule P-T-02 no longer applies to process “Shop”"), "{:?}", v.stale_reason);
    assert_eq!(v.title, injection.title, "a stale threat keeps what it said");
    for gone in [flow_threat.id, store_threat.id, manual.id] {
        let v = get(gone);
        assert!(v.stale, "{v:?}");
        assert_eq!(v.stale_reason.as_deref(), Some("its element was deleted"));
        assert!(!v.needs_decision(), "stale threats do not fail `check`");
    }
    // A rule pack that is not loaded.
    let mut t2 = trio(|_| [None; 3]);
    let v = find(&t2.m.threats(), "EE-S-01", t2.entity).unwrap().to_record();
    t2.m.doc.threats.insert(v.id, v.clone());
    let none = Analysis::new(&t2.m.doc, Arc::new(RuleSet::empty())).threats(&t2.m.doc);
    assert_eq!(none.len(), 1);
    assert!(none[0].stale_reason.as_deref().unwrap().contains("not among the loaded rule packs"));
    // Setting the property back makes the same threat (same id) live again, with its notes.
    let _ = &mut t2;
    t.m.process_props(t.process).validates_input = None;
    let v = t.m.threats().into_iter().find(|v| v.id == injection.id).unwrap();
    assert!(!v.stale && v.notes == "reviewed");
}

#[test]
fn the_register_lists_manual_threats_with_their_target() {
    let mut t = trio(|_| [None; 3]);
    let manual = Threat {
        id: id(4243),
        title: "Warehouse staff leak addresses".into(),
        category: InformationDisclosure,
        target: Some(t.store),
        likelihood: 4,
        impact: 4,
        ..Default::default()
    };
    t.m.doc.threats.insert(manual.id, manual.clone());
    let analysis = Analysis::new(&t.m.doc, rules());
    let all = analysis.threats(&t.m.doc);
    let v = all.iter().find(|v| v.id == manual.id).unwrap();
    assert_eq!((v.origin, v.stale, v.severity, v.target_name.as_str()), (Origin::Manual, false, Severity::Critical, "Orders"));
    assert_eq!(v.why, "Added by hand.");
    let on_store = analysis.threats_on(&t.m.doc, &t.store);
    assert!(on_store.iter().any(|v| v.id == manual.id));
    assert!(on_store.iter().all(|v| v.target_id == Some(t.store)));
    assert!(on_store.iter().any(|v| v.rule_id.as_deref() == Some("DS-I-01")));
    for v in &all {
        assert_eq!(analysis.threat(&t.m.doc, &v.id).as_ref(), Some(v));
    }
}

#[test]
fn user_rule_packs_add_rules_and_bad_ones_are_refused_clearly() {
    let pack = r#"{
      "pack": "payments",
      "version": "1",
      "rules": [{
        "id": "PAY-001",
        "category": "Information disclosure",
        "applies_to": "data_flow",
        "threat_on": "target",
        "when": {"all": [{"has_tag": "PCI"}, {"target": {"kind": "data_store"}}, {"property": "data_classification", "at_least": "confidential"}]},
        "title": "Card data from {source} lands in {target}",
        "description": "{element} carries card data into {target}.",
        "likelihood": 2, "impact": 5,
        "adjust": [{"when": {"property": "encrypted_in_transit", "is": false}, "likelihood": 2, "because": "sent in clear"}],
        "mitigations": ["Tokenise before storing"],
        "references": ["CWE-311"]
      }]
    }"#;
    let mut rules = RuleSet::builtin().unwrap();
    let before = rules.len();
    rules.add_pack(pack).expect("a valid pack");
    assert_eq!(rules.len(), before + 1);
    let mut t = trio(|_| [None; 3]);
    t.m.el(t.f_write).tags = vec!["pci".into()];
    t.m.flow_props(t.f_write).data_classification = Some(Classification::Secret);
    t.m.flow_props(t.f_write).encrypted_in_transit = Some(false);
    let threats = Analysis::new(&t.m.doc, Arc::new(rules.clone())).threats(&t.m.doc);
    let v = find(&threats, "PAY-001", t.store).expect("the pack's rule fires");
    assert_eq!(v.title, "Card data from “Shop” lands in “Orders”");
    assert_eq!((v.likelihood, v.impact), (4, 5));
    assert!(v.why.contains("(payments, Information disclosure threat)") && v.why.contains("is tagged “pci”"), "{}", v.why);

    let broken = |edit: &str| pack.replace(r#""likelihood": 2, "impact": 5"#, edit);
    let cases: Vec<(String, &str)> = vec![
        ("{ not json".to_string(), "not a valid rule pack"),
        (pack.replace("\"threat_on\"", "\"threat_onn\""), "unknown field `threat_onn`"),
        (pack.replace("Information disclosure", "Leaks"), "category is one of Spoofing"),
        (pack.replace("\"has_tag\": \"PCI\"", "\"property\": \"encrypted\", \"is\": true"), "unknown property “encrypted”"),
        (pack.replace("\"has_tag\": \"PCI\"", "\"property\": \"stores_pii\", \"is\": true"), "data_flow has no property “stores_pii”"),
        (pack.replace("{source}", "{sender}"), "unknown placeholder {sender}"),
        (broken(r#""likelihood": 9, "impact": 5"#), "likelihood is 1 to 5, not 9"),
        (pack.replace("\"at_least\": \"confidential\"", "\"at_least\": \"top secret\""), "one of public, internal, confidential, secret"),
        (pack.replace("\"data_flow\"", "\"process\"").replace("{source}", "{element}").replace("{target}", "{element}"), "threat_on source or target is for rules that apply to data_flow alone"),
        (pack.replace("CWE-311", "OWASP-A1"), "reference “OWASP-A1”"),
        (pack.replace("PAY-001", "P-S-01"), "already used"),
        (pack.replace("\"because\": \"sent in clear\"", "\"because\": \"\""), "say why"),
    ];
    for (text, expected) in cases {
        let mut set = RuleSet::builtin().unwrap();
        let err = set.add_pack(&text).expect_err(expected);
        assert!(err.to_string().contains(expected), "expected “{expected}” in: {err}");
        assert_eq!(set.len(), before, "a refused pack adds nothing");
    }
    let err = rules.add_pack(pack).unwrap_err();
    assert!(err.to_string().contains("already loaded"), "{err}");
}

fn fixture_roots() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![here.join("../../../shared/fixtures")]
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| ["json", "yaml", "yml", "xml", "tm7"].contains(&e.to_string_lossy().as_ref())) {
            out.push(path);
        }
    }
}

/// Every model in ../shared/fixtures that an importer reads gives findings and threats,
/// without a panic, deterministically, with unique ids.
#[test]
fn the_real_models_the_importers_read_are_validated_and_threat_modelled() {
    let mut files = Vec::new();
    for root in fixture_roots() {
        if !root.exists() {
            eprintln!("SKIPPED: {} is absent (it lives in ../shared beside the repository)", root.display());
            return;
        }
        collect(&root, &mut files);
    }
    let rules = rules();
    let (mut models, mut threat_dragon, mut with_threats) = (0, 0, 0);
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let Ok(imported) = rampart_engine::interop::import(&bytes, &path) else { continue };
        models += 1;
        if imported.format.starts_with("Threat Dragon") {
            threat_dragon += 1;
        }
        let doc = imported.document;
        let analysis = Analysis::new(&doc, rules.clone());
        let validation = analysis.validation(&doc);
        let threats = analysis.threats(&doc);
        for f in validation.findings.iter().chain(validation.dismissed.iter().map(|d| &d.finding)) {
            assert!(!f.message.is_empty() && !f.element_ids.is_empty(), "{}: {f:?}", path.display());
        }
        let ids: BTreeSet<Id> = threats.iter().map(|t| t.id).collect();
        assert_eq!(ids.len(), threats.len(), "{}: duplicate threat ids", path.display());
        assert_eq!(
            serde_json::to_string(&threats).unwrap(),
            serde_json::to_string(&Analysis::new(&doc, rules.clone()).threats(&doc)).unwrap(),
            "{}",
            path.display()
        );
        if threats.iter().any(|t| t.origin == Origin::Generated) {
            with_threats += 1;
        }
        eprintln!("{}: {} findings, {} threats", path.display(), validation.findings.len(), threats.len());
    }
    assert!(threat_dragon >= 10, "only {threat_dragon} Threat Dragon models were read");
    assert!(with_threats >= 10 && models >= threat_dragon, "{with_threats} of {models} models got generated threats");
}

#[test]
fn the_webshop_example_gives_findings_and_threats() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webshop.rampart.json");
    if !path.exists() {
        eprintln!("SKIPPED: {} is absent", path.display());
        return;
    }
    let doc = rampart_engine::files::load(&path).unwrap();
    let analysis = Analysis::new(&doc, rules());
    let validation = analysis.validation(&doc);
    assert!(!validation.has_errors(), "the example is a correct diagram: {:#?}", validation.findings);
    let threats = analysis.threats(&doc);
    assert!(threats.len() > 40, "{}", threats.len());
    for kind in [ElementKind::ExternalEntity, ElementKind::Process, ElementKind::DataStore, ElementKind::DataFlow] {
        assert!(threats.iter().any(|t| t.target_kind == Some(kind) && t.origin == Origin::Generated), "{kind:?}");
    }
    assert!(threats.iter().any(|t| t.rule_id.as_deref().is_some_and(|r| r.starts_with("IX-"))), "the example has flows across boundaries");
    // Its stored threats are all listed.
    for id in doc.threats.keys() {
        assert!(threats.iter().any(|t| t.id == *id));
    }
}
