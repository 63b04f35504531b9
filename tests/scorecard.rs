//! The scores and the audit scorecard on real scans: scores in JSON, SARIF and text,
//! `--min-score`, severity overrides, the Markdown scorecard parsed by a CommonMark renderer
//! (sections, table columns, escaping of hostile files, grouping of large scans), the GitHub job
//! summary, and the HTML page rendered in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin_cmd;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs `resilint check --no-cache ARGS` in `dir`; returns the exit code and standard output.
fn run(dir: &Path, args: &[&str], envs: &[(&str, &Path)]) -> (i32, String) {
    let mut cmd = cargo_bin_cmd!("resilint");
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(["check", "--no-cache"])
        .args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let code = out.status.code().expect("killed by a signal");
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, String::from_utf8(out.stdout).unwrap())
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["--no-config", "--fail-on", "never"];
    all.extend_from_slice(args);
    run(dir, &all, &[]).1
}

const SERVICE_PY: &str = "import requests
import subprocess


class Billing:
    def charge(self, url):
        return requests.get(url)


def refresh():
    subprocess.run([\"make\"])
    return requests.post(\"https://billing.internal\", timeout=None)
";

fn service() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "svc/billing.py", SERVICE_PY);
    write(dir.path(), "svc/clean.py", "def ok():\n    return 1\n");
    dir
}

/// The sections of the Markdown scorecard, in order (DESIGN.md, Reports → markdown).
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "Critical Resilience Gaps",
        &[
            "Component",
            "Failure Scenario",
            "Current Behavior",
            "Required Behavior",
            "Fix",
        ],
    ),
    (
        "Circuit Breaker Issues",
        &["Service", "Issue", "Configuration Change"],
    ),
    (
        "Missing Observability",
        &["Type", "What's Missing", "Implementation"],
    ),
    (
        "Partial Failure Risks",
        &[
            "Stage",
            "Failure Mode",
            "State Corruption Risk",
            "Mitigation",
        ],
    ),
    ("Health Check Gaps", &["Check", "Missing", "Priority"]),
    ("Alerting Gaps", &["Condition", "Alert Needed", "Threshold"]),
    ("SLO Readiness", &["SLO", "Current Capability", "Gap"]),
    (
        "Failure Scenario Assessment",
        &["Scenario", "Result", "What the Code Will Do", "Evidence"],
    ),
    ("Recommendations", &[]),
    (
        "Checklist Coverage",
        &[
            "#",
            "Area",
            "Feeds",
            "Area Score",
            "Status",
            "Findings",
            "Deduction",
            "Behind the Deduction",
        ],
    ),
];

/// What a CommonMark + GFM renderer makes of the scorecard.
#[derive(Default)]
struct Parsed {
    /// Level-2 headings, in order.
    sections: Vec<String>,
    /// (section, header cells, rows of cells) per table.
    tables: Vec<(String, Vec<String>, Vec<Vec<String>>)>,
    /// Every raw HTML fragment.
    html: Vec<String>,
    /// Every link or image destination.
    links: Vec<String>,
    code_blocks: Vec<(String, String)>,
}

fn parse(md: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut heading: Option<String> = None;
    let mut cell: Option<String> = None;
    let mut row: Vec<String> = Vec::new();
    let mut in_head = false;
    let mut block: Option<(String, String)> = None;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH;
    for event in Parser::new_ext(md, opts) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level as u8 == 2 => {
                heading = Some(String::new())
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    p.sections.push(h);
                }
            }
            Event::Start(Tag::Table(_)) => {
                let section = p.sections.last().cloned().unwrap_or_default();
                p.tables.push((section, Vec::new(), Vec::new()));
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                p.tables.last_mut().unwrap().1 = std::mem::take(&mut row);
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap()),
            Event::End(TagEnd::TableRow) if !in_head => {
                let r = std::mem::take(&mut row);
                p.tables.last_mut().unwrap().2.push(r);
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => p.links.push(dest_url.to_string()),
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(lang))) => {
                block = Some((lang.to_string(), String::new()))
            }
            Event::End(TagEnd::CodeBlock) => p.code_blocks.extend(block.take()),
            Event::Html(h) | Event::InlineHtml(h) => p.html.push(h.to_string()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(b) = block.as_mut() {
                    b.1.push_str(&t);
                } else if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                } else if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            _ => {}
        }
    }
    p
}

