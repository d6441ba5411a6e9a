// The tests StrykerJS runs against each mutant of the modules that carry the promises (npm run mutation): the unit
// tests and the integration tests of the same modules that need no browser. Kept apart from vitest.config.ts so that
// `npm test` is unchanged.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/accounts/import.test.ts',
      'test/integration/accounts/secrets.test.ts',
      'test/integration/reports/reports.test.ts',
    ],
    exclude: ['test/unit/import-boundary.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
