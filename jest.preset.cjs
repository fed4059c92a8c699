// Shared Jest settings: SWC transpiles TypeScript with decorator metadata (NestJS needs it),
// workspace libs resolve to their sources so tests never depend on a stale build.
const path = require('node:path');

module.exports = function preset({ dir, testTimeout = 30000 }) {
  return {
    displayName: path.basename(dir),
    rootDir: dir,
    testEnvironment: 'node',
    roots: ['<rootDir>/src', ...(require('node:fs').existsSync(path.join(dir, 'test')) ? ['<rootDir>/test'] : [])],
    testMatch: ['**/*.spec.ts', '**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['@swc/jest', {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      }],
    },
    moduleNameMapper: {
      '^@millrace/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
    },
    testTimeout,
    // Integration tests share one set of servers: run them one file at a time.
    maxWorkers: 1,
  };
};
