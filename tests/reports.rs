//! Every report format on real scans: SARIF against the 2.1.0 schema and what GitHub code
//! scanning needs, the JSON shape, concise output through the shipped problem matcher, GitHub
//! workflow commands, terminal text, report files, and byte-identical output across `--jobs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use serde_json::Value;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs `resilint check --no-config ARGS` in `dir`, away from any user-level ignore files;
/// returns the exit code and standard output.
fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = cargo_bin_cmd!("resilint")
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env_remove("NO_COLOR")
        .arg("check")
        .arg("--no-config")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().expect("resilint was killed by a signal");
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (code, String::from_utf8(out.stdout).unwrap())
}

/// A scan of `dir` with its `acme.toml` config, in `format`; the run must exit 0.
fn check_with_acme_config(dir: &Path, format: &str) -> String {
    let out = cargo_bin_cmd!("resilint")
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .args([
            "check",
            "--format",
            format,
            "--config",
            "acme.toml",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&check(dir, &all).1).unwrap()
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().unwrap()
}

fn find<'a>(doc: &'a Value, rule: &str, path: &str) -> Vec<&'a Value> {
    findings(doc)
        .iter()
        .filter(|f| f["rule"] == rule && f["path"] == path)
        .collect()
}

const CLIENT_PY: &str = "import requests


def fetch(url):
    return requests.get(url)


def disabled(url):
    return requests.get(url, timeout=None)


def quiet(url):
    return requests.get(url)  # resilint: ignore[RES101]
";

const CLIENT_RS: &str = "pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}
";

/// A project with findings of two rules in two languages, a suppressed finding, a file that
/// does not parse and a path that needs percent-encoding.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/client.py", CLIENT_PY);
    write(dir.path(), "app/broken.py", "def broken(:\n    pass\n");
    write(
        dir.path(),
        "app/my module.py",
        "import requests\nrequests.post(url)\n",
    );
    write(dir.path(), "src/lib.rs", CLIENT_RS);
    dir
}

fn sarif_schema() -> jsonschema::Validator {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    let draft = match schema["$schema"].as_str().unwrap_or_default() {
        s if s.contains("draft-04") => jsonschema::Draft::Draft4,
        s if s.contains("draft-07") => jsonschema::Draft::Draft7,
        other => panic!("unexpected $schema {other:?} in {}", path.display()),
    };
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let dir = project();
    let (_, text) = check(dir.path(), &["--format", "sarif"]);
    let doc: Value = serde_json::from_str(&text).unwrap();
    let validator = sarif_schema();
    let errors = schema_errors(&validator, &doc);
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );

    // The validator does reject what the schema forbids.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    broken["runs"][0]["results"][0]["kind"] = 7.into();
    assert!(!schema_errors(&validator, &broken).is_empty());

    // And the serde model of SARIF reads it too.
    let typed: serde_sarif::sarif::Sarif = serde_json::from_str(&text).unwrap();
    assert_eq!(typed.runs.len(), 1);
    let results = typed.runs[0].results.as_ref().unwrap();
    assert_eq!(
        results.len(),
        doc["runs"][0]["results"].as_array().unwrap().len()
    );
    assert!(results
        .iter()
        .all(|r| r.rule_id.is_some() && r.partial_fingerprints.is_some()));
}

