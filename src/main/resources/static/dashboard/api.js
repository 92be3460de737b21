// The REST API with the user's key. The key lives in sessionStorage only: it is gone when the tab
// closes, and it is sent as a bearer token, never in a URL.

const KEY = 'atelier.apiKey';

export const apiKey = {
	get() {
		return sessionStorage.getItem(KEY);
	},
	set(key) {
		sessionStorage.setItem(KEY, key.trim());
	},
	clear() {
		sessionStorage.removeItem(KEY);
	},
};

/** An answer other than 2xx, with the RFC 9457 problem the API sent. */
export class ApiError extends Error {
	constructor(status, problem) {
		super(problem.detail || problem.title || 'HTTP ' + status);
		this.status = status;
		this.problem = problem;
	}

	/** The problem's field errors, by field name. */
	fieldErrors() {
		const byField = {};
		for (const error of this.problem.errors || []) {
			(byField[error.field] ||= []).push(error.message);
		}
		return byField;
	}
}

function headers(extra) {
	const all = { Accept: 'application/json, application/problem+json', ...extra };
	const key = apiKey.get();
	if (key) {
		all.Authorization = 'Bearer ' + key;
	}
	return all;
}

async function problemOf(response) {
	try {
		return await response.json();
	}
	catch {
		return { title: 'HTTP ' + response.status, detail: response.statusText };
	}
}

/** Calls the API; answers the parsed JSON (or a Blob with `as: 'blob'`), throws ApiError otherwise. */
export async function api(path, { method = 'GET', json, form, as = 'json', accept, signal } = {}) {
	const init = { method, headers: headers(accept ? { Accept: accept } : {}), cache: 'no-store', signal };
	if (json !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(json);
	}
	else if (form !== undefined) {
		init.body = form;
	}
	const response = await fetch(path, init);
	if (!response.ok) {
		const error = new ApiError(response.status, await problemOf(response));
		if (response.status === 401) {
			window.dispatchEvent(new CustomEvent('atelier:unauthorized', { detail: error }));
		}
		throw error;
	}
	if (as === 'blob') {
		return response.blob();
	}
	const text = await response.text();
	return text ? JSON.parse(text) : null;
}

/**
 * Follows a Server-Sent Events stream. EventSource cannot send an Authorization header, so this reads
 * the stream with fetch and parses the events itself. Calls onEvent(name, data) for each event and
 * answers when the stream ends; throws on an HTTP error, or an abort through `signal`.
 */
export async function follow(path, onEvent, signal) {
	const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', signal });
	if (!response.ok) {
		throw new ApiError(response.status, await problemOf(response));
	}
	const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = '';
	let name = 'message';
	let data = [];
	for (;;) {
		const { value, done } = await reader.read();
		if (done) {
			return;
		}
		buffer += value;
		let newline;
		while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
			const line = buffer.slice(0, newline);
			buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
			if (line === '') {
				if (data.length) {
					onEvent(name, JSON.parse(data.join('\n')));
				}
				name = 'message';
				data = [];
			}
			else if (line.startsWith('event:')) {
				name = line.slice(6).trim();
			}
			else if (line.startsWith('data:')) {
				data.push(line.slice(5).replace(/^ /, ''));
			}
		}
	}
}
