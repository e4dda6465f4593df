// Light, dark or the system's choice; remembered between runs.
export type ThemePreference = 'system' | 'light' | 'dark';

const KEY = 'tusk.theme';

class Theme {
	preference = $state<ThemePreference>('system');
	#systemDark = $state(false);

	resolved = $derived<'light' | 'dark'>(
		this.preference === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.preference
	);

	/** Reads the saved choice and follows the system; returns a cleanup. */
	init(): () => void {
		const saved = localStorage.getItem(KEY);
		if (saved === 'light' || saved === 'dark' || saved === 'system') this.preference = saved;
		const media = matchMedia('(prefers-color-scheme: dark)');
		this.#systemDark = media.matches;
		const onChange = (e: MediaQueryListEvent) => (this.#systemDark = e.matches);
		media.addEventListener('change', onChange);
		return () => media.removeEventListener('change', onChange);
	}

	set(preference: ThemePreference): void {
		this.preference = preference;
		localStorage.setItem(KEY, preference);
	}
}

export const theme = new Theme();
