// My account: who is signed in, in which organisation, with which factors.
import { api } from '../api.js';
import { append, h, pageHeading } from '../dom.js';
import { countryName, label } from '../i18n.js';

export async function render(view, ctx) {
	const { user, country } = ctx.me;
	const org = await api('GET', `/orgs/${encodeURIComponent(user.org_id)}`);
	const row = (key, value) => [h('dt', { i18n: key }), h('dd', {}, value)];
	append(view,
		pageHeading('account.title'),
		h('section', { class: 'card', 'aria-labelledby': 'account-who' },
			h('h2', { id: 'account-who', i18n: 'account.who' }),
			h('dl', { class: 'facts' },
				row('account.name', user.name),
				row('account.email', user.email),
				row('account.role', label('role', user.role)),
				row('account.org', org.ok ? org.data.name : user.org_id),
				row('account.country', country ? countryName(country) : ''),
				row('account.totp', h('span', { i18n: user.totp_enrolled ? 'account.totp_on' : 'account.totp_off' })))),
		user.totp_enrolled ? null : h('p', {},
			h('a', { href: '#/enrol', class: 'button', i18n: 'account.enrol' })));
}
