import { describe, expect, it } from 'vitest';
import type { BackupFormat, CompressionMethod } from './ipc/bindings';
import {
	backupExtension,
	baseName,
	codeParts,
	defaultBackupName,
	dirName,
	formatBytes,
	formatCount,
	formatDateTime,
	formatDuration,
	formatEta,
	formatPercent,
	formatPgVersion,
	formatRelative,
	formatTimeLeft,
	formatUntil,
	joinArgs,
	joinList,
	pathParts,
	plural,
	sentence,
	splitArgs,
	splitList,
	withFormatExtension
} from './format';

describe('plural', () => {
	it('agrees with the count', () => {
		expect(plural(1, 'table')).toBe('1 table');
		expect(plural(0, 'table')).toBe('0 tables');
		expect(plural(2000, 'entry', 'entries')).toBe('2,000 entries');
	});
});

describe('formatBytes', () => {
	it('uses binary units with sensible precision', () => {
		expect(formatBytes(0)).toBe('0 B');
		expect(formatBytes(1023)).toBe('1023 B');
		expect(formatBytes(1536)).toBe('1.50 KB');
		expect(formatBytes(20 * 1024 * 1024 + 300_000)).toBe('20.3 MB');
		expect(formatBytes(195 * 1024 * 1024)).toBe('195 MB');
		expect(formatBytes(3 * 1024 ** 4)).toBe('3.00 TB');
	});
	it('shows a dash for unknown sizes', () => {
		expect(formatBytes(null)).toBe('—');
		expect(formatBytes(undefined)).toBe('—');
		expect(formatBytes(-1)).toBe('—');
	});
});

describe('formatDuration', () => {
	it('scales from milliseconds to hours', () => {
		expect(formatDuration(850)).toBe('850 ms');
		expect(formatDuration(4200)).toBe('4.2 s');
		expect(formatDuration(42_000)).toBe('42 s');
		expect(formatDuration(83_000)).toBe('1 min 23 s');
		expect(formatDuration(3_723_000)).toBe('1 h 2 min');
		expect(formatDuration(null)).toBe('—');
	});
});

describe('formatEta', () => {
	it('says when there is no estimate yet', () => {
		expect(formatEta(null)).toBe('estimating…');
	});
	it('rounds up, never promising too little', () => {
		expect(formatEta(400)).toBe('less than a second left');
		expect(formatEta(12_100)).toBe('13 s left');
		expect(formatEta(61_000)).toBe('about 2 min left');
		expect(formatEta(59 * 60_000)).toBe('about 59 min left');
		expect(formatEta(2 * 3_600_000 + 5 * 60_000)).toBe('about 2 h 5 min left');
	});
});

describe('formatPercent', () => {
	it('never shows 100% before the end', () => {
		expect(formatPercent(99.7)).toBe('99%');
		expect(formatPercent(99.7, true)).toBe('100%');
		expect(formatPercent(41.26)).toBe('41%');
		expect(formatPercent(-3)).toBe('0%');
		expect(formatPercent(NaN)).toBe('0%');
	});
});

describe('dates', () => {
	it('formats local date and time', () => {
		const iso = new Date(2025, 2, 14, 9, 5).toISOString();
		expect(formatDateTime(iso)).toBe('2025-03-14 09:05');
		expect(formatDateTime(null)).toBe('—');
		expect(formatDateTime('not a date')).toBe('—');
	});
	it('says how long ago', () => {
		const now = new Date(2025, 2, 14, 12, 0);
		const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
		expect(formatRelative(ago(20_000), now)).toBe('just now');
		expect(formatRelative(ago(5 * 60_000), now)).toBe('5 min ago');
		expect(formatRelative(ago(3 * 3_600_000), now)).toBe('3 h ago');
		expect(formatRelative(ago(30 * 3_600_000), now)).toBe('yesterday');
		expect(formatRelative(ago(3 * 86_400_000), now)).toBe('3 days ago');
		expect(formatRelative(ago(30 * 86_400_000), now)).toBe('2025-02-12 12:00');
	});
});

