//! The charts of one build, drawn from the figures and the series, by name.
//! Titles state the finding, worked out here from the same figures the
//! briefs quote, so a chart never disagrees with the prose around it.

use jiff::civil::Date;

use crate::model::{Figures, PilotParameters, Series, planned_by};

use super::theme::fmt_count;
use super::{
    AnnualBars, BacktestErrors, Chart, Cumulative, PILOT_SCALE_NOTE, PilotReturns, ProjectionRange,
    Theme, YearLine, annual_bars_with, backtest_errors_with, cumulative_with, pilot_returns_with,
    projection_range_with,
};

/// A chart ready to place: drawn wide and narrow (for phones), with the
/// subtitle shown above it.
#[derive(Debug, Clone)]
pub struct PlacedChart {
    /// The wide chart, the one written to `output/charts/`.
    pub chart: Chart,
    /// The same chart laid out for a phone's width.
    pub narrow_svg: String,
    /// Measure, units and as-of date, shown under the title.
    pub subtitle: String,
}

/// Every chart a brief can place.
#[derive(Debug, Clone, Default)]
pub struct ChartSet {
    charts: Vec<PlacedChart>,
}

/// "20 August 2026".
fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

impl ChartSet {
    /// Draws every chart for these figures; `series` is already cut at the
    /// as-of date. The pilot chart is drawn only once the pilot has started.
    pub fn draw(figures: &Figures, series: &Series, pilot: Option<&PilotParameters>) -> ChartSet {
        let source = format!(
            "Source: {}, {} (released {})",
            figures.source.publisher,
            figures.source.title,
            long_date(figures.source.released)
        );
        let mut set = ChartSet::default();
        set.annual(figures, &source);
        set.cumulative(figures, series, &source);
        set.projection(figures, series, &source);
        set.backtest(figures, &source);
        if let Some(p) = pilot {
            set.pilot(figures, series, p, &source);
        }
        set
    }

    /// Draws `input` wide and narrow and keeps both.
    fn push<I>(&mut self, input: &I, draw: fn(&I, &Theme) -> Chart, subtitle: String) {
        let chart = draw(input, &Theme::default());
        let narrow_svg = draw(input, &Theme::narrow()).svg;
        self.charts.push(PlacedChart {
            chart,
            narrow_svg,
            subtitle,
        });
    }

    fn annual(&mut self, figures: &Figures, source: &str) {
        let annual = &figures.annual;
        let (Some(first), Some(last)) = (annual.first(), annual.last()) else {
            return;
        };
        let span = format!("{}–{}", first.year, last.year);
        let peak = annual.iter().max_by_key(|a| (a.people, -a.year));
        let title = match peak {
            Some(p) => format!("Arrivals peaked at {} in {}", fmt_count(p.people), p.year),
            None => "Arrivals by year".into(),
        };
        let subtitle = format!("People arrived by small boat, by calendar year, {span}");
        self.push(
            &AnnualBars {
                name: "annual-arrivals".into(),
                title,
                subtitle: subtitle.clone(),
                source: source.into(),
                value_label: "People arrived".into(),
                bars: annual.iter().map(|a| (a.year, a.people as f64)).collect(),
                decimals: 0,
            },
            annual_bars_with,
            subtitle,
        );
        let peak_boats = annual.iter().max_by_key(|a| (a.boats, -a.year));
        let title = match peak_boats {
            Some(p) => format!(
                "Boats detected peaked at {} in {}",
                fmt_count(p.boats),
                p.year
            ),
            None => "Boats by year".into(),
        };
        let subtitle = format!("Small boats arrived, by calendar year, {span}");
        self.push(
            &AnnualBars {
                name: "annual-boats".into(),
                title,
                subtitle: subtitle.clone(),
                source: source.into(),
                value_label: "Boats arrived".into(),
                bars: annual.iter().map(|a| (a.year, a.boats as f64)).collect(),
                decimals: 0,
            },
            annual_bars_with,
            subtitle,
        );
        let per_boat: Vec<(i16, f64)> = annual
            .iter()
            .filter_map(|a| a.people_per_boat.map(|p| (a.year, p)))
            .collect();
        let every_year_up = per_boat.windows(2).all(|w| w[1].1 > w[0].1);
        let title = match (per_boat.first(), per_boat.last()) {
            (Some(f), Some(l)) if l.1 > f.1 => format!(
                "Boats carried more people {}: {:.1} a boat in {}, {:.1} in {}",
                if every_year_up {
                    "each year"
                } else {
                    "over time"
                },
                f.1,
                f.0,
                l.1,
                l.0
            ),
            (Some(f), Some(l)) if l.1 < f.1 => format!(
                "Boats carried fewer people: {:.1} a boat in {}, {:.1} in {}",
                f.1, f.0, l.1, l.0
            ),
            _ => "People per boat".into(),
        };
        let subtitle = format!("Average people per boat, by calendar year, {span}");
        self.push(
            &AnnualBars {
                name: "people-per-boat".into(),
                title,
                subtitle: subtitle.clone(),
                source: source.into(),
                value_label: "People per boat".into(),
                bars: per_boat,
                decimals: 1,
            },
            annual_bars_with,
            subtitle,
        );
    }

