// Verify and legal hold from the console on PostgreSQL + S3 (real servers; the suite's bucket has
// Object Lock, so a hold is also the object's legal hold).
import { pgS3Backend } from './hubFixture.ts';
import { consoleVerifySuite } from './console.verify.suite.ts';
import { describeWithService } from './services.ts';

describeWithService('s3', 'hub console verify and hold on S3', () => {
  describeWithService('pg', 'and PostgreSQL', () => {
    consoleVerifySuite(pgS3Backend);
  });
});
