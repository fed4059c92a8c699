// Jest settings for the tools projects: their code is plain Node ESM (.mjs, no build step), so
// the tests are ES modules too (test/*.test.mjs), run untransformed with Node's VM modules
// (the project.json test target sets NODE_OPTIONS=--experimental-vm-modules).
const path = require('node:path');

module.exports = function toolsPreset({ dir, testTimeout = 30000 }) {
  return {
    displayName: `tools-${path.basename(dir)}`,
    rootDir: dir,
    testEnvironment: 'node',
    roots: ['<rootDir>/test'],
    testMatch: ['**/*.test.mjs'],
    transform: {},
    testTimeout,
    maxWorkers: 1,
  };
};
