//! The score's properties, over generated sets of findings: deterministic, monotonic, bounded,
//! size-aware, severity-weighted with notes least, and explainable.

use std::path::Path;

use proptest::prelude::*;
use resilint::facts::Span;
use resilint::finding::{Finding, Severity};
use resilint::rules::RuleMeta;
use resilint::score::{self, Scores};

/// Rules as their TOML would declare them: line-level rules in several areas of both scores,
/// and missing-capability rules (RES501, OBS201), whether or not they exist in this build.
fn rules() -> Vec<&'static RuleMeta> {
    let specs: &[(&str, &str, u32)] = &[
        ("RES101", "resilience", 3),
        ("RES103", "resilience", 3),
        ("RES201", "resilience", 4),
        ("RES401", "resilience", 2),
        ("RES501", "resilience", 6),
        ("OBS101", "observability", 11),
        ("OBS201", "observability", 10),
        ("OBS401", "observability", 14),
    ];
    specs
        .iter()
        .map(|(id, score, checklist)| {
            &*Box::leak(Box::new(RuleMeta {
                id: id.to_string(),
                name: format!("{id}-name"),
                area: "area".into(),
                checklist: *checklist,
                score: score.to_string(),
                severity: Severity::Warning,
                precision: "high".into(),
                summary: String::new(),
                why: String::new(),
                fix: String::new(),
                scope: String::new(),
                references: Vec::new(),
                examples: Vec::new(),
            }))
        })
        .collect()
}

const LINE_RULES: &[&str] = &["RES101", "RES103", "RES201", "RES401", "OBS101", "OBS401"];
const CAPABILITY_RULES: &[&str] = &["RES501", "OBS201"];

fn finding(rule: &str, severity: Severity, n: usize) -> Finding {
    Finding {
        rule: rule.into(),
        name: String::new(),
        severity,
        message: String::new(),
        help: None,
        path: format!("m{}.py", n % 7),
        span: Span {
            line: n as u32 + 1,
            col: 1,
            end_line: n as u32 + 1,
            end_col: 2,
        },
        snippet: String::new(),
        fingerprint: format!("{n:04}"),
        suppressed: false,
    }
}

fn severity() -> impl Strategy<Value = Severity> {
    prop_oneof![
        Just(Severity::Error),
        Just(Severity::Warning),
        Just(Severity::Note)
    ]
}

fn any_finding(rules: &'static [&'static str]) -> impl Strategy<Value = (usize, Severity)> {
    (0..rules.len(), severity())
}

fn findings_of(rules: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<Finding>> {
    prop::collection::vec(any_finding(rules), 0..max).prop_map(move |v| {
        v.into_iter()
            .enumerate()
            .map(|(n, (r, s))| finding(rules[r], s, n))
            .collect()
    })
}

fn all_findings() -> impl Strategy<Value = Vec<Finding>> {
    (
        findings_of(LINE_RULES, 60),
        findings_of(CAPABILITY_RULES, 4),
    )
        .prop_map(|(mut a, b)| {
            let base = a.len();
            a.extend(
                b.into_iter()
                    .enumerate()
                    .map(|(i, f)| finding(&f.rule, f.severity, base + i)),
            );
            a
        })
}

fn lines() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..2_000, 1_000u64..2_000_000]
}

fn compute(findings: &[Finding], lines: u64) -> Scores {
    score::compute(findings, lines, &rules())
}

