// A backup's name and note as the Backup dialog sends them, and what it says of the
// connection's backups so far. Pure functions, unit tested.
import type { BackupNotes, BackupPage, BackupQuery, BackupScope } from './ipc/bindings';
import { formatBytes, formatDateTime, formatRelative, plural } from './format';

export const NAME_MAX = 200;
export const NOTE_MAX = 2000;

/** The name the backend gives a backup left unnamed (as `default_name` in the engine). */
export function defaultRecordName(
	scope: BackupScope,
	database: string,
	connectionName: string,
	at: Date
): string {
	const stamp = formatDateTime(at.toISOString());
	if (scope === 'server') return `whole server ${connectionName} ${stamp}`;
	if (scope === 'globals') return `roles and tablespaces ${connectionName} ${stamp}`;
	return `${database} ${stamp}`;
}

/** What the fields hold, trimmed; an empty one is left to the backend's default. */
export function backupNotes(name: string, note: string): BackupNotes {
	return { name: name.trim() || null, description: note.trim() || null };
}

/** The connection's last good backup (the page's one item), their count and total size. */
export function lastGoodBackupQuery(connectionId: string): BackupQuery {
	return {
		connectionId,
		connectionName: null,
		database: null,
		scheduleId: null,
		statuses: ['completed', 'completedWithWarnings'],
		search: null,
		limit: 1,
		offset: 0
	};
}

/** "Last backup 2 h ago · 14 backups · 3.20 GB", from the answer to `lastGoodBackupQuery`. */
export function connectionBackupsLine(page: BackupPage, now: Date = new Date()): string {
	const last = page.items[0];
	if (!last || page.total === 0) return 'No backup of this connection yet';
	return [
		`Last backup ${formatRelative(last.startedAt, now)}`,
		plural(page.total, 'backup'),
		formatBytes(page.totalBytes)
	].join(' · ');
}
