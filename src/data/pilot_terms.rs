//! The returns pilot's terms as `data/pilot.yaml` states them, once
//! validated: its dates, planned-returns schedule, reported counts and
//! capacity scenarios. The model reads these; it never reads the file.

use jiff::civil::Date;
use serde::Serialize;

/// One step of the planned-returns schedule: `per_week` from `from` until
/// the day before the next step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleStep {
    /// First day of the step.
    pub from: Date,
    /// Planned returns per week.
    pub per_week: f64,
}

/// A reported cumulative count of people returned under the pilot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportedCount {
    /// The day the count refers to.
    pub date: Date,
    /// People returned to France, cumulative.
    pub returned: u64,
    /// People admitted to the UK by the legal route, cumulative, where reported.
    pub admitted: Option<u64>,
    /// Who reported it.
    pub source: String,
    /// How the count was worded, where it was not exact ("over 900").
    pub note: Option<String>,
}

/// A named capacity scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// The scenario's name.
    pub name: String,
    /// Returns per week.
    pub per_week: f64,
}

/// The pilot's parameters, as validated from `data/pilot.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PilotParameters {
    /// First day in force.
    pub starts: Date,
    /// Last day in force; `None` while no end has been announced.
    pub ends: Option<Date>,
    /// The planned-returns schedule, in date order.
    pub schedule: Vec<ScheduleStep>,
    /// Share of arrivals eligible for return (1.0 = all).
    pub eligible_share: f64,
    /// Reported cumulative counts, in date order.
    pub reports: Vec<ReportedCount>,
    /// Capacity scenarios.
    pub scenarios: Vec<Scenario>,
}
