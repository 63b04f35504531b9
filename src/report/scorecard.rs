//! The audit scorecard as data: sections, tables and rows written from the findings, grouped so
//! that a large scan stays a few screens long. The Markdown and HTML reports render this model;
//! every string that comes from a scanned file is kept apart ([`Frag::Code`] or inside
//! [`Frag::Text`]) so that each renderer escapes it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::{Format, Report};
use crate::audit::{self, ScoreKind};
use crate::finding::{Finding, Severity};
use crate::rules::RuleMeta;
use crate::score::{AreaScore, Scores};

/// Rows shown per table; the rest are counted and left to the JSON/SARIF report.
pub const MAX_ROWS: usize = 12;
/// Recommendations shown per priority.
pub const MAX_RECOMMENDATIONS: usize = 8;
/// Files named in a group's component.
const TOP_FILES: usize = 3;
/// Past this many files, a group also names its top folders.
const MANY_FILES: usize = 10;
/// Characters of quoted source shown.
const MAX_QUOTE: usize = 120;

/// A piece of a cell. Renderers escape every variant.
#[derive(Debug, Clone, PartialEq)]
pub enum Frag {
    Text(String),
    /// Code or a path quoted from the scan.
    Code(String),
    Strong(String),
    Break,
    /// A link to a report file written beside this one; `href` is percent-encoded.
    Link {
        text: String,
        href: String,
    },
}

pub type Cell = Vec<Frag>;

pub struct Table {
    pub title: &'static str,
    pub headers: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
    /// Shown instead of the table when there are no rows.
    pub empty: String,
    /// Shown under the table when rows were left out.
    pub more: Option<String>,
}

/// Findings of one rule with the same fix, reported together.
pub struct Group<'a> {
    pub rule: &'a str,
    pub meta: Option<&'static RuleMeta>,
    pub severity: Severity,
    pub findings: Vec<&'a Finding>,
    /// Files with their finding counts, most first.
    pub files: Vec<(&'a str, usize)>,
}

impl Group<'_> {
    pub fn first(&self) -> &Finding {
        self.findings[0]
    }

    pub fn checklist(&self) -> u32 {
        self.meta.map_or(0, |m| m.checklist)
    }

    pub fn kind(&self) -> Option<ScoreKind> {
        self.meta.and_then(|m| ScoreKind::parse(&m.score))
    }

    pub fn area_title(&self) -> String {
        match (audit::area_of(self.checklist()), self.meta) {
            (Some(a), _) => a.title.to_string(),
            (None, Some(m)) => m.area.clone(),
            (None, None) => "Other".to_string(),
        }
    }
}

pub struct Recommendation {
    pub priority: Priority,
    pub area: String,
    pub rule: String,
    pub severity: Severity,
    pub text: Cell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    Critical,
    High,
    Medium,
}

impl Priority {
    pub fn of(s: Severity) -> Priority {
        match s {
            Severity::Error => Priority::Critical,
            Severity::Warning => Priority::High,
            Severity::Note => Priority::Medium,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Priority::Critical => "Critical",
            Priority::High => "High",
            Priority::Medium => "Medium",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Priority::Critical => "the system can fail silently",
            Priority::High => "degraded visibility or recovery",
            Priority::Medium => "operational efficiency",
        }
    }
}

/// One group of findings as the HTML report lists it, filterable by area and severity.
pub struct GroupRow {
    pub area: String,
    pub severity: Severity,
    pub rule: String,
    pub count: usize,
    pub location: Cell,
    pub message: Cell,
    pub fix: Cell,
}

/// Groups listed in full (HTML); a scan with more leaves the rest to the JSON/SARIF report.
pub const MAX_GROUPS: usize = 500;

pub struct Scorecard {
    pub name: String,
    /// Every group of findings (up to [`MAX_GROUPS`]), worst first.
    pub groups: Vec<GroupRow>,
    pub scores: Scores,
    /// A line on what was scanned.
    pub scope: String,
    /// Where the full list of findings is.
    pub full_list: Cell,
    /// (area title, area score 0–10) of every audited area, in checklist order.
    pub chart: Vec<(String, f64)>,
    /// The tables in scorecard order, Recommendations aside.
    pub tables: Vec<Table>,
    pub recommendations: Vec<Recommendation>,
    /// Recommendations left out per priority.
    pub recommendations_left: BTreeMap<Priority, (usize, usize)>,
    pub coverage: Table,
}

