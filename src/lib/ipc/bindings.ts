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
gzippedPlain: boolean, 
/**
 * A custom archive stored inside one zstd stream (the fast preset:
 * `pg_dump -Fc -Z0 | zstd`). Stock pg_restore reads it after `zstd -d`;
 * data positions are those of the decompressed archive.
 */
zstd: boolean, 
/**
 * A plain SQL script: what it would make psql do besides running SQL
 * in the chosen database (backslash commands, database switches, …).
 * Empty for archives, which pg_restore runs without psql.
 */
script: ScriptFindings, contents: BackupContents, 
/**
 * Every table-of-contents entry, in archive order.
 */
entries: Array<TocEntry>, };

export type ScriptFindings = { items: Array<ScriptFinding>, 
/**
 * Findings past the first [`MAX_FINDINGS`], not listed.
 */
more: number, };

export type ScriptFinding = { kind: FindingKind, 
/**
 * 1-based line of the script where it starts.
 */
line: number, 
/**
 * The command or the start of the statement, shortened.
 */
text: string, };

export type FindingKind = "metaCommand" | "databaseSwitch" | "serverProgram" | "unreadableChange";

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

export type Encryption = { "kind": "none" } | { "kind": "passphrase" } | { "kind": "recipients", recipients: Array<string>, };

export type CompressionMethod = "gzip" | "zstd" | "pgZstd" | "lz4";

export type StatisticsMode = "default" | "include" | "exclude" | "only";

export type BackupScope = "database" | "server" | "globals";

export type GlobalsContent = "all" | "rolesOnly" | "tablespacesOnly";

export type ServerOptions = { 
/**
 * Globals backups only: which globals.
 */
globals: GlobalsContent, 
/**
 * Leave the role passwords out (`--no-role-passwords`). Tusk turns it
 * on by itself, with a warning, where the user cannot read `pg_authid`
 * (managed services).
 */
noRolePasswords: boolean, 
/**
 * Databases to back up (names or `*` patterns; empty: every database
 * that takes connections, templates left out).
 */
includeDatabases: Array<string>, 
/**
 * Databases left out (names or `*` patterns).
 */
excludeDatabases: Array<string>, 
/**
 * Databases backed up at once (1–8).
 */
parallel: number, };

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
 * Compression level: gzip 0–9 (0 = none), zstd 1–19. Not available for tar.
 */
compression: number, compressionMethod: CompressionMethod, includeSchema: boolean, includeData: boolean, includePrivileges: boolean, includeOwnership: boolean, 
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
 * Schemas left out (`-N`).
 */
excludeSchemas: Array<string>, 
/**
 * The table patterns above also take partitions and child tables
 * (`--table-and-children` and friends, pg_dump 16+).
 */
includeChildTables: boolean, 
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
 * Large objects: `None` = pg_dump's default, `Some(true)` =
 * `--large-objects`, `Some(false)` = `--no-large-objects` (`--blobs` and
 * `--no-blobs` for pg_dump before 16).
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
role: string | null, useSetSessionAuthorization: boolean, quoteAllIdentifiers: boolean, disableDollarQuoting: boolean, 
/**
 * `--extra-float-digits` (-15 to 3).
 */
extraFloatDigits: number | null, enableRowSecurity: boolean, 
/**
 * Data-only: triggers off while the data loads.
 */
disableTriggers: boolean, 
/**
 * pg_dump 14+.
 */
noToastCompression: boolean, 
/**
 * pg_dump 15+.
 */
noTableAccessMethod: boolean, 
/**
 * pg_dump 18+ (but `Default`).
 */
statistics: StatisticsMode, 
/**
 * Row security policies left out (pg_dump 18+).
 */
noPolicies: boolean, 
/**
 * Sequence values even where pg_dump would leave them out (pg_dump 18+).
 */
sequenceData: boolean, 
/**
 * Keep pg_dump's verbose log. Progress is coarser without it.
 */
