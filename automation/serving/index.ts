export * from "./serving";
