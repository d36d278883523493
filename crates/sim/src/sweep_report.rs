//! A sweep's reports: per-configuration means with 95% confidence
//! intervals, paired differences against the baseline, the Pareto front
//! over (realised revenue ↑, drive minutes ↓, high-priority jobs
//! unassigned ↓) and a recommended configuration, as `configs.csv`,
//! `days.csv`, `sweep.md` and a self-contained `sweep.html`.
//!
//! Everything here is a function of the sweep's description and its sorted
//! records, so a merged sharded run writes the same bytes as a whole one.

use std::fmt::Write as _;

use crate::experiment::{
    csv_field, mean_ci, metric, metric_cells, metric_header, num, pm, tags_of, SUMMARY,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::chart;
use crate::report::{esc, markdown_html, page_head};
use crate::sweep::{describe, Config, Record, SweepMeta};

/// The high-priority metric's column name.
pub const HIGH_PRIORITY: &str = "high_priority_unassigned";

/// The three objectives, in order: revenue (higher is better), then drive
/// minutes and high-priority unassigned (lower is better).
const OBJECTIVES: [&str; 3] = ["revenue_realised", "drive_minutes", HIGH_PRIORITY];

/// Every metric the reports compare: the objectives, then the simulator's
/// summary metrics.
fn stat_names() -> Vec<&'static str> {
    let mut names = OBJECTIVES.to_vec();
    names.extend(SUMMARY.iter().filter(|n| !OBJECTIVES.contains(n)));
    names
}

#[allow(clippy::cast_precision_loss)]
fn value(r: &Record, name: &str) -> f64 {
    if name == HIGH_PRIORITY {
        r.high_priority_unassigned as f64
    } else {
        metric(name)(&r.metrics)
    }
}

/// What the reports say about a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Metric names of `stats` and `diffs` columns.
    pub metrics: Vec<&'static str>,
    /// Per configuration, per metric: mean and 95% CI half-width over days.
    pub stats: Vec<Vec<(f64, f64)>>,
    /// Per configuration, per metric: paired difference from the baseline
    /// (mean and 95% CI half-width over the same days).
    pub diffs: Vec<Vec<(f64, f64)>>,
    /// Configurations on the Pareto front, by mean revenue (highest first).
    pub pareto: Vec<usize>,
    pub recommended: usize,
    pub reason: String,
}

impl Analysis {
    /// Analyses a sweep's records (sorted by configuration, then day, as
    /// [`crate::sweep::run`] and [`crate::sweep::merge`] return them).
    #[must_use]
    pub fn new(meta: &SweepMeta, records: &[Record]) -> Self {
        let metrics = stat_names();
        let series = |c: usize, name: &str| -> Vec<f64> {
            records
                .iter()
                .filter(|r| r.config == c)
                .map(|r| value(r, name))
                .collect()
        };
        let n = meta.configs.len();
        let b = meta.baseline;
        let stats: Vec<Vec<(f64, f64)>> = (0..n)
            .map(|c| metrics.iter().map(|m| mean_ci(&series(c, m))).collect())
            .collect();
        let diffs: Vec<Vec<(f64, f64)>> = (0..n)
            .map(|c| {
                metrics
                    .iter()
                    .map(|m| {
                        let (base, other) = (series(b, m), series(c, m));
                        let d: Vec<f64> = other.iter().zip(&base).map(|(x, y)| x - y).collect();
                        mean_ci(&d)
                    })
                    .collect()
            })
            .collect();
        let obj = |c: usize| (stats[c][0].0, stats[c][1].0, stats[c][2].0);
        let dominates = |a: usize, z: usize| {
            let (a, z) = (obj(a), obj(z));
            a.0 >= z.0 && a.1 <= z.1 && a.2 <= z.2 && (a.0 > z.0 || a.1 < z.1 || a.2 < z.2)
        };
        let mut pareto: Vec<usize> = (0..n)
            .filter(|&c| !(0..n).any(|o| dominates(o, c)))
            .collect();
        pareto.sort_by(|&x, &y| obj(y).0.total_cmp(&obj(x).0).then(x.cmp(&y)));
        // the baseline is on the front or dominated by a front member, which
        // then leaves no more high-priority jobs unassigned: never empty
        let recommended = pareto
            .iter()
            .copied()
            .filter(|&c| obj(c).2 <= obj(b).2)
            .min_by(|&x, &y| {
                obj(y)
                    .0
                    .total_cmp(&obj(x).0)
                    .then(obj(x).1.total_cmp(&obj(y).1))
                    .then(x.cmp(&y))
            })
            .unwrap_or(b);
        let reason = reason(meta, &stats, &diffs, recommended);
        Self {
            metrics,
            stats,
            diffs,
            pareto,
            recommended,
            reason,
        }
    }
}

