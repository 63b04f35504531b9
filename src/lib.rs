//! resilint: audits Python and Rust code for resilience and observability.
//!
//! Front ends (`lang`) turn each file into facts; rules (`rules`) read facts; the engine runs
//! them in parallel and the reports (`report`) render the findings.

pub mod api_roles;
pub mod audit;
pub mod baseline;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diff;
pub mod discover;
pub mod engine;
pub mod explain;
pub mod facts;
pub mod finding;
pub mod lang;
pub mod merge;
pub mod project;
pub mod report;
pub mod rules;
pub mod score;
pub mod service;
pub mod shard;
pub mod source;
pub mod suppress;
pub mod versions;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::{miette, IntoDiagnostic, WrapErr};

use cli::{CheckArgs, Cli, Color, Command, FailOn, ListFormat, MergeArgs};
use engine::{RuleSelection, ScanOptions};
use finding::Severity;
use report::{Format, Report};

/// Files larger than this are skipped with a note unless the config says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2_000_000;

/// Scans of fewer files finish before a progress bar would tell anyone anything.
const PROGRESS_MIN_FILES: usize = 200;

/// A progress bar on standard error, for a person watching a long scan: none when standard error
/// is not a terminal (piped, redirected), in CI (`CI` set), or with `--quiet`. Reports go to
/// standard output, so a bar never mixes into them.
fn progress_bar(quiet: bool, files: usize) -> Option<ProgressBar> {
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if quiet || in_ci || files < PROGRESS_MIN_FILES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("scanning {pos}/{len} files {wide_bar} {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Runs a command; `Ok` carries the exit code (0 clean, 1 findings), `Err` means exit 2.
pub fn run(cli: Cli) -> miette::Result<u8> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match cli.command {
        Command::Rules { format } => {
            explain::list(&mut out, matches!(format, ListFormat::Json)).map(|_| 0)
        }
        Command::Rule { id } => {
            let id = id.to_ascii_uppercase();
            let meta = rules::meta(&id)
                .ok_or_else(|| miette!("no rule {id}: `resilint rules` lists them"))?;
            explain::explain(&mut out, meta).map(|_| 0)
        }
        Command::Check(args) => return check(args, &mut out),
        Command::Merge(args) => return merge(args, &mut out),
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        other => other.into_diagnostic(),
    }
}

/// The folder findings are relative to: the current folder when everything scanned is under it,
/// else the one folder given.
fn scan_root(paths: &[PathBuf]) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let cwd_c = canon(&cwd);
    if paths.iter().all(|p| canon(p).starts_with(&cwd_c)) {
        return cwd;
    }
    match paths {
        [single] if single.is_dir() => single.clone(),
        [single] => single.parent().map(Path::to_path_buf).unwrap_or(cwd),
        _ => PathBuf::from("/"),
    }
}

