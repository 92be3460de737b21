// Models: every trained model, its accuracy and whether it is the default; a trainer may pin another.
// Fields the API adds later (source, aliases) are shown when a model has them.

import { api } from './api.js';
import { alertBox, dateTime, h, percent, replace, shortId } from './dom.js';

export function modelsPage(main, context) {
	const box = h('div', { class: 'table-box' });
	const status = h('div', { 'aria-live': 'polite' });
	replace(main, h('h1', {}, 'Models'),
		h('p', { class: 'help' }, 'Every succeeded job is a model. Predictions use the default one unless a request names another.'),
		status, box);

	async function load() {
		try {
			render(await api('/models'));
		}
		catch (error) {
			replace(status, alertBox('Could not load the models.', error.message));
		}
	}

	async function pin(model, button) {
		button.disabled = true;
		try {
			await api('/models/default', { method: 'PUT', json: { jobId: model.jobId } });
			replace(status, alertBox(null, 'Model ' + model.jobId + ' is now the default.', 'info'));
			await load();
		}
		catch (error) {
			button.disabled = false;
			replace(status, alertBox('Could not make it the default.', error.message));
		}
	}

	function render(models) {
		if (!models.length) {
			replace(box, h('p', { class: 'empty' }, 'No model yet: a job that succeeds becomes one. ',
				h('a', { href: '#/jobs' }, 'Start a job.')));
			return;
		}
		const hasSource = models.some(model => model.source);
		const hasAliases = models.some(model => Array.isArray(model.aliases));
		replace(box, h('table', { class: 'data' },
			h('caption', { class: 'visually-hidden' }, 'Models'),
			h('thead', {}, h('tr', {},
				['Model', 'Epoch', 'Architecture', 'Dataset', 'Test accuracy', hasSource ? 'Source' : null,
					hasAliases ? 'Aliases' : null, 'Created', 'Default', 'Actions']
					.filter(Boolean).map(t => h('th', { scope: 'col' }, t)))),
			h('tbody', {}, models.map(model => {
				const button = model.isDefault || !context.may('pin-default') ? null
					: h('button', { type: 'button', class: 'secondary', 'data-testid': 'make-default',
						'aria-label': 'Make model ' + model.jobId + ' the default' }, 'Make default');
				if (button) {
					button.addEventListener('click', () => pin(model, button));
				}
				return h('tr', { 'data-testid': 'model-row', 'data-model-id': model.jobId },
					h('th', { scope: 'row' }, h('a', { href: '#/jobs/' + encodeURIComponent(model.jobId), title: model.jobId },
						shortId(model.jobId))),
					h('td', { class: 'num' }, model.epoch),
					h('td', {}, model.architecture),
					h('td', {}, model.dataset),
					h('td', { class: 'num' }, percent(model.testAccuracy, 2)),
					hasSource ? h('td', {}, model.source || '–') : null,
					hasAliases ? h('td', {}, (model.aliases || []).join(', ') || '–') : null,
					h('td', {}, dateTime(model.createdAt)),
					h('td', {}, model.isDefault ? h('span', { class: 'badge', 'data-testid': 'default-model' }, 'default') : ''),
					h('td', { class: 'actions' }, button,
						h('a', { class: 'button secondary', href: '#/predict?model=' + encodeURIComponent(model.jobId),
							'aria-label': 'Try model ' + model.jobId }, 'Try it')));
			}))));
	}

	load();
}
