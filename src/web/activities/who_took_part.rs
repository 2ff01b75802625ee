//! Who took part in an activity: attendance by role, and the demographic snapshot taken when
//! it was held (age band, sex, ethnic group, deprivation quintile, disability), which the
//! reach measures set against the organisation's population baseline.
//!
//! Each dimension asks a head count for each category: the categories of the organisation's
//! baseline, so that what is recorded lines up with what it is measured against, then the
//! usual ones the baseline lacks, then any the record already holds. Recording it held and
//! correcting it later ask the same questions; the correction opens on what the record says
//! and sends the whole corrected counts.

use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::forms::{about_activity, heading, today_hint};
use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::correction::reason;
use crate::web::form::flow::{About, Flow};
use crate::web::form::routes::Params;
use crate::web::form::{count_name, Choice, Field, Kind, Sent};
use crate::web::signed_in::SignedIn;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/activities/{id}/held", held))
        .merge(form_routes!("/activities/{id}/held/correct", correct))
}

/// One dimension of the snapshot.
pub struct Dimension {
    /// The form's name for it, inside the mutation's `demographics`.
    field: &'static str,
    /// The baseline's name for it (as in its CSV).
    baseline: &'static str,
    pub label: &'static str,
    /// The categories asked when the baseline names none: the API's name and the words.
    usual: &'static [(&'static str, &'static str)],
}

const NOT_STATED: (&str, &str) = ("Not stated", "Not stated");

pub const DIMENSIONS: [Dimension; 5] = [
    Dimension {
        field: "demographics.ageBand",
        baseline: "age_band",
        label: "Age band",
        usual: &[
            ("0-17", "0 to 17"),
            ("18-44", "18 to 44"),
            ("45-64", "45 to 64"),
            ("65+", "65 and over"),
            NOT_STATED,
        ],
    },
    Dimension {
        field: "demographics.sex",
        baseline: "sex",
        label: "Sex",
        usual: &[("Female", "Female"), ("Male", "Male"), NOT_STATED],
    },
    Dimension {
        field: "demographics.ethnicGroup",
        baseline: "ethnic_group",
        label: "Ethnic group",
        usual: &[
            ("Asian", "Asian or Asian British"),
            ("Black", "Black, Black British, Caribbean or African"),
            ("Mixed", "Mixed or multiple ethnic groups"),
            ("White", "White"),
            ("Other", "Other ethnic group"),
            NOT_STATED,
        ],
    },
    Dimension {
        field: "demographics.deprivationQuintile",
        baseline: "deprivation_quintile",
        label: "Deprivation quintile",
        usual: &[
            ("Q1", "Q1 (most deprived)"),
            ("Q2", "Q2"),
            ("Q3", "Q3"),
            ("Q4", "Q4"),
            ("Q5", "Q5 (least deprived)"),
            NOT_STATED,
        ],
    },
    Dimension {
        field: "demographics.disability",
        baseline: "disability",
        label: "Disability",
        usual: &[
            ("Disabled", "Disabled"),
            ("Not disabled", "Not disabled"),
            NOT_STATED,
        ],
    },
];

impl Dimension {
    /// The words for `category`: the usual ones where it is one of them, else itself.
    pub fn say(&self, category: &str) -> String {
        self.usual
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(category))
            .map_or_else(|| category.to_owned(), |(_, words)| (*words).to_owned())
    }
}

/// One category's head count, as the API answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct CategoryCount {
    pub category: String,
    pub count: i64,
}

/// A held activity's snapshot, by dimension in the order of [`DIMENSIONS`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Demographics {
    age_band: Vec<CategoryCount>,
    sex: Vec<CategoryCount>,
    ethnic_group: Vec<CategoryCount>,
    deprivation_quintile: Vec<CategoryCount>,
    disability: Vec<CategoryCount>,
}

