import { describe, expect, it } from 'vitest';
import type { ConnectionProfile, Schedule } from '../ipc/bindings';
import { newDraft, scheduleOf } from '../schedule-draft';
import { destinationList, retentionScope, targetChoices, withTarget } from './schedules-target';

const connection: ConnectionProfile = {
	id: 'prod',
	name: 'Production',
	host: null,
	port: null,
	database: 'shop',
	user: null,
	sslmode: null,
	passwordStorage: 'none',
	isDemo: false
};

/** Into a folder, each backup copied to two buckets. */
const schedule: Schedule = {
	...scheduleOf(newDraft(connection), connection, null, new Date('2025-03-14T09:26:00Z')),
	destination: '/srv/backups/shop',
	copyTo: ['offsite', 'r2']
};

describe('targetChoices', () => {
	it('offers the saved destinations', () => {
		expect(targetChoices(['offsite', 'r2'], null, [])).toEqual([
			{ name: 'offsite', saved: true },
			{ name: 'r2', saved: true }
		]);
	});

	it('keeps the ones the schedule names that are saved no more, once each, last', () => {
		expect(targetChoices(['r2'], 'old', ['old', 'gone', 'r2'])).toEqual([
			{ name: 'r2', saved: true },
			{ name: 'old', saved: false },
			{ name: 'gone', saved: false }
		]);
	});

	it('is empty with nothing saved or named', () => {
		expect(targetChoices([], null, [])).toEqual([]);
	});
});

describe('withTarget', () => {
	it('into a folder keeps the folder and the copies', () => {
		expect(withTarget({ ...schedule, bucket: 'offsite' }, null)).toEqual(schedule);
	});

	it('into a bucket has no folder and nothing to copy', () => {
		expect(withTarget(schedule, 'offsite')).toEqual({
			...schedule,
			bucket: 'offsite',
			destination: '',
			copyTo: []
		});
	});
});

describe('retentionScope', () => {
	it('says the rules apply in the bucket', () => {
		expect(retentionScope('offsite', [])).toBe(
			'The rules count the backups in offsite; those they let go are deleted from it.'
		);
	});

	it('says the copies go with their backup', () => {
		expect(retentionScope(null, ['offsite', 'r2'])).toBe(
			'A backup they let go is deleted from offsite and r2 too.'
		);
	});

	it('says nothing for a folder alone', () => {
		expect(retentionScope(null, [])).toBeNull();
	});
});

describe('destinationList', () => {
	it('joins names as a sentence does', () => {
		expect(destinationList(['offsite'])).toBe('offsite');
		expect(destinationList(['a', 'b', 'c'])).toBe('a, b, and c');
	});
});
