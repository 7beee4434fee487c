//! `data/pilot.yaml`: the UK–France returns pilot, kept by hand from sourced
//! reports, checked against the crossings series it is measured against.

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::yaml::Count;
use super::{PilotParameters, ReportedCount, Scenario, ScheduleStep, Series};
use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PilotFile {
    name: String,
    announced: Option<Spanned<Date>>,
    signed: Option<Spanned<Date>>,
    first_return: Option<Date>,
    first_admission: Option<Date>,
    starts: Spanned<Date>,
    ends: Option<Spanned<Date>>,
    renewal_due: Option<Date>,
    #[serde(default = "all_eligible")]
    eligible_share: Spanned<f64>,
    schedule: Vec<Spanned<StepRow>>,
    reports: Vec<Spanned<ReportRow>>,
    scenarios: Vec<Spanned<ScenarioRow>>,
}

fn all_eligible() -> Spanned<f64> {
    Spanned::new(
        1.0,
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepRow {
    from: Date,
    per_week: f64,
    // Kept for reviewers; briefs read it through `data.pilot`.
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportRow {
    date: Date,
    returned: Count,
    admitted: Option<Count>,
    source: String,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioRow {
    name: String,
    per_week: f64,
}

/// Parses `text`, read from `file`, and checks it against `series`: the
/// schedule and reports in date order, rates and shares in range, and the
/// start and every report inside the series.
pub fn parse_pilot(file: &Path, text: &str, series: &Series) -> Result<PilotParameters> {
    let p: PilotFile = super::yaml::parse(file, text, 0)?;
    let fail = |loc: serde_saphyr::Location, message: String, help: String| {
        let e = Error::in_file(file, message).help(help);
        if loc.line() > 0 {
            e.at(loc.line() as usize, loc.column() as usize, Some(text))
        } else {
            e
        }
    };
    let span =
        |first: Date, last: Date| format!("the crossings series runs from {first} to {last}");
    let (first, last) = (series.first(), series.last());
    let starts = p.starts.value;
    if !series.contains(starts) {
        return Err(fail(
            p.starts.referenced,
            format!("the pilot starts on {starts}, outside the crossings data"),
            format!("expected a start inside the series: {}", span(first, last)),
        ));
    }
    if let Some(ends) = &p.ends
        && ends.value < starts
    {
        return Err(fail(
            ends.referenced,
            format!(
                "the pilot ends on {}, before it starts ({starts})",
                ends.value
            ),
            "expected an end on or after the start".into(),
        ));
    }
    let share = p.eligible_share.value;
    if !(share > 0.0 && share <= 1.0) {
        return Err(fail(
            p.eligible_share.referenced,
            format!("eligible_share is {share}"),
            "expected a share of arrivals above 0 and at most 1 (1.0 = all)".into(),
        ));
    }
    if p.schedule.is_empty() {
        return Err(Error::in_file(file, "the schedule is empty").help(
            "expected at least one step, e.g. `- {from: 2025-08-06, per_week: 50, source: …}`",
        ));
    }
    let mut schedule = Vec::new();
    for (i, step) in p.schedule.iter().enumerate() {
        let s = &step.value;
        if let Some(prev) = i.checked_sub(1).map(|j| p.schedule[j].value.from)
            && s.from <= prev
        {
            return Err(fail(
                step.referenced,
                format!(
                    "the schedule step from {} does not come after the one from {prev}",
                    s.from
                ),
                "expected schedule steps in date order, one per date".into(),
            ));
        }
        if i == 0 && s.from < starts {
            return Err(fail(
                step.referenced,
                format!(
                    "the schedule starts on {}, before the pilot starts ({starts})",
                    s.from
                ),
                "expected the first step on or after the start".into(),
            ));
        }
        if !(s.per_week.is_finite() && s.per_week >= 0.0) {
            return Err(fail(
                step.referenced,
                format!("per_week is {}", s.per_week),
                "expected a rate of 0 or more returns a week".into(),
            ));
        }
        schedule.push(ScheduleStep {
            from: s.from,
            per_week: s.per_week,
        });
    }
    let mut reports = Vec::new();
    for (i, report) in p.reports.iter().enumerate() {
        let r = &report.value;
        if let Some(prev) = i.checked_sub(1).map(|j| p.reports[j].value.date)
            && r.date <= prev
        {
            return Err(fail(
                report.referenced,
                format!(
                    "the report of {} does not come after the one of {prev}",
                    r.date
                ),
                "expected reports in date order, one per date".into(),
            ));
        }
        if r.date < starts || !series.contains(r.date) {
            return Err(fail(
                report.referenced,
                format!("the report of {} lies outside the pilot's data", r.date),
                if r.date > last {
                    format!(
                        "expected a date inside the series ({}); import a release that covers {}, or leave this report out until one does",
                        span(first, last),
                        r.date
                    )
                } else {
                    format!(
                        "expected a date on or after the start ({starts}) and inside the series: {}",
                        span(first, last)
                    )
                },
            ));
        }
        // Reports give totals since the pilot began: they never go down.
        if let Some(prev) = i.checked_sub(1).map(|j| &p.reports[j].value) {
            let admitted = r.admitted.zip(prev.admitted).map(|(a, b)| (a.0, b.0));
            let fell = if r.returned.0 < prev.returned.0 {
                Some(("returned", r.returned.0, prev.returned.0))
            } else {
                admitted
                    .filter(|(now, before)| now < before)
                    .map(|(now, before)| ("admitted", now, before))
            };
            if let Some((what, now, before)) = fell {
                return Err(fail(
                    report.referenced,
                    format!(
                        "the report of {} says {now} {what}, fewer than the {before} of the report of {}",
                        r.date, prev.date
                    ),
                    "expected totals since the pilot began, which never go down; check the figure and its source".into(),
                ));
            }
        }
        reports.push(ReportedCount {
            date: r.date,
            returned: r.returned.0,
            admitted: r.admitted.map(|a| a.0),
            source: r.source.clone(),
            note: r.note.clone(),
        });
    }
    let mut scenarios = Vec::new();
    for scenario in &p.scenarios {
        let s = &scenario.value;
        if !(s.per_week.is_finite() && s.per_week >= 0.0) {
            return Err(fail(
                scenario.referenced,
                format!("scenario “{}” has per_week {}", s.name, s.per_week),
                "expected a rate of 0 or more returns a week".into(),
            ));
        }
        scenarios.push(Scenario {
            name: s.name.clone(),
            per_week: s.per_week,
        });
    }
    // These dates are for the briefs, which read them as `data.pilot`; they
    // must still be dates, and the pilot cannot be signed after it starts.
    for (label, date) in [("announced", &p.announced), ("signed", &p.signed)] {
        if let Some(d) = date
            && d.value > starts
        {
            return Err(fail(
                d.referenced,
                format!("`{label}` ({}) is after the start ({starts})", d.value),
                format!("expected the pilot to be {label} on or before it starts"),
            ));
        }
    }
    let _ = (&p.name, p.first_return, p.first_admission, p.renewal_due);
    Ok(PilotParameters {
        starts,
        ends: p.ends.map(|e| e.value),
        schedule,
        eligible_share: share,
        reports,
        scenarios,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DailyArrivals;
    use jiff::civil::date;

    fn series() -> Series {
        let days = (0..100)
            .map(|i| DailyArrivals {
                date: date(2025, 1, 1)
                    .checked_add(jiff::Span::new().days(i))
                    .unwrap(),
                people: 10,
                boats: 1,
            })
            .collect();
        Series::new(days).unwrap()
    }

    const GOOD: &str = "name: Pilot
starts: 2025-01-10
ends: ~
eligible_share: 1.0
schedule:
  - {from: 2025-01-10, per_week: 50, source: Press}
reports:
  - {date: 2025-02-01, returned: 10, source: Press}
  - {date: 2025-03-01, returned: 30, admitted: 20, source: Press, note: about 30}
scenarios:
  - {name: Pilot scale, per_week: 50}
";

    fn error_for(text: &str, line: usize) -> String {
        let e = parse_pilot(Path::new("data/pilot.yaml"), text, &series()).unwrap_err();
        assert_eq!(e.file.as_deref(), Some(Path::new("data/pilot.yaml")));
        assert_eq!(e.line, Some(line), "{e}");
        e.to_string()
    }

    #[test]
    fn a_good_file_gives_the_parameters() {
        let p = parse_pilot(Path::new("p"), GOOD, &series()).unwrap();
        assert_eq!(p.starts, date(2025, 1, 10));
        assert_eq!(p.ends, None);
        assert_eq!(p.reports[1].admitted, Some(20));
        assert_eq!(p.eligible_share, 1.0);
    }

    #[test]
    fn a_start_outside_the_series_is_refused() {
        let e = error_for(&GOOD.replace("starts: 2025-01-10", "starts: 2024-12-10"), 2);
        assert!(e.contains("outside the crossings data"), "{e}");
    }

    #[test]
    fn reports_out_of_order_are_refused() {
        let text = GOOD.replace("date: 2025-03-01", "date: 2025-01-20");
        let e = error_for(&text, 9);
        assert!(e.contains("does not come after"), "{e}");
    }

    #[test]
    fn a_report_after_the_series_is_refused() {
        let e = error_for(&GOOD.replace("date: 2025-03-01", "date: 2025-06-01"), 9);
        assert!(e.contains("outside"), "{e}");
    }

    #[test]
    fn schedule_steps_out_of_order_are_refused() {
        let text = GOOD.replace(
            "  - {from: 2025-01-10, per_week: 50, source: Press}\n",
            "  - {from: 2025-02-10, per_week: 50, source: Press}\n  - {from: 2025-01-10, per_week: 60, source: Press}\n",
        );
        let e = error_for(&text, 7);
        assert!(e.contains("schedule step"), "{e}");
    }

    #[test]
    fn an_end_before_the_start_is_refused() {
        let e = error_for(&GOOD.replace("ends: ~", "ends: 2025-01-01"), 3);
        assert!(e.contains("before it starts"), "{e}");
    }

    #[test]
    fn an_eligible_share_above_one_is_refused() {
        let e = error_for(
            &GOOD.replace("eligible_share: 1.0", "eligible_share: 1.5"),
            4,
        );
        assert!(e.contains("eligible_share"), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = error_for(&GOOD.replace("name: Pilot", "name: Pilot\ncolour: red"), 2);
        assert!(e.contains("colour"), "{e}");
    }
}