/// The scorecard of a report; `folder` is where it is being written, if to a file, so that it
/// can link to the report files written beside it.
pub fn build(report: &Report<'_>, folder: Option<&Path>) -> Scorecard {
    let scores = report.scores();
    let enabled: Vec<&str> = report.rules.iter().map(|r| r.id.as_str()).collect();
    let ran = |id: &str| enabled.contains(&id);
    let groups = group(report);
    let mut sources = Sources::new(report.root);

    let name = std::fs::canonicalize(report.root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "scan".to_string());
    let visible: Vec<&Finding> = report.visible().collect();
    let count = |s: Severity| visible.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut scope = format!(
        "{} and {} audited; {} ({}, {}, {})",
        plural(report.stats.files, "file"),
        plural(report.stats.lines as usize, "line"),
        plural(visible.len(), "finding"),
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Note), "note"),
    );
    if report.stats.parse_errors > 0 {
        scope.push_str(&format!(
            "; {} files could not be parsed (RES000) and are not in the scores",
            report.stats.parse_errors
        ));
    }
    if report.stats.suppressed > 0 {
        scope.push_str(&format!(
            "; {} findings suppressed in source",
            report.stats.suppressed
        ));
    }
    scope.push('.');

    let chart = scores
        .both()
        .iter()
        .flat_map(|s| s.areas.iter())
        .filter(|a| !a.rules_run.is_empty())
        .map(|a| (a.title.clone(), a.area_score))
        .collect::<Vec<_>>();
    let mut chart = chart;
    chart.sort_by_key(|(title, _)| {
        audit::AREAS
            .iter()
            .position(|a| a.title == title)
            .unwrap_or(usize::MAX)
    });

    let area_ran = |pred: &dyn Fn(&RuleMeta) -> bool| report.rules.iter().any(|r| pred(r));
    let not_audited = |what: &str| format!("Not audited: no {what} rule ran in this scan.");

    // Critical Resilience Gaps.
    let critical: Vec<&Group> = groups
        .iter()
        .filter(|g| g.kind() == Some(ScoreKind::Resilience) && g.severity == Severity::Error)
        .collect();
    let critical_table = table(
        "Critical Resilience Gaps",
        &[
            "Component",
            "Failure Scenario",
            "Current Behavior",
            "Required Behavior",
            "Fix",
        ],
        &critical,
        |g, src| {
            let note = audit::rule_note(g.rule);
            vec![
                component(g, src),
                text(note.map_or("", |n| n.scenario)),
                behaviour(g),
                text(&note.map_or_else(|| summary(g), |n| n.required.to_string())),
                fix(g),
            ]
        },
        if area_ran(&|r| r.score == "resilience" && r.checklist > 0) {
            "No error-severity resilience findings.".to_string()
        } else {
            not_audited("resilience")
        },
        &mut sources,
    );

    let in_area = |areas: &[u32]| -> Vec<&Group> {
        groups
            .iter()
            .filter(|g| areas.contains(&g.checklist()))
            .collect()
    };
    let area_empty = |areas: &[u32], what: &str, clean: &str| {
        if area_ran(&|r| areas.contains(&r.checklist)) {
            clean.to_string()
        } else {
            not_audited(what)
        }
    };

    let breakers = table(
        "Circuit Breaker Issues",
        &["Service", "Issue", "Configuration Change"],
        &in_area(&[audit::BREAKER_AREA]),
        |g, src| vec![component(g, src), behaviour(g), fix(g)],
        area_empty(
            &[audit::BREAKER_AREA],
            "circuit-breaker",
            "No circuit breaker issues found.",
        ),
        &mut sources,
    );

    let obs_groups: Vec<&Group> = groups
        .iter()
        .filter(|g| g.kind() == Some(ScoreKind::Observability))
        .collect();
    let observability = table(
        "Missing Observability",
        &["Type", "What's Missing", "Implementation"],
        &obs_groups,
        |g, src| {
            let mut what = behaviour(g);
            what.push(Frag::Break);
            what.extend(component(g, src));
            vec![text(&g.area_title()), what, fix(g)]
        },
        if area_ran(&|r| r.score == "observability") {
            "No observability findings.".to_string()
        } else {
            not_audited("observability")
        },
        &mut sources,
    );

    let partial = table(
        "Partial Failure Risks",
        &[
            "Stage",
            "Failure Mode",
            "State Corruption Risk",
            "Mitigation",
        ],
        &in_area(audit::PARTIAL_FAILURE_AREAS),
        |g, src| {
            vec![
                component(g, src),
                behaviour(g),
                text(audit::rule_note(g.rule).map_or("", |n| n.state_risk)),
                fix(g),
            ]
        },
        area_empty(
            audit::PARTIAL_FAILURE_AREAS,
            "partial-failure",
            "No partial failure risks found.",
        ),
        &mut sources,
    );

    let health = table(
        "Health Check Gaps",
        &["Check", "Missing", "Priority"],
        &in_area(&[audit::HEALTH_AREA]),
        |g, src| {
            let mut missing = behaviour(g);
            missing.push(Frag::Break);
            missing.extend(fix(g));
            vec![
                component(g, src),
                missing,
                text(Priority::of(g.severity).title()),
            ]
        },
        area_empty(
            &[audit::HEALTH_AREA],
            "health-check",
            "No health check gaps found.",
        ),
        &mut sources,
    );

    let by_rule =
        |ids: &[&str]| -> Vec<&Group> { groups.iter().filter(|g| ids.contains(&g.rule)).collect() };
    let not_run = |ids: &[&str]| -> Vec<String> {
        ids.iter()
            .filter(|id| !ran(id))
            .map(|s| s.to_string())
            .collect()
    };

    let alerting_rows = audit::ALERTS
        .iter()
        .map(|a| {
            let evidence = by_rule(a.missing_signal);
            let missing = not_run(a.missing_signal);
            let mut condition = vec![Frag::Strong(a.condition.to_string()), text_frag(": ")];
            if !evidence.is_empty() {
                condition.push(text_frag("the signal is missing: "));
                condition.extend(evidence_list(&evidence));
            } else if missing.is_empty() {
                condition.push(text_frag(&format!(
                    "{}; whether the alert exists is configured outside the code and cannot \
                     be told from it",
                    a.when_clean
                )));
            } else {
                condition.push(text_frag(&format!(
                    "cannot tell from the code: {} did not run",
                    missing.join(", ")
                )));
            }
            vec![condition, text(a.alert), text(a.threshold)]
        })
        .collect();
    let alerting = Table {
        title: "Alerting Gaps",
        headers: &["Condition", "Alert Needed", "Threshold"],
        rows: alerting_rows,
        empty: String::new(),
        more: None,
    };

    let slo_rows = audit::SLOS
        .iter()
        .map(|s| {
            let blind = by_rule(s.unmeasurable);
            let risk = by_rule(s.at_risk);
            let missing = not_run(s.unmeasurable);
            let capability = if !blind.is_empty() {
                let mut c = text(&format!("Cannot be measured (needs {}): ", s.needs));
                c.extend(evidence_list(&blind));
                c
            } else if missing.is_empty() {
                text(&format!("Measurable: {} found in the code", s.needs))
            } else {
                text(&format!(
                    "Unknown: {} did not run, so the code cannot tell whether it has {}",
                    missing.join(", "),
                    s.needs
                ))
            };
            let gap = if !risk.is_empty() {
                let mut c = text("At risk: ");
                c.extend(evidence_list(&risk));
                c
            } else if not_run(s.at_risk).is_empty() {
                text("None found by the rules")
            } else {
                text(&format!(
                    "No findings; not checked: {}",
                    not_run(s.at_risk).join(", ")
                ))
            };
            vec![text(s.slo), capability, gap]
        })
        .collect();
    let slo = Table {
        title: "SLO Readiness",
        headers: &["SLO", "Current Capability", "Gap"],
        rows: slo_rows,
        empty: String::new(),
        more: None,
    };

    let scenario_rows = audit::SCENARIOS
        .iter()
        .map(|s| {
            let evidence = by_rule(s.rules);
            let missing = not_run(s.rules);
            if let Some(worst) = evidence.first() {
                let mut what = text(&format!("Expected: {}. Instead: ", s.expected));
                what.extend(message(&worst.first().message));
                let mut ev = evidence_list(&evidence);
                ev.push(Frag::Break);
                ev.push(text_frag(&format!("Not checked: {}.", s.blind_spot)));
                vec![
                    text(s.title),
                    vec![Frag::Strong("At risk".into())],
                    what,
                    ev,
                ]
            } else if s.can_pass && missing.is_empty() {
                vec![
                    text(s.title),
                    vec![Frag::Strong("Pass".into())],
                    text(&format!(
                        "{} (no finding stands in the way)",
                        capitalise(s.expected)
                    )),
                    text(&format!(
                        "No findings from {}. Not checked: {}.",
                        s.rules.join(", "),
                        s.blind_spot
                    )),
                ]
            } else {
                let why = if missing.is_empty() {
                    format!("No findings, but {}.", s.blind_spot)
                } else {
                    format!(
                        "No findings from the rules that ran; {} did not run. Not checked: {}.",
                        missing.join(", "),
                        s.blind_spot
                    )
                };
                vec![
                    text(s.title),
                    vec![Frag::Strong("Unknown".into())],
                    text(&format!("Expected: {}; the code cannot tell.", s.expected)),
                    text(&why),
                ]
            }
        })
        .collect();
    let scenarios = Table {
        title: "Failure Scenario Assessment",
        headers: &["Scenario", "Result", "What the Code Will Do", "Evidence"],
        rows: scenario_rows,
        empty: String::new(),
        more: None,
    };

    let mut recommendations = Vec::new();
    let mut recommendations_left: BTreeMap<Priority, (usize, usize)> = BTreeMap::new();
    let mut shown: BTreeMap<Priority, usize> = BTreeMap::new();
    for g in groups.iter().filter(|g| g.checklist() > 0) {
        let priority = Priority::of(g.severity);
        let n = shown.entry(priority).or_default();
        if *n >= MAX_RECOMMENDATIONS {
            let left = recommendations_left.entry(priority).or_default();
            left.0 += 1;
            left.1 += g.findings.len();
            continue;
        }
        *n += 1;
        let mut cell = fix(g);
        cell.push(text_frag(" ("));
        cell.extend(component_summary(g));
        cell.push(text_frag(")"));
        recommendations.push(Recommendation {
            priority,
            area: g.area_title(),
            rule: g.rule.to_string(),
            severity: g.severity,
            text: cell,
        });
    }
    recommendations.sort_by_key(|r| r.priority);

    let coverage = coverage(&scores, report);
    let group_rows = groups
        .iter()
        .take(MAX_GROUPS)
        .map(|g| GroupRow {
            area: g.area_title(),
            severity: g.severity,
            rule: g.rule.to_string(),
            count: g.findings.len(),
            location: component(g, &mut sources),
            message: message(&g.first().message),
            fix: fix(g),
        })
        .collect();

    Scorecard {
        name,
        groups: group_rows,
        scope,
        full_list: full_list(&report.companions, folder),
        chart,
        scores,
        tables: vec![
            critical_table,
            breakers,
            observability,
            partial,
            health,
            alerting,
            slo,
            scenarios,
        ],
        recommendations,
        recommendations_left,
        coverage,
    }
}