#[test]
fn sarif_has_what_github_code_scanning_needs() {
    let dir = project();
    let doc: Value = serde_json::from_str(&check(dir.path(), &["--format", "sarif"]).1).unwrap();
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert!(!run["automationDetails"]["id"].as_str().unwrap().is_empty());
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "a rule listed twice: {ids:?}"
    );
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let link = resilint::report::rule_url(id);
        assert_eq!(rule["helpUri"], link.as_str());
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(
            markdown.contains(&link),
            "{id}: help.markdown lacks the docs link"
        );
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        let precision = rule["properties"]["precision"].as_str().unwrap();
        assert!(
            ["very-high", "high", "medium", "low"].contains(&precision),
            "{id}: precision {precision}"
        );
        let severity = rule["properties"]["problem.severity"].as_str().unwrap();
        assert!(
            ["error", "warning", "recommendation"].contains(&severity),
            "{id}: problem.severity {severity}"
        );
        let meta = resilint::rules::meta(id).unwrap();
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            meta.severity.as_str()
        );
    }

    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    let root_path = percent_decode(&root["file://".len()..]);
    assert_eq!(
        Path::new(&root_path).canonicalize().unwrap(),
        dir.path().canonicalize().unwrap()
    );

    let results = run["results"].as_array().unwrap();
    let mut seen = BTreeSet::new();
    for r in results {
        let rule_id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule_id);
        let location = &r["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(
            !uri.starts_with('/')
                && !uri.starts_with("./")
                && !uri.contains(':')
                && !uri.contains('\\'),
            "{uri}"
        );
        assert!(
            dir.path().join(percent_decode(uri)).is_file(),
            "{uri} is not a file under the root"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        let fingerprints = r["partialFingerprints"].as_object().unwrap();
        assert!(
            !fingerprints.is_empty()
                && fingerprints
                    .values()
                    .all(|v| !v.as_str().unwrap().is_empty())
        );
        seen.insert((rule_id.to_string(), uri.to_string()));
    }
    for expected in [
        ("RES000", "app/broken.py"),
        ("RES101", "app/client.py"),
        ("RES102", "app/client.py"),
        ("RES101", "app/my%20module.py"),
        ("RES101", "src/lib.rs"),
    ] {
        assert!(
            seen.contains(&(expected.0.into(), expected.1.into())),
            "no {expected:?} in {seen:?}"
        );
    }

    // The suppressed finding is kept, marked in source; the others are not marked.
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"],
        serde_json::json!([{ "kind": "inSource" }])
    );
    assert_eq!(suppressed[0]["ruleId"], "RES101");
    assert_eq!(
        suppressed[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        13
    );

    // The file that does not parse is also a tool execution notification.
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["descriptor"]["id"], "RES000");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/broken.py"
    );

    // Other formats leave the suppressed finding out.
    let doc = json(dir.path(), &[]);
    assert_eq!(find(&doc, "RES101", "app/client.py").len(), 1);
    assert_eq!(doc["stats"]["suppressed"], 1);
}

#[test]
fn fingerprints_survive_unrelated_edits_above_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let original = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n\n\ndef other(url):\n    return requests.post(url)\n";
    write(dir.path(), "app/a.py", original);
    let before = json(dir.path(), &[]);
    let sarif_before: Value =
        serde_json::from_str(&check(dir.path(), &["--format", "sarif"]).1).unwrap();

    let edited = original.replacen(
        "import requests\n",
        "import requests\nimport logging\n\nLOG = logging.getLogger(__name__)\nRETRIES = 3\n\n",
        1,
    );
    write(dir.path(), "app/a.py", &edited);
    let after = json(dir.path(), &[]);
    let sarif_after: Value =
        serde_json::from_str(&check(dir.path(), &["--format", "sarif"]).1).unwrap();

    let get_before = find(&before, "RES101", "app/a.py");
    let get_after = find(&after, "RES101", "app/a.py");
    assert_eq!(get_before.len(), 2);
    assert_eq!(get_after.len(), 2);
    for (b, a) in get_before.iter().zip(&get_after) {
        assert_eq!(a["line"].as_u64().unwrap(), b["line"].as_u64().unwrap() + 5);
        assert_eq!(a["fingerprint"], b["fingerprint"]);
    }
    // Different findings do not share a fingerprint.
    assert_ne!(get_before[0]["fingerprint"], get_before[1]["fingerprint"]);

    let prints = |doc: &Value| -> Vec<Value> {
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(prints(&sarif_before), prints(&sarif_after));
    assert_ne!(
        sarif_before["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
            ["startLine"],
        sarif_after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
            ["startLine"]
    );
}

#[test]
fn json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pkg/sub/client.py",
        "import requests\n\nrequests.get(url)\n",
    );
    write(dir.path(), "pkg/broken.py", "def broken(:\n");
    for doc in [json(dir.path(), &[]), json(dir.path(), &["pkg"])] {
        assert_eq!(doc["schema_version"], 1);
        let f = find(&doc, "RES101", "pkg/sub/client.py");
        assert_eq!(f.len(), 1, "{doc:#}");
        let f = f[0];
        assert_eq!(f["name"], "untimed-call");
        assert_eq!(f["severity"], "error");
        assert!(f["message"].as_str().unwrap().contains("requests.get"));
        assert!(!f["help"].as_str().unwrap().is_empty());
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(3), Some(1))
        );
        assert_eq!(f["end_line"], 3);
        assert_eq!(f["end_column"], 18);
        assert_eq!(f["snippet"], "requests.get(url)");
        assert!(!f["fingerprint"].as_str().unwrap().is_empty());
        for finding in findings(&doc) {
            let path = finding["path"].as_str().unwrap();
            assert!(
                !path.starts_with('/') && !path.starts_with("./") && !path.contains('\\'),
                "{path}"
            );
        }
        assert_eq!(find(&doc, "RES000", "pkg/broken.py").len(), 1);
        let stats = &doc["stats"];
        assert_eq!(stats["files"], 2);
        assert_eq!(stats["lines"], 4);
        assert_eq!(stats["parse_errors"], 1);
        assert_eq!(stats["suppressed"], 0);
        assert_eq!(stats["test_files_skipped"], 0);
    }
}

