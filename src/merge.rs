//! `resilint merge`: joins the reports of `check --shard K/N` runs (JSON or SARIF) into the
//! findings and statistics of one run, so that every format — scores and scorecard included,
//! which are computed from findings, statistics and the rules that ran — comes out as a
//! single full run would have written it.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::engine::Stats;
use crate::facts::Span;
use crate::finding::{Finding, Severity};
use crate::rules::{self, RuleMeta};
use crate::shard::Shard;

/// What one report file holds.
pub struct ShardReport {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    /// IDs of the rules that ran, sorted.
    pub rules: Vec<String>,
    pub shard: Option<Shard>,
    /// The resilint version that wrote it.
    pub version: String,
}

/// The joined reports.
pub struct Merged {
    /// Sorted as a scan sorts them.
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub rules: Vec<&'static RuleMeta>,
}

/// Reads a JSON or SARIF report written by `resilint check`.
pub fn read(path: &Path) -> Result<ShardReport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a JSON or SARIF report: {e}", path.display()))?;
    let parsed = if doc.get("runs").is_some() {
        from_sarif(&doc)
    } else if doc.get("schema_version").is_some() {
        from_json(&doc)
    } else {
        Err("neither resilint JSON (`schema_version`) nor SARIF (`runs`)".to_string())
    };
    parsed.map_err(|e| format!("{}: {e}", path.display()))
}

