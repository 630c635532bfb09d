// The console suite on the embedded hub: SQLite index + folder store.
import { describe } from 'vitest';
import { embeddedBackend } from './hubFixture.ts';
import { consoleSuite } from './console.suite.ts';

describe('hub console, embedded (SQLite + folder)', () => {
  consoleSuite(async () => embeddedBackend());
});
