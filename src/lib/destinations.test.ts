import { describe, expect, it } from 'vitest';
import type { BackupRecord, S3Destination } from './ipc/bindings';
import { defaultBackupOptions } from './options';
import {
	backupLocation,
	bucketKeyPattern,
	canVerify,
	bucketPath,
	checkDraft,
	draftOf,
	endpointLabel,
	fieldOf,
	hasLocalFile,
	isEncrypted,
	passphraseProblem,
	places,
	slug,
	toSaveDestination
} from './destinations';

const garage: S3Destination = {
	name: 'offsite',
	endpoint: 'http://127.0.0.1:3900',
	region: 'garage',
	bucket: 'backups',
	prefix: '/team/',
	pathStyle: true,
	accessKeyId: 'GK1'
};

function record(extra: Partial<BackupRecord> = {}): BackupRecord {
	return {
		id: 'b1',
		name: 'shop',
		description: null,
		source: {
			connectionId: null,
			connectionName: null,
			host: null,
			port: null,
			user: null,
			database: 'shop'
		},
		format: 'custom',
		compression: 6,
		path: '/b/shop.backup',
		sizeBytes: 1,
		sha256: null,
		serverVersion: null,
		pgDumpVersion: null,
		startedAt: '2025-03-14T06:00:00Z',
		finishedAt: null,
		durationMs: null,
		status: 'completed',
		reason: 'manual',
		scheduleId: null,
		error: null,
		warnings: [],
		options: defaultBackupOptions('c'),
		verification: null,
		fileExists: true,
		copies: [],
		parts: [],
		rows: null,
		...extra
	};
}

const copy = (destination: string, key: string) => ({
	destination,
	key,
	sizeBytes: 1,
	sha256: null,
	storedAt: '2025-03-14T06:01:00Z'
});

describe('where a destination points', () => {
	it('names AWS by its region when there is no endpoint', () => {
		expect(endpointLabel(garage)).toBe('http://127.0.0.1:3900');
		expect(endpointLabel({ ...garage, endpoint: null, region: 'eu-central-1' })).toBe(
			'AWS S3 (eu-central-1)'
		);
	});
	it('joins the bucket and its prefix without stray slashes', () => {
		expect(bucketPath(garage)).toBe('backups/team');
		expect(bucketPath({ ...garage, prefix: '' })).toBe('backups');
	});
});

describe('the key a backup gets in a bucket', () => {
	it("slugs the database name as Rust's paths::slug does", () => {
		expect(slug('shop')).toBe('shop');
		expect(slug('My Shop!! DB')).toBe('my-shop-db');
		expect(slug('--')).toBe('backup');
		expect(slug('Café_2')).toBe('café-2');
	});
	it('has the extension of the options, .age when encrypted, none for a folder', () => {
		const kind = { format: 'custom' as const, compression: 6, compressionMethod: 'gzip' as const };
		expect(bucketKeyPattern('shop', kind)).toBe('shop/shop_<date>_<id>.backup');
		expect(bucketKeyPattern('shop', { ...kind, encryption: { kind: 'passphrase' } })).toBe(
			'shop/shop_<date>_<id>.backup.age'
		);
		expect(bucketKeyPattern('My Shop', { ...kind, format: 'directory' })).toBe(
			'my-shop/my-shop_<date>_<id>'
		);
	});
});

