import type { ErrorPayload } from './bindings';

/** Every rejected command becomes the backend's `{kind, message, detail}` shape. */
export function toErrorPayload(error: unknown): ErrorPayload {
	if (isErrorPayload(error)) return error;
	if (error instanceof Error) return { kind: 'other', message: error.message, detail: null };
	return { kind: 'other', message: String(error), detail: null };
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as ErrorPayload).kind === 'string' &&
		typeof (value as ErrorPayload).message === 'string'
	);
}
