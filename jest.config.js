/** jest in native ESM mode (`npm test` runs node with --experimental-vm-modules): every test on Node, then the e2e suites again against the standalone executable. */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  transform: {'^.+\\.ts$': ['ts-jest', {useESM: true, diagnostics: false}]},
  testTimeout: 30000,
}

export default {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/standalone/'],
    },
    // The e2e suites again, every command run by this machine's standalone executable (test/standalone/setup.mjs says
    // how); `npm run test:standalone` runs only these. SI_PLUGIN_BIN=FILE tests that executable instead of a fresh build.
    {
      ...common,
      displayName: 'standalone',
      testMatch: ['<rootDir>/test/e2e/*.test.ts', '<rootDir>/test/standalone/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/standalone.test.ts', '<rootDir>/test/e2e/npm-package.test.ts'],
      globalSetup: '<rootDir>/test/standalone/global-setup.mjs',
      setupFiles: ['<rootDir>/test/standalone/setup.mjs'],
    },
  ],
}
