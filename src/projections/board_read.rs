//! Reading the board views: each view's own reads live in it (`views/`) and are re-exported
//! here for their callers; reads across the three views live here.

pub use super::views::appointment::*;
pub use super::views::board::*;
pub use super::views::board_meeting::*;

use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::select::{PushIn, CHUNK};
use crate::store::Db;

/// The boards of `organisations` (by establishment), with every appointment to them and
/// every meeting of them (board by board, as [`appointments_to_boards`] and
/// [`meetings_of_boards`] give them): one statement, however many boards.
pub async fn boards_with_their_records(
    db: &Db,
    organisations: &[String],
) -> anyhow::Result<(Vec<BoardDoc>, Vec<AppointmentDoc>, Vec<MeetingDoc>)> {
    let (mut boards, mut appointments, mut meetings) = (Vec::new(), Vec::new(), Vec::new());
    for chunk in organisations.chunks(CHUNK) {
        let rows: Vec<(i32, String)> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT 0, doc FROM view_boards WHERE ");
            q.push_in("organisation", chunk);
            for (kind, table) in [(1, "view_appointments"), (2, "view_meetings")] {
                q.push(format!(
                    " UNION ALL SELECT {kind}, doc FROM {table} WHERE board_id IN \
                     (SELECT id FROM view_boards WHERE "
                ));
                q.push_in("organisation", chunk).push(")");
            }
            q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
        });
        for (kind, doc) in rows {
            match kind {
                0 => boards.push(serde_json::from_str(&doc)?),
                1 => appointments.push(serde_json::from_str(&doc)?),
                _ => meetings.push(serde_json::from_str(&doc)?),
            }
        }
    }
    sort_boards(&mut boards);
    let ids: Vec<Uuid> = boards.iter().map(|b: &BoardDoc| b.id).collect();
    sort_appointments(&mut appointments, &ids);
    sort_meetings(&mut meetings, &ids);
    Ok((boards, appointments, meetings))
}
