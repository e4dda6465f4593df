import { expect, test, type Page } from '@playwright/test';
import {
	backups,
	destinationsView,
	mock,
	openApp,
	page as backupPage,
	record,
	verifiedPassed,
	type Setup
} from './fixtures';

async function openHistory(page: Page, setup: Setup = {}) {
	await openApp(page, setup);
	const history = page.getByTestId('history');
	await expect(history.getByTestId('history-row')).toHaveCount(backups.length);
	return history;
}

test.describe('history', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`badges for verified, failed and unverified backups, ${theme}`, async ({ page }) => {
			const history = await openHistory(page, { theme });
			await expect(history.getByTestId('verified').first()).toHaveText(
				'✓ Verified restorable 2 h ago'
			);
			await expect(history.getByText('✕ Verification failed')).toBeVisible();
			await expect(history.getByText('Not verified').first()).toBeVisible();
			await expect(
				history.getByText('The disk holding /mnt/nas is full.', { exact: false })
			).toBeVisible();
			await history.scrollIntoViewIfNeeded();
			await expect(history).toHaveScreenshot(`history-${theme}.png`);
		});
	}

	test('filters by outcome and scopes to all connections', async ({ page }) => {
		const history = await openHistory(page);
		const m = mock(page);
		await history.getByRole('button', { name: 'Failed', exact: true }).click();
		await expect
			.poll(async () => (await m.calls('list_backups')).at(-1)?.args.query)
			.toMatchObject({ statuses: ['failed', 'cancelled', 'interrupted'], connectionId: 'prod' });
		await history.getByRole('checkbox', { name: 'All connections' }).check();
		await expect
			.poll(async () => (await m.calls('list_backups')).at(-1)?.args.query)
			.toMatchObject({ connectionId: null });
	});

	test('verify runs as a job and ends as a verified badge', async ({ page }) => {
		const history = await openHistory(page, {
			replies: {
				verify_backup_job: {
					ok: { jobId: '', jobType: 'verify', command: '' },
					withJobId: true
				}
			}
		});
		const m = mock(page);
		await history.getByRole('button', { name: 'Verify Before release 2.3' }).click();
		const jobId = await m.lastJobId('verify_backup_job');
		const call = (await m.calls('verify_backup_job')).at(-1)!;
		expect(call.args.backupId).toBe('manual-1');
		await m.emit(`verify:progress:${jobId}`, {
			phase: 'verifying',
			currentObject: 'test restore: public.orders',
			objectsTotal: null,
			objectsCompleted: 0,
			bytesWritten: 0,
			elapsedMs: 9000,
			percent: 42.5,
			etaMs: 12000
		});
		await expect(history.getByTestId('verifying')).toHaveText('Verifying 42%');
		await history.scrollIntoViewIfNeeded();
		await expect(history).toHaveScreenshot('history-verifying.png');
		const verified = backups.map((b) =>
			b.id === 'manual-1'
				? {
						...b,
						verification: {
							...verifiedPassed,
							checkedAt: new Date('2025-03-14T09:26:00Z').toISOString()
						}
					}
				: b
		);
		await m.reply('list_backups', { ok: backupPage(verified) });
		await m.emit(`verify:finished:${jobId}`, {
			jobId,
			jobType: 'verify',
			status: 'completed',
			startedAt: '2025-03-14T09:25:00Z',
			finishedAt: '2025-03-14T09:26:00Z',
			durationMs: 60000,
			exitCode: null,
			outputPath: null,
			sizeBytes: null,
			error: null,
			warnings: [],
			errors: [],
			lastLines: [],
			command: '',
			progress: {
				phase: 'finishing',
				currentObject: null,
				objectsTotal: null,
				objectsCompleted: 0,
				bytesWritten: 0,
				elapsedMs: 60000,
				percent: 100,
				etaMs: null
			},
			backupId: null,
			sha256: null,
			safetyBackup: null
		});
		await m.emit('history:changed');
		const row = history.getByTestId('history-row').nth(1);
		await expect(row.getByTestId('verified')).toHaveText('✓ Verified restorable just now');
	});

	test('verification details list every check and table', async ({ page }) => {
		const history = await openHistory(page);
		await history.getByTestId('verified').first().click();
		const dialog = page.getByTestId('verification');
		await expect(dialog).toContainText('Test restore');
		await expect(dialog).toContainText('8,912,000');
		await expect(page).toHaveScreenshot('verification-passed.png');
		await dialog.getByRole('button', { name: 'Close' }).last().click();
		await history.getByText('✕ Verification failed').click();
		await expect(page.getByTestId('verification')).toContainText('changed after it was made');
		await expect(page).toHaveScreenshot('verification-failed.png');
	});

	test('delete asks first, then deletes file and record', async ({ page }) => {
		const history = await openHistory(page, {
			replies: { delete_backup: { ok: { fileRemoved: true, keptBecause: null } } }
		});
		await history.getByRole('button', { name: 'More actions for Before release 2.3' }).click();
		await history.getByRole('menuitem', { name: 'Delete…' }).click();
		const dialog = page.getByTestId('delete-backup');
		await expect(dialog).toContainText('734 MB');
		await expect(page).toHaveScreenshot('delete-confirm.png');
		await dialog.getByRole('button', { name: 'Delete backup' }).click();
		await expect(dialog).toBeHidden();
		const call = (await mock(page).calls('delete_backup')).at(-1)!;
		expect(call.args).toEqual({ id: 'manual-1', keepFile: false });
		await expect(history.getByRole('status')).toContainText('Deleted “Before release 2.3”');
	});

	test('copy to another folder takes the sidecars along', async ({ page }) => {
		const history = await openHistory(page, {
			replies: {
				'plugin:dialog|open': { ok: '/mnt/usb' },
				export_backup: { ok: '/mnt/usb/manual-1.backup' }
			}
		});
		await history.getByRole('button', { name: 'More actions for Before release 2.3' }).click();
		await history.getByRole('menuitem', { name: 'Copy to a folder…' }).click();
		await expect(history.getByRole('status')).toContainText('Copied to /mnt/usb/manual-1.backup');
		expect((await mock(page).calls('export_backup')).at(-1)!.args).toEqual({
			id: 'manual-1',
			folder: '/mnt/usb'
		});
	});

	test('restore from the history opens the restore dialog on that file', async ({ page }) => {
		const history = await openHistory(page, {
			replies: { get_backup_info: { pending: true } }
		});
		await history.getByRole('button', { name: 'Restore Before release 2.3' }).click();
		const dialog = page.getByTestId('restore-dialog');
		await expect(dialog.locator('.path-row input')).toHaveValue(
			'/home/alex/backups/manual-1.backup'
		);
	});

	test('a repaired catalog and interrupted jobs are reported', async ({ page }) => {
		await openApp(page, {
			replies: {
				catalog_report: {
					ok: {
						interrupted: ['x', 'y'],
						rebuilt: true,
						damagedCopy: '/c.damaged',
						restoredFromCopy: 41,
						imported: 2
					}
				},
				list_backups: {
					ok: backupPage([
						record({
							id: 'i',
							status: 'interrupted',
							fileExists: false,
							sizeBytes: null,
							error:
								'The process running this backup stopped before it finished (crash or power loss); its partial file was removed.'
						})
					])
				}
			}
		});
		await expect(page.getByTestId('repaired')).toContainText('41 backup(s) came back');
		await expect(page.getByTestId('repaired')).toContainText('2 backup(s) were interrupted');
		await expect(page).toHaveScreenshot('repaired.png');
	});

	test('import adds a folder of backups copied from elsewhere', async ({ page }) => {
		const history = await openHistory(page, {
			replies: {
				'plugin:dialog|open': { ok: '/mnt/usb/backups' },
				import_backups: { ok: { imported: ['a', 'b'], alreadyKnown: ['c'], skipped: [] } }
			}
		});
		await history.getByRole('button', { name: 'Import…' }).click();
		await expect(history.getByRole('status')).toContainText(
			'Imported 2 backup(s) from /mnt/usb/backups; 1 already in the history.'
		);
		expect((await mock(page).calls('import_backups')).at(-1)!.args).toEqual({
			folder: '/mnt/usb/backups'
		});
	});
});

