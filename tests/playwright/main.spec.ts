import { expect, test } from '@playwright/test';
import {
	demo,
	JOB_IDS,
	jobsList,
	mock,
	openApp,
	prod,
	server,
	unlabelledControls
} from './fixtures';

test.describe('main window', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`welcome on first run, ${theme}`, async ({ page }) => {
			await openApp(page, { theme, replies: { list_connections: { ok: [] } } });
			await expect(page.getByTestId('welcome')).toBeVisible();
			await expect(page).toHaveScreenshot(`welcome-${theme}.png`);
		});

		test(`connections with running jobs and the history, ${theme}`, async ({ page }) => {
			await openApp(page, { theme, replies: { list_jobs: { ok: jobsList() } } });
			await expect(page.getByTestId('running-job')).toHaveCount(2);
			await expect(page.getByTestId('history-row')).toHaveCount(5);
			await expect(page).toHaveScreenshot(`panel-${theme}.png`);
		});
	}

	test('panel at 800×600', async ({ page }) => {
		await openApp(page, {
			viewport: { width: 800, height: 600 },
			replies: { list_jobs: { ok: jobsList() } }
		});
		await expect(page.getByTestId('running-job')).toHaveCount(2);
		await expect(page).toHaveScreenshot('panel-800x600.png');
		// Narrow panels put a row's buttons under it rather than squeeze its name.
		await page.getByTestId('history').scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('panel-800x600-history.png');
	});

	test('the theme follows the toggle and is remembered', async ({ page }) => {
		await openApp(page);
		const html = page.locator('html');
		await expect(html).toHaveAttribute('data-theme', 'light');
		await page.getByText('Dark', { exact: true }).click();
		await expect(html).toHaveAttribute('data-theme', 'dark');
		await page.reload();
		await expect(html).toHaveAttribute('data-theme', 'dark');
		await page.getByText('System', { exact: true }).click();
		await expect(html).toHaveAttribute('data-theme', 'light');
	});

	test('the demo database starts from the welcome card', async ({ page }) => {
		await openApp(page, {
			replies: { list_connections: { ok: [] }, start_demo_database: { ok: demo, delayMs: 50 } }
		});
		await page.getByRole('button', { name: 'Try the demo database' }).click();
		await expect(page.getByRole('heading', { name: 'Demo database' })).toBeVisible();
		await expect(page.getByRole('button', { name: 'Backup…' })).toBeEnabled();
	});

	test('progress events move a running job', async ({ page }) => {
		await openApp(page, { replies: { list_jobs: { ok: jobsList() } } });
		const bar = page.getByTestId('running-job').first().getByRole('progressbar');
		await expect(bar).toHaveAttribute('aria-valuenow', '40');
		await mock(page).emit(`backup:progress:${JOB_IDS.running}`, {
			...jobsList()[0].progress,
			percent: 55.2
		});
		await expect(bar).toHaveAttribute('aria-valuenow', '55');
	});

	test('jobs:changed refreshes the list', async ({ page }) => {
		await openApp(page);
		await expect(page.getByTestId('running-job')).toHaveCount(0);
		await mock(page).reply('list_jobs', { ok: jobsList() });
		await mock(page).emit('jobs:changed');
		await expect(page.getByTestId('running-job')).toHaveCount(2);
	});

	test('test connection shows the server version', async ({ page }) => {
		await openApp(page);
		await page.getByRole('button', { name: 'Test', exact: true }).click();
		await expect(page.getByText('✓ PostgreSQL 15.18')).toBeVisible();
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`connection form, ${theme}`, async ({ page }) => {
			await openApp(page, {
				theme,
				replies: {
					save_connection: { ok: prod },
					test_connection: {
						err: {
							kind: 'connection',
							message: 'The server rejected the password for user "app".',
							detail:
								'Check the password saved with the connection (or in ~/.pgpass) and try again.'
						}
					}
				}
			});
			await page.getByRole('button', { name: 'Edit' }).click();
			const form = page.getByTestId('connection-form');
			await expect(form.getByLabel('Name')).toHaveValue('Production');
			await form.getByLabel('Password', { exact: true }).fill('secret');
			await form.getByRole('button', { name: 'Save and test' }).click();
			await expect(form.getByTestId('test-result')).toContainText('Could not connect');
			await expect(page).toHaveScreenshot(`connection-form-${theme}.png`);
			expect(await unlabelledControls(page, 'connection-form')).toEqual([]);
			const [call] = await mock(page).calls('save_connection');
			expect(call.args.profile).toMatchObject({ id: 'prod', password: 'secret', port: 5432 });
		});
	}

	test('adding a connection and testing it', async ({ page }) => {
		await openApp(page, {
			replies: {
				list_connections: { ok: [] },
				save_connection: { ok: { ...prod, id: 'new' } },
				test_connection: { ok: server }
			}
		});
		await page.getByRole('button', { name: 'Add connection' }).click();
		const form = page.getByTestId('connection-form');
		await expect(form.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
		await form.getByLabel('Name').fill('Production');
		await form.getByRole('button', { name: 'Add and test' }).click();
		await expect(form.getByTestId('test-result')).toContainText('Connected: PostgreSQL 15.18');
		await form.getByRole('button', { name: 'Save', exact: true }).click();
		await expect(form).toBeHidden();
		await expect(page.getByRole('heading', { name: 'Production' })).toBeVisible();
	});
});
