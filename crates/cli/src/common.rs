//! What every subcommand shares: loading inputs, writing outputs, exit codes.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use autodispatch_model::{load_problem_file, Problem, Solver};

/// Every solver name `--solver` takes.
pub const SOLVER_NAMES: [&str; 4] = ["auto", "greedy", "lns", "milp"];

/// The solver of a `--solver` name.
pub fn solver_by_name(name: &str) -> Option<Box<dyn Solver + Send + Sync>> {
    match name {
        "greedy" => Some(Box::new(autodispatch_greedy::Greedy)),
        "lns" => Some(Box::new(autodispatch_greedy::Lns)),
        "milp" => Some(Box::new(autodispatch_milp::Milp::default())),
        "auto" => Some(Box::new(autodispatch_milp::Auto::default())),
        _ => None,
    }
}

/// An error that means "bad input or usage" (exit 2).
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// A bad-input error for anyhow.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(BadInput(msg.into()))
}

/// Exit code for an error: 2 for bad input or usage, 1 otherwise.
pub fn exit_code_of(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<BadInput>().is_some()
        || e.downcast_ref::<autodispatch_model::LoadError>().is_some()
    {
        2
    } else {
        1
    }
}

/// The options every multi-day replay (`simulate`, `sweep`) shares: a
/// per-cycle time limit in seconds, a day count and a thread count (0: all cores).
pub fn check_day_runs(time_limit: f64, days: u32, threads: usize) -> anyhow::Result<()> {
    check_time_limit(time_limit)?;
    if days == 0 || days > 36_500 {
        return Err(usage(format!("--days must be 1..=36500, got {days}")));
    }
    if threads > 1024 {
        return Err(usage(format!("--threads must be 0..=1024, got {threads}")));
    }
    Ok(())
}

/// `--time-limit` must be a positive, finite number of seconds.
pub fn check_time_limit(time_limit: f64) -> anyhow::Result<()> {
    if time_limit.is_finite() && time_limit > 0.0 && time_limit <= 1.0e6 {
        Ok(())
    } else {
        Err(usage(format!(
            "--time-limit must be a number of seconds > 0, got {time_limit}"
        )))
    }
}

/// `--threads` of a single solve: 0 (every core) up to 1024.
pub fn check_threads(threads: usize) -> anyhow::Result<()> {
    if threads > 1024 {
        return Err(usage(format!("--threads must be 0..=1024, got {threads}")));
    }
    Ok(())
}

/// The threads a solve runs on: `--threads`, or every core the process
/// may use for 0. The plan does not depend on it unless the time limit
/// cuts the search, and then it depends on the machine's speed anyway.
pub fn solve_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    } else {
        threads
    }
}

/// `--gap` is a fraction of the bound: 0 (run to optimal) up to 1.
pub fn check_gap(gap: f64) -> anyhow::Result<()> {
    if (0.0..=1.0).contains(&gap) {
        Ok(())
    } else {
        Err(usage(format!(
            "--gap must be a fraction from 0 to 1 (0.01 is 1%), got {gap}"
        )))
    }
}

/// Loads a problem; errors are bad input (exit 2) and list every problem.
pub fn load_problem(path: &Path) -> anyhow::Result<Problem> {
    load_problem_file(path).map_err(|e| match e {
        autodispatch_model::LoadError::Io { .. } => usage(e.to_string()),
        autodispatch_model::LoadError::Invalid(_) => usage(format!("{}: {e}", path.display())),
    })
}

/// Prints a line to stdout; a closed pipe (`| head`) ends output quietly
/// instead of panicking like `println!`.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::common::write_stdout(&format!($($arg)*))
    };
}

/// Writes one line to stdout, ignoring a closed pipe.
pub fn write_stdout(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// Writes text to a file atomically (temp file + rename), so a failed run
/// never leaves a partial output, or to stdout when no path is given.
pub fn write_output(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            let written = out
                .write_all(text.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush());
            match written {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
        Some(p) => {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
            let written = std::fs::write(&tmp, format!("{text}\n"))
                .with_context(|| format!("cannot write {}", tmp.display()))
                .and_then(|()| {
                    std::fs::rename(&tmp, p)
                        .with_context(|| format!("cannot write {}", p.display()))
                });
            if written.is_err() {
                // never leave a partial or orphaned output behind
                let _ = std::fs::remove_file(&tmp);
            }
            // an output path that cannot be written is a usage error (exit 2)
            written.map_err(|e| usage(format!("{e:#}")))?;
        }
    }
    Ok(())
}

/// Logs to stderr through `tracing`, filtered by `AUTODISPATCH_LOG` (default warn).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AUTODISPATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_threads_means_every_core_and_others_stay() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        assert_eq!(solve_threads(0), cores);
        assert_eq!(solve_threads(1), 1);
        assert_eq!(solve_threads(3), 3);
        assert!(check_threads(0).is_ok());
        assert!(check_threads(1024).is_ok());
        assert!(check_threads(1025).is_err());
    }
}
