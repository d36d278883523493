//! `autodispatch import` (issue 3; being built).
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// A TOPTW instance.
    Toptw { file: std::path::PathBuf },
}

pub fn run(_cmd: &Command) -> anyhow::Result<ExitCode> {
    Err(crate::common::usage("import is not available yet"))
}
