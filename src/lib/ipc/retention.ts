// The rules that delete old manual and safety backups (those no schedule made), per database.
import type { OwnRetention, RetentionGroup } from './bindings';
import { call } from './call';

export const getRetention = () => call<OwnRetention>('get_retention');

/** What `rules` would keep and delete now, and why; deletes nothing. Refused when they are invalid. */
export const previewRetention = (rules: OwnRetention) =>
	call<RetentionGroup[]>('preview_retention', { rules });

/** Saves `rules` and applies them at once: resolves to what was deleted (only those items). */
export const saveRetention = (rules: OwnRetention) =>
	call<RetentionGroup[]>('save_retention', { rules });
