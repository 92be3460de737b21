// Jobs: the start form (for a trainer) and the table of jobs, newest first, paged, refreshed live.

import { api, ApiError } from './api.js';
import { alertBox, dateTime, duration, h, jobDuration, percent, refill, replace, shortId, stateBadge } from './dom.js';

const PAGE_SIZE = 20;

const REFRESH_MS = 2000;

/** Every hyperparameter of POST /jobs, with the API's defaults and bounds. */
const FIELDS = [
	{ name: 'architecture', label: 'Architecture', type: 'select', options: ['seed-cnn'], value: 'seed-cnn' },
	{ name: 'dataset', label: 'Dataset', type: 'select', options: ['fashion-mnist'], value: 'fashion-mnist' },
	{ name: 'epochs', label: 'Epochs', type: 'number', value: 10, min: 1, max: 1000, step: 1, hint: '1–1000' },
	{ name: 'batchSize', label: 'Batch size', type: 'number', value: 100, min: 1, max: 60000, step: 1, hint: '1–60000' },
	{ name: 'learningRate', label: 'Learning rate', type: 'number', value: 0.01, min: 0, max: 10, step: 'any',
		hint: 'over 0, at most 10' },
	{ name: 'optimizer', label: 'Optimizer', type: 'select', options: ['adam', 'sgd'], value: 'adam' },
	{ name: 'momentum', label: 'Momentum', type: 'number', value: 0, min: 0, max: 1, step: 'any',
		hint: '0 to under 1; SGD only' },
	{ name: 'seed', label: 'Seed', type: 'number', value: 0, min: 0, step: 1, hint: 'the same seed repeats a job' },
	{ name: 'shuffle', label: 'Shuffle every epoch', type: 'checkbox', value: true },
	{ name: 'trainLimit', label: 'Training images', type: 'number', value: '', min: 1, step: 1,
		hint: 'blank: all; fewer for a quick run' },
];

export function jobsPage(main, context) {
	const page = Math.max(0, parseInt(context.params.get('page') || '0', 10) || 0);
	const tableBox = h('div', { class: 'table-box' });
	const status = h('p', { class: 'help', 'aria-live': 'polite' });
	const selected = new Set();
	const compare = h('a', { class: 'button secondary', href: '#/compare', 'aria-disabled': 'true',
		'data-testid': 'compare-selected' }, 'Compare selected');
	replace(main,
		h('h1', {}, 'Jobs'),
		context.may('train') ? startForm() : null,
		h('section', { 'aria-labelledby': 'jobs-title' },
			h('div', { class: 'section-head' }, h('h2', { id: 'jobs-title' }, 'All jobs'), compare),
			tableBox, status));

	function updateCompare() {
		const ids = [...selected];
		compare.setAttribute('href', '#/compare?ids=' + ids.map(encodeURIComponent).join(','));
		compare.setAttribute('aria-disabled', String(ids.length < 2));
		compare.textContent = ids.length ? 'Compare selected (' + ids.length + ')' : 'Compare selected';
	}

	let timer = null;
	let stopped = false;
	async function refresh() {
		if (document.hidden) {
			// A tab in the background asks for nothing; it catches up when shown again.
			timer = setTimeout(refresh, REFRESH_MS);
			return;
		}
		try {
			const jobs = await api('/jobs?page=' + page + '&size=' + PAGE_SIZE);
			renderTable(tableBox, jobs, page, selected, updateCompare);
			status.textContent = '';
		}
		catch (error) {
			status.textContent = 'Could not refresh the jobs: ' + error.message;
		}
		if (!stopped) {
			timer = setTimeout(refresh, REFRESH_MS);
		}
	}
	refresh();
	return () => {
		stopped = true;
		clearTimeout(timer);
	};
}

