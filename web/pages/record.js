// What the pages of one record share: the way back to its list, the
// heading (the record's own title), and the answer when it cannot be read.
import { append, h, pageHeading, problemText } from '../dom.js';

/** A link back to the list (route, key of its words), then the title. */
export function recordHeading(route, backKey, title) {
	return [
		h('p', { class: 'back' }, h('a', { href: `#/${route}`, i18n: backKey })),
		h('h1', { class: 'page-title', tabindex: '-1', text: title }),
	];
}

/**
 * The page for a record that could not be read: 404 (unknown, or not
 * shared with you: the API does not say which; hintKey says what to do)
 * or another problem.
 */
export function notFound(view, res, route, backKey, hintKey = 'record.not_found') {
	const missing = res.status === 404;
	append(view,
		h('p', { class: 'back' }, h('a', { href: `#/${route}`, i18n: backKey })),
		pageHeading(missing ? 'record.not_found_title' : 'record.failed_title'),
		missing ? h('p', { i18n: hintKey }) : h('p', { class: 'alert', role: 'alert', text: problemText(res) }));
}
