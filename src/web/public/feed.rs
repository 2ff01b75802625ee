//! The Atom feed of an organisation's closed loops: each thing people said at a published
//! activity whose outcome they have been told, the latest first, for anyone who follows the
//! page in a feed reader. Written by a template like every page (escaped as XML by askama):
//! a feed crate would bring an XML writer and builders for these few elements.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;

use super::{kept_or_rendered, ods, rendering};
use crate::api::AppState;
use crate::config::WebSettings;
use crate::web::failure::Failure;
use crate::web::page::long_day;

/// Most entries a feed carries.
const ENTRIES: usize = 50;
/// Most published activities a feed reads, the latest published first.
const ACTIVITIES: usize = 100;

struct Entry {
    id: String,
    title: String,
    link: String,
    updated: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "public/feed.xml")]
struct Feed {
    id: String,
    title: String,
    author: String,
    link: String,
    updated: String,
    entries: Vec<Entry>,
}

pub(super) async fn feed(
    State(state): State<AppState>,
    Extension(settings): Extension<Arc<WebSettings>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let code = ods(&code)?;
    let key = format!("/public/{code}/feed.atom");
    let base = settings.public_url.trim_end_matches('/').to_owned();
    kept_or_rendered(
        &state,
        &headers,
        key,
        "application/atom+xml; charset=utf-8",
        |mut reader| async move {
            let org = reader.organisation(&code).await?.ok_or(Failure::NotFound)?;
            let activities = reader.activities(&code).await?;
            let page = format!("{base}/public/{code}");
            let mut entries = Vec::new();
            for activity in activities.iter().take(ACTIVITIES) {
                let published = reader.published(activity).await?;
                for said in published.said {
                    let Some(told_on) = said.told_on else {
                        continue;
                    };
                    entries.push((
                        told_on,
                        Entry {
                            id: format!("urn:uuid:{}", said.id),
                            title: format!("You said: {}", said.you_said),
                            link: format!("{page}/activities/{}#item-{}", published.id, said.id),
                            updated: format!("{}T00:00:00Z", told_on.format("%Y-%m-%d")),
                            summary: format!(
                                "{} ({}). {} We told the people who raised it on {}.",
                                said.standing,
                                published.title,
                                said.we_did.join(" "),
                                long_day(told_on)
                            ),
                        },
                    ));
                }
            }
            entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
            entries.truncate(ENTRIES);
            let updated = entries.first().map_or_else(
                || org.registered_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                |(_, e)| e.updated.clone(),
            );
            let xml = Feed {
                id: format!("{page}/feed.atom"),
                title: format!("You said, we did: {}", org.name),
                author: org.name,
                link: page,
                updated,
                entries: entries.into_iter().map(|(_, e)| e).collect(),
            }
            .render()
            .map_err(rendering)?;
            Ok((xml, reader))
        },
    )
    .await
}