describe('where a backup is', () => {
	it('is its local file, then each copy', () => {
		const b = record({ copies: [copy('offsite', 'shop/a.backup'), copy('r2', 'shop/a.backup')] });
		expect(places(b)).toEqual([
			{ kind: 'local' },
			{ kind: 'copy', destination: 'offsite', key: 'shop/a.backup' },
			{ kind: 'copy', destination: 'r2', key: 'shop/a.backup' }
		]);
		expect(backupLocation(b)).toBe('/b/shop.backup');
		expect(hasLocalFile(b)).toBe(true);
		expect(canVerify(b)).toBe(true);
	});
	it('says when the local file is gone, and reads the copy instead', () => {
		const b = record({ fileExists: false, copies: [copy('offsite', 'shop/a.backup')] });
		expect(places(b)[0]).toEqual({ kind: 'missing' });
		expect(backupLocation(b)).toBe('offsite:shop/a.backup');
		expect(backupLocation(record({ fileExists: false }))).toBeNull();
		// The verification checks the file the history recorded: it cannot without it.
		expect(canVerify(b)).toBe(false);
	});
	it('made straight into a bucket, it is only there', () => {
		const b = record({ path: '', fileExists: false, copies: [copy('offsite', 'shop/a.backup')] });
		expect(places(b)).toEqual([{ kind: 'copy', destination: 'offsite', key: 'shop/a.backup' }]);
		expect(backupLocation(b)).toBe('offsite:shop/a.backup');
		expect(hasLocalFile({ ...b, fileExists: true })).toBe(false);
		expect(canVerify(b)).toBe(true);
	});
	it('is nowhere when the backup did not complete', () => {
		expect(places(record({ status: 'failed', fileExists: false }))).toEqual([]);
	});
	it('knows an encrypted one', () => {
		expect(isEncrypted(record())).toBe(false);
		const options = { ...defaultBackupOptions('c'), encryption: { kind: 'passphrase' as const } };
		expect(isEncrypted(record({ options }))).toBe(true);
	});
});

describe('the destination form', () => {
	it('sends trimmed values, no endpoint for AWS and no secret to keep the saved one', () => {
		const draft = { ...draftOf(garage), name: ' offsite ', endpoint: ' ', secret: '' };
		expect(toSaveDestination(draft, 'offsite')).toEqual({
			originalName: 'offsite',
			destination: { ...garage, endpoint: null },
			secret: null
		});
		expect(toSaveDestination({ ...draft, secret: 's3cr3t' }, null).secret).toBe('s3cr3t');
	});
	it('checks each field as the backend would', () => {
		expect(checkDraft(draftOf(null), true)).toEqual({
			name: 'Enter a name.',
			region: 'Enter the AWS region.',
			bucket: 'Enter the bucket name.',
			accessKeyId: 'Enter the access key id.',
			secret: 'Enter the secret access key.'
		});
		const filled = { ...draftOf(garage), secret: 'x' };
		expect(checkDraft(filled, true)).toEqual({});
		expect(checkDraft({ ...filled, secret: '' }, false)).toEqual({});
		expect(
			checkDraft(
				{
					...filled,
					name: 'off site',
					endpoint: 's3.example.com',
					region: '',
					bucket: 'a/b',
					prefix: 'x/../y'
				},
				false
			)
		).toEqual({
			name: 'Letters, digits, -, _ and . only: backups in it are named NAME:KEY.',
			endpoint: 'An http:// or https:// address, e.g. http://127.0.0.1:3900.',
			region: 'Enter its region (Garage: garage; R2: auto).',
			bucket: 'No /: put the folder in the prefix.',
			prefix: 'No . or .. parts.'
		});
	});
	it("puts the backend's refusals under their field", () => {
		expect(fieldOf('a destination named `offsite` already exists: choose another name')).toBe(
			'name'
		);
		expect(fieldOf('enter the secret access key of `offsite`')).toBe('secret');
		expect(fieldOf('enter the secret access key to test')).toBe('secret');
		expect(fieldOf('the destination `x` needs an access key id')).toBe('accessKeyId');
		expect(fieldOf('the endpoint `ftp://x` is not an http:// or https:// address')).toBe(
			'endpoint'
		);
		expect(fieldOf('the bucket name `a/b` holds a `/`: put the folder inside the bucket')).toBe(
			'bucket'
		);
		expect(fieldOf('the destinations file is not valid JSON')).toBeNull();
	});
});

describe('passphraseProblem', () => {
	it('wants 8 characters and the same twice', () => {
		expect(passphraseProblem('short', 'short')).toBe('Use at least 8 characters.');
		expect(passphraseProblem('long enough', 'long enougH')).toBe(
			'The two passphrases differ: type the same one twice.'
		);
		expect(passphraseProblem('long enough', 'long enough')).toBeNull();
		// Characters, not bytes: eight accented letters are enough.
		expect(passphraseProblem('éééééééé', 'éééééééé')).toBeNull();
	});
});
