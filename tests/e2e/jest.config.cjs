// End-to-end tests: the eight services as real processes against the test stack. The clustered
// tests (src/cluster) run on a profile of their own: jest.cluster.config.cjs.
const preset = require('../../jest.preset.cjs')({ dir: __dirname, testTimeout: 180000 });

module.exports = { ...preset, testPathIgnorePatterns: ['/node_modules/', '<rootDir>/src/cluster/'] };