fn reason(
    meta: &SweepMeta,
    stats: &[Vec<(f64, f64)>],
    diffs: &[Vec<(f64, f64)>],
    rec: usize,
) -> String {
    let b = meta.baseline;
    let (name, base) = (&meta.configs[rec].name, &meta.configs[b].name);
    let mut s = format!(
        "{name}: the highest mean realised revenue among the Pareto-optimal configurations that leave no more high-priority jobs unassigned than the baseline {base}."
    );
    if rec == b {
        s.push_str(" The baseline is that configuration: keep the current settings.");
        return s;
    }
    let d = |i: usize| {
        let (m, hw) = diffs[rec][i];
        pm(m, hw)
    };
    let _ = write!(
        s,
        " Against {base}, per day: revenue {} ({}), drive minutes {} ({}), high-priority unassigned {} ({}).",
        d(0),
        num(stats[rec][0].0),
        d(1),
        num(stats[rec][1].0),
        d(2),
        num(stats[rec][2].0)
    );
    let (m, hw) = diffs[rec][0];
    if hw.is_nan() || m - hw <= 0.0 {
        let _ = write!(
            s,
            " The revenue gain is not significant at 95% over {} days: confirm it with more days before switching.",
            meta.days
        );
    } else {
        s.push_str(" The revenue gain is significant at 95% (paired over the same days).");
    }
    s
}

