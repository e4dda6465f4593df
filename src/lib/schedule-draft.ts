// The schedule editor's form: what it starts from, what it checks before asking
// the backend, and the `Schedule` it saves. Pure functions, unit tested.
import type {
	BackupOptions,
	ConnectionProfile,
	Gfs,
	NotifyOn,
	Schedule,
	Trigger
} from './ipc/bindings';
import { defaultBackupOptions, PRESETS, whyNotEncrypted } from './options';
import { intervalParts, UNIT_SECONDS, type IntervalUnit } from './schedules';
import { withTarget } from './stores/schedules-target';

export interface ScheduleDraft {
	name: string;
	kind: Trigger['kind'];
	expression: string;
	/** Number inputs give `null` when emptied. */
	every: number | null;
	unit: IntervalUnit;
	/** Empty: the backend uses the machine's zone. */
	timezone: string;
	database: string;
	options: BackupOptions;
	destination: string;
	/** Destinations (buckets) each backup is copied to once made. */
	copyTo: string[];
	/** The destination the backups go straight into; empty: the folder above. */
	bucket: string;
	keepLastOn: boolean;
	keepLast: number | null;
	maxAgeOn: boolean;
	maxAgeDays: number | null;
	gfsOn: boolean;
	gfs: Gfs;
	minKeep: number | null;
	/** Not in the form; kept as saved (the CLI can set it). */
	minVerified: number;
	verifyAfter: boolean;
	notify: NotifyOn;
	/** Notification channels (webhooks, e-mail) told too, by name. */
	notifyVia: string[];
	maxRetries: number | null;
	retryDelaySecs: number | null;
}

export const DEFAULT_GFS: Gfs = { allHours: 24, dailyDays: 7, weeklyDays: 30 };

/** A new schedule: nightly at 02:00, the Fast preset, the newest 7 kept (the backend's defaults). */
export function newDraft(connection: ConnectionProfile, timezone = ''): ScheduleDraft {
	return {
		name: '',
		kind: 'cron',
		expression: '0 2 * * *',
		every: 6,
		unit: 'hours',
		timezone,
		database: connection.database ?? '',
		options: { ...defaultBackupOptions(connection.id), ...PRESETS.fast },
		destination: '',
		copyTo: [],
		bucket: '',
		keepLastOn: true,
		keepLast: 7,
		maxAgeOn: false,
		maxAgeDays: 30,
		gfsOn: false,
		gfs: { ...DEFAULT_GFS },
		minKeep: 3,
		minVerified: 1,
		verifyAfter: false,
		notify: 'failure',
		notifyVia: [],
		maxRetries: 2,
		retryDelaySecs: 60
	};
}

/** The form for an existing schedule. */
export function draftOf(schedule: Schedule): ScheduleDraft {
	const { trigger, retention: r } = schedule;
	const interval = trigger.kind === 'interval' ? intervalParts(trigger.everySecs) : null;
	return {
		name: schedule.name,
		kind: trigger.kind,
		expression: trigger.kind === 'cron' ? trigger.expression : '0 2 * * *',
		every: interval?.every ?? 6,
		unit: interval?.unit ?? 'hours',
		timezone: schedule.timezone,
		database: schedule.source.database,
		options: structuredClone(schedule.options),
		destination: schedule.destination,
		copyTo: [...schedule.copyTo],
		bucket: schedule.bucket ?? '',
		keepLastOn: r.keepLast !== null,
		keepLast: r.keepLast ?? 7,
		maxAgeOn: r.maxAgeDays !== null,
		maxAgeDays: r.maxAgeDays ?? 30,
		gfsOn: r.gfs !== null,
		gfs: { ...(r.gfs ?? DEFAULT_GFS) },
		minKeep: r.minKeep,
		minVerified: r.minVerified,
		verifyAfter: schedule.verifyAfter,
		notify: schedule.notify,
		notifyVia: [...schedule.notifyVia],
		maxRetries: schedule.maxRetries,
		retryDelaySecs: schedule.retryDelaySecs
	};
}

export function triggerOf(d: ScheduleDraft): Trigger {
	return d.kind === 'cron'
		? { kind: 'cron', expression: d.expression.trim() }
		: { kind: 'interval', everySecs: Math.round((d.every ?? 0) * UNIT_SECONDS[d.unit]) };
}

