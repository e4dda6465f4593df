import { expect, test, type Page } from '@playwright/test';
import {
	backups,
	LOOKS,
	mock,
	openApp,
	page as backupPage,
	unlabelledControls,
	type Setup
} from './fixtures';

const note = 'Taken before release 2.3 moved the orders table to the billing schema.';

/** Opens "Edit name and note…" of Before release 2.3, whose note is `note`. */
async function openEdit(page: Page, setup: Setup = {}) {
	const noted = backups.map((b) => (b.id === 'manual-1' ? { ...b, description: note } : b));
	await openApp(page, {
		...setup,
		replies: {
			list_backups: { ok: backupPage(noted) },
			rename_backup: { ok: { ...noted[1], name: 'Release 2.3', description: null } },
			...setup.replies
		}
	});
	const history = page.getByTestId('history');
	await history.getByRole('button', { name: 'More actions for Before release 2.3' }).click();
	await history.getByRole('menuitem', { name: 'Edit name and note…' }).click();
	const form = page.getByTestId('edit-backup');
	await expect(form).toBeVisible();
	return form;
}

test.describe('a backup’s name and note', () => {
	test('start from the backup’s, and are sent trimmed', async ({ page }) => {
		const form = await openEdit(page);
		const name = form.getByLabel('Name in the history');
		await expect(name).toHaveValue('Before release 2.3');
		await expect(form.getByLabel('Note')).toHaveValue(note);
		const listed = (await mock(page).calls('list_backups')).length;
		await name.fill('  Release 2.3 ');
		await form.getByLabel('Note').fill('  ');
		await form.getByRole('button', { name: 'Save' }).click();
		await expect(form).toBeHidden();
		const [call] = await mock(page).calls('rename_backup');
		expect(call.args).toEqual({ id: 'manual-1', name: 'Release 2.3', description: null });
		// The row shows it at once (the app also hears history:changed).
		await expect
			.poll(async () => (await mock(page).calls('list_backups')).length)
			.toBeGreaterThan(listed);
	});

	test('a name is needed; the note and name have their limits', async ({ page }) => {
		const form = await openEdit(page);
		await form.getByLabel('Name in the history').fill(' ');
		await expect(form.getByText('A backup needs a name.')).toBeVisible();
		await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();
		await expect(form.getByLabel('Name in the history')).toHaveAttribute('maxlength', '200');
		await expect(form.getByLabel('Note')).toHaveAttribute('maxlength', '2000');
		await expect(form.getByLabel('Note')).toHaveAttribute('rows', '2');
		expect(await unlabelledControls(page, 'edit-backup')).toEqual([]);
	});

	test('the backend’s refusal is shown in the form, which stays', async ({ page }) => {
		const form = await openEdit(page, {
			replies: {
				rename_backup: {
					err: { kind: 'notFound', message: 'no backup `manual-1` in the history', detail: null }
				}
			}
		});
		await form.getByRole('button', { name: 'Save' }).click();
		await expect(form.getByRole('alert')).toContainText('No backup manual-1 in the history');
		await expect(form.getByLabel('Name in the history')).toHaveValue('Before release 2.3');
	});

	test('Cancel sends nothing', async ({ page }) => {
		const form = await openEdit(page);
		await form.getByLabel('Name in the history').fill('Something else');
		await form.getByRole('button', { name: 'Cancel' }).click();
		await expect(form).toBeHidden();
		expect(await mock(page).calls('rename_backup')).toEqual([]);
	});

	for (const [name, setup] of LOOKS) {
		test(`the form, ${name}`, async ({ page }) => {
			await openEdit(page, setup);
			await expect(page).toHaveScreenshot(`edit-${name}.png`);
		});
	}
});
