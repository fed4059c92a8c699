#!/usr/bin/env node
// Packs the file:// dependencies of the Millrace charts, in order: millrace-common into each
// service chart, then the service charts into the millrace umbrella. The packed charts/*/charts/
// *.tgz and Chart.lock files are build output (git-ignored, see charts/.gitignore), rebuilt from
// scratch each time so that an edit of millrace-common is never hidden by a stale archive.
//
// usage: node tools/helm/build-deps.mjs        (also: import { buildChartDeps })

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_NAMES } from './chart-spec.mjs';
import { ensureHelmTools } from './ensure-tools.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const chartsDir = join(repoRoot, 'charts');
export const APP_CHARTS = APP_NAMES;
export const ALL_CHARTS = ['millrace-common', ...APP_CHARTS, 'millrace'];

export function buildChartDeps({ helm = ensureHelmTools({ quiet: true }).helm } = {}) {
  for (const chart of [...APP_CHARTS, 'millrace']) {
    const dir = join(chartsDir, chart);
    rmSync(join(dir, 'charts'), { recursive: true, force: true });
    rmSync(join(dir, 'Chart.lock'), { force: true });
    execFileSync(helm, ['dependency', 'update', '--skip-refresh', dir], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    const packed = existsSync(join(dir, 'charts')) ? readdirSync(join(dir, 'charts')) : [];
    if (packed.length === 0) throw new Error(`helm dependency update ${chart}: nothing packed`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  buildChartDeps();
  process.stdout.write(`chart dependencies packed in ${Date.now() - started} ms\n`);
}