/// A capture group of a problem-matcher pattern, by the pattern's group number.
fn group<'h>(caps: &regex::Captures<'h>, pattern: &Value, field: &str) -> Option<&'h str> {
    let n = pattern.get(field)?.as_u64()? as usize;
    caps.get(n).map(|m| m.as_str())
}

#[test]
fn problem_matcher_parses_concise_output() {
    let dir = project();
    let catalog = "[[catalog.python]]\ncall = \"acme.http.fetch\"\ntimeout = \"deadline\"\nwhat = \"in-house\\nRPC: [beta]\"\n";
    write(dir.path(), "acme.toml", catalog);
    write(
        dir.path(),
        "app/acme.py",
        "from acme.http import fetch\n\nfetch(url)\n",
    );
    write(
        dir.path(),
        "app/limits.py",
        "import requests\nrequests.get(url, timeout=9999)\n",
    );
    let run = |format: &str| check_with_acme_config(dir.path(), format);
    let concise = run("concise");
    let doc: Value = serde_json::from_str(&run("json")).unwrap();

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/resilint-matcher.json");
    let matcher: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let matchers = matcher["problemMatcher"].as_array().unwrap();
    assert_eq!(matchers[0]["owner"], "resilint");
    let owners: BTreeSet<&str> = matchers
        .iter()
        .map(|m| m["owner"].as_str().unwrap())
        .collect();
    assert_eq!(
        owners.len(),
        matchers.len(),
        "the runner rejects duplicate owners"
    );
    let compiled: Vec<(&Value, &Value, regex::Regex)> = matchers
        .iter()
        .map(|m| {
            let patterns = m["pattern"].as_array().unwrap();
            assert_eq!(patterns.len(), 1);
            let re = regex::Regex::new(patterns[0]["regexp"].as_str().unwrap()).unwrap();
            (m, &patterns[0], re)
        })
        .collect();
    let first = compiled[0].1;
    for field in ["file", "line", "column", "severity", "code", "message"] {
        assert!(
            first.get(field).is_some(),
            "the resilint pattern does not capture {field}"
        );
    }

    let lines: Vec<&str> = concise.lines().collect();
    let expected = findings(&doc);
    assert_eq!(lines.len(), expected.len(), "{concise}");
    let mut severities = BTreeSet::new();
    for (line, f) in lines.iter().zip(expected) {
        let hits: Vec<_> = compiled
            .iter()
            .filter(|(_, _, re)| re.is_match(line))
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "{line:?} is matched by {} matchers",
            hits.len()
        );
        let (m, pattern, re) = hits[0];
        let caps = re.captures(line).unwrap();
        assert_eq!(group(&caps, pattern, "file"), f["path"].as_str());
        assert_eq!(
            group(&caps, pattern, "line"),
            Some(f["line"].to_string().as_str())
        );
        assert_eq!(
            group(&caps, pattern, "column"),
            Some(f["column"].to_string().as_str())
        );
        assert_eq!(group(&caps, pattern, "code"), f["rule"].as_str());
        let message = f["message"].as_str().unwrap().replace(['\n', '\r'], " ");
        assert_eq!(group(&caps, pattern, "message"), Some(message.as_str()));
        // The runner knows error, warning and notice, and drops a line of any other severity.
        let severity = group(&caps, pattern, "severity")
            .or(m["severity"].as_str())
            .unwrap();
        let ours = match severity {
            "error" | "warning" => severity,
            "notice" => "note",
            other => panic!("the runner drops severity {other:?}"),
        };
        assert_eq!(ours, f["severity"]);
        severities.insert(ours);
    }
    assert_eq!(severities, BTreeSet::from(["error", "note", "warning"]));
    assert!(
        expected
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains('\n')),
        "no multi-line message was exercised"
    );
}

