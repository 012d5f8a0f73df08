/** jest in native ESM mode: `npm test` runs node with --experimental-vm-modules. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  transform: {'^.+\\.ts$': ['ts-jest', {useESM: true, diagnostics: false}]},
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
}
