// One job: state, progress, live curves over SSE, the per-epoch table, the evaluation, checkpoints,
// resumes, errors and a cancel button.

import { api, follow } from './api.js';
import { lineChart, PALETTE } from './chart.js';
import { alertBox, bytes, dateTime, duration, h, jobDuration, number, percent, replace, stateBadge } from './dom.js';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export function jobPage(main, context, id) {
	const controller = new AbortController();
	let job = null;
	const header = h('div', { class: 'job-head' });
	const progressBox = h('div', { class: 'card progress-card', 'aria-live': 'polite' });
	const loss = lineChart({ title: 'Loss', series: [
		{ label: 'train loss', color: PALETTE[0] }, { label: 'test loss', color: PALETTE[1] }] });
	const accuracy = lineChart({ title: 'Accuracy', percent: true, series: [
		{ label: 'train accuracy', color: PALETTE[0] }, { label: 'test accuracy', color: PALETTE[1] }] });
	const charts = h('section', { class: 'charts', 'data-testid': 'epoch-chart', 'data-points': '0',
		'aria-label': 'Learning curves; the table of epochs below has the same numbers' }, loss.element, accuracy.element);
	const epochsBox = h('div', { class: 'table-box' });
	const evaluationBox = h('div');
	const detailsBox = h('div', { class: 'details' });
	const liveStatus = h('p', { class: 'help', 'aria-live': 'polite' });
	replace(main,
		h('p', { class: 'crumbs' }, h('a', { href: '#/jobs' }, '← Jobs')),
		header, progressBox,
		h('h2', {}, 'Learning curves'), charts, liveStatus,
		h('h2', {}, 'Epochs'), epochsBox,
		evaluationBox, detailsBox);

	function render() {
		renderHeader();
		renderProgress(job.progress);
		renderHistory();
		renderEvaluation();
		renderDetails();
	}

	function renderHeader() {
		const cancel = context.may('train') && !TERMINAL.includes(job.state)
			? h('button', { type: 'button', class: 'danger', 'data-testid': 'cancel-job', disabled: job.cancelRequested,
				onclick: cancelJob }, job.cancelRequested ? 'Cancelling…' : 'Cancel job')
			: null;
		replace(header,
			h('h1', {}, 'Job ', h('code', {}, job.id)),
			h('div', { class: 'job-state' }, stateBadge(job.state), cancel,
				h('a', { class: 'button secondary', href: '#/compare?ids=' + encodeURIComponent(job.id) }, 'Compare…'),
				job.state === 'SUCCEEDED' ? h('a', { class: 'button secondary',
					href: '#/predict?model=' + encodeURIComponent(job.id) }, 'Try this model') : null),
			job.error ? alertBox(job.state === 'CANCELLED' ? 'Cancelled.' : 'The job failed.', job.error,
				job.state === 'CANCELLED' ? 'info' : 'error') : null);
		const errorBox = header.querySelector('.alert');
		if (errorBox) {
			errorBox.setAttribute('data-testid', 'job-error');
		}
	}

	function renderProgress(progress) {
		const done = job.state === 'SUCCEEDED';
		const within = done ? 1 : progress.batchesPerEpoch ? progress.batch / progress.batchesPerEpoch : 0;
		replace(progressBox,
			h('div', { class: 'progress-row' },
				h('label', { for: 'job-progress' }, 'Whole job'),
				h('progress', { id: 'job-progress', max: 1, value: progress.fraction }),
				h('span', { class: 'num' }, percent(progress.fraction, 0))),
			h('div', { class: 'progress-row' },
				h('label', { for: 'epoch-progress' }, 'Epoch ' + progress.epoch + ' of ' + progress.epochs),
				h('progress', { id: 'epoch-progress', max: 1, value: within }),
				h('span', { class: 'num' }, done ? 'done' : progress.batchesPerEpoch
					? progress.batch + ' / ' + progress.batchesPerEpoch + ' batches' : '–')),
			h('p', { class: 'help' },
				TERMINAL.includes(job.state) ? 'Took ' + duration(jobDuration(job)) + '.'
					: job.state === 'QUEUED' ? 'Waiting for a free slot.'
						: 'Running for ' + duration(jobDuration(job))
							+ (progress.etaSeconds !== null && progress.etaSeconds !== undefined
								? '; about ' + duration(progress.etaSeconds) + ' left.' : '.')));
	}

	function renderHistory() {
		const history = job.history;
		const epochs = history.map(epoch => epoch.epoch);
		loss.update(epochs, [history.map(e => e.trainLoss), history.map(e => e.testLoss)]);
		accuracy.update(epochs, [history.map(e => e.trainAccuracy), history.map(e => e.testAccuracy)]);
		charts.setAttribute('data-points', String(history.length));
		if (!history.length) {
			replace(epochsBox, h('p', { class: 'empty' }, 'No epoch has finished yet.'));
			return;
		}
		replace(epochsBox, h('table', { class: 'data', 'data-testid': 'epoch-table' },
			h('caption', { class: 'visually-hidden' }, 'Metrics of each finished epoch'),
			h('thead', {}, h('tr', {}, ['Epoch', 'Train loss', 'Train acc.', 'Test loss', 'Test acc.', 'Training',
				'Evaluation', 'Images/s'].map(title => h('th', { scope: 'col' }, title)))),
			h('tbody', {}, history.map(epoch => h('tr', {},
				h('th', { scope: 'row', class: 'num' }, epoch.epoch),
				h('td', { class: 'num' }, number(epoch.trainLoss, 4)),
				h('td', { class: 'num' }, percent(epoch.trainAccuracy, 2)),
				h('td', { class: 'num' }, number(epoch.testLoss, 4)),
				h('td', { class: 'num' }, percent(epoch.testAccuracy, 2)),
				h('td', { class: 'num' }, number(epoch.seconds, 2) + ' s'),
				h('td', { class: 'num' }, number(epoch.evaluationSeconds, 2) + ' s'),
				h('td', { class: 'num' }, Math.round(epoch.samplesPerSecond).toLocaleString()))))));
	}

	function renderEvaluation() {
		const evaluation = job.evaluation;
		if (!evaluation) {
			replace(evaluationBox);
			return;
		}
		replace(evaluationBox,
			h('h2', {}, 'Evaluation on the test set: ', percent(evaluation.accuracy, 2)),
			h('div', { class: 'evaluation' },
				confusionMatrix(evaluation),
				perClassTable(evaluation)));
	}

	function renderDetails() {
		const parameters = job.hyperparameters;
		replace(detailsBox,
			h('section', { 'aria-labelledby': 'hp-title' }, h('h2', { id: 'hp-title' }, 'Hyperparameters'),
				h('dl', { class: 'pairs' }, Object.entries(parameters).map(([name, value]) => [h('dt', {}, name),
					h('dd', {}, value === null ? 'all' : String(value))]))),
			h('section', { 'aria-labelledby': 'times-title' }, h('h2', { id: 'times-title' }, 'Times'),
				h('dl', { class: 'pairs' },
					h('dt', {}, 'created'), h('dd', {}, dateTime(job.createdAt)),
					h('dt', {}, 'started'), h('dd', {}, dateTime(job.startedAt)),
					h('dt', {}, 'finished'), h('dd', {}, dateTime(job.finishedAt)))),
			h('section', { class: 'wide', 'aria-labelledby': 'checkpoints-title' }, h('h2', { id: 'checkpoints-title' }, 'Checkpoints'),
				job.checkpoints.length ? h('div', { class: 'table-box' }, h('table', { class: 'data', 'data-testid': 'checkpoints' },
					h('thead', {}, h('tr', {}, ['Epoch', 'Kind', 'Size', 'Saved', 'Path'].map(t => h('th', { scope: 'col' }, t)))),
					h('tbody', {}, job.checkpoints.map(checkpoint => h('tr', {},
						h('td', { class: 'num' }, checkpoint.epoch),
						h('td', {}, checkpoint.finalModel ? 'final model' : 'epoch'),
						h('td', { class: 'num' }, bytes(checkpoint.sizeBytes)),
						h('td', {}, dateTime(checkpoint.savedAt)),
						h('td', {}, h('code', {}, checkpoint.path)))))))
					: h('p', { class: 'empty' }, 'None on disk.')),
			h('section', { class: 'wide', 'aria-labelledby': 'resumes-title' }, h('h2', { id: 'resumes-title' }, 'Resumes'),
				job.resumes.length ? h('ol', { class: 'resumes', 'data-testid': 'resumes' }, job.resumes.map(resume =>
					h('li', {}, dateTime(resume.at) + ': resumed at epoch ' + resume.fromEpoch
						+ (resume.fromBatch ? ', batch ' + resume.fromBatch : '') + ' — ' + resume.reason)))
					: h('p', { class: 'empty' }, 'Never interrupted.')));
	}

	async function cancelJob(event) {
		if (!confirm('Cancel job ' + job.id + '? It stops before its next batch; finished epochs keep their checkpoints.')) {
			return;
		}
		event.target.disabled = true;
		try {
			job = await api('/jobs/' + encodeURIComponent(id) + '/cancel', { method: 'POST' });
			render();
		}
		catch (error) {
			event.target.disabled = false;
			liveStatus.textContent = 'Could not cancel: ' + error.message;
		}
	}

	async function reload() {
		job = await api('/jobs/' + encodeURIComponent(id), { signal: controller.signal });
		render();
	}

	async function watch() {
		for (let attempt = 0; !controller.signal.aborted; attempt++) {
			try {
				let ended = false;
				await follow('/jobs/' + encodeURIComponent(id) + '/events', (name, data) => {
					liveStatus.textContent = '';
					if (name === 'state') {
						job = data;
						render();
					}
					else if (name === 'progress' && job) {
						job.progress = data;
						if (job.state === 'QUEUED') {
							// Progress means it has started: fetch it again for its state and start time.
							reload().catch(() => {});
						}
						renderProgress(data);
					}
					else if (name === 'epoch' && job) {
						job.history = job.history.filter(epoch => epoch.epoch !== data.epoch).concat([data]);
						renderHistory();
					}
					else if (name === 'end') {
						ended = true;
					}
				}, controller.signal);
				if (ended) {
					// The end event carries the state only; the evaluation and checkpoints come with the job.
					await reload();
					return;
				}
			}
			catch (error) {
				if (controller.signal.aborted) {
					return;
				}
				if (error.status === 404 || error.status === 400) {
					replace(main, h('h1', {}, 'Job not found'), alertBox(null, error.message),
						h('p', {}, h('a', { href: '#/jobs' }, 'Back to the jobs')));
					return;
				}
				liveStatus.textContent = 'Live updates interrupted (' + error.message + '); reconnecting…';
			}
			await new Promise(resolve => setTimeout(resolve, Math.min(10000, 1000 * (attempt + 1))));
		}
	}

	watch();
	return () => {
		controller.abort();
		loss.destroy();
		accuracy.destroy();
	};
}

