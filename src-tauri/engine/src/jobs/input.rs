//! What a tool reads on its stdin: a gzip file decompressed, or a reader
//! (a download) fed from a thread of its own, its last chunk held back until
//! the reader has ended well.

use super::Input;

/// Opens what a tool's stdin is fed from, on the thread that reads it.
pub(super) type OpenSource = Box<dyn FnOnce() -> std::io::Result<Box<dyn std::io::Read>> + Send>;

/// What `input` feeds the tool, if anything.
pub(super) fn source(input: Input) -> Option<OpenSource> {
    match input {
        Input::Gunzip(path) => Some(Box::new(move || {
            let file = std::io::BufReader::new(std::fs::File::open(&path)?);
            Ok(Box::new(flate2::read::MultiGzDecoder::new(file)) as Box<dyn std::io::Read>)
        })),
        Input::Reader(reader) => Some(Box::new(move || {
            let reader = reader
                .into_inner()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            Ok(reader as Box<dyn std::io::Read>)
        })),
        Input::Null => None,
    }
}

/// Feeds what `open` reads into the tool's stdin, from a thread of its
/// own; the last chunk read is held back until the reader has ended well.
/// A failed reader gives stdin back unclosed: the tool must be stopped, not
/// see an end of input (psql commits a single transaction at its end).
pub(super) async fn feed(
    open: OpenSource,
    mut stdin: tokio::process::ChildStdin,
) -> Result<(), (std::io::Error, Option<tokio::process::ChildStdin>)> {
    use tokio::io::AsyncWriteExt;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(8);
    let reader = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut reader = open()?;
        let mut held: Option<Vec<u8>> = None;
        loop {
            let mut buf = vec![0u8; 256 * 1024];
            let n = reader.read(&mut buf)?;
            if n == 0 {
                if let Some(last) = held {
                    let _ = tx.blocking_send(last);
                }
                return Ok(());
            }
            buf.truncate(n);
            if let Some(before) = held.replace(buf) {
                // The tool is gone: its end tells why.
                if tx.blocking_send(before).is_err() {
                    return Ok(());
                }
            }
        }
    });
    while let Some(chunk) = rx.recv().await {
        if let Err(e) = stdin.write_all(&chunk).await {
            return Err((e, None));
        }
    }
    match reader.await.map_err(std::io::Error::other) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) | Err(e) => Err((e, Some(stdin))),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use crate::jobs::progress::Tracker;
    use crate::jobs::{run_tool, CancelHandle, Input, NoProbe, Output, RunResult, ToolRun};
    use crate::server::connection::ToolEnv;
    use std::io::Read;

    /// `len` bytes, then an error instead of the end (a checksum that did
    /// not match), or the end when `fails` is off.
    struct Source {
        left: usize,
        fails: bool,
    }

    impl Read for Source {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return if self.fails {
                    Err(std::io::Error::other("the checksum did not match"))
                } else {
                    Ok(0)
                };
            }
            let n = buf.len().min(self.left).min(100_000);
            buf[..n].fill(b'x');
            self.left -= n;
            Ok(n)
        }
    }

    /// A tool that copies stdin into `out`, then says it saw the end.
    async fn fed(out: &std::path::Path, fails: bool) -> RunResult {
        let run = ToolRun {
            program: "/bin/sh".into(),
            args: vec![
                "-c".into(),
                format!("cat > '{}' && echo saw-the-end >&2", out.display()).into(),
            ],
            env: &ToolEnv::empty(),
            input: Input::Reader(std::sync::Mutex::new(Box::new(Source {
                left: 1_000_000,
                fails,
            }))),
            output: Output::Null,
            parse: |_| None,
        };
        let mut tracker = Tracker::new(Vec::new());
        run_tool(
            run,
            &mut tracker,
            &mut NoProbe,
            &CancelHandle::new(),
            &|_| {},
        )
        .await
    }

    #[tokio::test]
    async fn an_input_that_fails_at_its_end_stops_the_tool_before_it_sees_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got");
        let r = fed(&out, false).await;
        assert!(r.input_error.is_none());
        assert_eq!(r.exit_code, Some(0));
        assert_eq!(std::fs::metadata(&out).unwrap().len(), 1_000_000);

        let r = fed(&out, true).await;
        let error = r.input_error.expect("the input's error");
        assert!(error.to_string().contains("checksum"), "{error}");
        assert_ne!(r.exit_code, Some(0), "stopped, not ended");
        assert!(
            !r.log.lines().iter().any(|l| l.contains("saw-the-end")),
            "{:?}",
            r.log.lines()
        );
        let got = std::fs::metadata(&out).unwrap().len();
        assert!(got < 1_000_000, "the last chunk was held back: {got}");
    }
}
