//! `autodispatch bench --solvers LIST --time-limit S (--days DIR | --scenario
//! FILE --seeds A..B | --toptw FILE... --tours M | --solomon FILE...) [--out FILE.md]`:
//! every chosen solver over every day, one run after another (so timings do
//! not disturb each other), as a Markdown table of objective, bound, gaps,
//! time and validity, with a summary row per solver.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use autodispatch_milp::import::{
    parse_solomon, parse_toptw, to_problem, toptw_decimals, ImportOptions,
};
use autodispatch_model::check::check_plan;
use autodispatch_model::{Problem, SolveOptions};
use autodispatch_sim::{generate_day, Scenario};

use crate::common::{load_problem, solver_by_name, usage, write_output, SOLVER_NAMES};
use crate::solve::plan_day;

/// Most days one bench may hold (a typo like `--seeds 1..1000000` is refused).
const MAX_DAYS: usize = 10_000;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exactly one source of days: --days, --scenario (with --seeds), \
--toptw (with --tours) or --solomon. The table goes to stdout, and also to --out. \
Exit 0 when every plan is valid, 1 when a plan is invalid or a solver failed \
(the table is printed either way), 2 on bad input."
)]
pub struct Args {
    /// Solvers to run, comma-separated, each on every day (greedy, lns, auto,
    /// milp).
    #[arg(long, default_value = "greedy,auto", value_name = "LIST")]
    pub solvers: String,
    /// Wall-clock budget of each solver run, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// Seed of every solver run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads of each solver run, 0 for every core (runs
    /// themselves are sequential).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Relative MIP gap of each run: stop once the plan is proven within
    /// this fraction of the bound (0: run to optimal or time).
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub gap: f64,
    /// A folder of FORMAT.md problems: every `*.json` in it, by file name.
    #[arg(long, value_name = "DIR")]
    pub days: Option<PathBuf>,
    /// A scenario (TOML): one generated day per seed of --seeds.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Scenario seeds: `A..B` (A up to B-1), `A..=B` (A up to B), or `N,M,...`.
    #[arg(long, value_name = "A..B")]
    pub seeds: Option<String>,
    /// Scenario day number of every generated day (0 is the start date).
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub day: u32,
    /// TOPTW instances, imported as `autodispatch import toptw` does.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub toptw: Vec<PathBuf>,
    /// Solomon VRPTW instances, imported as `autodispatch import solomon` does.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub solomon: Vec<PathBuf>,
    /// Tours (technicians) per imported instance; a list such as `1,2,3,4`
    /// runs each instance once per count. Required with --toptw; with
    /// --solomon the default is the file's vehicle number.
    #[arg(long, value_name = "M[,M...]")]
    pub tours: Option<String>,
    /// Round imported distances down to this many decimals (default: the
    /// literature's rounding for TOPTW, exact for Solomon). Best-known values
    /// are shown only with the default.
    #[arg(long, value_name = "K")]
    pub decimals: Option<u32>,
    /// Objective penalty per minute of driving of imported Solomon days.
    #[arg(long, default_value_t = 0.0, value_name = "COST")]
    pub drive_cost: f64,
    /// Best-known table (bks.csv) for imported instances; default: the
    /// `bks.csv` in the instance's folder or the folder above it.
    #[arg(long, value_name = "CSV")]
    pub bks: Option<PathBuf>,
    /// Also write the table to this Markdown file.
    #[arg(long, value_name = "FILE.md")]
    pub out: Option<PathBuf>,
    /// List each run's `solver.note` (pricing rounds, fallback reasons) under the table.
    #[arg(long)]
    pub notes: bool,
    /// Write every day (FORMAT.md problem) to this folder before solving, so
    /// a row can be re-run with `autodispatch solve`.
    #[arg(long, value_name = "DIR")]
    pub write_days: Option<PathBuf>,
}

/// One day of the bench and what is known about it.
struct Day {
    name: String,
    problem: Problem,
    /// Objective of the best known solution, when the instance has one.
    best_known: Option<f64>,
}

