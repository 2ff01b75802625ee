//! The `partnership-ledger` binary: parses the command line and runs it.
// The schema's query root is one deep async type; an optimised build lays it out here.
#![recursion_limit = "256"]

use clap::Parser;
use partnership_ledger::{cli::Cli, telemetry};

/// The service allocates and frees many small, short-lived values per request and per event
/// (JSON, GraphQL values, documents); mimalloc serves those with far less contention and
/// bookkeeping than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let telemetry = telemetry::init();
    let ran = Cli::parse().run().await;
    telemetry.finish().await;
    match ran {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
