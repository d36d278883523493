//! Writes `autodispatch_testkit::bench_day` days as FORMAT.md problems, for
//! `autodispatch bench --days DIR`:
//! `cargo run --release -p autodispatch-benches --example bench_days -- --jobs 100 --techs 15 --seeds 1..4 --out DIR`
//! (`--seeds A..B` is A up to B-1; files are `bench-JOBSxTECHS-sSEED.json`;
//! a seed whose day does not validate is skipped with a warning).

use std::path::PathBuf;
use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!("usage: bench_days --jobs N --techs N --seeds A..B --out DIR");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let (mut jobs, mut techs, mut seeds, mut out) = (None, None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(v) = args.next() else {
            return usage();
        };
        match flag.as_str() {
            "--jobs" => jobs = v.parse::<usize>().ok(),
            "--techs" => techs = v.parse::<usize>().ok(),
            "--seeds" => {
                seeds = v
                    .split_once("..")
                    .and_then(|(a, b)| Some(a.parse::<u64>().ok()?..b.parse::<u64>().ok()?));
            }
            "--out" => out = Some(PathBuf::from(v)),
            _ => return usage(),
        }
    }
    let (Some(jobs), Some(techs), Some(seeds), Some(out)) = (jobs, techs, seeds, out) else {
        return usage();
    };
    if jobs == 0 || techs == 0 || seeds.is_empty() {
        return usage();
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    for seed in seeds {
        let day = autodispatch_testkit::bench_day(seed, jobs, techs);
        // bench_day can turn a matrix day without homes or locations back to
        // haversine travel, which is not a valid problem: skip such seeds
        if let Err(e) = autodispatch_model::parse_problem(&day.to_json()) {
            let first = e.to_string().lines().next().unwrap_or_default().to_string();
            eprintln!("skipping seed {seed}: bench_day made an invalid day: {first}");
            continue;
        }
        let path = out.join(format!("bench-{jobs}x{techs}-s{seed}.json"));
        if let Err(e) = std::fs::write(&path, day.to_json()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
