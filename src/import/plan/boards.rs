//! The board sheets' rows as the mutations that record them: boards and their seats,
//! participants with the consents they gave, appointments with renewals and ends, meetings with
//! their papers and who attended, and the decisions taken at them.

use serde_json::json;

use super::{Plan, Reader};
use crate::import::format::Sheet;

/// The steps of one row of a board sheet.
pub(super) fn row(plan: &mut Plan, sheet: Sheet, r: &Reader<'_>) {
    match sheet {
        Sheet::Boards => board(plan, r),
        Sheet::Seats => {
            let input = json!({
                "boardId": plan.id(Sheet::Boards, &r.text("Board ref")), "role": r.choice("Role"),
                "target": r.count("Target"), "voting": r.flag("Voting"), "from": r.day("From"),
            });
            plan.step(r, "setBoardSeats", "seats", None, input);
        }
        Sheet::Participants => participant(plan, r),
        Sheet::Appointments => appointment(plan, r),
        Sheet::Meetings => meeting(plan, r),
        Sheet::Decisions => {
            let input = json!({
                "meetingId": plan.id(Sheet::Meetings, &r.text("Meeting ref")),
                "title": r.text("Title"), "summary": r.text("Summary"),
                "citedInputItemIds": plan.ids(Sheet::InputItems, &r.list("Cited input refs")),
                "citedActionIds": plan.ids(Sheet::Actions, &r.list("Cited action refs")),
                "patientMembersPresent": r.flag("Patient members present"),
                "patientMembersVoted": r.flag("Patient members voted"),
            });
            plan.step(r, "recordBoardDecision", "decision", None, input);
        }
        _ => {}
    }
}

fn board(plan: &mut Plan, r: &Reader<'_>) {
    let reference = r.text("Board ref");
    let input = json!({
        "organisation": plan.org, "name": r.text("Name"), "kind": r.choice("Kind"),
        "establishedOn": r.day("Established on"),
    });
    plan.step(r, "establishBoard", "establish", Some(&reference), input);
}

fn participant(plan: &mut Plan, r: &Reader<'_>) {
    let reference = r.text("Participant ref");
    // Named only where they agreed to be; otherwise by their reference.
    let name = match r.text("Name") {
        name if name.is_empty() => format!("Participant {reference}"),
        name => name,
    };
    let optional = |column: &str| Some(r.text(column)).filter(|t| !t.is_empty());
    let input = json!({
        "organisation": plan.org, "registeredOn": r.day("Registered on"),
        "details": { "displayName": name, "email": optional("Email"), "phone": optional("Phone") },
    });
    plan.step(
        r,
        "registerParticipant",
        "register",
        Some(&reference),
        input,
    );
    let id = plan.id(Sheet::Participants, &reference);
    for (column, purpose) in [
        ("Board membership consent on", "BOARD_MEMBERSHIP"),
        ("Feedback consent on", "FEEDBACK_CONTACT"),
        ("Quotes consent on", "QUOTES_IN_REPORTS"),
    ] {
        if let Some(on) = r.day(column) {
            let input = json!({ "participantId": id, "purpose": purpose, "given": true, "on": on });
            plan.step(r, "recordConsent", purpose, None, input);
        }
    }
}

fn appointment(plan: &mut Plan, r: &Reader<'_>) {
    let reference = r.text("Appointment ref");
    let input = json!({
        "boardId": plan.id(Sheet::Boards, &r.text("Board ref")),
        "participantId": plan.id(Sheet::Participants, &r.text("Participant ref")),
        "role": r.choice("Role"), "voting": r.flag("Voting"),
        "termStart": r.day("Term start"), "termEnd": r.day("Term end"),
    });
    plan.step(r, "appointToBoard", "appoint", Some(&reference), input);
    let id = plan.id(Sheet::Appointments, &reference);
    if let (Some(on), Some(to)) = (r.day("Renewed on"), r.day("Renewed to")) {
        let input = json!({ "appointmentId": id, "renewedOn": on, "termEnd": to });
        plan.step(r, "renewAppointment", "renew", None, input);
    }
    if let Some(ended) = r.day("Ended on") {
        let input =
            json!({ "appointmentId": id, "endedOn": ended, "reason": r.choice("End reason") });
        plan.step(r, "endAppointment", "end", None, input);
    }
}

fn meeting(plan: &mut Plan, r: &Reader<'_>) {
    let reference = r.text("Meeting ref");
    let input = json!({
        "boardId": plan.id(Sheet::Boards, &r.text("Board ref")),
        "scheduledFor": r.day("Scheduled for"),
    });
    plan.step(
        r,
        "scheduleBoardMeeting",
        "schedule",
        Some(&reference),
        input,
    );
    let id = plan.id(Sheet::Meetings, &reference);
    if let Some(issued) = r.day("Papers issued on") {
        let input = json!({ "meetingId": id, "issuedOn": issued });
        plan.step(r, "recordPapersIssued", "papers", None, input);
    }
    if let Some(held) = r.day("Held on") {
        let input = json!({
            "meetingId": id, "heldOn": held, "quorate": r.flag("Quorate"),
            "attendedAppointmentIds": plan.ids(Sheet::Appointments, &r.list("Attended")),
        });
        plan.step(r, "recordBoardMeetingHeld", "held", None, input);
    }
}
