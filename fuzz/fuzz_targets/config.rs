//! Any text as `resilint.toml` or as `pyproject.toml`: parsing, validation, the user catalog,
//! and the error as the terminal shows it (a label at the offending span).
#![no_main]

use libfuzzer_sys::fuzz_target;
use miette::{GraphicalReportHandler, GraphicalTheme};
use resilint::catalog::Catalog;
use resilint::config;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (name, is_pyproject) = if flag & 1 == 1 {
        ("pyproject.toml", true)
    } else {
        ("resilint.toml", false)
    };
    match config::parse(text, name, is_pyproject) {
        Ok(mut options) => {
            let mut catalog = Catalog::builtin();
            config::extend_catalog(&mut catalog, &mut options, text);
        }
        Err(error) => {
            let mut rendered = String::new();
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .render_report(&mut rendered, error.as_ref())
                .expect("rendering a config error");
            assert!(rendered.contains(name), "{rendered}");
        }
    }
});
