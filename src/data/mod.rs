//! Reading and validating the data files: YAML in, typed and checked values out.

pub mod crossings;
pub mod pilot;
mod pilot_terms;
pub mod revisions;
mod series;
pub mod table;

pub use pilot_terms::{PilotParameters, ReportedCount, Scenario, ScheduleStep};
#[cfg(test)]
pub use series::tests::series_from;
pub use series::{DailyArrivals, Series, offset};