/// Column-name form of a tag.
fn tag_col(t: &str) -> String {
    t.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// `configs.csv`: one row per configuration: its settings, then per
/// metric the mean, the CI half-width, the paired difference from the
/// baseline and its half-width (empty when unknown: one day).
#[must_use]
pub fn configs_csv(meta: &SweepMeta, a: &Analysis) -> String {
    let tags = weight_tags(meta);
    let mut out = String::from("configuration,origin,baseline,pareto,recommended,reschedule_within,drive_cost_per_minute,preferred_technician_bonus");
    for t in &tags {
        let _ = write!(out, ",tag_weight_{}", tag_col(t));
    }
    for m in &a.metrics {
        let _ = write!(out, ",{m}_mean,{m}_ci95,{m}_diff,{m}_diff_ci95");
    }
    out.push('\n');
    let cell = |x: f64| if x.is_nan() { String::new() } else { num(x) };
    for (c, cfg) in meta.configs.iter().enumerate() {
        let _ = write!(
            out,
            "{},{},{},{},{},{}",
            csv_field(&cfg.name),
            cfg.origin,
            c == meta.baseline,
            a.pareto.contains(&c),
            c == a.recommended,
            setting_values(cfg, &tags).join(",")
        );
        for (i, _) in a.metrics.iter().enumerate() {
            let (m, hw) = a.stats[c][i];
            let (d, dhw) = a.diffs[c][i];
            let _ = write!(out, ",{},{},{},{}", cell(m), cell(hw), cell(d), cell(dhw));
        }
        out.push('\n');
    }
    out
}

/// A configuration's settings as table cells: reschedule mode, drive
/// cost, preferred bonus, then each tag's weight (1 when not weighted).
fn setting_values(cfg: &Config, tags: &[String]) -> Vec<String> {
    let mut v = vec![
        cfg.reschedule_within.clone(),
        num(cfg.drive_cost_per_minute),
        num(cfg.preferred_technician_bonus),
    ];
    v.extend(
        tags.iter()
            .map(|t| num(cfg.tag_weights.get(t).copied().unwrap_or(1.0))),
    );
    v
}

/// Every tag weighted in some configuration.
fn weight_tags(meta: &SweepMeta) -> Vec<String> {
    let mut t: Vec<String> = meta
        .configs
        .iter()
        .flat_map(|c| c.tag_weights.keys().cloned())
        .collect();
    t.sort();
    t.dedup();
    t
}

/// `days.csv`: one row per configuration × day with every metric.
#[must_use]
pub fn days_csv(meta: &SweepMeta, records: &[Record]) -> String {
    let tags = tags_of(records.iter().map(|r| &r.metrics));
    let mut out = format!("configuration,day,{HIGH_PRIORITY}");
    out.push_str(&metric_header(&tags));
    out.push('\n');
    for r in records {
        let _ = write!(
            out,
            "{},{},{}",
            csv_field(&meta.configs[r.config].name),
            r.day,
            r.high_priority_unassigned
        );
        out.push_str(&metric_cells(&r.metrics, &tags));
        out.push('\n');
    }
    out
}

fn roles(meta: &SweepMeta, a: &Analysis, c: usize) -> String {
    let mut r = Vec::new();
    if c == meta.baseline {
        r.push("baseline");
    }
    if a.pareto.contains(&c) {
        r.push("Pareto");
    }
    if c == a.recommended {
        r.push("recommended");
    }
    r.join(", ")
}

/// `sweep.md`: the configurations, their metrics, paired differences, the
/// Pareto front and the recommendation.
#[must_use]
pub fn sweep_md(meta: &SweepMeta, a: &Analysis) -> String {
    let mut out = String::new();
    let base = &meta.configs[meta.baseline].name;
    let _ = writeln!(out, "# Weight sweep: {}\n", meta.scenario);
    let _ = writeln!(
        out,
        "{} configurations × {} days from seed {}, solver {}, policy {}. Every configuration replays the same days (common random numbers). Means over days with 95% confidence intervals (Student t). High-priority jobs: tagged {} ({}).\n",
        meta.configs.len(),
        meta.days,
        meta.seed,
        meta.solver,
        meta.policy,
        if meta.high_priority.is_empty() {
            "(no tag)".to_string()
        } else {
            meta.high_priority.join(", ")
        },
        meta.high_priority_rule
    );
    let _ = writeln!(out, "## Recommendation\n\n{}\n", a.reason);

    let _ = writeln!(
        out,
        "## Pareto front\n\nConfigurations no other one beats on all three of mean realised revenue (higher), drive minutes (lower) and high-priority jobs unassigned (lower); differences are paired against {base}.\n"
    );
    out.push_str("| configuration | revenue_realised | drive_minutes | high_priority_unassigned | Δ revenue | Δ drive | Δ high-priority | settings |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
    for &c in &a.pareto {
        let s = &a.stats[c];
        let d = &a.diffs[c];
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            meta.configs[c].name,
            pm(s[0].0, s[0].1),
            pm(s[1].0, s[1].1),
            pm(s[2].0, s[2].1),
            signed(d[0]),
            signed(d[1]),
            signed(d[2]),
            describe(&meta.configs[c])
        );
    }

    let tags = weight_tags(meta);
    let _ = writeln!(out, "\n## Configurations\n");
    out.push_str("| configuration | role | reschedule_within | drive_cost_per_minute | preferred_technician_bonus |");
    for t in &tags {
        // a `|` in a tag would split the Markdown cell
        let _ = write!(out, " weight {} |", t.replace('|', "/"));
    }
    out.push_str("\n|---|---|---|---:|---:|");
    for _ in &tags {
        out.push_str("---:|");
    }
    out.push('\n');
    for (c, cfg) in meta.configs.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            cfg.name,
            roles(meta, a, c),
            setting_values(cfg, &tags).join(" | ")
        );
    }

    let _ = writeln!(
        out,
        "\n## Metrics per configuration\n\nMean per day ± 95% confidence half-width.\n"
    );
    table_head(&mut out, &a.metrics, "");
    for (c, cfg) in meta.configs.iter().enumerate() {
        let _ = write!(out, "| {} |", cfg.name);
        for &(m, hw) in &a.stats[c] {
            let _ = write!(out, " {} |", pm(m, hw));
        }
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "\n## Paired differences against {base}\n\nEach configuration minus {base} on the same days, mean with 95% confidence interval; an interval that excludes 0 is marked *.\n"
    );
    table_head(&mut out, &a.metrics, "Δ ");
    for (c, cfg) in meta.configs.iter().enumerate() {
        if c == meta.baseline {
            continue;
        }
        let _ = write!(out, "| {} |", cfg.name);
        for &d in &a.diffs[c] {
            let _ = write!(out, " {} |", signed(d));
        }
        out.push('\n');
    }
    out
}

