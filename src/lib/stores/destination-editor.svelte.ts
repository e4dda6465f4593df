// The destination form's state: the draft, its checks (shown once Test or Save
// was tried), the test's steps and the backend's refusals, each under the field
// it is about when there is one.
import type { ErrorPayload, SaveDestination, SavedDestination, TestStep } from '../ipc/bindings';
import { toErrorPayload } from '../ipc/errors';
import {
	checkDraft,
	draftOf,
	fieldOf,
	toSaveDestination,
	type DestinationDraft,
	type DraftField,
	type FieldErrors
} from '../destinations';

export interface EditorApi {
	testDestination(input: SaveDestination): Promise<TestStep[]>;
	save(input: SaveDestination): Promise<void>;
}

export class DestinationEditor {
	draft = $state<DestinationDraft>(draftOf(null));
	/** The destination being edited; `null` adds one. */
	readonly original: SavedDestination | null;
	/** Test or Save was tried: the form's own checks show. */
	attempted = $state(false);
	testing = $state(false);
	saving = $state(false);
	steps = $state.raw<TestStep[] | null>(null);
	/** The backend refused the test or the save (not a failed step: those are in `steps`). */
	error = $state.raw<ErrorPayload | null>(null);
	/** What `error` refused. */
	refused = $state<'test' | 'save'>('save');

	checks: FieldErrors = $derived(checkDraft(this.draft, this.needsSecret));
	valid = $derived(Object.keys(this.checks).length === 0);
	/** The backend's refusal, when it is about one field. */
	errorField = $derived(this.error ? fieldOf(this.error.message) : null);

	readonly #api: EditorApi;
	/** Path-style follows the endpoint until the box is ticked or cleared by hand. */
	#pathStyleChosen: boolean;

	constructor(original: SavedDestination | null, api: EditorApi) {
		this.original = original;
		this.#api = api;
		this.draft = draftOf(original?.destination ?? null);
		this.#pathStyleChosen = original !== null;
	}

	/** No secret is saved: the form must bring one. */
	get needsSecret(): boolean {
		return this.original === null || this.original.secretStorage === 'none';
	}

	/** What to show under `field`: its check once tried, else what the backend said of it. */
	fieldError(field: DraftField): string | null {
		if (this.attempted && this.checks[field]) return this.checks[field];
		return this.errorField === field && this.error ? this.error.message : null;
	}

	setEndpoint(endpoint: string): void {
		this.draft.endpoint = endpoint;
		// AWS takes virtual-hosted requests; the stores people run themselves want path-style.
		if (!this.#pathStyleChosen) this.draft.pathStyle = endpoint.trim() !== '';
	}

	choosePathStyle(on: boolean): void {
		this.#pathStyleChosen = true;
		this.draft.pathStyle = on;
	}

	input(): SaveDestination {
		return toSaveDestination(this.draft, this.original?.destination.name ?? null);
	}

	/** Writes, reads back and deletes a probe object with the form's values. */
	async test(): Promise<void> {
		this.attempted = true;
		this.steps = null;
		this.error = null;
		if (!this.valid) return;
		this.testing = true;
		try {
			this.steps = await this.#api.testDestination(this.input());
		} catch (e) {
			this.error = toErrorPayload(e);
			this.refused = 'test';
		} finally {
			this.testing = false;
		}
	}

	/** Resolves to whether it was saved. */
	async save(): Promise<boolean> {
		this.attempted = true;
		this.error = null;
		if (!this.valid) return false;
		this.saving = true;
		try {
			await this.#api.save(this.input());
			return true;
		} catch (e) {
			this.error = toErrorPayload(e);
			this.refused = 'save';
			return false;
		} finally {
			this.saving = false;
		}
	}
}
