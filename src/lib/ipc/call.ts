// One backend command, its rejection turned into the backend's `{kind, message, detail}` shape.
import { invoke } from '@tauri-apps/api/core';
import { toErrorPayload } from './errors';

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
	try {
		return await invoke<T>(command, args);
	} catch (error) {
		throw toErrorPayload(error);
	}
}
