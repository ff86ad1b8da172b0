// STIX 2.1 bundles against the official OASIS JSON Schemas
// (tests/data/stix/schemas, draft 2020-12, with ajv's Ajv2020 and
// ajv-formats).  Every schema is added under its $id so that the relative
// $refs between them ("../common/core.json") resolve; some of their
// patterns are not valid with the u flag, hence unicodeRegExp: false.
//
//   import { stixValidator } from './stix_schema.mjs';
//   const validate = stixValidator();
//   assert.deepEqual(validate(bundle), []);
//
// validate(bundle) checks the bundle against common/bundle.json and each
// object against its type's schema (sdos/, sros/, observables/,
// common/marking-definition.json, ...); a custom type (x-...) against
// common/core.json, or common/cyber-observable-core.json when it has no
// created.  It returns the errors as strings, "" for none: "/objects/3:
// indicator: /pattern_type must be string".
//
// From the command line: node tests/api/stix_schema.mjs bundle.json ...
// prints each file's errors and exits 1 when there are any.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../data/stix/schemas');

export function stixValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  // ajv-formats has no idn-hostname (domain-name.json): any string passes.
  ajv.addFormat('idn-hostname', true);
  const byType = new Map();
  for (const sub of ['common', 'sdos', 'sros', 'observables']) {
    for (const f of fs.readdirSync(path.join(dir, sub)).filter((x) => x.endsWith('.json')).sort()) {
      const schema = JSON.parse(fs.readFileSync(path.join(dir, sub, f), 'utf8'));
      ajv.addSchema(schema);
      const type = f.replace(/\.json$/, '');
      if (sub !== 'common' || ['marking-definition', 'language-content', 'extension-definition', 'bundle'].includes(type))
        byType.set(type, schema.$id);
    }
  }
  const get = (type) => ajv.getSchema(byType.get(type));
  const core = ajv.getSchema(byType.get('bundle').replace(/bundle\.json$/, 'core.json'));
  const scoCore = ajv.getSchema(byType.get('bundle').replace(/bundle\.json$/, 'cyber-observable-core.json'));
  const say = (where, what, errors) => errors.map((e) => `${where}: ${what}: ${e.instancePath || '/'} ${e.message}${e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);

  return function validate(bundle) {
    const errors = [];
    const whole = get('bundle');
    if (!whole(bundle)) {
      // The per-object checks below say why an object fails; the bundle's
      // own errors are those outside /objects/<n>.
      const own = whole.errors.filter((e) => !/^\/objects\/\d+/.test(e.instancePath));
      errors.push(...say('', 'bundle', own));
      if (!own.length && !Array.isArray(bundle.objects)) errors.push(': bundle: invalid');
    }
    for (const [i, o] of (Array.isArray(bundle.objects) ? bundle.objects : []).entries()) {
      const type = o && o.type;
      let v = typeof type === 'string' && byType.has(type) && type !== 'bundle' ? get(type) : null;
      if (!v && typeof type === 'string' && type.startsWith('x-')) v = o.created ? core : scoCore;
      if (!v) {
        errors.push(`/objects/${i}: no schema for type ${JSON.stringify(type)}`);
        continue;
      }
      if (!v(o)) errors.push(...say(`/objects/${i}`, type, v.errors));
    }
    return errors;
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const validate = stixValidator();
  let bad = 0;
  for (const f of process.argv.slice(2)) {
    const errors = validate(JSON.parse(fs.readFileSync(f, 'utf8')));
    console.log(`${f}: ${errors.length ? `${errors.length} errors` : 'valid'}`);
    for (const e of errors) console.log(`  ${e}`);
    if (errors.length) bad = 1;
  }
  process.exit(bad);
}
