#!/usr/bin/env node
// The `millrace` command of the workspace (node_modules/.bin/millrace after `npm install`).
// It runs the built CLI, building it first when it is missing or older than its sources, so
// `npx millrace` works on a fresh clone and after a `git pull` without a separate build step.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const app = path.resolve(__dirname, '..');
const root = path.resolve(app, '..', '..');
const stamp = path.join(app, 'dist', '.tsbuildinfo');
const sources = [path.join(app, 'src'), ...['log-schema', 'query-language', 'api-client'].map((lib) => path.join(root, 'libs', lib, 'src'))];

function newestSource(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(path.join(app, 'dist', 'main.js')) && fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built === 0 || sources.some((dir) => newestSource(dir) > built)) {
  process.stderr.write('millrace: building the CLI (once after a change)…\n');
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-b', path.join(app, 'tsconfig.app.json')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const now = new Date();
    fs.utimesSync(stamp, now, now);
  } catch (error) {
    process.stderr.write(`millrace: the build failed (${error.message}); run npx tsc -b apps/cli/tsconfig.app.json to see why\n`);
    process.exit(1);
  }
}
require(path.join(app, 'dist', 'main.js')).main();