/// Groups the visible findings by rule and fix, worst first: severity, then size.
pub fn group<'a>(report: &'a Report<'_>) -> Vec<Group<'a>> {
    let mut by_key: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in report.visible().filter(|f| f.rule != "RES000") {
        by_key
            .entry((f.rule.as_str(), f.help.as_deref().unwrap_or("")))
            .or_default()
            .push(f);
    }
    let mut groups: Vec<Group> = by_key
        .into_iter()
        .map(|((rule, _), findings)| {
            let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &findings {
                *per_file.entry(f.path.as_str()).or_default() += 1;
            }
            let mut files: Vec<(&str, usize)> = per_file.into_iter().collect();
            files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            Group {
                rule,
                meta: crate::rules::meta(rule),
                severity: findings
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .unwrap_or(Severity::Note),
                findings,
                files,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.findings.len().cmp(&a.findings.len()))
            .then(a.rule.cmp(b.rule))
            .then(a.first().sort_key().cmp(&b.first().sort_key()))
    });
    groups
}

fn table(
    title: &'static str,
    headers: &'static [&'static str],
    groups: &[&Group],
    row: impl Fn(&Group, &mut Sources) -> Vec<Cell>,
    empty: String,
    sources: &mut Sources,
) -> Table {
    let rows = groups
        .iter()
        .take(MAX_ROWS)
        .map(|g| row(g, sources))
        .collect();
    let left = &groups[groups.len().min(MAX_ROWS)..];
    let more = (!left.is_empty()).then(|| {
        format!(
            "{} more groups ({} findings) are in the full list.",
            left.len(),
            left.iter().map(|g| g.findings.len()).sum::<usize>()
        )
    });
    Table {
        title,
        headers,
        rows,
        empty,
        more,
    }
}