/// Undoes GitHub workflow-command escaping.
fn unescape(text: &str) -> String {
    text.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_are_escaped_workflow_commands() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = "[[catalog.python]]\ncall = \"acme.http.fetch\"\ntimeout = \"deadline\"\nwhat = \"50% of calls\\r\\nline two\"\n";
    write(dir.path(), "acme.toml", catalog);
    write(
        dir.path(),
        "odd,dir/a:b.py",
        "from acme.http import fetch\nfetch(url)\n",
    );
    write(
        dir.path(),
        "app/limits.py",
        "import requests\nrequests.get(url, timeout=9999)\n",
    );
    write(dir.path(), "app/broken.py", "def broken(:\n");
    let run = |format: &str| check_with_acme_config(dir.path(), format);
    let github = run("github");
    let doc: Value = serde_json::from_str(&run("json")).unwrap();
    // Annotations come most severe first (GitHub keeps only the first few of each level).
    let mut expected: Vec<&Value> = findings(&doc).iter().collect();
    let rank = |f: &Value| match f["severity"].as_str().unwrap() {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    expected.sort_by_key(|f| rank(f));
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{github}");

    let command = regex::Regex::new(r"^::(error|warning|notice) ([^:]*)::(.*)$").unwrap();
    for (line, f) in lines.iter().zip(expected) {
        let caps = command
            .captures(line)
            .unwrap_or_else(|| panic!("not a workflow command: {line:?}"));
        let level = match f["severity"].as_str().unwrap() {
            "note" => "notice",
            s => s,
        };
        assert_eq!(&caps[1], level);
        let props: BTreeMap<&str, String> = caps[2]
            .split(',')
            .map(|p| {
                let (k, v) = p
                    .split_once('=')
                    .unwrap_or_else(|| panic!("bad property {p:?} in {line:?}"));
                (k, unescape(v))
            })
            .collect();
        assert_eq!(props["file"], f["path"].as_str().unwrap());
        assert_eq!(props["line"], f["line"].to_string());
        assert_eq!(props["col"], f["column"].to_string());
        assert_eq!(
            props["title"],
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["name"].as_str().unwrap()
            )
        );
        let message = unescape(&caps[3]);
        assert!(
            message.starts_with(f["message"].as_str().unwrap()),
            "{message:?}"
        );
        assert!(message.contains(&format!("help: {}", f["help"].as_str().unwrap())));
    }
    let odd = lines.iter().find(|l| l.contains("a%3Ab.py")).unwrap();
    assert!(
        odd.starts_with("::error file=odd%2Cdir/a%3Ab.py,line=2,col=1,"),
        "{odd}"
    );
    assert!(odd.contains("50%25 of calls%0D%0Aline two"), "{odd}");
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::warning file=app/limits.py,line=2,")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::notice file=app/broken.py,line=1,")));
}

#[test]
fn text_shows_the_rule_the_source_line_and_help() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/client.py", CLIENT_PY);
    write(
        dir.path(),
        "app/wide.py",
        "import requests\nname = \"café\"; requests.get(name)\n",
    );
    let (code, text) = check(dir.path(), &["--color", "never"]);
    assert_eq!(code, 1);
    assert!(text.contains("RES101"), "{text}");
    assert!(text.contains("[app/client.py:5:12]"), "{text}");
    // Columns count characters, as in every other format.
    assert!(text.contains("[app/wide.py:2:16]"), "{text}");
    assert!(text.contains("    return requests.get(url)"), "{text}");
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("help: ")),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "ANSI escapes with --color never");
    // The suppressed finding is not shown.
    assert!(!text.contains("resilint: ignore"), "{text}");

    let (_, colored) = check(dir.path(), &["--color", "always"]);
    assert!(
        colored.contains("\u{1b}["),
        "no ANSI escapes with --color always"
    );
}

#[test]
fn output_files_are_written_beside_stdout() {
    let dir = project();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let (code, stdout) = check(
        dir.path(),
        &[
            "--format",
            "concise",
            "--output",
            "sarif=reports/r.sarif",
            "--output",
            "json=r.json",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        stdout
            .lines()
            .all(|l| l.contains(": error[") || l.contains(": note[")),
        "{stdout}"
    );
    assert!(
        stdout.contains("app/client.py:5:12: error[RES101]"),
        "{stdout}"
    );

    let sarif = std::fs::read_to_string(dir.path().join("reports/r.sarif")).unwrap();
    let written_json = std::fs::read_to_string(dir.path().join("r.json")).unwrap();
    // The files hold exactly what the same format prints.
    assert_eq!(sarif, check(dir.path(), &["--format", "sarif"]).1);
    assert_eq!(written_json, check(dir.path(), &["--format", "json"]).1);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["r.sarif"], "temporary files left behind");
}

#[test]
fn output_is_identical_across_job_counts_and_sorted() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        write(
            dir.path(),
            &format!("pkg{}/m{i}.py", i % 3),
            &format!(
                "import requests\n{}requests.get(a); requests.post(b, timeout=None)\n",
                "\n".repeat(i)
            ),
        );
        write(dir.path(), &format!("crate{}/lib{i}.rs", i % 2), CLIENT_RS);
    }
    write(dir.path(), "pkg0/broken.py", "def broken(:\n");
    for format in ["json", "sarif"] {
        let one = check(dir.path(), &["--format", format, "--jobs", "1"]).1;
        for _ in 0..3 {
            assert_eq!(
                one,
                check(dir.path(), &["--format", format, "--jobs", "4"]).1,
                "{format} differs"
            );
        }
    }
    let doc = json(dir.path(), &["--jobs", "4"]);
    let keys: Vec<(String, u64, u64, String)> = findings(&doc)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(keys.len(), 12 * 3 + 1);
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}
