import { describe, expect, it, vi } from 'vitest';
import type { BackupProgress, JobOutcome } from '../ipc/bindings';
import { appendBounded, JobRun, type JobRunApi } from './job-run.svelte';
import { outcome, progress } from './fixtures.test-utils';

function fakeApi() {
	const order: string[] = [];
	let handlers: {
		progress: (p: BackupProgress) => void;
		log: (lines: string[]) => void;
		finished: (o: JobOutcome) => void;
	} | null = null;
	let unsubscribed = 0;
	const api: JobRunApi = {
		subscribe: async (_type, jobId, h) => {
			order.push(`subscribe ${jobId}`);
			handlers = h;
			return () => unsubscribed++;
		},
		cancel: vi.fn(async () => true),
		newId: () => 'job-1'
	};
	return { api, order, emit: () => handlers!, unsubscribed: () => unsubscribed };
}

describe('JobRun', () => {
	it('subscribes before it starts the job, then follows it to its outcome', async () => {
		const fake = fakeApi();
		const run = new JobRun('backup', fake.api);
		await run.start(async (id) => {
			fake.order.push(`start ${id}`);
			return { jobId: id, jobType: 'backup', command: 'pg_dump -Fc' };
		});
		expect(fake.order).toEqual(['subscribe job-1', 'start job-1']);
		expect(run.state).toBe('running');
		expect(run.command).toBe('pg_dump -Fc');

		fake.emit().progress(progress(40));
		fake
			.emit()
			.log(['pg_dump: reading schemas', 'pg_dump: dumping contents of table "public.orders"']);
		expect(run.progress?.percent).toBe(40);
		expect(run.log).toHaveLength(2);

		fake.emit().finished(outcome('job-1'));
		expect(run.state).toBe('finished');
		expect(run.outcome?.status).toBe('completed');
		expect(fake.unsubscribed()).toBe(1);
	});

	it('handles an outcome that arrives before the start call returns', async () => {
		const fake = fakeApi();
		const run = new JobRun('backup', fake.api);
		await run.start(async (id) => {
			fake.emit().finished(outcome(id, { status: 'failed' }));
			return { jobId: id, jobType: 'backup', command: 'pg_dump' };
		});
		expect(run.state).toBe('finished');
		expect(run.outcome?.status).toBe('failed');
	});

	it('goes back to idle with the error when the job cannot start', async () => {
		const fake = fakeApi();
		const run = new JobRun('restore', fake.api);
		await run.start(async () => {
			throw { kind: 'invalidOptions', message: 'no file', detail: null };
		});
		expect(run.state).toBe('idle');
		expect(run.startError?.message).toBe('no file');
		expect(fake.unsubscribed()).toBe(1);
	});

	it('cancels only a running job', async () => {
		const fake = fakeApi();
		const run = new JobRun('backup', fake.api);
		await run.cancel();
		expect(fake.api.cancel).not.toHaveBeenCalled();
		await run.start(async (id) => ({ jobId: id, jobType: 'backup', command: '' }));
		await run.cancel();
		expect(fake.api.cancel).toHaveBeenCalledWith('job-1');
		expect(run.cancelling).toBe(true);
	});

	it('keeps the log bounded and counts what it dropped', async () => {
		const fake = fakeApi();
		const run = new JobRun('backup', fake.api);
		await run.start(async (id) => ({ jobId: id, jobType: 'backup', command: '' }));
		const lines = Array.from({ length: 700 }, (_, i) => `line ${i}`);
		fake.emit().log(lines);
		fake.emit().log(lines);
		expect(run.log).toHaveLength(1000);
		expect(run.dropped).toBe(400);
		expect(run.log.at(-1)).toBe('line 699');
	});
});

describe('appendBounded', () => {
	it('keeps the newest lines', () => {
		expect(appendBounded(['a', 'b'], ['c', 'd'], 3)).toEqual(['b', 'c', 'd']);
		expect(appendBounded([], ['a', 'b', 'c', 'd'], 2)).toEqual(['c', 'd']);
	});
});
