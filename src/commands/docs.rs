//! `unjam completions` and `unjam man`: generated from the same clap definitions as `--help`,
//! so they cannot drift from the binary.

use super::{Status, Ui};
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use clap::CommandFactory;
use std::io::Write;

pub fn completions(args: CompletionsArgs, ui: &Ui) -> Status {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "unjam", &mut out);
    write_stdout(&out, ui)
}

pub fn man(args: ManArgs, ui: &Ui) -> Status {
    let cmd = Cli::command();
    if let Some(dir) = args.dir {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            ui.error(format!("cannot create {}: {e}", dir.display()));
            return Status::Failure;
        }
        return match clap_mangen::generate_to(cmd, &dir) {
            Ok(()) => {
                ui.info(format!("man pages written to {}", dir.display()));
                Status::Success
            }
            Err(e) => {
                ui.error(format!("cannot write man pages to {}: {e}", dir.display()));
                Status::Failure
            }
        };
    }
    let page = match args.command.as_deref() {
        None => cmd,
        Some(name) => {
            let mut cmd = cmd;
            // Subcommand pages are named `unjam-clean`, as `generate_to` names their files.
            cmd.build();
            match cmd.find_subcommand(name) {
                Some(sub) => sub.clone().name(format!("unjam-{name}")),
                None => {
                    return ui.usage(format!(
                    "no subcommand {name:?} (try clean, extract, thread, forum, completions, man)"
                ))
                }
            }
        }
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut out) {
        ui.error(format!("cannot render the man page: {e}"));
        return Status::Failure;
    }
    write_stdout(&out, ui)
}

fn write_stdout(bytes: &[u8], ui: &Ui) -> Status {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Status::Success,
        // `unjam man | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Success,
        Err(e) => {
            ui.error(format!("cannot write to stdout: {e}"));
            Status::Failure
        }
    }
}