/// One solver run on one day.
struct Row {
    day: usize,
    solver: String,
    objective: Option<f64>,
    bound: Option<f64>,
    seconds: f64,
    /// Number of broken rules; `None` when the solver failed.
    violations: Option<usize>,
    unassigned: usize,
    status: String,
    note: Option<String>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    crate::common::check_time_limit(args.time_limit)?;
    crate::common::check_threads(args.threads)?;
    crate::common::check_gap(args.gap)?;
    let solvers = parse_solvers(&args.solvers)?;
    // a table that cannot be written should fail now, not after the runs
    if let Some(out) = &args.out {
        let dir = out
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(usage(format!(
                "--out {}: no folder {}",
                out.display(),
                dir.display()
            )));
        }
    }
    let days = load_days(args)?;
    if let Some(dir) = &args.write_days {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for d in &days {
            write_output(
                Some(&dir.join(format!("{}.json", d.name))),
                &d.problem.to_json(),
            )?;
        }
    }
    let opts = SolveOptions {
        time_limit: Duration::from_secs_f64(args.time_limit),
        seed: args.seed,
        threads: crate::common::solve_threads(args.threads),
        gap: args.gap,
    };
    let total = (days.len() * solvers.len()) as u64;
    let bar = if std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} runs [{bar:30}] {elapsed} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut rows = Vec::with_capacity(days.len() * solvers.len());
    let mut failures = Vec::new();
    for (i, day) in days.iter().enumerate() {
        for name in &solvers {
            bar.set_message(format!("{} {name}", day.name));
            let solver =
                solver_by_name(name).ok_or_else(|| usage(format!("unknown solver {name:?}")))?;
            let row = match plan_day(&day.problem, solver.as_ref(), &opts) {
                Ok(plan) => {
                    let report = check_plan(&day.problem, &plan);
                    Row {
                        day: i,
                        solver: name.clone(),
                        objective: Some(plan.metrics.objective),
                        bound: plan.solver.bound,
                        seconds: plan.solver.seconds,
                        violations: Some(report.violations.len()),
                        unassigned: plan.metrics.unassigned,
                        status: plan.solver.status.as_str().to_string(),
                        note: plan.solver.note.clone(),
                    }
                }
                Err(e) => {
                    failures.push(format!("{} / {name}: {e:#}", day.name));
                    Row {
                        day: i,
                        solver: name.clone(),
                        objective: None,
                        bound: None,
                        seconds: 0.0,
                        violations: None,
                        unassigned: 0,
                        status: "error".into(),
                        note: None,
                    }
                }
            };
            rows.push(row);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    let text = render(args, &solvers, &days, &rows, &failures);
    write_output(None, &text)?;
    if let Some(p) = &args.out {
        write_output(Some(p), &text)?;
    }
    let all_valid = rows.iter().all(|r| r.violations == Some(0));
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn parse_solvers(list: &str) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if solver_by_name(s).is_none() {
            return Err(usage(format!(
                "unknown solver {s:?} in --solvers; known: {}",
                SOLVER_NAMES.join(", ")
            )));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    if out.is_empty() {
        return Err(usage("--solvers names no solver"));
    }
    Ok(out)
}

/// `A..B`, `A..=B` or `N,M,...`.
fn parse_seeds(spec: &str) -> anyhow::Result<Vec<u64>> {
    let bad = || {
        usage(format!(
            "--seeds must be A..B, A..=B or a list N,M,...; got {spec:?}"
        ))
    };
    let num = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
    let seeds: Vec<u64> = if let Some((a, b)) = spec.split_once("..") {
        let (a, b, inclusive) = match b.strip_prefix('=') {
            Some(b) => (num(a)?, num(b)?, true),
            None => (num(a)?, num(b)?, false),
        };
        let end = if inclusive {
            b.checked_add(1).ok_or_else(bad)?
        } else {
            b
        };
        if end <= a {
            return Err(usage(format!("--seeds {spec:?} holds no seed")));
        }
        if end - a > MAX_DAYS as u64 {
            return Err(usage(format!("--seeds {spec:?}: at most {MAX_DAYS} days")));
        }
        (a..end).collect()
    } else {
        spec.split(',').map(num).collect::<anyhow::Result<_>>()?
    };
    if seeds.is_empty() || seeds.len() > MAX_DAYS {
        return Err(bad());
    }
    Ok(seeds)
}

fn parse_tours(spec: &str) -> anyhow::Result<Vec<usize>> {
    let tours: Vec<usize> = spec
        .split(',')
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .ok()
                .filter(|&m| (1..=1000).contains(&m))
        })
        .collect::<Option<_>>()
        .ok_or_else(|| {
            usage(format!(
                "--tours must be a list of numbers 1..=1000, got {spec:?}"
            ))
        })?;
    Ok(tours)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "day".to_string(), |s| s.to_string_lossy().into_owned())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Every day of the chosen source, loaded and validated before any solver
