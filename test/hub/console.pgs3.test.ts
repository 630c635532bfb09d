// The console suite on PostgreSQL + S3 (real servers from scripts/services/; skipped without them
// locally, failing under CI=true).
import { pgS3Backend } from './hubFixture.ts';
import { consoleSuite } from './console.suite.ts';
import { describeWithService } from './services.ts';

describeWithService('s3', 'hub console on S3', () => {
  describeWithService('pg', 'and PostgreSQL', () => {
    consoleSuite(pgS3Backend);
  });
});
