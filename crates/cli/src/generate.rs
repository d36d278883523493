//! `autodispatch generate --scenario FILE --seed N [--day K] -o DAY.json`:
//! one synthetic day of a scenario, as a FORMAT.md problem (what is known
//! before business hours; the day's surprises live only in the simulator).
use std::path::PathBuf;
use std::process::ExitCode;

use autodispatch_sim::{generate_day, Scenario};

use crate::common::{usage, write_output};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML), e.g. scenarios/small.toml.
    #[arg(long)]
    pub scenario: PathBuf,
    /// Seed: the same scenario, seed and day give the same file.
    #[arg(long)]
    pub seed: u64,
    /// Day number (0 is the scenario's start date).
    #[arg(long, default_value_t = 0)]
    pub day: u32,
    /// Write the problem here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "DAY.json")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    // day k is k days after the scenario's start date: keep dates sane
    if args.day > 36_500 {
        return Err(usage(format!("--day must be 0..=36500, got {}", args.day)));
    }
    let sc = Scenario::load(&args.scenario)
        .map_err(|e| usage(format!("{}: {e}", args.scenario.display())))?;
    let problem = generate_day(&sc, args.seed, args.day);
    write_output(args.output.as_deref(), &problem.to_json())?;
    Ok(ExitCode::SUCCESS)
}
