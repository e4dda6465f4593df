import { expect, test, type Page } from '@playwright/test';
import type { JobOutcome, RowCheck } from '../../src/lib/ipc/bindings';
import { backupCompleted, preflight, restoreLog, type Setup } from './fixtures';
import { startRunning } from './restore-fixtures';

/**
 * A restore that completed, its rows counted on the target and compared with the backup's: a
 * difference makes it complete with a warning, as the engine reports it.
 */
const restored = (rowCheck: RowCheck): JobOutcome => ({
	...backupCompleted,
	status: rowCheck.differing.length > 0 ? 'completedWithWarnings' : 'completed',
	warnings: rowCheck.differing.length > 0 ? [`after the restore, ${rowCheck.summary}`] : [],
	jobType: 'restore',
	durationMs: 71_300,
	outputPath: null,
	sizeBytes: null,
	backupId: null,
	sha256: null,
	command: preflight().command,
	lastLines: restoreLog.slice(-4),
	rowCheck
});

const allMatch: RowCheck = {
	tables: 3,
	rows: 1250,
	differing: [],
	summary: '3 tables, 1,250 rows, all match'
};

const oneDiffers: RowCheck = {
	tables: 3,
	rows: 1250,
	differing: [{ table: 'public.customers', expected: 46, found: 47 }],
	summary: '1 of 3 tables differ from the backup: public.customers has 47 rows, the backup 46'
};

async function finish(page: Page, rows: RowCheck, setup?: Setup) {
	const { dialog, jobId, m } = await startRunning(page, setup);
	await m.emit(`restore:finished:${jobId}`, { ...restored(rows), jobId });
	await expect(
		dialog.getByText(
			rows.differing.length > 0 ? 'Restore completed with warnings' : '✓ Restore completed'
		)
	).toBeVisible();
	return dialog;
}

test.describe('rows on the target after a restore', () => {
	test('all matching the backup', async ({ page }) => {
		const dialog = await finish(page, allMatch);
		await expect(dialog.getByTestId('outcome-rows')).toHaveText(
			'✓ 3 tables, 1,250 rows, all match'
		);
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`one table differing from the backup, ${theme}`, async ({ page }) => {
			const dialog = await finish(page, oneDiffers, { theme });
			await expect(dialog.getByTestId('outcome-rows')).toHaveText(
				'⚠ 1 of 3 tables differ from the backup: public.customers has 47 rows, the backup 46'
			);
			await expect(page).toHaveScreenshot(`differ-${theme}.png`);
		});
	}

	test('one table differing, at 800×600', async ({ page }) => {
		const dialog = await finish(page, oneDiffers, { viewport: { width: 800, height: 600 } });
		await dialog.getByTestId('outcome-rows').scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('differ-800x600.png');
	});
});
