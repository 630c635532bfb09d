// Export on the hub from the console, embedded hub: SQLite index + folder store (read in place).
import { describe } from 'vitest';
import { embeddedBackend } from './hubFixture.ts';
import { consoleExportSuite } from './console.export.suite.ts';

describe('hub console export, embedded (SQLite + folder)', () => {
  consoleExportSuite(async () => embeddedBackend());
});
