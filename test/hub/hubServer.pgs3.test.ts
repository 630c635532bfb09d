// The hub server suite on PostgreSQL + S3 (real servers from scripts/services/; skipped without
// them locally, failing under CI=true).
import { pgS3Backend } from './hubFixture.ts';
import { hubServerSuite } from './hubServer.suite.ts';
import { describeWithService } from './services.ts';

describeWithService('s3', 'hub server on S3', () => {
  describeWithService('pg', 'and PostgreSQL', () => {
    hubServerSuite(pgS3Backend);
  });
});
