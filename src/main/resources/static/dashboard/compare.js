// Several jobs on one chart: pick the jobs and the metric; running jobs refresh while shown.

import { api } from './api.js';
import { lineChart, PALETTE } from './chart.js';
import { alertBox, h, percent, replace, shortId, stateBadge } from './dom.js';

const METRICS = {
	testAccuracy: { label: 'Test accuracy', percent: true },
	trainAccuracy: { label: 'Train accuracy', percent: true },
	testLoss: { label: 'Test loss', percent: false },
	trainLoss: { label: 'Train loss', percent: false },
};

const REFRESH_MS = 3000;

export function comparePage(main, context) {
	const chosen = new Set((context.params.get('ids') || '').split(',').filter(id => /^[A-Za-z0-9_-]{1,64}$/.test(id)));
	let metric = METRICS[context.params.get('metric')] ? context.params.get('metric') : 'testAccuracy';
	const picker = h('fieldset', { class: 'card picker' }, h('legend', {}, 'Jobs to compare'));
	const metricSelect = h('select', { id: 'compare-metric', onchange: () => {
		metric = metricSelect.value;
		syncHash();
		draw();
	} }, Object.entries(METRICS).map(([name, m]) => h('option', { value: name, selected: name === metric }, m.label)));
	const chartBox = h('div', { 'data-testid': 'compare-chart' });
	const summary = h('div', { class: 'table-box' });
	const status = h('div', { 'aria-live': 'polite' });
	replace(main, h('h1', {}, 'Compare jobs'),
		h('div', { class: 'compare' }, picker,
			h('section', { class: 'compare-main' },
				h('div', { class: 'field inline' }, h('label', { for: 'compare-metric' }, 'Metric'), metricSelect),
				chartBox, summary, status)));

	let jobs = [];
	let chart = null;
	let timer = null;
	let stopped = false;

	function syncHash() {
		const hash = '#/compare?ids=' + [...chosen].map(encodeURIComponent).join(',') + '&metric=' + metric;
		history.replaceState(null, '', hash);
	}

	function draw() {
		const shown = jobs.filter(job => chosen.has(job.id));
		if (chart) {
			chart.destroy();
			chart = null;
		}
		if (shown.length === 0) {
			replace(chartBox, h('p', { class: 'empty' }, 'Choose two or more jobs to compare.'));
			replace(summary);
			return;
		}
		const m = METRICS[metric];
		chart = lineChart({ title: m.label + ' per epoch', percent: m.percent, height: 320,
			series: shown.map((job, i) => ({ label: shortId(job.id), color: PALETTE[i % PALETTE.length] })) });
		replace(chartBox, chart.element);
		const last = Math.max(0, ...shown.map(job => job.history.length ? job.history[job.history.length - 1].epoch : 0));
		const epochs = Array.from({ length: last }, (_, i) => i + 1);
		chart.update(epochs, shown.map(job => epochs.map(epoch => {
			const found = job.history.find(e => e.epoch === epoch);
			return found ? found[metric] : null;
		})));
		replace(summary, h('table', { class: 'data' },
			h('caption', {}, 'The compared jobs'),
			h('thead', {}, h('tr', {}, ['', 'Job', 'State', 'Epochs', 'Batch', 'Learning rate', 'Optimizer', 'Seed',
				'Training images', 'Best test acc.'].map(t => h('th', { scope: 'col' }, t)))),
			h('tbody', {}, shown.map((job, i) => {
				const p = job.hyperparameters;
				return h('tr', {},
					h('td', {}, h('span', { class: 'swatch', style: { backgroundColor: PALETTE[i % PALETTE.length] },
						'aria-hidden': 'true' })),
					h('th', { scope: 'row' }, h('a', { href: '#/jobs/' + encodeURIComponent(job.id) }, shortId(job.id))),
					h('td', {}, stateBadge(job.state)),
					h('td', { class: 'num' }, job.history.length + ' / ' + p.epochs),
					h('td', { class: 'num' }, p.batchSize),
					h('td', { class: 'num' }, p.learningRate),
					h('td', {}, p.optimizer + (p.optimizer === 'sgd' ? ' (momentum ' + p.momentum + ')' : '')),
					h('td', { class: 'num' }, p.seed),
					h('td', { class: 'num' }, p.trainLimit === null ? 'all' : p.trainLimit),
					h('td', { class: 'num' }, percent(job.history.length
						? Math.max(...job.history.map(e => e.testAccuracy)) : null)));
			}))));
	}

	function drawPicker() {
		const focused = picker.contains(document.activeElement) ? document.activeElement.id : null;
		replace(picker, h('legend', {}, 'Jobs to compare'),
			jobs.length === 0 ? h('p', { class: 'empty' }, 'No jobs yet.') : null,
			jobs.map(job => {
				const id = 'cmp-' + job.id;
				const p = job.hyperparameters;
				return h('div', { class: 'field-check' },
					h('input', { type: 'checkbox', id, checked: chosen.has(job.id), onchange: event => {
						event.target.checked ? chosen.add(job.id) : chosen.delete(job.id);
						syncHash();
						draw();
					} }),
					h('label', { for: id }, shortId(job.id) + ' · ' + job.state.toLowerCase() + ' · ' + p.epochs + ' ep, lr '
						+ p.learningRate + ', ' + p.optimizer + ', batch ' + p.batchSize));
			}));
		if (focused && document.getElementById(focused)) {
			document.getElementById(focused).focus();
		}
	}

	async function load() {
		try {
			const page = await api('/jobs?size=50');
			const missing = [...chosen].filter(id => !page.items.some(job => job.id === id));
			const older = await Promise.all(missing.map(id => api('/jobs/' + encodeURIComponent(id)).catch(() => null)));
			jobs = page.items.concat(older.filter(Boolean));
			drawPicker();
			draw();
			replace(status);
		}
		catch (error) {
			replace(status, alertBox('Could not load the jobs.', error.message));
		}
		const running = jobs.some(job => chosen.has(job.id) && (job.state === 'RUNNING' || job.state === 'QUEUED'));
		if (running && !stopped) {
			timer = setTimeout(load, REFRESH_MS);
		}
	}

	load();
	return () => {
		stopped = true;
		clearTimeout(timer);
		if (chart) {
			chart.destroy();
		}
	};
}
