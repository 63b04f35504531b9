//! OBS104 no-structured-logging: a service that logs, but only as plain text.

use super::{unit_use, unit_uses};
use crate::facts::observability::Capability;
use crate::facts::Lang;
use crate::rules::health::report_at_service;
use crate::rules::{ProjectCheck, ProjectCx};
use crate::service::UnitModel;

pub struct NoStructuredLogging;

/// Logging configured from a file the scan cannot read (or, for `dictConfig`, from a dict
/// that is usually loaded from one): its format is unknown.
const EXTERNAL_CONFIG: [&str; 4] = [
    "logging.config.fileConfig",
    "logging.config.dictConfig",
    "log4rs::init_file",
    "log4rs::init_config",
];

impl ProjectCheck for NoStructuredLogging {
    fn id(&self) -> &'static str {
        "OBS104"
    }

    fn check(&self, cx: &mut ProjectCx<'_>) {
        let unit = cx.unit;
        // A service that never logs has nothing to structure; one that configures structured
        // logging anywhere in the unit (another module, a settings file) is fine.
        let Some(first_log) = unit_use(unit, Capability::Logging) else {
            return;
        };
        if unit_use(unit, Capability::StructuredLogging).is_some() {
            return;
        }
        if unit_uses(unit, Capability::LoggingSetup)
            .any(|s| EXTERNAL_CONFIG.contains(&s.via.as_str()))
        {
            return;
        }
        let setup = unit_use(unit, Capability::LoggingSetup);
        let model = UnitModel::build(unit, cx.catalog);
        for service in &model.services {
            let lang = unit.files[service.file].file.lang;
            let how = match setup {
                Some(s) => format!("logging is set up with `{}`", s.via),
                None => format!("it logs (`{}`)", first_log.via),
            };
            let looked_for = match lang {
                Lang::Python => {
                    "structlog, python-json-logger's `JsonFormatter`, loguru `serialize=True`"
                }
                Lang::Rust => {
                    "`tracing_subscriber::fmt().json()`, a bunyan or JSON layer, `slog_json`"
                }
            };
            let message = format!(
                "this {} service (`{}`) has no structured logging: {how} but nothing in the project configures a JSON or key-value format (looked for {looked_for}), so log aggregators cannot filter or join its records by field",
                service.framework, service.constructor
            );
            let help = match (lang, setup.map(|s| s.via.as_str())) {
                (Lang::Python, _) if service.framework == "django" => "add a JSON formatter to `LOGGING`: `\"formatters\": {\"json\": {\"()\": \"pythonjsonlogger.json.JsonFormatter\"}}` on the root handler (or configure structlog with `structlog.processors.JSONRenderer()`)".to_string(),
                (Lang::Python, _) => "configure structlog once at startup: `structlog.configure(processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt=\"iso\"), structlog.processors.JSONRenderer()])`, or put python-json-logger's `JsonFormatter` on the root handler".to_string(),
                (Lang::Rust, Some(via)) if via.starts_with("tracing_subscriber") => "add `.json()` to the formatter: `tracing_subscriber::fmt().json().with_env_filter(EnvFilter::from_default_env()).init()` (tracing-subscriber feature `json`)".to_string(),
                (Lang::Rust, _) => "log through `tracing` with a JSON subscriber: `tracing_subscriber::fmt().json().with_env_filter(EnvFilter::from_default_env()).init()` (the `log` macros are forwarded by `tracing-log`), or tracing-bunyan-formatter's `BunyanFormattingLayer`".to_string(),
            };
            report_at_service(cx, self.id(), service, message, help);
        }
    }
}
