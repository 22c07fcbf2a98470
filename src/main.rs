//! The `unjam` binary: parse arguments, run one command, render errors once, exit.

mod cli;
mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    commands::Logger::install(cli.verbose, cli.quiet);
    let ui = commands::Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let status = match cli.command {
        cli::Command::Clean(args) => commands::clean::run(args, &ui),
        cli::Command::Extract(args) => commands::extract::run(args, &ui),
        cli::Command::Thread(args) => commands::thread::run(*args, &ui),
        cli::Command::Forum(args) => commands::forum::run(*args, &ui),
        cli::Command::Completions(args) => commands::docs::completions(args, &ui),
        cli::Command::Man(args) => commands::docs::man(args, &ui),
    };
    ExitCode::from(status.code())
}
