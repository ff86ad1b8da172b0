// The service directory over the API (src/services/), against a real `atip
// serve` whose data dir was filled by `atip demo` (accounts only):
//
//  1. Who reads and who writes: anonymous clients get 401 on all nine
//     routes; every signed-in account reads GET /api/v1/services,
//     /services/{id}, /locations, /locations?org_id= and /locations/{id};
//     only the owner organisation's case workers, investigators and org
//     admins create and change its services, locations and vacancies (every
//     other account 403, the platform admin too); an unknown or malformed id
//     404; PATCH without a version 422, with an old one 409 and nothing
//     changed (a PUT of vacancies moves the version on too).
//  2. Validation: 422 naming exactly each wrong field of a service (type,
//     name, status, genders, nationalities, languages, minimum_age,
//     maximum_age and min > max, capacity, email, phone, url, location_id of
//     another organisation or of none, unknown fields), of a location
//     (name, country, subdivision not of the country, district not in the
//     country or subdivision, latitude and longitude out of range or one
//     without the other, confidential, referrers), of vacancies (above the
//     capacity, negative, not a number) and of the search's parameters;
//     nothing written by a refused request.
//  3. Confidential locations: address_1, city, district, latitude and
//     longitude of a confidential location reach only its organisation and
//     the organisations in its referrers, through every route that answers
//     a location or a service (GET /locations, ?org_id=, /locations/{id},
//     GET /services with each filter, district= never matching a hidden
//     district, near= sorting hidden places last without distance_km,
//     GET /services/{id}; the refusals of writes by another organisation);
//     referrers only to the owner; taking an organisation out of referrers
//     hides the place again; making a location non-confidential shows it to
//     all.
//  4. Search: type, country, subdivision, district, gender (no genders
//     listed: anyone), age in [minimum_age, maximum_age] with open ends,
//     nationality (none listed: anyone), language, vacancy=true (vacancies
//     above 0, said within 7 days: an 8-day-old count drops out and shows
//     "stale": true, a 6-day-old one stays), org_id (with that
//     organisation's inactive services; without org_id no inactive
//     service), each exact and combined; near=lat,lon nearest first with
//     distance_km (haversine; Pune to Mumbai about 120 km); pages of limit
//     with next_cursor that add up to the whole list, also nearest first.
//  5. Audit: every service.create, service.update, service.vacancies,
//     location.create and location.update is one entry under its request's
//     X-Request-Id, in the writer's organisation's chain, by the writer, on
//     the record; refused writes leave none.
//
// Who is who (`atip demo`): the platform admin in the Secretariat (NP); the
// org admin and the investigator in the Kathmandu unit (NP); the case worker
// in the Pune shelter (IN); the analyst in the Colombo collective (LK); the
// viewer in the Border Force unit (BD).  Added here: a case worker, an
// analyst and a viewer of Kathmandu (by its org admin) and a viewer of Pune
// (by the platform admin).  Pune keeps a confidential safe house that
// Kathmandu may refer to; Kathmandu keeps a confidential transit home that
// nobody else may.
//
// The data dir and database are this file's own, so lists are exact.  Every
// name, address and number is fictional; phone numbers are +97798000000xx.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { client, invalid, ok, problem } from './client.mjs';
import { demo, dropDatabases, environment, serve, sql, uuid } from './server.mjs';

let server;
const { call, signInWithCode, signInPlain, addUser: addAccount, signInEnrolled } = client(() => server);

const orgNames = {
  ktm: 'Demo Anti-Trafficking Unit, Kathmandu (fictional)',
  pune: 'Demo Safe Home Shelter, Pune (fictional)',
  colombo: 'Demo Rights Collective, Colombo (fictional)',
  border: 'Demo Border Force Unit (fictional)',
  secretariat: 'Demo Platform Secretariat (fictional)',
};
const homeOf = {
  platform_admin: 'secretariat', org_admin: 'ktm', investigator: 'ktm', case_worker: 'pune', analyst: 'colombo', viewer: 'border',
  ktm_case_worker: 'ktm', ktm_analyst: 'ktm', ktm_viewer: 'ktm', pune_viewer: 'pune',
};
const roleOf = {
  platform_admin: 'platform_admin', org_admin: 'org_admin', investigator: 'investigator', case_worker: 'case_worker', analyst: 'analyst',
  viewer: 'viewer', ktm_case_worker: 'case_worker', ktm_analyst: 'analyst', ktm_viewer: 'viewer', pune_viewer: 'viewer',
};
const everyone = Object.keys(homeOf);
const writerRoles = ['case_worker', 'investigator', 'org_admin'];
/** May who write the records of organisation o? */
const writes = (who, o) => homeOf[who] === o && writerRoles.includes(roleOf[who]);

let env;
let data;
const org = {};
const sessions = {};
let unknownId;

// The places (coordinates as the brief of the directory gives them).
const at = {
  kathmandu: [27.7172, 85.3240],
  pune: [18.5204, 73.8567],
  mumbai: [19.0760, 72.8777],
  colombo: [6.9271, 79.8612],
  lalitpur: [27.6644, 85.3188],
};

const loc = {}; // key -> the location as its owner last saw it
const svc = {}; // key -> the service as its owner last saw it
const locOwner = {}; // key -> the account that writes it
const svcOwner = {};

/** Adds an account through POST /api/v1/users as who (client.mjs addUser). */
const addUser = (who, name, role, orgId) => addAccount(sessions[who], { name, role, orgId, tag: 'services' });

// ---- helpers ------------------------------------------------------------------------

/** text as an SQL string literal. */
const q = (text) => `'${String(text).replace(/'/g, "''")}'`;

/** The audit entries (action, chain, actor, kind, record, outcome) written under a request id. */
const auditOf = (rid) => sql(env, `SELECT action, chain, actor_user, record_kind, record_id, outcome FROM atip_audit
  WHERE request_id = ${q(rid)} ORDER BY seq`);

/** Asserts that the request of res left exactly one audit entry: action on the record, by who. */
function assertAudited(res, action, who, kind, id, what) {
  assert.match(res.rid || '', /\S/, `${what}: an X-Request-Id`);
  assert.deepEqual(auditOf(res.rid), [[action, sessions[who].user.org_id, sessions[who].user.id, kind, id, 'ok']],
    `${what}: one "${action}" audit entry under its request id`);
}

/** Asserts that the request of res left no audit entry. */
function assertNotAudited(res, what) {
  assert.match(res.rid || '', /\S/, `${what}: an X-Request-Id`);
  assert.deepEqual(auditOf(res.rid), [], `${what}: no audit entry under its request id`);
}

/** Asserts a 403 for the role (not for a missing CSRF token), nothing audited; the problem. */
function forbidden(res, what) {
  const p = problem(res, 403, what);
  assert.ok(!/CSRF|Enrol/i.test(p.detail), `${what}: refused for the role: ${p.detail}`);
  assertNotAudited(res, what);
  return p;
}

/** Asserts the 404 of an unknown record. */
function hidden(res, what) {
  const p = problem(res, 404, what);
  assert.equal(p.detail, 'There is nothing here.', what);
  return p;
}

const locationKeys = ['address', 'address_hidden', 'confidential', 'created_at', 'description', 'district', 'id', 'latitude', 'longitude',
  'name', 'organization_id', 'updated_at', 'version'];
const serviceKeys = ['capacity', 'created_at', 'description', 'eligibility', 'email', 'hours', 'id', 'languages', 'location', 'name',
  'organization_id', 'phone', 'service_type', 'status', 'updated_at', 'url', 'version'];

/** POST /api/v1/locations as who: 201, audited, kept as key; the location. */
async function addLocation(key, who, body) {
  const what = `POST /api/v1/locations (${key}) as ${who}`;
  const res = await call('POST', '/api/v1/locations', { session: sessions[who], body });
  const l = ok(res, 201, what);
  assert.match(l.id, uuid, `${what}: id`);
  assert.deepEqual(Object.keys(l).sort(), [...locationKeys, 'referrers'].sort(), `${what}: fields`);
  assert.deepEqual([l.organization_id, l.version, l.address_hidden], [sessions[who].user.org_id, 1, false], `${what}: new, the owner's`);
  assertAudited(res, 'location.create', who, 'location', l.id, what);
  loc[key] = l;
  locOwner[key] = who;
  return l;
}

/** POST /api/v1/services as who: 201, audited, kept as key; the service. */
async function addService(key, who, body) {
  const what = `POST /api/v1/services (${key}) as ${who}`;
  const res = await call('POST', '/api/v1/services', { session: sessions[who], body });
  const s = ok(res, 201, what);
  assert.match(s.id, uuid, `${what}: id`);
  assert.deepEqual(Object.keys(s).sort(), serviceKeys, `${what}: fields`);
  assert.deepEqual([s.organization_id, s.version], [sessions[who].user.org_id, 1], `${what}: new, the owner's`);
  assert.deepEqual(s.capacity.vacancies, null, `${what}: no vacancies said yet`);
  assert.equal(s.capacity.stale, true, `${what}: never said is stale`);
  assertAudited(res, 'service.create', who, 'service', s.id, what);
  svc[key] = s;
  svcOwner[key] = who;
  return s;
}

/** PUT vacancies of service key as its owner: 200, audited; the service. */
async function putVacancies(key, vacancies) {
  const who = svcOwner[key];
  const what = `PUT vacancies ${vacancies} of ${key}`;
  const res = await call('PUT', `/api/v1/services/${svc[key].id}/vacancies`, { session: sessions[who], body: { vacancies } });
  const s = ok(res, 200, what);
  assert.equal(s.capacity.vacancies, vacancies, `${what}: vacancies`);
  assert.equal(s.capacity.stale, false, `${what}: just said`);
  assert.equal(s.version, svc[key].version + 1, `${what}: a new version`);
  assertAudited(res, 'service.vacancies', who, 'service', s.id, what);
  svc[key] = s;
  return s;
}

