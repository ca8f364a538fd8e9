import { defineConfig } from 'vitest/config';

// The browser checks (issue #10): the built CLI's HTML report and swimlane SVG opened in a real
// headless Chromium (/usr/bin/chromium through playwright-core). One file, one browser, run alone.
export default defineConfig({
  test: {
    include: ['test-browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
