import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Property tests run thousands of scenarios; stores talk to real databases.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'development',
          include: ['test/**/*.test.ts'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json' },
        },
      },
      {
        // The property suite again with NODE_ENV=production, where states are not frozen
        // by default: what holds there must hold without freezing to enforce it.
        extends: true,
        test: {
          name: 'production',
          include: ['test/properties/**/*.test.ts'],
          setupFiles: ['test/setup/production-mode.ts'],
        },
      },
    ],
  },
})
