// Schedules in words: triggers, retention and run statistics as the panel shows them.
// Pure functions, unit tested.
import type {
	AutomaticBackups,
	NotifyOn,
	RetentionPolicy,
	RunStatus,
	ScheduleStats,
	Trigger
} from './ipc/bindings';
import { formatRelative, formatTimeLeft, plural } from './format';

export type IntervalUnit = 'minutes' | 'hours' | 'days';

export const UNIT_SECONDS: Record<IntervalUnit, number> = {
	minutes: 60,
	hours: 3_600,
	days: 86_400
};

export const CRON_PRESETS: { label: string; expression: string }[] = [
	{ label: 'Hourly', expression: '0 * * * *' },
	{ label: 'Daily at 02:00', expression: '0 2 * * *' },
	{ label: 'Weekly, Sunday 03:00', expression: '0 3 * * 0' }
];

export const NOTIFY_OPTIONS: { value: NotifyOn; label: string }[] = [
	{ value: 'failure', label: 'Only when a run fails' },
	{ value: 'always', label: 'After every run' },
	{ value: 'never', label: 'Never' }
];

export const RUN_STATUS_LABEL: Record<RunStatus, string> = {
	running: 'Running',
	succeeded: 'Succeeded',
	failed: 'Failed',
	interrupted: 'Interrupted'
};

export const RUN_STATUS_BADGE: Record<RunStatus, string> = {
	running: 'badge-accent',
	succeeded: 'badge-success',
	failed: 'badge-danger',
	interrupted: 'badge-warning'
};

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The largest unit that divides the interval: 21600 → 6 hours. */
export function intervalParts(everySecs: number): { every: number; unit: IntervalUnit } {
	if (everySecs > 0 && everySecs % UNIT_SECONDS.days === 0)
		return { every: everySecs / UNIT_SECONDS.days, unit: 'days' };
	if (everySecs > 0 && everySecs % UNIT_SECONDS.hours === 0)
		return { every: everySecs / UNIT_SECONDS.hours, unit: 'hours' };
	return { every: everySecs / UNIT_SECONDS.minutes, unit: 'minutes' };
}

/** "Every 6 hours", "Every day": the words the backend uses for intervals. */
export function describeInterval(everySecs: number): string {
	const { every, unit } = intervalParts(everySecs);
	const one = unit.slice(0, -1);
	if (!Number.isInteger(every)) return `Every ${plural(everySecs, 'second')}`;
	return every === 1 ? `Every ${one}` : `Every ${plural(every, one)}`;
}

/** A whole number from 0 to `max`, as cron writes it. */
function cronNumber(field: string, max: number): number | null {
	if (!/^\d{1,2}$/.test(field)) return null;
	const n = Number(field);
	return n <= max ? n : null;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * The trigger in words, for intervals and the usual hourly, daily and weekly
 * cron expressions; `null` for any other expression (the backend describes those).
 */
export function describeTrigger(trigger: Trigger, timezone: string): string | null {
	if (trigger.kind === 'interval') return describeInterval(trigger.everySecs);
	const fields = trigger.expression.trim().split(/\s+/);
	if (fields.length !== 5 || fields[2] !== '*' || fields[3] !== '*') return null;
	const minute = cronNumber(fields[0], 59);
	if (minute === null) return null;
	if (fields[1] === '*' && fields[4] === '*') {
		return minute === 0 ? 'Every hour, on the hour' : `Every hour at :${two(minute)}`;
	}
	const hour = cronNumber(fields[1], 23);
	if (hour === null) return null;
	const at = `at ${two(hour)}:${two(minute)} (${timezone})`;
	if (fields[4] === '*') return `Every day ${at}`;
	const weekday = cronNumber(fields[4], 7);
	return weekday === null ? null : `Every ${WEEKDAYS[weekday % 7]} ${at}`;
}

/** "Keeps the newest 7 · at least 3". A backup stays when any rule keeps it. */
export function describeRetention(policy: RetentionPolicy): string {
	const rules: string[] = [];
	if (policy.keepLast !== null) rules.push(`the newest ${policy.keepLast}`);
	if (policy.maxAgeDays !== null) rules.push(`the last ${plural(policy.maxAgeDays, 'day')}`);
	if (policy.gfs) {
		const g = policy.gfs;
		rules.push(
			`every backup of the last ${g.allHours} h, one a day for ${plural(g.dailyDays, 'day')} and one a week for ${plural(g.weeklyDays, 'day')}`
		);
	}
	if (rules.length === 0) return 'Keeps every backup';
	return `Keeps ${rules.join(' or ')} · at least ${policy.minKeep}`;
}

/** "12 runs · 11 succeeded · 1 failed". */
export function describeStats(stats: ScheduleStats): string {
	if (stats.totalRuns === 0) return 'No runs yet';
	return `${plural(stats.totalRuns, 'run')} · ${stats.successfulRuns} succeeded · ${stats.failedRuns} failed`;
}

/** The connection panel's line: "Automatic backups on · next in 3 h 12 min" (or "· due now"),
 * "Automatic backups off". */
export function describeAutomatic(a: AutomaticBackups, now: Date = new Date()): string {
	if (!a.enabled) return 'Automatic backups off';
	if (!a.nextRun) return 'Automatic backups on';
	const left = formatTimeLeft(a.nextRun, now);
	return `Automatic backups on · ${left ? `next in ${left}` : 'due now'}`;
}

/** What the automatic schedule does (as it is now: it can be edited) and the last good backup. */
export function automaticDetails(a: AutomaticBackups, now: Date = new Date()): string {
	const parts: string[] = [];
	if (a.schedule) {
		const { trigger, timezone, retention } = a.schedule;
		parts.push(describeTrigger(trigger, timezone) ?? 'On a schedule', describeRetention(retention));
	}
	parts.push(
		a.lastGoodBackup
			? `Last good backup ${formatRelative(a.lastGoodBackup, now)}`
			: 'No good backup yet'
	);
	return parts.join(' · ');
}
