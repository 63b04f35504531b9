//! The Resilience and Observability scores: one formula, from the findings, the scanned line
//! count and the rules that ran, so a merged report scores exactly like a single run.
//!
//! For each checklist area `a` (caps in [`crate::audit::AREAS`]):
//!
//! ```text
//! W_a  = Σ line-level findings' weights           (error 1.0, warning 0.4, note 0.1)
//! S    = sqrt(max(lines, 1000) / 1000)            (size factor)
//! L_a  = cap_a × (1 − exp(−W_a / (5 × S)))        (line-level deduction, saturates at the cap)
//! P_a  = Σ capability findings' costs             (error 3.0, warning 2.0, note 0.75; not sized)
//! D_a  = min(cap_a, L_a + P_a)
//! score = max(1.0, 10 − Σ_a D_a), rounded down to one decimal; at most 9.9 when Σ_a D_a > 0
//! ```
//!
//! Rounding down means that only a service with no deduction at all scores 10.0.
//!
//! A score is `None` (not assessed) when no rule feeding it ran.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{self, ScoreKind};
use crate::finding::{Finding, Severity};
use crate::rules::RuleMeta;

/// How much one line-level finding weighs before the size factor.
pub fn line_weight(s: Severity) -> f64 {
    match s {
        Severity::Error => 1.0,
        Severity::Warning => 0.4,
        Severity::Note => 0.1,
    }
}

/// What one missing-capability finding costs, at any codebase size.
pub fn capability_cost(s: Severity) -> f64 {
    match s {
        Severity::Error => 3.0,
        Severity::Warning => 2.0,
        Severity::Note => 0.75,
    }
}

/// Line-level weight that takes 63 % of an area's cap in a codebase of up to 1,000 lines.
pub const WEIGHT_SCALE: f64 = 5.0;
/// Codebases below this many lines are weighed as this size.
pub const MIN_LINES: u64 = 1000;
pub const MIN_SCORE: f64 = 1.0;
pub const MAX_SCORE: f64 = 10.0;

/// The size factor `S`: ten times the lines weigh line-level findings √10 ≈ 3.2 times less.
pub fn size_factor(lines: u64) -> f64 {
    (lines.max(MIN_LINES) as f64 / MIN_LINES as f64).sqrt()
}

/// `L_a`: the deduction of line-level findings of total weight `weight` in `lines` lines.
pub fn line_deduction(cap: f64, weight: f64, lines: u64) -> f64 {
    cap * (1.0 - (-weight / (WEIGHT_SCALE * size_factor(lines))).exp())
}

#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    pub resilience: Score,
    pub observability: Score,
    pub lines: u64,
    pub size_factor: f64,
}

impl Scores {
    pub fn get(&self, kind: ScoreKind) -> &Score {
        match kind {
            ScoreKind::Resilience => &self.resilience,
            ScoreKind::Observability => &self.observability,
        }
    }

    /// Both scores, Resilience first.
    pub fn both(&self) -> [&Score; 2] {
        [&self.resilience, &self.observability]
    }