verbose: boolean, 
/**
 * Replace an existing file at `output_path` (never a non-empty folder).
 */
overwrite: boolean, 
/**
 * Encrypt the backup with age (not the directory format).
 */
encryption: Encryption, 
/**
 * What is backed up: one database (the default), the whole server, or
 * its roles and tablespaces only.
 */
scope: BackupScope, 
/**
 * The whole server's and the globals' choices (with those scopes).
 */
server: ServerOptions, };

export type BackupPreset = "standard" | "fast";

export type PresetChoice = { format: BackupFormat, compression: number, compressionMethod: CompressionMethod, };

export type RestoreOptions = { connectionId: string, inputPath: string, 
/**
 * Database to restore into (`None` = the connection's database).
 */
targetDatabase: string | null, 
/**
 * Create `target_database` first; it must not exist.
 */
createDatabase: boolean, 
/**
 * Create the database named in the archive, with its own properties
 * (encoding, locale, settings: `pg_restore --create`), connected to the
 * connection's database; it must not exist.
 */
createFromArchive: boolean, schemaOnly: boolean, dataOnly: boolean, 
/**
 * Only these sections (empty = all).
 */
sections: Array<DumpSection>, 
/**
 * Restore only these schemas (`None` = all).
 */
schemas: Array<string> | null, 
/**
 * Schemas left out (`-N`).
 */
excludeSchemas: Array<string>, 
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
ifExists: boolean, noOwner: boolean, noPrivileges: boolean, exitOnError: boolean, 
/**
 * All or nothing (`--single-transaction`; psql `-1`). Left out of a
 * request (`None`): on for one job, off for parallel jobs (pg_restore
 * cannot run them inside one transaction) and for a restore that creates
 * the archive's database; the plan then says so.
 */
singleTransaction: boolean | null, 
/**
 * Parallel restore jobs (custom and directory archives).
 */
jobs: number, disableTriggers: boolean, noTablespaces: boolean, noComments: boolean, noPublications: boolean, noSubscriptions: boolean, noSecurityLabels: boolean, 
/**
 * pg_restore 15+.
 */
noTableAccessMethod: boolean, 
/**
 * pg_restore 18+.
 */
noPolicies: boolean, 
/**
 * Planner statistics in the archive left out (pg_restore 18+; done by
 * itself for a server older than 18, which cannot load them).
 */
noStatistics: boolean, 
/**
 * A table that fails to be created gets no data (instead of loading
 * into a table of that name that already exists).
 */
noDataForFailedTables: boolean, useSetSessionAuthorization: boolean, enableRowSecurity: boolean, extraArgs: Array<string>, 
/**
 * Exactly these table-of-contents entries (dump ids from `info`).
 */
tocEntries: Array<number> | null, 
/**
 * `SET ROLE` before restoring.
 */
role: string | null, verbose: boolean, 
/**
 * Back up the target first when the restore drops objects or goes into
 * a database that is not empty.
 */
safetyBackup: boolean, 
/**
 * Restore even though the file's SHA-256 no longer matches the catalog.
 */
ignoreChecksum: boolean, 
/**
 * Restore into a new database, then swap it in for the target by
 * renaming (the old one is kept under a dated name): all or nothing.
 */
swap: boolean, 
/**
 * Run a plain SQL script even though it holds psql commands pg_dump
 * never writes (`\!`, `\copy`, `\o`, `COPY … PROGRAM`, …): only for a
 * script the user wrote or trusts.
 */
allowScriptCommands: boolean, };

export type Phase = "preparing" | "safetyBackup" | "unpacking" | "connecting" | "readingCatalog" | "schema" | "data" | "postData" | "verifying" | "finishing";

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

export type JobType = "backup" | "restore" | "verify";

export type JobStatus = "pending" | "running" | "completed" | "completedWithWarnings" | "failed" | "cancelled";

