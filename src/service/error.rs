//! The one error shape of the HTTP layer and of `cityfreight solve`: a status, VROOM's numeric
//! class (1 internal, 2 input, 3 routing), a stable string code and every issue found.
//!
//! Owns: [`ApiError`], [`Issue`], the stable codes ([`codes`]). Must never: carry a token or
//! any other secret in its text. Invariant: input errors list every problem found in one answer,
//! each with the JSON path of the offending value (`jobs[3].setup`, `vehicles[0].breaks`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Stable error codes (the `error_code` of the body).
pub mod codes {
    /// The body is not JSON, or a value has the wrong type.
    pub const BAD_JSON: &str = "bad_json";
    /// A key no cityfreight version reads.
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    /// A VROOM field (or value) cityfreight does not support yet.
    pub const UNSUPPORTED: &str = "unsupported";
    /// A value that is present but wrong (out of range, inconsistent, dangling index).
    pub const INVALID: &str = "invalid";
    /// Several issues: see `issues`.
    pub const INPUT: &str = "input";
    /// A point could not be snapped, or a profile has no road network.
    pub const ROUTING: &str = "routing";
    /// The body is larger than the server accepts.
    pub const BODY_TOO_LARGE: &str = "body_too_large";
    /// More locations or vehicles than the server accepts per request.
    pub const TOO_LARGE: &str = "request_too_large";
    /// Every worker busy and the queue full.
    pub const BUSY: &str = "busy";
    /// No or a wrong bearer token.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// The token's role may not call this.
    pub const FORBIDDEN: &str = "forbidden";
    /// No such route or job (or a job of another carrier).
    pub const NOT_FOUND: &str = "not_found";
    /// The method is not served on this path.
    pub const METHOD: &str = "method_not_allowed";
    /// The request ran past its time limit.
    pub const TIMEOUT: &str = "timeout";
    /// A bug or a failed write.
    pub const INTERNAL: &str = "internal";
}

/// One problem in a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Stable code ([`codes`]).
    pub code: &'static str,
    /// JSON path of the value (empty for the whole body).
    pub path: String,
    /// What is wrong, for a person.
    pub message: String,
}

/// An error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// VROOM's class: 1 internal, 2 input, 3 routing.
    pub class: u32,
    /// Stable code.
    pub code: &'static str,
    /// Summary.
    pub message: String,
    /// Every issue (input errors).
    pub issues: Vec<Issue>,
    /// Seconds to wait (503).
    pub retry_after: Option<u32>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: u32,
    error: &'a str,
    error_code: &'a str,
    #[serde(skip_serializing_if = "<[Issue]>::is_empty")]
    issues: &'a [Issue],
}

impl ApiError {
    /// A new error without issues.
    pub fn new(status: StatusCode, class: u32, code: &'static str, message: String) -> Self {
        Self {
            status,
            class,
            code,
            message,
            issues: Vec::new(),
            retry_after: None,
        }
    }

    /// 400 with every issue.
    pub fn input(issues: Vec<Issue>) -> Self {
        let code = match issues.as_slice() {
            [one] => one.code,
            _ => codes::INPUT,
        };
        let message = match issues.as_slice() {
            [one] => format!("{}: {}", one.path, one.message),
            many => format!("{} problems in the request (see issues)", many.len()),
        };
        Self {
            status: StatusCode::BAD_REQUEST,
            class: 2,
            code,
            message,
            issues,
            retry_after: None,
        }
    }

    /// 400 for one issue.
    pub fn one(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::input(vec![Issue {
            code,
            path: path.into(),
            message: message.into(),
        }])
    }

    /// A routing error (VROOM class 3), answered as 400 because the request's points caused it.
    pub fn routing(message: String) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 3, codes::ROUTING, message)
    }

    /// 500.
    pub fn internal(message: String) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            1,
            codes::INTERNAL,
            message,
        )
    }

    /// 404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            2,
            codes::NOT_FOUND,
            format!("{what} not found"),
        )
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(Body {
            code: self.class,
            error: &self.message,
            error_code: self.code,
            issues: &self.issues,
        })
        .unwrap_or_default()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if self.issues.len() > 1 {
            for issue in &self.issues {
                write!(f, "\n  {} ({}): {}", issue.path, issue.code, issue.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// Parse a JSON body into `T`, naming the path of a value of the wrong type.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => {
            de.end().map_err(|e| {
                ApiError::one(codes::BAD_JSON, "", format!("trailing characters: {e}"))
            })?;
            Ok(v)
        }
        Err(e) => {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            Err(ApiError::one(codes::BAD_JSON, path, e.inner().to_string()))
        }
    }
}
