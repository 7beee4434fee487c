//! Numbers as readers read them (`45,755`, `−1,500`) and as CSV holds them.

/// Formats a number as prose, tables and charts show it: thousands
/// separators, `decimals` places (at most 6), a true minus sign (`−1,500`),
/// no sign on a number that rounds to zero, and `n/a` for a number that is
/// not finite. Every stage groups digits with this one function.
pub fn fmt_num(v: f64, decimals: u8) -> String {
    const MINUS: &str = "\u{2212}";

    if !v.is_finite() {
        return String::from("n/a");
    }
    let decimals = decimals.min(6) as usize;
    // Whole numbers (most labels: counts, ticks) without float formatting;
    // below 2^53 every whole f64 is exact as a u64.
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        let mut out = String::with_capacity(24);
        if v < 0.0 {
            out.push_str(MINUS);
        }
        push_grouped(&mut out, v.abs() as u64);
        if decimals > 0 {
            out.push('.');
            out.extend(std::iter::repeat_n('0', decimals));
        }
        return out;
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    push_grouped_digits(&mut grouped, &int);
    let is_zero = s.chars().all(|c| c == '0' || c == '.');
    let mut out = String::new();
    if v < 0.0 && !is_zero {
        out.push_str(MINUS);
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// Appends `n` with a comma between each group of three digits.
fn push_grouped(out: &mut String, n: u64) {
    push_grouped_digits(out, itoa::Buffer::new().format(n));
}

/// Appends `digits` (ASCII digits only) with a comma between each group
/// of three: the one place digits are grouped.
fn push_grouped_digits(out: &mut String, digits: &str) {
    if digits.len() <= 3 {
        out.push_str(digits);
        return;
    }
    let first = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    out.push_str(&digits[..first]);
    let mut rest = &digits[first..];
    while !rest.is_empty() {
        out.push(',');
        out.push_str(&rest[..3]);
        rest = &rest[3..];
    }
}

/// `cell` with its whole part grouped in threes, when it is a plain
/// decimal (`-12345.60`): the same text as [`fmt_num`] gives
/// for the number and its decimals, without formatting a float.
pub fn group_plain_decimal(cell: &str) -> Option<String> {
    let (negative, digits) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cell),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_empty() != digits.contains('.')
        && whole.len() <= 15;
    if !plain {
        return None;
    }
    // Leading zeros go, as they would from a number.
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let mut out = String::with_capacity(cell.len() + whole.len() / 3 + 3);
    if negative && digits.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('−');
    }
    push_grouped_digits(&mut out, whole);
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    Some(out)
}

/// Formats an integer count with thousands separators.
pub fn fmt_count(v: u64) -> String {
    fmt_num(v as f64, 0)
}

/// A plain number for CSV: no separators, at most `max_decimals`, trailing
/// zeros dropped, hyphen-minus.
pub fn plain_num(v: f64, max_decimals: u8) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{:.*}", max_decimals.min(9) as usize, v);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { String::from("0") } else { s }
}

/// Appends the decimal digits of `v`: for CSVs with a row per day, where
/// going through `format!` for every number shows in a large build.
pub fn push_uint(out: &mut String, v: u64) {
    out.push_str(itoa::Buffer::new().format(v));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(fmt_num(45755.0, 0), "45,755");
        assert_eq!(fmt_num(299.0, 0), "299");
        assert_eq!(fmt_num(1234567.0, 0), "1,234,567");
        assert_eq!(fmt_num(52.44, 1), "52.4");
        assert_eq!(fmt_num(-1500.0, 0), "\u{2212}1,500");
        assert_eq!(fmt_num(-0.01, 0), "0");
        assert_eq!(fmt_num(f64::NAN, 0), "n/a");
        assert_eq!(fmt_count(100_000), "100,000");
    }

    #[test]
    fn plain_numbers_for_csv() {
        assert_eq!(plain_num(45755.0, 2), "45755");
        assert_eq!(plain_num(7.142857, 2), "7.14");
        assert_eq!(plain_num(-3.5, 2), "-3.5");
        assert_eq!(plain_num(-0.0001, 2), "0");
    }

    #[test]
    fn whole_numbers_are_grouped_as_float_formatting_groups_them() {
        // The general path, which every number took before whole ones got
        // their own.
        fn formatted(v: f64, decimals: u8) -> String {
            let s = format!("{:.*}", decimals.min(6) as usize, v.abs());
            let (int, frac) = match s.split_once('.') {
                Some((i, f)) => (i.to_string(), Some(f.to_string())),
                None => (s.clone(), None),
            };
            let digits: Vec<char> = int.chars().collect();
            let mut out = String::new();
            if v < 0.0 && !s.chars().all(|c| c == '0' || c == '.') {
                out.push('\u{2212}');
            }
            for (i, c) in digits.iter().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(*c);
            }
            if let Some(f) = frac {
                out.push('.');
                out.push_str(&f);
            }
            out
        }
        let mut values = vec![
            0.0, -0.0, 1.0, -1.0, 999.0, 1000.0, -45755.0, 8.9e15, -8.9e15,
        ];
        let mut n = 1u64;
        while n < 9_000_000_000_000_000 {
            values.extend([n as f64, (n - 1) as f64, (n + 1) as f64, -(n as f64)]);
            n *= 10;
        }
        for v in values {
            for decimals in [0, 1, 2, 6, 9] {
                assert_eq!(
                    fmt_num(v, decimals),
                    formatted(v, decimals),
                    "{v} to {decimals}"
                );
            }
        }
    }

    #[test]
    fn plain_decimals_are_grouped_as_their_numbers_would_be() {
        let cells = [
            "0",
            "7",
            "299",
            "1000",
            "45755",
            "1234567",
            "-45755",
            "-0",
            "-0.0",
            "0.5",
            "12.30",
            "-3.25",
            "100000.1",
            "007",
            "999999999999999",
            "1999",
            "3000",
            "45755.60",
        ];
        for cell in cells {
            let places = cell.split_once('.').map_or(0, |(_, f)| f.len());
            let by_number = fmt_num(cell.parse().unwrap(), places as u8);
            assert_eq!(group_plain_decimal(cell).unwrap(), by_number, "{cell}");
        }
        for odd in ["1e5", "", "-", ".5", "5.", "+3", "inf", "NaN", "1,000"] {
            assert_eq!(group_plain_decimal(odd), None, "{odd}");
        }
    }
}
