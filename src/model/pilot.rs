//! METHOD.md §4: the UK–France returns pilot against arrivals in its window.

use jiff::civil::Date;
use serde::Serialize;

use super::{percent, round_count};
use crate::data::{PilotParameters, ReportedCount, Series, offset};

/// A reported count set against the plan at its date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportedDelivery {
    /// The reported count.
    #[serde(flatten)]
    pub report: ReportedCount,
    /// Planned returns by the report's date, rounded.
    pub planned: u64,
    /// `100 × returned / planned`; null when nothing was yet planned.
    pub delivery_pct: Option<f64>,
}

/// What a scenario's capacity would have returned over the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioOutcome {
    /// The scenario's name.
    pub name: String,
    /// Returns per week.
    pub per_week: f64,
    /// `min(per_week × weeks, eligible_share × arrivals)`, rounded.
    pub returns: u64,
    /// `100 × returns / arrivals`; null when nobody arrived.
    pub share_pct: Option<f64>,
}

/// The pilot figures as of a date. Every figure is null before the pilot
/// starts; the parameters stay, so a brief can say when it will.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PilotFigures {
    /// First day in force.
    pub starts: Date,
    /// Last day in force, if announced.
    pub ends: Option<Date>,
    /// Whether the as-of date is on or after `starts`.
    pub started: bool,
    /// Last day of the window, `min(ends, as_of)`.
    pub window_end: Option<Date>,
    /// Days in the window, both ends included.
    pub days: Option<i64>,
    /// `days / 7`, unrounded.
    pub weeks: Option<f64>,
    /// People arrived in the window.
    pub arrivals: Option<u64>,
    /// Planned returns over the window, rounded.
    pub planned_returns: Option<u64>,
    /// `100 × planned_returns / arrivals`.
    pub planned_share_pct: Option<f64>,
    /// `arrivals / weeks`, rounded.
    pub arrivals_per_week: Option<u64>,
    /// Weekly returns needed to return 10% of arrivals, rounded.
    pub capacity_for_10pct: Option<u64>,
    /// Weekly returns needed to return 50% of arrivals, rounded.
    pub capacity_for_50pct: Option<u64>,
    /// Reported counts up to the as-of date, each against the plan.
    pub reported: Option<Vec<ReportedDelivery>>,
    /// The latest reported count up to the as-of date.
    pub latest_report: Option<ReportedDelivery>,
    /// Capacity scenarios over the window.
    pub scenarios: Option<Vec<ScenarioOutcome>>,
}

/// Planned returns by `t`: each step's weekly rate over its days in
/// `[starts, t]`, with `t` held to `ends` (no returns are planned after the
/// pilot ends). Unrounded.
pub fn planned_by(pilot: &PilotParameters, t: Date) -> f64 {
    let until = match pilot.ends {
        Some(end) if end < t => end,
        _ => t,
    };
    let mut planned = 0.0;
    for (i, step) in pilot.schedule.iter().enumerate() {
        let from = step.from.max(pilot.starts);
        let step_last = pilot
            .schedule
            .get(i + 1)
            .and_then(|next| next.from.yesterday().ok());
        let to = match step_last {
            Some(last) if last < until => last,
            _ => until,
        };
        let days = offset(from, to) + 1;
        if days > 0 {
            planned += step.per_week * days as f64 / 7.0;
        }
    }
    planned
}

