//! Standard output for the commands. A reader that stops early (`carerounds check ... |
//! head`) closes the pipe, and Rust's `print!` then panics; here the rest of the output
//! is dropped instead, and the command ends with its own exit status. Any other write
//! error is reported once, on stderr.

use anyhow::Context;
use std::fmt::Arguments;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write has failed, so the rest is dropped without a message per line.
static GONE: AtomicBool = AtomicBool::new(false);

/// Writes `args` to standard output (see the module's doc).
pub(crate) fn write(args: Arguments<'_>) {
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut o = io::stdout().lock();
    if let Err(e) = o.write_fmt(args).and_then(|()| o.flush()) {
        GONE.store(true, Ordering::Relaxed);
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {e}");
        }
    }
}

/// `print!` that survives a closed pipe.
macro_rules! put {
    ($($t:tt)*) => { $crate::cli::stdout::write(format_args!($($t)*)) };
}

/// `println!` that survives a closed pipe.
macro_rules! putln {
    ($($t:tt)*) => { $crate::cli::stdout::write(format_args!("{}\n", format_args!($($t)*))) };
}

pub(crate) use {put, putln};

/// Writes a command's document (a plan) to `out` and its summary for people to stdout;
/// without `out`, the document to stdout, for pipes, and the summary to stderr. `what`
/// names the document in the closing line ("plan written to ...").
pub(crate) fn emit(out: Option<&Path>, doc: &str, summary: &str, what: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, doc).with_context(|| format!("cannot write {}", path.display()))?;
            put!("{summary}");
            putln!("{what} written to {}", path.display());
        }
        None => {
            eprint!("{summary}");
            put!("{doc}");
        }
    }
    Ok(())
}
