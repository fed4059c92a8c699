// Chromium for the console's browser tests and benchmark: Debian's package (never a browser
// download, which cannot work here), driven by playwright-core with its executablePath.
import fs from 'node:fs';
import { aptInstall } from './apt.mjs';

export const CHROMIUM = '/usr/bin/chromium';

/** The path of Debian's Chromium, installed with apt-get (and a font for the pages' text) if missing. */
export async function ensureChromium(ctx) {
  if (!fs.existsSync(CHROMIUM)) await aptInstall(ctx, ['chromium', 'fonts-dejavu-core'], 'Chromium for the console tests');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium: ${CHROMIUM} not found after apt-get install chromium`);
  return CHROMIUM;
}
