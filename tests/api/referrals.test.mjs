// Referrals over the API (src/referrals/), against a real `atip serve`
// whose data dir was filled by `atip demo` (accounts only):
//
//  1. The life cycle requested -> accepted -> in_progress -> completed,
//     each move timed, audited on the case, told to the other side; the
//     receiving organisation reads exactly the shared personal fields while
//     the referral is open, and nothing once it is completed.
//  2. Declined (with a reason, 422 without) and withdrawn referrals close
//     the shared data at once; moves out of order are 409; only the
//     receiver's writers answer, only the referrer's withdraw; a third
//     organisation does not see the referral at all.
//  3. Consent: every victim's consent of scope Referral naming the
//     receiver, else 422 naming override_reason; an override is audited as
//     such; only the case's own case workers and investigators refer.
//  4. A referral unanswered for 48 hours is told to the receiving
//     organisation's org admins, once.
//  5. Indicators per receiving organisation and service type.
//
// Who is who (`atip demo`): the case worker of the Pune shelter (IN) owns
// the cases; the investigator and the org admin of the Kathmandu unit (NP)
// receive the referrals; the analyst of the Colombo collective (LK) is the
// third organisation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { demo, dropDatabases, environment, serve, sql, uuid } from './server.mjs';

let server;
let env;
const s = {};
const { call, signInWithCode } = client(() => server);
let ktm;
let colombo;

