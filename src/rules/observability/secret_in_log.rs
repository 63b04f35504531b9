//! OBS102: a log call whose arguments include a value named like a secret, or a request's
//! headers.

use crate::facts::observability::LoggedValue;
use crate::facts::Lang;
use crate::rules::observability::{shown, words};
use crate::rules::{Check, FileCx};

pub struct SecretInLog;

/// Words before `token` that make it a credential. A bare `token` is too often something else
/// (a stream position, a pagination cursor, an event-loop or cancellation token, a parser's).
const CREDENTIAL_TOKENS: &[&str] = &[
    "access",
    "refresh",
    "auth",
    "authentication",
    "authorization",
    "bearer",
    "api",
    "id",
    "session",
    "csrf",
    "xsrf",
    "oauth",
    "jwt",
    "github",
    "gitlab",
    "bot",
    "slack",
    "personal",
    "client",
    "admin",
    "reset",
    "verification",
    "verify",
    "invite",
    "invitation",
    "registration",
    "signup",
    "renewal",
    "login",
    "password",
    "private",
    "service",
    "webhook",
    "app",
    "install",
    "delete",
    "magic",
    "confirmation",
    "security",
    "sas",
    "secret",
    "user",
    "master",
    "root",
    "upload",
    "npm",
    "pypi",
    "hf",
    "vault",
    "push",
    "device",
    "remember",
    "identity",
    "sso",
];

/// Receivers whose `headers` are an incoming request's.
const REQUEST_NAMES: &[&str] = &[
    "request",
    "req",
    "http_request",
    "incoming",
    "flask.request",
];

impl Check for SecretInLog {
    fn id(&self) -> &'static str {
        "OBS102"
    }

    fn check(&self, cx: &mut FileCx<'_>) {
        for call in &cx.facts.observability.log_calls {
            let Some((value, why)) = call.values.iter().find_map(|v| leak(v).map(|w| (v, w)))
            else {
                continue;
            };
            let message = format!(
                "`{}` logs `{}`, {why}: it lands in log storage in clear text, readable by \
                 everyone with log access",
                shown(call),
                value.path
            );
            let help = match (cx.lang, call.callee.as_str()) {
                (Lang::Rust, "tracing::instrument") => format!(
                    "skip it: `#[instrument(skip({}))]` (or `skip_all` with the fields you need)",
                    value.name
                ),
                (Lang::Rust, _) => "log something that identifies it without revealing it (a key ID, \
                    a hash prefix, its length), or wrap it in `secrecy::SecretString` whose Debug redacts"
                    .to_string(),
                (Lang::Python, _) => "log something that identifies it without revealing it (a key ID, \
                    a hash prefix, `len(..)`), or drop the field"
                    .to_string(),
            };
            cx.report("OBS102", call.in_test, call.span, message, Some(help));
        }
    }
}

/// Why a logged value is a secret, if it is one.
fn leak(value: &LoggedValue) -> Option<&'static str> {
    if is_request_headers(value) {
        return Some("the request's headers (`Authorization`, `Cookie`)");
    }
    secret_name(&value.name).then_some("named like a secret")
}

fn is_request_headers(value: &LoggedValue) -> bool {
    let name = value.name.as_str();
    if matches!(name, "request_headers" | "req_headers") {
        return true;
    }
    if !matches!(name, "headers" | "META") {
        return false;
    }
    let path = value.path.replace("()", "");
    let Some(base) = path.strip_suffix(name).and_then(|b| b.strip_suffix('.')) else {
        return false;
    };
    let base = base.strip_prefix("self.").unwrap_or(base);
    REQUEST_NAMES.contains(&base)
}

/// A name whose last word (its head noun) names a credential: `password`, `api_key`,
/// `auth_token`, `client_secret`, `session_id`; not `token_count`, `max_tokens`,
/// `secret_name`, `next_token`.
pub(crate) fn secret_name(name: &str) -> bool {
    let w = words(name);
    let Some(last) = w.last().map(String::as_str) else {
        return false;
    };
    let prev = w.len().checked_sub(2).map(|i| w[i].as_str());
    match last {
        "password" | "passwords" | "passwd" | "passphrase" | "secret" | "secrets" | "apikey"
        | "authorization" | "cookie" | "cookies" | "jwt" | "bearer" | "sessionid"
        | "privatekey" | "cvv" => true,
        "token" => prev.is_some_and(|p| CREDENTIAL_TOKENS.contains(&p)),
        "key" => matches!(
            prev,
            Some("api" | "secret" | "private" | "signing" | "session")
        ),
        "id" => prev == Some("session"),
        "header" => matches!(prev, Some("auth" | "authorization" | "cookie")),
        "card" => prev == Some("credit"),
        "number" => prev == Some("card"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_told_from_things_named_after_them() {
        for s in [
            "password",
            "new_password",
            "apiKey",
            "api_key",
            "X-Api-Key",
            "Authorization",
            "auth_token",
            "access_token",
            "client_secret",
            "session_id",
            "private_key",
            "credit_card",
            "cookie",
            "x-auth-token",
            "password2",
            "id_token",
        ] {
            assert!(secret_name(s), "{s}");
        }
        for s in [
            "token_count",
            "max_tokens",
            "secret_name",
            "next_token",
            "tokens",
            "password_hash",
            "token_url",
            "cancel_token",
            "secret_arn",
            "key",
            "monkey",
            "tokenizer",
            "passwordless",
            "has_token",
            "token_type",
            "token",
            "new_token",
            "frontend_token",
            "since_token",
        ] {
            assert!(!secret_name(s), "{s}");
        }
    }

    #[test]
    fn request_headers_are_told_from_other_headers() {
        let v = |name: &str, path: &str| LoggedValue {
            name: name.into(),
            path: path.into(),
        };
        assert!(is_request_headers(&v("headers", "request.headers")));
        assert!(is_request_headers(&v("headers", "req.headers()")));
        assert!(is_request_headers(&v("headers", "self.request.headers")));
        assert!(is_request_headers(&v("META", "request.META")));
        assert!(!is_request_headers(&v("headers", "response.headers")));
        assert!(!is_request_headers(&v("headers", "headers")));
    }
}
