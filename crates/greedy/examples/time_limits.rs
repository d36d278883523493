//! Time limits kept by the command line (issue 6, item 4): writes 1000-job,
//! 120-technician `bench_day`s, runs `autodispatch solve --time-limit 3` on
//! each with every solver the binary offers (greedy, lns, milp, auto; the ones it
//! does not know are reported as such), and reports the process's wall time
//! against the limit + 10% + 0.2 s.
//!
//! ```text
//! cargo build --release -p autodispatch-cli
//! cargo run --release -p autodispatch-greedy --example time_limits -- \
//!     target/release/autodispatch [LIMIT_SECONDS] [DAYS]
//! ```
//!
//! A measurement, not a test: timing depends on the machine and its load.
//! Exits 1 when any run breaks the bound, so it can gate a CI step.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let bin = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/release/autodispatch".into()),
    );
    let limit: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3.0);
    let days: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    if !bin.is_file() {
        eprintln!(
            "no binary at {}; build it with `cargo build --release -p autodispatch-cli`",
            bin.display()
        );
        return ExitCode::from(2);
    }
    let bound = limit * 1.1 + 0.2;
    let dir = std::env::temp_dir().join(format!("autodispatch-time-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    println!("limit {limit} s, bound (limit + 10% + 0.2 s) {bound:.2} s; bench_day 1000 jobs x 120 technicians");
    println!(
        "{:<8} {:>4} {:>9} {:>13} {:<11} {:>14}  verdict",
        "solver", "day", "wall s", "solver.secs", "status", "objective"
    );
    let mut broken = 0;
    for seed in 0..days {
        let day = dir.join(format!("bench-{seed}.json"));
        std::fs::write(
            &day,
            autodispatch_testkit::bench_day(seed, 1000, 120).to_json(),
        )
        .expect("the day is written");
        for solver in ["greedy", "lns", "milp", "auto"] {
            let plan = dir.join(format!("plan-{seed}-{solver}.json"));
            let started = Instant::now();
            let out = Command::new(&bin)
                .arg("solve")
                .arg(&day)
                .args(["--solver", solver, "--time-limit", &limit.to_string()])
                .arg("-o")
                .arg(&plan)
                .output()
                .expect("the binary runs");
            let wall = started.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !out.status.success() {
                if stderr.contains("unknown solver") {
                    if seed == 0 {
                        println!("{solver:<8}    -  not offered by this binary");
                    }
                } else {
                    broken += 1;
                    println!(
                        "{solver:<8} {seed:>4} {wall:>9.3}  FAILED (exit {:?}): {}",
                        out.status.code(),
                        stderr.lines().next().unwrap_or("")
                    );
                }
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&plan).expect("the plan"))
                    .expect("the plan is JSON");
            let ok = wall <= bound;
            if !ok {
                broken += 1;
            }
            println!(
                "{solver:<8} {seed:>4} {wall:>9.3} {:>13.3} {:<11} {:>14.2}  {}",
                v["solver"]["seconds"].as_f64().unwrap_or(f64::NAN),
                v["solver"]["status"].as_str().unwrap_or("?"),
                v["metrics"]["objective"].as_f64().unwrap_or(f64::NAN),
                if ok { "ok" } else { "OVER" }
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if broken == 0 {
        ExitCode::SUCCESS
    } else {
        println!("{broken} run(s) over the bound or failed");
        ExitCode::from(1)
    }
}
