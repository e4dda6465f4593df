// Browser tests (vite build --mode e2e) replace the Rust backend with a mock
// before the app starts. In any other mode this branch is removed at build time.
export async function init(): Promise<void> {
	if (import.meta.env.MODE === 'e2e') {
		const { installMock } = await import('$lib/ipc/mock');
		installMock();
	}
}
