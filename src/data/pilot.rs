//! `data/pilot.yaml`: the UK–France returns pilot, kept by hand from sourced
//! reports, checked against the crossings series it is measured against.

use std::path::Path;

use jiff::civil::Date;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{PilotParameters, ReportedCount, Scenario, ScheduleStep, Series};
use crate::error::{Error, Result};
use crate::yaml::Count;

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
    let p: PilotFile = crate::yaml::parse(file, text, 0)?;
    let starts = p.starts.value;
    check_term(file, text, &p.starts, p.ends.as_ref(), series)?;
    let share = check_share(file, text, &p.eligible_share)?;
    let schedule = read_schedule(file, text, &p.schedule, starts)?;
    let reports = read_reports(file, text, &p.reports, starts, series)?;
    let scenarios = read_scenarios(file, text, &p.scenarios)?;
    check_agreement_dates(file, text, &p, starts)?;
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

/// The error for the value at `loc`; a defaulted field has no place in the file to show.
fn error_at(
    file: &Path,
    text: &str,
    loc: serde_saphyr::Location,
    message: String,
    help: String,
) -> Error {
    let e = Error::in_file(file, message).help(help);
    if loc.line() > 0 {
        e.at(loc.line() as usize, loc.column() as usize, Some(text))
    } else {
        e
    }
}

/// The dates the crossings series covers, as the help of an error quotes them.
fn series_span(series: &Series) -> String {
    format!(
        "the crossings series runs from {} to {}",
        series.first(),
        series.last()
    )
}

/// A rate of returns a week: finite and not negative.
fn is_weekly_rate(per_week: f64) -> bool {
    per_week.is_finite() && per_week >= 0.0
}

/// Checks that the pilot starts inside the series and does not end before it starts.
fn check_term(
    file: &Path,
    text: &str,
    starts: &Spanned<Date>,
    ends: Option<&Spanned<Date>>,
    series: &Series,
) -> Result<()> {
    if !series.contains(starts.value) {
        return Err(error_at(
            file,
            text,
            starts.referenced,
            format!(
                "the pilot starts on {}, outside the crossings data",
                starts.value
            ),
            format!(
                "expected a start inside the series: {}",
                series_span(series)
            ),
        ));
    }
    if let Some(ends) = ends
        && ends.value < starts.value
    {
        return Err(error_at(
            file,
            text,
            ends.referenced,
            format!(
                "the pilot ends on {}, before it starts ({})",
                ends.value, starts.value
            ),
            "expected an end on or after the start".into(),
        ));
    }
    Ok(())
}

/// The eligible share, refused unless above 0 and at most 1.
fn check_share(file: &Path, text: &str, share: &Spanned<f64>) -> Result<f64> {
    let value = share.value;
    if !(value > 0.0 && value <= 1.0) {
        return Err(error_at(
            file,
            text,
            share.referenced,
            format!("eligible_share is {value}"),
            "expected a share of arrivals above 0 and at most 1 (1.0 = all)".into(),
        ));
    }
    Ok(value)
}

/// The schedule's steps, refused when there are none or one fails [`check_step`].
fn read_schedule(
    file: &Path,
    text: &str,
    steps: &[Spanned<StepRow>],
    starts: Date,
) -> Result<Vec<ScheduleStep>> {
    if steps.is_empty() {
        return Err(Error::in_file(file, "the schedule is empty").help(
            "expected at least one step, e.g. `- {from: 2025-08-06, per_week: 50, source: …}`",
        ));
    }
    let mut schedule = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| steps[j].value.from);
        check_step(file, text, step, previous, starts)?;
        schedule.push(ScheduleStep {
            from: step.value.from,
            per_week: step.value.per_week,
        });
    }
    Ok(schedule)
}

/// Checks one step: after the one before, the first not before the start, a rate of 0 or more.
fn check_step(
    file: &Path,
    text: &str,
    step: &Spanned<StepRow>,
    previous: Option<Date>,
    starts: Date,
) -> Result<()> {
    let s = &step.value;
    if let Some(prev) = previous
        && s.from <= prev
    {
        return Err(error_at(
            file,
            text,
            step.referenced,
            format!(
                "the schedule step from {} does not come after the one from {prev}",
                s.from
            ),
            "expected schedule steps in date order, one per date".into(),
        ));
    }
    if previous.is_none() && s.from < starts {
        return Err(error_at(
            file,
            text,
            step.referenced,
            format!(
                "the schedule starts on {}, before the pilot starts ({starts})",
                s.from
            ),
            "expected the first step on or after the start".into(),
        ));
    }
    if !is_weekly_rate(s.per_week) {
        return Err(error_at(
            file,
            text,
            step.referenced,
            format!("per_week is {}", s.per_week),
            "expected a rate of 0 or more returns a week".into(),
        ));
    }
    Ok(())
}

