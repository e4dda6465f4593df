import { expect, test, type Page } from '@playwright/test';
import {
	ageKeyFile,
	agePublicKey,
	bucketListing,
	destinationsView,
	mock,
	offsite,
	openApp,
	r2,
	savedIdentity,
	testCredentialsFailed,
	testPassed,
	unlabelledControls,
	type Setup
} from './fixtures';
import type { MockReply } from '../../src/lib/ipc/mock';

async function openDestinations(page: Page, setup: Setup = {}) {
	await openApp(page, setup);
	await page.getByRole('button', { name: 'Destinations' }).click();
	const panel = page.getByRole('dialog', { name: 'Destinations' });
	await expect(panel).toBeVisible();
	return panel;
}

/** Saved destinations and a passphrase in the keychain. */
const saved: Setup['replies'] = { list_destinations: { ok: destinationsView() } };

/** The same, with a private key in the keychain too. */
const savedKey: Setup['replies'] = {
	list_destinations: { ok: destinationsView(undefined, 'keychain', savedIdentity) }
};

/** What the backend says when the Garage node of `offsite` is down. */
const unreachable: MockReply = {
	err: {
		kind: 'storage',
		message:
			'nothing answers at http://192.168.1.20:3900: check that the store is running and that the endpoint of `offsite` (host and port) is right',
		detail: null
	}
};

/** Shows what the offsite bucket holds (`bucketListing`). */
async function openBucket(page: Page, replies: Setup['replies']) {
	const panel = await openDestinations(page, {
		replies: { ...saved, bucket_backups: { ok: bucketListing }, ...replies }
	});
	await panel.getByRole('button', { name: 'Backups in offsite' }).click();
	return panel;
}

/** The key of the second backup in `bucketListing`. */
const shopKey = 'shop/shop_2025-03-13_230004_9f8e7d6c.backup';

/** Fills the form as for the Garage node of `offsite`. */
async function fillOffsite(panel: ReturnType<Page['getByRole']>) {
	await panel.getByLabel('Name').fill('offsite');
	await panel.getByLabel('Endpoint').fill('http://192.168.1.20:3900');
	await panel.getByLabel('Region').fill('garage');
	await panel.getByLabel('Bucket').fill('backups');
	await panel.getByLabel('Prefix (optional)').fill('team');
	await panel.getByLabel('Access key id').fill('GK31c2f218a2e44f485b94239e');
	await panel.getByLabel('Secret access key').fill('7c1e0f3a9b2d4c6e8f0a1b3c5d7e9f1a');
}

