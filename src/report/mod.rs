//! Report formats. Every format renders the same [`Report`]; machine formats are byte-for-byte
//! deterministic for the same input.

pub mod concise;
pub mod github;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod scorecard;
pub mod text;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::engine::Stats;
use crate::finding::Finding;
use crate::rules::RuleMeta;
use crate::score::Scores;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with the source line and a help line, then a summary.
    Text,
    /// One line per finding: `path:line:col: severity[RULE] message`.
    Concise,
    /// Versioned JSON (`schema_version`).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations); with `GITHUB_STEP_SUMMARY` set, the
    /// scorecard also goes to the job summary.
    Github,
    /// The audit scorecard in Markdown.
    Markdown,
    /// The audit scorecard as one self-contained HTML page.
    Html,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        <Format as clap::ValueEnum>::from_str(name, true).ok()
    }
}

pub struct Report<'a> {
    /// Every finding, sorted; suppressed ones are marked and shown only in SARIF.
    pub findings: &'a [Finding],
    pub stats: &'a Stats,
    /// The rules that ran.
    pub rules: Vec<&'static RuleMeta>,
    /// The folder paths are relative to.
    pub root: &'a Path,
    pub color: bool,
    /// Report files written beside this one (`--output`), which the scorecard links to for the
    /// full list of findings.
    pub companions: Vec<(Format, PathBuf)>,
    /// Set when this run audited one shard (`--shard K/N`); `resilint merge` checks it.
    pub shard: Option<crate::shard::Shard>,
}

impl Report<'_> {
    pub fn visible(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.suppressed)
    }

    /// Both scores, from the visible findings, the line count and the rules that ran: a merged
    /// report scores exactly like one run over the same files.
    pub fn scores(&self) -> Scores {
        crate::score::compute(self.visible(), self.stats.lines, &self.rules)
    }
}

pub fn write(format: Format, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, out),
        Format::Concise => concise::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Markdown => markdown::write(report, out),
        Format::Html => html::write(report, out),
    }
}

/// Writes a report file atomically: a temporary file beside it, then a rename, so a killed run
/// never leaves a truncated report.
pub fn write_file(format: Format, report: &Report<'_>, path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // A temporary file is private (0600); the report keeps the mode of the file it replaces,
    // or is readable by all like any file a tool writes.
    let mut builder = tempfile::Builder::new();
    // Named after the report, so one left by a killed run says what it was.
    let prefix = format!(
        ".{}.",
        path.file_name()
            .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned())
    );
    builder.prefix(&prefix);
    #[cfg(unix)]
    let mode = std::fs::metadata(path).map_or_else(
        |_| std::os::unix::fs::PermissionsExt::from_mode(0o644),
        |m| m.permissions(),
    );
    #[cfg(unix)]
    builder.permissions(mode);
    let mut tmp = builder.tempfile_in(dir)?;
    {
        let mut buf = io::BufWriter::new(tmp.as_file_mut());
        match format {
            Format::Markdown => markdown::write_in(report, dir, &mut buf)?,
            Format::Html => html::write_in(report, dir, &mut buf)?,
            _ => write(format, report, &mut buf)?,
        }
        buf.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The rule's documentation page, linked from every format.
pub fn rule_url(id: &str) -> String {
    format!("{}/blob/main/rules/{id}.toml", env!("CARGO_PKG_REPOSITORY"))
}
