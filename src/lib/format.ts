// Human-readable numbers, durations and dates. Pure functions, unit tested.
import type {
	BackupFormat,
	BackupOptions,
	BackupReason,
	BackupStatus,
	FindingKind,
	JobType,
	Phase
} from './ipc/bindings';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1 → "1 table", 3 → "3 tables"; `many` for irregular plurals. */
export function plural(count: number, one: string, many = `${one}s`): string {
	return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** 1536 → "1.5 KB"; binary multiples, as file managers on Linux show them. */
export function formatBytes(bytes: number | null | undefined): string {
	if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return '—';
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	if (unit === 0) return `${value} B`;
	const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
	return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** 83_000 → "1 min 23 s"; 4_200 → "4.2 s"; 3_723_000 → "1 h 2 min". */
export function formatDuration(ms: number | null | undefined): string {
	if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
	const totalSeconds = Math.round(ms / 1000);
	const hours = Math.floor(totalSeconds / 3600);
	const minutes = Math.floor((totalSeconds % 3600) / 60);
	const seconds = totalSeconds % 60;
	if (hours > 0) return `${hours} h ${minutes} min`;
	if (minutes > 0) return `${minutes} min ${seconds} s`;
	return `${seconds} s`;
}

/** Time left as a short phrase; `null` (not enough to go on yet) says so. */
export function formatEta(ms: number | null | undefined): string {
	if (ms == null || !Number.isFinite(ms) || ms < 0) return 'estimating…';
	if (ms < 1000) return 'less than a second left';
	if (ms < 60_000) return `${Math.ceil(ms / 1000)} s left`;
	const minutes = Math.ceil(ms / 60_000);
	if (minutes < 60) return `about ${minutes} min left`;
	return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** 41.26 → "41%"; never 100% before the job really ends. */
export function formatPercent(percent: number, finished = false): string {
	if (!Number.isFinite(percent)) return '0%';
	const clamped = Math.min(Math.max(percent, 0), 100);
	const shown = finished ? Math.round(clamped) : Math.min(Math.floor(clamped), 99);
	return `${shown}%`;
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

/** ISO timestamp → "2025-03-14 09:26" in local time. */
export function formatDateTime(iso: string | null | undefined): string {
	if (!iso) return '—';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '—';
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "3 min ago", "yesterday", or the date for anything older than a week. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
	if (!iso) return '—';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '—';
	const seconds = Math.round((now.getTime() - d.getTime()) / 1000);
	if (seconds < 0) return formatDateTime(iso);
	if (seconds < 60) return 'just now';
	if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
	if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
	if (seconds < 2 * 86_400) return 'yesterday';
	if (seconds < 7 * 86_400) return `${Math.floor(seconds / 86_400)} days ago`;
	return formatDateTime(iso);
}

/** How long until a future moment: "in 5 min", "in 17 h", "in 3 days"; "now" once it is due. */
export function formatUntil(iso: string | null | undefined, now: Date = new Date()): string {
	if (!iso) return '—';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return '—';
	const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
	if (seconds < 60) return 'now';
	if (seconds < 3600) return `in ${Math.floor(seconds / 60)} min`;
	if (seconds < 86_400) return `in ${Math.floor(seconds / 3600)} h`;
	return `in ${plural(Math.floor(seconds / 86_400), 'day')}`;
}

/** Time left until a future moment, to the minute (rounded up, so never "0 min"):
 * "3 h 12 min", "45 min", "1 day 2 h"; `null` once it is due. */
export function formatTimeLeft(iso: string, now: Date = new Date()): string | null {
	const ms = new Date(iso).getTime() - now.getTime();
	if (!(ms > 0)) return null;
	const minutes = Math.ceil(ms / 60_000);
	const days = Math.floor(minutes / 1440);
	const hours = Math.floor((minutes % 1440) / 60);
	const rest = minutes % 60;
	if (days > 0) return hours > 0 ? `${plural(days, 'day')} ${hours} h` : plural(days, 'day');
	if (hours > 0) return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
	return `${rest} min`;
}

/** The backend's messages start in lower case, to be embedded; shown alone they start a sentence. */
export function sentence(text: string): string {
	// A message that starts with a host, a path, an address or a tool's name
	// ("smtp.example.com:587 refused…", "pg_dump: error…") keeps its case.
	const first = text.split(/\s/, 1)[0] ?? '';
	if (/[.:/@_\d]/.test(first)) return text;
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A message with `names` in backticks, cut into plain text and code: "a `b` c" → a, b (code), c. */
export function codeParts(text: string): { text: string; code: boolean }[] {
	return text
		.split(/`([^`]*)`/)
		.map((part, i) => ({ text: part, code: i % 2 === 1 }))
		.filter((p) => p.text !== '');
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number | null | undefined): string {
	if (n == null || !Number.isFinite(n)) return '—';
	return Math.round(n).toLocaleString('en-US');
}

/** server_version_num → "15.18" (or "9.6.24" before PostgreSQL 10). */
export function formatPgVersion(version: number): string {
	const major = Math.floor(version / 10_000);
	if (major >= 10) return `${major}.${version % 10_000}`;
	const minor = Math.floor(version / 100) % 100;
	return `${Math.floor(version / 10_000)}.${minor}.${version % 100}`;
}

export const FORMAT_EXTENSION: Record<BackupFormat, string> = {
	custom: 'backup',
	plain: 'sql',
	directory: '',
	tar: 'tar'
};

/** What a backup's file name extension depends on (no `encryption`: not encrypted). */
export type OutputKind = Pick<BackupOptions, 'format' | 'compressionMethod' | 'compression'> &
	Partial<Pick<BackupOptions, 'encryption' | 'scope'>>;

/** The extension a backup gets (as `BackupOptions::file_extension` in Rust):
 * a zstd-compressed custom archive is `.backup.zst`, a compressed plain
 * script `.sql.gz` (psql cannot run it as it is), an encrypted one ends in `.age`. */
export function backupExtension(kind: OutputKind): string {
	// A whole server is a folder; its roles and tablespaces alone, a script.
	if (kind.scope === 'server') return '';
	if (kind.scope === 'globals') return 'sql';
	const ext =
		kind.format === 'custom' && kind.compressionMethod === 'zstd'
			? 'backup.zst'
			: kind.format === 'plain' && kind.compression > 0
				? 'sql.gz'
				: FORMAT_EXTENSION[kind.format];
	// A folder is never encrypted (the backend refuses it): it keeps no extension.
	return ext && encrypted(kind) ? `${ext}.age` : ext;
}

/** Whether a backup is (to be) encrypted. */
export function encrypted(kind: Partial<Pick<BackupOptions, 'encryption'>>): boolean {
	return (kind.encryption?.kind ?? 'none') !== 'none';
}

/** `<db>_<yyyy-mm-dd_HHMM>.<ext>`, a bare name for the directory format. */
export function defaultBackupName(database: string, kind: OutputKind, at: Date): string {
	const safe = database.replace(/[^\w.-]+/g, '_') || 'backup';
	const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}_${pad(at.getHours())}${pad(at.getMinutes())}`;
	const ext = backupExtension(kind);
	return ext ? `${safe}_${stamp}.${ext}` : `${safe}_${stamp}`;
}

/** Swaps a path's backup extension for the one `kind` uses. */
export function withFormatExtension(path: string, kind: OutputKind): string {
	if (!path) return path;
	const sep = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
	const dir = path.slice(0, sep + 1);
	const base = path
		.slice(sep + 1)
		.replace(/\.(backup\.zst|backup|dump|sql\.gz|sql|tar)(\.age)?$/i, '');
	const ext = backupExtension(kind);
	return ext ? `${dir}${base}.${ext}` : `${dir}${base}`;
}

/** The last component of a path. */
export function baseName(path: string): string {
	const trimmed = path.replace(/[/\\]+$/, '');
	const sep = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
	return trimmed.slice(sep + 1) || path;
}

/** Folder of a path, with its trailing separator ("" when none). */
export function dirName(path: string): string {
	const sep = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
	return sep >= 0 ? path.slice(0, sep + 1) : '';
}

/** A path cut after each separator: shown with a break point between folders, it wraps there. */
export function pathParts(path: string): string[] {
	return path.match(/[^/\\]*[/\\]|[^/\\]+$/g) ?? [path];
}

export const PHASE_LABEL: Record<Phase, string> = {
	preparing: 'Preparing',
	safetyBackup: 'Safety backup of the target',
	unpacking: 'Unpacking the backup',
	connecting: 'Connecting',
	readingCatalog: 'Reading the catalog',
	schema: 'Definitions',
	data: 'Table data',
	postData: 'Indexes and constraints',
	verifying: 'Verifying',
	finishing: 'Finishing'
};

export const FORMAT_LABEL: Record<BackupFormat, string> = {
	custom: 'Custom',
	plain: 'Plain SQL',
	directory: 'Directory',
	tar: 'Tar'
};

/** Splits extra arguments like a shell would: spaces separate, quotes group. */
export function splitArgs(text: string): string[] {
	const args: string[] = [];
	const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
	for (const m of text.matchAll(re)) args.push(m[1] ?? m[2] ?? m[3]);
	return args;
}

/** The inverse of `splitArgs`, for showing stored arguments in a text field. */
export function joinArgs(args: string[]): string {
	return args.map((a) => (/\s/.test(a) || a === '' ? `"${a}"` : a)).join(' ');
}

/** A list typed with commas, as patterns: "audit, tmp_*" → ["audit", "tmp_*"]. */
export function splitList(text: string): string[] {
	return text
		.split(',')
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

/** The inverse of `splitList`. */
export function joinList(items: string[]): string {
	return items.join(', ');
}

export const REASON_LABEL: Record<BackupReason, string> = {
	manual: 'Manual',
	scheduled: 'Scheduled',
	preRestore: 'Before a restore',
	beforeImport: 'Before an import',
	imported: 'Imported'
};

export const STATUS_LABEL: Record<BackupStatus, string> = {
	running: 'Running',
	completed: 'Completed',
	completedWithWarnings: 'Warnings',
	failed: 'Failed',
	cancelled: 'Cancelled',
	interrupted: 'Interrupted'
};

export const JOB_TYPE_LABEL: Record<JobType, string> = {
	backup: 'Backup',
	restore: 'Restore',
	verify: 'Verify'
};

/** What a plain script's finding is, in words. */
export const FINDING_LABEL: Record<FindingKind, string> = {
	metaCommand: 'psql command',
	databaseSwitch: 'Works on another database',
	serverProgram: 'Runs a program on the server',
	unreadableChange: 'Changes how psql reads the rest'
};
