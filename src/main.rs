//! The `unjam` binary: parse arguments, apply the config file, run one command, render errors
//! once, exit.

mod cli;
mod commands;
mod config;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    let parsed = cli::Cli::command()
        .try_get_matches()
        .and_then(|m| cli::Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (mut cli, matches) = match parsed {
        Ok(x) => x,
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
        color: cli.color,
    };
    let config = if cli.no_config {
        None
    } else {
        match config::load() {
            Ok(c) => c,
            // A broken config file is a usage error: nothing was run.
            Err(e) => {
                ui.error(e);
                return ExitCode::from(commands::Status::Usage.code());
            }
        }
    };
    if let Some(c) = &config {
        c.apply(&mut cli, &matches);
    }
    let status = match cli.command {
        cli::Command::Clean(args) => commands::clean::run(args, &ui),
        cli::Command::Extract(args) => commands::extract::run(args, &ui),
        cli::Command::Thread(args) => commands::thread::run(*args, &ui),
        cli::Command::Forum(args) => commands::forum::run(*args, &ui),
        cli::Command::Completions(args) => commands::docs::completions(args, &ui),
        cli::Command::Man(args) => commands::docs::man(args, &ui),
        cli::Command::Config => commands::docs::config(config.as_ref(), cli.no_config, &ui),
    };
    ExitCode::from(status.code())
}
