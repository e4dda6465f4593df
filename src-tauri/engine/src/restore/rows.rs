//! Rows per table: counted from a backup (a plain script's COPY blocks, or
//! an archive's data through `pg_restore -f -`) and on a server. Verify
//! compares a test restore with them; a restore ends by comparing its
//! target with them ([`RowCheckPlan`]).

use crate::catalog::{TableCheck, TableRows};
use crate::error::EngineError;
use crate::jobs::{RowCheck, RowDifference};
use crate::options::{BackupFormat, DumpSection, RestoreOptions};
use crate::server::connection::ConnectionSpec;
use crate::server::Server;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tusk_archive::BackupInfo;

/// Every table's rows in the backup at `path`: a plain script read
/// directly, an archive through `pg_restore` (which decodes every data
/// block, whatever its compression). Several COPY blocks of one table add up.
pub(crate) async fn count_archive_rows(
    path: &Path,
    format: BackupFormat,
    zstd: bool,
    pg_restore: Option<PathBuf>,
) -> Result<Vec<TableRows>, String> {
    let path = path.to_path_buf();
    let counts = match (format, pg_restore) {
        (BackupFormat::Plain, _) => tokio::task::spawn_blocking(move || {
            tusk_archive::count_plain_rows(&path).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())??,
        (_, Some(program)) => {
            tokio::task::spawn_blocking(move || count_with_pg_restore(&program, &path, zstd))
                .await
                .map_err(|e| e.to_string())??
        }
        (_, None) => return Err("no pg_restore to read the archive with".into()),
    };
    let mut by_table: BTreeMap<(String, String), u64> = BTreeMap::new();
    for c in counts {
        *by_table
            .entry((c.schema.unwrap_or_else(|| "public".into()), c.name))
            .or_default() += c.rows;
    }
    Ok(by_table
        .into_iter()
        .map(|((schema, name), rows)| TableRows { schema, name, rows })
        .collect())
}

/// A zstd archive is decompressed into pg_restore's stdin (which reads a
/// custom archive front to back).
fn count_with_pg_restore(
    program: &Path,
    archive: &Path,
    zstd: bool,
) -> Result<Vec<tusk_archive::CopyRows>, String> {
    use std::io::Read;
    let mut command = std::process::Command::new(program);
    command.args(["--data-only", "-f", "-"]);
    // A Tusk that is killed takes this pg_restore with it.
    crate::platform::die_with_parent_blocking(&mut command);
    if zstd {
        command.stdin(std::process::Stdio::piped());
    } else {
        command.arg(archive);
    }
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start pg_restore: {e}"))?;
    let feeder = child.stdin.take().map(|mut stdin| {
        let archive = archive.to_path_buf();
        std::thread::spawn(move || -> std::io::Result<()> {
            let file = std::fs::File::open(&archive)?;
            zstd::stream::copy_decode(file, &mut stdin)
        })
    });
    // stderr is drained beside stdout, so many warnings never block pg_restore.
    let mut stderr_pipe = child.stderr.take().expect("piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let counted = tusk_archive::count_copy_rows(child.stdout.take().expect("piped"));
    let status = child.wait().map_err(|e| e.to_string())?;
    let stderr = stderr.join().unwrap_or_default();
    if let Some(Ok(Err(e))) = feeder.map(|f| f.join()) {
        // A broken pipe only means pg_restore stopped first: its error says why.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!(
                "the archive's data does not read back: its zstd stream is damaged ({e})"
            ));
        }
    }
    let counted = counted.map_err(|e| format!("the archive's data does not read back: {e}"))?;
    if !status.success() {
        let first = stderr
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or(stderr.trim());
        return Err(format!(
            "the archive's data does not read back: {}",
            if first.is_empty() {
                "pg_restore failed"
            } else {
                first.trim()
            }
        ));
    }
    Ok(counted)
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