/** GET /api/v1/services?query as who, one page of 500: the items. */
async function search(who, query = '') {
  const body = ok(await call('GET', `/api/v1/services?limit=500${query ? `&${query}` : ''}`, { session: sessions[who] }), 200,
    `GET /api/v1/services?${query} as ${who}`);
  assert.equal(body.next_cursor, null, `GET /api/v1/services?${query}: one page`);
  return body.items;
}

/** The keys of services (by id), in their order. */
const keysOf = (items) => items.map((s) => Object.keys(svc).find((k) => svc[k].id === s.id) || `unknown ${s.id} ${s.name}`);

/** The fixture keys of the active services, sorted by name (the search's order without near). */
const byName = (...keys) => [...keys].sort((a, b) => (svc[a].name < svc[b].name ? -1 : svc[a].name > svc[b].name ? 1 : 0));

/** Metres between two points as atip reckons them (haversine, mean Earth radius), in km. */
function km([lat1, lon1], [lat2, lon2]) {
  const r = 6371008.8;
  const k = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * k) / 2) ** 2 + Math.cos(lat1 * k) * Math.cos(lat2 * k) * Math.sin(((lon2 - lon1) * k) / 2) ** 2;
  return (2 * r * Math.asin(Math.sqrt(h))) / 1000;
}

/**
 * Asserts how a location reads for view: 'owner' (everything, with
 * referrers), 'referrer' (everything but referrers) or 'hidden' (country and
 * subdivision; no address_1, city, district or position; no referrers),
 * against truth (the location as its owner saw it).
 */
function assertView(l, truth, view, what) {
  const keys = view === 'owner' ? [...locationKeys, 'referrers'].sort() : locationKeys;
  assert.deepEqual(Object.keys(l).sort(), keys, `${what}: fields of the location ${JSON.stringify(l)}`);
  for (const k of ['id', 'organization_id', 'name', 'description', 'confidential', 'version'])
    assert.deepEqual(l[k], truth[k], `${what}: ${k}`);
  if (view === 'hidden') {
    assert.deepEqual(l.address, { country: truth.address.country, state_province: truth.address.state_province },
      `${what}: only country and subdivision of the address`);
    assert.deepEqual([l.district, l.latitude, l.longitude, l.address_hidden], [null, null, null, true], `${what}: no district nor position`);
  } else {
    assert.deepEqual(l.address, truth.address, `${what}: the whole address`);
    assert.deepEqual([l.district, l.latitude, l.longitude, l.address_hidden], [truth.district, truth.latitude, truth.longitude, false],
      `${what}: district and position`);
  }
  if (view === 'owner') assert.deepEqual(l.referrers, truth.referrers, `${what}: referrers`);
}

/** What must never reach a reader the confidential location key is hidden from. */
function secretsOf(key) {
  const l = loc[key];
  return [l.address.address_1, l.address.city, l.district, String(l.latitude), String(l.longitude)];
}

/** Asserts that no secret of the confidential location key is in the answer's text. */
function assertClean(res, key, what) {
  for (const s of secretsOf(key)) assert.ok(!res.text.includes(s), `${what}: ${JSON.stringify(s)} of ${key} leaked: ${res.text}`);
}

// ---- the environment -----------------------------------------------------------

before(async () => {
  env = environment('services');
  data = demo(env);
  for (const [k, name] of Object.entries(orgNames)) {
    const o = data.orgs.find((x) => x.name === name);
    assert.ok(o, `a demo organisation named ${name}`);
    org[k] = o.id;
  }
  unknownId = `${org.ktm.slice(0, 24)}${org.ktm.slice(24) === '000000000000' ? '000000000001' : '000000000000'}`;
  server = await serve(env);
  for (const role of Object.keys(data.accounts)) sessions[role] = await signInWithCode(data.accounts[role], `${role} signs in`);
  sessions.ktm_case_worker = await signInEnrolled(await addUser('org_admin', 'ktm.case_worker', 'case_worker', org.ktm), 'the Kathmandu case worker');
  sessions.ktm_analyst = await signInPlain(await addUser('org_admin', 'ktm.analyst', 'analyst', org.ktm), 'the Kathmandu analyst');
  sessions.ktm_viewer = await signInPlain(await addUser('org_admin', 'ktm.viewer', 'viewer', org.ktm), 'the Kathmandu viewer');
  sessions.pune_viewer = await signInPlain(await addUser('platform_admin', 'pune.viewer', 'viewer', org.pune), 'the Pune viewer');
  for (const who of everyone) {
    assert.equal(sessions[who].user.org_id, org[homeOf[who]], `${who} belongs to ${homeOf[who]}`);
    assert.equal(sessions[who].user.role, roleOf[who], `${who} is a ${roleOf[who]}`);
  }

  // Pune's places: a confidential safe house Kathmandu may refer to, an open drop-in centre.
  await addLocation('safe', 'case_worker', {
    name: 'Demo Safe House (fictional)', description: 'A fictional shelter for the tests.', address: '14 Quiet Marker Lane (fictional)',
    city: 'Pune', country: 'in', subdivision: 'IN-MH', district: 'IN-MH-pune', latitude: at.pune[0], longitude: at.pune[1],
    confidential: true, referrers: [org.ktm],
  });
  await addLocation('mumbai', 'case_worker', {
    name: 'Demo Drop-in Centre (fictional)', address: '3 Harbour View Road (fictional)', city: 'Mumbai', country: 'IN',
    district: 'IN-MH-mumbai-city', latitude: at.mumbai[0], longitude: at.mumbai[1],
  });
  // Kathmandu's: an open desk, an open office in Colombo, a confidential
  // transit home nobody else may refer to, an outreach point without a position.
  await addLocation('desk', 'investigator', {
    name: 'Demo Legal Desk (fictional)', address: '21 Example Marg (fictional)', city: 'Kathmandu', country: 'NP', subdivision: 'NP-P3',
    district: 'NP-P3-kathmandu', latitude: at.kathmandu[0], longitude: at.kathmandu[1], confidential: false,
  });
  await addLocation('office', 'org_admin', {
    name: 'Demo Liaison Office (fictional)', address: '5 Sample Mawatha (fictional)', city: 'Colombo', country: 'LK', subdivision: 'LK-1',
    district: 'LK-11', latitude: at.colombo[0], longitude: at.colombo[1],
  });
  await addLocation('transit', 'ktm_case_worker', {
    name: 'Demo Transit Home (fictional)', address: '9 Hidden Marker Gali (fictional)', city: 'Lalitpur', country: 'NP',
    district: 'NP-P3-lalitpur', latitude: at.lalitpur[0], longitude: at.lalitpur[1], confidential: true, referrers: [],
  });
  await addLocation('outreach', 'investigator', { name: 'Demo Outreach Point (fictional)', country: 'NP', subdivision: 'NP-P3' });

  await addService('girls', 'case_worker', {
    type: 'shelter', name: 'Demo Girls Shelter (fictional)', description: 'Fictional.', location_id: loc.safe.id, genders: ['female'],
    minimum_age: 12, maximum_age: 17, nationalities: ['np', 'IN'], languages: ['hi', 'mr', 'ne'], capacity: 10,
    email: 'girls-shelter@demo.invalid', phone: '+9779800000001', url: 'https://shelter.demo.invalid/girls',
  });
  await addService('clinic', 'case_worker', {
    // No genders, nationalities nor capacity said: anyone, open.  (Not
    // `genders: []`: see the test on empty lists.)
    type: 'medical', name: 'Demo Clinic (fictional)', location_id: loc.mumbai.id, languages: ['hi', 'en', 'mr'],
  });
  await addService('legal', 'investigator', {
    type: 'legal_aid', name: 'Demo Legal Aid (fictional)', location_id: loc.desk.id, genders: ['female', 'male'], minimum_age: 18,
    nationalities: ['NP'], languages: ['ne', 'en'], capacity: 5,
  });
  await addService('counselling', 'org_admin', {
    type: 'psychosocial', name: 'Demo Counselling (fictional)', location_id: loc.office.id, maximum_age: 17, nationalities: ['LK', 'IN'],
    languages: ['si', 'ta', 'en'], capacity: 8,
  });
  await addService('transit', 'ktm_case_worker', {
    type: 'shelter', name: 'Demo Transit Shelter (fictional)', location_id: loc.transit.id, genders: ['male'], minimum_age: 18,
    maximum_age: 25, languages: ['ne'], capacity: 6,
  });
  await addService('helpline', 'investigator', {
    type: 'helpline', name: 'Demo Helpline (fictional)', languages: ['ne', 'hi', 'en'], phone: '+977 98000000-02',
  });
  await addService('tracing', 'org_admin', {
    type: 'family_tracing', name: 'Demo Family Tracing (fictional)', location_id: loc.outreach.id, languages: ['ne'], status: 'inactive',
  });
  await putVacancies('girls', 3);
  await putVacancies('clinic', 4);
  await putVacancies('legal', 0);
  await putVacancies('counselling', 2);
  await putVacancies('transit', 6);
});

after(async () => {
  if (server) await server.stop(); // asserts a clean exit: no sanitizer report
  dropDatabases();
});

// ---- 1. reading ---------------------------------------------------------------------