const whole = (n: number | null, min: number, max = Infinity): n is number =>
	n !== null && Number.isInteger(n) && n >= min && n <= max;

/** What is wrong with the trigger before the backend is asked, if anything. */
export function triggerProblem(d: ScheduleDraft): string | null {
	if (d.kind === 'cron' && !d.expression.trim())
		return 'Enter a cron expression, or pick one of the presets.';
	if (d.kind === 'interval' && !whole(d.every, 1))
		return `Enter how often it runs: a whole number of ${d.unit}, 1 or more.`;
	return null;
}

/** The first problem the form can see by itself; the backend checks the rest. */
export function draftProblem(d: ScheduleDraft): string | null {
	if (!d.name.trim()) return 'Give the schedule a name.';
	const trigger = triggerProblem(d);
	if (trigger) return trigger;
	if (d.keepLastOn && !whole(d.keepLast, 1))
		return 'Keep the newest: enter a number of backups, 1 or more.';
	if (d.maxAgeOn && !whole(d.maxAgeDays, 1))
		return 'Delete older backups: enter a number of days, 1 or more.';
	if (!whole(d.minKeep, 1))
		return 'Always keep at least 1 successful backup, so a run of failures never deletes them all.';
	if (!whole(d.maxRetries, 0, 10)) return 'Retries: enter a whole number from 0 to 10.';
	if (!whole(d.retryDelaySecs, 0))
		return 'First retry after: enter a whole number of seconds, 0 or more.';
	return null;
}

/**
 * The schedule to save: new when `base` is null (empty id; the backend gives
 * it one), else `base` changed. The backend fills the source from the
 * connection profile and computes the next run.
 */
export function scheduleOf(
	d: ScheduleDraft,
	connection: ConnectionProfile,
	base: Schedule | null,
	now: Date
): Schedule {
	const database = d.database.trim();
	const schedule: Schedule = {
		id: base?.id ?? '',
		name: d.name.trim(),
		enabled: base?.enabled ?? true,
		source: {
			connectionId: connection.id,
			connectionName: connection.name,
			host: connection.host,
			port: connection.port,
			user: connection.user,
			database
		},
		sslmode: connection.sslmode,
		trigger: triggerOf(d),
		timezone: d.timezone,
		// The output path is chosen per run inside the destination.
		options: { ...d.options, connectionId: connection.id, outputPath: '' },
		destination: d.destination.trim(),
		copyTo: [...d.copyTo],
		bucket: null,
		retention: {
			keepLast: d.keepLastOn ? d.keepLast : null,
			maxAgeDays: d.maxAgeOn ? d.maxAgeDays : null,
			gfs: d.gfsOn ? { ...d.gfs } : null,
			minKeep: d.minKeep ?? 1,
			minVerified: d.minVerified
		},
		verifyAfter: d.verifyAfter,
		notify: d.notify,
		// A schedule that never notifies names no channel (none is then kept from being removed).
		notifyVia: d.notify === 'never' ? [] : [...d.notifyVia],
		maxRetries: d.maxRetries ?? 0,
		retryDelaySecs: d.retryDelaySecs ?? 0,
		createdAt: base?.createdAt ?? now.toISOString(),
		nextRunAt: null,
		// Edited, automatic backups stay what the connection's panel turns on and off.
		automatic: base?.automatic ?? false
	};
	return withTarget(schedule, d.bucket || null);
}

/**
 * The editor's encryption control: public keys (set with the CLI) are shown, not changed;
 * else a checkbox for the saved passphrase, with why it cannot be ticked when it cannot.
 */
export type EncryptionChoice =
	| { kind: 'recipients'; count: number }
	| { kind: 'passphrase'; on: boolean; whyNot: string | null };

export function encryptionChoice(options: BackupOptions, canEncrypt: boolean): EncryptionChoice {
	const e = options.encryption;
	if (e.kind === 'recipients') return { kind: 'recipients', count: e.recipients.length };
	const whyNot = whyNotEncrypted(options.format, canEncrypt);
	return { kind: 'passphrase', on: e.kind === 'passphrase', whyNot };
}
