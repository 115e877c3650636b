/**
 * One environment's stack as plain data (no Pulumi): the config contract, physical names, ARNs, IAM
 * documents and the config -> compiled pipeline mapping. Importers may use this index or the individual modules.
 */
export * from "./config";
export * from "./naming";
export * from "./arns";
export * from "./iam";
export * from "./stackPipeline";
