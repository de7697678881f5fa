/** ts-jest in native-ESM mode: tests import src/*.ts directly, with NodeNext ".js" specifiers. */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  transform: {'^.+\\.tsx?$': ['ts-jest', {useESM: true, tsconfig: 'tsconfig.test.json', diagnostics: {warnOnly: false}}]},
  setupFiles: ['<rootDir>/test/setup.cjs'],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
}
