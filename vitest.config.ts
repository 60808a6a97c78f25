import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Child processes (git, the CLI, builds) behave better in forked workers than in threads.
    pool: 'forks',
    // Builds the CLI bundle and the cross-process test workers once per run.
    globalSetup: ['tests/global-setup.ts'],
    // Every test file gets its own HOME and git config.
    setupFiles: ['tests/helpers/setup.ts'],
  },
});
