//! RES201 retry-on-client-error: a retry that retries non-transient 4xx responses.

use super::report_each;
use crate::rules::{Check, FileCx};

pub struct RetryOnClientError;

impl Check for RetryOnClientError {
    fn id(&self) -> &'static str {
        "RES201"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        report_each(cx, self.id(), |f, lib| {
            let why = f.client_errors.as_ref()?;
            let fix = lib.map_or(String::new(), |l| l.fix_client_errors.clone());
            Some((f.span, format!("{}: {why}", f.what), fix))
        });
    }
}