pub(crate) async fn count_on_server(
    psql: &Path,
    db: &ConnectionSpec,
    expected: &[TableRows],
) -> Result<Vec<TableCheck>, EngineError> {
    if expected.is_empty() {
        return Ok(Vec::new());
    }
    let env = db.tool_env("tusk-verify")?;
    let server = Server::new(psql, db, &env);
    // Only the tables that exist are counted: a missing one is reported
    // as not counted, and does not stop the others being counted.
    let values = expected
        .iter()
        .map(|t| format!("({}, {})", quote_literal(&t.schema), quote_literal(&t.name)))
        .collect::<Vec<_>>()
        .join(", ");
    let existing = server
        .query_work(
            &format!(
                "SELECT x.s, x.n FROM (VALUES {values}) AS x(s, n) \
                 WHERE to_regclass(quote_ident(x.s) || '.' || quote_ident(x.n)) IS NOT NULL"
            ),
            &[],
        )
        .await?;
    let exists = |t: &&TableRows| {
        existing
            .iter()
            .any(|r| r.len() == 2 && r[0] == t.schema && r[1] == t.name)
    };
    let present: Vec<&TableRows> = expected.iter().filter(exists).collect();
    if present.is_empty() {
        return Ok(expected
            .iter()
            .map(|t| TableCheck {
                schema: t.schema.clone(),
                name: t.name.clone(),
                expected: Some(t.rows),
                restored: None,
            })
            .collect());
    }
    let sql = present
        .iter()
        .map(|t| {
            format!(
                // ONLY: a parent's own rows, as its TABLE DATA holds them
                // (its children's rows are counted as theirs).
                "SELECT {}, {}, count(*) FROM ONLY {}.{}",
                quote_literal(&t.schema),
                quote_literal(&t.name),
                quote_ident(&t.schema),
                quote_ident(&t.name)
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let rows = server.query_work(&sql, &[]).await?;
    Ok(expected
        .iter()
        .map(|t| TableCheck {
            schema: t.schema.clone(),
            name: t.name.clone(),
            expected: Some(t.rows),
            restored: rows
                .iter()
                .find(|r| r.len() == 3 && r[0] == t.schema && r[1] == t.name)
                .and_then(|r| r[2].parse().ok()),
        })
        .collect())
}

/// Where a restore's expected rows come from.
enum Expected {
    /// Recorded in the history (at backup time, or by a verification).
    Recorded(Vec<TableRows>),
    /// Being counted from the archive beside the restore.
    Counting(tokio::task::JoinHandle<Result<Vec<TableRows>, String>>),
    /// Not known, and why.
    Unknown(String),
}

/// A restore's last step, planned before it runs: which tables it restores
/// and how many rows each has in the backup.
pub(crate) struct RowCheckPlan {
    /// The tables restored (`schema`, `name`); `None`: every table of the backup.
    tables: Option<BTreeSet<(String, String)>>,
    /// Schemas left out of the restore.
    excluded_schemas: Vec<String>,
    expected: Expected,
}

/// The counts found, for the history when it had none.
pub(crate) struct Counted {
    pub check: RowCheck,
    pub from_archive: Option<Vec<TableRows>>,
}

impl RowCheckPlan {
    /// Starts counting the archive's rows now (beside the restore) unless
    /// `recorded` already has them. `path` is the backup as it is on disk:
    /// an encrypted or streamed backup is not counted again.
    pub(crate) fn start(
        info: &BackupInfo,
        options: &RestoreOptions,
        chosen: Option<&Vec<i32>>,
        pg_restore: Option<PathBuf>,
        recorded: Option<Vec<TableRows>>,
        readable: bool,
    ) -> Option<RowCheckPlan> {
        let data_restored = !options.schema_only
            && (options.sections.is_empty() || options.sections.contains(&DumpSection::Data));
        if !data_restored {
            return None;
        }
        let tables = chosen.map(|ids| {
            info.entries
                .iter()
                .filter(|e| e.kind == "TABLE DATA" && ids.contains(&e.id))
                .map(|e| {
                    (
                        e.schema.clone().unwrap_or_else(|| "public".into()),
                        e.name.clone(),
                    )
                })
                .collect()
        });
        let expected = match recorded.filter(|r| !r.is_empty()) {
            Some(rows) => Expected::Recorded(rows),
            None if !readable => Expected::Unknown(
                "the backup is read as it is restored (encrypted or from a bucket), and its row counts are not in the history".into(),
            ),
            None => {
                let path = info.path.clone();
                let (format, zstd) = (info.format, info.zstd);
                Expected::Counting(tokio::spawn(async move {
                    count_archive_rows(&path, format, zstd, pg_restore).await
                }))
            }
        };
        Some(RowCheckPlan {
            tables,
            excluded_schemas: options.exclude_schemas.clone(),
            expected,
        })
    }

    /// Counts the rows of the restored tables in `db` and compares them.
    pub(crate) async fn check(self, psql: &Path, db: &ConnectionSpec) -> Option<Counted> {
        let (expected, from_archive) = match self.expected {
            Expected::Recorded(rows) => (rows, None),
            Expected::Counting(handle) => match handle.await.map_err(|e| e.to_string()) {
                Ok(Ok(rows)) => (rows.clone(), Some(rows)),
                Ok(Err(why)) | Err(why) => {
                    tracing::warn!(%why, "the backup's rows could not be counted");
                    return None;
                }
            },
            Expected::Unknown(why) => {
                tracing::info!(%why, "rows not compared after the restore");
                return None;
            }
        };
        let restored: Vec<TableRows> = expected
            .into_iter()
            .filter(|t| {
                self.tables
                    .as_ref()
                    .is_none_or(|set| set.contains(&(t.schema.clone(), t.name.clone())))
                    && !self.excluded_schemas.contains(&t.schema)
            })
            .collect();
        if restored.is_empty() {
            return None;
        }
        let counted = match count_on_server(psql, db, &restored).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "the restored rows could not be counted");
                return None;
            }
        };
        Some(Counted {
            check: row_check(&counted),
            from_archive,
        })
    }
}

