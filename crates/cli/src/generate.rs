//! `autodispatch generate` (issue 4; being built).
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario file (TOML).
    #[arg(long)]
    pub scenario: std::path::PathBuf,
}

pub fn run(_args: &Args) -> anyhow::Result<ExitCode> {
    Err(crate::common::usage("generate is not available yet"))
}
