// The rules for manual and safety backups as the Settings form edits them, and what they delete
// in words. Pure functions, unit tested.
import type {
	Gfs,
	OwnKind,
	OwnRetention,
	PrunePreview,
	RetentionGroup,
	RetentionPolicy
} from './ipc/bindings';
import { formatBytes, plural } from './format';

/** The rules the engine suggests when a kind's is switched on (schedule/housekeeping.rs). */
export const SUGGESTED_RULES: Record<OwnKind, RetentionPolicy> = {
	manual: { keepLast: 15, maxAgeDays: null, gfs: null, minKeep: 3, minVerified: 1 },
	safety: { keepLast: null, maxAgeDays: 14, gfs: null, minKeep: 2, minVerified: 0 }
};

/** One kind's rule in the form; its numbers stay while it is switched off. */
export interface RuleDraft {
	on: boolean;
	/** Empty fields (null) are rules not used. */
	keepLast: number | null;
	maxAgeDays: number | null;
	minKeep: number | null;
	/** Not edited here (the CLI sets them): kept as they were. */
	gfs: Gfs | null;
	minVerified: number;
}

export type RetentionDraft = Record<OwnKind, RuleDraft>;

function ruleDraft(kind: OwnKind, policy: RetentionPolicy | null): RuleDraft {
	const p = policy ?? SUGGESTED_RULES[kind];
	return {
		on: policy !== null,
		keepLast: p.keepLast,
		maxAgeDays: p.maxAgeDays,
		minKeep: p.minKeep,
		gfs: p.gfs,
		minVerified: p.minVerified
	};
}

export function draftOf(rules: OwnRetention): RetentionDraft {
	return { manual: ruleDraft('manual', rules.manual), safety: ruleDraft('safety', rules.safety) };
}

function policyOf(d: RuleDraft): RetentionPolicy | null {
	if (!d.on) return null;
	return {
		keepLast: d.keepLast,
		maxAgeDays: d.maxAgeDays,
		gfs: d.gfs,
		minKeep: d.minKeep ?? 1,
		minVerified: d.minVerified
	};
}

/** The rules to preview or save; check `ruleProblem` first. */
export function rulesOf(d: RetentionDraft): OwnRetention {
	return { manual: policyOf(d.manual), safety: policyOf(d.safety) };
}

const whole = (n: number | null) => n !== null && Number.isInteger(n) && n >= 1;

/** What is wrong with a rule before the backend is asked, in the form's words; the engine checks too. */
export function ruleProblem(d: RuleDraft): string | null {
	if (!d.on) return null;
	if (d.keepLast === null && d.maxAgeDays === null && d.gfs === null)
		return 'Enter how many to keep or after how many days to delete them, or switch this off to keep them all.';
	if (d.keepLast !== null && !whole(d.keepLast))
		return 'Keep the newest: enter a whole number of backups, 1 or more.';
	if (d.maxAgeDays !== null && !whole(d.maxAgeDays))
		return 'Enter a whole number of days, 1 or more.';
	if (!whole(d.minKeep))
		return 'Always keep at least 1, so that no rule can delete every backup of a database.';
	return null;
}

export const deleting = (group: RetentionGroup): PrunePreview[] =>
	group.items.filter((i) => !i.decision.keep);

/** The backups the groups delete, the bytes they take, and all the backups the rules looked at. */
export function tally(groups: RetentionGroup[]): { count: number; bytes: number; total: number } {
	const gone = groups.flatMap(deleting);
	return {
		count: gone.length,
		bytes: gone.reduce((sum, i) => sum + (i.backup.sizeBytes ?? 0), 0),
		total: groups.reduce((sum, g) => sum + g.items.length, 0)
	};
}

/** The preview's first line. */
export function describePreview(groups: RetentionGroup[]): string {
	const { count, bytes, total } = tally(groups);
	if (count > 0)
		return `${plural(count, 'backup')} of ${total} would be deleted now, freeing ${formatBytes(bytes)}:`;
	if (total === 0) return 'Nothing would be deleted now.';
	const kept = total === 1 ? 'the only backup' : `all ${total} backups`;
	return `Nothing would be deleted now: the rules keep ${kept}.`;
}

/** What saving did, from what `save_retention` says it deleted. */
export function describeSaved(deleted: RetentionGroup[]): string {
	const { count, bytes } = tally(deleted);
	if (count === 0) return 'Saved';
	return `Deleted ${plural(count, 'old backup')} (${formatBytes(bytes)} freed)`;
}