describe('formatUntil', () => {
	it('says how long until then', () => {
		const now = new Date(2025, 2, 14, 12, 0);
		const later = (ms: number) => new Date(now.getTime() + ms).toISOString();
		expect(formatUntil(later(-5_000), now)).toBe('now');
		expect(formatUntil(later(20_000), now)).toBe('now');
		expect(formatUntil(later(5 * 60_000), now)).toBe('in 5 min');
		expect(formatUntil(later(17 * 3_600_000 + 59 * 60_000), now)).toBe('in 17 h');
		expect(formatUntil(later(30 * 3_600_000), now)).toBe('in 1 day');
		expect(formatUntil(later(3 * 86_400_000), now)).toBe('in 3 days');
		expect(formatUntil(null, now)).toBe('—');
	});
});

describe('formatTimeLeft', () => {
	const now = new Date('2025-03-14T09:26:00Z');
	const later = (ms: number) => new Date(now.getTime() + ms).toISOString();

	it('counts hours and minutes, rounding up to the minute', () => {
		expect(formatTimeLeft(later((3 * 60 + 12) * 60_000), now)).toBe('3 h 12 min');
		expect(formatTimeLeft(later((3 * 60 + 11) * 60_000 + 1_000), now)).toBe('3 h 12 min');
		expect(formatTimeLeft(later(4 * 3_600_000), now)).toBe('4 h');
		expect(formatTimeLeft(later(45 * 60_000), now)).toBe('45 min');
		expect(formatTimeLeft(later(20_000), now)).toBe('1 min');
		expect(formatTimeLeft(later(26 * 3_600_000), now)).toBe('1 day 2 h');
		expect(formatTimeLeft(later(48 * 3_600_000), now)).toBe('2 days');
	});

	it('is null once due', () => {
		expect(formatTimeLeft(later(0), now)).toBeNull();
		expect(formatTimeLeft(later(-60_000), now)).toBeNull();
	});
});

describe('sentence', () => {
	it('capitalises the first letter only', () => {
		expect(sentence('give the schedule a name')).toBe('Give the schedule a name');
		expect(sentence('`x` is not a cron expression')).toBe('`x` is not a cron expression');
		expect(sentence('')).toBe('');
		expect(sentence('smtp.example.com:587 refused the password')).toBe(
			'smtp.example.com:587 refused the password'
		);
		expect(sentence('pg_dump: error: x')).toBe('pg_dump: error: x');
		expect(sentence('127.0.0.1:8080 answered 404')).toBe('127.0.0.1:8080 answered 404');
	});
});

describe('numbers and versions', () => {
	it('groups thousands', () => {
		expect(formatCount(1234567)).toBe('1,234,567');
		expect(formatCount(null)).toBe('—');
	});
	it('reads server_version_num', () => {
		expect(formatPgVersion(150018)).toBe('15.18');
		expect(formatPgVersion(170002)).toBe('17.2');
		expect(formatPgVersion(90624)).toBe('9.6.24');
	});
});