/// runs, so bad input fails at once and not hours in.
fn load_days(args: &Args) -> anyhow::Result<Vec<Day>> {
    let sources = [
        args.days.is_some(),
        args.scenario.is_some(),
        !args.toptw.is_empty(),
        !args.solomon.is_empty(),
    ];
    match sources.iter().filter(|&&s| s).count() {
        0 => return Err(usage("give the days: --days DIR, --scenario FILE --seeds A..B, --toptw FILE... --tours M or --solomon FILE...")),
        1 => {}
        _ => return Err(usage("give exactly one of --days, --scenario, --toptw, --solomon")),
    }
    if args.seeds.is_some() && args.scenario.is_none() {
        return Err(usage("--seeds goes with --scenario"));
    }
    let imported = !args.toptw.is_empty() || !args.solomon.is_empty();
    if !imported && (args.tours.is_some() || args.decimals.is_some() || args.bks.is_some()) {
        return Err(usage(
            "--tours, --decimals and --bks go with --toptw or --solomon",
        ));
    }
    if args.solomon.is_empty() && args.drive_cost != 0.0 {
        return Err(usage("--drive-cost goes with --solomon"));
    }
    if !(args.drive_cost.is_finite() && args.drive_cost >= 0.0) {
        return Err(usage(format!(
            "--drive-cost must be a number ≥ 0, got {}",
            args.drive_cost
        )));
    }
    if args.decimals.is_some_and(|d| d > 9) {
        return Err(usage("--decimals must be 0..=9"));
    }
    let days = if let Some(dir) = &args.days {
        folder_days(dir)?
    } else if let Some(file) = &args.scenario {
        let spec = args
            .seeds
            .as_deref()
            .ok_or_else(|| usage("--scenario needs --seeds A..B"))?;
        if args.day > 36_500 {
            return Err(usage(format!("--day must be 0..=36500, got {}", args.day)));
        }
        let sc = Scenario::load(file).map_err(|e| usage(format!("{}: {e}", file.display())))?;
        let base = stem(file);
        parse_seeds(spec)?
            .into_iter()
            .map(|seed| Day {
                name: if args.day == 0 {
                    format!("{base}-s{seed}")
                } else {
                    format!("{base}-s{seed}-d{}", args.day)
                },
                problem: generate_day(&sc, seed, args.day),
                best_known: None,
            })
            .collect()
    } else {
        imported_days(args)?
    };
    if days.len() > MAX_DAYS {
        return Err(usage(format!("{} days: at most {MAX_DAYS}", days.len())));
    }
    Ok(days)
}