fn table_head(out: &mut String, metrics: &[&str], prefix: &str) {
    out.push_str("| configuration |");
    for m in metrics {
        let _ = write!(out, " {prefix}{m} |");
    }
    out.push_str("\n|---|");
    for _ in metrics {
        out.push_str("---:|");
    }
    out.push('\n');
}

/// A paired difference, with `*` when its interval excludes 0.
fn signed((m, hw): (f64, f64)) -> String {
    let sig = !hw.is_nan() && (m - hw > 0.0 || m + hw < 0.0);
    let sign = if m > 0.0 && num(m) != "0.00" { "+" } else { "" };
    format!("{sign}{}{}", pm(m, hw), if sig { " *" } else { "" })
}

/// A trade-off scatter plot of two objectives' means, one point per
/// configuration: filled on the Pareto front, hollow off it, the baseline
/// boxed and the recommendation ringed.
#[allow(clippy::too_many_lines)]
fn scatter(meta: &SweepMeta, a: &Analysis, yi: usize, title: &str) -> String {
    let (w, h) = (640_u32, 400_u32);
    let right = 130_u32;
    let pts: Vec<(f64, f64)> = (0..meta.configs.len())
        .map(|c| (a.stats[c][0].0, a.stats[c][yi].0))
        .collect();
    let range = |vals: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = vals
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        let pad = if hi > lo {
            (hi - lo) * 0.08
        } else {
            lo.abs().max(1.0) * 0.1
        };
        (lo - pad, hi + pad)
    };
    let (x0, x1) = range(&mut pts.iter().map(|p| p.0));
    let (y0, y1) = range(&mut pts.iter().map(|p| p.1));
    let ylabel = a.metrics[yi];
    chart::figure(w, h, title, title, |root| {
        root.fill(&WHITE)?;
        let mut ch = ChartBuilder::on(root)
            .margin(10)
            .margin_right(right)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        ch.configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(238, 238, 238))
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .x_desc("mean realised revenue per day (higher is better →)")
            .y_desc(format!("mean {ylabel} per day (lower is better ↓)"))
            .label_style(chart::font(11))
            .axis_desc_style(chart::font(12))
            .draw()?;
        let (front, rec, grey) = (chart::rgb(0), chart::rgb(3), RGBColor(136, 136, 136));
        let box_style = RGBColor(34, 34, 34);
        // dominated points first, so the front is drawn on top
        let mut order: Vec<usize> = (0..pts.len()).filter(|c| !a.pareto.contains(c)).collect();
        order.extend(a.pareto.iter().rev());
        #[allow(clippy::type_complexity)]
        let mut labels: Vec<((i32, i32), Vec<&str>)> = Vec::new();
        for c in order {
            let p = pts[c];
            if !(p.0.is_finite() && p.1.is_finite()) {
                continue;
            }
            let on_front = a.pareto.contains(&c);
            if on_front {
                ch.draw_series([Circle::new(p, 5, front.filled())])?;
            } else {
                ch.draw_series([EmptyElement::at(p)
                    + Circle::new((0, 0), 4, WHITE.filled())
                    + Circle::new((0, 0), 4, grey)])?;
            }
            if c == meta.baseline {
                ch.draw_series([
                    EmptyElement::at(p) + Rectangle::new([(-7, -7), (7, 7)], box_style)
                ])?;
            }
            if c == a.recommended {
                ch.draw_series([Circle::new(p, 10, rec.stroke_width(2))])?;
            }
            if on_front || c == meta.baseline || c == a.recommended {
                // configurations with the same means share one label
                let at = ch.backend_coord(&p);
                let name = meta.configs[c].name.as_str();
                match labels.iter_mut().find(|(q, _)| *q == at) {
                    Some((_, names)) => names.push(name),
                    None => labels.push((at, vec![name])),
                }
            }
        }
        // labels go right of their point (left in the right half of the plot),
        // moved down or up until they clear the labels already placed
        let xs = ch.plotting_area().get_pixel_range().0;
        let mid = (xs.start + xs.end) / 2;
        let mut placed: Vec<(i32, i32, i32)> = Vec::new();
        for ((x, y), names) in labels {
            let text = names.join(", ");
            let width = i32::try_from(text.chars().count())
                .unwrap_or(i32::MAX / 8)
                .min(1 << 20)
                * 11
                / 2;
            let lx = if x > mid { x - 9 - width } else { x + 9 };
            let clear = |ly: i32| {
                placed
                    .iter()
                    .all(|&(a, b, py)| (ly - py).abs() >= 11 || lx + width <= a || b <= lx)
            };
            let ly = [-6, 14, -18, 26, -30, 38]
                .iter()
                .map(|dy| y + dy)
                .find(|&ly| clear(ly))
                .unwrap_or(y - 6);
            placed.push((lx, lx + width, ly));
            root.draw(&Text::new(
                text,
                (lx, ly),
                chart::font(10).pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))?;
        }
        let w = i32::try_from(w).unwrap_or(0);
        let right = i32::try_from(right).unwrap_or(0);
        let (lx, tx) = (w - right + 12, w - right + 24);
        let text = |t: &'static str, y: i32| {
            Text::new(
                t,
                (tx, y),
                chart::font(10).pos(Pos::new(HPos::Left, VPos::Center)),
            )
        };
        root.draw(&Circle::new((lx, 30), 5, front.filled()))?;
        root.draw(&text("Pareto front", 30))?;
        root.draw(&Circle::new((lx, 50), 4, grey))?;
        root.draw(&text("dominated", 50))?;
        root.draw(&Rectangle::new([(lx - 7, 63), (lx + 7, 77)], box_style))?;
        root.draw(&text("baseline", 70))?;
        root.draw(&Circle::new((lx, 90), 8, rec.stroke_width(2)))?;
        root.draw(&text("recommended", 90))?;
        Ok(())
    })
}