fn assert_well_formed(md: &str) -> Parsed {
    let p = parse(md);
    let titles: Vec<&str> = SECTIONS.iter().map(|(t, _)| *t).collect();
    assert_eq!(p.sections, titles, "sections, in order");
    for (section, header, rows) in &p.tables {
        if let Some((_, expected)) = SECTIONS.iter().find(|(t, _)| t == section) {
            assert_eq!(header, expected, "columns of {section}");
        }
        for r in rows {
            assert_eq!(r.len(), header.len(), "a row of {section}: {r:?}");
        }
    }
    // The only markup in cells is the scorecard's own.
    for h in &p.html {
        assert!(
            ["<code>", "</code>", "<br>"].contains(&h.as_str()),
            "unexpected HTML {h:?}"
        );
    }
    // Links only to the report files written beside the scorecard.
    for l in &p.links {
        let plain = l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c));
        assert!(
            plain && (l.ends_with(".sarif") || l.ends_with(".json")),
            "link {l:?}"
        );
    }
    p
}

#[test]
fn scores_appear_in_json_sarif_and_text() {
    let dir = service();
    let doc: Value = serde_json::from_str(&stdout(dir.path(), &["--format", "json"])).unwrap();
    let res = &doc["scores"]["resilience"];
    let value = res["value"].as_f64().unwrap();
    assert!((1.0..10.0).contains(&value), "{value}");
    let timeouts = res["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Timeouts")
        .expect("a Timeouts area");
    assert_eq!(timeouts["checklist"], 3);
    let behind = timeouts["behind"].as_array().unwrap();
    let fingerprints: usize = behind
        .iter()
        .map(|b| b["fingerprints"].as_array().unwrap().len())
        .sum();
    assert_eq!(fingerprints, doc["findings"].as_array().unwrap().len());
    let shares: f64 = behind
        .iter()
        .map(|b| b["deduction"].as_f64().unwrap())
        .sum();
    assert!((shares - timeouts["deduction"].as_f64().unwrap()).abs() < 0.02);
    let rest = 10.0 - timeouts["deduction"].as_f64().unwrap() - value;
    assert!((0.0..0.11).contains(&rest), "rounded down: {rest}");

    let sarif: Value = serde_json::from_str(&stdout(dir.path(), &["--format", "sarif"])).unwrap();
    let props = &sarif["runs"][0]["properties"];
    assert_eq!(props["resilienceScore"].as_f64(), Some(value));
    assert_eq!(props["scores"]["resilience"]["value"].as_f64(), Some(value));

    let text = stdout(dir.path(), &["--format", "text", "--color", "never"]);
    assert!(
        text.contains(&format!("Resilience {value:.1}/10")),
        "{text}"
    );
}

#[test]
fn min_score_fails_the_run_below_the_threshold() {
    let dir = service();
    let doc: Value = serde_json::from_str(&stdout(dir.path(), &["--format", "json"])).unwrap();
    let value = doc["scores"]["resilience"]["value"].as_f64().unwrap();
    let at = |min: f64| {
        let min = format!("{min:.1}");
        run(
            dir.path(),
            &[
                "--no-config",
                "--fail-on",
                "never",
                "--format",
                "concise",
                "--min-score",
                &min,
            ],
            &[],
        )
        .0
    };
    assert_eq!(at(value), 0);
    assert_eq!(at(value + 0.1), 1);
    // A clean service passes any threshold.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "a.py", "x = 1\n");
    let (code, _) = run(
        clean.path(),
        &["--no-config", "--min-score", "10", "--format", "concise"],
        &[],
    );
    assert_eq!(code, 0);
}

#[test]
fn severity_overrides_from_config_change_the_score() {
    let dir = service();
    let score = |args: &[&str]| -> f64 {
        let mut all = vec!["--format", "json", "--fail-on", "never"];
        all.extend_from_slice(args);
        let doc: Value = serde_json::from_str(&run(dir.path(), &all, &[]).1).unwrap();
        doc["scores"]["resilience"]["value"].as_f64().unwrap()
    };
    let default = score(&["--no-config"]);
    write(
        dir.path(),
        "resilint.toml",
        "[severity]\nRES101 = \"note\"\nRES102 = \"note\"\n",
    );
    let as_notes = score(&["--config", "resilint.toml"]);
    assert!(as_notes > default, "{as_notes} > {default}");
}

