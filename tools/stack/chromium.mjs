#!/usr/bin/env node
// `node tools/stack/chromium.mjs`: make sure Debian's Chromium is installed; prints its path.
import { ensureChromium } from './lib/installers/chromium.mjs';

ensureChromium({ log: (m) => process.stderr.write(`${m}\n`), versions: {} })
  .then((bin) => process.stdout.write(`${bin}\n`))
  .catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