/// The reported counts, each checked by [`check_report_date`] and [`check_totals_rise`].
fn read_reports(
    file: &Path,
    text: &str,
    rows: &[Spanned<ReportRow>],
    starts: Date,
    series: &Series,
) -> Result<Vec<ReportedCount>> {
    let mut reports = Vec::new();
    for (i, report) in rows.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| &rows[j].value);
        check_report_date(file, text, report, previous, starts, series)?;
        if let Some(prev) = previous {
            check_totals_rise(file, text, report, prev)?;
        }
        let r = &report.value;
        reports.push(ReportedCount {
            date: r.date,
            returned: r.returned.0,
            admitted: r.admitted.map(|a| a.0),
            source: r.source.clone(),
            note: r.note.clone(),
        });
    }
    Ok(reports)
}

/// Checks a report's date: after the report before, not before the start, inside the series.
fn check_report_date(
    file: &Path,
    text: &str,
    report: &Spanned<ReportRow>,
    previous: Option<&ReportRow>,
    starts: Date,
    series: &Series,
) -> Result<()> {
    let r = &report.value;
    if let Some(prev) = previous.map(|p| p.date)
        && r.date <= prev
    {
        return Err(error_at(
            file,
            text,
            report.referenced,
            format!(
                "the report of {} does not come after the one of {prev}",
                r.date
            ),
            "expected reports in date order, one per date".into(),
        ));
    }
    if r.date < starts || !series.contains(r.date) {
        return Err(error_at(
            file,
            text,
            report.referenced,
            format!("the report of {} lies outside the pilot's data", r.date),
            if r.date > series.last() {
                format!(
                    "expected a date inside the series ({}); import a release that covers {}, or leave this report out until one does",
                    series_span(series),
                    r.date
                )
            } else {
                format!(
                    "expected a date on or after the start ({starts}) and inside the series: {}",
                    series_span(series)
                )
            },
        ));
    }
    Ok(())
}

/// Checks that no total fell since the report before: reports give totals since the pilot began.
fn check_totals_rise(
    file: &Path,
    text: &str,
    report: &Spanned<ReportRow>,
    previous: &ReportRow,
) -> Result<()> {
    let (r, prev) = (&report.value, previous);
    let admitted = r.admitted.zip(prev.admitted).map(|(a, b)| (a.0, b.0));
    let fell = if r.returned.0 < prev.returned.0 {
        Some(("returned", r.returned.0, prev.returned.0))
    } else {
        admitted
            .filter(|(now, before)| now < before)
            .map(|(now, before)| ("admitted", now, before))
    };
    if let Some((what, now, before)) = fell {
        return Err(error_at(
            file,
            text,
            report.referenced,
            format!(
                "the report of {} says {now} {what}, fewer than the {before} of the report of {}",
                r.date, prev.date
            ),
            "expected totals since the pilot began, which never go down; check the figure and its source".into(),
        ));
    }
    Ok(())
}

/// The scenarios, each refused unless its rate is 0 or more.
fn read_scenarios(file: &Path, text: &str, rows: &[Spanned<ScenarioRow>]) -> Result<Vec<Scenario>> {
    let mut scenarios = Vec::new();
    for scenario in rows {
        let s = &scenario.value;
        if !is_weekly_rate(s.per_week) {
            return Err(error_at(
                file,
                text,
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
    Ok(scenarios)
}

/// Checks that the pilot was announced and signed on or before it starts.
fn check_agreement_dates(file: &Path, text: &str, p: &PilotFile, starts: Date) -> Result<()> {
    // These dates are for the briefs, which read them as `data.pilot`; they
    // must still be dates, and the pilot cannot be signed after it starts.
    for (label, date) in [("announced", &p.announced), ("signed", &p.signed)] {
        if let Some(d) = date
            && d.value > starts
        {
            return Err(error_at(
                file,
                text,
                d.referenced,
                format!("`{label}` ({}) is after the start ({starts})", d.value),
                format!("expected the pilot to be {label} on or before it starts"),
            ));
        }
    }
    Ok(())
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
