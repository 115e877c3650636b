/** Deploy on approval as plain data: the rule's pattern, the GitHub dispatch it sends, names and ARNs. */
export * from "./pattern";
export * from "./names";
