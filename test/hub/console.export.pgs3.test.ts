// Export on the hub from the console on PostgreSQL + S3 (the clip is downloaded once for ffmpeg).
import { pgS3Backend } from './hubFixture.ts';
import { consoleExportSuite } from './console.export.suite.ts';
import { describeWithService } from './services.ts';

describeWithService('s3', 'hub console export on S3', () => {
  describeWithService('pg', 'and PostgreSQL', () => {
    consoleExportSuite(pgS3Backend);
  });
});
