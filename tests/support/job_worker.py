"""A custom action's job worker in AWS's documented pattern, with boto3 and nothing local in it.

Against AWS it runs as it is; against `python -m pollforjobs.server --s3` it runs with
AWS_ENDPOINT_URL_CODEPIPELINE and AWS_ENDPOINT_URL_S3 pointing at the local service (boto3
reads both). For each job: poll, acknowledge (go on only when InProgress), download the input
artifacts with the job's artifact credentials, upload the output artifacts, and answer:
the first run of a job answers with a continuation token (long work goes on in the
continued job), the continued job finishes with output variables; a job whose configuration
says `"Fail": "yes"` fails with PutJobFailureResult.

    python examples/job_worker.py --provider MyTool [--category Build] [--version 1] [--once]
"""

from __future__ import annotations

import argparse
import io
from typing import Any

import boto3


def s3_for(job: dict[str, Any]) -> Any:
    credentials = job["data"]["artifactCredentials"]
    return boto3.client(
        "s3",
        aws_access_key_id=credentials["accessKeyId"],
        aws_secret_access_key=credentials["secretAccessKey"],
        aws_session_token=credentials["sessionToken"],
    )


def work(codepipeline: Any, job: dict[str, Any]) -> str:
    """Do one job; returns what was done."""
    job_id, data = job["id"], job["data"]
    if codepipeline.acknowledge_job(jobId=job_id, nonce=job["nonce"])["status"] != "InProgress":
        return "skipped"
    configuration = data.get("actionConfiguration", {}).get("configuration", {})
    if configuration.get("Fail") == "yes":
        codepipeline.put_job_failure_result(
            jobId=job_id, failureDetails={"type": "JobFailed", "message": "asked to fail"}
        )
        return "failed"
    if "continuationToken" in data:
        codepipeline.put_job_success_result(
            jobId=job_id,
            executionDetails={"summary": "finished", "percentComplete": 100},
            outputVariables={"result": "done"},
        )
        return "finished"
    s3 = s3_for(job)
    contents = b""
    for artifact in data.get("inputArtifacts", []):
        where = artifact["location"]["s3Location"]
        contents += s3.get_object(Bucket=where["bucketName"], Key=where["objectKey"])["Body"].read()
    for artifact in data.get("outputArtifacts", []):
        where = artifact["location"]["s3Location"]
        s3.upload_fileobj(io.BytesIO(contents.upper()), where["bucketName"], where["objectKey"])
    codepipeline.put_job_success_result(
        jobId=job_id,
        continuationToken="built",
        executionDetails={"summary": "artifacts uploaded", "percentComplete": 50},
    )
    return "continued"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--provider", required=True)
    options.add_argument("--category", default="Build")
    options.add_argument("--version", default="1")
    options.add_argument("--once", action="store_true", help="stop when a poll finds no job")
    args = options.parse_args()
    codepipeline = boto3.client("codepipeline")
    action_type = {"category": args.category, "owner": "Custom", "provider": args.provider, "version": args.version}
    while True:
        jobs = codepipeline.poll_for_jobs(actionTypeId=action_type, maxBatchSize=1)["jobs"]
        if not jobs and args.once:
            return
        for job in jobs:
            print(f"{job['id']}: {work(codepipeline, job)}", flush=True)


if __name__ == "__main__":
    main()
