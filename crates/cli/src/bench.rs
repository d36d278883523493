//! `autodispatch bench` (issue 5; being built).
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Solvers to run, comma-separated.
    #[arg(long, default_value = "greedy")]
    pub solvers: String,
}

pub fn run(_args: &Args) -> anyhow::Result<ExitCode> {
    Err(crate::common::usage("bench is not available yet"))
}
