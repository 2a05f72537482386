// Three tiers (see docs/testing.md): unit tests beside the code, integration tests against the
// machine's real PostgreSQL and Redis, e2e tests against built processes and real HTTP servers.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@txng/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@txng/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const base = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  // Jest reads testTimeout only at the top level; unit tests stay far below it.
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      // test/unit: checks of the repository itself (build and supply chain), no service needed.
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // The promise "nothing acknowledged is lost, nothing reaches the portal twice" under kill -9,
      // PostgreSQL and Redis restarts and portal faults (docs/RELIABILITY.md), plus every property
      // spec named *fuzz*, run longer here (FUZZ_RUNS) than in their own tier.
      ...base,
      displayName: 'reliability',
      testMatch: [
        '<rootDir>/test/reliability/**/*.reliability-spec.ts',
        '<rootDir>/{apps,libs,test}/**/*fuzz*.{spec,integration-spec,e2e-spec}.ts',
      ],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