/// "12 tables, 1,204,388 rows, all match", or which differ.
pub(crate) fn row_check(counted: &[TableCheck]) -> RowCheck {
    let rows: u64 = counted.iter().filter_map(|t| t.expected).sum();
    let differing: Vec<RowDifference> = counted
        .iter()
        .filter(|t| !t.matches())
        .map(|t| RowDifference {
            table: format!("{}.{}", t.schema, t.name),
            expected: t.expected.unwrap_or(0),
            found: t.restored,
        })
        .collect();
    let tables = counted.len();
    let summary = if differing.is_empty() {
        format!(
            "{} {}, {} {}, all match",
            tables,
            if tables == 1 { "table" } else { "tables" },
            thousands(rows),
            if rows == 1 { "row" } else { "rows" }
        )
    } else {
        let shown: Vec<String> = differing
            .iter()
            .take(5)
            .map(|d| match d.found {
                Some(found) => format!(
                    "{} has {} rows, the backup {}",
                    d.table,
                    thousands(found),
                    thousands(d.expected)
                ),
                None => format!("{} could not be counted (missing?)", d.table),
            })
            .collect();
        let more = differing.len().saturating_sub(shown.len());
        format!(
            "{} of {} tables differ from the backup: {}{}",
            differing.len(),
            tables,
            shown.join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        )
    };
    RowCheck {
        tables: tables as u32,
        rows,
        differing,
        summary,
    }
}

/// 1204388 → "1,204,388".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, expected: u64, restored: Option<u64>) -> TableCheck {
        TableCheck {
            schema: "public".into(),
            name: name.into(),
            expected: Some(expected),
            restored,
        }
    }

    #[test]
    fn says_all_match_or_names_the_tables_that_differ() {
        let all = row_check(&[
            table("a", 1_204_000, Some(1_204_000)),
            table("b", 388, Some(388)),
        ]);
        assert_eq!(all.summary, "2 tables, 1,204,388 rows, all match");
        assert!(all.differing.is_empty());
        let one = row_check(&[table("a", 1, Some(1))]);
        assert_eq!(one.summary, "1 table, 1 row, all match");
        let some = row_check(&[
            table("a", 10, Some(12)),
            table("b", 5, Some(5)),
            table("c", 3, None),
        ]);
        assert_eq!(
            some.summary,
            "2 of 3 tables differ from the backup: public.a has 12 rows, the backup 10; public.c could not be counted (missing?)"
        );
        assert_eq!(some.differing.len(), 2);
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }
}
