//! `report.html`: one self-contained page (inline CSS and SVG, no scripts,
//! nothing fetched) with the summary, charts per solver, the distribution
//! over days, a dispatch board and route map of day 0 per solver, and the
//! Technician Performance Report. Every string from inputs is escaped.
//!
//! The metric charts (bars with CI whiskers, strips of days) are drawn
//! with `plotters` (see `chart`); the dispatch board and route map are not
//! charts of metrics and are written here as SVG directly. plotters' SVG
//! output depends only on its input, so the page stays byte-stable.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use autodispatch_model::time::clock;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::chart;

use crate::experiment::{mean_ci, Experiment, Run};
use crate::replay::DayMetrics;
use crate::scenario::Scenario;

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
];

pub(crate) fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Per solver, the mean and 95% CI half-width of one metric over days.
fn solver_stats(exp: &Experiment, runs: &[Run], f: fn(&DayMetrics) -> f64) -> Vec<(f64, f64)> {
    (0..exp.solvers.len())
        .map(|s| {
            let xs: Vec<f64> = runs
                .iter()
                .filter(|r| r.solver == s)
                .map(|r| f(&r.outcome.metrics))
                .collect();
            mean_ci(&xs)
        })
        .collect()
}

/// Room for the longest of `names` as axis labels, in pixels.
#[allow(clippy::cast_possible_truncation)]
fn label_room(names: &[String], lo: u32, hi: u32) -> u32 {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    (u32::try_from(longest).unwrap_or(u32::MAX).saturating_mul(6) + 12).clamp(lo, hi)
}

/// A category axis: solver `i` sits at `i`. Asked for `n` labels over a
/// span of `n`, plotters puts them at the integers.
#[allow(clippy::cast_precision_loss)]
fn categories(n: usize) -> std::ops::Range<f64> {
    -0.5..n as f64 - 0.5
}

/// The solver name at a category axis position.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn category(names: &[String], v: f64) -> String {
    let i = v.round();
    if i >= 0.0 && (v - i).abs() < 1e-6 {
        names.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// An axis value, with as many decimals as an axis spanning `span` needs.
fn tick(v: f64, span: f64) -> String {
    if span >= 20.0 {
        format!("{v:.0}")
    } else if span >= 2.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A bar chart of one metric per solver, with 95% CI whiskers.
#[allow(clippy::cast_precision_loss)]
fn bars(title: &str, exp: &Experiment, runs: &[Run], f: fn(&DayMetrics) -> f64) -> String {
    let stats = solver_stats(exp, runs, f);
    let top = stats
        .iter()
        .map(|(m, hw)| m + if hw.is_nan() { 0.0 } else { *hw })
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.15 } else { 1.0 };
    let names = &exp.solvers;
    let n = names.len().max(1);
    let caption = format!("{title} (mean per day, 95% CI)");
    chart::figure(360, 220, title, &caption, |root| {
        root.fill(&WHITE)?;
        let mut c = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(48)
            .build_cartesian_2d(categories(n), 0.0..top)?;
        c.configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(230, 230, 230))
            .x_labels(n)
            .y_labels(5)
            .x_label_formatter(&|v| category(names, *v))
            .y_label_formatter(&|v| tick(*v, top))
            .label_style(chart::font(11))
            .draw()?;
        let half = 0.3;
        c.draw_series(stats.iter().enumerate().filter_map(|(s, &(m, _))| {
            let x = s as f64;
            m.is_finite().then(|| {
                Rectangle::new(
                    [(x - half, 0.0), (x + half, m.max(0.0))],
                    chart::rgb(s).filled(),
                )
            })
        }))?;
        let label = chart::font(10).pos(Pos::new(HPos::Left, VPos::Bottom));
        for (s, &(m, hw)) in stats.iter().enumerate() {
            let x = s as f64;
            if !m.is_finite() {
                continue;
            }
            if hw.is_finite() {
                let (lo, hi) = ((m - hw).max(0.0), m + hw);
                c.draw_series([PathElement::new(vec![(x, lo), (x, hi)], BLACK)])?;
                for y in [lo, hi] {
                    c.draw_series([
                        EmptyElement::at((x, y)) + PathElement::new(vec![(-4, 0), (4, 0)], BLACK)
                    ])?;
                }
            }
            c.draw_series([EmptyElement::at((x, m.max(0.0)))
                + Text::new(format!("{m:.1}"), (4, -2), label.clone())])?;
        }
        Ok(())
    })
}