/// The pilot's figures as of the series' last day.
pub fn pilot_figures(series: &Series, pilot: &PilotParameters) -> PilotFigures {
    let as_of = series.last();
    let mut figures = PilotFigures {
        starts: pilot.starts,
        ends: pilot.ends,
        started: as_of >= pilot.starts,
        window_end: None,
        days: None,
        weeks: None,
        arrivals: None,
        planned_returns: None,
        planned_share_pct: None,
        arrivals_per_week: None,
        capacity_for_10pct: None,
        capacity_for_50pct: None,
        reported: None,
        latest_report: None,
        scenarios: None,
    };
    if !figures.started {
        return figures;
    }
    let end = pilot.ends.map_or(as_of, |e| e.min(as_of));
    let days = offset(pilot.starts, end) + 1;
    let weeks = days as f64 / 7.0;
    let arrivals = series.people_between(pilot.starts, end);
    let planned = planned_by(pilot, end);
    let ratio = |part: f64| (arrivals > 0).then(|| percent(part / arrivals as f64));
    let per_week = arrivals as f64 / weeks;
    let reported: Vec<ReportedDelivery> = pilot
        .reports
        .iter()
        .filter(|r| r.date <= as_of)
        .map(|r| {
            let planned = planned_by(pilot, r.date);
            ReportedDelivery {
                report: r.clone(),
                planned: round_count(planned),
                delivery_pct: (planned > 0.0).then(|| percent(r.returned as f64 / planned)),
            }
        })
        .collect();
    let scenarios = pilot
        .scenarios
        .iter()
        .map(|s| {
            let returns = (s.per_week * weeks).min(pilot.eligible_share * arrivals as f64);
            ScenarioOutcome {
                name: s.name.clone(),
                per_week: s.per_week,
                returns: round_count(returns),
                share_pct: ratio(returns),
            }
        })
        .collect();
    figures.window_end = Some(end);
    figures.days = Some(days);
    figures.weeks = Some(weeks);
    figures.arrivals = Some(arrivals);
    figures.planned_returns = Some(round_count(planned));
    figures.planned_share_pct = ratio(planned);
    figures.arrivals_per_week = Some(round_count(per_week));
    figures.capacity_for_10pct = Some(round_count(0.10 * per_week));
    figures.capacity_for_50pct = Some(round_count(0.50 * per_week));
    figures.latest_report = reported.last().cloned();
    figures.reported = Some(reported);
    figures.scenarios = Some(scenarios);
    figures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Scenario, ScheduleStep, series_from};
    use jiff::civil::date;

    fn pilot(starts: Date, ends: Option<Date>) -> PilotParameters {
        PilotParameters {
            starts,
            ends,
            schedule: vec![ScheduleStep {
                from: starts,
                per_week: 50.0,
            }],
            eligible_share: 1.0,
            reports: vec![ReportedCount {
                date: date(2025, 1, 15),
                returned: 20,
                admitted: None,
                source: "test".into(),
                note: None,
            }],
            scenarios: vec![
                Scenario {
                    name: "small".into(),
                    per_week: 50.0,
                },
                Scenario {
                    name: "huge".into(),
                    per_week: 100_000.0,
                },
            ],
        }
    }

    #[test]
    fn planned_counts_each_step_until_the_day_before_the_next() {
        let mut p = pilot(date(2025, 1, 1), None);
        p.schedule.push(ScheduleStep {
            from: date(2025, 1, 8),
            per_week: 70.0,
        });
        // 7 days at 50/week, then 3 days (8-10 January) at 70/week.
        assert_eq!(planned_by(&p, date(2025, 1, 10)), 50.0 + 30.0);
        assert_eq!(planned_by(&p, date(2025, 1, 1)), 50.0 / 7.0);
        assert_eq!(planned_by(&p, date(2024, 12, 31)), 0.0);
        // Nothing is planned after the pilot ends.
        p.ends = Some(date(2025, 1, 7));
        assert_eq!(planned_by(&p, date(2025, 3, 1)), 50.0);
    }

    #[test]
    fn window_runs_from_start_to_the_earlier_of_end_and_as_of() {
        // 100 people a day from 1 December 2024 to 28 February 2025.
        let s = series_from(date(2024, 12, 1), &[100; 90]);
        let f = pilot_figures(&s, &pilot(date(2025, 1, 1), Some(date(2025, 1, 28))));
        assert_eq!(f.window_end, Some(date(2025, 1, 28)));
        assert_eq!(f.days, Some(28));
        assert_eq!(f.weeks, Some(4.0));
        assert_eq!(f.arrivals, Some(2800));
        assert_eq!(f.planned_returns, Some(200));
        assert_eq!(f.planned_share_pct, Some(7.1));
        assert_eq!(f.arrivals_per_week, Some(700));
        assert_eq!(f.capacity_for_10pct, Some(70));
        assert_eq!(f.capacity_for_50pct, Some(350));
        let report = &f.reported.as_ref().unwrap()[0];
        // 15 days at 50/week = 107.14…; 20 returned is 18.7% of plan.
        assert_eq!(report.planned, 107);
        assert_eq!(report.delivery_pct, Some(18.7));
        let scenarios = f.scenarios.unwrap();
        assert_eq!(scenarios[0].returns, 200);
        // Capacity beyond everyone eligible returns only the eligible.
        assert_eq!(scenarios[1].returns, 2800);
        assert_eq!(scenarios[1].share_pct, Some(100.0));
    }

    #[test]
    fn the_eligible_share_caps_a_scenario() {
        let s = series_from(date(2025, 1, 1), &[100; 14]);
        let mut p = pilot(date(2025, 1, 1), None);
        p.eligible_share = 0.25;
        let f = pilot_figures(&s, &p);
        assert_eq!(f.scenarios.unwrap()[1].returns, 350);
    }

    #[test]
    fn before_the_start_every_figure_is_null() {
        let s = series_from(date(2024, 12, 1), &[100; 10]);
        let f = pilot_figures(&s, &pilot(date(2025, 1, 1), None));
        assert!(!f.started);
        assert_eq!(f.arrivals, None);
        assert_eq!(f.reported, None);
        assert_eq!(f.starts, date(2025, 1, 1));
    }

    #[test]
    fn reports_after_as_of_are_not_seen() {
        let s = series_from(date(2025, 1, 1), &[100; 10]);
        let f = pilot_figures(&s, &pilot(date(2025, 1, 1), None));
        assert_eq!(f.reported.unwrap().len(), 0);
        assert_eq!(f.latest_report, None);
    }
}
