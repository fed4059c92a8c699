// Chart tests: render every chart with helm, validate the objects against the Kubernetes API
// schemas with kubeconform, assert what the charts promise. globalSetup installs helm and
// kubeconform when missing (tools/helm/ensure-tools.mjs) and packs the chart dependencies.
const preset = require('../jest.preset.cjs')({ dir: __dirname, testTimeout: 180000 });

module.exports = {
  ...preset,
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/test/global-setup.mjs',
};
