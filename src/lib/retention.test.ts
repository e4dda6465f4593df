import { describe, expect, it } from 'vitest';
import type { BackupRecord, OwnRetention, RetentionGroup } from './ipc/bindings';
import {
	SUGGESTED_RULES,
	describePreview,
	describeSaved,
	draftOf,
	ruleProblem,
	rulesOf,
	tally
} from './retention';

const MB = 1024 * 1024;
const defaults: OwnRetention = { manual: null, safety: SUGGESTED_RULES.safety };

function group(items: [keep: boolean, sizeBytes: number | null][]): RetentionGroup {
	return {
		kind: 'manual',
		database: 'shop',
		connection: 'Production',
		items: items.map(([keep, sizeBytes], i) => ({
			decision: { id: `b${i}`, keep, reason: keep ? 'one of the newest 15' : 'not among them' },
			backup: { id: `b${i}`, sizeBytes } as BackupRecord
		}))
	};
}

describe('the retention form', () => {
	it('starts from the saved rules, the suggested ones behind a rule switched off', () => {
		const d = draftOf(defaults);
		expect(d.manual).toMatchObject({ on: false, keepLast: 15, maxAgeDays: null, minKeep: 3 });
		expect(d.safety).toMatchObject({ on: true, keepLast: null, maxAgeDays: 14, minKeep: 2 });
		expect(rulesOf(d)).toEqual(defaults);
	});

	it('switched on, sends the suggested rule; the fields it does not show stay as they were', () => {
		const gfs = { allHours: 24, dailyDays: 7, weeklyDays: 30 };
		const d = draftOf({ manual: null, safety: { ...SUGGESTED_RULES.safety, gfs, minVerified: 2 } });
		d.manual.on = true;
		expect(rulesOf(d)).toEqual({
			manual: SUGGESTED_RULES.manual,
			safety: { ...SUGGESTED_RULES.safety, gfs, minVerified: 2 }
		});
	});

	it('wants a number of backups or of days, whole and 1 or more', () => {
		const d = draftOf({ manual: SUGGESTED_RULES.manual, safety: null });
		expect(ruleProblem(d.manual)).toBeNull();
		d.manual.keepLast = null;
		expect(ruleProblem(d.manual)).toMatch(/^Enter how many to keep or after how many days/);
		d.manual.maxAgeDays = 0;
		expect(ruleProblem(d.manual)).toBe('Enter a whole number of days, 1 or more.');
		d.manual.maxAgeDays = 30;
		d.manual.keepLast = 2.5;
		expect(ruleProblem(d.manual)).toMatch(/^Keep the newest/);
		d.manual.keepLast = 10;
		d.manual.minKeep = null;
		expect(ruleProblem(d.manual)).toMatch(/^Always keep at least 1/);
		// A rule switched off keeps every backup, whatever its fields hold.
		expect(ruleProblem(d.safety)).toBeNull();
	});
});

describe('what the rules delete, in words', () => {
	it('counts the backups deleted and their size, over every database', () => {
		const groups = [
			group([
				[true, 10 * MB],
				[false, 700 * MB],
				[false, null]
			]),
			group([[false, 324 * MB]])
		];
		expect(tally(groups)).toEqual({ count: 3, bytes: 1024 * MB, total: 4 });
		expect(describePreview(groups)).toBe('3 backups of 4 would be deleted now, freeing 1.00 GB:');
	});

	it('says when nothing would be deleted', () => {
		expect(describePreview([])).toBe('Nothing would be deleted now.');
		expect(describePreview([group([[true, MB]])])).toBe(
			'Nothing would be deleted now: the rules keep the only backup.'
		);
	});

	it('reports what saving deleted', () => {
		expect(describeSaved([])).toBe('Saved');
		expect(describeSaved([group([[false, 2 * MB]])])).toBe('Deleted 1 old backup (2.00 MB freed)');
	});
});
