//! `autodispatch`: the command line. The only crate that prints.
//!
//! Exit codes: 0 ok, 1 plan invalid / check failed, 2 bad input or usage.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod check;
mod common;
mod explain;
mod generate;
mod import;
mod merge;
mod simulate;
mod solve;
mod sweep;

/// Automatic technician dispatcher: plans a field-service day, checks plans,
/// explains unassigned jobs, and simulates days for research.
#[derive(Parser, Debug)]
#[command(name = "autodispatch", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Plan one dispatch day (FORMAT.md problem) and write the plan.
    Solve(solve::Args),
    /// Check a plan against its problem: exit 0 valid, 1 violations, 2 unreadable input.
    Check(check::Args),
    /// Why a job is (not) assigned: per technician, fits or which rule rejects it, ranked insertions.
    Explain(explain::Args),
    /// Generate a synthetic day from a scenario file.
    Generate(generate::Args),
    /// Replay simulated days with one or more solvers and write metrics and reports.
    Simulate(simulate::Args),
    /// Replay the same days under many settings configurations (weights sweep): CIs, Pareto front, recommendation.
    Sweep(sweep::Args),
    /// Combine the shards of a sharded sweep into the files an unsharded sweep writes.
    Merge(merge::Args),
    /// Run solvers over a set of days and print a Markdown table of objective, bound, gap, time, validity.
    Bench(bench::Args),
    /// Convert a benchmark instance (TOPTW, Solomon) into a FORMAT.md problem.
    #[command(subcommand)]
    Import(import::Command),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    common::init_tracing();
    let result = match cli.command {
        Command::Solve(a) => solve::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Explain(a) => explain::run(&a),
        Command::Generate(a) => generate::run(&a),
        Command::Simulate(a) => simulate::run(&a),
        Command::Import(c) => import::run(&c),
        Command::Bench(a) => bench::run(&a),
        Command::Sweep(a) => sweep::run(&a),
        Command::Merge(a) => merge::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(common::exit_code_of(&e))
        }
    }
}