/// `sweep.html`: one self-contained page (inline CSS and SVG, no scripts)
/// with the trade-off plots and `sweep.md`'s tables.
#[must_use]
pub fn sweep_html(meta: &SweepMeta, a: &Analysis, sweep_md: &str) -> String {
    let mut h = page_head(&format!("autodispatch weight sweep: {}", meta.scenario));
    let _ = write!(
        h,
        "<h1>Weight sweep: {}</h1><p>{} configurations × {} days from seed {}; solver {}; baseline {}; recommended {}.</p><h2>Trade-offs</h2>",
        esc(&meta.scenario),
        meta.configs.len(),
        meta.days,
        meta.seed,
        esc(&meta.solver),
        esc(&meta.configs[meta.baseline].name),
        esc(&meta.configs[a.recommended].name)
    );
    h.push_str(&scatter(
        meta,
        a,
        1,
        "realised revenue against drive minutes",
    ));
    h.push_str(&scatter(
        meta,
        a,
        2,
        "realised revenue against high-priority jobs unassigned",
    ));
    h.push_str("<h2>Report</h2>");
    h.push_str(&markdown_html(sweep_md));
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::DayMetrics;
    use std::collections::BTreeMap;

    fn meta(n: usize, days: u32, baseline: usize) -> SweepMeta {
        SweepMeta {
            scenario: "t<&>".into(),
            scenario_fingerprint: "0".into(),
            days,
            seed: 0,
            solver: "greedy".into(),
            policy: "dynamic".into(),
            time_limit_seconds: 1.0,
            check_plans: true,
            configs: (0..n)
                .map(|i| Config {
                    name: format!("c{i}"),
                    origin: "config".into(),
                    tag_weights: BTreeMap::from([("no-heat".to_string(), 2.0)]),
                    drive_cost_per_minute: 1.0,
                    preferred_technician_bonus: 0.0,
                    reschedule_within: "arrival_window".into(),
                })
                .collect(),
            baseline,
            high_priority: vec!["no-heat".into()],
            high_priority_rule: "listed in the spec".into(),
        }
    }

    /// Records with per-configuration (revenue, drive, high-priority) plus day noise.
    fn records(values: &[(f64, f64, usize)], days: u32) -> Vec<Record> {
        let mut out = Vec::new();
        for (c, &(rev, drive, hp)) in values.iter().enumerate() {
            for d in 0..days {
                out.push(Record {
                    config: c,
                    day: d,
                    high_priority_unassigned: hp,
                    metrics: DayMetrics {
                        revenue_realised: rev + f64::from(d) * 100.0,
                        drive_minutes: drive + f64::from(d),
                        ..DayMetrics::default()
                    },
                });
            }
        }
        out
    }

    #[test]
    fn pareto_front_and_recommendation() {
        // c0 baseline; c1 dominates c0; c2 more revenue but more high-priority
        // left; c3 dominated by c1; c4 less drive, less revenue
        let vals = [
            (1000.0, 500.0, 2),
            (1100.0, 480.0, 1),
            (1300.0, 520.0, 3),
            (1050.0, 490.0, 1),
            (900.0, 300.0, 2),
        ];
        let m = meta(5, 3, 0);
        let a = Analysis::new(&m, &records(&vals, 3));
        assert_eq!(a.pareto, vec![2, 1, 4]);
        assert_eq!(a.recommended, 1, "{}", a.reason);
        assert!(a.reason.starts_with("c1: "), "{}", a.reason);
        // paired: c1 − c0 is exactly +100 revenue every day: CI of zero width
        assert!((a.diffs[1][0].0 - 100.0).abs() < 1e-9);
        assert!(a.diffs[1][0].1.abs() < 1e-9);
        assert!(a.reason.contains("significant at 95%"), "{}", a.reason);
        // the per-configuration CI comes from the day-to-day spread
        assert!(a.stats[1][0].1 > 100.0);
    }

    #[test]
    fn the_baseline_on_top_is_kept() {
        let vals = [(1000.0, 400.0, 0), (1000.0, 450.0, 0), (800.0, 300.0, 1)];
        let m = meta(3, 2, 0);
        let a = Analysis::new(&m, &records(&vals, 2));
        assert_eq!(a.pareto, vec![0, 2]);
        assert_eq!(a.recommended, 0);
        assert!(
            a.reason.contains("keep the current settings"),
            "{}",
            a.reason
        );
    }

    #[test]
    fn reports_hold_the_front_and_escape_markup() {
        let vals = [(1000.0, 500.0, 2), (1100.0, 480.0, 1), (900.0, 300.0, 2)];
        let m = meta(3, 1, 0);
        let recs = records(&vals, 1);
        let a = Analysis::new(&m, &recs);
        let md = sweep_md(&m, &a);
        assert!(md.contains("## Pareto front"), "{md}");
        assert!(
            md.contains("| c1 | 1100.00 | 480.00 | 1.00 | +100.00 | -20.00 | -1.00 |"),
            "{md}"
        );
        let html = sweep_html(&m, &a, &md);
        assert!(html.contains("<svg"));
        // a name on the front labels its point, escaped exactly once
        let mut hostile = m.clone();
        hostile.configs[1].name = "<script>alert(1)</script>".into();
        let chart = scatter(&hostile, &a, 1, "t");
        assert!(
            chart.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && !chart.contains("<script")
                && !chart.contains("&amp;lt;"),
            "{chart}"
        );
        assert_eq!(chart, scatter(&hostile, &a, 1, "t"), "deterministic");
        assert!(html.contains("t&lt;&amp;&gt;") && !html.contains("t<&>"));
        let csv = configs_csv(&m, &a);
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let row: Vec<&str> = csv.lines().nth(2).unwrap().split(',').collect();
        assert_eq!(header.len(), row.len());
        assert_eq!(row[0], "c1");
        assert_eq!(row[3], "true");
        let i = header
            .iter()
            .position(|h| *h == "revenue_realised_ci95")
            .unwrap();
        assert_eq!(row[i], "", "one day: no interval");
        let days = days_csv(&m, &recs);
        assert_eq!(days.lines().count(), 4);
        assert!(days.starts_with("configuration,day,high_priority_unassigned,jobs,"));
    }
}