test('fixtures: lists normalised (codes in upper case), districts fill in the subdivision, the service embeds its location', () => {
  assert.deepEqual(svc.girls.eligibility, { genders: ['female'], nationalities: ['NP', 'IN'], minimum_age: 12, maximum_age: 17 });
  assert.deepEqual(svc.girls.languages, ['hi', 'mr', 'ne']);
  assert.deepEqual([svc.girls.email, svc.girls.phone, svc.girls.url, svc.girls.service_type, svc.girls.status],
    ['girls-shelter@demo.invalid', '+9779800000001', 'https://shelter.demo.invalid/girls', 'shelter', 'active']);
  assert.deepEqual(svc.girls.capacity.capacity, 10);
  assert.deepEqual(svc.clinic.eligibility, { genders: [], nationalities: [], minimum_age: null, maximum_age: null });
  assert.deepEqual(svc.clinic.capacity.capacity, null);
  assert.equal(svc.tracing.status, 'inactive');
  assert.equal(svc.helpline.location, null);
  assertView(svc.girls.location, loc.safe, 'owner', 'the girls shelter\'s place, to its owner');
  assert.deepEqual(loc.safe.address, { country: 'IN', state_province: 'IN-MH', address_1: '14 Quiet Marker Lane (fictional)', city: 'Pune' });
  assert.deepEqual([loc.safe.district, loc.safe.latitude, loc.safe.longitude, loc.safe.confidential, loc.safe.referrers],
    ['IN-MH-pune', 18.5204, 73.8567, true, [org.ktm]]);
  assert.deepEqual([loc.mumbai.address.state_province, loc.mumbai.district, loc.mumbai.confidential, loc.mumbai.referrers],
    ['IN-MH', 'IN-MH-mumbai-city', false, []], 'the district fills in the subdivision');
  assert.deepEqual([loc.transit.address.state_province, loc.transit.confidential], ['NP-P3', true]);
  assert.deepEqual([loc.outreach.district, loc.outreach.latitude, loc.outreach.longitude, loc.outreach.address.address_1],
    [null, null, null, '']);
});

test('anonymous clients get 401 on every route of the directory', async () => {
  const routes = [
    ['GET', '/api/v1/services'], ['POST', '/api/v1/services', {}], ['GET', `/api/v1/services/${svc.clinic.id}`],
    ['PATCH', `/api/v1/services/${svc.clinic.id}`, {}], ['PUT', `/api/v1/services/${svc.clinic.id}/vacancies`, {}],
    ['GET', '/api/v1/locations'], ['GET', `/api/v1/locations?org_id=${org.pune}`], ['POST', '/api/v1/locations', {}],
    ['GET', `/api/v1/locations/${loc.mumbai.id}`], ['PATCH', `/api/v1/locations/${loc.mumbai.id}`, {}],
  ];
  for (const [method, p, body] of routes) {
    const res = await call(method, p, { body });
    problem(res, 401, `${method} ${p} anonymously`);
    assert.ok(!res.text.includes('Demo'), `${method} ${p}: nothing of the directory`);
  }
});

test('every signed-in account reads the directory: the search, a service, an organisation\'s locations, a location', async () => {
  const active = byName('girls', 'clinic', 'legal', 'counselling', 'transit', 'helpline');
  for (const who of everyone) {
    assert.deepEqual(keysOf(await search(who)), active, `GET /api/v1/services as ${who}: every active service, by name`);
    for (const k of ['clinic', 'girls', 'tracing']) {
      const s = ok(await call('GET', `/api/v1/services/${svc[k].id}`, { session: sessions[who] }), 200, `GET ${k} as ${who}`);
      assert.deepEqual(Object.keys(s).sort(), serviceKeys, `GET ${k} as ${who}: fields`);
      for (const f of ['id', 'organization_id', 'name', 'service_type', 'status', 'eligibility', 'languages', 'email', 'phone', 'url', 'version'])
        assert.deepEqual(s[f], svc[k][f], `GET ${k} as ${who}: ${f}`);
      assert.deepEqual(s.capacity, svc[k].capacity, `GET ${k} as ${who}: capacity and vacancies`);
    }
    for (const o of ['pune', 'ktm']) {
      const items = ok(await call('GET', `/api/v1/locations?org_id=${org[o]}`, { session: sessions[who] }), 200,
        `GET /api/v1/locations?org_id=${o} as ${who}`).items;
      const mine = Object.keys(loc).filter((k) => loc[k].organization_id === org[o]).sort((a, b) => (loc[a].name < loc[b].name ? -1 : 1));
      assert.deepEqual(items.map((l) => l.id), mine.map((k) => loc[k].id), `GET /api/v1/locations?org_id=${o} as ${who}: by name`);
    }
    const own = ok(await call('GET', '/api/v1/locations', { session: sessions[who] }), 200, `GET /api/v1/locations as ${who}`).items;
    assert.deepEqual(own.map((l) => l.organization_id).filter((o) => o !== sessions[who].user.org_id), [],
      `GET /api/v1/locations as ${who}: the own organisation's`);
    assert.equal(own.length, Object.values(loc).filter((l) => l.organization_id === sessions[who].user.org_id).length,
      `GET /api/v1/locations as ${who}: all of them`);
    const l = ok(await call('GET', `/api/v1/locations/${loc.mumbai.id}`, { session: sessions[who] }), 200, `GET mumbai as ${who}`);
    assertView(l, loc.mumbai, homeOf[who] === 'pune' ? 'owner' : 'referrer', `GET /api/v1/locations/{mumbai} as ${who} (not confidential)`);
  }
  for (const p of [`/api/v1/services/${unknownId}`, '/api/v1/services/not-an-id', `/api/v1/locations/${unknownId}`, '/api/v1/locations/not-an-id'])
    hidden(await call('GET', p, { session: sessions.viewer }), `GET ${p}`);
  invalid(await call('GET', '/api/v1/locations?org_id=pune', { session: sessions.viewer }), ['org_id'], 'GET /api/v1/locations?org_id=pune');
});

// ---- 4. search -------------------------------------------------------------------------

test('search filters are exact: type, country, subdivision, gender, age, nationality, language, org_id, and together', async () => {
  const cases = [
    ['type=shelter', ['girls', 'transit']],
    ['type=medical', ['clinic']],
    ['type=family_tracing', []],
    ['type=education', []],
    ['country=IN', ['girls', 'clinic']],
    ['country=in', ['girls', 'clinic']],
    ['country=LK', ['counselling']],
    ['country=NP', ['legal', 'transit']],
    ['country=BD', []],
    ['subdivision=IN-MH', ['girls', 'clinic']],
    ['subdivision=NP-P3', ['legal', 'transit']],
    ['subdivision=LK-1', ['counselling']],
    ['subdivision=IN-KA', []],
    ['district=IN-MH-mumbai-city', ['clinic']],
    ['district=NP-P3-kathmandu', ['legal']],
    ['district=LK-11', ['counselling']],
    ['gender=female', ['girls', 'clinic', 'legal', 'counselling', 'helpline']],
    ['gender=male', ['clinic', 'legal', 'counselling', 'transit', 'helpline']],
    ['gender=transgender', ['clinic', 'counselling', 'helpline']],
    ['gender=other', ['clinic', 'counselling', 'helpline']],
    ['age=0', ['clinic', 'counselling', 'helpline']],
    ['age=11', ['clinic', 'counselling', 'helpline']],
    ['age=12', ['girls', 'clinic', 'counselling', 'helpline']],
    ['age=17', ['girls', 'clinic', 'counselling', 'helpline']],
    ['age=18', ['clinic', 'legal', 'transit', 'helpline']],
    ['age=25', ['clinic', 'legal', 'transit', 'helpline']],
    ['age=26', ['clinic', 'legal', 'helpline']],
    ['age=120', ['clinic', 'legal', 'helpline']],
    ['nationality=NP', ['girls', 'clinic', 'legal', 'transit', 'helpline']],
    ['nationality=IN', ['girls', 'clinic', 'counselling', 'transit', 'helpline']],
    ['nationality=lk', ['clinic', 'counselling', 'transit', 'helpline']],
    ['nationality=BD', ['clinic', 'transit', 'helpline']],
    ['language=en', ['clinic', 'legal', 'counselling', 'helpline']],
    ['language=mr', ['girls', 'clinic']],
    ['language=ne', ['girls', 'legal', 'transit', 'helpline']],
    ['language=si', ['counselling']],
    ['language=ta', ['counselling']],
    ['language=bn', []],
    ['vacancy=false', ['girls', 'clinic', 'legal', 'counselling', 'transit', 'helpline']],
    [`org_id=${org.pune}`, ['girls', 'clinic']],
    [`org_id=${org.ktm}`, ['legal', 'counselling', 'transit', 'helpline', 'tracing']],
    [`org_id=${org.ktm}&type=family_tracing`, ['tracing']],
    [`org_id=${org.colombo}`, []],
    ['type=shelter&gender=female&age=15&nationality=NP&language=hi', ['girls']],
    ['type=shelter&gender=female&age=18', []],
    ['country=IN&language=en&gender=male', ['clinic']],
    ['subdivision=NP-P3&age=20&gender=male&language=ne', ['legal', 'transit']],
    ['country=NP&nationality=IN', ['transit']],
  ];
  for (const [query, want] of cases) {
    for (const who of ['viewer', 'investigator']) {
      // The transit home is Kathmandu's: its district and position are
      // hidden from the Border viewer, but its country and subdivision are not.
      assert.deepEqual(keysOf(await search(who, query)), byName(...want), `GET /api/v1/services?${query} as ${who}`);
    }
  }
});

test('search: 422 names each bad parameter, all at once', async () => {
  const single = {
    type: 'brothel', country: 'XX', subdivision: 'IN-ZZ', district: 'IN-MH-nowhere', gender: 'woman', age: '121', nationality: 'Nepal',
    language: 'EN', vacancy: 'yes', near: '91,0', org_id: 'pune', cursor: 'abc', limit: '0',
  };
  for (const [k, v] of Object.entries(single))
    invalid(await call('GET', `/api/v1/services?${k}=${encodeURIComponent(v)}`, { session: sessions.viewer }), [k], `GET /api/v1/services?${k}=${v}`);
  for (const near of ['18.5', '18.5,', ',73.8', '18.5,181', 'x,y', '18.5;73.8', '18.5,73.8,1'])
    invalid(await call('GET', `/api/v1/services?near=${encodeURIComponent(near)}`, { session: sessions.viewer }), ['near'], `near=${near}`);
  for (const age of ['-1', '12.5', 'ten', ''])
    invalid(await call('GET', `/api/v1/services?age=${age}`, { session: sessions.viewer }), ['age'], `age=${age}`);
  const all = Object.entries(single).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  invalid(await call('GET', `/api/v1/services?${all}`, { session: sessions.viewer }), Object.keys(single), 'every parameter wrong');
});