fn text_frag(s: &str) -> Frag {
    Frag::Text(s.to_string())
}

fn text(s: &str) -> Cell {
    vec![text_frag(s)]
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn summary(g: &Group) -> String {
    g.meta.map_or_else(String::new, |m| m.summary.clone())
}

/// A finding's message: text with `code` spans, as written by the rules (the code inside is
/// quoted from the scan).
pub fn message(m: &str) -> Cell {
    let mut out = Vec::new();
    for (i, part) in m.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        // An odd number of backticks leaves the tail as text.
        if i % 2 == 1 && m.split('`').count() > i + 1 {
            out.push(Frag::Code(part.to_string()));
        } else {
            out.push(Frag::Text(part.to_string()));
        }
    }
    out
}

/// The current behaviour: the first finding's message, and how many more there are.
fn behaviour(g: &Group) -> Cell {
    let mut cell = message(&g.first().message);
    if g.findings.len() > 1 {
        cell.push(text_frag(&format!(
            " (and {} more like it)",
            g.findings.len() - 1
        )));
    }
    cell
}

fn fix(g: &Group) -> Cell {
    match &g.first().help {
        Some(h) => message(h),
        None => text(
            g.meta
                .and_then(|m| m.fix.lines().find(|l| !l.trim().is_empty()))
                .unwrap_or("")
                .trim(),
        ),
    }
}