export type RowDifference = { 
/**
 * `schema.table`.
 */
table: string, expected: number, 
/**
 * `None`: the table could not be counted (it is missing).
 */
found: number | null, };

export type RowCheck = { tables: number, 
/**
 * Rows in the backup, all tables compared together.
 */
rows: number, differing: Array<RowDifference>, 
/**
 * "12 tables, 1,204,388 rows, all match", or which differ.
 */
summary: string, };

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
command: string, progress: BackupProgress, 
/**
 * The catalog record of the backup this job wrote; for a restore, of the
 * safety backup taken of the target first.
 */
backupId: string | null, 
/**
 * SHA-256 of the backup written.
 */
sha256: string | null, 
/**
 * A restore's safety backup of the target, taken before it was touched.
 */
safetyBackup: string | null, 
/**
 * A backup made into a bucket: `DEST:KEY`.
 */
location: string | null, 
/**
 * A restore's last step: the restored tables' rows on the target
 * against the backup's (none when they could not be known).
 */
rowCheck: RowCheck | null, };

export type FailureKind = "authentication" | "unreachable" | "missingDatabase" | "missingRole" | "permissionDenied" | "diskFull" | "versionMismatch" | "lockTimeout" | "alreadyExists" | "missingObject" | "readOnly" | "encoding" | "textDumpForPgRestore" | "storage" | "other";

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
versionText: string, 
/**
 * pg_dump 16+: the compression methods this build has (gzip, lz4,
 * zstd: builds without lz4 or zstd exist). Empty for other tools.
 */
compression: Array<string>, };

export type ToolsView = { tools: Array<ToolInfo>, 
/**
 * The folders the user added, searched first.
 */
added: string[], 
/**
 * `TUSK_PG_BIN`: the only folder searched, whatever is added.
 */
fixed: string | null, 
/**
 * Every folder searched, in order.
 */
searched: Array<string>, };

export type ConnectionTools = { 
/**
 * The server, when it answered.
 */
server: ServerInfo | null, 
/**
 * Why it did not: the picks are then for an unknown version.
 */
serverError: string | null, picks: Array<ToolPick>, };

export type ToolPick = { name: string, choice: ToolChoice | null, error: string | null, };

export type ToolChoice = { tool: ToolInfo, 
/**
 * Why this one, in a sentence.
 */
reason: string, };

export type BackupPlan = { command: string, server: ServerInfo, pgDump: ToolChoice, tables: number, estimatedBytes: number, };

export type ServerDatabase = { name: string, 
/**
 * `pg_database_size`.
 */
bytes: number, owner: string, 
/**
 * A whole-server backup with these options takes it.
 */
chosen: boolean, 
/**
 * Why it is left out, when it is.
 */
leftOutBecause: string | null, };

export type ServerBackupPlan = { command: string, server: ServerInfo, pgDump: ToolChoice, pgDumpall: ToolChoice, 
/**
 * Every database of the server, chosen or not (and why not).
 */
databases: Array<ServerDatabase>, estimatedBytes: number, warnings: Array<string>, };

export type ServerContents = { version: number, 
/**
 * `host:port` (or the socket folder) it was taken from.
 */
server: string, serverVersion: string, takenAt: string, 
/**
 * The databases' format.
 */
format: BackupFormat, 
/**
 * The role passwords were left out (`--no-role-passwords`).
 */
noRolePasswords: boolean, parts: Array<BackupPart>, };

export type DatabaseRestorePlan = { name: string, file: string, 
/**
 * The database exists on the target with no tables (a fresh server's
 * `postgres`): restored into; otherwise created from the archive.
 */
intoExisting: boolean, };

export type ServerRestorePlan = { server: ServerInfo, contents: ServerContents, globals: boolean, 
/**
 * Roles in the globals the target already has: left as they are.
 */
existingRoles: Array<string>, databases: Array<DatabaseRestorePlan>, warnings: Array<string>, };