test('near=lat,lon: nearest first with distance_km (haversine); no position, or a hidden one, last without distance', async () => {
  const orders = [
    // from Pune, as Pune (owns the safe house, may not see the transit home)
    ['case_worker', 'pune', ['girls', 'clinic', 'counselling', 'legal'], ['transit', 'helpline']],
    // from Pune, as Kathmandu (may refer to the safe house, owns the transit home)
    ['investigator', 'pune', ['girls', 'clinic', 'counselling', 'transit', 'legal'], ['helpline']],
    // from Pune, as the Border viewer (sees neither)
    ['viewer', 'pune', ['clinic', 'counselling', 'legal'], ['girls', 'transit', 'helpline']],
    ['org_admin', 'kathmandu', ['legal', 'transit', 'girls', 'clinic', 'counselling'], ['helpline']],
    ['analyst', 'kathmandu', ['legal', 'clinic', 'counselling'], ['girls', 'transit', 'helpline']],
    ['pune_viewer', 'kathmandu', ['legal', 'girls', 'clinic', 'counselling'], ['transit', 'helpline']],
    ['platform_admin', 'colombo', ['counselling', 'clinic', 'legal'], ['girls', 'transit', 'helpline']],
    ['ktm_viewer', 'mumbai', ['clinic', 'girls', 'counselling', 'transit', 'legal'], ['helpline']],
  ];
  for (const [who, from, near, rest] of orders) {
    const items = await search(who, `near=${at[from].join(',')}`);
    const what = `near=${from} as ${who}`;
    const placeOf = { girls: 'pune', clinic: 'mumbai', legal: 'kathmandu', counselling: 'colombo', transit: 'lalitpur' };
    const got = keysOf(items);
    assert.deepEqual(got.slice(0, near.length), near, `${what}: the places ${who} may see, nearest first`);
    const tail = [...rest].sort((a, b) => (svc[a].id < svc[b].id ? -1 : 1));
    assert.deepEqual(got.slice(near.length), tail, `${what}: then the others, by id`);
    let last = -1;
    for (const [i, k] of near.entries()) {
      const d = items[i].distance_km;
      const want = km(at[from], at[placeOf[k]]);
      assert.equal(typeof d, 'number', `${what}: ${k} has a distance_km`);
      assert.ok(Math.abs(d - want) < 0.002, `${what}: ${k} at ${d} km, expected ${want.toFixed(3)}`);
      assert.ok(d >= last, `${what}: ${k} not nearer than the one before`);
      last = d;
    }
    for (const item of items.slice(near.length)) {
      assert.ok(!('distance_km' in item), `${what}: ${item.name} has no distance_km: ${JSON.stringify(item)}`);
      if (item.location) assert.deepEqual([item.location.latitude, item.location.longitude], [null, null], `${what}: ${item.name} has no position`);
    }
  }
  const pune = await search('pune_viewer', `near=${at.pune.join(',')}`);
  const mumbai = pune.find((s) => s.id === svc.clinic.id).distance_km;
  assert.ok(mumbai > 115 && mumbai < 125, `Pune to Mumbai is about 120 km: ${mumbai}`);
  assert.equal(pune.find((s) => s.id === svc.girls.id).distance_km, 0, 'the safe house is where the search stands');
  // With org_id: the inactive tracing service, at a place without a position, comes last.
  assert.deepEqual(keysOf(await search('viewer', `org_id=${org.ktm}&near=${at.kathmandu.join(',')}`)),
    ['legal', 'counselling', ...['transit', 'helpline', 'tracing'].sort((a, b) => (svc[a].id < svc[b].id ? -1 : 1))],
    'near, Kathmandu\'s only, as the Border viewer');
  // Filters hold with near too.
  assert.deepEqual(keysOf(await search('investigator', `near=${at.kathmandu.join(',')}&type=shelter`)), ['transit', 'girls'], 'near + type');
  // For a 20-year-old man, as the Border viewer: the legal desk, the clinic, then the helpline and the hidden transit home by id.
  assert.deepEqual(keysOf(await search('viewer', `near=${at.kathmandu.join(',')}&gender=male&age=20`)),
    ['legal', 'clinic', ...['helpline', 'transit'].sort((a, b) => (svc[a].id < svc[b].id ? -1 : 1))], 'near + gender + age');
});

test('vacancy=true: places free now, said within 7 days; an older count is stale and drops out', async () => {
  const fresh = byName('girls', 'clinic', 'counselling', 'transit');
  for (const who of ['viewer', 'case_worker']) assert.deepEqual(keysOf(await search(who, 'vacancy=true')), fresh, `vacancy=true as ${who}`);
  // Counselling said its 2 places 8 days ago, the transit home its 6 places 6 days ago.
  const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString();
  assert.match(svc.counselling.capacity.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'vacancies_at as atip writes it');
  sql(env, `UPDATE services SET vacancies_at = ${q(daysAgo(8))} WHERE id = ${q(svc.counselling.id)}`);
  sql(env, `UPDATE services SET vacancies_at = ${q(daysAgo(6))} WHERE id = ${q(svc.transit.id)}`);
  for (const who of ['viewer', 'case_worker', 'org_admin']) {
    assert.deepEqual(keysOf(await search(who, 'vacancy=true')), byName('girls', 'clinic', 'transit'), `vacancy=true as ${who}, one stale`);
    assert.deepEqual(keysOf(await search(who, 'vacancy=true&country=LK')), [], `vacancy=true&country=LK as ${who}`);
  }
  const stale = ok(await call('GET', `/api/v1/services/${svc.counselling.id}`, { session: sessions.viewer }), 200, 'the stale service');
  assert.deepEqual(stale.capacity, { capacity: 8, vacancies: 2, updated_at: stale.capacity.updated_at, stale: true }, 'stale: true');
  const listed = (await search('viewer', 'country=LK'))[0];
  assert.equal(listed.capacity.stale, true, 'stale: true in the search too');
  const six = ok(await call('GET', `/api/v1/services/${svc.transit.id}`, { session: sessions.viewer }), 200, 'the 6-day-old count');
  assert.equal(six.capacity.stale, false, '6 days is not stale');
  const never = ok(await call('GET', `/api/v1/services/${svc.helpline.id}`, { session: sessions.viewer }), 200, 'never said');
  assert.deepEqual(never.capacity, { capacity: null, vacancies: null, updated_at: null, stale: true }, 'never said: stale');
  // Saying it again makes it fresh.
  await putVacancies('counselling', 1);
  assert.deepEqual(keysOf(await search('viewer', 'vacancy=true')), byName('girls', 'clinic', 'counselling', 'transit'), 'fresh again');
  // No places free: out, though fresh.
  await putVacancies('counselling', 0);
  assert.deepEqual(keysOf(await search('viewer', 'vacancy=true')), byName('girls', 'clinic', 'transit'), 'no free place');
  await putVacancies('counselling', 2);
  assert.deepEqual(keysOf(await search('viewer', 'vacancy=true&gender=male&language=ne')), ['transit'], 'vacancy with other filters');
});

