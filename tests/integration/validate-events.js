#!/usr/bin/env node
// Validates gst-retail events against configs/schema/retail-event.v1.schema.json with ajv.
//   node validate-events.js <schema.json> <events.jsonl|event.json>...   every event must be valid
//   node validate-events.js <schema.json> --examples <dir>               one valid example per
//        $defs type, and each example made invalid (a required payload field removed, the
//        envelope's event_id broken) must be rejected, so the check itself can fail.
// Prints a one-line JSON summary; exits 1 on the first problems (listed on stderr).
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

function load(schemaPath) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  return { schema, validate: ajv.compile(schema) };
}

function eventsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return [JSON.parse(text)];
  return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try { return JSON.parse(l); } catch (e) { throw new Error(`${file}:${i + 1}: not JSON: ${e.message}`); }
  });
}

function main() {
  const args = process.argv.slice(2);
  if (args.length < 2) { console.error('usage: validate-events.js <schema> <files...> | --examples <dir>'); process.exit(2); }
  const { schema, validate } = load(args[0]);
  const problems = [];
  const summary = { valid: 0, invalid: 0, types: {} };
  const check = (ev, where) => {
    if (validate(ev)) { summary.valid++; summary.types[ev.type] = (summary.types[ev.type] || 0) + 1; return true; }
    summary.invalid++;
    if (problems.length < 10) problems.push(`${where}: ${JSON.stringify(validate.errors.slice(0, 3))}`);
    return false;
  };
  if (args[1] === '--examples') {
    const dir = args[2];
    const types = Object.keys(schema.$defs).filter((t) => t !== 'box');
    summary.rejected_mutations = 0;
    for (const t of types) {
      const f = path.join(dir, `${t}.json`);
      if (!fs.existsSync(f)) { problems.push(`no example for type '${t}' (${f})`); continue; }
      const ev = JSON.parse(fs.readFileSync(f, 'utf8'));
      if (ev.type !== t) problems.push(`${f}: type is '${ev.type}', expected '${t}'`);
      check(ev, f);
      for (const field of schema.$defs[t].required || []) {
        const bad = JSON.parse(JSON.stringify(ev));
        delete bad.payload[field];
        if (validate(bad)) problems.push(`${f}: still valid without payload.${field}`);
        else summary.rejected_mutations++;
      }
      const bad = JSON.parse(JSON.stringify(ev));
      bad.event_id = 'not-a-uuid';
      if (validate(bad)) problems.push(`${f}: still valid with a broken event_id`);
      else summary.rejected_mutations++;
    }
  } else {
    for (const file of args.slice(1)) eventsOf(file).forEach((ev, i) => check(ev, `${file}#${i + 1}`));
  }
  console.log(JSON.stringify(summary));
  if (problems.length > 0 || summary.invalid > 0) { problems.forEach((p) => console.error(p)); process.exit(1); }
}

main();
