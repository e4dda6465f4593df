// A check the backend makes of a dialog's options as they change (the backup's
// preview, the restore's pre-flight): asked once the options have rested for a
// moment, and answered only for the options still shown.
import type { ErrorPayload } from '../ipc/bindings';
import { toErrorPayload } from '../ipc/errors';

export class DebouncedCheck<I, R> {
	/** Waiting to ask, or asked and not yet answered. */
	pending = $state(false);
	/** The answer for `input`; null before one, after an error and after `reset`. */
	result = $state.raw<R | null>(null);
	/** The input `result` answers, exactly as it was checked. */
	input = $state.raw<I | null>(null);
	error = $state.raw<ErrorPayload | null>(null);

	readonly #check: (input: I) => Promise<R>;
	readonly #delay: number;
	/** The latest input asked for (as JSON): an answer for any other is dropped. */
	#latest = '';
	/** The input `result` answers (as JSON), so an unchanged one is not asked again. */
	#answered = '';
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(check: (input: I) => Promise<R>, delayMs: number) {
		this.#check = check;
		this.#delay = delayMs;
	}

	/** Checks `input` once the delay has passed with no other run; returns what
	 * cancels the wait (an effect's cleanup: the dialog stopped asking). */
	run(input: I): () => void {
		clearTimeout(this.#timer);
		const key = JSON.stringify(input);
		this.#latest = key;
		if (key === this.#answered) {
			// Back to the last input answered: its answer still holds.
			this.pending = false;
			return () => {};
		}
		this.pending = true;
		const timer = setTimeout(() => this.#ask(input, key), this.#delay);
		this.#timer = timer;
		return () => clearTimeout(timer);
	}

	/** Whether `result` answers exactly `input`. */
	answers(input: I): boolean {
		return this.input !== null && JSON.stringify(this.input) === JSON.stringify(input);
	}

	/** Forgets the answer, so that the next run asks again even for the same input. */
	reset(): void {
		this.#answered = '';
		this.result = null;
		this.input = null;
	}

	async #ask(input: I, key: string): Promise<void> {
		try {
			const result = await this.#check(input);
			if (key !== this.#latest) return;
			this.#answered = key;
			this.result = result;
			this.input = input;
			this.error = null;
		} catch (error) {
			if (key !== this.#latest) return;
			this.reset();
			this.error = toErrorPayload(error);
		}
		this.pending = false;
	}
}