fn location(f: &Finding) -> String {
    format!("{}:{}", f.path, f.span.line)
}

/// Where a group is: one finding with its function and line of code, or the count and the
/// files with most findings.
fn component(g: &Group, sources: &mut Sources) -> Cell {
    if g.findings.len() > 1 {
        return component_summary(g);
    }
    let f = g.first();
    let mut cell = vec![Frag::Code(location(f))];
    if let Some(function) = sources.enclosing_function(f) {
        cell.push(text_frag(" in "));
        cell.push(Frag::Code(function));
    }
    if !f.snippet.is_empty() {
        cell.push(Frag::Break);
        cell.push(Frag::Code(truncate(&f.snippet, MAX_QUOTE)));
    }
    cell
}

fn component_summary(g: &Group) -> Cell {
    if g.findings.len() == 1 {
        return vec![Frag::Code(location(g.first()))];
    }
    let mut cell = vec![Frag::Strong(format!("{} × {}", g.rule, g.findings.len()))];
    if g.files.len() == 1 {
        let lines: Vec<String> = g
            .findings
            .iter()
            .take(5)
            .map(|f| f.span.line.to_string())
            .collect();
        cell.push(text_frag(" in "));
        cell.push(Frag::Code(g.files[0].0.to_string()));
        cell.push(text_frag(&format!(
            ", lines {}{}",
            lines.join(", "),
            if g.findings.len() > 5 { ", …" } else { "" }
        )));
        return cell;
    }
    cell.push(text_frag(&format!(" in {} files, top: ", g.files.len())));
    for (i, (path, n)) in g.files.iter().take(TOP_FILES).enumerate() {
        if i > 0 {
            cell.push(text_frag(", "));
        }
        cell.push(Frag::Code(path.to_string()));
        cell.push(text_frag(&format!(" ({n})")));
    }
    if g.files.len() > TOP_FILES {
        cell.push(text_frag(", …"));
    }
    // Spread over many files, the folders say more than any one file.
    if g.files.len() > MANY_FILES {
        let mut per_folder: BTreeMap<&str, usize> = BTreeMap::new();
        for (path, n) in &g.files {
            let folder = path.rsplit_once('/').map_or(".", |(dir, _)| dir);
            *per_folder.entry(folder).or_default() += n;
        }
        let mut folders: Vec<(&str, usize)> = per_folder.into_iter().collect();
        folders.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        cell.push(text_frag(&format!("; {} folders, top: ", folders.len())));
        for (i, (folder, n)) in folders.iter().take(TOP_FILES).enumerate() {
            if i > 0 {
                cell.push(text_frag(", "));
            }
            cell.push(Frag::Code(format!("{folder}/")));
            cell.push(text_frag(&format!(" ({n})")));
        }
        if folders.len() > TOP_FILES {
            cell.push(text_frag(", …"));
        }
    }
    cell
}

