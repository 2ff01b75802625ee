//! The steps the prepared year is built from: an officer's mutations, people, boards,
//! appointments and meetings, each through the API.

use serde_json::{json, Value};

use super::{PARTICIPANT_EMAILS, PARTICIPANT_NAMES};
use crate::helpers::TestApp;

/// Runs mutation `field` with `input` and answers with the payload's `selection`.
pub(super) async fn call(
    app: &TestApp,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Value {
    app.call(token, field, selection, input).await
}

pub(super) fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

pub(super) fn counts(pairs: &[(&str, u32)]) -> Value {
    pairs
        .iter()
        .map(|(category, count)| json!({ "category": category, "count": count }))
        .collect()
}

pub(super) struct Officer<'a> {
    pub app: &'a TestApp,
    pub code: &'static str,
    pub token: String,
}

impl Officer<'_> {
    pub(super) async fn call(&self, field: &str, selection: &str, input: Value) -> Value {
        call(self.app, &self.token, field, selection, input).await
    }

    pub(super) async fn activity(&self, input: Value) -> String {
        id(&self.call("planActivity", "activity { id }", input).await["activity"])
    }

    pub(super) async fn publish(&self, activity: &str, on: &str, formats: &[&str]) {
        self.call(
            "recordInformationPublished",
            "activity { id }",
            json!({ "activityId": activity, "publishedOn": on, "accessibleFormats": formats }),
        )
        .await;
    }

    pub(super) async fn held(&self, activity: &str, on: &str, patients: u32, demographics: Value) {
        self.call(
            "recordActivityHeld",
            "activity { id }",
            json!({ "activityId": activity, "heldOn": on,
                "attendance": { "patients": patients, "carers": 1, "public": 0, "staff": 2 },
                "demographics": demographics }),
        )
        .await;
    }

    pub(super) async fn tell_everyone(&self, activity: &str, on: &str) {
        self.call(
            "recordActivityFeedback",
            "activity { id }",
            json!({ "activityId": activity, "givenOn": on, "channel": "NEWSLETTER",
                "summary": "You said, we did: what happened to your input" }),
        )
        .await;
    }

    pub(super) async fn item(
        &self,
        activity: &str,
        summary: &str,
        themes: &[&str],
        on: &str,
    ) -> String {
        id(&self
            .call(
                "recordInputItem",
                "inputItem { id }",
                json!({ "activityId": activity, "kind": "RECOMMENDATION", "summary": summary,
                    "themes": themes, "raisedBy": "PATIENT", "raisedOn": on }),
            )
            .await["inputItem"])
    }

    pub(super) async fn decide(&self, item: &str, outcome: &str, on: &str, reason: &str) {
        self.call(
            "decideInputItem",
            "inputItem { id }",
            json!({ "inputItemId": item, "outcome": outcome, "decidedOn": on, "reason": reason }),
        )
        .await;
    }

    pub(super) async fn refer(&self, item: &str, to: &str, on: &str) {
        self.call(
            "decideInputItem",
            "inputItem { id }",
            json!({ "inputItemId": item, "outcome": "REFERRED", "referredTo": to, "decidedOn": on }),
        )
        .await;
    }

    pub(super) async fn tell(&self, item: &str, on: &str) {
        self.call(
            "recordInputFeedback",
            "inputItem { id }",
            json!({ "inputItemId": item, "givenOn": on, "channel": "EMAIL",
                "summary": "What we did with your suggestion" }),
        )
        .await;
    }

    /// Proposes an action for `items` on `proposed`, due `due`, agreed on `agreed` if given.
    pub(super) async fn action(
        &self,
        title: &str,
        items: &[&str],
        (proposed, due): (&str, &str),
        agreed: Option<&str>,
    ) -> String {
        let owner = self.code;
        let action = id(&self
            .call(
                "proposeAction",
                "action { id }",
                json!({ "title": title, "ownerOrganisation": owner, "ownerRole": "Head of Patient Experience",
                    "decisionForum": "Quality Committee", "dueOn": due, "inputItemIds": items,
                    "proposedOn": proposed }),
            )
            .await["action"]);
        if let Some(on) = agreed {
            self.call(
                "agreeAction",
                "action { id }",
                json!({ "actionId": action, "agreedOn": on }),
            )
            .await;
        }
        action
    }

    pub(super) async fn complete(&self, action: &str, on: &str) {
        self.call(
            "completeAction",
            "action { id }",
            json!({ "actionId": action, "completedOn": on,
                "outcome": "Done and checked with the people who asked", "evidence": "Minutes and photographs" }),
        )
        .await;
    }

    pub(super) async fn baseline(&self, csv: &str) {
        let code = self.code;
        self.call(
            "uploadPopulationBaseline",
            "organisation",
            json!({ "organisation": code, "csv": csv, "uploadedOn": "2025-04-01" }),
        )
        .await;
    }
}

