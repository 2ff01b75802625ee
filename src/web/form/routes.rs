//! The routes of a form's journey, for any [`super::flow::Flow`]: see [`crate::form_routes`].

/// The path parameters of a form's address (`id` of `/activities/{id}/held`).
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The parameter `name`; empty when there is none.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The three routes of a form's journey at `$path` (see the module's notes), its [`Flow`]
/// made by `$build(&AppState, &SignedIn, &Params) -> Result<Flow, Failure>`.
#[macro_export]
macro_rules! form_routes {
    ($path:literal, $build:path) => {{
        use axum::body::Bytes;
        use axum::extract::{RawPathParams, RawQuery, State};
        use axum::response::IntoResponse;
        use axum::routing::{get, post};
        use $crate::api::AppState;
        use $crate::web::form::routes::Params;
        use $crate::web::form::Sent;
        use $crate::web::signed_in::SignedIn;

        fn params(raw: &RawPathParams) -> Params {
            Params(
                raw.iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            )
        }
        axum::Router::<AppState>::new()
            .route(
                $path,
                get(
                    |State(state): State<AppState>,
                     who: SignedIn,
                     raw: RawPathParams,
                     RawQuery(query): RawQuery| async move {
                        match $build(&state, &who, &params(&raw)).await {
                            // Answers in the address are a "Change" link's from the check
                            // page; without them, the form's first answers.
                            Ok(flow) => match query.filter(|q| !q.is_empty()) {
                                Some(query) => flow.show(&who, &Sent::parse(query.as_bytes()), &[]),
                                None => flow.show(&who, &flow.initial, &[]),
                            },
                            Err(failure) => failure.into_response(),
                        }
                    },
                )
                .post(
                    |State(state): State<AppState>,
                     who: SignedIn,
                     raw: RawPathParams,
                     body: Bytes| async move {
                        match $build(&state, &who, &params(&raw)).await {
                            Ok(flow) => flow.review(&who, &Sent::parse(&body)),
                            Err(failure) => failure.into_response(),
                        }
                    },
                ),
            )
            .route(
                concat!($path, "/confirm"),
                post(
                    |State(state): State<AppState>,
                     who: SignedIn,
                     raw: RawPathParams,
                     body: Bytes| async move {
                        match $build(&state, &who, &params(&raw)).await {
                            Ok(flow) => flow.commit(&state, &who, &Sent::parse(&body)).await,
                            Err(failure) => failure.into_response(),
                        }
                    },
                ),
            )
    }};
}