impl Demographics {
    /// Each dimension with its counts.
    pub fn by_dimension(&self) -> [(&'static Dimension, &[CategoryCount]); 5] {
        [
            (&DIMENSIONS[0], &self.age_band),
            (&DIMENSIONS[1], &self.sex),
            (&DIMENSIONS[2], &self.ethnic_group),
            (&DIMENSIONS[3], &self.deprivation_quintile),
            (&DIMENSIONS[4], &self.disability),
        ]
    }

    /// The snapshot in words, one line a dimension with counts: "18 to 44: 12, 65 and over: 3".
    pub fn described(&self) -> Vec<(&'static str, String)> {
        self.by_dimension()
            .into_iter()
            .filter(|(_, counts)| !counts.is_empty())
            .map(|(dimension, counts)| {
                let said: Vec<String> = counts
                    .iter()
                    .map(|c| format!("{}: {}", dimension.say(&c.category), c.count))
                    .collect();
                (dimension.label, said.join(", "))
            })
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Baseline {
    population_baseline: BaselineShares,
}

#[derive(Deserialize)]
struct BaselineShares {
    shares: Vec<BaselineShare>,
}

#[derive(Deserialize)]
struct BaselineShare {
    dimension: String,
    category: String,
}

/// Each dimension's categories for `organisation`: its baseline's, the usual ones it lacks,
/// and those of `held` (the record's) that neither names.
async fn categories(
    state: &AppState,
    who: &SignedIn,
    organisation: &str,
    held: &Demographics,
) -> Result<Vec<Vec<Choice>>, Failure> {
    let baseline: Baseline = run(
        state,
        who,
        operation!("population_baseline"),
        json!({ "organisation": organisation }),
    )
    .await?;
    let shares = baseline.population_baseline.shares;
    Ok(held
        .by_dimension()
        .into_iter()
        .map(|(dimension, counts)| {
            let mut choices: Vec<Choice> = Vec::new();
            let mut add = |category: &str| {
                if !choices
                    .iter()
                    .any(|c| c.value.eq_ignore_ascii_case(category))
                {
                    choices.push(Choice::new(category, dimension.say(category)));
                }
            };
            shares
                .iter()
                .filter(|s| s.dimension == dimension.baseline)
                .for_each(|s| add(&s.category));
            dimension.usual.iter().for_each(|(name, _)| add(name));
            counts.iter().for_each(|c| add(&c.category));
            choices
        })
        .collect())
}

/// The questions of who took part: attendance by role, then each dimension's head counts.
fn fields(categories: Vec<Vec<Choice>>) -> Vec<Field> {
    let count = |name, label| Field::new(name, label, Kind::Count).optional();
    let mut fields = vec![
        count("attendance.patients", "Patients who took part"),
        count("attendance.carers", "Carers who took part"),
        count("attendance.public", "Members of the public who took part"),
        count("attendance.staff", "Staff who took part"),
    ];
    for (n, (dimension, choices)) in DIMENSIONS.iter().zip(categories).enumerate() {
        let field = Field::new(dimension.field, dimension.label, Kind::Counts(choices)).optional();
        fields.push(if n == 0 {
            field.hint("Here and below: how many of those who took part are in each group. Leave blank any group you did not ask about.")
        } else {
            field
        });
    }
    fields
}

/// Record that the activity was held, with who took part.
async fn held(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let activity = heading(state, who, params).await?;
    let categories = categories(
        state,
        who,
        &activity.lead_organisation,
        &Demographics::default(),
    )
    .await?;
    let mut questions = vec![
        Field::new("heldOn", "Date held", Kind::Date)
            .hint(today_hint())
            .optional(),
        Field::new(
            "beforePlannedDate",
            "Held earlier than planned",
            Kind::Yes("Yes, it was held before the date it was planned for".into()),
        )
        .hint("Only when the date held is before the date planned")
        .optional(),
    ];
    questions.extend(fields(categories));
    Ok(about_activity(
        activity,
        About {
            tail: "held",
            title: "Record that the activity was held",
            fields: questions,
            operation: operation!("record_activity_held"),
            confirm: "Record it as held",
            note: "Activity recorded as held",
        },
    ))
}

#[derive(Deserialize)]
struct Record {
    activity: Held,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Held {
    attendance: Option<Attendance>,
    demographics: Option<Demographics>,
}

/// Attendance by role, as the API answers it.
#[derive(Deserialize)]
pub struct Attendance {
    pub patients: i64,
    pub carers: i64,
    pub public: i64,
    pub staff: i64,
}

/// Correct who took part in a held activity: the questions open on what the record says, and
/// the whole corrected counts replace it.
async fn correct(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let activity = heading(state, who, params).await?;
    let record: Record = run(
        state,
        who,
        operation!("activity"),
        json!({ "id": activity.id }),
    )
    .await?;
    let (Some(attendance), Some(held)) = (record.activity.attendance, record.activity.demographics)
    else {
        return Err(Failure::NotFound);
    };
    let categories = categories(state, who, &activity.lead_organisation, &held).await?;
    let mut questions = fields(categories);
    let mut initial = vec![
        ("attendance.patients", attendance.patients),
        ("attendance.carers", attendance.carers),
        ("attendance.public", attendance.public),
        ("attendance.staff", attendance.staff),
    ]
    .into_iter()
    .map(|(name, n)| (name.to_owned(), n.to_string()))
    .collect::<Vec<_>>();
    for ((dimension, counts), field) in held.by_dimension().into_iter().zip(&questions[4..]) {
        let Kind::Counts(choices) = &field.kind else {
            continue;
        };
        for count in counts {
            if let Some(i) = choices
                .iter()
                .position(|c| c.value.eq_ignore_ascii_case(&count.category))
            {
                initial.push((count_name(dimension.field, i), count.count.to_string()));
            }
        }
    }
    for field in &mut questions {
        field.hint = match field.kind {
            Kind::Counts(_) => "Blank counts as none.".into(),
            _ => "Blank counts as 0.".into(),
        };
    }
    questions.extend(reason());
    let mut flow = about_activity(
        activity,
        About {
            tail: "held/correct",
            title: "Correct who took part",
            fields: questions,
            operation: operation!("amend_activity"),
            confirm: "Correct the record",
            note: "Record corrected",
        },
    );
    // The whole counts: what is left blank is none, not "as before".
    flow.fixed.insert("attendance".into(), json!({}));
    flow.fixed.insert("demographics".into(), json!({}));
    flow.initial = Sent(initial);
    Ok(flow)
}
