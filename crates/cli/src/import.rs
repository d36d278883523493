//! `autodispatch import`: a routing benchmark (TOPTW, Solomon VRPTW) as a
//! FORMAT.md problem. The conversion lives in `autodispatch_milp::import`.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use autodispatch_milp::import::{
    parse_solomon, parse_toptw, to_problem, toptw_decimals, ImportOptions,
};

use crate::common::{usage, write_output};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// A TOPTW instance: tours become technicians at the depot, vertices
    /// jobs worth their score, no drive cost; distances rounded down to 2
    /// decimals for Cordeau's pr files, 1 for the Solomon-based ones.
    Toptw {
        file: PathBuf,
        /// Number of tours (technicians); the file does not say.
        #[arg(long)]
        tours: usize,
        /// Round distances down to this many decimals instead.
        #[arg(long)]
        decimals: Option<u32>,
        /// Write the problem here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// A Solomon VRPTW instance: value = demand, exact Euclidean distances,
    /// capacity ignored.
    Solomon {
        file: PathBuf,
        /// Number of tours; default the file's vehicle number.
        #[arg(long)]
        tours: Option<usize>,
        /// Round distances down to this many decimals.
        #[arg(long)]
        decimals: Option<u32>,
        /// Objective penalty per minute of driving.
        #[arg(long, default_value_t = 0.0)]
        drive_cost: f64,
        /// Write the problem here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "benchmark".to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

pub fn run(cmd: &Command) -> anyhow::Result<ExitCode> {
    let (problem, output) = match cmd {
        Command::Toptw {
            file,
            tours,
            decimals,
            output,
        } => {
            let bench = parse_toptw(&stem(file), &read(file)?)
                .map_err(|e| usage(format!("{}: {e}", file.display())))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let opts = ImportOptions {
                tours: *tours,
                decimals: Some(decimals.unwrap_or_else(|| toptw_decimals(&name))),
                drive_cost_per_minute: 0.0,
            };
            let p =
                to_problem(&bench, &opts).map_err(|e| usage(format!("{}: {e}", file.display())))?;
            (p, output)
        }
        Command::Solomon {
            file,
            tours,
            decimals,
            drive_cost,
            output,
        } => {
            let bench = parse_solomon(&read(file)?)
                .map_err(|e| usage(format!("{}: {e}", file.display())))?;
            if !(drive_cost.is_finite() && *drive_cost >= 0.0) {
                return Err(usage("--drive-cost must be a number ≥ 0"));
            }
            let opts = ImportOptions {
                tours: tours.unwrap_or(bench.tours_hint),
                decimals: *decimals,
                drive_cost_per_minute: *drive_cost,
            };
            let p =
                to_problem(&bench, &opts).map_err(|e| usage(format!("{}: {e}", file.display())))?;
            (p, output)
        }
    };
    write_output(output.as_deref(), &problem.to_json())?;
    Ok(ExitCode::SUCCESS)
}
