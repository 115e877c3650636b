/** The Pulumi program: config -> platform, with our own validation errors shown as plain messages. */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../stack/config";
import { NamingError } from "../stack/naming";
import { PipelineDefinitionError } from "../pipeline/validate";
import { createPlatform, type PlatformOutputs } from "./platform";
import { loadStackConfig } from "./stackConfig";

export function program(): PlatformOutputs {
  try {
    return createPlatform(loadStackConfig());
  } catch (error) {
    // RunError prints the message alone: the problem list is the useful part, a stack trace is noise.
    if (error instanceof ConfigError || error instanceof NamingError || error instanceof PipelineDefinitionError) {
      throw new pulumi.RunError(error.message);
    }
    throw error;
  }
}
