import { describe, expect, it } from 'vitest';
import type { AutomaticBackups, RetentionPolicy, Schedule } from './ipc/bindings';
import {
	automaticDetails,
	describeAutomatic,
	describeInterval,
	describeRetention,
	describeStats,
	describeTrigger,
	intervalParts
} from './schedules';

const cron = (expression: string) => ({ kind: 'cron', expression }) as const;

describe('triggers in words', () => {
	it('describes intervals as the backend does', () => {
		expect(describeInterval(3_600)).toBe('Every hour');
		expect(describeInterval(6 * 3_600)).toBe('Every 6 hours');
		expect(describeInterval(86_400)).toBe('Every day');
		expect(describeInterval(90 * 60)).toBe('Every 90 minutes');
		expect(describeInterval(45)).toBe('Every 45 seconds');
	});

	it('describes the usual cron expressions', () => {
		expect(describeTrigger(cron('30 2 * * *'), 'Europe/Paris')).toBe(
			'Every day at 02:30 (Europe/Paris)'
		);
		expect(describeTrigger(cron('0 3 * * 0'), 'UTC')).toBe('Every Sunday at 03:00 (UTC)');
		expect(describeTrigger(cron('0 3 * * 7'), 'UTC')).toBe('Every Sunday at 03:00 (UTC)');
		expect(describeTrigger(cron(' 0  *  * * * '), 'UTC')).toBe('Every hour, on the hour');
		expect(describeTrigger(cron('15 * * * *'), 'UTC')).toBe('Every hour at :15');
		expect(describeTrigger({ kind: 'interval', everySecs: 7_200 }, 'UTC')).toBe('Every 2 hours');
	});

	it('leaves the rest to the backend', () => {
		for (const e of ['*/15 * * * *', '0 2 * * 1-5', '0 2 1 * *', '0 24 * * *', 'nightly', '']) {
			expect(describeTrigger(cron(e), 'UTC')).toBeNull();
		}
	});

	it('splits an interval into the largest unit', () => {
		expect(intervalParts(2 * 86_400)).toEqual({ every: 2, unit: 'days' });
		expect(intervalParts(36 * 3_600)).toEqual({ every: 36, unit: 'hours' });
		expect(intervalParts(300)).toEqual({ every: 5, unit: 'minutes' });
	});
});

describe('retention in words', () => {
	const policy = (extra: Partial<RetentionPolicy>): RetentionPolicy => ({
		keepLast: null,
		maxAgeDays: null,
		gfs: null,
		minKeep: 3,
		minVerified: 1,
		...extra
	});

	it('names every rule and the minimum', () => {
		expect(describeRetention(policy({ keepLast: 7 }))).toBe('Keeps the newest 7 · at least 3');
		expect(describeRetention(policy({ keepLast: 7, maxAgeDays: 30 }))).toBe(
			'Keeps the newest 7 or the last 30 days · at least 3'
		);
		expect(
			describeRetention(policy({ gfs: { allHours: 24, dailyDays: 7, weeklyDays: 30 }, minKeep: 1 }))
		).toBe(
			'Keeps every backup of the last 24 h, one a day for 7 days and one a week for 30 days · at least 1'
		);
	});

	it('says when nothing is ever deleted', () => {
		expect(describeRetention(policy({}))).toBe('Keeps every backup');
	});
});

describe('statistics in words', () => {
	it('counts runs and outcomes', () => {
		const stats = {
			totalRuns: 12,
			successfulRuns: 11,
			failedRuns: 1,
			lastRun: null,
			running: false
		};
		expect(describeStats(stats)).toBe('12 runs · 11 succeeded · 1 failed');
		expect(describeStats({ ...stats, totalRuns: 0, successfulRuns: 0, failedRuns: 0 })).toBe(
			'No runs yet'
		);
	});
});

describe('automatic backups in words', () => {
	const now = new Date('2025-03-14T09:26:00Z');
	const off: AutomaticBackups = {
		schedule: null,
		enabled: false,
		offered: true,
		lastGoodBackup: null,
		nextRun: null
	};
	const on = (nextRun: string | null): AutomaticBackups => ({ ...off, enabled: true, nextRun });

	it('says when the next one runs, or that it is due', () => {
		expect(describeAutomatic(on('2025-03-14T12:38:00Z'), now)).toBe(
			'Automatic backups on · next in 3 h 12 min'
		);
		expect(describeAutomatic(on('2025-03-14T09:26:00Z'), now)).toBe(
			'Automatic backups on · due now'
		);
		expect(describeAutomatic(on(null), now)).toBe('Automatic backups on');
		expect(describeAutomatic(off, now)).toBe('Automatic backups off');
	});

	it('details the schedule as it is now and the last good backup', () => {
		// Only what the words read of the schedule.
		const schedule = {
			trigger: { kind: 'interval', everySecs: 4 * 3_600 },
			timezone: 'UTC',
			retention: { keepLast: 15, maxAgeDays: null, gfs: null, minKeep: 3, minVerified: 1 }
		} as Schedule;
		expect(
			automaticDetails({ ...on(null), schedule, lastGoodBackup: '2025-03-14T07:00:00Z' }, now)
		).toBe('Every 4 hours · Keeps the newest 15 · at least 3 · Last good backup 2 h ago');
		expect(automaticDetails(off, now)).toBe('No good backup yet');
	});
});
