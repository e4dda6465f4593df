// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p tusk-app bindings`. Do not edit.

export type BackupFormat = "custom" | "plain" | "directory" | "tar";

export type Compression = { 
/**
 * "none", "gzip", "lz4" or "zstd".
 */
algorithm: string, 
/**
 * gzip level when the archive records it (custom/directory/tar before archive 1.15).
 */
level: number | null, };

export type BackupInfo = { path: string, format: BackupFormat, 
/**
 * Total bytes on disk (a directory archive's files summed).
 */
sizeBytes: number, 
/**
 * When pg_dump started. `None` only for a plain script that does not say.
 */
created: string | null, 
/**
 * Source database name. `None` only for a plain script made without `--create`.
 */
database: string | null, serverVersion: string, pgDumpVersion: string, 
/**
 * Archive format version ("1.14"); `None` for plain SQL.
 */
archiveVersion: string | null, compression: Compression, 
/**
 * A plain SQL script stored gzip-compressed (`pg_dump -Fp -Z n`).
 */
gzippedPlain: boolean, contents: BackupContents, 
/**
 * Every table-of-contents entry, in archive order.
 */
entries: Array<TocEntry>, };

export type BackupContents = { schemas: Array<string>, tables: Array<TableRef>, functions: number, views: number, sequences: number, indexes: number, triggers: number, constraints: number, hasBlobs: boolean, 
/**
 * Number of large objects (0 when `has_blobs` is false).
 */
blobCount: number, };

export type TableRef = { schema: string, name: string, 
/**
 * Bytes of this table's data in the archive (compressed as stored), when known.
 */
dataBytes: number | null, };

export type TocEntry = { 
/**
 * Dump id: the number `pg_restore -l` prints first and `-L` list files use.
 */
id: number, 
/**
 * pg_dump's description: "TABLE", "TABLE DATA", "INDEX", "FK CONSTRAINT", "BLOBS", …
 */
kind: string, schema: string | null, 
/**
 * The tag: object name ("t", "t t_pkey", …).
 */
name: string, owner: string | null, section: Section, 
/**
 * Dump ids this entry depends on.
 */
dependencies: Array<number>, 
/**
 * Where this entry's data lives, for entries that carry data (TABLE DATA, BLOBS, …).
 */
data: DataLocation | null, };

export type Section = "none" | "preData" | "data" | "postData";

export type DataLocation = { "kind": "range", start: number, end: number, } | { "kind": "file", name: string, size: number, };

export type DumpSection = "pre-data" | "data" | "post-data";

export type InsertMode = "copy" | "inserts" | "columnInserts";

export type BackupOptions = { 
/**
 * Connection profile to back up (resolved by the caller).
 */
connectionId: string, 
/**
 * Output file, or folder for the directory format.
 */
outputPath: string, format: BackupFormat, 
/**
 * Compression level 0–9 (0 = none). Not available for tar.
 */
compression: number, includeSchema: boolean, includeData: boolean, includePrivileges: boolean, includeOwnership: boolean, 
/**
 * Schemas to back up (`None` = all). pg_dump patterns are accepted.
 */
schemas: Array<string> | null, 
/**
 * Tables to back up (`None` = all), as `schema.table` or patterns.
 */
tables: Array<string> | null, excludeTables: Array<string>, 
/**
 * Tables whose definition is kept but whose rows are left out.
 */
excludeTableData: Array<string>, 
/**
 * Parallel dump jobs; used by the directory format only.
 */
jobs: number, 
/**
 * Seconds to wait for table locks; 0 waits forever.
 */
lockWaitTimeout: number, noSync: boolean, encoding: string | null, 
/**
 * Additional pg_dump arguments, checked by [`check_extra_args`].
 */
extraArgs: Array<string>, 
/**
 * Only these sections (empty = all).
 */
sections: Array<DumpSection>, 
/**
 * Large objects: `None` = pg_dump's default, `Some(true)` = `--blobs`,
 * `Some(false)` = `--no-blobs`.
 */
blobs: boolean | null, insertMode: InsertMode, rowsPerInsert: number | null, onConflictDoNothing: boolean, 
/**
 * Add `CREATE DATABASE` to the dump.
 */
create: boolean, 
/**
 * Add `DROP` statements before each `CREATE`.
 */
clean: boolean, ifExists: boolean, noComments: boolean, noPublications: boolean, noSubscriptions: boolean, noSecurityLabels: boolean, noTablespaces: boolean, noUnloggedTableData: boolean, loadViaPartitionRoot: boolean, 
/**
 * `SET ROLE` before dumping.
 */
role: string | null, 
/**
 * Keep pg_dump's verbose log. Progress is coarser without it.
 */
verbose: boolean, 
/**
 * Replace an existing file at `output_path` (never a non-empty folder).
 */
overwrite: boolean, };

export type BackupPreset = "standard" | "fast";

