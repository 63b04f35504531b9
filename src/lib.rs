//! resilint: audits Python and Rust code for resilience and observability.
//!
//! Front ends (`lang`) turn each file into facts; rules (`rules`) read facts; the engine runs
//! them in parallel and the reports (`report`) render the findings.

pub mod audit;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod discover;
pub mod engine;
pub mod explain;
pub mod facts;
pub mod finding;
pub mod lang;
pub mod project;
pub mod report;
pub mod rules;
pub mod score;
pub mod source;
pub mod suppress;
pub mod versions;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use miette::{miette, IntoDiagnostic, WrapErr};

use cli::{CheckArgs, Cli, Color, Command, FailOn, ListFormat};
use engine::{RuleSelection, ScanOptions};
use finding::Severity;
use report::{Format, Report};

/// Files larger than this are skipped with a note unless the config says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2_000_000;

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
    let mut outputs = Vec::new();
    for spec in &args.output {
        let (fmt, path) = spec
            .split_once('=')
            .ok_or_else(|| miette!("--output takes FORMAT=PATH, got `{spec}`"))?;
        let format = Format::parse(fmt).ok_or_else(|| {
            miette!("--output: unknown format `{fmt}` (text, concise, json, sarif, github, markdown, html)")
        })?;
        outputs.push((format, PathBuf::from(path)));
    }
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
        },
        catalog,
    };

    let discovery = discover::discover(
        &paths,
        &discover::WalkOptions {
            root: &root,
            respect_ignore: !args.no_ignore,
            exclude: &exclude,
        },
    );
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
    let result = engine::scan_with_cache(&discovery, &opts, cache.as_ref());
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let enabled_rules = rules::all()
        .iter()
        .filter(|r| opts.selection.enabled(&r.id))
        .collect();
    let report = Report {
        findings: &result.findings,
        stats: &result.stats,
        rules: enabled_rules,
        root: &root,
        color,
        companions: outputs.clone(),
    };
    for (format, path) in &outputs {
        report::write_file(*format, &report, path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    if args.format == Format::Github {
        if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
            report::markdown::append_to(&report, Path::new(&summary))
                .into_diagnostic()
                .wrap_err("cannot write the scorecard to GITHUB_STEP_SUMMARY")?;
        }
    }
    let written = if args.quiet && args.format == Format::Text {
        report::concise::write(&report, out)
    } else {
        report::write(args.format, &report, out)
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
    if let Some(min) = args.min_score.or(min_score) {
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