/// `RES101 × 12 (top file) ; RES401 at path:line` for evidence cells.
fn evidence_list(groups: &[&Group]) -> Cell {
    let mut per_rule: BTreeMap<&str, Vec<&Group>> = BTreeMap::new();
    for g in groups {
        per_rule.entry(g.rule).or_default().push(g);
    }
    let mut cell = Vec::new();
    for (i, (rule, gs)) in per_rule.iter().enumerate() {
        if i > 0 {
            cell.push(text_frag("; "));
        }
        let n: usize = gs.iter().map(|g| g.findings.len()).sum();
        let first = gs[0].first();
        cell.push(Frag::Strong(format!("{rule} × {n}")));
        cell.push(text_frag(", first at "));
        cell.push(Frag::Code(location(first)));
    }
    cell
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

fn full_list(companions: &[(Format, PathBuf)], folder: Option<&Path>) -> Cell {
    let files: Vec<&PathBuf> = companions
        .iter()
        .filter(|(f, _)| matches!(f, Format::Sarif | Format::Json))
        .map(|(_, p)| p)
        .collect();
    if files.is_empty() {
        return vec![
            text_frag("The full list of findings: "),
            Frag::Code("resilint check --format sarif".into()),
            text_frag(" (or "),
            Frag::Code("--output sarif=resilint.sarif".into()),
            text_frag(" beside this report)."),
        ];
    }
    let mut cell = vec![text_frag("The full list of findings: ")];
    for (i, p) in files.iter().enumerate() {
        if i > 0 {
            cell.push(text_frag(", "));
        }
        // A link only where it resolves: from a report file to a file in its folder or below.
        let relative = folder.and_then(|dir| {
            let dir = if dir == Path::new(".") {
                Path::new("")
            } else {
                dir
            };
            p.strip_prefix(dir).ok()
        });
        match relative.and_then(|r| r.to_str()).filter(|r| !r.is_empty()) {
            Some(r) => cell.push(Frag::Link {
                text: p.display().to_string(),
                href: percent_encode(r),
            }),
            None => cell.push(Frag::Code(p.display().to_string())),
        }
    }
    cell.push(text_frag("."));
    cell
}

/// Percent-encodes a relative path for a link, keeping `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn coverage(scores: &Scores, report: &Report<'_>) -> Table {
    let areas: Vec<&AreaScore> = scores.both().iter().flat_map(|s| s.areas.iter()).collect();
    let mut rows = Vec::new();
    let mut numbers: Vec<(u32, ScoreKind, String, f64)> = audit::AREAS
        .iter()
        .map(|a| (a.checklist, a.kind, a.title.to_string(), a.cap))
        .collect();
    // Areas a rule names that the checklist table does not know.
    for s in scores.both() {
        for a in &s.areas {
            if audit::area_of(a.checklist).is_none() {
                numbers.push((a.checklist, s.kind, a.title.clone(), a.cap));
            }
        }
    }
    for (checklist, kind, title, cap) in numbers {
        let area = areas.iter().find(|a| a.checklist == checklist);
        let audited = area.is_some_and(|a| !a.rules_run.is_empty());
        let status = match area {
            Some(a) if a.findings > 0 => "gaps",
            _ if audited => "covered",
            _ => "not audited",
        };
        let area_score = match area {
            Some(a) if audited => format!("{:.1}", a.area_score),
            _ => "–".to_string(),
        };
        let (findings, deduction, behind) = match area {
            Some(a) if audited || a.findings > 0 => {
                let sev = severity_counts(report, &a.rules_run);
                let behind: Vec<String> = a
                    .behind
                    .iter()
                    .map(|r| format!("{} × {} (−{:.2})", r.rule, r.count, r.deduction))
                    .collect();
                (
                    format!("{}{}", a.findings, sev),
                    format!("−{:.2} of {:.1}", a.deduction, a.cap),
                    if behind.is_empty() {
                        format!("rules run: {}", a.rules_run.join(", "))
                    } else {
                        behind.join(", ")
                    },
                )
            }
            _ => (
                "–".to_string(),
                format!("– of {cap:.1}"),
                "no rule in this scan checks this area".to_string(),
            ),
        };
        rows.push(vec![
            text(&checklist.to_string()),
            text(&title),
            text(kind.title()),
            text(&area_score),
            vec![Frag::Strong(status.to_string())],
            text(&findings),
            text(&deduction),
            text(&behind),
        ]);
    }
    Table {
        title: "Checklist Coverage",
        headers: &[
            "#",
            "Area",
            "Feeds",
            "Area Score",
            "Status",
            "Findings",
            "Deduction",
            "Behind the Deduction",
        ],
        rows,
        empty: String::new(),
        more: None,
    }
}

