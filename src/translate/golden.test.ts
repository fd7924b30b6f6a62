// Golden files: testdata/<case>.in.yaml (manifests) → <case>.out.yaml (the IR
// and the statuses translate() computes at a fixed time). Regenerate with
// PORTICO_UPDATE_GOLDEN=1, then read every changed output: a golden file
// that encodes a wrong answer is a bug.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { translate } from './index.ts';
import { resourcesFromYaml, TEST_CONTROLLER, TEST_NOW } from './testing.ts';

const dir = join(import.meta.dirname, 'testdata');
const update = process.env.PORTICO_UPDATE_GOLDEN === '1';

function goldenCases(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.in.yaml'))
    .map((f) => f.slice(0, -'.in.yaml'.length))
    .sort();
}

function renderGolden(name: string): string {
  const resources = resourcesFromYaml(readFileSync(join(dir, `${name}.in.yaml`), 'utf8'));
  const result = translate(resources, { controllerName: TEST_CONTROLLER, now: TEST_NOW });
  return stringify(result, { aliasDuplicateObjects: false, lineWidth: 0 });
}

for (const name of goldenCases()) {
  test(`golden: ${name}`, () => {
    const actual = renderGolden(name);
    const outPath = join(dir, `${name}.out.yaml`);
    if (update) writeFileSync(outPath, actual);
    assert.equal(actual, readFileSync(outPath, 'utf8'));
  });
}
