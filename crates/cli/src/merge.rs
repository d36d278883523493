//! `autodispatch merge DIR... --out DIR`: combines the raw results of a
//! sharded sweep (`sweep --shard K/N`, files DIR/raw/shard-K-of-N.jsonl)
//! into exactly the files an unsharded sweep writes. Every shard of one
//! split must be there once; shards of different sweeps are refused.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use autodispatch_sim::sweep::{self, RawShard};

use crate::common::usage;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sweep output directories holding raw/shard-K-of-N.jsonl files (or
    /// shard files themselves).
    #[arg(required = true, value_name = "DIR")]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if missing); may be one of the inputs.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `(K, N)` of a `shard-K-of-N.jsonl` file name.
fn shard_of_name(name: &str) -> Option<(u32, u32)> {
    let rest = name.strip_prefix("shard-")?.strip_suffix(".jsonl")?;
    let (k, n) = rest.split_once("-of-")?;
    Some((k.parse().ok()?, n.parse().ok()?))
}

/// The shard files an input names: itself, or those in DIR/raw and DIR.
fn shard_files(input: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if input.is_file() {
        return Ok(vec![input.to_path_buf()]);
    }
    if !input.is_dir() {
        return Err(usage(format!(
            "{}: no such directory or file",
            input.display()
        )));
    }
    let mut files = Vec::new();
    for dir in [input.join("raw"), input.to_path_buf()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if shard_of_name(&name).is_some() && e.path().is_file() {
                files.push(e.path());
            }
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(usage(format!(
            "{} holds no shard files (raw/shard-K-of-N.jsonl, written by `sweep --shard K/N`)",
            input.display()
        )));
    }
    Ok(files)
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut shards: Vec<RawShard> = Vec::new();
    for input in &args.inputs {
        for file in shard_files(input)? {
            let shown = file.display().to_string();
            let text = std::fs::read_to_string(&file)
                .map_err(|e| usage(format!("cannot read {shown}: {e}")))?;
            let raw = sweep::parse_raw(&shown, &text).map_err(|e| usage(e.to_string()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some((k, n)) = shard_of_name(&name) {
                if (k, n) != (raw.shard.index, raw.shard.count) {
                    return Err(usage(format!(
                        "{shown}: the name says shard {k}/{n} but it holds shard {}",
                        raw.shard
                    )));
                }
            }
            shards.push(raw);
        }
    }
    let count = shards.len();
    let (meta, records) = sweep::merge(shards).map_err(|e| usage(e.to_string()))?;
    let analysis = crate::sweep::write_all(&args.out, &meta, &records)?;
    eprintln!("merged {count} shards");
    crate::sweep::print_recommendation(&args.out, &meta, &analysis, records.len());
    Ok(ExitCode::SUCCESS)
}
