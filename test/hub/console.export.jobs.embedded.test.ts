// The hub's export jobs on the embedded hub (SQLite + folder store).
import { describe } from 'vitest';
import { embeddedBackend } from './hubFixture.ts';
import { consoleExportJobsSuite } from './console.export.jobs.suite.ts';

describe('hub console export jobs, embedded (SQLite + folder)', () => {
  consoleExportJobsSuite(async () => embeddedBackend(), { twoHubs: false });
});
