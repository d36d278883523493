//! Writes seeded random days for CI's cross-check with the independent
//! validator: `gen-days --count N --seed S --out DIR`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut count = 20usize;
    let mut seed = 1u64;
    let mut out = PathBuf::from("days");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next();
        let ok = match (a.as_str(), v) {
            ("--count", Some(v)) => v.parse().map(|x| count = x).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|x| seed = x).is_ok(),
            ("--out", Some(v)) => {
                out = PathBuf::from(v);
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("usage: gen-days [--count N] [--seed S] [--out DIR]");
            return ExitCode::from(2);
        }
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let sizes = [(8, 2), (15, 3), (30, 6), (60, 8), (100, 15), (150, 20)];
    for k in 0..count {
        let (jobs, techs) = sizes[k % sizes.len()];
        let s = seed.wrapping_mul(1000).wrapping_add(k as u64);
        let day = autodispatch_testkit::random_day(s, jobs, techs);
        let path = out.join(format!("day-{k:03}.json"));
        if let Err(e) = std::fs::write(&path, day.to_json()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
