import { expect, test, type Page } from '@playwright/test';
import {
	backupPath,
	incompleteRestore,
	info,
	mock,
	openApp,
	preflight,
	restorePlan,
	type Setup
} from './fixtures';

async function openWithIncomplete(page: Page, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: { list_incomplete_restores: { ok: [incompleteRestore] }, ...setup.replies }
	});
	const banner = page.getByTestId('incomplete-restore');
	await expect(banner).toBeVisible();
	return banner;
}

test.describe('incomplete restores', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`a banner says what is left and offers what to do, ${theme}`, async ({ page }) => {
			const banner = await openWithIncomplete(page, { theme });
			await expect(banner).toContainText(
				'Incomplete restore of shop_copy on db.example.com:5432 at 2025-03-14 08:12'
			);
			await expect(banner).toContainText(
				'It holds part of the backup from shop_2025-03-13_2300.backup.'
			);
			for (const name of ['Restore again', 'Drop database…', 'Dismiss']) {
				await expect(banner.getByRole('button', { name })).toBeEnabled();
			}
			await expect(page).toHaveScreenshot(`banner-${theme}.png`);
		});
	}

	test('the list is read again when the history changes', async ({ page }) => {
		await openApp(page);
		await expect(page.getByRole('heading', { name: 'Production' })).toBeVisible();
		await expect(page.getByTestId('incomplete-restore')).toHaveCount(0);
		const m = mock(page);
		await m.reply('list_incomplete_restores', { ok: [incompleteRestore] });
		await m.emit('history:changed');
		await expect(page.getByTestId('incomplete-restore')).toBeVisible();
	});

	test('Dismiss forgets it', async ({ page }) => {
		const banner = await openWithIncomplete(page, { replies: { dismiss_restore: { ok: null } } });
		const m = mock(page);
		await m.reply('list_incomplete_restores', { ok: [] });
		await banner.getByRole('button', { name: 'Dismiss' }).click();
		await expect(banner).toBeHidden();
		expect((await m.calls('dismiss_restore'))[0].args).toEqual({ id: incompleteRestore.id });
	});

	test('Drop asks for the database name and shows why the backend refused', async ({ page }) => {
		const banner = await openWithIncomplete(page, {
			replies: {
				drop_incomplete_restore: {
					err: {
						kind: 'engine',
						message:
							'database "shop_copy" is being accessed by other users: 1 other session is using it',
						detail: null
					}
				}
			}
		});
		await banner.getByRole('button', { name: 'Drop database…' }).click();
		const modal = page.getByTestId('drop-restore');
		await expect(modal).toContainText('The restore created shop_copy');
		const drop = modal.getByRole('button', { name: 'Drop database' });
		await expect(drop).toBeDisabled();
		await modal.getByTestId('drop-confirm-input').fill('shop');
		await expect(drop).toBeDisabled();
		await modal.getByTestId('drop-confirm-input').fill('shop_copy');
		await expect(drop).toBeEnabled();
		await drop.click();
		await expect(modal.getByRole('alert')).toContainText('is being accessed by other users');
		await expect(page).toHaveScreenshot('drop-refused.png');

		const m = mock(page);
		await m.reply('drop_incomplete_restore', { ok: 'shop_copy' });
		await m.reply('list_incomplete_restores', { ok: [] });
		await drop.click();
		await expect(modal).toBeHidden();
		await expect(banner).toBeHidden();
		const calls = await m.calls('drop_incomplete_restore');
		expect(calls.map((c) => c.args)).toEqual([
			{ id: incompleteRestore.id, typedName: 'shop_copy' },
			{ id: incompleteRestore.id, typedName: 'shop_copy' }
		]);
	});

	test('Restore again opens the Restore dialog with the file, target and options', async ({
		page
	}) => {
		const banner = await openWithIncomplete(page, {
			replies: {
				get_backup_info: { ok: info },
				preflight_restore: {
					ok: restorePlan(preflight({ targetDatabase: 'shop_copy', createsDatabase: true }))
				}
			}
		});
		await banner.getByRole('button', { name: 'Restore again' }).click();
		const dialog = page.getByTestId('restore-dialog');
		await expect(dialog.getByTestId('preflight')).toBeVisible();
		await expect(dialog.getByRole('textbox', { name: 'Backup' })).toHaveValue(backupPath);
		await expect(
			dialog.getByRole('radio', { name: 'A new database on this server' })
		).toBeChecked();
		await expect(dialog.getByLabel('New database name')).toHaveValue('shop_copy');
		await expect(
			dialog.getByRole('checkbox', { name: 'public.orders', exact: true })
		).toBeChecked();
		await expect(
			dialog.getByRole('checkbox', { name: 'public.audit_log', exact: true })
		).not.toBeChecked();
		const [checked] = await mock(page).calls('preflight_restore');
		expect(checked.args.options).toMatchObject({
			connectionId: 'prod',
			inputPath: backupPath,
			targetDatabase: 'shop_copy',
			createDatabase: true,
			tables: ['public.customers', 'public.orders'],
			singleTransaction: false,
			jobs: 4
		});
	});

	test('a restore through a connection since deleted can only be dismissed here', async ({
		page
	}) => {
		const banner = await openWithIncomplete(page, {
			replies: {
				list_incomplete_restores: { ok: [{ ...incompleteRestore, connectionId: 'gone' }] }
			}
		});
		const again = banner.getByRole('button', { name: 'Restore again' });
		await expect(again).toBeDisabled();
		await expect(again).toHaveAttribute('title', /no longer exists/);
		await expect(banner.getByRole('button', { name: 'Drop database…' })).toBeDisabled();
		await expect(banner.getByRole('button', { name: 'Dismiss' })).toBeEnabled();
	});

	test('a restore made outside a saved connection cannot be dropped from here', async ({
		page
	}) => {
		const banner = await openWithIncomplete(page, {
			replies: {
				list_incomplete_restores: { ok: [{ ...incompleteRestore, connectionId: null }] }
			}
		});
		await expect(banner.getByRole('button', { name: 'Drop database…' })).toHaveCount(0);
		await expect(banner.getByRole('button', { name: 'Restore again' })).toBeDisabled();
	});
});