fn severity_counts(report: &Report<'_>, rules: &[String]) -> String {
    let mut counts = [0usize; 3];
    for f in report.visible().filter(|f| rules.contains(&f.rule)) {
        counts[f.severity as usize] += 1;
    }
    if counts.iter().sum::<usize>() == 0 {
        return String::new();
    }
    let parts: Vec<String> = [
        (Severity::Error, "E"),
        (Severity::Warning, "W"),
        (Severity::Note, "N"),
    ]
    .iter()
    .filter(|(s, _)| counts[*s as usize] > 0)
    .map(|(s, l)| format!("{} {l}", counts[*s as usize]))
    .collect();
    format!(" ({})", parts.join(", "))
}

/// Source files read on demand (each once, split into lines) to name the function a finding
/// is in.
struct Sources {
    root: PathBuf,
    files: HashMap<String, Option<Vec<String>>>,
}

impl Sources {
    fn new(root: &Path) -> Sources {
        Sources {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    fn enclosing_function(&mut self, f: &Finding) -> Option<String> {
        let root = &self.root;
        let lines = self
            .files
            .entry(f.path.clone())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(root.join(&f.path)).ok()?;
                Some(text.lines().map(str::to_string).collect())
            })
            .as_deref()?;
        let lang = crate::facts::Lang::from_path(Path::new(&f.path))?;
        function_at(lines, f.span.line as usize, lang)
    }
}

/// The function (with its class or impl type) that line `line` (1-based) is in, read from
/// indentation; `None` at module level or when the layout does not say.
pub fn enclosing_function(text: &str, line: usize, lang: crate::facts::Lang) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    function_at(&lines, line, lang)
}

