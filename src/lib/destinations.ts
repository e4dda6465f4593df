// Buckets as the UI shows them: where a destination points, where each backup
// is, the destination form's checks and the name a backup gets in a bucket.
// Pure functions, unit tested.
import type {
	BackupRecord,
	PasswordStorage,
	S3Destination,
	SaveDestination,
	StorageFailure
} from './ipc/bindings';
import { backupExtension, type OutputKind } from './format';

/** `AWS S3 (eu-central-1)` when there is no endpoint: the backend goes to AWS in that region. */
export function endpointLabel(d: S3Destination): string {
	return d.endpoint ?? `AWS S3 (${d.region})`;
}

/** `backups/team`: the bucket and the folder inside it that every key goes under. */
export function bucketPath(d: S3Destination): string {
	const prefix = d.prefix.replace(/^\/+|\/+$/g, '');
	return prefix ? `${d.bucket}/${prefix}` : d.bucket;
}

export const SECRET_STORAGE_LABEL: Record<PasswordStorage, string> = {
	keychain: 'secret in keychain',
	session: 'secret for this session only',
	none: 'no secret saved'
};

export const PASSPHRASE_LABEL: Record<PasswordStorage, string> = {
	keychain: 'Saved in the keychain',
	session: 'Kept for this session only',
	none: 'Not set'
};

/** What each step of a destination's test did. */
export const STEP_LABEL: Record<string, string> = {
	write: 'Write a test object',
	read: 'Read it back',
	delete: 'Delete it'
};

/** Why a test failed, in a word or two beside the step (the detail says the rest). */
export const FAILURE_LABEL: Record<StorageFailure, string> = {
	dns: 'host not found',
	tls: 'TLS',
	unreachable: 'unreachable',
	timeout: 'timed out',
	credentials: 'credentials refused',
	clockSkew: 'clock skew',
	noBucket: 'no such bucket',
	forbidden: 'not allowed',
	notFound: 'not found',
	alreadyExists: 'already exists',
	other: 'failed'
};

/** Rust's `paths::slug`: lower-case letters and digits, runs of anything else as one `-`. */
export function slug(text: string): string {
	let out = '';
	for (const c of text) {
		if (/[\p{L}\p{N}]/u.test(c)) out += c.toLowerCase();
		else if (out && !out.endsWith('-')) out += '-';
	}
	const trimmed = out.replace(/-+$/, '');
	return trimmed ? [...trimmed].slice(0, 60).join('') : 'backup';
}

/** The key a backup gets in a bucket, with what the backend fills in as placeholders:
 * `shop/shop_<date>_<id>.backup` (Rust's `bucket_key`). */
export function bucketKeyPattern(database: string, kind: OutputKind): string {
	const s = slug(database);
	const ext = backupExtension(kind);
	return ext ? `${s}/${s}_<date>_<id>.${ext}` : `${s}/${s}_<date>_<id>`;
}

/** A backup made straight into a bucket: no local file, only its copies. */
export function isRemoteOnly(b: BackupRecord): boolean {
	return b.path === '';
}

/** `DEST:KEY`, how restore, info and verify name a backup in a bucket. */
export function copyLocation(copy: { destination: string; key: string }): string {
	return `${copy.destination}:${copy.key}`;
}

/** Its file is on this computer (a backup made into a bucket has none). */
export function hasLocalFile(b: BackupRecord): boolean {
	return !isRemoteOnly(b) && b.fileExists;
}

/** Where a backup can be read from: its local file while it exists, else its first copy. */
export function backupLocation(b: BackupRecord): string | null {
	if (hasLocalFile(b)) return b.path;
	const copy = b.copies[0];
	return copy ? copyLocation(copy) : null;
}

export type Place =
	{ kind: 'local' } | { kind: 'missing' } | { kind: 'copy'; destination: string; key: string };

/** Where a completed backup is: the local file (or that it is gone), then each bucket. */
export function places(b: BackupRecord): Place[] {
	if (b.status !== 'completed' && b.status !== 'completedWithWarnings') return [];
	const local: Place[] = isRemoteOnly(b) ? [] : [{ kind: b.fileExists ? 'local' : 'missing' }];
	return [
		...local,
		...b.copies.map((c): Place => ({ kind: 'copy', destination: c.destination, key: c.key }))
	];
}