/// One dot per day per solver: the distribution over days, the first
/// solver in the top row.
#[allow(clippy::cast_precision_loss)]
fn strip(title: &str, exp: &Experiment, runs: &[Run], f: fn(&DayMetrics) -> f64) -> String {
    let names = &exp.solvers;
    let n = names.len().max(1);
    let vals: Vec<f64> = runs
        .iter()
        .map(|r| f(&r.outcome.metrics))
        .filter(|v| v.is_finite())
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi > lo {
        let pad = (hi - lo) * 0.04;
        (lo - pad, hi + pad)
    } else {
        (lo - 0.5, hi + 0.5)
    };
    let h = 28 * u32::try_from(n).unwrap_or(u32::MAX).min(1 << 20) + 44;
    let caption = format!("{title} per day");
    chart::figure(720, h, title, &caption, |root| {
        root.fill(&WHITE)?;
        let mut c = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(label_room(names, 60, 200))
            .build_cartesian_2d(lo..hi, categories(n))?;
        c.configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(230, 230, 230))
            .x_labels(6)
            .y_labels(n)
            .y_label_formatter(&|v| category(names, (n - 1) as f64 - *v))
            .x_label_formatter(&|v| tick(*v, hi - lo))
            .label_style(chart::font(11))
            .draw()?;
        c.draw_series(runs.iter().filter_map(|r| {
            let v = f(&r.outcome.metrics);
            v.is_finite().then(|| {
                Circle::new(
                    (v, (n - 1 - r.solver) as f64),
                    4,
                    chart::rgb(r.solver).mix(0.7).filled(),
                )
            })
        }))?;
        Ok(())
    })
}

