//! `autodispatch simulate --scenario FILE --days N --seed K --solvers greedy[,..]
//! [--time-limit T] [--threads N] [--static] [--cycle-minutes M] --out DIR`:
//! replays N synthetic days with each solver and writes DIR/days.csv,
//! DIR/summary.md, DIR/technicians.csv, DIR/audit.jsonl, DIR/report.html and DIR/timings.csv
//! (solver wall-clock times, kept apart so the others are byte-identical
//! for any --threads).
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use autodispatch_sim::experiment::{self, Experiment};
use autodispatch_sim::{ReplayOptions, Scenario};

use crate::common::{check_day_runs, solver_by_name, usage, write_output, SOLVER_NAMES};

/// The scenario `simulate` runs when none is given.
const BUILT_IN_SCENARIO: &str = include_str!("../../../scenarios/small.toml");

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML), e.g. scenarios/metro-medium.toml; default: the
    /// built-in `small` scenario (scenarios/small.toml).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Number of days (0..N-1).
    #[arg(long, default_value_t = 4)]
    pub days: u32,
    /// Seed of the days and of every solver run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Comma-separated solver names; the first is the baseline of paired differences.
    #[arg(long, default_value = "greedy,auto", value_delimiter = ',')]
    pub solvers: Vec<String>,
    /// Solver time limit per cycle, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// Worker threads for days in parallel (outputs do not depend on it); 0: all cores.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Plan once before business hours and never re-solve (baseline policy).
    #[arg(long = "static")]
    pub static_plan: bool,
    /// Re-optimization period in minutes (default: the scenario's).
    #[arg(long, value_name = "MINUTES")]
    pub cycle_minutes: Option<f64>,
    /// Apply plans without checking them first (faster on big days; a
    /// solver bug could then corrupt the simulated day).
    #[arg(long)]
    pub no_check: bool,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    check_day_runs(args.time_limit, args.days, args.threads)?;
    if let Some(c) = args.cycle_minutes {
        // as the scenario's replay.cycle_minutes
        if !(c.is_finite() && (1.0..=1440.0).contains(&c)) {
            return Err(usage(format!(
                "--cycle-minutes must be between 1 and 1440, got {c}"
            )));
        }
    }
    let mut solvers: Vec<String> = Vec::new();
    for s in &args.solvers {
        let s = s.trim().to_string();
        if solver_by_name(&s).is_none() {
            return Err(usage(format!(
                "unknown solver {s:?}; known: {}",
                SOLVER_NAMES.join(", ")
            )));
        }
        if solvers.contains(&s) {
            return Err(usage(format!("solver {s:?} is listed twice")));
        }
        solvers.push(s);
    }
    if solvers.is_empty() {
        return Err(usage(format!(
            "--solvers needs at least one of: {}",
            SOLVER_NAMES.join(", ")
        )));
    }
    let sc = match &args.scenario {
        Some(path) => {
            Scenario::load(path).map_err(|e| usage(format!("{}: {e}", path.display())))?
        }
        None => Scenario::parse(BUILT_IN_SCENARIO)
            .map_err(|e| usage(format!("built-in scenario: {e}")))?,
    };
    let exp = Experiment {
        days: args.days,
        seed: args.seed,
        solvers,
        replay: ReplayOptions {
            static_plan: args.static_plan,
            cycle_minutes: args.cycle_minutes,
            time_limit: Duration::from_secs_f64(args.time_limit),
            check_plans: !args.no_check,
        },
        threads: args.threads,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;

    let total = u64::from(exp.days) * exp.solvers.len() as u64;
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} day runs [{bar:30}] {elapsed} (eta {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let make = |name: &str| solver_by_name(name).map(|s| s as Box<dyn autodispatch_model::Solver>);
    // audit.jsonl and technicians.csv grow with the days: they are written
    // as runs finish (in order), and each run keeps only what the summary
    // and report need, so memory stays flat however many days there are
    let dir = &args.out;
    let tmp = |name: &str| dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let create = |name: &str| {
        std::fs::File::create(tmp(name))
            .map(std::io::BufWriter::new)
            .with_context(|| format!("cannot write {}", tmp(name).display()))
    };
    let mut audit = create("audit.jsonl")?;
    let mut techs = create("technicians.csv")?;
    techs.write_all(experiment::TECHNICIANS_HEADER.as_bytes())?;
    let mut runs = Vec::new();
    let mut io_error: Option<std::io::Error> = None;
    experiment::run_streaming(&sc, &exp, &make, &|| bar.inc(1), &mut |mut r| {
        if io_error.is_none() {
            let written = audit
                .write_all(experiment::audit_lines(&exp, &r).as_bytes())
                .and_then(|()| techs.write_all(experiment::technician_rows(&exp, &r).as_bytes()));
            io_error = written.err();
        }
        if r.day != 0 {
            r.lighten();
        }
        runs.push(r);
    })
    .map_err(|e| usage(e.to_string()))?;
    bar.finish_and_clear();
    if let Some(e) = io_error {
        return Err(e).context("cannot write the audit trail or technicians.csv");
    }
    for (mut w, name) in [(audit, "audit.jsonl"), (techs, "technicians.csv")] {
        w.flush()?;
        drop(w);
        std::fs::rename(tmp(name), dir.join(name))
            .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
    }

    write_output(
        Some(&dir.join("days.csv")),
        experiment::days_csv(&exp, &runs).trim_end(),
    )?;
    write_output(
        Some(&dir.join("summary.md")),
        experiment::summary_md(&sc, &exp, &runs).trim_end(),
    )?;
    let summary = experiment::summary_md(&sc, &exp, &runs);
    write_output(
        Some(&dir.join("report.html")),
        &autodispatch_sim::report::report_html(&sc, &exp, &runs, &summary),
    )?;
    write_output(
        Some(&dir.join("timings.csv")),
        experiment::timings_csv(&exp, &runs).trim_end(),
    )?;
    crate::outln!("{}", summary.trim_end());
    eprintln!(
        "wrote {} day runs to {}; open {} for charts, dispatch boards and the technician report",
        runs.len(),
        dir.display(),
        dir.join("report.html").display()
    );
    Ok(ExitCode::SUCCESS)
}
