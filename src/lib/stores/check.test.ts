import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DebouncedCheck } from './check.svelte';

interface Input {
	path: string;
}

const DELAY = 300;

/** A check of paths whose answers the test gives, in any order. */
function setup() {
	const asked: { resolve: (r: string) => void; reject: (e: unknown) => void }[] = [];
	const check = vi.fn(
		(_input: Input) => new Promise<string>((resolve, reject) => asked.push({ resolve, reject }))
	);
	const c = new DebouncedCheck(check, DELAY);
	/** Runs `path` and waits out the delay: the check is asked. */
	async function ask(path: string) {
		c.run({ path });
		await vi.advanceTimersByTimeAsync(DELAY);
		return asked[asked.length - 1];
	}
	/** Runs `path`, asks and answers `ok <path>`. */
	async function answered(path: string) {
		(await ask(path)).resolve(`ok ${path}`);
		await vi.runAllTimersAsync();
	}
	return { c, check, ask, answered };
}

const refusal = (message: string) => ({ kind: 'invalidOptions', message, detail: null });

describe('DebouncedCheck', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('asks only once the input has rested for the delay', async () => {
		const { c, check } = setup();
		const cancel = c.run({ path: '/a' });
		expect(c.pending).toBe(true);
		await vi.advanceTimersByTimeAsync(DELAY - 100);
		// The input changes before the delay ends: the first wait is cancelled.
		cancel();
		c.run({ path: '/ab' });
		await vi.advanceTimersByTimeAsync(DELAY - 1);
		expect(check).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(1);
		expect(check).toHaveBeenCalledTimes(1);
		expect(check).toHaveBeenCalledWith({ path: '/ab' });
	});

	it('keeps the answer with the input it answers', async () => {
		const { c, answered } = setup();
		await answered('/ab');
		expect(c.pending).toBe(false);
		expect(c.result).toBe('ok /ab');
		expect(c.input).toEqual({ path: '/ab' });
		expect(c.answers({ path: '/ab' })).toBe(true);
		expect(c.answers({ path: '/a' })).toBe(false);
		expect(c.error).toBeNull();
	});

	it('drops an answer that comes after the input changed', async () => {
		const { c, ask, check } = setup();
		const old = await ask('/old');
		const latest = await ask('/new');
		expect(check).toHaveBeenCalledTimes(2);

		// The answer for the old input arrives last but one: it is not kept.
		old.resolve('ok /old');
		await vi.runAllTimersAsync();
		expect(c.result).toBeNull();
		expect(c.pending).toBe(true);

		latest.resolve('ok /new');
		await vi.runAllTimersAsync();
		expect(c.result).toBe('ok /new');
		expect(c.input).toEqual({ path: '/new' });
		expect(c.pending).toBe(false);

		// A stale failure is dropped as well.
		const stale = await ask('/newer');
		c.run({ path: '/newest' });
		stale.reject(refusal('stale'));
		await vi.advanceTimersByTimeAsync(0);
		expect(c.error).toBeNull();
		expect(c.result).toBe('ok /new');
	});

	it('surfaces an error and clears the answer before it', async () => {
		const { c, ask, answered, check } = setup();
		await answered('/a');

		(await ask('/missing')).reject(refusal('/missing does not exist'));
		await vi.runAllTimersAsync();
		expect(c.error).toEqual(refusal('/missing does not exist'));
		expect(c.result).toBeNull();
		expect(c.input).toBeNull();
		expect(c.pending).toBe(false);

		// An Error thrown by the check becomes the same shape.
		check.mockRejectedValueOnce(new Error('connection refused'));
		c.run({ path: '/b' });
		await vi.runAllTimersAsync();
		expect(c.error).toEqual({ kind: 'other', message: 'connection refused', detail: null });

		// A later answer clears the error.
		await answered('/c');
		expect(c.error).toBeNull();
		expect(c.result).toBe('ok /c');
	});

	it('asks again when the input changes, and not for the input already answered', async () => {
		const { c, answered, check } = setup();
		await answered('/a');

		c.run({ path: '/b' });
		expect(c.pending).toBe(true);
		// Back to the input answered before the wait ends: its answer holds, nothing is asked.
		c.run({ path: '/a' });
		expect(c.pending).toBe(false);
		await vi.runAllTimersAsync();
		expect(check).toHaveBeenCalledTimes(1);
		expect(c.result).toBe('ok /a');

		await answered('/b');
		expect(check).toHaveBeenCalledTimes(2);
		expect(check).toHaveBeenLastCalledWith({ path: '/b' });
		expect(c.result).toBe('ok /b');
	});

	it('asks again for the same input after a reset', async () => {
		const { c, answered, check } = setup();
		await answered('/a');

		c.reset();
		expect(c.result).toBeNull();
		expect(c.answers({ path: '/a' })).toBe(false);
		c.run({ path: '/a' });
		expect(c.pending).toBe(true);
		await vi.advanceTimersByTimeAsync(DELAY);
		expect(check).toHaveBeenCalledTimes(2);
	});
});