export type ServerRestoreInput = { 
/**
 * The server backup's folder.
 */
path: string, 
/**
 * These databases only (`null`: all of them).
 */
databases: Array<string> | null, 
/**
 * Leave the roles and tablespaces out.
 */
skipGlobals: boolean, 
/**
 * pg_restore jobs per database.
 */
jobs: number, };

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

export type S3Destination = { 
/**
 * What the user calls it: `offsite`, `r2`.
 */
name: string, 
/**
 * `https://s3.eu-central-1.amazonaws.com`, `http://127.0.0.1:3900`;
 * none: AWS S3 in `region`.
 */
endpoint: string | null, region: string, bucket: string, 
/**
 * Folder inside the bucket every key goes under (`tusk/laptop`).
 */
prefix: string, 
/**
 * `endpoint/bucket/key` requests (Garage, MinIO, Ceph) instead of
 * `bucket.endpoint/key` (AWS, R2).
 */
pathStyle: boolean, accessKeyId: string, };

export type SavedDestination = { destination: S3Destination, 
/**
 * Where its secret access key is.
 */
secretStorage: PasswordStorage, };

export type DestinationsView = { destinations: Array<SavedDestination>, 
/**
 * Where the passphrase that encrypts backups is (`none`: not set).
 */
encryptionPassphrase: PasswordStorage, 
/**
 * Where the private key (age identity) that decrypts backups made to
 * its public key is (`none`: not set).
 */
encryptionIdentity: PasswordStorage, 
/**
 * The public keys (`age1…`) of the saved private key: what to give
 * `tusk backup --recipient` so that this app can read the backups.
 */
identityRecipients: Array<string>, };

export type SaveDestination = { 
/**
 * The name it had, when an existing destination is edited.
 */
originalName: string | null, destination: S3Destination, 
/**
 * `None` keeps the stored secret.
 */
secret: string | null, };

export type StorageFailure = "dns" | "tls" | "unreachable" | "timeout" | "credentials" | "clockSkew" | "noBucket" | "forbidden" | "notFound" | "alreadyExists" | "other";

export type TestStep = { 
/**
 * "write", "read", "delete".
 */
step: string, ok: boolean, detail: string, failure: StorageFailure | null, };

export type RemoteBackup = { 
/**
 * The backup's key, relative to the destination's prefix.
 */
key: string, record: BackupRecord, };

export type BucketListing = { backups: Array<RemoteBackup>, 
/**
 * Manifests that could not be read, with why.
 */
unreadable: Array<string>, };

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

export type BackupNotes = { name: string | null, description: string | null, };

export type RestorePlan = { preflight: RestorePreflight, safety: RestoreSafety, 
/**
 * Handed back to `restore_backup`: the restore runs only as this plan
 * (same options, backup file, server and target).
 */
token: string, };

export type RestoreConfirmation = { token: string, typedName: string | null, };

export type RestoreSafety = { 
/**
 * Where the safety backup of the target will go, when one is taken.
 */
safetyBackup: string | null, 
/**
 * Why a safety backup is (or would be) taken.
 */
safetyReason: string | null, 
/**
 * The backup as the history knows it.
 */
catalogBackup: BackupRecord | null, 
/**
 * The checksum will be checked before anything is touched.
 */
checksChecksum: boolean, 
/**
 * With swap: the database replaced (what the user confirms by typing
 * it), the temporary database restored into, and the name the current
 * database is kept under.
 */
swapTarget: string | null, swapTempDatabase: string | null, swapKeepAs: string | null, 
/**
 * What the user must confirm before this restore runs (empty: nothing;
 * the app asks for `confirm_name` to be typed, the CLI for `--yes`).
 */
mustConfirm: Array<string>, 
/**
 * The database whose name confirms it.
 */
confirmName: string | null, };

