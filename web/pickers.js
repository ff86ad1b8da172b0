// Choosing several things from a list: a fieldset of checkboxes with a
// legend, a hint and, for long lists, a filter box.  It sits in a form as
// a field does (class "field", data-field, .control), so showFieldErrors
// puts the API's words next to it.
import { h, uid } from './dom.js';

/**
 * spec: { name, legend (key), hint (key), required, items: [{ value, text, detail }],
 * filter (key of the filter box's label, or nothing), checked: [values] }.
 * Returns the wrapping element with .control (what focus goes to),
 * .values() (the checked values, in list order) and .set(values).
 */
export function checkList(spec) {
	const id = uid(`c-${spec.name}`);
	const hintId = `${id}-hint`;
	const errId = `${id}-error`;
	const checked = new Set(spec.checked || []);
	const boxes = [];
	const list = h('ul', { class: 'checks', id: `${id}-list` });
	for (const item of spec.items) {
		const boxId = uid(`${id}-o`);
		const box = h('input', { type: 'checkbox', id: boxId, name: spec.name, value: item.value });
		box.checked = checked.has(item.value);
		boxes.push(box);
		list.append(h('li', { 'data-text': (item.text || '').toLowerCase() },
			box,
			h('label', { for: boxId },
				item.key ? h('span', { i18n: item.key }) : h('span', { text: item.text }),
				item.detail ? h('span', { class: 'muted', text: ` · ${item.detail}` }) : null)));
	}
	let filter = null;
	if (spec.filter && spec.items.length > 8) {
		const filterId = uid(`${id}-filter`);
		filter = h('input', { type: 'search', id: filterId, autocomplete: 'off', 'aria-controls': list.id });
		filter.addEventListener('input', () => {
			const words = filter.value.trim().toLowerCase();
			for (const li of list.children)
				li.hidden = Boolean(words) && !li.dataset.text.includes(words) && !li.querySelector('input').checked;
		});
		filter = h('div', { class: 'check-filter' }, h('label', { for: filterId, i18n: spec.filter }), filter);
	}
	const wrap = h('fieldset', {
		class: 'field checklist',
		'aria-describedby': [spec.hint ? hintId : null, errId].filter(Boolean).join(' '),
	},
	h('legend', {}, h('span', { i18n: spec.legend }),
		spec.required ? ' ' : null,
		spec.required ? h('span', { class: 'required', i18n: 'form.required' }) : null),
	spec.hint ? h('p', { class: 'hint', id: hintId, i18n: spec.hint }) : null,
	h('p', { class: 'field-error', id: errId, hidden: true }),
	filter,
	spec.items.length ? h('div', { class: 'checks-box' }, list) : h('p', { class: 'muted', i18n: spec.empty || 'form.nothing_to_choose' }));
	wrap.dataset.field = spec.name;
	wrap.control = boxes[0] || wrap;
	wrap.values = () => boxes.filter((b) => b.checked).map((b) => b.value);
	wrap.set = (values) => {
		const want = new Set(values);
		for (const b of boxes)
			b.checked = want.has(b.value);
	};
	return wrap;
}