    /// Whether either assessed score is below `min`.
    pub fn below(&self, min: f64) -> bool {
        self.both().iter().any(|s| s.value.is_some_and(|v| v < min))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub kind: ScoreKind,
    /// 1.0–10.0 with one decimal; `None` when no rule feeding this score ran.
    pub value: Option<f64>,
    /// Σ of the areas' deductions (before the floor at 1.0).
    pub deduction: f64,
    /// Every area at least one enabled rule checks, in checklist order.
    pub areas: Vec<AreaScore>,
}

impl Score {
    /// `7.4/10`, or `n/a` when not assessed.
    pub fn display(&self) -> String {
        match self.value {
            Some(v) => format!("{v:.1}/10"),
            None => "n/a".to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaScore {
    pub checklist: u32,
    pub title: String,
    pub cap: f64,
    /// The enabled rules filed under this area.
    pub rules_run: Vec<String>,
    pub findings: usize,
    /// `L_a` and `P_a` of the formula.
    pub line_deduction: f64,
    pub capability_deduction: f64,
    /// `D_a`.
    pub deduction: f64,
    /// `D_a` unrounded: what the score is computed from.
    #[serde(skip)]
    exact: f64,
    /// 10 × (1 − D_a / cap_a): 10 with no deduction, 0 at the cap.
    pub area_score: f64,
    /// Each rule's share of `D_a`, largest first, with the findings behind it.
    pub behind: Vec<RuleDeduction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleDeduction {
    pub rule: String,
    pub name: String,
    pub capability: bool,
    pub count: usize,
    pub deduction: f64,
    pub fingerprints: Vec<String>,
}

/// Scores the visible (unsuppressed) findings of the enabled rules.
pub fn compute<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    lines: u64,
    enabled: &[&RuleMeta],
) -> Scores {
    let size = size_factor(lines);
    // (score, checklist) → the area's findings, by rule.
    let mut areas: BTreeMap<(ScoreKind, u32), BTreeMap<&str, Vec<&Finding>>> = BTreeMap::new();
    let mut rules_run: BTreeMap<(ScoreKind, u32), Vec<&RuleMeta>> = BTreeMap::new();
    let scored = |r: &RuleMeta| {
        ScoreKind::parse(&r.score)
            .filter(|_| r.checklist > 0)
            .map(|k| (k, r.checklist))
    };
    for r in enabled {
        if let Some(key) = scored(r) {
            rules_run.entry(key).or_default().push(r);
            areas.entry(key).or_default();
        }
    }
    // Sorted, so that the sums below do not depend on the order findings come in (a merged
    // report scores exactly like a single run).
    let mut visible: Vec<&Finding> = findings.into_iter().filter(|f| !f.suppressed).collect();
    visible.sort_by(|a, b| (a.sort_key(), &a.fingerprint).cmp(&(b.sort_key(), &b.fingerprint)));
    for f in visible {
        let Some(meta) = enabled.iter().find(|r| r.id == f.rule) else {
            continue;
        };
        if let Some(key) = scored(meta) {
            areas
                .entry(key)
                .or_default()
                .entry(meta.id.as_str())
                .or_default()
                .push(f);
        }
    }

    let mut by_kind: BTreeMap<ScoreKind, Vec<AreaScore>> = BTreeMap::new();
    for ((kind, checklist), by_rule) in areas {
        let area = audit::area_of(checklist);
        let cap = area.map_or(audit::DEFAULT_CAP, |a| a.cap);
        let run = rules_run.remove(&(kind, checklist)).unwrap_or_default();
        let title = match area {
            Some(a) => a.title.to_string(),
            None => run
                .first()
                .map_or_else(|| format!("Area {checklist}"), |r| r.area.clone()),
        };
        let weight = |f: &Finding| {
            if audit::is_capability_rule(&f.rule) {
                (0.0, capability_cost(f.severity))
            } else {
                (line_weight(f.severity), 0.0)
            }
        };
        let (mut w, mut p) = (0.0, 0.0);
        for f in by_rule.values().flatten() {
            let (lw, pc) = weight(f);
            w += lw;
            p += pc;
        }
        let line = line_deduction(cap, w, lines);
        let deduction = (line + p).min(cap);
        // Each finding's share: its part of L_a or P_a, scaled down by the cap.
        let scale = if line + p > 0.0 {
            deduction / (line + p)
        } else {
            0.0
        };
        let mut behind: Vec<RuleDeduction> = by_rule
            .iter()
            .map(|(id, fs)| {
                let share: f64 = fs
                    .iter()
                    .map(|f| {
                        let (lw, pc) = weight(f);
                        let line_share = if w > 0.0 { line * lw / w } else { 0.0 };
                        (line_share + pc) * scale
                    })
                    .sum();
                RuleDeduction {
                    rule: id.to_string(),
                    name: fs.first().map(|f| f.name.clone()).unwrap_or_default(),
                    capability: audit::is_capability_rule(id),
                    count: fs.len(),
                    deduction: round2(share),
                    fingerprints: fs.iter().map(|f| f.fingerprint.clone()).collect(),
                }
            })
            .collect();
        behind.sort_by(|a, b| {
            b.deduction
                .total_cmp(&a.deduction)
                .then(a.rule.cmp(&b.rule))
        });
        by_kind.entry(kind).or_default().push(AreaScore {
            checklist,
            title,
            cap,
            rules_run: run.iter().map(|r| r.id.clone()).collect(),
            findings: by_rule.values().map(Vec::len).sum(),
            line_deduction: round2(line.min(deduction)),
            capability_deduction: round2((p * scale).min(deduction)),
            deduction: round2(deduction),
            exact: deduction,
            area_score: round1(10.0 * (1.0 - deduction / cap)),
            behind,
        });
    }

    let score = |kind: ScoreKind, by_kind: &mut BTreeMap<ScoreKind, Vec<AreaScore>>| {
        let areas = by_kind.remove(&kind).unwrap_or_default();
        let assessed = areas.iter().any(|a| !a.rules_run.is_empty());
        let deduction: f64 = areas.iter().map(|a| a.exact).sum();
        Score {
            kind,
            value: assessed.then(|| score_of(deduction)),
            deduction: round2(deduction),
            areas,
        }
    };
    Scores {
        resilience: score(ScoreKind::Resilience, &mut by_kind),
        observability: score(ScoreKind::Observability, &mut by_kind),
        lines,
        size_factor: round2(size),
    }
}

/// The score for a total deduction: rounded down to one decimal (the epsilon absorbs float
/// error such as 10 − 0.3 = 9.6999…), below 10 whenever anything was deducted, at least 1.
pub fn score_of(deduction: f64) -> f64 {
    if deduction <= 0.0 {
        return MAX_SCORE;
    }
    let down = (((MAX_SCORE - deduction) * 10.0 + 1e-9).floor() / 10.0).min(MAX_SCORE - 0.1);
    down.max(MIN_SCORE)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Span;

    fn finding(rule: &str, severity: Severity, n: u32) -> Finding {
        Finding {
            rule: rule.into(),
            name: String::new(),
            severity,
            message: String::new(),
            help: None,
            path: format!("f{n}.py"),
            span: Span {
                line: n + 1,
                col: 1,
                end_line: n + 1,
                end_col: 2,
            },
            snippet: String::new(),
            fingerprint: format!("{n}"),
            suppressed: false,
        }
    }

    fn timeout_rules() -> Vec<&'static RuleMeta> {
        crate::rules::all().iter().collect()
    }

    #[test]
    fn a_clean_service_scores_ten_and_unassessed_scores_are_none() {
        let rules = timeout_rules();
        let s = compute(&[], 5000, &rules);
        assert_eq!(s.resilience.value, Some(10.0));
        let only_obs: Vec<&RuleMeta> = Vec::new();
        let s = compute(&[], 5000, &only_obs);
        assert_eq!(s.resilience.value, None);
        assert!(!s.below(9.9));
    }

    #[test]
    fn the_formula_matches_the_documented_numbers() {
        let rules = timeout_rules();
        // Ten RES101 errors in 100,000 lines: W = 10, S = 10, L = 3 × (1 − e^−0.2) = 0.544.
        let fs: Vec<Finding> = (0..10)
            .map(|n| finding("RES101", Severity::Error, n))
            .collect();
        let s = compute(&fs, 100_000, &rules);
        assert_eq!(s.resilience.value, Some(9.4));
        let timeouts = s
            .resilience
            .areas
            .iter()
            .find(|a| a.title == "Timeouts")
            .expect("a Timeouts area");
        assert_eq!(timeouts.deduction, 0.54);
        assert_eq!(timeouts.behind[0].count, 10);
        assert_eq!(timeouts.behind[0].fingerprints.len(), 10);
    }

    #[test]
    fn scores_round_down_so_only_a_clean_service_scores_ten() {
        assert_eq!(score_of(0.0), 10.0);
        assert_eq!(score_of(0.0001), 9.9);
        assert_eq!(score_of(0.3), 9.7);
        assert_eq!(score_of(0.35), 9.6);
        assert_eq!(score_of(42.0), 1.0);
    }

    #[test]
    fn suppressed_findings_and_findings_of_disabled_rules_do_not_count() {
        let rules = timeout_rules();
        let mut f = finding("RES101", Severity::Error, 1);
        f.suppressed = true;
        assert_eq!(compute([&f], 1000, &rules).resilience.value, Some(10.0));
        let g = finding("RES101", Severity::Error, 1);
        let without: Vec<&RuleMeta> = rules.iter().copied().filter(|r| r.id != "RES101").collect();
        assert_eq!(compute([&g], 1000, &without).resilience.value, Some(10.0));
    }
}