export type RestoreRecord = { id: string, host: string | null, port: number | null, 
/**
 * The database that may hold part of the backup.
 */
database: string, connectionId: string | null, inputPath: string, options: RestoreOptions, startedAt: string, finishedAt: string | null, status: BackupStatus, 
/**
 * It stopped part way: `database` holds part of the backup.
 */
incomplete: boolean, 
/**
 * The restore created `database`: dropping it loses nothing that was
 * there before.
 */
createdDatabase: boolean, error: string | null, };

export type BackupStatus = "running" | "completed" | "completedWithWarnings" | "failed" | "cancelled" | "interrupted";

export type BackupReason = "manual" | "scheduled" | "preRestore" | "beforeImport" | "imported";

export type Source = { 
/**
 * The app's connection profile, when it came from one.
 */
connectionId: string | null, 
/**
 * What the user calls it: the profile's or remote's name, else host/database.
 */
connectionName: string | null, host: string | null, port: number | null, user: string | null, database: string, };

export type BackupCopy = { 
/**
 * The destination's name.
 */
destination: string, 
/**
 * The object's key, under the destination's prefix.
 */
key: string, sizeBytes: number | null, sha256: string | null, storedAt: string, };

export type PartKind = "globals" | "database";

export type BackupPart = { kind: PartKind, 
/**
 * The database's name; `globals` for the globals.
 */
name: string, 
/**
 * Its file's name inside the server backup's folder.
 */
file: string, status: BackupStatus, sizeBytes: number | null, sha256: string | null, 
/**
 * Why it failed, in plain words.
 */
error: string | null, durationMs: number, 
/**
 * The database's size on the server when it was backed up.
 */
databaseBytes: number | null, 
/**
 * The globals: the roles the script creates.
 */
roles: Array<string>, };

export type RowTotals = { tables: number, rows: number, };

export type BackupRecord = { id: string, name: string, description: string | null, source: Source, format: BackupFormat, compression: number, path: string, sizeBytes: number | null, 
/**
 * SHA-256 of the file; for a directory backup, of its `.sha256` listing.
 */
sha256: string | null, serverVersion: string | null, pgDumpVersion: string | null, startedAt: string, finishedAt: string | null, durationMs: number | null, status: BackupStatus, reason: BackupReason, scheduleId: string | null, 
/**
 * Why it failed, in plain words.
 */
error: string | null, warnings: Array<string>, options: BackupOptions, verification: Verification | null, 
/**
 * Whether the file is still where the catalog says (checked when read).
 * A backup made straight into a bucket has no local file: its `path`
 * is empty and its `copies` say where it is.
 */
fileExists: boolean, 
/**
 * Where the backup is besides its local file: buckets, by destination.
 */
copies: Array<BackupCopy>, 
/**
 * A whole-server backup's parts: its globals and each database.
 */
parts: Array<BackupPart>, 
/**
 * Tables and their rows in the backup, once counted (just after the
 * backup, by a verification or by a restore); `None` until then.
 */
rows: RowTotals | null, };

export type VerifyStatus = "passed" | "failed";

export type VerifyCheck = { 
/**
 * "checksum", "archive", "rows" or "testRestore".
 */
name: string, ok: boolean, detail: string, };

export type TableCheck = { schema: string, name: string, expected: number | null, restored: number | null, };

export type Verification = { status: VerifyStatus, checkedAt: string, durationMs: number, 
/**
 * One line: what was proven, or what failed.
 */
summary: string, checks: Array<VerifyCheck>, tables: Array<TableCheck>, 
/**
 * Where the test restore ran (`host:port`), when it ran.
 */
restoredOn: string | null, };

export type BackupQuery = { connectionId: string | null, 
/**
 * Matches the connection name or the database name exactly.
 */
connectionName: string | null, database: string | null, scheduleId: string | null, statuses: Array<BackupStatus>, 
/**
 * Words found (any case) in the name, note, database or connection
 * name: every word must be found in one of them.
 */
search: string | null, limit: number, offset: number, };

