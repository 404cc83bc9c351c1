// The AWS SDK for JavaScript v3 runs a job worker's loop against the local job service:
// poll, acknowledge, put success; then a wrong nonce, to see the modeled error.
// Usage: node sdk_job_worker.cjs ENDPOINT PROVIDER
// Prints {polled, acknowledged, succeeded, wrongNonce: {name, modeled, status}}.
"use strict";
const {
  CodePipelineClient,
  PollForJobsCommand,
  AcknowledgeJobCommand,
  PutJobSuccessResultCommand,
  InvalidNonceException,
} = require("@aws-sdk/client-codepipeline");

async function main() {
  const [endpoint, provider] = process.argv.slice(2);
  const client = new CodePipelineClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDLOCALEXAMPLE", secretAccessKey: "local-secret-key" },
    maxAttempts: 1,
  });
  const actionTypeId = { category: "Build", owner: "Custom", provider, version: "1" };
  const { jobs } = await client.send(new PollForJobsCommand({ actionTypeId, maxBatchSize: 1 }));
  const job = jobs[0];
  const { status } = await client.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: job.nonce }));
  await client.send(
    new PutJobSuccessResultCommand({ jobId: job.id, executionDetails: { summary: "from the JS SDK", percentComplete: 100 } }),
  );
  let wrongNonce = null;
  try {
    await client.send(new AcknowledgeJobCommand({ jobId: job.id, nonce: "1" }));
  } catch (error) {
    wrongNonce = { name: error.name, modeled: error instanceof InvalidNonceException, status: error.$metadata.httpStatusCode };
  }
  process.stdout.write(JSON.stringify({ polled: job.id, acknowledged: status, succeeded: job.id, wrongNonce }));
}

main().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
});
