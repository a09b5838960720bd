//! Risk: one formula, used everywhere a score or severity is shown.
//!
//! score = likelihood x impact (1..=25). Severity bands: 1-4 Low, 5-9 Medium, 10-15 High,
//! 16-25 Critical. So 3x3 is Medium, 3x4 High, 4x4 Critical.

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

pub fn severity(threat: &Threat) -> Severity {
    Severity::of_score(score(threat))
}