    fn cumulative(&mut self, figures: &Figures, series: &Series, source: &str) {
        let ytd = &figures.ytd;
        let mut lines: Vec<YearLine> = Vec::new();
        for day in series.days() {
            let year = day.date.year();
            if lines.last().map(|l| l.year) != Some(year) {
                lines.push(YearLine {
                    year,
                    points: Vec::new(),
                });
            }
            if let Some(line) = lines.last_mut() {
                let total = line.points.last().map_or(0, |p| p.1) + day.people;
                line.points.push((day.date.day_of_year() as u16, total));
            }
        }
        let title = format!(
            "Crossings so far in {} are {} for the time of year",
            ytd.year,
            rank_phrase(ytd.rank, ytd.years_compared)
        );
        let subtitle = format!(
            "Cumulative people arrived by small boat, by day of the year, to {}",
            long_date(figures.as_of)
        );
        self.push(
            &Cumulative {
                name: "cumulative".into(),
                title,
                subtitle: subtitle.clone(),
                source: source.into(),
                lines,
                highlight: ytd.year,
            },
            cumulative_with,
            subtitle,
        );
    }

    fn projection(&mut self, figures: &Figures, series: &Series, source: &str) {
        let Some(p) = &figures.projection else {
            return;
        };
        let year_start = Date::new(p.year, 1, 1).unwrap_or(series.first());
        let mut total = 0;
        let so_far: Vec<(u16, u64)> = series
            .days()
            .iter()
            .filter(|d| d.date >= year_start)
            .map(|d| {
                total += d.people;
                (d.date.day_of_year() as u16, total)
            })
            .collect();
        let title = format!(
            "{} looks set to end between {} and {} arrivals",
            p.year,
            fmt_count(p.low),
            fmt_count(p.high)
        );
        let subtitle = format!(
            "People arrived so far, and the projected year-end range from the {} previous years’ seasonal pattern, to {}",
            p.reference_years.len(),
            long_date(figures.as_of)
        );
        self.push(
            &ProjectionRange {
                name: "projection".into(),
                title,
                subtitle: subtitle.clone(),
                source: source.into(),
                year: p.year,
                days_in_year: year_start.days_in_year() as u16,
                so_far,
                low: p.low as f64,
                central: p.central as f64,
                high: p.high as f64,
                reference: p
                    .reference_years
                    .iter()
                    .map(|r| (r.year, r.total))
                    .collect(),
            },
            projection_range_with,
            subtitle,
        );
    }

    fn backtest(&mut self, figures: &Figures, source: &str) {
        let b = &figures.backtest;
        let Some(mean) = b.mean_abs_error_pct else {
            return;
        };
        let title = format!("Past projections were off by {mean:.1}% on average");
        let subtitle = format!(
            "Error of each month-end projection against the year’s outcome, %, {}–{}",
            b.years.first().map_or(0, |y| y.year),
            b.years.last().map_or(0, |y| y.year)
        );
        self.push(
            &BacktestErrors {
                name: "backtest".into(),
                title,
                subtitle: subtitle.clone(),
                source: source.into(),
                rows: b
                    .rows
                    .iter()
                    .map(|r| (r.year, r.as_of.month() as u8, r.error_pct))
                    .collect(),
            },
            backtest_errors_with,
            subtitle,
        );
    }

    fn pilot(&mut self, figures: &Figures, series: &Series, pilot: &PilotParameters, source: &str) {
        let Some(f) = &figures.pilot else {
            return;
        };
        let Some(end) = f.window_end else {
            return;
        };
        let mut total = 0;
        let mut arrivals = Vec::new();
        let mut planned = Vec::new();
        for day in series.days() {
            if day.date < pilot.starts || day.date > end {
                continue;
            }
            total += day.people;
            arrivals.push((day.date, total));
            planned.push((day.date, planned_by(pilot, day.date)));
        }
        let reported: Vec<(Date, u64)> = f
            .reported
            .iter()
            .flatten()
            .map(|r| (r.report.date, r.report.returned))
            .collect();
        let title = match (f.planned_returns, f.arrivals) {
            (Some(p), Some(a)) => format!(
                "Planned returns of {} set against {} arrivals since the pilot began",
                fmt_count(p),
                fmt_count(a)
            ),
            _ => "The returns pilot".into(),
        };
        let subtitle = format!(
            "Cumulative people arrived, planned returns and reported returns, from {} to {}. {}",
            long_date(pilot.starts),
            long_date(end),
            PILOT_SCALE_NOTE
        );
        self.push(
            &PilotReturns {
                name: "pilot-returns".into(),
                title,
                subtitle: subtitle.clone(),
                source: format!("{source}; returns as reported by ministers and the press"),
                arrivals,
                planned,
                reported,
            },
            pilot_returns_with,
            subtitle,
        );
    }

    /// The chart called `name`.
    pub fn get(&self, name: &str) -> Option<&PlacedChart> {
        self.charts.iter().find(|p| p.chart.name == name)
    }

    /// The names of the charts, in order.
    pub fn names(&self) -> Vec<String> {
        self.charts.iter().map(|p| p.chart.name.clone()).collect()
    }

    /// The wide charts, in order.
    pub fn charts(&self) -> Vec<&Chart> {
        self.charts.iter().map(|p| &p.chart).collect()
    }
}

/// "the highest", "the second-highest", or "the lowest" when last.
fn rank_phrase(rank: usize, compared: usize) -> String {
    if rank > 1 && rank == compared + 1 {
        "the lowest".into()
    } else {
        crate::words::rank_phrase(rank as i64, "highest")
    }
}
