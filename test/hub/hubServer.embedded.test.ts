// The hub server suite on the embedded hub: SQLite index + folder store.
import { describe } from 'vitest';
import { embeddedBackend } from './hubFixture.ts';
import { hubServerSuite } from './hubServer.suite.ts';

describe('hub server, embedded (SQLite + folder)', () => {
  hubServerSuite(async () => embeddedBackend());
});
