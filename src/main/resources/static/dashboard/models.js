// Models: every trained or imported model, its accuracy, aliases and whether it is the default; a trainer
// may pin another or point an alias at one; anyone who may read may export one for PyTorch.

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
			const [models, aliases] = await Promise.all([api('/models'), api('/models/aliases')]);
			const byModel = {};
			for (const alias of aliases) {
				(byModel[alias.modelId] ||= []).push(alias.alias);
			}
			render(models, byModel);
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

	async function setAlias(form) {
		const alias = form.elements.alias.value.trim();
		const modelId = form.elements.modelId.value;
		try {
			await api('/models/aliases/' + encodeURIComponent(alias), { method: 'PUT', json: { modelId } });
			replace(status, alertBox(null, 'Alias ' + alias + ' now names model ' + modelId + '.', 'info'));
			await load();
		}
		catch (error) {
			replace(status, alertBox('Could not set the alias.', error.message));
		}
	}

	// A link cannot carry the API key, so the file is fetched and handed to the browser as a download.
	async function exportModel(model, button) {
		button.disabled = true;
		try {
			const file = await api('/models/' + encodeURIComponent(model.jobId) + '/export?format=safetensors',
				{ as: 'blob', accept: 'application/octet-stream, application/problem+json' });
			const name = model.jobId + '.safetensors';
			const link = h('a', { href: URL.createObjectURL(file), download: name });
			link.click();
			URL.revokeObjectURL(link.href);
			replace(status, alertBox(null, 'Exported ' + name + ' (' + file.size + ' bytes), a PyTorch state_dict.', 'info'));
		}
		catch (error) {
			replace(status, alertBox('Could not export the model.', error.message));
		}
		finally {
			button.disabled = false;
		}
	}

	function aliasForm(models) {
		const form = h('form', { class: 'inline', 'data-testid': 'alias-form' },
			h('label', { for: 'alias-name' }, 'Alias '),
			h('input', { id: 'alias-name', name: 'alias', required: '', pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}',
				placeholder: 'production' }),
			h('label', { for: 'alias-model' }, ' names model '),
			h('select', { id: 'alias-model', name: 'modelId' },
				models.map(model => h('option', { value: model.jobId }, shortId(model.jobId)))),
			' ', h('button', { type: 'submit', 'data-testid': 'set-alias' }, 'Set alias'));
		form.addEventListener('submit', event => {
			event.preventDefault();
			setAlias(form);
		});
		return form;
	}

	function render(models, aliases) {
		if (!models.length) {
			replace(box, h('p', { class: 'empty' }, 'No model yet: a job that succeeds becomes one. ',
				h('a', { href: '#/jobs' }, 'Start a job.')));
			return;
		}
		const hasSource = models.some(model => model.source);
		replace(box, context.may('pin-default') ? aliasForm(models) : null, h('table', { class: 'data' },
			h('caption', { class: 'visually-hidden' }, 'Models'),
			h('thead', {}, h('tr', {},
				['Model', 'Epoch', 'Architecture', 'Dataset', 'Test accuracy', hasSource ? 'Source' : null,
					'Aliases', 'Created', 'Default', 'Actions']
					.filter(Boolean).map(t => h('th', { scope: 'col' }, t)))),
			h('tbody', {}, models.map(model => {
				const button = model.isDefault || !context.may('pin-default') ? null
					: h('button', { type: 'button', class: 'secondary', 'data-testid': 'make-default',
						'aria-label': 'Make model ' + model.jobId + ' the default' }, 'Make default');
				if (button) {
					button.addEventListener('click', () => pin(model, button));
				}
				// A TorchScript import has no state_dict of a known architecture to export.
				const exporter = model.architecture === 'torchscript' ? null
					: h('button', { type: 'button', class: 'secondary', 'data-testid': 'export-model',
						'aria-label': 'Export model ' + model.jobId + ' as safetensors' }, 'Export');
				if (exporter) {
					exporter.addEventListener('click', () => exportModel(model, exporter));
				}
				return h('tr', { 'data-testid': 'model-row', 'data-model-id': model.jobId },
					h('th', { scope: 'row' }, h('a', { href: '#/jobs/' + encodeURIComponent(model.jobId), title: model.jobId },
						shortId(model.jobId))),
					h('td', { class: 'num' }, model.epoch),
					h('td', {}, model.architecture),
					h('td', {}, model.dataset),
					h('td', { class: 'num' }, percent(model.testAccuracy, 2)),
					hasSource ? h('td', {}, model.source || '–') : null,
					h('td', { 'data-testid': 'model-aliases' }, (aliases[model.jobId] || []).join(', ') || '–'),
					h('td', {}, dateTime(model.createdAt)),
					h('td', {}, model.isDefault ? h('span', { class: 'badge', 'data-testid': 'default-model' }, 'default') : ''),
					h('td', { class: 'actions' }, button, exporter,
						h('a', { class: 'button secondary', href: '#/predict?model=' + encodeURIComponent(model.jobId),
							'aria-label': 'Try model ' + model.jobId }, 'Try it')));
			}))));
	}

	load();
}
