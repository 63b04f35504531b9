//! User config extends the API roles of the partial-failure and bulkhead rules.

use std::process::Command;

#[test]
fn user_catalog_adds_blocking_calls() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("resilint.toml"),
        "[[catalog.apis]]\nlang = \"python\"\nrole = \"blocking\"\ncall = \"acme.sync_fetch\"\nwhat = \"in-house blocking call\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("svc.py"),
        "from acme import sync_fetch\n\nasync def handler():\n    return sync_fetch()\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_resilint"))
            .current_dir(d)
            .args([
                "check",
                ".",
                "--format",
                "concise",
                "--no-cache",
                "--fail-on",
                "never",
            ])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let with_config = run(&[]);
    assert!(
        with_config.contains("svc.py:4:12: error[RES705]")
            && with_config.contains("in-house blocking call"),
        "{with_config}"
    );
    assert!(!run(&["--no-config"]).contains("RES705"));
}
