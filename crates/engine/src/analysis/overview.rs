//! What the app shows of the analysis at a glance: the findings, and per element the
//! counts its badges draw. Computed from [`Analysis`], so the canvas never counts itself.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use super::{Analysis, FindingSeverity, Validation};
use crate::document::Document;
use crate::model::{Id, Origin, ThreatStatus};
use crate::risk::{self, Severity};

/// The badges of one element or flow.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct Annotation {
    pub element: Id,
    /// Open threats against it (not stale, status Open).
    pub threats: u32,
    /// The highest severity among those threats.
    pub highest_threat: Option<Severity>,
    /// Open (not dismissed) validation findings naming it.
    pub findings: u32,
    pub highest_finding: Option<FindingSeverity>,
}

/// The findings and the per-element badges, after the latest change.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Overview {
    pub validation: Validation,
    /// Elements with at least one open threat or finding, by element id.
    pub annotations: Vec<Annotation>,
    /// Every threat in the register, stale ones included.
    pub threat_count: u32,
    /// Threats that are open, not stale and have no decision yet.
    pub undecided: u32,
}

impl Analysis {
    /// Cheap enough to ask after every edit: it reads scores and statuses, and words no
    /// threat (rendering the whole register of a 10,000-element model takes seconds).
    pub fn overview(&self, doc: &Document) -> Overview {
        let validation = self.validation(doc);
        let mut by_element: BTreeMap<Id, Annotation> = BTreeMap::new();
        for finding in &validation.findings {
            for id in &finding.element_ids {
                let a = entry(&mut by_element, *id);
                a.findings += 1;
                // Errors sort first in FindingSeverity, so the smallest is the most severe.
                a.highest_finding = Some(a.highest_finding.map_or(finding.severity, |s| s.min(finding.severity)));
            }
        }
        let mut count_open = |target: Id, severity: Severity| {
            let a = entry(&mut by_element, target);
            a.threats += 1;
            a.highest_threat = Some(a.highest_threat.map_or(severity, |s| s.max(severity)));
        };
        let mut matched: HashSet<Id> = HashSet::new();
        let mut undecided = 0;
        for g in self.generated() {
            let id = g.id(self.rules());
            let stored = doc.threats.get(&id);
            if stored.is_some() {
                matched.insert(id);
            }
            // What a user wrote on a generated threat overrides what the rule said.
            let (status, decision, severity) = match stored {
                Some(t) => (t.status, t.decision, risk::severity(t)),
                None => (ThreatStatus::Open, None, risk::severity_of(g.likelihood, g.impact, None)),
            };
            if status == ThreatStatus::Open {
                count_open(g.target, severity);
                undecided += u32::from(decision.is_none());
            }
        }
        // Stored threats the rules do not generate: manual ones count while their element
        // exists; generated ones no longer generated are stale and count nowhere.
        let unmatched = doc.threats.values().filter(|t| !matched.contains(&t.id));
        let mut stored_only = 0;
        for t in unmatched {
            stored_only += 1;
            let live_target = t.target.filter(|e| t.origin == Origin::Manual && doc.elements.contains_key(e));
            if let (Some(target), ThreatStatus::Open) = (live_target, t.status) {
                count_open(target, risk::severity(t));
                undecided += u32::from(t.decision.is_none());
            }
        }
        Overview {
            validation,
            annotations: by_element.into_values().collect(),
            threat_count: (self.generated_count() + stored_only) as u32,
            undecided,
        }
    }
}

fn entry(annotations: &mut BTreeMap<Id, Annotation>, id: Id) -> &mut Annotation {
    annotations.entry(id).or_insert(Annotation { element: id, threats: 0, highest_threat: None, findings: 0, highest_finding: None })
}