function renderTable(box, jobs, page, selected, onSelect) {
	if (jobs.totalItems === 0) {
		replace(box, h('p', { class: 'empty' }, 'No jobs yet.'));
		return;
	}
	const rows = jobs.items.map(job => {
		const last = job.history.length ? job.history[job.history.length - 1] : null;
		const best = job.history.length ? Math.max(...job.history.map(epoch => epoch.testAccuracy)) : null;
		const checkbox = h('input', { type: 'checkbox', id: 'select-' + job.id, checked: selected.has(job.id),
			onchange: event => {
				event.target.checked ? selected.add(job.id) : selected.delete(job.id);
				onSelect();
			} });
		return h('tr', { 'data-testid': 'job-row', 'data-job-id': job.id },
			h('td', {}, checkbox, h('label', { for: 'select-' + job.id, class: 'visually-hidden' }, 'Compare job ' + job.id)),
			h('th', { scope: 'row' }, h('a', { id: 'open-' + job.id, href: '#/jobs/' + encodeURIComponent(job.id), title: job.id },
				shortId(job.id))),
			h('td', {}, stateBadge(job.state)),
			h('td', {}, h('progress', { max: 1, value: job.progress.fraction, 'aria-label': 'Progress of job ' + job.id }),
				' ', percent(job.progress.fraction, 0)),
			h('td', { class: 'num' }, job.progress.epoch + ' / ' + job.progress.epochs),
			h('td', { class: 'num' }, percent(best)),
			h('td', { class: 'num' }, percent(last ? last.testAccuracy : null)),
			h('td', {}, dateTime(job.startedAt || job.createdAt)),
			h('td', { class: 'num' }, duration(jobDuration(job))));
	});
	refill(box,
		h('table', { class: 'data' },
			h('caption', { class: 'visually-hidden' }, 'Jobs, newest first'),
			h('thead', {}, h('tr', {},
				h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Select')),
				h('th', { scope: 'col' }, 'Job'), h('th', { scope: 'col' }, 'State'),
				h('th', { scope: 'col' }, 'Progress'), h('th', { scope: 'col' }, 'Epoch'),
				h('th', { scope: 'col' }, 'Best test acc.'), h('th', { scope: 'col' }, 'Last test acc.'),
				h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Duration'))),
			h('tbody', {}, rows)),
		h('nav', { class: 'pager', 'aria-label': 'Pages of jobs' },
			page > 0 ? h('a', { id: 'page-newer', href: '#/jobs?page=' + (page - 1), rel: 'prev' }, '← Newer') : null,
			h('span', {}, 'Page ' + (page + 1) + ' of ' + Math.max(1, jobs.totalPages) + ' · ' + jobs.totalItems + ' jobs'),
			page + 1 < jobs.totalPages ? h('a', { id: 'page-older', href: '#/jobs?page=' + (page + 1), rel: 'next' }, 'Older →') : null));
}

function startForm() {
	const inputs = {};
	const errors = {};
	const formAlert = h('div', { 'aria-live': 'assertive' });
	const fields = FIELDS.map(field => {
		const id = 'job-' + field.name;
		const errorId = id + '-error';
		const hintId = id + '-hint';
		errors[field.name] = h('p', { id: errorId, class: 'field-error', 'data-testid': 'field-error-' + field.name });
		const describedBy = (field.hint ? hintId + ' ' : '') + errorId;
		let input;
		if (field.type === 'select') {
			input = h('select', { id, name: field.name, 'aria-describedby': describedBy },
				field.options.map(option => h('option', { value: option, selected: option === field.value }, option)));
		}
		else if (field.type === 'checkbox') {
			input = h('input', { id, name: field.name, type: 'checkbox', checked: field.value, 'aria-describedby': describedBy });
		}
		else {
			input = h('input', { id, name: field.name, type: 'number', inputmode: 'decimal', value: String(field.value),
				min: field.min, max: field.max, step: field.step, 'aria-describedby': describedBy });
		}
		inputs[field.name] = input;
		return h('div', { class: 'field' + (field.type === 'checkbox' ? ' field-check' : '') },
			field.type === 'checkbox' ? [input, h('label', { for: id }, field.label)] : [h('label', { for: id }, field.label), input],
			field.hint ? h('p', { id: hintId, class: 'help' }, field.hint) : null,
			errors[field.name]);
	});
	const submit = h('button', { type: 'submit' }, 'Start job');
	const form = h('form', { class: 'card', 'data-testid': 'start-job', 'aria-labelledby': 'start-title', novalidate: true },
		h('h2', { id: 'start-title' }, 'Start a job'),
		h('div', { class: 'fields' }, fields),
		formAlert,
		h('div', { class: 'actions' }, submit,
			h('button', { type: 'reset', class: 'secondary' }, 'Defaults')));

	function clearErrors() {
		replace(formAlert);
		for (const [name, slot] of Object.entries(errors)) {
			slot.textContent = '';
			inputs[name].removeAttribute('aria-invalid');
		}
	}

	function showError(name, message) {
		const slot = errors[name];
		slot.textContent = slot.textContent ? slot.textContent + ' ' + message : message;
		inputs[name].setAttribute('aria-invalid', 'true');
	}

	// The datasets are the service's own (Fashion-MNIST, configured IDX folders, uploads): offer those
	// that can be trained on now. Without the list the default stays, and the API says why a job is refused.
	api('/datasets').then(datasets => {
		const names = datasets.filter(dataset => dataset.available).map(dataset => dataset.name);
		if (names.length) {
			const current = inputs.dataset.value;
			refill(inputs.dataset, names.map(name => h('option', { value: name, selected: name === current }, name)));
		}
	}).catch(() => {});

	form.addEventListener('reset', clearErrors);
	form.addEventListener('submit', async event => {
		event.preventDefault();
		clearErrors();
		const body = {};
		let unreadable = false;
		for (const field of FIELDS) {
			const input = inputs[field.name];
			if (field.type === 'checkbox') {
				body[field.name] = input.checked;
			}
			else if (field.type === 'number') {
				if (input.validity.badInput) {
					showError(field.name, 'Enter a number.');
					unreadable = true;
				}
				else if (input.value.trim() !== '') {
					body[field.name] = Number(input.value);
				}
			}
			else {
				body[field.name] = input.value;
			}
		}
		if (unreadable) {
			form.querySelector('[aria-invalid=true]').focus();
			return;
		}
		submit.disabled = true;
		try {
			const job = await api('/jobs', { method: 'POST', json: body });
			location.hash = '#/jobs/' + encodeURIComponent(job.id);
		}
		catch (error) {
			if (!(error instanceof ApiError)) {
				replace(formAlert, alertBox('The job could not be started.', error.message));
				return;
			}
			const byField = error.fieldErrors();
			let shown = 0;
			for (const [name, messages] of Object.entries(byField)) {
				if (inputs[name]) {
					messages.forEach(message => showError(name, message));
					shown++;
				}
			}
			replace(formAlert, alertBox(error.problem.title || 'The job could not be started.',
				shown ? 'Correct the fields marked above.' : error.message));
			const first = form.querySelector('[aria-invalid=true]');
			if (first) {
				first.focus();
			}
		}
		finally {
			submit.disabled = false;
		}
	});
	return form;
}
