// The AWS SDK for JavaScript v3 calls PollForJobs on a local server.
// Usage: node sdk_poll.cjs ENDPOINT ACCESS_KEY_ID SECRET_ACCESS_KEY WRONG_SECRET
//   (throwaway test credentials that the test also gives the server)
// Prints {protocol, status, found: <PollForJobs output>, notFound: <error>, badSignature: <error>}.
"use strict";
const { CodePipelineClient, PollForJobsCommand, ActionTypeNotFoundException } = require("@aws-sdk/client-codepipeline");

const KNOWN = { category: "Test", owner: "Custom", provider: "JenkinsProviderName", version: "1" };
const UNKNOWN = { category: "Build", owner: "Custom", provider: "NoSuchProvider", version: "1" };

function client(endpoint, accessKeyId, secretAccessKey) {
  return new CodePipelineClient({ region: "us-east-1", endpoint, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (error) {
    return {
      name: error.name,
      modeled: error instanceof ActionTypeNotFoundException,
      status: error.$metadata && error.$metadata.httpStatusCode,
      fault: error.$fault,
      message: error.message,
    };
  }
}

async function main() {
  const [endpoint, accessKeyId, secretAccessKey, wrongSecret] = process.argv.slice(2);
  const signed = client(endpoint, accessKeyId, secretAccessKey);
  const { $metadata, ...found } = await signed.send(
    new PollForJobsCommand({ actionTypeId: KNOWN, maxBatchSize: 5, queryParam: { ProjectName: "JenkinsTestProject" } }),
  );
  const notFound = await failure(signed.send(new PollForJobsCommand({ actionTypeId: UNKNOWN })));
  const badSignature = await failure(client(endpoint, accessKeyId, wrongSecret).send(new PollForJobsCommand({ actionTypeId: KNOWN })));
  const protocol = signed.config.protocol && signed.config.protocol.constructor.name;
  process.stdout.write(JSON.stringify({ protocol, status: $metadata.httpStatusCode, found, notFound, badSignature }));
}

main().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
});
