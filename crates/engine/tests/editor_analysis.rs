//! The analysis an open model keeps: it follows every edit, undo and redo, and its
//! overview (findings and badges) says what the canvas shows.

mod common;

use std::sync::Arc;

use common::*;
use rampart_engine::analysis::{Analysis, RuleSet};
use rampart_engine::*;

fn rules() -> Arc<RuleSet> {
    Arc::new(RuleSet::builtin().unwrap())
}

/// The kept analysis must equal a fresh full run on the document as it now is.
fn assert_current(editor: &mut Editor, rules: &Arc<RuleSet>, when: &str) {
    let full = Analysis::new(editor.document(), rules.clone());
    let doc = editor.document().clone();
    let kept = editor.analysis(rules);
    assert!(*kept == full, "the kept analysis differs from a full run {when}");
    assert_eq!(kept.overview(&doc), full.overview(&doc), "overview {when}");
}

#[test]
fn the_kept_analysis_follows_edits_undo_and_redo() {
    let rules = rules();
    let (_dir, _path, mut editor) = editor_with(sample());
    editor.analysis(&rules); // start keeping it
    let d = *editor.document().diagrams.keys().next().unwrap();
    let intruder = id(900);
    editor
        .apply(&put(vec![Record::Element(flow(intruder, d, "exfiltrate", s::db(), s::user()))]), None)
        .unwrap();
    assert_current(&mut editor, &rules, "after adding a flow");
    editor.apply(&Operation::Delete { keys: vec![el(s::inner())] }, None).unwrap();
    assert_current(&mut editor, &rules, "after deleting a boundary");
    editor.undo().unwrap();
    assert_current(&mut editor, &rules, "after undo");
    editor.redo().unwrap();
    assert_current(&mut editor, &rules, "after redo");
}

#[test]
fn a_flow_into_a_boundary_gives_its_target_threat_badges() {
    let rules = rules();
    let (_dir, _path, mut editor) = editor_with(sample());
    let doc = editor.document().clone();
    let before = editor.analysis(&rules).overview(&doc);
    let badge = |o: &analysis::Overview, e: Id| o.annotations.iter().find(|a| a.element == e).map_or(0, |a| a.threats);
    // Worker (outside every boundary) starts writing to the API inside "App zone".
    let d = doc.elements[&s::api()].diagram;
    editor.apply(&put(vec![Record::Element(flow(id(901), d, "push", s::worker(), s::api()))]), None).unwrap();
    let doc = editor.document().clone();
    let after = editor.analysis(&rules).overview(&doc);
    assert!(badge(&after, id(901)) > 0, "the new crossing flow has threats of its own");
    assert!(badge(&after, s::api()) > badge(&before, s::api()), "the API gains threats from a new input across a boundary");
    assert!(after.threat_count > before.threat_count);
}

#[test]
fn findings_show_on_the_elements_they_name_until_dismissed() {
    let rules = rules();
    let mut doc = sample();
    // A process with no flows at all: a finding about that process.
    let d = doc.elements[&s::api()].diagram;
    put(vec![Record::Element(process(id(950), d, "Lonely", None))]).apply(&mut doc).unwrap();
    let (_dir, _path, mut editor) = editor_with(doc);
    let doc = editor.document().clone();
    let overview = editor.analysis(&rules).overview(&doc);
    let finding = overview.validation.findings.iter().find(|f| f.element_ids.contains(&id(950))).expect("a finding about the lonely process").clone();
    let badge = overview.annotations.iter().find(|a| a.element == id(950)).expect("a badge on the lonely process");
    assert!(badge.findings >= 1);
    assert!(badge.highest_finding.is_some_and(|s| s <= finding.severity), "the badge shows the most severe finding");

    let dismissal = Dismissal { id: finding.id, code: finding.code.clone(), element_ids: finding.element_ids.clone(), reason: "drawn on purpose".into(), ..Default::default() };
    editor.apply(&put(vec![Record::Dismissal(dismissal)]), None).unwrap();
    let doc = editor.document().clone();
    let overview = editor.analysis(&rules).overview(&doc);
    assert!(overview.validation.findings.iter().all(|f| f.id != finding.id), "a dismissed finding leaves the list");
    assert!(overview.validation.dismissed.iter().any(|f| f.finding.id == finding.id && f.dismissal.reason == "drawn on purpose"));
}

