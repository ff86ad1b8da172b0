// The re-trafficking watch over the API (src/linkage/link_watch.c,
// link_http.c), against a real `atip serve` whose data dir was filled by
// `atip demo` (accounts only):
//
//  1. A victim recorded in Latin script in Pune (IN) and the same person
//     recorded in Devanagari, with day and month of birth swapped, in
//     Kathmandu (NP) raise one alert, seen by both organisations: each its
//     own side in full, of the other side the organisation and the
//     non-identifying fields only.  No identifying field of Pune's person
//     reaches Kathmandu in anything it receives (alerts, notifications) or
//     in the server's log, and the other way round.
//  2. Another woman of the same surname and country (another given name,
//     father, district and birth year) raises no alert.
//  3. Only case workers, investigators and org admins of the two
//     organisations see the alert; a third organisation gets 404.
//  4. Either side asks through a referral, which checks consent; a
//     decision at a stale version is 409, a wrong one 422; "same" flags
//     both cases TraffickedBefore and tells the other side.
//  5. Erasing a case forgets its encodings and alerts.
//  6. A name alone matches nobody; one person raises at most ten alerts.
//
// Every name, date and number here is made up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { demo, dropDatabases, environment, serve, sql } from './server.mjs';

let server;
let env;
const s = {};
const { call, signInWithCode, addUser, signInEnrolled } = client(() => server);
let pune;
let ktm;
let colombo;