export type BackupPage = { items: Array<BackupRecord>, 
/**
 * Matching backups in all pages.
 */
total: number, 
/**
 * The size of the matching backups' files, all pages together.
 */
totalBytes: number, offset: number, limit: number, };

export type ExportFormat = "csv" | "json";

export type ImportReport = { imported: Array<string>, alreadyKnown: Array<string>, 
/**
 * Manifests that could not be read, with why.
 */
skipped: Array<string>, };

export type OpenReport = { 
/**
 * Jobs whose process died, now marked interrupted (their partial files removed).
 */
interrupted: Array<string>, 
/**
 * The catalog file was damaged and was rebuilt.
 */
rebuilt: boolean, 
/**
 * Where the damaged file was moved.
 */
damagedCopy: string | null, 
/**
 * Backups recovered from the catalog's own backup copy.
 */
restoredFromCopy: number, 
/**
 * Backups re-imported from sidecar files.
 */
imported: number, };

export type Trigger = { "kind": "cron", expression: string, } | { "kind": "interval", everySecs: number, };

export type NotifyOn = "never" | "failure" | "always";

export type Gfs = { 
/**
 * Keep every backup this many hours back.
 */
allHours: number, 
/**
 * Then the newest of each day, this many days back.
 */
dailyDays: number, 
/**
 * Then the newest of each week, this many days back.
 */
weeklyDays: number, };

export type RetentionPolicy = { keepLast: number | null, maxAgeDays: number | null, gfs: Gfs | null, 
/**
 * The newest successful backups always kept, whatever the rules say.
 */
minKeep: number, 
/**
 * The newest backups whose verification passed, always kept.
 */
minVerified: number, };

export type OwnRetention = { 
/**
 * Backups made by hand (the Backup dialog, `tusk backup`).
 */
manual: RetentionPolicy | null, 
/**
 * Backups taken by Tusk before a restore replaced data.
 */
safety: RetentionPolicy | null, };

export type OwnKind = "manual" | "safety";

export type Schedule = { id: string, name: string, enabled: boolean, 
/**
 * The database to back up (the password comes from the keychain or ~/.pgpass).
 */
source: Source, sslmode: string | null, trigger: Trigger, 
/**
 * IANA time zone the cron expression is read in ("Europe/Paris", "UTC").
 */
timezone: string, 
/**
 * Backup options; the output path is chosen per run inside `destination`.
 */
options: BackupOptions, destination: string, 
/**
 * Buckets each backup is copied to once made (3-2-1); the local file
 * stays, and retention applies to it.
 */
copyTo: Array<string>, 
/**
 * Back up straight into this destination (a bucket), streamed, instead
 * of into `destination`: nothing is written on this machine.
 */
bucket: string | null, retention: RetentionPolicy, verifyAfter: boolean, notify: NotifyOn, 
/**
 * The notification channels (webhooks, e-mail) told as `notify` says,
 * besides the desktop, by name.
 */
notifyVia: Array<string>, 
/**
 * Further attempts after a failed one.
 */
maxRetries: number, 
/**
 * Wait before the first retry; doubled for each next one.
 */
retryDelaySecs: number, createdAt: string, nextRunAt: string | null, 
/**
 * Made by Tusk when the user asked for automatic backups of a
 * connection (seed 002 §3): also run at start when the connection's
 * last good backup is over a day old.
 */
automatic: boolean, };

export type RunStatus = "running" | "succeeded" | "failed" | "interrupted";

export type ScheduleRun = { id: string, scheduleId: string, 
/**
 * The time it was due.
 */
scheduledFor: string, startedAt: string, finishedAt: string | null, status: RunStatus, attempts: number, 
/**
 * The backup it made (the last attempt's).
 */
backupId: string | null, error: string | null, 
/**
 * Backups the retention policy removed after this run.
 */
pruned: number, };

export type ScheduleStats = { totalRuns: number, successfulRuns: number, failedRuns: number, lastRun: ScheduleRun | null, running: boolean, };

