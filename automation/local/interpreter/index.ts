/**
 * The interpreter of a compiled definition: runs its steps in dependency order (independent ones at
 * once), follows Condition branches, stops on the first failure, and records every step.
 */
export { interpret, type InterpretResult, type InterpreterOptions } from "./interpreter";
