import { describe, expect, it, vi } from 'vitest';
import type { DestinationsView, SavedDestination } from '../ipc/bindings';
import { DestinationsStore, type DestinationsApi } from './destinations.svelte';
import { DestinationEditor, type EditorApi } from './destination-editor.svelte';

const offsite: SavedDestination = {
	destination: {
		name: 'offsite',
		endpoint: 'http://127.0.0.1:3900',
		region: 'garage',
		bucket: 'backups',
		prefix: 'team',
		pathStyle: true,
		accessKeyId: 'GK1'
	},
	secretStorage: 'keychain'
};

const view = (
	destinations: SavedDestination[],
	encryptionPassphrase: DestinationsView['encryptionPassphrase'] = 'none',
	identityRecipients: string[] = []
): DestinationsView => ({
	destinations,
	encryptionPassphrase,
	encryptionIdentity: identityRecipients.length ? 'keychain' : 'none',
	identityRecipients
});

/** The public key of the private key the fake backend takes. */
const publicKey = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

const refusal = (kind: string, message: string) => ({ kind, message, detail: null });

function fakeApi(): DestinationsApi {
	return {
		listDestinations: vi.fn(async () => view([offsite])),
		saveDestination: vi.fn(async () => view([offsite])),
		removeDestination: vi.fn(async () => view([])),
		setEncryptionPassphrase: vi.fn(async (p: string | null) =>
			view([offsite], p ? 'keychain' : 'none')
		),
		setEncryptionIdentity: vi.fn(async (identity: string | null) =>
			view([offsite], 'none', identity ? [publicKey] : [])
		)
	};
}

describe('DestinationsStore', () => {
	it('takes the view the backend answers with after each change', async () => {
		const api = fakeApi();
		const store = new DestinationsStore(api);
		expect(store.canEncrypt).toBe(false);
		await store.load();
		expect(store.loaded).toBe(true);
		expect(store.find('offsite')?.destination.bucket).toBe('backups');
		await store.setPassphrase('correct horse');
		expect(store.canEncrypt).toBe(true);
		await store.setPassphrase(null);
		expect(store.canEncrypt).toBe(false);
		await store.remove('offsite');
		expect(store.list).toEqual([]);
	});

	it('saves the private key as pasted, shows its public key, and forgets it', async () => {
		const api = fakeApi();
		const store = new DestinationsStore(api);
		expect(store.view.encryptionIdentity).toBe('none');
		expect(store.view.identityRecipients).toEqual([]);
		const file = `# created: 2025-03-14T09:00:00Z\n# public key: ${publicKey}\nAGE-SECRET-KEY-1QQ…\n`;
		await store.setIdentity(file);
		expect(api.setEncryptionIdentity).toHaveBeenCalledWith(file);
		expect(store.view.encryptionIdentity).toBe('keychain');
		expect(store.view.identityRecipients).toEqual([publicKey]);
		expect(store.canEncrypt).toBe(false);
		await store.setIdentity(null);
		expect(api.setEncryptionIdentity).toHaveBeenLastCalledWith(null);
		expect(store.view.encryptionIdentity).toBe('none');
		expect(store.view.identityRecipients).toEqual([]);
	});

	it('keeps the list when a change is refused, and says why a load failed', async () => {
		const api = fakeApi();
		const store = new DestinationsStore(api);
		await store.load();
		vi.mocked(api.saveDestination).mockRejectedValueOnce(
			refusal('invalidOptions', 'a destination named `offsite` already exists: choose another name')
		);
		await expect(
			store.save({ originalName: null, destination: offsite.destination, secret: 'x' })
		).rejects.toMatchObject({
			message: expect.stringContaining('already exists')
		});
		expect(store.list).toHaveLength(1);
		vi.mocked(api.setEncryptionIdentity).mockRejectedValueOnce(
			refusal('invalidOptions', 'this is not an age private key: invalid Bech32 encoding')
		);
		await expect(store.setIdentity('age1ql3z…')).rejects.toMatchObject({
			message: expect.stringContaining('not an age private key')
		});
		expect(store.view.encryptionIdentity).toBe('none');
		vi.mocked(api.listDestinations).mockRejectedValueOnce(
			refusal('storage', 'destinations.json is not valid JSON')
		);
		await store.load();
		expect(store.loadError).toBe('destinations.json is not valid JSON');
		expect(store.list).toHaveLength(1);
	});
});

function editorApi(): EditorApi {
	return {
		testDestination: vi.fn(async () => [
			{ step: 'write', ok: true, detail: 'wrote offsite:probe (1 bytes)', failure: null }
		]),
		save: vi.fn(async () => {})
	};
}

describe('DestinationEditor', () => {
	it('turns path-style on with an endpoint until it is chosen by hand', () => {
		const editor = new DestinationEditor(null, editorApi());
		expect(editor.draft.pathStyle).toBe(false);
		editor.setEndpoint('http://127.0.0.1:3900');
		expect(editor.draft.pathStyle).toBe(true);
		editor.setEndpoint('');
		expect(editor.draft.pathStyle).toBe(false);
		editor.setEndpoint('https://4f1c.r2.cloudflarestorage.com');
		editor.choosePathStyle(false);
		editor.setEndpoint('https://4f1c.r2.cloudflarestorage.com/');
		expect(editor.draft.pathStyle).toBe(false);
	});

	it('keeps a saved destination’s path-style as it was', () => {
		const saved = { ...offsite, destination: { ...offsite.destination, pathStyle: false } };
		const editor = new DestinationEditor(saved, editorApi());
		editor.setEndpoint('http://127.0.0.1:3901');
		expect(editor.draft.pathStyle).toBe(false);
	});

	it('shows its checks only once Test or Save was tried, and sends nothing invalid', async () => {
		const api = editorApi();
		const editor = new DestinationEditor(null, api);
		expect(editor.fieldError('name')).toBeNull();
		await editor.test();
		expect(editor.fieldError('name')).toBe('Enter a name.');
		expect(await editor.save()).toBe(false);
		expect(api.testDestination).not.toHaveBeenCalled();
		expect(api.save).not.toHaveBeenCalled();
	});

	it('editing, an empty secret keeps the saved one', async () => {
		const api = editorApi();
		const editor = new DestinationEditor(offsite, api);
		expect(editor.needsSecret).toBe(false);
		await editor.test();
		expect(editor.steps).toHaveLength(1);
		expect(api.testDestination).toHaveBeenCalledWith({
			originalName: 'offsite',
			destination: offsite.destination,
			secret: null
		});
		editor.draft.name = 'garage';
		expect(await editor.save()).toBe(true);
		expect(api.save).toHaveBeenCalledWith({
			originalName: 'offsite',
			destination: { ...offsite.destination, name: 'garage' },
			secret: null
		});
	});

	it('puts a refusal about a field under it, and any other above the buttons', async () => {
		const api = editorApi();
		const editor = new DestinationEditor(offsite, api);
		vi.mocked(api.save).mockRejectedValueOnce(
			refusal('invalidOptions', 'a destination named `r2` already exists: choose another name')
		);
		expect(await editor.save()).toBe(false);
		expect(editor.refused).toBe('save');
		expect(editor.fieldError('name')).toContain('already exists');
		vi.mocked(api.testDestination).mockRejectedValueOnce(
			refusal('storage', 'the keychain is locked')
		);
		await editor.test();
		expect(editor.refused).toBe('test');
		expect(editor.errorField).toBeNull();
		expect(editor.error?.message).toBe('the keychain is locked');
		expect(editor.fieldError('name')).toBeNull();
	});
});
