import { describe, expect, it, vi } from 'vitest';
import type { BackupProgress, JobSummary } from '../ipc/bindings';
import { JobsStore, type JobsApi } from './jobs.svelte';
import { outcome, progress, summary } from './fixtures.test-utils';

function fakeApi(initial: JobSummary[]) {
	let jobs = initial;
	let changed: (() => void) | null = null;
	const progressHandlers = new Map<string, (p: BackupProgress) => void>();
	const unlistened: string[] = [];
	const api: JobsApi = {
		listJobs: vi.fn(async () => jobs),
		onJobsChanged: async (h) => {
			changed = h;
			return () => (changed = null);
		},
		onProgress: async (_type, id, h) => {
			progressHandlers.set(id, h);
			return () => unlistened.push(id);
		},
		cancelJob: vi.fn(async () => true)
	};
	return {
		api,
		set: (next: JobSummary[]) => (jobs = next),
		fireChanged: () => changed?.(),
		push: (id: string, p: BackupProgress) => progressHandlers.get(id)?.(p),
		progressHandlers,
		unlistened
	};
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('JobsStore', () => {
	it('loads jobs and splits running from failed ones', async () => {
		const fake = fakeApi([
			summary('a'),
			summary('b', { status: 'completed', outcome: outcome('b') }),
			summary('c', {
				status: 'failed',
				outcome: outcome('c', { status: 'failed', outputPath: null })
			}),
			summary('d', {
				jobType: 'restore',
				status: 'completed',
				outcome: outcome('d', { jobType: 'restore' })
			})
		]);
		const store = new JobsStore(fake.api);
		await store.start();
		expect(store.running.map((j) => j.jobId)).toEqual(['a']);
		expect(store.failed.map((j) => j.jobId)).toEqual(['c']);
		store.stop();
	});

	it('follows the progress of running jobs and stops when they end', async () => {
		const fake = fakeApi([summary('a')]);
		const store = new JobsStore(fake.api);
		await store.start();
		await tick();
		fake.push('a', progress(42));
		expect(store.running[0].progress?.percent).toBe(42);

		fake.set([summary('a', { status: 'completed', outcome: outcome('a') })]);
		fake.fireChanged();
		await store.refresh();
		await tick();
		expect(store.running).toEqual([]);
		expect(fake.unlistened).toEqual(['a']);
		// A late progress event does not bring a finished job back.
		fake.push('a', progress(50));
		expect(store.jobs[0].status).toBe('completed');
		store.stop();
	});

	it('subscribes once per job however often it refreshes', async () => {
		const fake = fakeApi([summary('a')]);
		const onProgress = vi.spyOn(fake.api, 'onProgress');
		const store = new JobsStore(fake.api);
		await store.start();
		await Promise.all([store.refresh(), store.refresh(), store.refresh()]);
		expect(onProgress).toHaveBeenCalledTimes(1);
		store.stop();
	});

	it('uses what the dialog remembered about a job', async () => {
		const fake = fakeApi([
			summary('x', { status: 'completed', outcome: outcome('x', { outputPath: '/b/shop_dir' }) }),
			summary('y', {
				status: 'completed',
				outcome: outcome('y', { outputPath: '/b/other.backup' })
			})
		]);
		const store = new JobsStore(fake.api);
		store.remember('x', { connectionId: 'c1' });
		store.remember('y', { connectionId: 'c2' });
		await store.start();
		expect(store.forConnection('c1').map((j) => j.jobId)).toEqual(['x']);
		store.stop();
	});

	it('keeps the last list when refreshing fails', async () => {
		const fake = fakeApi([summary('a')]);
		const store = new JobsStore(fake.api);
		await store.start();
		vi.mocked(fake.api.listJobs).mockRejectedValueOnce({
			kind: 'other',
			message: 'gone',
			detail: null
		});
		await store.refresh();
		expect(store.jobs).toHaveLength(1);
		expect(store.loadError).toBe('gone');
		store.stop();
	});
});
