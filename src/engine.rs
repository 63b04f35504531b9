//! The scan: per file (in parallel) read → parse → facts → checks → suppressions; then sort.
//! Any failure on one file becomes a RES000 note for that file; the scan always completes.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use globset::{Glob, GlobSet, GlobSetBuilder};
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::cache::Cache;
use crate::catalog::Catalog;
use crate::discover::{Discovery, SourceFile};
use crate::facts::{FileFacts, Span};
use crate::finding::{assign_fingerprints, Finding, Severity};
use crate::rules::{self, Check, FileCx, RuleSettings};
use crate::versions::PinIndex;

/// Which rules run: selected by ID or prefix, minus the ignored ones.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl RuleSelection {
    pub fn enabled(&self, id: &str) -> bool {
        let matches = |sel: &String| sel == "ALL" || id.starts_with(sel.as_str());
        self.select.iter().any(matches) && !self.ignore.iter().any(matches)
    }
}

pub struct ScanOptions {
    pub root: PathBuf,
    pub jobs: usize,
    pub include_tests: bool,
    pub max_file_size: u64,
    pub selection: RuleSelection,
    pub severity: BTreeMap<String, Severity>,
    /// Glob (relative to the root) → rule IDs or prefixes ignored there.
    pub per_path_ignores: Vec<(GlobSet, Vec<String>)>,
    pub rule_settings: RuleSettings,
    pub catalog: Catalog,
}

impl ScanOptions {
    /// Every rule, one thread, test code skipped, the built-in catalog, nothing configured.
    pub fn new(root: PathBuf) -> ScanOptions {
        ScanOptions {
            root,
            jobs: 1,
            include_tests: false,
            max_file_size: crate::DEFAULT_MAX_FILE_SIZE,
            selection: RuleSelection {
                select: vec!["ALL".into()],
                ignore: Vec::new(),
            },
            severity: BTreeMap::new(),
            per_path_ignores: Vec::new(),
            rule_settings: RuleSettings::default(),
            catalog: Catalog::builtin(),
        }
    }

    pub fn per_path_ignores_from(
        map: &BTreeMap<String, Vec<String>>,
    ) -> Vec<(GlobSet, Vec<String>)> {
        map.iter()
            .filter_map(|(glob, ids)| {
                let mut b = GlobSetBuilder::new();
                b.add(Glob::new(glob).ok()?);
                Some((b.build().ok()?, ids.clone()))
            })
            .collect()
    }
}

#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Files read and audited.
    pub files: usize,
    pub lines: u64,
    /// Files skipped as test code (not read).
    pub test_files_skipped: usize,
    /// Files that could not be fully read (each has a RES000 note).
    pub parse_errors: usize,
    pub suppressed: usize,
    /// Findings hidden by `--baseline`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub baseline_hidden: usize,
    /// `--baseline` entries that matched no finding in the files audited.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub baseline_stale: usize,
    /// Findings left out by `--diff` as not on a changed line.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub outside_diff: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Stats {
    /// Adds another shard's statistics: every count is a sum over the files, and shards
    /// audit disjoint files. (Destructured so that a new field cannot be forgotten here.)
    pub fn absorb(&mut self, other: &Stats) {
        let Stats {
            files,
            lines,
            test_files_skipped,
            parse_errors,
            suppressed,
            baseline_hidden,
            baseline_stale,
            outside_diff,
        } = other;
        self.files += files;
        self.lines += lines;
        self.test_files_skipped += test_files_skipped;
        self.parse_errors += parse_errors;
        self.suppressed += suppressed;
        self.baseline_hidden += baseline_hidden;
        self.baseline_stale += baseline_stale;
        self.outside_diff += outside_diff;
    }
}

pub struct ScanResult {
    /// Sorted; suppressed ones included and marked.
    pub findings: Vec<Finding>,
    pub stats: Stats,
}

struct FileOutcome {
    findings: Vec<Finding>,
    lines: u64,
    problem: bool,
    /// Kept for the project-level checks; `None` when the file could not be read.
    facts: Option<FileFacts>,
}

