//! What the fuzz targets share: one file scanned the way `resilint check` scans it, and its
//! findings rendered in every report format.

use std::path::PathBuf;
use std::sync::OnceLock;

use resilint::discover::{Discovery, SourceFile};
use resilint::engine::{self, ScanOptions, ScanResult};
use resilint::facts::Lang;
use resilint::report::{self, Format, Report};

/// A folder that lives as long as the fuzzing process; each input overwrites one file in it.
fn scratch() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder for fuzz inputs"))
}

/// Every rule with the built-in catalog, test code included (so rules see every function);
/// built once, since the catalog takes longer to load than most inputs take to scan.
fn options() -> &'static ScanOptions {
    static OPTIONS: OnceLock<ScanOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut opts = ScanOptions::new(scratch().path().to_path_buf());
        opts.include_tests = true;
        opts
    })
}

/// Writes `bytes` as `input.<ext>` and scans it. Any panic inside is a crash to the fuzzer:
/// libfuzzer-sys aborts on panic, before the engine's `catch_unwind`.
pub fn scan_one(lang: Lang, ext: &str, bytes: &[u8]) -> ScanResult {
    let dir = scratch().path();
    let name = format!("input.{ext}");
    let path: PathBuf = dir.join(&name);
    std::fs::write(&path, bytes).expect("writing the fuzz input");
    let discovery = Discovery {
        files: vec![SourceFile {
            path,
            rel: name,
            lang,
            is_test: false,
        }],
        ..Discovery::default()
    };
    engine::scan(&discovery, options())
}

/// Renders a scan's findings in every format there is, so a new one is fuzzed from the day it
/// is added. Kept out of the front-end targets: rendering costs more than scanning a small input.
pub fn render_all(result: &ScanResult) {
    let report = Report {
        findings: &result.findings,
        stats: &result.stats,
        // The rules that reported, as under `--select` of them: the reports' rule tables are
        // the same for every input, and rendering all of them would dominate each run.
        rules: resilint::rules::all()
            .iter()
            .filter(|r| result.findings.iter().any(|f| f.rule == r.id))
            .collect(),
        root: scratch().path(),
        color: false,
        companions: Vec::new(),
        shard: None,
    };
    for &format in <Format as clap::ValueEnum>::value_variants() {
        report::write(format, &report, &mut std::io::sink()).expect("writing to nowhere");
    }
}