before(async () => {
  env = environment('referrals');
  const data = demo(env);
  server = await serve(env);
  for (const r of ['case_worker', 'investigator', 'org_admin', 'analyst']) s[r] = await signInWithCode(data.accounts[r], `${r} signs in`);
  ktm = s.investigator.user.org_id;
  colombo = s.analyst.user.org_id;
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

const post = async (who, p, body, status, what = `POST ${p} as ${who}`) => ok(await call('POST', p, { session: s[who], body }), status, what);

/** A Pune case with one victim; consent of the given scopes for Kathmandu unless scopes is null. */
async function caseFor(ref, scopes = ['Referral']) {
  const c = await post('case_worker', '/api/v1/cases', { reference: `${ref} (fictional)` }, 201);
  const v = await post('case_worker', `/api/v1/cases/${c.id}/persons`, {
    role: 'victim', gender: 'Feminine', age_band: '18-24', first_name: `${ref}-Name (fictional)`, mobile_phone: '+9779800000099',
    identity_number: `FICTIONAL-${ref}`,
  }, 201);
  if (scopes)
    await post('case_worker', `/api/v1/cases/${c.id}/consents`, {
      person_id: v.id, consent: true, scopes, org_ids: [ktm], purpose: 'return home', given_by: 'Person',
    }, 201);
  return { c, v };
}

const personal = (who, id) => call('GET', `/api/v1/cases/${id}?personal=true`, { session: s[who] });

async function refer(c, body = {}, status = 201) {
  return post('case_worker', '/api/v1/referrals', {
    case_id: c.id, to_org: ktm, reason: 'Repatriation and family tracing', urgency: 'urgent', fields: ['first_name', 'mobile_phone'], ...body,
  }, status);
}

function trail(caseId) {
  return sql(env, `SELECT action FROM atip_audit WHERE record_kind = 'case' AND record_id = '${caseId}' AND action LIKE 'referral.%' ORDER BY at, seq`)
    .map((r) => r[0]);
}

async function events(who) {
  return ok(await call('GET', '/api/v1/notifications', { session: s[who] }), 200, 'inbox').items;
}

// ---- 1. the life cycle -----------------------------------------------------------

test('requested, accepted, in progress, completed: the receiver reads the shared fields while it is open', async () => {
  const { c, v } = await caseFor('REF-1');
  problem(await personal('investigator', c.id), 404, 'before the referral Kathmandu does not see the case');
  const r = await refer(c);
  assert.match(r.id, uuid);
  assert.deepEqual([r.state, r.from_org, r.to_org, r.urgency, r.fields, r.consent_overridden, r.answered_at],
    ['requested', s.case_worker.user.org_id, ktm, 'urgent', ['first_name', 'mobile_phone'], false, undefined]);
  const inbox = await events('investigator');
  assert.deepEqual([inbox[0].event, inbox[0].record_kind, inbox[0].record_id], ['referral.requested', 'referral', r.id]);

  const open = ok(await personal('investigator', c.id), 200, 'Kathmandu reads while it is open');
  const person = open.persons.find((p) => p.id === v.id);
  assert.equal(person.first_name, 'REF-1-Name (fictional)');
  assert.equal(person.mobile_phone, '+9779800000099');
  assert.equal(person.identity_number, undefined, 'a field not shared stays closed');

  const accepted = await post('investigator', `/api/v1/referrals/${r.id}/accept`, undefined, 200);
  assert.equal(accepted.state, 'accepted');
  assert.ok(accepted.answered_at >= r.requested_at);
  problem(await call('POST', `/api/v1/referrals/${r.id}/accept`, { session: s.investigator }), 409, 'accepted twice');
  problem(await call('POST', `/api/v1/referrals/${r.id}/complete`, { session: s.investigator }), 409, 'completed before it started');
  const started = await post('investigator', `/api/v1/referrals/${r.id}/start`, undefined, 200);
  assert.equal(started.state, 'in_progress');
  const done = await post('investigator', `/api/v1/referrals/${r.id}/complete`, undefined, 200);
  assert.deepEqual([done.state, typeof done.closed_at], ['completed', 'string']);
  problem(await personal('investigator', c.id), 404, 'completed: the case is closed to Kathmandu again');
  assert.deepEqual((await events('case_worker')).slice(0, 3).map((n) => n.event), ['referral.completed', 'referral.started', 'referral.accepted']);
  assert.deepEqual(trail(c.id), ['referral.create', 'referral.accepted', 'referral.in_progress', 'referral.completed']);
  const got = ok(await call('GET', `/api/v1/referrals/${r.id}`, { session: s.case_worker }), 200, 'the referrer reads it');
  assert.equal(got.state, 'completed');
});

// ---- 2. closing early, who may do what --------------------------------------------

test('declined with a reason, or withdrawn: the shared data closes at once; each side does only its part', async () => {
  const { c } = await caseFor('REF-2');
  const r = await refer(c);
  problem(await call('POST', `/api/v1/referrals/${r.id}/accept`, { session: s.case_worker }), 403, 'the referrer cannot accept');
  problem(await call('POST', `/api/v1/referrals/${r.id}/withdraw`, { session: s.investigator, body: {} }), 403, 'the receiver cannot withdraw');
  problem(await call('GET', `/api/v1/referrals/${r.id}`, { session: s.analyst }), 404, 'Colombo does not see it');
  assert.ok(!ok(await call('GET', '/api/v1/referrals', { session: s.analyst }), 200, 'list').items.some((x) => x.id === r.id));
  invalid(await call('POST', `/api/v1/referrals/${r.id}/decline`, { session: s.investigator, body: {} }), ['reason'], 'a decline says why');
  const declined = await post('investigator', `/api/v1/referrals/${r.id}/decline`, { reason: 'No capacity this month' }, 200);
  assert.deepEqual([declined.state, declined.decline_reason], ['declined', 'No capacity this month']);
  problem(await personal('investigator', c.id), 404, 'declined: closed');

  const again = await refer(c);
  ok(await personal('investigator', c.id), 200, 'open again with the new referral');
  const withdrawn = await post('case_worker', `/api/v1/referrals/${again.id}/withdraw`, { reason: 'She chose to stay' }, 200);
  assert.deepEqual([withdrawn.state, withdrawn.withdraw_reason, withdrawn.decline_reason, withdrawn.case_reference],
    ['withdrawn', 'She chose to stay', undefined, 'REF-2 (fictional)']);
  problem(await personal('investigator', c.id), 404, 'withdrawn: closed');
  assert.equal((await events('investigator'))[0].event, 'referral.withdrawn');
  problem(await call('POST', `/api/v1/referrals/${again.id}/withdraw`, { session: s.case_worker, body: {} }), 409, 'withdrawn twice');

  const listed = ok(await call('GET', `/api/v1/referrals?view=outgoing&case_id=${c.id}`, { session: s.case_worker }), 200, 'outgoing').items;
  assert.deepEqual(listed.map((x) => x.id), [again.id, r.id], 'newest first');
  const incoming = ok(await call('GET', '/api/v1/referrals?view=incoming&state=declined', { session: s.investigator }), 200, 'incoming').items;
  assert.ok(incoming.some((x) => x.id === r.id) && !incoming.some((x) => x.id === again.id));
  invalid(await call('GET', '/api/v1/referrals?view=sideways&state=lost', { session: s.investigator }), ['view', 'state'], 'bad filters');
});

// ---- 3. consent and who refers --------------------------------------------------

test('consent of scope Referral naming the receiver, or an override with its reason', async () => {
  const { c } = await caseFor('REF-3', ['Sharing']);
  invalid(await call('POST', '/api/v1/referrals', {
    session: s.case_worker, body: { case_id: c.id, to_org: ktm, reason: 'Legal aid' },
  }), ['override_reason'], 'consent to share is not consent to refer');
  invalid(await call('POST', '/api/v1/referrals', {
    session: s.case_worker, body: { case_id: c.id, to_org: ktm, reason: 'Legal aid', override_reason: 'urgent' },
  }), ['override_reason'], 'a reason of 15 characters');
  const r = await refer(c, { override_reason: 'Court order 7 of 2026 (fictional)' });
  assert.equal(r.consent_overridden, true);
  assert.deepEqual(trail(c.id), ['referral.create_override']);
  problem(await call('POST', '/api/v1/referrals', {
    session: s.org_admin, body: { case_id: c.id, to_org: colombo, reason: 'Legal aid' },
  }), 403, 'the receiver sees the case while referred, but cannot refer it on');
  invalid(await call('POST', '/api/v1/referrals', {
    session: s.case_worker, body: { case_id: c.id, to_org: s.case_worker.user.org_id, reason: 'x', urgency: 'whenever', fields: ['gender'] },
  }), ['to_org', 'urgency', 'fields'], 'to itself, a bad urgency, a plain field');
  invalid(await call('POST', '/api/v1/referrals', { session: s.case_worker, body: { case_id: c.id, reason: 'Legal aid' } }), ['to_org'], 'to nobody');
  const { c: other } = await caseFor('REF-3B', null);
  invalid(await call('POST', '/api/v1/referrals', {
    session: s.case_worker, body: { case_id: other.id, to_org: colombo, reason: 'Livelihood' },
  }), ['override_reason'], 'no consent at all');
});

test('a referral to a service goes to its organisation; an inactive or unknown service is refused', async () => {
  const { c } = await caseFor('REF-4');
  const svc = ok(await call('POST', '/api/v1/services', {
    session: s.investigator, body: { type: 'repatriation', name: 'Return desk (fictional)' },
  }), 201, 'a Kathmandu service');
  const r = await refer(c, { to_org: undefined, service_id: svc.id });
  assert.deepEqual([r.to_org, r.service_id, r.service_name, r.service_type], [ktm, svc.id, 'Return desk (fictional)', 'repatriation']);
  invalid(await call('POST', '/api/v1/referrals', {
    session: s.case_worker, body: { case_id: c.id, service_id: svc.id, to_org: colombo, reason: 'x' },
  }), ['to_org'], 'the service\'s organisation, not another');
  ok(await call('PATCH', `/api/v1/services/${svc.id}`, { session: s.investigator, body: { version: svc.version, status: 'inactive' } }), 200, 'closed');
  invalid(await call('POST', '/api/v1/referrals', { session: s.case_worker, body: { case_id: c.id, service_id: svc.id, reason: 'x' } }),
    ['service_id'], 'an inactive service');
});

// ---- 4. escalation --------------------------------------------------------------

test('unanswered for 48 hours: told to the receiving org admins, once', async () => {
  const { c } = await caseFor('REF-5');
  const r = await refer(c);
  const before = (await events('org_admin')).filter((n) => n.event === 'referral.escalated').length;
  sql(env, `UPDATE referrals SET requested_at = '2020-01-01T00:00:00.000Z' WHERE id = '${r.id}'`);
  sql(env, "UPDATE atip_jobs SET run_at = 0 WHERE kind = 'followups.remind'");
  let got;
  for (let i = 0; i < 100; i++) {
    got = (await events('org_admin')).filter((n) => n.event === 'referral.escalated' && n.record_id === r.id);
    if (got.length) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(got.length, 1, 'the org admin is told');
  const now = ok(await call('GET', `/api/v1/referrals/${r.id}`, { session: s.investigator }), 200, 'escalated');
  assert.equal(typeof now.escalated_at, 'string');
  assert.ok(!(await events('investigator')).some((n) => n.event === 'referral.escalated'), 'the investigator is not an org admin');
  sql(env, "UPDATE atip_jobs SET run_at = 0 WHERE kind = 'followups.remind'");
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal((await events('org_admin')).filter((n) => n.event === 'referral.escalated').length, before + 1, 'once');
});

// ---- 5. indicators --------------------------------------------------------------

test('indicators: per receiving organisation and service type, for org admins and analysts', async () => {
  problem(await call('GET', '/api/v1/referrals/indicators', { session: s.case_worker }), 403, 'not for case workers');
  const items = ok(await call('GET', '/api/v1/referrals/indicators', { session: s.org_admin }), 200, 'Kathmandu\'s').items;
  const direct = items.find((b) => b.to_org === ktm && b.service_type === '');
  assert.equal(direct.referrals, 5, JSON.stringify(direct));
  assert.ok(direct.accepted >= 1 && direct.completed >= 1 && direct.declined >= 1);
  assert.deepEqual(direct.decline_reasons, { 'No capacity this month': 1 });
  assert.equal(typeof direct.hours_to_accept, 'number');
  assert.equal(direct.withdrawn, 1);
  assert.equal(direct.completion_rate, direct.completed / (direct.referrals - direct.withdrawn), 'withdrawn ones left out');
  const repat = items.find((b) => b.service_type === 'repatriation');
  assert.equal(repat.referrals, 1);
  const colomboView = ok(await call('GET', '/api/v1/referrals/indicators', { session: s.analyst }), 200, 'Colombo\'s').items;
  assert.deepEqual(colomboView, [], 'Colombo sent and received none');
});

// ---- 6. repatriation handover ------------------------------------------------------

test('a repatriation handover: the origin organisation accepts, travel and papers recorded, custody and follow-ups move on completion', async () => {
  const { c, v } = await caseFor('REF-6');
  const future = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10);
  await post('case_worker', `/api/v1/cases/${c.id}/followups`, { person_id: v.id, due_on: '2020-01-01' }, 201);
  invalid(await call('POST', '/api/v1/referrals', {
    session: s.case_worker, body: { case_id: c.id, to_org: ktm, reason: 'Return home', kind: 'handover', documents: 'passport' },
  }), ['travel_date', 'documents'], 'a handover needs its travel date; documents are a list');
  invalid(await call('POST', '/api/v1/referrals', {
    session: s.case_worker, body: { case_id: c.id, to_org: ktm, reason: 'Return home', kind: 'relocation' },
  }), ['kind'], 'an unknown kind');
  const h = await refer(c, { kind: 'handover', travel_date: future, documents: ['Travel permit (fictional)', 'Repatriation order (fictional)'] });
  assert.deepEqual([h.kind, h.travel_date, h.documents], ['handover', future, ['Travel permit (fictional)', 'Repatriation order (fictional)']]);
  await post('investigator', `/api/v1/referrals/${h.id}/accept`, undefined, 200);
  await post('investigator', `/api/v1/referrals/${h.id}/start`, undefined, 200);
  assert.ok(!ok(await call('GET', '/api/v1/followups', { session: s.investigator }), 200, 'before').items.some((f) => f.case_id === c.id));
  const done = await post('investigator', `/api/v1/referrals/${h.id}/complete`, undefined, 200);
  assert.equal(done.state, 'completed');
  const now = ok(await personal('investigator', c.id), 200, 'Kathmandu holds the case now');
  assert.deepEqual([now.owner_org, now.level, now.transfer], [ktm, 'org', null]);
  assert.equal(now.persons.find((p) => p.id === v.id).identity_number, 'FICTIONAL-REF-6', 'the owner reads everything');
  assert.ok(ok(await call('GET', '/api/v1/followups', { session: s.investigator }), 200, 'after').items.some((f) => f.case_id === c.id),
    'the overdue follow-up is Kathmandu\'s duty now');
  problem(await personal('case_worker', c.id), 404, 'Pune handed the case over');
  assert.equal((await events('case_worker'))[0].event, 'referral.completed');
});
