import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real ffmpeg and a real Chromium on 2 cores: give them time, and run heavy files one at a time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // expect.poll waits on what a user would see; on a loaded 2-core box a page or the engine can take
    // seconds to get there (vitest's own default is 1 s). A wrong answer still fails, only later.
    expect: { poll: { timeout: 20_000 } },
    // Stations under test start without the public TSA list (no test reaches the internet); tests
    // that want trusted time run a local TSA, and test/unit/defaultTsa.test.ts lifts this.
    env: { PACKWITNESS_DEFAULT_TSA: 'off' },
    reporters: ['default', './test/helpers/plainSummary.ts'],
  },
});