/// The dispatch board of one run: technicians × time, drives grey, jobs by type.
#[allow(clippy::cast_precision_loss)]
fn gantt(run: &Run, types: &BTreeMap<String, usize>) -> String {
    let o = &run.outcome;
    let (w, pad, row) = (900.0, 110.0, 16.0);
    let n = o.technicians.len();
    let h = row * n as f64 + 30.0;
    let t0 = o
        .visits
        .iter()
        .map(|v| v.depart)
        .fold(f64::INFINITY, f64::min);
    let t1 = o
        .visits
        .iter()
        .map(|v| v.end)
        .fold(f64::NEG_INFINITY, f64::max);
    if !t0.is_finite() || t1 <= t0 {
        return "<p>No visits.</p>".into();
    }
    let x = |t: f64| pad + (t - t0) / (t1 - t0) * (w - pad - 10.0);
    let mut svg = format!("<svg class=\"gantt\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"dispatch board\"><title>dispatch board</title>");
    let mut hour = (t0 / 60.0).ceil() * 60.0;
    while hour <= t1 {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"12\" x2=\"{0:.1}\" y2=\"{h}\" stroke=\"#eee\"/><text x=\"{0:.1}\" y=\"10\" font-size=\"9\" text-anchor=\"middle\">{1}</text>",
            x(hour),
            clock(hour)
        );
        hour += 60.0;
    }
    for (t, tech) in o.technicians.iter().enumerate() {
        let y = 14.0 + row * t as f64;
        let _ = write!(
            svg,
            "<text x=\"2\" y=\"{:.1}\" font-size=\"10\">{} {}</text>",
            y + row * 0.7,
            esc(&tech.technician),
            esc(&tech.name)
        );
        for v in o.visits.iter().filter(|v| v.technician == t) {
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#bbb\"><title>drive to {}</title></rect>",
                x(v.depart),
                y + row * 0.35,
                (x(v.arrive) - x(v.depart)).max(0.5),
                row * 0.3,
                esc(&v.job)
            );
            let c = color(types.get(&v.job_type).copied().unwrap_or(0));
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{c}\"><title>{} ({}) {}–{}</title></rect>",
                x(v.start),
                y + 1.0,
                (x(v.end) - x(v.start)).max(0.5),
                row - 2.0,
                esc(&v.job),
                esc(&v.job_type),
                clock(v.start),
                clock(v.end)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The routes of one run on a map (equirectangular projection of the area).
#[allow(clippy::cast_precision_loss)]
fn map(run: &Run) -> String {
    let o = &run.outcome;
    let pts: Vec<(f64, f64)> = o
        .homes
        .iter()
        .chain(o.job_locations.values())
        .copied()
        .collect();
    if pts.is_empty() {
        return String::new();
    }
    let (mut la0, mut la1, mut lo0, mut lo1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(la, lo) in &pts {
        la0 = la0.min(la);
        la1 = la1.max(la);
        lo0 = lo0.min(lo);
        lo1 = lo1.max(lo);
    }
    let size = 520.0;
    let k = ((la0 + la1) / 2.0).to_radians().cos();
    let span = ((la1 - la0).max((lo1 - lo0) * k)).max(1e-6);
    let p = |(la, lo): (f64, f64)| {
        (
            10.0 + (lo - lo0) * k / span * (size - 20.0),
            10.0 + (la1 - la) / span * (size - 20.0),
        )
    };
    let mut svg = format!("<svg class=\"map\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"routes\"><title>routes</title><rect width=\"{size}\" height=\"{size}\" fill=\"#f8f8f4\"/>");
    for (id, &c) in &o.job_locations {
        let (x, y) = p(c);
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2\" fill=\"#999\"><title>{}</title></circle>",
            esc(id)
        );
    }
    for (t, tech) in o.technicians.iter().enumerate() {
        let mut line = vec![p(o.homes[t])];
        let mut vs: Vec<_> = o.visits.iter().filter(|v| v.technician == t).collect();
        vs.sort_by(|a, b| a.depart.total_cmp(&b.depart));
        for v in &vs {
            if let Some(&c) = o.job_locations.get(&v.job) {
                line.push(p(c));
            }
        }
        if vs.is_empty() {
            continue;
        }
        line.push(p(o.homes[t]));
        let path: Vec<String> = line.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" stroke-opacity=\"0.8\"><title>{}</title></polyline>",
            path.join(" "),
            color(t),
            esc(&tech.technician)
        );
        let (hx, hy) = line[0];
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\" fill=\"{}\"/>",
            hx - 3.0,
            hy - 3.0,
            color(t)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The start of a self-contained page, up to and including `<body>`: the
/// title (escaped here) and the shared inline style.
pub(crate) fn page_head(title: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
body{{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}}\
table{{border-collapse:collapse;margin:8px 0 16px}}td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px}}\
td{{text-align:right}}td:first-child{{text-align:left}}figure{{display:inline-block;margin:8px}}\
figcaption{{font-size:12px;text-align:center}}.legend span{{display:inline-block;padding:2px 6px;margin:2px;color:#fff;font-size:12px}}\
</style></head><body>",
        esc(title)
    )
}

/// The tables, `## ` headings and paragraphs of a report's own Markdown
/// as HTML (everything escaped; `# ` titles are left to the page).
pub(crate) fn markdown_html(md: &str) -> String {
    let mut h = String::new();
    let mut in_table = false;
    for line in md.lines() {
        if line.starts_with('|') {
            if line.starts_with("|---") {
                continue;
            }
            if !in_table {
                h.push_str("<table>");
                in_table = true;
            }
            h.push_str("<tr>");
            for cell in line.trim_matches('|').split('|') {
                let _ = write!(h, "<td>{}</td>", esc(cell.trim()));
            }
            h.push_str("</tr>");
        } else {
            if in_table {
                h.push_str("</table>");
                in_table = false;
            }
            if let Some(t) = line.strip_prefix("## ") {
                let _ = write!(h, "<h3>{}</h3>", esc(t));
            } else if !line.trim().is_empty() && !line.starts_with('#') {
                let _ = write!(h, "<p>{}</p>", esc(line));
            }
        }
    }
    if in_table {
        h.push_str("</table>");
    }
    h
}

/// The whole page.
#[must_use]
#[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
pub fn report_html(sc: &Scenario, exp: &Experiment, runs: &[Run], summary_md: &str) -> String {
    let mut h = page_head(&format!("autodispatch simulation: {}", sc.name));
    let _ = write!(
        h,
        "<h1>Simulation: {}</h1><p>{} days from seed {}; solvers {}.</p>",
        esc(&sc.name),
        exp.days,
        exp.seed,
        esc(&exp.solvers.join(", "))
    );
    // the summary tables, from summary.md's Markdown tables
    h.push_str("<h2>Summary</h2>");
    h.push_str(&markdown_html(summary_md));
    h.push_str("<h2>Per solver</h2>");
    #[allow(clippy::type_complexity)]
    let charts: [(&str, fn(&DayMetrics) -> f64); 4] = [
        ("realised revenue", |m| m.revenue_realised),
        ("drive minutes", |m| m.drive_minutes),
        ("unassigned at day end", |m| m.unassigned_end as f64),
        ("reassignments per job (churn)", |m| m.churn),
    ];
    for (t, f) in charts {
        h.push_str(&bars(t, exp, runs, f));
    }
    h.push_str("<h2>Distribution over days</h2>");
    h.push_str(&strip("realised revenue", exp, runs, |m| {
        m.revenue_realised
    }));
    h.push_str(&strip("unassigned at day end", exp, runs, |m| {
        m.unassigned_end as f64
    }));

    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    for (i, t) in sc.job_types.iter().enumerate() {
        types.insert(t.name.clone(), i);
    }
    h.push_str("<h2>Day 0</h2><p class=\"legend\">");
    for (name, i) in &types {
        let _ = write!(
            h,
            "<span style=\"background:{}\">{}</span>",
            color(*i),
            esc(name)
        );
    }
    h.push_str("<span style=\"background:#bbb;color:#222\">drive</span></p>");
    for r in runs.iter().filter(|r| r.day == 0) {
        let name = esc(&exp.solvers[r.solver]);
        let _ = write!(h, "<h3>Dispatch board — {name}</h3>");
        h.push_str(&gantt(r, &types));
        if !r.outcome.left.is_empty() {
            let _ = write!(h, "<details><summary>{} jobs not done at day end</summary><table><tr><th>job</th><th>last reason</th></tr>", r.outcome.left.len());
            for (job, reason) in &r.outcome.left {
                let _ = write!(h, "<tr><td>{}</td><td>{}</td></tr>", esc(job), esc(reason));
            }
            h.push_str("</table></details>");
        }
        let _ = write!(h, "<h3>Routes — {name}</h3>");
        h.push_str(&map(r));
    }

    h.push_str("<h2>Technician Performance Report</h2><p>Totals over all days, per solver.</p>");
    for (s, name) in exp.solvers.iter().enumerate() {
        let _ = write!(
            h,
            "<h3>{}</h3><table><tr><th>technician</th><th>jobs</th><th>revenue</th><th>conversion</th><th>drive min</th><th>utilisation</th><th>overtime min</th><th>double bookings</th><th>reassigned away</th></tr>",
            esc(name)
        );
        let mut agg: BTreeMap<(usize, String), [f64; 10]> = BTreeMap::new();
        for r in runs.iter().filter(|r| r.solver == s) {
            for (i, t) in r.outcome.technicians.iter().enumerate() {
                let a = agg
                    .entry((i, format!("{} {}", t.technician, t.name)))
                    .or_insert([0.0; 10]);
                a[0] += t.jobs as f64;
                a[1] += t.revenue;
                a[2] += t.estimates as f64;
                a[3] += t.sold as f64;
                a[4] += t.drive_minutes;
                a[5] += t.work_minutes;
                a[6] += t.shift_minutes;
                a[7] += t.overtime_minutes;
                a[8] += t.double_bookings as f64;
                a[9] += t.reassigned_away as f64;
            }
        }
        for ((_, label), a) in &agg {
            let conv = if a[2] > 0.0 {
                format!("{:.0}%", 100.0 * a[3] / a[2])
            } else {
                "–".into()
            };
            let util = if a[6] > 0.0 { 100.0 * a[5] / a[6] } else { 0.0 };
            let (db, away) = (a[8], a[9]);
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{:.0}</td><td>{:.0}</td><td>{conv}</td><td>{:.0}</td><td>{util:.0}%</td><td>{:.0}</td><td>{db:.0}</td><td>{away:.0}</td></tr>",
                esc(label),
                a[0],
                a[1],
                a[4],
                a[7]
            );
        }
        h.push_str("</table>");
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::ReplayOptions;
    use autodispatch_model::Solver;

    fn make(name: &str) -> Option<Box<dyn Solver>> {
        name.starts_with("greedy")
            .then(|| Box::new(autodispatch_greedy::Greedy) as Box<dyn Solver>)
    }

    #[test]
    fn charts_are_plotters_svg_with_solver_names_escaped_once() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/small.toml");
        let sc = Scenario::load(&path).unwrap();
        let mut exp = Experiment {
            days: 3,
            seed: 2,
            solvers: vec!["greedy".into(), "greedy-b".into()],
            replay: ReplayOptions::default(),
            threads: 1,
        };
        let runs = crate::experiment::run(&sc, &exp, &make, &|| {}).unwrap();
        let two = Experiment {
            threads: 2,
            ..exp.clone()
        };
        let again = crate::experiment::run(&sc, &two, &make, &|| {}).unwrap();
        exp.solvers[1] = "<script>alert(1)</script>".into();
        let f = |m: &DayMetrics| m.revenue_realised;
        for chart in [
            bars("revenue", &exp, &runs, f),
            strip("revenue", &exp, &runs, f),
        ] {
            assert!(chart.starts_with("<figure><svg class=\"chart\""), "{chart}");
            assert!(
                chart.contains(">\ngreedy\n</text>")
                    && chart.contains(">\n&lt;script&gt;alert(1)&lt;/script&gt;\n</text>")
                    && !chart.contains("<script")
                    && !chart.contains("&amp;lt;"),
                "{chart}"
            );
        }
        // one bar per solver and one dot per day per solver
        let bar = bars("revenue", &exp, &runs, f);
        for s in 0..2 {
            let fill = format!("fill=\"{}\"", color(s).to_uppercase());
            assert!(bar.contains(&fill), "{fill} {bar}");
        }
        let dots = strip("revenue", &exp, &runs, f);
        assert_eq!(dots.matches("<circle").count(), 6, "{dots}");
        assert_eq!(
            report_html(&sc, &exp, &runs, ""),
            report_html(&sc, &exp, &again, "")
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<b a=\"x\">&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;"
        );
    }
}
