/** Reads the running stack's config from the Pulumi runtime (the only Pulumi-specific part of config). */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "../stack/config";

export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack());
}
