//! Writes `autodispatch_testkit::bench_day` days as FORMAT.md problems, for
//! `autodispatch bench --days DIR`:
//! `cargo run --release -p autodispatch-benches --example bench_days -- --jobs 100 --techs 15 --seeds 1..4 --out DIR`
//! (`--seeds A..B` is A up to B-1; files are `bench-JOBSxTECHS-sSEED.json`).

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
                seeds = v.split_once("..").and_then(|(a, b)| {
                    Some(a.parse::<u64>().ok()?..b.parse::<u64>().ok()?)
                });
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
        let path = out.join(format!("bench-{jobs}x{techs}-s{seed}.json"));
        if let Err(e) = std::fs::write(&path, day.to_json()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