before(async () => {
  env = environment('linkage');
  const data = demo(env);
  server = await serve(env);
  for (const r of ['case_worker', 'investigator', 'org_admin', 'analyst', 'viewer', 'platform_admin']) s[r] = await signInWithCode(data.accounts[r], `${r} signs in`);
  pune = s.case_worker.user.org_id;
  ktm = s.investigator.user.org_id;
  colombo = s.analyst.user.org_id;
  const writer = await addUser(s.platform_admin, { name: 'colombo-cw', role: 'case_worker', orgId: colombo, tag: 'linkage' });
  s.colombo_writer = await signInEnrolled(writer, 'a Colombo case worker signs in');
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

const post = async (who, p, body, status, what = `POST ${p} as ${who}`) => ok(await call('POST', p, { session: s[who], body }), status, what);
const get = async (who, p, status = 200) => ok(await call('GET', p, { session: s[who] }), status, `GET ${p} as ${who}`);

// Pune's person, in Latin script, and the fields that must never reach Kathmandu.
const puneFields = {
  first_name: 'Laxmi', family_name: 'Tamang', father_name: 'Ram Bahadur Tamang', birth_date: '2004-03-12',
  home_district: 'Sindhupalchok', mobile_phone: '+9779800000471',
};
const puneSecrets = ['Laxmi', 'Tamang', 'Ram Bahadur', '2004-03-12', 'Sindhupalchok', '9800000471'];
// Kathmandu's record of her, in Devanagari, day and month swapped.
const ktmFields = {
  first_name: 'लक्ष्मी', family_name: 'तामाङ', father_name: 'राम बहादुर तामाङ', birth_date: '2004-12-03',
  home_district: 'सिन्धुपाल्चोक', mobile_phone: '+9779800000471',
};
const ktmSecrets = ['लक्ष्मी', 'तामाङ', 'राम बहादुर', '2004-12-03', 'सिन्धुपाल्चोक'];

async function victim(who, ref, fields) {
  const c = await post(who, '/api/v1/cases', { reference: `${ref} (fictional)` }, 201);
  const v = await post(who, `/api/v1/cases/${c.id}/persons`, {
    role: 'victim', gender: 'Feminine', age_band: '18-24', citizenship: ['NP'], exploitation_types: ['SexualExploitation'], ...fields,
  }, 201);
  return { c, v };
}

/** The viewer's alerts once the watch has run over everything written (it is woken by each write). */
async function alerts(who, state = 'all') {
  const deadline = Date.now() + 20000;
  for (;;) {
    const pending = sql(env, "SELECT COUNT(*) FROM case_persons p JOIN cases c ON c.id = p.case_id LEFT JOIN link_clks l ON l.person_id = p.id WHERE p.role = 'victim' AND c.erased_at IS NULL AND (l.person_id IS NULL OR l.person_version <> p.version)")[0][0];
    if (Number(pending) === 0) break;
    assert.ok(Date.now() < deadline, 'the watch encodes every victim within 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return (await get(who, `/api/v1/linkage/alerts?state=${state}`)).items;
}

function assertNone(what, text, secrets) {
  for (const x of secrets) assert.ok(!text.includes(x), `${what} holds no "${x}"`);
}

let A;
let K;

test('the same person in two countries and two scripts raises one alert to both, with nothing identifying across', async () => {
  // Others on the platform first: the watch reads every stored encoding.
  for (const [i, name] of ['Kumari', 'Selvi', 'Nasrin'].entries()) {
    await victim('colombo_writer', `LNK-CMB-${i}`, { first_name: name, family_name: 'Perera', birth_date: `199${i}-0${i + 1}-1${i}` });
  }
  await alerts('colombo_writer');
  A = await victim('case_worker', 'LNK-PUNE-1', puneFields);
  K = await victim('investigator', 'LNK-KTM-1', ktmFields);
  const mine = await alerts('case_worker');
  assert.equal(mine.length, 1, 'Pune sees one possible match');
  const al = mine[0];
  assert.equal(al.state, 'open');
  assert.ok(['high', 'medium'].includes(al.score_band), al.score_band);
  assert.equal(al.score, undefined, 'the score itself is not shown');
  const ours = al.sides.find((x) => x.yours);
  const theirs = al.sides.find((x) => !x.yours);
  assert.deepEqual([ours.org_id, ours.case_id, ours.person_id], [pune, A.c.id, A.v.id]);
  assert.equal(ours.case_reference, 'LNK-PUNE-1 (fictional)');
  assert.equal(theirs.org_id, ktm);
  assert.equal(theirs.org_country, 'NP');
  assert.deepEqual([theirs.gender, theirs.age_band, theirs.citizenship, theirs.exploitation_types],
    ['Feminine', '18-24', ['NP'], ['SexualExploitation']]);
  assert.deepEqual([theirs.case_id, theirs.case_reference, theirs.person_id], [undefined, undefined, undefined],
    'the other side\'s case and person are not named');

  const theirView = await alerts('investigator');
  assert.equal(theirView.length, 1, 'Kathmandu sees the same alert');
  assert.equal(theirView[0].id, al.id);
  assert.deepEqual(theirView[0].sides.find((x) => x.yours).case_id, K.c.id);
  assert.equal(theirView[0].sides.find((x) => !x.yours).case_id, undefined);

  // Everything Kathmandu receives, and everything Pune receives.
  const ktmText = JSON.stringify([theirView, await get('investigator', `/api/v1/linkage/alerts/${al.id}`),
    await get('investigator', '/api/v1/notifications'), await get('org_admin', '/api/v1/linkage/alerts')]);
  assertNone('what Kathmandu receives', ktmText, puneSecrets);
  assert.ok(ktmText.includes('linkage.match'), 'Kathmandu was told of the match');
  const puneText = JSON.stringify([mine, await get('case_worker', `/api/v1/linkage/alerts/${al.id}`),
    await get('case_worker', '/api/v1/notifications')]);
  assertNone('what Pune receives', puneText, ktmSecrets);
  problem(await call('GET', `/api/v1/cases/${A.c.id}?personal=true`, { session: s.investigator }), 404, 'the alert opens no case');
  assertNone('the server log', server.stderr(), [...puneSecrets, ...ktmSecrets]);
  // What is stored for matching: a CLK, no name.
  const stored = sql(env, `SELECT popcount, length(clk) FROM link_clks WHERE person_id = '${A.v.id}'`)[0];
  assert.ok(Number(stored[0]) > 100, 'a CLK with bits set');
  assert.equal(Number(stored[1]), 128, '1024 bits');
});

test('another woman of the same surname raises no alert', async () => {
  await victim('investigator', 'LNK-KTM-2', {
    first_name: 'सीता', family_name: 'तामाङ', father_name: 'दावा छिरिङ तामाङ', birth_date: '1998-07-21',
    home_district: 'रसुवा',
  });
  const all = await alerts('case_worker');
  assert.equal(all.length, 1, 'still only the one alert');
});

test('only the two organisations\' case workers, investigators and admins see the alert', async () => {
  const [al] = await alerts('case_worker');
  problem(await call('GET', '/api/v1/linkage/alerts', { session: s.analyst }), 403, 'an analyst');
  problem(await call('GET', '/api/v1/linkage/alerts', { session: s.viewer }), 403, 'a viewer');
  ok(await call('GET', `/api/v1/linkage/alerts/${al.id}`, { session: s.org_admin }), 200, 'Kathmandu\'s org admin');
  problem(await call('GET', `/api/v1/linkage/alerts/${al.id}`, { session: s.colombo_writer }), 404, 'a third organisation');
  assert.deepEqual((await get('colombo_writer', '/api/v1/linkage/alerts')).items, [], 'a third organisation lists nothing');
  problem(await call('POST', `/api/v1/linkage/alerts/${al.id}/decision`, { session: s.colombo_writer, body: { decision: 'not_same', version: al.version } }), 404, 'a third organisation decides nothing');
  assert.equal((await get('case_worker', `/api/v1/linkage/alerts/${al.id}`)).state, 'open', 'and changes nothing');
  problem(await call('GET', '/api/v1/linkage/alerts/not-an-id', { session: s.case_worker }), 404, 'not an id');
  invalid(await call('GET', '/api/v1/linkage/alerts?state=maybe', { session: s.case_worker }), ['state'], 'unknown state');
  invalid(await call('GET', '/api/v1/linkage/alerts?cursor=nonsense', { session: s.case_worker }), ['cursor'], 'a cursor never given');
});

test('a referral asks the other side (consent checked); a decision needs the version read; same person flags both cases', async () => {
  const [al] = await alerts('investigator');
  const theirs = al.sides.find((x) => !x.yours);
  // Kathmandu asks Pune's organisation through a referral of its own case: consent first.
  const refused = await call('POST', '/api/v1/referrals', {
    session: s.investigator, body: { case_id: K.c.id, to_org: theirs.org_id, reason: 'A possible match: same person?' },
  });
  invalid(refused, ['override_reason'], 'no consent to share with Pune');
  await post('investigator', `/api/v1/cases/${K.c.id}/consents`, {
    person_id: K.v.id, consent: true, scopes: ['Referral'], org_ids: [pune], purpose: 'tell whether she was recorded before', given_by: 'Person',
  }, 201);
  await post('investigator', '/api/v1/referrals', { case_id: K.c.id, to_org: theirs.org_id, reason: 'A possible match: same person?' }, 201);

  invalid(await call('POST', `/api/v1/linkage/alerts/${al.id}/decision`, { session: s.investigator, body: { decision: 'maybe', version: al.version } }), ['decision'], 'a wrong decision');
  invalid(await call('POST', `/api/v1/linkage/alerts/${al.id}/decision`, { session: s.investigator, body: { decision: 'same' } }), ['version'], 'no version');
  problem(await call('POST', `/api/v1/linkage/alerts/${al.id}/decision`, { session: s.analyst, body: { decision: 'same', version: al.version } }), 403, 'an analyst decides nothing');
  problem(await call('POST', `/api/v1/linkage/alerts/${al.id}/decision`, { session: s.investigator, body: { decision: 'same', version: al.version + 1 } }), 409, 'a stale version');
  const decided = await post('investigator', `/api/v1/linkage/alerts/${al.id}/decision`, { decision: 'same', version: al.version }, 200);
  assert.deepEqual([decided.state, decided.decided_org, decided.version], ['same', ktm, al.version + 1]);
  for (const [who, id] of [['case_worker', A.c.id], ['investigator', K.c.id]]) {
    const c = await get(who, `/api/v1/cases/${id}`);
    assert.ok(c.risk_flags.includes('TraffickedBefore'), `${who}'s case is flagged TraffickedBefore`);
  }
  const puneSees = await get('case_worker', `/api/v1/linkage/alerts/${al.id}`);
  assert.equal(puneSees.state, 'same');
  assert.equal(puneSees.decided_by, undefined, 'who at Kathmandu decided is Kathmandu\'s to know');
  const inbox = (await get('case_worker', '/api/v1/notifications')).items;
  assert.ok(inbox.some((n) => n.event === 'linkage.decided' && n.record_id === al.id), 'Pune is told of the decision');
  problem(await call('POST', `/api/v1/linkage/alerts/${al.id}/decision`, { session: s.case_worker, body: { decision: 'not_same', version: al.version } }), 409, 'the old version again');
  const trail = sql(env, `SELECT action FROM atip_audit WHERE record_id = '${A.c.id}' AND action LIKE 'linkage.%'`).map((r) => r[0]);
  assert.deepEqual(trail, ['linkage.same'], 'the decision is on the trail of Pune\'s case too');
});

test('erasing a case forgets its encodings and its alerts', async () => {
  const [al] = await alerts('case_worker');
  await post('case_worker', `/api/v1/cases/${A.c.id}/erase`, { reason: 'the person asked for erasure (fictional)' }, 200);
  assert.deepEqual(sql(env, `SELECT COUNT(*) FROM link_clks WHERE case_id = '${A.c.id}'`), [['0']]);
  problem(await call('GET', `/api/v1/linkage/alerts/${al.id}`, { session: s.investigator }), 404, 'the alert went with it');
  assert.deepEqual(await alerts('investigator'), []);
});

test('a name alone matches nobody; a name shared by many raises at most ten alerts for one person', async () => {
  const lone = { first_name: 'Devi', family_name: 'Thapa' };
  await victim('colombo_writer', 'LNK-CMB-LONE', lone);
  await victim('case_worker', 'LNK-PUNE-LONE', lone);
  assert.deepEqual(await alerts('case_worker'), [], 'a name and nothing else to go on: no alert');

  const common = { first_name: 'Anita', family_name: 'Rai', birth_year: 1999 };
  for (let i = 0; i < 12; i++) await victim('colombo_writer', `LNK-CMB-MANY-${i}`, common);
  await alerts('colombo_writer');
  await victim('case_worker', 'LNK-PUNE-MANY', common);
  const mine = await alerts('case_worker');
  assert.equal(mine.length, 10, 'the ten best of twelve');
  for (const al of mine) assert.equal(al.sides.find((x) => x.yours).case_reference, 'LNK-PUNE-MANY (fictional)');
});
