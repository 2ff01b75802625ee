//! The routes of a form's journey, for any [`super::flow::Flow`]: see [`crate::form_routes`].

use super::Sent;

/// The path parameters of a form's address (`id` of `/activities/{id}/held`), and what the
/// request sent (the address's query, or the form's body), for a form whose choices follow
/// its answers (the input items a board decision cites).
pub struct Params {
    path: Vec<(String, String)>,
    pub sent: Sent,
}

impl Params {
    /// Path parameters alone, as another record's form is built from.
    pub fn of_path(path: Vec<(String, String)>) -> Self {
        Self {
            path,
            sent: Sent::default(),
        }
    }

    pub fn new(path: Vec<(String, String)>, sent: Sent) -> Self {
        Self { path, sent }
    }

    /// The parameter `name`; empty when there is none.
    pub fn get(&self, name: &str) -> &str {
        self.path
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

        fn params(raw: &RawPathParams, sent: &Sent) -> Params {
            Params::new(
                raw.iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                sent.clone(),
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
                        let query = query.filter(|q| !q.is_empty());
                        let sent = query.as_ref().map(|q| Sent::parse(q.as_bytes()));
                        match $build(
                            &state,
                            &who,
                            &params(&raw, &sent.clone().unwrap_or_default()),
                        )
                        .await
                        {
                            // Answers in the address are a "Change" link's from the check
                            // page; without them, the form's first answers.
                            Ok(flow) => match sent {
                                Some(sent) => flow.show(&who, &sent, &[]),
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
                        let sent = Sent::parse(&body);
                        match $build(&state, &who, &params(&raw, &sent)).await {
                            Ok(flow) => flow.review(&who, &sent),
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
                        let sent = Sent::parse(&body);
                        match $build(&state, &who, &params(&raw, &sent)).await {
                            Ok(flow) => flow.commit(&state, &who, &sent).await,
                            Err(failure) => failure.into_response(),
                        }
                    },
                ),
            )
    }};
}
