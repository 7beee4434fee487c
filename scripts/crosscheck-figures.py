#!/usr/bin/env python3
"""An independent re-implementation of shared/MODEL.md, to check figures.json.

Usage: crosscheck-figures.py PROJECT_DIR FIGURES_JSON

Reads data/crossings.yaml and data/pilot.yaml of PROJECT_DIR with plain text
parsing (no YAML library), recomputes every figure for the as-of date in
FIGURES_JSON, and prints each mismatch. Exit 1 on any mismatch.
"""
import datetime as dt
import json
import math
import re
import sys


def rnd(x):  # half away from zero, like f64::round
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def pct(r):
    return rnd(1000 * r) / 10


def r1(x):
    return rnd(x * 10) / 10


def main(project, figures_path):
    fig = json.load(open(figures_path))
    D = dt.date.fromisoformat(fig["as_of"])
    days = {}
    for m in re.finditer(r"\{date: (\d{4}-\d\d-\d\d), people: (\d+), boats: (\d+)\}",
                         open(f"{project}/data/crossings.yaml").read()):
        d = dt.date.fromisoformat(m[1])
        if d <= D:
            days[d] = (int(m[2]), int(m[3]))
    first = min(days)

    def people(a, b):
        return sum(days.get(a + dt.timedelta(i), (0, 0))[0] for i in range((b - a).days + 1))

    def boats(a, b):
        return sum(days.get(a + dt.timedelta(i), (0, 0))[1] for i in range((b - a).days + 1))

    def same(d, y):
        if d.month == 2 and d.day == 29:
            try:
                return dt.date(y, 2, 29)
            except ValueError:
                return dt.date(y, 2, 28)
        return dt.date(y, d.month, d.day)

    def complete(upto):
        return [y for y in range(first.year, upto.year + 1)
                if dt.date(y, 1, 1) >= first and dt.date(y, 12, 31) <= upto]

    bad = []

    def check(name, got, want):
        if got != want:
            bad.append(f"{name}: figures.json has {got!r}, expected {want!r}")

    for a in fig["annual"]:
        y = a["year"]
        check(f"annual {y} people", a["people"], people(dt.date(y, 1, 1), dt.date(y, 12, 31)))
        check(f"annual {y} boats", a["boats"], boats(dt.date(y, 1, 1), dt.date(y, 12, 31)))
    check("annual years", [a["year"] for a in fig["annual"]], complete(D))
    ytd = people(dt.date(D.year, 1, 1), D)
    check("ytd.people", fig["ytd"]["people"], ytd)
    sp = {str(r): people(dt.date(r, 1, 1), same(D, r)) for r in range(first.year, D.year)
          if dt.date(r, 1, 1) >= first}
    check("ytd.same_point", fig["ytd"]["same_point"], sp)
    check("ytd.rank", fig["ytd"]["rank"], 1 + sum(v > ytd for v in sp.values()))

    def seasonal(asof, k=3):
        y = asof.year
        so_far = people(dt.date(y, 1, 1), asof)
        R = [r for r in complete(asof) if r < y][-k:]
        shares = []
        for r in R:
            tot = people(dt.date(r, 1, 1), dt.date(r, 12, 31))
            spr = people(dt.date(r, 1, 1), same(asof, r))
            if tot and spr:
                shares.append(spr / tot)
        if not shares:
            return None
        return (so_far / (sum(shares) / len(shares)), min(so_far / s for s in shares),
                max(so_far / s for s in shares), so_far)

    p = seasonal(D)
    if p is None:
        check("projection", fig["projection"], None)
    else:
        for i, key in enumerate(["central", "low", "high"]):
            check(f"projection.{key}", fig["projection"][key], rnd(p[i]))

    rows, sl = [], []
    cy = complete(D)
    for i, y in enumerate(cy):
        if i < 3:
            continue
        actual = people(dt.date(y, 1, 1), dt.date(y, 12, 31))
        if actual == 0:
            continue
        for m in range(1, 12):
            me = dt.date(y, m + 1, 1) - dt.timedelta(1)
            q = seasonal(me)
            if q is None:
                continue
            c, lo, hi, so_far = q
            doy = me.timetuple().tm_yday
            diy = 366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365
            rows.append((100 * (c - actual) / actual, lo <= actual <= hi, me, rnd(c)))
            sl.append(100 * (so_far * diy / doy - actual) / actual)
    b = fig["backtest"]
    check("backtest rows", len(b["rows"]), len(rows))
    for got, want in zip(b["rows"], rows):
        check(f"backtest {got['as_of']} error_pct", got["error_pct"], r1(want[0]))
        check(f"backtest {got['as_of']} covered", got["covered"], want[1])
        check(f"backtest {got['as_of']} central", got["central"], want[3])
    if rows:
        check("backtest.mean_abs_error_pct", b["mean_abs_error_pct"],
              r1(sum(abs(r[0]) for r in rows) / len(rows)))
        check("backtest.coverage_pct", b["coverage_pct"], pct(sum(r[1] for r in rows) / len(rows)))
        check("backtest.straight_line_mean_abs_error_pct", b["straight_line_mean_abs_error_pct"],
              r1(sum(abs(x) for x in sl) / len(sl)))

    pilot_text = open(f"{project}/data/pilot.yaml").read()
    starts = dt.date.fromisoformat(re.search(r"^starts: (\S+)", pilot_text, re.M)[1])
    pf = fig["pilot"]
    if D < starts:
        check("pilot.started", pf["started"], False)
        check("pilot.arrivals", pf["arrivals"], None)
    else:
        per_week = float(re.search(r"per_week: (\d+)", pilot_text)[1])
        days_n = (D - starts).days + 1
        weeks = days_n / 7
        arr = people(starts, D)
        planned = per_week * days_n / 7
        check("pilot.days", pf["days"], days_n)
        check("pilot.arrivals", pf["arrivals"], arr)
        check("pilot.planned_returns", pf["planned_returns"], rnd(planned))
        check("pilot.planned_share_pct", pf["planned_share_pct"], pct(planned / arr))
        check("pilot.capacity_for_10pct", pf["capacity_for_10pct"], rnd(0.1 * arr / weeks))
        check("pilot.capacity_for_50pct", pf["capacity_for_50pct"], rnd(0.5 * arr / weeks))
        for rep in pf["reported"]:
            t = dt.date.fromisoformat(rep["date"])
            pl = per_week * ((t - starts).days + 1) / 7
            check(f"pilot report {t} delivery_pct", rep["delivery_pct"], pct(rep["returned"] / pl))
        for s in pf["scenarios"]:
            ret = min(s["per_week"] * weeks, 1.0 * arr)
            check(f"scenario {s['name']} returns", s["returns"], rnd(ret))
            check(f"scenario {s['name']} share_pct", s["share_pct"], pct(ret / arr))
    for line in bad:
        print(line)
    print(f"{fig['as_of']}: {'OK' if not bad else str(len(bad)) + ' mismatches'}"
          f" (ytd {ytd}, rank {fig['ytd']['rank']}, {len(rows)} backtest rows)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
