// Schedules, their runs and the previews the backend gives, for schedules.spec.ts.
import { expect, type Page } from '@playwright/test';
import type {
	BackupOptions,
	PrunePreview,
	Schedule,
	ScheduleRun,
	ScheduleSummary,
	TriggerPreview
} from '../../src/lib/ipc/bindings';
import { backups, NOW, openApp, prodSource, record, type Setup } from './fixtures';

const HOUR = 3_600_000;
const at = (hoursFromNow: number) => new Date(NOW.getTime() + hoursFromNow * HOUR).toISOString();

const options: BackupOptions = {
	...backups[0].options,
	format: 'custom',
	compression: 1,
	compressionMethod: 'zstd'
};

function schedule(extra: Partial<Schedule> & { id: string; name: string }): Schedule {
	return {
		enabled: true,
		source: prodSource,
		sslmode: 'require',
		trigger: { kind: 'cron', expression: '30 2 * * *' },
		timezone: 'Europe/Paris',
		options: { ...options, outputPath: '' },
		destination: '/home/alex/backups/nightly',
		copyTo: [],
		bucket: null,
		retention: { keepLast: 7, maxAgeDays: null, gfs: null, minKeep: 3, minVerified: 1 },
		verifyAfter: false,
		notify: 'failure',
		notifyVia: [],
		maxRetries: 2,
		retryDelaySecs: 60,
		createdAt: '2025-02-01T10:00:00Z',
		nextRunAt: null,
		automatic: false,
		...extra
	};
}

function run(extra: Partial<ScheduleRun> & { scheduleId: string }): ScheduleRun {
	return {
		id: `run-${extra.scheduleId}`,
		scheduledFor: at(-8),
		startedAt: at(-8),
		finishedAt: at(-7.9),
		status: 'succeeded',
		attempts: 1,
		backupId: 'nightly-0600',
		error: null,
		pruned: 0,
		...extra
	};
}

export const nightly: ScheduleSummary = {
	schedule: schedule({
		id: 'sched-nightly',
		name: 'Nightly shop',
		verifyAfter: true,
		nextRunAt: '2025-03-15T01:30:00Z'
	}),
	stats: {
		totalRuns: 12,
		successfulRuns: 11,
		failedRuns: 1,
		lastRun: run({ scheduleId: 'sched-nightly', pruned: 1 }),
		running: false
	}
};

export const toNas: ScheduleSummary = {
	schedule: schedule({
		id: 'sched-nas',
		name: 'Every 6 hours to the NAS',
		trigger: { kind: 'interval', everySecs: 6 * 3600 },
		timezone: 'UTC',
		destination: '/mnt/nas/postgres/shop',
		options: {
			...options,
			format: 'custom',
			compression: 6,
			compressionMethod: 'gzip',
			outputPath: ''
		},
		retention: {
			keepLast: null,
			maxAgeDays: 14,
			gfs: { allHours: 24, dailyDays: 7, weeklyDays: 30 },
			minKeep: 3,
			minVerified: 1
		},
		notify: 'always',
		maxRetries: 3,
		nextRunAt: at(3.5)
	}),
	stats: {
		totalRuns: 40,
		successfulRuns: 35,
		failedRuns: 5,
		lastRun: run({
			scheduleId: 'sched-nas',
			scheduledFor: at(-2.5),
			startedAt: at(-2.5),
			finishedAt: at(-2.4),
			status: 'failed',
			attempts: 3,
			backupId: null,
			error: 'The disk holding /mnt/nas is full. Free some space or choose another folder.'
		}),
		running: false
	}
};

/** The schedule "Back up automatically" made for Production: every 4 hours, the newest 15 kept. */
export const automaticProd: ScheduleSummary = {
	schedule: schedule({
		id: 'sched-automatic',
		name: 'Automatic backups of Production',
		automatic: true,
		trigger: { kind: 'interval', everySecs: 4 * 3600 },
		timezone: 'UTC',
		destination: '/home/alex/.local/share/tusk/backups/Automatic backups of Production',
		retention: { keepLast: 15, maxAgeDays: null, gfs: null, minKeep: 3, minVerified: 1 },
		nextRunAt: at(3.2)
	}),
	stats: {
		totalRuns: 6,
		successfulRuns: 6,
		failedRuns: 0,
		lastRun: run({
			scheduleId: 'sched-automatic',
			scheduledFor: at(-0.8),
			startedAt: at(-0.8),
			finishedAt: at(-0.78)
		}),
		running: false
	}
};

/** A schedule of another connection: never shown on Production's tab. */
export const stagingNightly: ScheduleSummary = {
	schedule: schedule({
		id: 'sched-staging',
		name: 'Staging nightly',
		source: { ...nightly.schedule.source, connectionId: 'staging', connectionName: 'Staging' }
	}),
	stats: { totalRuns: 0, successfulRuns: 0, failedRuns: 0, lastRun: null, running: false }
};

export const dailyPreview: TriggerPreview = {
	description: 'At 02:30 every day (Europe/Paris)',
	nextRuns: ['2025-03-15T01:30:00Z', '2025-03-16T01:30:00Z', '2025-03-17T01:30:00Z'],
	timezone: 'Europe/Paris'
};

/** What the backend says of a new schedule's trigger (02:00 in the machine's UTC). */
export const newSchedulePreview: TriggerPreview = {
	description: 'At 02:00 every day (UTC)',
	nextRuns: ['2025-03-15T02:00:00Z', '2025-03-16T02:00:00Z', '2025-03-17T02:00:00Z'],
	timezone: 'UTC'
};

export const timezones = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/London', 'Europe/Paris'];

const kept = (id: string, reason: string, hoursAgo: number, name: string): PrunePreview => ({
	decision: { id, keep: true, reason },
	backup: record({ id, name, startedAt: at(-hoursAgo), reason: 'scheduled' })
});

const dropped = (id: string, hoursAgo: number, name: string): PrunePreview => ({
	decision: { id, keep: false, reason: 'not among the newest 7' },
	backup: record({ id, name, startedAt: at(-hoursAgo), reason: 'scheduled' })
});

export const prunePreview: PrunePreview[] = [
	kept('p1', 'one of the newest 7', 8, 'Nightly shop 2025-03-14 02:30'),
	kept('p2', 'one of the newest 7', 32, 'Nightly shop 2025-03-13 02:30'),
	kept('p3', 'one of the newest 7', 56, 'Nightly shop 2025-03-12 02:30'),
	dropped('p8', 176, 'Nightly shop 2025-03-07 02:30'),
	dropped('p9', 200, 'Nightly shop 2025-03-06 02:30')
];

/** Opens Production's Schedules tab, scrolled so the panel fills the window. */
export async function openSchedules(page: Page, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: {
			list_schedules: { ok: [nightly, toNas, stagingNightly] },
			list_timezones: { ok: timezones },
			preview_trigger: { ok: dailyPreview },
			...setup.replies
		}
	});
	await page.getByRole('tab', { name: 'Schedules' }).click();
	const panel = page.getByTestId('schedules');
	await expect(panel).toBeVisible();
	await page.getByRole('tablist').evaluate((el) => el.scrollIntoView({ block: 'start' }));
	// The scroll brings a card's button under the pointer left on the tab: no hover in screenshots.
	await page.mouse.move(0, 0);
	return panel;
}

/** The card of one schedule. */
export const card = (page: Page, name: string) =>
	page.getByTestId('schedule').filter({ has: page.getByRole('heading', { name }) });
