//! Where things go in a chart: the plot rectangle, the scales that map
//! data into it, and their ticks.

use super::labels::{SourceLine, source_height};
use super::style::Theme;

/// Maps data values to pixels along one axis (linear).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub p0: i32,
    pub p1: i32,
}

impl Scale {
    pub fn new(d0: f64, d1: f64, p0: i32, p1: i32) -> Self {
        Scale { d0, d1, p0, p1 }
    }

    /// Pixel position of `v`, rounded to an integer; safe for a zero span.
    pub fn px(&self, v: f64) -> i32 {
        let span = self.d1 - self.d0;
        if !span.is_finite() || span == 0.0 || !v.is_finite() {
            return self.p0;
        }
        let t = (v - self.d0) / span;
        let p = self.p0 as f64 + t * (self.p1 - self.p0) as f64;
        round_to_pixel(p.clamp(-100_000.0, 100_000.0))
    }
}

/// `p.round() as i32` for `|p| ≤ 100,000`, halves away from zero. On
/// baseline x86-64 `f64::round` is a library call, and a large site maps
/// millions of points; truncating through an integer is exact here (the
/// remainder `p - whole` of a float and its whole part is exact).
fn round_to_pixel(p: f64) -> i32 {
    let whole = p as i32;
    let rest = p - f64::from(whole);
    if rest >= 0.5 {
        whole + 1
    } else if rest <= -0.5 {
        whole - 1
    } else {
        whole
    }
}

/// Ticks for a linear axis: "nice" steps of 1, 2, 2.5 or 5 × 10ⁿ covering
/// `[lo, hi]`, at most about `target + 2` of them. Returns the ticks and the
/// number of decimals needed to print them.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, u8) {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !lo.is_finite() || !hi.is_finite() {
        return (vec![0.0, 1.0], 0);
    }
    if hi - lo < 1e-9 {
        if lo == 0.0 {
            hi = 1.0;
        } else {
            let pad = lo.abs() * 0.1;
            lo -= pad;
            hi += pad;
        }
    }
    let target = target.max(2) as f64;
    let raw = (hi - lo) / target;
    let mag = 10f64.powf(raw.log10().floor());
    let mut step = mag * 10.0;
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= raw {
            step = m * mag;
            break;
        }
    }
    let start = (lo / step).floor();
    let end = (hi / step).ceil();
    let mut ticks = Vec::new();
    let mut i = start;
    while i <= end + 1e-9 && ticks.len() < 50 {
        let v = i * step;
        // Clean up floating noise such as 0.30000000000000004.
        let v = (v / step).round() * step;
        ticks.push(if v == 0.0 { 0.0 } else { v });
        i += 1.0;
    }
    let decimals = if step >= 1.0 {
        0
    } else {
        let mut d = 0u8;
        let mut s = step;
        while (s - s.round()).abs() > 1e-9 && d < 6 {
            s *= 10.0;
            d += 1;
        }
        d
    };
    (ticks, decimals)
}

/// Like [`nice_ticks`], for whole counts: the step is never below 1, so no
/// tick is a fraction and no two labels repeat.
pub fn count_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (ticks, decimals) = nice_ticks(lo, hi, target);
    if decimals == 0 {
        return ticks;
    }
    let lo = if lo.is_finite() { lo.floor() } else { 0.0 };
    let hi = if hi.is_finite() { hi.ceil() } else { 1.0 };
    let hi = hi.max(lo + 1.0);
    let mut out = Vec::new();
    let mut v = lo;
    while v <= hi && out.len() < 12 {
        out.push(v);
        v += 1.0;
    }
    out
}

/// The plot rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plot {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
}

/// The standard plot rectangle, leaving `right_room` for end labels and
/// room for the source line at the bottom.
pub fn plot_rect(theme: &Theme, source: &SourceLine, left: i32, right_room: i32) -> Plot {
    let bottom = theme.height as i32 - source_height(theme, source) - theme.x_axis_height - 8;
    Plot {
        left,
        top: theme.margin_top,
        right: theme.width as i32 - right_room,
        bottom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fmt_num;

    #[test]
    fn ticks_are_nice() {
        let (t, d) = nice_ticks(0.0, 45755.0, 5);
        assert_eq!(d, 0);
        assert_eq!(t.first(), Some(&0.0));
        assert!(t.last().copied().unwrap_or(0.0) >= 45755.0);
        for v in &t {
            assert_eq!(v.fract(), 0.0);
        }
        let (t, d) = nice_ticks(-7.3, 12.1, 5);
        assert!(t.contains(&0.0));
        assert_eq!(d, 0);
        let (t, d) = nice_ticks(0.0, 0.3, 4);
        assert_eq!(d, 1);
        assert!(t.iter().all(|v| fmt_num(*v, d).len() <= 3));
        let (t, _) = nice_ticks(0.0, 0.0, 5);
        assert!(t.len() >= 2);
        let (t, _) = nice_ticks(f64::NAN, 1.0, 5);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn count_ticks_are_whole() {
        assert_eq!(count_ticks(0.0, 0.0, 5), vec![0.0, 1.0]);
        assert_eq!(count_ticks(0.0, 3.0, 5), vec![0.0, 1.0, 2.0, 3.0]);
        let t = count_ticks(0.0, 45755.0, 5);
        assert!(t.iter().all(|v| v.fract() == 0.0));
    }

    #[test]
    fn pixels_round_as_f64_round_does() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.49999999999999994,
            -0.49999999999999994,
            99_999.5,
            -99_999.5,
            100_000.0,
            -100_000.0,
        ];
        let mut x = 0.123_456_789_f64;
        for _ in 0..100_000 {
            x = (x * 7919.0 + 0.618_033_988_7) % 200_000.0 - 100_000.0;
            values.push(x);
            values.push(x.trunc() + 0.5);
            values.push(x.trunc() - 0.5);
        }
        for v in values {
            let v = v.clamp(-100_000.0, 100_000.0);
            assert_eq!(round_to_pixel(v), v.round() as i32, "{v}");
        }
    }
}
