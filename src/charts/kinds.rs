//! The chart kinds a brief can name, each described once: its name, the
//! options it takes and how the chart set draws it; and the files every
//! chart is written as. `chart()`'s arguments, the checks on a request, the
//! file names and the manifest all read these.

use super::set::{ChartRequest, ChartSet, PlacedChart};

/// An option of `chart()` besides the kind's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartOption {
    /// `years=[2024, 2025]`: only these years.
    Years,
    /// `from=2022`: only years from this one on.
    From,
    /// `to=2025`: only years up to this one.
    To,
    /// `highlight=2024`: the year picked out.
    Highlight,
    /// `title="…"`: a title of the brief's own.
    Title,
    /// `data=data.counts | …`: the table a chart of one's own data draws.
    Data,
    /// `x="year"`: the table's column along the bottom.
    X,
    /// `y="people"`: the table's column drawn.
    Y,
}

impl ChartOption {
    /// Every option, in the order messages list them.
    pub const ALL: [ChartOption; 8] = [
        ChartOption::Years,
        ChartOption::From,
        ChartOption::To,
        ChartOption::Highlight,
        ChartOption::Title,
        ChartOption::Data,
        ChartOption::X,
        ChartOption::Y,
    ];

    /// The option's name as a brief writes it.
    pub fn name(self) -> &'static str {
        match self {
            ChartOption::Years => "years",
            ChartOption::From => "from",
            ChartOption::To => "to",
            ChartOption::Highlight => "highlight",
            ChartOption::Title => "title",
            ChartOption::Data => "data",
            ChartOption::X => "x",
            ChartOption::Y => "y",
        }
    }

    /// Whether `request` sets this option.
    fn is_set(self, request: &ChartRequest) -> bool {
        match self {
            ChartOption::Years => request.years.is_some(),
            ChartOption::From => request.from.is_some(),
            ChartOption::To => request.to.is_some(),
            ChartOption::Highlight => request.highlight.is_some(),
            ChartOption::Title => request.title.is_some(),
            ChartOption::Data => request.data.is_some(),
            ChartOption::X => request.x.is_some(),
            ChartOption::Y => request.y.is_some(),
        }
    }
}

/// The options of the kinds that show a range of years.
const YEARS: &[ChartOption] = &[
    ChartOption::Years,
    ChartOption::From,
    ChartOption::To,
    ChartOption::Title,
];

/// One chart kind: what a brief calls it, what it takes, how it is drawn.
pub struct ChartKind {
    /// The name a brief gives `chart(name=…)`.
    pub name: &'static str,
    /// The options it takes.
    pub options: &'static [ChartOption],
    /// Draws a request for this kind under a file stem, from the set's
    /// figures and series.
    pub(super) draw: fn(&ChartSet, &ChartRequest, &str) -> Result<PlacedChart, String>,
}

impl std::fmt::Debug for ChartKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChartKind")
            .field("name", &self.name)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The chart kinds a brief can name.
pub const CHART_KINDS: &[ChartKind] = &[
    ChartKind {
        name: "annual-arrivals",
        options: YEARS,
        draw: ChartSet::annual,
    },
    ChartKind {
        name: "annual-boats",
        options: YEARS,
        draw: ChartSet::annual,
    },
    ChartKind {
        name: "people-per-boat",
        options: YEARS,
        draw: ChartSet::annual,
    },
    ChartKind {
        name: "cumulative",
        options: &[
            ChartOption::Years,
            ChartOption::From,
            ChartOption::To,
            ChartOption::Highlight,
            ChartOption::Title,
        ],
        draw: ChartSet::cumulative,
    },
    ChartKind {
        name: "projection",
        options: &[ChartOption::Title],
        draw: ChartSet::projection,
    },
    ChartKind {
        name: "backtest",
        options: YEARS,
        draw: ChartSet::backtest,
    },
    ChartKind {
        name: "pilot-returns",
        options: &[ChartOption::Title],
        draw: ChartSet::pilot_chart,
    },
    ChartKind {
        name: "bars",
        options: &[
            ChartOption::Title,
            ChartOption::Data,
            ChartOption::X,
            ChartOption::Y,
        ],
        draw: ChartSet::table_bars,
    },
    ChartKind {
        name: "line",
        options: &[
            ChartOption::Title,
            ChartOption::Data,
            ChartOption::X,
            ChartOption::Y,
        ],
        draw: ChartSet::table_lines,
    },
    ChartKind {
        name: "cumulative-by-year",
        options: &[
            ChartOption::Highlight,
            ChartOption::Title,
            ChartOption::Data,
            ChartOption::X,
            ChartOption::Y,
        ],
        draw: ChartSet::table_cumulative,
    },
];

impl ChartKind {
    /// The kind `request` names, checked to take every option it sets;
    /// the error says what the brief can write instead.
    pub fn of(request: &ChartRequest) -> Result<&'static ChartKind, String> {
        let Some(kind) = CHART_KINDS.iter().find(|k| k.name == request.name) else {
            let names: Vec<&str> = CHART_KINDS.iter().map(|k| k.name).collect();
            return Err(format!(
                "there is no chart “{}”; the charts are: {}",
                request.name,
                names.join(", ")
            ));
        };
        if let Some(option) = ChartOption::ALL
            .into_iter()
            .find(|o| o.is_set(request) && !kind.options.contains(o))
        {
            let names: Vec<&str> = kind.options.iter().map(|o| o.name()).collect();
            return Err(format!(
                "chart “{}” takes no option “{}”; its options are: {}",
                request.name,
                option.name(),
                names.join(", ")
            ));
        }
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_distinct_names_and_options_in_order() {
        for (i, kind) in CHART_KINDS.iter().enumerate() {
            assert!(CHART_KINDS[..i].iter().all(|k| k.name != kind.name));
            let at: Vec<usize> = kind
                .options
                .iter()
                .map(|o| ChartOption::ALL.iter().position(|a| a == o).unwrap())
                .collect();
            assert!(at.is_sorted() && !at.is_empty(), "{}", kind.name);
        }
    }

    #[test]
    fn a_request_is_checked_against_its_kind() {
        let request = |name: &str| ChartRequest {
            name: name.into(),
            ..ChartRequest::default()
        };
        assert_eq!(
            ChartKind::of(&request("backtest")).unwrap().name,
            "backtest"
        );
        let e = ChartKind::of(&request("pie")).unwrap_err();
        assert!(e.starts_with("there is no chart “pie”; the charts are: annual-arrivals,"));
        let e = ChartKind::of(&ChartRequest {
            highlight: Some(2024),
            ..request("projection")
        })
        .unwrap_err();
        assert_eq!(
            e,
            "chart “projection” takes no option “highlight”; its options are: title"
        );
    }
}
