import { describe, expect, it } from 'vitest';
import type { ConnectionProfile, Schedule } from './ipc/bindings';
import { defaultBackupOptions } from './options';
import {
	draftOf,
	draftProblem,
	encryptionChoice,
	newDraft,
	scheduleOf,
	triggerOf
} from './schedule-draft';

const prod: ConnectionProfile = {
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

const NOW = new Date('2025-03-14T09:26:00Z');

function saved(extra: Partial<Schedule> = {}): Schedule {
	return {
		id: 's1',
		name: 'Every 6 hours',
		enabled: false,
		source: {
			connectionId: 'prod',
			connectionName: 'Production',
			host: 'db.example.com',
			port: 5432,
			user: 'app',
			database: 'shop'
		},
		sslmode: 'require',
		trigger: { kind: 'interval', everySecs: 6 * 3600 },
		timezone: 'Europe/Paris',
		options: { ...defaultBackupOptions('prod'), excludeTables: ['public.audit_log'] },
		destination: '/srv/backups/shop',
		copyTo: [],
		bucket: null,
		retention: {
			keepLast: null,
			maxAgeDays: 14,
			gfs: { allHours: 48, dailyDays: 10, weeklyDays: 60 },
			minKeep: 5,
			minVerified: 2
		},
		verifyAfter: true,
		notify: 'always',
		notifyVia: ['team', 'ops mail'],
		maxRetries: 4,
		retryDelaySecs: 120,
		createdAt: '2025-01-02T03:04:05Z',
		nextRunAt: '2025-03-14T12:00:00Z',
		automatic: false,
		...extra
	};
}

describe('a new schedule', () => {
	it('starts nightly with the Fast preset and the newest 7 kept', () => {
		const d = newDraft(prod, 'Europe/Paris');
		expect(triggerOf(d)).toEqual({ kind: 'cron', expression: '0 2 * * *' });
		expect(d.options).toMatchObject({
			format: 'custom',
			compression: 1,
			compressionMethod: 'zstd'
		});
		expect(d).toMatchObject({ database: 'shop', keepLastOn: true, keepLast: 7, minKeep: 3 });
	});

	it('is saved with an empty id, the connection as source and no next run', () => {
		const d = { ...newDraft(prod, 'UTC'), name: '  Nightly shop ', destination: '/srv/b ' };
		const s = scheduleOf(d, prod, null, NOW);
		expect(s).toMatchObject({
			id: '',
			name: 'Nightly shop',
			enabled: true,
			source: {
				connectionId: 'prod',
				connectionName: 'Production',
				host: 'db.example.com',
				port: 5432,
				user: 'app',
				database: 'shop'
			},
			sslmode: 'require',
			timezone: 'UTC',
			destination: '/srv/b',
			retention: { keepLast: 7, maxAgeDays: null, gfs: null, minKeep: 3, minVerified: 1 },
			createdAt: NOW.toISOString(),
			nextRunAt: null
		});
		expect(s.options).toMatchObject({ connectionId: 'prod', outputPath: '' });
	});
});

describe('editing a schedule', () => {
	it('round-trips every field', () => {
		const s = saved();
		expect(scheduleOf(draftOf(s), prod, s, NOW)).toEqual({ ...s, nextRunAt: null });
	});

	it('keeps automatic backups automatic; a new schedule is not', () => {
		const s = saved({ automatic: true });
		expect(scheduleOf(draftOf(s), prod, s, NOW).automatic).toBe(true);
		expect(scheduleOf(newDraft(prod), prod, null, NOW).automatic).toBe(false);
	});

	it('reads an interval in its largest unit and keeps the rules that are off', () => {
		const d = draftOf(saved());
		expect(d).toMatchObject({ kind: 'interval', every: 6, unit: 'hours', keepLastOn: false });
		const changed = { ...d, unit: 'days' as const, every: 2, gfsOn: false, keepLastOn: true };
		const s = scheduleOf(changed, prod, saved(), NOW);
		expect(s.trigger).toEqual({ kind: 'interval', everySecs: 2 * 86_400 });
		expect(s.retention).toMatchObject({ keepLast: 7, gfs: null, maxAgeDays: 14 });
		expect(s.createdAt).toBe('2025-01-02T03:04:05Z');
	});

	it('does not change the schedule it was made from', () => {
		const s = saved();
		const d = draftOf(s);
		d.options.excludeTables.push('x');
		d.gfs.allHours = 1;
		expect(s.options.excludeTables).toEqual(['public.audit_log']);
		expect(s.retention.gfs?.allHours).toBe(48);
	});
});

describe('where the backups go', () => {
	it('into a bucket has no folder and no copies, whatever the form held', () => {
		const d = { ...draftOf(saved({ copyTo: ['r2'] })), bucket: 'offsite' };
		expect(scheduleOf(d, prod, saved(), NOW)).toMatchObject({
			bucket: 'offsite',
			destination: '',
			copyTo: []
		});
	});

	it('a schedule made into a bucket goes back to a folder when the form says so', () => {
		const s = saved({ bucket: 'offsite', destination: '' });
		const d = { ...draftOf(s), bucket: '', destination: '/srv/b' };
		expect(draftOf(s).bucket).toBe('offsite');
		expect(scheduleOf(d, prod, s, NOW)).toMatchObject({ bucket: null, destination: '/srv/b' });
	});
});

describe('notification channels', () => {
	it('are none for a new schedule', () => {
		expect(scheduleOf(newDraft(prod), prod, null, NOW).notifyVia).toEqual([]);
	});

	it('are kept when edited, and dropped when the schedule never notifies', () => {
		const d = draftOf(saved());
		d.notifyVia.push('pager');
		expect(saved().notifyVia).toEqual(['team', 'ops mail']);
		expect(scheduleOf(d, prod, saved(), NOW).notifyVia).toEqual(['team', 'ops mail', 'pager']);
		expect(scheduleOf({ ...d, notify: 'never' }, prod, saved(), NOW).notifyVia).toEqual([]);
	});
});

describe('encryption', () => {
	const options = defaultBackupOptions('prod');

	it('is kept when a schedule is edited', () => {
		const s = saved({ options: { ...options, encryption: { kind: 'passphrase' } } });
		expect(scheduleOf(draftOf(s), prod, s, NOW).options.encryption).toEqual({
			kind: 'passphrase'
		});
	});

	it('offers the saved passphrase, ticked when the schedule uses it', () => {
		expect(encryptionChoice(options, true)).toEqual({
			kind: 'passphrase',
			on: false,
			whyNot: null
		});
		const on = { ...options, encryption: { kind: 'passphrase' } as const };
		expect(encryptionChoice(on, true)).toEqual({ kind: 'passphrase', on: true, whyNot: null });
	});

	it('says why it cannot be ticked', () => {
		expect(encryptionChoice(options, false)).toMatchObject({
			whyNot: 'Set a passphrase under Destinations'
		});
		expect(encryptionChoice({ ...options, format: 'directory' }, true)).toMatchObject({
			whyNot: 'Not for the directory format, a folder of files'
		});
	});

	it('counts the public keys set with the CLI', () => {
		const keys = { kind: 'recipients', recipients: ['age1a', 'age1b'] } as const;
		const e = { ...options, encryption: { ...keys, recipients: [...keys.recipients] } };
		expect(encryptionChoice(e, false)).toEqual({ kind: 'recipients', count: 2 });
	});
});

describe('checks before saving', () => {
	const ok = { ...newDraft(prod), name: 'Nightly' };

	it('passes a complete form', () => {
		expect(draftProblem(ok)).toBeNull();
	});

	it('names the first problem', () => {
		expect(draftProblem({ ...ok, name: ' ' })).toMatch(/name/);
		expect(draftProblem({ ...ok, expression: '' })).toMatch(/cron expression/);
		expect(draftProblem({ ...ok, kind: 'interval', every: 0 })).toMatch(/how often/);
		expect(draftProblem({ ...ok, kind: 'interval', every: 1.5 })).toMatch(/whole number of hours/);
		expect(draftProblem({ ...ok, keepLast: null })).toMatch(/Keep the newest/);
		expect(draftProblem({ ...ok, keepLastOn: false, keepLast: null })).toBeNull();
		expect(draftProblem({ ...ok, maxAgeOn: true, maxAgeDays: 0 })).toMatch(/days/);
		expect(draftProblem({ ...ok, minKeep: 0 })).toMatch(/failures never delete/);
		expect(draftProblem({ ...ok, maxRetries: 11 })).toMatch(/0 to 10/);
		expect(draftProblem({ ...ok, retryDelaySecs: -1 })).toMatch(/seconds/);
	});
});
