// The saved destinations (buckets), where the encryption passphrase is and the
// private key that reads backups made to its public key: what the Destinations
// panel, the Backup dialog and the history's "Copy to…" share.
import type { DestinationsView, SaveDestination, SavedDestination } from '../ipc/bindings';
import { toErrorPayload } from '../ipc/errors';

export interface DestinationsApi {
	listDestinations(): Promise<DestinationsView>;
	saveDestination(input: SaveDestination): Promise<DestinationsView>;
	removeDestination(name: string): Promise<DestinationsView>;
	setEncryptionPassphrase(passphrase: string | null): Promise<DestinationsView>;
	setEncryptionIdentity(identity: string | null): Promise<DestinationsView>;
}

export class DestinationsStore {
	view = $state.raw<DestinationsView>({
		destinations: [],
		encryptionPassphrase: 'none',
		encryptionIdentity: 'none',
		identityRecipients: []
	});
	loaded = $state(false);
	loadError = $state<string | null>(null);

	readonly #api: DestinationsApi;

	constructor(api: DestinationsApi) {
		this.#api = api;
	}

	get list(): SavedDestination[] {
		return this.view.destinations;
	}

	/** A passphrase is saved: backups can be encrypted with it. */
	get canEncrypt(): boolean {
		return this.view.encryptionPassphrase !== 'none';
	}

	find(name: string): SavedDestination | undefined {
		return this.list.find((d) => d.destination.name === name);
	}

	async load(): Promise<void> {
		try {
			this.view = await this.#api.listDestinations();
			this.loadError = null;
		} catch (e) {
			this.loadError = toErrorPayload(e).message;
		}
		this.loaded = true;
	}

	/** Adds or changes one; rejects with the backend's reason (the list stays as it was). */
	async save(input: SaveDestination): Promise<void> {
		this.view = await this.#api.saveDestination(input);
	}

	async remove(name: string): Promise<void> {
		this.view = await this.#api.removeDestination(name);
	}

	/** `null` forgets it. */
	async setPassphrase(passphrase: string | null): Promise<void> {
		this.view = await this.#api.setEncryptionPassphrase(passphrase);
	}

	/**
	 * Saves a private key (the text of an `age-keygen` file); rejects with the backend's reason
	 * when it is not one. `null` forgets it.
	 */
	async setIdentity(identity: string | null): Promise<void> {
		this.view = await this.#api.setEncryptionIdentity(identity);
	}
}
