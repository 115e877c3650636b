/**
 * The ml-pipeline guardrails as a Pulumi policy pack: `pulumi preview|up --policy-pack policy`, or the
 * Automation API's `policyPacks` (see `policyPackDirectories`). Constructing the PolicyPack starts the
 * gRPC server the CLI talks to, so nothing but the CLI (and one smoke test, in a child process) loads
 * this file; the policies themselves live in ./policies/.
 */
import { PolicyPack } from "@pulumi/policy";
import { guardrailPolicies } from "./policies";

new PolicyPack("ml-pipeline-guardrails", {
  description: "ml-pipeline guardrails: private, encrypted, versioned, TLS-only buckets; least-privilege IAM; the pipeline runs as the project's execution role; required tags; production safety.",
  enforcementLevel: "mandatory",
  policies: guardrailPolicies,
});
