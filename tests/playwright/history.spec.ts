import { expect, test, type Page } from '@playwright/test';
import {
	backups,
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
		await history.getByRole('menuitem', { name: 'Copy to…' }).click();
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
