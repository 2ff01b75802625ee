//! The checked-in schema is the code's schema.

#[test]
fn checked_in_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql");
    let code = partnership_ledger::api::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(path, &code).expect("write schema");
    }
    let file = std::fs::read_to_string(path).expect("schema/schema.graphql exists");
    assert!(
        file == code,
        "schema/schema.graphql differs from the code; regenerate with `UPDATE_SCHEMA=1 cargo test --test api schema`"
    );
}