test.describe('where each backup is', () => {
	const remoteKey = 'shop/shop_2025-03-14_060012_1a2b3c4d.backup.age';
	const encryptedOptions = { ...backups[1].options, encryption: { kind: 'passphrase' as const } };
	const copy = (destination: string, key: string) => ({
		destination,
		key,
		sizeBytes: 734 * 1024 * 1024,
		sha256: null,
		storedAt: '2025-03-14T06:03:00Z'
	});
	const places = [
		record({
			id: 'remote-1',
			name: 'Nightly shop 2025-03-14 06:00',
			reason: 'scheduled',
			path: '',
			fileExists: false,
			options: encryptedOptions,
			copies: [copy('offsite', remoteKey)]
		}),
		record({
			id: 'both-1',
			name: 'Before release 2.3',
			startedAt: '2025-03-14T04:00:00Z',
			copies: [
				copy('offsite', 'shop/shop_2025-03-14_040000_5c1e9f4b.backup'),
				copy('r2', 'shop/shop_2025-03-14_040000_5c1e9f4b.backup')
			]
		}),
		record({ id: 'local-1', name: 'shop 2025-03-13 23:00', startedAt: '2025-03-13T23:00:00Z' }),
		record({
			id: 'gone-1',
			name: 'shop 2025-03-12 23:00',
			startedAt: '2025-03-12T23:00:00Z',
			fileExists: false,
			options: encryptedOptions,
			copies: [copy('offsite', 'shop/shop_2025-03-12_230000_9f8e7d6c.backup.age')]
		})
	];
	const setup = (extra: Setup = {}): Setup => ({
		...extra,
		replies: {
			list_backups: { ok: backupPage(places) },
			list_destinations: { ok: destinationsView() },
			...extra.replies
		}
	});

	async function openPlaces(page: Page, extra: Setup = {}) {
		await openApp(page, setup(extra));
		const history = page.getByTestId('history');
		await expect(history.getByTestId('history-row')).toHaveCount(places.length);
		return history;
	}

	for (const theme of ['light', 'dark'] as const) {
		test(`local, in buckets, encrypted, ${theme}`, async ({ page }) => {
			const history = await openPlaces(page, { theme });
			const rows = history.getByTestId('history-row');
			await expect(rows.nth(0).getByTestId('places').locator('.badge')).toHaveText([
				'offsite',
				'encrypted'
			]);
			await expect(rows.nth(1).getByTestId('places').locator('.badge')).toHaveText([
				'local',
				'offsite',
				'r2'
			]);
			await expect(rows.nth(2).getByTestId('places').locator('.badge')).toHaveText(['local']);
			await expect(rows.nth(3).getByTestId('places').locator('.badge')).toHaveText([
				'local missing',
				'offsite',
				'encrypted'
			]);
			// Only in a bucket: nothing is said missing.
			await expect(rows.nth(0)).not.toContainText('The file is missing');
			await history.scrollIntoViewIfNeeded();
			await expect(history).toHaveScreenshot(`places-${theme}.png`);
		});
	}

	test('a backup only in a bucket is restored and verified from there', async ({ page }) => {
		const history = await openPlaces(page, {
			replies: {
				get_backup_info: { pending: true },
				verify_backup_job: { ok: { jobId: '', jobType: 'verify', command: '' }, withJobId: true }
			}
		});
		await history.getByRole('button', { name: 'Verify Nightly shop 2025-03-14 06:00' }).click();
		expect((await mock(page).calls('verify_backup_job')).at(-1)!.args.backupId).toBe('remote-1');
		await history.getByRole('button', { name: 'Restore Nightly shop 2025-03-14 06:00' }).click();
		const dialog = page.getByTestId('restore-dialog');
		await expect(dialog.locator('.path-row input')).toHaveValue(`offsite:${remoteKey}`);
		expect((await mock(page).calls('get_backup_info')).at(-1)!.args).toEqual({
			path: `offsite:${remoteKey}`
		});
	});

	test('a backup whose file is gone is restored from its copy', async ({ page }) => {
		const history = await openPlaces(page, { replies: { get_backup_info: { pending: true } } });
		await history.getByRole('button', { name: 'Restore shop 2025-03-12 23:00' }).click();
		await expect(page.getByTestId('restore-dialog').locator('.path-row input')).toHaveValue(
			'offsite:shop/shop_2025-03-12_230000_9f8e7d6c.backup.age'
		);
	});

	test('what needs a local file is disabled, with why', async ({ page }) => {
		const history = await openPlaces(page);
		await history
			.getByRole('button', { name: 'More actions for Nightly shop 2025-03-14 06:00' })
			.click();
		for (const name of ['Show in folder', 'Copy to a folder…']) {
			const item = history.getByRole('menuitem', { name });
			await expect(item).toHaveAttribute('aria-disabled', 'true');
			await expect(item).toHaveAttribute(
				'title',
				'Only in offsite: there is no file on this computer'
			);
		}
		// Already in every destination there is: nothing to copy it to.
		await expect(history.getByRole('menuitem', { name: 'Copy to a destination…' })).toHaveCount(0);
		await history.getByRole('menuitem', { name: 'Show in folder' }).click({ force: true });
		expect(await mock(page).calls('reveal_backup')).toHaveLength(0);
	});

	test('Copy to a destination uploads it, then the history shows the copy', async ({ page }) => {
		const copied = {
			...places[2],
			copies: [copy('r2', 'shop/shop_2025-03-13_230000_0b6f3d2a.backup')]
		};
		const history = await openPlaces(page, { replies: { copy_backup: { ok: copied } } });
		await history.getByRole('button', { name: 'More actions for shop 2025-03-13 23:00' }).click();
		await history.getByRole('menuitem', { name: 'Copy to a destination…' }).click();
		const dialog = page.getByTestId('copy-backup');
		const select = dialog.getByLabel('Destination');
		await expect(select.locator('option')).toHaveText([
			'offsite — bucket backups/team',
			'r2 — bucket tusk-backups'
		]);
		await select.selectOption('r2');
		await expect(page).toHaveScreenshot('copy-to-destination.png');
		const m = mock(page);
		await m.reply('list_backups', { ok: backupPage([places[0], places[1], copied, places[3]]) });
		await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
		await expect(dialog).toBeHidden();
		await expect(history.getByRole('status')).toContainText(
			'Copied “shop 2025-03-13 23:00” to r2:shop/shop_2025-03-13_230000_0b6f3d2a.backup'
		);
		expect((await m.calls('copy_backup')).at(-1)!.args).toEqual({
			backupId: 'local-1',
			destination: 'r2'
		});
		await expect(
			history.getByTestId('history-row').nth(2).getByTestId('places').locator('.badge')
		).toHaveText(['local', 'r2']);
	});

	test('a refused copy says why and stays open', async ({ page }) => {
		const history = await openPlaces(page, {
			replies: {
				copy_backup: {
					err: {
						kind: 'storage',
						message:
							'the access key `GK31c2f218a2e44f485b94239e` may not write in the bucket `backups`: give it read and write permission on the bucket',
						detail: null
					}
				}
			}
		});
		await history.getByRole('button', { name: 'More actions for shop 2025-03-13 23:00' }).click();
		await history.getByRole('menuitem', { name: 'Copy to a destination…' }).click();
		const dialog = page.getByTestId('copy-backup');
		await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
		await expect(dialog.getByRole('alert')).toContainText('Not copied');
		await expect(dialog.getByRole('alert')).toContainText('may not write in the bucket');
	});

	test('without destinations there is nothing to copy to', async ({ page }) => {
		const history = await openPlaces(page, {
			replies: { list_destinations: { ok: destinationsView([], 'none') } }
		});
		await history.getByRole('button', { name: 'More actions for shop 2025-03-13 23:00' }).click();
		await expect(history.getByRole('menuitem', { name: 'Copy to a folder…' })).toBeVisible();
		await expect(history.getByRole('menuitem', { name: 'Copy to a destination…' })).toHaveCount(0);
	});

	test('deleting one only in a bucket deletes it there, or only its record', async ({ page }) => {
		const history = await openPlaces(page, {
			replies: { delete_backup: { ok: { fileRemoved: true, keptBecause: null } } }
		});
		const remove = async () => {
			await history
				.getByRole('button', { name: 'More actions for Nightly shop 2025-03-14 06:00' })
				.click();
			await history.getByRole('menuitem', { name: 'Delete…' }).click();
			return page.getByTestId('delete-backup');
		};
		let dialog = await remove();
		await expect(dialog).toContainText('deleted from offsite, for every machine');
		await expect(dialog).toContainText(`offsite:${remoteKey}`);
		await dialog.getByRole('button', { name: 'Delete backup' }).click();
		expect((await mock(page).calls('delete_backup')).at(-1)!.args).toEqual({
			id: 'remote-1',
			keepFile: false
		});
		dialog = await remove();
		await dialog.getByLabel('Only remove it from the history; keep it in the bucket').check();
		await dialog.getByRole('button', { name: 'Remove from history' }).click();
		expect((await mock(page).calls('delete_backup')).at(-1)!.args).toEqual({
			id: 'remote-1',
			keepFile: true
		});
	});
});
