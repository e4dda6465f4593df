import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// The browser tests build with the IPC mock into their own folder, so they
// never overwrite the app's `build/`.
const out = process.env.TUSK_E2E_BUILD ? 'build-e2e' : 'build';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app inside Tauri: no server, every route served by index.html.
		adapter: adapter({ pages: out, assets: out, fallback: 'index.html' })
	}
};

export default config;