fn from_json(doc: &Value) -> Result<ShardReport, String> {
    let version = doc["schema_version"].as_u64();
    if version != Some(u64::from(crate::report::json::SCHEMA_VERSION)) {
        return Err(format!(
            "JSON schema_version {} is not the {} this resilint reads",
            doc["schema_version"],
            crate::report::json::SCHEMA_VERSION
        ));
    }
    let mut findings = Vec::new();
    for f in array(doc, "findings")? {
        let span = Span {
            line: number(f, "line")?,
            col: number(f, "column")?,
            end_line: number(f, "end_line")?,
            end_col: number(f, "end_column")?,
        };
        findings.push(Finding {
            rule: string(f, "rule")?,
            name: string(f, "name")?,
            severity: severity(f["severity"].as_str())?,
            message: string(f, "message")?,
            help: f["help"].as_str().map(str::to_string),
            path: string(f, "path")?,
            span,
            snippet: string(f, "snippet")?,
            fingerprint: string(f, "fingerprint")?,
            suppressed: false,
        });
    }
    let stats: Stats = serde_json::from_value(doc["stats"].clone())
        .map_err(|e| format!("`stats` is not resilint's: {e}"))?;
    let rules = array(doc, "rules")?
        .iter()
        .map(|r| {
            r.as_str()
                .map(str::to_string)
                .ok_or("a rule ID is not text")
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ShardReport {
        findings,
        stats,
        rules,
        shard: shard(&doc["shard"])?,
        version: string(&doc["tool"], "version")?,
    })
}

fn from_sarif(doc: &Value) -> Result<ShardReport, String> {
    let runs = array(doc, "runs")?;
    let [run] = runs.as_slice() else {
        return Err(format!("{} runs; resilint writes one", runs.len()));
    };
    let driver = &run["tool"]["driver"];
    if driver["name"] != "resilint" {
        return Err(format!(
            "a SARIF report from {}, not resilint",
            driver["name"]
        ));
    }
    let properties = &run["properties"];
    let stats: Stats = serde_json::from_value(properties["stats"].clone())
        .map_err(|e| format!("`runs[0].properties.stats` is not resilint's: {e}"))?;
    let rules = array(driver, "rules")?
        .iter()
        .map(|r| string(r, "id"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut findings = Vec::new();
    for r in array(run, "results")? {
        let rule = string(r, "ruleId")?;
        let location = &r["locations"][0]["physicalLocation"];
        let region = &location["region"];
        let exact = &r["properties"];
        let span = Span {
            line: number(region, "startLine")?,
            col: number(region, "startColumn")?,
            end_line: number(exact, "endLine").or_else(|_| number(region, "endLine"))?,
            end_col: number(exact, "endColumn").or_else(|_| number(region, "endColumn"))?,
        };
        let help = exact["help"].as_str().map(str::to_string);
        let mut message = string(&r["message"], "text")?;
        if let Some(help) = &help {
            if let Some(bare) = message.strip_suffix(&format!("\nHelp: {help}")) {
                message = bare.to_string();
            }
        }
        let meta = rules::meta(&rule)
            .ok_or_else(|| format!("rule {rule} is unknown to this resilint version"))?;
        findings.push(Finding {
            name: meta.name.clone(),
            severity: severity(r["level"].as_str())?,
            message,
            help,
            path: percent_decode(&string(&location["artifactLocation"], "uri")?),
            span,
            snippet: region["snippet"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            fingerprint: string(&r["partialFingerprints"], "resilint/v1")?,
            suppressed: r["suppressions"].as_array().is_some_and(|s| !s.is_empty()),
            rule,
        });
    }
    Ok(ShardReport {
        findings,
        stats,
        rules,
        shard: shard(&properties["shard"])?,
        version: string(driver, "version")?,
    })
}

/// Joins shard reports. Shard reports must be all the shards of one run, once each, with the
/// same rules; reports without shard marks are joined as they are.
pub fn merge(reports: Vec<ShardReport>) -> Result<Merged, String> {
    let versions: BTreeSet<&str> = reports.iter().map(|r| r.version.as_str()).collect();
    if versions.len() > 1 {
        let versions: Vec<&str> = versions.into_iter().collect();
        return Err(format!(
            "the reports come from different resilint versions ({}): their findings and fingerprints may differ",
            versions.join(", ")
        ));
    }
    let rule_sets: BTreeSet<&Vec<String>> = reports.iter().map(|r| &r.rules).collect();
    if rule_sets.len() > 1 {
        return Err(
            "the reports ran different rules: merge the shards of one run (same --select, --ignore and config)"
                .into(),
        );
    }
    let marks: Vec<Option<Shard>> = reports.iter().map(|r| r.shard).collect();
    if marks.iter().any(Option::is_some) {
        let shards: Vec<Shard> = marks.iter().flatten().copied().collect();
        if shards.len() != marks.len() {
            return Err("some reports come from shards and some from full runs".into());
        }
        let count = shards[0].count;
        if shards.iter().any(|s| s.count != count) {
            return Err("the reports come from runs with different shard counts".into());
        }
        let mut seen = BTreeSet::new();
        for s in &shards {
            if !seen.insert(s.index) {
                return Err(format!("shard {s} is given twice"));
            }
        }
        let missing: Vec<String> = (1..=count)
            .filter(|k| !seen.contains(k))
            .map(|k| format!("{k}/{count}"))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "shard {} missing: the merged report would leave out its files",
                missing.join(", ")
            ));
        }
    }
    let mut rules = Vec::new();
    if let Some(first) = reports.first() {
        for id in &first.rules {
            rules.push(
                rules::meta(id)
                    .ok_or_else(|| format!("rule {id} is unknown to this resilint version"))?,
            );
        }
    }
    let mut stats = Stats::default();
    let mut findings = Vec::new();
    for r in reports {
        stats.absorb(&r.stats);
        findings.extend(r.findings);
    }
    // Each file is in one shard, so a stable sort keeps equal keys in their scan order.
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Merged {
        findings,
        stats,
        rules,
    })
}

fn array<'a>(v: &'a Value, key: &str) -> Result<&'a Vec<Value>, String> {
    v[key]
        .as_array()
        .ok_or_else(|| format!("`{key}` is missing or not a list"))
}

fn string(v: &Value, key: &str) -> Result<String, String> {
    v[key]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("`{key}` is missing or not text"))
}

fn number(v: &Value, key: &str) -> Result<u32, String> {
    v[key]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("`{key}` is missing or not a line/column number"))
}

fn severity(level: Option<&str>) -> Result<Severity, String> {
    level
        .and_then(Severity::parse)
        .ok_or_else(|| format!("unknown severity {level:?}"))
}

fn shard(v: &Value) -> Result<Option<Shard>, String> {
    match v.as_str() {
        None => Ok(None),
        Some(text) => Shard::parse(text).map(Some),
    }
}

/// Undoes the SARIF writer's percent-encoding of paths.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_percent_encoded_paths() {
        assert_eq!(percent_decode("src/my%20app/%C3%BC.py"), "src/my app/ü.py");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
