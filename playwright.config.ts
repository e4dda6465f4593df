import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.TUSK_PW_PORT ?? 4391);

// Debian's Chromium; Playwright downloads no browser here.
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--font-render-hinting=none'
];

export default defineConfig({
	testDir: 'tests/playwright',
	snapshotPathTemplate: '{testDir}/__screenshots__/{testFileName}/{arg}{ext}',
	fullyParallel: true,
	workers: 2,
	timeout: 30_000,
	reporter: process.env.CI ? 'line' : 'list',
	expect: {
		timeout: 5_000,
		toHaveScreenshot: { animations: 'disabled', caret: 'hide', maxDiffPixels: 20 }
	},
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		browserName: 'chromium',
		launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
		colorScheme: 'light',
		reducedMotion: 'reduce',
		timezoneId: 'UTC',
		locale: 'en-US'
	},
	webServer: {
		// The e2e build carries the IPC mock (hooks.client.ts) and goes to build-e2e/.
		command: `TUSK_E2E_BUILD=1 npx vite build --mode e2e --logLevel warn && npx vite preview --mode e2e --host 127.0.0.1 --port ${PORT} --strictPort`,
		url: `http://127.0.0.1:${PORT}`,
		reuseExistingServer: !process.env.CI,
		timeout: 120_000,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
