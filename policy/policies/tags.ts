/** The required-tags guardrail. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { REQUIRED_TAG_KEYS } from "../../stack/config";
import { TAGGABLE_TYPES, TAGGED_PACKAGES, UNTAGGABLE_TYPES, packageOf } from "../resourceTypes";
import { providerDefaultTags, subject, tagMap } from "../support";

/**
 * Required tags on every taggable aws / aws-native resource. A tag counts when it is in the resource's
 * own `tags`, in the `defaultTags` of the resource's provider (the provider applies those tags to the
 * resource itself, so a bucket object tagged only through defaultTags is tagged in AWS), or in `tagsAll`
 * (aws classic: own tags and provider defaultTags merged, as the engine may show them). A tag with an
 * empty value does not count.
 */
export const requiredTags: ResourceValidationPolicy = {
  name: "required-tags",
  description: `Every taggable AWS resource carries the tags ${REQUIRED_TAG_KEYS.join(", ")} (own tags, the provider's defaultTags, or tagsAll).`,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (!TAGGED_PACKAGES.includes(packageOf(args.type)) || UNTAGGABLE_TYPES.has(args.type)) return;
    if (!TAGGABLE_TYPES.has(args.type) && args.props.tags === undefined) return;
    const missing = (tags: Record<string, string>) => REQUIRED_TAG_KEYS.filter((key) => !tags[key]);
    // Sources are read lazily, the provider (always known) before tagsAll (computed, may be unknown during
    // preview): a later source is only read when the earlier ones fall short.
    let tags = tagMap(args.props.tags);
    if (missing(tags).length > 0) tags = { ...providerDefaultTags(args.provider?.props), ...tags };
    if (missing(tags).length > 0) tags = { ...tagMap(args.props.tagsAll), ...tags };
    const absent = missing(tags);
    if (absent.length > 0) {
      report(
        `${subject(args)} lacks the tag${absent.length === 1 ? "" : "s"} ${absent.join(", ")} (looked at tags, the provider's defaultTags and tagsAll). Fix: set ${absent.join(", ")} in its tags or in its provider's defaultTags (the project sets them from stackTags in stack/config/tags.ts).`,
      );
    }
  },
};
