/** The tags every taggable resource of a stack carries. */
import type { StackConfig } from "./types";

/** Tags this project always sets; user tags may not override them. */
export const REQUIRED_TAG_KEYS = ["project", "env", "owner"] as const;

/** Tags every taggable resource of the stack carries. */
export function stackTags(config: Pick<StackConfig, "project" | "env" | "owner" | "tags">): Record<string, string> {
  return { ...config.tags, project: config.project, env: config.env, owner: config.owner };
}
