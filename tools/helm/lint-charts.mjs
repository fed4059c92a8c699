#!/usr/bin/env node
// `nx run charts:lint`: `helm lint --strict` on every Millrace chart, with its defaults and with
// each scenario file under ci/. Installs helm if needed and packs the file:// dependencies first.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureHelmTools } from './ensure-tools.mjs';
import { ALL_CHARTS, buildChartDeps, chartsDir } from './build-deps.mjs';

const { helm } = ensureHelmTools();
buildChartDeps({ helm });
let failed = 0;
for (const chart of ALL_CHARTS) {
  const dir = join(chartsDir, chart);
  const ciDir = join(dir, 'ci');
  const scenarios = [[], ...(existsSync(ciDir) ? readdirSync(ciDir).filter((f) => f.endsWith('-values.yaml')).map((f) => ['-f', join(ciDir, f)]) : [])];
  for (const values of scenarios) {
    const label = `${chart}${values.length ? ` (${values[1].slice(dir.length + 1)})` : ''}`;
    try {
      execFileSync(helm, ['lint', '--strict', dir, ...values], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      process.stdout.write(`ok    ${label}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`FAIL  ${label}\n${err.stdout ?? ''}${err.stderr ?? ''}\n`);
    }
  }
}
if (failed) {
  process.stderr.write(`${failed} lint run(s) failed\n`);
  process.exit(1);
}
