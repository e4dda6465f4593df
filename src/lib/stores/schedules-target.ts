// Where a schedule's backups go, as the editor chooses it and the cards say it: a folder on
// this computer (each backup then copied to the destinations ticked), or straight into one
// destination. Pure functions, unit tested.
import type { Schedule } from '../ipc/bindings';

/** A destination the editor offers; not `saved` when the schedule names one since removed. */
export interface TargetChoice {
	name: string;
	saved: boolean;
}

/**
 * The saved destinations, then those the schedule still names but that are saved no more:
 * shown, so that they can be seen and unticked rather than kept unseen.
 */
export function targetChoices(
	saved: string[],
	bucket: string | null,
	copyTo: string[]
): TargetChoice[] {
	const named = new Set(bucket ? [bucket, ...copyTo] : copyTo);
	const gone = [...named].filter((name) => !saved.includes(name));
	return [
		...saved.map((name) => ({ name, saved: true })),
		...gone.map((name) => ({ name, saved: false }))
	];
}

/**
 * `schedule` going into `bucket`, or into its folder when `null`. A backup made straight into
 * a bucket has no local file: no folder, and nothing to copy elsewhere (the backend refuses
 * copies then).
 */
export function withTarget(schedule: Schedule, bucket: string | null): Schedule {
	if (!bucket) return { ...schedule, bucket: null };
	return { ...schedule, bucket, destination: '', copyTo: [] };
}

const names = new Intl.ListFormat('en', { type: 'conjunction' });

/** "offsite and r2". */
export function destinationList(list: string[]): string {
	return names.format(list);
}

/** What the retention rules delete besides files on this computer, when anything. */
export function retentionScope(bucket: string | null, copyTo: string[]): string | null {
	if (bucket)
		return `The rules count the backups in ${bucket}; those they let go are deleted from it.`;
	if (copyTo.length > 0)
		return `A backup they let go is deleted from ${destinationList(copyTo)} too.`;
	return null;
}
