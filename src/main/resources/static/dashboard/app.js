// The dashboard: a key prompt when the service needs one, then one page per route.

import { api, apiKey, ApiError } from './api.js';
import { alertBox, h, replace } from './dom.js';
import { jobsPage } from './jobs.js';
import { jobPage } from './job.js';
import { comparePage } from './compare.js';
import { modelsPage } from './models.js';
import { predictPage } from './predict.js';

const main = document.getElementById('main');
const callerBox = document.getElementById('caller');
const navigation = document.querySelector('.top nav');

let caller = null;
let leave = () => {};

const routes = [
	[/^\/jobs\/([A-Za-z0-9_-]{1,64})$/, (match, context) => jobPage(main, context, match[1])],
	[/^\/jobs$/, (match, context) => jobsPage(main, context)],
	[/^\/compare$/, (match, context) => comparePage(main, context)],
	[/^\/models$/, (match, context) => modelsPage(main, context)],
	[/^\/predict$/, (match, context) => predictPage(main, context)],
];

/** What the current caller may do: read, predict, train, pin-default. */
function may(action) {
	return caller !== null && caller.may.includes(action);
}

function route() {
	leave();
	leave = () => {};
	const hash = location.hash.replace(/^#/, '') || '/jobs';
	const [path, query] = hash.split('?');
	const params = new URLSearchParams(query || '');
	for (const link of document.querySelectorAll('nav a[data-nav]')) {
		const current = path.startsWith('/' + link.dataset.nav);
		link.toggleAttribute('aria-current', current);
		if (current) {
			link.setAttribute('aria-current', 'page');
		}
	}
	for (const [pattern, render] of routes) {
		const match = path.match(pattern);
		if (match) {
			const cleanup = render(match, { may, params, caller });
			leave = typeof cleanup === 'function' ? cleanup : () => {};
			return;
		}
	}
	replace(main, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/jobs' }, 'Go to the jobs.')));
}

function showCaller() {
	navigation.hidden = false;
	const items = [];
	if (caller.insecureLocalMode) {
		items.push(h('span', { class: 'badge badge-warn', title: 'Every endpoint is open to anyone who can reach this port' },
			'Insecure local mode'));
	}
	else if (caller.role) {
		items.push(h('span', { class: 'badge', 'data-testid': 'caller-role' }, caller.role + ' key'));
		items.push(h('button', { type: 'button', class: 'link', onclick: forgetKey }, 'Forget key'));
	}
	replace(callerBox, items);
}

function forgetKey() {
	apiKey.clear();
	start();
}

/** Asks for a key once; it is kept in sessionStorage until the tab closes or the user forgets it. */
function askForKey(message) {
	leave();
	leave = () => {};
	replace(callerBox);
	const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'current-password',
		required: true, 'data-testid': 'api-key', 'aria-describedby': 'api-key-help' });
	const form = h('form', { class: 'card narrow', 'aria-labelledby': 'key-title', novalidate: true,
		onsubmit: event => {
			event.preventDefault();
			if (!input.value.trim()) {
				input.focus();
				return;
			}
			apiKey.set(input.value);
			start();
		} },
		h('h1', { id: 'key-title' }, 'API key'),
		message ? alertBox(null, message) : null,
		h('div', { class: 'field' },
			h('label', { for: 'api-key' }, 'Your Atelier API key'),
			input,
			h('p', { id: 'api-key-help', class: 'help' },
				'A trainer key may start and cancel jobs and pin the default model; a predictor key may look and predict. ',
				'The key stays in this browser tab only (sessionStorage) and is sent as a bearer token.')),
		h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'api-key-submit' }, 'Continue')));
	navigation.hidden = true;
	replace(main, form);
	input.focus();
}

async function start() {
	caller = null;
	try {
		caller = await api('/me');
	}
	catch (error) {
		if (error instanceof ApiError && error.status === 401) {
			apiKey.clear();
			askForKey('That key is not valid: ' + error.message);
			return;
		}
		replace(main, alertBox('The service did not answer.', error.message));
		return;
	}
	if (caller.keyRequired && !caller.role) {
		if (!caller.keysConfigured) {
			replace(main, h('h1', {}, 'No API keys configured'), alertBox(null, 'This service has no API keys, so it '
				+ 'refuses every call. Start it with ATELIER_SECURITY_TRAINER_KEYS (and ATELIER_SECURITY_PREDICTOR_KEYS), '
				+ 'or on your own machine with ATELIER_SECURITY_INSECURE_LOCAL_MODE=true.'));
			return;
		}
		askForKey(null);
		return;
	}
	showCaller();
	route();
}

// The hash is the route, so the skip link moves the focus itself instead of following #main.
document.querySelector('.skip').addEventListener('click', event => {
	event.preventDefault();
	main.focus();
});
window.addEventListener('hashchange', () => caller && (caller.role || !caller.keyRequired) && route());
window.addEventListener('atelier:unauthorized', () => {
	if (caller && caller.keyRequired) {
		apiKey.clear();
		caller = null;
		askForKey('The service no longer accepts this key. Enter a valid one.');
	}
});
start();
