//! OBS101: `print(..)` / `println!` / `eprintln!` in service code.

use crate::facts::Lang;
use crate::rules::{Check, FileCx};

pub struct PrintLogging;

/// Folders and files that hold command-line tools and their subcommands, whose output is for
/// users: `cli/`, `commands/` (Django management commands), `tools/`, `ctl/`, `__main__.py`.
const COMMAND_LINE_DIRS: &[&str] = &[
    "cli",
    "commands",
    "management",
    "tools",
    "bin",
    "ctl",
    "cmd",
    "xtask",
    "migrations",
    "ci",
    "fuzz",
];
const COMMAND_LINE_FILES: &[&str] = &[
    "cli",
    "__main__",
    "manage",
    "commands",
    "cmd",
    "ctl",
    "cli_output",
    "main_cli",
];

fn is_command_line_path(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or("");
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    // Rust binaries under `src/bin/` may be servers; only Python's `bin/` holds scripts.
    let python = file.ends_with(".py");
    COMMAND_LINE_FILES.contains(&stem)
        || stem.starts_with("example")
        || parts.iter().any(|d| {
            (COMMAND_LINE_DIRS.contains(d) && (python || *d != "bin"))
                // `example_dags/`, `demos/`: example code, not the service.
                || d.starts_with("example")
                || d.starts_with("demo")
        })
}

impl Check for PrintLogging {
    fn id(&self) -> &'static str {
        "OBS101"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        if is_command_line_path(cx.rel) {
            return;
        }
        for p in &cx.facts.observability.prints {
            let (message, help) = match cx.lang {
                Lang::Python => (
                    "`print(..)` in service code: the output skips the logging setup (no level, \
                     timestamp, logger name or structure) and cannot be filtered or routed"
                        .to_string(),
                    "log it: `logger = logging.getLogger(__name__)` then `logger.info(..)`",
                ),
                Lang::Rust => (
                    format!(
                        "`{}(..)` in service code: the output skips the subscriber (no level, \
                         timestamp, target or span fields) and cannot be filtered or routed",
                        p.callee
                    ),
                    "log it: `tracing::info!(..)` (or `log::info!`); errors with `tracing::error!(error = %e, ..)`",
                ),
            };
            cx.report("OBS101", p.in_test, p.span, message, Some(help.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_paths_are_told_from_service_code() {
        for p in [
            "app/cli.py",
            "app/__main__.py",
            "orders/management/commands/sync.py",
            "pkg/cli/run.py",
            "tools/gen.py",
            "bin/run.py",
            "src/ctl/command.rs",
            "airflow/example_dags/tutorial.py",
            "jupyterhub/ci/check_installed_data.py",
            "crate/fuzz/src/bin/target.rs",
            "src/bin/example.rs",
        ] {
            assert!(is_command_line_path(p), "{p}");
        }
        for p in [
            "app/views.py",
            "src/main.rs",
            "src/bin/server.rs",
            "app/client.py",
        ] {
            assert!(!is_command_line_path(p), "{p}");
        }
    }
}