/** What a verification can check: the local file, or for a backup only in a bucket, its copy
 * (the backend downloads it). A local file that is gone is not replaced by a copy here. */
export function canVerify(b: BackupRecord): boolean {
	return isRemoteOnly(b) ? b.copies.length > 0 : b.fileExists;
}

export function isEncrypted(b: BackupRecord): boolean {
	return b.options.encryption.kind !== 'none';
}

/** The destination form as typed. */
export interface DestinationDraft {
	name: string;
	endpoint: string;
	region: string;
	bucket: string;
	prefix: string;
	pathStyle: boolean;
	accessKeyId: string;
	/** Empty keeps the saved secret (when editing). */
	secret: string;
}

export type DraftField = Exclude<keyof DestinationDraft, 'pathStyle'>;
export type FieldErrors = Partial<Record<DraftField, string>>;

export function draftOf(d: S3Destination | null): DestinationDraft {
	return {
		name: d?.name ?? '',
		endpoint: d?.endpoint ?? '',
		region: d?.region ?? '',
		bucket: d?.bucket ?? '',
		prefix: d?.prefix ?? '',
		pathStyle: d?.pathStyle ?? false,
		accessKeyId: d?.accessKeyId ?? '',
		secret: ''
	};
}

/** What save_destination and test_destination take; `originalName` when editing. */
export function toSaveDestination(
	draft: DestinationDraft,
	originalName: string | null
): SaveDestination {
	const endpoint = draft.endpoint.trim();
	return {
		originalName,
		destination: {
			name: draft.name.trim(),
			endpoint: endpoint === '' ? null : endpoint,
			region: draft.region.trim(),
			bucket: draft.bucket.trim(),
			prefix: draft.prefix.trim(),
			pathStyle: draft.pathStyle,
			accessKeyId: draft.accessKeyId.trim()
		},
		secret: draft.secret === '' ? null : draft.secret
	};
}

const NAME = /^[\p{L}\p{N}._-]+$/u;

/**
 * The backend's checks (`S3Destination::validate`), made as the form is filled
 * in so that each field says what it needs; `needsSecret` when none is saved.
 */
export function checkDraft(draft: DestinationDraft, needsSecret: boolean): FieldErrors {
	const errors: FieldErrors = {};
	const name = draft.name.trim();
	if (!name) errors.name = 'Enter a name.';
	else if (!NAME.test(name))
		errors.name = 'Letters, digits, -, _ and . only: backups in it are named NAME:KEY.';
	const endpoint = draft.endpoint.trim();
	if (endpoint && !/^https?:\/\/[^/\s:]+/i.test(endpoint))
		errors.endpoint = 'An http:// or https:// address, e.g. http://127.0.0.1:3900.';
	if (!draft.region.trim())
		errors.region = endpoint
			? 'Enter its region (Garage: garage; R2: auto).'
			: 'Enter the AWS region.';
	const bucket = draft.bucket.trim();
	if (!bucket) errors.bucket = 'Enter the bucket name.';
	else if (bucket.includes('/')) errors.bucket = 'No /: put the folder in the prefix.';
	if (draft.prefix.split('/').some((part) => part.trim() === '.' || part.trim() === '..'))
		errors.prefix = 'No . or .. parts.';
	if (!draft.accessKeyId.trim()) errors.accessKeyId = 'Enter the access key id.';
	if (needsSecret && draft.secret === '') errors.secret = 'Enter the secret access key.';
	return errors;
}

/** The field a message of the backend is about, to show it there. */
export function fieldOf(message: string): DraftField | null {
	const m = message.toLowerCase();
	if (/secret access key/.test(m)) return 'secret';
	if (/access key id/.test(m)) return 'accessKeyId';
	if (/destination named|destination name|needs a name/.test(m)) return 'name';
	if (/endpoint/.test(m)) return 'endpoint';
	if (/region/.test(m)) return 'region';
	if (/bucket name|needs a bucket/.test(m)) return 'bucket';
	if (/prefix/.test(m)) return 'prefix';
	return null;
}

/** Why a new passphrase cannot be saved yet (the backend refuses under 8 characters too). */
export function passphraseProblem(passphrase: string, confirm: string): string | null {
	if ([...passphrase].length < 8) return 'Use at least 8 characters.';
	if (passphrase !== confirm) return 'The two passphrases differ: type the same one twice.';
	return null;
}
