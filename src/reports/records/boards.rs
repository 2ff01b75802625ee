//! The boards' sheets of an organisation's records.

use super::{in_words, words, Book, Details, Row};
use crate::projections::board_read::boards_with_their_records;
use crate::projections::read;
use crate::reports::sheets::Sheet;
use crate::store::Db;

/// The boards' sheets: boards and their seats, participants (named from `details` where the
/// reader may see them), appointments, meetings and their decisions.
pub(super) async fn boards(
    db: &Db,
    codes: &[String],
    book: &mut Book,
    details: &Details,
) -> anyhow::Result<()> {
    let (boards, appointments, meetings) = boards_with_their_records(db, codes).await?;
    for board in &boards {
        let id = board.id.to_string();
        book.add(
            Sheet::Boards,
            Row::default()
                .text("Board ref", &id)
                .text("Name", &board.name)
                .choice("Kind", &board.kind)
                .day("Established on", Some(board.established_on)),
        );
        for seats in &board.seats {
            book.add(
                Sheet::Seats,
                Row::default()
                    .text("Board ref", &id)
                    .choice("Role", &seats.role)
                    .number("Target", seats.target)
                    .flag("Voting", seats.voting)
                    .day("From", Some(seats.from)),
            );
        }
    }
    for (participant, _) in read::participants(db, Some(codes)).await? {
        if participant.erasure.is_some() {
            continue;
        }
        let consent = |purpose: &str| {
            participant
                .consents
                .iter()
                .rfind(|c| words(&c.purpose) == in_words(purpose))
                .filter(|c| c.given)
                .map(|c| c.on)
        };
        let mut row = Row::default().text("Participant ref", participant.id.to_string());
        if let Some(known) = details.get(&participant.id) {
            row = row
                .text("Name", &known.display_name)
                .text("Email", known.email.clone().unwrap_or_default())
                .text("Phone", known.phone.clone().unwrap_or_default());
        }
        book.add(
            Sheet::Participants,
            row.day("Registered on", Some(participant.registered_on))
                .day("Board membership consent on", consent("BOARD_MEMBERSHIP"))
                .day("Feedback consent on", consent("FEEDBACK_CONTACT"))
                .day("Quotes consent on", consent("QUOTES_IN_REPORTS")),
        );
    }
    for appointment in &appointments {
        let mut row = Row::default()
            .text("Appointment ref", appointment.id.to_string())
            .text("Board ref", appointment.board_id.to_string())
            .text("Participant ref", appointment.participant_id.to_string())
            .choice("Role", &appointment.role)
            .flag("Voting", appointment.voting)
            .day("Term start", Some(appointment.term_start))
            .day("Term end", Some(appointment.first_term_end));
        if let Some((on, to)) = appointment.renewals.last() {
            row = row
                .day("Renewed on", Some(*on))
                .day("Renewed to", Some(*to));
        }
        if let Some((reason, on)) = &appointment.ended {
            row = row.day("Ended on", Some(*on)).choice("End reason", reason);
        }
        book.add(Sheet::Appointments, row);
    }
    for meeting in meetings.iter().filter(|m| m.cancelled.is_none()) {
        let id = meeting.id.to_string();
        let mut row = Row::default()
            .text("Meeting ref", &id)
            .text("Board ref", meeting.board_id.to_string())
            .day("Scheduled for", Some(meeting.scheduled_for))
            .day("Papers issued on", meeting.papers_issued_on);
        if let Some((held, attended, quorate)) = &meeting.held {
            row = row
                .day("Held on", Some(*held))
                .flag("Quorate", *quorate)
                .list("Attended", attended.iter().map(ToString::to_string));
        }
        book.add(Sheet::Meetings, row);
        for decision in &meeting.decisions {
            book.add(
                Sheet::Decisions,
                Row::default()
                    .text("Meeting ref", &id)
                    .text("Title", &decision.title)
                    .text("Summary", &decision.summary)
                    .list(
                        "Cited input refs",
                        decision.cited_input_items.iter().map(ToString::to_string),
                    )
                    .list(
                        "Cited action refs",
                        decision.cited_actions.iter().map(ToString::to_string),
                    )
                    .flag("Patient members present", decision.patient_members_present)
                    .flag("Patient members voted", decision.patient_members_voted),
            );
        }
    }
    Ok(())
}