function confusionMatrix(evaluation) {
	const names = evaluation.classNames;
	const matrix = evaluation.confusionMatrix;
	const cells = matrix.map((row, actual) => {
		const total = row.reduce((sum, count) => sum + count, 0) || 1;
		return h('tr', {},
			h('th', { scope: 'row' }, names[actual]),
			row.map((count, predicted) => {
				const share = count / total;
				const hue = actual === predicted ? 210 : 0;
				return h('td', {
					class: 'cell' + (share > 0.5 ? ' dark' : ''),
					title: 'actual ' + names[actual] + ', predicted ' + names[predicted] + ': ' + count
						+ ' (' + (share * 100).toFixed(1) + ' % of ' + names[actual] + ')',
					style: { backgroundColor: share === 0 ? 'transparent' : 'hsl(' + hue + ' 70% ' + (96 - share * 60) + '%)' },
				}, String(count));
			}));
	});
	return h('figure', { class: 'matrix' },
		h('figcaption', {}, 'Confusion matrix: rows are the actual class, columns the predicted one; shading is the '
			+ 'share of the row (blue: right, red: wrong).'),
		h('div', { class: 'table-box' },
			h('table', { class: 'confusion', 'data-testid': 'confusion-matrix' },
				h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actual class')),
					names.map(name => h('th', { scope: 'col', class: 'rotate' }, h('span', {}, name))))),
				h('tbody', {}, cells))));
}

function perClassTable(evaluation) {
	return h('div', { class: 'table-box' }, h('table', { class: 'data', 'data-testid': 'per-class' },
		h('caption', {}, 'Per class'),
		h('thead', {}, h('tr', {}, ['Class', 'Precision', 'Recall', 'F1', 'Support'].map(t => h('th', { scope: 'col' }, t)))),
		h('tbody', {}, evaluation.perClass.map(metrics => h('tr', {},
			h('th', { scope: 'row' }, metrics.className),
			h('td', { class: 'num' }, percent(metrics.precision)),
			h('td', { class: 'num' }, percent(metrics.recall)),
			h('td', { class: 'num' }, scoreBar(metrics.f1)),
			h('td', { class: 'num' }, metrics.support))))));
}

function scoreBar(value) {
	return h('span', { class: 'score' }, h('meter', { min: 0, max: 1, value, 'aria-hidden': 'true' }), ' ', percent(value));
}