fn check(args: CheckArgs, out: &mut dyn Write) -> miette::Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(miette!("no such file or folder: {}", p.display()));
        }
    }
    let outputs = output_specs(&args.output)?;
    if let Some(bad) = args
        .select
        .iter()
        .chain(&args.ignore)
        .find(|s| !config::is_rule_selector(s))
    {
        return Err(miette!(
            "`{bad}` is not a rule ID or prefix (like RES101, RES1, OBS, ALL)"
        ));
    }

    let config_path = if args.no_config {
        None
    } else if let Some(p) = &args.config {
        Some(p.clone())
    } else {
        config::discover(&paths[0])
    };
    let mut options = config::Options::default();
    let mut catalog = catalog::Catalog::builtin();
    if let Some(path) = &config_path {
        let loaded = config::load(path).map_err(|e| miette::Report::new(*e))?;
        options = loaded.options;
        let text = std::fs::read_to_string(path).unwrap_or_default();
        config::extend_catalog(&mut catalog, &mut options, &text);
    }

    let select = if !args.select.is_empty() {
        args.select.clone()
    } else {
        options.select.clone().unwrap_or_else(|| vec!["ALL".into()])
    };
    let mut ignore = options.ignore.clone().unwrap_or_default();
    ignore.extend(args.ignore.iter().cloned());
    // Files named one by one (a pre-commit hook, an editor) are not a whole project: the
    // project-level rules, which judge a unit by everything in it, would guess.
    if paths.iter().all(|p| p.is_file()) {
        ignore.extend(rules::PROJECT_CHECKS.iter().map(|c| c.id().to_string()));
    }
    let mut severity = std::collections::BTreeMap::new();
    for (id, sev) in &options.severity {
        if let Some(s) = Severity::parse(sev) {
            severity.insert(id.clone(), s);
        }
    }
    let fail_on = match args.fail_on {
        Some(f) => f,
        None => match options.fail_on.as_deref() {
            Some("warning") => FailOn::Warning,
            Some("note") => FailOn::Note,
            Some("never") => FailOn::Never,
            _ => FailOn::Error,
        },
    };
    let min_score = options.min_score;
    let root = scan_root(&paths);
    let mut exclude = options.exclude.clone().unwrap_or_default();
    exclude.extend(args.exclude.iter().cloned());
    let jobs = args
        .jobs
        .filter(|j| *j > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let opts = ScanOptions {
        root: root.clone(),
        jobs,
        include_tests: args.include_tests || options.include_tests.unwrap_or(false),
        max_file_size: options.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        selection: RuleSelection { select, ignore },
        severity,
        per_path_ignores: ScanOptions::per_path_ignores_from(&options.per_path_ignores),
        rule_settings: rules::RuleSettings {
            max_timeout_seconds: options.max_timeout_seconds.unwrap_or(300.0),
            breaker_min_failure_threshold: options.breaker_min_failure_threshold.unwrap_or(2.0),
            breaker_min_open_seconds: options.breaker_min_open_seconds.unwrap_or(1.0),
            breaker_max_open_seconds: options.breaker_max_open_seconds.unwrap_or(600.0),
        },
        catalog,
    };

    let mut discovery = discover::discover(
        &paths,
        &discover::WalkOptions {
            root: &root,
            respect_ignore: !args.no_ignore,
            exclude: &exclude,
        },
    );
    let shard_assignment = args
        .shard
        .map(|shard| shard::apply(&mut discovery, shard, opts.include_tests));
    // Before the scan, so that a bad revision or a shallow clone fails fast.
    let changed = match &args.diff {
        Some(rev) => Some(diff::changed_since(&paths[0], &root, rev).map_err(|e| miette!("{e}"))?),
        None => None,
    };
    let baseline = match &args.baseline {
        Some(path) => Some(baseline::Baseline::read(path).map_err(|e| miette!("{e}"))?),
        None => None,
    };
    if args.parse_only {
        let parsed = engine::parse_only(&discovery, &opts);
        writeln!(out, "{parsed} files parsed").into_diagnostic()?;
        return Ok(0);
    }
    let cache = if args.no_cache {
        None
    } else {
        cache::Cache::open(&root, opts.catalog.digest)
    };
    let audited = discovery
        .files
        .iter()
        .filter(|f| opts.include_tests || !f.is_test)
        .count();
    let progress = progress_bar(args.quiet, audited);
    let engine::ScanResult {
        mut findings,
        mut stats,
    } = engine::scan_with_cache(&discovery, &opts, cache.as_ref(), progress.as_ref());
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let written_baseline = match &args.write_baseline {
        Some(path) => {
            let recorded = baseline::Baseline::record(&findings);
            recorded
                .write(path)
                .into_diagnostic()
                .wrap_err_with(|| format!("cannot write baseline {}", path.display()))?;
            Some(recorded)
        }
        None => None,
    };
    if let Some(baseline) = written_baseline.as_ref().or(baseline.as_ref()) {
        let scope = baseline::Scope::new(
            &discovery,
            &paths,
            &root,
            &opts,
            args.shard.zip(shard_assignment.as_ref()),
        );
        let applied = baseline.apply(&mut findings, |entry| scope.contains(entry));
        stats.baseline_hidden = applied.hidden;
        stats.baseline_stale = applied.stale;
    }
    if let Some(changed) = &changed {
        let project_rules: Vec<&str> = rules::PROJECT_CHECKS.iter().map(|c| c.id()).collect();
        stats.outside_diff = changed.retain(&mut findings, &project_rules, &discovery.unit_roots);
    }
    let enabled_rules = rules::all()
        .iter()
        .filter(|r| opts.selection.enabled(&r.id))
        .collect();
    let report = Report {
        findings: &findings,
        stats: &stats,
        rules: enabled_rules,
        root: &root,
        color: use_color(args.color),
        companions: outputs.clone(),
        shard: args.shard,
    };
    emit(
        &report,
        args.format,
        &outputs,
        args.quiet,
        fail_on,
        args.min_score.or(min_score),
        out,
    )
}

fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// `--output FORMAT=PATH` specifications.
fn output_specs(specs: &[String]) -> miette::Result<Vec<(Format, PathBuf)>> {
    let mut outputs = Vec::new();
    for spec in specs {
        let (fmt, path) = spec
            .split_once('=')
            .ok_or_else(|| miette!("--output takes FORMAT=PATH, got `{spec}`"))?;
        let format = Format::parse(fmt).ok_or_else(|| {
            miette!("--output: unknown format `{fmt}` (text, concise, json, sarif, github, markdown, html)")
        })?;
        outputs.push((format, PathBuf::from(path)));
    }
    Ok(outputs)
}

/// Writes the report files and standard output; the exit code for `fail_on`.
fn emit(
    report: &Report<'_>,
    format: Format,
    outputs: &[(Format, PathBuf)],
    quiet: bool,
    fail_on: FailOn,
    min_score: Option<f64>,
    out: &mut dyn Write,
) -> miette::Result<u8> {
    for (format, path) in outputs {
        report::write_file(*format, report, path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    if format == Format::Github {
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
            report::markdown::append_to(report, Path::new(&summary))
                .into_diagnostic()
                .wrap_err("cannot write the scorecard to GITHUB_STEP_SUMMARY")?;
        }
    }
    let written = if quiet && format == Format::Text {
        report::concise::write(report, out)
    } else {
        report::write(format, report, out)
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(e)
                .into_diagnostic()
                .wrap_err("cannot write to standard output")
        }
        _ => {}
    }
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| report.visible().any(|f| f.severity >= t));
    let mut below_min = false;
    if let Some(min) = min_score {
        let scores = report.scores();
        for s in scores.both() {
            if let Some(v) = s.value.filter(|v| *v < min) {
                eprintln!(
                    "resilint: the {} score {v:.1} is below --min-score {min}",
                    s.kind.title()
                );
                below_min = true;
            }
        }
    }
    Ok(u8::from(failed || below_min))
}

fn merge(args: MergeArgs, out: &mut dyn Write) -> miette::Result<u8> {
    let outputs = output_specs(&args.output)?;
    let reports = args
        .reports
        .iter()
        .map(|p| merge::read(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| miette!("{e}"))?;
    let merged = merge::merge(reports).map_err(|e| miette!("cannot merge: {e}"))?;
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let report = Report {
        findings: &merged.findings,
        stats: &merged.stats,
        rules: merged.rules,
        root: &root,
        color: use_color(args.color),
        companions: outputs.clone(),
        shard: None,
    };
    emit(
        &report,
        args.format,
        &outputs,
        false,
        args.fail_on,
        args.min_score,
        out,
    )
}
