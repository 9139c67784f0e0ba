export * from "./protocol";
