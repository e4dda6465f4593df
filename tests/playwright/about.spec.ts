import { expect, test, type Page } from '@playwright/test';
import { appInfo, mock, openApp, unlabelledControls } from './fixtures';

/** A Windows build: the portable platform layer, and folders too long for one line. */
const windowsInfo = {
	version: '0.1.0',
	dataFolder: 'C:\\Users\\ada.lovelace\\AppData\\Roaming\\dev.tusk.backup\\TuskBackupProfileFolder',
	logFolder:
		'C:\\Users\\ada.lovelace\\AppData\\Roaming\\dev.tusk.backup\\TuskBackupProfileFolder\\logs',
	portablePlatform: true
};

const openAbout = (page: Page) => page.getByRole('button', { name: 'About Tusk Backup' }).click();

test.describe('about', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`the header button opens it, ${theme}`, async ({ page }) => {
			await openApp(page, { theme });
			await openAbout(page);
			const about = page.getByTestId('about');
			await expect(about.getByRole('heading', { name: 'About Tusk Backup' })).toBeVisible();
			await expect(about.getByTestId('about-version')).toHaveText('0.1.0');
			await expect(about.getByTestId('about-data-folder')).toHaveText(appInfo.dataFolder);
			await expect(about.getByTestId('about-log-folder')).toHaveText(appInfo.logFolder);
			await expect(about).toContainText(
				'What Tusk did, one file a day, the last seven kept; passwords are never written to it.'
			);
			await expect(about.getByTestId('about-portable')).toHaveCount(0);
			await expect(page).toHaveScreenshot(`about-${theme}.png`);
		});
	}

	test('F1 opens it, Escape closes it and gives focus back', async ({ page }) => {
		await openApp(page);
		const about = page.getByTestId('about');
		await page.keyboard.press('F1');
		await expect(about.getByTestId('about-version')).toHaveText('0.1.0');
		await page.keyboard.press('Escape');
		await expect(about).toBeHidden();
		// From the header button, focus goes back to it.
		await openAbout(page);
		await expect(about).toBeVisible();
		await page.keyboard.press('Escape');
		await expect(page.getByRole('button', { name: 'About Tusk Backup' })).toBeFocused();
	});

	test('F1 works on the welcome screen too', async ({ page }) => {
		await openApp(page, { replies: { list_connections: { ok: [] } } });
		await expect(page.getByTestId('welcome')).toBeVisible();
		await page.keyboard.press('F1');
		await expect(page.getByTestId('about-version')).toHaveText('0.1.0');
	});

	test('F1 does not open it over another dialog', async ({ page }) => {
		await openApp(page);
		await page.getByRole('button', { name: 'Edit' }).click();
		await expect(page.getByTestId('connection-form')).toBeVisible();
		await page.keyboard.press('F1');
		await expect(page.getByTestId('about')).toHaveCount(0);
		expect(await mock(page).calls('app_info')).toHaveLength(0);
	});

	test('Open log folder asks the backend, and says why it failed', async ({ page }) => {
		await openApp(page);
		await openAbout(page);
		const about = page.getByTestId('about');
		await about.getByRole('button', { name: 'Open log folder' }).click();
		await expect.poll(async () => (await mock(page).calls('open_log_folder')).length).toBe(1);
		await expect(about.getByRole('alert')).toHaveCount(0);

		await mock(page).reply('open_log_folder', {
			err: {
				kind: 'io',
				message: 'the file manager could not be opened: no application handles folders',
				detail: null
			}
		});
		await about.getByRole('button', { name: 'Open log folder' }).click();
		await expect(about.getByRole('alert')).toContainText('The log folder did not open');
		await expect(about.getByRole('alert')).toContainText(
			'The file manager could not be opened: no application handles folders'
		);
		expect(await mock(page).calls('open_log_folder')).toHaveLength(2);
	});

	test('Copy path puts the log folder on the clipboard', async ({ page, context }) => {
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await openApp(page);
		await openAbout(page);
		const about = page.getByTestId('about');
		await about.getByRole('button', { name: 'Copy path' }).click();
		await expect(about.getByTestId('about-copied')).toHaveText('Copied.');
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(appInfo.logFolder);
	});

	test('when the folders cannot be read it says so', async ({ page }) => {
		await openApp(page, {
			replies: {
				app_info: { err: { kind: 'io', message: 'the data folder is not set', detail: null } }
			}
		});
		await openAbout(page);
		await expect(page.getByTestId('about').getByRole('alert')).toContainText(
			'The data folder is not set'
		);
	});

	test('the portable platform note, with long paths at 800×600', async ({ page }) => {
		await openApp(page, {
			viewport: { width: 800, height: 600 },
			replies: {
				app_info: { ok: windowsInfo },
				open_log_folder: {
					err: {
						kind: 'io',
						message: 'the file manager could not be opened: Explorer is not running',
						detail: null
					}
				}
			}
		});
		await openAbout(page);
		const about = page.getByTestId('about');
		await expect(about.getByTestId('about-portable')).toContainText(
			'This build uses the portable platform layer'
		);
		await expect(about.getByTestId('about-portable')).toContainText(
			'not stopped if Tusk is killed'
		);
		await about.getByRole('button', { name: 'Open log folder' }).click();
		await expect(about.getByRole('alert')).toBeVisible();
		// Long paths wrap inside the dialog: nothing is wider than its box.
		for (const id of ['about-data-folder', 'about-log-folder']) {
			const path = about.getByTestId(id);
			expect(await path.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
		}
		await expect(page).toHaveScreenshot('about-portable-800x600.png');
	});

	test('every control is labelled', async ({ page }) => {
		await openApp(page);
		await openAbout(page);
		await expect(page.getByTestId('about-version')).toBeVisible();
		expect(await unlabelledControls(page, 'about')).toEqual([]);
	});
});
