/** Reads the running stack's config from the Pulumi runtime (the only Pulumi-specific part of config). */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, type StackConfig } from "./config";

export function loadStackConfig(): StackConfig {
  try {
    return parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack());
  } catch (error) {
    // RunError prints the message alone: the problems list is the useful part, a stack trace is noise.
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
