// Verify and legal hold from the console on the embedded hub: SQLite index + folder store.
import { describe } from 'vitest';
import { embeddedBackend } from './hubFixture.ts';
import { consoleVerifySuite } from './console.verify.suite.ts';

describe('hub console verify and hold, embedded (SQLite + folder)', () => {
  consoleVerifySuite(async () => embeddedBackend());
});
