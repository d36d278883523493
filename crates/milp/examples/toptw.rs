//! TOPTW benchmark: `cargo run --release -p autodispatch-milp --example toptw -- SECONDS [FILTER [SOLVER [SET [THREADS]]]]`
//! (SOLVER `auto`, the default, `milp` or `lns`; THREADS 0, the default,
//! for every core, as `solve` runs)
//! solves pr01-pr10 with 1-4 tours and c101/r101/rc101 with 1 tour (SET
//! `issue`, the default: issue 3's set), or every instance and tour count
//! of ../shared/benchmarks/toptw/bks.csv not in that set (SET `others`:
//! what a held-out check may pick), and compares with their best-known
//! scores.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use autodispatch_milp::import::{parse_toptw, to_problem, toptw_decimals, ImportOptions};
use autodispatch_milp::{Auto, Milp};
use autodispatch_model::build::objective;
use autodispatch_model::{Instance, SolveOptions, Solver};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secs: f64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(10.0);
    let filter = args.get(1).cloned().unwrap_or_default();
    let threads = match args.get(4).and_then(|a| a.parse().ok()).unwrap_or(0) {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n,
    };
    let solver: Box<dyn Solver> = match args.get(2).map_or("auto", String::as_str) {
        "milp" => Box::new(Milp::default()),
        "lns" => Box::new(autodispatch_greedy::Lns),
        _ => Box::new(Auto::default()),
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/benchmarks/toptw");
    let bks_text = std::fs::read_to_string(root.join("bks.csv")).expect("bks.csv");
    let bks = |name: &str, m: usize| -> Option<f64> {
        bks_text.lines().find_map(|l| {
            let f: Vec<&str> = l.splitn(4, ',').collect();
            (f.len() >= 3 && f[0] == name && f[1] == m.to_string())
                .then(|| f[2].parse().ok())
                .flatten()
        })
    };
    let mut issue: Vec<(String, &str, usize)> = Vec::new();
    for i in 1..=10 {
        for m in 1..=4 {
            issue.push((format!("pr{i:02}"), "cordeau_based", m));
        }
    }
    for n in ["c101", "r101", "rc101"] {
        issue.push((n.to_string(), "solomon_based", 1));
    }
    let runs = if args.get(3).is_some_and(|s| s == "others") {
        bks_text
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.splitn(4, ',').collect();
                let name = (*f.first()?).to_string();
                let m: usize = f.get(1)?.parse().ok()?;
                let dir = if name.starts_with("pr") {
                    "cordeau_based"
                } else {
                    "solomon_based"
                };
                Some((name, dir, m))
            })
            .filter(|r| !issue.contains(r))
            .collect()
    } else {
        issue
    };
    let mut ratios = Vec::new();
    println!("instance m   objective  bound      bks     %bks   secs  status");
    for (name, dir, m) in runs {
        if !format!("{name}-{m}").contains(&filter) {
            continue;
        }
        let file = root.join(dir).join(format!("{name}.txt"));
        let text = std::fs::read_to_string(&file).expect("instance");
        let b = parse_toptw(&name, &text).expect("parses");
        let opts = ImportOptions {
            tours: m,
            decimals: Some(toptw_decimals(&name)),
            drive_cost_per_minute: 0.0,
        };
        let p = to_problem(&b, &opts).expect("converts");
        let inst = Instance::new(&p);
        let so = SolveOptions {
            time_limit: Duration::from_secs_f64(secs),
            threads,
            ..SolveOptions::default()
        };
        let t0 = Instant::now();
        let sol = solver.solve(&inst, &so).expect("solves");
        let el = t0.elapsed().as_secs_f64();
        let obj = objective(&inst, &sol.schedule);
        let best = bks(&name, m).unwrap_or(f64::NAN);
        ratios.push(obj / best);
        println!(
            "{name:<8} {m}  {obj:>9.1}  {:>9.1}  {best:>6.0}  {:>6.2}  {el:>5.2}  {} {}",
            sol.bound.unwrap_or(f64::NAN),
            100.0 * obj / best,
            sol.status.as_str(),
            sol.note.unwrap_or_default()
        );
    }
    let mean = ratios.iter().sum::<f64>() / ratios.len().max(1) as f64;
    println!(
        "mean % of best known: {:.2} over {} runs",
        100.0 * mean,
        ratios.len()
    );
}