export type RestoreOptions = { connectionId: string, inputPath: string, 
/**
 * Database to restore into (`None` = the connection's database).
 */
targetDatabase: string | null, 
/**
 * Create `target_database` first; it must not exist.
 */
createDatabase: boolean, schemaOnly: boolean, dataOnly: boolean, 
/**
 * Restore only these schemas (`None` = all).
 */
schemas: Array<string> | null, 
/**
 * Restore only these tables, as `schema.table`, with their indexes,
 * constraints, triggers and sequences.
 */
tables: Array<string> | null, 
/**
 * Drop objects before recreating them.
 */
clean: boolean, 
/**
 * With `clean`: `DROP … IF EXISTS`.
 */
ifExists: boolean, noOwner: boolean, noPrivileges: boolean, exitOnError: boolean, singleTransaction: boolean, 
/**
 * Parallel restore jobs (custom and directory archives).
 */
jobs: number, disableTriggers: boolean, extraArgs: Array<string>, 
/**
 * Exactly these table-of-contents entries (dump ids from `info`).
 */
tocEntries: Array<number> | null, 
/**
 * `SET ROLE` before restoring.
 */
role: string | null, verbose: boolean, };

export type Phase = "preparing" | "connecting" | "readingCatalog" | "schema" | "data" | "postData" | "verifying" | "finishing";

export type BackupProgress = { phase: Phase, currentObject: string | null, objectsTotal: number | null, objectsCompleted: number, 
/**
 * Bytes of output written so far (backup) or of the archive read (restore).
 */
bytesWritten: number, elapsedMs: number, 
/**
 * 0–100, weighted by work, never decreasing.
 */
percent: number, 
/**
 * Estimated time left; `None` until there is enough to go on.
 */
etaMs: number | null, };

export type JobType = "backup" | "restore";

export type JobStatus = "pending" | "running" | "completed" | "completedWithWarnings" | "failed" | "cancelled";

export type JobOutcome = { jobId: string, jobType: JobType, status: JobStatus, startedAt: string, finishedAt: string, durationMs: number, exitCode: number | null, 
/**
 * The backup written (backups that completed only).
 */
outputPath: string | null, sizeBytes: number | null, 
/**
 * Why it failed, in plain words.
 */
error: Explanation | null, 
/**
 * Warnings worth a look even though the job completed.
 */
warnings: Array<string>, 
/**
 * Error lines the tool printed (bounded).
 */
errors: Array<string>, 
/**
 * The last lines of the log.
 */
lastLines: Array<string>, 
/**
 * The command that ran, without the password.
 */
command: string, progress: BackupProgress, };

export type FailureKind = "authentication" | "unreachable" | "missingDatabase" | "missingRole" | "permissionDenied" | "diskFull" | "versionMismatch" | "lockTimeout" | "alreadyExists" | "textDumpForPgRestore" | "other";

export type Explanation = { kind: FailureKind, 
/**
 * One sentence: what went wrong.
 */
summary: string, 
/**
 * What to do about it.
 */
hint: string, };

export type ErrorPayload = { kind: string, message: string, detail: string | null, };

export type PgVersion = number;

export type ServerInfo = { version: PgVersion, 
/**
 * `version()`: "PostgreSQL 15.18 (Debian …) on x86_64…"
 */
versionText: string, database: string, user: string, };

export type ToolInfo = { name: string, path: string, version: PgVersion, 
/**
 * What `--version` printed.
 */
versionText: string, };

export type ToolChoice = { tool: ToolInfo, 
/**
 * Why this one, in a sentence.
 */
reason: string, };

export type BackupPlan = { command: string, server: ServerInfo, pgDump: ToolChoice, tables: number, estimatedBytes: number, };

export type RestorePreflight = { server: ServerInfo, tool: ToolChoice, targetDatabase: string, createsDatabase: boolean, 
/**
 * Other sessions connected to the target right now.
 */
activeConnections: number, 
/**
 * Tables and other relations already in the target.
 */
existingRelations: number, 
/**
 * With clean: the archive objects that will be dropped first.
 */
willDrop: Array<string>, warnings: Array<string>, command: string, };

export type DbObjects = { database: string, serverVersion: string, schemas: Array<SchemaObjects>, };

export type SchemaObjects = { name: string, tables: Array<TableObject>, };

export type TableObject = { name: string, rowsEstimate: number, bytes: number, };

export type PasswordStorage = "keychain" | "session" | "none";

export type ConnectionProfile = { id: string, name: string, host: string | null, port: number | null, database: string | null, user: string | null, sslmode: string | null, passwordStorage: PasswordStorage, isDemo: boolean, };

export type SaveConnection = { 
/**
 * `None` creates a new profile.
 */
id: string | null, name: string, host: string | null, port: number | null, database: string | null, user: string | null, sslmode: string | null, 
/**
 * `None` keeps the stored password.
 */
password: string | null, forgetPassword: boolean, };

export type JobStarted = { jobId: string, jobType: JobType, command: string, };

export type JobSummary = { jobId: string, jobType: JobType, label: string, status: JobStatus, startedAt: string, progress: BackupProgress | null, outcome: JobOutcome | null, };
