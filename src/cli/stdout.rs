//! Standard output for the commands. A reader that stops early (`carerounds check ... |
//! head`) closes the pipe, and Rust's `print!` then panics; here the rest of the output
//! is dropped instead, and the command ends with its own exit status. Any other write
//! error is reported once, on stderr.

use std::fmt::Arguments;
use std::io::{self, Write};
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