fn values(s: &Scores) -> [f64; 2] {
    [s.resilience.value.unwrap(), s.observability.value.unwrap()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn deterministic_and_independent_of_order(fs in all_findings(), lines in lines()) {
        let a = serde_json::to_string(&compute(&fs, lines)).unwrap();
        let b = serde_json::to_string(&compute(&fs, lines)).unwrap();
        prop_assert_eq!(&a, &b);
        let mut reversed = fs.clone();
        reversed.reverse();
        let r = serde_json::to_string(&compute(&reversed, lines)).unwrap();
        prop_assert_eq!(&r, &a);
    }

    #[test]
    fn bounded_and_clean_is_ten(fs in all_findings(), lines in lines()) {
        for v in values(&compute(&fs, lines)) {
            prop_assert!((1.0..=10.0).contains(&v), "{}", v);
            prop_assert_eq!((v * 10.0).round() / 10.0, v, "one decimal");
        }
        prop_assert_eq!(values(&compute(&[], lines)), [10.0, 10.0]);
    }

    #[test]
    fn adding_a_finding_never_raises_a_score(
        fs in all_findings(),
        extra in prop_oneof![any_finding(LINE_RULES).prop_map(|(r, s)| (LINE_RULES[r], s)),
                             any_finding(CAPABILITY_RULES).prop_map(|(r, s)| (CAPABILITY_RULES[r], s))],
        lines in lines(),
    ) {
        let before = values(&compute(&fs, lines));
        let mut more = fs.clone();
        more.push(finding(extra.0, extra.1, fs.len()));
        let after = values(&compute(&more, lines));
        prop_assert!(after[0] <= before[0] && after[1] <= before[1], "{:?} → {:?}", before, after);
        // And removing it again gives the score back.
        prop_assert_eq!(values(&compute(&fs, lines)), before);
    }

    #[test]
    fn a_more_severe_finding_never_raises_a_score_and_notes_count_least(
        fs in all_findings(),
        idx in any::<prop::sample::Index>(),
        lines in lines(),
    ) {
        prop_assume!(!fs.is_empty());
        let i = idx.index(fs.len());
        let at = |s: Severity| {
            let mut v = fs.clone();
            v[i].severity = s;
            compute(&v, lines)
        };
        let (note, warning, error) = (at(Severity::Note), at(Severity::Warning), at(Severity::Error));
        for k in 0..2 {
            prop_assert!(values(&note)[k] >= values(&warning)[k]);
            prop_assert!(values(&warning)[k] >= values(&error)[k]);
            prop_assert!(note.both()[k].deduction <= warning.both()[k].deduction);
        }
    }

    #[test]
    fn line_level_findings_cost_less_in_a_larger_codebase(
        fs in findings_of(LINE_RULES, 60),
        lines in 1_000u64..200_000,
    ) {
        let small = compute(&fs, lines);
        let large = compute(&fs, lines * 10);
        for k in 0..2 {
            prop_assert!(values(&large)[k] >= values(&small)[k]);
        }
        // The exact deduction is strictly smaller for any non-zero weight.
        for w in [0.1, 1.0, 7.5, 40.0] {
            prop_assert!(score::line_deduction(3.0, w, lines * 10) < score::line_deduction(3.0, w, lines));
        }
    }

    #[test]
    fn a_missing_capability_costs_the_same_at_any_size(
        fs in findings_of(CAPABILITY_RULES, 4),
        lines in lines(),
        factor in 1u64..1000,
    ) {
        prop_assert_eq!(values(&compute(&fs, lines)), values(&compute(&fs, lines.saturating_mul(factor))));
    }

    #[test]
    fn every_deduction_is_explained_by_its_findings(fs in all_findings(), lines in lines()) {
        let s = compute(&fs, lines);
        let mut explained = 0;
        for score in s.both() {
            let areas: f64 = score.areas.iter().map(|a| a.deduction).sum();
            let value = score.value.unwrap();
            // Rounded down from the exact deduction, which the shown (rounded) ones approximate.
            let slack = 0.005 * (score.areas.len() + 1) as f64 + 1e-9;
            prop_assert!((areas - score.deduction).abs() <= slack);
            prop_assert!(value <= (10.0 - areas + slack).max(1.0), "{} {}", value, areas);
            prop_assert!(value >= (10.0 - areas - slack).max(1.0) - 0.1 - 1e-9, "{} {}", value, areas);
            prop_assert_eq!(value == 10.0, score.areas.iter().all(|a| a.behind.is_empty()));
            for a in &score.areas {
                prop_assert!(a.deduction <= a.cap + 1e-9);
                let behind: f64 = a.behind.iter().map(|b| b.deduction).sum();
                prop_assert!((behind - a.deduction).abs() <= 0.005 * a.behind.len() as f64 + 1e-9,
                    "{} vs {}", behind, a.deduction);
                for b in &a.behind {
                    prop_assert_eq!(b.fingerprints.len(), b.count);
                    explained += b.count;
                }
            }
        }
        prop_assert_eq!(explained, fs.len());
    }
}

#[test]
fn a_missing_capability_outweighs_one_line_level_finding_of_the_same_severity() {
    let one_line = compute(&[finding("RES101", Severity::Error, 0)], 1000);
    let capability = compute(&[finding("RES501", Severity::Error, 0)], 1000);
    assert!(capability.resilience.value < one_line.resilience.value);
    // RES501 alone takes the whole health-check cap, at any size.
    assert_eq!(capability.resilience.value, Some(7.5));
    let large = compute(&[finding("RES501", Severity::Error, 0)], 5_000_000);
    assert_eq!(large.resilience.value, Some(7.5));
}

#[test]
fn the_readme_documents_the_weights_and_caps_the_code_uses() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for a in resilint::audit::AREAS {
        let row = format!(
            "| {} | {} | {} | {:.1} |",
            a.checklist,
            a.title,
            a.kind.title(),
            a.cap
        );
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
    // 1.0 as `1.0`, 0.75 as `0.75`.
    let number = |x: f64| {
        let short = format!("{x}");
        if short.contains('.') {
            short
        } else {
            format!("{x:.1}")
        }
    };
    for s in [Severity::Error, Severity::Warning, Severity::Note] {
        let row = format!(
            "| {} | {} | {} |",
            s.as_str(),
            number(score::line_weight(s)),
            number(score::capability_cost(s))
        );
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
    let formula = format!(
        "L_a   = cap_a × (1 − exp(−W_a / ({} × S)))",
        score::WEIGHT_SCALE
    );
    assert!(readme.contains(&formula), "README lacks {formula}");
    assert!(readme.contains(&format!(
        "S     = sqrt(max(lines, {0}) / {0})",
        score::MIN_LINES
    )));
    for id in resilint::audit::CAPABILITY_RULES {
        assert!(
            readme.contains(id),
            "README does not name {id} as a capability"
        );
    }
}
