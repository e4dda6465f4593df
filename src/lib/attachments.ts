// Small DOM behaviours for `{@attach …}`.

/** Moves focus to the element when it appears, so keyboard users land in the new view. */
export function focusSelf(node: HTMLElement): void {
	node.focus({ preventScroll: true });
}