fn folder_days(dir: &Path) -> anyhow::Result<Vec<Day>> {
    let entries = std::fs::read_dir(dir).map_err(|e| usage(format!("{}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(usage(format!("{}: no *.json problem in it", dir.display())));
    }
    files
        .iter()
        .map(|f| {
            Ok(Day {
                name: stem(f),
                problem: load_problem(f)?,
                best_known: None,
            })
        })
        .collect()
}

fn imported_days(args: &Args) -> anyhow::Result<Vec<Day>> {
    let toptw = !args.toptw.is_empty();
    let tours = match &args.tours {
        Some(spec) => Some(parse_tours(spec)?),
        None if toptw => return Err(usage("--toptw needs --tours M (the file does not say)")),
        None => None,
    };
    let mut tables = BksTables::default();
    let mut days = Vec::new();
    let files = if toptw { &args.toptw } else { &args.solomon };
    for file in files {
        let text = read(file)?;
        let name = stem(file);
        let bench = if toptw {
            parse_toptw(&name, &text)
        } else {
            parse_solomon(&text)
        }
        .map_err(|e| usage(format!("{}: {e}", file.display())))?;
        let counts = tours.clone().unwrap_or_else(|| vec![bench.tours_hint]);
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let table = match &args.bks {
            Some(p) => Some(tables.load(p)?),
            None => bks_near(file).map(|p| tables.load(&p)).transpose()?,
        };
        for m in counts {
            let opts = ImportOptions {
                tours: m,
                decimals: if toptw {
                    Some(args.decimals.unwrap_or_else(|| toptw_decimals(&file_name)))
                } else {
                    args.decimals
                },
                drive_cost_per_minute: if toptw { 0.0 } else { args.drive_cost },
            };
            let problem =
                to_problem(&bench, &opts).map_err(|e| usage(format!("{}: {e}", file.display())))?;
            // a best-known value holds for the literature's distance
            // convention only
            let best_known = match table {
                Some(t) if args.decimals.is_none() => {
                    let total: f64 = bench.nodes.iter().skip(1).map(|n| n.value).sum();
                    tables.tables[t].best_known(&name, m, total, args.drive_cost)
                }
                _ => None,
            };
            days.push(Day {
                name: format!("{name}-m{m}"),
                problem,
                best_known,
            });
        }
    }
    Ok(days)
}

/// The `bks.csv` in the instance's folder or the one above it.
fn bks_near(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    [Some(dir), dir.parent()]
        .into_iter()
        .flatten()
        .map(|d| d.join("bks.csv"))
        .find(|p| p.is_file())
}

/// Best-known tables, each read once.
#[derive(Default)]
struct BksTables {
    tables: Vec<Bks>,
    by_path: HashMap<PathBuf, usize>,
}

/// One best-known table. TOPTW (`instance,tours,best_known_score`): the best
/// score with that many tours. VRPTW (`instance,...,vehicles,distance`): a
/// known set of routes that serves every customer with that many vehicles;
/// in the imported problem (capacity ignored, value = demand) it collects
/// the total value at a drive cost of `distance`, so it is a known feasible
/// objective whenever there are at least that many tours.
#[derive(Default)]
struct Bks {
    toptw: HashMap<(String, usize), f64>,
    vrptw: HashMap<String, Vec<(usize, f64)>>,
}

impl BksTables {
    fn load(&mut self, path: &Path) -> anyhow::Result<usize> {
        if let Some(&i) = self.by_path.get(path) {
            return Ok(i);
        }
        let mut bks = Bks::default();
        read_bks(path, &mut bks)?;
        // the distance-only table of the same folder: fewer km with more vehicles
        if bks.toptw.is_empty() {
            if let Some(alt) = path.parent().map(|d| d.join("bks_distance_only.csv")) {
                if alt.is_file() && alt != path {
                    read_bks(&alt, &mut bks)?;
                }
            }
        }
        self.tables.push(bks);
        self.by_path
            .insert(path.to_path_buf(), self.tables.len() - 1);
        Ok(self.tables.len() - 1)
    }
}

impl Bks {
    fn best_known(
        &self,
        instance: &str,
        tours: usize,
        total_value: f64,
        drive_cost: f64,
    ) -> Option<f64> {
        let key = instance.to_ascii_lowercase();
        if let Some(&s) = self.toptw.get(&(key.clone(), tours)) {
            return Some(s);
        }
        self.vrptw
            .get(&key)?
            .iter()
            .filter(|(v, _)| *v <= tours)
            .map(|(_, d)| total_value - drive_cost * d)
            .reduce(f64::max)
    }
}

fn read_bks(path: &Path, bks: &mut Bks) -> anyhow::Result<()> {
    let text = read(path)?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let bad = |msg: &str| usage(format!("{}: {msg}", path.display()));
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| bad("empty best-known table"))?
        .split(',')
        .map(str::trim)
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let inst = col("instance").ok_or_else(|| bad("no 'instance' column"))?;
    enum Kind {
        Toptw(usize, usize),
        Vrptw(usize, usize),
    }
    let kind =
        match (
            col("tours"),
            col("best_known_score"),
            col("vehicles"),
            col("distance"),
        ) {
            (Some(t), Some(s), _, _) => Kind::Toptw(t, s),
            (_, _, Some(v), Some(d)) => Kind::Vrptw(v, d),
            _ => return Err(bad(
                "expected columns instance,tours,best_known_score or instance,vehicles,distance",
            )),
        };
    for (k, line) in lines.enumerate() {
        // the leading columns hold no quotes or commas; the free-text
        // source column (quoted, with commas) comes last and is not read
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |i: usize| f.get(i).copied().unwrap_or("");
        let row_err = || bad(&format!("row {}: cannot read {line:?}", k + 2));
        let name = get(inst).to_ascii_lowercase();
        match kind {
            Kind::Toptw(t, s) => {
                let tours = get(t).parse::<usize>().map_err(|_| row_err())?;
                let score = get(s).parse::<f64>().map_err(|_| row_err())?;
                bks.toptw.insert((name, tours), score);
            }
            Kind::Vrptw(v, d) => {
                let vehicles = get(v).parse::<usize>().map_err(|_| row_err())?;
                let dist = get(d).parse::<f64>().map_err(|_| row_err())?;
                bks.vrptw.entry(name).or_default().push((vehicles, dist));
            }
        }
    }
    Ok(())
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:.decimals$}"))
}