#[test]
fn markdown_scorecard_has_the_designed_sections_and_columns() {
    let dir = service();
    let md = stdout(dir.path(), &["--format", "markdown"]);
    let p = assert_well_formed(&md);
    assert!(md.starts_with("# Resilience & Observability Audit: "));
    assert!(md.contains("**Resilience Score: "), "{md}");
    // The chart of area scores comes first.
    let (lang, chart) = &p.code_blocks[0];
    assert_eq!(lang, "mermaid");
    assert!(chart.starts_with("xychart-beta"), "{chart}");
    assert!(chart.contains("\"Timeouts\""), "{chart}");
    assert!(md.find("```mermaid").unwrap() < md.find("## Critical").unwrap());

    // Rows are written from the findings: the file, function and line of code, the message
    // and the library's fix, not the rule title.
    let critical = &p.tables[0];
    assert_eq!(critical.0, "Critical Resilience Gaps");
    let untimed = critical
        .2
        .iter()
        .find(|r| r[0].contains("svc/billing.py:11"))
        .expect("the subprocess row");
    assert!(untimed[0].contains("refresh()"), "{untimed:?}");
    assert!(
        untimed[0].contains("subprocess.run([\"make\"])"),
        "{untimed:?}"
    );
    assert!(untimed[2].contains("subprocess.run"), "{untimed:?}");
    assert!(untimed[4].contains("TimeoutExpired"), "{untimed:?}");
    let charge = critical
        .2
        .iter()
        .find(|r| r[0].contains("svc/billing.py:7"))
        .expect("the requests row");
    assert!(charge[0].contains("Billing.charge()"), "{charge:?}");

    // All dependencies slow is at risk, with the findings that decide it.
    let scenarios = p
        .tables
        .iter()
        .find(|t| t.0 == "Failure Scenario Assessment")
        .unwrap();
    assert_eq!(scenarios.2.len(), 7);
    let slow = scenarios
        .2
        .iter()
        .find(|r| r[0] == "All dependencies slow")
        .unwrap();
    assert_eq!(slow[1], "At risk");
    assert!(slow[3].contains("RES101 × 2"), "{slow:?}");

    // Coverage: 16 areas, timeouts with gaps and the deduction behind them.
    let coverage = p.tables.last().unwrap();
    assert_eq!(coverage.2.len(), 16);
    let timeouts = coverage.2.iter().find(|r| r[1] == "Timeouts").unwrap();
    assert_eq!(timeouts[2], "Resilience");
    assert_eq!(timeouts[4], "gaps");
    assert!(timeouts[7].contains("RES101 × 2"), "{timeouts:?}");
}

#[test]
fn a_hostile_file_cannot_break_the_tables_or_inject_markup() {
    let dir = tempfile::tempdir().unwrap();
    let hostile_line = "requests.get(\"|x|</code><script>alert(1)</script>`y` **b** [l](javascript:x) <img src=x onerror=y> \\| $m$ https://evil.example\")";
    write(
        dir.path(),
        "svc/we|ird`<b>name</b>[x](y).py",
        &format!("import requests\n\n\ndef f():\n    {hostile_line}\n"),
    );
    let md = stdout(dir.path(), &["--format", "markdown"]);
    let p = assert_well_formed(&md);
    let critical = &p.tables[0];
    let row = &critical.2[0];
    // The path and the line come through as text, character for character.
    assert!(
        row[0].contains("svc/we|ird`<b>name</b>[x](y).py:5"),
        "{row:?}"
    );
    assert!(row[0].contains("alert(1)"), "{row:?}");
    assert!(!md.contains("<script>"), "raw script in {md}");
    assert!(!md.contains("<b>"), "raw tag in {md}");
    assert!(!md.contains("https://evil"), "autolinkable URL in {md}");

    let html = stdout(dir.path(), &["--format", "html"]);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<b>name"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Self-contained: nothing to fetch.
    let fetching = regex::Regex::new(r"<[a-zA-Z]+[^>]*\s(src|href)=|url\(|@import").unwrap();
    assert!(!fetching.is_match(&html), "{html}");
}

