#!/usr/bin/env node
// The installed `fixnet` command: runs the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";

register();
const { runFromTerminal } = await import("../src/cli.ts");
await runFromTerminal();
