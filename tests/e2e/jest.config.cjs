// End-to-end tests: the eight services as real processes against the test stack.
module.exports = require('../../jest.preset.cjs')({ dir: __dirname, testTimeout: 180000 });
