//! The command line (clap derive). Validation and merging with config happen in `lib.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "resilint",
    version,
    about = "Audits Python and Rust code for resilience and observability"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (default: the current folder).
    Check(CheckArgs),
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Explain one rule, with bad and good examples.
    Rule {
        /// A rule ID, such as RES101.
        id: String,
    },
    /// Join shard reports (JSON or SARIF, from `check --shard K/N`) into one report.
    Merge(MergeArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to scan.
    pub paths: Vec<PathBuf>,
    /// What goes to standard output.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a report to a file, as FORMAT=PATH (repeatable; written atomically).
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    /// Rule IDs or prefixes to run (RES1, RES101, OBS, ALL); replaces the config's `select`.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rule IDs or prefixes to skip; added to the config's `ignore`.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Use this config file instead of looking upward from the scanned path.
    #[arg(long, conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no config file.
    #[arg(long)]
    pub no_config: bool,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Exit 1 when the Resilience or Observability score is below this (1.0–10.0).
    #[arg(long, value_name = "N", value_parser = parse_min_score)]
    pub min_score: Option<f64>,
    /// Also audit test code (skipped by default: it is not service code).
    #[arg(long)]
    pub include_tests: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Glob of paths to leave out (repeatable), relative to the scan root.
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Do not honour .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Print findings only, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Do not read or write the per-file facts cache (`.resilint_cache/`).
    #[arg(long)]
    pub no_cache: bool,
    /// Only parse the files and print how many parsed (for benchmarks).
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// Colour in text output (NO_COLOR is honoured).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Hide the findings recorded in this baseline file (by fingerprint, not line number).
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file, then report with it applied.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["diff", "baseline"])]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings on lines added or changed since the merge base with this git
    /// revision (uncommitted and untracked changes included).
    #[arg(long, value_name = "REF")]
    pub diff: Option<String>,
    /// Audit a deterministic share of the files: shard K of N (whole projects per shard).
    #[arg(long, value_name = "K/N", value_parser = crate::shard::Shard::parse)]
    pub shard: Option<crate::shard::Shard>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard reports written by `check --format json` or `--format sarif`.
    #[arg(required = true)]
    pub reports: Vec<PathBuf>,
    /// What goes to standard output.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a report to a file, as FORMAT=PATH (repeatable; written atomically).
    #[arg(long, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,
    /// Exit 1 when a finding at or above this severity is in the merged report.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Exit 1 when the merged Resilience or Observability score is below this (1.0–10.0).
    #[arg(long, value_name = "N", value_parser = parse_min_score)]
    pub min_score: Option<f64>,
    /// Colour in text output (NO_COLOR is honoured).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

fn parse_min_score(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if (0.0..=10.0).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a score from 0 to 10")),
    }
}