#[test]
fn changing_the_rules_reruns_the_analysis() {
    let (_dir, _path, mut editor) = editor_with(sample());
    let builtin = rules();
    let doc = editor.document().clone();
    let with_builtin = editor.analysis(&builtin).overview(&doc).threat_count;
    let none = Arc::new(RuleSet::empty());
    let with_none = editor.analysis(&none).overview(&doc).threat_count;
    assert!(with_builtin > with_none, "no rules, fewer threats ({with_builtin} vs {with_none})");
    assert_eq!(with_none as usize, doc.threats.len(), "without rules only the stored threats remain");
}

/// The overview counts without wording threats; it must agree with the register itself.
fn assert_overview_matches_register(doc: &Document, analysis: &Analysis, when: &str) {
    use std::collections::BTreeMap;
    let register = analysis.threats(doc);
    let mut expected: BTreeMap<Id, (u32, Option<risk::Severity>)> = BTreeMap::new();
    for t in register.iter().filter(|t| !t.stale && t.status == ThreatStatus::Open) {
        let Some(target) = t.target_id else { continue };
        let e = expected.entry(target).or_insert((0, None));
        e.0 += 1;
        e.1 = e.1.max(Some(t.severity));
    }
    let overview = analysis.overview(doc);
    let actual: BTreeMap<Id, (u32, Option<risk::Severity>)> =
        overview.annotations.iter().filter(|a| a.threats > 0).map(|a| (a.element, (a.threats, a.highest_threat))).collect();
    assert_eq!(actual, expected, "badges vs register {when}");
    assert_eq!(overview.threat_count as usize, register.len(), "threat count {when}");
    assert_eq!(overview.undecided as usize, register.iter().filter(|t| t.needs_decision()).count(), "undecided {when}");
}

#[test]
fn the_overview_agrees_with_the_register_through_edits_manual_and_stale_threats() {
    let rules = rules();
    let (_dir, _path, mut editor) = editor_with(sample());
    let (doc, analysis) = editor.analysed(&rules);
    assert_overview_matches_register(doc, analysis, "at the start");
    let generated = analysis.threats(doc).into_iter().find(|t| !t.stale && t.origin == Origin::Generated && t.target_id == Some(s::api())).unwrap();

    // Raise one generated threat to critical, accept another, add a manual one.
    let mut raised = generated.to_record();
    raised.likelihood = 5;
    raised.impact = 5;
    editor.apply(&put(vec![Record::Threat(raised)]), None).unwrap();
    let (doc, analysis) = editor.analysed(&rules);
    assert_overview_matches_register(doc, analysis, "after an edit raised a threat");
    let other = analysis.threats(doc).into_iter().find(|t| !t.stale && t.id != generated.id && t.target_id.is_some()).unwrap();
    let mut accepted = other.to_record();
    accepted.status = ThreatStatus::Accepted;
    let manual = Threat { id: id(990), title: "Insider".into(), target: Some(s::worker()), origin: Origin::Manual, likelihood: 4, impact: 4, ..Default::default() };
    editor.apply(&put(vec![Record::Threat(accepted), Record::Threat(manual)]), None).unwrap();
    let (doc, analysis) = editor.analysed(&rules);
    assert_overview_matches_register(doc, analysis, "after accepting one and adding a manual one");

    // Deleting the API makes its edited threat stale, and the manual one on the worker too when it goes.
    editor.apply(&Operation::Delete { keys: vec![el(s::api()), el(s::worker())] }, None).unwrap();
    let (doc, analysis) = editor.analysed(&rules);
    assert!(analysis.threats(doc).iter().any(|t| t.stale), "deleting made something stale");
    assert_overview_matches_register(doc, analysis, "after deletes made threats stale");
}
