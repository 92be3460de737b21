// Predict: drop or choose an image, see it as the model sees it (the preprocessed 28×28) and the
// top classes as bars; choose the model, the inversion and how many classes.

import { api } from './api.js';
import { alertBox, h, percent, replace, shortId } from './dom.js';

export function predictPage(main, context) {
	if (!context.may('predict')) {
		replace(main, h('h1', {}, 'Predict'), alertBox(null, 'This key may not predict.'));
		return undefined;
	}
	let file = null;
	const urls = [];
	const modelSelect = h('select', { id: 'predict-model', 'data-testid': 'predict-model' },
		h('option', { value: '' }, 'The default model'));
	const invertSelect = h('select', { id: 'predict-invert' },
		h('option', { value: 'auto' }, 'auto: when the border is light'),
		h('option', { value: 'true' }, 'always'),
		h('option', { value: 'false' }, 'never'));
	const topK = h('input', { id: 'predict-topk', type: 'number', min: 1, max: 10, value: 5, step: 1, inputmode: 'numeric' });
	const input = h('input', { id: 'predict-file', type: 'file', accept: 'image/png,image/jpeg,image/gif,image/bmp',
		'data-testid': 'predict-input', class: 'visually-hidden-file' });
	const original = h('div', { class: 'thumb' }, h('span', { class: 'help' }, 'No image yet'));
	const seen = h('div', { class: 'thumb' }, h('span', { class: 'help' }, '–'));
	const result = h('div', { class: 'prediction', 'data-testid': 'prediction', 'aria-live': 'polite' });
	const drop = h('label', { for: 'predict-file', class: 'drop', 'data-testid': 'drop-zone' },
		h('strong', {}, 'Drop an image here'), h('span', {}, ' or choose a file (PNG, JPEG, GIF, BMP)'));

	replace(main, h('h1', {}, 'Predict'),
		h('div', { class: 'predict' },
			h('form', { class: 'card', 'aria-label': 'Image and model', onsubmit: event => event.preventDefault() },
				h('div', { class: 'field' }, h('label', { for: 'predict-model' }, 'Model'), modelSelect),
				h('div', { class: 'field' }, h('label', { for: 'predict-invert' }, 'Invert (Fashion-MNIST is light on black)'),
					invertSelect),
				h('div', { class: 'field' }, h('label', { for: 'predict-topk' }, 'Classes to show'), topK),
				input, drop),
			h('section', { class: 'card', 'aria-labelledby': 'seen-title' },
				h('h2', { id: 'seen-title' }, 'What the model sees'),
				h('div', { class: 'images' },
					h('figure', {}, original, h('figcaption', {}, 'Your image')),
					h('figure', {}, seen, h('figcaption', {}, 'The model\'s grayscale input'))),
				h('h2', {}, 'Classes'), result)));

	for (const type of ['dragenter', 'dragover']) {
		drop.addEventListener(type, event => {
			event.preventDefault();
			drop.classList.add('over');
		});
	}
	drop.addEventListener('dragleave', () => drop.classList.remove('over'));
	drop.addEventListener('drop', event => {
		event.preventDefault();
		drop.classList.remove('over');
		if (event.dataTransfer.files.length) {
			choose(event.dataTransfer.files[0]);
		}
	});
	input.addEventListener('change', () => input.files.length && choose(input.files[0]));
	for (const control of [modelSelect, invertSelect, topK]) {
		control.addEventListener('change', () => file && run());
	}

	function imageOf(blob, label) {
		const url = URL.createObjectURL(blob);
		urls.push(url);
		return h('img', { src: url, alt: label });
	}

	function choose(chosen) {
		file = chosen;
		replace(original, imageOf(file, 'The chosen image, ' + file.name));
		run();
	}

	async function run() {
		const params = new URLSearchParams({ invert: invertSelect.value, topK: topK.value || '5' });
		if (modelSelect.value) {
			params.set('model', modelSelect.value);
		}
		const inputParams = new URLSearchParams({ invert: invertSelect.value });
		if (modelSelect.value) {
			inputParams.set('model', modelSelect.value);
		}
		const form = () => {
			const data = new FormData();
			data.append('image', file, file.name);
			return data;
		};
		replace(result, h('p', { class: 'help' }, 'Predicting…'));
		try {
			const [preview, answer] = await Promise.all([
				api('/predict/input?' + inputParams, { method: 'POST', form: form(), as: 'blob',
					accept: 'image/png, application/problem+json' }),
				api('/predict?' + params, { method: 'POST', form: form() })]);
			const seenImage = imageOf(preview, 'The image as the model sees it, in gray pixels');
			seenImage.classList.add('pixelated');
			seenImage.setAttribute('data-testid', 'model-input');
			replace(seen, seenImage);
			renderAnswer(answer);
		}
		catch (error) {
			replace(seen, h('span', { class: 'help' }, '–'));
			replace(result, alertBox(error.problem ? error.problem.title : 'Prediction failed.', error.message));
		}
	}

	function renderAnswer(answer) {
		const top = answer.predictions[0];
		replace(result,
			h('p', { class: 'verdict' }, h('span', { 'data-testid': 'predicted-class' }, top.className), ' ',
				h('span', { class: 'help' }, percent(top.probability), ' · model ', h('a', {
					href: '#/jobs/' + encodeURIComponent(answer.model.jobId) }, shortId(answer.model.jobId)),
				', epoch ' + answer.model.epoch)),
			h('ol', { class: 'bars' }, answer.predictions.map(prediction => h('li', {},
				h('span', { class: 'bar-label' }, prediction.className),
				h('span', { class: 'bar-track', 'aria-hidden': 'true' },
					h('span', { class: 'bar', style: { width: (prediction.probability * 100).toFixed(1) + '%' } })),
				h('span', { class: 'num' }, percent(prediction.probability))))));
	}

	async function loadModels() {
		try {
			const models = await api('/models');
			const wanted = context.params.get('model');
			for (const model of models) {
				modelSelect.appendChild(h('option', { value: model.jobId, selected: model.jobId === wanted },
					shortId(model.jobId) + ' · ' + percent(model.testAccuracy) + (model.isDefault ? ' · default' : '')));
			}
			if (!models.length) {
				replace(result, alertBox(null, 'No model yet: train one first.', 'info'));
			}
		}
		catch (error) {
			replace(result, alertBox('Could not load the models.', error.message));
		}
	}

	loadModels();
	return () => urls.forEach(url => URL.revokeObjectURL(url));
}