/// Registers a person of `org` and answers with their id.
pub(super) async fn person(app: &TestApp, token: &str, org: &str, n: usize) -> String {
    id(&call(
        app,
        token,
        "registerParticipant",
        "participant { id }",
        json!({ "organisation": org, "registeredOn": "2025-04-01",
            "details": { "displayName": PARTICIPANT_NAMES[n], "email": PARTICIPANT_EMAILS[n] } }),
    )
    .await["participant"])
}

/// Establishes a board on 1 April 2025 with `seats` (role, target, voting) from that day.
pub(super) async fn board(
    app: &TestApp,
    token: &str,
    (org, name, kind): (&str, &str, &str),
    seats: &[(&str, u32, bool)],
) -> String {
    let board = id(&call(
        app,
        token,
        "establishBoard",
        "board { id }",
        json!({ "organisation": org, "name": name, "kind": kind, "establishedOn": "2025-04-01" }),
    )
    .await["board"]);
    for (role, target, voting) in seats {
        call(
            app,
            token,
            "setBoardSeats",
            "board { id }",
            json!({ "boardId": board, "role": role, "target": target, "voting": voting, "from": "2025-04-01" }),
        )
        .await;
    }
    board
}

pub(super) async fn appoint(
    app: &TestApp,
    token: &str,
    board: &str,
    (who, role, voting): (&str, &str, bool),
    (start, end): (&str, &str),
) -> String {
    id(&call(
        app,
        token,
        "appointToBoard",
        "appointment { id }",
        json!({ "boardId": board, "participantId": who, "role": role, "voting": voting,
            "termStart": start, "termEnd": end }),
    )
    .await["appointment"])
}

/// Holds a meeting of `board` on `held` (papers issued on `papers`) attended by `attended`, with
/// one decision per (title, cited items); answers with the meeting's id and the decisions' ids.
pub(super) async fn meeting(
    app: &TestApp,
    token: &str,
    board: &str,
    (papers, held): (&str, &str),
    attended: &[&str],
    decisions: &[(&str, &[&str])],
) -> (String, Vec<String>) {
    let meeting = id(&call(
        app,
        token,
        "scheduleBoardMeeting",
        "meeting { id }",
        json!({ "boardId": board, "scheduledFor": held }),
    )
    .await["meeting"]);
    call(
        app,
        token,
        "recordPapersIssued",
        "meeting { id }",
        json!({ "meetingId": meeting, "issuedOn": papers }),
    )
    .await;
    call(
        app,
        token,
        "recordBoardMeetingHeld",
        "meeting { id }",
        json!({ "meetingId": meeting, "heldOn": held, "attendedAppointmentIds": attended, "quorate": true }),
    )
    .await;
    let mut ids = Vec::new();
    for (title, cited) in decisions {
        let after = call(
            app,
            token,
            "recordBoardDecision",
            "meeting { decisions { id title } }",
            json!({ "meetingId": meeting, "title": title, "citedInputItemIds": cited,
                "patientMembersPresent": true, "patientMembersVoted": true }),
        )
        .await;
        let decision = after["meeting"]["decisions"]
            .as_array()
            .expect("decisions")
            .iter()
            .find(|d| d["title"] == *title)
            .expect("the decision just recorded");
        ids.push(id(decision));
    }
    (meeting, ids)
}