describe('backup file names', () => {
	const at = new Date(2025, 2, 14, 9, 26);
	const kind = (
		format: BackupFormat,
		compression = 0,
		compressionMethod: CompressionMethod = 'gzip'
	) => ({ format, compression, compressionMethod });
	it('follows <db>_<yyyy-mm-dd_HHMM>.<ext>', () => {
		expect(defaultBackupName('shop', kind('custom', 6), at)).toBe('shop_2025-03-14_0926.backup');
		expect(defaultBackupName('shop', kind('plain'), at)).toBe('shop_2025-03-14_0926.sql');
		expect(defaultBackupName('shop', kind('tar'), at)).toBe('shop_2025-03-14_0926.tar');
		expect(defaultBackupName('shop', kind('directory', 6), at)).toBe('shop_2025-03-14_0926');
		expect(defaultBackupName('my db/x', kind('custom'), at)).toBe('my_db_x_2025-03-14_0926.backup');
	});
	it('names as the backend does: .backup.zst for zstd, .sql.gz for a compressed script', () => {
		expect(backupExtension(kind('custom', 1, 'zstd'))).toBe('backup.zst');
		expect(backupExtension(kind('custom', 0))).toBe('backup');
		expect(backupExtension(kind('plain', 0))).toBe('sql');
		expect(backupExtension(kind('plain', 1))).toBe('sql.gz');
		expect(backupExtension(kind('plain', 9))).toBe('sql.gz');
		expect(defaultBackupName('shop', kind('plain', 6), at)).toBe('shop_2025-03-14_0926.sql.gz');
	});
	it('swaps the extension when the format changes', () => {
		expect(withFormatExtension('/b/shop.backup', kind('plain'))).toBe('/b/shop.sql');
		expect(withFormatExtension('/b/shop.sql', kind('directory'))).toBe('/b/shop');
		expect(withFormatExtension('/b/shop', kind('tar'))).toBe('/b/shop.tar');
		expect(withFormatExtension('C:\\b\\shop.dump', kind('custom'))).toBe('C:\\b\\shop.backup');
		expect(withFormatExtension('', kind('custom'))).toBe('');
	});
	it('swaps .sql and .sql.gz both ways, never doubling them', () => {
		expect(withFormatExtension('/b/shop.sql', kind('plain', 6))).toBe('/b/shop.sql.gz');
		expect(withFormatExtension('/b/shop.sql.gz', kind('plain', 0))).toBe('/b/shop.sql');
		expect(withFormatExtension('/b/shop.sql.gz', kind('plain', 3))).toBe('/b/shop.sql.gz');
		expect(withFormatExtension('/b/shop.SQL.GZ', kind('custom', 6))).toBe('/b/shop.backup');
		expect(withFormatExtension('/b/shop.backup.zst', kind('plain', 1))).toBe('/b/shop.sql.gz');
	});
	it('ends an encrypted backup in .age, and swaps it with the rest', () => {
		const sealed = { ...kind('custom', 6), encryption: { kind: 'passphrase' as const } };
		expect(backupExtension(sealed)).toBe('backup.age');
		expect(backupExtension({ ...sealed, ...kind('plain', 6) })).toBe('sql.gz.age');
		expect(backupExtension({ ...sealed, format: 'directory' })).toBe('');
		expect(withFormatExtension('/b/shop.backup', sealed)).toBe('/b/shop.backup.age');
		expect(withFormatExtension('/b/shop.backup.age', kind('custom', 6))).toBe('/b/shop.backup');
		expect(withFormatExtension('/b/shop.sql.gz.age', kind('tar'))).toBe('/b/shop.tar');
		expect(defaultBackupName('shop', sealed, at)).toBe('shop_2025-03-14_0926.backup.age');
	});
	it('splits paths', () => {
		expect(baseName('/home/u/shop.backup')).toBe('shop.backup');
		expect(baseName('/home/u/shop_dir/')).toBe('shop_dir');
		expect(dirName('/home/u/shop.backup')).toBe('/home/u/');
		expect(dirName('shop.backup')).toBe('');
		expect(pathParts('/home/ada/logs')).toEqual(['/', 'home/', 'ada/', 'logs']);
		expect(pathParts('C:\\Users\\ada\\')).toEqual(['C:\\', 'Users\\', 'ada\\']);
		expect(pathParts('logs')).toEqual(['logs']);
		expect(pathParts('/a/b').join('')).toBe('/a/b');
	});
});

describe('codeParts', () => {
	it('sets the names in backticks apart', () => {
		expect(codeParts('a destination named `offsite` already exists')).toEqual([
			{ text: 'a destination named ', code: false },
			{ text: 'offsite', code: true },
			{ text: ' already exists', code: false }
		]);
		expect(codeParts('`x`')).toEqual([{ text: 'x', code: true }]);
		expect(codeParts('no names')).toEqual([{ text: 'no names', code: false }]);
	});
});

describe('extra arguments', () => {
	it('splits like a shell and joins back', () => {
		expect(splitArgs('--no-toast-compression  --exclude-schema "a b"')).toEqual([
			'--no-toast-compression',
			'--exclude-schema',
			'a b'
		]);
		expect(splitArgs('   ')).toEqual([]);
		expect(joinArgs(['--x', 'a b'])).toBe('--x "a b"');
	});
});

describe('splitList', () => {
	it('reads names and patterns separated by commas', () => {
		expect(splitList(' audit, tmp_* ,,"My Schema"')).toEqual(['audit', 'tmp_*', '"My Schema"']);
		expect(splitList('  ')).toEqual([]);
		expect(joinList(['audit', 'tmp_*'])).toBe('audit, tmp_*');
	});
});