export type ScheduleSummary = { schedule: Schedule, stats: ScheduleStats, };

export type AutomaticBackups = { 
/**
 * The schedule they run as (disabled when turned off).
 */
schedule: Schedule | null, enabled: boolean, 
/**
 * "Back this database up automatically?" was asked already.
 */
offered: boolean, lastGoodBackup: string | null, nextRun: string | null, };

export type PruneDecision = { id: string, keep: boolean, 
/**
 * Why: "newest 7", "daily 2026-11-30", "minimum kept", or why not.
 */
reason: string, };

export type PrunePreview = { decision: PruneDecision, backup: BackupRecord, };

export type RetentionGroup = { kind: OwnKind, database: string, connection: string, items: Array<PrunePreview>, };

export type TriggerPreview = { description: string, nextRuns: Array<string>, timezone: string, };

export type Notice = { scheduleId: string, title: string, body: string, failed: boolean, };

export type WebhookFormat = "json" | "slack";

export type Webhook = { format: WebhookFormat, };

export type SmtpSecurity = "startTls" | "tls" | "none";

export type Email = { 
/**
 * The SMTP server's host name.
 */
host: string, 
/**
 * Default: 587 with STARTTLS, 465 with TLS, 25 without.
 */
port: number | null, security: SmtpSecurity, 
/**
 * The user name to sign in with (its password is the channel's
 * secret); none for a relay that takes mail without signing in.
 */
username: string | null, 
/**
 * The sender, `Tusk <tusk@example.com>` or `tusk@example.com`.
 */
from: string, to: Array<string>, 
/**
 * A certificate authority (PEM file) to trust besides the system's,
 * for a server with a certificate of its own.
 */
caCertificate: string | null, };

export type Via = { "kind": "webhook" } & Webhook | { "kind": "email" } & Email;

export type Channel = { name: string, via: Via, };

export type SavedChannel = { channel: Channel, 
/**
 * Where its secret is (`none` for e-mail through a relay that takes
 * no password).
 */
secretStorage: PasswordStorage, 
/**
 * What it is, without its secret: "webhook (Slack) to hooks.slack.com".
 */
description: string, };

export type ChannelsView = { channels: Array<SavedChannel>, };

export type SaveChannel = { 
/**
 * The name it had, when an existing channel is edited.
 */
originalName: string | null, channel: Channel, 
/**
 * The webhook's URL or the SMTP password; `None` keeps the stored one.
 */
secret: string | null, };

export type AppSettings = { 
/**
 * Test-restore every backup made from the app right after it completes.
 */
verifyAfterBackup: boolean, 
/**
 * Folders of PostgreSQL tools the user added (Settings → PostgreSQL
 * tools): searched before PATH and the usual places, by every job.
 */
toolsFolders: string[], };

export type Deleted = { fileRemoved: boolean, 
/**
 * Why the file was kept, when it was.
 */
keptBecause: string | null, };

export type AppInfo = { version: string, 
/**
 * The folder of the app's log files (one a day, the last seven kept).
 */
logFolder: string, 
/**
 * The data folder: the history, schedules and logs.
 */
dataFolder: string, 
/**
 * The std-only platform layer (no parent-death signal, no `/proc`):
 * what a build for macOS or Windows runs.
 */
portablePlatform: boolean, };

/** Backup options and the first pg_dump major that has them (`server::gates`). */
export const PG_DUMP_SINCE = {
  "includeChildTables": 16,
  "noPolicies": 18,
  "noTableAccessMethod": 15,
  "noToastCompression": 14,
  "sequenceData": 18
} as const;

/** `statistics` other than pg_dump's default: pg_dump 18+. */
export const STATISTICS_SINCE = 18;

/** pg_dump's own zstd and lz4, where its build has them. */
export const PG_DUMP_COMPRESSION_SINCE = 16;

