// The clustered end-to-end tests (src/cluster): their globalSetup brings the `cluster-test`
// profile up — three NATS nodes, two OpenSearch nodes, two replicas of each pipeline service and
// of the query-api — and globalTeardown takes it down (MILLRACE_CLUSTER_KEEP=1 leaves it running).
// Not part of the default e2e run; `npm run test:cluster` or `nx run e2e:test-cluster`.
const preset = require('../../jest.preset.cjs')({ dir: __dirname, testTimeout: 300000 });

module.exports = {
  ...preset,
  displayName: 'e2e-cluster',
  roots: ['<rootDir>/src/cluster'],
  globalSetup: '<rootDir>/src/cluster/global-setup.mjs',
  globalTeardown: '<rootDir>/src/cluster/global-teardown.mjs',
};