pub fn scan(discovery: &Discovery, opts: &ScanOptions) -> ScanResult {
    scan_with_cache(discovery, opts, None, None)
}

/// Parses every audited file and nothing more: the floor the benchmark compares against.
pub fn parse_only(discovery: &Discovery, opts: &ScanOptions) -> usize {
    let audited: Vec<&SourceFile> = discovery
        .files
        .iter()
        .filter(|f| opts.include_tests || !f.is_test)
        .collect();
    let work = || {
        audited
            .par_iter()
            .filter(|f| {
                let Ok(text) = read_source(f, opts.max_file_size) else {
                    return false;
                };
                let parsed = catch_unwind(AssertUnwindSafe(|| crate::lang::parses(f.lang, &text)));
                proc_macro2::extra::invalidate_current_thread_spans();
                parsed.unwrap_or(false)
            })
            .count()
    };
    match thread_pool(opts.jobs) {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

fn thread_pool(jobs: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // syn recurses; give deep (but accepted) files room.
        .stack_size(64 * 1024 * 1024)
        .build()
}

/// Scans, reading and writing per-file facts through `cache` when one is given, and advancing
/// `progress` by one per audited file.
pub fn scan_with_cache(
    discovery: &Discovery,
    opts: &ScanOptions,
    cache: Option<&Cache>,
    progress: Option<&ProgressBar>,
) -> ScanResult {
    let pool = thread_pool(opts.jobs);
    let read_pins = || PinIndex::read(&discovery.pin_files);
    let pins = match &pool {
        Ok(pool) => pool.install(read_pins),
        Err(_) => read_pins(),
    };
    let (audited, tests): (Vec<&SourceFile>, Vec<&SourceFile>) = discovery
        .files
        .iter()
        .partition(|f| opts.include_tests || !f.is_test);
    let run = || -> Vec<FileOutcome> {
        audited
            .par_iter()
            .map(|f| {
                let outcome = scan_file(f, opts, &pins, cache, rules::CHECKS);
                if let Some(bar) = progress {
                    bar.inc(1);
                }
                outcome
            })
            .collect()
    };
    let outcomes = match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    };
    let mut stats = Stats {
        files: audited.len(),
        test_files_skipped: tests.len(),
        ..Stats::default()
    };
    let mut findings = Vec::new();
    let mut unit_files = Vec::new();
    for (o, file) in outcomes.iter().zip(&audited) {
        stats.lines += o.lines;
        stats.parse_errors += usize::from(o.problem);
        if let Some(facts) = &o.facts {
            unit_files.push(crate::project::UnitFile { file, facts });
        }
    }
    let units = crate::project::group(unit_files, &discovery.unit_roots);
    for unit in &units {
        findings.extend(run_project_checks(unit, opts));
    }
    for o in outcomes {
        findings.extend(o.findings);
    }
    for (path, why) in &discovery.skipped {
        if opts.selection.enabled("RES000") {
            findings.push(res000(path, 1, 1, format!("skipped: {why}"), "", opts));
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    assign_fingerprints(&mut findings);
    stats.suppressed = findings.iter().filter(|f| f.suppressed).count();
    ScanResult { findings, stats }
}

fn res000(
    path: &str,
    line: u32,
    col: u32,
    message: String,
    snippet: &str,
    opts: &ScanOptions,
) -> Finding {
    let meta = rules::meta("RES000").expect("RES000 is a built-in rule");
    Finding {
        rule: meta.id.clone(),
        name: meta.name.clone(),
        severity: opts
            .severity
            .get("RES000")
            .copied()
            .unwrap_or(meta.severity),
        message,
        help: Some(
            "fix the file so that it parses, or exclude it; findings in it may be missing".into(),
        ),
        path: path.to_string(),
        span: Span {
            line,
            col,
            end_line: line,
            end_col: col,
        },
        snippet: snippet.to_string(),
        fingerprint: String::new(),
        suppressed: false,
    }
}

/// Reads the file, refusing what cannot be text source.
fn read_source(file: &SourceFile, max_size: u64) -> Result<String, String> {
    let meta = std::fs::metadata(&file.path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > max_size {
        return Err(format!(
            "skipped: {} is over the {} size limit (`max-file-size`)",
            human_bytes(meta.len()),
            human_bytes(max_size)
        ));
    }
    let bytes = std::fs::read(&file.path).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.contains(&0) {
        return Err("contains NUL bytes: not a text source file".into());
    }
    let mut text = String::from_utf8(bytes)
        .map_err(|e| format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

fn human_bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{:.0} kB", n as f64 / 1e3)
    }
}

fn scan_file(
    file: &SourceFile,
    opts: &ScanOptions,
    pins: &PinIndex,
    cache: Option<&Cache>,
    checks: &[&dyn Check],
) -> FileOutcome {
    let problem_outcome = |message: String| FileOutcome {
        findings: if opts.selection.enabled("RES000") {
            vec![res000(&file.rel, 1, 1, message, "", opts)]
        } else {
            Vec::new()
        },
        lines: 0,
        problem: true,
        facts: None,
    };
    let text = match read_source(file, opts.max_file_size) {
        Ok(t) => t,
        Err(why) => return problem_outcome(why),
    };
    let key = cache.map(|c| c.key(file.lang, file.is_test, &text));
    let cached = cache.zip(key).and_then(|(c, k)| c.get(k));
    let facts = match cached {
        Some(f) => Ok(f),
        None => {
            let extracted = catch_unwind(AssertUnwindSafe(|| {
                crate::lang::extract(file.lang, &text, &opts.catalog, file.is_test)
            }));
            // syn's span locations are kept per thread; free them once the file's facts are out.
            proc_macro2::extra::invalidate_current_thread_spans();
            if let (Ok(f), Some(c), Some(k)) = (&extracted, cache, key) {
                c.put(k, f);
            }
            extracted
        }
    };
    let facts = match facts {
        Ok(f) => f,
        Err(panic) => {
            return problem_outcome(format!(
                "internal error while reading this file ({}); please report it",
                panic_message(panic.as_ref())
            ));
        }
    };
    let findings = match catch_unwind(AssertUnwindSafe(|| {
        run_checks(file, &facts, opts, pins, checks)
    })) {
        Ok(f) => f,
        Err(panic) => {
            return problem_outcome(format!(
                "internal error while checking this file ({}); please report it",
                panic_message(panic.as_ref())
            ))
        }
    };
    FileOutcome {
        lines: u64::from(facts.lines),
        problem: !facts.problems.is_empty(),
        findings,
        facts: Some(facts),
    }
}

/// Runs the project-level checks over one unit; a panic in one check becomes a RES000 note at
/// the unit's first file, and the other checks still run.
fn run_project_checks(unit: &crate::project::Unit<'_>, opts: &ScanOptions) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in rules::PROJECT_CHECKS {
        if !opts.selection.enabled(check.id()) {
            continue;
        }
        let mut cx = rules::ProjectCx {
            unit,
            catalog: &opts.catalog,
            settings: &opts.rule_settings,
            include_tests: opts.include_tests,
            out: Vec::new(),
        };
        if catch_unwind(AssertUnwindSafe(|| check.check(&mut cx))).is_err() {
            if let Some(first) = unit.files.first() {
                findings.push(res000(
                    &first.file.rel,
                    1,
                    1,
                    format!(
                        "internal error in {} on this project; please report it",
                        check.id()
                    ),
                    "",
                    opts,
                ));
            }
            continue;
        }
        for (index, raw) in cx.out {
            let Some(at) = unit.files.get(index) else {
                continue;
            };
            if path_ignored(&at.file.rel, raw.rule, opts) {
                continue;
            }
            let mut finding = finding_from(raw, &at.file.rel, at.facts, opts);
            finding.suppressed = crate::suppress::is_suppressed(
                &at.facts.suppressions,
                &finding.rule,
                finding.span.line,
            );
            findings.push(finding);
        }
    }
    findings
}

/// A check's raw finding as reports see it: the rule's name, the configured severity and the
/// source line.
fn finding_from(
    raw: rules::RawFinding,
    rel: &str,
    facts: &FileFacts,
    opts: &ScanOptions,
) -> Finding {
    let meta = rules::meta(raw.rule).expect("every check has a rule file");
    Finding {
        rule: meta.id.clone(),
        name: meta.name.clone(),
        severity: opts
            .severity
            .get(raw.rule)
            .copied()
            .unwrap_or(meta.severity),
        message: raw.message,
        help: raw.help,
        path: rel.to_string(),
        span: raw.span,
        snippet: facts.snippet(raw.span.line).to_string(),
        fingerprint: String::new(),
        suppressed: false,
    }
}

/// What a caught panic says, when it says something.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("no message")
}

/// Runs `checks` over one file's facts; a panic in one check becomes a RES000 note on the file,
/// and the other checks' findings stand.
fn run_checks(
    file: &SourceFile,
    facts: &FileFacts,
    opts: &ScanOptions,
    pins: &PinIndex,
    checks: &[&dyn Check],
) -> Vec<Finding> {
    let pins = pins.for_file(&file.path);
    let mut cx = FileCx {
        lang: file.lang,
        rel: &file.rel,
        facts,
        catalog: &opts.catalog,
        pins,
        settings: &opts.rule_settings,
        include_tests: opts.include_tests,
        out: Vec::new(),
    };
    let mut findings = Vec::new();
    for check in checks {
        if opts.selection.enabled(check.id()) && !path_ignored(&file.rel, check.id(), opts) {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check.check(&mut cx))) {
                findings.push(res000(
                    &file.rel,
                    1,
                    1,
                    format!(
                        "internal error in {} on this file ({}); please report it",
                        check.id(),
                        panic_message(panic.as_ref())
                    ),
                    "",
                    opts,
                ));
            }
        }
    }
    if opts.selection.enabled("RES000") && !path_ignored(&file.rel, "RES000", opts) {
        for p in &facts.problems {
            findings.push(res000(
                &file.rel,
                p.line,
                p.col,
                p.message.clone(),
                facts.snippet(p.line),
                opts,
            ));
        }
    }
    for raw in cx.out {
        findings.push(finding_from(raw, &file.rel, facts, opts));
    }
    for f in &mut findings {
        f.suppressed = crate::suppress::is_suppressed(&facts.suppressions, &f.rule, f.span.line);
    }
    findings
}

