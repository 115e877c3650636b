/** The IAM policy documents of one environment's stack, and the least-privilege lint they pass. */
export * from "./document";
export * from "./bucket";
export * from "./executionRole";
export * from "./modelRegistry";
export * from "./deployer";
export * from "./lint";
export * from "./approvalEvents";
export * from "./approvalEventsDeployer";
export * from "./servingRole";
export * from "./servingDeployer";
