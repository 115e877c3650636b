/**
 * The SageMaker pipeline model, with no Pulumi and no AWS calls: the definition's types, expressions,
 * parameters, the step graph, validation, the compiler, the training code bundle, region facts, and
 * the project's Titanic pipeline. Importers may use this index or the individual modules.
 */
export * from "./definition";
export * from "./expressions";
export * from "./parameters";
export * from "./graph";
export * from "./validate";
export * from "./compile";
export * from "./canonicalJson";
export * from "./aws/formats";
export * from "./aws/regions";
export * from "./code/codeBundle";
export * from "./titanic";
