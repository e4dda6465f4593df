import { describe, expect, it, vi } from 'vitest';
import type { ScheduleSummary } from '../ipc/bindings';
import { defaultBackupOptions } from '../options';
import { SchedulesStore, type SchedulesApi } from './schedules.svelte';

function summary(id: string, connectionId: string, running = false): ScheduleSummary {
	return {
		schedule: {
			id,
			name: id,
			enabled: true,
			source: {
				connectionId,
				connectionName: connectionId,
				host: 'localhost',
				port: 5432,
				user: 'u',
				database: 'db'
			},
			sslmode: null,
			trigger: { kind: 'cron', expression: '0 2 * * *' },
			timezone: 'UTC',
			options: defaultBackupOptions(connectionId),
			destination: '/b',
			copyTo: [],
			bucket: null,
			retention: { keepLast: 7, maxAgeDays: null, gfs: null, minKeep: 3, minVerified: 1 },
			verifyAfter: false,
			notify: 'failure',
			notifyVia: [],
			maxRetries: 2,
			retryDelaySecs: 60,
			createdAt: '2025-03-01T00:00:00Z',
			nextRunAt: '2025-03-15T02:00:00Z',
			automatic: false
		},
		stats: { totalRuns: 0, successfulRuns: 0, failedRuns: 0, lastRun: null, running }
	};
}

/** An API whose events can be fired by the test. */
function fakeApi(list: ScheduleSummary[]) {
	const handlers = { schedules: new Set<() => void>(), history: new Set<() => void>() };
	const listen = (set: Set<() => void>) => async (h: () => void) => {
		set.add(h);
		return () => set.delete(h);
	};
	const api = {
		listSchedules: vi.fn(async () => list),
		onSchedulesChanged: vi.fn(listen(handlers.schedules)),
		onHistoryChanged: vi.fn(listen(handlers.history)),
		setScheduleEnabled: vi.fn(async (id: string, enabled: boolean) => {
			const found = list.find((s) => s.schedule.id === id)!;
			return { ...found.schedule, enabled, nextRunAt: enabled ? found.schedule.nextRunAt : null };
		}),
		deleteSchedule: vi.fn(async () => null),
		runScheduleNow: vi.fn(async (jobId: string) => ({
			jobId,
			jobType: 'backup' as const,
			command: ''
		}))
	} satisfies SchedulesApi;
	const fire = (which: keyof typeof handlers) => handlers[which].forEach((h) => h());
	return { api, handlers, fire };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('SchedulesStore', () => {
	it('loads and filters by connection', async () => {
		const { api } = fakeApi([summary('a', 'prod'), summary('b', 'staging'), summary('c', 'prod')]);
		const store = new SchedulesStore(api);
		expect(store.loaded).toBe(false);
		await store.start();
		expect(store.loading).toBe(false);
		expect(store.loaded).toBe(true);
		expect(store.forConnection('prod').map((s) => s.schedule.id)).toEqual(['a', 'c']);
		expect(store.forConnection('other')).toEqual([]);
	});

	it('refreshes on schedules:changed and history:changed until stopped', async () => {
		const { api, handlers, fire } = fakeApi([]);
		const store = new SchedulesStore(api);
		await store.start();
		api.listSchedules.mockResolvedValue([summary('a', 'prod')]);
		fire('schedules');
		await settle();
		expect(store.list).toHaveLength(1);
		api.listSchedules.mockResolvedValue([]);
		fire('history');
		await settle();
		expect(store.list).toHaveLength(0);
		store.stop();
		expect(handlers.schedules.size + handlers.history.size).toBe(0);
	});

	it('listens once however often it is started, and not at all when stopped first', async () => {
		const { api, handlers } = fakeApi([]);
		const store = new SchedulesStore(api);
		await store.start();
		await store.start();
		expect(handlers.schedules.size).toBe(1);
		store.stop();
		const late = new SchedulesStore(api);
		const starting = late.start();
		late.stop();
		await starting;
		expect(handlers.schedules.size + handlers.history.size).toBe(0);
	});

	it('keeps the newest answer when refreshes overlap', async () => {
		const { api } = fakeApi([]);
		let answerFirst: (list: ScheduleSummary[]) => void = () => {};
		api.listSchedules.mockImplementationOnce(() => new Promise((r) => (answerFirst = r)));
		api.listSchedules.mockResolvedValueOnce([summary('new', 'prod')]);
		const store = new SchedulesStore(api);
		const first = store.refresh();
		await store.refresh();
		answerFirst([summary('old', 'prod')]);
		await first;
		expect(store.list.map((s) => s.schedule.id)).toEqual(['new']);
	});

	it('reports a failed load', async () => {
		const { api } = fakeApi([]);
		api.listSchedules.mockRejectedValueOnce({ kind: 'catalog', message: 'locked', detail: null });
		const store = new SchedulesStore(api);
		await store.refresh();
		expect(store.error).toBe('locked');
		expect(store.loaded).toBe(true);
		await store.refresh();
		expect(store.error).toBeNull();
	});

	it('switches a schedule off at once and back if the backend refuses', async () => {
		const { api } = fakeApi([summary('a', 'prod')]);
		const store = new SchedulesStore(api);
		await store.refresh();
		await store.setEnabled('a', false);
		expect(api.setScheduleEnabled).toHaveBeenCalledWith('a', false);
		expect(store.list[0].schedule).toMatchObject({ enabled: false, nextRunAt: null });

		let refuse: (e: unknown) => void = () => {};
		api.setScheduleEnabled.mockImplementationOnce(() => new Promise((_, r) => (refuse = r)));
		const turningOn = store.setEnabled('a', true);
		expect(store.list[0].schedule.enabled).toBe(true);
		refuse({ kind: 'catalog', message: 'locked', detail: null });
		await expect(turningOn).rejects.toMatchObject({ message: 'locked' });
		expect(store.list[0].schedule.enabled).toBe(false);
	});

	it('removes a deleted schedule', async () => {
		const { api } = fakeApi([summary('a', 'prod'), summary('b', 'prod')]);
		const store = new SchedulesStore(api);
		await store.refresh();
		await store.remove('a');
		expect(api.deleteSchedule).toHaveBeenCalledWith('a');
		expect(store.list.map((s) => s.schedule.id)).toEqual(['b']);
	});

	it('counts a schedule as running from Run now until the backend says', async () => {
		const { api } = fakeApi([summary('a', 'prod')]);
		const store = new SchedulesStore(api);
		await store.refresh();
		await store.runNow('a', 'job-1');
		expect(api.runScheduleNow).toHaveBeenCalledWith('job-1', 'a');
		expect(store.isRunning(store.list[0])).toBe(true);
		await store.refresh();
		expect(store.isRunning(store.list[0])).toBe(false);
		expect(store.isRunning(summary('a', 'prod', true))).toBe(true);

		api.runScheduleNow.mockRejectedValueOnce({ kind: 'x', message: 'no', detail: null });
		await expect(store.runNow('a', 'job-2')).rejects.toMatchObject({ message: 'no' });
		expect(store.isRunning(store.list[0])).toBe(false);
	});
});