#[test]
fn a_large_scan_fits_on_a_few_screens() {
    let dir = tempfile::tempdir().unwrap();
    // 5,000 files, four findings each, in eight kinds.
    for i in 0..5000 {
        let body = match i % 2 {
            0 => "import requests\n\n\ndef f(u):\n    requests.get(u)\n    requests.post(u)\n    requests.put(u, timeout=None)\n    requests.get(u, timeout=5000)\n",
            _ => "import subprocess\nimport socket\n\n\ndef g(c):\n    subprocess.run(c)\n    subprocess.check_output(c)\n    socket.create_connection(c)\n    socket.setdefaulttimeout(None)\n",
        };
        write(dir.path(), &format!("pkg{}/m{i}.py", i % 50), body);
    }
    let md = stdout(dir.path(), &["--format", "markdown"]);
    assert_well_formed(&md);
    let lines = md.lines().count();
    assert!(lines < 150, "{lines} lines:\n{md}");
    assert!(md.len() < 40_000, "{} bytes", md.len());
    assert!(md.contains("in 2500 files, top: "), "{md}");
}

#[test]
fn output_files_are_linked_and_github_writes_the_job_summary() {
    let dir = service();
    let (_, _) = run(
        dir.path(),
        &[
            "--no-config",
            "--fail-on",
            "never",
            "--format",
            "concise",
            "--output",
            "markdown=card.md",
            "--output",
            "html=card.html",
            "--output",
            "sarif=results.sarif",
        ],
        &[],
    );
    let md = std::fs::read_to_string(dir.path().join("card.md")).unwrap();
    assert_eq!(assert_well_formed(&md).links, ["results.sarif"]);
    let html = std::fs::read_to_string(dir.path().join("card.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<a href=\"results.sarif\">results.sarif</a>"));
    // Written to standard output, the scorecard cannot know where it lands: no link.
    let out = stdout(
        dir.path(),
        &["--format", "markdown", "--output", "sarif=results.sarif"],
    );
    assert!(parse(&out).links.is_empty());
    assert!(out.contains("<code>results.sarif</code>"));

    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let (_, out) = run(
        dir.path(),
        &["--no-config", "--fail-on", "never", "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", &summary)],
    );
    assert!(out.starts_with("::error "), "{out}");
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(written.starts_with("earlier step\n# Resilience & Observability Audit"));
    assert_well_formed(&written["earlier step\n".len()..]);
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        let ok = Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| PathBuf::from(name))
    })
}

/// Runs headless Chromium on `page` with a fresh profile; returns (stdout, stderr).
fn headless(browser: &Path, profile: &Path, args: &[&str], page: &Path) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn html_scorecard_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed (.ci/run installs it)");
        return;
    };
    let dir = service();
    write(
        dir.path(),
        "svc/hostile.py",
        "import requests\n\n\ndef f():\n    requests.get(\"</td><script>console.error('injected')</script>\")\n",
    );
    let html = stdout(dir.path(), &["--format", "html"]);
    let page = dir.path().join("scorecard.html");
    std::fs::write(&page, &html).unwrap();

    let shot = dir.path().join("shot.png");
    let (_, log) = headless(
        &browser,
        &dir.path().join("profile-1"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400",
            "--hide-scrollbars",
        ],
        &page,
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 20_000,
        "a near-empty screenshot: {} bytes",
        png.len()
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console output: {console:?}");

    // After the scripts ran: the filter is wired, the chart and the tables are in the DOM.
    let (dom, log) = headless(
        &browser,
        &dir.path().join("profile-2"),
        &["--dump-dom"],
        &page,
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console output: {console:?}");
    assert!(
        dom.contains("data-ready=\"yes\""),
        "the page script did not run"
    );
    assert!(dom.contains("<svg id=\"area-chart\""));
    assert!(dom.matches("<rect ").count() >= 1);
    assert!(dom.matches("<table").count() >= 5);
    assert!(dom.contains("groups shown"));
    assert!(!dom.contains("<script>console.error"));
}

#[test]
fn scorecards_are_identical_across_runs_and_jobs() {
    let dir = service();
    for format in ["markdown", "html"] {
        let one = stdout(dir.path(), &["--format", format, "--jobs", "1"]);
        let two = stdout(dir.path(), &["--format", format, "--jobs", "2"]);
        assert_eq!(one, two, "{format}");
    }
}
