// Line charts with uPlot (served from its WebJar). Each chart states how many points it holds in
// data-points, which is also what the browser tests watch.

import { h } from './dom.js';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
	'#7f7f7f', '#bcbd22'];

/**
 * A chart of series over epochs. `series` are {label, color, dash}; update(epochs, values) takes the
 * x values and one array of y values (null for a gap) per series.
 */
export function lineChart({ title, series, percent = false, height = 240 }) {
	const box = h('figure', { class: 'chart', 'data-points': '0' },
		h('figcaption', {}, title));
	const plotBox = h('div', { class: 'plot' });
	box.appendChild(plotBox);
	const format = percent ? (u, value) => value === null || value === undefined ? '–' : (value * 100).toFixed(1) + ' %'
		: (u, value) => value === null || value === undefined ? '–' : value.toFixed(4);
	let plot = null;
	let data = [[], ...series.map(() => [])];

	function width() {
		return Math.max(260, Math.floor(plotBox.clientWidth || box.clientWidth || 600));
	}

	function create() {
		plot = new uPlot({
			width: width(),
			height,
			scales: { x: { time: false } },
			axes: [
				{ label: 'epoch', values: (u, ticks) => ticks.map(tick => Number.isInteger(tick) ? String(tick) : '') },
				{ values: (u, ticks) => ticks.map(tick => percent ? Math.round(tick * 1000) / 10 + '%' : tick.toFixed(2)),
					size: 56 },
			],
			series: [
				{ label: 'epoch' },
				...series.map(one => ({ label: one.label, stroke: one.color, width: 2, dash: one.dash,
					points: { show: true, size: 6 }, value: format, spanGaps: true })),
			],
		}, data, plotBox);
	}

	const resize = new ResizeObserver(() => {
		if (plot) {
			plot.setSize({ width: width(), height });
		}
	});

	return {
		element: box,
		update(epochs, values) {
			data = [epochs, ...values];
			box.setAttribute('data-points', String(epochs.length));
			if (!plot) {
				if (!box.isConnected) {
					return;
				}
				create();
				resize.observe(plotBox);
				return;
			}
			plot.setData(data);
		},
		destroy() {
			resize.disconnect();
			if (plot) {
				plot.destroy();
			}
		},
	};
}