/// `(b - x) / |b|` in percent: how far `x` falls short of `b`.
fn gap(x: f64, b: f64) -> Option<f64> {
    (b.abs() > 1e-9).then(|| (b - x) / b.abs() * 100.0)
}

fn mean(xs: &[f64]) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// A mean over the days that have the value, saying how many when not all.
fn mean_of(xs: &[f64], days: usize, decimals: usize) -> String {
    match mean(xs) {
        None => "—".into(),
        Some(m) if xs.len() == days => format!("{m:.decimals$}"),
        Some(m) => format!("{m:.decimals$} ({} of {days} days)", xs.len()),
    }
}

fn render(
    args: &Args,
    solvers: &[String],
    days: &[Day],
    rows: &[Row],
    failures: &[String],
) -> String {
    // per day: the tightest bound any solver proved (valid for every
    // solver's plan of that day) and the best valid objective
    let valid = |r: &Row| r.violations == Some(0);
    let best_bound: Vec<Option<f64>> = (0..days.len())
        .map(|d| {
            rows.iter()
                .filter(|r| r.day == d)
                .filter_map(|r| r.bound)
                .reduce(f64::min)
        })
        .collect();
    let best_obj: Vec<Option<f64>> = (0..days.len())
        .map(|d| {
            rows.iter()
                .filter(|r| r.day == d && valid(r))
                .filter_map(|r| r.objective)
                .reduce(f64::max)
        })
        .collect();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Solvers {}; time limit {} s; seed {}; threads {}; {} day(s), run one after another.\n",
        solvers.join(", "),
        args.time_limit,
        args.seed,
        crate::common::solve_threads(args.threads),
        days.len()
    );
    let _ = writeln!(
        s,
        "| day | jobs | technicians | solver | objective | bound | gap to bound % | best-known | gap to best-known % | seconds | valid | unassigned | status |"
    );
    let _ = writeln!(
        s,
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|"
    );
    for r in rows {
        let d = &days[r.day];
        let g_bound = r
            .objective
            .zip(best_bound[r.day])
            .and_then(|(x, b)| gap(x, b));
        let g_best = r.objective.zip(d.best_known).and_then(|(x, b)| gap(x, b));
        let valid = match r.violations {
            Some(0) => "yes".to_string(),
            Some(n) => format!("no ({n} violations)"),
            None => "no (failed)".to_string(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {} | {} | {} |",
            d.name,
            d.problem.jobs.len(),
            d.problem.technicians.len(),
            r.solver,
            opt(r.objective, 2),
            opt(r.bound, 2),
            opt(g_bound, 2),
            opt(d.best_known, 2),
            opt(g_best, 2),
            r.seconds,
            valid,
            if r.objective.is_some() {
                r.unassigned.to_string()
            } else {
                "—".into()
            },
            r.status
        );
    }
    let _ = writeln!(
        s,
        "\nGap to bound: below the tightest upper bound any solver proved for the day. \
Objective / best: the objective over the best valid objective of the day, averaged over days."
    );
    let _ = writeln!(
        s,
        "\n| solver | days | objective / best | gap to bound % | gap to best-known % | mean seconds | max seconds | unassigned (total) | all valid |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---|");
    let n_days = days.len();
    for name in solvers {
        let mine: Vec<&Row> = rows.iter().filter(|r| &r.solver == name).collect();
        let ratios: Vec<f64> = mine
            .iter()
            .filter(|r| valid(r))
            .filter_map(|r| {
                let best = best_obj[r.day]?;
                (best > 1e-9).then_some(r.objective? / best)
            })
            .collect();
        let g_bound: Vec<f64> = mine
            .iter()
            .filter_map(|r| gap(r.objective?, best_bound[r.day]?))
            .collect();
        let g_best: Vec<f64> = mine
            .iter()
            .filter_map(|r| gap(r.objective?, days[r.day].best_known?))
            .collect();
        let secs: Vec<f64> = mine.iter().map(|r| r.seconds).collect();
        let all_valid = mine.iter().all(|r| valid(r));
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {} | {} | {} | {:.2} | {} | {} |",
            mine.len(),
            mean_of(&ratios, n_days, 4),
            mean_of(&g_bound, n_days, 2),
            mean_of(&g_best, n_days, 2),
            opt(mean(&secs), 2),
            secs.iter().copied().fold(0.0, f64::max),
            mine.iter().map(|r| r.unassigned).sum::<usize>(),
            if all_valid { "yes" } else { "no" }
        );
    }
    if args.notes && rows.iter().any(|r| r.note.is_some()) {
        let _ = writeln!(s, "\nSolver notes:");
        for r in rows {
            if let Some(n) = &r.note {
                let _ = writeln!(s, "- {} / {}: {n}", days[r.day].name, r.solver);
            }
        }
    }
    if !failures.is_empty() {
        let _ = writeln!(s, "\nFailed runs:");
        for f in failures {
            let _ = writeln!(s, "- {f}");
        }
    }
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_ranges_and_lists() {
        assert_eq!(parse_seeds("1..4").unwrap(), vec![1, 2, 3]);
        assert_eq!(parse_seeds("1..=4").unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(parse_seeds("7,3").unwrap(), vec![7, 3]);
        assert!(parse_seeds("4..4").is_err());
        assert!(parse_seeds("a..4").is_err());
        assert!(parse_seeds("0..100000000").is_err());
        assert!(parse_seeds("").is_err());
    }

    #[test]
    fn tours_list() {
        assert_eq!(parse_tours("1,2, 4").unwrap(), vec![1, 2, 4]);
        assert!(parse_tours("0").is_err());
        assert!(parse_tours("1,x").is_err());
    }

    #[test]
    fn gap_is_shortfall_in_percent() {
        assert!((gap(90.0, 100.0).unwrap() - 10.0).abs() < 1e-12);
        assert!((gap(-110.0, -100.0).unwrap() - 10.0).abs() < 1e-12);
        assert!(gap(5.0, 0.0).is_none());
    }

    #[test]
    fn vrptw_best_known_needs_enough_tours() {
        let mut b = Bks::default();
        b.vrptw
            .insert("c101".into(), vec![(10, 828.94), (12, 800.0)]);
        assert_eq!(b.best_known("C101", 9, 1810.0, 1.0), None);
        assert_eq!(b.best_known("C101", 10, 1810.0, 1.0), Some(1810.0 - 828.94));
        assert_eq!(b.best_known("C101", 12, 1810.0, 1.0), Some(1810.0 - 800.0));
        b.toptw.insert(("pr01".into(), 1), 308.0);
        assert_eq!(b.best_known("pr01", 1, 657.0, 0.0), Some(308.0));
        assert_eq!(b.best_known("pr01", 2, 657.0, 0.0), None);
    }
}