/** Restore options and the first pg_restore major that has them. */
export const PG_RESTORE_SINCE = {
  "noPolicies": 18,
  "noStatistics": 18,
  "noTableAccessMethod": 15
} as const;

/** The engine's default backup options (`BackupOptions::default()`). */
export const DEFAULT_BACKUP_OPTIONS: BackupOptions = {
  "blobs": null,
  "clean": false,
  "compression": 6,
  "compressionMethod": "gzip",
  "connectionId": "",
  "create": false,
  "disableDollarQuoting": false,
  "disableTriggers": false,
  "enableRowSecurity": false,
  "encoding": null,
  "encryption": {
    "kind": "none"
  },
  "excludeSchemas": [],
  "excludeTableData": [],
  "excludeTables": [],
  "extraArgs": [],
  "extraFloatDigits": null,
  "format": "custom",
  "ifExists": false,
  "includeChildTables": false,
  "includeData": true,
  "includeOwnership": true,
  "includePrivileges": true,
  "includeSchema": true,
  "insertMode": "copy",
  "jobs": 4,
  "loadViaPartitionRoot": false,
  "lockWaitTimeout": 30,
  "noComments": false,
  "noPolicies": false,
  "noPublications": false,
  "noSecurityLabels": false,
  "noSubscriptions": false,
  "noSync": false,
  "noTableAccessMethod": false,
  "noTablespaces": false,
  "noToastCompression": false,
  "noUnloggedTableData": false,
  "onConflictDoNothing": false,
  "outputPath": "",
  "overwrite": false,
  "quoteAllIdentifiers": false,
  "role": null,
  "rowsPerInsert": null,
  "schemas": null,
  "scope": "database",
  "sections": [],
  "sequenceData": false,
  "server": {
    "excludeDatabases": [],
    "globals": "all",
    "includeDatabases": [],
    "noRolePasswords": false,
    "parallel": 1
  },
  "statistics": "default",
  "tables": null,
  "useSetSessionAuthorization": false,
  "verbose": true
};

/** The engine's default restore options (`RestoreOptions::default()`). */
export const DEFAULT_RESTORE_OPTIONS: RestoreOptions = {
  "allowScriptCommands": false,
  "clean": false,
  "connectionId": "",
  "createDatabase": false,
  "createFromArchive": false,
  "dataOnly": false,
  "disableTriggers": false,
  "enableRowSecurity": false,
  "excludeSchemas": [],
  "exitOnError": true,
  "extraArgs": [],
  "ifExists": true,
  "ignoreChecksum": false,
  "inputPath": "",
  "jobs": 1,
  "noComments": false,
  "noDataForFailedTables": false,
  "noOwner": false,
  "noPolicies": false,
  "noPrivileges": false,
  "noPublications": false,
  "noSecurityLabels": false,
  "noStatistics": false,
  "noSubscriptions": false,
  "noTableAccessMethod": false,
  "noTablespaces": false,
  "role": null,
  "safetyBackup": true,
  "schemaOnly": false,
  "schemas": null,
  "sections": [],
  "singleTransaction": true,
  "swap": false,
  "tables": null,
  "targetDatabase": null,
  "tocEntries": null,
  "useSetSessionAuthorization": false,
  "verbose": true
};

/** What each preset sets (`BackupPreset::choice`). */
export const PRESETS: Record<BackupPreset, PresetChoice> = {
  "fast": {
    "compression": 1,
    "compressionMethod": "zstd",
    "format": "custom"
  },
  "standard": {
    "compression": 6,
    "compressionMethod": "gzip",
    "format": "custom"
  }
};

/** What each preset sets for a pg_dump with its own zstd (16+, built with it). */
export const PRESETS_WITH_PG_DUMP_ZSTD: Record<BackupPreset, PresetChoice> = {
  "fast": {
    "compression": 1,
    "compressionMethod": "pgZstd",
    "format": "custom"
  },
  "standard": {
    "compression": 6,
    "compressionMethod": "gzip",
    "format": "custom"
  }
};
