//! Output to a stream the reader may close at any time.

use std::io::Write;

/// Exit code of a program whose reader went away (128 + SIGPIPE), as the
/// shell reports a tool killed by SIGPIPE.
const CLOSED_PIPE: i32 = 141;

/// Writes one line; a closed pipe ends the program quietly. Any other write
/// error is ignored like `println!` would not: there is nowhere left to
/// report it.
pub fn write_line(stream: &mut impl Write, args: std::fmt::Arguments<'_>) {
    let written = stream
        .write_fmt(args)
        .and_then(|()| stream.write_all(b"\n"))
        .and_then(|()| stream.flush());
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_PIPE);
        }
    }
}
