// The Restore dialog driven to a chosen backup, its pre-flight and a running restore, for
// restore.spec.ts and restore-rows.spec.ts.
import { expect, type Page } from '@playwright/test';
import {
	backupPath,
	info,
	mock,
	openApp,
	preflight,
	progress,
	restoreLog,
	restorePlan,
	type Setup
} from './fixtures';

/** What the backend answers when a restore starts. */
const started = {
	ok: { jobId: '', jobType: 'restore', command: preflight().command },
	withJobId: true
} as const;

/** Opens the dialog and picks the backup the mock's file dialog answers. */
export async function chooseBackup(page: Page, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: {
			'plugin:dialog|open': { ok: backupPath },
			get_backup_info: { ok: info },
			preflight_restore: { ok: restorePlan(preflight()) },
			restore_backup: started,
			...setup.replies
		}
	});
	await page.getByRole('button', { name: 'Restore…', exact: true }).click();
	const dialog = page.getByTestId('restore-dialog');
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Choose file…' }).click();
	await expect(dialog.getByTestId('backup-info')).toBeVisible();
	return dialog;
}

/** The dialog with a backup chosen and its pre-flight shown. */
export async function openRestore(page: Page, setup: Setup = {}) {
	const dialog = await chooseBackup(page, setup);
	await expect(dialog.getByTestId('preflight')).toBeVisible();
	return dialog;
}

/** A restore started and 38% through, its log shown. */
export async function startRunning(page: Page, setup: Setup = {}) {
	const dialog = await openRestore(page, setup);
	await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
	const m = mock(page);
	const jobId = await m.lastJobId('restore_backup');
	await m.emit(`job:log:${jobId}`, restoreLog);
	await m.emit(
		`restore:progress:${jobId}`,
		progress(38.2, { currentObject: 'public.audit_log', bytesWritten: 281 * 1024 * 1024 })
	);
	await expect(dialog.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '38');
	return { dialog, jobId, m };
}
