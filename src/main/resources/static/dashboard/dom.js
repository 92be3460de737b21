// Every element is built with createElement and every text goes in through text nodes, so nothing a
// user typed or a job reported is ever parsed as markup. There is deliberately no innerHTML here.

/**
 * h('a', {href: '#/jobs', 'data-testid': 'x', onclick: fn}, 'text', child, [more])
 * Attributes named on* become listeners; `style` takes an object of CSSOM properties (allowed by
 * the Content-Security-Policy, unlike a style attribute); null, undefined and false are skipped.
 */
export function h(tag, attributes, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes || {})) {
		if (value === null || value === undefined || value === false) {
			continue;
		}
		if (name.startsWith('on') && typeof value === 'function') {
			element.addEventListener(name.slice(2), value);
		}
		else if (name === 'style') {
			Object.assign(element.style, value);
		}
		else if (name === 'value' && tag === 'input') {
			// The attribute, so that a form's reset comes back to it.
			element.setAttribute('value', String(value));
		}
		else if (name === 'checked' || name === 'selected') {
			const defaultName = name === 'checked' ? 'defaultChecked' : 'defaultSelected';
			element[defaultName] = value;
			element[name] = value;
		}
		else if (name === 'value' || name === 'disabled') {
			element[name] = value;
		}
		else {
			element.setAttribute(name, value === true ? '' : String(value));
		}
	}
	append(element, children);
	return element;
}

function append(element, children) {
	for (const child of children) {
		if (child === null || child === undefined || child === false) {
			continue;
		}
		if (Array.isArray(child)) {
			append(element, child);
		}
		else if (child instanceof Node) {
			element.appendChild(child);
		}
		else {
			element.appendChild(document.createTextNode(String(child)));
		}
	}
}

/** Replaces the children, keeping the keyboard focus on the element with the same id, if any. */
export function refill(element, ...children) {
	const focused = element.contains(document.activeElement) ? document.activeElement.id : null;
	replace(element, ...children);
	if (focused) {
		const again = document.getElementById(focused);
		if (again) {
			again.focus();
		}
	}
	return element;
}

export function replace(element, ...children) {
	element.replaceChildren();
	append(element, children);
	return element;
}

export function percent(value, digits = 1) {
	return value === null || value === undefined ? '–' : (value * 100).toFixed(digits) + ' %';
}

export function number(value, digits = 3) {
	return value === null || value === undefined ? '–' : Number(value).toFixed(digits);
}

export function dateTime(iso) {
	if (!iso) {
		return '–';
	}
	return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function duration(seconds) {
	if (seconds === null || seconds === undefined || Number.isNaN(seconds)) {
		return '–';
	}
	const s = Math.round(seconds);
	if (s < 60) {
		return s + ' s';
	}
	if (s < 3600) {
		return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
	}
	return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

export function jobDuration(job) {
	if (!job.startedAt) {
		return null;
	}
	const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
	return (end - Date.parse(job.startedAt)) / 1000;
}

export function bytes(size) {
	if (size < 1024) {
		return size + ' B';
	}
	if (size < 1024 * 1024) {
		return (size / 1024).toFixed(1) + ' KiB';
	}
	return (size / 1024 / 1024).toFixed(1) + ' MiB';
}

export function shortId(id) {
	return id.length > 8 ? id.slice(0, 8) : id;
}

export function stateBadge(state, attributes = {}) {
	return h('span', { class: 'state state-' + String(state).toLowerCase(), 'data-testid': 'job-state', ...attributes },
		String(state));
}

/** A message for the user in a live region, so that screen readers announce it. */
export function alertBox(title, detail, kind = 'error') {
	return h('div', { class: 'alert alert-' + kind, role: kind === 'error' ? 'alert' : 'status' },
		title ? h('strong', {}, title) : null, title && detail ? ' ' : null, detail || null);
}
