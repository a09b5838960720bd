//! What the app shows of the analysis at a glance: the findings, and per element the
//! counts its badges draw. Computed from [`Analysis`], so the canvas never counts itself.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::{Analysis, FindingSeverity, Validation};
use crate::document::Document;
use crate::model::{Id, ThreatStatus};
use crate::risk::Severity;

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
        let threats = self.threats(doc);
        for threat in threats.iter().filter(|t| !t.stale && t.status == ThreatStatus::Open) {
            let Some(target) = threat.target_id else { continue };
            let a = entry(&mut by_element, target);
            a.threats += 1;
            a.highest_threat = Some(a.highest_threat.map_or(threat.severity, |s| s.max(threat.severity)));
        }
        Overview {
            validation,
            annotations: by_element.into_values().collect(),
            threat_count: threats.len() as u32,
            undecided: threats.iter().filter(|t| t.needs_decision()).count() as u32,
        }
    }
}

fn entry(annotations: &mut BTreeMap<Id, Annotation>, id: Id) -> &mut Annotation {
    annotations.entry(id).or_insert(Annotation { element: id, threats: 0, highest_threat: None, findings: 0, highest_finding: None })
}
