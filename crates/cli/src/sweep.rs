//! `autodispatch sweep --scenario FILE --weights SPEC --days N --seed K
//! --solver NAME [--time-limit T] [--threads N] [--shard K/N] --out DIR`:
//! replays the same N days under every settings configuration of SPEC and
//! writes DIR/configs.csv, DIR/days.csv, DIR/sweep.md, DIR/sweep.html and
//! the raw results DIR/raw/all.jsonl. With `--shard K/N` it runs only that
//! slice of the (configuration × day) grid and writes
//! DIR/raw/shard-K-of-N.jsonl, for `autodispatch merge`.
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use autodispatch_sim::sweep::{self, Record, Shard, SweepMeta, WeightSpec};
use autodispatch_sim::sweep_report::{self, Analysis};
use autodispatch_sim::{ReplayOptions, Scenario};

use crate::common::{check_day_runs, solver_by_name, usage, write_output, SOLVER_NAMES};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML), e.g. scenarios/small.toml.
    #[arg(long)]
    pub scenario: PathBuf,
    /// Sweep spec (TOML): configurations, grid and/or random search, the
    /// baseline; see scenarios/weights-example.toml.
    #[arg(long, value_name = "SPEC")]
    pub weights: PathBuf,
    /// Number of days (0..N-1), the same for every configuration.
    #[arg(long, default_value_t = 3)]
    pub days: u32,
    /// Seed of the days and of every solver run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Solver every configuration runs with.
    #[arg(long, default_value = "greedy")]
    pub solver: String,
    /// Solver time limit per cycle, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// Worker threads (outputs do not depend on it); 0: all cores.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Run only shard K of N of the (configuration × day) grid and write
    /// its raw results to DIR/raw/shard-K-of-N.jsonl (combine with `merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Apply plans without checking them first (faster on big days).
    #[arg(long)]
    pub no_check: bool,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    check_day_runs(args.time_limit, args.days, args.threads)?;
    if solver_by_name(&args.solver).is_none() {
        return Err(usage(format!(
            "unknown solver {:?}; known: {}",
            args.solver,
            SOLVER_NAMES.join(", ")
        )));
    }
    let sc = Scenario::load(&args.scenario)
        .map_err(|e| usage(format!("{}: {e}", args.scenario.display())))?;
    let spec = WeightSpec::load(&args.weights)
        .map_err(|e| usage(format!("{}: {e}", args.weights.display())))?;
    let configs = spec
        .configurations(&sc)
        .map_err(|e| usage(format!("{}: {e}", args.weights.display())))?;
    let replay = ReplayOptions {
        static_plan: false,
        cycle_minutes: None,
        time_limit: Duration::from_secs_f64(args.time_limit),
        check_plans: !args.no_check,
    };
    let meta = SweepMeta::new(&sc, configs, args.days, args.seed, &args.solver, &replay);
    let shard = args.shard.unwrap_or(Shard::ALL);
    let raw_dir = args.out.join("raw");
    std::fs::create_dir_all(&raw_dir)
        .with_context(|| format!("cannot create {}", raw_dir.display()))?;

    let runs = (0..meta.total_runs()).filter(|t| shard.owns(*t)).count() as u64;
    let bar = progress_bar(runs, "runs");
    let make = |name: &str| solver_by_name(name).map(|s| s as Box<dyn autodispatch_model::Solver>);
    let records = sweep::run(&sc, &meta, shard, args.threads, &make, &|| bar.inc(1))
        .map_err(|e| usage(e.to_string()))?;
    bar.finish_and_clear();

    if args.shard.is_some() {
        let path = raw_dir.join(shard.file_name());
        write_output(
            Some(&path),
            sweep::raw_jsonl(&meta, shard, &records).trim_end(),
        )?;
        eprintln!(
            "wrote shard {shard} ({} of {} runs) to {}; when all {} shards are done: autodispatch merge DIR... --out DIR",
            records.len(),
            meta.total_runs(),
            path.display(),
            shard.count
        );
        return Ok(ExitCode::SUCCESS);
    }
    // reports are made from the parsed raw file, exactly as `merge` makes
    // them, so a merged sharded run writes the same bytes
    let raw = sweep::raw_jsonl(&meta, Shard::ALL, &records);
    let parsed = sweep::parse_raw("raw/all.jsonl", &raw)?;
    let analysis = write_all(&args.out, &parsed.meta, &parsed.records)?;
    print_recommendation(&args.out, &parsed.meta, &analysis, records.len());
    Ok(ExitCode::SUCCESS)
}

/// Writes every file of a whole sweep: raw/all.jsonl, configs.csv,
/// days.csv, sweep.md and sweep.html.
pub fn write_all(dir: &Path, meta: &SweepMeta, records: &[Record]) -> anyhow::Result<Analysis> {
    let raw_dir = dir.join("raw");
    std::fs::create_dir_all(&raw_dir)
        .with_context(|| format!("cannot create {}", raw_dir.display()))?;
    write_output(
        Some(&raw_dir.join("all.jsonl")),
        sweep::raw_jsonl(meta, Shard::ALL, records).trim_end(),
    )?;
    let analysis = Analysis::new(meta, records);
    write_output(
        Some(&dir.join("configs.csv")),
        sweep_report::configs_csv(meta, &analysis).trim_end(),
    )?;
    write_output(
        Some(&dir.join("days.csv")),
        sweep_report::days_csv(meta, records).trim_end(),
    )?;
    let md = sweep_report::sweep_md(meta, &analysis);
    write_output(Some(&dir.join("sweep.md")), md.trim_end())?;
    write_output(
        Some(&dir.join("sweep.html")),
        &sweep_report::sweep_html(meta, &analysis, &md),
    )?;
    Ok(analysis)
}

/// The recommendation on stdout, where the files are on stderr.
pub fn print_recommendation(dir: &Path, meta: &SweepMeta, a: &Analysis, runs: usize) {
    crate::outln!(
        "Pareto front: {}",
        a.pareto
            .iter()
            .map(|&c| meta.configs[c].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    crate::outln!("Recommended: {}", a.reason);
    eprintln!(
        "wrote {runs} runs ({} configurations × {} days) to {}; open {} for the trade-off plots",
        meta.configs.len(),
        meta.days,
        dir.display(),
        dir.join("sweep.html").display()
    );
}

/// A progress bar on a terminal's stderr; hidden in pipes and files.
pub fn progress_bar(total: u64, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new(total);
    b.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {{pos}}/{{len}} {what} [{{bar:30}}] {{elapsed}} (eta {{eta}})"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    b
}
