export * from "./claims.ts";
export * from "./keyring.ts";
export * from "./sign.ts";
export * from "./verify.ts";
