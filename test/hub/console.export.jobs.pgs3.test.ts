// The hub's export jobs on PostgreSQL + S3, with a second hub on the same database and bucket.
import { pgS3Backend } from './hubFixture.ts';
import { consoleExportJobsSuite } from './console.export.jobs.suite.ts';
import { describeWithService } from './services.ts';

describeWithService('s3', 'hub console export jobs on S3', () => {
  describeWithService('pg', 'and PostgreSQL', () => {
    consoleExportJobsSuite(pgS3Backend, { twoHubs: true });
  });
});