fn function_at<S: AsRef<str>>(
    lines: &[S],
    line: usize,
    lang: crate::facts::Lang,
) -> Option<String> {
    use crate::facts::Lang;
    let here = lines.get(line.checked_sub(1)?)?.as_ref();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let ident = |s: &str| -> Option<String> {
        let name: String = s
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (!name.is_empty()).then_some(name)
    };
    let mut threshold = indent(here);
    let mut function: Option<String> = None;
    for l in lines[..line - 1].iter().rev() {
        let l = l.as_ref();
        let trimmed = l.trim_start();
        let skipped = match lang {
            Lang::Python => trimmed.starts_with('#') || trimmed.starts_with('@'),
            Lang::Rust => trimmed.starts_with("//") || trimmed.starts_with("#["),
        };
        if trimmed.is_empty() || skipped || indent(l) >= threshold {
            continue;
        }
        threshold = indent(l);
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        let (is_fn, owner) = match lang {
            Lang::Python => {
                let def = trimmed
                    .strip_prefix("async def ")
                    .or_else(|| trimmed.strip_prefix("def "));
                let class = trimmed.strip_prefix("class ").and_then(ident);
                (def.and_then(ident), class)
            }
            Lang::Rust => {
                let name = words.iter().position(|w| *w == "fn").and_then(|i| {
                    let modifiers_only = words[..i].iter().all(|w| {
                        matches!(*w, "pub" | "async" | "const" | "unsafe" | "extern")
                            || w.starts_with("pub(")
                            || w.starts_with('"')
                    });
                    modifiers_only.then(|| words.get(i + 1).and_then(|w| ident(w)))?
                });
                let item = words.iter().position(|w| *w == "impl" || *w == "trait");
                let owner = item.and_then(|i| {
                    let after_for = words.iter().position(|w| *w == "for");
                    let ty = match after_for {
                        Some(p) => words.get(p + 1),
                        None => words.get(i + 1),
                    }?;
                    // `impl<T> Foo<T>`: skip the generics.
                    let ty = if ty.starts_with('<') {
                        words.get(i + 2)?
                    } else {
                        ty
                    };
                    ident(ty)
                });
                (name, owner)
            }
        };
        match (is_fn, owner, &function) {
            (Some(name), _, None) => function = Some(name),
            // A function nested in another: the inner one is the more specific name.
            (Some(_), _, Some(inner)) => return Some(format!("{inner}()")),
            (None, Some(owner), Some(f)) => {
                let sep = if lang == Lang::Python { "." } else { "::" };
                return Some(format!("{owner}{sep}{f}()"));
            }
            (None, Some(_), None) => return None,
            (None, None, _) => {
                // A Python line at a lower indent that opens no block is a continuation line
                // or a string: the layout does not say where we are.
                if lang == Lang::Python && !trimmed.trim_end().ends_with(':') {
                    return None;
                }
            }
        }
        if threshold == 0 {
            break;
        }
    }
    function.map(|f| format!("{f}()"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Lang;

    #[test]
    fn names_the_enclosing_python_method_and_rust_impl_method() {
        let py = "import requests\n\nclass Billing:\n    def charge(self):\n        if x:\n            requests.get(u)\n";
        assert_eq!(
            enclosing_function(py, 6, Lang::Python).as_deref(),
            Some("Billing.charge()")
        );
        let py = "async def fetch():\n    return await c.get(u)\n";
        assert_eq!(
            enclosing_function(py, 2, Lang::Python).as_deref(),
            Some("fetch()")
        );
        assert_eq!(enclosing_function("x = get(u)\n", 1, Lang::Python), None);
        let rs = "impl Client {\n    pub async fn send(&self) {\n        let c = reqwest::Client::new();\n    }\n}\n";
        assert_eq!(
            enclosing_function(rs, 3, Lang::Rust).as_deref(),
            Some("Client::send()")
        );
        let rs = "fn main() {\n    run(|| {\n        get();\n    });\n}\n";
        assert_eq!(
            enclosing_function(rs, 3, Lang::Rust).as_deref(),
            Some("main()")
        );
    }

    #[test]
    fn a_string_at_column_zero_silences_the_guess() {
        let py = "def f():\n    q = '''\nselect 1\n'''\n    requests.get(u)\n";
        // Line 5's nearest lower-indented line is the string's last line: no name is given.
        assert_eq!(enclosing_function(py, 5, Lang::Python), None);
    }

    fn rule(id: &str, checklist: u32) -> &'static RuleMeta {
        Box::leak(Box::new(RuleMeta {
            id: id.into(),
            name: id.to_lowercase(),
            area: "area".into(),
            checklist,
            score: "resilience".into(),
            severity: Severity::Warning,
            precision: "high".into(),
            summary: String::new(),
            why: String::new(),
            fix: String::new(),
            scope: String::new(),
            references: Vec::new(),
            examples: Vec::new(),
        }))
    }

    fn verdicts(rules: Vec<&'static RuleMeta>) -> Vec<(String, String)> {
        let stats = crate::engine::Stats::default();
        let report = Report {
            findings: &[],
            stats: &stats,
            rules,
            root: Path::new("."),
            color: false,
            companions: Vec::new(),
            shard: None,
        };
        let card = build(&report, None);
        let scenarios = card
            .tables
            .iter()
            .find(|t| t.title == "Failure Scenario Assessment")
            .unwrap();
        scenarios
            .rows
            .iter()
            .map(|r| {
                let text = |c: &Cell| match &c[0] {
                    Frag::Text(t) | Frag::Strong(t) => t.clone(),
                    other => panic!("{other:?}"),
                };
                (text(&r[0]), text(&r[1]))
            })
            .collect()
    }

    #[test]
    fn a_scenario_passes_only_when_every_rule_deciding_it_ran_clean() {
        let v = verdicts(vec![rule("RES703", 15), rule("RES701", 8)]);
        let of = |title: &str| v.iter().find(|(t, _)| t == title).unwrap().1.clone();
        assert_eq!(of("Cache full"), "Pass");
        // Load spike also needs RES702, RES704, RES705, RES203 and RES206.
        assert_eq!(of("Load spike"), "Unknown");
        // No rule can show idempotent webhook handling.
        assert_eq!(of("Delayed webhook"), "Unknown");
        assert_eq!(of("Mid-stream failure"), "Unknown");
        let v = verdicts(Vec::new());
        assert!(v.iter().all(|(_, r)| r == "Unknown"), "{v:?}");
    }

    #[test]
    fn messages_split_into_text_and_code() {
        assert_eq!(
            message("`requests.get` has no `timeout`."),
            vec![
                Frag::Code("requests.get".into()),
                Frag::Text(" has no ".into()),
                Frag::Code("timeout".into()),
                Frag::Text(".".into())
            ]
        );
        assert_eq!(
            message("odd ` tick"),
            vec![Frag::Text("odd ".into()), Frag::Text(" tick".into())]
        );
    }
}
