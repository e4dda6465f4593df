import { describe, expect, it } from 'vitest';
import type { BackupPage, BackupRecord } from './ipc/bindings';
import {
	backupNotes,
	connectionBackupsLine,
	defaultRecordName,
	lastGoodBackupQuery
} from './notes';

describe('defaultRecordName', () => {
	const at = new Date(2025, 2, 14, 9, 5);
	it('names a backup as the engine does when it is left unnamed', () => {
		expect(defaultRecordName('database', 'shop', 'Production', at)).toBe('shop 2025-03-14 09:05');
		expect(defaultRecordName('server', 'shop', 'Production', at)).toBe(
			'whole server Production 2025-03-14 09:05'
		);
		expect(defaultRecordName('globals', 'shop', 'Production', at)).toBe(
			'roles and tablespaces Production 2025-03-14 09:05'
		);
	});
});

describe('backupNotes', () => {
	it('trims the fields and sends an empty one as null', () => {
		expect(backupNotes('  Before 2.3 ', ' the migration\nof orders ')).toEqual({
			name: 'Before 2.3',
			description: 'the migration\nof orders'
		});
		expect(backupNotes('', '   \n')).toEqual({ name: null, description: null });
	});
});

describe('connectionBackupsLine', () => {
	const now = new Date(2025, 2, 14, 12, 0);
	const page = (items: Partial<BackupRecord>[], total: number, totalBytes: number): BackupPage => ({
		items: items as BackupRecord[],
		total,
		totalBytes,
		offset: 0,
		limit: 1
	});

	it('asks for the last good backup of one connection', () => {
		expect(lastGoodBackupQuery('prod')).toMatchObject({
			connectionId: 'prod',
			statuses: ['completed', 'completedWithWarnings'],
			search: null,
			limit: 1,
			offset: 0
		});
	});

	it('says when the last backup was, how many there are and their size', () => {
		const twoHoursAgo = new Date(now.getTime() - 2 * 3_600_000).toISOString();
		expect(
			connectionBackupsLine(page([{ startedAt: twoHoursAgo }], 14, 3.2 * 1024 ** 3), now)
		).toBe('Last backup 2 h ago · 14 backups · 3.20 GB');
		expect(connectionBackupsLine(page([{ startedAt: twoHoursAgo }], 1, 2048), now)).toBe(
			'Last backup 2 h ago · 1 backup · 2.00 KB'
		);
	});

	it('says when there is none', () => {
		expect(connectionBackupsLine(page([], 0, 0), now)).toBe('No backup of this connection yet');
	});
});
