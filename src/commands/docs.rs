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
                    "no subcommand {name:?} (try clean, extract, thread, forum, completions, man, config)"
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

/// `unjam config`: the effective settings as a config file, each with where it comes from.
pub fn config(file: Option<&crate::config::Config>, ignored: bool, ui: &Ui) -> Status {
    use crate::config::{location, toml_str, KEYS};
    let cmd = Cli::command();
    // The settings' flags and defaults are those of `unjam thread` (the HTTP ones) and its
    // --format, as every command that has them shares them.
    let thread = cmd
        .get_subcommands()
        .find(|c| c.get_name() == "thread")
        .expect("thread subcommand");
    let mut out = String::new();
    match (location(), file, ignored) {
        (_, _, true) => out.push_str("# config file: ignored (--no-config)\n"),
        (_, Some(f), _) => out.push_str(&format!("# config file: {}\n", f.path.display())),
        (Some((p, _)), None, _) => {
            out.push_str(&format!("# config file: {} (none there)\n", p.display()))
        }
        (None, None, _) => out.push_str("# config file: none (no HOME)\n"),
    }
    for (key, env) in KEYS {
        let arg = thread
            .get_arguments()
            .find(|a| a.get_id() == key)
            .expect("every config key is a flag of thread");
        let quote = |v: &str| match key {
            "timeout" | "wait" | "retries" => v.to_string(),
            _ => toml_str(v),
        };
        let from_env = std::env::var(env).ok().filter(|v| !v.is_empty());
        let line = if let Some(v) = from_env {
            format!("{key} = {}  # environment, {env}", quote(&v))
        } else if let Some((v, line)) = file.and_then(|f| f.get(key)) {
            format!("{key} = {v}  # config file, line {line}")
        } else if let Some(d) = arg.get_default_values().first() {
            format!("{key} = {}  # default", quote(&d.to_string_lossy()))
        } else if key == "user_agent" {
            let ua = unjam::fetch::http::Config::default().user_agent;
            format!("{key} = {}  # default", toml_str(&ua))
        } else {
            format!("# {key} = (not set)  # {env}, --{}", key.replace('_', "-"))
        };
        out.push_str(&line);
        out.push('\n');
    }
    write_stdout(out.as_bytes(), ui)
}