test('pages: limit and next_cursor add up to the whole list, in the same order, also nearest first and filtered', async () => {
  for (const [who, query] of [['viewer', ''], ['investigator', `near=${at.pune.join(',')}`], ['case_worker', `org_id=${org.ktm}`],
    ['analyst', 'gender=male'], ['org_admin', `near=${at.kathmandu.join(',')}&org_id=${org.ktm}`]]) {
    const whole = (await search(who, query)).map((s) => s.id);
    for (const limit of [1, 2, 3, whole.length]) {
      const seen = [];
      let cursor = null;
      for (let page = 0; page < 20; page++) {
        const body = ok(await call('GET', `/api/v1/services?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { session: sessions[who] }), 200, `page ${page} of ${limit} (${query}) as ${who}`);
        assert.ok(body.items.length <= limit, `page ${page}: at most ${limit}`);
        seen.push(...body.items.map((s) => s.id));
        cursor = body.next_cursor;
        if (cursor === null) break;
        assert.equal(typeof cursor, 'string', 'next_cursor: a string');
        assert.equal(body.items.length, limit, `page ${page}: full when more follow`);
      }
      assert.equal(cursor, null, `limit ${limit} (${query}): the pages end`);
      assert.deepEqual(seen, whole, `limit ${limit} (${query}) as ${who}: the pages add up to the whole list`);
    }
  }
});

// ---- 3. confidential locations ---------------------------------------------------

/**
 * Checks how the confidential location key (of service skey) reads for
 * every account through every route that answers it; view(who) says
 * 'owner', 'referrer' or 'hidden'.
 */
async function checkEverywhere(key, skey, view, label) {
  const l = loc[key];
  const owner = l.organization_id;
  const ownerKey = Object.keys(org).find((o) => org[o] === owner);
  const district = l.district;
  const [country, subdivision] = [l.address.country, l.address.state_province];
  const s = svc[skey];
  const filters = [
    '', `type=${s.service_type}`, `country=${country}`, `subdivision=${subdivision}`, `gender=${s.eligibility.genders[0]}`,
    `age=${s.eligibility.minimum_age}`, 'nationality=NP', `language=${s.languages[0]}`, 'vacancy=true', `org_id=${owner}`,
    `near=${at.pune.join(',')}`, `near=${at.kathmandu.join(',')}`, `near=${l.latitude},${l.longitude}`,
    `near=${l.latitude},${l.longitude}&org_id=${owner}`,
  ];
  for (const who of everyone) {
    const v = view(who);
    const what = `${label}: ${key} as ${who} (${v})`;
    const check = (res, item, route) => {
      assertView(item, l, v, `${what}: ${route}`);
      if (v === 'hidden') assertClean(res, key, `${what}: ${route}`);
    };
    let res = await call('GET', `/api/v1/locations/${l.id}`, { session: sessions[who] });
    check(res, ok(res, 200, `${what}: GET /locations/{id}`), 'GET /locations/{id}');
    res = await call('GET', `/api/v1/locations?org_id=${owner}`, { session: sessions[who] });
    check(res, ok(res, 200, `${what}: GET /locations?org_id=`).items.find((x) => x.id === l.id), 'GET /locations?org_id=');
    res = await call('GET', '/api/v1/locations', { session: sessions[who] });
    const own = ok(res, 200, `${what}: GET /locations`).items;
    if (homeOf[who] === ownerKey) check(res, own.find((x) => x.id === l.id), 'GET /locations (own)');
    else {
      assert.ok(!own.some((x) => x.id === l.id), `${what}: GET /locations lists only the own organisation's`);
      if (v === 'hidden') assertClean(res, key, `${what}: GET /locations`);
    }
    res = await call('GET', `/api/v1/services/${s.id}`, { session: sessions[who] });
    check(res, ok(res, 200, `${what}: GET /services/{id}`).location, 'GET /services/{id}');
    for (const f of filters) {
      res = await call('GET', `/api/v1/services?limit=500${f ? `&${f}` : ''}`, { session: sessions[who] });
      const items = ok(res, 200, `${what}: GET /services?${f}`).items;
      const item = items.find((x) => x.id === s.id);
      assert.ok(item, `${what}: GET /services?${f} lists ${skey}`);
      // The owner's view in a search, with its referrers.
      const { referrers, ...rest } = item.location;
      if (v === 'owner') assert.ok(Array.isArray(referrers), `${what}: GET /services?${f}: referrers to the owner`);
      check(res, v === 'owner' ? { ...rest, referrers: l.referrers } : item.location, `GET /services?${f}`);
      if (f.startsWith('near=')) {
        if (v === 'hidden') {
          assert.ok(!('distance_km' in item), `${what}: GET /services?${f}: no distance_km`);
          const visible = items.filter((x) => 'distance_km' in x);
          assert.ok(items.indexOf(item) >= visible.length, `${what}: GET /services?${f}: after every place with a distance`);
        } else {
          assert.equal(typeof item.distance_km, 'number', `${what}: GET /services?${f}: distance_km`);
        }
      }
    }
    // district=: matches only where the reader may see the district.
    res = await call('GET', `/api/v1/services?limit=500&district=${district}`, { session: sessions[who] });
    const byDistrict = ok(res, 200, `${what}: district=`).items;
    assert.deepEqual(byDistrict.some((x) => x.id === s.id), v !== 'hidden', `${what}: GET /services?district=${district}`);
    if (v === 'hidden') assertClean(res, key, `${what}: district=`);
    res = await call('GET', `/api/v1/services?limit=500&district=${district}&org_id=${owner}`, { session: sessions[who] });
    assert.deepEqual(ok(res, 200, `${what}: district=&org_id=`).items.some((x) => x.id === s.id), v !== 'hidden', `${what}: district= with org_id`);
    // Writes by whoever may not write here: refused, and the refusal shows nothing.
    if (!writes(who, ownerKey)) {
      res = await call('PATCH', `/api/v1/locations/${l.id}`, { session: sessions[who], body: { version: l.version, name: 'Taken (fictional)' } });
      forbidden(res, `${what}: PATCH /locations/{id}`);
      assertClean(res, key, `${what}: PATCH /locations/{id}`);
      res = await call('PATCH', `/api/v1/services/${s.id}`, { session: sessions[who], body: { version: svc[skey].version, name: 'Taken (fictional)' } });
      forbidden(res, `${what}: PATCH /services/{id}`);
      assertClean(res, key, `${what}: PATCH /services/{id}`);
      res = await call('PUT', `/api/v1/services/${s.id}/vacancies`, { session: sessions[who], body: { vacancies: 1 } });
      forbidden(res, `${what}: PUT /services/{id}/vacancies`);
      assertClean(res, key, `${what}: PUT vacancies`);
      res = await call('POST', '/api/v1/services', { session: sessions[who], body: { type: 'shelter', name: 'Borrowed (fictional)', location_id: l.id } });
      if (writerRoles.includes(roleOf[who])) invalid(res, ['location_id'], `${what}: POST /services at another organisation's place`);
      else forbidden(res, `${what}: POST /services`);
      assertNotAudited(res, `${what}: POST /services`);
      assertClean(res, key, `${what}: POST /services`);
    }
  }
}

test('a confidential location shows its address, district and position only to its organisation and its referrers, on every route', async () => {
  // The safe house: Pune's, Kathmandu may refer there.
  const safe = (who) => (homeOf[who] === 'pune' ? 'owner' : homeOf[who] === 'ktm' ? 'referrer' : 'hidden');
  await checkEverywhere('safe', 'girls', safe, 'Kathmandu refers');
  // The transit home: Kathmandu's alone.
  await checkEverywhere('transit', 'transit', (who) => (homeOf[who] === 'ktm' ? 'owner' : 'hidden'), 'nobody refers');
});

test('referrers: taking Kathmandu out hides the safe house from it again; putting Colombo in shows it to Colombo; not confidential shows all', async () => {
  let res = await call('PATCH', `/api/v1/locations/${loc.safe.id}`, { session: sessions.case_worker, body: { version: loc.safe.version, referrers: [] } });
  let l = ok(res, 200, 'PATCH referrers []');
  assertAudited(res, 'location.update', 'case_worker', 'location', l.id, 'PATCH referrers []');
  assert.deepEqual([l.referrers, l.version, l.address.address_1], [[], loc.safe.version + 1, loc.safe.address.address_1]);
  loc.safe = l;
  await checkEverywhere('safe', 'girls', (who) => (homeOf[who] === 'pune' ? 'owner' : 'hidden'), 'nobody refers');

  res = await call('PATCH', `/api/v1/locations/${loc.safe.id}`, { session: sessions.case_worker, body: { version: loc.safe.version, referrers: [org.colombo] } });
  l = ok(res, 200, 'PATCH referrers [Colombo]');
  assert.deepEqual(l.referrers, [org.colombo]);
  loc.safe = l;
  await checkEverywhere('safe', 'girls', (who) => (homeOf[who] === 'pune' ? 'owner' : homeOf[who] === 'colombo' ? 'referrer' : 'hidden'),
    'Colombo refers');

  // Not confidential: everyone sees everything (referrers still the owner's alone).
  res = await call('PATCH', `/api/v1/locations/${loc.transit.id}`, { session: sessions.org_admin, body: { version: loc.transit.version, confidential: false } });
  loc.transit = ok(res, 200, 'PATCH confidential false');
  assertAudited(res, 'location.update', 'org_admin', 'location', loc.transit.id, 'PATCH confidential false');
  await checkEverywhere('transit', 'transit', (who) => (homeOf[who] === 'ktm' ? 'owner' : 'referrer'), 'not confidential');
  res = await call('PATCH', `/api/v1/locations/${loc.transit.id}`, { session: sessions.org_admin, body: { version: loc.transit.version, confidential: true } });
  loc.transit = ok(res, 200, 'PATCH confidential true');
  await checkEverywhere('transit', 'transit', (who) => (homeOf[who] === 'ktm' ? 'owner' : 'hidden'), 'confidential again');

  // Back as the other tests found it.
  res = await call('PATCH', `/api/v1/locations/${loc.safe.id}`, { session: sessions.case_worker, body: { version: loc.safe.version, referrers: [org.ktm] } });
  loc.safe = ok(res, 200, 'PATCH referrers [Kathmandu]');
  assert.deepEqual(loc.safe.referrers, [org.ktm]);
  // An organisation that is not there: 422, nothing changed.
  res = await call('PATCH', `/api/v1/locations/${loc.safe.id}`, { session: sessions.case_worker, body: { version: loc.safe.version, referrers: [unknownId] } });
  invalid(res, ['referrers'], 'PATCH referrers [unknown]');
  assertNotAudited(res, 'PATCH referrers [unknown]');
  assert.deepEqual(ok(await call('GET', `/api/v1/locations/${loc.safe.id}`, { session: sessions.case_worker }), 200, 'after').referrers, [org.ktm]);
});

// ---- 1. writers -------------------------------------------------------------------------

test('only the owner organisation\'s case workers, investigators and org admins create services and locations', async () => {
  for (const who of everyone) {
    const home = homeOf[who];
    let res = await call('POST', '/api/v1/locations', { session: sessions[who], body: { name: `Demo Place of ${who} (fictional)`, country: 'NP' } });
    if (writes(who, home)) {
      const l = ok(res, 201, `POST /api/v1/locations as ${who}`);
      assert.equal(l.organization_id, org[home], `${who}: the own organisation's`);
      assertAudited(res, 'location.create', who, 'location', l.id, `POST /api/v1/locations as ${who}`);
      loc[`added_${who}`] = l;
      locOwner[`added_${who}`] = who;
    } else forbidden(res, `POST /api/v1/locations as ${who}`);
    res = await call('POST', '/api/v1/services', { session: sessions[who], body: { type: 'education', name: `Demo Classes of ${who} (fictional)`, status: 'inactive' } });
    if (writes(who, home)) {
      const s = ok(res, 201, `POST /api/v1/services as ${who}`);
      assert.equal(s.organization_id, org[home], `${who}: the own organisation's`);
      assertAudited(res, 'service.create', who, 'service', s.id, `POST /api/v1/services as ${who}`);
      svc[`added_${who}`] = s;
      svcOwner[`added_${who}`] = who;
    } else forbidden(res, `POST /api/v1/services as ${who}`);
  }
  // Nothing was made for anyone else.
  const pune = (await search('viewer', `org_id=${org.pune}&type=education`)).map((s) => s.name);
  assert.deepEqual(pune, ['Demo Classes of case_worker (fictional)'], 'Pune\'s: its case worker\'s only');
  const ktm = (await search('viewer', `org_id=${org.ktm}&type=education`)).map((s) => s.name).sort();
  assert.deepEqual(ktm, ['Demo Classes of investigator (fictional)', 'Demo Classes of ktm_case_worker (fictional)',
    'Demo Classes of org_admin (fictional)'], 'Kathmandu\'s: its writers\'');
  assert.deepEqual(await search('viewer', `org_id=${org.secretariat}`), [], 'none for the Secretariat: the platform admin does not write here');
});

test('only the owner organisation\'s writers change a service, its vacancies and a location; unknown ids 404', async () => {
  for (const who of everyone) {
    for (const [skey, lkey, owner] of [['legal', 'desk', 'ktm'], ['clinic', 'mumbai', 'pune']]) {
      const what = `${who} on ${owner}'s`;
      let res = await call('PATCH', `/api/v1/services/${svc[skey].id}`, {
        session: sessions[who], body: { version: svc[skey].version, description: `Changed by ${who} (fictional).` },
      });
      if (writes(who, owner)) {
        const s = ok(res, 200, `PATCH service: ${what}`);
        assert.deepEqual([s.description, s.version], [`Changed by ${who} (fictional).`, svc[skey].version + 1], `PATCH service: ${what}`);
        assertAudited(res, 'service.update', who, 'service', s.id, `PATCH service: ${what}`);
        svc[skey] = s;
      } else forbidden(res, `PATCH service: ${what}`);
      res = await call('PUT', `/api/v1/services/${svc[skey].id}/vacancies`, { session: sessions[who], body: { vacancies: 1 } });
      if (writes(who, owner)) {
        const s = ok(res, 200, `PUT vacancies: ${what}`);
        assertAudited(res, 'service.vacancies', who, 'service', s.id, `PUT vacancies: ${what}`);
        svc[skey] = s;
      } else forbidden(res, `PUT vacancies: ${what}`);
      res = await call('PATCH', `/api/v1/locations/${loc[lkey].id}`, {
        session: sessions[who], body: { version: loc[lkey].version, description: `Changed by ${who} (fictional).` },
      });
      if (writes(who, owner)) {
        const l = ok(res, 200, `PATCH location: ${what}`);
        assert.deepEqual([l.description, l.version], [`Changed by ${who} (fictional).`, loc[lkey].version + 1], `PATCH location: ${what}`);
        assertAudited(res, 'location.update', who, 'location', l.id, `PATCH location: ${what}`);
        loc[lkey] = l;
      } else forbidden(res, `PATCH location: ${what}`);
    }
  }
  // What the refused ones would have written is not there.
  for (const [k, last] of [['legal', 'ktm_case_worker'], ['clinic', 'case_worker']]) {
    const s = ok(await call('GET', `/api/v1/services/${svc[k].id}`, { session: sessions.viewer }), 200, k);
    assert.deepEqual([s.description, s.version], [`Changed by ${last} (fictional).`, svc[k].version], `${k}: the last writer's change`);
  }
  for (const who of ['investigator', 'case_worker']) {
    const as = { session: sessions[who] };
    for (const id of [unknownId, 'not-an-id']) {
      hidden(await call('PATCH', `/api/v1/services/${id}`, { ...as, body: { version: 1, name: 'Nowhere (fictional)' } }), `PATCH service ${id} as ${who}`);
      hidden(await call('PUT', `/api/v1/services/${id}/vacancies`, { ...as, body: { vacancies: 1 } }), `PUT vacancies ${id} as ${who}`);
      hidden(await call('PATCH', `/api/v1/locations/${id}`, { ...as, body: { version: 1, name: 'Nowhere (fictional)' } }), `PATCH location ${id} as ${who}`);
    }
  }
});

test('PATCH needs the version: without it 422, an old one 409 and nothing changed; a PUT of vacancies moves it on', async () => {
  const as = { session: sessions.investigator };
  const before = ok(await call('GET', `/api/v1/services/${svc.legal.id}`, as), 200, 'the legal aid');
  let res = await call('PATCH', `/api/v1/services/${svc.legal.id}`, { ...as, body: { name: 'No version (fictional)' } });
  invalid(res, ['version'], 'PATCH service without version');
  assertNotAudited(res, 'PATCH service without version');
  invalid(await call('PATCH', `/api/v1/services/${svc.legal.id}`, { ...as, body: { version: 'x', name: 'Bad version (fictional)' } }), ['version'],
    'PATCH service with a version that is no number');
  await putVacancies('legal', 2);
  res = await call('PATCH', `/api/v1/services/${svc.legal.id}`, { ...as, body: { version: before.version, name: 'Stale (fictional)', capacity: 1 } });
  problem(res, 409, 'PATCH service with the version before the PUT');
  assertNotAudited(res, 'PATCH service, stale');
  res = await call('PATCH', `/api/v1/services/${svc.legal.id}`, { ...as, body: { version: svc.legal.version + 5, name: 'Future (fictional)' } });
  problem(res, 409, 'PATCH service with a version from the future');
  const now = ok(await call('GET', `/api/v1/services/${svc.legal.id}`, as), 200, 'the legal aid after');
  assert.deepEqual(now, { ...before, version: svc.legal.version, updated_at: svc.legal.updated_at, capacity: svc.legal.capacity },
    'nothing but the vacancies changed');
  // A stale version wins over invalid fields: nothing is written either way.
  problem(await call('PATCH', `/api/v1/services/${svc.legal.id}`, { ...as, body: { version: before.version, type: 'brothel' } }), 409,
    'stale and invalid');

  const lbefore = ok(await call('GET', `/api/v1/locations/${loc.desk.id}`, as), 200, 'the desk');
  res = await call('PATCH', `/api/v1/locations/${loc.desk.id}`, { ...as, body: { name: 'No version (fictional)' } });
  invalid(res, ['version'], 'PATCH location without version');
  assertNotAudited(res, 'PATCH location without version');
  res = await call('PATCH', `/api/v1/locations/${loc.desk.id}`, { ...as, body: { version: lbefore.version - 1, name: 'Stale (fictional)', latitude: 0, longitude: 0 } });
  problem(res, 409, 'PATCH location with an old version');
  assertNotAudited(res, 'PATCH location, stale');
  assert.deepEqual(ok(await call('GET', `/api/v1/locations/${loc.desk.id}`, as), 200, 'the desk after'), lbefore, 'the location unchanged');
  // The current version works, and only once.
  res = await call('PATCH', `/api/v1/locations/${loc.desk.id}`, { ...as, body: { version: lbefore.version, city: 'Kathmandu Metropolitan' } });
  loc.desk = ok(res, 200, 'PATCH location with its version');
  assert.deepEqual([loc.desk.version, loc.desk.address.city, loc.desk.district, loc.desk.latitude], [lbefore.version + 1, 'Kathmandu Metropolitan',
    'NP-P3-kathmandu', at.kathmandu[0]], 'changed what was sent, kept the rest');
  problem(await call('PATCH', `/api/v1/locations/${loc.desk.id}`, { ...as, body: { version: lbefore.version, city: 'Again' } }), 409, 'the same version twice');
});

test('PATCH of a service: fields sent change, the rest stays; eligibility narrows and widens the search; inactive leaves it', async () => {
  const as = { session: sessions.case_worker };
  let res = await call('PATCH', `/api/v1/services/${svc.clinic.id}`, {
    ...as, body: { version: svc.clinic.version, genders: ['female', 'transgender'], minimum_age: 16, capacity: 20, email: 'clinic@demo.invalid' },
  });
  let s = ok(res, 200, 'PATCH the clinic');
  assertAudited(res, 'service.update', 'case_worker', 'service', s.id, 'PATCH the clinic');
  assert.deepEqual([s.eligibility, s.languages, s.capacity.capacity, s.email, s.url, s.location.id, s.name, s.service_type, s.version],
    [{ genders: ['female', 'transgender'], nationalities: [], minimum_age: 16, maximum_age: null }, ['hi', 'en', 'mr'], 20, 'clinic@demo.invalid',
      null, loc.mumbai.id, svc.clinic.name, 'medical', svc.clinic.version + 1], 'what was sent changed, the rest stayed');
  svc.clinic = s;
  assert.ok(!(await search('viewer', 'gender=male')).some((x) => x.id === s.id), 'no longer for men');
  assert.ok((await search('viewer', 'gender=transgender&age=16')).some((x) => x.id === s.id), 'for transgender people of 16');
  assert.ok(!(await search('viewer', 'age=15')).some((x) => x.id === s.id), 'no longer for 15-year-olds');
  res = await call('PATCH', `/api/v1/services/${svc.clinic.id}`, {
    ...as, body: { version: s.version, genders: ['female', 'male', 'transgender', 'other'], minimum_age: 0, nationalities: ['BD'] },
  });
  s = ok(res, 200, 'PATCH the clinic wider');
  assert.deepEqual(s.eligibility, { genders: ['female', 'male', 'transgender', 'other'], nationalities: ['BD'], minimum_age: 0, maximum_age: null });
  svc.clinic = s;
  assert.ok((await search('viewer', 'gender=male&age=15&nationality=BD')).some((x) => x.id === s.id), 'for a Bangladeshi boy of 15');
  assert.ok(!(await search('viewer', 'nationality=NP')).some((x) => x.id === s.id), 'not for Nepalis any more');
  // Moved to the safe house: its place as each reader may see it.
  res = await call('PATCH', `/api/v1/services/${svc.clinic.id}`, { ...as, body: { version: s.version, location_id: loc.safe.id } });
  s = ok(res, 200, 'PATCH location_id');
  assertView(s.location, loc.safe, 'owner', 'the answer to the PATCH');
  const seen = ok(await call('GET', `/api/v1/services/${s.id}`, { session: sessions.analyst }), 200, 'as the Colombo analyst');
  assertView(seen.location, loc.safe, 'hidden', 'moved behind a confidential address');
  assert.ok(!(await search('analyst', 'district=IN-MH-mumbai-city')).some((x) => x.id === s.id), 'no longer in Mumbai');
  res = await call('PATCH', `/api/v1/services/${svc.clinic.id}`, { ...as, body: { version: s.version, location_id: loc.mumbai.id, nationalities: [] } });
  svc.clinic = ok(res, 200, 'PATCH location_id back');
  assert.equal(svc.clinic.location.id, loc.mumbai.id);
  // Inactive: out of the directory but for org_id.
  res = await call('PATCH', `/api/v1/services/${svc.clinic.id}`, { ...as, body: { version: svc.clinic.version, status: 'inactive' } });
  svc.clinic = ok(res, 200, 'PATCH status inactive');
  assert.ok(!(await search('viewer')).some((x) => x.id === svc.clinic.id), 'an inactive service is not listed');
  assert.ok((await search('viewer', `org_id=${org.pune}`)).some((x) => x.id === svc.clinic.id), 'but with its org_id');
  ok(await call('GET', `/api/v1/services/${svc.clinic.id}`, { session: sessions.viewer }), 200, 'and by its id');
  res = await call('PATCH', `/api/v1/services/${svc.clinic.id}`, { ...as, body: { version: svc.clinic.version, status: 'active' } });
  svc.clinic = ok(res, 200, 'PATCH status active');
  assert.ok((await search('viewer')).some((x) => x.id === svc.clinic.id), 'listed again');
});

// ---- 2. validation --------------------------------------------------------------------

test('services: 422 names each wrong field; nothing is written', async () => {
  const as = { session: sessions.case_worker };
  const countBefore = (await search('viewer', `org_id=${org.pune}`)).length;
  const good = { type: 'shelter', name: 'Demo Invalid (fictional)' };
  const cases = [
    [{}, ['type', 'name']],
    [{ name: 'No type (fictional)' }, ['type']],
    [{ type: 'shelter' }, ['name']],
    [{ ...good, type: 'brothel' }, ['type']],
    [{ ...good, type: 'Shelter' }, ['type']],
    [{ ...good, name: '' }, ['name']],
    [{ ...good, name: 'x'.repeat(1000) }, ['name']],
    [{ ...good, status: 'closed' }, ['status']],
    [{ ...good, genders: ['woman'] }, ['genders']],
    [{ ...good, genders: 'female' }, ['genders']],
    [{ ...good, genders: ['female', 'female'] }, ['genders']],
    [{ ...good, genders: [1] }, ['genders']],
    [{ ...good, nationalities: ['XX'] }, ['nationalities']],
    [{ ...good, nationalities: ['Nepal'] }, ['nationalities']],
    [{ ...good, nationalities: ['NP', 'np'] }, ['nationalities']],
    [{ ...good, nationalities: Array.from({ length: 31 }, () => 'NP') }, ['nationalities']],
    [{ ...good, languages: ['EN'] }, ['languages']],
    [{ ...good, languages: ['english'] }, ['languages']],
    [{ ...good, languages: ['e'] }, ['languages']],
    [{ ...good, minimum_age: -1 }, ['minimum_age']],
    [{ ...good, minimum_age: 121 }, ['minimum_age']],
    [{ ...good, minimum_age: 12.5 }, ['minimum_age']],
    [{ ...good, minimum_age: '12' }, ['minimum_age']],
    [{ ...good, maximum_age: 121 }, ['maximum_age']],
    [{ ...good, maximum_age: -3 }, ['maximum_age']],
    [{ ...good, minimum_age: 18, maximum_age: 12 }, ['maximum_age']],
    [{ ...good, capacity: -1 }, ['capacity']],
    [{ ...good, capacity: 100001 }, ['capacity']],
    [{ ...good, capacity: '10' }, ['capacity']],
    [{ ...good, email: 'not-an-email' }, ['email']],
    [{ ...good, email: 'a b@demo.invalid' }, ['email']],
    [{ ...good, phone: '9800000000' }, ['phone']],
    [{ ...good, phone: '+977-98x0000000' }, ['phone']],
    [{ ...good, url: 'ftp://demo.invalid/' }, ['url']],
    [{ ...good, url: 'javascript:alert(1)' }, ['url']],
    [{ ...good, location_id: loc.desk.id }, ['location_id']],
    [{ ...good, location_id: loc.transit.id }, ['location_id']],
    [{ ...good, location_id: unknownId }, ['location_id']],
    [{ ...good, location_id: 'not-an-id' }, ['location_id']],
    [{ ...good, location_id: 7 }, ['location_id']],
    [{ ...good, colour: 'blue' }, ['colour']],
    [{ ...good, version: 1 }, ['version']],
    [{
      type: 'brothel', name: '', status: 'closed', genders: ['woman'], nationalities: ['XX'], languages: ['EN'], minimum_age: -1,
      maximum_age: 121, capacity: -1, email: 'nope', phone: '123', url: 'ftp://x', location_id: loc.desk.id,
    }, ['type', 'name', 'status', 'genders', 'nationalities', 'languages', 'minimum_age', 'maximum_age', 'capacity', 'email', 'phone', 'url',
      'location_id']],
  ];
  for (const [body, fields] of cases) {
    const res = await call('POST', '/api/v1/services', { ...as, body });
    invalid(res, fields, `POST /api/v1/services ${JSON.stringify(body).slice(0, 120)}`);
    assertNotAudited(res, `POST /api/v1/services ${JSON.stringify(body).slice(0, 80)}`);
  }
  assert.equal((await search('viewer', `org_id=${org.pune}`)).length, countBefore, 'no service was made');

  // A change: each wrong field named, the service unchanged.
  const girls = ok(await call('GET', `/api/v1/services/${svc.girls.id}`, as), 200, 'the girls shelter');
  for (const [body, fields] of [
    [{ minimum_age: 18 }, ['maximum_age']],
    [{ maximum_age: 11 }, ['maximum_age']],
    [{ type: 'brothel', genders: ['girl'] }, ['type', 'genders']],
    [{ name: '' }, ['name']],
    [{ location_id: loc.office.id }, ['location_id']],
    [{ capacity: -5, phone: 'call us' }, ['capacity', 'phone']],
    [{ vacancies: 3 }, ['vacancies']],
  ]) {
    const res = await call('PATCH', `/api/v1/services/${svc.girls.id}`, { ...as, body: { ...body, version: girls.version } });
    invalid(res, fields, `PATCH the girls shelter ${JSON.stringify(body)}`);
    assertNotAudited(res, `PATCH ${JSON.stringify(body)}`);
  }
  assert.deepEqual(ok(await call('GET', `/api/v1/services/${svc.girls.id}`, as), 200, 'the girls shelter after'), girls, 'unchanged');
});

test('vacancies: 422 above the capacity, negative, not a whole number or missing; nothing is written', async () => {
  const as = { session: sessions.case_worker };
  const girls = ok(await call('GET', `/api/v1/services/${svc.girls.id}`, as), 200, 'the girls shelter');
  assert.equal(girls.capacity.capacity, 10);
  for (const body of [{ vacancies: 11 }, { vacancies: -1 }, { vacancies: 2.5 }, { vacancies: '3' }, { vacancies: null }, {}]) {
    const res = await call('PUT', `/api/v1/services/${svc.girls.id}/vacancies`, { ...as, body });
    invalid(res, ['vacancies'], `PUT vacancies ${JSON.stringify(body)}`);
    assertNotAudited(res, `PUT vacancies ${JSON.stringify(body)}`);
  }
  invalid(await call('PUT', `/api/v1/services/${svc.girls.id}/vacancies`, { ...as, body: { vacancies: 1, version: girls.version } }), ['version'],
    'PUT vacancies with an unknown field');
  assert.deepEqual(ok(await call('GET', `/api/v1/services/${svc.girls.id}`, as), 200, 'after'), girls, 'unchanged');
  // The capacity itself is fine; without a capacity, up to 100 000.
  await putVacancies('girls', 10);
  await putVacancies('girls', 0);
  await putVacancies('girls', 3);
  assert.equal(svc.helpline.capacity.capacity, null, 'the helpline says no capacity');
  await putVacancies('helpline', 100000);
  const res = await call('PUT', `/api/v1/services/${svc.helpline.id}/vacancies`, { session: sessions.investigator, body: { vacancies: 100001 } });
  invalid(res, ['vacancies'], 'no capacity: 100001');
  assertNotAudited(res, 'no capacity: 100001');
  await putVacancies('helpline', 4);
});

test('locations: 422 names each wrong field (place, coordinates, confidential, referrers); nothing is written', async () => {
  const as = { session: sessions.case_worker };
  const countBefore = ok(await call('GET', '/api/v1/locations', as), 200, 'Pune\'s locations').items.length;
  const good = { name: 'Demo Invalid Place (fictional)', country: 'IN' };
  const cases = [
    [{}, ['name', 'country']],
    [{ country: 'IN' }, ['name']],
    [{ name: 'No country (fictional)' }, ['country']],
    [{ ...good, name: '' }, ['name']],
    [{ ...good, country: 'XX' }, ['country']],
    [{ ...good, country: 'IND' }, ['country']],
    [{ ...good, country: 'India' }, ['country']],
    [{ ...good, subdivision: 'NP-P3' }, ['subdivision']],
    [{ ...good, subdivision: 'IN-ZZ' }, ['subdivision']],
    [{ ...good, subdivision: 7 }, ['subdivision']],
    [{ ...good, district: 'NP-P3-kathmandu' }, ['district']],
    [{ ...good, district: 'IN-MH-nowhere' }, ['district']],
    [{ ...good, subdivision: 'IN-KA', district: 'IN-MH-pune' }, ['district']],
    [{ ...good, country: 'NP', district: 'IN-MH-pune' }, ['district']],
    [{ ...good, country: 'NP', subdivision: 'NP-P3', district: 'IN-UP-lalitpur' }, ['district']],
    [{ ...good, latitude: 90.5, longitude: 73 }, ['latitude']],
    [{ ...good, latitude: -91, longitude: 73 }, ['latitude']],
    [{ ...good, latitude: 18, longitude: 180.5 }, ['longitude']],
    [{ ...good, latitude: 18, longitude: -181 }, ['longitude']],
    [{ ...good, latitude: '18.5', longitude: 73 }, ['latitude']],
    [{ ...good, latitude: 18, longitude: true }, ['longitude']],
    [{ ...good, latitude: 18.5 }, ['longitude']],
    [{ ...good, longitude: 73.8 }, ['latitude']],
    [{ ...good, latitude: 18.5, longitude: null }, ['longitude']],
    [{ ...good, confidential: 'yes' }, ['confidential']],
    [{ ...good, confidential: 1 }, ['confidential']],
    [{ ...good, referrers: [unknownId] }, ['referrers']],
    [{ ...good, referrers: ['not-an-id'] }, ['referrers']],
    [{ ...good, referrers: org.ktm }, ['referrers']],
    [{ ...good, address: 7 }, ['address']],
    [{ ...good, colour: 'blue' }, ['colour']],
    [{ name: '', country: 'IN', subdivision: 'NP-P3', district: 'IN-MH-nowhere', latitude: 18, confidential: 'no', referrers: [unknownId] },
      ['name', 'subdivision', 'district', 'longitude', 'confidential', 'referrers']],
  ];
  for (const [body, fields] of cases) {
    const res = await call('POST', '/api/v1/locations', { ...as, body });
    invalid(res, fields, `POST /api/v1/locations ${JSON.stringify(body)}`);
    assertNotAudited(res, `POST /api/v1/locations ${JSON.stringify(body)}`);
  }
  // The edges are fine.
  const edge = ok(await call('POST', '/api/v1/locations', { ...as, body: { ...good, name: 'Demo Edge (fictional)', latitude: -90, longitude: 180 } }), 201, 'the edges');
  assert.deepEqual([edge.latitude, edge.longitude], [-90, 180]);
  loc.edge = edge;
  locOwner.edge = 'case_worker';
  assert.equal(ok(await call('GET', '/api/v1/locations', as), 200, 'after').items.length, countBefore + 1, 'only the edge was made');

  // A change: each wrong field named, the location unchanged.
  const safe = ok(await call('GET', `/api/v1/locations/${loc.safe.id}`, as), 200, 'the safe house');
  for (const [body, fields] of [
    [{ district: 'IN-KA-bengaluru-urban' }, ['district']],
    [{ subdivision: 'NP-P3' }, ['subdivision']],
    [{ latitude: 18.6 }, ['longitude']],
    [{ longitude: 200, latitude: 18 }, ['longitude']],
    [{ name: '', confidential: 'no' }, ['name', 'confidential']],
    [{ referrers: [org.ktm, unknownId] }, ['referrers']],
  ]) {
    const res = await call('PATCH', `/api/v1/locations/${loc.safe.id}`, { ...as, body: { ...body, version: safe.version } });
    invalid(res, fields, `PATCH the safe house ${JSON.stringify(body)}`);
    assertNotAudited(res, `PATCH ${JSON.stringify(body)}`);
  }
  assert.deepEqual(ok(await call('GET', `/api/v1/locations/${loc.safe.id}`, as), 200, 'the safe house after'), safe, 'unchanged');
});

// ---- 5. audit ----------------------------------------------------------------------------

test('audit: the trail holds one entry per write of the directory, each under its request in the writer\'s chain', () => {
  const counts = Object.fromEntries(sql(env, `SELECT action, count(*) FROM atip_audit WHERE action LIKE 'service.%' OR action LIKE 'location.%'
    GROUP BY action ORDER BY action`).map(([a, n]) => [a, Number(n)]));
  for (const a of ['location.create', 'location.update', 'service.create', 'service.update', 'service.vacancies'])
    assert.ok(counts[a] > 0, `some ${a} entries: ${JSON.stringify(counts)}`);
  assert.deepEqual(Object.keys(counts).sort(), ['location.create', 'location.update', 'service.create', 'service.update', 'service.vacancies'],
    'no other directory action');
  // Every location and service made here has its create entry, by its writer, in its organisation's chain.
  for (const [kind, recs, owners] of [['location', loc, locOwner], ['service', svc, svcOwner]]) {
    for (const [k, r] of Object.entries(recs)) {
      const rows = sql(env, `SELECT chain, actor_user, outcome FROM atip_audit WHERE action = '${kind}.create' AND record_id = ${q(r.id)}`);
      assert.deepEqual(rows, [[r.organization_id, sessions[owners[k]].user.id, 'ok']], `${kind} ${k}: one create entry`);
    }
  }
});

// ---- bugs found -----------------------------------------------------------------------------

test('the search shows the owner the referrers of its confidential location', async () => {
  const mine = (await search('case_worker', `org_id=${org.pune}`)).find((s) => s.id === svc.girls.id);
  const one = ok(await call('GET', `/api/v1/services/${svc.girls.id}`, { session: sessions.case_worker }), 200, 'GET /services/{id}');
  assert.deepEqual(one.location.referrers, [org.ktm], 'GET /services/{id}: the referrers');
  assert.deepEqual(mine.location.referrers, [org.ktm], 'GET /services: the same referrers as GET /services/{id}');
});

test('both coordinates out of range: 422 names latitude and longitude', async () => {
  const res = await call('POST', '/api/v1/locations', {
    session: sessions.case_worker, body: { name: 'Demo Nowhere (fictional)', country: 'IN', latitude: 91, longitude: 181 },
  });
  invalid(res, ['latitude', 'longitude'], 'POST /api/v1/locations, both coordinates out of range');
});

test('changing the country alone re-checks the subdivision and district it keeps', async () => {
  const as = { session: sessions.case_worker };
  const before = ok(await call('GET', `/api/v1/locations/${loc.mumbai.id}`, as), 200, 'the drop-in centre');
  const res = await call('PATCH', `/api/v1/locations/${loc.mumbai.id}`, { ...as, body: { version: before.version, country: 'LK' } });
  const after = ok(await call('GET', `/api/v1/locations/${loc.mumbai.id}`, as), 200, 'the drop-in centre after');
  if (res.status === 200) {
    // Put it back so that a rerun of the other checks is not confused.
    await call('PATCH', `/api/v1/locations/${loc.mumbai.id}`, { ...as, body: { version: res.json.version, country: 'IN' } });
  }
  assert.equal(res.status, 422, `PATCH {country: LK} on a place in IN-MH: expected 422, got ${res.status} ${res.text}`);
  assert.deepEqual(after, before, 'nothing changed');
});

test('an empty list means anyone, also after a PATCH and when sent as []', async () => {
  const listed = async (id, query) => (await search('viewer', query)).some((x) => x.id === id);
  const before = { male: await listed(svc.counselling.id, 'gender=male'), bd: await listed(svc.transit.id, 'nationality=BD') };
  assert.deepEqual(before, { male: true, bd: true }, 'the counselling is for any gender, the transit shelter for any nationality');
  for (const k of ['counselling', 'transit']) {
    const res = await call('PATCH', `/api/v1/services/${svc[k].id}`, {
      session: sessions.org_admin, body: { version: svc[k].version, description: 'Open to more people (fictional).' },
    });
    svc[k] = ok(res, 200, `PATCH the description of ${k} alone`);
  }
  assert.deepEqual([svc.counselling.eligibility.genders, svc.transit.eligibility.nationalities], [[], []], 'the API still says anyone');
  const made = ok(await call('POST', '/api/v1/services', {
    session: sessions.case_worker, body: { type: 'education', name: 'Demo Open Classes (fictional)', genders: [], nationalities: [] },
  }), 201, 'a service with empty lists');
  const after = {
    male: await listed(svc.counselling.id, 'gender=male'), bd: await listed(svc.transit.id, 'nationality=BD'),
    madeMale: await listed(made.id, 'gender=male'), madeBd: await listed(made.id, 'nationality=BD'),
  };
  assert.deepEqual(after, { male: true, bd: true, madeMale: true, madeBd: true }, 'no genders and no nationalities: anyone');
});

test('null clears an age bound, the capacity, a contact, the place, a position and a district', async () => {
  const as = { session: sessions.investigator };
  const s = ok(await call('POST', '/api/v1/services', {
    ...as, body: { type: 'education', name: 'Demo Evening Classes (fictional)', status: 'inactive', minimum_age: 14, capacity: 12,
      url: 'https://classes.demo.invalid/', location_id: loc.desk.id },
  }), 201, 'a service with all set');
  const l = ok(await call('POST', '/api/v1/locations', {
    ...as, body: { name: 'Demo Class Room (fictional)', country: 'NP', district: 'NP-P3-kathmandu', latitude: 27.7, longitude: 85.3 },
  }), 201, 'a location with all set');
  const s2 = ok(await call('PATCH', `/api/v1/services/${s.id}`, {
    ...as, body: { version: s.version, minimum_age: null, capacity: null, url: null, location_id: null },
  }), 200, 'PATCH the service with nulls');
  const l2 = ok(await call('PATCH', `/api/v1/locations/${l.id}`, {
    ...as, body: { version: l.version, latitude: null, longitude: null, district: null },
  }), 200, 'PATCH the location with nulls');
  assert.deepEqual({
    minimum_age: s2.eligibility.minimum_age, capacity: s2.capacity.capacity, url: s2.url, location: s2.location && s2.location.id,
    latitude: l2.latitude, longitude: l2.longitude, district: l2.district,
  }, { minimum_age: null, capacity: null, url: null, location: null, latitude: null, longitude: null, district: null }, 'all cleared');
});

test('a contact that is not a string is refused, naming it', async () => {
  for (const field of ['email', 'phone', 'url']) {
    const res = await call('POST', '/api/v1/services', {
      session: sessions.case_worker, body: { type: 'medical', name: `Demo Contact ${field} (fictional)`, status: 'inactive', [field]: 9779800000000 },
    });
    invalid(res, [field], `POST /api/v1/services {${field}: a number}`);
  }
});
