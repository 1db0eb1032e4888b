//! `lcp`: the LCP-Nitro command-line tool (DESIGN.md §6).

use std::process::ExitCode;

fn main() -> ExitCode {
    lcp_client::cli::main()
}
