#!/usr/bin/env node
// The `ekomuna` command. TypeScript sources run through tsx's loader, so there is no build step between
// `npm install` and `npm start`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
const status = await main(process.argv.slice(2));
if (status !== 0) process.exit(status);
