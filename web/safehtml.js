// The one place HTML from the API goes into the page: a practice's body,
// which the server renders from Markdown with cmark in safe mode.  Even so
// it is not trusted: the text is parsed into an inert document, and only
// plain elements (paragraphs, headings, lists, emphasis, code, quotes,
// tables, links) are copied over, with only the attributes they need.
// Images become links to the image (the CSP loads nothing from elsewhere),
// and links go only to http(s) and mailto addresses.
import { h } from './dom.js';

const kept = new Set(['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li',
	'strong', 'em', 'b', 'i', 'del', 's', 'sub', 'sup', 'code', 'pre', 'blockquote',
	'table', 'thead', 'tbody', 'tr', 'th', 'td']);
// Elements whose content is dropped with them.
const dropped = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'noscript']);

/** An address a link may go to, or null. */
function safeUrl(value) {
	if (!/^\s*(https?|mailto):/i.test(value))
		return null; // no javascript:, data:, nor empty or relative links
	try {
		const u = new URL(value, location.href);
		return ['https:', 'http:', 'mailto:'].includes(u.protocol) ? u.href : null;
	} catch {
		return null;
	}
}

function copy(node, depth, shift) {
	if (node.nodeType === Node.TEXT_NODE)
		return document.createTextNode(node.data);
	if (node.nodeType !== Node.ELEMENT_NODE || depth > 40)
		return null;
	const tag = node.localName;
	if (dropped.has(tag))
		return null;
	const children = () => [...node.childNodes].map((c) => copy(c, depth + 1, shift)).filter(Boolean);
	if (tag === 'a') {
		const href = safeUrl(node.getAttribute('href') || '');
		if (!href)
			return h('span', {}, children());
		return h('a', { href, rel: 'noopener noreferrer nofollow' }, children());
	}
	if (tag === 'img') {
		const src = safeUrl(node.getAttribute('src') || '');
		const alt = node.getAttribute('alt') || '';
		return src ? h('a', { href: src, rel: 'noopener noreferrer nofollow', class: 'image-link', text: alt || src }) : document.createTextNode(alt);
	}
	if (!kept.has(tag)) {
		// Unknown wrappers: keep what they hold.
		const frag = document.createDocumentFragment();
		frag.append(...children());
		return frag;
	}
	const level = /^h([1-6])$/.exec(tag);
	const el = document.createElement(level ? `h${Math.min(6, Number(level[1]) + shift)}` : tag);
	if (tag === 'ol' && /^\d+$/.test(node.getAttribute('start') || ''))
		el.setAttribute('start', node.getAttribute('start'));
	if ((tag === 'th' || tag === 'td') && /^(left|center|right)$/.test(node.getAttribute('align') || ''))
		el.className = `align-${node.getAttribute('align')}`;
	el.append(...children());
	return el;
}

/**
 * The safe copy of html, as a fragment to put into a container; its
 * headings go shift levels down (under the page's own headings).
 */
export function safeFragment(html, shift = 0) {
	const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
	const frag = document.createDocumentFragment();
	for (const c of doc.body.childNodes) {
		const n = copy(c, 0, shift);
		if (n)
			frag.append(n);
	}
	return frag;
}