fn path_ignored(rel: &str, rule: &str, opts: &ScanOptions) -> bool {
    opts.per_path_ignores.iter().any(|(set, ids)| {
        set.is_match(rel)
            && ids
                .iter()
                .any(|id| id == "ALL" || rule.starts_with(id.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Lang;

    /// A check that fails on every file, standing in for a bug in a real rule.
    struct Panics;

    impl Check for Panics {
        fn id(&self) -> &'static str {
            "RES103"
        }
        fn check(&self, _cx: &mut FileCx<'_>) {
            panic!("index out of bounds in a rule");
        }
    }

    #[test]
    fn a_panicking_check_becomes_a_note_on_the_file_and_other_checks_still_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.py");
        std::fs::write(&path, "import requests\n\nrequests.get(url)\n").unwrap();
        let file = SourceFile {
            path,
            rel: "app.py".into(),
            lang: Lang::Python,
            is_test: false,
        };
        let opts = ScanOptions::new(dir.path().to_path_buf());
        let checks: &[&dyn Check] = &[&Panics, &crate::rules::timeouts::untimed_call::UntimedCall];
        let outcome = scan_file(&file, &opts, &PinIndex::default(), None, checks);

        let found: Vec<(&str, &str, u32)> = outcome
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.path.as_str(), f.span.line))
            .collect();
        assert_eq!(
            found,
            [("RES000", "app.py", 1), ("RES101", "app.py", 3)],
            "{:#?}",
            outcome.findings
        );
        let note = &outcome.findings[0];
        assert_eq!(note.severity, Severity::Note);
        assert!(
            note.message.contains("internal error in RES103")
                && note.message.contains("index out of bounds in a rule"),
            "{}",
            note.message
        );
    }
}
