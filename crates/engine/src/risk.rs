//! Risk: one formula, used everywhere a score or severity is shown.
//!
//! score = likelihood x impact (1..=25). Severity bands: 1-4 Low, 5-9 Medium, 10-15 High,
//! 16-25 Critical. So 3x3 is Medium, 3x4 High, 4x4 Critical.
//!
//! When a threat has a detectability (1..=5, scored inversely: 1 = an attack is surely
//! noticed, 5 = it goes unnoticed), its risk priority number is
//! rpn = likelihood x impact x detectability (1..=125), and its severity is the band of
//! round(rpn / 3): detectability 3 is neutral (same severity as without it), 4 and 5 raise
//! the severity, 1 and 2 lower it. So 3x3 with detectability 5 is High (rpn 45, 45/3 = 15),
//! 4x4 with detectability 1 is Medium (rpn 16, 16/3 = 5.3).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Threat;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, TS)]
#[ts(export)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn of_score(score: u32) -> Severity {
        match score {
            0..=4 => Severity::Low,
            5..=9 => Severity::Medium,
            10..=15 => Severity::High,
            _ => Severity::Critical,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }

    /// A likelihood and impact whose score falls in this band, for formats that store
    /// only a severity.
    pub fn typical_scores(self) -> (u8, u8) {
        match self {
            Severity::Low => (2, 2),
            Severity::Medium => (3, 3),
            Severity::High => (3, 4),
            Severity::Critical => (4, 5),
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

pub fn score(threat: &Threat) -> u32 {
    u32::from(threat.likelihood) * u32::from(threat.impact)
}

/// The risk priority number, when the threat has a detectability.
pub fn rpn(threat: &Threat) -> Option<u32> {
    rpn_of(threat.likelihood, threat.impact, threat.detectability)
}

pub fn severity(threat: &Threat) -> Severity {
    severity_of(threat.likelihood, threat.impact, threat.detectability)
}

/// likelihood x impact x detectability, when the detectability is set.
pub fn rpn_of(likelihood: u8, impact: u8, detectability: Option<u8>) -> Option<u32> {
    detectability.map(|d| u32::from(likelihood) * u32::from(impact) * u32::from(d))
}

/// The one severity formula (see the module documentation).
pub fn severity_of(likelihood: u8, impact: u8, detectability: Option<u8>) -> Severity {
    match rpn_of(likelihood, impact, detectability) {
        Some(rpn) => Severity::of_score((rpn + 1) / 3),
        None => Severity::of_score(u32::from(likelihood) * u32::from(impact)),
    }
}