test.describe('destinations', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`none yet: what they are and how to add one, ${theme}`, async ({ page }) => {
			const panel = await openDestinations(page, { theme });
			await expect(panel.getByTestId('no-destinations')).toContainText('No destinations yet');
			await expect(panel.getByTestId('passphrase-status')).toHaveText('Passphrase: not set');
			await expect(panel.getByTestId('encryption')).toContainText(
				'Backups encrypted with it need it to be restored; Tusk cannot recover it.'
			);
			await expect(page).toHaveScreenshot(`empty-${theme}.png`);
		});

		test(`the saved ones, with where their secret is, ${theme}`, async ({ page }) => {
			const panel = await openDestinations(page, { theme, replies: saved });
			const rows = panel.getByTestId('destination');
			await expect(rows).toHaveCount(2);
			await expect(rows.nth(0)).toContainText('offsite');
			await expect(rows.nth(0)).toContainText('http://192.168.1.20:3900');
			await expect(rows.nth(0)).toContainText('bucket backups/team');
			await expect(rows.nth(0)).toContainText('secret in keychain');
			await expect(rows.nth(1)).toContainText('bucket tusk-backups');
			await expect(rows.nth(1)).toContainText('secret for this session only');
			await expect(panel.getByTestId('passphrase-status')).toHaveText(
				'Passphrase: saved in the keychain'
			);
			await expect(page).toHaveScreenshot(`list-${theme}.png`);
		});
	}

	test('the list at 800×600', async ({ page }) => {
		const panel = await openDestinations(page, {
			viewport: { width: 800, height: 600 },
			replies: {
				...saved,
				test_destination: { ok: testCredentialsFailed }
			}
		});
		await panel.getByRole('button', { name: 'Test offsite' }).click();
		await expect(panel.getByTestId('test-steps')).toContainText('credentials refused');
		// The panel no longer fits and does not move: the pointer would stay over Test.
		await page.mouse.move(0, 0);
		await expect(page).toHaveScreenshot('list-800x600.png');
		// Nothing is wider than the dialog, and the form's buttons stay in view.
		const body = panel.locator('.modal-body');
		const fits = () => body.evaluate((el) => el.scrollWidth <= el.clientWidth);
		expect(await fits()).toBe(true);
		await panel.getByRole('button', { name: 'Add destination' }).click();
		await panel.getByRole('button', { name: 'Save' }).click();
		await expect(panel.getByTestId('field-error').first()).toBeVisible();
		await expect(panel.getByRole('button', { name: 'Save' })).toBeInViewport();
		expect(await fits()).toBe(true);
		await expect(page).toHaveScreenshot('form-800x600.png');
	});

	test('adding one: a failing test says why, a passing one shows each step, then it is saved', async ({
		page
	}) => {
		const panel = await openDestinations(page, {
			replies: {
				test_destination: { ok: testCredentialsFailed },
				save_destination: { ok: destinationsView([offsite], 'none') }
			}
		});
		const m = mock(page);
		await panel.getByRole('button', { name: 'Add destination' }).click();
		await expect(panel.getByRole('heading', { name: 'Add a destination' })).toBeVisible();
		await expect(panel.getByLabel('Endpoint')).toHaveAttribute(
			'placeholder',
			'https://s3.eu-central-1.amazonaws.com'
		);
		await expect(panel.getByText('Leave empty for AWS S3.')).toBeVisible();
		const pathStyle = panel.getByRole('checkbox', {
			name: 'Path-style requests (Garage, MinIO, Ceph)'
		});
		await expect(pathStyle).not.toBeChecked();
		await fillOffsite(panel);
		// An endpoint of one's own store turns path-style on.
		await expect(pathStyle).toBeChecked();

		await panel.getByRole('button', { name: 'Test', exact: true }).click();
		const steps = panel.getByTestId('test-steps');
		await expect(steps).toContainText('✗ The test failed');
		await expect(steps).toContainText('credentials refused');
		await expect(steps).toContainText(
			'The store at http://192.168.1.20:3900 refused the access key GK31c2f218a2e44f485b94239e: check the access key id and its secret for offsite'
		);
		await expect(page).toHaveScreenshot('form-test-failed.png');
		const [tested] = await m.calls('test_destination');
		// The form's values as typed, path-style included.
		expect(tested.args.input).toEqual({
			originalName: null,
			destination: offsite.destination,
			secret: '7c1e0f3a9b2d4c6e8f0a1b3c5d7e9f1a'
		});

		await m.reply('test_destination', { ok: testPassed });
		await panel.getByRole('button', { name: 'Test', exact: true }).click();
		await expect(steps).toContainText('✓ The bucket works');
		await expect(steps.getByRole('listitem')).toHaveText([
			/Write a test object.*Wrote offsite:\.tusk-probe-/,
			/Read it back.*Read it back, byte for byte/,
			/Delete it.*Deleted it/
		]);
		await expect(page).toHaveScreenshot('form-test-passed.png');

		await panel.getByRole('button', { name: 'Save' }).click();
		await expect(panel.getByRole('status')).toHaveText('✓ Saved offsite.');
		await expect(panel.getByTestId('destination')).toHaveCount(1);
		const [savedCall] = await m.calls('save_destination');
		expect(savedCall.args.input).toEqual(tested.args.input);
	});

	test('the form checks its fields, and shows the backend’s refusal under the field', async ({
		page
	}) => {
		const panel = await openDestinations(page, {
			replies: {
				save_destination: {
					err: {
						kind: 'invalidOptions',
						message: 'a destination named `offsite` already exists: choose another name',
						detail: null
					}
				}
			}
		});
		await panel.getByRole('button', { name: 'Add destination' }).click();
		await panel.getByLabel('Bucket').fill('backups/team');
		await panel.getByRole('button', { name: 'Save' }).click();
		await expect(panel.getByTestId('field-error')).toHaveText([
			'Enter a name.',
			'Enter the AWS region.',
			'No /: put the folder in the prefix.',
			'Enter the access key id.',
			'Enter the secret access key.'
		]);
		await expect(panel.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
		await expect(page).toHaveScreenshot('form-errors.png');
		expect(await mock(page).calls('save_destination')).toHaveLength(0);

		await fillOffsite(panel);
		await panel.getByRole('button', { name: 'Save' }).click();
		await expect(panel.getByTestId('field-error')).toHaveText(
			'A destination named offsite already exists: choose another name'
		);
		await expect(panel.getByRole('heading', { name: 'Add a destination' })).toBeVisible();
	});

	test('editing keeps the saved secret unless a new one is typed', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: { ...saved, save_destination: { ok: destinationsView() } }
		});
		await panel.getByRole('button', { name: 'Edit offsite' }).click();
		await expect(panel.getByRole('heading', { name: 'Edit offsite' })).toBeVisible();
		await expect(panel.getByLabel('Endpoint')).toHaveValue('http://192.168.1.20:3900');
		await expect(panel.getByLabel('Secret access key')).toHaveAttribute('placeholder', 'unchanged');
		await panel.getByLabel('Prefix (optional)').fill('team/shop');
		await panel.getByRole('button', { name: 'Save' }).click();
		await expect(panel.getByRole('status')).toHaveText('✓ Saved offsite.');
		const [call] = await mock(page).calls('save_destination');
		expect(call.args.input).toEqual({
			originalName: 'offsite',
			destination: { ...offsite.destination, prefix: 'team/shop' },
			secret: null
		});
	});

	test('Test on a saved one uses its stored secret', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: { ...saved, test_destination: { ok: testPassed } }
		});
		await panel.getByRole('button', { name: 'Test r2' }).click();
		await expect(panel.getByTestId('test-steps')).toContainText('✓ The bucket works');
		const [call] = await mock(page).calls('test_destination');
		expect(call.args.input).toEqual({
			originalName: 'r2',
			destination: r2.destination,
			secret: null
		});
	});

	test('Remove asks first', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: { ...saved, remove_destination: { ok: destinationsView([offsite]) } }
		});
		await panel.getByRole('button', { name: 'Remove r2' }).click();
		const confirm = panel.getByTestId('remove-confirm');
		await expect(confirm).toContainText('The backups in the bucket stay there');
		await confirm.getByRole('button', { name: 'Keep it' }).click();
		await expect(confirm).toBeHidden();
		expect(await mock(page).calls('remove_destination')).toHaveLength(0);
		await panel.getByRole('button', { name: 'Remove r2' }).click();
		await confirm.getByRole('button', { name: 'Remove r2' }).click();
		await expect(panel.getByTestId('destination')).toHaveCount(1);
		expect((await mock(page).calls('remove_destination'))[0].args).toEqual({ name: 'r2' });
	});

	test('the backups in a bucket, imported into the history', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: {
				...saved,
				bucket_backups: { ok: bucketListing },
				import_from_destination: {
					ok: {
						imported: ['1a2b3c4d', '0c1d2e3f'],
						alreadyKnown: ['9f8e7d6c'],
						skipped: []
					}
				}
			}
		});
		await panel.getByRole('button', { name: 'Backups in offsite' }).click();
		const bucket = panel.getByTestId('bucket-backups');
		await expect(bucket.getByTestId('bucket-backup')).toHaveCount(3);
		const first = bucket.getByTestId('bucket-backup').first();
		await expect(first).toContainText('2025-03-14 06:00');
		await expect(first).toContainText('shop');
		await expect(first).toContainText('encrypted');
		await expect(first).toContainText('734 MB');
		await expect(first).toContainText('db.example.com');
		await expect(first).toContainText('shop/shop_2025-03-14_060012_1a2b3c4d.backup.age');
		await expect(bucket.getByTestId('bucket-backup').last()).toContainText('laptop-ada.local');
		expect((await mock(page).calls('bucket_backups'))[0].args).toEqual({ name: 'offsite' });

		await bucket.getByRole('button', { name: 'Import into history' }).click();
		await expect(bucket.getByTestId('import-report')).toHaveText(
			'Imported 2 backups; 1 already in the history.'
		);
		expect((await mock(page).calls('import_from_destination'))[0].args).toEqual({
			name: 'offsite'
		});
		await expect(page).toHaveScreenshot('bucket.png');
		await panel.getByRole('button', { name: '‹ All destinations' }).click();
		await expect(panel.getByTestId('destination')).toHaveCount(2);
	});

	test('Restore… imports the bucket, then opens the Restore dialog on that backup', async ({
		page
	}) => {
		const panel = await openBucket(page, {
			import_from_destination: {
				ok: { imported: ['1a2b3c4d', '0c1d2e3f'], alreadyKnown: ['9f8e7d6c'], skipped: [] }
			},
			get_backup_info: { pending: true }
		});
		await panel.getByRole('button', { name: 'Restore shop of 2025-03-13 23:00' }).click();
		const dialog = page.getByTestId('restore-dialog');
		await expect(dialog.locator('.path-row input')).toHaveValue(`offsite:${shopKey}`);
		await expect(panel).toBeHidden();
		const calls = await page.evaluate(() =>
			window.__tuskMock!.calls.filter((c) =>
				['import_from_destination', 'get_backup_info'].includes(c.cmd)
			)
		);
		expect(calls).toEqual([
			{ cmd: 'import_from_destination', args: { name: 'offsite' } },
			{ cmd: 'get_backup_info', args: { path: `offsite:${shopKey}` } }
		]);
	});

	test('Restore… of a backup that cannot be imported says why and stays', async ({ page }) => {
		const panel = await openBucket(page, { import_from_destination: unreachable });
		const restore = panel.getByRole('button', { name: 'Restore shop of 2025-03-13 23:00' });
		await restore.click();
		const error = panel.getByTestId('restore-error');
		await expect(error).toContainText('Could not import shop of 2025-03-13 23:00 to restore it');
		await expect(error).toContainText('Nothing answers at http://192.168.1.20:3900');
		await expect(page).toHaveScreenshot('bucket-restore-failed.png');

		// The import went through but left this backup out: its reason is shown.
		await mock(page).reply('import_from_destination', {
			ok: {
				imported: ['1a2b3c4d'],
				alreadyKnown: [],
				skipped: [`offsite:${shopKey}: its checksum file gives another SHA-256 than its manifest`]
			}
		});
		await restore.click();
		await expect(error).toContainText('its checksum file gives another SHA-256');
		await expect(panel).toBeVisible();
		await expect(page.getByTestId('restore-dialog')).toHaveCount(0);
		expect(await mock(page).calls('get_backup_info')).toHaveLength(0);
	});

	test('a bucket that cannot be listed says why', async ({ page }) => {
		const panel = await openBucket(page, { bucket_backups: unreachable });
		await expect(panel.getByRole('alert')).toContainText('The bucket could not be listed');
		await expect(panel.getByRole('alert')).toContainText(
			'Nothing answers at http://192.168.1.20:3900'
		);
	});

	test('the passphrase: typed twice, 8 characters at least, then saved', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: { set_encryption_passphrase: { ok: destinationsView([], 'keychain') } }
		});
		const section = panel.getByTestId('encryption');
		const problem = section.getByTestId('passphrase-problem');
		await section.getByLabel('Passphrase', { exact: true }).fill('short');
		await section.getByLabel('Confirm passphrase').fill('short');
		await section.getByRole('button', { name: 'Save passphrase' }).click();
		await expect(problem).toHaveText('Use at least 8 characters.');
		await section.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
		await section.getByLabel('Confirm passphrase').fill('correct horse battery staple');
		await section.getByRole('button', { name: 'Save passphrase' }).click();
		await expect(problem).toHaveText('The two passphrases differ: type the same one twice.');
		await section.scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('passphrase-mismatch.png');
		expect(await mock(page).calls('set_encryption_passphrase')).toHaveLength(0);

		await section.getByLabel('Confirm passphrase').fill('correct horse battery');
		await section.getByRole('button', { name: 'Save passphrase' }).click();
		await expect(section.getByTestId('passphrase-status')).toHaveText(
			'Passphrase: saved in the keychain'
		);
		await expect(section.getByRole('status')).toHaveText('✓ Passphrase saved.');
		expect((await mock(page).calls('set_encryption_passphrase'))[0].args).toEqual({
			passphrase: 'correct horse battery'
		});
	});

	test('the backend’s refusal of a passphrase is shown', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: {
				set_encryption_passphrase: {
					err: {
						kind: 'invalidOptions',
						message: 'the keychain refused the passphrase: unlock it and try again',
						detail: null
					}
				}
			}
		});
		const section = panel.getByTestId('encryption');
		await section.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
		await section.getByLabel('Confirm passphrase').fill('correct horse battery');
		await section.getByRole('button', { name: 'Save passphrase' }).click();
		await expect(section.getByRole('alert')).toContainText(
			'The keychain refused the passphrase: unlock it and try again'
		);
	});

	test('replacing the passphrase says the old backups still need the old one', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: { ...saved, set_encryption_passphrase: { ok: destinationsView() } }
		});
		const section = panel.getByTestId('encryption');
		await section.getByRole('button', { name: 'Replace…' }).click();
		await section.getByLabel('New passphrase').fill('a longer one this time');
		await section.getByLabel('Confirm passphrase').fill('a longer one this time');
		await section.getByRole('button', { name: 'Replace passphrase' }).click();
		await expect(section.getByRole('status')).toHaveText(
			'✓ Passphrase replaced. Backups made before still need the old one.'
		);
		await expect(section.getByLabel('New passphrase')).toHaveCount(0);
		expect((await mock(page).calls('set_encryption_passphrase'))[0].args).toEqual({
			passphrase: 'a longer one this time'
		});
	});

	test('forgetting the passphrase asks first', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: { ...saved, set_encryption_passphrase: { ok: destinationsView(undefined, 'none') } }
		});
		const section = panel.getByTestId('encryption');
		await section.getByRole('button', { name: 'Forget…' }).click();
		const confirm = section.getByTestId('forget-confirm');
		await expect(confirm).toContainText('Forget the passphrase?');
		await confirm.getByRole('button', { name: 'Forget passphrase' }).click();
		await expect(section.getByTestId('passphrase-status')).toHaveText('Passphrase: not set');
		expect((await mock(page).calls('set_encryption_passphrase'))[0].args).toEqual({
			passphrase: null
		});
		await expect(section.getByLabel('Passphrase', { exact: true })).toBeVisible();
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`a saved private key: where it is and its public key, ${theme}`, async ({ page }) => {
			const panel = await openDestinations(page, { theme, replies: savedKey });
			const section = panel.getByTestId('encryption');
			const key = section.getByTestId('private-key');
			await expect(key.getByTestId('identity-status')).toHaveText('Saved in the keychain');
			await expect(key.getByTestId('identity-public-key')).toHaveText(agePublicKey);
			await expect(key.getByRole('textbox')).toHaveCount(0);
			expect(await unlabelledControls(page, 'destinations')).toEqual([]);
			await section.scrollIntoViewIfNeeded();
			await expect(section).toHaveScreenshot(`private-key-${theme}.png`);
		});
	}

	test('a private key at 800×600, and kept for this session only', async ({ page }) => {
		const panel = await openDestinations(page, {
			viewport: { width: 800, height: 600 },
			replies: {
				list_destinations: {
					ok: destinationsView([offsite], 'session', {
						encryptionIdentity: 'session',
						identityRecipients: [agePublicKey]
					})
				}
			}
		});
		const key = panel.getByTestId('private-key');
		await expect(key.getByTestId('identity-status')).toHaveText('Kept for this session only');
		await expect(key).toContainText('the private key is kept until Tusk quits');
		await key.scrollIntoViewIfNeeded();
		const body = panel.locator('.modal-body');
		expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
		await expect(page).toHaveScreenshot('private-key-800x600.png');
	});

	test('the private key: pasted as age-keygen writes it, then its public key is shown', async ({
		page,
		context
	}) => {
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		const panel = await openDestinations(page, {
			replies: {
				...saved,
				set_encryption_identity: {
					ok: destinationsView(undefined, 'keychain', savedIdentity)
				}
			}
		});
		const key = panel.getByTestId('private-key');
		await expect(key).toContainText('tusk backup --recipient age1…');
		const field = key.getByLabel('Private key');
		// A secret: not shown, not remembered, not spell-checked.
		await expect(field).toHaveCSS('-webkit-text-security', 'disc');
		await expect(field).toHaveAttribute('autocomplete', 'off');
		await expect(field).toHaveAttribute('spellcheck', 'false');
		await key.getByRole('button', { name: 'Save private key' }).click();
		await expect(key.getByTestId('identity-refusal')).toHaveText('Paste the private key first.');
		expect(await mock(page).calls('set_encryption_identity')).toHaveLength(0);

		await field.fill(ageKeyFile);
		await key.getByRole('button', { name: 'Save private key' }).click();
		await expect(key.getByTestId('identity-public-key')).toHaveText(agePublicKey);
		await expect(key.getByTestId('identity-status')).toHaveText('Saved in the keychain');
		await expect(key.getByRole('status')).toHaveText('✓ Private key saved.');
		expect((await mock(page).calls('set_encryption_identity'))[0].args).toEqual({
			identity: ageKeyFile
		});

		await key.getByRole('button', { name: 'Copy public key' }).click();
		await expect(key.getByRole('button', { name: 'Copy public key' })).toHaveText('Copied');
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(agePublicKey);
	});

	test('the backend’s refusal of a private key is shown under the field', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: {
				set_encryption_identity: {
					err: {
						kind: 'invalidOptions',
						message: 'this is not an age private key: invalid Bech32 encoding',
						detail: null
					}
				}
			}
		});
		const key = panel.getByTestId('private-key');
		const field = key.getByLabel('Private key');
		await field.fill(agePublicKey);
		await key.getByRole('button', { name: 'Save private key' }).click();
		const refusal = key.getByTestId('identity-refusal');
		await expect(refusal).toHaveText('This is not an age private key: invalid Bech32 encoding');
		await expect(field).toHaveAttribute('aria-invalid', 'true');
		await expect(field).toHaveAccessibleDescription(
			'This is not an age private key: invalid Bech32 encoding'
		);
		await expect(key.getByTestId('identity-status')).toHaveText('Not set');
		await key.scrollIntoViewIfNeeded();
		await expect(key).toHaveScreenshot('private-key-refused.png');
	});

	test('forgetting the private key asks first', async ({ page }) => {
		const panel = await openDestinations(page, {
			replies: { ...savedKey, set_encryption_identity: { ok: destinationsView() } }
		});
		const key = panel.getByTestId('private-key');
		await key.getByRole('button', { name: 'Forget the private key…' }).click();
		const confirm = key.getByTestId('identity-forget-confirm');
		await expect(confirm).toContainText('Forget the private key?');
		expect(await mock(page).calls('set_encryption_identity')).toHaveLength(0);
		await confirm.getByRole('button', { name: 'Keep it' }).click();
		await expect(confirm).toHaveCount(0);
		await key.getByRole('button', { name: 'Forget the private key…' }).click();
		await confirm.getByRole('button', { name: 'Forget private key' }).click();
		await expect(key.getByTestId('identity-status')).toHaveText('Not set');
		await expect(key.getByRole('status')).toHaveText('✓ Private key forgotten.');
		expect((await mock(page).calls('set_encryption_identity'))[0].args).toEqual({
			identity: null
		});
		await expect(key.getByLabel('Private key')).toBeVisible();
		// The passphrase was not touched.
		await expect(panel.getByTestId('passphrase-status')).toHaveText(
			'Passphrase: saved in the keychain'
		);
	});

	test('Escape closes it and gives focus back to the header button', async ({ page }) => {
		const panel = await openDestinations(page);
		await page.keyboard.press('Escape');
		await expect(panel).toBeHidden();
		await expect(page.getByRole('button', { name: 'Destinations' })).toBeFocused();
	});

	test('every control is labelled', async ({ page }) => {
		const panel = await openDestinations(page, { replies: saved });
		expect(await unlabelledControls(page, 'destinations')).toEqual([]);
		await panel.getByRole('button', { name: 'Edit offsite' }).click();
		await expect(panel.getByLabel('Name')).toBeVisible();
		expect(await unlabelledControls(page, 'destinations')).toEqual([]);
	});
});
